/*
 * boot.h: the boot sequence, as PID 1 (/init), stage by stage: early setup,
 * the kernel command line, the TPM and coldplug, the device identity, the
 * network, the bootstrap servers, then entering the provisioned OS.
 */
#ifndef SZTP_BOOT_H
#define SZTP_BOOT_H

/*
 * Run the boot sequence (what `sztpboot boot` and /init as PID 1 do); the
 * arguments are not used. It does not come back: it enters the new root,
 * reboots, powers off or halts as the outcome and rd.emergency= say
 * (finish.h). Declared int to be a subcommand like those of commands.h.
 */
int cmd_boot(int argc, char **argv);

#endif
