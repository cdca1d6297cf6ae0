/* tpm.c: tpm2-tss SAPI over a static TCTI (see tpm.h). */
#include "tpm/tpm.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tss2/tss2_tcti_device.h>
#include <tss2/tss2_tcti_mssim.h>
#include <tss2/tss2_tcti_swtpm.h>

#include "base/log.h"
#include "tpm/tpm_lockout.h"
#include "tpm/tpm_rc.h"

int tpm_rc_transient(uint32_t rc)
{
	uint32_t b = tpm_rc_base(rc);
	return b == 0x922u || b == 0x90Au || b == 0x908u || b == 0x920u;
}

void tpm_pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0)
		;
}

const TSS2L_SYS_AUTH_COMMAND tpm_pw_auth = {
	.count = 1,
	.auths = { { .sessionHandle = TPM2_RH_PW } },
};

int tpm_fail(struct err *e, uint32_t rc, const char *fmt, ...)
{
	char what[256], rcs[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	return err_set(e, "tpm: %s: %s", what, tpm_rc_str(rc, rcs, sizeof rcs));
}

typedef TSS2_RC (*tcti_init_fn)(TSS2_TCTI_CONTEXT *, size_t *, const char *);

/* Open the TCTI named by t->name and a SAPI context on it. */
static int contexts_open(struct tpm *t, struct err *e)
{
	tcti_init_fn init;
	const char *tcti = t->name, *conf;
	size_t size = 0;
	TSS2_RC rc;
	TSS2_ABI_VERSION abi = TSS2_ABI_VERSION_CURRENT;

	if (strncmp(tcti, "device:", 7) == 0) {
		init = Tss2_Tcti_Device_Init;
		conf = tcti + 7;
	} else if (tcti[0] == '/') {
		init = Tss2_Tcti_Device_Init;
		conf = tcti;
	} else if (strncmp(tcti, "swtpm:", 6) == 0) {
		init = Tss2_Tcti_Swtpm_Init;
		conf = tcti + 6;
	} else if (strncmp(tcti, "mssim:", 6) == 0) {
		init = Tss2_Tcti_Mssim_Init;
		conf = tcti + 6;
	} else {
		return err_set(e, "tpm: unknown TCTI \"%s\" (device:PATH, swtpm:host=H,port=P or "
			       "mssim:host=H,port=P)", tcti);
	}
	if (!*conf)
		conf = NULL;
	rc = init(NULL, &size, conf);
	if (rc != TSS2_RC_SUCCESS)
		return tpm_fail(e, rc, "TCTI %s", t->name);
	if (size > sizeof t->tcti_buf)
		return err_set(e, "tpm: TCTI context needs %zu bytes, have %zu", size, sizeof t->tcti_buf);
	t->tcti = (TSS2_TCTI_CONTEXT *)(void *)t->tcti_buf;
	rc = init(t->tcti, &size, conf);
	if (rc != TSS2_RC_SUCCESS) {
		t->tcti = NULL;
		return tpm_fail(e, rc, "cannot open TPM %s", t->name);
	}
	size = Tss2_Sys_GetContextSize(0);
	if (size > sizeof t->sys_buf) {
		tpm_close(t);
		return err_set(e, "tpm: SAPI context needs %zu bytes, have %zu", size, sizeof t->sys_buf);
	}
	t->sys = (TSS2_SYS_CONTEXT *)(void *)t->sys_buf;
	rc = Tss2_Sys_Initialize(t->sys, size, t->tcti, &abi);
	if (rc != TSS2_RC_SUCCESS) {
		t->sys = NULL;
		tpm_close(t);
		return tpm_fail(e, rc, "SAPI initialisation");
	}
	return 0;
}

int tpm_open(struct tpm *t, const char *tcti, struct err *e)
{
	TSS2_RC rc;

	memset(t, 0, sizeof *t);
	if (!tcti || !*tcti)
		tcti = getenv("SZTP_TCTI");
	if (!tcti || !*tcti)
		tcti = "device:/dev/tpmrm0";
	snprintf(t->name, sizeof t->name, "%s", tcti);
	if (contexts_open(t, e) < 0)
		return -1;
	TPM_RETRY(t, rc, Tss2_Sys_Startup(t->sys, TPM2_SU_CLEAR));
	if (rc != TSS2_RC_SUCCESS && tpm_rc_base(rc) != TPM_RC_INITIALIZE_) {
		uint32_t r = rc;
		tpm_close(t);
		return tpm_fail(e, r, "TPM2_Startup on %s", t->name);
	}
	return 0;
}

int tpm_recover(struct tpm *t, uint32_t rc)
{
	struct err e;
	char rcs[160];

	if ((rc & TSS2_RC_LAYER_MASK) != TSS2_TCTI_RC_LAYER && rc != TSS2_SYS_RC_BAD_SEQUENCE &&
	    rc != TSS2_SYS_RC_INSUFFICIENT_RESPONSE && rc != TSS2_SYS_RC_MALFORMED_RESPONSE)
		return 0;
	if (!t->sys && !t->tcti)
		return -1;
	tpm_close(t);
	if (contexts_open(t, &e) < 0) {
		log_warn("tpm", "%s failed (%s); reopening it failed too: %s", t->name,
			 tpm_rc_str(rc, rcs, sizeof rcs), e.msg);
		return -1;
	}
	log_warn("tpm", "%s failed (%s): connection reopened for the next command", t->name,
		 tpm_rc_str(rc, rcs, sizeof rcs));
	return 1;
}

void tpm_close(struct tpm *t)
{
	if (t->sys)
		Tss2_Sys_Finalize(t->sys);
	if (t->tcti)
		Tss2_Tcti_Finalize(t->tcti);
	t->sys = NULL;
	t->tcti = NULL;
}

uint16_t tpm_alg_of_bank(int alg)
{
	switch (alg) {
	case CEL_SHA1: return TPM2_ALG_SHA1;
	case CEL_SHA256: return TPM2_ALG_SHA256;
	case CEL_SHA384: return TPM2_ALG_SHA384;
	case CEL_SHA512: return TPM2_ALG_SHA512;
	default: return 0;
	}
}

uint16_t tpm_alg_of_hash(const br_hash_class *h)
{
	if (!h)
		return 0;
	switch ((h->desc >> BR_HASHDESC_ID_OFF) & BR_HASHDESC_ID_MASK) {
	case br_sha1_ID: return TPM2_ALG_SHA1;
	case br_sha256_ID: return TPM2_ALG_SHA256;
	case br_sha384_ID: return TPM2_ALG_SHA384;
	case br_sha512_ID: return TPM2_ALG_SHA512;
	default: return 0;
	}
}

int tpm_pub_from_tpmt(const TPMT_PUBLIC *p, struct tpm_pubkey *pk, struct err *e)
{
	memset(pk, 0, sizeof *pk);
	if (p->type == TPM2_ALG_RSA) {
		if (p->unique.rsa.size == 0 || p->unique.rsa.size > sizeof pk->n)
			return err_set(e, "tpm: RSA modulus of %u bytes", (unsigned)p->unique.rsa.size);
		pk->type = BR_KEYTYPE_RSA;
		memcpy(pk->n, p->unique.rsa.buffer, p->unique.rsa.size);
		pk->n_len = p->unique.rsa.size;
		pk->e = p->parameters.rsaDetail.exponent;
		return 0;
	}
	if (p->type == TPM2_ALG_ECC) {
		pk->type = BR_KEYTYPE_EC;
		switch (p->parameters.eccDetail.curveID) {
		case TPM2_ECC_NIST_P256: pk->curve = BR_EC_secp256r1; break;
		case TPM2_ECC_NIST_P384: pk->curve = BR_EC_secp384r1; break;
		case TPM2_ECC_NIST_P521: pk->curve = BR_EC_secp521r1; break;
		default:
			return err_set(e, "tpm: unsupported ECC curve 0x%04x",
				       (unsigned)p->parameters.eccDetail.curveID);
		}
		if (p->unique.ecc.x.size > sizeof pk->x || p->unique.ecc.y.size > sizeof pk->y)
			return err_set(e, "tpm: malformed ECC point");
		memcpy(pk->x, p->unique.ecc.x.buffer, p->unique.ecc.x.size);
		pk->x_len = p->unique.ecc.x.size;
		memcpy(pk->y, p->unique.ecc.y.buffer, p->unique.ecc.y.size);
		pk->y_len = p->unique.ecc.y.size;
		return 0;
	}
	return err_set(e, "tpm: key type 0x%04x is neither RSA nor ECC", (unsigned)p->type);
}

int tpm_read_public(struct tpm *t, uint32_t handle, struct tpm_pubkey *pk,
	TPM2B_PUBLIC *raw, struct err *e)
{
	TPM2B_PUBLIC pub;
	TPM2B_NAME name, qname;
	memset(&pub, 0, sizeof pub);
	memset(&name, 0, sizeof name);
	memset(&qname, 0, sizeof qname);
	name.size = sizeof name.name;
	qname.size = sizeof qname.name;
	TSS2_RC rc;
	TPM_RETRY(t, rc, Tss2_Sys_ReadPublic(t->sys, handle, NULL, &pub, &name, &qname, NULL));
	if (rc != TSS2_RC_SUCCESS) {
		if (tpm_rc_base(rc) == TPM_RC_HANDLE_ || tpm_rc_base(rc) == 0x184u)
			return tpm_fail(e, rc, "no key at handle 0x%08x", (unsigned)handle);
		return tpm_fail(e, rc, "TPM2_ReadPublic of 0x%08x", (unsigned)handle);
	}
	if (raw)
		*raw = pub;
	if (pk && tpm_pub_from_tpmt(&pub.publicArea, pk, e) < 0)
		return err_wrap(e, "tpm: key 0x%08x", (unsigned)handle);
	return 0;
}

int tpm_nv_read(struct tpm *t, uint32_t index, uint8_t *out, size_t cap, size_t *len,
	struct err *e)
{
	TPM2B_NV_PUBLIC nvpub;
	TPM2B_NAME name;
	memset(&nvpub, 0, sizeof nvpub);
	memset(&name, 0, sizeof name);
	name.size = sizeof name.name;
	TSS2_RC rc;
	TPM_RETRY(t, rc, Tss2_Sys_NV_ReadPublic(t->sys, index, NULL, &nvpub, &name, NULL));
	if (rc != TSS2_RC_SUCCESS) {
		if (tpm_rc_base(rc) == TPM_RC_HANDLE_ || tpm_rc_base(rc) == 0x184u)
			return tpm_fail(e, rc, "NV index 0x%08x is not defined", (unsigned)index);
		return tpm_fail(e, rc, "TPM2_NV_ReadPublic of 0x%08x", (unsigned)index);
	}
	TPMA_NV attr = nvpub.nvPublic.attributes;
	size_t size = nvpub.nvPublic.dataSize;
	if (!(attr & TPMA_NV_WRITTEN))
		return err_set(e, "tpm: NV index 0x%08x has never been written", (unsigned)index);
	if (size > cap)
		return err_set(e, "tpm: NV index 0x%08x holds %zu bytes, more than %zu",
			       (unsigned)index, size, cap);
	TPMI_RH_NV_AUTH auth;
	if (attr & TPMA_NV_AUTHREAD)
		auth = index;
	else if (attr & TPMA_NV_OWNERREAD)
		auth = TPM2_RH_OWNER;
	else
		return err_set(e, "tpm: NV index 0x%08x is readable neither with its own nor with "
			       "owner authorization", (unsigned)index);
	size_t off = 0;
	while (off < size) {
		TPM2B_MAX_NV_BUFFER data;
		TSS2L_SYS_AUTH_RESPONSE rsp;
		uint16_t chunk = (uint16_t)(size - off > 512 ? 512 : size - off);
		memset(&data, 0, sizeof data);
		TPM_RETRY(t, rc, Tss2_Sys_NV_Read(t->sys, auth, index, &tpm_pw_auth, chunk, (uint16_t)off,
				      &data, &rsp));
		if (rc != TSS2_RC_SUCCESS)
			return tpm_fail(e, rc, "TPM2_NV_Read of 0x%08x at %zu", (unsigned)index, off);
		if (data.size != chunk)
			return err_set(e, "tpm: NV index 0x%08x: short read (%u of %u bytes)",
				       (unsigned)index, (unsigned)data.size, (unsigned)chunk);
		memcpy(out + off, data.buffer, chunk);
		off += chunk;
	}
	*len = size;
	return 0;
}

int tpm_sign(struct tpm *t, uint32_t handle, int key_type, const br_hash_class *h,
	const uint8_t *hash, size_t hash_len, uint8_t *sig, size_t cap, size_t *sig_len,
	struct err *e)
{
	TPM2B_DIGEST digest;
	TPMT_SIG_SCHEME scheme;
	TPMT_TK_HASHCHECK check;
	TPMT_SIGNATURE out;
	TSS2L_SYS_AUTH_RESPONSE rsp;
	uint16_t alg = tpm_alg_of_hash(h);

	if (!alg)
		return err_set(e, "tpm: unsupported hash for TPM2_Sign");
	if (hash_len == 0 || hash_len > sizeof digest.buffer)
		return err_set(e, "tpm: bad digest length %zu", hash_len);
	memset(&digest, 0, sizeof digest);
	memset(&scheme, 0, sizeof scheme);
	memset(&check, 0, sizeof check);
	memset(&out, 0, sizeof out);
	digest.size = (uint16_t)hash_len;
	memcpy(digest.buffer, hash, hash_len);
	if (key_type == BR_KEYTYPE_EC) {
		scheme.scheme = TPM2_ALG_ECDSA;
		scheme.details.ecdsa.hashAlg = alg;
	} else {
		scheme.scheme = TPM2_ALG_RSASSA;
		scheme.details.rsassa.hashAlg = alg;
	}
	check.tag = TPM2_ST_HASHCHECK;
	check.hierarchy = TPM2_RH_NULL;
	TSS2_RC rc;
	TPM_RETRY(t, rc, Tss2_Sys_Sign(t->sys, handle, &tpm_pw_auth, &digest, &scheme, &check, &out, &rsp));
	if (rc != TSS2_RC_SUCCESS)
		return tpm_fail(e, rc, "TPM2_Sign with key 0x%08x", (unsigned)handle);
	if (key_type == BR_KEYTYPE_EC) {
		size_t rl = out.signature.ecdsa.signatureR.size, sl = out.signature.ecdsa.signatureS.size;
		size_t n = rl > sl ? rl : sl;
		uint8_t raw[2 * TPM2_MAX_ECC_KEY_BYTES + 16];
		if (n == 0 || n > TPM2_MAX_ECC_KEY_BYTES || 2 * n + 9 > cap)
			return err_set(e, "tpm: bad ECDSA signature size from the TPM");
		memset(raw, 0, sizeof raw);
		memcpy(raw + n - rl, out.signature.ecdsa.signatureR.buffer, rl);
		memcpy(raw + 2 * n - sl, out.signature.ecdsa.signatureS.buffer, sl);
		size_t l = br_ecdsa_raw_to_asn1(raw, 2 * n);
		if (l == 0 || l > cap)
			return err_set(e, "tpm: cannot encode the ECDSA signature");
		memcpy(sig, raw, l);
		*sig_len = l;
	} else {
		size_t l = out.signature.rsassa.sig.size;
		if (l == 0 || l > cap)
			return err_set(e, "tpm: RSA signature of %zu bytes does not fit %zu", l, cap);
		memcpy(sig, out.signature.rsassa.sig.buffer, l);
		*sig_len = l;
	}
	return 0;
}

int tpm_rsa_decrypt(struct tpm *t, uint32_t handle, const br_hash_class *oaep_hash,
	const uint8_t *in, size_t in_len, uint8_t *out, size_t *out_len, struct err *e)
{
	TPM2B_PUBLIC_KEY_RSA cipher, msg;
	TPMT_RSA_DECRYPT scheme;
	TPM2B_DATA label;
	TSS2L_SYS_AUTH_RESPONSE rsp;

	if (in_len == 0 || in_len > sizeof cipher.buffer)
		return err_set(e, "tpm: RSA ciphertext of %zu bytes", in_len);
	memset(&cipher, 0, sizeof cipher);
	memset(&msg, 0, sizeof msg);
	memset(&scheme, 0, sizeof scheme);
	memset(&label, 0, sizeof label);
	cipher.size = (uint16_t)in_len;
	memcpy(cipher.buffer, in, in_len);
	if (oaep_hash) {
		uint16_t alg = tpm_alg_of_hash(oaep_hash);
		if (!alg)
			return err_set(e, "tpm: unsupported OAEP hash");
		scheme.scheme = TPM2_ALG_OAEP;
		scheme.details.oaep.hashAlg = alg;
	} else {
		scheme.scheme = TPM2_ALG_RSAES;
	}
	TSS2_RC rc;
	TPM_RETRY(t, rc, Tss2_Sys_RSA_Decrypt(t->sys, handle, &tpm_pw_auth, &cipher, &scheme, &label,
					  &msg, &rsp));
	if (rc != TSS2_RC_SUCCESS)
		return tpm_fail(e, rc, "TPM2_RSA_Decrypt (%s) with key 0x%08x",
				oaep_hash ? "OAEP" : "PKCS#1 v1.5", (unsigned)handle);
	if (msg.size > *out_len)
		return err_set(e, "tpm: decrypted key of %u bytes does not fit %zu", (unsigned)msg.size,
			       *out_len);
	memcpy(out, msg.buffer, msg.size);
	*out_len = msg.size;
	memset(&msg, 0, sizeof msg);
	return 0;
}

int tpm_ecdh_zgen(struct tpm *t, uint32_t handle, const uint8_t *peer, size_t peer_len,
	uint8_t *z, size_t *z_len, struct err *e)
{
	TPM2B_ECC_POINT in, out;
	TSS2L_SYS_AUTH_RESPONSE rsp;
	if (peer_len < 3 || peer[0] != 0x04 || (peer_len - 1) % 2 != 0 ||
	    (peer_len - 1) / 2 > TPM2_MAX_ECC_KEY_BYTES)
		return err_set(e, "tpm: peer EC point is not an uncompressed point");
	size_t n = (peer_len - 1) / 2;
	memset(&in, 0, sizeof in);
	memset(&out, 0, sizeof out);
	in.point.x.size = (uint16_t)n;
	memcpy(in.point.x.buffer, peer + 1, n);
	in.point.y.size = (uint16_t)n;
	memcpy(in.point.y.buffer, peer + 1 + n, n);
	TSS2_RC rc;
	TPM_RETRY(t, rc, Tss2_Sys_ECDH_ZGen(t->sys, handle, &tpm_pw_auth, &in, &out, &rsp));
	if (rc != TSS2_RC_SUCCESS)
		return tpm_fail(e, rc, "TPM2_ECDH_ZGen with key 0x%08x", (unsigned)handle);
	size_t xl = out.point.x.size;
	if (xl > n || n > *z_len)
		return err_set(e, "tpm: ECDH result of %zu bytes does not fit", xl);
	memset(z, 0, n - xl);
	memcpy(z + n - xl, out.point.x.buffer, xl);
	*z_len = n;
	memset(&out, 0, sizeof out);
	return 0;
}

int tpm_pcr_banks(struct tpm *t, uint32_t pcr, unsigned *banks, struct err *e)
{
	TPMI_YES_NO more = 0;
	TPMS_CAPABILITY_DATA cap;
	memset(&cap, 0, sizeof cap);
	*banks = 0;
	TSS2_RC rc;
	TPM_RETRY(t, rc, Tss2_Sys_GetCapability(t->sys, NULL, TPM2_CAP_PCRS, 0, 1, &more, &cap, NULL));
	if (rc != TSS2_RC_SUCCESS)
		return tpm_fail(e, rc, "TPM2_GetCapability(PCRS)");
	const TPML_PCR_SELECTION *s = &cap.data.assignedPCR;
	for (uint32_t i = 0; i < s->count && i < TPM2_NUM_PCR_BANKS; i++) {
		const TPMS_PCR_SELECTION *b = &s->pcrSelections[i];
		if (pcr / 8 >= b->sizeofSelect || !(b->pcrSelect[pcr / 8] & (1u << (pcr % 8))))
			continue;
		for (int a = 0; a < CEL_NALGS; a++)
			if (b->hash == tpm_alg_of_bank(a))
				*banks |= CEL_BANK(a);
	}
	return 0;
}

int tpm_handles(struct tpm *t, uint32_t first, uint32_t *out, size_t max, size_t *n,
		struct err *e)
{
	TPMS_CAPABILITY_DATA cap;
	TPMI_YES_NO more = 0;
	TSS2_RC rc;

	*n = 0;
	memset(&cap, 0, sizeof cap);
	TPM_RETRY(t, rc, Tss2_Sys_GetCapability(t->sys, NULL, TPM2_CAP_HANDLES, first,
					     (UINT32)max, &more, &cap, NULL));
	if (rc != TSS2_RC_SUCCESS)
		return tpm_fail(e, rc, "TPM2_GetCapability(HANDLES, 0x%08x)", (unsigned)first);
	for (uint32_t i = 0; i < cap.data.handles.count && i < TPM2_MAX_CAP_HANDLES && *n < max;
	     i++) {
		/* only the range asked for: the TPM lists from `first` onwards */
		if ((cap.data.handles.handle[i] >> 24) != (first >> 24))
			break;
		out[(*n)++] = cap.data.handles.handle[i];
	}
	return 0;
}

int tpm_pcr_extend(struct tpm *t, const struct cel_event *ev, struct err *e)
{
	TPML_DIGEST_VALUES d;
	TSS2L_SYS_AUTH_RESPONSE rsp;
	memset(&d, 0, sizeof d);
	for (int a = 0; a < CEL_NALGS; a++) {
		if (!(ev->banks & CEL_BANK(a)))
			continue;
		d.digests[d.count].hashAlg = tpm_alg_of_bank(a);
		memcpy((uint8_t *)&d.digests[d.count].digest, ev->digest[a], cel_alg_size(a));
		d.count++;
	}
	if (d.count == 0)
		return err_set(e, "tpm: nothing to extend");
	TSS2_RC rc;
	TPM_RETRY(t, rc, Tss2_Sys_PCR_Extend(t->sys, ev->pcr, &tpm_pw_auth, &d, &rsp));
	if (rc != TSS2_RC_SUCCESS)
		return tpm_fail(e, rc, "TPM2_PCR_Extend of PCR %u", (unsigned)ev->pcr);
	return 0;
}

int tpm_pcr_read(struct tpm *t, uint32_t pcr, int alg, uint8_t *out, struct err *e)
{
	TPML_PCR_SELECTION in, sel;
	TPML_DIGEST vals;
	UINT32 counter;
	if (pcr > 23 || !tpm_alg_of_bank(alg))
		return err_set(e, "tpm: bad PCR %u / bank", (unsigned)pcr);
	memset(&in, 0, sizeof in);
	memset(&sel, 0, sizeof sel);
	memset(&vals, 0, sizeof vals);
	in.count = 1;
	in.pcrSelections[0].hash = tpm_alg_of_bank(alg);
	in.pcrSelections[0].sizeofSelect = 3;
	in.pcrSelections[0].pcrSelect[pcr / 8] = (uint8_t)(1u << (pcr % 8));
	TSS2_RC rc;
	TPM_RETRY(t, rc, Tss2_Sys_PCR_Read(t->sys, NULL, &in, &counter, &sel, &vals, NULL));
	if (rc != TSS2_RC_SUCCESS)
		return tpm_fail(e, rc, "TPM2_PCR_Read of PCR %u", (unsigned)pcr);
	if (vals.count != 1 || vals.digests[0].size != cel_alg_size(alg))
		return err_set(e, "tpm: PCR %u is not allocated in the %s bank", (unsigned)pcr,
			       cel_alg_name(alg));
	memcpy(out, vals.digests[0].buffer, vals.digests[0].size);
	return 0;
}

int tpm_da_read(struct tpm *t, struct tpm_da *da, struct err *e)
{
	TPMS_CAPABILITY_DATA cap;
	TPMI_YES_NO more;
	TSS2_RC rc;

	memset(da, 0, sizeof *da);
	TPM_RETRY(t, rc, Tss2_Sys_GetCapability(t->sys, NULL, TPM2_CAP_TPM_PROPERTIES,
						TPM2_PT_LOCKOUT_COUNTER, TPM2_PT_LOCKOUT_INTERVAL -
						TPM2_PT_LOCKOUT_COUNTER + 1, &more, &cap, NULL));
	if (rc != TSS2_RC_SUCCESS)
		return tpm_fail(e, rc, "TPM2_GetCapability (dictionary-attack properties)");
	if (cap.capability != TPM2_CAP_TPM_PROPERTIES)
		return err_set(e, "tpm: TPM2_GetCapability answered capability %u, not the TPM "
			       "properties", (unsigned)cap.capability);
	for (UINT32 i = 0; i < cap.data.tpmProperties.count && i < TPM2_MAX_TPM_PROPERTIES; i++) {
		const TPMS_TAGGED_PROPERTY *p = &cap.data.tpmProperties.tpmProperty[i];
		switch (p->property) {
		case TPM2_PT_LOCKOUT_COUNTER: da->counter = p->value; break;
		case TPM2_PT_MAX_AUTH_FAIL: da->max = p->value; break;
		case TPM2_PT_LOCKOUT_INTERVAL: da->interval = p->value; break;
		default: break;
		}
	}
	return 0;
}
