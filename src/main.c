/*
 * main.c: sztpboot, as /init (PID 1) or as a normal command.
 *
 * As PID 1 (or when called as "init") it runs the boot sequence in boot.c.
 * Otherwise the first argument names a subcommand.
 */
#include "base/config.h"
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
	const char *what;
} commands[] = {
	{ "version", cmd_version, "print the version" },
	{ "help", cmd_help, "this text; help COMMAND: its help" },
	{ "boot", cmd_boot, "run the boot sequence (what /init does as PID 1)" },
	{ "verify", cmd_verify, "check bootstrapping data as the device does" },
	{ "dhcp4", cmd_dhcp4, "get a DHCPv4 lease, print it" },
	{ "discover", cmd_discover, "find bootstrap sources as the device does" },
	{ "run", cmd_run, "the RFC 8572 client against bootstrap servers" },
	{ "fetch", cmd_fetch, "download, verify and write a boot image" },
	{ "get", cmd_get, "one HTTPS GET with the device's TLS stack" },
	{ "tpm", cmd_tpm, "the device's TPM operations" },
};

static int cmd_help(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "cmdline-keys") == 0) {
		for (size_t i = 0; config_cmdline_key(i); i++)
			printf("%s\n", config_cmdline_key(i));
		return 0;
	}
	if (argc >= 2) {
		if (cmd_help_print(argv[1], stdout) == 0)
			return 0;
		fprintf(stderr, "sztpboot: unknown command \"%s\" (try \"sztpboot help\")\n", argv[1]);
		return 2;
	}
	printf("usage: sztpboot COMMAND [ARGS]   (sztpboot COMMAND --help: its options,\n"
	       "an example and its exit status; man sztpboot)\n"
	       "As /init (PID 1) it provisions the machine with RFC 8572 SZTP.\n\n"
	       "commands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		printf("  %-8s %s\n", commands[i].name, commands[i].what);
	printf("\nexit status: 0 success, 1 failure, 2 usage error\n");
	return 0;
}

/* --help or -h among the arguments of a command. */
static int wants_help(int argc, char **argv)
{
	for (int i = 2; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
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
	if (cmd_help_find(argv[1]) && wants_help(argc, argv))
		return cmd_help_print(argv[1], stdout) == 0 ? 0 : 2;
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(argv[1], commands[i].name) == 0 ||
		    (strcmp(commands[i].name, "help") == 0 && strcmp(argv[1], "--help") == 0) ||
		    (strcmp(commands[i].name, "version") == 0 && strcmp(argv[1], "--version") == 0))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "sztpboot: unknown command \"%s\" (try \"sztpboot help\")\n", argv[1]);
	return 2;
}
