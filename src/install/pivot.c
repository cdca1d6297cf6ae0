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
#include "disk/bls.h"
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

/* The relative form of an entry path ("/debian/x/linux" -> "debian/x/linux"). */
static const char *unslash(const char *s)
{
	while (*s == '/')
		s++;
	return s;
}

/*
 * Entries of `dir`/`rel` (loader/entries or boot/loader/entries), with the
 * loader.conf beside them: the one systemd-boot would boot whose files exist
 * (paths relative to `dir`; for boot/loader/entries relative to dir/boot,
 * or to dir when that is where they are). 1 found (p filled), 0 not.
 */
static int find_bls(const char *dir, const char *rel, const char *loader_conf,
		    struct pivot_plan *p)
{
	static struct bls_entry ents[PIVOT_MAX_ENTRIES];
	static char txt[BLS_FILE_MAX + 1];
	static const struct bls_entry *order[PIVOT_MAX_ENTRIES];
	char path[PIVOT_PATH_MAX + 64], pattern[BLS_VALUE_MAX] = "";
	int n = 0, boot_rel = strncmp(rel, "boot/", 5) == 0;
	size_t len;
	struct err e;

	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return 0;
	int efd = rootpath_open(dfd, rel, O_RDONLY | O_DIRECTORY, 0);
	DIR *d = efd >= 0 ? fdopendir(efd) : NULL;
	if (!d) {
		if (efd >= 0)
			close(efd);
		close(dfd);
		return 0;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		if (l < 6 || l >= BLS_ID_MAX || strcmp(de->d_name + l - 5, ".conf") != 0)
			continue;
		if (n == PIVOT_MAX_ENTRIES) {
			log_warn("pivot", "%s/%s: more than %d entries, the rest ignored", dir, rel,
				 PIVOT_MAX_ENTRIES);
			break;
		}
		snprintf(path, sizeof path, "%s/%s", rel, de->d_name);
		if (rootpath_read(dir, path, txt, sizeof txt, &len, &e) < 0) {
			log_warn("pivot", "%s", e.msg);
			continue;
		}
		if (len >= sizeof txt) {
			log_warn("pivot", "%s/%s: longer than %d bytes, ignored", dir, path, BLS_FILE_MAX);
			continue;
		}
		if (bls_parse_entry(de->d_name, txt, len, &ents[n], &e) < 0) {
			log_warn("pivot", "%s/%s: %s, ignored", dir, rel, e.msg);
			continue;
		}
		order[n] = &ents[n];
		n++;
	}
	closedir(d);
	if (n == 0) {
		close(dfd);
		return 0;
	}
	/* insertion sort into systemd-boot's menu order (n is small) */
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && bls_compare(order[j - 1], order[j]) > 0; j--) {
			const struct bls_entry *t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	if (rootpath_read(dir, loader_conf, txt, sizeof txt, &len, &e) == 0 && len < sizeof txt &&
	    bls_loader_default(txt, len, pattern, sizeof pattern, &e) < 0)
		log_warn("pivot", "%s/%s: %s", dir, loader_conf, e.msg);
	/* the default's matches first, then the rest, each in menu order */
	for (int pass = pattern[0] ? 0 : 1; pass < 2; pass++) {
		for (int i = 0; i < n; i++) {
			const struct bls_entry *b = order[i];
			if (pass == 0 && !bls_matches(b, pattern))
				continue;
			if (pass == 1 && pattern[0] && bls_matches(b, pattern))
				continue; /* tried in pass 0 */
			if (!b->linux_[0])
				continue; /* an "efi" program: the firmware's to start */
			if (b->n_initrd > 1)
				log_warn("pivot", "%s: %d initrd lines; kexec takes the first only",
					 b->id, b->n_initrd);
			const char *pre = "";
			if (boot_rel) {
				/* /boot a directory of the root: "linux /vmlinuz" means boot/vmlinuz,
				 * but some write "linux /boot/vmlinuz" */
				snprintf(path, sizeof path, "boot/%s", unslash(b->linux_));
				pre = has(dfd, path, 0, 0) ? "boot/" : "";
			}
			snprintf(p->kernel, sizeof p->kernel, "%s%.450s", pre, unslash(b->linux_));
			p->initrd[0] = 0;
			if (b->initrd[0])
				snprintf(p->initrd, sizeof p->initrd, "%s%.450s", pre, unslash(b->initrd));
			if (!has(dfd, p->kernel, 0, 0) || (p->initrd[0] && !has(dfd, p->initrd, 0, 0))) {
				log_warn("pivot", "%s/%s/%s: its kernel or initrd is missing, skipped", dir,
					 rel, b->id);
				p->kernel[0] = p->initrd[0] = 0;
				continue;
			}
			snprintf(p->base, sizeof p->base, "%s", dir);
			snprintf(p->cmdline, sizeof p->cmdline, "%s", b->options);
			snprintf(p->why, sizeof p->why, "boot loader entry %.100s/%.40s/%.100s%s", dir,
				 rel, b->id, pass == 0 ? " (loader.conf default)" : "");
			close(dfd);
			return 1;
		}
	}
	close(dfd);
	return 0;
}

