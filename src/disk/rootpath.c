/* rootpath.c: file access confined to a directory tree (see rootpath.h). */
#include "disk/rootpath.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int rootpath_open(int rootfd, const char *rel, int flags, mode_t mode)
{
	struct open_how how;
	memset(&how, 0, sizeof how);
	how.flags = (uint64_t)(unsigned)(flags | O_CLOEXEC);
	how.mode = (flags & O_CREAT) ? mode : 0;
	how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	long r;
	do
		r = syscall(SYS_openat2, rootfd, rel, &how, sizeof how);
	while (r < 0 && errno == EAGAIN);
	return (int)r;
}

int rootpath_read(const char *root, const char *rel, char *buf, size_t cap, size_t *n,
		  struct err *e)
{
	int rfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rfd < 0)
		return err_set(e, "%s: %s", root, strerror(errno));
	/* a hostile tree may hold a FIFO or a device here: never block on it,
	 * never follow a last-component link, read regular files only */
	int fd = rootpath_open(rfd, rel, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW, 0);
	int saved = errno;
	struct stat st;
	close(rfd);
	if (fd < 0)
		return err_set(e, "%s/%s: %s", root, rel,
			       saved == ELOOP ? "a symbolic link (not followed)" : strerror(saved));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(e, "%s/%s: not a regular file", root, rel);
	}
	size_t got = 0;
	while (got < cap) {
		ssize_t r = read(fd, buf + got, cap - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			saved = errno;
			close(fd);
			return err_set(e, "%s/%s: %s", root, rel, strerror(saved));
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	*n = got;
	return 0;
}
