/*
 * bootstrap.h: the RFC 8572 bootstrap client engine (sections 5.2-5.6).
 *
 * It decides; the transport (struct bs_ops: bs_https.c on the device, a fake
 * in the unit tests) touches the network. Given the bootstrap sources (URIs
 * from sztp.url=, DHCP, built-in lists, in that order), it runs the source
 * loop:
 *
 *   Every source, server or local data, is verified by the same
 *   verify_response() under the same clock policy (cfg.clock, trust/clock.h).
 *
 *   round 1, 2, ...: every source in the given order (logged), and for each
 *     - connect to the server: validate its certificate against the
 *       configured bootstrap anchors; with none, or when validation fails,
 *       connect provisionally (trust-state FALSE);
 *     - POST get-bootstrapping-data: to an untrusted server with
 *       signed-data-preferred and a fresh 32-byte nonce; to a trusted one
 *       with hw-model/os-name/os-version when configured; on 404, discover
 *       the RESTCONF root with GET /.well-known/host-meta and retry once;
 *     - require 200 and application/yang-data+json (no Content-Type,
 *       text/plain or application/json: taken as JSON with a warning), or a
 *       body that is XML whatever its Content-Type, then verify_response();
 *       a reply that is not a RESTCONF error document is logged with its
 *       reason phrase and the first line of its body;
 *     - a server name: every resolved address in turn, when the connection,
 *       TLS or the get-bootstrapping-data request fails on one;
 *     - data from a trusted server that fails to parse or verify:
 *       bootstrap-initiated, then parsing-error with the reason;
 *     - redirect-information: try its servers in order, each with its
 *       trust anchor when the redirect was trusted (a server that does not
 *       validate against that anchor has failed: no provisional fallback),
 *       else provisionally; a nested redirect whose every server fails goes
 *       back to the rest of the enclosing list (RFC 8572 section 5.5); at
 *       most BS_MAX_REDIRECTS redirects per source, never a server twice in
 *       the same trust state (loop detection; a provisional contact followed
 *       by an authenticated one is RFC 8572 Appendix B, not a loop);
 *     - onboarding-information: onboard_run() (onboard.h), reporting
 *       progress only to a trusted server (TLS validated), at the
 *       reporting-level the server asked for;
 *   then wait (capped exponential backoff with jitter, backoff.h) and start
 *   the next round; forever unless cfg.timeout_s or cfg.max_rounds is set.
 *
 * Every attempt and failure is logged on one line with the server, the step
 * and the reason, e.g.
 *   bootstrap: https://192.0.2.1:8443 (dhcp4): get-bootstrapping-data: HTTP 503 (expected 200)
 * and written as an event (base/events.h, phase "bootstrap": each failed
 * step, each verified reply, each failed source and round; phase
 * "onboarding": each progress type, sent or not). st->seen keeps each
 * server's last status for the failure report.
 */
#ifndef SZTP_BOOTSTRAP_H
#define SZTP_BOOTSTRAP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "trust/anchors.h"
#include "trust/clock.h"
#include "trust/cms.h"
#include "trust/conveyed.h"
#include "base/err.h"
#include "base/json.h"
#include "sztp/onboard.h"
#include "sztp/progress.h"
#include "sztp/restconf.h"
#include "tls/tls_http.h"
#include "base/url.h"
#include "trust/verify.h"
#include "trust/x509.h"

#define BS_MAX_SOURCES   32
#define BS_MAX_REDIRECTS 10          /* redirects followed from one source */
#define BS_MAX_ADDRS     16          /* resolved addresses of one server name tried */
#define BS_VISITED_MAX   (2 * (1 + BS_MAX_REDIRECTS * CONVEYED_MAX_SERVERS))
#define BS_TA_ARENA      (64 * 1024) /* trust-anchor CMS bytes of one redirect list */
#define BS_SEEN_MAX      16          /* servers whose last status is kept (reports) */
#define BS_BODY_MAX      JSON_MAX_SIZE
#define BS_REQ_MAX       4096        /* get-bootstrapping-data input */
/* report-progress input: the message, the SSH host keys and the attestation
 * augmentation of bootstrap-complete (onboard.h) */
