/*
 * beneath.h: opening a path that untrusted data names, strictly beneath a
 * directory (a mounted medium): never above it, never through a symbolic
 * link, never onto another file system.
 *
 * With openat2() (Linux 5.6+) the kernel resolves the path with
 * RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |
 * RESOLVE_NO_XDEV; where the kernel lacks it (ENOSYS, or EPERM from a
 * seccomp filter) the path is walked one component at a time with
 * openat(O_NOFOLLOW), each directory checked to be on the starting
 * directory's file system. Both refuse the same things.
 */
#ifndef SZTP_BENEATH_H
#define SZTP_BENEATH_H

#define BENEATH_PATH_MAX 1024 /* bytes of `rel`, NUL excluded */

/*
 * Open `rel` beneath the directory `dirfd` with `flags` (O_RDONLY,
 * O_DIRECTORY, O_NONBLOCK, ...; O_NOFOLLOW and O_CLOEXEC are added; no
 * O_CREAT). `rel` is relative: components separated by '/', empty ones and
 * "." skipped. Returns the descriptor, or -1 with errno:
 *   ENOENT       not there (or `rel` is empty)
 *   ELOOP        a component is a symbolic link
 *   EXDEV        a ".." component, or a component on another file system
 *   EINVAL       `rel` is absolute
 *   ENAMETOOLONG `rel` is longer than BENEATH_PATH_MAX
 *   ENOTDIR, EACCES, ...  as openat()
 */
int open_beneath(int dirfd, const char *rel, int flags);

/* Tests: 1 makes open_beneath() walk the components even where openat2()
 * exists, 0 (the default) uses openat2() when the kernel has it. */
void open_beneath_force_walk(int on);

#endif
