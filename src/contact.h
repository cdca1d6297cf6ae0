/*
 * contact.h: the bootstrap-server contact stage of the foundation: for each
 * bootstrap server found (sztp.url=, DHCPv4 option 143, /etc/sztp/servers),
 * connect over HTTPS, validate the server against the bootstrap trust
 * anchors, and log the status of GET /.well-known/host-meta (RFC 8040 §3.1,
 * how a RESTCONF root is discovered). The full RFC 8572 client replaces the
 * GET with get-bootstrapping-data.
 */
#ifndef SZTP_CONTACT_H
#define SZTP_CONTACT_H

#include "config.h"
#include "err.h"
#include "net.h"

#define CONTACT_ANCHORS_DIR "/etc/sztp/anchors/bootstrap"
#define CONTACT_SERVERS     "/etc/sztp/servers"

/*
 * Try every server in order. Logs one line per attempt:
 *   https: GET https://bootstrap.example:8443/.well-known/host-meta -> 200
 *   https: GET https://...: <why it failed>
 * Returns 0 when a server answered with any HTTP status, -1 with `e` set when
 * none did (or none was known).
 */
int stage_contact(const struct sztp_config *cfg, const struct net_result *net, struct err *e);

#endif
