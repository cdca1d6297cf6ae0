/*
 * cmd_ca.h: the trust anchors `sztpboot fetch` and `sztpboot get` validate
 * HTTPS servers with, so that they behave as host tools on a host and as the
 * device on a device:
 *
 *   --ca FILE|DIR        those, and only those;
 *   else, /etc/sztp/ exists (a device, or a host set up like one):
 *                        the device's, CMD_CA_DEVICE (<dir>/anchors/bootstrap);
 *   else the system's CA store, as OpenSSL finds it: the file named by
 *                        $SSL_CERT_FILE when set, else the directories of
 *                        $SSL_CERT_DIR (':'-separated) when set, else
 *                        CMD_CA_SYSTEM (Debian's ca-certificates bundle);
 *                        a certificate found twice counts once.
 */
#ifndef SZTP_CMD_CA_H
#define SZTP_CMD_CA_H

#include <stddef.h>

#include "base/err.h"
#include "trust/anchors.h"

#define CMD_CA_SZTP_DIR "/etc/sztp"
#define CMD_CA_DEVICE   "/etc/sztp/anchors/bootstrap"
#define CMD_CA_SYSTEM   "/etc/ssl/certs/ca-certificates.crt"

/* Which store the rule above picks. */
enum cmd_ca_kind { CMD_CA_GIVEN, CMD_CA_OF_DEVICE, CMD_CA_OF_SYSTEM };

/*
 * Load the anchors the rule picks (`ca`: --ca, or NULL) into `a` (emptied
 * first); `what` receives a description for messages ("the system CA store
 * /etc/ssl/certs/ca-certificates.crt (146 anchors)"). Returns the kind, or
 * -1 with `e` naming the store and why it could not be used (`a` is then
 * empty). `sztp_dir` is CMD_CA_SZTP_DIR, or NULL for it (tests give another).
 */
int cmd_ca_load(struct anchors *a, const char *ca, const char *sztp_dir, char *what, size_t cap,
		struct err *e);

/* 1 when the rule picks the device's anchors (`sztp_dir`, or NULL for
 * CMD_CA_SZTP_DIR, is a directory), else 0. */
int cmd_ca_device(const char *sztp_dir);

#endif
