/*
 * hooks.h: operator hook points.
 *
 * At each hook point the agent runs, in name order, the executable files in
 * /etc/sztp/hooks/<point>/ (scripts run with /bin/sh when not executable),
 * with SZTP_HOOK=<point> in the environment. `rd.break=<point>` on the kernel
 * command line opens a shell on the console before the hooks of that point.
 * Hook points, in boot order: cmdline, pre-network, pre-bootstrap, pre-pivot,
 * and emergency (on failure, before the failure action).
 */
#ifndef SZTP_HOOKS_H
#define SZTP_HOOKS_H

#include "base/config.h"

#define HOOKS_DIR "/etc/sztp/hooks"

/* Run the hooks of `point`. Returns the number of hooks that failed (a
 * failing hook is logged with its exit status; the boot goes on). */
int hooks_run(const struct sztp_config *cfg, const char *point);

/* Open an interactive shell on the console and wait for it to exit. */
void hooks_shell(const char *why);

#endif
