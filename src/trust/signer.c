/* signer.c: the signing interface and its key-file back end (see signer.h). */
#include "trust/signer.h"

static int keyfile_sign_cb(void *ctx, const br_hash_class *h, const uint8_t *hash,
			   size_t hash_len, uint8_t *sig, size_t cap, size_t *sig_len,
			   struct err *e)
{
	return keyfile_sign((const struct keyfile *)ctx, h, hash, hash_len, sig, cap, sig_len, e);
}

void signer_from_keyfile(struct signer *s, struct keyfile *k, const char *what)
{
	s->key_type = k->type;
	s->curve = k->type == BR_KEYTYPE_EC ? k->ec.curve : 0;
	s->what = what ? what : "key file";
	s->ctx = k;
	s->sign = keyfile_sign_cb;
}

int signer_sign(const struct signer *s, const br_hash_class *h, const uint8_t *hash,
		size_t hash_len, uint8_t *sig, size_t cap, size_t *sig_len, struct err *e)
{
	if (!s || !s->sign)
		return err_set(e, "signer: no signing key");
	if (!h || !hash || hash_len == 0 || hash_len > 64)
		return err_set(e, "signer: bad hash");
	if (s->sign(s->ctx, h, hash, hash_len, sig, cap, sig_len, e) < 0)
		return err_wrap(e, "signer: %s", s->what);
	if (*sig_len == 0 || *sig_len > cap)
		return err_set(e, "signer: %s: bad signature length %zu", s->what, *sig_len);
	return 0;
}
