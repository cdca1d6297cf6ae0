/* install.c: the onboarding steps on a Linux device (install.h). */
#include "install/install.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/blkpg.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "disk/fslabel.h"
#include "disk/gpt.h"
#include "install/imgsrc.h"
#include "base/events.h"
#include "base/log.h"
#include "install/pivot.h"
#include "disk/rootpath.h"

static struct imgsrc_https install_src;
static uint8_t probe_buf[IMAGE_HOLD];

static const char *sysroot(const struct install_opts *o)
{
	return o->sysroot ? o->sysroot : INSTALL_SYSROOT;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* The console's progress line, one log line at a time: every
 * INSTALL_PROGRESS_MS, at each tenth of the image, and at the end (a serial
 * console keeps every line; nothing is redrawn in place). */
static void console_progress(void *ctx, const struct image_progress *p)
{
	static int64_t last_ms = -1;
	static int last_tenth;
	char line[160];
	int tenth = p->total > 0 ? (int)(p->in * 10 / (uint64_t)p->total) : 0;
	(void)ctx;
	if (!p->done && last_ms >= 0 && p->elapsed_ms >= last_ms &&
	    p->elapsed_ms - last_ms < INSTALL_PROGRESS_MS && tenth == last_tenth)
		return;
	last_ms = p->done ? -1 : p->elapsed_ms;
	last_tenth = p->done ? 0 : tenth;
	image_progress_line(p, line, sizeof line);
	log_info("image", "%s%s", line, p->done ? " (done)" : "");
}

static ssize_t read_at(const char *dev, uint8_t *buf, size_t n, off_t off, struct err *e)
{
	int fd = open(dev, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(e, "%s: %s", dev, strerror(errno));
	ssize_t got = 0;
	while ((size_t)got < n) {
		ssize_t k = pread(fd, buf + got, n - (size_t)got, off + got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		got += k;
	}
	close(fd);
	return got;
}

static const char *probe_fstype(const uint8_t *b, size_t n)
{
	const char *t;
	char label[FSLABEL_MAX];
	if (fslabel_probe(b, n, &t, label))
		return t;
	if (n >= 4 && memcmp(b, "XFSB", 4) == 0)
		return "xfs";
	if (n >= 0x10048 && memcmp(b + 0x10040, "_BHRfS_M", 8) == 0)
		return "btrfs";
	return NULL;
}

static int is_blk(const char *dev)
{
	struct stat st;
	return stat(dev, &st) == 0 && S_ISBLK(st.st_mode);
}

/* A sysfs "dev" file: "MAJOR:MINOR\n". 0, or -1 when it is not exactly that. */
static int parse_devnum(const char *v, unsigned *ma, unsigned *mi)
{
	char *end;
	unsigned long a, b;
	errno = 0;
	a = strtoul(v, &end, 10);
	if (end == v || *end != ':' || errno || a > 0xFFFFFFFFul)
		return -1;
	v = end + 1;
	b = strtoul(v, &end, 10);
	if (end == v || (*end != '\n' && *end != 0) || errno || b > 0xFFFFFFFFul)
		return -1;
	*ma = (unsigned)a;
	*mi = (unsigned)b;
	return 0;
}

/* Does the node `dev` have the numbers sysfs gives (1 when sysfs is silent)? */
static int node_matches(const char *dev, const char *sys)
{
	char v[32];
	struct stat st;
	unsigned ma, mi;
	int fd = open(sys, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 1;
	ssize_t n = read(fd, v, sizeof v - 1);
	close(fd);
	if (n <= 0 || stat(dev, &st) < 0)
		return 1;
	v[n] = 0;
	if (parse_devnum(v, &ma, &mi) < 0)
		return 1;
	return major(st.st_rdev) == ma && minor(st.st_rdev) == mi;
}

/*
 * Wait for the partition's device node. Where the kernel's own re-read did
 * not create the partition (some containers, loop devices without
 * partition scanning) add it with BLKPG from the table we read, and where
 * no devtmpfs creates the node, make it from sysfs.
 */
static int wait_node(const char *disk, const char *dev, const struct gpt_part *p, unsigned sector,
		     struct err *e)
{
	char sys[256], v[32];
	const char *db = strrchr(disk, '/'), *pb = strrchr(dev, '/');
	db = db ? db + 1 : disk;
	pb = pb ? pb + 1 : dev;
	snprintf(sys, sizeof sys, "/sys/block/%s/%s/dev", db, pb);
	if (p && access(sys, F_OK) < 0) {
		/* the kernel does not know the partition: a node is stale */
		if (is_blk(dev))
			unlink(dev);
		int fd = open(disk, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			struct blkpg_partition bp;
			struct blkpg_ioctl_arg a;
			memset(&bp, 0, sizeof bp);
			memset(&a, 0, sizeof a);
			bp.pno = p->index;
			bp.start = (long long)p->first_lba * (long long)sector;
			bp.length = (long long)(p->last_lba - p->first_lba + 1) * (long long)sector;
			a.op = BLKPG_ADD_PARTITION;
			a.datalen = sizeof bp;
			a.data = &bp;
			if (ioctl(fd, BLKPG, &a) < 0)
				log_warn("install", "%s: adding partition %d: %s", disk, p->index,
					 strerror(errno));
			else
				log_info("install", "%s: partition %d added from the GPT", disk, p->index);
			close(fd);
		}
	} else if (is_blk(dev) && !node_matches(dev, sys)) {
		unlink(dev); /* left by an earlier mknod, names another device now */
	}
	for (int waited = 0; waited < INSTALL_DEV_WAIT_MS; waited += 100) {
		if (is_blk(dev))
			return 0;
		int fd = open(sys, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			ssize_t n = read(fd, v, sizeof v - 1);
			close(fd);
			unsigned ma, mi;
			if (n > 0 && (v[n] = 0, parse_devnum(v, &ma, &mi) == 0)) {
				if (mknod(dev, S_IFBLK | 0600, makedev(ma, mi)) == 0) {
					log_info("install", "created %s (%u:%u)", dev, ma, mi);
					return 0;
				}
			}
		}
		sleep_ms(100);
	}
	return err_set(e, "root partition %s did not appear within %d s", dev,
		       INSTALL_DEV_WAIT_MS / 1000);
}

int install_mount_root(const struct install_opts *o, struct install_result *r, int readonly,
		       struct err *e)
{
	static struct gpt g;
	const char *spec = o->root && o->root[0] ? o->root : NULL;
	int idx = -1;
	uint8_t want[16];

	r->root_partuuid[0] = 0;
	if (spec && spec[0] == '/') {
		snprintf(r->root_dev, sizeof r->root_dev, "%s", spec);
	} else {
		size_t held = 0;
		const uint8_t *head = r->installed ? image_held_head(&held) : NULL;
		ssize_t n;
		if (head) {
			/* the image's table is held back: its partitions are added from it */
			memcpy(probe_buf, head, held);
			n = (ssize_t)held;
		} else {
			n = read_at(r->disk, probe_buf, sizeof probe_buf, 0, e);
		}
		if (n < 0)
			return -1;
		if (gpt_probe(probe_buf, (size_t)n, &g, e) < 0)
			return err_wrap(e, "%s", r->disk);
		if (!spec) {
			const char *t = gpt_root_type_native();
			if (!t)
				return err_set(e, "no DPS root partition type for this architecture; set "
					       "sztp.root=");
			gpt_guid_parse(t, want);
			idx = gpt_find_type(&g, want, e);
			if (idx < 0)
				return err_wrap(e, "%s", r->disk);
		} else if (!strncmp(spec, "PARTUUID=", 9) || !strncmp(spec, "PARTLABEL=", 10)) {
			int uuid = spec[4] == 'U';
			if (uuid && gpt_guid_parse(spec + 9, want) < 0)
				return err_set(e, "sztp.root=%s: not a GUID", spec);
			for (int i = 0; i < g.n && idx < 0; i++)
				if (uuid ? !memcmp(g.parts[i].uuid, want, 16) :
					   !strcmp(g.parts[i].name, spec + 10))
					idx = i;
			if (idx < 0)
				return err_set(e, "sztp.root=%s: no such partition on %s", spec, r->disk);
		} else {
			char *end;
			long k = strtol(spec, &end, 10);
			for (int i = 0; i < g.n && !*end; i++)
				if (g.parts[i].index == k)
					idx = i;
			if (idx < 0)
				return err_set(e, "sztp.root=%s: no such partition on %s", spec, r->disk);
		}
		gpt_guid_format(g.parts[idx].uuid, r->root_partuuid);
		if (disk_partition_path(r->disk, g.parts[idx].index, r->root_dev,
					sizeof r->root_dev) < 0)
			return err_set(e, "partition path too long");
	}
	/* the kernel creates the node after re-reading the table */
	if (wait_node(r->disk, r->root_dev, idx >= 0 ? &g.parts[idx] : NULL, g.sector, e) < 0)
		return -1;
	ssize_t n = read_at(r->root_dev, probe_buf, 0x10048, 0, e);
	if (n < 0)
		return -1;
	const char *fs = probe_fstype(probe_buf, (size_t)n);
	if (!fs)
		return err_set(e, "%s: no ext4, xfs, btrfs or vfat file system", r->root_dev);
	snprintf(r->fstype, sizeof r->fstype, "%s", fs);
	mkdir(sysroot(o), 0755);
	/* the read-only probe looks at a disk about to be reimaged: nothing on it
	 * is trusted, so no device nodes, no set-user-ID, no execution */
	unsigned long fl = MS_NOATIME |
			   (readonly ? MS_RDONLY | MS_NODEV | MS_NOSUID | MS_NOEXEC : 0);
	int rc = mount(r->root_dev, sysroot(o), fs, fl, NULL);
	if (rc < 0 && errno == ENODEV && o->load_module) {
		struct err me;
		if (o->load_module(fs, &me) < 0)
			log_warn("install", "loading module %s: %s", fs, me.msg);
		rc = mount(r->root_dev, sysroot(o), fs, fl, NULL);
	}
	if (rc < 0)
		return err_set(e, "mount %s (%s) on %s: %s", r->root_dev, fs, sysroot(o),
			       strerror(errno));
	r->mounted = 1;
	struct err oe;
	if (osrelease_read_root(sysroot(o), &r->osr, &oe) < 0) {
		memset(&r->osr, 0, sizeof r->osr);
		log_warn("install", "%s", oe.msg);
	}
	log_info("install", "root %s (%s%s%s) mounted %s on %s: %s", r->root_dev, fs,
		 r->root_partuuid[0] ? ", PARTUUID " : "", r->root_partuuid,
		 readonly ? "read-only" : "read-write", sysroot(o),
		 r->osr.pretty_name[0] ? r->osr.pretty_name : r->osr.name[0] ? r->osr.name :
		 "no os-release");
	return 0;
}

void install_unmount_root(const struct install_opts *o, struct install_result *r)
{
	if (!r->mounted)
		return;
	sync();
	if (umount(sysroot(o)) < 0) {
		log_warn("install", "umount %s: %s; detaching it", sysroot(o), strerror(errno));
		umount2(sysroot(o), MNT_DETACH);
	}
	r->mounted = 0;
}

int install_check_image(const struct conveyed_onboarding *ob, const struct install_opts *o,
			struct install_result *r, struct err *e)
{
	const struct conveyed_boot_image *bi = &ob->boot_image;
	struct err ce;
	memset(r, 0, sizeof *r);
	image_release();
	if (disk_find(&o->disk_opts, o->disk, r->disk, sizeof r->disk, e) < 0)
		return err_wrap(e, "target disk");
	if (!bi->present) {
		r->skipped = 1;
		snprintf(r->msg, sizeof r->msg, "no boot-image: configuring the installed OS on %s",
			 r->disk);
		return 0;
	}
	/* os-name / os-version: is it there already? */
	err_clear(&ce);
	if (bi->os_name[0] && bi->os_version[0]) {
		if (install_mount_root(o, r, 1, &ce) == 0) {
			int same = osrelease_matches(&r->osr, bi->os_name, bi->os_version);
			install_unmount_root(o, r);
			if (same) {
				r->skipped = 1;
				snprintf(r->msg, sizeof r->msg, "%.80s %.80s is already installed on %.60s",
					 bi->os_name, bi->os_version, r->disk);
				log_info("install", "%s: not writing the image", r->msg);
				return 0;
			}
			log_info("install", "%s holds %s %s, not %s %s: installing", r->disk,
				 r->osr.name[0] ? r->osr.name : r->osr.id, r->osr.version_id[0] ?
				 r->osr.version_id : r->osr.version, bi->os_name, bi->os_version);
		} else {
			log_info("install", "no installed OS found on %s (%s): installing", r->disk,
				 ce.msg);
		}
	}
	r->mismatch = 1;
	if (bi->n_uris == 0)
		return err_set(e, "boot-image %s %s is not installed and has no download-uri",
			       bi->os_name, bi->os_version);
	return 0;
}

int install_write_image(const struct conveyed_onboarding *ob, const struct install_opts *o,
			struct install_result *r, struct err *e)
{
	const struct conveyed_boot_image *bi = &ob->boot_image;
	if (!r->mismatch)
		return 0;
	int fd = open(r->disk, O_RDWR | O_EXCL | O_CLOEXEC);
	if (fd < 0)
		return err_set(e, "%s: %s", r->disk, strerror(errno));
	const char *uris[CONVEYED_MAX_URIS];
	for (int i = 0; i < bi->n_uris; i++)
		uris[i] = bi->uris[i];
	struct image_source src;
	if (o->src) {
		src = *o->src;
	} else {
		imgsrc_https_init(&install_src, o->anchors, o->allow_unvalidated, 0);
		install_src.client = o->client;
		install_src.clock = o->clock;
		install_src.medium = o->medium;
		src = imgsrc_any(&install_src);
	}
	struct image_opts io;
	memset(&io, 0, sizeof io);
	io.uris = uris;
	io.n_uris = bi->n_uris;
	io.sha256 = (const uint8_t(*)[32])bi->sha256;
	io.n_sha256 = bi->n_sha256;
	io.src = &src;
	io.retry_delay_ms = o->retry_delay_ms;
	io.progress = o->progress_console ? console_progress : NULL;
	io.hold_table = 1; /* bootable only once bootstrapping is complete */
	io.failed = r->failed;
	io.failed_cap = sizeof r->failed;
	int rc = image_write(fd, r->disk, &io, &r->image, e);
	if (!o->src)
		imgsrc_https_close(&install_src);
	if (close(fd) < 0 && rc == 0)
		return err_set(e, "%s: close: %s", r->disk, strerror(errno));
	if (rc < 0)
		return -1;
	r->installed = 1;
	snprintf(r->msg, sizeof r->msg, "%.80s%s%.80s written to %.40s: %s image, %llu bytes, sha-256 "
		 "verified", bi->os_name[0] ? bi->os_name : "image", bi->os_version[0] ? " " : "",
		 bi->os_version, r->disk, decomp_name(r->image.kind),
		 (unsigned long long)r->image.bytes_out);
	return 0;
}

int install_boot_image(const struct conveyed_onboarding *ob, const struct install_opts *o,
		       struct install_result *r, struct err *e)
{
	if (install_check_image(ob, o, r, e) < 0 || install_write_image(ob, o, r, e) < 0)
		return -1;
	return install_commit_image(o, r, e);
}

int install_commit_image(const struct install_opts *o, struct install_result *r, struct err *e)
{
	size_t n;
	(void)o;
	if (!r->installed || !image_held_head(&n))
		return 0;
	int fd = open(r->disk, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return err_set(e, "%s: %s", r->disk, strerror(errno));
	int rc = image_commit(fd, r->disk, e);
	if (close(fd) < 0 && rc == 0)
		rc = err_set(e, "%s: close: %s", r->disk, strerror(errno));
	return rc;
}

void install_wipe_image(const struct install_opts *o, struct install_result *r)
{
	struct err e;
	(void)o;
	if (!r->installed)
		return;
	image_release();
	int fd = open(r->disk, O_RDWR | O_CLOEXEC);
	if (fd < 0 || image_wipe(fd, r->image.bytes_out, &e) < 0)
		log_err("install", "%s: making the abandoned image unbootable: %s", r->disk,
			fd < 0 ? strerror(errno) : e.msg);
	else
		log_info("install", "%s: the abandoned image's partition table is wiped: nothing "
			 "bootable left, the next attempt starts clean", r->disk);
	if (fd >= 0)
		close(fd);
	r->installed = 0;
}

enum script_outcome install_run_script(const char *stage, const uint8_t *script, size_t len,
				       const struct conveyed_onboarding *ob,
				       const struct install_opts *o, const struct install_result *r,
				       struct script_result *sr, struct err *e)
{
	struct script_env env;
	memset(&env, 0, sizeof env);
	env.stage = stage;
	env.root = sysroot(o);
	env.disk = r->disk;
	env.serial = o->serial;
	env.os_name = ob->boot_image.os_name;
	env.os_version = ob->boot_image.os_version;
	env.handling = ob->handling == CONVEYED_HANDLING_MERGE ? "merge" :
		       ob->handling == CONVEYED_HANDLING_REPLACE ? "replace" : "none";
	env.image_installed = r->installed;
	env.dir = o->run_dir ? o->run_dir : INSTALL_RUN_DIR;
	env.timeout_s = o->script_timeout_s;
	return script_run(script, len, &env, sr, e);
}

int install_apply_config(enum conveyed_handling handling, const uint8_t *cfg, size_t len,
			 const char *root, struct config_result *cr, struct err *e)
{
	return config_apply(root, handling, cfg, len, cr, e);
}

static int b64ok(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '+' || *s == '/' || *s == '='))
			return 0;
	return 1;
}

int install_ssh_host_keys(const char *root, struct install_ssh_key *keys, int max)
{
	static char buf[INSTALL_KEY_MAX + 256];
	int n = 0, rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return 0;
	int dfd = rootpath_open(rootfd, "etc/ssh", O_RDONLY | O_DIRECTORY, 0);
	close(rootfd);
	if (dfd < 0)
		return 0;
	DIR *d = fdopendir(dfd);
	struct dirent *de;
	if (!d) {
		close(dfd);
		return 0;
	}
	while ((de = readdir(d)) && n < max) {
		size_t l = strlen(de->d_name);
		if (strncmp(de->d_name, "ssh_host_", 9) != 0 || l < 17 ||
		    strcmp(de->d_name + l - 8, "_key.pub") != 0)
			continue;
		struct stat st;
		int fd = openat(dirfd(d), de->d_name,
				O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
			close(fd); /* a FIFO or a device: never read */
			continue;
		}
		ssize_t k = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (k <= 0 || (size_t)k >= sizeof buf - 1)
			continue;
		buf[k] = 0;
		char *alg = strtok(buf, " \t\r\n"), *data = strtok(NULL, " \t\r\n");
		if (!alg || !data || strlen(alg) >= sizeof keys[n].algorithm ||
		    strlen(data) >= sizeof keys[n].key_data || !b64ok(data))
			continue;
		memcpy(keys[n].algorithm, alg, strlen(alg) + 1);
		memcpy(keys[n].key_data, data, strlen(data) + 1);
		n++;
	}
	closedir(d);
	return n;
}

/* The events file (base/events.h), when events are on, as
 * events-<stamp>.jsonl in the directory dfd (at most 1 MiB of it). 0 or -1. */
static int copy_events(int dfd, const char *stamp)
{
	char name[64], buf[8192];
	const char *path = events_path();
	int in, out, rc = 0;
	size_t total = 0;

	if (!path)
		return 0;
	in = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0)
		return -1;
	snprintf(name, sizeof name, "events-%s.jsonl", stamp);
	out = openat(dfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (out < 0) {
		close(in);
		return -1;
	}
	for (;;) {
		ssize_t k = read(in, buf, sizeof buf);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0 || total >= 1024 * 1024) {
			rc = k < 0 ? -1 : 0;
			break;
		}
		total += (size_t)k;
		for (ssize_t off = 0; off < k;) {
			ssize_t w = write(out, buf + off, (size_t)(k - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				rc = -1;
				goto done;
			}
			off += w;
		}
	}
done:
	if (fsync(out) < 0)
		rc = -1;
	close(out);
	close(in);
	return rc;
}

int install_save_log(const struct install_opts *o, struct err *e)
{
	/* one name per run: a later save (after the handover summary) replaces
	 * the earlier one */
	static char stamp[48];
	char path[512];
	const char *run = o->run_dir ? o->run_dir : INSTALL_RUN_DIR;
	int rc = 0;
	mkdir(run, 0700);
	snprintf(path, sizeof path, "%s/sztpboot.log", run);
	if (log_save(path) < 0)
		rc = err_set(e, "saving the log to %s failed", path);
	int rootfd = open(sysroot(o), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return rc;
	/* var/log/sztp, created inside the root */
	const char *parts[] = { "var", "var/log", INSTALL_LOG_DIR };
	int dfd = -1;
	for (size_t i = 0; i < 3; i++) {
		if (dfd >= 0)
			close(dfd);
		dfd = rootpath_open(rootfd, parts[i], O_PATH | O_DIRECTORY, 0);
		if (dfd < 0 && errno == ENOENT) {
			const char *base = strrchr(parts[i], '/');
			int pfd = i ? rootpath_open(rootfd, parts[i - 1], O_PATH | O_DIRECTORY, 0) :
				      dup(rootfd);
			if (pfd >= 0) {
				mkdirat(pfd, base ? base + 1 : parts[i], 0755);
				close(pfd);
			}
			dfd = rootpath_open(rootfd, parts[i], O_PATH | O_DIRECTORY, 0);
		}
		if (dfd < 0)
			break;
	}
	close(rootfd);
	if (dfd < 0)
		return err_set(e, "%s/%s: cannot create", sysroot(o), INSTALL_LOG_DIR);
	if (!stamp[0]) {
		time_t t = time(NULL);
		struct tm tm;
		gmtime_r(&t, &tm);
		snprintf(stamp, sizeof stamp, "%04d%02d%02dT%02d%02d%02dZ", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	}
	snprintf(path, sizeof path, "/proc/self/fd/%d/sztpboot-%s.log", dfd, stamp);
	if (log_save(path) < 0)
		rc = err_set(e, "saving the log into %s/%s failed", sysroot(o), INSTALL_LOG_DIR);
	if (copy_events(dfd, stamp) < 0 && rc == 0)
		rc = err_set(e, "copying the events into %s/%s failed", sysroot(o), INSTALL_LOG_DIR);
	close(dfd);
	return rc;
}

/*
 * Mount the target disk's EFI system partition read-only at `mnt`. 0, or -1
 * (no ESP, or it cannot be mounted: logged; the pivot goes on without it).
 */
static int mount_esp(const struct install_opts *o, const struct install_result *r,
		     const char *mnt)
{
	static struct gpt g;
	char dev[80];
	uint8_t want[16];
	struct err e;
	ssize_t n = read_at(r->disk, probe_buf, sizeof probe_buf, 0, &e);
	if (n < 0 || gpt_probe(probe_buf, (size_t)n, &g, &e) < 0)
		return -1;
	gpt_guid_parse(GPT_ESP, want);
	int idx = gpt_find_type(&g, want, &e);
	if (idx < 0) {
		log_info("pivot", "%s: no EFI system partition", r->disk);
		return -1;
	}
	if (disk_partition_path(r->disk, g.parts[idx].index, dev, sizeof dev) < 0 ||
	    wait_node(r->disk, dev, &g.parts[idx], g.sector, &e) < 0) {
		log_warn("pivot", "EFI system partition of %s: %s", r->disk, e.msg);
		return -1;
	}
	if (o->load_module) {
		static const char *const mods[] = { "vfat", "nls_cp437", "nls_iso8859_1" };
		for (size_t i = 0; i < sizeof mods / sizeof mods[0]; i++)
			if (o->load_module(mods[i], &e) < 0)
				log_warn("pivot", "loading module %s: %s", mods[i], e.msg);
	}
	mkdir("/run/sztp", 0700);
	mkdir(mnt, 0700);
	if (mount(dev, mnt, "vfat", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "iocharset=iso8859-1") < 0) {
		log_warn("pivot", "mount %s (vfat) on %s read-only: %s", dev, mnt, strerror(errno));
		rmdir(mnt);
		return -1;
	}
	log_info("pivot", "EFI system partition %s mounted read-only on %s", dev, mnt);
	return 0;
}

int install_pivot(const struct install_opts *o, const struct install_result *r, struct err *e)
{
	static char cmdline[4096];
	const char *esp = o->esp_dir ? o->esp_dir : INSTALL_ESP_DIR;
	struct utsname u;
	struct pivot_plan p;
	struct pivot_input in;
	size_t n = 0;
	int fd = open("/proc/cmdline", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t k = read(fd, cmdline, sizeof cmdline - 1);
		n = k > 0 ? (size_t)k : 0;
		close(fd);
	}
	cmdline[n] = 0;
	uname(&u);
	int esp_mounted = o->pivot_mode != PIVOT_ONLY_REBOOT && o->pivot_mode !=
			  PIVOT_ONLY_SWITCH_ROOT && mount_esp(o, r, esp) == 0;
	memset(&in, 0, sizeof in);
	in.root = sysroot(o);
	in.esp = esp_mounted ? esp : NULL;
	in.kver = u.release;
	in.partuuid = r->root_partuuid;
	in.cmdline = cmdline;
	in.mode = o->pivot_mode;
	pivot_plan(&in, &p);
	if (esp_mounted && !(p.kind == PIVOT_KEXEC && strcmp(p.base, esp) == 0)) {
		if (umount(esp) < 0)
			umount2(esp, MNT_DETACH);
		rmdir(esp);
	}
	return pivot_exec(sysroot(o), &p, e);
}
