/* beneath.c: open a path strictly beneath a directory (see beneath.h). */
#include "base/beneath.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int force_walk;
static int no_openat2;

void open_beneath_force_walk(int on)
{
	force_walk = on;
}

/* ".." anywhere is refused before any resolution: a path from a medium has
 * no business going up, even when it would come back down. */
static int has_dotdot(const char *p)
{
	while (*p) {
		size_t n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return 1;
		p += n;
		while (*p == '/')
			p++;
	}
	return 0;
}

static int by_openat2(int dirfd, const char *rel, int flags)
{
	struct open_how how;
	long fd;

	memset(&how, 0, sizeof how);
	how.flags = (unsigned long long)(flags | O_NOFOLLOW | O_CLOEXEC);
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |
		      RESOLVE_NO_XDEV;
	do
		fd = syscall(SYS_openat2, dirfd, rel, &how, sizeof how);
	while (fd < 0 && errno == EAGAIN);
	return (int)fd;
}

static int by_walk(int dirfd, const char *rel, int flags)
{
	static char dot[] = ".";
	char buf[BENEATH_PATH_MAX + 1];
	struct stat top, st;
	char *p, *next;
	int cur = dirfd, fd;

	if (fstat(dirfd, &top) < 0)
		return -1;
	memcpy(buf, rel, strlen(rel) + 1);
	p = buf;
	for (;;) {
		while (*p == '/')
			p++;
		next = p + strcspn(p, "/");
		if (*next) {
			*next++ = '\0';
			while (*next == '/')
				next++;
			/* a trailing '/': the component must be a directory (as
			 * for the kernel), so it is walked through like one and
			 * "." is opened in it */
			if (!*next)
				next = dot;
		}
		if (strcmp(p, ".") == 0 && *next) {
			p = next;
			continue;
		}
		/* a directory on the way: O_PATH without following, so that a
		 * link is seen as one (ELOOP) rather than as "not a directory" */
		if (*next)
			fd = openat(cur, p, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		else
			fd = openat(cur, p, flags | O_NOFOLLOW | O_CLOEXEC);
		if (cur != dirfd) {
			int saved = errno;
			close(cur);
			errno = saved;
		}
		if (fd < 0)
			return -1;
		if (fstat(fd, &st) < 0) {
			int saved = errno;
			close(fd);
			return errno = saved, -1;
		}
		if (*next && !S_ISDIR(st.st_mode)) {
			close(fd);
			return errno = S_ISLNK(st.st_mode) ? ELOOP : ENOTDIR, -1;
		}
		if (st.st_dev != top.st_dev) {
			close(fd);
			return errno = EXDEV, -1;
		}
		if (!*next)
			return fd;
		cur = fd;
		p = next;
	}
}

int open_beneath(int dirfd, const char *rel, int flags)
{
	const char *q;
	size_t len = strlen(rel);
	int fd;

	if (len > BENEATH_PATH_MAX)
		return errno = ENAMETOOLONG, -1;
	if (rel[0] == '/')
		return errno = EINVAL, -1;
	if (has_dotdot(rel))
		return errno = EXDEV, -1;
	for (q = rel; *q == '/' || (q[0] == '.' && (q[1] == '/' || !q[1])); q++)
		;
	if (!*q)
		return errno = ENOENT, -1;
	if (!force_walk && !no_openat2) {
		fd = by_openat2(dirfd, rel, flags);
		if (fd >= 0 || (errno != ENOSYS && errno != EPERM))
			return fd;
		no_openat2 = 1;
	}
	return by_walk(dirfd, rel, flags);
}
