/* test_anchors.c: trust anchors and chains from PEM/DER files and directories. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trust/anchors.h"
#include "tls_fixtures.h"
#include "unit.h"

static struct anchors A;
static struct cert_chain C;

/* A fresh temporary directory; the path is static per call site use. */
static void mktmp(char *dir, size_t cap)
{
	snprintf(dir, cap, "/tmp/sztp-anchors-XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
}

static void put(const char *dir, const char *name, const void *data, size_t len)
{
	char p[512];
	FILE *f;
	snprintf(p, sizeof p, "%s/%s", dir, name);
	f = fopen(p, "wb");
	CHECK(f != NULL);
	CHECK_EQ_INT(fwrite(data, 1, len, f), len);
	CHECK_EQ_INT(fclose(f), 0);
}

static void rmtree(const char *dir)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	CHECK_EQ_INT(system(cmd), 0);
}

static int ta_is_ec_ca(const br_x509_trust_anchor *ta)
{
	return ta->pkey.key_type == BR_KEYTYPE_EC && ta->pkey.key.ec.qlen == 65 &&
	       ta->pkey.key.ec.curve == BR_EC_secp256r1 && (ta->flags & BR_X509_TA_CA);
}

/* "CN=Unit EC CA" as DER: SEQUENCE { SET { SEQUENCE { OID 2.5.4.3, UTF8String } } } */
static const unsigned char ec_dn[] = {
	0x30, 0x15, 0x31, 0x13, 0x30, 0x11, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x0a,
	'U', 'n', 'i', 't', ' ', 'E', 'C', ' ', 'C', 'A',
};

TEST(anchors_pem_two_certs)
{
	char buf[4096];
	struct err e;
	int n = snprintf(buf, sizeof buf, "junk before\n%s\nbetween\n%s", FIX_EC_CA_PEM, FIX_RSA_CA_PEM);
	anchors_init(&A);
	CHECK_EQ_INT(anchors_add_buf(&A, buf, (size_t)n, "two.pem", &e), 2);
	CHECK_EQ_INT(A.n, 2);
	CHECK(ta_is_ec_ca(&A.ta[0]));
	CHECK_EQ_INT(A.ta[0].dn.len, sizeof ec_dn);
	CHECK_EQ_MEM(A.ta[0].dn.data, ec_dn, sizeof ec_dn);
	CHECK_EQ_INT(A.ta[1].pkey.key_type, BR_KEYTYPE_RSA);
	CHECK_EQ_INT(A.ta[1].pkey.key.rsa.nlen, 256);
	CHECK(A.ta[1].flags & BR_X509_TA_CA);
	/* key bytes live in the arena */
	CHECK(A.ta[1].pkey.key.rsa.n >= A.arena && A.ta[1].pkey.key.rsa.n < A.arena + A.used);
}

TEST(anchors_der_buffer)
{
	struct err e;
	anchors_init(&A);
	CHECK_EQ_INT(anchors_add_buf(&A, fix_ec_ca_der, sizeof fix_ec_ca_der, "ca.der", &e), 1);
	CHECK(ta_is_ec_ca(&A.ta[0]));
	/* end entity: not a CA */
	CHECK_EQ_INT(anchors_add_buf(&A, fix_ee_der, sizeof fix_ee_der, "ee.der", &e), 1);
	CHECK_EQ_INT(A.ta[1].flags & BR_X509_TA_CA, 0);
}

TEST(anchors_files_and_directory)
{
	char dir[64], p[128], buf[4096];
	struct err e;
	int n;

	mktmp(dir, sizeof dir);
	n = snprintf(buf, sizeof buf, "%s%s", FIX_EC_CA_PEM, FIX_RSA_CA_PEM);
	put(dir, "two.pem", buf, (size_t)n);
	put(dir, "one.der", fix_ec_ca_der, sizeof fix_ec_ca_der);
	put(dir, "README", "not a certificate\n", 18);      /* skipped: suffix */
	put(dir, ".hidden.pem", "garbage\n", 8);             /* skipped: dot file */

	anchors_init(&A);
	snprintf(p, sizeof p, "%s/one.der", dir);
	CHECK_EQ_INT(anchors_load(&A, p, &e), 1);
	snprintf(p, sizeof p, "%s/two.pem", dir);
	CHECK_EQ_INT(anchors_load(&A, p, &e), 2);
	CHECK_EQ_INT(A.n, 3);

	anchors_init(&A);
	CHECK_EQ_INT(anchors_load(&A, dir, &e), 3);
	CHECK_EQ_INT(A.n, 3);

	/* a garbage .pem in the directory fails the whole load, store unchanged */
	put(dir, "bad.pem", "garbage\n", 8);
	CHECK_EQ_INT(anchors_load(&A, dir, &e), -1);
	CHECK(strstr(e.msg, "bad.pem: not a certificate") != NULL);
	CHECK(strncmp(e.msg, "anchors: ", 9) == 0);
	CHECK_EQ_INT(A.n, 3);
	rmtree(dir);
}