#define BS_REPORT_MAX    (2 * RESTCONF_MSG_MAX + 1024 + \
			  INSTALL_MAX_KEYS * (INSTALL_KEY_MAX + 128) + ONBOARD_ATTEST_MAX)

/*
 * A bootstrap source: a bootstrap server URI "https://host[:port][/root]",
 * or (response != NULL) bootstrapping data already at hand (removable
 * media, DNS TXT records) as a get-bootstrapping-data output body. Such
 * data is always untrusted: it is verified with trust-state FALSE and no
 * nonce, so only signed data or unsigned redirects are acted upon, and no
 * progress is reported for it.
 */
struct bs_source {
	const char *uri;          /* the URI, or a description of the data ("SZTP:/sztp/SN") */
	const char *origin;       /* "cmdline", "dhcp4", "media", "built-in", ... (for logs) */
	const uint8_t *response;  /* local data, or NULL for a server */
	size_t response_len;
	const char *medium;       /* local data from removable media: the medium's root
				   * directory, where file:// download-uris in it
				   * resolve (imgsrc.h); NULL otherwise */
};

/* A server to connect to. */
struct bs_target {
	const struct url *url;         /* host, port */
	const struct anchors *anchors; /* validate against these, or NULL: provisional */
	int addr;                      /* which resolved address of the host, 1-based
	                                * (an IP literal has one) */
	const struct clock_policy *clock; /* judges the server's certificates (cfg.clock) */
};

/* One HTTP exchange through the transport. */
struct bs_http {
	const char *method;       /* "GET" or "POST" */
	const char *path;
	const char *accept;
	const char *content_type; /* of the request body, or NULL */
	const uint8_t *body;
	size_t body_len;
	const char *basic;        /* HTTP Basic "user:password", or NULL */
	uint8_t *resp;            /* response body buffer ... */
	size_t resp_cap;          /* ... and its size */
	/* out */
	int status;
	char resp_type[HTTP_CTYPE_MAX + 1]; /* Content-Type, "" when absent */
	char reason[HTTP_REASON_MAX + 1];   /* reason phrase of the status line, or "" */
	size_t resp_len;
};

/* The transport. */
struct bs_ops {
	void *ctx;
	/*
	 * Connect to `t` (or keep the open connection when it is to the same
	 * target): its t->addr-th address only. Sets *n_addr (how many
	 * addresses the host resolved to, at least 1; also on failure),
	 * *trusted (server certificate validated) and, on failure, *cert_error
	 * (the failure was the server certificate).
	 */
	int (*open)(void *ctx, const struct bs_target *t, int *trusted, int *cert_error,
		    int *n_addr, struct err *e);
	/* One request on the connection opened for `t`. 0 when a complete
	 * response arrived (any status), -1 with `e` set. */
	int (*request)(void *ctx, const struct bs_target *t, struct bs_http *h, struct err *e);
	/* Close any open connection. */
	void (*close)(void *ctx);
	/* Fill buf with len cryptographically random bytes. */
	int (*random)(void *ctx, uint8_t *buf, size_t len);
	/* Wait. */
	void (*sleep_ms)(void *ctx, int ms);
	/* Monotonic milliseconds. */
	int64_t (*now_ms)(void *ctx);
};

