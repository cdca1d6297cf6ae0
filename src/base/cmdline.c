/*
 * cmdline.c: parse the kernel command line.
 *
 * Words are separated by spaces; a value may be double-quoted
 * (key="a b"). Our own keys live under "sztp."; dracut's network and failure
 * words (ip=, nameserver=, vlan=, ifname=, BOOTIF=, rd.shell, rd.emergency=,
 * rd.break=, panic=) are understood too, because operators already know them.
 */
#include "base/config.h"
#include "base/str.h"
#include "base/log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef SZTP_DEFAULT_PCR
#define SZTP_DEFAULT_PCR 14
#endif

void config_defaults(struct sztp_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->enabled = 1;
	cfg->dhcp_timeout_s = 30;
	cfg->pcr = SZTP_DEFAULT_PCR;
	cfg->emergency = EMERGENCY_REBOOT;
	cfg->panic_s = 10;
	str_copy(cfg->done, sizeof cfg->done, "pivot");
	str_copy(cfg->pivot, sizeof cfg->pivot, "auto");
}

static int copy_value(char *dst, size_t cap, const char *key, const char *v)
{
	size_t n = strlen(v);
	if (n >= cap) {
		log_warn("cmdline", "%s: value of %zu bytes is longer than %zu, ignored",
			 key, n, cap - 1);
		return -1;
	}
	memcpy(dst, v, n + 1);
	return 0;
}

static int parse_int(const char *key, const char *v, int lo, int hi, int *out)
{
	char *end;
	long x;
	errno = 0;
	x = strtol(v, &end, 10);
	if (errno || end == v || *end || x < lo || x > hi) {
		log_warn("cmdline", "%s=\"%s\": not a number in %d..%d, ignored", key, v, lo, hi);
		return -1;
	}
	*out = (int)x;
	return 0;
}

/* Append to a fixed array of strings. */
static int push(char (*arr)[CFG_STR], int *n, int max, const char *key, const char *v)
{
	if (*n >= max) {
		log_warn("cmdline", "%s: more than %d given, \"%s\" ignored", key, max, v);
		return -1;
	}
	if (copy_value(arr[*n], CFG_STR, key, v) < 0)
		return -1;
	(*n)++;
	return 0;
}

static int parse_bool(const char *v)
{
	/* a bare key (v == NULL) means true */
	if (!v)
		return 1;
	return !(strcmp(v, "0") == 0 || strcmp(v, "no") == 0 || strcmp(v, "false") == 0 ||
		 strcmp(v, "off") == 0);
}

/* The enable flag: a bare "sztp", or one of the usual spellings; anything
 * else is malformed and leaves SZTP enabled. */
static int parse_enable(const char *k, const char *v, int *out)
{
	static const char *const off[] = { "0", "no", "false", "off" };
	static const char *const on[] = { "1", "yes", "true", "on" };
	for (size_t i = 0; v && i < sizeof off / sizeof off[0]; i++) {
		if (strcmp(v, off[i]) == 0) {
			*out = 0;
			return 0;
		}
		if (strcmp(v, on[i]) == 0) {
			*out = 1;
			return 0;
		}
	}
	if (!v) {
		*out = 1;
		return 0;
	}
	log_warn("cmdline", "%s=\"%s\": want 0 or 1; SZTP stays enabled", k, v);
	return -1;
}

int config_clock_parse(const char *s, enum sztp_clock *out)
{
	if (!s)
		return -1;
	if (strcmp(s, "auto") == 0)
		*out = SZTP_CLOCK_AUTO;
	else if (strcmp(s, "rtc") == 0)
		*out = SZTP_CLOCK_RTC;
	else if (strcmp(s, "floor") == 0)
		*out = SZTP_CLOCK_FLOOR;
	else
		return -1;
	return 0;
}

const char *config_clock_name(enum sztp_clock m)
{
	switch (m) {
	case SZTP_CLOCK_RTC: return "rtc";
	case SZTP_CLOCK_FLOOR: return "floor";
	default: return "auto";
	}
}

/*
 * One handler per key. `v` is the value, or NULL for a bare word ("rd.shell");
 * keys whose table entry has bare = 0 are only called with a value. A handler
 * returns 0, or -1 for a malformed value (logged).
 */
typedef int (*key_fn)(struct sztp_config *c, const char *k, const char *v);

static int key_enable(struct sztp_config *c, const char *k, const char *v)
{
	return parse_enable(k, v, &c->enabled);
}

