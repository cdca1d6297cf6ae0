/*
 * cmd_verify.c: `sztpboot verify`: verify a get-bootstrapping-data response on
 * the host, with the same code (verify.c) the device uses.
 *
 *   sztpboot verify [--serial SN] [--voucher-ta FILE]... [--nonce BASE64]
 *                   [--clock auto|rtc|floor] [--floor T] [--time T]
 *                   [--nonce-required] [--trusted] [--key FILE] RESPONSE
 *
 * RESPONSE is a file or "-" for stdin (at most JSON_MAX_SIZE bytes), the
 * get-bootstrapping-data output in JSON or in XML (told by its first byte).
 * --voucher-ta  voucher trust anchor certificates (PEM or DER; repeatable)
 * --trusted     the response came over TLS validated against a configured
 *               bootstrap-server anchor (unsigned data acceptable)
 * --clock, --floor, --time, --nonce-required
 *               the device's clock policy (cmd_clock.h, trust/clock.h):
 *               sztp.clock=, the TPM floor, the RTC reading (default: this
 *               host's clock; --time alone means --clock rtc, i.e. judge at
 *               exactly that time, as before), sztp.voucher=nonce-required
 * --key         device private key (PEM) to decrypt encrypted conveyed
 *               information. The device certificate is read from the same file
 *               when it holds one, else from FILE with its extension replaced
 *               by ".pem" (idevid.key -> idevid.pem).
 *
 * Success: exit 0, the conveyed-information document on stdout as it was
 * received, JSON or XML (for unsigned redirect information from an untrusted
 * source, a note on stderr says that its trust anchors are discarded; another
 * says when an XML namespace differed from the RFC's in letter case).
 * Failure: exit 1 and one line on stderr naming the failed check.
 * Usage errors: exit 2.
 */
#include "cmd/commands.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "trust/anchors.h"
#include "base/b64.h"
#include "cmd/cmd_clock.h"
#include "trust/keyfile.h"
#include "trust/verify.h"

static int usage(void)
{
	return cmd_usage("verify");
}

/* Read all of `path` ("-": stdin) into buf[cap]; more than cap is an error. */
static int read_bounded(const char *path, uint8_t *buf, size_t cap, size_t *len,
                        struct err *e)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	size_t n = 0, r;

	if (!f)
		return err_set(e, "verify: cannot open %s: %s", path, strerror(errno));
	while ((r = fread(buf + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap)
			break;
	}
	if (n == cap && fgetc(f) != EOF) {
		if (f != stdin)
			fclose(f);
		return err_set(e, "verify: %s is larger than %zu bytes", path, cap);
	}
	if (ferror(f)) {
		if (f != stdin)
			fclose(f);
		return err_set(e, "verify: cannot read %s", path);
	}
	if (f != stdin)
		fclose(f);
	*len = n;
	return 0;
}

static int load_device_cert(const char *keypath, struct cert_chain *dev, struct err *e)
{
	char alt[4096];
	const char *dot, *slash;
	struct err ignored;

	if (chain_load(dev, keypath, &ignored) > 0)
		return 0;
	dot = strrchr(keypath, '.');
	slash = strrchr(keypath, '/');
	if (!dot || (slash && dot < slash))
		dot = keypath + strlen(keypath);
	if ((size_t)(dot - keypath) + 5 > sizeof alt)
		return err_set(e, "verify: --key path is too long");
	memcpy(alt, keypath, (size_t)(dot - keypath));
	memcpy(alt + (dot - keypath), ".pem", 5);
	if (chain_load(dev, alt, e) < 0)
		return err_set(e, "verify: --key %s: no device certificate in it nor in %s", keypath, alt);
	return 0;
}

