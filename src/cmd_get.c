/*
 * cmd_get.c: `sztpboot get URL [--ca FILE|DIR] [--timeout SEC] [--body] [--verbose]`
 *
 * Performs an HTTPS GET with BearSSL, validating the server against the trust
 * anchors in FILE or DIR (default /etc/sztp/anchors/bootstrap). Prints
 * "status N" and exits 0 when a complete HTTP response was received, whatever
 * its status; exits 1 with a one-line message on stderr on any failure, 2 on
 * a usage error. --body also writes the response body (at most
 * CMD_GET_BODY_MAX bytes) to stdout after the status line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anchors.h"
#include "commands.h"
#include "err.h"
#include "https.h"
#include "log.h"
#include "url.h"

#define CMD_GET_DEFAULT_CA "/etc/sztp/anchors/bootstrap"
#define CMD_GET_BODY_MAX   (256 * 1024)

static struct anchors get_anchors;
static uint8_t get_body[CMD_GET_BODY_MAX];

static int usage(void)
{
	fprintf(stderr, "usage: sztpboot get URL [--ca FILE|DIR] [--timeout SEC] [--body] [--verbose]\n");
	return 2;
}

int cmd_get(int argc, char **argv)
{
	const char *urlstr = NULL, *ca = CMD_GET_DEFAULT_CA;
	int timeout_s = 10, show_body = 0, status = 0;
	size_t body_len = 0;
	struct url u;
	struct err e;

	err_clear(&e);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--ca") == 0 && i + 1 < argc) {
			ca = argv[++i];
		} else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
			char *end;
			long v = strtol(argv[++i], &end, 10);
			if (*argv[i] == '\0' || *end != '\0' || v < 1 || v > 3600) {
				fprintf(stderr, "sztpboot get: --timeout must be 1..3600 seconds\n");
				return 2;
			}
			timeout_s = (int)v;
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
	if (!urlstr)
		return usage();
	if (url_parse(&u, urlstr, strlen(urlstr), &e) < 0) {
		fprintf(stderr, "sztpboot get: %s\n", e.msg);
		return 2;
	}
	anchors_init(&get_anchors);
	if (anchors_load(&get_anchors, ca, &e) < 0) {
		fprintf(stderr, "sztpboot get: %s\n", e.msg);
		return 1;
	}
	if (https_get(&u, NULL, &get_anchors, timeout_s * 1000, &status,
		      show_body ? get_body : NULL, show_body ? sizeof get_body : 0,
		      &body_len, &e) < 0) {
		if (status)
			printf("status %d\n", status);
		fflush(stdout);
		fprintf(stderr, "sztpboot get: %s\n", e.msg);
		return 1;
	}
	printf("status %d\n", status);
	if (show_body)
		fwrite(get_body, 1, body_len, stdout);
	return fflush(stdout) == 0 ? 0 : 1;
}
