/* config_apply.c: check, stage, commit a configuration archive (config_apply.h). */
#include "install/config_apply.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "disk/rootpath.h"
#include "install/tar.h"

#define MANIFEST_MAX (1024 * 1024)
#define MANIFEST_HDR "# sztp configuration manifest v1\n"

struct item {
	uint32_t off;   /* path in the arena */
	char type;      /* 'f', 'd', 'l' */
	uint8_t flags;  /* ITEM_* */
};
#define ITEM_CREATED 1 /* a directory we created (rollback, manifest) */
#define ITEM_STAGED  2 /* a ".sztp-new." name exists for it */
#define ITEM_KEEP    4 /* old manifest entry also in the new archive */

struct list {
	struct item it[CONFIG_MAX_ENTRIES * 2];
	int n;
	size_t used;
	char arena[CONFIG_PATHS_ARENA];
};

static struct list cur;   /* this archive's entries, then implied directories */
static struct list old;   /* the previous manifest */
static struct tar_entry ent;
static char mbuf[MANIFEST_MAX + 1];

static const char *P(const struct list *l, int i)
{
	return l->arena + l->it[i].off;
}

static int add(struct list *l, const char *path, char type, uint8_t flags, struct err *e)
{
	size_t n = strlen(path) + 1;
	if (l->n >= (int)(sizeof l->it / sizeof l->it[0]))
		return err_set(e, "configuration: more than %d entries", CONFIG_MAX_ENTRIES);
	if (n > sizeof l->arena - l->used)
		return err_set(e, "configuration: paths exceed %d bytes", CONFIG_PATHS_ARENA);
	memcpy(l->arena + l->used, path, n);
	l->it[l->n].off = (uint32_t)l->used;
	l->it[l->n].type = type;
	l->it[l->n].flags = flags;
	l->used += n;
	return l->n++;
}

static int find(const struct list *l, const char *path)
{
	for (int i = 0; i < l->n; i++)
		if (strcmp(P(l, i), path) == 0)
			return i;
	return -1;
}

/* 1 when `pre` is a proper leading directory of `path` */
static int under(const char *pre, const char *path)
{
	size_t n = strlen(pre);
	return strncmp(pre, path, n) == 0 && path[n] == '/';
}

/* Step 1: the archive as a whole. Fills `cur` with its entries. */
static int check(const uint8_t *buf, size_t len, struct err *e)
{
	struct tar t;
	int r;
	cur.n = 0;
	cur.used = 0;
	tar_init(&t, buf, len);
	while ((r = tar_next(&t, &ent, e)) == 1) {
		if (cur.n >= CONFIG_MAX_ENTRIES)
			return err_set(e, "configuration: more than %d entries", CONFIG_MAX_ENTRIES);
		for (int i = 0; i < cur.n; i++) {
			const char *p = P(&cur, i);
			if (strcmp(p, ent.path) == 0)
				return err_set(e, "configuration: \"%s\" appears twice", ent.path);
			if (cur.it[i].type != 'd' && under(p, ent.path))
				return err_set(e, "configuration: \"%s\" would be written through the "
					       "%s \"%s\"", ent.path, cur.it[i].type == 'l' ?
					       "symbolic link" : "file", p);
			if (ent.type != TAR_DIR && under(ent.path, p))
				return err_set(e, "configuration: \"%s\" is not a directory but \"%s\" "
					       "is below it", ent.path, p);
		}
		if (add(&cur, ent.path, (char)ent.type, 0, e) < 0)
			return -1;
	}
	if (r < 0)
		return err_wrap(e, "configuration");
	return 0;
}

int config_check(const uint8_t *tar, size_t len, struct err *e)
{
	return check(tar, len, e);
}

/* Open directory `rel` ("" = the root) inside the root. */
static int open_dir(int rootfd, const char *rel)
{
	return rootpath_open(rootfd, rel[0] ? rel : ".", O_PATH | O_DIRECTORY, 0);
}

static void split(const char *path, char *parent, size_t cap, const char **base)
{
	const char *s = strrchr(path, '/');
	size_t n = s ? (size_t)(s - path) : 0;
	if (n >= cap)
		n = cap - 1;
	memcpy(parent, path, n);
	parent[n] = 0;
	*base = s ? s + 1 : path;
}

static int set_owner(int fd, const char *name, uid_t u, gid_t g, int flags)
{
	int r = name ? fchownat(fd, name, u, g, flags) : fchown(fd, u, g);
	if (r < 0 && errno == EPERM && geteuid() != 0)
		return 0; /* host tests as a normal user */
	return r;
}

