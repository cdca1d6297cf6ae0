/* tpm_quote.c: attestation evidence for the provisioning PCR (see tpm_quote.h). */
#include "tpm/tpm_quote.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <tss2/tss2_mu.h>

#include "base/b64.h"
#include "tpm/cel.h"
#include "base/log.h"
#include "base/sha256.h"
#include "tpm/tpm_nvcert.h"
#include "tpm/tpm_pub.h"

/* The fallback attestation key's template. */
static void ak_template(TPM2B_PUBLIC *p)
{
	memset(p, 0, sizeof *p);
	p->publicArea.type = TPM2_ALG_ECC;
	p->publicArea.nameAlg = TPM2_ALG_SHA256;
	p->publicArea.objectAttributes = TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |
		TPMA_OBJECT_SENSITIVEDATAORIGIN | TPMA_OBJECT_USERWITHAUTH |
		TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_SIGN_ENCRYPT;
	p->publicArea.parameters.eccDetail.symmetric.algorithm = TPM2_ALG_NULL;
	p->publicArea.parameters.eccDetail.scheme.scheme = TPM2_ALG_ECDSA;
	p->publicArea.parameters.eccDetail.scheme.details.ecdsa.hashAlg = TPM2_ALG_SHA256;
	p->publicArea.parameters.eccDetail.curveID = TPM2_ECC_NIST_P256;
	p->publicArea.parameters.eccDetail.kdf.scheme = TPM2_ALG_NULL;
}

static int create_ak(struct tpm *t, TPM2_HANDLE *h, TPM2B_PUBLIC *pub, struct err *e)
{
	TPM2B_SENSITIVE_CREATE sens;
	TPM2B_PUBLIC tmpl;
	TPM2B_DATA outside;
	TPML_PCR_SELECTION pcrs;
	TPM2B_CREATION_DATA cdata;
	TPM2B_DIGEST chash;
	TPMT_TK_CREATION ticket;
	TPM2B_NAME name;
	TSS2L_SYS_AUTH_RESPONSE rsp;
	memset(&sens, 0, sizeof sens);
	memset(&outside, 0, sizeof outside);
	memset(&pcrs, 0, sizeof pcrs);
	memset(&cdata, 0, sizeof cdata);
	memset(&chash, 0, sizeof chash);
	memset(&ticket, 0, sizeof ticket);
	memset(&name, 0, sizeof name);
	memset(pub, 0, sizeof *pub);
	name.size = sizeof name.name;
	ak_template(&tmpl);
	TSS2_RC rc;
	TPM_RETRY(t, rc, Tss2_Sys_CreatePrimary(t->sys, TPM2_RH_ENDORSEMENT, &tpm_pw_auth, &sens,
						&tmpl, &outside, &pcrs, h, pub, &cdata, &chash,
						&ticket, &name, &rsp));
	if (rc != TSS2_RC_SUCCESS)
		return tpm_fail(e, rc, "creating the attestation key (TPM2_CreatePrimary, endorsement "
				"hierarchy)");
	return 0;
}

