/*
 * rootpath.h: open files inside a directory tree as if it were "/": symbolic
 * links and ".." are resolved by the kernel without ever leaving the tree
 * (openat2 with RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS, Linux 5.6+). This is
 * how the agent reads and writes the provisioned root at /sysroot, whose
 * absolute symbolic links (etc/os-release -> ../usr/lib/os-release,
 * lib -> usr/lib) are meant for the new OS, not for the initramfs.
 */
#ifndef SZTP_ROOTPATH_H
#define SZTP_ROOTPATH_H

#include <stddef.h>
#include <sys/types.h>

#include "base/err.h"

/* openat2(rootfd, rel, flags, mode) confined to rootfd. Returns an fd or -1
 * with errno set. */
int rootpath_open(int rootfd, const char *rel, int flags, mode_t mode);

/*
 * Read the file `rel` inside the tree at `root` into buf[cap]; *n gets the
 * bytes read (cap means "at least cap": the caller decides whether that is
 * too big). The tree may be hostile (an existing disk before it is
 * reimaged): the file is opened non-blocking, a symbolic link as its last
 * component is not followed (links on the way are resolved inside the
 * tree), and anything but a regular file (a FIFO, a device) is refused.
 * 0, or -1 with `e` set.
 */
int rootpath_read(const char *root, const char *rel, char *buf, size_t cap, size_t *n,
		  struct err *e);

#endif
