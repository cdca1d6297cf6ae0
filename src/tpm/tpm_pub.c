/* tpm_pub.c: a TPM key's public part (see tpm_pub.h). */
#include "tpm/tpm_pub.h"

#include <string.h>

#include "base/b64.h"

size_t tpm_curve_len(int curve)
{
	switch (curve) {
	case BR_EC_secp256r1: return 32;
	case BR_EC_secp384r1: return 48;
	case BR_EC_secp521r1: return 66;
	default: return 0;
	}
}

static void strip(const unsigned char **p, size_t *len)
{
	while (*len > 0 && **p == 0) {
		(*p)++;
		(*len)--;
	}
}

static int same_int(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen)
{
	strip(&a, &alen);
	strip(&b, &blen);
	return alen == blen && memcmp(a, b, alen) == 0;
}

/* Left-pad coordinate c[0..len) into out[0..size). */
static int pad(const uint8_t *c, size_t len, uint8_t *out, size_t size)
{
	while (len > size && *c == 0) {
		c++;
		len--;
	}
	if (len > size)
		return -1;
	memset(out, 0, size - len);
	memcpy(out + size - len, c, len);
	return 0;
}

int tpm_pubkey_matches(const struct tpm_pubkey *pk, const br_x509_pkey *ck, struct err *e)
{
	if (pk->type != (int)ck->key_type)
		return err_set(e, "tpm: the certificate holds %s key but the TPM key is %s",
			       ck->key_type == BR_KEYTYPE_EC ? "an EC" : "an RSA",
			       pk->type == BR_KEYTYPE_EC ? "EC" : "RSA");
	if (pk->type == BR_KEYTYPE_RSA) {
		unsigned char ebuf[4] = { 1, 0, 1, 0 };
		size_t elen = 3;
		if (pk->e) {
			ebuf[0] = (unsigned char)(pk->e >> 24);
			ebuf[1] = (unsigned char)(pk->e >> 16);
			ebuf[2] = (unsigned char)(pk->e >> 8);
			ebuf[3] = (unsigned char)pk->e;
			elen = 4;
		}
		if (!same_int(pk->n, pk->n_len, ck->key.rsa.n, ck->key.rsa.nlen))
			return err_set(e, "tpm: the certificate's public key is not the TPM key's "
				       "(RSA modulus differs)");
		if (!same_int(ebuf, elen, ck->key.rsa.e, ck->key.rsa.elen))
			return err_set(e, "tpm: the certificate's public key is not the TPM key's "
				       "(RSA exponent differs)");
		return 0;
	}
	if (pk->type != BR_KEYTYPE_EC)
		return err_set(e, "tpm: unsupported TPM key type");
	if (pk->curve != ck->key.ec.curve)
		return err_set(e, "tpm: the certificate's key is on curve %d, the TPM key on curve %d",
			       ck->key.ec.curve, pk->curve);
	size_t cl = tpm_curve_len(pk->curve);
	uint8_t q[1 + 2 * TPM_PUB_EC_MAX];
	if (cl == 0 || pad(pk->x, pk->x_len, q + 1, cl) < 0 || pad(pk->y, pk->y_len, q + 1 + cl, cl) < 0)
		return err_set(e, "tpm: malformed TPM EC point");
	q[0] = 0x04;
	if (ck->key.ec.qlen != 1 + 2 * cl || memcmp(ck->key.ec.q, q, 1 + 2 * cl) != 0)
		return err_set(e, "tpm: the certificate's public key is not the TPM key's "
			       "(EC point differs)");
	return 0;
}

/* A tiny forward DER writer. */
struct w {
	uint8_t *p;
	size_t cap, len;
	int bad;
};

static void put(struct w *w, const void *d, size_t n)
{
	if (w->bad || n > w->cap - w->len) {
		w->bad = 1;
		return;
	}
	memcpy(w->p + w->len, d, n);
	w->len += n;
}

static void hdr(struct w *w, uint8_t tag, size_t len)
{
	uint8_t h[4];
	size_t n = 0;
	h[n++] = tag;
	if (len < 0x80) {
		h[n++] = (uint8_t)len;
	} else if (len < 0x100) {
		h[n++] = 0x81;
		h[n++] = (uint8_t)len;
	} else {
		h[n++] = 0x82;
		h[n++] = (uint8_t)(len >> 8);
		h[n++] = (uint8_t)len;
	}
	put(w, h, n);
}

static size_t hdr_len(size_t len)
{
	return len < 0x80 ? 2 : len < 0x100 ? 3 : 4;
}

static const uint8_t oid_rsa[] = { 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00 };
static const uint8_t oid_ec[] = { 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01 };
static const uint8_t oid_p256[] = { 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 };
static const uint8_t oid_p384[] = { 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22 };
static const uint8_t oid_p521[] = { 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23 };

/* INTEGER of an unsigned big-endian number. */
static size_t int_len(const uint8_t *v, size_t n)
{
	strip(&v, &n);
	size_t c = n == 0 ? 1 : n + (v[0] & 0x80 ? 1 : 0);
	return hdr_len(c) + c;
}

