/*
 * fuzz_tpm_pub.c: a TPM key's public area as the TPM returns it (a
 * TPMT_PUBLIC, unmarshalled by tss2-mu as for TPM2_ReadPublic), converted
 * (tpm_pub_from_tpmt()), encoded as SubjectPublicKeyInfo DER and PEM, and
 * compared with certificate keys (tpm_pubkey_matches(): is the IDevID
 * certificate in NV for this key?). What converts and encodes must match
 * itself, and a PEM is one "PUBLIC KEY" block of 64-column lines.
 */
#include "tpm/tpm.h"
#include "tpm/tpm_pub.h"
#include "trust/x509.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <tss2/tss2_mu.h>

#include "crypto_testkey.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tpm_pubkey pk;
	static uint8_t spki[TPM_PUB_SPKI_MAX];
	static char pem[TPM_PUB_PEM_MAX];
	static struct x509_pkey certs[2];
	static int loaded;
	TPMT_PUBLIC pub;
	size_t off = 0, len;
	struct err e;

	if (!loaded) {
		if (x509_get_pkey(fuzz_cert, sizeof fuzz_cert, &certs[0], &e) < 0 ||
		    x509_get_pkey(fuzz_rsa_cert, sizeof fuzz_rsa_cert, &certs[1], &e) < 0)
			abort();
		loaded = 1;
	}
	memset(&pub, 0, sizeof pub);
	if (Tss2_MU_TPMT_PUBLIC_Unmarshal(data, size, &off, &pub) != TSS2_RC_SUCCESS)
		return 0;
	if (tpm_pub_from_tpmt(&pub, &pk, &e) < 0)
		return 0;
	if (pk.n_len > sizeof pk.n || pk.x_len > sizeof pk.x || pk.y_len > sizeof pk.y)
		abort();
	for (int i = 0; i < 2; i++)
		(void)tpm_pubkey_matches(&pk, &certs[i].key, &e);
	if (tpm_pubkey_spki(&pk, spki, sizeof spki, &len, &e) == 0) {
		br_x509_pkey self;
		uint8_t q[1 + 2 * TPM_PUB_EC_MAX], ebuf[4] = { 1, 0, 1, 0 };
		size_t cl = tpm_curve_len(pk.curve);
		if (len == 0 || len > sizeof spki || spki[0] != 0x30)
			abort();
		if (tpm_pubkey_pem(&pk, pem, sizeof pem, &e) < 0 ||
		    strncmp(pem, "-----BEGIN PUBLIC KEY-----\n", 27) != 0 ||
		    !strstr(pem, "-----END PUBLIC KEY-----\n"))
			abort();
		for (const char *l = pem; *l;) {
			size_t n = strcspn(l, "\n");
			if (n > 64 || !l[n])
				abort();
			l += n + 1;
		}
		/* the key, as a certificate would hold it, matches */
		memset(&self, 0, sizeof self);
		self.key_type = (unsigned char)pk.type;
		if (pk.type == BR_KEYTYPE_RSA) {
			self.key.rsa.n = pk.n;
			self.key.rsa.nlen = pk.n_len;
			self.key.rsa.e = ebuf;
			self.key.rsa.elen = 3;
			if (pk.e) {
				ebuf[0] = (uint8_t)(pk.e >> 24);
				ebuf[1] = (uint8_t)(pk.e >> 16);
				ebuf[2] = (uint8_t)(pk.e >> 8);
				ebuf[3] = (uint8_t)pk.e;
				self.key.rsa.elen = 4;
			}
		} else {
			if (cl == 0 || pk.x_len > cl || pk.y_len > cl)
				return 0;
			q[0] = 4;
			memset(q + 1, 0, 2 * cl);
			memcpy(q + 1 + cl - pk.x_len, pk.x, pk.x_len);
			memcpy(q + 1 + 2 * cl - pk.y_len, pk.y, pk.y_len);
			self.key.ec.curve = pk.curve;
			self.key.ec.q = q;
			self.key.ec.qlen = 1 + 2 * cl;
		}
		if (tpm_pubkey_matches(&pk, &self, &e) < 0)
			abort();
	}
	return 0;
}