/* Create every missing directory of `dir` (0755 root), recording them. */
static int ensure_dirs(int rootfd, const char *dir, struct err *e)
{
	char pre[TAR_PATH_MAX + 1];
	size_t n = strlen(dir);
	if (n == 0)
		return 0;
	for (size_t i = 0; i <= n; i++) {
		/* each '/' ends a prefix, and so does the end of the string */
		if (i < n && dir[i] != '/')
			continue;
		memcpy(pre, dir, i);
		pre[i] = 0;
		int fd = open_dir(rootfd, pre);
		if (fd >= 0) {
			close(fd);
			continue;
		}
		if (errno == ENOTDIR)
			return err_set(e, "configuration: \"%s\" exists and is not a directory", pre);
		if (errno != ENOENT)
			return err_set(e, "configuration: \"%s\": %s", pre, strerror(errno));
		char parent[TAR_PATH_MAX + 1];
		const char *base;
		split(pre, parent, sizeof parent, &base);
		int pfd = open_dir(rootfd, parent);
		if (pfd < 0)
			return err_set(e, "configuration: \"%s\": %s", parent, strerror(errno));
		int r = mkdirat(pfd, base, 0755);
		int saved = errno;
		if (r == 0)
			set_owner(pfd, base, 0, 0, AT_SYMLINK_NOFOLLOW);
		close(pfd);
		if (r < 0)
			return err_set(e, "configuration: mkdir \"%s\": %s", pre, strerror(saved));
		if (add(&cur, pre, 'd', ITEM_CREATED, e) < 0)
			return -1;
	}
	return 0;
}

static int write_all(int fd, const uint8_t *p, uint64_t n)
{
	while (n > 0) {
		size_t k = n > (1u << 30) ? (1u << 30) : (size_t)n;
		ssize_t r = write(fd, p, k);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (uint64_t)r;
	}
	return 0;
}

/* Step 2 for one entry (`ent`, index i of cur). */
static int stage_one(int rootfd, int i, struct err *e)
{
	/* zeroed whole, so the analyser sees every byte split() may leave */
	char parent[TAR_PATH_MAX + 1] = "", tmp[TAR_NAME_MAX + sizeof CONFIG_TMP_PREFIX];
	const char *base;
	struct stat st;
	struct timespec ts[2];
	int pfd, fd, r;

	split(ent.path, parent, sizeof parent, &base);
	if (ensure_dirs(rootfd, parent, e) < 0)
		return -1;
	pfd = open_dir(rootfd, parent);
	if (pfd < 0)
		return err_set(e, "configuration: \"%s\": %s", parent, strerror(errno));
	r = fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW);
	int exists = r == 0;
	if (ent.type == TAR_DIR) {
		if (exists && !S_ISDIR(st.st_mode)) {
			close(pfd);
			return err_set(e, "configuration: \"%s\" exists and is not a directory",
				       ent.path);
		}
		if (!exists) {
			if (mkdirat(pfd, base, 0700) < 0) {
				r = errno;
				close(pfd);
				return err_set(e, "configuration: mkdir \"%s\": %s", ent.path,
					       strerror(r));
			}
			cur.it[i].flags |= ITEM_CREATED;
			fd = openat(pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (fd < 0 || set_owner(fd, NULL, ent.uid, ent.gid, 0) < 0 ||
			    fchmod(fd, ent.mode & 07777) < 0) {
				r = errno;
				if (fd >= 0)
					close(fd);
				close(pfd);
				return err_set(e, "configuration: \"%s\": %s", ent.path, strerror(r));
			}
			close(fd);
		}
		close(pfd);
		return 0;
	}
	if (exists && S_ISDIR(st.st_mode)) {
		close(pfd);
		return err_set(e, "configuration: \"%s\" is an existing directory", ent.path);
	}
	snprintf(tmp, sizeof tmp, "%s%s", CONFIG_TMP_PREFIX, base);
	unlinkat(pfd, tmp, 0); /* left over from an interrupted run */
	ts[0].tv_sec = ts[1].tv_sec = (time_t)ent.mtime;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	if (ent.type == TAR_SYMLINK) {
		if (symlinkat(ent.link, pfd, tmp) < 0) {
			r = errno;
			close(pfd);
			return err_set(e, "configuration: symlink \"%s\": %s", ent.path, strerror(r));
		}
		cur.it[i].flags |= ITEM_STAGED;
		if (set_owner(pfd, tmp, ent.uid, ent.gid, AT_SYMLINK_NOFOLLOW) < 0) {
			r = errno;
			close(pfd);
			return err_set(e, "configuration: chown \"%s\": %s", ent.path, strerror(r));
		}
		utimensat(pfd, tmp, ts, AT_SYMLINK_NOFOLLOW);
		close(pfd);
		return 0;
	}
	fd = openat(pfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		r = errno;
		close(pfd);
		return err_set(e, "configuration: create \"%s\": %s", ent.path, strerror(r));
	}
	cur.it[i].flags |= ITEM_STAGED;
	if (write_all(fd, ent.data, ent.size) < 0 || set_owner(fd, NULL, ent.uid, ent.gid, 0) < 0 ||
	    fchmod(fd, ent.mode & 07777) < 0 || futimens(fd, ts) < 0 || fsync(fd) < 0) {
		r = errno;
		close(fd);
		close(pfd);
		return err_set(e, "configuration: write \"%s\": %s", ent.path, strerror(r));
	}
	close(fd);
	close(pfd);
	return 0;
}