/* What the device knows and how hard to try. */
struct bs_config {
	const char *serial;                     /* device serial number */
	const struct anchors *anchors;          /* bootstrap-server trust anchors (NULL/empty: none) */
	const struct x509_der *voucher_anchors; /* voucher trust anchors */
	size_t n_voucher_anchors;
	const uint8_t *device_cert;             /* IDevID DER (idevid-issuer check), or NULL */
	size_t device_cert_len;
	const struct cms_recipient *recipient;  /* to decrypt conveyed information, or NULL */
	const struct clock_policy *clock;       /* time and voucher policy (trust/clock.h):
	                                           every source and every certificate is
	                                           judged by it; mandatory */
	const char *hw_model;                   /* sent to trusted servers only; NULL: not sent */
	const char *os_name;
	const char *os_version;
	const char *basic;                      /* HTTP Basic "user:password" (trusted servers only) */
	const char *identity_warning;           /* said in bootstrap-initiated, e.g. that the
	                                           device key is a file, not in a TPM; or NULL */
	int timeout_s;                          /* give up after this long; 0: never */
	int max_rounds;                         /* give up after this many rounds; 0: never */
	int backoff_min_ms;                     /* first delay between rounds (default 1000) */
	int backoff_max_ms;                     /* cap (default 60000) */
	int no_pivot;                           /* onboard_run(): unmount the new root when done */
	const char *target_root;                /* cmd_run's --target-root / --target-disk */
	const char *target_disk;
	const struct onboard_ops *install;      /* how onboarding installs (NULL: it cannot) */
	/* Sources found only when needed (DNS/mDNS discovery the network stage
	 * deferred because it already had a source): called at most once, in
	 * round 1, when every source before index fallback_at has failed; the
	 * sources it writes to src (at most max) are tried next, before the
	 * ones from fallback_at on (the built-in servers). Returns how many.
	 * NULL: none. */
	int (*fallback)(void *ctx, struct bs_source *src, int max);
	void *fallback_ctx;
	int fallback_at;
};

/* A copied redirect list (the verifier's buffers are reused per response). */
struct bs_list {
	int n;
	int next;                               /* the entry to try next */
	int number;                             /* which redirect of the source (1..) */
	int trusted;                            /* the redirect information was trusted */
	int loops, progressed;                  /* entries skipped as loops / tried */
	char from[CONVEYED_HOST_MAX + 16];      /* who gave it: "host:port" or the origin */
	struct conveyed_server servers[CONVEYED_MAX_SERVERS]; /* trust_anchor points into arena */
	char roots[CONVEYED_MAX_SERVERS][RESTCONF_ROOT_MAX + 1];
	size_t used;
	uint8_t arena[BS_TA_ARENA];
};

/* The last thing a server (or a local source) said or did, for the failure
 * report: the latest BS_SEEN_MAX servers contacted. */
struct bs_seen {
	char server[CONVEYED_HOST_MAX + 16];    /* "https://host:port", or the local data */
	char source[CONVEYED_HOST_MAX + 32];    /* how it was found ("dhcp4", "redirect 1 from ...") */
	char status[200];                       /* its last outcome: "connect: ...", "ok: ..." */
	char reply[200];                        /* its last HTTP reply: "HTTP 503 (expected
	                                           200): ...", "HTTP 200, 2417 bytes"; "" */
	int round;
};

