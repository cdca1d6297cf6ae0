/*
 * dhcp4.h: the DHCPv4 engine (RFC 2131, 2132, 3396, 8572). No sockets here:
 * it builds the packets a client sends, parses the packets it receives and
 * decides what to do next as a function of the current time, so that all of
 * it is unit-testable. dhcp4_client.h does the I/O.
 *
 * Limits: a received DHCP message (BOOTP header + options, without IP/UDP
 * headers) is at most DHCP4_PKT_MAX bytes; the concatenation (RFC 3396) of
 * all instances of one option is at most DHCP4_OPT_MAX bytes. Addresses are
 * struct in_addr (network byte order).
 */
#ifndef SZTP_DHCP4_H
#define SZTP_DHCP4_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "net/sztp_uri.h"

#define DHCP4_PKT_MAX      2048 /* largest message we parse */
#define DHCP4_OPT_MAX      1024 /* largest concatenated option value */
#define DHCP4_MIN_LEN      300  /* BOOTP minimum, packets we send are padded to it */
#define DHCP4_MAX_MSG_SIZE 1500 /* what we announce in option 57 */
#define DHCP4_MAX_DNS      4
#define DHCP4_MAX_NTP      4
#define DHCP4_NAME_MAX     256  /* domain / host name buffers, NUL included */

#define DHCP4_SERVER_PORT 67
#define DHCP4_CLIENT_PORT 68

/* Message types (option 53). */
enum {
	DHCP4_DISCOVER = 1, DHCP4_OFFER = 2, DHCP4_REQUEST = 3, DHCP4_DECLINE = 4,
	DHCP4_ACK = 5, DHCP4_NAK = 6, DHCP4_RELEASE = 7, DHCP4_INFORM = 8,
};

/* Options we use. */
enum {
	DHCP4_OPT_PAD = 0, DHCP4_OPT_NETMASK = 1, DHCP4_OPT_ROUTER = 3, DHCP4_OPT_DNS = 6,
	DHCP4_OPT_HOSTNAME = 12, DHCP4_OPT_DOMAIN = 15, DHCP4_OPT_MTU = 26,
	DHCP4_OPT_BROADCAST = 28, DHCP4_OPT_NTP = 42, DHCP4_OPT_REQUESTED_IP = 50,
	DHCP4_OPT_LEASE_TIME = 51, DHCP4_OPT_OVERLOAD = 52, DHCP4_OPT_MSG_TYPE = 53,
	DHCP4_OPT_SERVER_ID = 54, DHCP4_OPT_PARAM_LIST = 55, DHCP4_OPT_MESSAGE = 56,
	DHCP4_OPT_MAX_SIZE = 57, DHCP4_OPT_T1 = 58, DHCP4_OPT_T2 = 59,
	DHCP4_OPT_CLIENT_ID = 61, DHCP4_OPT_SZTP_REDIRECT = 143, DHCP4_OPT_END = 255,
};

/* What a server offered or acknowledged. */
struct dhcp4_lease {
	int msg_type;                 /* DHCP4_OFFER, DHCP4_ACK or DHCP4_NAK */
	struct in_addr addr;          /* yiaddr */
	struct in_addr server_id;     /* option 54 */
	struct in_addr siaddr;        /* BOOTP next-server */
	struct in_addr netmask;       /* option 1, or the classful default */
	int prefix;                   /* prefix length of netmask */
	struct in_addr broadcast;     /* option 28, or computed */
	struct in_addr router;        /* first address of option 3; 0 when none */
	struct in_addr dns[DHCP4_MAX_DNS];
	int n_dns;
	struct in_addr ntp[DHCP4_MAX_NTP];
	int n_ntp;
	char domain[DHCP4_NAME_MAX];  /* option 15, "" when none or invalid */
	char hostname[DHCP4_NAME_MAX];/* option 12, "" when none or invalid */
	int mtu;                      /* option 26, 0 when none */
	uint32_t lease_time;          /* option 51, seconds (0xffffffff: infinite) */
	uint32_t t1, t2;              /* options 58/59, or 1/2 and 7/8 of lease_time */
	int has_sztp;                 /* option 143 present and decoded */
	struct sztp_uri_list sztp;    /* option 143 */
	char message[DHCP4_NAME_MAX]; /* option 56 (NAK reason), printable only */
};

/* Who we are, for the packets we build. */
struct dhcp4_id {
	uint8_t mac[6];
	char hostname[64]; /* option 12 when not empty */
};

/*
 * Build a DHCPDISCOVER into `buf` (at least DHCP4_MIN_LEN bytes). `secs` is the
 * seconds since the client began acquiring a lease. Returns the length, or -1
 * when `cap` is too small.
 */
int dhcp4_build_discover(uint8_t *buf, size_t cap, const struct dhcp4_id *id,
			 uint32_t xid, uint16_t secs);

/*
 * Build a DHCPREQUEST. In the SELECTING state (`renew` == 0) it names the
 * offered address (option 50) and the server (option 54), ciaddr 0; when
 * renewing (`renew` != 0) ciaddr is the leased address and options 50/54 are
 * left out. Returns the length, or -1 when `cap` is too small.
 */
