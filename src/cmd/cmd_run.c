/*
 * cmd_run.c: `sztpboot run`: the whole RFC 8572 bootstrap flow as a normal
 * process on the host, against the given bootstrap-server URLs (tried in
 * order), so the protocol can be tested without QEMU.
 *
 *   sztpboot run --cert FILE --key FILE --voucher-ta FILE|DIR [options] [URL...]
 *
 *   --data FILE          bootstrapping data at hand, as removable media or DNS
 *                        would give it (a get-bootstrapping-data output body):
 *                        tried before the URLs, untrusted, no nonce, exactly
 *                        as the device treats local sources; repeatable (2)
 *
 *   --cert FILE          device certificate, PEM (may be followed by its chain)
 *   --chain FILE         intermediate certificates sent after it
 *   --key FILE           device private key (PEM; the TPM comes later)
 *   --serial SN          serial number (default: the certificate's serialNumber)
 *   --bootstrap-ta PATH  bootstrap-server trust anchors (file or directory);
 *                        without them every server is contacted provisionally
 *   --voucher-ta PATH    voucher trust anchors (file or directory)
 *   --target-disk DEV    install onto DEV (a whole disk or a loop device with
 *                        partition scanning): boot image, scripts and
 *                        configuration really happen (install.h); without it
 *                        a step that must act is reported as its *-error
 *   --target-root DIR    where the new root is mounted meanwhile (required
 *                        with --target-disk; unmounted at the end: a host
 *                        run never pivots, --no-pivot is implied)
 *   --run-dir DIR        scripts and the log copy (default /run/sztp)
 *   --media-dir DIR      read DIR as a removable medium (media.h: both
 *                        layouts) and try what it holds first, as the
 *                        device does; file:// download-uris in it resolve
 *                        on DIR (imgsrc.h). URLs are then optional.
 *   --timeout SEC        give up after SEC seconds (default: retry forever)
 *   --max-rounds N       give up after N rounds over the sources
 *   --backoff MIN,MAX    delay between rounds in ms (default 1000,60000)
 *   --connect-timeout MS, --response-timeout MS, --idle-timeout MS,
 *   --total-timeout MS   HTTP limits of the bootstrap requests (default
 *                        10000, 10000, 30000, 120000: bs_https.h)
 *   --hw-model S, --os-name S, --os-version S
 *                        sent to trusted servers only
 *   --basic USER:PASS    HTTP Basic credentials (trusted servers only)
 *   --clock auto|rtc|floor, --floor T, --nonce-required
 *                        the device's clock policy (cmd_clock.h): sztp.clock=
 *                        (default auto, the RTC being this host's clock), the
 *                        TPM floor, sztp.voucher=nonce-required
 *   --untrusted-clock    the same as --clock floor (kept from before the clock
 *                        policy: the host clock is then not relied upon)
 *   --events FILE        write every phase and attempt as JSON Lines to FILE
 *                        (base/events.h, docs/events.md), as the device writes
 *                        /run/sztp/events.jsonl; the last line is the result
 *   --verbose            debug log lines
 *
 * Exit status: 0 onboarding complete, 1 failure, 2 usage error.
 * --cert, --key and --voucher-ta are required (--cert and --key not with --tpm).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/events.h"
#include "sztp/bootstrap.h"
#include "sztp/bs_https.h"
#include "sztp/bs_setup.h"
#include "cmd/cmd_clock.h"
#include "sztp/contact.h"
#include "net/media.h"
#include "cmd/commands.h"
#include "base/log.h"
#include "tpm/tpm.h"
#include "tpm/tpm_conf.h"
#include "tpm/tpm_id.h"

static struct bs_state run_state;
static struct bs_setup run_setup;
static struct bs_https run_transport;
static struct install_opts run_inst;
static struct onboard_ops run_install;
#define RUN_DATA_MAX 2
static uint8_t run_data[RUN_DATA_MAX][BS_BODY_MAX];
static struct tpm run_tpm;
static struct tpm_conf run_tpm_conf;
static struct tpm_identity run_tid;

/*
 * --tpm: load the IDevID of the TPM at `tcti` (handles and indices from
 * `conf` when given, else the tpm.conf defaults) into run_tid. Returns 0, or
 * -1 with `e` set and the TPM closed.
 */
