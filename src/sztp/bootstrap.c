/* bootstrap.c: the RFC 8572 bootstrap client engine (see bootstrap.h). */
#include "sztp/bootstrap.h"

#include <stdio.h>
#include <string.h>

#include "base/events.h"
#include "sztp/backoff.h"
#include "sztp/hostmeta.h"
#include "base/log.h"
#include "base/xml.h"
#include "tpm/measure.h"

#define HOST_META_PATH "/.well-known/host-meta"

/* Outcome of one server. */
enum { SRV_FAIL = -1, SRV_DONE = 0, SRV_REDIRECT = 1 };

/* ------------------------------------------------------------ helpers */

int bs_server_url(const char *address, uint16_t port, struct url *u, struct err *e)
{
	char s[CONVEYED_HOST_MAX + 32];
	int n;

	if (!address[0])
		return err_set(e, "empty address");
	if (strchr(address, ':'))
		n = snprintf(s, sizeof s, "https://[%s]:%u", address, (unsigned)port);
	else
		n = snprintf(s, sizeof s, "https://%s:%u", address, (unsigned)port);
	if (n < 0 || (size_t)n >= sizeof s)
		return err_set(e, "address too long");
	if (strchr(address, '/') || strchr(address, '@') || strchr(address, '?') ||
	    strchr(address, '#') || strchr(address, '[') || strchr(address, ']'))
		return err_set(e, "address \"%.64s\" is not a host", address);
	return url_parse(u, s, (size_t)n, e);
}

int bs_list_copy(struct bs_list *l, const struct conveyed_redirect *r, int trusted,
		 struct err *e)
{
	l->n = 0;
	l->used = 0;
	l->trusted = trusted;
	for (int i = 0; i < r->n_servers && i < CONVEYED_MAX_SERVERS; i++) {
		const struct conveyed_server *s = &r->servers[i];
		struct conveyed_server *d = &l->servers[l->n];
		memcpy(d->address, s->address, sizeof d->address);
		d->address[sizeof d->address - 1] = 0;
		d->port = s->port;
		d->trust_anchor.data = NULL;
		d->trust_anchor.len = 0;
		if (trusted && s->trust_anchor.len) {
			if (s->trust_anchor.len > sizeof l->arena - l->used)
				return err_set(e, "redirect-information: trust anchors larger than %d bytes",
					       BS_TA_ARENA);
			memcpy(l->arena + l->used, s->trust_anchor.data, s->trust_anchor.len);
			d->trust_anchor.data = l->arena + l->used;
			d->trust_anchor.len = s->trust_anchor.len;
			l->used += s->trust_anchor.len;
		}
		snprintf(l->roots[l->n], sizeof l->roots[l->n], "%s", RESTCONF_ROOT);
		l->n++;
	}
	return 0;
}

int bs_anchors_from_cms(struct anchors *a, const uint8_t *cms, size_t len,
			const struct clock_policy *clock, struct err *e)
{
	static struct cms_signed_data sd;
	struct x509_cert c;
	char what[200], nm[160];
	int n = 0;

	anchors_init(a);
	if (!clock)
		return err_set(e, "trust-anchor: no clock policy to judge it with");
	if (cms_parse_signed(cms, len, &sd, e) < 0)
		return err_wrap(e, "trust-anchor");
	if (sd.n_certs == 0)
		return err_set(e, "trust-anchor: no certificates");
	/* nothing known to have expired is trusted, even from a trusted
	 * redirect: the data may be old (clock.h) */
	for (size_t i = 0; i < sd.n_certs; i++) {
		if (x509_parse(sd.certs[i].raw, sd.certs[i].raw_len, &c, e) < 0)
			return err_wrap(e, "trust-anchor: certificate %zu", i);
		snprintf(what, sizeof what, "trust-anchor: certificate %zu (%s)", i,
			 x509_name_str(c.subject, c.subject_len, nm, sizeof nm));
		if (clock_check_validity(clock, c.not_before, c.not_after, what, e) < 0)
			return -1;
	}
	for (size_t i = 0; i < sd.n_certs; i++) {
		int k = anchors_add_buf(a, sd.certs[i].raw, sd.certs[i].raw_len,
					"trust-anchor certificate", e);
		if (k < 0)
			return err_wrap(e, "trust-anchor");
		n += k;
	}
	return n;
}

/* Has this server been contacted from this source in trust state `mode`
 * ('a': with anchors, 'p': provisionally)? Marks it when `mark`. */
static int visited(struct bs_state *st, const struct url *u, char mode, int mark)
{
	char k[sizeof st->visited[0]];
	size_t n;

	if (url_hostport(u, k, sizeof k - 2) < 0)
		return 0;
	n = strlen(k);
	k[n] = '|';
	k[n + 1] = mode;
	k[n + 2] = 0;
	for (int i = 0; i < st->n_visited; i++)
		if (strcmp(st->visited[i], k) == 0)
			return 1;
	if (mark && st->n_visited < BS_VISITED_MAX)
		memcpy(st->visited[st->n_visited++], k, sizeof k);
	return 0;
}

/* The current server's (st->server) entry of st->seen, made when new. */
static struct bs_seen *seen_entry(struct bs_state *st)
{
	struct bs_seen *s, keep;
	int i;

