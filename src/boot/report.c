/* report.c: the failure report (see report.h). */
#include "boot/report.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/events.h"
#include "base/log.h"
#include "boot/coldplug.h"
#include "boot/identity.h"
#include "disk/disk.h"
#include "disk/gpt.h"
#include "sztp/contact.h"
#include "tpm/measure.h"
#include "trust/serial.h"

#ifndef SZTP_VERSION
#define SZTP_VERSION "unknown"
#endif

/* The text of the file being built, and a buffer for copies and the kernel
 * log (REPORT_FILE_MAX each: the bound of every file). */
static char text[REPORT_FILE_MAX];
static size_t text_n;
static char copybuf[REPORT_FILE_MAX];
static char found_type[16];
static const struct net_result *report_net;

void report_set_network(const struct net_result *net)
{
	report_net = net;
}

static void tput(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void tput(const char *fmt, ...)
{
	va_list ap;
	int k;
	if (text_n >= sizeof text - 1)
		return;
	va_start(ap, fmt);
	k = vsnprintf(text + text_n, sizeof text - text_n, fmt, ap);
	va_end(ap);
	if (k > 0)
		text_n = text_n + (size_t)k < sizeof text ? text_n + (size_t)k : sizeof text - 1;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Write buf[n] to dir/name; 1 when written, 0 when not (logged). */
static int put_file(const char *dir, const char *name, const char *buf, size_t n)
{
	char path[256];
	int fd, ok;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		log_warn("report", "%s: %s", path, strerror(errno));
		return 0;
	}
	ok = write_all(fd, buf, n) == 0 && fsync(fd) == 0;
	if (close(fd) < 0 || !ok) {
		log_warn("report", "%s: write failed", path);
		return 0;
	}
	return 1;
}

/* The text built so far as REPORT_DIR/name; the text is emptied. */
static int put_text(const char *name)
{
	int r = put_file(REPORT_DIR, name, text, text_n);
	text_n = 0;
	text[0] = 0;
	return r;
}

/* Read at most REPORT_FILE_MAX bytes of `src` into copybuf, a note at the
 * end when there was more. Returns the length, -1 when unreadable. */
static long read_bounded(const char *src)
{
	static const char cut[] = "\n[report: cut here, the file is longer]\n";
	size_t n = 0, cap = sizeof copybuf - sizeof cut;
	char more;
	int fd = open(src, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -1;
	for (;;) {
		ssize_t k = read(fd, copybuf + n, cap - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		n += (size_t)k;
		if (n == cap) {
			if (read(fd, &more, 1) == 1) {
				memcpy(copybuf + n, cut, sizeof cut - 1);
				n += sizeof cut - 1;
			}
			break;
		}
	}
	close(fd);
	return (long)n;
}

/* A file copied into the report as `name`; 0 when the source is absent. */
static int copy_in(const char *src, const char *name)
{
	long n = read_bounded(src);
	return n < 0 ? 0 : put_file(REPORT_DIR, name, copybuf, (size_t)n);
}

/* ------------------------------------------------------------ network */

static void links(void)
{
	struct ifaddrs *ifa, *a, *b;
	char addr[INET6_ADDRSTRLEN];

	tput("== links and addresses\n");
	if (getifaddrs(&ifa) < 0) {
		tput("getifaddrs: %s\n", strerror(errno));
		return;
	}
	for (a = ifa; a; a = a->ifa_next) {
		if (!a->ifa_addr || a->ifa_addr->sa_family != AF_PACKET)
			continue;
		const struct sockaddr_ll *ll = (const struct sockaddr_ll *)a->ifa_addr;
		tput("%s: %s%s", a->ifa_name, a->ifa_flags & IFF_UP ? "up" : "down",
		     a->ifa_flags & IFF_RUNNING ? ", carrier" : "");
		if (ll->sll_halen == 6)
			tput(", %02x:%02x:%02x:%02x:%02x:%02x", ll->sll_addr[0], ll->sll_addr[1],
			     ll->sll_addr[2], ll->sll_addr[3], ll->sll_addr[4], ll->sll_addr[5]);
		for (b = ifa; b; b = b->ifa_next) {
			int fam = b->ifa_addr ? b->ifa_addr->sa_family : 0, plen = 0;
			if (strcmp(a->ifa_name, b->ifa_name) != 0 || (fam != AF_INET && fam != AF_INET6))
				continue;
			if (fam == AF_INET) {
				inet_ntop(AF_INET, &((struct sockaddr_in *)b->ifa_addr)->sin_addr, addr,
					  sizeof addr);
				if (b->ifa_netmask)
					plen = __builtin_popcount(
						((struct sockaddr_in *)b->ifa_netmask)->sin_addr.s_addr);
			} else {
				const struct sockaddr_in6 *m = (struct sockaddr_in6 *)b->ifa_netmask;
				inet_ntop(AF_INET6, &((struct sockaddr_in6 *)b->ifa_addr)->sin6_addr,
					  addr, sizeof addr);
				for (int i = 0; m && i < 16; i++)
					plen += __builtin_popcount(m->sin6_addr.s6_addr[i]);
			}
			tput("; %s/%d", addr, plen);
		}
		tput("\n");
	}
	freeifaddrs(ifa);
}

/*
 * The kernel's route tables (/proc/net/route, /proc/net/ipv6_route) are
 * whitespace-separated fields of hex numbers; fields() splits a line in place
 * and hexu() reads one field, refusing anything that is not all hex.
 */
static int fields(char *line, char **f, int max)
{
	int n = 0;
	char *save = NULL;
	for (char *t = strtok_r(line, " \t\n", &save); t && n < max;
	     t = strtok_r(NULL, " \t\n", &save))
		f[n++] = t;
	return n;
}

static int hexu(const char *t, unsigned long *v)
{
	char *end;
	if (!t[0] || strlen(t) > 8)
		return -1;
	errno = 0;
	*v = strtoul(t, &end, 16);
	return errno != 0 || *end != 0 ? -1 : 0;
}

/* 32 hex digits -> an IPv6 address as text; -1 for anything else. */
static int hex6(const char *h, char *out, size_t cap)
{
	struct in6_addr a;
	if (strlen(h) != 32)
		return -1;
	for (int i = 0; i < 16; i++) {
		char two[3] = { h[2 * i], h[2 * i + 1], 0 };
		unsigned long v;
		if (hexu(two, &v) < 0)
			return -1;
		a.s6_addr[i] = (uint8_t)v;
	}
	return inet_ntop(AF_INET6, &a, out, (socklen_t)cap) ? 0 : -1;
}

static void routes4(void)
{
	char line[256], d[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN], *f[11];
	unsigned long dst, gw, metric, mask;
	FILE *f4 = fopen("/proc/net/route", "re");

	tput("== IPv4 routes\n");
	if (!f4) {
		tput("/proc/net/route: %s\n", strerror(errno));
		return;
	}
	/* Iface Destination Gateway Flags RefCnt Use Metric Mask ... */
	while (fgets(line, sizeof line, f4)) {
		if (fields(line, f, 11) < 8 || hexu(f[1], &dst) < 0 || hexu(f[2], &gw) < 0 ||
		    hexu(f[7], &mask) < 0 || strlen(f[6]) > 9 || f[6][strspn(f[6], "0123456789")])
			continue; /* the header line, or nothing the kernel writes */
		metric = strtoul(f[6], NULL, 10);
		struct in_addr ad = { (in_addr_t)dst }, ag = { (in_addr_t)gw };
		inet_ntop(AF_INET, &ad, d, sizeof d);
		inet_ntop(AF_INET, &ag, g, sizeof g);
		tput("%s/%d%s%s dev %.16s metric %lu\n", d, __builtin_popcount((unsigned)mask),
		     gw ? " via " : "", gw ? g : "", f[0], metric);
	}
	fclose(f4);
}

static void routes6(void)
{
	char line[256], d[INET6_ADDRSTRLEN], g[INET6_ADDRSTRLEN], *f[10];
	unsigned long plen, metric;
	FILE *f6 = fopen("/proc/net/ipv6_route", "re");

	tput("== IPv6 routes\n");
	if (!f6) {
		tput("/proc/net/ipv6_route: %s\n", strerror(errno));
		return;
	}
	/* dst dst_len src src_len gateway metric refcnt use flags iface */
	while (fgets(line, sizeof line, f6)) {
		if (fields(line, f, 10) < 10 || hex6(f[0], d, sizeof d) < 0 ||
		    hexu(f[1], &plen) < 0 || hex6(f[4], g, sizeof g) < 0 ||
		    hexu(f[5], &metric) < 0 || strcmp(f[9], "lo") == 0)
			continue;
		int via = strcmp(g, "::") != 0;
		tput("%s/%lu%s%s dev %.16s metric %lu\n", d, plen, via ? " via " : "",
		     via ? g : "", f[9], metric);
	}
	fclose(f6);
}

static void network(const struct net_result *net)
{
	char m[CFG_STR + 256], a6[INET6_ADDRSTRLEN];
	long n;

	links();
	routes4();
	routes6();
	tput("== what the network stage configured\n");
	if (!net) {
		tput("the network stage did not run\n");
	} else {
		if (net->have_lease) {
			net_lease_summary(m, sizeof m, net->ifname, &net->lease);
			tput("dhcp4: %s\n", m);
		}
		if (net->have_static)
			tput("static: ip= on %s\n", net->ifname);
		if (net->have_addr6 && inet_ntop(AF_INET6, &net->addr6, a6, sizeof a6))
			tput("ipv6: %s on %s (%s)\n", a6, net->ifname,
			     net->have_dhcp6 ? "DHCPv6" : "SLAAC");
		if (!net->have_lease && !net->have_static && !net->have_addr6)
			tput("no address\n");
		for (int i = 0; i < net->n_name_servers; i++)
			tput("name server: %s\n", net->name_servers[i]);
		for (int i = 0; i < net->n_domains; i++)
			tput("domain: %s\n", net->domains[i]);
	}
	tput("== /etc/resolv.conf\n");
	n = read_bounded("/etc/resolv.conf");
	if (n < 0)
		tput("(none)\n");
	else
		tput("%.*s", (int)(n > 8192 ? 8192 : n), copybuf);
}

/* ------------------------------------------------------------ sources */

static void sources(const struct net_result *net)
{
	const struct bs_state *st = contact_state();

	tput("== sources found, in the order they are tried (built-in servers last)\n");
	for (int i = 0; net && i < net->n_order; i++) {
		const struct net_source *o = &net->order[i];
		if (o->kind == NET_SRC_URI && o->index >= 0 && o->index < net->n_uris)
			tput("%d. %s (%s)\n", i + 1, net->uris[o->index].uri,
			     net->uris[o->index].source);
		else if (o->kind == NET_SRC_ARTIFACTS && o->index >= 0 && o->index < net->n_artifacts)
			tput("%d. %s (%s, bootstrapping data at hand)\n", i + 1,
			     net->artifacts[o->index].where, net->artifacts[o->index].source);
	}
	if (!net || net->n_order == 0)
		tput("none\n");
	tput("== each server's last reply or failure\n");
	if (!st) {
		tput("no bootstrap server was contacted\n");
		return;
	}
	for (int i = 0; i < st->n_seen; i++)
		tput("%s (%s), round %d: last reply: %s; last outcome: %s\n", st->seen[i].server,
		     st->seen[i].source, st->seen[i].round,
		     st->seen[i].reply[0] ? st->seen[i].reply : "none", st->seen[i].status);
	if (st->n_seen == 0)
		tput("none\n");
	tput("== the last failure\n%s\n", st->last[0] ? st->last : "none");
}

/* ------------------------------------------------------------ disks */

static void disks(const struct sztp_config *cfg)
{
	static struct disk_info d[DISK_MAX];
	static uint8_t head[32 * 1024];
	static struct gpt g;
	struct disk_opts o;
	struct err e;
	long n;
	int nd, pick;

	memset(&o, 0, sizeof o);
	tput("== whole disks\n");
	nd = disk_list(&o, d, DISK_MAX, &e);
	if (nd < 0) {
		tput("%s\n", e.msg);
		nd = 0;
	}
	pick = nd ? disk_choose(d, nd, NULL, 0, &e) : -1;
	for (int i = 0; i < nd; i++)
		tput("%s: %llu bytes%s%s%s%s%s%s%s\n", d[i].name, (unsigned long long)d[i].size,
		     d[i].removable ? ", removable" : "", d[i].ro ? ", read-only" : "",
		     d[i].serial[0] ? ", serial " : "", d[i].serial,
		     i == pick ? ": the automatic install target" : "",
		     d[i].why_not ? ": not a candidate: " : "", d[i].why_not ? d[i].why_not : "");
	tput("automatic install target: %s\n", pick >= 0 ? d[pick].name : nd ? e.msg : "no disk");
	if (cfg->disk[0])
		tput("sztp.disk=%s (overrides the automatic rule)\n", cfg->disk);
	for (int i = 0; i < nd; i++) {
		char path[64], guid[GPT_GUID_STR];
		int fd;
		ssize_t k;
		snprintf(path, sizeof path, "/dev/%.*s", (int)sizeof d[i].name - 1, d[i].name);
		fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		k = fd < 0 ? -1 : pread(fd, head, sizeof head, 0);
		if (fd >= 0)
			close(fd);
		tput("== partitions of %s\n", d[i].name);
		if (k <= 0 || gpt_probe(head, (size_t)k, &g, &e) < 0) {
			tput("no GPT%s%s\n", k > 0 ? ": " : "", k > 0 ? e.msg : "");
			continue;
		}
		for (int p = 0; p < g.n; p++) {
			gpt_guid_format(g.parts[p].type, guid);
			tput("%d: type %s, sectors %llu-%llu of %u bytes, name \"%s\"\n",
			     g.parts[p].index, guid, (unsigned long long)g.parts[p].first_lba,
			     (unsigned long long)g.parts[p].last_lba, g.sector, g.parts[p].name);
		}
	}
	tput("== /proc/partitions\n");
	n = read_bounded("/proc/partitions");
	if (n > 0)
		tput("%.*s", (int)(n > 16384 ? 16384 : n), copybuf);
}

/* ------------------------------------------------------------ the report */

int report_write(const struct sztp_config *cfg, const char *summary)
{
	const struct net_result *net = report_net;
	struct timespec up;
	time_t now = time(NULL);
	struct tm tm;
	int files = 0, k;

	mkdir("/run/sztp", 0700);
	if (mkdir(REPORT_DIR, 0700) < 0 && errno != EEXIST) {
		log_err("report", "%s: %s", REPORT_DIR, strerror(errno));
		return 0;
	}
	clock_gettime(CLOCK_BOOTTIME, &up);
	gmtime_r(&now, &tm);
	text_n = 0;
	tput("%s\nsztpboot %s; written %lld s after the kernel started; the clock says "
	     "%04d-%02d-%02dT%02d:%02d:%02dZ\nthe files: docs/troubleshooting.md\n", summary,
	     SZTP_VERSION, (long long)up.tv_sec, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	     tm.tm_hour, tm.tm_min, tm.tm_sec);
	files += put_text("summary.txt");
	files += log_save(REPORT_DIR "/sztpboot.log") == 0;
	k = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, copybuf, (int)sizeof copybuf);
	if (k > 0)
		files += put_file(REPORT_DIR, "kernel.log", copybuf, (size_t)k);
	files += copy_in("/proc/cmdline", "cmdline.txt");
	network(net);
	files += put_text("network.txt");
	sources(net);
	files += put_text("sources.txt");
	files += copy_in("/proc/modules", "modules.txt");
	text_n = (size_t)identity_describe(cfg, text, sizeof text);
	files += put_text("tpm.txt");
	disks(cfg);
	files += put_text("disks.txt");
	files += copy_in(EVENTS_PATH, "events.jsonl");
	files += copy_in(measure_log_path(), "tpm2-measure.log");
	log_info("report", "%d files in %s", files, REPORT_DIR);
	return files;
}

/* ------------------------------------------------------------ the medium */

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int report_find_medium(const char *serial, char *dev, size_t cap, char *dir, size_t dcap)
{
	static uint8_t probe[FSLABEL_PROBE];
	struct dirent **names = NULL;
	char label[FSLABEL_MAX];
	const char *type;
	int n, found = -1;
	time_t now = time(NULL);
	struct tm tm;

	n = scandir("/sys/class/block", &names, NULL, by_name);
	for (int i = 0; i < n; i++) {
		const char *nm = names[i]->d_name;
		char path[300];
		ssize_t k;
		int fd;
		if (found < 0 && nm[0] != '.' && strncmp(nm, "loop", 4) != 0 &&
		    strncmp(nm, "ram", 3) != 0 && strncmp(nm, "zram", 4) != 0 &&
		    strncmp(nm, "sr", 2) != 0) {
			snprintf(path, sizeof path, "/dev/%s", nm);
			fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
			k = fd < 0 ? -1 : pread(fd, probe, sizeof probe, 0);
			if (fd >= 0)
				close(fd);
			if (k > 0 && fslabel_probe(probe, (size_t)k, &type, label) &&
			    strcmp(type, "iso9660") != 0 && fslabel_eq(label, REPORT_LABEL)) {
				snprintf(dev, cap, "%s", path);
				snprintf(found_type, sizeof found_type, "%s", type);
				found = 0;
			}
		}
		free(names[i]);
	}
	free(names);
	if (found < 0)
		return -1;
	gmtime_r(&now, &tm);
	snprintf(dir, dcap, "sztp-report/%s-%04d%02d%02dT%02d%02d%02dZ",
		 serial && serial_ok(serial) ? serial : "unknown", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return 0;
}

int report_copy(const char *dev, const char *dir)
{
	char to[300], from[300], sub[300];
	struct dirent **names = NULL;
	struct err e;
	int n, copied = 0, vfat = strcmp(found_type, "vfat") == 0;

	log_save(REPORT_DIR "/sztpboot.log");
	if (vfat) {
		static const char *const mods[] = { "vfat", "nls_cp437", "nls_iso8859_1" };
		for (size_t i = 0; i < sizeof mods / sizeof mods[0]; i++)
			coldplug_load(mods[i], &e);
	} else {
		coldplug_load("ext4", &e);
	}
	mkdir(REPORT_MOUNT, 0700);
	if (mount(dev, REPORT_MOUNT, found_type, MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  vfat ? "iocharset=iso8859-1" : NULL) < 0) {
		log_err("report", "mount %s (%s) on %s: %s", dev, found_type, REPORT_MOUNT,
			strerror(errno));
		rmdir(REPORT_MOUNT);
		return -1;
	}
	snprintf(sub, sizeof sub, "%s/sztp-report", REPORT_MOUNT);
	mkdir(sub, 0755);
	snprintf(to, sizeof to, "%s/%s", REPORT_MOUNT, dir);
	mkdir(to, 0755);
	n = scandir(REPORT_DIR, &names, NULL, by_name);
	for (int i = 0; i < n; i++) {
		long len;
		snprintf(from, sizeof from, "%s/%s", REPORT_DIR, names[i]->d_name);
		if (names[i]->d_name[0] != '.' && (len = read_bounded(from)) >= 0)
			copied += put_file(to, names[i]->d_name, copybuf, (size_t)len);
		free(names[i]);
	}
	free(names);
	sync();
	if (umount(REPORT_MOUNT) < 0)
		umount2(REPORT_MOUNT, MNT_DETACH);
	rmdir(REPORT_MOUNT);
	log_info("report", "copied %d files to %s (%s): %s/", copied, dev, REPORT_LABEL, dir);
	return copied > 0 ? 0 : -1;
}
