/* ipcfg.c: dracut's ip=, nameserver= and vlan= (see ipcfg.h). */
#include "net/ipcfg.h"

#include "base/log.h"
#include "base/str.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FIELDS 16

/* Split on ':' outside brackets. Returns the number of fields or -1. */
static int split(const char *s, char f[MAX_FIELDS][CFG_STR])
{
	int n = 0, depth = 0;
	size_t k = 0;
	if (strlen(s) >= CFG_STR)
		return -1;
	for (const char *p = s;; p++) {
		if (*p == '[')
			depth++;
		else if (*p == ']')
			depth--;
		if (depth < 0 || depth > 1)
			return -1;
		if ((*p == ':' && depth == 0) || *p == '\0') {
			if (n >= MAX_FIELDS)
				return -1;
			f[n][k] = '\0';
			n++;
			k = 0;
			if (!*p)
				break;
			continue;
		}
		if (n >= MAX_FIELDS)
			return -1;
		f[n][k++] = *p;
	}
	return depth == 0 ? n : -1;
}

int ipcfg_parse_addr(const char *s, struct ipcfg_addr *out, struct err *e)
{
	char b[INET6_ADDRSTRLEN + 2];
	size_t n = strlen(s);
	memset(out, 0, sizeof *out);
	if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
		if (n - 2 >= sizeof b)
			return err_set(e, "bad address \"%.64s\"", s);
		memcpy(b, s + 1, n - 2);
		b[n - 2] = '\0';
		if (inet_pton(AF_INET6, b, &out->u.v6) == 1) {
			out->family = AF_INET6;
			return 0;
		}
		return err_set(e, "bad IPv6 address \"%.64s\"", s);
	}
	if (inet_pton(AF_INET, s, &out->u.v4) == 1) {
		out->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, &out->u.v6) == 1) {
		out->family = AF_INET6;
		return 0;
	}
	return err_set(e, "bad address \"%.64s\"", s);
}

const char *ipcfg_addr_str(const struct ipcfg_addr *a, char *buf, size_t cap)
{
	if (a->family == AF_INET)
		inet_ntop(AF_INET, &a->u.v4, buf, (socklen_t)cap);
	else if (a->family == AF_INET6)
		inet_ntop(AF_INET6, &a->u.v6, buf, (socklen_t)cap);
	else
		snprintf(buf, cap, "none");
	return buf;
}

/* A method word; 0 when not one. */
static unsigned method(const char *w, int *ok)
{
	static const struct {
		const char *w;
		unsigned m;
	} t[] = {
		{ "dhcp", IPCFG_DHCP }, { "on", IPCFG_DHCP }, { "any", IPCFG_DHCP },
		{ "dhcp6", IPCFG_DHCP6 }, { "auto6", IPCFG_AUTO6 },
		{ "either6", IPCFG_AUTO6 | IPCFG_DHCP6 }, { "link6", IPCFG_OFF },
		{ "off", IPCFG_OFF }, { "none", IPCFG_OFF },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strcmp(w, t[i].w) == 0) {
			*ok = 1;
			return t[i].m;
		}
	*ok = 0;
	return 0;
}

