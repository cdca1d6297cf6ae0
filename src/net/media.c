/* media.c: bootstrapping data on removable storage (see media.h). */
#include "net/media.h"

#include "base/beneath.h"
#include "base/log.h"
#include "base/str.h"
#include "disk/fslabel.h"
#include "trust/serial.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_MOUNTS 8

static char mounted[MAX_MOUNTS][CFG_STR];
static int n_mounted;

static uint8_t ci_buf[NET_CI_MAX], oc_buf[NET_CMS_MAX], ov_buf[NET_CMS_MAX];

/* What an open_beneath() errno means for a path on a medium. */
static const char *why_refused(int err)
{
	if (err == ELOOP)
		return "a symbolic link (refused)";
	if (err == EXDEV)
		return "leaves the medium (refused)";
	return strerror(err);
}

/* Read a whole file `rel` beneath `rootfd` (open_beneath(): no link, no
 * "..", no other file system) of at most `cap` bytes. Returns its size, 0
 * when it does not exist, -1 (logged) when it is refused, unreadable, not a
 * regular file, empty, too large or not DER. */
static long read_file(int rootfd, const char *rel, const char *where, uint8_t *buf, size_t cap)
{
	const char *name = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
	struct stat st;
	size_t got = 0;
	int fd = open_beneath(rootfd, rel, O_RDONLY | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		log_warn("media", "%s/%s: %s", where, name, why_refused(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		log_warn("media", "%s/%s: not a regular file", where, name);
		close(fd);
		return -1;
	}
	if (st.st_size <= 0 || (unsigned long long)st.st_size > cap) {
		log_warn("media", "%s/%s: %lld bytes (want 1..%zu)", where, name,
			 (long long)st.st_size, cap);
		close(fd);
		return -1;
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0) {
			log_warn("media", "%s/%s: %s", where, name, r < 0 ? strerror(errno) : "short read");
			close(fd);
			return -1;
		}
		got += (size_t)r;
	}
	close(fd);
	if (buf[0] != 0x30) {
		log_warn("media", "%s/%s: not DER (a CMS ContentInfo starts with 0x30)", where, name);
		return -1;
	}
	return (long)got;
}

/* 1 when `rel` beneath rootfd exists (as anything), 0 otherwise. */
static int exists(int rootfd, const char *rel)
{
	int fd = open_beneath(rootfd, rel, O_PATH);
	if (fd < 0)
		return errno != ENOENT;
	close(fd);
	return 1;
}

/* The voucher of directory `dir`: ownership-voucher.cms, else
 * ownership-voucher.vcj (RFC 8366's extension for the same CMS). */
static long read_voucher(int rootfd, const char *dir, const char *where, const char **name)
{
	char p[MEDIA_REL_MAX + 64];
	long ov;

	snprintf(p, sizeof p, "%s/%s", dir, MEDIA_OV_CMS);
	*name = MEDIA_OV_CMS;
	ov = read_file(rootfd, p, where, ov_buf, sizeof ov_buf);
	snprintf(p, sizeof p, "%s/%s", dir, MEDIA_OV_VCJ);
	if (ov == 0) {
		*name = MEDIA_OV_VCJ;
		return read_file(rootfd, p, where, ov_buf, sizeof ov_buf);
	}
	if (exists(rootfd, p))
		log_warn("media", "%s: both %s and %s: using %s", where, MEDIA_OV_CMS, MEDIA_OV_VCJ,
			 MEDIA_OV_CMS);
	return ov;
}

/* One directory `dir` (relative to the medium's root): 1 when a source was
 * added, 0 when nothing is there, -1 bad. */
static int read_dir(int rootfd, const char *root, const char *dir, const char *where,
		    struct net_result *out)
{
	char p[MEDIA_REL_MAX + 64];
	const char *ov_name;
	long ci, oc, ov;
	int before = out->n_artifacts;

	snprintf(p, sizeof p, "%s/%s", dir, MEDIA_CI);
	ci = read_file(rootfd, p, where, ci_buf, sizeof ci_buf);
	if (ci <= 0) {
		/* a lone owner certificate or voucher is a mistake worth a line */
		static const char *const lone[] = { MEDIA_OV_CMS, MEDIA_OV_VCJ, MEDIA_OC };
		for (size_t i = 0; ci == 0 && i < sizeof lone / sizeof lone[0]; i++) {
			snprintf(p, sizeof p, "%s/%s", dir, lone[i]);
			if (exists(rootfd, p)) {
				log_warn("media", "%s: %s without %s", where, lone[i], MEDIA_CI);
				break;
			}
		}
		return ci < 0 ? -1 : 0;
	}
	snprintf(p, sizeof p, "%s/%s", dir, MEDIA_OC);
	oc = read_file(rootfd, p, where, oc_buf, sizeof oc_buf);
	ov = read_voucher(rootfd, dir, where, &ov_name);
	if (oc < 0 || ov < 0)
		return -1;
	if ((oc > 0) != (ov > 0)) {
		log_warn("media", "%s: %s without %s, ignored", where,
			 oc > 0 ? MEDIA_OC : ov_name, oc > 0 ? "an ownership voucher" : MEDIA_OC);
		return -1;
	}
	log_info("media", "%s: conveyed-information %ld bytes%s%s%s", where, ci,
		 oc > 0 ? ", owner-certificate, " : " (unsigned)", oc > 0 ? ov_name : "",
		 oc > 0 ? " (signed)" : "");
	if (net_add_artifacts(out, "media", where, ci_buf, (size_t)ci, oc > 0 ? oc_buf : NULL,
			      oc > 0 ? (size_t)oc : 0, ov > 0 ? ov_buf : NULL,
			      ov > 0 ? (size_t)ov : 0) < 0)
		return -1;
	if (out->n_artifacts > before)
		snprintf(out->artifacts[before].medium, sizeof out->artifacts[before].medium, "%s",
			 root);
	return 1;
}

/* 1 when directory `dir` (beneath rootfd) has an entry named exactly `name`
 * (byte for byte: vfat and iso9660 look names up without regard to case,
 * so the entries are compared, not looked up), 0 when not or unreadable.
 * At most MEDIA_DIR_MAX entries are examined. */
static int has_entry(int rootfd, const char *dir, const char *name, const char *where)
{
	struct dirent *de;
	DIR *d;
	int fd = open_beneath(rootfd, dir, O_RDONLY | O_DIRECTORY), n = 0, found = 0;

	if (fd < 0) {
		if (errno != ENOENT)
			log_warn("media", "%s: %s", where, why_refused(errno));
		return 0;
	}
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return 0;
	}
	while (!found && (de = readdir(d)) != NULL) {
		if (++n > MEDIA_DIR_MAX) {
			log_warn("media", "%s: more than %d entries: only the first %d searched for %s",
				 where, MEDIA_DIR_MAX, MEDIA_DIR_MAX, name);
			break;
		}
		found = strcmp(de->d_name, name) == 0;
	}
	closedir(d);
	return found;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The top-level directories of the medium (at most MEDIA_TOP_MAX entries
 * examined; hidden names skipped), sorted. Returns how many. */
static int top_dirs(int rootfd, const char *label, char (*names)[MEDIA_NAME_MAX], int max)
{
	struct dirent *de;
	DIR *d;
	int fd = openat(rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), seen = 0, n = 0;

	if (fd < 0)
		return 0;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		struct stat st;
		if (de->d_name[0] == '.')
			continue;
		if (++seen > MEDIA_TOP_MAX) {
			log_warn("media", "%s: more than %d entries at the top of the medium: only the "
				 "first %d examined for <vendor>/<serial>/%s/", label, MEDIA_TOP_MAX,
				 MEDIA_TOP_MAX, MEDIA_BSD_DIR);
			break;
		}
		if (strlen(de->d_name) >= MEDIA_NAME_MAX || n >= max)
			continue;
		if (de->d_type != DT_DIR && (de->d_type != DT_UNKNOWN ||
		    fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode)))
			continue;
		memcpy(names[n++], de->d_name, strlen(de->d_name) + 1);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof names[0], by_name);
	return n;
}

