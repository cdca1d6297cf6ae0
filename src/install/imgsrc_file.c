/* imgsrc_file.c: boot image bytes from a local file or a medium (imgsrc.h). */
#include "install/imgsrc.h"

#include "base/beneath.h"
#include "base/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static uint8_t chunk[IMGSRC_READ_CHUNK];

#define MAX_COMPONENTS (IMGSRC_PATH_MAX / 2 + 1)

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Split `p` (modified in place) at '/' into comp[], skipping empty and "."
 * components. Returns the count, or -1 on "..". */
static int split(char *p, char **comp, int max)
{
	int n = 0;
	while (*p) {
		char *s = p;
		p += strcspn(p, "/");
		if (*p)
			*p++ = '\0';
		if (!*s || strcmp(s, ".") == 0)
			continue;
		if (strcmp(s, "..") == 0)
			return -1;
		if (n >= max)
			return -1; /* cannot happen: at most one component per two bytes */
		comp[n++] = s;
	}
	return n;
}

/* comp[from..n) joined with '/' into out. */
static void join(char *const *comp, int from, int n, char *out)
{
	size_t len = 0;
	out[0] = '\0';
	for (int i = from; i < n; i++) {
		size_t l = strlen(comp[i]);
		if (i > from)
			out[len++] = '/';
		memcpy(out + len, comp[i], l + 1);
		len += l;
	}
}

int imgsrc_file_paths(const char *uri, const char *root,
		      char out[IMGSRC_FILE_PATHS][IMGSRC_PATH_MAX + 1], struct err *e)
{
	static char path[IMGSRC_PATH_MAX + 1], rootbuf[IMGSRC_PATH_MAX + 1];
	char *comp[MAX_COMPONENTS], *rcomp[MAX_COMPONENTS];
	const char *p;
	size_t len = 0;
	int n, nr = 0, k = 0;

	if (strncasecmp(uri, "file://", 7) == 0) {
		const char *auth = uri + 7, *slash = strchr(auth, '/');
		if (!slash)
			return err_set(e, "%.80s: no path after file://", uri);
		if (slash != auth && !((size_t)(slash - auth) == 9 &&
				       strncasecmp(auth, "localhost", 9) == 0))
			return err_set(e, "%.80s: a file URI names no host (or \"localhost\")", uri);
		/* RFC 3986 / 8089: the path is percent-encoded; '?' and '#' end it */
		for (p = slash; *p; p++) {
			int c = (unsigned char)*p;
			if (*p == '?' || *p == '#')
				return err_set(e, "%.80s: a query or fragment in a file URI", uri);
			if (*p == '%') {
				int hi = hexval(p[1]), lo = hi < 0 ? -1 : hexval(p[2]);
				if (hi < 0 || lo < 0)
					return err_set(e, "%.80s: bad percent-encoding", uri);
				c = hi << 4 | lo;
				p += 2;
				if (c == 0)
					return err_set(e, "%.80s: %%00 in the path", uri);
			}
			if (len >= IMGSRC_PATH_MAX)
				return err_set(e, "%.80s: path longer than %d bytes", uri,
					       IMGSRC_PATH_MAX);
			path[len++] = (char)c;
		}
		path[len] = '\0';
	} else if (uri[0] == '/') {
		len = strlen(uri);
		if (len > IMGSRC_PATH_MAX)
			return err_set(e, "%.80s: path longer than %d bytes", uri, IMGSRC_PATH_MAX);
		memcpy(path, uri, len + 1);
	} else {
		return err_set(e, "%.80s: not a file URI or an absolute path", uri);
	}
	n = split(path, comp, MAX_COMPONENTS);
	if (n < 0)
		return err_set(e, "%.80s: \"..\" in the path (refused)", uri);
	if (n == 0)
		return err_set(e, "%.80s: names no file", uri);
	/* 1. written with the agent's own mount point: what follows it */
	if (root && strlen(root) <= IMGSRC_PATH_MAX) {
		memcpy(rootbuf, root, strlen(root) + 1);
		nr = split(rootbuf, rcomp, MAX_COMPONENTS);
		if (nr > 0 && n > nr) {
			int same = 1;
			for (int i = 0; same && i < nr; i++)
				same = strcmp(comp[i], rcomp[i]) == 0;
			if (same)
				join(comp, nr, n, out[k++]);
		}
	}
	/* 2. as given, from the medium's root */
	join(comp, 0, n, out[k++]);
	/* 3. without a vendor drive name: a first component ending in ':' */
	if (n > 1 && comp[0][strlen(comp[0]) - 1] == ':') {
		join(comp, 1, n, out[k]);
		if (strcmp(out[k], out[0]) != 0)
			k++;
	}
	return k;
}