static int key_url(struct sztp_config *c, const char *k, const char *v)
{
	return push(c->urls, &c->n_urls, CFG_MAX_URLS, k, v);
}

static int key_serial(struct sztp_config *c, const char *k, const char *v)
{
	return copy_value(c->serial, sizeof c->serial, k, v);
}

static int key_disk(struct sztp_config *c, const char *k, const char *v)
{
	return copy_value(c->disk, sizeof c->disk, k, v);
}

static int key_root(struct sztp_config *c, const char *k, const char *v)
{
	return copy_value(c->root, sizeof c->root, k, v);
}

static int key_timeout(struct sztp_config *c, const char *k, const char *v)
{
	return parse_int(k, v, 0, INT_MAX, &c->timeout_s);
}

static int key_dhcp_timeout(struct sztp_config *c, const char *k, const char *v)
{
	return parse_int(k, v, 1, 3600, &c->dhcp_timeout_s);
}

static int key_pcr(struct sztp_config *c, const char *k, const char *v)
{
	return parse_int(k, v, 0, 23, &c->pcr);
}

static int key_debug(struct sztp_config *c, const char *k, const char *v)
{
	(void)k;
	c->debug = parse_bool(v);
	return 0;
}

static int key_loglevel(struct sztp_config *c, const char *k, const char *v)
{
	(void)k;
	c->debug = strcmp(v, "debug") == 0;
	c->quiet = strcmp(v, "warn") == 0 || strcmp(v, "error") == 0;
	return 0;
}

static int key_quiet(struct sztp_config *c, const char *k, const char *v)
{
	(void)k;
	if (!v) /* "quiet=..." is not the kernel's quiet: left alone */
		c->quiet = 1;
	return 0;
}

static int key_done(struct sztp_config *c, const char *k, const char *v)
{
	if (strcmp(v, "poweroff") != 0 && strcmp(v, "reboot") != 0 &&
	    strcmp(v, "pivot") != 0) {
		log_warn("cmdline", "sztp.done=\"%s\": want pivot, poweroff or reboot", v);
		return -1;
	}
	return copy_value(c->done, sizeof c->done, k, v);
}

static int key_pivot(struct sztp_config *c, const char *k, const char *v)
{
	if (strcmp(v, "auto") != 0 && strcmp(v, "switch_root") != 0 &&
	    strcmp(v, "kexec") != 0 && strcmp(v, "reboot") != 0) {
		log_warn("cmdline", "sztp.pivot=\"%s\": want auto, switch_root, kexec or reboot", v);
		return -1;
	}
	return copy_value(c->pivot, sizeof c->pivot, k, v);
}

static int key_clock(struct sztp_config *c, const char *k, const char *v)
{
	(void)k;
	if (config_clock_parse(v, &c->clock) < 0) {
		log_warn("cmdline", "sztp.clock=\"%s\": want auto, rtc or floor", v);
		return -1;
	}
	return 0;
}

static int key_voucher(struct sztp_config *c, const char *k, const char *v)
{
	(void)k;
	if (strcmp(v, "nonce-required") == 0)
		c->nonce_required = 1;
	else if (strcmp(v, "any") == 0)
		c->nonce_required = 0;
	else {
		log_warn("cmdline", "sztp.voucher=\"%s\": want any or nonce-required", v);
		return -1;
	}
	return 0;
}

static int key_ifname(struct sztp_config *c, const char *k, const char *v)
{
	return push(c->ifnames, &c->n_ifnames, CFG_MAX_IF, k, v);
}

static int key_bootif(struct sztp_config *c, const char *k, const char *v)
{
	return copy_value(c->bootif, sizeof c->bootif, k, v);
}

static int key_ip(struct sztp_config *c, const char *k, const char *v)
{
	return push(c->ip, &c->n_ip, CFG_MAX_IP, k, v);
}

static int key_nameserver(struct sztp_config *c, const char *k, const char *v)
{
	return push(c->nameservers, &c->n_nameservers, CFG_MAX_DNS, k, v);
}

static int key_vlan(struct sztp_config *c, const char *k, const char *v)
{
	return push(c->vlan, &c->n_vlan, CFG_MAX_IF, k, v);
}

static int key_rd_shell(struct sztp_config *c, const char *k, const char *v)
{
	(void)k;
	c->rd_shell = parse_bool(v);
	return 0;
}