TEST(anchors_errors)
{
	char dir[64], p[128];
	struct err e;
	unsigned char der[sizeof fix_ec_ca_der];

	mktmp(dir, sizeof dir);
	anchors_init(&A);

	snprintf(p, sizeof p, "%s/missing.pem", dir);
	CHECK_EQ_INT(anchors_load(&A, p, &e), -1);
	CHECK(strstr(e.msg, "cannot open: No such file") != NULL);

	CHECK_EQ_INT(anchors_load(&A, dir, &e), -1); /* empty directory */
	CHECK(strstr(e.msg, "no certificate files") != NULL);

	put(dir, "empty.pem", "", 0);
	snprintf(p, sizeof p, "%s/empty.pem", dir);
	CHECK_EQ_INT(anchors_load(&A, p, &e), -1);
	CHECK(strstr(e.msg, "empty") != NULL);

	put(dir, "garbage.pem", "hello world\n", 12);
	snprintf(p, sizeof p, "%s/garbage.pem", dir);
	CHECK_EQ_INT(anchors_load(&A, p, &e), -1);
	CHECK(strstr(e.msg, "garbage.pem: not a certificate") != NULL);

	/* a PEM private key is not a certificate */
	CHECK_EQ_INT(anchors_add_buf(&A, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
				     58, "key.pem", &e), -1);
	CHECK(strstr(e.msg, "not a certificate") != NULL);

	/* bad base64 inside a CERTIFICATE block */
	CHECK_EQ_INT(anchors_add_buf(&A, "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
				     60, "b64.pem", &e), -1);

	/* unterminated block */
	CHECK_EQ_INT(anchors_add_buf(&A, "-----BEGIN CERTIFICATE-----\nMIIB\n", 33, "open.pem", &e), -1);
	CHECK(strstr(e.msg, "unterminated") != NULL);

	/* DER: truncated, trailing bytes, corrupted inside */
	CHECK_EQ_INT(anchors_add_buf(&A, fix_ec_ca_der, sizeof fix_ec_ca_der - 1, "t.der", &e), -1);
	CHECK(strstr(e.msg, "bad DER length") != NULL);
	memcpy(der, fix_ec_ca_der, sizeof der);
	der[8] = 0x04; /* version [0] -> OCTET STRING */
	CHECK_EQ_INT(anchors_add_buf(&A, der, sizeof der, "c.der", &e), -1);
	CHECK(strstr(e.msg, "cannot decode") != NULL);
	CHECK(strstr(e.msg, "BearSSL error") != NULL);
	CHECK_EQ_INT(A.n, 0);
	CHECK_EQ_INT(A.used, 0);
	rmtree(dir);
}

TEST(anchors_too_many)
{
	struct err e;
	anchors_init(&A);
	for (int i = 0; i < ANCHORS_MAX; i++)
		CHECK_EQ_INT(anchors_add_buf(&A, fix_ec_ca_der, sizeof fix_ec_ca_der, "ca.der", &e), 1);
	CHECK_EQ_INT(anchors_add_buf(&A, fix_ec_ca_der, sizeof fix_ec_ca_der, "ca.der", &e), -1);
	CHECK(strstr(e.msg, "too many trust anchors (limit 256)") != NULL);
	CHECK_EQ_INT(A.n, ANCHORS_MAX);
}

TEST(anchors_skip_duplicates)
{
	struct err e;
	size_t used;
	anchors_init(&A);
	A.skip_duplicates = 1;
	CHECK_EQ_INT(anchors_add_buf(&A, fix_ec_ca_der, sizeof fix_ec_ca_der, "ca.der", &e), 1);
	used = A.used;
	CHECK_EQ_INT(anchors_add_buf(&A, fix_ec_ca_der, sizeof fix_ec_ca_der, "again.der", &e), 1);
	CHECK_EQ_INT(A.n, 1);          /* not added twice */
	CHECK_EQ_INT(A.used, used);    /* and its bytes given back */
	CHECK_EQ_INT(anchors_add_buf(&A, FIX_RSA_CA_PEM, strlen(FIX_RSA_CA_PEM), "rsa.pem", &e), 1);
	CHECK_EQ_INT(A.n, 2);
	A.skip_duplicates = 0;
}

TEST(anchors_arena_full)
{
	struct err e;
	size_t used;
	anchors_init(&A);
	A.used = sizeof A.arena - 100; /* pretend the arena is nearly full */
	used = A.used;
	CHECK_EQ_INT(anchors_add_buf(&A, FIX_RSA_CA_PEM, strlen(FIX_RSA_CA_PEM), "rsa.pem", &e), -1);
	CHECK(strstr(e.msg, "arena full") != NULL);
	CHECK_EQ_INT(A.used, used);
	CHECK_EQ_INT(A.n, 0);
}

TEST(chain_load_pem)
{
	char dir[64], p[128], buf[4096];
	struct err e;
	int n;

	mktmp(dir, sizeof dir);
	n = snprintf(buf, sizeof buf, "%s%s", FIX_EC_CA_PEM, FIX_RSA_CA_PEM);
	put(dir, "chain.pem", buf, (size_t)n);
	snprintf(p, sizeof p, "%s/chain.pem", dir);
	chain_init(&C);
	CHECK_EQ_INT(chain_load(&C, p, &e), 2);
	CHECK_EQ_INT(C.n, 2);
	CHECK_EQ_INT(C.cert[0].data_len, sizeof fix_ec_ca_der);
	CHECK_EQ_MEM(C.cert[0].data, fix_ec_ca_der, sizeof fix_ec_ca_der);

	CHECK_EQ_INT(chain_add_buf(&C, fix_ee_der, sizeof fix_ee_der, "ee.der", &e), 1);
	CHECK_EQ_INT(C.n, 3);

	CHECK_EQ_INT(chain_add_buf(&C, "nothing here", 12, "x", &e), -1);
	CHECK(strncmp(e.msg, "chain: x: not a certificate", 27) == 0);
	CHECK_EQ_INT(C.n, 3);

	chain_init(&C);
	for (int i = 0; i < CHAIN_MAX; i++)
		CHECK_EQ_INT(chain_add_buf(&C, fix_ee_der, sizeof fix_ee_der, "ee.der", &e), 1);
	CHECK_EQ_INT(chain_add_buf(&C, fix_ee_der, sizeof fix_ee_der, "ee.der", &e), -1);
	CHECK(strstr(e.msg, "too many certificates") != NULL);
	rmtree(dir);
}
