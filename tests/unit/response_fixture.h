/*
 * response_fixture.h: build a get-bootstrapping-data output body carrying
 * unsigned conveyed information (ContentInfo id-ct-sztpConveyedInfoJSON,
 * [0] EXPLICIT OCTET STRING) for the bootstrap and onboarding unit tests.
 */
#ifndef SZTP_RESPONSE_FIXTURE_H
#define SZTP_RESPONSE_FIXTURE_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/b64.h"
#include "unit.h"

/* A DER length (at most 65535) at p; returns its size. */
static inline size_t fx_der_len(uint8_t *p, size_t n)
{
	if (n < 128) {
		p[0] = (uint8_t)n;
		return 1;
	}
	if (n < 256) {
		p[0] = 0x81;
		p[1] = (uint8_t)n;
		return 2;
	}
	p[0] = 0x82;
	p[1] = (uint8_t)(n >> 8);
	p[2] = (uint8_t)n;
	return 3;
}

/* The response body for conveyed-information `json` and reporting-level
 * `level` (NULL: none) into out[cap], in JSON or, with `xml`, in XML (the
 * namespace in the letter case a vendor's recipe writes, when `xml` is 2);
 * returns its length. */
static inline size_t mk_response_enc(const char *json, const char *level, void *out, size_t cap,
				     int xml)
{
	static const uint8_t oid[] = { 0x06, 0x0b, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01,
				       0x09, 0x10, 0x01, 0x2b };
	static uint8_t os[8192], ex[8192], ci[8192];
	static char b64[12000];
	size_t jl = strlen(json), n, k;
	int r;

	CHECK(jl + 32 < sizeof os);
	os[0] = 0x04;
	n = 1 + fx_der_len(os + 1, jl);
	memcpy(os + n, json, jl);
	n += jl;
	ex[0] = 0xa0;
	k = 1 + fx_der_len(ex + 1, n);
	memcpy(ex + k, os, n);
	k += n;
	ci[0] = 0x30;
	n = 1 + fx_der_len(ci + 1, sizeof oid + k);
	memcpy(ci + n, oid, sizeof oid);
	memcpy(ci + n + sizeof oid, ex, k);
	n += sizeof oid + k;
	CHECK(b64_encode(ci, n, b64, sizeof b64) > 0);
	if (xml)
		r = snprintf((char *)out, cap, "<output xmlns=\"urn:ietf:params:xml:ns:yang:ietf-%s-bootstrap-server\">\n"
			     "%s%s%s<conveyed-information>\n%s\n</conveyed-information>\n</output>\n",
			     xml == 2 ? "SZTP" : "sztp", level ? "<reporting-level>" : "",
			     level ? level : "", level ? "</reporting-level>\n" : "", b64);
	else
		r = snprintf((char *)out, cap, "{\"ietf-sztp-bootstrap-server:output\":{"
			     "\"conveyed-information\":\"%s\"%s%s%s}}", b64,
			     level ? ",\"reporting-level\":\"" : "", level ? level : "", level ? "\"" : "");
	CHECK(r > 0 && (size_t)r < cap);
	return (size_t)r;
}

/* The same in JSON. */
static inline size_t mk_response(const char *json, const char *level, void *out, size_t cap)
{
	return mk_response_enc(json, level, out, cap, 0);
}

#endif
