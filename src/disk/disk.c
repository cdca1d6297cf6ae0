/* disk.c: the target disk (disk.h). */
#include "disk/disk.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disk/fslabel.h"
#include "base/log.h"

static const char *sysb(const struct disk_opts *o)
{
	return o && o->sys_block ? o->sys_block : "/sys/class/block";
}

static const char *devd(const struct disk_opts *o)
{
	return o && o->dev_dir ? o->dev_dir : "/dev";
}

/* Read a small sysfs attribute, trimmed. 0 or -1. */
static int attr(const char *dir, const char *name, const char *file, char *buf, size_t cap)
{
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s/%s/%s", dir, name, file);
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, cap - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	while (n > 0 && isspace((unsigned char)buf[n - 1]))
		buf[--n] = 0;
	size_t s = 0;
	while (buf[s] && isspace((unsigned char)buf[s]))
		s++;
	memmove(buf, buf + s, (size_t)n - s + 1);
	for (char *c = buf; *c; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
			*c = '?';
	return 0;
}

static int exists(const char *dir, const char *name, const char *file)
{
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s/%s/%s", dir, name, file);
	return access(p, F_OK) == 0;
}

/* Is /dev/<name> or one of its partitions a mount source? */
static int mounted(const char *mounts, const char *name)
{
	FILE *f = fopen(mounts, "re");
	char line[1024];
	size_t n = strlen(name);
	int hit = 0;
	if (!f)
		return 0;
	while (!hit && fgets(line, sizeof line, f)) {
		if (strncmp(line, "/dev/", 5) != 0 || strncmp(line + 5, name, n) != 0)
			continue;
		const char *r = line + 5 + n;
		if (*r == 'p' && isdigit((unsigned char)r[1]))
			r++;
		while (isdigit((unsigned char)*r))
			r++;
		if (*r == ' ')
			hit = 1;
	}
	fclose(f);
	return hit;
}

static int probe_medium(const struct disk_opts *o, const char *name)
{
	static uint8_t buf[FSLABEL_PROBE];
	char p[PATH_MAX], label[FSLABEL_MAX];
	const char *type;
	snprintf(p, sizeof p, "%s/%s", devd(o), name);
	int fd = open(p, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return 0;
	ssize_t n = pread(fd, buf, sizeof buf, 0);
	close(fd);
	if (n <= 0)
		return 0;
	if (!fslabel_probe(buf, (size_t)n, &type, label))
		return 0;
	return strcmp(type, "iso9660") == 0 || fslabel_eq(label, "SZTP") ||
	       fslabel_eq(label, FSLABEL_REPORT);
}

int disk_list(const struct disk_opts *o, struct disk_info *d, int max, struct err *e)
{
	const char *sb = sysb(o);
	DIR *dir = opendir(sb);
	struct dirent *de;
	int n = 0;
	char v[DISK_ID_MAX];
	if (!dir)
		return err_set(e, "%s: %s", sb, strerror(errno));
	while ((de = readdir(dir)) && n < max) {
		const char *nm = de->d_name;
		if (nm[0] == '.' || strlen(nm) >= DISK_NAME_MAX)
			continue;
		if (exists(sb, nm, "partition"))
			continue; /* partitions are not disks */
		if (!strncmp(nm, "ram", 3) || !strncmp(nm, "zram", 4))
			continue;
		struct disk_info *x = &d[n];
		memset(x, 0, sizeof *x);
		memcpy(x->name, nm, strlen(nm) + 1);
		if (attr(sb, nm, "size", v, sizeof v) == 0)
			x->size = strtoull(v, NULL, 10) * 512;
		x->removable = attr(sb, nm, "removable", v, sizeof v) == 0 && v[0] == '1';
		x->ro = attr(sb, nm, "ro", v, sizeof v) == 0 && v[0] == '1';
		x->has_device = exists(sb, nm, "device");
		if (attr(sb, nm, "serial", x->serial, sizeof x->serial) < 0 &&
		    attr(sb, nm, "device/serial", x->serial, sizeof x->serial) < 0)
			x->serial[0] = 0;
		if (attr(sb, nm, "wwid", x->wwid, sizeof x->wwid) < 0 &&
		    attr(sb, nm, "device/wwid", x->wwid, sizeof x->wwid) < 0)
			x->wwid[0] = 0;
		x->in_use = mounted(o && o->mounts ? o->mounts : "/proc/self/mounts", nm);
		if (!(o && o->no_probe) && x->size)
			x->medium = probe_medium(o, nm);
		n++;
	}
	closedir(dir);
	/* stable order: by name */
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && strcmp(d[j - 1].name, d[j].name) > 0; j--) {
			struct disk_info t = d[j];
			d[j] = d[j - 1];
			d[j - 1] = t;
		}
	return n;
}

static void gib(uint64_t b, char *buf, size_t cap)
{
	snprintf(buf, cap, "%.1f GiB", (double)b / (1024.0 * 1024 * 1024));
}

static int ends_with_ci(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return b && a >= b && strcasecmp(s + a - b, suffix) == 0;
}

int disk_choose(struct disk_info *d, int n, const char *spec, int allow_loop, struct err *e)
{
	char list[ERR_MSG_MAX - 80], sz[32];
	size_t l = 0;
	int pick = -1, count = 0;
	list[0] = 0;
	if (spec && *spec) {
		for (int i = 0; i < n; i++) {
			int hit = strncmp(spec, "serial:", 7) == 0 ? d[i].serial[0] &&
					strcmp(d[i].serial, spec + 7) == 0 :
				  strncmp(spec, "wwn:", 4) == 0 ? d[i].wwid[0] &&
					ends_with_ci(d[i].wwid, spec + 4) :
				  strcmp(d[i].name, spec) == 0;
			if (!hit)
				continue;
			if (pick >= 0)
				return err_set(e, "sztp.disk=%s matches both %s and %s", spec,
					       d[pick].name, d[i].name);
			pick = i;
		}
		if (pick < 0)
			return err_set(e, "sztp.disk=%s: no such disk", spec);
		if (d[pick].size == 0)
			return err_set(e, "sztp.disk=%s: %s has size 0 (no medium?)", spec, d[pick].name);
		if (d[pick].ro)
			return err_set(e, "sztp.disk=%s: %s is read-only", spec, d[pick].name);
		return pick;
	}
	for (int i = 0; i < n; i++) {
		struct disk_info *x = &d[i];
		int loop = strncmp(x->name, "loop", 4) == 0;
		x->why_not = (loop && !allow_loop) ? "loop device" :
			     (!x->has_device && !(loop && allow_loop)) ? "virtual" :
			     (!strncmp(x->name, "sr", 2) || !strncmp(x->name, "fd", 2)) ? "optical/floppy" :
			     x->removable ? "removable" :
			     x->ro ? "read-only" :
			     x->size == 0 ? "no medium" :
			     x->in_use ? "in use (mounted)" :
			     x->medium ? "boot/SZTP medium" : NULL;
		if (x->why_not) {
			if (!(loop && !allow_loop) && l < sizeof list)
				l += (size_t)snprintf(list + l, sizeof list - l, "%s%s: %s",
						      l ? ", " : "", x->name, x->why_not);
			continue;
		}
		count++;
		pick = i;
	}
	if (count == 1)
		return pick;
	if (count == 0)
		return err_set(e, "no disk qualifies for the automatic choice (%s); set sztp.disk=",
			       l ? list : "no disks");
	l = 0;
	for (int i = 0; i < n; i++) {
		if (d[i].why_not || l >= sizeof list)
			continue;
		gib(d[i].size, sz, sizeof sz);
		l += (size_t)snprintf(list + l, sizeof list - l, "%s%s (%s)", l ? ", " : "",
				      d[i].name, sz);
	}
	return err_set(e, "ambiguous target disk: %s; set sztp.disk=", list);
}

int disk_find(const struct disk_opts *o, const char *spec, char *out, size_t cap, struct err *e)
{
	static struct disk_info d[DISK_MAX];
	char path[PATH_MAX], real[PATH_MAX];
	struct stat st;
	if (spec && (spec[0] == '/' || !strncmp(spec, "by-", 3))) {
		if (spec[0] == '/')
			snprintf(path, sizeof path, "%s", spec);
		else
			snprintf(path, sizeof path, "%s/disk/%s", devd(o), spec);
		if (!realpath(path, real))
			return err_set(e, "sztp.disk=%s: %s: %s", spec, path, strerror(errno));
		if (stat(real, &st) < 0 || !S_ISBLK(st.st_mode))
			return err_set(e, "sztp.disk=%s: %s is not a block device", spec, real);
		const char *base = strrchr(real, '/') + 1;
		if (exists(sysb(o), base, "partition"))
			return err_set(e, "sztp.disk=%s: %s is a partition, not a whole disk", spec, real);
		if (strlen(real) >= cap)
			return err_set(e, "sztp.disk=%s: path too long", spec);
		memcpy(out, real, strlen(real) + 1);
		return 0;
	}
	int n = disk_list(o, d, DISK_MAX, e);
	if (n < 0)
		return -1;
	int i = disk_choose(d, n, spec, o && o->allow_loop, e);
	if (i < 0)
		return -1;
	if ((size_t)snprintf(out, cap, "%s/%s", devd(o), d[i].name) >= cap)
		return err_set(e, "disk path too long");
	if (!spec || !*spec) {
		char sz[32];
		gib(d[i].size, sz, sizeof sz);
		log_info("disk", "target disk %s (%s%s%s): the only non-removable disk in no use", out,
			 sz, d[i].serial[0] ? ", serial " : "", d[i].serial);
	}
	return 0;
}

int disk_partition_path(const char *dev, int index, char *out, size_t cap)
{
	size_t n = strlen(dev);
	int digit = n && isdigit((unsigned char)dev[n - 1]);
	int w = snprintf(out, cap, "%s%s%d", dev, digit ? "p" : "", index);
	return w < 0 || (size_t)w >= cap ? -1 : 0;
}