static int find_boot_kernel(const char *root, int rootfd, struct pivot_plan *p)
{
	char dir[PIVOT_PATH_MAX + 8], best[256] = "";
	snprintf(p->base, sizeof p->base, "%s", root);
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

/* root=PARTUUID=... ro and the console= words of the running command line */
static void default_cmdline(const struct pivot_input *in, struct pivot_plan *p)
{
	size_t n = 0;
	p->cmdline[0] = 0;
	if (in->partuuid && in->partuuid[0])
		n = (size_t)snprintf(p->cmdline, sizeof p->cmdline, "root=PARTUUID=%s ro",
				     in->partuuid);
	const char *c = in->cmdline;
	while (c && *c && n < sizeof p->cmdline) {
		while (*c == ' ' || *c == '\n')
			c++;
		const char *s = c;
		while (*c && *c != ' ' && *c != '\n')
			c++;
		if (c - s > 8 && strncmp(s, "console=", 8) == 0)
			n += (size_t)snprintf(p->cmdline + n, sizeof p->cmdline - n, "%s%.*s",
					      n ? " " : "", (int)(c - s), s);
	}
}

/* switch_root possible? Fills p->init; `need_modules` 0 when forced. */
static int can_switch_root(const struct pivot_input *in, int rootfd, int need_modules,
			   struct pivot_plan *p)
{
	static const char *const inits[] = { "sbin/init", "usr/lib/systemd/systemd",
					     "lib/systemd/systemd", "etc/init", "bin/init" };
	char mods[PIVOT_PATH_MAX], init[PIVOT_PATH_MAX];
	snprintf(mods, sizeof mods, "lib/modules/%s", in->kver);
	int modules = has(rootfd, mods, 1, 0);
	if (!modules) {
		snprintf(mods, sizeof mods, "usr/lib/modules/%s", in->kver);
		modules = has(rootfd, mods, 1, 0);
	}
	if (need_modules && !modules)
		return 0;
	p->init[0] = 0;
	if (in->cmdline && cmdline_word(in->cmdline, "init=", init, sizeof init) &&
	    init[0] == '/' && has(rootfd, init + 1, 0, 1)) {
		memcpy(p->init, init, sizeof init);
	} else {
		for (size_t i = 0; i < sizeof inits / sizeof inits[0]; i++)
			if (has(rootfd, inits[i], 0, 1)) {
				snprintf(p->init, sizeof p->init, "/%s", inits[i]);
				break;
			}
	}
	if (!p->init[0])
		return 0;
	snprintf(p->why, sizeof p->why, "switch_root: %s kernel %.64s; init %.100s",
		 modules ? "the new root has modules for" : "forced (sztp.pivot=switch_root): no "
		 "modules in the new root for", in->kver, p->init);
	return 1;
}

/* A boot loader entry (ESP, then root) or the root's boot/vmlinuz*. */
static int can_kexec(const struct pivot_input *in, int rootfd, int entries_only,
		     struct pivot_plan *p)
{
	int found = (in->esp && in->esp[0] &&
		     find_bls(in->esp, "loader/entries", "loader/loader.conf", p)) ||
		    find_bls(in->root, "boot/loader/entries", "boot/loader/loader.conf", p);
	if (!found && !entries_only) {
		found = find_boot_kernel(in->root, rootfd, p);
		if (found)
			default_cmdline(in, p);
	}
	if (!found) {
		p->kernel[0] = p->initrd[0] = p->base[0] = 0;
		return 0;
	}
	char what[sizeof p->why];
	memcpy(what, p->why, sizeof what);
	snprintf(p->why, sizeof p->why, "kexec: the OS's own kernel from %.300s", what);
	return 1;
}

int pivot_mode_parse(const char *s, enum pivot_mode *m)
{
	static const char *const names[] = { "auto", "switch_root", "kexec", "reboot" };
	for (int i = 0; i < 4; i++)
		if (s && strcmp(s, names[i]) == 0) {
			*m = (enum pivot_mode)i;
			return 0;
		}
	return -1;
}

int pivot_plan(const struct pivot_input *in, struct pivot_plan *p)
{
	memset(p, 0, sizeof *p);
	p->kind = PIVOT_REBOOT;
	int rootfd = open(in->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0) {
		snprintf(p->why, sizeof p->why, "reboot: %.100s: %.100s", in->root, strerror(errno));
		return 0;
	}
	switch (in->mode) {
	case PIVOT_ONLY_REBOOT:
		snprintf(p->why, sizeof p->why, "reboot: sztp.pivot=reboot");
		break;
	case PIVOT_ONLY_SWITCH_ROOT:
		if (can_switch_root(in, rootfd, 0, p))
			p->kind = PIVOT_SWITCH_ROOT;
		else
			snprintf(p->why, sizeof p->why, "reboot: sztp.pivot=switch_root, but the new "
				 "root has no init");
		break;
	case PIVOT_ONLY_KEXEC:
		if (can_kexec(in, rootfd, 0, p))
			p->kind = PIVOT_KEXEC;
		else
			snprintf(p->why, sizeof p->why, "reboot: sztp.pivot=kexec, but the new root "
				 "has no boot loader entry or kernel to kexec");
		break;
	default:
		/* the order is the rule: the OS's own entry, switch_root, a bare
		 * kernel (so two branches alike on purpose) */
		// NOLINTBEGIN(bugprone-branch-clone)
		if (can_kexec(in, rootfd, 1, p))
			p->kind = PIVOT_KEXEC;
		else if (can_switch_root(in, rootfd, 1, p))
			p->kind = PIVOT_SWITCH_ROOT;
		else if (can_kexec(in, rootfd, 0, p))
			p->kind = PIVOT_KEXEC;
		// NOLINTEND(bugprone-branch-clone)
		else
			snprintf(p->why, sizeof p->why, "reboot: the new root has no boot loader "
				 "entry, no modules for kernel %.64s and no kernel to kexec", in->kver);
		break;
	}
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
	const char *base = p->base[0] ? p->base : root;
	int basefd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (basefd < 0)
		return err_set(e, "kexec: %s: %s", base, strerror(errno));
	int kfd = rootpath_open(basefd, p->kernel, O_RDONLY, 0);
	int ifd = p->initrd[0] ? rootpath_open(basefd, p->initrd, O_RDONLY, 0) : -1;
	close(basefd);
	if (kfd < 0 || (p->initrd[0] && ifd < 0)) {
		if (kfd >= 0)
			close(kfd);
		return err_set(e, "kexec: cannot open %s/%s%s%s", base, p->kernel,
			       p->initrd[0] ? " or " : "", p->initrd);
	}
	unsigned long flags = ifd < 0 ? 0x4UL /* KEXEC_FILE_NO_INITRAMFS */ : 0;
	long r = syscall(SYS_kexec_file_load, kfd, ifd, strlen(p->cmdline) + 1, p->cmdline, flags);
	int saved = errno;
	close(kfd);
	if (ifd >= 0)
		close(ifd);
	if (r < 0)
		return err_set(e, "kexec_file_load %s/%s: %s", base, p->kernel, strerror(saved));
	log_info("pivot", "kexec: loaded %s/%s%s%s, command line \"%s\"", base, p->kernel,
		 p->initrd[0] ? " with " : "", p->initrd, p->cmdline);
	log_info("pivot", "kexec: starting the new kernel");
	sync();
	if (strcmp(base, root) != 0)
		umount2(base, MNT_DETACH);
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
