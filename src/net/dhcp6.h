/*
 * dhcp6.h: the DHCPv6 engine (RFC 8415; RFC 3646 DNS options; RFC 8572
 * option 136) and the router-advertisement flags it depends on (RFC 4861).
 * No sockets: it builds what a client sends, parses what it receives and
 * decides when to (re)transmit, so that all of it is unit-testable;
 * dhcp6_client.h does the I/O.
 *
 * Two ways to run, chosen from the router advertisement:
 *   stateful  (M flag, or no RA seen): SOLICIT -> ADVERTISE -> REQUEST -> REPLY,
 *             an IA_NA address plus the options;
 *   stateless (O flag only, or an ADVERTISE saying NoAddrsAvail):
 *             INFORMATION-REQUEST -> REPLY, options only (addresses come
 *             from SLAAC, which the kernel does).
 * Every message carries our client identifier (DUID-LL from the MAC), an
 * elapsed-time option and an ORO asking for DNS servers (23), domain list
 * (24) and the SZTP redirect (136).
 *
 * Limits: a message is at most DHCP6_PKT_MAX bytes; option 136 is decoded
 * with sztp_uri_decode() (at most SZTP_URI_MAX URIs); at most DHCP6_MAX_DNS
 * servers and DHCP6_MAX_DOMAINS search domains are kept.
 */
#ifndef SZTP_DHCP6_H
#define SZTP_DHCP6_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "net/sztp_uri.h"

#define DHCP6_PKT_MAX     2048
#define DHCP6_DUID_MAX    130
#define DHCP6_MAX_DNS     4
#define DHCP6_MAX_DOMAINS 4
#define DHCP6_NAME_MAX    256

#define DHCP6_CLIENT_PORT 546
#define DHCP6_SERVER_PORT 547

enum {
	DHCP6_SOLICIT = 1, DHCP6_ADVERTISE = 2, DHCP6_REQUEST = 3, DHCP6_CONFIRM = 4,
	DHCP6_RENEW = 5, DHCP6_REBIND = 6, DHCP6_REPLY = 7, DHCP6_RELEASE = 8,
	DHCP6_DECLINE = 9, DHCP6_RECONFIGURE = 10, DHCP6_INFORMATION_REQUEST = 11,
};

enum {
	DHCP6_OPT_CLIENTID = 1, DHCP6_OPT_SERVERID = 2, DHCP6_OPT_IA_NA = 3,
	DHCP6_OPT_IAADDR = 5, DHCP6_OPT_ORO = 6, DHCP6_OPT_PREFERENCE = 7,
	DHCP6_OPT_ELAPSED_TIME = 8, DHCP6_OPT_STATUS_CODE = 13, DHCP6_OPT_RAPID_COMMIT = 14,
	DHCP6_OPT_DNS_SERVERS = 23, DHCP6_OPT_DOMAIN_LIST = 24,
	DHCP6_OPT_SZTP_REDIRECT = 136,
};

enum {
	DHCP6_STATUS_SUCCESS = 0, DHCP6_STATUS_UNSPEC_FAIL = 1, DHCP6_STATUS_NO_ADDRS = 2,
	DHCP6_STATUS_NO_BINDING = 3, DHCP6_STATUS_NOT_ON_LINK = 4, DHCP6_STATUS_USE_MULTICAST = 5,
};

/* Who we are. */
struct dhcp6_id {
	uint8_t duid[DHCP6_DUID_MAX];
	size_t duid_len;
	uint32_t iaid;
};

/* What an ADVERTISE or REPLY said. */
struct dhcp6_reply {
	int msg_type;
	uint8_t server_id[DHCP6_DUID_MAX];
	size_t server_id_len;
	int preference;               /* option 7, 0 when absent */
	int status;                   /* top-level status code (0 when absent) */
	int ia_status;                /* status inside IA_NA (0 when absent) */
	int has_addr;                 /* an IA_NA address with valid lifetime > 0 */
	struct in6_addr addr;
	uint32_t preferred, valid;    /* its lifetimes, seconds */
	uint32_t t1, t2;
	struct in6_addr dns[DHCP6_MAX_DNS];
	int n_dns;
	char domains[DHCP6_MAX_DOMAINS][DHCP6_NAME_MAX];
	int n_domains;
	int has_sztp;                 /* option 136 present and decoded */
	struct sztp_uri_list sztp;
};

/* DUID-LL (type 3, hardware type 1) from a MAC; IAID from its last 4 bytes. */
void dhcp6_id_from_mac(struct dhcp6_id *id, const uint8_t mac[6]);

/*
 * Build a client message of `type` (SOLICIT, REQUEST, INFORMATION-REQUEST or
 * RELEASE) with transaction id `xid` (24 bits) and elapsed time `elapsed_cs`
 * (hundredths of a second) into buf[cap]. REQUEST and RELEASE need `srv`
 * (the server identifier; RELEASE also its address); SOLICIT and REQUEST
 * carry an IA_NA (REQUEST with the advertised address). Returns the length
 * or -1 when `cap` is too small or `srv` is missing.
 */
