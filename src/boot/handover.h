/*
 * handover.h: the last stage of a boot: hand the machine over to the
 * provisioned OS (RFC 8572's "install and reboot", as a pivot: docs/install.md).
 */
#ifndef SZTP_HANDOVER_H
#define SZTP_HANDOVER_H

#include "base/config.h"
#include "install/install.h"
#include "net/net.h"

/* The install options (target disk, root, module loader) from the command line. */
void handover_install_opts(const struct sztp_config *cfg, struct install_opts *inst);

/*
 * After a successful onboarding: the pre-pivot hooks, the separator
 * measurement and the DHCP release, then enter the new root when onboarding
 * left one and sztp.done=pivot (the default): switch_root, else kexec, else
 * reboot into the installed disk. Otherwise power off or reboot as sztp.done
 * says. /run, with the event log and the agent's log, moves into the new
 * root with the pivot. Never returns.
 */
void stage_handover(const struct sztp_config *cfg, struct net_result *net,
		    const struct install_opts *inst) __attribute__((noreturn));

/*
 * sztp=0 (the RFC 8572 section 5.1 enable flag is off): no network, no
 * source, no server. Enter the OS already installed on the target disk
 * (sztp.disk= or the automatic rule, its root as sztp.root= or the DPS rule)
 * the way a provisioned one is entered (pivot); when there is none, or it
 * cannot be entered, the rd.emergency action. Never returns.
 */
void stage_disabled(const struct sztp_config *cfg, const struct install_opts *inst)
	__attribute__((noreturn));

#endif
