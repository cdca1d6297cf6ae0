/*
 * boot.c: the boot sequence, as PID 1. Each stage lives in its own file; this
 * one only says in which order they run and what a failure means.
 */
#include "boot/boot.h"

#include "boot/coldplug.h"
#include "base/config.h"
#include "sztp/contact.h"
#include "boot/early.h"
#include "base/err.h"
#include "boot/finish.h"
#include "boot/hooks.h"
#include "boot/identity.h"
#include "boot/report.h"
#include "boot/handover.h"
#include "base/events.h"
#include "base/log.h"
#include "net/net.h"
#include "sztp/bs_setup.h"
#include "trust/serial.h"

#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#ifndef SZTP_VERSION
#define SZTP_VERSION "unknown"
#endif

static struct sztp_config cfg;
static struct net_result net;
static struct contact_identity tpm_id;
static struct install_opts inst;

static void announce(void)
{
	struct utsname u;
	struct event ev;
	int r;

	uname(&u);
	log_info("sztpboot", "sztpboot %s starting on Linux %s (pid %d)", SZTP_VERSION,
		 u.release, (int)getpid());
	if ((r = events_open(EVENTS_PATH)) < 0)
		log_warn("sztpboot", "%s: %s: no events are written", EVENTS_PATH, strerror(-r));
	memset(&ev, 0, sizeof ev);
	ev.phase = EV_BOOT;
	ev.outcome = EV_START;
	ev.version = SZTP_VERSION;
	ev.reason = u.release;
	events_emit(&ev);
}

/*
 * The banner: who the device is and where its identity lives, once the TPM
 * has been looked at (the serial comes from the IDevID certificate); without
 * one, key_file says whether the key file is there to fall back to.
 */
static void banner(const struct contact_identity *id, const char *why_no_tpm, int key_file)
{
	char serial[CFG_STR], where[CFG_STR + 96];
	struct event ev;

	memset(&ev, 0, sizeof ev);
	if (id) {
		snprintf(where, sizeof where, "in the TPM: %s", id->what ? id->what : "IDevID");
		ev.identity = "tpm";
	} else if (key_file) {
		snprintf(where, sizeof where, "in a file: %s/idevid.key (no TPM-held IDevID: %.80s)",
			 SZTP_DEVICE_DIR, why_no_tpm ? why_no_tpm : "not said");
		ev.identity = "file";
	} else {
		snprintf(where, sizeof where, "none: no TPM-held IDevID (%.80s) and no key file %s/"
			 "idevid.key", why_no_tpm ? why_no_tpm : "not said", SZTP_DEVICE_DIR);
		ev.identity = "none";
	}
	if (cfg.serial[0])
		snprintf(serial, sizeof serial, "%s", cfg.serial);
	else if (device_serial(&cfg, serial, sizeof serial) < 0)
		snprintf(serial, sizeof serial, "unknown");
	events_set_serial(strcmp(serial, "unknown") ? serial : NULL);
	hooks_setenv("SZTP_SERIAL", strcmp(serial, "unknown") ? serial : NULL);
	log_always("sztpboot", LOG_RULE);
	log_always("sztpboot", "SZTP zero-touch provisioning, sztpboot %s", SZTP_VERSION);
	log_always("sztpboot", "device serial %s, identity %s", serial, where);
	log_always("sztpboot", LOG_RULE);
	ev.phase = EV_BOOT;
	ev.outcome = strcmp(ev.identity, "none") ? EV_OK : EV_FAIL;
	ev.step = "identity";
	ev.version = SZTP_VERSION;
	ev.reason = where;
	events_emit(&ev);
}