	for (i = 0; i < st->n_seen; i++)
		if (strcmp(st->seen[i].server, st->server) == 0)
			break;
	if (i < st->n_seen) { /* to the end: the latest last */
		keep = st->seen[i];
		memmove(st->seen + i, st->seen + i + 1, (size_t)(st->n_seen - i - 1) * sizeof keep);
		st->seen[st->n_seen - 1] = keep;
		s = &st->seen[st->n_seen - 1];
	} else {
		if (st->n_seen == BS_SEEN_MAX) { /* the oldest goes */
			memmove(st->seen, st->seen + 1, sizeof st->seen - sizeof st->seen[0]);
			st->n_seen--;
		}
		s = &st->seen[st->n_seen++];
		memset(s, 0, sizeof *s);
		snprintf(s->server, sizeof s->server, "%s", st->server);
	}
	snprintf(s->source, sizeof s->source, "%s", st->origin);
	s->round = st->round;
	return s;
}

/* Keep `status` as the last outcome of the current server. */
static void seen(struct bs_state *st, const char *status)
{
	struct bs_seen *s = seen_entry(st);
	snprintf(s->status, sizeof s->status, "%.*s", (int)sizeof s->status - 1, status);
}

/* Keep `reply` as the last HTTP reply of the current server. */
static void seen_reply(struct bs_state *st, const char *reply)
{
	struct bs_seen *s = seen_entry(st);
	snprintf(s->reply, sizeof s->reply, "%.*s", (int)sizeof s->reply - 1, reply);
}

/* An event of phase "bootstrap" about the current server. */
static void event(struct bs_state *st, const char *outcome, const char *step, const char *why)
{
	struct event ev;
	memset(&ev, 0, sizeof ev);
	ev.phase = EV_BOOTSTRAP;
	ev.outcome = outcome;
	ev.step = step;
	ev.source = st->origin[0] ? st->origin : NULL;
	ev.server = st->server[0] ? st->server : NULL;
	ev.round = st->round;
	ev.reason = why;
	events_emit(&ev);
}

static void fail(struct bs_state *st, const char *step, const char *why)
{
	char s[sizeof st->seen[0].status];
	log_warn("bootstrap", "%s: %s: %s", st->where, step, why);
	snprintf(st->last, sizeof st->last, "%.200s: %.40s: %.260s", st->where, step, why);
	snprintf(s, sizeof s, "%.40s: %.150s", step, why);
	seen(st, s);
	if (strncmp(why, "HTTP ", 5) == 0 || strncmp(why, "wrong Content-Type", 18) == 0)
		seen_reply(st, why);
	event(st, EV_FAIL, step, why);
}

/* What a reply that is not the expected status says: the RESTCONF error,
 * else the reason phrase and the first line of the body (bounded, escaped),
 * so that "Serial Number not present in HTTP header" reaches the log. */
static const char *body_excerpt(const struct bs_http *h, const uint8_t *b, size_t n, char *out,
				size_t cap, struct err *scratch)
{
	char line[4 * RESTCONF_LINE_MAX + 8];

	if (n && restconf_errors_summary(b, n, out, cap, scratch) == 0)
		return out;
	restconf_body_line(b, n, line, sizeof line);
	snprintf(out, cap, "%.64s%s%s%.200s%s", h->reason, h->reason[0] && line[0] ? "; " : "",
		 line[0] ? "body \"" : "", line, line[0] ? "\"" : "");
	return out;
}

/* POST `op` with the JSON `body` (HTTP Basic only to a trusted server, and
 * only when `basic`); response into st->body. */
static int post(struct bs_state *st, const char *op, const char *body, int basic,
		struct bs_http *h, struct err *e)
{
	char path[RESTCONF_ROOT_MAX + 96];

	if (restconf_op_path(st->root, op, path, sizeof path, e) < 0)
		return -1;
	memset(h, 0, sizeof *h);
	h->method = "POST";
	h->path = path;
	h->accept = RESTCONF_MEDIA;
	h->content_type = RESTCONF_MEDIA;
	h->body = (const uint8_t *)body;
	h->body_len = strlen(body);
	h->basic = basic && st->trusted ? st->cfg->basic : NULL;
	h->resp = st->body;
	h->resp_cap = sizeof st->body;
	if (st->ops->request(st->ops->ctx, &st->target, h, e) < 0)
		return -1;
	h->path = NULL; /* `path` goes out of scope */
	return 0;
}

/* ------------------------------------------------------------ reports */

/* Every onboarding step as an event (phase "onboarding", step = the progress
 * type), whether or not the report is sent. */
static void step_event(struct bs_state *st, const char *name, const char *msg)
{
	static const struct { const char *suffix, *outcome; } map[] = {
		{ "-initiated", EV_START }, { "-complete", EV_OK }, { "-rebooting", EV_OK },
		{ "-error", EV_FAIL }, { "-warning", EV_WARN },
	};
	struct event ev;
	size_t n = strlen(name);

	memset(&ev, 0, sizeof ev);
	ev.phase = EV_ONBOARDING;
	ev.outcome = EV_INFO;
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
		size_t k = strlen(map[i].suffix);
		if (n > k && strcmp(name + n - k, map[i].suffix) == 0)
			ev.outcome = map[i].outcome;
	}
	ev.step = name;
	ev.source = st->origin[0] ? st->origin : NULL;
	ev.server = st->server[0] ? st->server : NULL;
	ev.round = st->round;
	ev.reason = msg;
	events_emit(&ev);
}

