/* test_tpm.c: the host-testable TPM parts: response codes, tpm.conf, NV
 * certificate contents, public-key matching and SPKI encoding. */
#include "unit.h"

#include <stdint.h>

#include "crypto_fixtures.h"
#include "tpm/tpm_conf.h"
#include "tpm/tpm_floor.h"
#include "tpm/tpm_lockout.h"
#include "tpm/tpm_nvcert.h"
#include "tpm/tpm_pub.h"
#include "tpm/tpm_rc.h"
#include "trust/x509.h"

/* ---------------------------------------------------------------- rc */

TEST(tpm_rc_names_common_codes)
{
	char buf[256];
	CHECK_EQ_STR(tpm_rc_name(0x921), "TPM_RC_LOCKOUT");
	CHECK_EQ_STR(tpm_rc_name(0x98E), "TPM_RC_AUTH_FAIL");   /* session 1 */
	CHECK_EQ_STR(tpm_rc_name(0x18B), "TPM_RC_HANDLE");      /* handle 1 */
	CHECK_EQ_STR(tpm_rc_name(0x14A), "TPM_RC_NV_UNINITIALIZED");
	CHECK_EQ_STR(tpm_rc_name(0x100), "TPM_RC_INITIALIZE");
	CHECK_EQ_STR(tpm_rc_name(0xA000A), "TSS2_BASE_RC_IO_ERROR");
	CHECK(tpm_rc_name(0x1FF) == NULL);
	CHECK_EQ_INT(tpm_rc_base(0x98E), 0x08E);
	CHECK_EQ_INT(tpm_rc_base(0x2C4), 0x084);
	CHECK_EQ_INT(tpm_rc_base(0x921), 0x921);
	tpm_rc_str(0x18B, buf, sizeof buf);
	CHECK(strstr(buf, "TPM_RC_HANDLE (0x18b, handle 1)") != NULL);
	tpm_rc_str(0x2C4, buf, sizeof buf);
	CHECK(strstr(buf, "TPM_RC_VALUE (0x2c4, parameter 2)") != NULL);
	tpm_rc_str(0x98E, buf, sizeof buf);
	CHECK(strstr(buf, "session 1") != NULL);
	tpm_rc_str(0xA000A, buf, sizeof buf);
	CHECK(strncmp(buf, "tcti: TSS2_BASE_RC_IO_ERROR", 27) == 0);
	tpm_rc_str(0x1FF, buf, sizeof buf);
	CHECK(strstr(buf, "unknown TPM response code 0x1ff") != NULL);
	tpm_rc_str(0x921, buf, 8);     /* truncated, terminated */
	CHECK_EQ_INT(strlen(buf), 7);
}

/* ---------------------------------------------------------------- conf */

static int conf(struct tpm_conf *c, const char *s, struct err *e)
{
	tpm_conf_defaults(c);
	return tpm_conf_parse(c, s, strlen(s), e);
}

TEST(tpm_conf_defaults_and_parse)
{
	struct tpm_conf c;
	struct err e;
	CHECK_EQ_INT(conf(&c, "", &e), 0);
	CHECK_EQ_STR(c.tcti, "device:/dev/tpmrm0");
	CHECK_EQ_INT(c.idevid_handle, 0x81020001u);
	CHECK_EQ_INT(c.iak_handle, 0x81020000u);
	CHECK_EQ_INT(c.idevid_cert_nv, 0x01C90000u);
	CHECK_EQ_INT(conf(&c, "# comment\n\n  idevid-handle = 0x81000005 \r\n"
			  "idevid-cert-nv=0x1c90010\nidevid-chain-nv=0\niak-handle=0\n"
			  "tcti=swtpm:host=127.0.0.1,port=2321\nkey-file=/k\n", &e), 0);
	CHECK_EQ_INT(c.idevid_handle, 0x81000005u);
	CHECK_EQ_INT(c.idevid_cert_nv, 0x01C90010u);
	CHECK_EQ_INT(c.idevid_chain_nv, 0);
	CHECK_EQ_INT(c.iak_handle, 0);
	CHECK_EQ_STR(c.tcti, "swtpm:host=127.0.0.1,port=2321");
	CHECK_EQ_STR(c.key_file, "/k");
}