static int tpm_identity(const char *tcti, const char *conf, struct err *e)
{
	tpm_conf_defaults(&run_tpm_conf);
	if (conf && tpm_conf_load(&run_tpm_conf, conf, e) < 0)
		return -1;
	snprintf(run_tpm_conf.tcti, sizeof run_tpm_conf.tcti, "%s", tcti);
	if (tpm_open(&run_tpm, run_tpm_conf.tcti, e) < 0)
		return -1;
	if (tpm_identity_load(&run_tid, &run_tpm, &run_tpm_conf, e) < 0) {
		tpm_close(&run_tpm);
		return -1;
	}
	log_info("tpm", "IDevID %s, serial %s, chain of %zu certificate(s)", run_tid.what,
		 run_tid.serial, run_tid.chain.n);
	return 0;
}

/* Read all of `path` into run_data[i]; returns its length or -1 (printed). */
static long read_data(const char *path, int i)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		fprintf(stderr, "run: --data %s: %s\n", path, strerror(errno));
		return -1;
	}
	n = fread(run_data[i], 1, sizeof run_data[i], f);
	if (n == sizeof run_data[i] && fgetc(f) != EOF) {
		fclose(f);
		fprintf(stderr, "run: --data %s: larger than %zu bytes\n", path, sizeof run_data[i]);
		return -1;
	}
	fclose(f);
	return (long)n;
}

static int usage(void)
{
	return cmd_usage("run");
}

/* The last event of a run (--events): its result. */
static void result(int rc, const char *why)
{
	struct event ev;
	char os[160];

	memset(&ev, 0, sizeof ev);
	ev.phase = EV_RESULT;
	ev.outcome = rc == 0 ? EV_OK : EV_FAIL;
	if (rc == 0)
		bs_result_event(&run_state, &ev, os, sizeof os);
	ev.reason = why;
	ev.duration = events_elapsed();
	events_emit(&ev);
	events_close();
}