/* The network stage's result as events: the lease and every source found. */
static void network_events(void)
{
	char m[CFG_STR + 64];
	struct event ev;

	memset(&ev, 0, sizeof ev);
	ev.phase = EV_NETWORK;
	ev.outcome = EV_OK;
	ev.step = "address";
	if (net.have_lease)
		net_lease_summary(m, sizeof m, net.ifname, &net.lease);
	else
		snprintf(m, sizeof m, "%s on %s", net.have_static ? "static ip=" :
			 net.have_addr6 ? "IPv6" : "no address", net.ifname[0] ? net.ifname : "no link");
	ev.reason = m;
	events_emit(&ev);
	ev.outcome = EV_INFO;
	ev.step = "source";
	ev.reason = NULL;
	for (int i = 0; i < net.n_order; i++) {
		const struct net_source *o = &net.order[i];
		if (o->kind == NET_SRC_URI && o->index >= 0 && o->index < net.n_uris) {
			ev.server = net.uris[o->index].uri;
			ev.source = net.uris[o->index].source;
		} else if (o->kind == NET_SRC_ARTIFACTS && o->index >= 0 &&
			   o->index < net.n_artifacts) {
			ev.server = net.artifacts[o->index].where;
			ev.source = net.artifacts[o->index].source;
		} else {
			continue;
		}
		events_emit(&ev);
	}
}

int cmd_boot(int argc, char **argv)
{
	struct err e = { "" };
	char why[sizeof e.msg + 64];
	int tpm;
	(void)argc, (void)argv;

	early_setup();
	config_defaults(&cfg);
	config_load_cmdline(&cfg, NULL);
	log_set_level(cfg.debug ? LOG_DEBUG : cfg.quiet ? LOG_WARN : LOG_INFO);
	announce();
	hooks_run(&cfg, "cmdline");

	/* The TPM first, so that the modules coldplug loads are measured; its
	 * driver may itself be a module, so try again after coldplug. */
	events_phase(EV_HARDWARE, "TPM and kernel modules");
	tpm = identity_measure(&cfg, &e);
	if (coldplug_run(500, 15000, &e) < 0) {
		snprintf(why, sizeof why, "hardware: %s", e.msg);
		finish_emergency(&cfg, why);
	}
	if (tpm < 0 && (tpm = identity_measure(&cfg, &e)) < 0) {
		log_warn("tpm", "%s: provisioning is not measured", e.msg);
		events_note(EV_HARDWARE, EV_WARN, "tpm", e.msg);
	} else {
		snprintf(why, sizeof why, "TPM: measuring provisioning into PCR %d", cfg.pcr);
		events_note(EV_HARDWARE, EV_OK, "tpm", why);
	}
	if (!cfg.enabled) {
		handover_install_opts(&cfg, &inst);
		stage_disabled(&cfg, &inst);
	}

	/* Who the device is: the TPM-held IDevID names the serial that
	 * discovery (DNS, media) and the vouchers use, unless sztp.serial= did. */
	if (identity_tpm(&tpm_id, &e) < 0) {
		int key_file = access(SZTP_DEVICE_DIR "/idevid.key", R_OK) == 0;
		if (key_file)
			log_warn("tpm", "no TPM-held IDevID (%s): using the key file", e.msg);
		else
			log_err("tpm", "no TPM-held IDevID (%s), and no key file %s/idevid.key: "
				"the device cannot identify itself", e.msg, SZTP_DEVICE_DIR);
		banner(NULL, e.msg, key_file);
	} else {
		if (!cfg.serial[0])
			snprintf(cfg.serial, sizeof cfg.serial, "%s", tpm_id.serial);
		banner(&tpm_id, NULL, 0);
	}

	hooks_run(&cfg, "pre-network");
	events_phase(EV_NETWORK, "links, addresses and discovery");
	report_set_network(&net);
	if (stage_network(&cfg, coldplug_load, &net, &e) < 0) {
		snprintf(why, sizeof why, "network: %s", e.msg);
		finish_emergency(&cfg, why);
	}
	network_events();
	hooks_setenv("SZTP_IFNAME", net.ifname[0] ? net.ifname : NULL);

	hooks_run(&cfg, "pre-bootstrap");
	handover_install_opts(&cfg, &inst);
	if (stage_contact(&cfg, &net, tpm < 0 || !tpm_id.tls ? NULL : &tpm_id, identity_floor(),
			  &inst, &e) < 0) {
		snprintf(why, sizeof why, "bootstrap: %s", e.msg);
		finish_emergency(&cfg, why);
	}

	stage_handover(&cfg, &net, &inst);
}