int media_read_root(const char *root, const char *label, const char *serial,
		    struct net_result *out)
{
	static char names[MEDIA_TOP_MAX][MEDIA_NAME_MAX];
	char dir[MEDIA_REL_MAX], where[CFG_STR + MEDIA_REL_MAX];
	int n = 0, bad = 0, r, rootfd, nd;
	int per_device = serial && serial_ok(serial);

	rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0) {
		log_warn("media", "%s: %s", root, strerror(errno));
		return -1;
	}
	/* 1. /sztp/<serial>/ */
	if (per_device) {
		snprintf(where, sizeof where, "%s:/%s", label, MEDIA_DIR);
		if (has_entry(rootfd, MEDIA_DIR, serial, where)) {
			snprintf(dir, sizeof dir, "%s/%s", MEDIA_DIR, serial);
			snprintf(where, sizeof where, "%s:/%s/%s", label, MEDIA_DIR, serial);
			r = read_dir(rootfd, root, dir, where, out);
			n += r > 0;
			bad |= r < 0;
		}
	}
	/* 2. <vendor>/<serial>/bootstrapping-data/, each top-level directory by name */
	nd = per_device ? top_dirs(rootfd, label, names, MEDIA_TOP_MAX) : 0;
	for (int i = 0; i < nd; i++) {
		int w = snprintf(where, sizeof where, "%s:/%s", label, names[i]);
		if (w < 0 || (size_t)w >= sizeof where || !has_entry(rootfd, names[i], serial, where))
			continue;
		w = snprintf(dir, sizeof dir, "%s/%s/%s", names[i], serial, MEDIA_BSD_DIR);
		if (w < 0 || (size_t)w >= sizeof dir)
			continue; /* cannot happen: names and serials are bounded */
		w = snprintf(where, sizeof where, "%s:/%s", label, dir);
		if (w < 0 || (size_t)w >= sizeof where)
			continue;
		r = read_dir(rootfd, root, dir, where, out);
		n += r > 0;
		bad |= r < 0;
	}
	/* 3. /sztp/ */
	snprintf(where, sizeof where, "%s:/%s", label, MEDIA_DIR);
	r = read_dir(rootfd, root, MEDIA_DIR, where, out);
	n += r > 0;
	bad |= r < 0;
	close(rootfd);
	return n ? n : bad ? -1 : 0;
}

