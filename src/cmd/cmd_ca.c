/* cmd_ca.c: the trust anchors of the host commands (see cmd_ca.h). */
#include "cmd/cmd_ca.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/log.h"

/* The system store: $SSL_CERT_FILE, $SSL_CERT_DIR, or CMD_CA_SYSTEM. */
static int load_system(struct anchors *a, char *what, size_t cap, struct err *e)
{
	const char *file = getenv("SSL_CERT_FILE"), *dirs = getenv("SSL_CERT_DIR");
	char dir[512];
	size_t n = 0;

	/* as OpenSSL reads them: the file when set, else the directories */
	a->skip_duplicates = 1;
	if (file && *file) {
		dirs = NULL;
		if (anchors_load(a, file, e) < 0)
			return err_wrap(e, "system CA store (SSL_CERT_FILE)");
		n = (size_t)snprintf(what, cap, "the system CA store %s (SSL_CERT_FILE)", file);
	} else if (!dirs || !*dirs) {
		if (anchors_load(a, CMD_CA_SYSTEM, e) < 0)
			return err_wrap(e, "system CA store");
		n = (size_t)snprintf(what, cap, "the system CA store %s", CMD_CA_SYSTEM);
	}
	for (const char *p = dirs; p && *p;) {
		size_t k = strcspn(p, ":");
		if (k > 0 && k < sizeof dir) {
			memcpy(dir, p, k);
			dir[k] = 0;
			/* as OpenSSL does, a directory that cannot be read is
			 * passed over (said at debug level) */
			if (anchors_load(a, dir, e) < 0)
				log_debug("ca", "SSL_CERT_DIR: %s", e->msg);
			else if (n < cap)
				n += (size_t)snprintf(what + n, cap - n, "%s%s", n ? ", " : "the system CA "
						      "store ", dir);
		}
		p += k + (p[k] == ':');
	}
	if (a->n == 0)
		return err_set(e, "system CA store (SSL_CERT_DIR): no certificate in %s", dirs);
	if (n < cap)
		snprintf(what + n, cap - n, "%s (%zu anchors)", dirs ? " (SSL_CERT_DIR)" : "", a->n);
	return CMD_CA_OF_SYSTEM;
}

int cmd_ca_device(const char *sztp_dir)
{
	struct stat st;
	return stat(sztp_dir ? sztp_dir : CMD_CA_SZTP_DIR, &st) == 0 && S_ISDIR(st.st_mode);
}

int cmd_ca_load(struct anchors *a, const char *ca, const char *sztp_dir, char *what, size_t cap,
		struct err *e)
{
	char dev[512];
	int r;

	anchors_init(a);
	a->skip_duplicates = 0;
	if (!sztp_dir)
		sztp_dir = CMD_CA_SZTP_DIR;
	snprintf(dev, sizeof dev, "%s/anchors/bootstrap", sztp_dir);
	if (ca) {
		r = anchors_load(a, ca, e) < 0 ? -1 : CMD_CA_GIVEN;
		snprintf(what, cap, "--ca %s (%zu anchors)", ca, a->n);
	} else if (cmd_ca_device(sztp_dir)) {
		r = anchors_load(a, dev, e) < 0 ? -1 : CMD_CA_OF_DEVICE;
		snprintf(what, cap, "the device's anchors %s (%zu anchors)", dev, a->n);
	} else {
		r = load_system(a, what, cap, e);
	}
	if (r < 0)
		anchors_init(a);
	return r;
}
