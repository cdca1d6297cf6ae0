/*
 * cmd_fetch.c: `sztpboot fetch URL --sha256 HEX --out PATH [--ca FILE|DIR]
 *               [--any-server-cert] [--timeout SEC] [--medium DIR] [--quiet]`
 *
 * The device's download-verify-write path (image.h, imgsrc.h) as a command:
 * operators use it to check their image server and images. URL is https://
 * or file://. An https:// server is validated against the anchors of
 * cmd_ca.h: --ca; else, on a device (/etc/sztp/ exists), the device's
 * /etc/sztp/anchors/bootstrap, and when that holds none the server is
 * reached unvalidated with one warning, as a factory-fresh device does;
 * else the system's CA store (SSL_CERT_FILE, SSL_CERT_DIR,
 * /etc/ssl/certs/ca-certificates.crt). --any-server-cert goes on with a
 * warning when the image server's certificate does not validate, as the
 * device does: the SHA-256 still decides whether the image is written. With --medium DIR a
 * file:// URL is resolved on the medium mounted at DIR, as the device does
 * for onboarding information read from that medium (imgsrc.h): operators
 * check that the download-uri they wrote finds the image on their stick.
 * HEX is the image's SHA-256, 64 hex digits, colons allowed (the
 * yang:hex-string form of the onboarding information). PATH is a regular file
 * (created) or a block device (opened exclusively; its first MiB is written
 * last, as on the device). gzip, xz and zstd images are decompressed; the
 * hash is over the downloaded bytes.
 *
 * Exit 0 only when the image was written in full and its hash matched; 1
 * otherwise (the target is then wiped: a file truncated to 0, a disk's
 * partition table zeroed); 2 on a usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmd_ca.h"
#include "cmd/commands.h"
#include "base/err.h"
#include "install/image.h"
#include "install/imgsrc.h"
#include "base/log.h"

static struct anchors fetch_anchors;
static struct imgsrc_https fetch_src;

static int usage(void)
{
	return cmd_usage("fetch");
}

static int parse_hex(const char *s, uint8_t out[32])
{
	int n = 0, hi = -1;
	for (; *s; s++) {
		int v;
		if (*s == ':')
			continue;
		if (*s >= '0' && *s <= '9')
			v = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			v = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			v = *s - 'A' + 10;
		else
			return -1;
		if (hi < 0) {
			hi = v;
		} else {
			if (n >= 32)
				return -1;
			out[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	return n == 32 && hi < 0 ? 0 : -1;
}

static void show(void *ctx, const struct image_progress *p)
{
	char line[160];
	int tty = *(int *)ctx;
	image_progress_line(p, line, sizeof line);
	if (tty)
		fprintf(stderr, "\r\033[Kfetch: %s%s", line, p->done ? "\n" : "");
	else if (p->done)
		fprintf(stderr, "fetch: %s\n", line);
}

int cmd_fetch(int argc, char **argv)
{
	const char *url = NULL, *hex = NULL, *out = NULL, *ca = NULL, *medium = NULL;
	int any_cert = 0, quiet = 0, timeout_s = 30, tty;
	char what[600];
	uint8_t want[1][32];
	struct err e;
	struct stat st;

	err_clear(&e);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--sha256") == 0 && i + 1 < argc) {
			hex = argv[++i];
		} else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
			out = argv[++i];
		} else if (strcmp(argv[i], "--medium") == 0 && i + 1 < argc) {
			medium = argv[++i];
		} else if (strcmp(argv[i], "--ca") == 0 && i + 1 < argc) {
			ca = argv[++i];
		} else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
			char *end;
			long v = strtol(argv[++i], &end, 10);
			if (*end || v < 1 || v > 3600)
				return usage();
			timeout_s = (int)v;
		} else if (strcmp(argv[i], "--any-server-cert") == 0) {
			any_cert = 1;
		} else if (strcmp(argv[i], "--quiet") == 0 || strcmp(argv[i], "-q") == 0) {
			quiet = 1;
		} else if (argv[i][0] == '-' || url) {
			return usage();
		} else {
			url = argv[i];
		}
	}
	if (!url || !hex || !out)
		return usage();
	if (parse_hex(hex, want[0]) < 0) {
		fprintf(stderr, "sztpboot fetch: --sha256 must be 32 bytes of hex (64 digits, "
			"colons allowed)\n");
		return 2;
	}
	if (quiet)
		log_set_level(LOG_WARN);
	anchors_init(&fetch_anchors);
	if (strncmp(url, "https://", 8) == 0) {
		int k = cmd_ca_load(&fetch_anchors, ca, NULL, what, sizeof what, &e);
		/* the device's place holding nothing is "no anchors", as on a
		 * factory-fresh device: unvalidated, the sha-256 decides; a --ca or a
		 * system store that cannot be used is an error */
		if (k < 0 && (ca || !cmd_ca_device(NULL)) && !any_cert) {
			fprintf(stderr, "sztpboot fetch: %s%s\n", e.msg,
				ca ? "" : " (give the image server's CA with --ca FILE)");
			return 1;
		}
		if (k >= 0)
			log_info("fetch", "image server certificates are validated against %s", what);
	}
	int is_blk = stat(out, &st) == 0 && S_ISBLK(st.st_mode);
	int fd = open(out, is_blk ? O_RDWR | O_EXCL | O_CLOEXEC : O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "sztpboot fetch: %s: %s\n", out, strerror(errno));
		return 1;
	}
	imgsrc_https_init(&fetch_src, fetch_anchors.n ? &fetch_anchors : NULL, any_cert,
			  timeout_s * 1000);
	fetch_src.medium = medium;
	struct image_source src = imgsrc_any(&fetch_src);
	const char *uris[1] = { url };
	tty = isatty(2) && !quiet;
	struct image_opts o;
	memset(&o, 0, sizeof o);
	o.uris = uris;
	o.n_uris = 1;
	o.sha256 = (const uint8_t(*)[32])want;
	o.n_sha256 = 1;
	o.src = &src;
	o.progress = quiet ? NULL : show;
	o.progress_ctx = &tty;
	struct image_result r;
	int rc = image_write(fd, out, &o, &r, &e);
	imgsrc_https_close(&fetch_src);
	if (close(fd) < 0 && rc == 0) {
		fprintf(stderr, "sztpboot fetch: %s: close: %s\n", out, strerror(errno));
		return 1;
	}
	if (rc < 0) {
		fprintf(stderr, "sztpboot fetch: %s\n", e.msg);
		return 1;
	}
	printf("ok %s: %s image, %llu bytes downloaded, %llu bytes written, %d resume(s)\n", out,
	       decomp_name(r.kind), (unsigned long long)r.bytes_in,
	       (unsigned long long)r.bytes_out, r.resumes);
	return 0;
}
