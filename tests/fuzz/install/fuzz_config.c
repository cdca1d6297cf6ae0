/*
 * fuzz_config.c: a configuration archive applied for real (install/
 * config_apply.h) onto a small tree in /dev/shm, twice (the second time
 * reads the manifest the first one wrote, or whatever the archive put
 * there): whatever the archive holds, nothing outside the root changes.
 *
 * Input: byte 0 picks merge or replace for each of the two runs; the rest
 * is the tar archive. The root starts as
 *   etc/            etc/existing (a file)
 *   etc/abs-out  -> <base>/outside   (an absolute link out of the root)
 *   rel-out      -> ../outside       (a relative one)
 * beside <base>/outside/victim. Checked after each run: <base> holds only
 * root/ and outside/, outside/ only the untouched victim, no set-user-ID
 * file in the root, and when config_check() refuses the archive the tree
 * is exactly as before.
 */
#include "base/log.h"
#include "install/config_apply.h"

#include "fuzz_tree.h"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char base[64], root[96], outside[96];
static char before[1 << 16], after[1 << 16];
static size_t nbefore, nafter;
static char *list_buf;
static size_t *list_n;

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)f;
	if (flag == FTW_DP)
		return rmdir(p) < 0 ? -1 : 0;
	return unlink(p) < 0 ? -1 : 0;
}

static int list_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	char link[256] = "";
	(void)flag;
	(void)f;
	if (S_ISLNK(st->st_mode)) {
		ssize_t k = readlink(p, link, sizeof link - 1);
		link[k > 0 ? k : 0] = 0;
	}
	if ((st->st_mode & S_ISUID) && S_ISREG(st->st_mode))
		abort(); /* a set-user-ID file was created */
	*list_n += (size_t)snprintf(list_buf + *list_n, (1 << 16) - *list_n, "%s %o %lld %s\n",
				    p + strlen(root), (unsigned)st->st_mode,
				    S_ISDIR(st->st_mode) ? 0LL : (long long)st->st_size, link);
	if (*list_n >= (1 << 16) - 512)
		return 1; /* enough to compare */
	return 0;
}

static void list(char *buf, size_t *n)
{
	list_buf = buf;
	list_n = n;
	*n = 0;
	buf[0] = 0;
	nftw(root, list_one, 16, FTW_PHYS);
}

static void cleanup(void)
{
	if (base[0])
		nftw(base, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, s, strlen(s)) != (ssize_t)strlen(s) || close(fd) < 0)
		abort();
}

static void fresh_tree(void)
{
	char p[160];
	nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	if (mkdir(root, 0755) < 0)
		abort();
	snprintf(p, sizeof p, "%s/etc", root);
	mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/etc/existing", root);
	write_file(p, "old\n");
	snprintf(p, sizeof p, "%s/etc/abs-out", root);
	if (symlink(outside, p) < 0)
		abort();
	snprintf(p, sizeof p, "%s/rel-out", root);
	if (symlink("../outside", p) < 0)
		abort();
}

static void check_outside(void)
{
	char p[160], c[8];
	struct stat st;
	struct dirent *d;
	DIR *dir;
	int n = 0;

	dir = opendir(base);
	while (dir && (d = readdir(dir)) != NULL)
		if (strcmp(d->d_name, ".") && strcmp(d->d_name, "..") &&
		    (++n > 2 || (strcmp(d->d_name, "root") && strcmp(d->d_name, "outside"))))
			abort(); /* something was created beside the root */
	if (dir)
		closedir(dir);
	n = 0;
	dir = opendir(outside);
	while (dir && (d = readdir(dir)) != NULL)
		if (strcmp(d->d_name, ".") && strcmp(d->d_name, "..") &&
		    (++n > 1 || strcmp(d->d_name, "victim")))
			abort(); /* something was created outside the root */
	if (dir)
		closedir(dir);
	snprintf(p, sizeof p, "%s/victim", outside);
	int fd = open(p, O_RDONLY | O_NOFOLLOW);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (st.st_mode & 07777) != 0644 ||
	    st.st_size != 2 || read(fd, c, sizeof c) != 2 || memcmp(c, "x\n", 2) != 0)
		abort(); /* the file outside was changed */
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	static struct config_result res;
	struct err e;

	if (!ready) {
		char p[160];
		log_set_level(LOG_ERR);
		if (fuzz_tree_base("config", base, sizeof base) < 0)
			abort();
		snprintf(root, sizeof root, "%s/root", base);
		snprintf(outside, sizeof outside, "%s/outside", base);
		if (mkdir(outside, 0755) < 0)
			abort();
		snprintf(p, sizeof p, "%s/victim", outside);
		write_file(p, "x\n");
		atexit(cleanup);
		ready = 1;
	}
	if (size < 1 || size > 1 + 256 * 1024)
		return 0;
	fresh_tree();
	for (int run = 0; run < 2; run++) {
		enum conveyed_handling h = (data[0] >> run) & 1 ? CONVEYED_HANDLING_REPLACE :
								   CONVEYED_HANDLING_MERGE;
		int refused = config_check(data + 1, size - 1, &e) < 0;
		list(before, &nbefore);
		int rc = config_apply(root, h, data + 1, size - 1, &res, &e);
		check_outside();
		if (refused) {
			if (rc == 0)
				abort(); /* applied what the check refuses */
			list(after, &nafter);
			if (nafter != nbefore || memcmp(before, after, nbefore) != 0)
				abort(); /* a refused archive changed the tree */
			break;
		}
	}
	return 0;
}