/* Undo step 2: staged names, then created directories (deepest first: repeat
 * until no more can be removed). */
static void rollback(int rootfd)
{
	/* zeroed whole, so the analyser sees every byte split() may leave */
	char parent[TAR_PATH_MAX + 1] = "", tmp[TAR_NAME_MAX + sizeof CONFIG_TMP_PREFIX];
	const char *base;
	for (int pass = 0; pass <= TAR_DEPTH_MAX + 1; pass++) {
		int progress = 0;
		for (int i = cur.n - 1; i >= 0; i--) {
			uint8_t want = pass == 0 ? ITEM_STAGED : ITEM_CREATED;
			if (!(cur.it[i].flags & want))
				continue;
			split(P(&cur, i), parent, sizeof parent, &base);
			int pfd = open_dir(rootfd, parent);
			if (pfd < 0)
				continue;
			if (pass == 0) {
				snprintf(tmp, sizeof tmp, "%s%s", CONFIG_TMP_PREFIX, base);
				unlinkat(pfd, tmp, 0);
				cur.it[i].flags &= (uint8_t)~ITEM_STAGED;
			} else if (unlinkat(pfd, base, AT_REMOVEDIR) == 0 || errno == ENOENT) {
				cur.it[i].flags &= (uint8_t)~ITEM_CREATED;
				progress = 1;
			}
			close(pfd);
		}
		if (pass > 0 && !progress)
			break;
	}
}

static int read_manifest(const char *root, struct err *e)
{
	size_t n;
	struct err me;
	old.n = 0;
	old.used = 0;
	if (rootpath_read(root, CONFIG_MANIFEST, mbuf, sizeof mbuf, &n, &me) < 0)
		return 0; /* none: first configuration */
	if (n > MANIFEST_MAX)
		return err_set(e, "configuration: %s larger than %d bytes", CONFIG_MANIFEST,
			       MANIFEST_MAX);
	mbuf[n] = 0;
	char *line = mbuf;
	int ln = 0;
	while (line < mbuf + n) {
		char *nl = memchr(line, '\n', (size_t)(mbuf + n - line));
		char norm[TAR_PATH_MAX + 1];
		size_t len = nl ? (size_t)(nl - line) : (size_t)(mbuf + n - line);
		ln++;
		if (len > 2 && line[0] != '#' && strchr("fdl", line[0]) && line[1] == ' ' &&
		    tar_path_normalize(line + 2, len - 2, norm, sizeof norm, &me) == 0) {
			if (add(&old, norm, line[0], 0, e) < 0)
				return -1;
		} else if (len && line[0] != '#') {
			log_warn("config", "%s line %d ignored: not \"f|d|l PATH\"", CONFIG_MANIFEST, ln);
		}
		line += len + 1;
	}
	return 0;
}

/* Step 3 (replace): remove old entries the new archive does not have. */
static int remove_old(int rootfd)
{
	char parent[TAR_PATH_MAX + 1];
	const char *base;
	int removed = 0;
	/* files and links first, then directories deepest first */
	for (int pass = 0; pass < 2; pass++) {
		for (int i = old.n - 1; i >= 0; i--) {
			const char *p = P(&old, i);
			int isdir = old.it[i].type == 'd';
			if (isdir != pass || find(&cur, p) >= 0)
				continue;
			split(p, parent, sizeof parent, &base);
			int pfd = open_dir(rootfd, parent);
			if (pfd < 0)
				continue;
			struct stat st;
			if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			    (S_ISDIR(st.st_mode) != 0) == isdir &&
			    unlinkat(pfd, base, isdir ? AT_REMOVEDIR : 0) == 0) {
				removed++;
				log_debug("config", "replace: removed %s", p);
			} else if (errno != ENOENT && errno != ENOTEMPTY && errno != EEXIST) {
				log_warn("config", "replace: cannot remove %s: %s", p, strerror(errno));
			}
			close(pfd);
		}
	}
	return removed;
}

