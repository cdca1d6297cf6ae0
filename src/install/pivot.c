/* pivot.c: switch_root, kexec or reboot into the provisioned OS (pivot.h). */
#include "install/pivot.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/reboot.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/log.h"
#include "disk/rootpath.h"

#ifndef RAMFS_MAGIC
#define RAMFS_MAGIC 0x858458f6
#endif
#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC 0x01021994
#endif

const char *pivot_name(enum pivot_kind k)
{
	return k == PIVOT_SWITCH_ROOT ? "switch_root" : k == PIVOT_KEXEC ? "kexec" : "reboot";
}

/* A regular (or executable, `exec`) file / a directory inside the root? */
static int has(int rootfd, const char *rel, int dir, int exec)
{
	int fd = rootpath_open(rootfd, rel, O_PATH | (dir ? O_DIRECTORY : 0), 0);
	struct stat st;
	if (fd < 0)
		return 0;
	int ok = fstat(fd, &st) == 0 && (dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode)) &&
		 (!exec || (st.st_mode & 0111));
	close(fd);
	return ok;
}

/* The value of word `key` ("init=") in cmdline, into out. 1 found, 0 not. */
static int cmdline_word(const char *cmdline, const char *key, char *out, size_t cap)
{
	size_t kl = strlen(key);
	const char *p = cmdline;
	while (p && *p) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		const char *s = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n')
			p++;
		if ((size_t)(p - s) > kl && strncmp(s, key, kl) == 0 && (size_t)(p - s - kl) < cap) {
			memcpy(out, s + kl, (size_t)(p - s) - kl);
			out[p - s - kl] = 0;
			return 1;
		}
	}
	return 0;
}

/* Parse a BLS entry (text) for linux/initrd/options. */
static void bls_parse(char *txt, char *linux_, char *initrd, char *options)
{
	char *save = NULL;
	for (char *line = strtok_r(txt, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		while (*line == ' ' || *line == '\t')
			line++;
		char *v = line;
		while (*v && *v != ' ' && *v != '\t')
			v++;
		if (!*v)
			continue;
		*v++ = 0;
		while (*v == ' ' || *v == '\t')
			v++;
		char *end = v + strlen(v);
		while (end > v && (end[-1] == ' ' || end[-1] == '\r'))
			*--end = 0;
		char *dst = !strcmp(line, "linux") ? linux_ : !strcmp(line, "initrd") ? initrd :
			    !strcmp(line, "options") ? options : NULL;
		size_t cap = dst == options ? PIVOT_CMDLINE_MAX : PIVOT_PATH_MAX;
		if (dst && !dst[0] && strlen(v) < cap)
			memcpy(dst, v, strlen(v) + 1);
	}
}

static int name_cmp(const void *a, const void *b)
{
	return strverscmp(*(char *const *)a, *(char *const *)b);
}

/* The last BLS entry (by version order of the file name). */
static int find_bls(const char *root, int rootfd, struct pivot_plan *p)
{
	char dir[PIVOT_PATH_MAX + 32], names[32][256], *sorted[32];
	static char txt[16384];
	int n = 0;
	snprintf(dir, sizeof dir, "%s/boot/loader/entries", root);
	DIR *d = opendir(dir);
	struct dirent *de;
	if (!d)
		return 0;
	while ((de = readdir(d)) && n < 32) {
		size_t l = strlen(de->d_name);
		if (l < 6 || l >= 256 || strcmp(de->d_name + l - 5, ".conf") != 0)
			continue;
		memcpy(names[n], de->d_name, l + 1);
		sorted[n] = names[n];
		n++;
	}
	closedir(d);
	qsort(sorted, (size_t)n, sizeof sorted[0], name_cmp);
	for (int i = n - 1; i >= 0; i--) {
		char rel[PIVOT_PATH_MAX], lx[PIVOT_PATH_MAX] = "", rd[PIVOT_PATH_MAX] = "",
			opt[PIVOT_CMDLINE_MAX] = "";
		size_t len;
		struct err e;
		snprintf(rel, sizeof rel, "boot/loader/entries/%s", sorted[i]);
		if (rootpath_read(root, rel, txt, sizeof txt - 1, &len, &e) < 0)
			continue;
		txt[len] = 0;
		bls_parse(txt, lx, rd, opt);
		if (!lx[0])
			continue;
		snprintf(p->kernel, sizeof p->kernel, "boot/%.500s", lx[0] == '/' ? lx + 1 : lx);
		if (rd[0])
			snprintf(p->initrd, sizeof p->initrd, "boot/%.500s", rd[0] == '/' ? rd + 1 : rd);
		if (!has(rootfd, p->kernel, 0, 0) || (p->initrd[0] && !has(rootfd, p->initrd, 0, 0))) {
			p->kernel[0] = p->initrd[0] = 0;
			continue;
		}
		memcpy(p->cmdline, opt, sizeof p->cmdline);
		snprintf(p->why, sizeof p->why, "boot loader entry %.200s", sorted[i]);
		return 1;
	}
	return 0;
}

static int find_boot_kernel(const char *root, int rootfd, struct pivot_plan *p)
{
	char dir[PIVOT_PATH_MAX + 8], best[256] = "";
	if (has(rootfd, "boot/vmlinuz", 0, 0)) {
		snprintf(p->kernel, sizeof p->kernel, "boot/vmlinuz");
		if (has(rootfd, "boot/initrd.img", 0, 0))
			snprintf(p->initrd, sizeof p->initrd, "boot/initrd.img");
		snprintf(p->why, sizeof p->why, "/boot/vmlinuz");
		return 1;
	}
	snprintf(dir, sizeof dir, "%s/boot", root);
	DIR *d = opendir(dir);
	struct dirent *de;
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char rel[sizeof best + 8];
		if (strncmp(de->d_name, "vmlinuz-", 8) != 0 || strlen(de->d_name) >= sizeof best)
			continue;
		/* a directory, a FIFO or a dangling link by that name is no kernel
		 * and must not hide an older one that is */
		snprintf(rel, sizeof rel, "boot/%s", de->d_name);
		if (!has(rootfd, rel, 0, 0))
			continue;
		if (!best[0] || strverscmp(de->d_name, best) > 0)
			memcpy(best, de->d_name, strlen(de->d_name) + 1);
	}
	closedir(d);
	if (!best[0])
		return 0;
	snprintf(p->kernel, sizeof p->kernel, "boot/%s", best);
	char rd[PIVOT_PATH_MAX];
	snprintf(rd, sizeof rd, "boot/initrd.img-%s", best + 8);
	if (!has(rootfd, rd, 0, 0))
		snprintf(rd, sizeof rd, "boot/initramfs-%s.img", best + 8);
	if (has(rootfd, rd, 0, 0))
		memcpy(p->initrd, rd, sizeof rd);
	snprintf(p->why, sizeof p->why, "/%.200s", p->kernel);
	return 1;
}

