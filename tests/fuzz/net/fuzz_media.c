/*
 * fuzz_media.c: reading bootstrapping data from a removable medium
 * (net/media.h, media_read_root()) whose directory tree the input
 * describes: names (the serial and vendor directories are compared byte
 * for byte), file sizes against the caps, symbolic links anywhere.
 *
 * Input: up to 64 records of the tree (tests/fuzz/fuzz_tree.h); a file
 * holding the marker below is skipped.
 * The tree is built in /dev/shm beside a directory "outside" that holds a
 * complete layout of its own (sztp/, sztp/<serial>/, a vendor one) made of
 * marker files. Checked: every artifact read comes from the medium (none
 * holds the marker), sizes are within the caps, the names are bounded, and
 * the response built from each artifact set is JSON.
 */
#include "base/json.h"
#include "base/log.h"
#include "net/media.h"
#include "net/net.h"

#include "fuzz_tree.h"

#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SERIAL "SZTP-DEMO-0001"
#define MARKER "OUTSIDE-MARKER"

static char base[64], root[96], outside[96];
static struct net_result out;
static char body[4 * (NET_CI_MAX + 2 * NET_CMS_MAX) / 3 + 1024];

static void cleanup(void)
{
	if (base[0])
		fuzz_tree_rm(base);
}

static int has_marker(int kind, const uint8_t *c, size_t clen)
{
	return kind == 1 && memmem(c, clen, MARKER, sizeof MARKER - 1) != NULL;
}

static void outside_layout(void)
{
	static const char *const files[] = {
		"sztp/conveyed-information.cms", "sztp/" SERIAL "/conveyed-information.cms",
		"sztp/" SERIAL "/owner-certificate.cms", "sztp/" SERIAL "/ownership-voucher.cms",
		"EN9/" SERIAL "/bootstrapping-data/conveyed-information.cms",
	};
	int fd = open(outside, O_RDONLY | O_DIRECTORY);
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
		fuzz_tree_make(fd, files[i], 1, (const uint8_t *)MARKER, sizeof MARKER - 1);
	close(fd);
}

static void check_blob(const uint8_t *p, size_t n, size_t cap)
{
	if (n && (!p || n > cap || memmem(p, n, MARKER, sizeof MARKER - 1)))
		abort(); /* read from outside the medium, or beyond a cap */
}

static void check(void)
{
	struct err e;
	if (out.n_artifacts < 0 || out.n_artifacts > NET_MAX_ARTIFACTS)
		abort();
	for (int i = 0; i < out.n_artifacts; i++) {
		const struct net_artifacts *a = &out.artifacts[i];
		if (!a->ci || !a->ci_len || strcmp(a->source, "media") || strncmp(a->where, "SZTP:/", 6) ||
		    !memchr(a->where, 0, sizeof a->where) || strcmp(a->medium, root) ||
		    !a->oc != !a->ov)
			abort();
		check_blob(a->ci, a->ci_len, NET_CI_MAX);
		check_blob(a->oc, a->oc_len, NET_CMS_MAX);
		check_blob(a->ov, a->ov_len, NET_CMS_MAX);
		long n = net_artifacts_response(a, body, sizeof body);
		if (n < 0 || (size_t)n + 1 > net_artifacts_response_size(a))
			abort();
		cJSON *j = json_parse((const uint8_t *)body, (size_t)n, "response", &e);
		if (!j)
			abort();
		json_free(j);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	size_t pos = 0;
	int rootfd;

	if (!ready) {
		log_set_level(LOG_ERR);
		if (fuzz_tree_base("media", base, sizeof base) < 0)
			abort();
		snprintf(root, sizeof root, "%s/medium", base);
		snprintf(outside, sizeof outside, "%s/outside", base);
		if (mkdir(outside, 0755) < 0)
			abort();
		outside_layout();
		atexit(cleanup);
		ready = 1;
	}
	fuzz_tree_rm(root);
	if (mkdir(root, 0755) < 0)
		abort();
	rootfd = open(root, O_RDONLY | O_DIRECTORY);
	/* only the files outside hold the marker */
	fuzz_tree_build(rootfd, data, size, &pos, 64, has_marker);
	close(rootfd);
	for (int k = 0; k < 2; k++) {
		memset(&out, 0, sizeof out);
		int n = media_read_root(root, "SZTP", k ? NULL : SERIAL, &out);
		if (n < -1)
			abort();
		check();
	}
	return 0;
}
