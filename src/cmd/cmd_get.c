/*
 * cmd_get.c: `sztpboot get URL [--ca FILE|DIR] [--timeout SEC] [--body]
 *            [--out FILE] [--range N] [--repeat N] [--verbose]`
 *
 * Performs HTTPS GETs with BearSSL, validating the server against the trust
 * anchors of cmd_ca.h: --ca FILE or DIR; else, on a device (/etc/sztp/
 * exists), /etc/sztp/anchors/bootstrap; else the system's CA store
 * (SSL_CERT_FILE, SSL_CERT_DIR, /etc/ssl/certs/ca-certificates.crt). Prints
 * "status N" and exits 0 when a complete HTTP response was received, whatever
 * its status; exits 1 with a one-line message on stderr on any failure, 2 on
 * a usage error.
 *   --body      also write the response body (at most CMD_GET_BODY_MAX bytes)
 *               to stdout after the status line
 *   --out FILE  stream the body into FILE as it arrives (no size limit but
 *               the file system's); with --range, append to FILE
 *   --range N   ask for the bytes from offset N on ("Range: bytes=N-"); a
 *               206 answer prints "range FIRST-LAST/TOTAL"
 *   --repeat N  send the request N times over one kept-alive client; each
 *               answer prints "status S reused R bytes B" (R: 1 when the
 *               request went on an already open connection)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trust/anchors.h"
#include "cmd/cmd_ca.h"
#include "cmd/commands.h"
#include "base/err.h"
#include "tls/https.h"
#include "base/log.h"
#include "base/url.h"

#define CMD_GET_BODY_MAX   (256 * 1024)

static struct anchors get_anchors;
static uint8_t get_body[CMD_GET_BODY_MAX];
static struct https_client get_client;

static int usage(void)
{
	return cmd_usage("get");
}

static int file_sink(void *ctx, const uint8_t *data, size_t len, struct err *e)
{
	if (fwrite(data, 1, len, (FILE *)ctx) != len)
		return err_set(e, "write: %s", strerror(errno));
	return 0;
}

static int num(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int cmd_get(int argc, char **argv)
{
	const char *urlstr = NULL, *ca = NULL, *out = NULL;
	char what[600];
	int timeout_s = 10, show_body = 0, rc = 0;
	long range = -1, repeat = 1, v;
	FILE *of = NULL;
	struct url u;
	struct err e;

	err_clear(&e);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--ca") == 0 && i + 1 < argc) {
			ca = argv[++i];
		} else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
			if (num(argv[++i], 1, 3600, &v) < 0) {
				fprintf(stderr, "sztpboot get: --timeout must be 1..3600 seconds\n");
				return 2;
			}
			timeout_s = (int)v;
		} else if (strcmp(argv[i], "--range") == 0 && i + 1 < argc) {
			if (num(argv[++i], 0, 0x7fffffffL, &range) < 0)
				return usage();
		} else if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
			if (num(argv[++i], 1, 100, &repeat) < 0)
				return usage();
		} else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
			out = argv[++i];
		} else if (strcmp(argv[i], "--body") == 0) {
			show_body = 1;
		} else if (strcmp(argv[i], "--verbose") == 0 || strcmp(argv[i], "-v") == 0) {
			log_set_level(LOG_DEBUG);
		} else if (argv[i][0] == '-' || urlstr) {
			return usage();
		} else {
			urlstr = argv[i];
		}
	}
	if (!urlstr || (out && show_body))
		return usage();
	if (url_parse(&u, urlstr, strlen(urlstr), &e) < 0) {
		fprintf(stderr, "sztpboot get: %s\n", e.msg);
		return 2;
	}
	if (cmd_ca_load(&get_anchors, ca, NULL, what, sizeof what, &e) < 0) {
		fprintf(stderr, "sztpboot get: %s%s\n", e.msg,
			ca ? "" : " (give the server's CA with --ca FILE|DIR)");
		return 1;
	}
	log_debug("get", "server certificates are validated against %s", what);
	if (out && !(of = fopen(out, range > 0 ? "ab" : "wb"))) {
		fprintf(stderr, "sztpboot get: %s: %s\n", out, strerror(errno));
		return 1;
	}
	{
		struct https_limits lim = { timeout_s * 1000, timeout_s * 1000, timeout_s * 1000, 0 };
		struct https_target t = { &u, &get_anchors, 0, NULL, 0, NULL }; /* system clock */
		struct https_req rq = { "GET", u.path, NULL, NULL, NULL, 0, NULL, range };
		https_client_init(&get_client, &lim);
		for (long i = 0; i < repeat && rc == 0; i++) {
			struct https_resp rs;
			memset(&rs, 0, sizeof rs);
			if (of) {
				rs.sink = file_sink;
				rs.sink_ctx = of;
			} else if (show_body) {
				rs.buf = get_body;
				rs.cap = sizeof get_body;
			}
			if (https_client_request(&get_client, &t, &rq, &rs, &e) < 0) {
				if (rs.head.status)
					printf("status %d\n", rs.head.status);
				fflush(stdout);
				fprintf(stderr, "sztpboot get: https: %s\n", e.msg);
				rc = 1;
				break;
			}
			if (repeat > 1)
				printf("status %d reused %d bytes %llu\n", rs.head.status, rs.reused,
				       (unsigned long long)rs.len);
			else
				printf("status %d\n", rs.head.status);
			if (rs.range_first >= 0)
				printf("range %lld-%lld/%lld\n", (long long)rs.range_first,
				       (long long)rs.range_last, (long long)rs.range_total);
			if (show_body)
				fwrite(get_body, 1, (size_t)rs.len, stdout);
		}
		https_client_close(&get_client);
	}
	if (of && fclose(of) != 0 && rc == 0) {
		fprintf(stderr, "sztpboot get: %s: %s\n", out, strerror(errno));
		rc = 1;
	}
	if (fflush(stdout) != 0)
		rc = 1;
	return rc;
}