TEST(tpm_conf_clock_floor_nv)
{
	struct tpm_conf c;
	struct err e;
	CHECK_EQ_INT(conf(&c, "", &e), 0);
	CHECK_EQ_INT(c.clock_floor_nv, 0x01C90003u);
	CHECK_EQ_INT(conf(&c, "clock-floor-nv=0x01C900F0\n", &e), 0);
	CHECK_EQ_INT(c.clock_floor_nv, 0x01C900F0u);
	CHECK_EQ_INT(conf(&c, "clock-floor-nv=0\n", &e), 0);   /* 0: no floor */
	CHECK_EQ_INT(c.clock_floor_nv, 0);
	CHECK_EQ_INT(conf(&c, "clock-floor-nv=0x81000000\n", &e), -1);
	CHECK(strstr(e.msg, "clock-floor-nv 0x81000000 is not an NV index") != NULL);
}

TEST(tpm_conf_lockout_wait)
{
	struct tpm_conf c;
	struct err e;
	CHECK_EQ_INT(conf(&c, "", &e), 0);
	CHECK_EQ_INT(c.lockout_wait, 7200);
	CHECK_EQ_INT(conf(&c, "lockout-wait=0\n", &e), 0);   /* 0: do not wait */
	CHECK_EQ_INT(c.lockout_wait, 0);
	CHECK_EQ_INT(conf(&c, "lockout-wait=86400\n", &e), 0);
	CHECK_EQ_INT(c.lockout_wait, 86400);
	CHECK_EQ_INT(conf(&c, "lockout-wait=86401\n", &e), -1);
	CHECK(strstr(e.msg, "line 1: lockout-wait 86401 is more than 86400 seconds") != NULL);
	CHECK_EQ_INT(conf(&c, "lockout-wait=soon\n", &e), -1);
	CHECK(strstr(e.msg, "lockout-wait \"soon\" is not a number") != NULL);
}

/* ---------------------------------------------------------------- lockout */

TEST(tpm_lockout_waits_one_interval_within_the_limit)
{
	struct tpm_da da = { .counter = 3, .max = 3, .interval = 5 };
	struct err e;
	CHECK_EQ_INT(tpm_lockout_next(&da, 0, 7200, &e), 6);     /* just after one is forgiven */
	CHECK_EQ_INT(tpm_lockout_next(&da, 6, 7200, &e), 6);
	CHECK_EQ_INT(tpm_lockout_next(&da, 7197, 7200, &e), 3);  /* never past the limit */
	da.interval = 600;                                       /* long: poll once a minute */
	CHECK_EQ_INT(tpm_lockout_next(&da, 0, 7200, &e), TPM_LOCKOUT_POLL_MAX);
	da.interval = 7200;                                      /* equal to the limit: waits */
	CHECK_EQ_INT(tpm_lockout_next(&da, 0, 7200, &e), TPM_LOCKOUT_POLL_MAX);
}

TEST(tpm_lockout_gives_up_with_the_reason)
{
	struct tpm_da da = { .counter = 3, .max = 3, .interval = 600 };
	struct err e;
	char d[200];
	tpm_lockout_describe(&da, d, sizeof d);
	CHECK_EQ_STR(d, "the TPM is in dictionary-attack lockout (3 of 3 failed authorizations "
		     "counted, one forgiven every 600 s)");
	CHECK_EQ_INT(tpm_lockout_next(&da, 0, 0, &e), 0);
	CHECK(strstr(e.msg, "one forgiven every 600 s): lockout-wait=0 in tpm.conf: not waiting;") != NULL);
	CHECK(strstr(e.msg, "tpm2_dictionarylockout --clear-lockout") != NULL);
	CHECK_EQ_INT(tpm_lockout_next(&da, 0, 300, &e), 0);
	CHECK(strstr(e.msg, "longer than lockout-wait=300 s in tpm.conf") != NULL);
	CHECK_EQ_INT(tpm_lockout_next(&da, 7200, 7200, &e), 0);
	CHECK(strstr(e.msg, "still refused after waiting 7200 s (lockout-wait=7200 in tpm.conf)") != NULL);
	da.interval = 0;
	CHECK_EQ_INT(tpm_lockout_next(&da, 0, 7200, &e), 0);
	CHECK(strstr(e.msg, "none forgiven by time): only the lockout authorization clears it") != NULL);
}

