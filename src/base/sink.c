/* sink.c: a bounded byte buffer for BearSSL decoder callbacks (see sink.h). */
#include "base/sink.h"

#include <string.h>

void sink_append(void *ctx, const void *buf, size_t len)
{
	struct sink *s = ctx;
	if (s->overflow || len > s->cap - s->len) {
		s->overflow = 1;
		return;
	}
	memcpy(s->p + s->len, buf, len);
	s->len += len;
}
