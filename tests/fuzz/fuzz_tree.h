/*
 * fuzz_tree.h: build a directory tree that a fuzz input describes, for
 * targets that read or write file systems (fuzz_media.c, fuzz_pivot.c,
 * fuzz_config.c), in /dev/shm. Header-only:
 * each target includes it once.
 *
 * Input: records, each
 *   kind (byte: 0 directory, 1 file, 2 symbolic link; others end the tree)
 *   name length (byte), name (a relative path; empty, "." and ".."
 *   components are skipped)
 *   file: length (2 bytes, big-endian) and contents; link: length (byte)
 *   and target (any text: absolute, "..", whatever)
 * The builder never follows a link it made, so it writes only beneath the
 * directory it is given; what the code under test makes of the links is
 * the point.
 */
#ifndef FUZZ_TREE_H
#define FUZZ_TREE_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fuzz_tree_rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)f;
	return flag == FTW_DP ? rmdir(p) : unlink(p);
}

/* Remove the tree at `path` (links are removed, not followed). */
static void fuzz_tree_rm(const char *path)
{
	nftw(path, fuzz_tree_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * Make this process's working directory /dev/shm/fuzz-<name>.<pid> (mode
 * 0700) into base[cap], after removing those a crashed run of the same
 * target left behind (their process is gone). 0 or -1.
 */
static int fuzz_tree_base(const char *name, char *base, size_t cap)
{
	char prefix[64], stale[128];
	struct dirent *de;
	DIR *d = opendir("/dev/shm");
	int n = snprintf(prefix, sizeof prefix, "fuzz-%s.", name);
	while (d && (de = readdir(d)) != NULL) {
		long pid;
		char *end;
		if (strncmp(de->d_name, prefix, (size_t)n) != 0)
			continue;
		pid = strtol(de->d_name + n, &end, 10);
		if (*end || pid <= 0 || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue; /* not ours, or still running */
		snprintf(stale, sizeof stale, "/dev/shm/%s", de->d_name);
		fuzz_tree_rm(stale);
	}
	if (d)
		closedir(d);
	snprintf(base, cap, "/dev/shm/fuzz-%s.%d", name, (int)getpid());
	fuzz_tree_rm(base);
	return mkdir(base, 0700);
}

/* Create `path` below `dirfd` as `kind` (0 dir, 1 file c[clen], 2 link to
 * c[clen]), making the directories on the way; skip anything odd. */
static void fuzz_tree_make(int dirfd, const char *path, int kind, const uint8_t *c, size_t clen)
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
				int f = openat(fd, comp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0755);
				if (f >= 0) {
					if (write(f, c, clen) < 0)
						abort();
					close(f);
				}
			} else if (clen < 256) {
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

/*
 * Build the records of data[*pos..size) (at most `max`) below `dirfd`;
 * *pos ends after the last record read. `skip(kind, c, clen)`, when not
 * NULL, may refuse a record (returns 1).
 */
static void fuzz_tree_build(int dirfd, const uint8_t *data, size_t size, size_t *pos, int max,
			    int (*skip)(int kind, const uint8_t *c, size_t clen))
{
	for (int rec = 0; rec < max && *pos + 2 <= size; rec++) {
		int kind = data[(*pos)++];
		size_t nl = data[(*pos)++], cl = 0;
		char name[256];
		const uint8_t *c;
		if (kind > 2 || *pos + nl > size)
			break;
		memcpy(name, data + *pos, nl);
		name[nl] = 0;
		*pos += nl;
		if (kind == 1 && *pos + 2 <= size) {
			cl = (size_t)data[*pos] << 8 | data[*pos + 1];
			*pos += 2;
		} else if (kind == 2 && *pos + 1 <= size) {
			cl = data[(*pos)++];
		}
		if (*pos + cl > size)
			cl = size - *pos;
		c = data + *pos;
		*pos += cl;
		if (strlen(name) != nl || (kind == 2 && memchr(c, 0, cl)) || (skip && skip(kind, c, cl)))
			continue;
		fuzz_tree_make(dirfd, name, kind, c, cl);
	}
}

#endif