/* ---------------------------------------------------------------- floor */

TEST(tpm_floor_codec)
{
	uint8_t b[TPM_FLOOR_SIZE];
	struct err e;
	time_t t;
	tpm_floor_encode(1796228979, b);
	CHECK_EQ_MEM(b, "sztpflr1\0\0\0\0\x6b\x10\x47\x73", TPM_FLOOR_SIZE);
	CHECK_EQ_INT(tpm_floor_decode(b, sizeof b, &t, &e), 0);
	CHECK_EQ_INT(t, 1796228979);
	tpm_floor_encode(0, b);
	CHECK_EQ_INT(tpm_floor_decode(b, sizeof b, &t, &e), 0);
	CHECK_EQ_INT(t, 0);
	/* wrong size, wrong magic, absurd time */
	CHECK_EQ_INT(tpm_floor_decode(b, sizeof b - 1, &t, &e), -1);
	CHECK_EQ_STR(e.msg, "tpm: clock floor: 15 bytes, want 16");
	b[0] = 'S';
	CHECK_EQ_INT(tpm_floor_decode(b, sizeof b, &t, &e), -1);
	CHECK(strstr(e.msg, "not ours") != NULL);
	memcpy(b, "sztpflr1\xff\xff\xff\xff\xff\xff\xff\xff", 16);
	CHECK_EQ_INT(tpm_floor_decode(b, sizeof b, &t, &e), -1);
	CHECK(strstr(e.msg, "past 9999-12-31") != NULL);
	/* an all-zero (padding) index is not a floor */
	memset(b, 0, sizeof b);
	CHECK_EQ_INT(tpm_floor_decode(b, sizeof b, &t, &e), -1);
}

TEST(tpm_conf_rejects_bad_lines)
{
	struct tpm_conf c;
	struct err e;
	CHECK_EQ_INT(conf(&c, "idevid-handle=0x01000000\n", &e), -1);
	CHECK(strstr(e.msg, "line 1: idevid-handle 0x01000000 is not a persistent handle") != NULL);
	CHECK_EQ_INT(conf(&c, "\nidevid-cert-nv=0x81000000\n", &e), -1);
	CHECK(strstr(e.msg, "line 2") && strstr(e.msg, "not an NV index"));
	CHECK_EQ_INT(conf(&c, "idevid-handle=0\n", &e), -1);        /* 0 not allowed here */
	CHECK_EQ_INT(conf(&c, "idevid-cert-nv=0\n", &e), -1);
	CHECK_EQ_INT(conf(&c, "idevid-handel=0x81020001\n", &e), -1);
	CHECK(strstr(e.msg, "unknown key \"idevid-handel\"") != NULL);
	CHECK_EQ_INT(conf(&c, "idevid-handle\n", &e), -1);
	CHECK(strstr(e.msg, "expected key=value") != NULL);
	CHECK_EQ_INT(conf(&c, "idevid-handle=0x81zz\n", &e), -1);
	CHECK_EQ_INT(conf(&c, "idevid-handle=-1\n", &e), -1);
	CHECK_EQ_INT(conf(&c, "idevid-handle=0x181020001\n", &e), -1);
	CHECK_EQ_INT(conf(&c, "tcti=\n", &e), -1);
	CHECK_EQ_INT(conf(&c, "tcti=a\001b\n", &e), -1);
	char big[400];
	memset(big, 'a', sizeof big);
	memcpy(big, "tcti=", 5);
	big[sizeof big - 1] = '\0';
	CHECK_EQ_INT(conf(&c, big, &e), -1);
	CHECK(strstr(e.msg, "longer than") != NULL);
}

/* ---------------------------------------------------------------- nvcert */

