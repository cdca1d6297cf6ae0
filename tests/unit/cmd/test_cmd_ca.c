/* test_cmd_ca.c: which anchors the host commands pick (cmd/cmd_ca.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmd_ca.h"
#include "tls_fixtures.h"
#include "unit.h"

static struct anchors A;

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	fputs(text, f);
	fclose(f);
}

TEST(cmd_ca_rule)
{
	char dir[] = "/tmp/sztp-cmdca-XXXXXX", p[300], what[600];
	const char *old_file = getenv("SSL_CERT_FILE"), *old_dir = getenv("SSL_CERT_DIR");
	char keep_file[512] = "", keep_dir[512] = "";
	struct err e;

	if (old_file)
		snprintf(keep_file, sizeof keep_file, "%s", old_file);
	if (old_dir)
		snprintf(keep_dir, sizeof keep_dir, "%s", old_dir);
	CHECK(mkdtemp(dir) != NULL);
	snprintf(p, sizeof p, "%s/ca.pem", dir);
	put(p, FIX_RSA_CA_PEM);

	/* --ca: that file */
	CHECK_EQ_INT(cmd_ca_load(&A, p, dir, what, sizeof what, &e), CMD_CA_GIVEN);
	CHECK_EQ_INT(A.n, 1);

	/* no /etc/sztp (here: <dir>/sztp): the system store, SSL_CERT_FILE first */
	snprintf(p, sizeof p, "%s/sztp", dir);
	{
		char ca[300];
		snprintf(ca, sizeof ca, "%s/ca.pem", dir);
		setenv("SSL_CERT_FILE", ca, 1);
		setenv("SSL_CERT_DIR", "/nonexistent", 1);
		CHECK_EQ_INT(cmd_ca_load(&A, NULL, p, what, sizeof what, &e), CMD_CA_OF_SYSTEM);
		CHECK_EQ_INT(A.n, 1);
		CHECK(strstr(what, "the system CA store") && strstr(what, "(SSL_CERT_FILE) (1 anchors)"));
		/* SSL_CERT_DIR when SSL_CERT_FILE is not set; a certificate twice counts once */
		unsetenv("SSL_CERT_FILE");
		snprintf(ca, sizeof ca, "%s/again.crt", dir);
		put(ca, FIX_RSA_CA_PEM);
		setenv("SSL_CERT_DIR", dir, 1);
		CHECK_EQ_INT(cmd_ca_load(&A, NULL, p, what, sizeof what, &e), CMD_CA_OF_SYSTEM);
		CHECK_EQ_INT(A.n, 1);
		unlink(ca);
	}

	/* /etc/sztp exists: the device's anchors, nothing of the system's */
	CHECK_EQ_INT(mkdir(p, 0755), 0);
	CHECK_EQ_INT(cmd_ca_load(&A, NULL, p, what, sizeof what, &e), -1);
	CHECK(strstr(e.msg, "anchors/bootstrap") != NULL);
	CHECK_EQ_INT(A.n, 0);
	CHECK(cmd_ca_device(p) == 1);
	snprintf(p, sizeof p, "%s/sztp/anchors", dir);
	CHECK_EQ_INT(mkdir(p, 0755), 0);
	snprintf(p, sizeof p, "%s/sztp/anchors/bootstrap", dir);
	CHECK_EQ_INT(mkdir(p, 0755), 0);
	snprintf(p, sizeof p, "%s/sztp/anchors/bootstrap/server-ca.pem", dir);
	put(p, FIX_RSA_CA_PEM);
	snprintf(p, sizeof p, "%s/sztp", dir);
	CHECK_EQ_INT(cmd_ca_load(&A, NULL, p, what, sizeof what, &e), CMD_CA_OF_DEVICE);
	CHECK_EQ_INT(A.n, 1);
	CHECK(strstr(what, "the device's anchors") != NULL);

	/* clean up */
	snprintf(p, sizeof p, "rm -rf '%s'", dir);
	CHECK_EQ_INT(system(p), 0);
	if (keep_file[0])
		setenv("SSL_CERT_FILE", keep_file, 1);
	else
		unsetenv("SSL_CERT_FILE");
	if (keep_dir[0])
		setenv("SSL_CERT_DIR", keep_dir, 1);
	else
		unsetenv("SSL_CERT_DIR");
}
