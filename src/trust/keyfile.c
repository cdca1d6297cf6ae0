/* keyfile.c: a PEM private key as CMS recipient and signer. */
#include "trust/keyfile.h"
#include "base/sink.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static void wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;
	while (n--)
		*v++ = 0;
}

static int take(struct keyfile *k, size_t *pos, const void *src, size_t len,
	unsigned char **dst, struct err *e)
{
	if (len > sizeof k->buf - *pos)
		return err_set(e, "key: private key too large");
	memcpy(k->buf + *pos, src, len);
	*dst = k->buf + *pos;
	*pos += len;
	return 0;
}

static int load_der(struct keyfile *k, const unsigned char *der, size_t len,
	struct err *e)
{
	br_skey_decoder_context dc;
	size_t pos = 0;
	int err;

	br_skey_decoder_init(&dc);
	br_skey_decoder_push(&dc, der, len);
	err = br_skey_decoder_last_error(&dc);
	if (err)
		return err_set(e, "key: cannot decode private key (BearSSL error %d)", err);
	memset(k, 0, sizeof *k);
	switch (br_skey_decoder_key_type(&dc)) {
	case BR_KEYTYPE_RSA: {
		const br_rsa_private_key *rk = br_skey_decoder_get_rsa(&dc);
		k->type = BR_KEYTYPE_RSA;
		k->rsa.n_bitlen = rk->n_bitlen;
		k->rsa.plen = rk->plen;
		k->rsa.qlen = rk->qlen;
		k->rsa.dplen = rk->dplen;
		k->rsa.dqlen = rk->dqlen;
		k->rsa.iqlen = rk->iqlen;
		if (take(k, &pos, rk->p, rk->plen, &k->rsa.p, e) < 0 ||
				take(k, &pos, rk->q, rk->qlen, &k->rsa.q, e) < 0 ||
				take(k, &pos, rk->dp, rk->dplen, &k->rsa.dp, e) < 0 ||
				take(k, &pos, rk->dq, rk->dqlen, &k->rsa.dq, e) < 0 ||
				take(k, &pos, rk->iq, rk->iqlen, &k->rsa.iq, e) < 0)
			goto fail;
		break;
	}
	case BR_KEYTYPE_EC: {
		const br_ec_private_key *ek = br_skey_decoder_get_ec(&dc);
		k->type = BR_KEYTYPE_EC;
		k->ec.curve = ek->curve;
		k->ec.xlen = ek->xlen;
		if (take(k, &pos, ek->x, ek->xlen, &k->ec.x, e) < 0)
			goto fail;
		break;
	}
	default:
		err_set(e, "key: unsupported private key type");
		goto fail;
	}
	wipe(&dc, sizeof dc);
	return 0;
fail:
	wipe(&dc, sizeof dc);
	keyfile_clear(k);
	return -1;
}

int keyfile_load_pem(struct keyfile *k, const uint8_t *pem, size_t len,
	struct err *e)
{
	br_pem_decoder_context pc;
	unsigned char der[KEYFILE_MAX_PEM];
	struct sink s = { der, 0, sizeof der, 0 };
	int inobj = 0, rc;

	memset(k, 0, sizeof *k);
	br_pem_decoder_init(&pc);
	while (len > 0) {
		size_t n = br_pem_decoder_push(&pc, pem, len);
		pem += n;
		len -= n;
		switch (br_pem_decoder_event(&pc)) {
		case BR_PEM_BEGIN_OBJ: {
			const char *name = br_pem_decoder_name(&pc);
			inobj = strcmp(name, "EC PRIVATE KEY") == 0 ||
				strcmp(name, "RSA PRIVATE KEY") == 0 ||
				strcmp(name, "PRIVATE KEY") == 0;
			s.len = 0;
			s.overflow = 0;
			br_pem_decoder_setdest(&pc, inobj ? sink_append : NULL, &s);
			break;
		}
		case BR_PEM_END_OBJ:
			if (inobj) {
				if (s.overflow) {
					wipe(der, sizeof der);
					return err_set(e, "key: PEM object too large");
				}
				rc = load_der(k, der, s.len, e);
				wipe(der, sizeof der);
				return rc;
			}
			break;
		case BR_PEM_ERROR:
			wipe(der, sizeof der);
			return err_set(e, "key: malformed PEM");
		default:
			break;
		}
	}
	wipe(der, sizeof der);
	return err_set(e, "key: no \"PRIVATE KEY\", \"EC PRIVATE KEY\" or "
		"\"RSA PRIVATE KEY\" PEM block found");
}

int keyfile_load(struct keyfile *k, const char *path, struct err *e)
{
	uint8_t buf[KEYFILE_MAX_PEM + 1];
	size_t len = 0;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(e, "key: cannot open %s: %s", path, strerror(errno));
	for (;;) {
		ssize_t n = read(fd, buf + len, sizeof buf - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = err_set(e, "key: cannot read %s: %s", path, strerror(errno));
			close(fd);
			wipe(buf, len);
			return rc;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len == sizeof buf) {
			close(fd);
			wipe(buf, len);
			return err_set(e, "key: %s is larger than %d bytes", path, KEYFILE_MAX_PEM);
		}
	}
	close(fd);
	rc = keyfile_load_pem(k, buf, len, e);
	wipe(buf, len);
	if (rc < 0)
		return err_wrap(e, "%s", path);
	return 0;
}

void keyfile_clear(struct keyfile *k)
{
	wipe(k, sizeof *k);
}

