/* fuzz_cms.c: ContentInfo, SignedData and (Auth)EnvelopedData parsing,
 * signer checks against the embedded certificates, and decryption with two
 * throwaway keys, EC (key agreement) and RSA (key transport: PKCS#1 v1.5
 * and OAEP); seeds in corpus/cms are encrypted to them. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "trust/cms.h"
#include "trust/keyfile.h"
#include "trust/x509.h"

#include "crypto_testkey.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct keyfile kf, kf_rsa;
static int kf_loaded;
static uint8_t out[1 << 16];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cms_content_info ci;
	static struct cms_signed_data sd;
	static struct cms_enveloped env;
	struct err e;

	if (!kf_loaded) {
		if (keyfile_load_pem(&kf, (const uint8_t *)fuzz_key_pem,
				sizeof fuzz_key_pem - 1, &e) < 0 ||
		    keyfile_load_pem(&kf_rsa, (const uint8_t *)fuzz_rsa_key_pem,
				sizeof fuzz_rsa_key_pem - 1, &e) < 0)
			__builtin_trap();
		kf_loaded = 1;
	}
	if (cms_parse_content_info(data, size, &ci, &e) < 0)
		return 0;
	switch (ci.type) {
	case CMS_TYPE_SIGNED:
		if (cms_parse_signed_data(ci.content.raw, ci.content.raw_len, &sd, &e) < 0)
			return 0;
		if (sd.n_certs > CMS_MAX_CERTS || sd.n_signers > CMS_MAX_SIGNERS)
			__builtin_trap();
		for (size_t s = 0; s < sd.n_signers; s++) {
			(void)cms_verify_signer(&sd, &sd.signers[s], fuzz_cert, sizeof fuzz_cert, &e);
			(void)cms_verify_signer(&sd, &sd.signers[s], fuzz_rsa_cert,
				sizeof fuzz_rsa_cert, &e);
			for (size_t c = 0; c < sd.n_certs; c++)
				if (cms_signer_matches(&sd.signers[s], sd.certs[c].raw, sd.certs[c].raw_len))
					(void)cms_verify_signer(&sd, &sd.signers[s], sd.certs[c].raw,
						sd.certs[c].raw_len, &e);
		}
		break;
	case CMS_TYPE_ENVELOPED:
	case CMS_TYPE_AUTH_ENVELOPED: {
		struct cms_recipient r;
		size_t n;
		(void)cms_parse_enveloped(ci.content.raw, ci.content.raw_len,
			ci.type == CMS_TYPE_AUTH_ENVELOPED, &env, &e);
		keyfile_recipient(&kf, fuzz_cert, sizeof fuzz_cert, &r);
		if (cms_decrypt(data, size, &r, out, sizeof out, &n, NULL, &e) == 0 && n > size)
			__builtin_trap();
		keyfile_recipient(&kf_rsa, fuzz_rsa_cert, sizeof fuzz_rsa_cert, &r);
		if (cms_decrypt(data, size, &r, out, sizeof out, &n, NULL, &e) == 0 && n > size)
			__builtin_trap();
		break;
	}
	default: {
		const uint8_t *p;
		size_t n;
		(void)cms_unwrap_data(&ci, &p, &n, &e);
		break;
	}
	}
	return 0;
}