int dhcp4_build_request(uint8_t *buf, size_t cap, const struct dhcp4_id *id, uint32_t xid,
			uint16_t secs, const struct dhcp4_lease *offer, int renew);

/* Build a DHCPRELEASE of `lease` (ciaddr, option 54). Returns the length or -1. */
int dhcp4_build_release(uint8_t *buf, size_t cap, const struct dhcp4_id *id, uint32_t xid,
			const struct dhcp4_lease *lease);

/*
 * Parse a received DHCP message (the UDP payload) strictly: length, op
 * (BOOTREPLY), htype/hlen, `xid`, chaddr == `mac`, magic cookie, every option
 * length, option overload (52) into file/sname, RFC 3396 concatenation of
 * repeated options. The message type must be OFFER, ACK or NAK; OFFER and ACK
 * need yiaddr, a server identifier and a lease time. Malformed optional values
 * (domain, host name, option 143 without a valid URI) are dropped with a log
 * line; malformed lengths of address options reject the packet.
 * Returns 0 and fills `out`, or -1 with `e` naming the fault.
 */
int dhcp4_parse(const uint8_t *pkt, size_t len, uint32_t xid, const uint8_t mac[6],
		struct dhcp4_lease *out, struct err *e);

/*
 * The concatenated value (RFC 3396) of option `code` in a message already
 * accepted by dhcp4_parse(). Returns the value length (0 when absent) or -1
 * with `e` set when it does not fit in `cap` or the message is malformed.
 */
int dhcp4_get_option(const uint8_t *pkt, size_t len, uint8_t code, uint8_t *val, size_t cap,
		     struct err *e);

/* Prefix length of a contiguous netmask, or -1 when it is not contiguous. */
int dhcp4_mask_to_prefix(struct in_addr mask);

/* ------------------------------------------------------------ state machine */

enum dhcp4_state {
	DHCP4_STATE_INIT = 0,   /* nothing sent yet (or after a NAK) */
	DHCP4_STATE_SELECTING,  /* DISCOVER sent, waiting for an OFFER */
	DHCP4_STATE_REQUESTING, /* REQUEST sent, waiting for ACK/NAK */
	DHCP4_STATE_BOUND,      /* lease acknowledged */
};

/* Retransmissions of REQUEST before going back to INIT. */
#define DHCP4_REQUEST_TRIES 4

struct dhcp4_client {
	enum dhcp4_state state;
	struct dhcp4_id id;
	uint32_t xid;
	uint32_t rnd;           /* xorshift32 state: xids and jitter */
	int64_t start_ms;       /* when this acquisition began (secs field) */
	int64_t next_ms;        /* when to (re)transmit */
	int attempt;            /* transmissions in the current state */
	struct dhcp4_lease offer; /* the OFFER being requested */
	struct dhcp4_lease lease; /* the ACKed lease once BOUND */
};

/*
 * Delay before retransmission number `attempt` (0 for the first retry): 4 s,
 * 8 s, 16 s, 32 s, then 64 s, each plus a jitter of -1..+1 s chosen by `rnd`.
 * Pure: returns milliseconds.
 */
int64_t dhcp4_backoff_ms(int attempt, uint32_t rnd);

/* Start a client for `id`; `seed` seeds xids and jitter (must not be 0 for
 * good randomness; 0 is replaced by a constant). State INIT, due at `now_ms`. */
void dhcp4_client_init(struct dhcp4_client *c, const struct dhcp4_id *id, uint32_t seed,
		       int64_t now_ms);

/*
 * At time `now_ms`: when a transmission is due, build it into `buf` and return
 * its length (> 0), advancing the state (INIT -> SELECTING) and scheduling the
 * next one; returns 0 when nothing is due, -1 when `cap` is too small. In
 * REQUESTING, after DHCP4_REQUEST_TRIES unanswered REQUESTs the client goes
 * back to INIT and sends a new DISCOVER. `*next_ms` gets the time of the next
 * due transmission (unchanged in BOUND).
 */
int dhcp4_client_tick(struct dhcp4_client *c, int64_t now_ms, uint8_t *buf, size_t cap,
		      int64_t *next_ms);

/* Results of dhcp4_client_input(). */
enum dhcp4_event {
	DHCP4_EV_IGNORED = 0, /* not for us, malformed, or not expected now */
	DHCP4_EV_OFFER,       /* SELECTING -> REQUESTING: a REQUEST is due now */
	DHCP4_EV_ACK,         /* REQUESTING -> BOUND: c->lease is valid */
	DHCP4_EV_NAK,         /* REQUESTING -> INIT: a DISCOVER is due shortly */
};

/*
 * Feed a received DHCP message (UDP payload) at `now_ms`. Returns the event;
 * for DHCP4_EV_IGNORED `e` says why (for a debug log line).
 */
enum dhcp4_event dhcp4_client_input(struct dhcp4_client *c, int64_t now_ms,
				    const uint8_t *pkt, size_t len, struct err *e);

/* Name of a message type ("OFFER") or state ("SELECTING"), for logs. */
const char *dhcp4_msg_name(int type);
const char *dhcp4_state_name(enum dhcp4_state s);

#endif
