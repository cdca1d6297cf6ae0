/* test_imgsrc_file.c: file:// download-uris on a medium (imgsrc_file_paths()
 * and the file source beneath a medium's root) and on the local file system. */
#include "unit.h"

#include "install/imgsrc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char got[IMGSRC_FILE_PATHS][IMGSRC_PATH_MAX + 1];

/* imgsrc_file_paths() as one string "a | b | c", or "ERR: msg" */
static const char *paths(const char *uri, const char *root)
{
	static char s[3 * (IMGSRC_PATH_MAX + 4)];
	struct err e;
	int n;
	err_clear(&e);
	n = imgsrc_file_paths(uri, root, got, &e);
	if (n < 0) {
		snprintf(s, sizeof s, "ERR: %s", e.msg);
		return s;
	}
	s[0] = '\0';
	for (int i = 0; i < n; i++) {
		size_t k = strlen(s);
		snprintf(s + k, sizeof s - k, "%s%s", i ? " | " : "", got[i]);
	}
	return s;
}

#define M "/run/sztp/media/sdb1"

TEST(imgsrc_file_paths_rules)
{
	/* as given, from the medium's root */
	CHECK_EQ_STR(paths("file:///images/x.iso", M), "images/x.iso");
	CHECK_EQ_STR(paths("file://localhost/images/x.iso", M), "images/x.iso");
	CHECK_EQ_STR(paths("FILE://LocalHost/images/x.iso", M), "images/x.iso");
	CHECK_EQ_STR(paths("/images/x.iso", M), "images/x.iso");
	/* a vendor drive name: tried as given, then without it */
	CHECK_EQ_STR(paths("file:///disk2:/images/x.iso", M), "disk2:/images/x.iso | images/x.iso");
	CHECK_EQ_STR(paths("file:///disk0:/x.iso", NULL), "disk0:/x.iso | x.iso");
	CHECK_EQ_STR(paths("file:///harddisk:/a/b/c", M), "harddisk:/a/b/c | a/b/c");
	/* only a first component ending in ':' is a drive, and only with more after it */
	CHECK_EQ_STR(paths("file:///disk0:", M), "disk0:");
	CHECK_EQ_STR(paths("file:///images/disk2:/x.iso", M), "images/disk2:/x.iso");
	CHECK_EQ_STR(paths("file:///disk2/x.iso", M), "disk2/x.iso");
	/* the agent's own mount point (the form docs/network.md used to show) */
	CHECK_EQ_STR(paths("file://" M "/images/os.img", M),
		     "images/os.img | run/sztp/media/sdb1/images/os.img");
	CHECK_EQ_STR(paths("file:///run/sztp/media/sdc1/images/os.img", M),
		     "run/sztp/media/sdc1/images/os.img");
	CHECK_EQ_STR(paths("file://" M, M), "run/sztp/media/sdb1");
	/* empty and "." components dropped; percent-decoding */
	CHECK_EQ_STR(paths("file:///./images//./x.iso/", M), "images/x.iso");
	CHECK_EQ_STR(paths("file:///images/my%20os%2eimg", M), "images/my os.img");
	CHECK_EQ_STR(paths("file:///a%2Fb", M), "a/b");
	/* refused */
	CHECK(strstr(paths("file:///images/../../etc/shadow", M), "\"..\" in the path") != NULL);
	CHECK(strstr(paths("file:///disk2:/../x", M), "\"..\" in the path") != NULL);
	CHECK(strstr(paths("file:///a/%2e%2e/b", M), "\"..\" in the path") != NULL);
	CHECK(strstr(paths("/..", M), "\"..\" in the path") != NULL);
	CHECK(strstr(paths("file://server.example/x.iso", M), "names no host") != NULL);
	CHECK(strstr(paths("file://localhost.example/x", M), "names no host") != NULL);
	CHECK(strstr(paths("file://x.iso", M), "no path after file://") != NULL);
	CHECK(strstr(paths("file:///x.iso?a=b", M), "query or fragment") != NULL);
	CHECK(strstr(paths("file:///x.iso#f", M), "query or fragment") != NULL);
	CHECK(strstr(paths("file:///x%2", M), "bad percent-encoding") != NULL);
	CHECK(strstr(paths("file:///x%g0", M), "bad percent-encoding") != NULL);
	CHECK(strstr(paths("file:///x%00y", M), "%00") != NULL);
	CHECK(strstr(paths("file:///", M), "names no file") != NULL);
	CHECK(strstr(paths("file:///./", M), "names no file") != NULL);
	CHECK(strstr(paths("images/x.iso", M), "not a file URI") != NULL);
	CHECK(strstr(paths("https://a/x.iso", M), "not a file URI") != NULL);
	{
		static char big[IMGSRC_PATH_MAX + 32];
		memcpy(big, "file:///", 8);
		memset(big + 8, 'a', IMGSRC_PATH_MAX);
		CHECK(strstr(paths(big, M), "longer than 1024 bytes") != NULL);
		big[8 + IMGSRC_PATH_MAX - 1] = '\0'; /* "/" + 1023 bytes: fits */
		CHECK(strncmp(paths(big, M), "aaaa", 4) == 0);
	}
}

/* ---- the file source */

static struct {
	char buf[256];
	size_t n;
} sk;

static int sink(void *ctx, const uint8_t *data, size_t len, struct err *e)
{
	(void)ctx;
	if (len > sizeof sk.buf - 1 - sk.n)
		return err_set(e, "too much");
	memcpy(sk.buf + sk.n, data, len);
	sk.n += len;
	sk.buf[sk.n] = '\0';
	return 0;
}