static int key_rd_emergency(struct sztp_config *c, const char *k, const char *v)
{
	static const char *const names[] = {
		[EMERGENCY_REBOOT] = "reboot", [EMERGENCY_POWEROFF] = "poweroff",
		[EMERGENCY_HALT] = "halt", [EMERGENCY_SHELL] = "shell",
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(v, names[i]) == 0) {
			c->emergency = (enum emergency_action)i;
			return 0;
		}
	log_warn("cmdline", "%s=\"%s\": want reboot, poweroff, halt or shell", k, v);
	return -1;
}

static int key_rd_break(struct sztp_config *c, const char *k, const char *v)
{
	return copy_value(c->rd_break, sizeof c->rd_break, k, v ? v : "pre-pivot");
}

static int key_panic(struct sztp_config *c, const char *k, const char *v)
{
	return parse_int(k, v, -1, 3600, &c->panic_s);
}

/*
 * Every key the agent reads, one line each: the table
 * tests/layout/cmdline-doc.sh checks docs/cmdline.md against (every key here
 * documented, every key documented here). Keep the form
 * `{ "key", handler, bare },`.
 */
static const struct cmdline_key {
	const char *name;
	key_fn fn;
	int bare; /* also without a value */
} keys[] = {
	{ "sztp", key_enable, 1 },
	{ "sztp.url", key_url, 0 },
	{ "sztp.serial", key_serial, 0 },
	{ "sztp.disk", key_disk, 0 },
	{ "sztp.root", key_root, 0 },
	{ "sztp.timeout", key_timeout, 0 },
	{ "sztp.dhcp-timeout", key_dhcp_timeout, 0 },
	{ "sztp.pcr", key_pcr, 0 },
	{ "sztp.debug", key_debug, 1 },
	{ "sztp.loglevel", key_loglevel, 0 },
	{ "sztp.done", key_done, 0 },
	{ "sztp.pivot", key_pivot, 0 },
	{ "sztp.clock", key_clock, 0 },
	{ "sztp.voucher", key_voucher, 0 },
	{ "sztp.ifname", key_ifname, 0 },
	{ "quiet", key_quiet, 1 },
	{ "ifname", key_ifname, 0 },
	{ "BOOTIF", key_bootif, 0 },
	{ "ip", key_ip, 0 },
	{ "nameserver", key_nameserver, 0 },
	{ "vlan", key_vlan, 0 },
	{ "rd.shell", key_rd_shell, 1 },
	{ "rd.emergency", key_rd_emergency, 0 },
	{ "sztp.emergency", key_rd_emergency, 0 },
	{ "rd.break", key_rd_break, 1 },
	{ "break", key_rd_break, 1 },
	{ "panic", key_panic, 0 },
};

const char *config_cmdline_key(size_t i)
{
	return i < sizeof keys / sizeof keys[0] ? keys[i].name : NULL;
}

static int handle(struct sztp_config *c, const char *k, const char *v)
{
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		if (strcmp(k, keys[i].name) != 0)
			continue;
		if (v || keys[i].bare)
			return keys[i].fn(c, k, v);
		if (strncmp(k, "sztp.", 5) == 0)
			log_warn("cmdline", "%s: needs a value (%s=...), ignored", k, k);
		return 0;
	}
	if (strncmp(k, "sztp.", 5) == 0)
		log_warn("cmdline", "unknown key %s, ignored", k);
	return 0;
}

int config_parse_cmdline(struct sztp_config *cfg, const char *cmdline)
{
	char word[CMDLINE_MAX];
	const char *p = cmdline;
	int bad = 0;

	while (*p) {
		size_t n = 0;
		int quoted = 0;
		char *eq;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		while (*p && (quoted || (*p != ' ' && *p != '\t' && *p != '\n'))) {
			if (*p == '"') {
				quoted = !quoted;
				p++;
				continue;
			}
			if (n + 1 >= sizeof word) {
				log_warn("cmdline", "a word longer than %zu bytes, ignored", sizeof word);
				bad++;
				n = 0;
				while (*p && *p != ' ')
					p++;
				break;
			}
			word[n++] = *p++;
		}
		if (n == 0)
			continue;
		word[n] = '\0';
		eq = strchr(word, '=');
		if (eq)
			*eq = '\0';
		if (handle(cfg, word, eq ? eq + 1 : NULL) < 0)
			bad++;
	}
	return bad;
}

int config_load_cmdline(struct sztp_config *cfg, const char *path)
{
	char buf[CMDLINE_MAX];
	ssize_t n;
	int fd = open(path ? path : "/proc/cmdline", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return config_parse_cmdline(cfg, buf);
}
