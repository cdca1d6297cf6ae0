/*
 * fuzz_beneath.c: open_beneath() (base/beneath.h) on a hostile tree and a
 * hostile path, both ways: through openat2() and through the
 * component-by-component walk that replaces it on older kernels. The
 * kernel's RESOLVE_BENEATH is the reference: the walk must refuse what it
 * refuses and open the same file when it opens one.
 *
 * Input: a byte choosing the open flags, a byte n, n bytes of path (up to
 * the first NUL), then up to 32 records of the tree (tests/fuzz/fuzz_tree.h)
 * built in /dev/shm beside a directory "outside" holding a file "secret".
 * Checked: both ways agree (success or failure, and errno), whatever is
 * opened lies beneath the root (/proc/self/fd names it), and it is never
 * the secret.
 */
#include "base/beneath.h"

#include "fuzz_tree.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char base[64], root[96], secret[128];
static struct stat secret_st;

static void cleanup(void)
{
	if (base[0])
		fuzz_tree_rm(base);
}

/* `fd` (>= 0) must be beneath the root and not the secret. */
static void check_inside(int fd)
{
	char proc[64], where[4096];
	struct stat st;
	size_t rl = strlen(root);
	ssize_t n;

	snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
	n = readlink(proc, where, sizeof where - 1);
	if (n < 0 || fstat(fd, &st) < 0)
		abort();
	where[n] = 0;
	if (strncmp(where, root, rl) != 0 || (where[rl] != '/' && where[rl] != 0))
		abort(); /* opened outside the root */
	if (st.st_dev == secret_st.st_dev && st.st_ino == secret_st.st_ino)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int flag_sets[] = {
		O_RDONLY,
		O_RDONLY | O_DIRECTORY,
		O_PATH,
		O_RDONLY | O_NONBLOCK | O_NOCTTY,
	};
	static int ready;
	char path[256];
	size_t pos = 2, n;
	int rootfd, flags, fd1, fd2, e1, e2;

	if (!ready) {
		char outside[96];
		if (fuzz_tree_base("beneath", base, sizeof base) < 0)
			abort();
		snprintf(root, sizeof root, "%s/root", base);
		snprintf(outside, sizeof outside, "%s/outside", base);
		snprintf(secret, sizeof secret, "%s/secret", outside);
		if (mkdir(outside, 0755) < 0)
			abort();
		int ofd = open(outside, O_RDONLY | O_DIRECTORY);
		fuzz_tree_make(ofd, "secret", 1, (const uint8_t *)"secret", 6);
		close(ofd);
		if (stat(secret, &secret_st) < 0)
			abort();
		atexit(cleanup);
		ready = 1;
	}
	if (size < 2)
		return 0;
	flags = flag_sets[data[0] % 4];
	n = data[1];
	if (pos + n > size)
		n = size - pos;
	memcpy(path, data + pos, n);
	path[n] = 0;
	pos += n;

	fuzz_tree_rm(root);
	if (mkdir(root, 0755) < 0)
		abort();
	rootfd = open(root, O_RDONLY | O_DIRECTORY);
	if (rootfd < 0)
		abort();
	fuzz_tree_build(rootfd, data, size, &pos, 32, NULL);

	open_beneath_force_walk(0);
	errno = 0;
	fd1 = open_beneath(rootfd, path, flags);
	e1 = fd1 < 0 ? errno : 0;
	open_beneath_force_walk(1);
	errno = 0;
	fd2 = open_beneath(rootfd, path, flags);
	e2 = fd2 < 0 ? errno : 0;
	open_beneath_force_walk(0);

	if ((fd1 < 0) != (fd2 < 0) || e1 != e2) {
		fprintf(stderr, "fuzz_beneath: \"%s\" flags %#x: openat2 %d (%s), walk %d (%s)\n",
			path, (unsigned)flags, fd1, strerror(e1), fd2, strerror(e2));
		abort();
	}
	if (fd1 >= 0) {
		struct stat s1, s2;
		check_inside(fd1);
		check_inside(fd2);
		if (fstat(fd1, &s1) < 0 || fstat(fd2, &s2) < 0 || s1.st_dev != s2.st_dev ||
		    s1.st_ino != s2.st_ino)
			abort(); /* the two ways opened different files */
		close(fd1);
		close(fd2);
	}
	close(rootfd);
	return 0;
}
