/* test_beneath.c: open_beneath() with openat2() and with the component walk. */
#include "unit.h"

#include "base/beneath.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static void mk(const char *root, const char *rel, const char *content)
{
	char p[512];
	FILE *f;
	snprintf(p, sizeof p, "%s/%s", root, rel);
	f = fopen(p, "w");
	if (f) {
		fputs(content, f);
		fclose(f);
	}
}

static int err_of(int dirfd, const char *rel, int flags)
{
	int fd = open_beneath(dirfd, rel, flags);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return errno;
}

static void run(int walk)
{
	char top[] = "/tmp/sztp-beneath-XXXXXX", root[64], p[128], q[128], big[BENEATH_PATH_MAX + 8];
	struct stat a, b;
	int dfd, fd;

	open_beneath_force_walk(walk);
	CHECK(mkdtemp(top) != NULL);
	snprintf(root, sizeof root, "%s/medium", top);
	CHECK(mkdir(root, 0755) == 0);
	snprintf(p, sizeof p, "%s/images", root);
	CHECK(mkdir(p, 0755) == 0);
	mk(root, "images/os.img", "image");
	mk(top, "secret", "outside the medium");
	snprintf(p, sizeof p, "%s/images/out", root);
	snprintf(q, sizeof q, "%s/secret", top);
	CHECK(symlink(q, p) == 0);                       /* absolute, leaves the medium */
	snprintf(p, sizeof p, "%s/images/up", root);
	CHECK(symlink("../../secret", p) == 0);          /* relative, leaves the medium */
	snprintf(p, sizeof p, "%s/images/same", root);
	CHECK(symlink("os.img", p) == 0);                /* stays, but a link all the same */
	snprintf(p, sizeof p, "%s/linkdir", root);
	CHECK(symlink("images", p) == 0);                /* a directory link on the way */
	snprintf(p, sizeof p, "%s/fifo", root);
	CHECK(mkfifo(p, 0600) == 0);

	dfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK(dfd >= 0);
	fd = open_beneath(dfd, "images/os.img", O_RDONLY);
	CHECK(fd >= 0);
	{
		char buf[16] = { 0 };
		CHECK_EQ_INT(read(fd, buf, sizeof buf - 1), 5);
		CHECK_EQ_STR(buf, "image");
		close(fd);
	}
	CHECK_EQ_INT(err_of(dfd, "./images//os.img", O_RDONLY), 0);
	CHECK_EQ_INT(err_of(dfd, "images", O_RDONLY | O_DIRECTORY), 0);
	CHECK_EQ_INT(err_of(dfd, "images/none.img", O_RDONLY), ENOENT);
	CHECK_EQ_INT(err_of(dfd, "", O_RDONLY), ENOENT);
	CHECK_EQ_INT(err_of(dfd, "./.", O_RDONLY), ENOENT);
	CHECK_EQ_INT(err_of(dfd, "images/out", O_RDONLY), ELOOP);
	CHECK_EQ_INT(err_of(dfd, "images/up", O_RDONLY), ELOOP);
	CHECK_EQ_INT(err_of(dfd, "images/same", O_RDONLY), ELOOP);
	CHECK_EQ_INT(err_of(dfd, "linkdir/os.img", O_RDONLY), ELOOP);
	CHECK_EQ_INT(err_of(dfd, "../secret", O_RDONLY), EXDEV);
	CHECK_EQ_INT(err_of(dfd, "images/../images/os.img", O_RDONLY), EXDEV);
	CHECK_EQ_INT(err_of(dfd, "/etc/passwd", O_RDONLY), EINVAL);
	CHECK_EQ_INT(err_of(dfd, "images/os.img/x", O_RDONLY), ENOTDIR);
	/* a trailing '/' asks for a directory (found by fuzz_beneath: the walk
	 * opened the file) */
	CHECK_EQ_INT(err_of(dfd, "images/os.img/", O_RDONLY), ENOTDIR);
	CHECK_EQ_INT(err_of(dfd, "images/os.img//", O_PATH), ENOTDIR);
	CHECK_EQ_INT(err_of(dfd, "images/same/", O_RDONLY), ELOOP);
	CHECK_EQ_INT(err_of(dfd, "linkdir/", O_PATH), ELOOP);
	CHECK_EQ_INT(err_of(dfd, "images/", O_RDONLY | O_DIRECTORY), 0);
	CHECK_EQ_INT(err_of(dfd, "images/./", O_RDONLY), 0);
	/* a FIFO opens without blocking with O_NONBLOCK: callers then refuse it by type */
	fd = open_beneath(dfd, "fifo", O_RDONLY | O_NONBLOCK);
	CHECK(fd >= 0);
	CHECK(fstat(fd, &a) == 0 && S_ISFIFO(a.st_mode));
	close(fd);
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	CHECK_EQ_INT(err_of(dfd, big, O_RDONLY), ENAMETOOLONG);
	close(dfd);

	/* another file system on the way: /proc seen from / */
	if (stat("/", &a) == 0 && stat("/proc", &b) == 0 && a.st_dev != b.st_dev) {
		dfd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		CHECK(dfd >= 0);
		CHECK_EQ_INT(err_of(dfd, "proc/version", O_RDONLY), EXDEV);
		close(dfd);
	}
	open_beneath_force_walk(0);
	snprintf(p, sizeof p, "rm -rf '%s'", top);
	CHECK_EQ_INT(system(p), 0);
}

TEST(beneath_openat2)
{
	run(0);
}

TEST(beneath_walk)
{
	run(1);
}