static void put_int(struct w *w, const uint8_t *v, size_t n)
{
	strip(&v, &n);
	size_t c = n == 0 ? 1 : n + (v[0] & 0x80 ? 1 : 0);
	hdr(w, 0x02, c);
	if (n == 0 || (v[0] & 0x80))
		put(w, "", 1);
	put(w, v, n);
}

int tpm_pubkey_spki(const struct tpm_pubkey *pk, uint8_t *out, size_t cap, size_t *len,
	struct err *e)
{
	struct w w = { out, cap, 0, 0 };
	if (pk->type == BR_KEYTYPE_RSA) {
		uint8_t ebuf[4] = { 0, 1, 0, 1 };
		if (pk->e) {
			ebuf[0] = (uint8_t)(pk->e >> 24);
			ebuf[1] = (uint8_t)(pk->e >> 16);
			ebuf[2] = (uint8_t)(pk->e >> 8);
			ebuf[3] = (uint8_t)pk->e;
		}
		if (pk->n_len == 0 || pk->n_len > TPM_PUB_RSA_MAX)
			return err_set(e, "tpm: bad RSA modulus size %zu", pk->n_len);
		size_t rsakey = int_len(pk->n, pk->n_len) + int_len(ebuf, 4);
		size_t bits = 1 + hdr_len(rsakey) + rsakey;
		size_t alg = sizeof oid_rsa;
		size_t body = hdr_len(alg) + alg + hdr_len(bits) + bits;
		hdr(&w, 0x30, body);
		hdr(&w, 0x30, alg);
		put(&w, oid_rsa, sizeof oid_rsa);
		hdr(&w, 0x03, bits);
		put(&w, "", 1);
		hdr(&w, 0x30, rsakey);
		put_int(&w, pk->n, pk->n_len);
		put_int(&w, ebuf, 4);
	} else if (pk->type == BR_KEYTYPE_EC) {
		const uint8_t *coid;
		size_t coid_len, cl = tpm_curve_len(pk->curve);
		uint8_t q[1 + 2 * TPM_PUB_EC_MAX];
		switch (pk->curve) {
		case BR_EC_secp256r1: coid = oid_p256; coid_len = sizeof oid_p256; break;
		case BR_EC_secp384r1: coid = oid_p384; coid_len = sizeof oid_p384; break;
		case BR_EC_secp521r1: coid = oid_p521; coid_len = sizeof oid_p521; break;
		default: return err_set(e, "tpm: unsupported curve %d", pk->curve);
		}
		if (pad(pk->x, pk->x_len, q + 1, cl) < 0 || pad(pk->y, pk->y_len, q + 1 + cl, cl) < 0)
			return err_set(e, "tpm: malformed TPM EC point");
		q[0] = 0x04;
		size_t alg = sizeof oid_ec + coid_len, bits = 1 + 1 + 2 * cl;
		size_t body = hdr_len(alg) + alg + hdr_len(bits) + bits;
		hdr(&w, 0x30, body);
		hdr(&w, 0x30, alg);
		put(&w, oid_ec, sizeof oid_ec);
		put(&w, coid, coid_len);
		hdr(&w, 0x03, bits);
		put(&w, "", 1);
		put(&w, q, 1 + 2 * cl);
	} else {
		return err_set(e, "tpm: unsupported key type");
	}
	if (w.bad)
		return err_set(e, "tpm: SubjectPublicKeyInfo larger than %zu bytes", cap);
	*len = w.len;
	return 0;
}

int tpm_pubkey_pem(const struct tpm_pubkey *pk, char *out, size_t cap, struct err *e)
{
	uint8_t der[TPM_PUB_SPKI_MAX];
	char b64[B64_ENCODED_LEN(TPM_PUB_SPKI_MAX) + 1];
	size_t len, o = 0;
	static const char head[] = "-----BEGIN PUBLIC KEY-----\n", tail[] = "-----END PUBLIC KEY-----\n";
	if (tpm_pubkey_spki(pk, der, sizeof der, &len, e) < 0)
		return -1;
	long bl = b64_encode(der, len, b64, sizeof b64);
	if (bl < 0)
		return err_set(e, "tpm: PEM encoding failed");
	size_t need = sizeof head - 1 + (size_t)bl + ((size_t)bl + 63) / 64 + sizeof tail;
	if (need > cap)
		return err_set(e, "tpm: PEM needs %zu bytes, have %zu", need, cap);
	memcpy(out, head, sizeof head - 1);
	o = sizeof head - 1;
	for (long i = 0; i < bl; i += 64) {
		size_t n = (size_t)(bl - i < 64 ? bl - i : 64);
		memcpy(out + o, b64 + i, n);
		o += n;
		out[o++] = '\n';
	}
	memcpy(out + o, tail, sizeof tail);   /* includes the NUL */
	return 0;
}