/* JSON output with a bound. */
struct out {
	char *p;
	size_t cap, len;
	int bad;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->bad || n >= o->cap - o->len) {
		o->bad = 1;
		return;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

static void puts_(struct out *o, const char *s) { put(o, s, strlen(s)); }

static void put_b64(struct out *o, const char *key, const uint8_t *d, size_t n)
{
	puts_(o, ",\"");
	puts_(o, key);
	puts_(o, "\":\"");
	if (o->bad || B64_ENCODED_LEN(n) + 1 >= o->cap - o->len) {
		o->bad = 1;
		return;
	}
	long l = b64_encode(d, n, o->p + o->len, o->cap - o->len);
	if (l < 0) {
		o->bad = 1;
		return;
	}
	o->len += (size_t)l;
	puts_(o, "\"");
}

static void put_hex(struct out *o, const char *key, const uint8_t *d, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	puts_(o, ",\"");
	puts_(o, key);
	puts_(o, "\":\"");
	for (size_t i = 0; i < n; i++) {
		char b[2] = { hex[d[i] >> 4], hex[d[i] & 15] };
		put(o, b, 2);
	}
	puts_(o, "\"");
}

/* Read the log into buf; 1 read, 0 absent, -1 error. */
static int read_log(const char *path, uint8_t *buf, size_t cap, size_t *len, struct err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	*len = 0;
	if (fd < 0) {
		log_warn("tpm", "event log %s: %s; the evidence goes without it", path, strerror(errno));
		return 0;
	}
	for (;;) {
		if (*len == cap) {
			close(fd);
			return err_set(e, "tpm: event log %s is larger than %zu bytes", path, cap);
		}
		ssize_t r = read(fd, buf + *len, cap - *len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int er = errno;
			close(fd);
			return err_set(e, "tpm: reading %s: %s", path, strerror(er));
		}
		if (r == 0)
			break;
		*len += (size_t)r;
	}
	close(fd);
	return 1;
}

int tpm_quote_json(struct tpm *t, const struct tpm_conf *c, uint32_t pcr,
	const char *log_path, const uint8_t *nonce, size_t nonce_len, char *out, size_t cap,
	struct err *e)
{
	static uint8_t logbuf[TPM_QUOTE_LOG_MAX];
	static uint8_t certbuf[TPM_NV_DATA_MAX];
	TPM2B_PUBLIC akpub;
	TPM2_HANDLE ak = 0;
	int transient = 0, rc = -1;
	const char *ak_kind = "iak";
	struct tpm_pubkey pk;
	size_t cert_len = 0;

	if (nonce_len == 0 || nonce_len > TPM_QUOTE_NONCE_MAX)
		return err_set(e, "tpm: quote nonce of %zu bytes (1..%u)", nonce_len, TPM_QUOTE_NONCE_MAX);
	if (pcr > 23)
		return err_set(e, "tpm: bad PCR %u", (unsigned)pcr);

	/* the attestation key */
	if (c->iak_handle) {
		struct err e2;
		if (tpm_read_public(t, c->iak_handle, NULL, &akpub, &e2) == 0 &&
		    (akpub.publicArea.objectAttributes & TPMA_OBJECT_RESTRICTED) &&
		    (akpub.publicArea.objectAttributes & TPMA_OBJECT_SIGN_ENCRYPT)) {
			ak = c->iak_handle;
		} else {
			log_info("tpm", "no IAK at 0x%08x; using an endorsement-hierarchy attestation key",
				 (unsigned)c->iak_handle);
		}
	}
	if (!ak) {
		if (create_ak(t, &ak, &akpub, e) < 0)
			return -1;
		transient = 1;
		ak_kind = "endorsement-ak";
	} else if (c->iak_cert_nv) {
		struct err e2;
		struct x509_der d;
		size_t n;
		if (tpm_nv_read(t, c->iak_cert_nv, certbuf, sizeof certbuf, &cert_len, &e2) < 0 ||
		    tpm_nvcert_split(certbuf, cert_len, c->iak_cert_nv, 1, &d, 1, &n, &e2) < 0) {
			log_warn("tpm", "IAK certificate: %s", e2.msg);
			cert_len = 0;
		} else {
			cert_len = d.len;
		}
	}
	if (tpm_pub_from_tpmt(&akpub.publicArea, &pk, e) < 0)
		goto done;

	/* the quote */
	TPM2B_DATA qual;
	TPMT_SIG_SCHEME scheme;
	TPML_PCR_SELECTION sel;
	TPM2B_ATTEST quoted;
	TPMT_SIGNATURE sig;
	TSS2L_SYS_AUTH_RESPONSE rsp;
	memset(&qual, 0, sizeof qual);
	memset(&scheme, 0, sizeof scheme);
	memset(&sel, 0, sizeof sel);
	memset(&quoted, 0, sizeof quoted);
	memset(&sig, 0, sizeof sig);
	if (nonce_len <= sizeof qual.buffer) {
		memcpy(qual.buffer, nonce, nonce_len);
		qual.size = (uint16_t)nonce_len;
	} else {
		sha256_buf(nonce, nonce_len, qual.buffer);
		qual.size = 32;
	}
	scheme.scheme = TPM2_ALG_NULL;
	sel.count = 1;
	sel.pcrSelections[0].hash = TPM2_ALG_SHA256;
	sel.pcrSelections[0].sizeofSelect = 3;
	sel.pcrSelections[0].pcrSelect[pcr / 8] = (uint8_t)(1u << (pcr % 8));
	TSS2_RC r;
	TPM_RETRY(t, r, Tss2_Sys_Quote(t->sys, ak, &tpm_pw_auth, &qual, &scheme, &sel, &quoted, &sig, &rsp));
	if (r != TSS2_RC_SUCCESS) {
		tpm_fail(e, r, "TPM2_Quote of PCR %u with key 0x%08x", (unsigned)pcr, (unsigned)ak);
		goto done;
	}
	uint8_t value[32];
	if (tpm_pcr_read(t, pcr, CEL_SHA256, value, e) < 0)
		goto done;

	uint8_t sigbuf[sizeof(TPMT_SIGNATURE)], pubbuf[sizeof(TPM2B_PUBLIC)];
	size_t sigl = 0, publ = 0;
	if (Tss2_MU_TPMT_SIGNATURE_Marshal(&sig, sigbuf, sizeof sigbuf, &sigl) != TSS2_RC_SUCCESS ||
	    Tss2_MU_TPM2B_PUBLIC_Marshal(&akpub, pubbuf, sizeof pubbuf, &publ) != TSS2_RC_SUCCESS) {
		err_set(e, "tpm: cannot marshal the quote signature / key");
		goto done;
	}
	char pem[TPM_PUB_PEM_MAX], pem_json[TPM_PUB_PEM_MAX + 64], num[96];
	if (tpm_pubkey_pem(&pk, pem, sizeof pem, e) < 0)
		goto done;
	size_t j = 0;
	for (const char *s = pem; *s && j + 3 < sizeof pem_json; s++) {
		if (*s == '\n') {
			pem_json[j++] = '\\';
			pem_json[j++] = 'n';
		} else {
			pem_json[j++] = *s;
		}
	}
	pem_json[j] = '\0';

	struct out o = { out, cap, 0, 0 };
	if (cap == 0) {
		err_set(e, "tpm: no room for the evidence");
		goto done;
	}
	out[0] = '\0';
	snprintf(num, sizeof num, "{\"format\":\"sztp-tpm-quote/1\",\"pcr\":%u,\"pcr-list\":\"sha256:%u\"",
		 (unsigned)pcr, (unsigned)pcr);
	puts_(&o, num);
	put_hex(&o, "pcr-value", value, sizeof value);
	put_hex(&o, "qualifying-data", qual.buffer, qual.size);
	puts_(&o, ",\"ak\":\"");
	puts_(&o, ak_kind);
	puts_(&o, "\"");
	put_b64(&o, "ak-public", pubbuf, publ);
	puts_(&o, ",\"ak-pem\":\"");
	puts_(&o, pem_json);
	puts_(&o, "\"");
	if (cert_len)
		put_b64(&o, "ak-certificate", certbuf, cert_len);
	put_b64(&o, "quote", quoted.attestationData, quoted.size);
	put_b64(&o, "signature", sigbuf, sigl);
	put_b64(&o, "pcrs", value, sizeof value);
	if (log_path) {
		size_t ll;
		int got = read_log(log_path, logbuf, sizeof logbuf, &ll, e);
		if (got < 0)
			goto done;
		if (got)
			put_b64(&o, "event-log", logbuf, ll);
	}
	puts_(&o, "}");
	if (o.bad) {
		err_set(e, "tpm: the attestation evidence does not fit %zu bytes", cap);
		out[0] = '\0';
		goto done;
	}
	rc = 0;
done:
	if (transient)
		Tss2_Sys_FlushContext(t->sys, ak);
	return rc;
}