int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "serial", required_argument, NULL, 's' },
		{ "voucher-ta", required_argument, NULL, 'a' },
		{ "nonce", required_argument, NULL, 'n' },
		{ "time", required_argument, NULL, 't' },
		{ "clock", required_argument, NULL, 'c' },
		{ "floor", required_argument, NULL, 'f' },
		{ "nonce-required", no_argument, NULL, 'N' },
		{ "trusted", no_argument, NULL, 'T' },
		{ "key", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct verify_work work;
	static struct verify_result res;
	static uint8_t body[JSON_MAX_SIZE + 1];
	static struct cert_chain tas, dev;
	static struct keyfile key;
	struct x509_der anchors[CHAIN_MAX];
	struct cms_recipient recip;
	struct verify_ctx ctx;
	struct cmd_clock co = { NULL, NULL, NULL, 0 };
	struct clock_policy clock;
	struct err e;
	uint8_t nonce[64];
	size_t nonce_len = 0, body_len = 0;
	const char *serial = NULL, *keypath = NULL;
	const char *ta_paths[CHAIN_MAX];
	int n_ta = 0, trusted = 0, c, rc;

	err_clear(&e);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			serial = optarg;
			break;
		case 'a':
			if (n_ta >= CHAIN_MAX) {
				fprintf(stderr, "verify: at most %d --voucher-ta options\n", CHAIN_MAX);
				return 2;
			}
			ta_paths[n_ta++] = optarg;
			break;
		case 'n':
			if (b64_decode(optarg, strlen(optarg), nonce, sizeof nonce, &nonce_len, &e) < 0) {
				fprintf(stderr, "verify: --nonce: %s\n", e.msg);
				return 2;
			}
			if (nonce_len == 0) {
				fprintf(stderr, "verify: --nonce: must not be empty\n");
				return 2;
			}
			break;
		case 't':
			co.time = optarg;
			break;
		case 'c':
			co.clock = optarg;
			break;
		case 'f':
			co.floor = optarg;
			break;
		case 'N':
			co.nonce_required = 1;
			break;
		case 'T':
			trusted = 1;
			break;
		case 'k':
			keypath = optarg;
			break;
		case 'h':
			cmd_help_print("verify", stdout);
			return 0;
		default:
			fprintf(stderr, "verify: unknown option or missing argument: %s\n",
			        argv[optind - 1]);
			return usage();
		}
	}
	if (optind != argc - 1)
		return usage();
	if (serial && !serial[0]) {
		fprintf(stderr, "verify: --serial must not be empty\n");
		return 2;
	}
	if (cmd_clock_policy(&co, "verify", &clock) != 0)
		return 2;

	chain_init(&tas);
	for (int i = 0; i < n_ta; i++) {
		if (chain_load(&tas, ta_paths[i], &e) < 0) {
			fprintf(stderr, "verify: --voucher-ta %s: %s\n", ta_paths[i], e.msg);
			return 1;
		}
	}
	for (size_t i = 0; i < tas.n; i++) {
		anchors[i].der = tas.cert[i].data;
		anchors[i].len = tas.cert[i].data_len;
	}

	memset(&ctx, 0, sizeof ctx);
	chain_init(&dev);
	if (keypath) {
		if (keyfile_load(&key, keypath, &e) < 0) {
			fprintf(stderr, "verify: --key %s: %s\n", keypath, e.msg);
			return 1;
		}
		if (load_device_cert(keypath, &dev, &e) < 0) {
			keyfile_clear(&key);
			fprintf(stderr, "%s\n", e.msg);
			return 1;
		}
		keyfile_recipient(&key, dev.cert[0].data, dev.cert[0].data_len, &recip);
		ctx.recipient = &recip;
		ctx.device_cert = dev.cert[0].data;
		ctx.device_cert_len = dev.cert[0].data_len;
	}

	if (read_bounded(argv[optind], body, sizeof body - 1, &body_len, &e) < 0) {
		keyfile_clear(&key);
		fprintf(stderr, "%s\n", e.msg);
		return 1;
	}

	ctx.serial = serial;
	ctx.voucher_anchors = anchors;
	ctx.n_voucher_anchors = tas.n;
	ctx.nonce = nonce_len ? nonce : NULL;
	ctx.nonce_len = nonce_len;
	ctx.clock = &clock;
	ctx.trusted_source = trusted;

	rc = verify_response(body, body_len, &ctx, &work, &res, &e);
	keyfile_clear(&key);
	if (rc < 0) {
		fprintf(stderr, "%s\n", e.msg);
		return 1;
	}
	if (res.ns_case)
		fprintf(stderr, "verify: note: an XML namespace differs from the RFC's in letter case "
		        "(accepted)\n");
	if (res.anchors_discarded)
		fprintf(stderr, "verify: note: unsigned redirect-information from an untrusted source: "
		        "its trust anchors are discarded\n");
	if (fwrite(res.json, 1, res.json_len, stdout) != res.json_len || fflush(stdout) != 0) {
		fprintf(stderr, "verify: cannot write the result: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
