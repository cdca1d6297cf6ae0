/* tls_conn.c: TLS 1.2 client connection with BearSSL (see tls_conn.h). */
#include "tls/tls_conn.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/log.h"
#include "base/sha256.h"
#include "trust/br_err.h"
#include "tls/tls_tcp.h"

/* ECDHE + AEAD only, ECDSA first (our PKI is EC). */
static const uint16_t suites[] = {
	BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
};

/*
 * br_ssl_client_init_full() without what the suites above never use: TLS
 * 1.0/1.1 (its MD5+SHA-1 PRF), RSA and static ECDH key exchange, AES-CBC,
 * AES-CCM and 3DES. The full profile links all of them (about 22 KB of the
 * static binary) because it names them, whatever suites are set afterwards.
 * MD5 goes too; SHA-1 stays for the X.509 engine (certificates it may meet)
 * and the TLS 1.2 signature hashes.
 */
static void client_init(br_ssl_client_context *cc, br_x509_minimal_context *xc,
			const br_x509_trust_anchor *anchors, size_t n_anchors)
{
	static const br_hash_class *const hashes[] = {
		&br_sha1_vtable, &br_sha224_vtable, &br_sha256_vtable,
		&br_sha384_vtable, &br_sha512_vtable,
	};

	br_ssl_client_zero(cc);
	br_x509_minimal_init(xc, &br_sha256_vtable, anchors, n_anchors);
	br_ssl_engine_set_default_rsavrfy(&cc->eng);
	br_ssl_engine_set_default_ecdsa(&cc->eng);
	br_x509_minimal_set_rsa(xc, br_ssl_engine_get_rsavrfy(&cc->eng));
	br_x509_minimal_set_ecdsa(xc, br_ssl_engine_get_ec(&cc->eng),
				  br_ssl_engine_get_ecdsa(&cc->eng));
	for (size_t i = 0; i < sizeof hashes / sizeof hashes[0]; i++) {
		int id = (int)((hashes[i]->desc >> BR_HASHDESC_ID_OFF) & BR_HASHDESC_ID_MASK);
		br_ssl_engine_set_hash(&cc->eng, id, hashes[i]);
		br_x509_minimal_set_hash(xc, id, hashes[i]);
	}
	br_ssl_engine_set_prf_sha256(&cc->eng, &br_tls12_sha256_prf);
	br_ssl_engine_set_prf_sha384(&cc->eng, &br_tls12_sha384_prf);
	br_ssl_engine_set_default_aes_gcm(&cc->eng);
	br_ssl_engine_set_default_chapol(&cc->eng);
}

const char *tls_suite_name(unsigned suite)
{
	switch (suite) {
	case BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: return "ECDHE-ECDSA-AES128-GCM-SHA256";
	case BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: return "ECDHE-ECDSA-AES256-GCM-SHA384";
	case BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: return "ECDHE-ECDSA-CHACHA20-POLY1305";
	case BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: return "ECDHE-RSA-AES128-GCM-SHA256";
	case BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: return "ECDHE-RSA-AES256-GCM-SHA384";
	case BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: return "ECDHE-RSA-CHACHA20-POLY1305";
	default: return "unknown";
	}
}

/* Wait until fd is ready for `events`, within the idle timeout and deadline. */
static int wait_fd(struct tls_conn *c, short events)
{
	struct pollfd pfd = { c->fd, events, 0 };

	for (;;) {
		int to = c->timeout_ms, r;
		if (c->deadline_ms) {
			int64_t left = c->deadline_ms - tls_now_ms();
			if (left <= 0) {
				c->io_timeout = 2;
				return -1;
			}
			if (left < to)
				to = (int)left;
		}
		r = poll(&pfd, 1, to);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			c->io_errno = errno;
			return -1;
		}
		if (r == 0) {
			if (c->deadline_ms && tls_now_ms() >= c->deadline_ms)
				c->io_timeout = 2;
			else
				c->io_timeout = 1;
			return -1;
		}
		return 0;
	}
}

static int sock_read(void *ctx, unsigned char *buf, size_t len)
{
	struct tls_conn *c = ctx;

	if (len > INT_MAX)
		len = INT_MAX;
	for (;;) {
		ssize_t n = recv(c->fd, buf, len, 0);
		if (n > 0)
			return (int)n;
		if (n == 0) {
			c->io_eof = 1;
			return -1;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			c->io_errno = errno;
			return -1;
		}
		if (wait_fd(c, POLLIN) < 0)
			return -1;
	}
}

static int sock_write(void *ctx, const unsigned char *buf, size_t len)
{
	struct tls_conn *c = ctx;

	if (len > INT_MAX)
		len = INT_MAX;
	for (;;) {
		ssize_t n = send(c->fd, buf, len, MSG_NOSIGNAL);
		if (n > 0)
			return (int)n;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
			c->io_errno = errno;
			return -1;
		}
		if (wait_fd(c, POLLOUT) < 0)
			return -1;
	}
}