static int is_number(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

static int parse_mtu(const char *s, int *mtu, struct err *e)
{
	long v;
	if (!*s)
		return 0;
	if (!is_number(s) || (v = strtol(s, NULL, 10)) < 68 || v > 65535)
		return err_set(e, "bad MTU \"%.16s\"", s);
	*mtu = (int)v;
	return 0;
}

/* MAC from fields f[i..i+5]. */
static int parse_mac(char f[][CFG_STR], int i, int n, uint8_t mac[6], struct err *e)
{
	if (n - i != 6)
		return err_set(e, "bad MAC address (want 6 colon-separated bytes)");
	for (int k = 0; k < 6; k++) {
		char *end;
		long v = strtol(f[i + k], &end, 16);
		if (strlen(f[i + k]) != 2 || *end || v < 0 || v > 255)
			return err_set(e, "bad MAC address byte \"%.8s\"", f[i + k]);
		mac[k] = (uint8_t)v;
	}
	return 0;
}

static int set_ifname(struct ipcfg_entry *out, const char *s, struct err *e)
{
	if (strlen(s) >= IF_NAMESIZE || strchr(s, '/'))
		return err_set(e, "bad interface name \"%.32s\"", s);
	str_copy(out->ifname, sizeof out->ifname, s);
	return 0;
}

static int parse_mask(const char *s, int family, int *prefix, struct err *e)
{
	struct in_addr m;
	int max = family == AF_INET6 ? 128 : 32;
	if (is_number(s)) {
		long v = strtol(s, NULL, 10);
		if (v < 0 || v > max)
			return err_set(e, "prefix length %.8s out of 0..%d", s, max);
		*prefix = (int)v;
		return 0;
	}
	if (family == AF_INET && inet_pton(AF_INET, s, &m) == 1) {
		uint32_t x = ntohl(m.s_addr);
		int p = 0;
		while (p < 32 && (x & (0x80000000u >> p)))
			p++;
		if (p < 32 && (x << p) != 0)
			return err_set(e, "netmask %.16s is not contiguous", s);
		*prefix = p;
		return 0;
	}
	return err_set(e, "bad netmask \"%.40s\"", s);
}

int ipcfg_parse_ip(const char *s, struct ipcfg_entry *out, struct err *e)
{
	static char f[MAX_FIELDS][CFG_STR];
	int n = split(s, f), ok;
	unsigned m;

	memset(out, 0, sizeof *out);
	if (n < 1)
		return err_set(e, "ip=%.64s: cannot split into fields", s);
	if (n == 1) {
		m = method(f[0], &ok);
		if (!ok)
			return err_set(e, "ip=%.64s: unknown method", s);
		out->methods = m;
		return 0;
	}
	/* <iface>:<method>[:<mtu>[:<mac>]] */
	m = method(f[1], &ok);
	if (ok && f[0][0] && f[0][0] != '[' && ipcfg_parse_addr(f[0], &out->addr, NULL) < 0) {
		memset(&out->addr, 0, sizeof out->addr);
		out->methods = m;
		if (set_ifname(out, f[0], e) < 0)
			return err_wrap(e, "ip=%.64s", s);
		if (n >= 3 && parse_mtu(f[2], &out->mtu, e) < 0)
			return err_wrap(e, "ip=%.64s", s);
		if (n >= 4) {
			if (parse_mac(f, 3, n, out->mac, e) < 0)
				return err_wrap(e, "ip=%.64s", s);
			out->has_mac = 1;
		}
		return 0;
	}
	/* <client>:[<peer>]:<gw>:<mask>:<hostname>:<iface>:<method>[:...] */
	if (n < 7)
		return err_set(e, "ip=%.64s: want <client>:<peer>:<gw>:<mask>:<host>:<iface>:<method>",
			       s);
	if (ipcfg_parse_addr(f[0], &out->addr, e) < 0)
		return err_wrap(e, "ip=%.64s: client", s);
	if (f[1][0] && ipcfg_parse_addr(f[1], &out->peer, e) < 0)
		return err_wrap(e, "ip=%.64s: peer", s);
	if (f[2][0] && ipcfg_parse_addr(f[2], &out->gw, e) < 0)
		return err_wrap(e, "ip=%.64s: gateway", s);
	if (out->gw.family && out->gw.family != out->addr.family)
		return err_set(e, "ip=%.64s: gateway and address of different families", s);
	if (!f[3][0])
		out->prefix = out->addr.family == AF_INET6 ? 64 : 24;
	else if (parse_mask(f[3], out->addr.family, &out->prefix, e) < 0)
		return err_wrap(e, "ip=%.64s", s);
	if (strlen(f[4]) >= sizeof out->hostname)
		return err_set(e, "ip=%.64s: host name too long", s);
	str_copy(out->hostname, sizeof out->hostname, f[4]);
	if (f[5][0] && set_ifname(out, f[5], e) < 0)
		return err_wrap(e, "ip=%.64s", s);
	if (!f[6][0]) {
		m = IPCFG_OFF;
	} else {
		m = method(f[6], &ok);
		if (!ok)
			return err_set(e, "ip=%.64s: unknown method \"%.16s\"", s, f[6]);
	}
	out->methods = (m & IPCFG_OFF) ? IPCFG_STATIC : m;
	if (n >= 8) {
		if (is_number(f[7]) || (!f[7][0] && n > 8 && !strchr(f[8], '.'))) {
			if (parse_mtu(f[7], &out->mtu, e) < 0)
				return err_wrap(e, "ip=%.64s", s);
			if (n >= 9) {
				if (parse_mac(f, 8, n, out->mac, e) < 0)
					return err_wrap(e, "ip=%.64s", s);
				out->has_mac = 1;
			}
		} else {
			if (n > 9)
				return err_set(e, "ip=%.64s: too many fields", s);
			for (int i = 7; i < n; i++)
				if (f[i][0] && ipcfg_parse_addr(f[i], &out->dns[i - 7], e) < 0)
					return err_wrap(e, "ip=%.64s: dns%d", s, i - 6);
		}
	}
	return 0;
}

int ipcfg_parse_vlan(const char *s, struct ipcfg_vlan *out, struct err *e)
{
	const char *colon = strchr(s, ':');
	size_t n;
	const char *d;
	long id;

	memset(out, 0, sizeof *out);
	if (!colon || colon == s || !colon[1])
		return err_set(e, "vlan=%.64s: want <name>:<phys>", s);
	n = (size_t)(colon - s);
	if (n >= IF_NAMESIZE || strlen(colon + 1) >= IF_NAMESIZE || strchr(colon + 1, ':'))
		return err_set(e, "vlan=%.64s: interface name too long", s);
	memcpy(out->name, s, n);
	out->name[n] = '\0';
	str_copy(out->phys, sizeof out->phys, colon + 1);
	d = out->name + n;
	while (d > out->name && d[-1] >= '0' && d[-1] <= '9')
		d--;
	/* "<phys>.<digits>" or "vlan<digits>" */
	if (!*d || d == out->name ||
	    !(d[-1] == '.' || (d - out->name == 4 && strncmp(out->name, "vlan", 4) == 0)))
		return err_set(e, "vlan=%.64s: no VLAN id at the end of \"%s\"", s, out->name);
	if (strlen(d) > 4 || (id = strtol(d, NULL, 10)) < 1 || id > 4094)
		return err_set(e, "vlan=%.64s: VLAN id %s out of 1..4094", s, d);
	out->id = (int)id;
	return 0;
}

static void add_ns(struct ipcfg *c, const struct ipcfg_addr *a)
{
	for (int i = 0; i < c->n_ns; i++)
		if (c->ns[i].family == a->family &&
		    (a->family == AF_INET
			     ? c->ns[i].u.v4.s_addr == a->u.v4.s_addr
			     : memcmp(&c->ns[i].u.v6, &a->u.v6, sizeof a->u.v6) == 0))
			return;
	if (c->n_ns < IPCFG_MAX_NS)
		c->ns[c->n_ns++] = *a;
}

int ipcfg_load(const struct sztp_config *cfg, struct ipcfg *out)
{
	int bad = 0;
	struct err e;
	memset(out, 0, sizeof *out);
	for (int i = 0; i < cfg->n_nameservers; i++) {
		struct ipcfg_addr a;
		if (ipcfg_parse_addr(cfg->nameservers[i], &a, &e) < 0) {
			log_warn("cmdline", "nameserver=%s ignored: %s", cfg->nameservers[i], e.msg);
			bad++;
			continue;
		}
		add_ns(out, &a);
	}
	for (int i = 0; i < cfg->n_ip; i++) {
		struct ipcfg_entry *en = &out->ip[out->n_ip];
		if (ipcfg_parse_ip(cfg->ip[i], en, &e) < 0) {
			log_warn("cmdline", "%s, ignored", e.msg);
			bad++;
			continue;
		}
		if (en->has_mac)
			log_warn("cmdline", "ip=%s: setting a MAC address is not supported, ignored",
				 cfg->ip[i]);
		for (int k = 0; k < 2; k++)
			if (en->dns[k].family)
				add_ns(out, &en->dns[k]);
		out->n_ip++;
	}
	for (int i = 0; i < cfg->n_vlan; i++) {
		if (ipcfg_parse_vlan(cfg->vlan[i], &out->vlan[out->n_vlan], &e) < 0) {
			log_warn("cmdline", "%s, ignored", e.msg);
			bad++;
			continue;
		}
		out->n_vlan++;
	}
	return bad;
}

unsigned ipcfg_methods(const struct ipcfg *c, const char *ifname,
		       const struct ipcfg_entry **entry)
{
	const struct ipcfg_entry *any = NULL;
	for (int i = 0; i < c->n_ip; i++) {
		if (c->ip[i].ifname[0] && strcmp(c->ip[i].ifname, ifname) == 0) {
			if (entry)
				*entry = &c->ip[i];
			return c->ip[i].methods;
		}
		if (!c->ip[i].ifname[0] && !any)
			any = &c->ip[i];
	}
	if (entry)
		*entry = any;
	return any ? any->methods : (IPCFG_DHCP | IPCFG_DHCP6 | IPCFG_AUTO6);
}
