/* test_bls.c: Boot Loader Specification entries, loader.conf, the menu order. */
#include "unit.h"

#include "disk/bls.h"

static struct bls_entry A, B;

static int parse(struct bls_entry *b, const char *id, const char *txt)
{
	struct err e;
	return bls_parse_entry(id, txt, strlen(txt), b, &e);
}

TEST(bls_entry_fields)
{
	CHECK_EQ_INT(parse(&A, "debian-6.1.0-57-amd64.conf",
			   "# made by kernel-install\r\n"
			   "title      Debian GNU/Linux 12 (bookworm)\r\n"
			   "  version\t6.1.0-57-amd64  \n"
			   "sort-key   debian\n\n"
			   "options    root=PARTUUID=32bd ro\n"
			   "options    console=ttyS0,115200n8\n"
			   "linux      /debian/6.1.0-57-amd64/linux\n"
			   "initrd     /debian/6.1.0-57-amd64/initrd.img\n"
			   "initrd     /debian/ucode.img\n"
			   "unknown-key whatever\n"
			   "options"), 0);
	CHECK_EQ_STR(A.id, "debian-6.1.0-57-amd64.conf");
	CHECK_EQ_STR(A.title, "Debian GNU/Linux 12 (bookworm)");
	CHECK_EQ_STR(A.version, "6.1.0-57-amd64");
	CHECK_EQ_STR(A.sort_key, "debian");
	CHECK_EQ_STR(A.options, "root=PARTUUID=32bd ro console=ttyS0,115200n8");
	CHECK_EQ_STR(A.linux_, "/debian/6.1.0-57-amd64/linux");
	CHECK_EQ_STR(A.initrd, "/debian/6.1.0-57-amd64/initrd.img");
	CHECK_EQ_INT(A.n_initrd, 2);
	CHECK_EQ_STR(A.efi, "");
}

TEST(bls_entry_refusals)
{
	char big[BLS_VALUE_MAX + 16], huge[BLS_FILE_MAX + 2];
	struct err e;
	CHECK_EQ_INT(bls_parse_entry("a.conf", "linux /a\0b", 10, &A, &e), -1);
	CHECK(strstr(e.msg, "NUL") != NULL);
	memset(big, 'x', sizeof big);
	memcpy(big, "title ", 6);
	big[sizeof big - 1] = 0;
	CHECK_EQ_INT(bls_parse_entry("a.conf", big, strlen(big), &A, &e), -1);
	CHECK(strstr(e.msg, "a.conf line 1: title") != NULL);
	memset(huge, '#', sizeof huge);
	CHECK_EQ_INT(bls_parse_entry("a.conf", huge, sizeof huge, &A, &e), -1);
	memset(huge, 'o', BLS_LINE_MAX + 1);
	CHECK_EQ_INT(bls_parse_entry("a.conf", huge, BLS_LINE_MAX + 1, &A, &e), -1);
	CHECK(strstr(e.msg, "longer than") != NULL);
	char opts[BLS_OPTIONS_MAX + 600] = "";
	for (int i = 0; i < 6; i++) {
		strcat(opts, "options ");
		size_t n = strlen(opts);
		memset(opts + n, 'y', 400);
		opts[n + 400] = '\n';
		opts[n + 401] = 0;
	}
	CHECK_EQ_INT(bls_parse_entry("a.conf", opts, strlen(opts), &A, &e), -1);
	CHECK(strstr(e.msg, "options longer") != NULL);
}

TEST(bls_loader_default_pattern)
{
	char pat[64];
	struct err e;
	const char *c = "timeout 0\ndefault debian-*\nconsole-mode keep\n";
	CHECK_EQ_INT(bls_loader_default(c, strlen(c), pat, sizeof pat, &e), 0);
	CHECK_EQ_STR(pat, "debian-*");
	c = "default @saved\n";
	CHECK_EQ_INT(bls_loader_default(c, strlen(c), pat, sizeof pat, &e), 0);
	CHECK_EQ_STR(pat, "");
	c = "timeout 3\n";
	CHECK_EQ_INT(bls_loader_default(c, strlen(c), pat, sizeof pat, &e), 0);
	CHECK_EQ_STR(pat, "");
	c = "default aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n";
	CHECK_EQ_INT(bls_loader_default(c, strlen(c), pat, sizeof pat, &e), -1);
	CHECK_EQ_STR(pat, "");
}

TEST(bls_menu_order_and_match)
{
	/* sort-key entries first, newest version first within a sort-key */
	CHECK_EQ_INT(parse(&A, "debian-6.1.0-9.conf", "sort-key debian\nversion 6.1.0-9\n"), 0);
	CHECK_EQ_INT(parse(&B, "debian-6.1.0-10.conf", "sort-key debian\nversion 6.1.0-10\n"), 0);
	CHECK(bls_compare(&B, &A) < 0);
	CHECK(bls_compare(&A, &B) > 0);
	CHECK_EQ_INT(parse(&A, "zzz.conf", "linux /x\n"), 0); /* no sort-key: after */
	CHECK(bls_compare(&B, &A) < 0);
	CHECK_EQ_INT(parse(&B, "aaa.conf", "linux /y\n"), 0); /* neither: newest file name first */
	CHECK(bls_compare(&A, &B) < 0);
	CHECK_EQ_INT(bls_compare(&A, &A), 0);
	CHECK(bls_matches(&A, "zzz.conf"));
	CHECK(bls_matches(&A, "zzz"));
	CHECK(bls_matches(&A, "z*"));
	CHECK(!bls_matches(&A, "a*"));
	CHECK(!bls_matches(&A, ""));
}