static void fmt_time(time_t t, char *buf, size_t cap)
{
	struct tm tm;
	if (!gmtime_r(&t, &tm) || strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, cap, "%lld", (long long)t);
}

/* Describe why the engine or the socket failed; `what` says during what. */
static int conn_fail(struct tls_conn *c, const char *what, struct err *e)
{
	int be = br_ssl_engine_last_error(&c->cc.eng);
	char eb[256], t[40];

	if (c->ccert.sign_failed)
		return err_set(e, "%s: %s", what, c->ccert.err.msg);
	if (be >= 32 && be < 64)
		c->cert_error = 1;
	if (be != BR_ERR_OK && be != BR_ERR_IO) {
		br_err_format(be, eb, sizeof eb);
		if (be == BR_ERR_X509_BAD_SERVER_NAME && c->x509.ip_mismatch)
			return err_set(e, "%s: certificate has no iPAddress subjectAltName %s: %s",
				       what, c->host, eb);
		if (be == BR_ERR_X509_BAD_SERVER_NAME)
			return err_set(e, "%s: certificate does not name host %s: %s", what,
				       c->host, eb);
		if (be == BR_ERR_X509_EXPIRED && c->x509.time_err[0])
			return err_set(e, "%s: %s", what, c->x509.time_err);
		if (be == BR_ERR_X509_EXPIRED) {
			fmt_time(c->vtime, t, sizeof t);
			return err_set(e, "%s: %s; validation time %s", what, eb, t);
		}
		return err_set(e, "%s: %s", what, eb);
	}
	if (c->io_timeout == 2)
		return err_set(e, "%s: timed out: connection deadline passed", what);
	if (c->io_timeout)
		return err_set(e, "%s: timed out after %s waiting for %s", what,
			       tls_fmt_ms(c->timeout_ms, t, sizeof t), c->peer);
	if (c->io_eof)
		return err_set(e, "%s: connection closed by %s", what, c->peer);
	if (c->io_errno)
		return err_set(e, "%s: %s", what, strerror(c->io_errno));
	return err_set(e, "%s: %s", what, br_err_format(be, eb, sizeof eb));
}

