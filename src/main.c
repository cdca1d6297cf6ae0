/*
 * main.c: sztpboot, as /init (PID 1) or as a normal command.
 *
 * As PID 1 (or when called as "init") it runs the boot sequence in boot.c.
 * Otherwise the first argument names a subcommand.
 */
#include "boot/boot.h"
#include "cmd/commands.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifndef SZTP_VERSION
#define SZTP_VERSION "unknown"
#endif

static int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("sztpboot %s\n", SZTP_VERSION);
	return 0;
}

static int cmd_help(int argc, char **argv);

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *usage;
} commands[] = {
	{ "version", cmd_version, "print the version" },
	{ "help", cmd_help, "this text" },
	{ "boot", cmd_boot, "run the boot sequence (what /init does as PID 1)" },
	{ "verify", cmd_verify, "verify bootstrapping data: verify [options] RESPONSE" },
	{ "dhcp4", cmd_dhcp4, "get a DHCPv4 lease: dhcp4 [--ifname IF]... [--timeout SEC] [--apply] [--resolv PATH] [--release]" },
	{ "discover", cmd_discover, "find bootstrap sources: discover [--ifname IF]... [--timeout SEC] [options] (discover --help)" },
	{ "run", cmd_run, "bootstrap from URLs: run --cert F --key F --voucher-ta P [options] URL..." },
	{ "fetch", cmd_fetch, "download, verify, write an image: fetch URL --sha256 HEX --out PATH [--ca FILE]" },
	{ "get", cmd_get, "HTTPS GET with BearSSL: get URL [--ca FILE|DIR] [--timeout SEC]" },
	{ "tpm", cmd_tpm, "TPM: tpm identity|sign|decrypt|extend|replay|pcrread|quote [options] (tpm --help)" },
};

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("usage: sztpboot COMMAND [ARGS]\n"
	       "As /init (PID 1) it provisions the machine with RFC 8572 SZTP.\n\n"
	       "commands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		printf("  %-8s %s\n", commands[i].name, commands[i].usage);
	return 0;
}

int main(int argc, char **argv)
{
	const char *base = argc > 0 ? strrchr(argv[0], '/') : NULL;
	base = base ? base + 1 : (argc > 0 ? argv[0] : "sztpboot");

	if (getpid() == 1 || strcmp(base, "init") == 0)
		return cmd_boot(argc, argv);
	if (argc < 2) {
		cmd_help(argc, argv);
		return 2;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(argv[1], commands[i].name) == 0 ||
		    (strcmp(commands[i].name, "help") == 0 && strcmp(argv[1], "--help") == 0) ||
		    (strcmp(commands[i].name, "version") == 0 && strcmp(argv[1], "--version") == 0))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "sztpboot: unknown command \"%s\" (try \"sztpboot help\")\n", argv[1]);
	return 2;
}
