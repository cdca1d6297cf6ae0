/* stage.c: a bounded slot queue with one consumer thread (stage.h). */
#include "install/stage.h"

#include <string.h>

#define STAGE_STACK (256 * 1024)

static void *run(void *arg)
{
	struct stage *s = arg;
	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (!s->quit && s->consumed == s->filled)
			pthread_cond_wait(&s->cv, &s->mu);
		if (s->consumed == s->filled)
			break; /* quit, and nothing left */
		struct stage_slot *sl = &s->slot[s->consumed % (unsigned)s->nslots];
		struct err e;
		err_clear(&e);
		s->busy = 1;
		pthread_mutex_unlock(&s->mu);
		int r = s->consume(s->ctx, sl, &e);
		pthread_mutex_lock(&s->mu);
		s->busy = 0;
		if (r < 0) {
			s->failed = 1;
			s->err = e;
			s->consumed = s->filled; /* what is still queued is dropped */
		} else {
			s->consumed++;
		}
		pthread_cond_broadcast(&s->cv);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

int stage_start(struct stage *s, uint8_t *mem, size_t slot_size, int nslots, stage_fn consume,
		void *ctx, int serial, struct err *e)
{
	pthread_attr_t at;
	memset(s, 0, sizeof *s);
	if (nslots < 2 || nslots > STAGE_SLOTS_MAX || slot_size == 0)
		return err_set(e, "stage: bad geometry");
	s->ctx = ctx;
	s->slot_size = slot_size;
	s->nslots = nslots;
	for (int i = 0; i < nslots; i++)
		s->slot[i].buf = mem + (size_t)i * slot_size;
	if (pthread_mutex_init(&s->mu, NULL) != 0)
		return err_set(e, "stage: cannot set up a mutex");
	if (pthread_cond_init(&s->cv, NULL) != 0) {
		pthread_mutex_destroy(&s->mu);
		return err_set(e, "stage: cannot set up a condition variable");
	}
	s->consume = consume; /* set up: stage_stop has something to stop */
	if (serial)
		return 0;
	if (pthread_attr_init(&at) != 0)
		return 0;
	pthread_attr_setstacksize(&at, STAGE_STACK);
	s->threaded = pthread_create(&s->th, &at, run, s) == 0;
	pthread_attr_destroy(&at);
	return 0; /* no thread: stage_put consumes */
}

static int failed(struct stage *s, struct err *e)
{
	*e = s->err;
	return -1;
}

struct stage_slot *stage_slot(struct stage *s, struct err *e)
{
	struct stage_slot *sl = NULL;
	pthread_mutex_lock(&s->mu);
	while (!s->failed && s->filled - s->consumed >= (unsigned)s->nslots)
		pthread_cond_wait(&s->cv, &s->mu);
	if (s->failed)
		failed(s, e);
	else
		sl = &s->slot[s->filled % (unsigned)s->nslots];
	pthread_mutex_unlock(&s->mu);
	if (sl)
		sl->len = 0;
	return sl;
}

int stage_put(struct stage *s, struct err *e)
{
	int r = 0;
	pthread_mutex_lock(&s->mu);
	if (s->failed) {
		r = failed(s, e);
	} else if (s->threaded) {
		s->filled++;
		pthread_cond_broadcast(&s->cv);
	} else {
		struct stage_slot *sl = &s->slot[s->filled % (unsigned)s->nslots];
		s->filled++;
		if (s->consume(s->ctx, sl, e) < 0) {
			s->failed = 1;
			s->err = *e;
			r = -1;
		}
		s->consumed = s->filled;
	}
	pthread_mutex_unlock(&s->mu);
	return r;
}

int stage_drain(struct stage *s, struct err *e)
{
	int r = 0;
	pthread_mutex_lock(&s->mu);
	while (!s->failed && s->consumed != s->filled)
		pthread_cond_wait(&s->cv, &s->mu);
	/* after a failure the consumer may still be finishing its slot */
	while (s->busy)
		pthread_cond_wait(&s->cv, &s->mu);
	if (s->failed)
		r = failed(s, e);
	pthread_mutex_unlock(&s->mu);
	return r;
}

int stage_error(struct stage *s, struct err *e)
{
	int r = 0;
	pthread_mutex_lock(&s->mu);
	if (s->failed)
		r = failed(s, e);
	pthread_mutex_unlock(&s->mu);
	return r;
}

void stage_reset(struct stage *s)
{
	pthread_mutex_lock(&s->mu);
	s->failed = 0;
	s->filled = s->consumed = 0;
	err_clear(&s->err);
	pthread_mutex_unlock(&s->mu);
}

void stage_stop(struct stage *s)
{
	if (!s->consume)
		return;
	if (s->threaded) {
		struct err e;
		stage_drain(s, &e);
		pthread_mutex_lock(&s->mu);
		s->quit = 1;
		pthread_cond_broadcast(&s->cv);
		pthread_mutex_unlock(&s->mu);
		pthread_join(s->th, NULL);
		s->threaded = 0;
	}
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
	s->consume = NULL;
}