int bs_report_ex(struct bs_state *st, const struct restconf_report *r, struct err *e)
{
	int t = progress_from_name(r->type);
	const char *name = r->type, *msg = r->message;
	struct bs_http h;
	struct err re, scratch;
	char why[300], extra[96];

	if (t < 0)
		return err_set(e, "report-progress: bad type \"%.40s\"", r->type ? r->type : "");
	step_event(st, name, msg);
	if (!progress_wanted((enum progress_type)t, st->report_verbose)) {
		log_debug("bootstrap", "report-progress %s: not sent at reporting-level minimal", name);
		return 0;
	}
	if (!st->report_enabled) {
		log_info("bootstrap", "progress %s%s%s (not reported: %s is not a trusted "
			 "bootstrap server)", name, msg ? ": " : "", msg ? msg : "", st->where);
		return 0;
	}
	extra[0] = 0;
	if (r->n_keys || r->aug_json)
		snprintf(extra, sizeof extra, " [%zu ssh-host-key(s)%s%.40s]", r->n_keys,
			 r->aug_json ? ", " : "", r->aug_json ? r->aug_name : "");
	err_clear(&re);
	if (restconf_report_write(r, st->report, sizeof st->report, &re) < 0 ||
	    post(st, RESTCONF_OP_REPORT, st->report, 1, &h, &re) < 0) {
		log_err("bootstrap", "%s: report-progress %s: %s", st->where, name, re.msg);
		if (progress_must_ack((enum progress_type)t))
			return err_set(e, "report-progress %s: %s", name, re.msg);
		return 0;
	}
	st->reports_sent++;
	if (h.status == 204) {
		log_info("bootstrap", "%s: report-progress %s%s%s%s -> 204", st->where, name,
			 msg ? ": " : "", msg ? msg : "", extra);
		return 0;
	}
	body_excerpt(&h, st->body, h.resp_len, why, sizeof why, &scratch);
	log_err("bootstrap", "%s: report-progress %s: HTTP %d (expected 204)%s%s", st->where,
		name, h.status, why[0] ? ": " : "", why);
	if (progress_must_ack((enum progress_type)t))
		return err_set(e, "report-progress %s: HTTP %d (expected 204)", name, h.status);
	return 0;
}

int bs_report(struct bs_state *st, enum progress_type t, const char *msg, struct err *e)
{
	struct restconf_report r;

	memset(&r, 0, sizeof r);
	r.type = progress_name(t);
	r.message = msg;
	if (!r.type)
		return err_set(e, "report-progress: bad type %d", (int)t);
	return bs_report_ex(st, &r, e);
}

/* The onboarding reporter (onboard.h) over bs_report() / bs_report_ex(). */
static int onboard_report(void *ctx, enum progress_type t, const char *msg, struct err *e)
{
	return bs_report(ctx, t, msg, e);
}

static int onboard_report_ex(void *ctx, const struct restconf_report *r, struct err *e)
{
	return bs_report_ex(ctx, r, e);
}

/* ------------------------------------------------------------ one server */

/*
 * Connect to address st->target.addr: validated when there are anchors;
 * provisional when there are none, or when validation fails and the anchors
 * are not `bound` to this server (a trust anchor from trusted redirect
 * information binds: RFC 8572 section 5.5).
 */
static int connect_server(struct bs_state *st, const struct anchors *ta, int bound, struct err *e)
{
	int trusted = 0, cert_error = 0;

	st->target.url = &st->url;
	st->target.anchors = ta && ta->n ? ta : NULL;
	st->target.clock = st->cfg->clock;
	if (st->target.anchors) {
		if (st->ops->open(st->ops->ctx, &st->target, &trusted, &cert_error, &st->n_addr,
				  e) == 0) {
			st->trusted = trusted;
			visited(st, &st->url, trusted ? 'a' : 'p', 1);
			return 0;
		}
		if (!cert_error)
			return -1;
		if (bound)
			return err_wrap(e, "the trust anchor of the trusted redirect does not "
					"validate this server (no provisional connection)");
		log_warn("bootstrap", "%s: connect: %s; continuing provisionally (trust-state "
			 "FALSE: only signed data will be accepted)", st->where, e->msg);
		st->target.anchors = NULL;
	} else {
		log_info("bootstrap", "%s: no trust anchor for this server: connecting "
			 "provisionally (trust-state FALSE: only signed data will be accepted)",
			 st->where);
	}
	if (st->ops->open(st->ops->ctx, &st->target, &trusted, &cert_error, &st->n_addr, e) < 0)
		return -1;
	st->trusted = 0;
	visited(st, &st->url, 'p', 1);
	return 0;
}

/* GET host-meta and update st->root. 0 when a different root was found. */
static int discover_root(struct bs_state *st)
{
	struct bs_http h;
	struct err e;
	char root[RESTCONF_ROOT_MAX + 1];

	err_clear(&e);
	memset(&h, 0, sizeof h);
	h.method = "GET";
	h.path = HOST_META_PATH;
	h.accept = "application/xrd+xml";
	h.resp = st->body;
	h.resp_cap = HOSTMETA_MAX;
	if (st->ops->request(st->ops->ctx, &st->target, &h, &e) < 0) {
		fail(st, "host-meta", e.msg);
		return -1;
	}
	if (h.status != 200) {
		snprintf(e.msg, sizeof e.msg, "HTTP %d (expected 200)", h.status);
		fail(st, "host-meta", e.msg);
		return -1;
	}
	if (hostmeta_restconf_root(st->body, h.resp_len, root, sizeof root, &e) < 0) {
		fail(st, "host-meta", e.msg);
		return -1;
	}
	if (strcmp(root, st->root) == 0) {
		fail(st, "host-meta", "names the same RESTCONF root");
		return -1;
	}
	log_info("bootstrap", "%s: host-meta: RESTCONF root is %s", st->where, root);
	snprintf(st->root, sizeof st->root, "%s", root);
	return 0;
}