/* Everything the engine needs; large (a few MiB), keep it static. */
struct bs_state {
	const struct bs_config *cfg;
	const struct bs_ops *ops;
	struct verify_work work;
	struct verify_result res;
	uint8_t body[BS_BODY_MAX];
	char req[BS_REQ_MAX];
	char report[BS_REPORT_MAX];
	uint8_t nonce[RESTCONF_NONCE_MAX];
	int nonce_sent;                         /* st->nonce went to the current server */
	struct anchors ta;                      /* anchors learned from a trusted redirect */
	/* the redirect lists being worked through, outermost first (RFC 8572
	 * section 5.5 is recursive: when every server of a nested list fails,
	 * the rest of the enclosing list is tried) */
	struct bs_list lists[BS_MAX_REDIRECTS];
	int depth;                              /* lists[0..depth) are open */
	int redirects;                          /* redirects followed from this source */
	/* servers contacted from this source, "host:port" + trust state ('a':
	 * with anchors, 'p': provisional): a server may be contacted again only
	 * in another trust state (RFC 8572 Appendix B) */
	char visited[BS_VISITED_MAX][CONVEYED_HOST_MAX + 10];
	int n_visited;
	int round;
	/* the server being talked to */
	struct url url;
	struct bs_target target;
	char root[RESTCONF_ROOT_MAX + 1];
	char where[2 * CONVEYED_HOST_MAX + 128]; /* "https://host:port (origin)" for logs */
	char server[CONVEYED_HOST_MAX + 16];    /* "https://host:port" or the local data's name */
	char origin[CONVEYED_HOST_MAX + 32];    /* how it was found (events, reports) */
	struct bs_seen seen[BS_SEEN_MAX];       /* each server's last status, the latest last */
	int n_seen;
	int trusted;                            /* TLS validated (trust-state from TLS) */
	int n_addr;                             /* addresses of the current server's host */
	const char *medium;                     /* the data at hand came from this medium
						   (bs_source.medium); NULL for a server */
	/* progress reporting for the current onboarding information */
	int report_enabled;
	int report_verbose;
	int reports_sent;
	char last[ERR_MSG_MAX];                 /* the last failure (of a server, then of the source) */
	/* outcome */
	char done_server[CONVEYED_HOST_MAX + 8];
	struct onboard_work ow;                 /* onboard_run()'s work and result */
};

/*
 * Run the source loop over src[0..n) until onboarding succeeds. Returns 0
 * (st->res holds the onboarding information acted upon, st->done_server
 * the server), or -1 with `e` set when cfg.timeout_s / cfg.max_rounds ran
 * out or there was no usable source.
 */
int bs_run(struct bs_state *st, const struct bs_config *cfg, const struct bs_ops *ops,
	   const struct bs_source *src, int n, struct err *e);

/*
 * After bs_run() succeeded: fill the "result" event `ev` (base/events.h;
 * phase and outcome are the caller's) with what was done: the server and
 * source of the onboarding information, the OS ("os-name os-version" of
 * its boot image, else the installed OS's name, into os[cap]), the target
 * disk and the image bytes written now.
 */
struct event;
void bs_result_event(const struct bs_state *st, struct event *ev, char *os, size_t cap);

/*
 * Report progress `t` with an optional message for the onboarding
 * information being processed (onboard_run() calls it through the
 * struct onboard_reporter the engine gives it). Honors the
 * reporting-level and the trusted-server rule. Returns 0 when the report was
 * sent and acknowledged with 204, or not sent by those rules; -1 with `e`
 * set when a report that must be acknowledged (progress_must_ack) was not.
 * Other failures are logged and return 0.
 */
int bs_report(struct bs_state *st, enum progress_type t, const char *msg, struct err *e);

/* bs_report() for a whole report-progress input (r->type a progress_name()):
 * bootstrap-complete with ssh-host-keys and an augmentation member. */
int bs_report_ex(struct bs_state *st, const struct restconf_report *r, struct err *e);

/*
 * Copy verified redirect information `r` into `l` (addresses, ports, trust
 * anchors into l->arena; next, number, loops, progressed and from are left
 * to the caller). Returns 0 or -1 (the trust anchors exceed BS_TA_ARENA).
 */
int bs_list_copy(struct bs_list *l, const struct conveyed_redirect *r, int trusted,
		 struct err *e);

/*
 * Make a URL for a redirect entry: an IPv6 address is bracketed; the port
 * is always given. Returns 0 or -1 with `e` set (not a valid host).
 */
int bs_server_url(const char *address, uint16_t port, struct url *u, struct err *e);

/*
 * Load the certificates of a trust-anchor CMS (degenerate SignedData,
 * ContentInfo-wrapped) into `a` (emptied first). Each certificate is judged
 * by `clock` first (clock_check_validity(): one that is known to have
 * expired makes the whole trust anchor unusable). Returns the number of
 * anchors or -1 with `e` set.
 */
int bs_anchors_from_cms(struct anchors *a, const uint8_t *cms, size_t len,
			const struct clock_policy *clock, struct err *e);

#endif
