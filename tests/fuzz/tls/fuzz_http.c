/*
 * fuzz_http.c: the HTTP response head parser, the Content-Range parser and
 * the chunked decoder. The first byte chooses the piece size for the chunked
 * decoder; the rest is a response: head (if complete) then a chunked body.
 * The body is decoded twice, in pieces and in one go: both must agree (the
 * decoder's state carries across reads exactly). The rest is also given to
 * the Content-Range parser as a value on its own.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tls/tls_http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_head h;
	struct http_chunked c;
	struct err e;
	const uint8_t *v;
	size_t vl, end, step, pos, total = 0;
	uint8_t *buf, *one;
	size_t one_used = 0;
	long one_n;
	int minor, st, failed = 0;

	if (size < 1)
		return 0;
	step = (size_t)data[0] + 1;
	data++;
	size--;

	if (http_parse_status((const char *)data, size < 64 ? size : 64, &minor, &st, &e) == 0 &&
	    (st < 100 || st > 599))
		abort();
	if (size < 64) {
		int64_t f, l, t;
		if (http_parse_content_range(data, size, &f, &l, &t, &e) == 0 &&
		    (f < 0 || l < f || t < -1 || (t >= 0 && l >= t)))
			abort();
	}
	end = http_head_end(data, size);
	if (end > size)
		abort();
	if (end && http_parse_head(data, end, &h, &e) == 0) {
		if (h.status < 100 || h.status > 599 || (h.chunked && h.content_length >= 0))
			abort();
		if (http_header_find(data, end, "content-type", &v, &vl) && (v < data || v + vl > data + end))
			abort();
		if (http_body_kind(&h, 1) != HTTP_BODY_NONE ||
		    (h.chunked && http_body_kind(&h, 0) != HTTP_BODY_CHUNKED &&
		     http_body_kind(&h, 0) != HTTP_BODY_NONE))
			abort();
		if (http_header_find(data, end, "content-range", &v, &vl)) {
			int64_t f, l, t;
			if (http_parse_content_range(v, vl, &f, &l, &t, &e) == 0 &&
			    (f < 0 || l < f || (t >= 0 && l >= t)))
				abort();
		}
	}

	/* chunked decoding of the rest in one go, into another buffer */
	buf = malloc(size - end + 1);
	one = malloc(size - end + 1);
	if (!buf || !one) {
		free(buf);
		free(one);
		return 0;
	}
	http_chunked_init(&c);
	one_n = http_chunked_decode(&c, data + end, size - end, &one_used, one, &e);
	if (one_n >= 0 && ((size_t)one_n > size - end || one_used > size - end ||
			   (one_used < size - end && !c.done)))
		abort();
	int one_done = c.done;
	/* and in pieces, in place: the same bytes, the same end */
	memcpy(buf, data + end, size - end);
	http_chunked_init(&c);
	for (pos = end; pos < size && !c.done;) {
		size_t n = size - pos < step ? size - pos : step, used;
		uint8_t *p = buf + (pos - end);
		long k = http_chunked_decode(&c, p, n, &used, p, &e);
		if (k < 0) {
			failed = 1;
			break;
		}
		if ((size_t)k > n || used > n || (used < n && !c.done))
			abort();
		memmove(buf + total, p, (size_t)k); /* gather the data at the front */
		total += (size_t)k;
		pos += used;
	}
	if (total > size)
		abort();
	if (!failed && one_n >= 0 &&
	    ((size_t)one_n != total || memcmp(one, buf, total) != 0 || one_done != c.done ||
	     (c.done && one_used != pos - end)))
		abort();
	if (failed != (one_n < 0))
		abort();
	free(buf);
	free(one);
	return 0;
}
