/* test_stage.c: the slot queue of the image pipeline (stage.c): order, a
 * consumer's failure and its message, on a thread and on the caller's. */
#include "unit.h"

#include "install/stage.h"

#include <string.h>

struct sink {
	int seen[16];
	int n;
	int fail_at; /* fail on this slot (its first byte), -1: never */
};

static int consume(void *ctx, const struct stage_slot *s, struct err *e)
{
	struct sink *k = ctx;
	if (s->buf[0] == k->fail_at)
		return err_set(e, "slot %d: write failed", s->buf[0]);
	if (k->n < 16)
		k->seen[k->n++] = s->buf[0];
	return 0;
}

static void run(int serial)
{
	static uint8_t mem[4 * 64];
	struct stage st;
	struct sink k = { { 0 }, 0, 3 };
	struct err e;
	int i;

	err_clear(&e);
	CHECK_EQ_INT(stage_start(&st, mem, 64, 4, consume, &k, serial, &e), 0);
	for (i = 0; i < 3; i++) {
		struct stage_slot *sl = stage_slot(&st, &e);
		CHECK(sl != NULL);
		sl->buf[0] = (uint8_t)i;
		sl->len = 1;
		CHECK_EQ_INT(stage_put(&st, &e), 0);
	}
	CHECK_EQ_INT(stage_drain(&st, &e), 0);
	CHECK_EQ_INT(stage_error(&st, &e), 0); /* no failure: nothing to say */
	CHECK_EQ_INT(k.n, 3);
	CHECK(k.seen[0] == 0 && k.seen[1] == 1 && k.seen[2] == 2);

	/* slot 3 fails: its message comes back from drain and from stage_error,
	 * without waiting, as often as asked */
	struct stage_slot *sl = stage_slot(&st, &e);
	CHECK(sl != NULL);
	sl->buf[0] = 3;
	sl->len = 1;
	stage_put(&st, &e); /* serial: fails here; threaded: later */
	err_clear(&e);
	CHECK_EQ_INT(stage_drain(&st, &e), -1);
	CHECK_EQ_STR(e.msg, "slot 3: write failed");
	err_clear(&e);
	CHECK_EQ_INT(stage_error(&st, &e), -1);
	CHECK_EQ_STR(e.msg, "slot 3: write failed");
	CHECK(stage_slot(&st, &e) == NULL);

	/* reset: empty and working again */
	stage_reset(&st);
	CHECK_EQ_INT(stage_error(&st, &e), 0);
	sl = stage_slot(&st, &e);
	CHECK(sl != NULL);
	sl->buf[0] = 7;
	sl->len = 1;
	CHECK_EQ_INT(stage_put(&st, &e), 0);
	CHECK_EQ_INT(stage_drain(&st, &e), 0);
	CHECK_EQ_INT(k.n, 4);
	CHECK_EQ_INT(k.seen[3], 7);
	stage_stop(&st);
}

TEST(stage_threaded_failure_is_named)
{
	run(0);
}

TEST(stage_serial_failure_is_named)
{
	run(1);
}