static void log_redirect(struct bs_state *st)
{
	const struct conveyed_redirect *r = &st->res.info.redirect;
	char line[768];
	size_t k = 0;

	for (int i = 0; i < r->n_servers && k < sizeof line; i++) {
		int n = snprintf(line + k, sizeof line - k, "%s%s%s%s:%u%s", i ? ", " : "",
				 strchr(r->servers[i].address, ':') ? "[" : "",
				 r->servers[i].address,
				 strchr(r->servers[i].address, ':') ? "]" : "",
				 (unsigned)r->servers[i].port,
				 r->servers[i].trust_anchor.len ? " (trust-anchor)" : "");
		if (n < 0)
			break;
		k += (size_t)n;
	}
	line[sizeof line - 1] = 0;
	log_info("bootstrap", "%s: verified redirect-information (%s, %s%s): %d server(s): %s",
		 st->where, st->res.signed_data ? "signed" : "unsigned",
		 st->res.trusted ? "trusted" : "untrusted",
		 st->res.anchors_discarded ? ", trust anchors discarded" : "",
		 r->n_servers, line);
}

static int act(struct bs_state *st);

/* Outcome of one address of a server: the server's outcome, or SRV_NEXT
 * (the connection, TLS or the get-bootstrapping-data request failed: the
 * next address of the host may work). */
enum { SRV_NEXT = 2 };

/*
 * The one place a response is judged from: the same verify_response()
 * context, under the same clock policy, for every source (a server with or
 * without a nonce sent, removable media, DNS, mDNS).
 */
static void verify_setup(const struct bs_state *st, struct verify_ctx *vc,
			 const uint8_t *nonce, size_t nonce_len, int trusted)
{
	const struct bs_config *cfg = st->cfg;

	memset(vc, 0, sizeof *vc);
	vc->serial = cfg->serial;
	vc->voucher_anchors = cfg->voucher_anchors;
	vc->n_voucher_anchors = cfg->n_voucher_anchors;
	vc->nonce = nonce;
	vc->nonce_len = nonce_len;
	vc->clock = cfg->clock;
	vc->trusted_source = trusted;
	vc->device_cert = cfg->device_cert;
	vc->device_cert_len = cfg->device_cert_len;
	vc->recipient = cfg->recipient;
}

/*
 * Data from a trusted server that does not parse or verify: it is told,
 * bootstrap-initiated then parsing-error with the reason (RFC 8572 section
 * 5.6 steps 1 and 2; bootstrap-error when bootstrap-initiated is refused).
 */
static void report_parse_error(struct bs_state *st, const char *why)
{
	struct err re;

	if (!st->trusted)
		return;
	st->report_enabled = 1;
	st->report_verbose = 0;
	err_clear(&re);
	if (bs_report(st, PROGRESS_BOOTSTRAP_INITIATED, st->cfg->identity_warning, &re) == 0)
		bs_report(st, PROGRESS_PARSING_ERROR, why, &re);
	else
		bs_report(st, PROGRESS_BOOTSTRAP_ERROR, re.msg, &re);
	st->report_enabled = 0;
}

