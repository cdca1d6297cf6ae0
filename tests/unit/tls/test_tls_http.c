/* test_tls_http.c: HTTP/1.1 status line, header and chunked parsing. */
#include <string.h>

#include "tls/tls_http.h"
#include "unit.h"

static int head(const char *s, struct http_head *h, struct err *e)
{
	err_clear(e);
	return http_parse_head((const uint8_t *)s, strlen(s), h, e);
}

TEST(http_status_line)
{
	int minor, st;
	struct err e;
	CHECK_EQ_INT(http_parse_status("HTTP/1.1 200 OK", 15, &minor, &st, &e), 0);
	CHECK_EQ_INT(minor, 1);
	CHECK_EQ_INT(st, 200);
	CHECK_EQ_INT(http_parse_status("HTTP/1.0 404 Not Found", 22, &minor, &st, &e), 0);
	CHECK_EQ_INT(minor, 0);
	CHECK_EQ_INT(st, 404);
	CHECK_EQ_INT(http_parse_status("HTTP/1.1 204", 12, &minor, &st, &e), 0); /* no reason */
	CHECK_EQ_INT(st, 204);
	CHECK_EQ_INT(http_parse_status("HTTP/1.1 599 ", 13, &minor, &st, &e), 0);
}

TEST(http_status_line_rejects)
{
	static const char *const bad[] = {
		"", "HTTP/1.1", "HTTP/1.1 20", "HTTP/1.1 2000 OK", "HTTP/1.1 099 x",
		"HTTP/1.1 600 x", "HTTP/2 200 OK", "HTTP/1.1  200 OK", "http/1.1 200 OK",
		"HTTP/1.1 2x0 OK", "HTTP/1.1 200\tOK", "HTTP/1.1 200 O\x01K", "ICY 200 OK",
		"HTTP/1.x 200 OK",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int minor = -1, st = -1;
		struct err e;
		if (http_parse_status(bad[i], strlen(bad[i]), &minor, &st, &e) != -1)
			unit_fail(__FILE__, __LINE__, "accepted status line \"%s\"", bad[i]);
		CHECK(strncmp(e.msg, "http: ", 6) == 0);
		CHECK_EQ_INT(st, -1);
	}
}

TEST(http_head_end_finds_blank_line)
{
	const char *a = "HTTP/1.1 200 OK\r\nA: b\r\n\r\nBODY";
	const char *b = "HTTP/1.1 200 OK\nA: b\n\nBODY";
	const char *c = "HTTP/1.1 200 OK\r\nA: b\r\n";
	CHECK_EQ_INT(http_head_end((const uint8_t *)a, strlen(a)), strlen(a) - 4);
	CHECK_EQ_INT(http_head_end((const uint8_t *)b, strlen(b)), strlen(b) - 4);
	CHECK_EQ_INT(http_head_end((const uint8_t *)c, strlen(c)), 0);
	CHECK_EQ_INT(http_head_end((const uint8_t *)"\r\n", 2), 0);
	CHECK_EQ_INT(http_head_end((const uint8_t *)"", 0), 0);
}

TEST(http_head_fields)
{
	struct http_head h;
	struct err e;
	const uint8_t *v;
	size_t vl;
	const char *s = "HTTP/1.1 200 OK\r\n"
			"Content-Type:  application/yang-data+json \r\n"
			"content-length: 42\r\n"
			"Content-Length: 42\r\n"
			"Connection: Keep-Alive, CLOSE\r\n"
			"X-Empty:\r\n"
			"\r\n";
	CHECK_EQ_INT(head(s, &h, &e), 0);
	CHECK_EQ_INT(h.status, 200);
	CHECK_EQ_INT(h.minor, 1);
	CHECK_EQ_INT(h.content_length, 42);
	CHECK_EQ_INT(h.chunked, 0);
	CHECK_EQ_INT(h.close, 1);
	CHECK_EQ_STR(h.content_type, "application/yang-data+json");
	CHECK_EQ_INT(http_body_kind(&h, 0), HTTP_BODY_LENGTH);
	CHECK_EQ_INT(http_body_kind(&h, 1), HTTP_BODY_NONE);

	CHECK_EQ_INT(http_header_find((const uint8_t *)s, strlen(s), "CONTENT-TYPE", &v, &vl), 1);
	CHECK_EQ_INT(vl, 26);
	CHECK_EQ_MEM(v, "application/yang-data+json", 26);
	CHECK_EQ_INT(http_header_find((const uint8_t *)s, strlen(s), "x-empty", &v, &vl), 1);
	CHECK_EQ_INT(vl, 0);
	CHECK_EQ_INT(http_header_find((const uint8_t *)s, strlen(s), "Location", &v, &vl), 0);
	CHECK_EQ_INT(http_header_find((const uint8_t *)s, strlen(s), "Content", &v, &vl), 0);
}

