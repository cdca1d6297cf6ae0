/*
 * fuzz_media.c: reading bootstrapping data from a removable medium
 * (net/media.h, media_read_root()) whose directory tree the input
 * describes: names (the serial and vendor directories are compared byte
 * for byte), file sizes against the caps, symbolic links anywhere.
 *
 * Input: up to 64 records, each
 *   kind (byte: 0 directory, 1 file, 2 symbolic link; others end the input)
 *   name length (byte), name (a relative path; "." and ".." components are
 *   skipped by the builder, which never follows a link it made)
 *   file: length (2 bytes, big-endian) and contents (never the marker
 *   below: such a file is skipped); link: length (byte) and target.
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

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)f;
	return flag == FTW_DP ? rmdir(p) : unlink(p);
}

static void cleanup(void)
{
	if (base[0])
		nftw(base, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Walk `path` below `dirfd` without following links; create what `kind`
 * says at its last component. Anything odd: skip. */
static void make(int dirfd, const char *path, int kind, const uint8_t *c, size_t clen)
{
	char comp[256];
	int fd = dup(dirfd);
	const char *p = path;

	while (fd >= 0 && *p) {
		size_t n = strcspn(p, "/");
		int last = p[n] == 0;
		if (n == 0 || n >= sizeof comp) {
			p += n + !last;
			if (n >= sizeof comp)
				break;
			continue;
		}
		memcpy(comp, p, n);
		comp[n] = 0;
		p += n + !last;
		if (!strcmp(comp, ".") || !strcmp(comp, ".."))
			continue;
		if (last || !*p) {
			if (kind == 0) {
				mkdirat(fd, comp, 0755);
			} else if (kind == 1) {
				int f = openat(fd, comp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0644);
				if (f >= 0) {
					if (write(f, c, clen) < 0)
						abort();
					close(f);
				}
			} else {
				char t[256];
				memcpy(t, c, clen);
				t[clen] = 0;
				symlinkat(t, fd, comp);
			}
			break;
		}
		mkdirat(fd, comp, 0755);
		int nfd = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
		close(fd);
		fd = nfd;
	}
	if (fd >= 0)
		close(fd);
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
		make(fd, files[i], 1, (const uint8_t *)MARKER, sizeof MARKER - 1);
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
		snprintf(base, sizeof base, "/dev/shm/fuzz-media.%d", (int)getpid());
		snprintf(root, sizeof root, "%s/medium", base);
		snprintf(outside, sizeof outside, "%s/outside", base);
		cleanup();
		if (mkdir(base, 0700) < 0 || mkdir(outside, 0755) < 0)
			abort();
		outside_layout();
		atexit(cleanup);
		ready = 1;
	}
	nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	if (mkdir(root, 0755) < 0)
		abort();
	rootfd = open(root, O_RDONLY | O_DIRECTORY);
	for (int rec = 0; rec < 64 && pos + 2 <= size; rec++) {
		int kind = data[pos++];
		size_t nl = data[pos++], cl;
		char name[256];
		const uint8_t *c;
		if (kind > 2 || pos + nl > size)
			break;
		memcpy(name, data + pos, nl);
		name[nl] = 0;
		pos += nl;
		if (strlen(name) != nl)
			continue;
		cl = 0;
		if (kind == 1 && pos + 2 <= size) {
			cl = (size_t)data[pos] << 8 | data[pos + 1];
			pos += 2;
		} else if (kind == 2 && pos + 1 <= size) {
			cl = data[pos++];
		}
		if (pos + cl > size)
			cl = size - pos;
		c = data + pos;
		pos += cl;
		if (kind == 2 && memchr(c, 0, cl))
			continue;
		if (kind == 1 && memmem(c, cl, MARKER, sizeof MARKER - 1))
			continue; /* only the files outside hold the marker */
		make(rootfd, name, kind, c, cl);
	}
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
