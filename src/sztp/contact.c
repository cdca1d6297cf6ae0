/* contact.c: the bootstrap stage of the boot sequence (see contact.h). */
#include "sztp/contact.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/b64.h"
#include "base/events.h"
#include "sztp/bootstrap.h"
#include "sztp/bs_https.h"
#include "sztp/bs_setup.h"
#include "base/log.h"

#define DMI_PRODUCT "/sys/class/dmi/id/product_name"

static struct bs_state state;
static struct bs_setup setup;
static struct bs_https transport;
static struct onboard_ops install_ops;
static char builtin[BS_MAX_SOURCES][CFG_STR + 2];
/* get-bootstrapping-data output bodies made from artifact sources */
#define ART_RESP_MAX (B64_ENCODED_LEN(NET_CI_MAX) + 2 * B64_ENCODED_LEN(NET_CMS_MAX) + 256)
static char art_resp[NET_MAX_ARTIFACTS][ART_RESP_MAX];
static char hw_model[RESTCONF_STR_MAX];
static char basic[RESTCONF_STR_MAX];
static struct clock_policy clock_pol;

/* This boot's clock policy (clock.h): build time, RTC, TPM floor. */
static void clock_setup(const struct sztp_config *cfg, const struct clock_floor *floor)
{
	struct err e;
	time_t f = 0;
	int have = 0;
	char line[512];

	if (floor) {
		have = floor->read(floor->ctx, &f, &e);
		if (have < 0)
			log_warn("clock", "TPM floor: %s; going on without it", e.msg);
	}
	clock_policy_init(&clock_pol, cfg->clock, clock_build_time(), time(NULL),
			  have > 0 ? &f : NULL);
	clock_pol.nonce_required = cfg->nonce_required;
	log_info("clock", "%s", clock_describe(&clock_pol, line, sizeof line));
}

/* After a successful onboarding: raise the TPM floor (never lowered). */
static void clock_advance(const struct clock_floor *floor)
{
	struct err e;
	char t[CLOCK_STR_MAX];
	time_t to;

	if (!floor) {
		log_info("clock", "no TPM: no clock floor to advance");
		return;
	}
	to = clock_floor_next(&clock_pol, state.res.signed_data ? state.res.signed_time : 0);
	if (floor->advance(floor->ctx, to, &e) < 0)
		log_warn("clock", "TPM floor not advanced to %s: %s", clock_fmt(to, t, sizeof t),
			 e.msg);
}