/* One address of one bootstrap server: get-bootstrapping-data, verify, act. */
static int try_address(struct bs_state *st, const struct anchors *ta, int bound)
{
	const struct bs_config *cfg = st->cfg;
	struct restconf_gbd_input in;
	struct verify_ctx vc;
	struct bs_http h;
	struct err e, scratch;
	char why[400];
	int tried_hostmeta = 0;

	err_clear(&e);
	st->medium = NULL; /* a server's data: file:// is never on a medium */
	log_info("bootstrap", "%s: connecting%s", st->where, st->target.addr > 1 ? " (next address)" : "");
	if (connect_server(st, ta, bound, &e) < 0) {
		fail(st, "connect", e.msg);
		return bound && strstr(e.msg, "no provisional connection") ? SRV_FAIL : SRV_NEXT;
	}
	log_info("bootstrap", "%s: connected, server %s", st->where,
		 st->trusted ? "authenticated (trust-state TRUE)" :
		 "NOT authenticated (provisional, trust-state FALSE)");

	memset(&in, 0, sizeof in);
	st->nonce_sent = 0;
	if (st->trusted) {
		in.hw_model = cfg->hw_model;
		in.os_name = cfg->os_name;
		in.os_version = cfg->os_version;
	} else {
		in.signed_data_preferred = 1;
		if (st->ops->random(st->ops->ctx, st->nonce, sizeof st->nonce) < 0) {
			fail(st, "get-bootstrapping-data", "no random numbers for the nonce");
			return SRV_FAIL;
		}
		in.nonce = st->nonce;
		in.nonce_len = sizeof st->nonce;
		st->nonce_sent = 1;
	}
	if (restconf_gbd_body(&in, st->req, sizeof st->req, &e) < 0) {
		fail(st, "get-bootstrapping-data", e.msg);
		return SRV_FAIL;
	}
again:
	log_info("bootstrap", "%s: POST %s/operations/%s (%s)", st->where, st->root,
		 RESTCONF_OP_GBD, st->trusted ? "trusted server" :
		 "signed-data-preferred, with nonce");
	if (post(st, RESTCONF_OP_GBD, st->req, 1, &h, &e) < 0) {
		fail(st, "get-bootstrapping-data", e.msg);
		return SRV_NEXT;
	}
	if (h.status == 404 && !tried_hostmeta) {
		tried_hostmeta = 1;
		fail(st, "get-bootstrapping-data", "HTTP 404: trying /.well-known/host-meta");
		if (discover_root(st) == 0)
			goto again;
		return SRV_FAIL;
	}
	if (h.status != 200) {
		body_excerpt(&h, st->body, h.resp_len, why, sizeof why, &scratch);
		snprintf(e.msg, sizeof e.msg, "HTTP %d (expected 200)%s%s", h.status,
			 why[0] ? ": " : "", why);
		fail(st, "get-bootstrapping-data", e.msg);
		return SRV_NEXT;
	}
	if (xml_sniff(st->body, h.resp_len)) {
		/* XML is read whatever the Content-Type says (servers that serve
		 * a stored file send what their configuration says): the body's
		 * first byte tells the encoding, the signatures decide. */
		log_info("bootstrap", "%s: get-bootstrapping-data: the reply is XML (Content-Type \"%s\")",
			 st->where, h.resp_type);
	} else if (!restconf_media_ok(h.resp_type)) {
		if (!restconf_media_tolerated(h.resp_type)) {
			snprintf(e.msg, sizeof e.msg, "wrong Content-Type \"%s\" (expected %s)",
				 h.resp_type, RESTCONF_MEDIA);
			fail(st, "get-bootstrapping-data", e.msg);
			return SRV_FAIL;
		}
		log_warn("bootstrap", "%s: get-bootstrapping-data: Content-Type \"%s\" instead of "
			 "%s: taking the body as JSON (it is verified all the same)", st->where,
			 h.resp_type[0] ? h.resp_type : "(none)", RESTCONF_MEDIA);
	}
	log_info("bootstrap", "%s: get-bootstrapping-data: HTTP 200, %zu bytes", st->where,
		 h.resp_len);
	snprintf(why, sizeof why, "HTTP 200, %zu bytes", h.resp_len);
	seen_reply(st, why);

	verify_setup(st, &vc, in.nonce, in.nonce_len, st->trusted);
	if (verify_response(st->body, h.resp_len, &vc, &st->work, &st->res, &e) < 0) {
		fail(st, "verify", e.msg);
		report_parse_error(st, e.msg);
		return SRV_FAIL;
	}
	return act(st);
}

/*
 * One bootstrap server, every resolved address of its host in turn while
 * the connection, TLS or the request fails (RFC 8572 section 5.5). `ta`:
 * the anchors to validate it with (NULL: provisional); `bound`: they come
 * from trusted redirect information and must validate it.
 */
static int try_server(struct bs_state *st, const struct anchors *ta, int bound)
{
	int r = SRV_FAIL;

	st->n_addr = 1;
	for (int a = 1; a <= st->n_addr && a <= BS_MAX_ADDRS; a++) {
		if (a > 1) {
			st->ops->close(st->ops->ctx);
			log_info("bootstrap", "%s: trying address %d of %d of %s", st->where, a,
				 st->n_addr, st->url.host);
		}
		st->target.addr = a;
		r = try_address(st, ta, bound);
		if (r != SRV_NEXT)
			return r;
	}
	return SRV_FAIL;
}

/* Extend the artifacts the device is about to act on into the provisioning
 * PCR (measure.h; a no-op without a TPM). A measurement that fails means the
 * device cannot prove what it installed: the onboarding is not done. */
static int measure_verified(const struct bs_state *st, struct err *e)
{
	const struct verify_result *r = &st->res;
	if (!measure_active())
		return 0;
	if (r->ov && measure_data("voucher", st->where, r->ov, r->ov_len, e) < 0)
		return -1;
	if (r->oc && measure_data("owner-certificate", st->where, r->oc, r->oc_len, e) < 0)
		return -1;
	return measure_data("conveyed-information", st->where, r->ci, r->ci_len, e);
}

/* Say when the XML encoding carried the data, and warn about a namespace
 * whose letter case is not the RFC's (accepted all the same). */
static void log_xml(const struct bs_state *st)
{
	if (st->res.conveyed_xml)
		log_info("bootstrap", "%s: conveyed information in the XML encoding", st->where);
	if (st->res.ns_case)
		log_warn("bootstrap", "%s: an XML namespace differs from the RFC's in letter case "
			 "(e.g. \"ietf-SZTP-bootstrap-server\"): accepted", st->where);
}

