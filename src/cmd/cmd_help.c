/* cmd_help.c: each subcommand's help (see commands.h); docs/sztpboot.8 says the same. */
#include "cmd/commands.h"

#include <string.h>

static const struct cmd_help helps[] = {
	{ "version", "sztpboot version",
	  "Print the version.",
	  "sztpboot version",
	  "0" },
	{ "help", "sztpboot help [COMMAND | cmdline-keys]",
	  "List the commands, or print one's help (the same as COMMAND --help).\n"
	  "cmdline-keys lists the kernel command-line keys /init reads (docs/cmdline.md).",
	  "sztpboot help fetch",
	  "0; 2 for an unknown command" },
	{ "boot", "sztpboot boot",
	  "Run the boot sequence, what /init does as PID 1: mounts, modules, the TPM,\n"
	  "the network, provisioning, then the provisioned OS, a reboot or a power-off.\n"
	  "For an initramfs only: it takes over the machine.",
	  "ln -s /usr/sbin/sztpboot initramfs-root/init",
	  "none: it never returns" },
	{ "verify",
	  "sztpboot verify [--serial SN] [--voucher-ta FILE]... [--nonce BASE64]\n"
	  "       [--clock auto|rtc|floor] [--floor T] [--time T] [--nonce-required]\n"
	  "       [--trusted] [--key FILE] RESPONSE",
	  "Check a get-bootstrapping-data response (a file, or - for stdin) exactly as\n"
	  "the device does, under its clock policy; print the conveyed information.\n"
	  "--trusted: it came from an authenticated server. --key: decrypt with this\n"
	  "device key. T: RFC 3339 (2026-12-01T00:00:00Z) or Unix seconds.",
	  "sztpboot verify --serial SN-1 --voucher-ta masa-ca.pem response.json",
	  "0 verified; 1 a check failed (one line on stderr names it); 2 usage error" },
	{ "dhcp4",
	  "sztpboot dhcp4 [--ifname IF]... [--timeout SEC] [--apply] [--resolv PATH]\n"
	  "       [--release] [--debug]",
	  "Get one DHCPv4 lease as the device does and print it, key=value a line\n"
	  "(ifname, address, prefix, router, dns, domain, lease_time, uri). Addresses\n"
	  "are configured only with --apply; --release gives the lease back.",
	  "sztpboot dhcp4 --ifname eth1 --timeout 10 --release",
	  "0 a lease; 1 none; 2 usage error" },
	{ "discover",
	  "sztpboot discover [--ifname IF]... [--timeout SEC] [--serial SN] [--url URI]...\n"
	  "       [--ip SPEC]... [--nameserver IP]... [--vlan NAME:PHYS]... [--apply]\n"
	  "       [--resolv PATH] [--release] [--media-dir DIR] [--no-media] [--no-dns]\n"
	  "       [--no-dhcp6] [--scan-loop] [--dns-timeout MS] [--servers FILE] [--dump DIR]\n"
	  "       [--debug]",
	  "Find bootstrap sources as the device does (removable media, DHCPv4, DHCPv6,\n"
	  "DNS, mDNS, built-in servers) and print one \"<uri> <source>\" line each, in\n"
	  "the order the device tries them.",
	  "sztpboot discover --ifname eth1 --timeout 20 --release",
	  "0 a source was found; 1 none; 2 usage error" },
	{ "run",
	  "sztpboot run --cert FILE --key FILE | --tpm TCTI [--tpm-conf FILE]\n"
	  "       --voucher-ta PATH [--chain FILE] [--data FILE]\n"
	  "       [--serial SN] [--bootstrap-ta PATH] [--target-disk DEV --target-root DIR]\n"
	  "       [--run-dir DIR] [--media-dir DIR] [--no-pivot] [--timeout SEC]\n"
	  "       [--max-rounds N] [--backoff MIN,MAX] [--connect-timeout MS]\n"
	  "       [--response-timeout MS] [--idle-timeout MS] [--total-timeout MS]\n"
	  "       [--hw-model S] [--os-name S]\n"
	  "       [--os-version S] [--basic USER:PASS] [--clock auto|rtc|floor] [--floor T]\n"
	  "       [--nonce-required] [--untrusted-clock] [--events FILE] [--verbose] [URL...]",
	  "The whole RFC 8572 client as a process: the URLs (and --data, --media-dir)\n"
	  "as sources, the device identity from the TPM (--tpm, as the device: the\n"
	  "key file when the TPM has none) or from --cert/--key. --target-disk installs\n"
	  "for real; --events FILE writes the events of docs/events.md.",
	  "sztpboot run --cert chain.pem --key idevid.key --voucher-ta masa-ca.pem \\\n"
	  "    --bootstrap-ta server-ca.pem --max-rounds 1 --events run.jsonl \\\n"
	  "    https://bootstrap.example:8443",
	  "0 onboarding complete; 1 failure; 2 usage error" },
	{ "fetch",
	  "sztpboot fetch URL --sha256 HEX --out PATH [--ca FILE|DIR] [--any-server-cert]\n"
	  "       [--timeout SEC] [--medium DIR] [--quiet]",
	  "Download, verify and write a boot image as the device does: decompressed\n"
	  "(gzip, xz, zstd) onto PATH (a file, or a block device), the SHA-256 of the\n"
	  "download checked, the target wiped on failure. https:// servers are checked\n"
	  "against --ca, else the system CA store ($SSL_CERT_FILE, else $SSL_CERT_DIR,\n"
	  "else /etc/ssl/certs/ca-certificates.crt), or where /etc/sztp/ exists the\n"
	  "device's /etc/sztp/anchors/bootstrap. --medium: file:// on that medium.",
	  "sztpboot fetch https://images.example/os.img.zst --sha256 HEX --out /tmp/os.img",
	  "0 written in full and verified; 1 failure (the target is wiped); 2 usage error" },
	{ "get",
	  "sztpboot get URL [--ca FILE|DIR] [--timeout SEC] [--body] [--out FILE] [--range N]\n"
	  "       [--repeat N] [--verbose]",
	  "One HTTPS GET with the device's TLS stack; prints \"status N\". The server is\n"
	  "checked against the anchors fetch uses.",
	  "SSL_CERT_FILE=server-ca.pem sztpboot get https://bootstrap.example:8443/ --body",
	  "0 a complete HTTP response, whatever its status; 1 failure (connection, TLS,\n"
	  "anchors); 2 usage error" },
	{ "tpm",
	  "sztpboot tpm identity [--pem-out FILE]\n"
	  "       tpm sign --in FILE --out SIG [--hash sha256|sha384|sha512]\n"
	  "       tpm decrypt --in CMS.der [--out FILE]\n"
	  "       tpm extend --type T --name N (--file F | --data S) | --separator | --emergency WHY\n"
	  "       tpm replay [--check]\n"
	  "       tpm pcrread\n"
	  "       tpm quote --nonce HEX [--out FILE]\n"
	  "       tpm floor [--advance RFC3339|UNIX]\n"
	  "  options: --tcti T --conf F --idevid-handle H --cert-nv I --chain-nv I\n"
	  "           --iak-handle H --iak-cert-nv I --floor-nv I --pcr P --bank B --log F",
	  "The device's TPM operations: load and check the IDevID, sign, decrypt,\n"
	  "extend and replay the provisioning PCR, quote, the clock floor.",
	  "sztpboot tpm identity --tcti swtpm:host=127.0.0.1,port=2321",
	  "0 ok; 1 failure (one line on stderr; replay --check: the log does not give\n"
	  "the PCR's value); 2 usage error" },
};

const struct cmd_help *cmd_help_find(const char *name)
{
	for (size_t i = 0; i < sizeof helps / sizeof helps[0]; i++)
		if (strcmp(helps[i].name, name) == 0)
			return &helps[i];
	return NULL;
}

int cmd_help_print(const char *name, FILE *f)
{
	const struct cmd_help *h = cmd_help_find(name);
	if (!h)
		return -1;
	fprintf(f, "usage: %s\n\n%s\n\nexample:\n  %s\n\nexit status: %s\n", h->usage, h->about,
		h->example, h->exits);
	return 0;
}

int cmd_usage(const char *name)
{
	const struct cmd_help *h = cmd_help_find(name);
	fprintf(stderr, "usage: %s\n(sztpboot %s --help says more)\n", h ? h->usage : name, name);
	return 2;
}
