/*
 * stage.h: one step of the image pipeline on its own thread: a bounded
 * queue of caller-owned buffers ("slots") that a producer fills in order and
 * a consumer thread processes in the same order (image.c: downloaded bytes
 * -> hash and decompress; image bytes -> disk writes).
 *
 *   stage_start(&s, mem, slot_size, nslots, consume, ctx)
 *   for each piece:  slot = stage_slot(&s) ... fill slot->buf, slot->len,
 *                    slot->off ... stage_put(&s)
 *   stage_drain(&s)  wait until every slot handed over is consumed
 *   stage_stop(&s)   drain, end the thread
 *
 * One producer and one consumer; memory is the caller's (nslots * slot_size
 * bytes), nothing is allocated. A consumer that fails (returns -1 with its
 * err set) fails the stage: the slots still queued are dropped, and
 * stage_slot / stage_put / stage_drain return NULL / -1 with that error until
 * stage_reset. When no thread can be created (or `serial` is set) each slot
 * is consumed inside stage_put, on the producer's thread: the same order,
 * the same results.
 */
#ifndef SZTP_STAGE_H
#define SZTP_STAGE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define STAGE_SLOTS_MAX 8

struct stage_slot {
	uint8_t *buf;  /* slot_size bytes of the caller's memory */
	size_t len;    /* bytes filled */
	uint64_t off;  /* the producer's tag (image.c: the disk offset) */
};

/* Consume one slot; 0, or -1 with `e` set (the stage fails). */
typedef int (*stage_fn)(void *ctx, const struct stage_slot *s, struct err *e);

struct stage {
	/* private */
	stage_fn consume;
	void *ctx;
	size_t slot_size;
	int nslots;
	struct stage_slot slot[STAGE_SLOTS_MAX];
	unsigned filled;   /* slots handed over (producer) */
	unsigned consumed; /* slots done (consumer) */
	int busy;          /* the consumer is working on a slot */
	int failed;        /* the consumer failed: err holds why */
	int quit;
	int threaded;      /* a consumer thread runs */
	struct err err;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t th;
};

/*
 * Set up `s` over mem[nslots * slot_size] (2 <= nslots <= STAGE_SLOTS_MAX)
 * and start its consumer thread (none when `serial`, or when the thread
 * cannot be created: then stage_put consumes). Returns 0 or -1 (e set).
 */
int stage_start(struct stage *s, uint8_t *mem, size_t slot_size, int nslots, stage_fn consume,
		void *ctx, int serial, struct err *e);

/* The slot to fill next (len 0), waiting for one to be free; NULL (with `e`
 * set to the consumer's error) when the stage has failed. */
struct stage_slot *stage_slot(struct stage *s, struct err *e);

/* Hand the slot from stage_slot() to the consumer. 0, or -1 when the stage
 * has failed (e set). */
int stage_put(struct stage *s, struct err *e);

/* Wait until every slot handed over is consumed. 0, or -1 when the stage has
 * failed (e set to the consumer's error). */
int stage_drain(struct stage *s, struct err *e);

/* Without waiting: 0 when the consumer has not failed (so far), -1 with `e`
 * set to its error when it has. */
int stage_error(struct stage *s, struct err *e);

/* After a failure and a drain: forget the failure, start empty. */
void stage_reset(struct stage *s);

/* Drain (ignoring a failure), end the consumer thread. Safe to call twice. */
void stage_stop(struct stage *s);

#endif
