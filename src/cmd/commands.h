/*
 * commands.h: the subcommands of `sztpboot` when it runs as a normal command.
 * Each returns the process exit status: 0 success, 1 failure, 2 usage error
 * (cmd_help.c says for each what success and failure mean).
 */
#ifndef SZTP_COMMANDS_H
#define SZTP_COMMANDS_H

#include <stdio.h>

int cmd_dhcp4(int argc, char **argv);   /* cmd_dhcp4.c: get a DHCPv4 lease, print it */
int cmd_discover(int argc, char **argv); /* cmd_discover.c: find bootstrap sources, print them */
int cmd_fetch(int argc, char **argv);   /* cmd_fetch.c: download, verify and write a boot image */
int cmd_get(int argc, char **argv);     /* cmd_get.c: HTTPS GET with BearSSL, print status */
int cmd_verify(int argc, char **argv);  /* cmd_verify.c: verify bootstrapping data */
int cmd_run(int argc, char **argv);     /* cmd_run.c: the RFC 8572 bootstrap flow on the host */
int cmd_tpm(int argc, char **argv);     /* cmd_tpm.c: TPM identity, signing, decryption, measurement, quotes */

/* A subcommand's help (cmd_help.c): `sztpboot COMMAND --help` and
 * `sztpboot help COMMAND` print it on stdout (exit 0); a usage error prints
 * its usage on stderr (exit 2). */
struct cmd_help {
	const char *name;    /* "fetch" */
	const char *usage;   /* the synopsis, "sztpboot fetch URL ..." */
	const char *about;   /* what it does */
	const char *example; /* a command line */
	const char *exits;   /* the exit statuses */
};

/* The help of `name`, or NULL. */
const struct cmd_help *cmd_help_find(const char *name);

/* Print the help of `name` to `f`: 0, or -1 for an unknown command. */
int cmd_help_print(const char *name, FILE *f);

/* A usage error of `name`: its synopsis on stderr; returns 2. */
int cmd_usage(const char *name);

#endif