int pivot_plan(const char *root, const char *kver, const char *partuuid, const char *cmdline,
	       struct pivot_plan *p)
{
	static const char *const inits[] = { "sbin/init", "usr/lib/systemd/systemd",
					     "lib/systemd/systemd", "etc/init", "bin/init" };
	char mods[PIVOT_PATH_MAX], init[PIVOT_PATH_MAX];
	memset(p, 0, sizeof *p);
	p->kind = PIVOT_REBOOT;
	int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0) {
		snprintf(p->why, sizeof p->why, "reboot: %.100s: %.100s", root, strerror(errno));
		return 0;
	}
	int modules = 0;
	snprintf(mods, sizeof mods, "lib/modules/%s", kver);
	modules = has(rootfd, mods, 1, 0);
	if (!modules) {
		snprintf(mods, sizeof mods, "usr/lib/modules/%s", kver);
		modules = has(rootfd, mods, 1, 0);
	}
	if (modules) {
		if (cmdline && cmdline_word(cmdline, "init=", init, sizeof init) && init[0] == '/' &&
		    has(rootfd, init + 1, 0, 1)) {
			memcpy(p->init, init, sizeof init);
		} else {
			for (size_t i = 0; i < sizeof inits / sizeof inits[0]; i++)
				if (has(rootfd, inits[i], 0, 1)) {
					snprintf(p->init, sizeof p->init, "/%s", inits[i]);
					break;
				}
		}
		if (p->init[0]) {
			p->kind = PIVOT_SWITCH_ROOT;
			snprintf(p->why, sizeof p->why, "switch_root: the new root has modules for "
				 "kernel %.64s; init %.100s", kver, p->init);
			close(rootfd);
			return 0;
		}
	}
	if (find_bls(root, rootfd, p) || find_boot_kernel(root, rootfd, p)) {
		char what[256];
		memcpy(what, p->why, sizeof what);
		if (!p->cmdline[0]) {
			size_t n = 0;
			if (partuuid && partuuid[0])
				n = (size_t)snprintf(p->cmdline, sizeof p->cmdline, "root=PARTUUID=%s ro",
						     partuuid);
			const char *c = cmdline;
			while (c && *c && n < sizeof p->cmdline) {
				while (*c == ' ' || *c == '\n')
					c++;
				const char *s = c;
				while (*c && *c != ' ' && *c != '\n')
					c++;
				if (c - s > 8 && strncmp(s, "console=", 8) == 0)
					n += (size_t)snprintf(p->cmdline + n, sizeof p->cmdline - n,
							      "%s%.*s", n ? " " : "", (int)(c - s), s);
			}
		}
		p->kind = PIVOT_KEXEC;
		snprintf(p->why, sizeof p->why, "kexec: no modules for kernel %s in the new root; "
			 "its kernel from %.120s", kver, what);
		close(rootfd);
		return 0;
	}
	snprintf(p->why, sizeof p->why, "reboot: the new root has neither modules for kernel %s "
		 "nor a kernel to kexec", kver);
	close(rootfd);
	return 0;
}