static const unsigned char *rsa_hash_oid(const br_hash_class *h)
{
	switch ((h->desc >> BR_HASHDESC_ID_OFF) & BR_HASHDESC_ID_MASK) {
	case br_sha1_ID: return BR_HASH_OID_SHA1;
	case br_sha256_ID: return BR_HASH_OID_SHA256;
	case br_sha384_ID: return BR_HASH_OID_SHA384;
	case br_sha512_ID: return BR_HASH_OID_SHA512;
	default: return NULL;
	}
}

int keyfile_sign(const struct keyfile *k, const br_hash_class *h,
	const uint8_t *hash, size_t hash_len, uint8_t *sig, size_t cap,
	size_t *sig_len, struct err *e)
{
	if (k->type == BR_KEYTYPE_EC) {
		uint8_t tmp[160];
		size_t n = br_ecdsa_sign_asn1_get_default()(br_ec_get_default(), h, hash,
			&k->ec, tmp);
		if (n == 0)
			return err_set(e, "key: ECDSA signing failed");
		if (n > cap)
			return err_set(e, "key: signature buffer too small");
		memcpy(sig, tmp, n);
		*sig_len = n;
		return 0;
	}
	if (k->type == BR_KEYTYPE_RSA) {
		size_t n = (k->rsa.n_bitlen + 7) / 8;
		const unsigned char *oid = rsa_hash_oid(h);
		if (!oid)
			return err_set(e, "key: unsupported hash for RSA signing");
		if (n > cap)
			return err_set(e, "key: signature buffer too small");
		if (!br_rsa_pkcs1_sign_get_default()(oid, hash, hash_len, &k->rsa, sig))
			return err_set(e, "key: RSA signing failed");
		*sig_len = n;
		return 0;
	}
	return err_set(e, "key: no key loaded");
}

int keyfile_rsa_decrypt(void *ctx, const br_hash_class *oaep_hash,
	const uint8_t *in, size_t in_len, uint8_t *out, size_t *out_len,
	struct err *e)
{
	const struct keyfile *k = ctx;
	unsigned char x[512];
	size_t n, i, sep = 0, mlen;
	unsigned bad, found = 0;

	if (k->type != BR_KEYTYPE_RSA)
		return err_set(e, "key: not an RSA key");
	n = (k->rsa.n_bitlen + 7) / 8;
	if (in_len != n || n > sizeof x)
		return err_set(e, "key: RSA ciphertext is %zu bytes, the modulus %zu", in_len, n);
	memcpy(x, in, n);
	if (oaep_hash) {
		size_t len = n;
		if (!br_rsa_oaep_decrypt_get_default()(oaep_hash, NULL, 0, &k->rsa, x, &len)) {
			wipe(x, sizeof x);
			return err_set(e, "key: RSA-OAEP decryption failed");
		}
		if (len > *out_len) {
			wipe(x, sizeof x);
			return err_set(e, "key: decrypted key too long (%zu bytes)", len);
		}
		memcpy(out, x, len);
		*out_len = len;
		wipe(x, sizeof x);
		return 0;
	}
	if (!br_rsa_private_get_default()(x, &k->rsa)) {
		wipe(x, sizeof x);
		return err_set(e, "key: RSA decryption failed");
	}
	/* EM = 00 02 PS(>= 8 non-zero) 00 M; scan everything */
	bad = (unsigned)(x[0] != 0) | (unsigned)(x[1] != 2);
	for (i = 2; i < n; i++) {
		unsigned z = (unsigned)(x[i] == 0) & (found ^ 1u);
		sep |= (size_t)(0 - (size_t)z) & i;
		found |= z;
	}
	bad |= (found ^ 1u) | (unsigned)(sep < 10);
	mlen = n - sep - 1;
	if (bad || mlen > *out_len) {
		wipe(x, sizeof x);
		return err_set(e, "key: RSA PKCS#1 v1.5 decryption failed");
	}
	memcpy(out, x + sep + 1, mlen);
	*out_len = mlen;
	wipe(x, sizeof x);
	return 0;
}

int keyfile_ecdh(void *ctx, int curve, const uint8_t *peer_point, size_t peer_len,
	uint8_t *z, size_t *z_len, struct err *e)
{
	const struct keyfile *k = ctx;
	const br_ec_impl *ec = br_ec_get_default();
	unsigned char p[160];
	size_t xoff, xlen;

	if (k->type != BR_KEYTYPE_EC)
		return err_set(e, "key: not an EC key");
	if (curve != k->ec.curve)
		return err_set(e, "key: ECDH peer is on a different curve");
	if (peer_len > sizeof p)
		return err_set(e, "key: ECDH peer point too long");
	memcpy(p, peer_point, peer_len);
	if (!ec->mul(p, peer_len, k->ec.x, k->ec.xlen, curve)) {
		wipe(p, sizeof p);
		return err_set(e, "key: ECDH failed (invalid peer point)");
	}
	xoff = ec->xoff(curve, &xlen);
	if (xlen > *z_len) {
		wipe(p, sizeof p);
		return err_set(e, "key: ECDH output buffer too small");
	}
	memcpy(z, p + xoff, xlen);
	*z_len = xlen;
	wipe(p, sizeof p);
	return 0;
}

void keyfile_recipient(struct keyfile *k, const uint8_t *cert, size_t cert_len,
	struct cms_recipient *r)
{
	memset(r, 0, sizeof *r);
	r->cert = cert;
	r->cert_len = cert_len;
	r->ctx = k;
	r->rsa_decrypt = k->type == BR_KEYTYPE_RSA ? keyfile_rsa_decrypt : NULL;
	r->ecdh = k->type == BR_KEYTYPE_EC ? keyfile_ecdh : NULL;
}