/* Act on the verified st->res: copy a redirect, or onboard. */
static int act(struct bs_state *st)
{
	struct onboard_reporter rep = { st, onboard_report, onboard_report_ex };
	struct onboard_input in;
	struct err e;

	err_clear(&e);
	log_xml(st);
	if (st->res.signed_data)
		log_info("bootstrap", "%s: ownership voucher accepted: %s", st->where,
			 st->res.freshness);
	if (st->res.info.kind == CONVEYED_REDIRECT) {
		struct bs_list *l;
		char okm[96];
		log_redirect(st);
		snprintf(okm, sizeof okm, "ok: %s redirect-information, %d server(s)",
			 st->res.signed_data ? "signed" : st->res.trusted ? "trusted" : "untrusted",
			 st->res.info.redirect.n_servers);
		seen(st, okm);
		event(st, EV_OK, "redirect-information", okm + 4);
		if (st->redirects >= BS_MAX_REDIRECTS || st->depth >= BS_MAX_REDIRECTS) {
			char m[80];
			snprintf(m, sizeof m, "more than %d redirects from this source: not followed",
				 BS_MAX_REDIRECTS);
			fail(st, "redirect", m);
			return SRV_FAIL;
		}
		l = &st->lists[st->depth];
		if (bs_list_copy(l, &st->res.info.redirect, st->res.trusted, &e) < 0) {
			fail(st, "redirect", e.msg);
			return SRV_FAIL;
		}
		l->next = 0;
		l->loops = l->progressed = 0;
		l->number = ++st->redirects;
		if (st->url.host[0])
			url_hostport(&st->url, l->from, sizeof l->from);
		else
			snprintf(l->from, sizeof l->from, "%.64s", st->where);
		st->depth++;
		return SRV_REDIRECT;
	}
	if (st->res.info.kind != CONVEYED_ONBOARDING) {
		fail(st, "verify", "neither redirect nor onboarding information");
		return SRV_FAIL;
	}
	log_info("bootstrap", "%s: verified onboarding-information (%s%s), reporting-level %s",
		 st->where, st->res.signed_data ? "signed" : "unsigned, from a trusted server",
		 st->res.encrypted ? ", encrypted" : "",
		 st->res.reporting_level == VERIFY_REPORT_VERBOSE ? "verbose" : "minimal");
	{
		char m[96];
		snprintf(m, sizeof m, "ok: %s onboarding-information%s",
			 st->res.signed_data ? "signed" : "unsigned (trusted server)",
			 st->res.encrypted ? ", encrypted" : "");
		seen(st, m);
		event(st, EV_OK, "onboarding-information", m + 4);
		events_phase(EV_ONBOARDING, "acting on the onboarding information from %s",
			     st->where);
	}
	if (measure_verified(st, &e) < 0) {
		fail(st, "measure", e.msg);
		return SRV_FAIL;
	}
	st->report_enabled = st->trusted;
	st->report_verbose = st->res.reporting_level == VERIFY_REPORT_VERBOSE;
	st->reports_sent = 0;
	if (!st->trusted)
		log_info("bootstrap", "%s: progress will not be reported: the server is not "
			 "trusted (only a trusted server gets reports)", st->where);
	memset(&in, 0, sizeof in);
	in.install = st->cfg->install;
	in.reporter = &rep;
	in.report_enabled = st->report_enabled;
	in.report_verbose = st->report_verbose;
	in.where = st->where;
	in.medium = st->medium;
	in.identity_warning = st->cfg->identity_warning;
	in.no_pivot = st->cfg->no_pivot;
	in.nonce = st->nonce_sent ? st->nonce : NULL;
	in.nonce_len = st->nonce_sent ? sizeof st->nonce : 0;
	in.random = st->ops->random;
	in.random_ctx = st->ops->ctx;
	if (onboard_run(&in, &st->res.info.onboarding, &st->ow, &e) < 0) {
		fail(st, "onboarding", e.msg);
		return SRV_FAIL;
	}
	if (st->url.host[0])
		url_hostport(&st->url, st->done_server, sizeof st->done_server);
	else
		snprintf(st->done_server, sizeof st->done_server, "%.200s", st->where);
	return SRV_DONE;
}

/* ------------------------------------------------------------ one source */

static void set_where(struct bs_state *st, const char *origin)
{
	char hp[URL_HOST_MAX + 16];
	url_hostport(&st->url, hp, sizeof hp);
	snprintf(st->where, sizeof st->where, "https://%s (%s)", hp, origin);
	snprintf(st->server, sizeof st->server, "https://%.*s", (int)sizeof st->server - 9, hp);
	snprintf(st->origin, sizeof st->origin, "%s", origin);
}

/* Bootstrapping data at hand (media, DNS): untrusted, no nonce, no reports. */
static int try_local(struct bs_state *st, const struct bs_source *src)
{
	struct verify_ctx vc;
	struct err e;

	snprintf(st->where, sizeof st->where, "%.200s (%.32s)", src->uri, src->origin);
	snprintf(st->server, sizeof st->server, "%.200s", src->uri);
	snprintf(st->origin, sizeof st->origin, "%.32s", src->origin);
	memset(&st->url, 0, sizeof st->url);
	st->trusted = 0;
	st->medium = src->medium;
	st->nonce_sent = 0;
	if (src->response_len > sizeof st->body) {
		fail(st, "verify", "bootstrapping data larger than the reply limit");
		return SRV_FAIL;
	}
	memcpy(st->body, src->response, src->response_len);
	log_info("bootstrap", "%s: %zu bytes of bootstrapping data (untrusted source)", st->where,
		 src->response_len);
	verify_setup(st, &vc, NULL, 0, 0);
	err_clear(&e);
	if (verify_response(st->body, src->response_len, &vc, &st->work, &st->res, &e) < 0) {
		fail(st, "verify", e.msg);
		return SRV_FAIL;
	}
	return act(st);
}