int dhcp6_build(uint8_t *buf, size_t cap, int type, const struct dhcp6_id *id, uint32_t xid,
		uint16_t elapsed_cs, const struct dhcp6_reply *srv);

/*
 * Parse an ADVERTISE or REPLY strictly: message type, `xid`, our client
 * identifier echoed, a server identifier, every option length (nested IA_NA
 * options too). Malformed optional values (domain list, option 136 without
 * a valid URI, DNS list not a multiple of 16) are dropped with a log line.
 * Returns 0 and fills `out`, or -1 with `e` naming the fault.
 */
int dhcp6_parse(const uint8_t *pkt, size_t len, uint32_t xid, const struct dhcp6_id *id,
		struct dhcp6_reply *out, struct err *e);

/*
 * Decode a DNS-wire-format domain list (option 24, uncompressed names) into
 * out[max][DHCP6_NAME_MAX]. Returns the number of names, or -1 with `e` set.
 */
int dhcp6_domain_list(const uint8_t *p, size_t len, char (*out)[DHCP6_NAME_MAX], int max,
		      struct err *e);

/* Router advertisement flags. */
#define DHCP6_RA_MANAGED 0x80 /* M: addresses by DHCPv6 */
#define DHCP6_RA_OTHER   0x40 /* O: other configuration by DHCPv6 */

/*
 * Parse an ICMPv6 message as a router advertisement (type 134, code 0, at
 * least 16 bytes, options with non-zero lengths inside the message). Sets
 * *flags (the M/O byte) and *autoconf (1 when a prefix information option
 * has the A flag and a /64). Returns 0, or -1 with `e` set.
 */
int dhcp6_parse_ra(const uint8_t *p, size_t len, int *flags, int *autoconf, struct err *e);

/* ------------------------------------------------------------ state machine */

enum dhcp6_state {
	DHCP6_STATE_WAIT_RA = 0, /* waiting (briefly) for a router advertisement */
	DHCP6_STATE_SOLICIT,     /* SOLICIT sent, collecting ADVERTISEs */
	DHCP6_STATE_REQUEST,     /* REQUEST sent */
	DHCP6_STATE_INFORM,      /* INFORMATION-REQUEST sent */
	DHCP6_STATE_DONE,        /* REPLY received: c->reply is valid */
	DHCP6_STATE_OFF,         /* RA said neither M nor O: no DHCPv6 here */
};

#define DHCP6_RA_WAIT_MS   2000 /* how long to wait for an RA before soliciting */
#define DHCP6_REQUEST_MRC  10   /* REQUEST transmissions before starting over */

struct dhcp6_client {
	enum dhcp6_state state;
	struct dhcp6_id id;
	uint32_t xid;
	uint32_t rnd;
	int64_t start_ms;        /* of the current exchange (elapsed time) */
	int64_t next_ms;         /* next transmission */
	int64_t collect_until;   /* SOLICIT: end of the ADVERTISE collection window */
	int64_t rt_ms;           /* current retransmission timeout */
	int attempt;
	int have_adv;
	struct dhcp6_reply adv;  /* best ADVERTISE so far */
	struct dhcp6_reply reply;/* the REPLY once DONE */
};

/* Start a client; it waits for dhcp6_client_ra() up to DHCP6_RA_WAIT_MS. */
void dhcp6_client_init(struct dhcp6_client *c, const struct dhcp6_id *id, uint32_t seed,
		       int64_t now_ms);

/* Tell the client the flags of a router advertisement (only acted upon
 * while waiting for one): M -> stateful, O -> stateless, neither -> OFF. */
void dhcp6_client_ra(struct dhcp6_client *c, int flags, int64_t now_ms);

/*
 * At `now_ms`: when a transmission is due, build it into buf[cap] and return
 * its length (> 0); 0 when nothing is due; -1 when cap is too small.
 * Retransmission follows RFC 8415 section 15 (RT doubles with +-10% jitter,
 * capped at 30 s here). `*next_ms` gets the next due time.
 */
int dhcp6_client_tick(struct dhcp6_client *c, int64_t now_ms, uint8_t *buf, size_t cap,
		      int64_t *next_ms);

enum dhcp6_event {
	DHCP6_EV_IGNORED = 0,
	DHCP6_EV_ADVERTISE,   /* kept as a candidate */
	DHCP6_EV_REPLY,       /* DONE: c->reply is valid */
	DHCP6_EV_STATELESS,   /* no addresses on offer: switched to INFORMATION-REQUEST */
};

/* Feed a received message. For DHCP6_EV_IGNORED `e` says why. */
enum dhcp6_event dhcp6_client_input(struct dhcp6_client *c, int64_t now_ms, const uint8_t *pkt,
				    size_t len, struct err *e);

/* Names for logs. */
const char *dhcp6_msg_name(int type);
const char *dhcp6_state_name(enum dhcp6_state s);

#endif