TEST(http_head_body_kinds)
{
	struct http_head h;
	struct err e;
	CHECK_EQ_INT(head("HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n", &h, &e), 0);
	CHECK_EQ_INT(h.chunked, 1);
	CHECK_EQ_INT(h.content_length, -1);
	CHECK_EQ_INT(http_body_kind(&h, 0), HTTP_BODY_CHUNKED);
	CHECK_EQ_INT(head("HTTP/1.0 200 OK\n\n", &h, &e), 0); /* bare LF accepted */
	CHECK_EQ_INT(h.close, 1);
	CHECK_EQ_INT(http_body_kind(&h, 0), HTTP_BODY_CLOSE);
	CHECK_EQ_INT(head("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\n", &h, &e), 0);
	CHECK_EQ_INT(h.close, 0);
	CHECK_EQ_INT(head("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n", &h, &e), 0);
	CHECK_EQ_INT(http_body_kind(&h, 0), HTTP_BODY_NONE);
	CHECK_EQ_INT(head("HTTP/1.1 304 Not Modified\r\n\r\n", &h, &e), 0);
	CHECK_EQ_INT(http_body_kind(&h, 0), HTTP_BODY_NONE);
	CHECK_EQ_INT(head("HTTP/1.1 100 Continue\r\n\r\n", &h, &e), 0);
	CHECK_EQ_INT(http_body_kind(&h, 0), HTTP_BODY_NONE);
	CHECK_EQ_INT(head("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", &h, &e), 0);
	CHECK_EQ_INT(h.content_length, 0);
}