/* Read one line of `path` into buf (without the newline). 0 or -1. */
static int read_line(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	if (!fgets(buf, (int)cap, f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	buf[strcspn(buf, "\r\n")] = 0;
	for (char *p = buf; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return buf[0] ? 0 : -1;
}

/* Append the built-in servers to src[*n..]. */
static void add_builtin(struct bs_source *src, int *n)
{
	char line[CFG_STR + 2];
	FILE *f = fopen(CONTACT_SERVERS, "re");
	int k = 0;

	if (!f)
		return;
	while (*n < BS_MAX_SOURCES && k < BS_MAX_SOURCES && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n#")] = '\0';
		if (!line[0])
			continue;
		snprintf(builtin[k], sizeof builtin[k], "%s", line);
		src[*n].uri = builtin[k];
		src[*n].origin = "built-in";
		(*n)++;
		k++;
	}
	fclose(f);
}

static int ran;

const struct bs_state *contact_state(void)
{
	return ran ? &state : NULL;
}

void contact_summary(const char *next)
{
	const struct install_result *r = &state.ow.r;
	const struct conveyed_onboarding *ob = &state.res.info.onboarding;
	struct event ev;
	struct timespec t;
	char os[160];
	double up;

	clock_gettime(CLOCK_BOOTTIME, &t);
	up = (double)t.tv_sec + (double)t.tv_nsec / 1e9;
	memset(&ev, 0, sizeof ev);
	ev.phase = EV_RESULT;
	ev.outcome = EV_OK;
	bs_result_event(&state, &ev, os, sizeof os);
	ev.duration = up;
	ev.action = next;
	log_always("sztpboot", LOG_RULE);
	log_always("sztpboot", "SZTP PROVISIONED in %.1f s (since the kernel started)", up);
	if (r->msg[0])
		log_always("sztpboot", "installed: %s%s%s", r->msg, r->root_dev[0] ? "; root " : "",
			   r->root_dev);
	else
		log_always("sztpboot", "installed: nothing (the onboarding information asks for "
			   "no boot image, script or configuration)");
	if (ob->configuration.len)
		log_always("sztpboot", "configuration: %zu-byte archive applied (%s): %d files, "
			   "%d directories, %d links", ob->configuration.len,
			   ob->handling == CONVEYED_HANDLING_REPLACE ? "replace" : "merge",
			   state.ow.cr.files, state.ow.cr.dirs, state.ow.cr.links);
	if (ob->pre_script.len || ob->post_script.len)
		log_always("sztpboot", "scripts: pre-configuration-script %s, post-configuration-"
			   "script %s", ob->pre_script.len ? "ran" : "none",
			   ob->post_script.len ? "ran" : "none");
	log_always("sztpboot", "server: %s (%s), %s onboarding information", state.server,
		   state.origin, state.res.signed_data ? "signed" : "unsigned (trusted server)");
	log_always("sztpboot", "next: %s", next);
	log_always("sztpboot", "log: /run/sztp/sztpboot.log, events %s%s", EVENTS_PATH,
		   r->mounted ? " (copied to /var/log/sztp/ in the new OS)" : "");
	log_always("sztpboot", LOG_RULE);
	events_emit(&ev);
}

struct install_result *contact_new_root(void)
{
	return state.ow.ready && state.ow.r.mounted ? &state.ow.r : NULL;
}

/* The sources of net->order[first..] into src[0..max). */
static int sources_from(const struct net_result *net, int first, struct bs_source *src, int max)
{
	int n = 0;

	/* The network stage's order: media, cmdline, DHCP, DNS (net.h). */
	for (int i = first; i < net->n_order && n < max; i++) {
		const struct net_source *o = &net->order[i];
		if (o->kind == NET_SRC_URI && o->index >= 0 && o->index < net->n_uris) {
			src[n].uri = net->uris[o->index].uri;
			src[n].origin = net->uris[o->index].source;
			n++;
		} else if (o->kind == NET_SRC_ARTIFACTS && o->index >= 0 &&
			   o->index < net->n_artifacts && o->index < NET_MAX_ARTIFACTS) {
			const struct net_artifacts *a = &net->artifacts[o->index];
			long len = net_artifacts_response(a, art_resp[o->index], ART_RESP_MAX);
			if (len < 0) {
				log_warn("bootstrap", "%s (%s): bootstrapping data too large; skipped",
					 a->where, a->source);
				continue;
			}
			src[n].uri = a->where;
			src[n].origin = a->source;
			src[n].response = (const uint8_t *)art_resp[o->index];
			src[n].response_len = (size_t)len;
			src[n].medium = a->medium[0] ? a->medium : NULL;
			n++;
		}
	}
	return n;
}

int contact_sources(const struct net_result *net, struct bs_source *src, int max)
{
	int n = sources_from(net, 0, src, max);

	/* A network stage that left no order: its URIs as listed. */
	if (net->n_order == 0)
		for (int i = 0; i < net->n_uris && n < max; i++) {
			src[n].uri = net->uris[i].uri;
			src[n].origin = net->uris[i].source;
			n++;
		}
	return n;
}

/* bs_config.fallback: the DNS/mDNS discovery the network stage deferred. */
static int deferred_sources(void *ctx, struct bs_source *src, int max)
{
	struct net_result *net = ctx;
	int first = net->n_order;
	if (net_discover_deferred(net) <= 0)
		return 0;
	return sources_from(net, first, src, max);
}

int stage_contact(const struct sztp_config *cfg, struct net_result *net,
		  const struct contact_identity *id, const struct clock_floor *floor,
		  struct install_opts *inst, struct err *e)
{
	struct bs_paths p;
	struct bs_config bc;
	struct bs_ops ops;
	struct https_limits lim = { BS_CONNECT_MS, BS_HEADER_MS, BS_IDLE_MS, BS_TOTAL_MS };
	struct bs_source src[BS_MAX_SOURCES];
	int n = 0, rc;

	memset(&p, 0, sizeof p);
	memset(&bc, 0, sizeof bc);
	clock_setup(cfg, floor);
	p.cert = SZTP_DEVICE_DIR "/chain.pem";
	{
		FILE *f = fopen(p.cert, "re");
		if (f)
			fclose(f);
		else
			p.cert = SZTP_DEVICE_DIR "/idevid.pem";
	}
	p.key = SZTP_DEVICE_DIR "/idevid.key";
	p.serial = cfg->serial[0] ? cfg->serial : NULL;
	p.bootstrap_anchors = SZTP_ANCHORS_DIR "/bootstrap";
	p.voucher_anchors = SZTP_ANCHORS_DIR "/voucher";
	if (id) {
		if (bs_setup_trust(&setup, &p, &bc, e) < 0)
			return err_wrap(e, "trust anchors");
		bc.serial = p.serial ? p.serial : id->serial;
		bc.device_cert = id->cert;
		bc.device_cert_len = id->cert_len;
		bc.recipient = id->recipient;
		log_info("bootstrap", "device serial %s (TPM-held IDevID), %zu bootstrap and "
			 "%zu voucher trust anchor(s)", bc.serial, setup.boot_anchors.n,
			 setup.n_voucher);
	} else if (bs_setup_load(&setup, &p, &bc, e) < 0) {
		return err_wrap(e, "device identity");
	}

	memset(src, 0, sizeof src);
	n = contact_sources(net, src, BS_MAX_SOURCES);
	if (net->dns_deferred) {
		bc.fallback = deferred_sources;
		bc.fallback_ctx = net;
		bc.fallback_at = n;
	}
	add_builtin(src, &n);

	bc.clock = &clock_pol;
	bc.timeout_s = cfg->timeout_s;
	if (read_line(DMI_PRODUCT, hw_model, sizeof hw_model) == 0)
		bc.hw_model = hw_model;
	/* HTTP Basic credentials, "user:password" on one line; the engine
	 * sends them to trusted servers only (RFC 8572 section 9.6) */
	if (read_line(CONTACT_BASIC, basic, sizeof basic) == 0) {
		if (strchr(basic, ':')) {
			bc.basic = basic;
			log_info("bootstrap", "HTTP Basic credentials from %s: sent to trusted "
				 "bootstrap servers only", CONTACT_BASIC);
		} else {
			log_warn("bootstrap", "%s: not \"user:password\", ignored", CONTACT_BASIC);
		}
	}
	bc.target_root = cfg->root[0] ? cfg->root : NULL;
	bc.target_disk = cfg->disk[0] ? cfg->disk : NULL;
	if (inst) {
		/* image servers: validated against the bootstrap anchors when they
		 * can be; the image's sha-256 protects it either way */
		inst->serial = bc.serial;
		inst->anchors = bc.anchors;
		inst->allow_unvalidated = 1;
		inst->clock = &clock_pol;
		inst->client = id ? id->tls : &setup.tls;
		onboard_ops_install(&install_ops, inst);
		bc.install = &install_ops;
	}
	bs_https_init(&transport, &ops, &lim, id ? id->tls : &setup.tls);
	ran = 1;
	rc = bs_run(&state, &bc, &ops, src, n, e);
	if (rc == 0)
		clock_advance(floor);
	if (inst) {
		inst->anchors = NULL; /* cleared below */
		inst->clock = NULL;
		inst->client = NULL;
		inst->serial = NULL;
	}
	bs_setup_clear(&setup);
	return rc;
}
