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
#include "boot/handover.h"
#include "base/log.h"
#include "net/net.h"

#include <stdio.h>
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
	uname(&u);
	log_info("sztpboot", "sztpboot %s starting on Linux %s (pid %d)", SZTP_VERSION,
		 u.release, (int)getpid());
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
	tpm = identity_measure(&cfg, &e);
	if (coldplug_run(500, 15000, &e) < 0)
		finish_emergency(&cfg, e.msg);
	if (tpm < 0 && (tpm = identity_measure(&cfg, &e)) < 0)
		log_warn("tpm", "%s: provisioning is not measured", e.msg);
	if (!cfg.enabled) {
		handover_install_opts(&cfg, &inst);
		stage_disabled(&cfg, &inst);
	}

	/* Who the device is: the TPM-held IDevID names the serial that
	 * discovery (DNS, media) and the vouchers use, unless sztp.serial= did. */
	if (identity_tpm(&tpm_id, &e) < 0)
		log_warn("tpm", "no TPM-held IDevID (%s): using the key file", e.msg);
	else if (!cfg.serial[0])
		snprintf(cfg.serial, sizeof cfg.serial, "%s", tpm_id.serial);

	hooks_run(&cfg, "pre-network");
	if (stage_network(&cfg, coldplug_load, &net, &e) < 0) {
		snprintf(why, sizeof why, "network: %s", e.msg);
		finish_emergency(&cfg, why);
	}

	hooks_run(&cfg, "pre-bootstrap");
	handover_install_opts(&cfg, &inst);
	if (stage_contact(&cfg, &net, tpm < 0 || !tpm_id.tls ? NULL : &tpm_id, identity_floor(),
			  &inst, &e) < 0) {
		snprintf(why, sizeof why, "bootstrap: %s", e.msg);
		finish_emergency(&cfg, why);
	}

	stage_handover(&cfg, &net, &inst);
}
