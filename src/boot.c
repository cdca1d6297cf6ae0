/*
 * boot.c: the boot sequence, as PID 1. Each stage lives in its own file; this
 * one only says in which order they run and what a failure means.
 */
#include "coldplug.h"
#include "commands.h"
#include "config.h"
#include "contact.h"
#include "early.h"
#include "err.h"
#include "finish.h"
#include "hooks.h"
#include "log.h"
#include "net.h"

#include <stdio.h>
#include <sys/utsname.h>
#include <unistd.h>

#ifndef SZTP_VERSION
#define SZTP_VERSION "unknown"
#endif

static struct sztp_config cfg;
static struct net_result net;

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
	int r;
	(void)argc, (void)argv;

	early_setup();
	config_defaults(&cfg);
	config_load_cmdline(&cfg, NULL);
	log_set_level(cfg.debug ? LOG_DEBUG : cfg.quiet ? LOG_WARN : LOG_INFO);
	announce();
	hooks_run(&cfg, "cmdline");

	if (coldplug_run(500, 15000, &e) < 0)
		finish_emergency(&cfg, e.msg);

	hooks_run(&cfg, "pre-network");
	if (stage_network(&cfg, &net, &e) < 0) {
		snprintf(why, sizeof why, "network: %s", e.msg);
		finish_emergency(&cfg, why);
	}

	hooks_run(&cfg, "pre-bootstrap");
	r = stage_contact(&cfg, &net, &e);
	if (r < 0) {
		snprintf(why, sizeof why, "bootstrap: %s", e.msg);
		finish_emergency(&cfg, why);
	}

	hooks_run(&cfg, "pre-pivot");
	net_release(&net);
	finish_system(cfg.done[0] == 'r' ? "reboot" : "poweroff");
}
