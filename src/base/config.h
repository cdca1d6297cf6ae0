/*
 * config.h: the agent's configuration, from the kernel command line (and, on
 * the host, from subcommand options).
 *
 * Every string is stored in fixed-size fields: the command line is at most
 * CMDLINE_MAX bytes and anything longer than a field is refused with a log
 * line, never truncated silently.
 */
#ifndef SZTP_CONFIG_H
#define SZTP_CONFIG_H

#include <stddef.h>

#define CMDLINE_MAX   4096
#define CFG_STR       256
#define CFG_MAX_URLS  8
#define CFG_MAX_IP    4
#define CFG_MAX_IF    8
#define CFG_MAX_DNS   4

/* sztp.clock=: how far the device trusts its real-time clock (trust/clock.h
 * says exactly what each means; docs/trust-model.md explains why). */
enum sztp_clock {
	SZTP_CLOCK_AUTO = 0, /* default: the RTC when it is not earlier than the bound */
	SZTP_CLOCK_RTC,      /* the RTC is the current time */
	SZTP_CLOCK_FLOOR,    /* the RTC is ignored: build time and the TPM floor only */
};

enum emergency_action {
	EMERGENCY_REBOOT = 0, /* default: a device with no human at the console retries */
	EMERGENCY_POWEROFF,
	EMERGENCY_HALT,
	EMERGENCY_SHELL,
};

struct sztp_config {
	/* sztp=0|1: the SZTP enable flag of RFC 8572 section 5.1 (default 1);
	 * with 0 no bootstrap server or source is contacted (docs/cmdline.md) */
	int enabled;
	/* sztp.url= (repeatable): explicit bootstrap servers, tried before DHCP ones */
	char urls[CFG_MAX_URLS][CFG_STR];
	int n_urls;
	char serial[CFG_STR];   /* sztp.serial=: lab override of the device serial */
	char disk[CFG_STR];     /* sztp.disk= */
	char root[CFG_STR];     /* sztp.root= */
	int timeout_s;          /* sztp.timeout=: give up after this many seconds (0: never) */
	int dhcp_timeout_s;     /* sztp.dhcp-timeout=: per-attempt DHCP timeout (default 30) */
	int pcr;                /* sztp.pcr=: provisioning PCR (default SZTP_DEFAULT_PCR) */
	int debug;              /* sztp.debug or sztp.loglevel=debug */
	int quiet;              /* quiet or sztp.loglevel=warn */
	/* sztp.ifname=, ifname=<name>:<mac>, BOOTIF=: links to use (empty: all) */
	char ifnames[CFG_MAX_IF][CFG_STR];
	int n_ifnames;
	char bootif[CFG_STR];   /* BOOTIF=01-aa-bb-cc-dd-ee-ff, as given */
	/* dracut network words, kept verbatim for the network stage to parse */
	char ip[CFG_MAX_IP][CFG_STR];
	int n_ip;
	char nameservers[CFG_MAX_DNS][CFG_STR];
	int n_nameservers;
	char vlan[CFG_MAX_IF][CFG_STR];
	int n_vlan;
	/* failure behaviour, dracut-style */
	int rd_shell;                   /* rd.shell[=1]: shell on failure */
	enum emergency_action emergency; /* rd.emergency=reboot|poweroff|halt|shell */
	char rd_break[CFG_STR];         /* rd.break=<hook>: shell before that hook point */
	int panic_s;                    /* panic=N: seconds before reboot/poweroff on failure */
	/* sztp.done=pivot|poweroff|reboot: what to do after a successful run;
	 * pivot (default): enter the provisioned OS when onboarding left one,
	 * else power off */
	char done[32];
	/* freshness (trust/clock.h): sztp.clock=auto|rtc|floor and
	 * sztp.voucher=any|nonce-required */
	enum sztp_clock clock;
	int nonce_required;
	/* sztp.pivot=auto|switch_root|kexec|reboot: how `pivot` enters the new
	 * OS (docs/install.md, "Pivot"); auto (default) decides from the new root */
	char pivot[16];
};

/* Fill `cfg` with the defaults. */
void config_defaults(struct sztp_config *cfg);

/*
 * Parse a kernel command line (the contents of /proc/cmdline) into `cfg`.
 * Unknown words are ignored (they belong to the kernel or to other tools);
 * malformed values of our own keys are logged and ignored. Returns the number
 * of malformed values (0 when all was well).
 */
int config_parse_cmdline(struct sztp_config *cfg, const char *cmdline);

/* Read /proc/cmdline (or `path`) and parse it. Returns -errno when unreadable. */
int config_load_cmdline(struct sztp_config *cfg, const char *path);

/* The i-th key the command-line parser knows ("sztp.url", "rd.shell", ...),
 * or NULL past the last: for `sztpboot help cmdline-keys` and the check of
 * docs/cmdline.md. */
const char *config_cmdline_key(size_t i);

/* "auto", "rtc", "floor" -> *out. Returns 0, or -1 for anything else. The
 * one parser of the word, for sztp.clock= and the host commands' --clock. */
int config_clock_parse(const char *s, enum sztp_clock *out);

/* The word for a clock mode ("auto", "rtc", "floor"). */
const char *config_clock_name(enum sztp_clock m);

#endif
