/*
 * hooks.h: operator hook points.
 *
 * At each hook point the agent runs, in name order, the executable files in
 * /etc/sztp/hooks/<point>/ (scripts run with /bin/sh when not executable),
 * with the agent's environment (PATH, HOME, TERM) plus SZTP_HOOK=<point>,
 * SZTP_VERSION, SZTP_RUN_DIR=/run/sztp, SZTP_EVENTS (the events file) and
 * what hooks_setenv() added by then (docs/hooks.md lists which variable
 * each point gets). `rd.break=<point>` on the kernel command line opens a
 * shell on the console before the hooks of that point. Hook points, in
 * boot order: cmdline, pre-network, pre-bootstrap, pre-pivot, and
 * emergency (on failure, before the failure action).
 */
#ifndef SZTP_HOOKS_H
#define SZTP_HOOKS_H

#include "base/config.h"

#define HOOKS_DIR "/etc/sztp/hooks"

/* Run the hooks of `point`. Returns the number of hooks that failed (a
 * failing hook is logged with its exit status; the boot goes on). */
int hooks_run(const struct sztp_config *cfg, const char *point);

/* Give every later hook KEY=value (replacing an earlier value of KEY;
 * value NULL removes it). At most HOOKS_ENV_MAX variables, each at most
 * HOOKS_ENV_LEN bytes (a longer value is cut). */
#define HOOKS_ENV_MAX 16
#define HOOKS_ENV_LEN 512
void hooks_setenv(const char *key, const char *value);

/* Open an interactive shell on the console and wait for it to exit. */
void hooks_shell(const char *why);

#endif
