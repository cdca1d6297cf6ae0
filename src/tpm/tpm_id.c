/* tpm_id.c: the device identity held by the TPM (see tpm_id.h). */
#include "tpm/tpm_id.h"

#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "base/sha256.h"
#include "tpm/tpm_lockout.h"
#include "tpm/tpm_nvcert.h"
#include "tpm/tpm_rc.h"
#include "trust/x509.h"

static int sign_cb(void *ctx, const br_hash_class *h, const uint8_t *hash, size_t hash_len,
		   uint8_t *sig, size_t cap, size_t *sig_len, struct err *e)
{
	struct tpm_identity *id = ctx;
	return tpm_sign(id->tpm, id->handle, id->pub.type, h, hash, hash_len, sig, cap, sig_len, e);
}

static int rsa_decrypt_cb(void *ctx, const br_hash_class *oaep_hash, const uint8_t *in,
			  size_t in_len, uint8_t *out, size_t *out_len, struct err *e)
{
	struct tpm_identity *id = ctx;
	return tpm_rsa_decrypt(id->tpm, id->handle, oaep_hash, in, in_len, out, out_len, e);
}

static int ecdh_cb(void *ctx, int curve, const uint8_t *peer, size_t peer_len, uint8_t *z,
		   size_t *z_len, struct err *e)
{
	struct tpm_identity *id = ctx;
	if (curve != id->pub.curve)
		return err_set(e, "tpm: the sender used curve %d, the IDevID is on curve %d", curve,
			       id->pub.curve);
	return tpm_ecdh_zgen(id->tpm, id->handle, peer, peer_len, z, z_len, e);
}

/* Sign a fixed digest and verify with the certificate's key. */
static int self_test(struct tpm_identity *id, const br_x509_pkey *pk, struct err *e)
{
	uint8_t hash[32], sig[SIGNER_SIG_MAX];
	size_t sig_len;
	sha256_buf("sztp: TPM identity self-test", 28, hash);
	if (signer_sign(&id->signer, sha256_class(), hash, sizeof hash, sig, sizeof sig,
			&sig_len, e) < 0)
		return err_wrap(e, "tpm: the IDevID key cannot sign");
	if (x509_verify_hash(pk, sha256_class(), hash, sizeof hash, sig, sig_len, e) < 0)
		return err_wrap(e, "tpm: a signature by %s does not verify with the IDevID certificate",
				id->what);
	return 0;
}

static int load_once(struct tpm_identity *id, struct tpm *t, const struct tpm_conf *c,
	struct err *e)
{
	static uint8_t nv[TPM_NV_DATA_MAX];
	struct x509_der certs[CHAIN_MAX];
	struct x509_cert xc;
	struct x509_pkey pk;
	TPM2B_PUBLIC raw;
	size_t len, n;

	memset(id, 0, sizeof *id);
	id->tpm = t;
	id->handle = c->idevid_handle;
	snprintf(id->what, sizeof id->what, "TPM key 0x%08x (%s)", (unsigned)c->idevid_handle, t->name);
	chain_init(&id->chain);

	/* the key */
	if (tpm_read_public(t, c->idevid_handle, &id->pub, &raw, e) < 0)
		return err_wrap(e, "tpm: IDevID key");
	TPMA_OBJECT attr = raw.publicArea.objectAttributes;
	if (!(attr & TPMA_OBJECT_SIGN_ENCRYPT))
		return err_set(e, "tpm: the key at 0x%08x may not sign (no sign attribute)",
			       (unsigned)c->idevid_handle);
	if (attr & TPMA_OBJECT_RESTRICTED)
		return err_set(e, "tpm: the key at 0x%08x is restricted (an attestation key, not an "
			       "IDevID)", (unsigned)c->idevid_handle);
	id->can_decrypt = (attr & TPMA_OBJECT_DECRYPT) != 0;

