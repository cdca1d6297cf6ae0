/* tls_ccert.c: client certificate with a pluggable signer (see tls_ccert.h). */
#include "tls/tls_ccert.h"

#include <string.h>

#define CC(p) ((struct tls_ccert *)(void *)(p))

static void cc_none0(const br_ssl_client_certificate_class **pctx)
{
	(void)pctx;
}

static void cc_none1(const br_ssl_client_certificate_class **pctx, size_t len)
{
	(void)pctx;
	(void)len;
}

static void cc_none2(const br_ssl_client_certificate_class **pctx,
		     const unsigned char *data, size_t len)
{
	(void)pctx;
	(void)data;
	(void)len;
}

static void cc_start_list(const br_ssl_client_certificate_class **pctx)
{
	CC(pctx)->requested = 1;
}

/* Pick a hash from a bit set of BearSSL hash ids: SHA-256, -384, -512, -224. */
static int choose_hash(unsigned bits)
{
	static const int pref[] = { br_sha256_ID, br_sha384_ID, br_sha512_ID, br_sha224_ID };
	for (size_t i = 0; i < sizeof pref / sizeof pref[0]; i++)
		if ((bits >> pref[i]) & 1)
			return pref[i];
	return 0;
}

static void cc_choose(const br_ssl_client_certificate_class **pctx,
		      const br_ssl_client_context *cc, uint32_t auth_types,
		      br_ssl_client_certificate *choices)
{
	struct tls_ccert *c = CC(pctx);
	const struct signer *s = c->id ? c->id->signer : NULL;
	int x = 0;

	(void)cc;
	memset(choices, 0, sizeof *choices);
	if (!s || !c->id->chain || c->id->chain_len == 0)
		return;
	if (s->key_type == BR_KEYTYPE_EC) {
		x = choose_hash((unsigned)(auth_types >> 8) & 0xff);
		choices->auth_type = BR_AUTH_ECDSA;
	} else if (s->key_type == BR_KEYTYPE_RSA) {
		x = choose_hash((unsigned)auth_types & 0xff);
		choices->auth_type = BR_AUTH_RSA;
	}
	if (x == 0) { /* no hash in common: send no certificate */
		memset(choices, 0, sizeof *choices);
		return;
	}
	choices->hash_id = x;
	choices->chain = c->id->chain;
	choices->chain_len = c->id->chain_len;
	c->sent = 1;
}

static uint32_t cc_do_keyx(const br_ssl_client_certificate_class **pctx,
			   unsigned char *data, size_t *len)
{
	(void)pctx;
	(void)data;
	(void)len;
	return 0; /* static ECDH is never chosen */
}

static size_t cc_do_sign(const br_ssl_client_certificate_class **pctx, int hash_id,
			 size_t hv_len, unsigned char *data, size_t len)
{
	struct tls_ccert *c = CC(pctx);
	const br_hash_class *h = br_multihash_getimpl(c->mhash, hash_id);
	uint8_t hv[64], sig[SIGNER_SIG_MAX];
	size_t sig_len = 0;

	if (!h || hv_len == 0 || hv_len > sizeof hv) {
		c->sign_failed = 1;
		err_set(&c->err, "client certificate: unsupported hash %d", hash_id);
		return 0;
	}
	memcpy(hv, data, hv_len);
	if (signer_sign(c->id->signer, h, hv, hv_len, sig, sizeof sig, &sig_len, &c->err) < 0) {
		c->sign_failed = 1;
		return 0;
	}
	if (sig_len > len) {
		c->sign_failed = 1;
		err_set(&c->err, "client certificate: signature of %zu bytes does not fit", sig_len);
		return 0;
	}
	memcpy(data, sig, sig_len);
	return sig_len;
}

static const br_ssl_client_certificate_class cc_vtable = {
	sizeof(struct tls_ccert),
	cc_start_list, /* start_name_list */
	cc_none1,      /* start_name */
	cc_none2,      /* append_name */
	cc_none0,      /* end_name */
	cc_none0,      /* end_name_list */
	cc_choose,
	cc_do_keyx,
	cc_do_sign,
};

void tls_ccert_init(struct tls_ccert *cc, const struct tls_client_id *id,
		    const br_ssl_engine_context *eng)
{
	cc->vtable = &cc_vtable;
	cc->id = id;
	cc->mhash = &eng->mhash;
	cc->requested = 0;
	cc->sent = 0;
	cc->sign_failed = 0;
	err_clear(&cc->err);
}
