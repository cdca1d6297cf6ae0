/*
 * fuzz_http.c: the HTTP response head parser and the chunked decoder.
 * The first byte chooses the piece size for the chunked decoder; the rest is
 * a response: head (if complete) then a chunked body.
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
	uint8_t *buf;
	int minor, st;

	if (size < 1)
		return 0;
	step = (size_t)data[0] + 1;
	data++;
	size--;

	if (http_parse_status((const char *)data, size < 64 ? size : 64, &minor, &st, &e) == 0 &&
	    (st < 100 || st > 599))
		abort();
	end = http_head_end(data, size);
	if (end > size)
		abort();
	if (end && http_parse_head(data, end, &h, &e) == 0) {
		if (h.status < 100 || h.status > 599 || (h.chunked && h.content_length >= 0))
			abort();
		if (http_header_find(data, end, "content-type", &v, &vl) && (v < data || v + vl > data + end))
			abort();
		(void)http_body_kind(&h, 0);
		if (http_header_find(data, end, "content-range", &v, &vl)) {
			int64_t f, l, t;
			if (http_parse_content_range(v, vl, &f, &l, &t, &e) == 0 &&
			    (f < 0 || l < f || (t >= 0 && l >= t)))
				abort();
		}
	}

	/* chunked decoding of the rest, in pieces, in place */
	buf = malloc(size - end + 1);
	if (!buf)
		return 0;
	memcpy(buf, data + end, size - end);
	http_chunked_init(&c);
	for (pos = end; pos < size && !c.done;) {
		size_t n = size - pos < step ? size - pos : step, used;
		uint8_t *p = buf + (pos - end);
		long k = http_chunked_decode(&c, p, n, &used, p, &e);
		if (k < 0)
			break;
		if ((size_t)k > n || used > n || (used < n && !c.done))
			abort();
		total += (size_t)k;
		pos += used;
	}
	if (total > size)
		abort();
	free(buf);
	return 0;
}