static int read_attr(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r;
	if (fd < 0)
		return -1;
	r = read(fd, buf, cap - 1);
	close(fd);
	if (r <= 0)
		return -1;
	buf[r] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static void load_module(const struct media_opts *o, const char *name)
{
	struct err e;
	if (o->load_module && o->load_module(name, &e) < 0)
		log_debug("media", "%s", e.msg);
}

/* Try one block device. Returns the number of sources added. */
static int try_dev(const struct media_opts *o, const char *name, struct net_result *out)
{
	static uint8_t probe[FSLABEL_PROBE];
	char path[CFG_STR + 64], attr[32], label[FSLABEL_MAX], mnt[CFG_STR], where[CFG_STR];
	const char *sys = o->sys_block ? o->sys_block : "/sys/class/block";
	const char *fstype, *opts = NULL;
	int removable = 0, fd, n;
	ssize_t got = 0;

	snprintf(path, sizeof path, "%s/%s/size", sys, name);
	if (read_attr(path, attr, sizeof attr) < 0 || strcmp(attr, "0") == 0)
		return 0;
	snprintf(path, sizeof path, "%s/%s/partition", sys, name);
	if (access(path, F_OK) == 0)
		snprintf(path, sizeof path, "%s/%s/../removable", sys, name);
	else
		snprintf(path, sizeof path, "%s/%s/removable", sys, name);
	if (read_attr(path, attr, sizeof attr) == 0 && strcmp(attr, "1") == 0)
		removable = 1;

	snprintf(path, sizeof path, "%s/%s", o->dev_dir ? o->dev_dir : "/dev", name);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		log_debug("media", "%s: %s", path, strerror(errno));
		return 0;
	}
	while ((size_t)got < sizeof probe) {
		ssize_t r = read(fd, probe + got, sizeof probe - (size_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += r;
	}
	close(fd);
	if (!fslabel_probe(probe, (size_t)got, &fstype, label))
		return 0;
	if (!removable && !fslabel_eq(label, MEDIA_LABEL))
		return 0;
	log_info("media", "%s: %s file system%s%s%s", name, fstype, label[0] ? " labelled \"" : "",
		 label, label[0] ? "\"" : "");

	snprintf(mnt, sizeof mnt, "%s/%s", o->mount_dir ? o->mount_dir : MEDIA_MOUNT_DIR, name);
	{
		/* mkdir -p of the mount point */
		char tmp[CFG_STR];
		snprintf(tmp, sizeof tmp, "%s", mnt);
		for (char *p = tmp + 1; *p; p++)
			if (*p == '/') {
				*p = '\0';
				mkdir(tmp, 0755);
				*p = '/';
			}
		mkdir(tmp, 0755);
	}
	if (strcmp(fstype, "vfat") == 0) {
		load_module(o, "vfat");
		load_module(o, "nls_cp437");
		load_module(o, "nls_iso8859_1");
		opts = "iocharset=iso8859-1";
	} else if (strcmp(fstype, "iso9660") == 0) {
		load_module(o, "isofs");
	} else {
		load_module(o, "ext4");
	}
	if (mount(path, mnt, fstype, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, opts) < 0) {
		log_warn("media", "mount %s (%s) on %s read-only: %s", path, fstype, mnt,
			 strerror(errno));
		rmdir(mnt);
		return 0;
	}
	snprintf(where, sizeof where, "%s", label[0] ? label : name);
	n = media_read_root(mnt, where, o->serial, out);
	if (n <= 0) {
		if (o->serial && o->serial[0])
			log_info("media", "%s: no usable %s in /sztp/%s/, <vendor>/%s/%s/ or /sztp/",
				 name, MEDIA_CI, o->serial, o->serial, MEDIA_BSD_DIR);
		else
			log_info("media", "%s: no usable /sztp/%s", name, MEDIA_CI);
		if (umount2(mnt, MNT_DETACH) < 0)
			log_warn("media", "umount %s: %s", mnt, strerror(errno));
		rmdir(mnt);
		return 0;
	}
	if (n_mounted < MAX_MOUNTS)
		snprintf(mounted[n_mounted++], sizeof mounted[0], "%s", mnt);
	log_info("media", "%s stays mounted read-only at %s", name, mnt);
	return n;
}

/* 1 when the USB storage interface at `dir` shows a disk (a SCSI device of
 * its host has a block device). */
static int usb_has_disk(const char *dir)
{
	char pat[2 * CFG_STR];
	glob_t g;
	int found, n = snprintf(pat, sizeof pat, "%s/host*/target*/*/block/*", dir);
	if (n < 0 || (size_t)n >= sizeof pat)
		return 1; /* cannot happen (bounded names); do not wait for it */
	found = glob(pat, GLOB_NOSORT, NULL, &g) == 0 && g.gl_pathc > 0;
	globfree(&g);
	return found;
}

/* USB mass-storage interfaces (bound to usb-storage or uas) that show no
 * disk yet; the first one's name into first[cap]. */
static int usb_pending(const char *drivers, int *bound, char *first, size_t cap)
{
	static const char *const drv[] = { "usb-storage", "uas" };
	char dir[CFG_STR], p[CFG_STR + 256];
	int pending = 0;

	*bound = 0;
	for (size_t i = 0; i < sizeof drv / sizeof drv[0]; i++) {
		struct dirent *de;
		DIR *d;
		snprintf(dir, sizeof dir, "%s/%s", drivers, drv[i]);
		d = opendir(dir);
		if (!d)
			continue;
		while ((de = readdir(d)) != NULL) {
			if (!strchr(de->d_name, ':')) /* interfaces: "1-1:1.0" */
				continue;
			(*bound)++;
			if (snprintf(p, sizeof p, "%s/%s", dir, de->d_name) >= (int)sizeof p ||
			    usb_has_disk(p))
				continue;
			if (!pending++) {
				size_t l = strnlen(de->d_name, cap - 1);
				memcpy(first, de->d_name, l);
				first[l] = '\0';
			}
		}
		closedir(d);
	}
	return pending;
}

/* A USB stick's disk appears only after usb-storage's settle delay
 * (delay_use, 1 s by default) and with sd_mod loaded: often after the
 * coldplug stage has gone quiet. Load the SCSI disk and CD-ROM drivers
 * when USB storage is bound, and wait (bounded) for its disks. */
static void usb_settle(const struct media_opts *o)
{
	const char *drivers = o->usb_drivers ? o->usb_drivers : "/sys/bus/usb/drivers";
	int wait_ms = o->usb_wait_ms > 0 ? o->usb_wait_ms : MEDIA_USB_WAIT_MS;
	int bound, waited = 0, n;
	char first[64] = "";

	n = usb_pending(drivers, &bound, first, sizeof first);
	if (!bound)
		return;
	load_module(o, "sd_mod");
	load_module(o, "sr_mod");
	if (n == 0)
		return;
	log_info("media", "waiting up to %d s for %d USB storage device(s) (%s) to show a disk",
		 wait_ms / 1000, n, first);
	while (n > 0 && waited < wait_ms) {
		usleep(100 * 1000);
		waited += 100;
		n = usb_pending(drivers, &bound, first, sizeof first);
	}
	if (n > 0) {
		log_warn("media", "USB storage %s%s: no disk after %d ms", first,
			 n > 1 ? " and others" : "", waited);
		return;
	}
	log_info("media", "USB storage disks present after %d ms", waited);
	usleep(200 * 1000); /* the disk's partitions are registered just after it */
}

int media_scan(const struct media_opts *o, struct net_result *out)
{
	static char names[64][64];
	const char *sys = o->sys_block ? o->sys_block : "/sys/class/block";
	struct dirent *de;
	int n = 0, total = 0;
	DIR *d;

	usb_settle(o);
	d = opendir(sys);
	if (!d) {
		log_debug("media", "%s: %s", sys, strerror(errno));
		return 0;
	}
	while ((de = readdir(d)) != NULL && n < 64) {
		const char *s = de->d_name;
		if (s[0] == '.' || strlen(s) >= sizeof names[0] || strncmp(s, "ram", 3) == 0 ||
		    strncmp(s, "zram", 4) == 0 || (strncmp(s, "loop", 4) == 0 && !o->allow_loop))
			continue;
		str_copy(names[n], sizeof names[n], s);
		n++;
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof names[0], by_name);
	for (int i = 0; i < n; i++)
		total += try_dev(o, names[i], out);
	return total;
}

void media_unmount_all(void)
{
	while (n_mounted > 0) {
		const char *m = mounted[--n_mounted];
		if (umount2(m, MNT_DETACH) < 0)
			log_warn("media", "umount %s: %s", m, strerror(errno));
		else
			log_info("media", "unmounted %s", m);
		rmdir(m);
	}
}