static int write_manifest(int rootfd, enum conveyed_handling h, struct err *e)
{
	char parent[TAR_PATH_MAX + 1] = "", tmp[64];
	const char *base;
	size_t n = 0;
	int w;
	split(CONFIG_MANIFEST, parent, sizeof parent, &base);
	if (ensure_dirs(rootfd, parent, e) < 0)
		return -1;
	n = (size_t)snprintf(mbuf, sizeof mbuf, "%s", MANIFEST_HDR);
	for (int pass = 0; pass < 2; pass++) {
		const struct list *l = pass ? &cur : &old;
		if (pass == 0 && h != CONVEYED_HANDLING_MERGE)
			continue;
		for (int i = 0; i < l->n; i++) {
			const char *p = P(l, i);
			if (pass == 0 && find(&cur, p) >= 0)
				continue;
			if (pass == 1 && l->it[i].type == 'd' && !(l->it[i].flags & ITEM_CREATED) &&
			    find(&old, p) < 0)
				continue; /* a directory that was there before SZTP */
			w = snprintf(mbuf + n, sizeof mbuf - n, "%c %s\n", l->it[i].type, p);
			if (w < 0 || (size_t)w >= sizeof mbuf - n)
				return err_set(e, "configuration: manifest larger than %d bytes",
					       MANIFEST_MAX);
			n += (size_t)w;
		}
	}
	int pfd = open_dir(rootfd, parent);
	if (pfd < 0)
		return err_set(e, "configuration: %s: %s", parent, strerror(errno));
	snprintf(tmp, sizeof tmp, "%s%s", CONFIG_TMP_PREFIX, base);
	unlinkat(pfd, tmp, 0);
	int fd = openat(pfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0 || write_all(fd, (const uint8_t *)mbuf, n) < 0 || fsync(fd) < 0 ||
	    close(fd) < 0 || renameat(pfd, tmp, pfd, base) < 0) {
		int r = errno;
		close(pfd);
		return err_set(e, "configuration: writing %s: %s", CONFIG_MANIFEST, strerror(r));
	}
	close(pfd);
	return 0;
}

int config_apply(const char *root, enum conveyed_handling handling, const uint8_t *tar,
		 size_t len, struct config_result *res, struct err *e)
{
	struct tar t;
	int r, i = 0, rootfd;
	/* zeroed whole, so the analyser sees every byte split() may leave */
	char parent[TAR_PATH_MAX + 1] = "", tmp[TAR_NAME_MAX + sizeof CONFIG_TMP_PREFIX];
	const char *base;

	memset(res, 0, sizeof *res);
	if (handling != CONVEYED_HANDLING_MERGE && handling != CONVEYED_HANDLING_REPLACE)
		return err_set(e, "configuration: configuration-handling must be merge or replace");
	if (check(tar, len, e) < 0)
		return -1;
	int n_archive = cur.n;
	rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return err_set(e, "configuration: %s: %s", root, strerror(errno));
	if (read_manifest(root, e) < 0)
		goto fail_closed;
	/* step 2: stage */
	tar_init(&t, tar, len);
	while ((r = tar_next(&t, &ent, e)) == 1) {
		if (stage_one(rootfd, i, e) < 0) {
			rollback(rootfd);
			goto fail_closed;
		}
		i++;
	}
	if (r < 0 || i != n_archive) {
		rollback(rootfd);
		goto fail_closed;
	}
	/* step 3 */
	if (handling == CONVEYED_HANDLING_REPLACE)
		res->removed = remove_old(rootfd);
	/* step 4: commit */
	for (i = 0; i < n_archive; i++) {
		char type = cur.it[i].type;
		if (type == 'd') {
			res->dirs++;
			continue;
		}
		split(P(&cur, i), parent, sizeof parent, &base);
		snprintf(tmp, sizeof tmp, "%s%s", CONFIG_TMP_PREFIX, base);
		int pfd = open_dir(rootfd, parent);
		if (pfd < 0 || renameat(pfd, tmp, pfd, base) < 0) {
			err_set(e, "configuration: rename into \"%s\": %s", P(&cur, i), strerror(errno));
			if (pfd >= 0)
				close(pfd);
			goto fail_closed;
		}
		close(pfd);
		cur.it[i].flags &= (uint8_t)~ITEM_STAGED;
		if (type == 'f')
			res->files++;
		else
			res->links++;
	}
	if (write_manifest(rootfd, handling, e) < 0)
		goto fail_closed;
	if (syncfs(rootfd) < 0)
		log_warn("config", "syncfs %s: %s", root, strerror(errno));
	close(rootfd);
	log_info("config", "%s: %d file(s), %d dir(s), %d link(s) applied (%s)%s", root,
		 res->files, res->dirs, res->links,
		 handling == CONVEYED_HANDLING_MERGE ? "merge" : "replace", "");
	if (handling == CONVEYED_HANDLING_REPLACE)
		log_info("config", "replace: %d entr%s of the previous configuration removed",
			 res->removed, res->removed == 1 ? "y" : "ies");
	return 0;
fail_closed:
	close(rootfd);
	return -1;
}
