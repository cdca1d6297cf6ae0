/*
 * sink.h: a bounded byte buffer that BearSSL's decoders write into (their
 * "append" callbacks: br_pem_decoder_setdest, br_x509_decoder_init). Bytes
 * past the capacity are not written; `overflow` is set instead, and the
 * caller reports it.
 */
#ifndef SZTP_SINK_H
#define SZTP_SINK_H

#include <stddef.h>

struct sink {
	unsigned char *p;
	size_t len, cap;
	int overflow;
};

/* The callback: `ctx` is a struct sink. */
void sink_append(void *ctx, const void *buf, size_t len);

#endif
