/*
 * ipcfg.h: dracut's network words from the kernel command line, parsed
 * (config.h keeps them verbatim; this file gives them meaning). No I/O.
 *
 *   ip=dhcp | on | any           DHCPv4 on every link (the default anyway)
 *   ip=dhcp6                     DHCPv6 only;  ip=auto6: SLAAC only
 *   ip=either6                   SLAAC, then DHCPv6 (same as our default for v6)
 *   ip=off | none                no automatic configuration
 *   ip=<iface>:<method>[:<mtu>[:<mac>]]    the same for one link
 *   ip=<client>:[<peer>]:<gw>:<mask>:<hostname>:<iface>:<method>[:<dns1>[:<dns2>]]
 *   ip=<client>:[<peer>]:<gw>:<mask>:<hostname>:<iface>:<method>[:<mtu>[:<mac>]]
 *       static address when <method> is none/off (or empty); IPv6 addresses
 *       in brackets ("[2001:db8::10]"); <mask> a dotted netmask or a prefix
 *       length; <iface> may be empty (the first link with carrier).
 *   nameserver=<ip>              (repeatable) name servers, IPv4 or IPv6
 *   vlan=<name>:<phys>           create VLAN <name> on <phys>; the VLAN id is
 *                                the number at the end of <name>
 *                                ("eth0.5", "vlan0005", "vlan5", "eth0.0005")
 */
#ifndef SZTP_IPCFG_H
#define SZTP_IPCFG_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>

#include "base/config.h"
#include "base/err.h"

/* Methods (bit flags). */
#define IPCFG_DHCP   0x01 /* DHCPv4 */
#define IPCFG_DHCP6  0x02 /* DHCPv6 (stateful or stateless as the RA says) */
#define IPCFG_AUTO6  0x04 /* SLAAC */
#define IPCFG_STATIC 0x08 /* the address given */
#define IPCFG_OFF    0x10 /* nothing */

/* An address of either family. */
struct ipcfg_addr {
	int family; /* AF_INET, AF_INET6, or 0: none */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} u;
};

struct ipcfg_entry {
	char ifname[IF_NAMESIZE]; /* "" = any link */
	unsigned methods;
	struct ipcfg_addr addr;   /* IPCFG_STATIC */
	int prefix;
	struct ipcfg_addr peer;
	struct ipcfg_addr gw;
	char hostname[64];
	struct ipcfg_addr dns[2];
	int mtu;                  /* 0: unchanged */
	uint8_t mac[6];
	int has_mac;              /* set the link's MAC to `mac` (not applied: logged) */
};

struct ipcfg_vlan {
	char name[IF_NAMESIZE];
	char phys[IF_NAMESIZE];
	int id;
};

#define IPCFG_MAX_NS (CFG_MAX_DNS + 2 * CFG_MAX_IP)

struct ipcfg {
	struct ipcfg_entry ip[CFG_MAX_IP];
	int n_ip;
	struct ipcfg_vlan vlan[CFG_MAX_IF];
	int n_vlan;
	struct ipcfg_addr ns[IPCFG_MAX_NS]; /* nameserver= then the dns of ip= */
	int n_ns;
};

/* Parse one ip= value. Returns 0 or -1 with `e` naming the bad field. */
int ipcfg_parse_ip(const char *s, struct ipcfg_entry *out, struct err *e);

/* Parse one vlan= value. Returns 0 or -1 with `e` set. */
int ipcfg_parse_vlan(const char *s, struct ipcfg_vlan *out, struct err *e);

/* Parse an address (IPv4, IPv6, IPv6 in brackets). Returns 0 or -1. */
int ipcfg_parse_addr(const char *s, struct ipcfg_addr *out, struct err *e);

/*
 * Parse everything of `cfg` into `out`; malformed values are logged and
 * skipped. Returns the number of malformed values.
 */
int ipcfg_load(const struct sztp_config *cfg, struct ipcfg *out);

/*
 * The methods that apply to link `ifname`: those of the ip= entry naming it,
 * else of an entry without a name, else the default IPCFG_DHCP | IPCFG_DHCP6
 * | IPCFG_AUTO6. `*entry` (may be NULL) gets the entry used, or NULL.
 */
unsigned ipcfg_methods(const struct ipcfg *c, const char *ifname,
		       const struct ipcfg_entry **entry);

/* Text of an address, for logs. */
const char *ipcfg_addr_str(const struct ipcfg_addr *a, char *buf, size_t cap);

#endif
