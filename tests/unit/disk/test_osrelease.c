/* test_osrelease.c: os-release parsing, the match rule, reading inside a root. */
#include <unistd.h>
#include "unit.h"
#include "install_fixtures.h"

#include "disk/osrelease.h"

static struct osrelease O;

static int parse(const char *s, struct err *e)
{
	return osrelease_parse(s, strlen(s), &O, e);
}

TEST(osrelease_parses_quoting)
{
	struct err e;
	CHECK_EQ_INT(parse("# comment\n\nNAME=\"Demo \\\"OS\\\"\"\nID=demo\n"
			   "VERSION_ID='1.2'\nVERSION=1.2 (x)  \nPRETTY_NAME=\"Demo $x\"\nOTHER=1\n",
			   &e), 0);
	CHECK_EQ_STR(O.name, "Demo \"OS\"");
	CHECK_EQ_STR(O.id, "demo");
	CHECK_EQ_STR(O.version_id, "1.2");
	CHECK_EQ_STR(O.version, "1.2 (x)");
	CHECK_EQ_STR(O.pretty_name, "Demo $x");
	CHECK_EQ_INT(parse("NAME=x", &e), 0); /* no final newline */
	CHECK_EQ_STR(O.name, "x");
}

TEST(osrelease_refuses_malformed)
{
	struct err e;
	char big[400];
	CHECK_EQ_INT(parse("NAME=\"unterminated\n", &e), -1);
	CHECK(strstr(e.msg, "line 1: unterminated quote") != NULL);
	CHECK_EQ_INT(parse("ID=x\njust words\n", &e), -1);
	CHECK(strstr(e.msg, "line 2") != NULL);
	CHECK_EQ_INT(parse("NAME=\"a\" b\n", &e), -1);
	CHECK_EQ_INT(parse("-X=1\n", &e), -1);
	memset(big, 'a', sizeof big);
	memcpy(big, "NAME=", 5);
	big[sizeof big - 1] = 0;
	CHECK_EQ_INT(parse(big, &e), -1);
	CHECK(strstr(e.msg, "longer than") != NULL);
	CHECK_EQ_INT(osrelease_parse("NAME=a\0b", 8, &O, &e), -1);
}

TEST(osrelease_match_rule)
{
	struct err e;
	CHECK_EQ_INT(parse("NAME=\"Demo OS\"\nID=demo\nVERSION_ID=2.0\nVERSION=\"2.0 (Two)\"\n", &e), 0);
	CHECK_EQ_INT(osrelease_matches(&O, "Demo OS", "2.0"), 1);
	CHECK_EQ_INT(osrelease_matches(&O, "demo", "2.0 (Two)"), 1);
	CHECK_EQ_INT(osrelease_matches(&O, "demo", "2.1"), 0);
	CHECK_EQ_INT(osrelease_matches(&O, "Demo", "2.0"), 0);
	CHECK_EQ_INT(osrelease_matches(&O, "demo", ""), 0);
	CHECK_EQ_INT(osrelease_matches(&O, "", "2.0"), 0);
	CHECK_EQ_INT(osrelease_matches(&O, NULL, NULL), 0);
}

TEST(osrelease_image_id_and_version)
{
	struct err e;
	CHECK_EQ_INT(parse("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\n"
			   "VERSION_ID=\"12\"\nID=debian\nIMAGE_ID=sztp-debian\nIMAGE_VERSION=2\n", &e), 0);
	CHECK_EQ_STR(O.image_id, "sztp-debian");
	CHECK_EQ_STR(O.image_version, "2");
	CHECK_EQ_INT(osrelease_matches(&O, "sztp-debian", "2"), 1);
	CHECK_EQ_INT(osrelease_matches(&O, "sztp-debian", "1"), 0);
	CHECK_EQ_INT(osrelease_matches(&O, "debian", "12"), 1);
	/* a pair: the image's id with the distribution's version is no match */
	CHECK_EQ_INT(osrelease_matches(&O, "sztp-debian", "12"), 0);
	CHECK_EQ_INT(osrelease_matches(&O, "debian", "2"), 0);
}

TEST(osrelease_reads_inside_root_only)
{
	const char *d = fx_tmpdir();
	struct err e;
	char r[128];
	snprintf(r, sizeof r, "%s/root", d);
	/* etc/os-release -> ../usr/lib/os-release (the usual link) */
	CHECK_EQ_INT(fx_sh("cd %s && mkdir -p root/etc root/usr/lib && printf 'ID=inside\\n' > "
			   "root/usr/lib/os-release && ln -s ../usr/lib/os-release root/etc/os-release",
			   d), 0);
	CHECK_EQ_INT(osrelease_read_root(r, &O, &e), 0);
	CHECK_EQ_STR(O.id, "inside");
	/* an absolute link resolves inside the root, never to the host's file */
	CHECK_EQ_INT(fx_sh("cd %s && printf 'ID=outside\\n' > os && rm root/etc/os-release && "
			   "ln -s %s/os root/etc/os-release && rm root/usr/lib/os-release", d, d), 0);
	CHECK_EQ_INT(osrelease_read_root(r, &O, &e), -1);
	CHECK_EQ_INT(fx_sh("cd %s && rm root/etc/os-release && ln -s /../../../../%s/os "
			   "root/etc/os-release", d, d), 0);
	CHECK_EQ_INT(osrelease_read_root(r, &O, &e), -1);
	CHECK(strstr(e.msg, "no readable") != NULL);
	fx_sh("rm -rf %s", d);
}

/* A FIFO (or a link to one) at etc/os-release of a disk about to be
 * reimaged must not hang provisioning: refused at once, usr/lib/os-release
 * read instead. alarm() turns a hang into a failure of this test. */
TEST(osrelease_fifo_does_not_block)
{
	char d[] = "/tmp/sztp-osr-fifo-XXXXXX", r[64];
	struct err e;
	CHECK(mkdtemp(d) != NULL);
	snprintf(r, sizeof r, "%s/root", d);
	CHECK_EQ_INT(fx_sh("cd %s && mkdir -p root/etc root/usr/lib && mkfifo root/etc/os-release && "
			   "printf 'ID=fallback\\n' > root/usr/lib/os-release", d), 0);
	alarm(10);
	CHECK_EQ_INT(osrelease_read_root(r, &O, &e), 0);
	CHECK_EQ_STR(O.id, "fallback");
	/* only a FIFO: an error naming it, no hang */
	CHECK_EQ_INT(fx_sh("cd %s && rm root/usr/lib/os-release && mkfifo root/usr/lib/os-release", d), 0);
	CHECK_EQ_INT(osrelease_read_root(r, &O, &e), -1);
	CHECK(strstr(e.msg, "not a regular file") != NULL);
	/* a link to a FIFO inside the root: not followed */
	CHECK_EQ_INT(fx_sh("cd %s && rm root/etc/os-release && ln -s ../usr/lib/os-release "
			   "root/etc/os-release", d), 0);
	CHECK_EQ_INT(osrelease_read_root(r, &O, &e), -1);
	alarm(0);
	CHECK_EQ_INT(fx_sh("rm -rf %s", d), 0);
}