static int num(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* --media-dir: the sources DIR holds, before the n URL sources of src[]
 * (the device tries media first). Returns how many were added, -1 when DIR
 * is unusable. */
static int add_media(const char *dir, const char *serial, struct bs_source *src, int n)
{
	static struct net_result media;
	static char root[PATH_MAX];
	struct bs_source found[BS_MAX_SOURCES];
	int k;

	if (!realpath(dir, root)) {
		log_err("bootstrap", "--media-dir %s: %s", dir, strerror(errno));
		return -1;
	}
	memset(&media, 0, sizeof media);
	memset(found, 0, sizeof found);
	media_read_root(root, root, serial, &media);
	k = contact_sources(&media, found, BS_MAX_SOURCES - n);
	memmove(src + k, src, (size_t)n * sizeof *src);
	memcpy(src, found, (size_t)k * sizeof *src);
	if (k == 0)
		log_warn("bootstrap", "--media-dir %s: no bootstrapping data for serial %s", root,
			 serial ? serial : "(none)");
	return k;
}

int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cert", required_argument, NULL, 'c' },
		{ "chain", required_argument, NULL, 'C' },
		{ "key", required_argument, NULL, 'k' },
		{ "tpm", required_argument, NULL, 'T' },
		{ "tpm-conf", required_argument, NULL, 'O' },
		{ "serial", required_argument, NULL, 's' },
		{ "bootstrap-ta", required_argument, NULL, 'b' },
		{ "voucher-ta", required_argument, NULL, 'v' },
		{ "target-root", required_argument, NULL, 'r' },
		{ "target-disk", required_argument, NULL, 'd' },
		{ "no-pivot", no_argument, NULL, 'P' },
		{ "run-dir", required_argument, NULL, 'R' },
		{ "media-dir", required_argument, NULL, 'M' },
		{ "timeout", required_argument, NULL, 't' },
		{ "max-rounds", required_argument, NULL, 'm' },
		{ "backoff", required_argument, NULL, 'B' },
		{ "connect-timeout", required_argument, NULL, '1' },
		{ "response-timeout", required_argument, NULL, '2' },
		{ "idle-timeout", required_argument, NULL, '3' },
		{ "total-timeout", required_argument, NULL, '4' },
		{ "hw-model", required_argument, NULL, 'H' },
		{ "os-name", required_argument, NULL, 'N' },
		{ "os-version", required_argument, NULL, 'V' },
		{ "basic", required_argument, NULL, 'A' },
		{ "untrusted-clock", no_argument, NULL, 'U' },
		{ "clock", required_argument, NULL, 'K' },
		{ "floor", required_argument, NULL, 'F' },
		{ "nonce-required", no_argument, NULL, 'Q' },
		{ "data", required_argument, NULL, 'D' },
		{ "events", required_argument, NULL, 'E' },
		{ "verbose", no_argument, NULL, 'x' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct bs_paths p;
	struct bs_config cfg;
	struct bs_ops ops;
	struct https_limits lim = { BS_CONNECT_MS, BS_HEADER_MS, BS_IDLE_MS, BS_TOTAL_MS };
	struct bs_source src[BS_MAX_SOURCES];
	struct cmd_clock co = { NULL, NULL, NULL, 0 };
	static struct clock_policy clock;
	char line[512];
	const char *media_dir = NULL, *events = NULL, *tcti = NULL, *tpm_conf = NULL;
	const struct tls_client_id *tls = NULL;
	struct err e;
	const char *data[RUN_DATA_MAX];
	int c, n, rc, n_data = 0;
	long v;

	memset(&p, 0, sizeof p);
	memset(&cfg, 0, sizeof cfg);
	memset(src, 0, sizeof src);
	memset(&run_inst, 0, sizeof run_inst);
	err_clear(&e);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': p.cert = optarg; break;
		case 'C': p.chain = optarg; break;
		case 'k': p.key = optarg; break;
		case 'T': tcti = optarg; break;
		case 'O': tpm_conf = optarg; break;
		case 's': p.serial = optarg; break;
		case 'b': p.bootstrap_anchors = optarg; break;
		case 'v': p.voucher_anchors = optarg; break;
		case 'r': cfg.target_root = optarg; break;
		case 'd': cfg.target_disk = optarg; break;
		case 'P': cfg.no_pivot = 1; break;
		case 'R': run_inst.run_dir = optarg; break;
		case 'M': media_dir = optarg; break;
		case 't':
			if (num(optarg, 1, 86400 * 365, &v) < 0)
				return fprintf(stderr, "run: --timeout: 1.. seconds\n"), 2;
			cfg.timeout_s = (int)v;
			break;
		case 'm':
			if (num(optarg, 1, 1000000, &v) < 0)
				return fprintf(stderr, "run: --max-rounds: a positive number\n"), 2;
			cfg.max_rounds = (int)v;
			break;
		case 'B': {
			char *comma = strchr(optarg, ',');
			long lo, hi;
			if (!comma)
				return fprintf(stderr, "run: --backoff MIN,MAX (ms)\n"), 2;
			*comma = 0;
			if (num(optarg, 1, 3600000, &lo) < 0 || num(comma + 1, lo, 3600000, &hi) < 0)
				return fprintf(stderr, "run: --backoff MIN,MAX (ms, MIN <= MAX)\n"), 2;
			cfg.backoff_min_ms = (int)lo;
			cfg.backoff_max_ms = (int)hi;
			break;
		}
		case '1': case '2': case '3': case '4':
			if (num(optarg, 1, 3600000, &v) < 0)
				return fprintf(stderr, "run: timeouts are 1..3600000 ms\n"), 2;
			if (c == '1')
				lim.connect_ms = (int)v;
			else if (c == '2')
				lim.header_ms = (int)v;
			else if (c == '3')
				lim.idle_ms = (int)v;
			else
				lim.total_ms = (int)v;
			break;
		case 'H': cfg.hw_model = optarg; break;
		case 'N': cfg.os_name = optarg; break;
		case 'V': cfg.os_version = optarg; break;
		case 'A': cfg.basic = optarg; break;
		case 'U': co.clock = "floor"; break;
		case 'K': co.clock = optarg; break;
		case 'F': co.floor = optarg; break;
		case 'Q': co.nonce_required = 1; break;
		case 'D':
			if (n_data >= RUN_DATA_MAX)
				return fprintf(stderr, "run: at most %d --data\n", RUN_DATA_MAX), 2;
			data[n_data++] = optarg;
			break;
		case 'E': events = optarg; break;
		case 'x': log_set_level(LOG_DEBUG); break;
		case 'h': cmd_help_print("run", stdout); return 0;
		default:
			fprintf(stderr, "run: unknown option or missing argument: %s\n",
				argv[optind - 1]);
			return usage();
		}
	}
	n = argc - optind;
	if ((n + n_data < 1 && !media_dir) || (!tcti && (!p.cert || !p.key)) ||
	    !p.voucher_anchors || (tpm_conf && !tcti))
		return usage();
	if (cmd_clock_policy(&co, "run", &clock) != 0)
		return 2;
	cfg.clock = &clock;
	if (cfg.target_disk && !cfg.target_root) {
		fprintf(stderr, "run: --target-disk needs --target-root DIR (where to mount the new root)\n");
		return 2;
	}
	if (n + n_data > BS_MAX_SOURCES) {
		fprintf(stderr, "run: at most %d URLs\n", BS_MAX_SOURCES - n_data);
		return 2;
	}
	/* local data first, as the device tries removable media first */
	for (int i = 0; i < n_data; i++) {
		long len = read_data(data[i], i);
		if (len < 0)
			return 1;
		src[i].uri = data[i];
		src[i].origin = "file";
		src[i].response = run_data[i];
		src[i].response_len = (size_t)len;
	}
	for (int i = 0; i < n; i++) {
		struct url u;
		if (url_parse(&u, argv[optind + i], strlen(argv[optind + i]), &e) < 0) {
			fprintf(stderr, "run: %s: %s\n", argv[optind + i], e.msg);
			return 2;
		}
		src[n_data + i].uri = argv[optind + i];
		src[n_data + i].origin = "command line";
	}
	n += n_data;
	if (events) {
		int r = events_open(events);
		if (r < 0) {
			fprintf(stderr, "run: --events %s: %s\n", events, strerror(-r));
			return 1;
		}
	}
	/* the identity: the TPM's IDevID, else (as the boot does) the key file */
	if (tcti && tpm_identity(tcti, tpm_conf, &e) == 0) {
		if (bs_setup_trust(&run_setup, &p, &cfg, &e) < 0) {
			log_err("bootstrap", "trust anchors: %s", e.msg);
			result(-1, e.msg);
			return 1;
		}
		cfg.serial = p.serial ? p.serial : run_tid.serial;
		cfg.device_cert = run_tid.chain.cert[0].data;
		cfg.device_cert_len = run_tid.chain.cert[0].data_len;
		cfg.recipient = run_tid.can_decrypt ? &run_tid.recipient : NULL;
		tls = &run_tid.tls;
		log_info("bootstrap", "device serial %s (TPM-held IDevID), %zu bootstrap and "
			 "%zu voucher trust anchor(s)", cfg.serial, run_setup.boot_anchors.n,
			 run_setup.n_voucher);
	} else {
		if (tcti) {
			if (p.key && access(p.key, R_OK) == 0)
				log_warn("tpm", "no TPM-held IDevID (%s): using the key file", e.msg);
			else
				log_err("tpm", "no TPM-held IDevID (%s), and no key file %s: the device "
					"cannot identify itself", e.msg, p.key ? p.key : "(none given)");
			err_clear(&e);
		}
		if (bs_setup_load(&run_setup, &p, &cfg, &e) < 0) {
			log_err("bootstrap", "device identity: %s", e.msg);
			result(-1, e.msg);
			return 1;
		}
		tls = &run_setup.tls;
	}
	events_set_serial(cfg.serial);
	if (media_dir) {
		int k = add_media(media_dir, cfg.serial, src, n);
		if (k < 0) {
			result(-1, "--media-dir: not usable");
			return 1;
		}
		n += k;
	}
	cfg.no_pivot = 1; /* a host run never enters the new root */
	if (cfg.target_disk) {
		run_inst.disk = cfg.target_disk;
		run_inst.sysroot = cfg.target_root;
		run_inst.serial = cfg.serial;
		run_inst.anchors = cfg.anchors;
		run_inst.allow_unvalidated = 1;
		run_inst.clock = &clock;
		run_inst.client = tls;
		run_inst.disk_opts.allow_loop = 1;
		onboard_ops_install(&run_install, &run_inst);
		cfg.install = &run_install;
	}
	bs_https_init(&run_transport, &ops, &lim, tls);
	log_info("clock", "%s", clock_describe(&clock, line, sizeof line));
	rc = bs_run(&run_state, &cfg, &ops, src, n, &e);
	bs_setup_clear(&run_setup);
	if (tls == &run_tid.tls)
		tpm_close(&run_tpm);
	if (rc < 0) {
		log_err("bootstrap", "bootstrapping failed: %s", e.msg);
		result(-1, e.msg);
		return 1;
	}
	result(0, NULL);
	return 0;
}
