/*
 * coldplug.c: load modules for present devices with libkmod.
 *
 * Like udev's coldplug (and Alpine's nlplug-findfs): every device in sysfs
 * that has a "modalias" gets the modules that alias resolves to. Loading a bus
 * driver (virtio_pci, say) makes new devices appear; their uevents arrive on a
 * NETLINK_KOBJECT_UEVENT socket opened before the scan, so none is missed.
 */
#include "boot/coldplug.h"
#include "base/log.h"
#include "tpm/measure.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libkmod.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_DEPTH     24
#define MAX_MODULES   512
#define MOD_NAME_MAX  64

static struct kmod_ctx *ctx;

struct modset {
	char names[MAX_MODULES][MOD_NAME_MAX];
	int n;
};

static void kmod_log(void *data, int priority, const char *file, int line,
		     const char *fn, const char *format, va_list args)
{
	char msg[256];
	(void)data, (void)file, (void)line, (void)fn;
	vsnprintf(msg, sizeof msg, format, args);
	msg[strcspn(msg, "\n")] = '\0';
	log_msg(priority <= 3 ? LOG_WARN : LOG_DEBUG, "libkmod", "%s", msg);
}

static int ctx_init(struct err *e)
{
	int r;
	if (ctx)
		return 0;
	ctx = kmod_new(NULL, NULL);
	if (!ctx)
		return err_set(e, "coldplug: libkmod cannot open the module directory");
	kmod_set_log_fn(ctx, kmod_log, NULL);
	r = kmod_load_resources(ctx);
	if (r < 0) {
		kmod_unref(ctx);
		ctx = NULL;
		return err_set(e, "coldplug: libkmod cannot load the module indexes: %s",
			       strerror(-r));
	}
	return 0;
}

/* Names in /proc/modules. */
static void modset_read(struct modset *s)
{
	char line[512];
	FILE *f = fopen("/proc/modules", "re");
	s->n = 0;
	if (!f)
		return;
	while (s->n < MAX_MODULES && fgets(line, sizeof line, f)) {
		size_t k = strcspn(line, " ");
		if (k == 0 || k >= MOD_NAME_MAX)
			continue;
		memcpy(s->names[s->n], line, k);
		s->names[s->n][k] = '\0';
		s->n++;
	}
	fclose(f);
}

static int modset_has(const struct modset *s, const char *name)
{
	for (int i = 0; i < s->n; i++)
		if (strcmp(s->names[i], name) == 0)
			return 1;
	return 0;
}

static void load_alias(const char *alias)
{
	struct kmod_list *list = NULL, *it;
	if (kmod_module_new_from_lookup(ctx, alias, &list) < 0 || !list)
		return;
	kmod_list_foreach(it, list) {
		struct kmod_module *m = kmod_module_get_module(it);
		int r = kmod_module_probe_insert_module(m, KMOD_PROBE_APPLY_BLACKLIST,
							NULL, NULL, NULL, NULL);
		if (r < 0 && r != -EEXIST)
			log_debug("coldplug", "%s (for %s): %s", kmod_module_get_name(m),
				  alias, strerror(-r));
		kmod_module_unref(m);
	}
	kmod_module_unref_list(list);
}

static void scan(int dirfd, int depth)
{
	DIR *d;
	struct dirent *de;
	int fd = openat(dirfd, "modalias", O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		char alias[512];
		ssize_t n = read(fd, alias, sizeof alias - 1);
		close(fd);
		if (n > 0) {
			alias[n] = '\0';
			alias[strcspn(alias, "\n")] = '\0';
			if (alias[0])
				load_alias(alias);
		}
	}
	if (depth >= MAX_DEPTH)
		return;
	fd = dup(dirfd);
	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d))) {
		int sub;
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		sub = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (sub < 0)
			continue;
		scan(sub, depth + 1);
		close(sub);
	}
	closedir(d);
}

static void scan_sysfs(void)
{
	int fd = open("/sys/devices", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		log_warn("coldplug", "/sys/devices: %s", strerror(errno));
		return;
	}
	scan(fd, 0);
	close(fd);
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static int uevent_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
			NETLINK_KOBJECT_UEVENT);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Handle one uevent datagram: "add@/devices/...\0KEY=VALUE\0...". Returns 1
 * when it was an "add" carrying a MODALIAS. */
static int uevent_handle(char *buf, size_t n)
{
	const char *alias = NULL;
	int add = 0;
	for (size_t i = 0; i < n;) {
		const char *s = buf + i;
		size_t k = strnlen(s, n - i);
		if (strcmp(s, "ACTION=add") == 0)
			add = 1;
		else if (strncmp(s, "MODALIAS=", 9) == 0)
			alias = s + 9;
		i += k + 1;
	}
	if (add && alias && *alias) {
		load_alias(alias);
		return 1;
	}
	return 0;
}

/* Extend a loaded module's file into the provisioning PCR (when measuring). */
static void measure_module(const char *name)
{
	struct kmod_module *m;
	struct err e = { "" };
	const char *path;
	if (!measure_active() || kmod_module_new_from_name(ctx, name, &m) < 0)
		return;
	path = kmod_module_get_path(m);
	if (path && measure_file("module", path, &e) < 0)
		log_err("coldplug", "measuring %s: %s", name, e.msg);
	kmod_module_unref(m);
}

int coldplug_run(int settle_ms, int max_ms, struct err *e)
{
	static struct modset before, after;
	char buf[8192];
	char list[2048];
	size_t len = 0;
	int fd, loaded = 0;
	long start, quiet_until;

	if (ctx_init(e) < 0)
		return -1;
	modset_read(&before);
	fd = uevent_open();
	if (fd < 0)
		log_warn("coldplug", "uevent socket: %s (new devices may be missed)",
			 strerror(errno));
	start = now_ms();
	scan_sysfs();
	quiet_until = now_ms() + settle_ms;
	while (fd >= 0) {
		long t = now_ms();
		long wait = quiet_until - t;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;
		if (t - start >= max_ms || wait <= 0)
			break;
		if (poll(&p, 1, (int)wait) <= 0)
			continue;
		while ((n = recv(fd, buf, sizeof buf - 1, 0)) > 0) {
			buf[n] = '\0';
			if (uevent_handle(buf, (size_t)n))
				quiet_until = now_ms() + settle_ms;
		}
	}
	if (fd >= 0)
		close(fd);
	scan_sysfs(); /* a last pass for anything that raced the socket */

	modset_read(&after);
	list[0] = '\0';
	for (int i = after.n - 1; i >= 0; i--) { /* /proc/modules lists newest first */
		if (modset_has(&before, after.names[i]))
			continue;
		loaded++;
		measure_module(after.names[i]);
		if (len + strlen(after.names[i]) + 2 < sizeof list)
			len += (size_t)snprintf(list + len, sizeof list - len, " %s", after.names[i]);
	}
	log_info("coldplug", "loaded %d modules in %ld ms:%s", loaded, now_ms() - start, list);
	return loaded;
}

int coldplug_load(const char *name, struct err *e)
{
	struct kmod_module *m;
	int r;
	if (ctx_init(e) < 0)
		return -1;
	if (kmod_module_new_from_name(ctx, name, &m) < 0)
		return err_set(e, "coldplug: module %s: not found", name);
	r = kmod_module_probe_insert_module(m, KMOD_PROBE_APPLY_BLACKLIST, NULL, NULL, NULL, NULL);
	kmod_module_unref(m);
	if (r < 0 && r != -EEXIST)
		return err_set(e, "coldplug: module %s: %s", name, strerror(-r));
	log_info("coldplug", "loaded %s", name);
	return 0;
}
