/*
 * commands.h: the subcommands of `sztpboot` when it runs as a normal command.
 * Each returns the process exit status: 0 success, 1 failure, 2 usage error.
 */
#ifndef SZTP_COMMANDS_H
#define SZTP_COMMANDS_H

int cmd_dhcp4(int argc, char **argv);   /* cmd_dhcp4.c: get a DHCPv4 lease, print it */
int cmd_discover(int argc, char **argv); /* cmd_discover.c: find bootstrap sources, print them */
int cmd_fetch(int argc, char **argv);   /* cmd_fetch.c: download, verify and write a boot image */
int cmd_get(int argc, char **argv);     /* cmd_get.c: HTTPS GET with BearSSL, print status */
int cmd_verify(int argc, char **argv);  /* cmd_verify.c: verify bootstrapping data */
int cmd_run(int argc, char **argv);     /* cmd_run.c: the RFC 8572 bootstrap flow on the host */
int cmd_tpm(int argc, char **argv);     /* cmd_tpm.c: TPM identity, signing, decryption, measurement, quotes */

#endif
