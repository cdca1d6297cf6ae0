/*
 * contact.h: the bootstrap stage of the boot sequence: run the RFC 8572
 * bootstrap client (bootstrap.h) over the discovered sources, in the order
 * the network stage lists them (net.h: removable media, sztp.url=, DHCPv6,
 * DHCPv4, DNS), then the built-in servers of CONTACT_SERVERS (one URI a
 * line, '#' comments; source "built-in"). Bootstrapping data found on media
 * or in DNS is untrusted: signed data or unsigned redirects only.
 * The trust anchors come from the initramfs (bs_setup.h: /etc/sztp/anchors/);
 * the device identity from the TPM (identity.h) or, without one, from the
 * key file in /etc/sztp/device/. The loop retries
 * forever with backoff unless sztp.timeout= bounds it.
 *
 * Time (trust/clock.h, RFC 8572 section 9.1): at the start of the stage the
 * clock policy is made from the agent's build time, the RTC and the TPM
 * floor under sztp.clock= and sztp.voucher=, and logged on one line
 * ("clock: bound ..."); every source and every certificate is judged by it.
 * After a successful onboarding, before the handover, the TPM floor is
 * advanced (clock_floor_next(): never moved back).
 */
#ifndef SZTP_CONTACT_H
#define SZTP_CONTACT_H

#include "trust/clock.h"
#include "trust/cms.h"
#include "base/config.h"
#include "base/err.h"
#include "install/install.h"
#include "net/net.h"
#include "sztp/bootstrap.h"
#include "tls/tls_ccert.h"

#define CONTACT_SERVERS "/etc/sztp/servers"
/* Optional HTTP Basic credentials ("user:password", one line), sent only to
 * trusted bootstrap servers; ship it with make OVERLAY=dir. */
#define CONTACT_BASIC   "/etc/sztp/device/http-basic"

/* A device identity held outside the initramfs's files: the TPM. */
struct contact_identity {
	const struct tls_client_id *tls;       /* certificate chain + signer */
	const struct cms_recipient *recipient; /* to decrypt conveyed information */
	const uint8_t *cert;                   /* the IDevID certificate (DER) */
	size_t cert_len;
	const char *serial;                    /* from the IDevID certificate */
	const char *what;                      /* where it lives, for the banner:
						* "TPM key 0x81020001 (device:/dev/tpmrm0)" */
};

/*
 * The bootstrap sources of `net` in its order, into src[0..max) (the
 * built-in list not included): URIs, and artifact sets as local data
 * (bs_source.response, from static buffers valid until the next call;
 * .medium for a medium's). Returns how many. stage_contact() uses it;
 * `sztpboot run --media-dir` too.
 */
int contact_sources(const struct net_result *net, struct bs_source *src, int max);

/*
 * Bootstrap from the sources of `net` (and the built-in list) as the device
 * `id` (NULL: the key file in /etc/sztp/device/). sztp.serial= overrides the
 * serial number. Onboarding installs as `inst` says (install.h; its serial,
 * clock and image-server anchors are filled in here; NULL: nothing can be
 * installed). `floor` is the TPM's clock floor (NULL: no TPM, no floor).
 * Returns 0 when onboarding completed, -1 with `e` set when it did not (the
 * timeout ran out, or there was no source or no identity). DNS/mDNS
 * discovery the network stage deferred (net->dns_deferred) runs when the
 * sources of `net` have all failed once, and what it finds is tried before
 * the built-in list (net.h's order).
 */
int stage_contact(const struct sztp_config *cfg, struct net_result *net,
		  const struct contact_identity *id, const struct clock_floor *floor,
		  struct install_opts *inst, struct err *e);

/* The bootstrap engine's state after stage_contact() (each server's last
 * status, the last failure), for the failure report; NULL before it ran. */
const struct bs_state *contact_state(void);

/*
 * After a successful stage_contact(): the summary on the console (always
 * shown: what was installed, on which disk, the configuration and scripts,
 * the server, the time since the kernel started, `next`: what the device
 * does now) and the "result" event with outcome "ok".
 */
void contact_summary(const char *next);

/*
 * After a successful stage_contact(): the new root onboarding left mounted
 * at inst->sysroot for the boot sequence to enter (install_pivot()), or NULL
 * when there is none (nothing was installed or configured).
 */
struct install_result *contact_new_root(void);

#endif
