/*
 * wire_fixtures.h: building network messages byte by byte for the net unit
 * tests (DNS, DHCPv6): big-endian integers and raw bytes appended to a
 * fixed buffer.
 */
#ifndef SZTP_WIRE_FIXTURES_H
#define SZTP_WIRE_FIXTURES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A message under construction: n bytes of b are written. */
struct mb {
	uint8_t b[4096];
	size_t n;
};

static inline void u8(struct mb *m, unsigned v) { m->b[m->n++] = (uint8_t)v; }
static inline void u16(struct mb *m, unsigned v) { u8(m, v >> 8); u8(m, v & 0xff); }
static inline void u32(struct mb *m, unsigned long v)
{
	u16(m, (unsigned)(v >> 16));
	u16(m, (unsigned)(v & 0xffff));
}
static inline void raw(struct mb *m, const void *p, size_t n)
{
	memcpy(m->b + m->n, p, n);
	m->n += n;
}

#endif
