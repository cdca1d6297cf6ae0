/* test_tar.c: the strict tar reader. */
#include "unit.h"
#include "install_fixtures.h"

#include "install/tar.h"

static struct fx_tar T;
static struct tar_entry E;

static int all(struct err *e)
{
	struct tar t;
	int r, n = 0;
	tar_init(&t, T.buf, T.len);
	while ((r = tar_next(&t, &E, e)) == 1)
		n++;
	return r < 0 ? -1 : n;
}

TEST(tar_reads_ustar)
{
	struct tar t;
	struct err e;
	T.len = 0;
	fx_tar_add(&T, "./", '5', 0755, NULL, NULL, 0);
	fx_tar_add(&T, "./etc/", '5', 0755, NULL, NULL, 0);
	fx_tar_file(&T, "./etc/motd", "hello\n");
	fx_tar_add(&T, "etc/link", '2', 0777, "motd", NULL, 0);
	fx_tar_add(&T, "etc/abs", '2', 0777, "/usr/lib/x", NULL, 0);
	fx_tar_end(&T);
	tar_init(&t, T.buf, T.len);
	CHECK_EQ_INT(tar_next(&t, &E, &e), 1);
	CHECK_EQ_STR(E.path, "etc");
	CHECK_EQ_INT(E.type, TAR_DIR);
	CHECK_EQ_INT(tar_next(&t, &E, &e), 1);
	CHECK_EQ_STR(E.path, "etc/motd");
	CHECK_EQ_INT(E.type, TAR_FILE);
	CHECK_EQ_INT(E.size, 6);
	CHECK_EQ_MEM(E.data, "hello\n", 6);
	CHECK_EQ_INT(E.mode, 0644);
	CHECK_EQ_INT(E.mtime, 1700000000);
	CHECK_EQ_INT(tar_next(&t, &E, &e), 1);
	CHECK_EQ_INT(E.type, TAR_SYMLINK);
	CHECK_EQ_STR(E.link, "motd");
	CHECK_EQ_INT(tar_next(&t, &E, &e), 1);
	CHECK_EQ_STR(E.link, "/usr/lib/x");
	CHECK_EQ_INT(tar_next(&t, &E, &e), 0);
	CHECK_EQ_INT(tar_next(&t, &E, &e), 0);
}

static void refused(const char *name, char type, unsigned mode, const char *link,
		    const char *want)
{
	struct err e;
	T.len = 0;
	fx_tar_file(&T, "ok", "x");
	fx_tar_add(&T, name, type, mode, link, "data", 4);
	fx_tar_end(&T);
	CHECK_EQ_INT(all(&e), -1);
	if (!strstr(e.msg, want))
		unit_fail(__FILE__, __LINE__, "message \"%s\" lacks \"%s\"", e.msg, want);
}

TEST(tar_refuses_what_must_not_be_applied)
{
	refused("../etc/passwd", '0', 0644, NULL, "\"..\" component refused");
	refused("etc/../../x", '0', 0644, NULL, "\"..\" component refused");
	refused("/etc/passwd", '0', 0644, NULL, "absolute path refused");
	refused("etc/hard", '1', 0644, "etc/passwd", "hard link refused");
	refused("dev/sda", '4', 0600, NULL, "device node refused");
	refused("dev/tty", '3', 0600, NULL, "device node refused");
	refused("run/fifo", '6', 0600, NULL, "FIFO refused");
	refused("usr/bin/su", '0', 04755, NULL, "set-user-ID bit refused");
	refused("usr/bin/x", '0', 02755, NULL, "set-group-ID bit refused");
	refused("etc/esc", '2', 0777, "../../etc/shadow", "leads out of the root");
	refused("esc", '2', 0777, "..", "leads out of the root");
	refused("etc/empty", '2', 0777, "", "empty link target");
	refused("etc/sparse", 'S', 0644, NULL, "entry type 'S' refused");
	refused("etc/a\nb", '0', 0644, NULL, "control character");
}

TEST(tar_accepts_setgid_directory_and_inner_links)
{
	struct err e;
	T.len = 0;
	fx_tar_add(&T, "var/log/journal/", '5', 02755, NULL, NULL, 0);
	fx_tar_add(&T, "a/b/c", '2', 0777, "../d", NULL, 0);
	fx_tar_add(&T, "a/b/e", '2', 0777, "../../f", NULL, 0);
	fx_tar_end(&T);
	CHECK_EQ_INT(all(&e), 3);
}

