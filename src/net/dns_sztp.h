/*
 * dns_sztp.h: what RFC 8572 section 4.2 puts in DNS, decoded from a parsed
 * message (dns.h). No I/O.
 *
 * Device-specific data: TXT records at "<serial>._sztp.<domain>" (mDNS:
 * "<serial>._sztp.local") whose character-strings are RFC 6763 key/value
 * pairs: "ci=" conveyed information, "oc=" owner certificate, "ov="
 * ownership voucher, each value the binary CMS artifact. A character-string
 * holds at most 255 bytes, so a value continues in the following strings of
 * the same record until its DER encoding is complete (the length in its
 * header; bytes beyond it are an error), or, for a base64 value, until a
 * string starts with a "ci=", "oc=" or "ov=" key not yet seen. Strings of
 * other keys are ignored; several TXT records at the name are read in
 * order, and a key seen twice keeps its first value (RFC 6763 section 6.4). Interop: a
 * value that does not start with a DER SEQUENCE (0x30) but is valid base64
 * of one is decoded (zone files and dnsmasq's --txt-record hold text).
 * The artifacts are untrusted: the caller passes them to the verifier.
 *
 * Device-independent data: SRV records at "_sztp._tcp.<domain>" (mDNS:
 * "_sztp._tcp.local"), each naming a bootstrap server "https://target:port",
 * ordered by RFC 2782 (priority ascending, weighted random within a
 * priority). Unsigned redirect information: no trust anchors.
 */
#ifndef SZTP_DNS_SZTP_H
#define SZTP_DNS_SZTP_H

#include <stddef.h>
#include <stdint.h>

#include "net/dns.h"
#include "base/err.h"
#include "net/sztp_uri.h"

/* Caller buffers for the three artifacts. */
struct sztp_txt {
	uint8_t *ci, *oc, *ov;        /* buffers ... */
	size_t ci_cap, oc_cap, ov_cap; /* ... and their sizes */
	size_t ci_len, oc_len, ov_len; /* out: 0 when absent */
	int base64;                   /* out: at least one value was base64 text */
};

/*
 * Assemble the ci/oc/ov values of the TXT records named `qname` in the
 * parsed message `m` (of msg[len]) into `t` (lengths reset first).
 * Returns 1 when conveyed information was found (oc and ov both or neither),
 * 0 when the records hold no SZTP keys, -1 with `e` set when a value does
 * not fit its buffer, only one of oc/ov is present, or a value is neither
 * DER nor base64 of DER.
 */
int sztp_txt_assemble(const uint8_t *msg, size_t len, const struct dns_msg *m,
		      const char *qname, struct sztp_txt *t, struct err *e);

/*
 * Turn the SRV records named `qname` into URIs "https://target:port" in
 * RFC 2782 order into `out` (reset first); `rnd` seeds the weighted choice.
 * Records with target "." or port 0, or whose URI fails sztp_uri_check(),
 * are skipped with a log line. Returns the number of URIs (0 when none).
 */
int sztp_srv_uris(const uint8_t *msg, size_t len, const struct dns_msg *m, const char *qname,
		  uint32_t rnd, struct sztp_uri_list *out);

/*
 * The query names: "<serial>._sztp.<domain>" and "_sztp._tcp.<domain>"
 * into out[cap]. Return 0, or -1 with `e` set when the result does not fit
 * or would not be a valid name.
 */
int sztp_dns_txt_name(const char *serial, const char *domain, char *out, size_t cap,
		      struct err *e);
int sztp_dns_srv_name(const char *domain, char *out, size_t cap, struct err *e);

#endif