	/* the certificate */
	if (tpm_nv_read(t, c->idevid_cert_nv, nv, sizeof nv, &len, e) < 0)
		return err_wrap(e, "tpm: IDevID certificate");
	if (tpm_nvcert_split(nv, len, c->idevid_cert_nv, 1, certs, 1, &n, e) < 0)
		return -1;
	if (x509_parse(certs[0].der, certs[0].len, &xc, e) < 0 ||
	    x509_get_pkey(certs[0].der, certs[0].len, &pk, e) < 0)
		return err_wrap(e, "tpm: IDevID certificate in NV index 0x%08x", (unsigned)c->idevid_cert_nv);
	if (tpm_pubkey_matches(&id->pub, &pk.key, e) < 0)
		return err_wrap(e, "tpm: the IDevID certificate in NV index 0x%08x is not for the key "
				"at 0x%08x", (unsigned)c->idevid_cert_nv, (unsigned)c->idevid_handle);
	if (chain_add_buf(&id->chain, certs[0].der, certs[0].len, "IDevID certificate (NV)", e) < 0)
		return -1;
	if (x509_subject_serial(&xc, id->serial, sizeof id->serial, e) < 0)
		return err_wrap(e, "tpm: IDevID certificate");

	/* the chain above it (optional) */
	if (c->idevid_chain_nv) {
		struct err e2;
		if (tpm_nv_read(t, c->idevid_chain_nv, nv, sizeof nv, &len, &e2) < 0) {
			log_warn("tpm", "no certificate chain: %s", e2.msg);
		} else {
			if (tpm_nvcert_split(nv, len, c->idevid_chain_nv, 0, certs, CHAIN_MAX - 1, &n, e) < 0)
				return -1;
			for (size_t i = 0; i < n; i++)
				if (chain_add_buf(&id->chain, certs[i].der, certs[i].len,
						  "IDevID chain (NV)", e) < 0)
					return -1;
		}
	}

	id->signer.key_type = id->pub.type;
	id->signer.curve = id->pub.type == BR_KEYTYPE_EC ? id->pub.curve : 0;
	id->signer.what = id->what;
	id->signer.ctx = id;
	id->signer.sign = sign_cb;
	id->tls.chain = id->chain.cert;
	id->tls.chain_len = id->chain.n;
	id->tls.signer = &id->signer;
	id->recipient.cert = id->chain.cert[0].data;
	id->recipient.cert_len = id->chain.cert[0].data_len;
	id->recipient.ctx = id;
	if (id->can_decrypt) {
		if (id->pub.type == BR_KEYTYPE_RSA)
			id->recipient.rsa_decrypt = rsa_decrypt_cb;
		else
			id->recipient.ecdh = ecdh_cb;
	} else {
		log_warn("tpm", "%s may not decrypt: encrypted conveyed information cannot be read",
			 id->what);
	}

	if (self_test(id, &pk.key, e) < 0)
		return -1;
	log_info("tpm", "identity: %s %s, serial \"%s\", %zu certificate(s) from NV",
		 id->pub.type == BR_KEYTYPE_EC ? "ECC" : "RSA", id->what, id->serial, id->chain.n);
	return 0;
}

int tpm_identity_load(struct tpm_identity *id, struct tpm *t, const struct tpm_conf *c,
	struct err *e)
{
	struct tpm_da da;
	struct err why;
	uint32_t waited = 0, s;

	for (;;) {
		t->last_rc = 0;
		if (load_once(id, t, c, e) == 0) {
			if (waited)
				log_info("tpm", "the TPM let the IDevID be used again after %u s of "
					 "lockout", (unsigned)waited);
			return 0;
		}
		if (tpm_rc_base(t->last_rc) != TPM_RC_LOCKOUT_)
			return -1;
		if (tpm_da_read(t, &da, &why) < 0)
			return err_wrap(e, "%s; reading its dictionary-attack state", why.msg);
		s = tpm_lockout_next(&da, waited, c->lockout_wait, &why);
		if (s == 0) {
			*e = why;
			return -1;
		}
		if (waited == 0) {
			char d[200];
			tpm_lockout_describe(&da, d, sizeof d);
			log_warn("tpm", "%s: it refuses the IDevID; waiting for it to forgive one, "
				 "at most %u s (lockout-wait in tpm.conf)", d, (unsigned)c->lockout_wait);
		} else {
			log_warn("tpm", "still in lockout after %u s (%u of %u failures counted): "
				 "trying again in %u s", (unsigned)waited, (unsigned)da.counter,
				 (unsigned)da.max, (unsigned)s);
		}
		tpm_pause_ms((long)s * 1000L);
		waited += s;
	}
}