static int fetch(const char *root, const char *uri, uint64_t from, struct err *e)
{
	struct imgsrc_file f = { root };
	int64_t total = -1;
	int rc;
	memset(&sk, 0, sizeof sk);
	err_clear(e);
	rc = imgsrc_file.fetch(root ? &f : NULL, uri, from, sink, NULL, &total, e);
	if (rc == IMAGE_SRC_OK && total != 10)
		unit_fail(__FILE__, __LINE__, "total %lld, want 10", (long long)total);
	return rc;
}

static void put(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(s, f);
		fclose(f);
	}
}

TEST(imgsrc_file_on_the_medium)
{
	char top[] = "/tmp/sztp-imgsrc-XXXXXX", root[64], p[160], q[160], uri[200];
	struct err e;

	CHECK(mkdtemp(top) != NULL);
	snprintf(root, sizeof root, "%s/medium", top);
	CHECK(mkdir(root, 0755) == 0);
	snprintf(p, sizeof p, "%s/images", root);
	CHECK(mkdir(p, 0755) == 0);
	snprintf(p, sizeof p, "%s/images/os.img", root);
	put(p, "0123456789");
	snprintf(p, sizeof p, "%s/secret.img", top);
	put(p, "outside!!!");

	/* the vendor form, the plain form, the agent's mount point form, a resume */
	CHECK_EQ_INT(fetch(root, "file:///disk0:/images/os.img", 0, &e), IMAGE_SRC_OK);
	CHECK_EQ_STR(sk.buf, "0123456789");
	CHECK_EQ_INT(fetch(root, "file:///images/os.img", 0, &e), IMAGE_SRC_OK);
	snprintf(uri, sizeof uri, "file://%s/images/os.img", root);
	CHECK_EQ_INT(fetch(root, uri, 0, &e), IMAGE_SRC_OK);
	CHECK_EQ_INT(fetch(root, "file:///disk2:/images/os.img", 4, &e), IMAGE_SRC_OK);
	CHECK_EQ_STR(sk.buf, "456789");
	/* the local file system is not looked at: only the medium */
	snprintf(uri, sizeof uri, "file://%s/secret.img", top);
	CHECK_EQ_INT(fetch(root, uri, 0, &e), IMAGE_SRC_FATAL);
	CHECK(strstr(e.msg, "not on the medium") != NULL);
	CHECK_EQ_INT(fetch(root, "file:///disk0:/images/none.img", 0, &e), IMAGE_SRC_FATAL);
	CHECK(strstr(e.msg, "(tried disk0:/images/none.img, images/none.img)") != NULL);
	/* no way out */
	CHECK_EQ_INT(fetch(root, "file:///../secret.img", 0, &e), IMAGE_SRC_FATAL);
	CHECK(strstr(e.msg, "\"..\"") != NULL);
	snprintf(p, sizeof p, "%s/images/link.img", root);
	snprintf(q, sizeof q, "%s/secret.img", top);
	CHECK(symlink(q, p) == 0);
	CHECK_EQ_INT(fetch(root, "file:///disk0:/images/link.img", 0, &e), IMAGE_SRC_FATAL);
	CHECK(strstr(e.msg, "images/link.img: a symbolic link (refused)") != NULL);
	CHECK_EQ_INT(sk.n, 0);
	snprintf(p, sizeof p, "%s/up", root);
	CHECK(symlink("..", p) == 0);
	CHECK_EQ_INT(fetch(root, "file:///up/secret.img", 0, &e), IMAGE_SRC_FATAL);
	CHECK(strstr(e.msg, "a symbolic link (refused)") != NULL);
	/* not a regular file: a directory, a FIFO (without blocking) */
	CHECK_EQ_INT(fetch(root, "file:///images", 0, &e), IMAGE_SRC_FATAL);
	CHECK(strstr(e.msg, "not a regular file") != NULL);
	snprintf(p, sizeof p, "%s/images/fifo", root);
	CHECK(mkfifo(p, 0600) == 0);
	CHECK_EQ_INT(fetch(root, "file:///images/fifo", 0, &e), IMAGE_SRC_FATAL);
	CHECK(strstr(e.msg, "not a regular file") != NULL);
	/* past the end */
	CHECK_EQ_INT(fetch(root, "file:///images/os.img", 11, &e), IMAGE_SRC_FATAL);

	/* data from a server (no medium): the local file system, as before */
	snprintf(uri, sizeof uri, "file://%s/secret.img", top);
	CHECK_EQ_INT(fetch(NULL, uri, 0, &e), IMAGE_SRC_OK);
	CHECK_EQ_STR(sk.buf, "outside!!!");
	snprintf(uri, sizeof uri, "%s/images/os.img", root);
	CHECK_EQ_INT(fetch(NULL, uri, 0, &e), IMAGE_SRC_OK);
	snprintf(uri, sizeof uri, "file://%s/images/fifo", root);
	CHECK_EQ_INT(fetch(NULL, uri, 0, &e), IMAGE_SRC_FATAL);
	CHECK(strstr(e.msg, "not a regular file") != NULL);
	CHECK_EQ_INT(fetch(NULL, "file://images/os.img", 0, &e), IMAGE_SRC_FATAL);
	CHECK(strstr(e.msg, "not an absolute file path") != NULL);

	snprintf(p, sizeof p, "rm -rf '%s'", top);
	CHECK_EQ_INT(system(p), 0);
}