/* The file beneath `root` that `uri` names (imgsrc_file_paths(), tried in
 * order), opened. -1 with `e` set when none is there or one was refused. */
static int open_on_medium(const char *uri, const char *root, int quiet, struct err *e)
{
	static char cand[IMGSRC_FILE_PATHS][IMGSRC_PATH_MAX + 1];
	char tried[400] = "", why[200] = "";
	int n, rootfd, fd = -1;

	n = imgsrc_file_paths(uri, root, cand, e);
	if (n < 0)
		return -1;
	rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return err_set(e, "medium %s: %s", root, strerror(errno));
	for (int i = 0; i < n && fd < 0; i++) {
		size_t t = strlen(tried);
		fd = open_beneath(rootfd, cand[i], O_RDONLY | O_NONBLOCK | O_NOCTTY);
		if (fd >= 0) {
			if (!quiet)
				log_info("image", "%.120s: %s/%s (on the medium the onboarding "
					 "information came from)", uri, root, cand[i]);
			break;
		}
		if (errno != ENOENT && !why[0])
			snprintf(why, sizeof why, "%.120s: %s", cand[i], errno == ELOOP ?
				 "a symbolic link (refused)" : errno == EXDEV ?
				 "leaves the medium (refused)" : strerror(errno));
		snprintf(tried + t, sizeof tried - t, "%s%.120s", t ? ", " : "", cand[i]);
	}
	close(rootfd);
	if (fd < 0) {
		if (why[0])
			return err_set(e, "%.120s: on the medium %s: %s", uri, root, why);
		return err_set(e, "%.120s: not on the medium %s (tried %s)", uri, root, tried);
	}
	return fd;
}

/* The local file `uri` names (data from a network server or DNS): an
 * absolute path on the device's own file system, as before media had
 * their own rule. Only a regular file is opened (stat() first: opening a
 * FIFO would block, a device node could act). */
static int open_local(const char *uri, struct err *e)
{
	const char *path = uri;
	struct stat st;
	int fd;
	if (strncmp(uri, "file://", 7) == 0)
		path = uri + 7;
	if (path[0] != '/')
		return err_set(e, "%s: not an absolute file path", uri);
	if (stat(path, &st) < 0)
		return err_set(e, "%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return err_set(e, "%s: not a regular file", path);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return err_set(e, "%s: %s", path, strerror(errno));
	return fd;
}

static int file_fetch(void *ctx, const char *uri, uint64_t from, image_sink_fn sink,
		      void *sink_ctx, int64_t *total, struct err *e)
{
	const struct imgsrc_file *f = ctx;
	struct stat st;
	int fd;

	if (f && f->root)
		fd = open_on_medium(uri, f->root, from > 0, e);
	else
		fd = open_local(uri, e);
	if (fd < 0)
		return IMAGE_SRC_FATAL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(e, "%.120s: not a regular file", uri), IMAGE_SRC_FATAL;
	}
	*total = (int64_t)st.st_size;
	if (from > (uint64_t)st.st_size || lseek(fd, (off_t)from, SEEK_SET) < 0) {
		close(fd);
		return err_set(e, "%.120s: cannot seek to %llu", uri, (unsigned long long)from),
		       IMAGE_SRC_FATAL;
	}
	for (;;) {
		ssize_t r = read(fd, chunk, sizeof chunk);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r < 0) {
			int saved = errno;
			close(fd);
			return err_set(e, "%.120s: read: %s", uri, strerror(saved)), IMAGE_SRC_RETRY;
		}
		if (r == 0)
			break;
		if (sink(sink_ctx, chunk, (size_t)r, e) < 0) {
			close(fd);
			return IMAGE_SRC_FATAL;
		}
	}
	close(fd);
	return IMAGE_SRC_OK;
}

const struct image_source imgsrc_file = { NULL, file_fetch };
