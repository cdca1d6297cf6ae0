/* media.c: bootstrapping data on removable storage (see media.h). */
#include "net/media.h"

#include "disk/fslabel.h"
#include "base/log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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

/* Read a whole file of at most `cap` bytes. Returns its size, 0 when it does
 * not exist, -1 (logged) when unreadable, empty or too large. */
static long read_file(const char *path, uint8_t *buf, size_t cap)
{
	struct stat st;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		log_warn("media", "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		log_warn("media", "%s: not a regular file", path);
		close(fd);
		return -1;
	}
	if (st.st_size <= 0 || (unsigned long long)st.st_size > cap) {
		log_warn("media", "%s: %lld bytes (want 1..%zu)", path, (long long)st.st_size, cap);
		close(fd);
		return -1;
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			log_warn("media", "%s: %s", path, r < 0 ? strerror(errno) : "short read");
			close(fd);
			return -1;
		}
		got += (size_t)r;
	}
	close(fd);
	if (buf[0] != 0x30) {
		log_warn("media", "%s: not DER (a CMS ContentInfo starts with 0x30)", path);
		return -1;
	}
	return (long)got;
}

/* One directory: 1 when a source was added, 0 when nothing is there, -1 bad. */
static int read_dir(const char *dir, const char *where, struct net_result *out)
{
	char p[CFG_STR + 64];
	long ci, oc, ov;

	snprintf(p, sizeof p, "%s/conveyed-information.cms", dir);
	ci = read_file(p, ci_buf, sizeof ci_buf);
	if (ci <= 0) {
		/* a lone owner certificate or voucher is a mistake worth a line */
		snprintf(p, sizeof p, "%s/ownership-voucher.cms", dir);
		if (ci == 0 && access(p, F_OK) == 0)
			log_warn("media", "%s: ownership-voucher.cms without conveyed-information.cms",
				 where);
		return ci < 0 ? -1 : 0;
	}
	snprintf(p, sizeof p, "%s/owner-certificate.cms", dir);
	oc = read_file(p, oc_buf, sizeof oc_buf);
	snprintf(p, sizeof p, "%s/ownership-voucher.cms", dir);
	ov = read_file(p, ov_buf, sizeof ov_buf);
	if (oc < 0 || ov < 0)
		return -1;
	if ((oc > 0) != (ov > 0)) {
		log_warn("media", "%s: %s without %s, ignored", where,
			 oc > 0 ? "owner-certificate.cms" : "ownership-voucher.cms",
			 oc > 0 ? "ownership-voucher.cms" : "owner-certificate.cms");
		return -1;
	}
	log_info("media", "%s: conveyed-information %ld bytes%s", where, ci,
		 oc > 0 ? ", owner-certificate, ownership-voucher (signed)" : " (unsigned)");
	if (net_add_artifacts(out, "media", where, ci_buf, (size_t)ci, oc > 0 ? oc_buf : NULL,
			      oc > 0 ? (size_t)oc : 0, ov > 0 ? ov_buf : NULL,
			      ov > 0 ? (size_t)ov : 0) < 0)
		return -1;
	return 1;
}

int media_read_root(const char *root, const char *label, const char *serial,
		    struct net_result *out)
{
	char dir[CFG_STR], where[CFG_STR];
	int n = 0, bad = 0, r;

	if (serial && serial[0] && !strchr(serial, '/') && strcmp(serial, "..") != 0) {
		snprintf(dir, sizeof dir, "%s/sztp/%s", root, serial);
		snprintf(where, sizeof where, "%s:/sztp/%s", label, serial);
		r = read_dir(dir, where, out);
		n += r > 0;
		bad |= r < 0;
	}
	snprintf(dir, sizeof dir, "%s/sztp", root);
	snprintf(where, sizeof where, "%s:/sztp", label);
	r = read_dir(dir, where, out);
	n += r > 0;
	bad |= r < 0;
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

static int by_name(const void *a, const void *b)
{
	return strcmp(a, b);
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
		log_info("media", "%s: no /sztp/%s%sconveyed-information.cms", name,
			 o->serial && o->serial[0] ? o->serial : "",
			 o->serial && o->serial[0] ? "/ or /sztp/" : "");
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

int media_scan(const struct media_opts *o, struct net_result *out)
{
	static char names[64][64];
	const char *sys = o->sys_block ? o->sys_block : "/sys/class/block";
	DIR *d = opendir(sys);
	struct dirent *de;
	int n = 0, total = 0;

	if (!d) {
		log_debug("media", "%s: %s", sys, strerror(errno));
		return 0;
	}
	while ((de = readdir(d)) != NULL && n < 64) {
		const char *s = de->d_name;
		if (s[0] == '.' || strlen(s) >= sizeof names[0] || strncmp(s, "ram", 3) == 0 ||
		    strncmp(s, "zram", 4) == 0 || (strncmp(s, "loop", 4) == 0 && !o->allow_loop))
			continue;
		strcpy(names[n++], s);
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