TEST(tpm_nvcert_splits_and_allows_padding)
{
	static uint8_t a[4096], b[4096], buf[TPM_NV_DATA_MAX];
	size_t al = fx_read("ec.der", a, sizeof a), bl = fx_read("inter.der", b, sizeof b), n;
	struct x509_der out[4];
	struct err e;
	CHECK(al + bl + 64 < sizeof buf);
	memcpy(buf, a, al);
	CHECK_EQ_INT(tpm_nvcert_split(buf, al, 0x01c90000, 1, out, 4, &n, &e), 0);
	CHECK_EQ_INT(n, 1);
	CHECK(out[0].der == buf && out[0].len == al);
	memcpy(buf + al, b, bl);
	CHECK_EQ_INT(tpm_nvcert_split(buf, al + bl, 1, 1, out, 4, &n, &e), 0);
	CHECK_EQ_INT(n, 2);
	CHECK_EQ_INT(out[1].len, bl);
	memset(buf + al + bl, 0xff, 64);      /* erased NV after the certificates */
	CHECK_EQ_INT(tpm_nvcert_split(buf, al + bl + 64, 1, 1, out, 4, &n, &e), 0);
	CHECK_EQ_INT(n, 2);
	memset(buf + al + bl, 0x00, 64);
	CHECK_EQ_INT(tpm_nvcert_split(buf, al + bl + 64, 1, 1, out, 4, &n, &e), 0);
	/* too many for max */
	CHECK_EQ_INT(tpm_nvcert_split(buf, al + bl, 0x01c90000, 1, out, 1, &n, &e), -1);
	CHECK(strstr(e.msg, "more than 1 certificates") != NULL);
	/* chain index may be empty, the certificate index may not */
	CHECK_EQ_INT(tpm_nvcert_split(buf + al + bl, 64, 0x01c90001, 0, out, 4, &n, &e), 0);
	CHECK_EQ_INT(n, 0);
	CHECK_EQ_INT(tpm_nvcert_split(buf + al + bl, 64, 0x01c90000, 1, out, 4, &n, &e), -1);
	CHECK(strstr(e.msg, "NV index 0x01c90000 holds no certificate") != NULL);
}

TEST(tpm_nvcert_rejects_garbage)
{
	static uint8_t a[4096], buf[TPM_NV_DATA_MAX + 1];
	size_t al = fx_read("ec.der", a, sizeof a), n;
	struct x509_der out[4];
	struct err e;
	memcpy(buf, a, al);
	buf[al] = 0xff;
	buf[al + 1] = 0x00;                     /* mixed padding */
	CHECK_EQ_INT(tpm_nvcert_split(buf, al + 2, 0x01c90000, 1, out, 4, &n, &e), -1);
	CHECK(strstr(e.msg, "at offset") != NULL);
	memcpy(buf, "hello world", 11);        /* not DER at all */
	CHECK_EQ_INT(tpm_nvcert_split(buf, 11, 0x01c90000, 1, out, 4, &n, &e), -1);
	CHECK(strstr(e.msg, "byte 0x68 at offset 0 is neither a DER certificate nor padding") != NULL);
	memcpy(buf, a, al);                     /* truncated certificate */
	CHECK_EQ_INT(tpm_nvcert_split(buf, al - 10, 0x01c90000, 1, out, 4, &n, &e), -1);
	CHECK(strstr(e.msg, "NV index 0x01c90000") != NULL);
	buf[4] ^= 0xff;                         /* a SEQUENCE that is not a certificate */
	memcpy(buf, "\x30\x03\x02\x01\x01", 5);
	CHECK_EQ_INT(tpm_nvcert_split(buf, 5, 0x01c90000, 1, out, 4, &n, &e), -1);
	CHECK(strstr(e.msg, "certificate 1") != NULL);
	CHECK_EQ_INT(tpm_nvcert_split(buf, TPM_NV_DATA_MAX + 1, 0x01c90000, 1, out, 4, &n, &e), -1);
}

/* ---------------------------------------------------------------- pub */

/* Build the TPM view of the key of a fixture certificate. */
static void tpm_view(const char *name, struct tpm_pubkey *pk, struct x509_pkey *cpk,
		     struct x509_cert *xc, uint8_t *der, size_t cap)
{
	struct err e;
	size_t len = fx_read(name, der, cap);
	CHECK_EQ_INT(x509_parse(der, len, xc, &e), 0);
	CHECK_EQ_INT(x509_get_pkey(der, len, cpk, &e), 0);
	memset(pk, 0, sizeof *pk);
	pk->type = cpk->key.key_type;
	if (pk->type == BR_KEYTYPE_EC) {
		size_t cl = (cpk->key.key.ec.qlen - 1) / 2;
		pk->curve = cpk->key.key.ec.curve;
		memcpy(pk->x, cpk->key.key.ec.q + 1, cl);
		memcpy(pk->y, cpk->key.key.ec.q + 1 + cl, cl);
		pk->x_len = pk->y_len = cl;
	} else {
		memcpy(pk->n, cpk->key.key.rsa.n, cpk->key.key.rsa.nlen);
		pk->n_len = cpk->key.key.rsa.nlen;
		pk->e = 0;                      /* TPM default exponent = 65537 */
	}
}

