/*
 * sha256.h: the agent's SHA-256, a BearSSL hash class (br_hash_class) that
 * uses the CPU's SHA extensions when it has them.
 *
 * On x86-64 with the SHA extensions (CPUID leaf 7 EBX bit 29, with SSSE3
 * and SSE4.1, which the code also uses) the blocks are compressed by
 * nettle's SHA-NI code (sha256_ni_vtable); on any other CPU by BearSSL's
 * portable code (br_sha256_vtable). The choice is made once, from cpuid, at
 * the first call of sha256_class(). Both classes are the same function of
 * their input (tests/unit/base/test_sha256.c: FIPS 180-4 vectors, and the
 * two against each other on random data of random lengths), have the same
 * hash ID (br_sha256_ID), output, state and padding descriptors, and their
 * contexts fit a br_hash_compat_context, so either may be passed wherever
 * BearSSL takes a SHA-256 hash class (HMAC, the TLS handshake hash, X.509
 * signature hashes, ECDSA/RSA signing) and saved states move between them
 * (state() / set_state(), as BearSSL's multi-hash does).
 *
 * Users: the image path (image.c), CMS digests (trust/cms.c), signature
 * hashes (trust/x509.c), the TLS handshake and certificate hashes
 * (tls/tls_conn.c). BearSSL's TLS 1.2 PRF hashes with its own SHA-256 (a few
 * hundred bytes per connection: br_tls12_sha256_prf has no hash parameter).
 */
#ifndef SZTP_SHA256_H
#define SZTP_SHA256_H

#include <bearssl.h>
#include <stddef.h>
#include <stdint.h>

/* The SHA-256 class for this CPU: &sha256_ni_vtable or &br_sha256_vtable. */
const br_hash_class *sha256_class(void);

/* "sha-ni (nettle)" or "portable (BearSSL)": what sha256_class() returns. */
const char *sha256_impl_name(void);

/* 1 when this CPU has the SHA extensions (and SSSE3, SSE4.1), else 0. */
int sha256_cpu_has_ni(void);

/*
 * SHA-256 with the SHA extensions. Only valid when sha256_cpu_has_ni()
 * (elsewhere its instructions fault): use sha256_class(). Exposed for tests
 * that compare the two implementations.
 */
extern const br_hash_class sha256_ni_vtable;

/* One-shot: out = SHA-256(data[0..len)) with sha256_class(). */
void sha256_buf(const void *data, size_t len, uint8_t out[32]);

/*
 * Test hook: with on != 0, sha256_class() returns the portable
 * br_sha256_vtable whatever the CPU has, as on a CPU without the SHA
 * extensions; 0 restores the cpuid choice.
 */
void sha256_force_portable(int on);

#endif