TEST(http_head_rejects)
{
	static const struct {
		const char *s;
		const char *msg;
	} bad[] = {
		{ "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", "conflicting" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "Content-Length" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 1 2\r\n\r\n", "Content-Length" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n", "Content-Length" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 1,1\r\n\r\n", "Content-Length" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n", "Content-Length" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 9999999999999999999\r\n\r\n", "Content-Length" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", "both" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", "unsupported Transfer-Encoding" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", "repeated" },
		{ "HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\n", "malformed header" },
		{ "HTTP/1.1 200 OK\r\n: x\r\n\r\n", "malformed header" },
		{ "HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", "malformed header" },
		{ "HTTP/1.1 200 OK\r\nA: b\r\n c\r\n\r\n", "folding" },
		{ "HTTP/1.1 200 OK\r\nA: b\x01\r\n\r\n", "malformed header" },
		{ "HTTP/1.1 200 OK\r\nA: b\x7f\r\n\r\n", "malformed header" },
		{ "HTTP/1.1 200 OK\r\nA: b\rc\r\n\r\n", "bare CR" },
		{ "HTTP/1.1 200 O\rK\r\n\r\n", "bare CR" },
		{ "HTTP/1.1 200 OK\r\nA: b\r\n", "not terminated" },
		{ "HTTP/1.1 200 OK", "incomplete" },
		{ "HTTP/1.1 200 OK\r\n\r\nX", "data after" },
		{ "HTTP/1.1 999 OK\r\n\r\n", "out of range" },
		{ "\r\nHTTP/1.1 200 OK\r\n\r\n", "status line" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct http_head h;
		struct err e;
		if (head(bad[i].s, &h, &e) != -1)
			unit_fail(__FILE__, __LINE__, "accepted head %zu", i);
		if (!strstr(e.msg, bad[i].msg))
			unit_fail(__FILE__, __LINE__, "head %zu: message \"%s\" lacks \"%s\"", i,
				  e.msg, bad[i].msg);
	}
}

TEST(http_head_limits)
{
	static char s[HTTP_HEAD_MAX + 64];
	struct http_head h;
	struct err e;
	size_t n;

	strcpy(s, "HTTP/1.1 200 OK\r\n");
	for (int i = 0; i < HTTP_HEADERS_MAX; i++)
		strcat(s, "A: b\r\n");
	strcat(s, "\r\n");
	CHECK_EQ_INT(head(s, &h, &e), 0);
	strcpy(s + strlen(s) - 2, "A: b\r\n\r\n");
	CHECK_EQ_INT(head(s, &h, &e), -1);
	CHECK(strstr(e.msg, "more than 100") != NULL);

	strcpy(s, "HTTP/1.1 200 OK\r\nA: ");
	n = strlen(s);
	memset(s + n, 'x', HTTP_HEAD_MAX);
	strcpy(s + n + HTTP_HEAD_MAX - 10, "\r\n\r\n");
	CHECK_EQ_INT(head(s, &h, &e), -1);
	CHECK(strstr(e.msg, "longer than") != NULL);

	strcpy(s, "HTTP/1.1 200 OK\r\nContent-Type: ");
	n = strlen(s);
	memset(s + n, 'x', HTTP_CTYPE_MAX + 1);
	strcpy(s + n + HTTP_CTYPE_MAX + 1, "\r\n\r\n");
	CHECK_EQ_INT(head(s, &h, &e), -1);
	CHECK(strstr(e.msg, "Content-Type") != NULL);
}

/* Decode `in` in pieces of `step` bytes; returns data length or -1. */
static long chunked_all(const char *in, size_t step, char *out, size_t *rest, struct err *e)
{
	struct http_chunked c;
	uint8_t buf[256];
	size_t len = strlen(in), pos = 0, o = 0;

	if (step > sizeof buf)
		step = sizeof buf;
	http_chunked_init(&c);
	while (pos < len && !c.done) {
		size_t n = len - pos < step ? len - pos : step, used;
		long k;
		memcpy(buf, in + pos, n);
		k = http_chunked_decode(&c, buf, n, &used, buf, e); /* in place */
		if (k < 0)
			return -1;
		memcpy(out + o, buf, (size_t)k);
		o += (size_t)k;
		pos += used;
		if (used < n && !c.done)
			return -2;
	}
	out[o] = '\0';
	if (rest)
		*rest = len - pos;
	return c.done ? (long)o : -3;
}

TEST(http_chunked_decodes)
{
	const char *in = "7\r\nhello, \r\n8;ext=\"a b\"\r\nchunked \r\n6 \t;x\r\nworld\n\r\n"
			 "0\r\nX-Trailer: yes\r\nY: z\r\n\r\nNEXT";
	char out[256];
	struct err e;
	size_t rest;

	for (size_t step = 1; step <= 64; step++) {
		long n = chunked_all(in, step, out, &rest, &e);
		if (n != 21)
			unit_fail(__FILE__, __LINE__, "step %zu: %ld (%s)", step, n, e.msg);
		CHECK_EQ_STR(out, "hello, chunked world\n");
		CHECK_EQ_INT(rest, 4); /* "NEXT" left for the next response */
	}
	CHECK_EQ_INT(chunked_all("0\r\n\r\n", 5, out, &rest, &e), 0);
	CHECK_EQ_INT(chunked_all("0\n\n", 3, out, &rest, &e), 0);
	CHECK_EQ_INT(chunked_all("A\r\n0123456789\r\n0\r\n\r\n", 100, out, &rest, &e), 10);
	CHECK_EQ_INT(chunked_all("a\r\n0123456789\r\n000\r\n\r\n", 100, out, &rest, &e), 10);
}

TEST(http_chunked_rejects)
{
	static const struct {
		const char *s;
		const char *msg;
	} bad[] = {
		{ "\r\n", "missing chunk size" },
		{ ";x\r\n", "bad chunk size" },
		{ "g\r\n", "bad chunk size" },
		{ "-1\r\n", "bad chunk size" },
		{ "1 2\r\n", "bad chunk size" },
		{ "1\rx", "bare CR" },
		{ "3\r\nabcX", "missing CRLF" },
		{ "3\r\nabc\rX", "missing CRLF" },
		{ "1;\x01\r\n", "control character" },
		{ "10000000000000000\r\n", "too large" },
		{ "0\r\n: bad\r\n\r\n", "malformed trailer" },
		{ "0\r\nA: b\x01\r\n\r\n", "control character in trailer" },
		{ "0\r\nA: b\rX", "bare CR in trailer" },
		{ "0\r\n\rX", "bare CR after trailer" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char out[64];
		struct err e;
		err_clear(&e);
		if (chunked_all(bad[i].s, 64, out, NULL, &e) != -1)
			unit_fail(__FILE__, __LINE__, "accepted chunked %zu", i);
		if (!strstr(e.msg, bad[i].msg))
			unit_fail(__FILE__, __LINE__, "chunked %zu: message \"%s\" lacks \"%s\"", i,
				  e.msg, bad[i].msg);
	}
}

TEST(http_chunked_limits)
{
	static char s[HTTP_CHUNK_LINE_MAX + HTTP_TRAILER_MAX + 64];
	char out[64];
	struct err e;
	struct http_chunked c;
	size_t used;

	memset(s, 0, sizeof s);
	strcpy(s, "1;");
	memset(s + 2, 'x', HTTP_CHUNK_LINE_MAX);
	http_chunked_init(&c);
	CHECK_EQ_INT(http_chunked_decode(&c, (const uint8_t *)s, strlen(s), &used, (uint8_t *)s, &e), -1);
	CHECK(strstr(e.msg, "size line longer") != NULL);

	strcpy(s, "0\r\nA: ");
	memset(s + 6, 'x', HTTP_TRAILER_MAX);
	CHECK_EQ_INT(chunked_all(s, 4096, out, NULL, &e), -1);
	CHECK(strstr(e.msg, "trailer longer") != NULL);

	/* incomplete input is not an error, just not done */
	http_chunked_init(&c);
	CHECK_EQ_INT(http_chunked_decode(&c, (const uint8_t *)"5\r\nab", 5, &used, (uint8_t *)out, &e), 2);
	CHECK_EQ_INT(used, 5);
	CHECK_EQ_INT(c.done, 0);
}

TEST(http_content_range)
{
	int64_t f, l, t;
	struct err e;
	static const char *const bad[] = {
		"", "bytes", "bytes 1-2", "items 0-1/2", "bytes 5-4/10", "bytes 0-10/10",
		"bytes -1-2/3", "bytes 0-1/2x", "bytes 0 -1/2", "bytes 1234567890123456789-2/3",
		"bytes 0-1/", "bytes 0-1/**",
	};
	CHECK_EQ_INT(http_parse_content_range((const uint8_t *)"bytes 100-199/1000", 18, &f, &l, &t, &e), 0);
	CHECK_EQ_INT(f, 100);
	CHECK_EQ_INT(l, 199);
	CHECK_EQ_INT(t, 1000);
	CHECK_EQ_INT(http_parse_content_range((const uint8_t *)"bytes 0-0/*", 11, &f, &l, &t, &e), 0);
	CHECK_EQ_INT(t, -1);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (http_parse_content_range((const uint8_t *)bad[i], strlen(bad[i]), &f, &l, &t, &e) != -1)
			unit_fail(__FILE__, __LINE__, "accepted Content-Range \"%s\"", bad[i]);
}
