/*
 * fuzz_pivot.c: how the agent decides to enter the provisioned OS
 * (install/pivot.h, pivot_plan()) when the root it looks at is hostile: an
 * existing disk that is configured without a new image. Boot Loader
 * Specification entries, kernel and initrd names, init, modules and links
 * are the input, and so is the running kernel command line.
 *
 * Input: a length byte and the running command line, then up to 48 records
 * of the root's tree (tests/fuzz/fuzz_tree.h). The tree is built in
 * /dev/shm beside an "outside" directory that holds boot/vmlinuz,
 * boot/initrd.img and sbin/init made of a marker. Checked: the plan is
 * one of the three kinds with its fields terminated; switch_root names an
 * absolute init; kexec names a kernel (and maybe an initrd) that opens
 * inside the root as a regular file without the marker; its command line
 * holds no line break.
 */
#include "disk/rootpath.h"
#include "install/pivot.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_tree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define KVER   "6.1.0-fuzz-amd64"
#define MARKER "OUTSIDE-MARKER"

static char base[64], root[96], outside[96];

static void cleanup(void)
{
	if (base[0])
		fuzz_tree_rm(base);
}

static int has_marker(int kind, const uint8_t *c, size_t clen)
{
	return kind == 1 && memmem(c, clen, MARKER, sizeof MARKER - 1) != NULL;
}

/* `rel` opens inside the root as a regular file that is not from outside. */
static void check_file(const char *rel)
{
	char buf[256];
	struct stat st;
	int rfd = open(root, O_RDONLY | O_DIRECTORY), fd;
	ssize_t n;
	if (rfd < 0)
		abort();
	fd = rootpath_open(rfd, rel, O_RDONLY | O_NONBLOCK, 0);
	close(rfd);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		abort(); /* planned a kernel that is not there */
	n = read(fd, buf, sizeof buf);
	close(fd);
	if (n > 0 && memmem(buf, (size_t)n, MARKER, sizeof MARKER - 1))
		abort(); /* a file from outside the root */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	static struct pivot_plan p;
	char cmdline[256];
	size_t pos = 0, cl;
	int rootfd;

	if (!ready) {
		static const char *const files[] = { "boot/vmlinuz", "boot/initrd.img", "sbin/init" };
		if (fuzz_tree_base("pivot", base, sizeof base) < 0)
			abort();
		snprintf(root, sizeof root, "%s/root", base);
		snprintf(outside, sizeof outside, "%s/outside", base);
		if (mkdir(outside, 0755) < 0)
			abort();
		int fd = open(outside, O_RDONLY | O_DIRECTORY);
		for (size_t i = 0; i < 3; i++)
			fuzz_tree_make(fd, files[i], 1, (const uint8_t *)MARKER, sizeof MARKER - 1);
		close(fd);
		atexit(cleanup);
		ready = 1;
	}
	if (size < 1)
		return 0;
	cl = data[0] < size - 1 ? data[0] : size - 1;
	memcpy(cmdline, data + 1, cl);
	cmdline[cl] = 0;
	pos = 1 + cl;
	fuzz_tree_rm(root);
	if (mkdir(root, 0755) < 0)
		abort();
	rootfd = open(root, O_RDONLY | O_DIRECTORY);
	fuzz_tree_build(rootfd, data, size, &pos, 48, has_marker);
	close(rootfd);

	struct pivot_input in = { root, NULL, KVER, "0b4fd1d0-8a1c-4d7b-9c2e-1234567890ab",
				  cmdline, PIVOT_AUTO };
	pivot_plan(&in, &p);
	if (!memchr(p.why, 0, sizeof p.why) || !memchr(p.init, 0, sizeof p.init) ||
	    !memchr(p.kernel, 0, sizeof p.kernel) || !memchr(p.initrd, 0, sizeof p.initrd) ||
	    !memchr(p.cmdline, 0, sizeof p.cmdline) || !p.why[0])
		abort();
	switch (p.kind) {
	case PIVOT_SWITCH_ROOT:
		if (p.init[0] != '/' || p.kernel[0])
			abort();
		check_file(p.init + 1);
		break;
	case PIVOT_KEXEC:
		/* no ESP here: whatever the kernel's source (a boot loader entry
		 * or /boot), it is read from the root */
		if (strcmp(p.base, root) != 0 || strchr(p.cmdline, '\n'))
			abort();
		check_file(p.kernel);
		if (p.initrd[0])
			check_file(p.initrd);
		break;
	case PIVOT_REBOOT:
		if (p.kernel[0] || p.init[0])
			abort();
		break;
	default:
		abort();
	}
	if (strcmp(pivot_name(p.kind), "switch_root") && strcmp(pivot_name(p.kind), "kexec") &&
	    strcmp(pivot_name(p.kind), "reboot"))
		abort();
	return 0;
}