/*
 * The next server of the innermost open redirect list: 1 with st->url,
 * st->where, st->root set and *ta / *bound saying how to trust it; 0 when
 * the innermost list is exhausted (it is closed: back to the enclosing one).
 */
static int next_entry(struct bs_state *st, const struct anchors **ta, int *bound)
{
	struct bs_list *l = &st->lists[st->depth - 1];
	char origin[CONVEYED_HOST_MAX + 64];

	while (l->next < l->n) {
		int i = l->next++;
		const struct conveyed_server *s = &l->servers[i];
		struct err ue;

		*ta = NULL;
		*bound = 0;
		if (bs_server_url(s->address, s->port, &st->url, &ue) < 0) {
			log_warn("bootstrap", "redirect entry %d \"%.64s\": %s", i + 1, s->address,
				 ue.msg);
			continue;
		}
		snprintf(origin, sizeof origin, "redirect %d from %s", l->number, l->from);
		set_where(st, origin);
		snprintf(st->root, sizeof st->root, "%s", l->roots[i]);
		if (l->trusted && s->trust_anchor.len) {
			if (bs_anchors_from_cms(&st->ta, s->trust_anchor.data, s->trust_anchor.len,
						st->cfg->clock, &ue) < 0) {
				fail(st, "trust-anchor", ue.msg);
				continue;
			}
			*ta = &st->ta;
			*bound = 1;
		} else if (l->trusted) {
			*ta = st->cfg->anchors; /* trusted redirect without anchor: ours */
		}
		/* the same server in the same trust state again is a loop; a
		 * provisional contact followed by an authenticated one is not */
		if (visited(st, &st->url, *ta && (*ta)->n ? 'a' : 'p', 1)) {
			fail(st, "redirect loop", "this server was already contacted from this "
			     "source in this trust state; skipping it");
			l->loops++;
			continue;
		}
		l->progressed = 1;
		return 1;
	}
	if (!l->progressed && l->loops) {
		log_err("bootstrap", "redirect loop: every server of the redirect from %s was "
			"already contacted", l->from);
		snprintf(st->last, sizeof st->last,
			 "redirect loop: every redirect target was already contacted");
	} else if (st->depth > 1) {
		log_warn("bootstrap", "every server of redirect %d (from %s) failed: back to the "
			 "rest of redirect %d", l->number, l->from, st->lists[st->depth - 2].number);
	}
	st->depth--;
	return 0;
}

static int try_source(struct bs_state *st, const struct bs_source *src, struct err *e)
{
	const struct bs_config *cfg = st->cfg;
	int r;

	st->n_visited = 0;
	st->depth = 0;
	st->redirects = 0;
	snprintf(st->last, sizeof st->last, "none");
	if (src->response) {
		r = try_local(st, src);
	} else {
		const struct anchors *ta = cfg->anchors;
		if (url_parse(&st->url, src->uri, strlen(src->uri), e) < 0)
			return -1;
		if (restconf_root_from_path(st->url.path, st->root, sizeof st->root, e) < 0)
			return -1;
		set_where(st, src->origin);
		visited(st, &st->url, ta && ta->n ? 'a' : 'p', 1);
		/* A source URI is unsigned redirect information: the configured anchors only. */
		r = try_server(st, ta, 0);
	}
	/* redirects: depth-first, back to the enclosing list when a nested one fails */
	while (r != SRV_DONE && st->depth > 0) {
		const struct anchors *ta;
		int bound;
		if (!next_entry(st, &ta, &bound))
			continue;
		r = try_server(st, ta, bound);
	}
	if (r == SRV_DONE)
		return 0;
	if (strncmp(st->last, "redirect loop: every", 20) == 0)
		return err_set(e, "%s", st->last);
	return err_set(e, "no bootstrap server of this source succeeded (last: %s)", st->last);
}

/* ------------------------------------------------------------ the loop */

/* Insert the fallback sources at cfg->fallback_at (once, in round 1). */
static int add_fallback(const struct bs_config *cfg, struct bs_source *src, int n)
{
	static struct bs_source more[BS_MAX_SOURCES];
	int at = cfg->fallback_at < 0 ? 0 : cfg->fallback_at > n ? n : cfg->fallback_at;
	int k = cfg->fallback(cfg->fallback_ctx, more, BS_MAX_SOURCES - n);

	if (k <= 0) {
		log_info("bootstrap", "no further source from the deferred discovery");
		return n;
	}
	if (k > BS_MAX_SOURCES - n)
		k = BS_MAX_SOURCES - n;
	memmove(&src[at + k], &src[at], (size_t)(n - at) * sizeof src[0]);
	memcpy(&src[at], more, (size_t)k * sizeof src[0]);
	for (int i = at; i < at + k; i++)
		log_info("bootstrap", "  %d. %s (%s) (found now)", i + 1, src[i].uri, src[i].origin);
	return n + k;
}