TEST(tar_refuses_bad_headers)
{
	struct err e;
	T.len = 0;
	fx_tar_file(&T, "a", "x");
	fx_tar_end(&T);
	T.buf[0] = 'b'; /* checksum now wrong */
	CHECK_EQ_INT(all(&e), -1);
	CHECK(strstr(e.msg, "checksum") != NULL);
	T.len = 0;
	fx_tar_file(&T, "a", "0123456789");
	T.len -= 512; /* data cut */
	T.len += 5;
	CHECK_EQ_INT(all(&e), -1);
	CHECK(strstr(e.msg, "left") != NULL || strstr(e.msg, "beyond") != NULL);
	T.len = 100;
	CHECK_EQ_INT(all(&e), -1);
	CHECK(strstr(e.msg, "truncated header") != NULL);
	T.len = 0;
	fx_tar_file(&T, "a", "x");
	memcpy(T.buf + 257, "xxxxx", 5);
	CHECK_EQ_INT(all(&e), -1);
}

/* Sizes an extended header gives are bounded too. */
TEST(tar_refuses_oversized_entries)
{
	static char big[TAR_EXT_MAX + 1];
	struct err e;
	/* a pax size beyond the end of the archive */
	T.len = 0;
	fx_tar_add(&T, "pax", 'x', 0644, NULL, "18 size=100000000\n", 18);
	fx_tar_file(&T, "a", "x");
	fx_tar_end(&T);
	CHECK_EQ_INT(all(&e), -1);
	CHECK_EQ_STR(e.msg, "tar entry \"a\": size beyond the archive");
	/* an extended header larger than TAR_EXT_MAX */
	memset(big, 'a', sizeof big);
	T.len = 0;
	fx_tar_add(&T, "pax", 'x', 0644, NULL, big, sizeof big);
	fx_tar_file(&T, "a", "x");
	fx_tar_end(&T);
	CHECK_EQ_INT(all(&e), -1);
	CHECK_EQ_STR(e.msg, "tar: extended header at offset 0 larger than 65536 bytes");
}

TEST(tar_reads_gnu_and_pax_long_names_from_real_tar)
{
	const char *d = fx_tmpdir();
	char p[128];
	struct err e;
	char longdir[300];
	memset(longdir, 'd', 150);
	longdir[150] = 0;
	CHECK_EQ_INT(fx_sh("cd %s && mkdir -p r/%s/%s && echo hi > r/%s/%s/file && "
			   "ln -s file r/%s/%s/link && "
			   "tar --format=gnu -C r -cf gnu.tar . && tar --format=pax -C r -cf pax.tar .",
			   d, longdir, longdir, longdir, longdir, longdir, longdir), 0);
	for (int k = 0; k < 2; k++) {
		snprintf(p, sizeof p, "%s/%s.tar", d, k ? "pax" : "gnu");
		long n = fx_read(p, T.buf, sizeof T.buf);
		CHECK(n > 0);
		T.len = (size_t)n;
		struct tar t;
		int r, files = 0, links = 0;
		tar_init(&t, T.buf, T.len);
		while ((r = tar_next(&t, &E, &e)) == 1) {
			if (E.type == TAR_FILE) {
				files++;
				CHECK_EQ_INT(strlen(E.path), 150 + 1 + 150 + 5);
				CHECK_EQ_INT(E.size, 3);
				CHECK_EQ_MEM(E.data, "hi\n", 3);
			}
			if (E.type == TAR_SYMLINK) {
				links++;
				CHECK_EQ_STR(E.link, "file");
			}
		}
		CHECK_EQ_INT(r, 0);
		CHECK_EQ_INT(files, 1);
		CHECK_EQ_INT(links, 1);
	}
	fx_sh("rm -rf %s", d);
}

TEST(tar_path_rules)
{
	char out[TAR_PATH_MAX + 1];
	struct err e;
	CHECK_EQ_INT(tar_path_normalize("./a//b/./c/", 11, out, sizeof out, &e), 0);
	CHECK_EQ_STR(out, "a/b/c");
	CHECK_EQ_INT(tar_path_normalize("./", 2, out, sizeof out, &e), 1);
	CHECK_EQ_INT(tar_path_normalize("a/..b", 5, out, sizeof out, &e), 0);
	CHECK_EQ_INT(tar_link_escapes("a/b", "../c"), 0);
	CHECK_EQ_INT(tar_link_escapes("a/b", "../../c"), 1);
	CHECK_EQ_INT(tar_link_escapes("a/b", "x/../../c"), 0);
	CHECK_EQ_INT(tar_link_escapes("a/b", "x/../../../c"), 1);
	CHECK_EQ_INT(tar_link_escapes("b", "/abs"), 0);
}