/* Delete the initramfs contents (like busybox switch_root), not crossing
 * into other file systems. */
static void wipe_tree(int dfd, dev_t dev)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;
	if (!d) {
		close(dfd);
		return;
	}
	while ((de = readdir(d))) {
		struct stat st;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || st.st_dev != dev)
			continue;
		if (S_ISDIR(st.st_mode)) {
			int sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					 O_CLOEXEC);
			if (sub >= 0)
				wipe_tree(sub, dev);
			unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR);
		} else {
			unlinkat(dirfd(d), de->d_name, 0);
		}
	}
	closedir(d);
}

static int switch_root(const char *root, const char *init, struct err *e)
{
	static const char *const mv[] = { "/dev", "/proc", "/sys", "/run" };
	struct statfs sfs;
	struct stat rst, nst;
	char target[PIVOT_PATH_MAX + 16];

	if (getpid() != 1)
		return err_set(e, "switch_root: not PID 1");
	if (statfs("/", &sfs) < 0 || (sfs.f_type != RAMFS_MAGIC && sfs.f_type != TMPFS_MAGIC))
		return err_set(e, "switch_root: / is not ramfs or tmpfs");
	if (stat("/", &rst) < 0 || stat(root, &nst) < 0 || rst.st_dev == nst.st_dev)
		return err_set(e, "switch_root: %s is not a mount point", root);
	for (size_t i = 0; i < sizeof mv / sizeof mv[0]; i++) {
		snprintf(target, sizeof target, "%s%s", root, mv[i]);
		mkdir(target, 0755);
		if (mount(mv[i], target, NULL, MS_MOVE, NULL) < 0) {
			log_warn("pivot", "move %s to %s: %s; unmounting it", mv[i], target,
				 strerror(errno));
			umount2(mv[i], MNT_DETACH);
		}
	}
	if (chdir(root) < 0)
		return err_set(e, "switch_root: chdir %s: %s", root, strerror(errno));
	/* point of no return */
	int fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0)
		wipe_tree(fd, rst.st_dev);
	if (mount(".", "/", NULL, MS_MOVE, NULL) < 0 || chroot(".") < 0 || chdir("/") < 0) {
		log_err("pivot", "switch_root: moving %s to /: %s", root, strerror(errno));
		reboot(RB_AUTOBOOT);
		_exit(1);
	}
	char *argv[] = { (char *)init, NULL };
	execv(init, argv);
	log_err("pivot", "switch_root: exec %s: %s", init, strerror(errno));
	sync();
	reboot(RB_AUTOBOOT);
	_exit(1);
}

static int kexec(const char *root, const struct pivot_plan *p, struct err *e)
{
	int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return err_set(e, "kexec: %s: %s", root, strerror(errno));
	int kfd = rootpath_open(rootfd, p->kernel, O_RDONLY, 0);
	int ifd = p->initrd[0] ? rootpath_open(rootfd, p->initrd, O_RDONLY, 0) : -1;
	close(rootfd);
	if (kfd < 0 || (p->initrd[0] && ifd < 0)) {
		if (kfd >= 0)
			close(kfd);
		return err_set(e, "kexec: cannot open %s%s%s", p->kernel, p->initrd[0] ? " or " : "",
			       p->initrd);
	}
	unsigned long flags = ifd < 0 ? 0x4UL /* KEXEC_FILE_NO_INITRAMFS */ : 0;
	long r = syscall(SYS_kexec_file_load, kfd, ifd, strlen(p->cmdline) + 1, p->cmdline, flags);
	int saved = errno;
	close(kfd);
	if (ifd >= 0)
		close(ifd);
	if (r < 0)
		return err_set(e, "kexec_file_load %s: %s", p->kernel, strerror(saved));
	log_info("pivot", "kexec: loaded %s%s%s, command line \"%s\"", p->kernel,
		 p->initrd[0] ? " with " : "", p->initrd, p->cmdline);
	sync();
	umount2(root, MNT_DETACH);
	reboot(LINUX_REBOOT_CMD_KEXEC);
	return err_set(e, "reboot(KEXEC): %s", strerror(errno));
}

int pivot_exec(const char *root, const struct pivot_plan *p, struct err *e)
{
	log_info("pivot", "%s", p->why);
	if (p->kind == PIVOT_SWITCH_ROOT)
		return switch_root(root, p->init, e);
	if (p->kind == PIVOT_KEXEC)
		return kexec(root, p, e);
	sync();
	umount2(root, MNT_DETACH);
	reboot(RB_AUTOBOOT);
	return err_set(e, "reboot: %s", strerror(errno));
}
