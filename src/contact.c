/* contact.c: reach the bootstrap servers over HTTPS (foundation stage). */
#include "contact.h"
#include "anchors.h"
#include "https.h"
#include "log.h"
#include "url.h"

#include <stdio.h>
#include <string.h>

#define HOST_META "/.well-known/host-meta"
#define CONTACT_TIMEOUT_MS 15000

static struct anchors anchors;

/* One server: 0 when it answered with an HTTP status. */
static int try_server(const char *uri, const char *source)
{
	struct err e = { "" };
	struct url u;
	int status = 0;

	if (url_parse(&u, uri, strlen(uri), &e) < 0) {
		log_warn("https", "%s (from %s): %s", uri, source, e.msg);
		return -1;
	}
	if (https_get(&u, HOST_META, &anchors, CONTACT_TIMEOUT_MS, &status, NULL, 0, NULL,
		      &e) < 0) {
		log_warn("https", "GET %s%s (from %s): %s", uri, HOST_META, source, e.msg);
		return -1;
	}
	log_info("https", "GET %s%s -> %d", uri, HOST_META, status);
	return 0;
}

/* The built-in servers: one URI a line, '#' comments. */
static int try_builtin(void)
{
	char line[CFG_STR + 2];
	FILE *f = fopen(CONTACT_SERVERS, "re");
	int ok = -1;
	if (!f)
		return -1;
	while (ok < 0 && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n#")] = '\0';
		if (line[0])
			ok = try_server(line, "built-in");
	}
	fclose(f);
	return ok;
}

int stage_contact(const struct sztp_config *cfg, const struct net_result *net, struct err *e)
{
	struct err ae = { "" };
	(void)cfg;

	anchors_init(&anchors);
	if (anchors_load(&anchors, CONTACT_ANCHORS_DIR, &ae) < 0)
		log_warn("https", "no bootstrap trust anchors: %s", ae.msg);
	else
		log_info("https", "%zu bootstrap trust anchor(s) from %s", anchors.n,
			 CONTACT_ANCHORS_DIR);

	for (int i = 0; i < net->n_uris; i++)
		if (try_server(net->uris[i].uri, net->uris[i].source) == 0)
			return 0;
	if (try_builtin() == 0)
		return 0;
	return err_set(e, "no bootstrap server answered (%d tried from the network)",
		       net->n_uris);
}
