/*
 * finish.h: how a boot ends, well or badly.
 */
#ifndef SZTP_FINISH_H
#define SZTP_FINISH_H

#include "base/config.h"

/*
 * A stage failed and the boot cannot go on: log `why`, run the "emergency"
 * hooks, save the log to /run/sztp/sztpboot.log, open a shell when rd.shell
 * or rd.emergency=shell asks for one, then reboot, power off or halt as
 * rd.emergency says, after panic= seconds. Never returns.
 */
void finish_emergency(const struct sztp_config *cfg, const char *why)
	__attribute__((noreturn));

/* Power off (`how` "poweroff"), reboot ("reboot") or halt: sync, save the log,
 * then the reboot(2) call. Never returns. */
void finish_system(const char *how) __attribute__((noreturn));

#endif
