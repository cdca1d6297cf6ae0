/*
 * bs_https.h: the bootstrap engine's transport (struct bs_ops) over the
 * HTTPS client (https.h): one kept-alive connection at a time, the device
 * identity as TLS client certificate, getrandom() for nonces and jitter,
 * CLOCK_MONOTONIC and nanosleep() for the loop.
 */
#ifndef SZTP_BS_HTTPS_H
#define SZTP_BS_HTTPS_H

#include "sztp/bootstrap.h"
#include "tls/https.h"
#include "tls/tls_ccert.h"

/*
 * The device's limits for the engine's requests (get-bootstrapping-data,
 * host-meta, report-progress; https.h): TCP connect and each handshake wait,
 * request sent -> response head, every silence in the body, and the whole
 * exchange, so that a server that trickles its reply (a byte now and then,
 * never silent long enough for the idle limit) cannot hold the device: a
 * 1 MiB reply at 100 kbit/s still fits.
 */
#define BS_CONNECT_MS 10000
#define BS_HEADER_MS  10000
#define BS_IDLE_MS    30000
#define BS_TOTAL_MS   120000

struct bs_https {
	struct https_client hc;
	const struct tls_client_id *client; /* NULL: no client certificate */
};

/*
 * Fill `ops` to use `t` (whose lifetime must cover the run) with the
 * limits `lim` and the device identity `client` (may be NULL).
 */
void bs_https_init(struct bs_https *t, struct bs_ops *ops, const struct https_limits *lim,
		   const struct tls_client_id *client);

#endif
