/*
 * cmdline.c: parse the kernel command line.
 *
 * Words are separated by spaces; a value may be double-quoted
 * (key="a b"). Our own keys live under "sztp."; dracut's network and failure
 * words (ip=, nameserver=, vlan=, ifname=, BOOTIF=, rd.shell, rd.emergency=,
 * rd.break=, panic=) are understood too, because operators already know them.
 */
#include "base/config.h"
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
	strcpy(cfg->done, "pivot");
	strcpy(cfg->pivot, "auto");
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

static int handle(struct sztp_config *c, const char *k, const char *v)
{
	if (strcmp(k, "sztp") == 0)
		return parse_enable(k, v, &c->enabled);
	if (strcmp(k, "sztp.url") == 0 && v)
		return push(c->urls, &c->n_urls, CFG_MAX_URLS, k, v);
	if (strcmp(k, "sztp.serial") == 0 && v)
		return copy_value(c->serial, sizeof c->serial, k, v);
	if (strcmp(k, "sztp.disk") == 0 && v)
		return copy_value(c->disk, sizeof c->disk, k, v);
	if (strcmp(k, "sztp.root") == 0 && v)
		return copy_value(c->root, sizeof c->root, k, v);
	if (strcmp(k, "sztp.timeout") == 0 && v)
		return parse_int(k, v, 0, INT_MAX, &c->timeout_s);
	if (strcmp(k, "sztp.dhcp-timeout") == 0 && v)
		return parse_int(k, v, 1, 3600, &c->dhcp_timeout_s);
	if (strcmp(k, "sztp.pcr") == 0 && v)
		return parse_int(k, v, 0, 23, &c->pcr);
	if (strcmp(k, "sztp.debug") == 0) {
		c->debug = parse_bool(v);
		return 0;
	}
	if (strcmp(k, "sztp.loglevel") == 0 && v) {
		c->debug = strcmp(v, "debug") == 0;
		c->quiet = strcmp(v, "warn") == 0 || strcmp(v, "error") == 0;
		return 0;
	}
	if (strcmp(k, "quiet") == 0 && !v) {
		c->quiet = 1;
		return 0;
	}
	if (strcmp(k, "sztp.done") == 0 && v) {
		if (strcmp(v, "poweroff") && strcmp(v, "reboot") && strcmp(v, "pivot")) {
			log_warn("cmdline", "sztp.done=\"%s\": want pivot, poweroff or reboot", v);
			return -1;
		}
		return copy_value(c->done, sizeof c->done, k, v);
	}
	if (strcmp(k, "sztp.clock") == 0 && v) {
		if (config_clock_parse(v, &c->clock) < 0) {
			log_warn("cmdline", "sztp.clock=\"%s\": want auto, rtc or floor", v);
			return -1;
		}
		return 0;
	}
	if (strcmp(k, "sztp.voucher") == 0 && v) {
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
	if (strcmp(k, "sztp.pivot") == 0 && v) {
		if (strcmp(v, "auto") && strcmp(v, "switch_root") && strcmp(v, "kexec") &&
		    strcmp(v, "reboot")) {
			log_warn("cmdline", "sztp.pivot=\"%s\": want auto, switch_root, kexec or "
				 "reboot", v);
			return -1;
		}
		return copy_value(c->pivot, sizeof c->pivot, k, v);
	}
	if ((strcmp(k, "sztp.ifname") == 0 || strcmp(k, "ifname") == 0) && v)
		return push(c->ifnames, &c->n_ifnames, CFG_MAX_IF, k, v);
	if (strcmp(k, "BOOTIF") == 0 && v)
		return copy_value(c->bootif, sizeof c->bootif, k, v);
	if (strcmp(k, "ip") == 0 && v)
		return push(c->ip, &c->n_ip, CFG_MAX_IP, k, v);
	if (strcmp(k, "nameserver") == 0 && v)
		return push(c->nameservers, &c->n_nameservers, CFG_MAX_DNS, k, v);
	if (strcmp(k, "vlan") == 0 && v)
		return push(c->vlan, &c->n_vlan, CFG_MAX_IF, k, v);
	if (strcmp(k, "rd.shell") == 0) {
		c->rd_shell = parse_bool(v);
		return 0;
	}
	if (strcmp(k, "rd.emergency") == 0 && v) {
		if (strcmp(v, "reboot") == 0)
			c->emergency = EMERGENCY_REBOOT;
		else if (strcmp(v, "poweroff") == 0)
			c->emergency = EMERGENCY_POWEROFF;
		else if (strcmp(v, "halt") == 0)
			c->emergency = EMERGENCY_HALT;
		else if (strcmp(v, "shell") == 0)
			c->emergency = EMERGENCY_SHELL;
		else {
			log_warn("cmdline", "rd.emergency=\"%s\": want reboot, poweroff, halt or shell", v);
			return -1;
		}
		return 0;
	}
	if ((strcmp(k, "rd.break") == 0 || strcmp(k, "break") == 0))
		return copy_value(c->rd_break, sizeof c->rd_break, k, v ? v : "pre-pivot");
	if (strcmp(k, "panic") == 0 && v)
		return parse_int(k, v, -1, 3600, &c->panic_s);
	if (strncmp(k, "sztp.", 5) == 0) {
		log_warn("cmdline", "unknown key %s, ignored", k);
		return 0;
	}
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