TEST(tpm_pub_matches_and_encodes_ec)
{
	static uint8_t der[4096], spki[TPM_PUB_SPKI_MAX];
	static struct tpm_pubkey pk;
	static struct x509_pkey cpk;
	struct x509_cert xc;
	struct err e;
	size_t len;
	char pem[TPM_PUB_PEM_MAX];
	tpm_view("ec.der", &pk, &cpk, &xc, der, sizeof der);
	CHECK_EQ_INT(tpm_pubkey_matches(&pk, &cpk.key, &e), 0);
	CHECK_EQ_INT(tpm_pubkey_spki(&pk, spki, sizeof spki, &len, &e), 0);
	CHECK_EQ_INT(len, xc.spki_len);
	CHECK_EQ_MEM(spki, xc.spki, len);
	CHECK_EQ_INT(tpm_pubkey_pem(&pk, pem, sizeof pem, &e), 0);
	CHECK(strncmp(pem, "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE", 63) == 0);
	CHECK(strstr(pem, "\n-----END PUBLIC KEY-----\n") != NULL);
	CHECK_EQ_INT(tpm_pubkey_pem(&pk, pem, 40, &e), -1);
	/* a shorter coordinate (leading zero stripped by the TPM) still matches */
	struct tpm_pubkey pk2 = pk;
	pk2.y[0] ^= 1;
	CHECK_EQ_INT(tpm_pubkey_matches(&pk2, &cpk.key, &e), -1);
	CHECK(strstr(e.msg, "EC point differs") != NULL);
	pk2 = pk;
	pk2.curve = BR_EC_secp384r1;
	CHECK_EQ_INT(tpm_pubkey_matches(&pk2, &cpk.key, &e), -1);
	CHECK(strstr(e.msg, "curve") != NULL);
	pk2 = pk;
	pk2.type = BR_KEYTYPE_RSA;
	CHECK_EQ_INT(tpm_pubkey_matches(&pk2, &cpk.key, &e), -1);
	CHECK(strstr(e.msg, "holds an EC key but the TPM key is RSA") != NULL);
	CHECK_EQ_INT(tpm_pubkey_spki(&pk, spki, 20, &len, &e), -1);
}

TEST(tpm_pub_matches_and_encodes_rsa)
{
	static uint8_t der[4096], spki[TPM_PUB_SPKI_MAX];
	static struct tpm_pubkey pk, pk2;
	static struct x509_pkey cpk;
	struct x509_cert xc;
	struct err e;
	size_t len;
	tpm_view("rsa.der", &pk, &cpk, &xc, der, sizeof der);
	CHECK_EQ_INT(tpm_pubkey_matches(&pk, &cpk.key, &e), 0);
	CHECK_EQ_INT(tpm_pubkey_spki(&pk, spki, sizeof spki, &len, &e), 0);
	CHECK_EQ_INT(len, xc.spki_len);
	CHECK_EQ_MEM(spki, xc.spki, len);
	pk2 = pk;
	pk2.e = 65537;                          /* explicit exponent, same key */
	CHECK_EQ_INT(tpm_pubkey_matches(&pk2, &cpk.key, &e), 0);
	pk2.e = 3;
	CHECK_EQ_INT(tpm_pubkey_matches(&pk2, &cpk.key, &e), -1);
	CHECK(strstr(e.msg, "exponent differs") != NULL);
	pk2 = pk;
	pk2.n[10] ^= 0x40;
	CHECK_EQ_INT(tpm_pubkey_matches(&pk2, &cpk.key, &e), -1);
	CHECK(strstr(e.msg, "modulus differs") != NULL);
}