static void seed_rng(struct tls_conn *c)
{
	unsigned char seed[32];
	size_t got = 0;

	while (got < sizeof seed) {
		ssize_t n = getrandom(seed + got, sizeof seed - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got == sizeof seed)
		br_ssl_engine_inject_entropy(&c->cc.eng, seed, sizeof seed);
	else
		log_warn("https", "getrandom failed (%s); relying on BearSSL's system seeder",
			 strerror(errno));
	memset(seed, 0, sizeof seed);
}

int tls_connect(struct tls_conn *c, const struct url *u, const struct anchors *ta,
		const struct tls_opts *o, struct err *e)
{
	const char *sni;
	char what[URL_HOST_MAX + 32], t[40];
	br_ssl_session_parameters sp;

	c->fd = -1;
	c->io_errno = c->io_timeout = c->io_eof = 0;
	c->cert_error = 0;
	c->n_addr = 0;
	c->provisional = o->provisional ? 1 : 0;
	c->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 1;
	c->deadline_ms = o->total_ms > 0 ? tls_now_ms() + o->total_ms : 0;
	snprintf(c->host, sizeof c->host, "%s", u->host);
	snprintf(c->peer, sizeof c->peer, "%s", u->host);
	if (!c->provisional && (!ta || ta->n == 0))
		return err_set(e, "no trust anchors for %s", u->host);
	if (u->host_type != URL_HOST_DNS && u->host_type != URL_HOST_IPV4 &&
	    u->host_type != URL_HOST_IPV6)
		return err_set(e, "bad host type");

	client_init(&c->cc, &c->x509.minimal, ta ? ta->ta : NULL, ta ? ta->n : 0);
	/* the handshake hash and certificate signature hashes: SHA-NI when the
	 * CPU has it (BearSSL's PRF keeps its own SHA-256) */
	br_ssl_engine_set_hash(&c->cc.eng, br_sha256_ID, sha256_class());
	br_x509_minimal_set_hash(&c->x509.minimal, br_sha256_ID, sha256_class());
	/* IP literal: no SNI, no DNS-name match; tls_x509 matches the iPAddress SAN. */
	if (u->host_type == URL_HOST_DNS) {
		tls_x509_wrap(&c->x509, NULL, 0);
		sni = u->host;
	} else {
		tls_x509_wrap(&c->x509, u->ip, u->host_type == URL_HOST_IPV4 ? 4 : 16);
		sni = NULL;
	}
	if (c->provisional)
		tls_x509_provisional(&c->x509);
	br_ssl_engine_set_x509(&c->cc.eng, &c->x509.vtable);
	tls_ccert_init(&c->ccert, o->client, &c->cc.eng);
	if (o->client)
		br_ssl_client_set_client_certificate(&c->cc, &c->ccert.vtable);
	br_ssl_engine_set_versions(&c->cc.eng, BR_TLS12, BR_TLS12);
	br_ssl_engine_set_suites(&c->cc.eng, suites, sizeof suites / sizeof suites[0]);
	br_ssl_engine_set_buffer(&c->cc.eng, c->iobuf, sizeof c->iobuf, 1);

	if (o->clock && !c->provisional) {
		/* the clock policy judges the chain (tls_x509.h) */
		c->vtime = o->clock->bound;
		tls_x509_clock(&c->x509, o->clock, ta ? ta->ta : NULL, ta ? ta->n : 0);
	} else {
		c->vtime = time(NULL);
		if (!c->provisional && c->vtime < 1577836800) { /* 2020-01-01 */
			fmt_time(c->vtime, t, sizeof t);
			log_warn("https", "clock says %s: certificates will look not yet valid", t);
		}
	}
	br_x509_minimal_set_time(&c->x509.minimal,
				 (uint32_t)(c->vtime / 86400 + 719528),
				 (uint32_t)(c->vtime % 86400));
	seed_rng(c);
	if (!br_ssl_client_reset(&c->cc, sni, 0))
		return conn_fail(c, "TLS setup", e);

	c->fd = tls_tcp_connect(u->host, u->host_type != URL_HOST_DNS, u->port, c->timeout_ms,
				o->addr, &c->n_addr, c->peer, sizeof c->peer, e);
	if (c->fd < 0)
		return -1;
	if (c->deadline_ms && tls_now_ms() >= c->deadline_ms) {
		tls_close(c);
		return err_set(e, "connect %s: timed out: connection deadline passed", c->peer);
	}
	br_sslio_init(&c->ioc, &c->cc.eng, sock_read, c, sock_write, c);
	if (br_sslio_flush(&c->ioc) < 0) {
		snprintf(what, sizeof what, "TLS handshake with %s", u->host);
		conn_fail(c, what, e);
		close(c->fd);
		c->fd = -1;
		return -1;
	}
	br_ssl_engine_get_session_parameters(&c->cc.eng, &sp);
	log_debug("https", "connected to %s (%s), TLS 1.2 %s%s%s", u->host, c->peer,
		  tls_suite_name(sp.cipher_suite),
		  c->provisional ? ", server certificate NOT validated (provisional)" : "",
		  c->ccert.sent ? ", client certificate sent" :
		  c->ccert.requested ? ", client certificate requested but none sent" : "");
	return 0;
}

void tls_set_deadline(struct tls_conn *c, int64_t deadline_ms)
{
	c->deadline_ms = deadline_ms;
}

int tls_write_all(struct tls_conn *c, const void *buf, size_t len, struct err *e)
{
	char what[URL_HOST_MAX + 32];

	if (c->fd < 0)
		return err_set(e, "write to %s: connection is closed", c->host);
	if (br_sslio_write_all(&c->ioc, buf, len) < 0 || br_sslio_flush(&c->ioc) < 0) {
		snprintf(what, sizeof what, "write to %s", c->host);
		return conn_fail(c, what, e);
	}
	return 0;
}

long tls_read(struct tls_conn *c, void *buf, size_t len, struct err *e)
{
	char what[URL_HOST_MAX + 32];
	int r;

	if (c->fd < 0)
		return err_set(e, "read from %s: connection is closed", c->host);
	if (len == 0)
		return err_set(e, "read from %s: no buffer space", c->host);
	if (len > INT_MAX)
		len = INT_MAX;
	r = br_sslio_read(&c->ioc, buf, len);
	if (r > 0)
		return r;
	if (br_ssl_engine_current_state(&c->cc.eng) == BR_SSL_CLOSED &&
	    br_ssl_engine_last_error(&c->cc.eng) == BR_ERR_OK)
		return 0;
	snprintf(what, sizeof what, "read from %s", c->host);
	return conn_fail(c, what, e);
}

void tls_close(struct tls_conn *c)
{
	if (c->fd < 0)
		return;
	br_ssl_engine_close(&c->cc.eng);
	for (int i = 0; i < 4; i++) {
		size_t len;
		unsigned char *buf;
		ssize_t n;
		if (!(br_ssl_engine_current_state(&c->cc.eng) & BR_SSL_SENDREC))
			break;
		buf = br_ssl_engine_sendrec_buf(&c->cc.eng, &len);
		n = send(c->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n <= 0)
			break;
		br_ssl_engine_sendrec_ack(&c->cc.eng, (size_t)n);
	}
	close(c->fd);
	c->fd = -1;
}