int bs_run(struct bs_state *st, const struct bs_config *cfg, const struct bs_ops *ops,
	   const struct bs_source *given, int n, struct err *e)
{
	static struct bs_source src[BS_MAX_SOURCES];
	struct backoff bo;
	int64_t deadline = 0;
	int fallback = cfg->fallback != NULL;

	st->cfg = cfg;
	st->ops = ops;
	st->done_server[0] = 0;
	st->server[0] = st->origin[0] = 0;
	st->n_seen = 0;
	st->round = 0;
	if (!cfg->clock)
		return err_set(e, "no clock policy (trust/clock.h)");
	if (n <= 0)
		return err_set(e, "no bootstrap source (no sztp.url=, DHCP option or built-in server)");
	if (n > BS_MAX_SOURCES)
		n = BS_MAX_SOURCES;
	memcpy(src, given, (size_t)n * sizeof src[0]);
	backoff_init(&bo, cfg->backoff_min_ms > 0 ? cfg->backoff_min_ms : 1000,
		     cfg->backoff_max_ms > 0 ? cfg->backoff_max_ms : 60000);
	if (cfg->timeout_s > 0)
		deadline = ops->now_ms(ops->ctx) + (int64_t)cfg->timeout_s * 1000;
	events_phase(EV_BOOTSTRAP, "%d source(s)%s", n,
		     cfg->timeout_s || cfg->max_rounds ? "" : ", tried until one works");
	log_info("bootstrap", "%d source(s), tried in this order:", n);
	for (int i = 0; i < n; i++)
		log_info("bootstrap", "  %d. %s (%s)", i + 1, src[i].uri, src[i].origin);
	log_info("bootstrap", "bootstrap-server trust anchors: %zu%s", cfg->anchors ? cfg->anchors->n : 0,
		 cfg->anchors && cfg->anchors->n ? "" : " (every server is contacted provisionally)");

	for (st->round = 1;; st->round++) {
		uint8_t rb[4];
		uint32_t rnd;
		int delay;

		log_info("bootstrap", "round %d%s", st->round,
			 cfg->timeout_s || cfg->max_rounds ? "" :
			 " (retrying forever; sztp.timeout= bounds it)");
		for (int i = 0;; i++) {
			struct err se;
			if (fallback && i == cfg->fallback_at) {
				fallback = 0;
				log_info("bootstrap", "the sources found at boot failed: "
					 "running the deferred discovery");
				n = add_fallback(cfg, src, n);
			}
			if (i >= n)
				break;
			err_clear(&se);
			log_info("bootstrap", "source %d/%d: %s (%s)", i + 1, n, src[i].uri,
				 src[i].origin);
			if (try_source(st, &src[i], &se) == 0) {
				ops->close(ops->ctx);
				log_info("bootstrap", "bootstrapping complete via %s (source %s, round %d)",
					 st->done_server, src[i].uri, st->round);
				event(st, EV_OK, "complete", NULL);
				return 0;
			}
			ops->close(ops->ctx);
			log_warn("bootstrap", "source %d/%d %s (%s) failed: %s", i + 1, n, src[i].uri,
				 src[i].origin, se.msg);
			snprintf(st->server, sizeof st->server, "%.200s", src[i].uri);
			snprintf(st->origin, sizeof st->origin, "%.32s", src[i].origin);
			event(st, EV_FAIL, "source", se.msg);
			snprintf(st->last, sizeof st->last, "%s", se.msg);
			if (deadline && ops->now_ms(ops->ctx) >= deadline)
				return err_set(e, "gave up after %d s (sztp.timeout) in round %d",
					       cfg->timeout_s, st->round);
		}
		if (cfg->max_rounds && st->round >= cfg->max_rounds)
			return err_set(e, "no bootstrap source succeeded in %d round(s)", st->round);
		if (ops->random(ops->ctx, rb, sizeof rb) < 0)
			memset(rb, 0, sizeof rb);
		rnd = (uint32_t)rb[0] << 24 | (uint32_t)rb[1] << 16 | (uint32_t)rb[2] << 8 | rb[3];
		delay = backoff_next(&bo, rnd);
		if (deadline && ops->now_ms(ops->ctx) + delay >= deadline)
			return err_set(e, "gave up after %d s (sztp.timeout): round %d failed and the "
				       "next would start too late", cfg->timeout_s, st->round);
		log_info("bootstrap", "round %d failed; next round in %d ms", st->round, delay);
		{
			char m[64];
			snprintf(m, sizeof m, "round %d failed; next round in %d ms", st->round, delay);
			st->server[0] = st->origin[0] = 0;
			event(st, EV_RETRY, "round", m);
		}
		ops->sleep_ms(ops->ctx, delay);
	}
}

void bs_result_event(const struct bs_state *st, struct event *ev, char *os, size_t cap)
{
	const struct conveyed_boot_image *bi = &st->res.info.onboarding.boot_image;
	const struct install_result *r = &st->ow.r;

	ev->server = st->server[0] ? st->server : NULL;
	ev->source = st->origin[0] ? st->origin : NULL;
	os[0] = 0;
	if (st->res.info.kind == CONVEYED_ONBOARDING && bi->present && bi->os_name[0])
		snprintf(os, cap, "%s%s%s", bi->os_name, bi->os_version[0] ? " " : "", bi->os_version);
	else if (r->osr.pretty_name[0])
		snprintf(os, cap, "%s", r->osr.pretty_name);
	ev->os = os[0] ? os : NULL;
	ev->disk = r->disk[0] ? r->disk : NULL;
	ev->bytes = r->installed ? r->image.bytes_out : 0;
}
