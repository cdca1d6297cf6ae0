/* tpm_rc.c: names for TPM 2.0 and tpm2-tss response codes (see tpm_rc.h). */
#include "tpm/tpm_rc.h"

#include <stdio.h>

struct rc_name {
	uint32_t rc;
	const char *name;
	const char *text;
};

/* TPM 2.0 Part 2, 6.6 (TPM_RC). */
static const struct rc_name tpm_codes[] = {
	{ 0x000, "TPM_RC_SUCCESS", "success" },
	{ 0x01E, "TPM_RC_BAD_TAG", "bad command tag (not a TPM 2.0 command?)" },
	/* format 0, version 1 */
	{ 0x100, "TPM_RC_INITIALIZE", "TPM2_Startup has not been run" },
	{ 0x101, "TPM_RC_FAILURE", "the TPM is in failure mode" },
	{ 0x103, "TPM_RC_SEQUENCE", "improper use of a sequence handle" },
	{ 0x10B, "TPM_RC_PRIVATE", "not currently used" },
	{ 0x119, "TPM_RC_HMAC", "not currently used" },
	{ 0x120, "TPM_RC_DISABLED", "the command is disabled" },
	{ 0x121, "TPM_RC_EXCLUSIVE", "command failed because audit sequence required exclusivity" },
	{ 0x124, "TPM_RC_AUTH_TYPE", "authorization handle is not correct for the command" },
	{ 0x125, "TPM_RC_AUTH_MISSING", "the command requires an authorization session" },
	{ 0x126, "TPM_RC_POLICY", "policy failure in math operation or an invalid authPolicy value" },
	{ 0x127, "TPM_RC_PCR", "PCR check fail" },
	{ 0x128, "TPM_RC_PCR_CHANGED", "PCR have changed since checked" },
	{ 0x12D, "TPM_RC_UPGRADE", "the TPM is in field upgrade mode" },
	{ 0x12E, "TPM_RC_TOO_MANY_CONTEXTS", "context ID counter is at maximum" },
	{ 0x12F, "TPM_RC_AUTH_UNAVAILABLE", "authValue or authPolicy is not available for the selected entity" },
	{ 0x130, "TPM_RC_REBOOT", "a _TPM_Init and Startup(CLEAR) is required" },
	{ 0x131, "TPM_RC_UNBALANCED", "the protection algorithms (hash and symmetric) are not reasonably balanced" },
	{ 0x142, "TPM_RC_COMMAND_SIZE", "command size is inconsistent" },
	{ 0x143, "TPM_RC_COMMAND_CODE", "command code not supported" },
	{ 0x144, "TPM_RC_AUTHSIZE", "authorization size is wrong" },
	{ 0x145, "TPM_RC_AUTH_CONTEXT", "use of an authorization session with a context command" },
	{ 0x146, "TPM_RC_NV_RANGE", "NV offset+size is out of range" },
	{ 0x147, "TPM_RC_NV_SIZE", "requested allocation size is larger than allowed" },
	{ 0x148, "TPM_RC_NV_LOCKED", "the NV index is locked" },
	{ 0x149, "TPM_RC_NV_AUTHORIZATION", "NV access authorization fails in command actions" },
	{ 0x14A, "TPM_RC_NV_UNINITIALIZED", "the NV index has never been written" },
	{ 0x14B, "TPM_RC_NV_SPACE", "insufficient space for the NV allocation" },
	{ 0x14C, "TPM_RC_NV_DEFINED", "the NV index is already defined" },
	{ 0x150, "TPM_RC_BAD_CONTEXT", "context in TPM2_ContextLoad is not valid" },
	{ 0x151, "TPM_RC_CPHASH", "cpHash value already set or not correct for use" },
	{ 0x152, "TPM_RC_PARENT", "handle for parent is not a valid parent" },
	{ 0x153, "TPM_RC_NEEDS_TEST", "some function needs testing" },
	{ 0x154, "TPM_RC_NO_RESULT", "an internal function cannot process a request (e.g. a point at infinity)" },
	{ 0x155, "TPM_RC_SENSITIVE", "the sensitive area did not unmarshal correctly" },
	/* format 1 */
	{ 0x081, "TPM_RC_ASYMMETRIC", "asymmetric algorithm not supported or not correct" },
	{ 0x082, "TPM_RC_ATTRIBUTES", "inconsistent attributes (e.g. the key may not sign or decrypt)" },
	{ 0x083, "TPM_RC_HASH", "hash algorithm not supported or not appropriate" },
	{ 0x084, "TPM_RC_VALUE", "value is out of range or is not correct for the context" },
	{ 0x085, "TPM_RC_HIERARCHY", "hierarchy is not enabled or is not correct for the use" },
	{ 0x087, "TPM_RC_KEY_SIZE", "key size is not supported" },
	{ 0x088, "TPM_RC_MGF", "mask generation function not supported" },
	{ 0x089, "TPM_RC_MODE", "mode of operation not supported" },
	{ 0x08A, "TPM_RC_TYPE", "the type of the value is not appropriate for the use" },
	{ 0x08B, "TPM_RC_HANDLE", "the handle is not loaded or not defined" },
	{ 0x08C, "TPM_RC_KDF", "unsupported key derivation function" },
	{ 0x08D, "TPM_RC_RANGE", "value was out of allowed range" },
	{ 0x08E, "TPM_RC_AUTH_FAIL", "the authorization HMAC check failed" },
	{ 0x08F, "TPM_RC_NONCE", "invalid nonce size or nonce value mismatch" },
	{ 0x090, "TPM_RC_PP", "authorization requires assertion of physical presence" },
	{ 0x092, "TPM_RC_SCHEME", "unsupported or incompatible scheme" },
	{ 0x095, "TPM_RC_SIZE", "structure is the wrong size" },
	{ 0x096, "TPM_RC_SYMMETRIC", "unsupported symmetric algorithm or key size" },
	{ 0x097, "TPM_RC_TAG", "incorrect structure tag" },
	{ 0x098, "TPM_RC_SELECTOR", "union selector is incorrect" },
	{ 0x09A, "TPM_RC_INSUFFICIENT", "the TPM was unable to unmarshal a value (too few octets)" },
	{ 0x09B, "TPM_RC_SIGNATURE", "the signature is not valid" },
	{ 0x09C, "TPM_RC_KEY", "key fields are not compatible with the selected use" },
	{ 0x09D, "TPM_RC_POLICY_FAIL", "a policy check failed" },
	{ 0x09F, "TPM_RC_INTEGRITY", "integrity check failed" },
	{ 0x0A0, "TPM_RC_TICKET", "invalid ticket" },
	{ 0x0A1, "TPM_RC_RESERVED_BITS", "reserved bits not set to zero as required" },
	{ 0x0A2, "TPM_RC_BAD_AUTH", "authorization failure without DA implications" },
	{ 0x0A3, "TPM_RC_EXPIRED", "the policy has expired" },
	{ 0x0A4, "TPM_RC_POLICY_CC", "the commandCode in the policy is not the commandCode of the command" },
	{ 0x0A5, "TPM_RC_BINDING", "public and sensitive portions of an object are not cryptographically bound" },
	{ 0x0A6, "TPM_RC_CURVE", "curve not supported" },
	{ 0x0A7, "TPM_RC_ECC_POINT", "point is not on the required curve" },
	/* warnings */
	{ 0x901, "TPM_RC_CONTEXT_GAP", "gap for context ID is too large" },
	{ 0x902, "TPM_RC_OBJECT_MEMORY", "out of memory for object contexts" },
	{ 0x903, "TPM_RC_SESSION_MEMORY", "out of memory for session contexts" },
	{ 0x904, "TPM_RC_MEMORY", "out of shared object/session memory" },
	{ 0x905, "TPM_RC_SESSION_HANDLES", "out of session handles" },
	{ 0x906, "TPM_RC_OBJECT_HANDLES", "out of object handles (flush transient objects)" },
	{ 0x907, "TPM_RC_LOCALITY", "bad locality" },
	{ 0x908, "TPM_RC_YIELDED", "the TPM has suspended operation on the command" },
	{ 0x909, "TPM_RC_CANCELED", "the command was canceled" },
	{ 0x90A, "TPM_RC_TESTING", "the TPM is performing self-tests" },
	{ 0x920, "TPM_RC_NV_RATE", "the TPM is rate-limiting accesses to prevent wearout of NV" },
	{ 0x921, "TPM_RC_LOCKOUT", "the TPM is in dictionary-attack lockout: authorizations are refused until the lockout time passes or the lockout is reset" },
	{ 0x922, "TPM_RC_RETRY", "the TPM was not able to start the command" },
	{ 0x923, "TPM_RC_NV_UNAVAILABLE", "the command may require writing of NV and NV is not currently accessible" },
};

/* tpm2-tss base codes (tss2_common.h), for the TSS layers. */
static const struct rc_name tss_codes[] = {
	{ 1, "TSS2_BASE_RC_GENERAL_FAILURE", "general failure" },
	{ 2, "TSS2_BASE_RC_NOT_IMPLEMENTED", "not implemented" },
	{ 3, "TSS2_BASE_RC_BAD_CONTEXT", "bad context" },
	{ 4, "TSS2_BASE_RC_ABI_MISMATCH", "ABI mismatch" },
	{ 5, "TSS2_BASE_RC_BAD_REFERENCE", "bad (NULL) reference" },
	{ 6, "TSS2_BASE_RC_INSUFFICIENT_BUFFER", "buffer too small" },
	{ 7, "TSS2_BASE_RC_BAD_SEQUENCE", "function called in the wrong order" },
	{ 8, "TSS2_BASE_RC_NO_CONNECTION", "no connection to the TPM" },
	{ 9, "TSS2_BASE_RC_TRY_AGAIN", "operation timed out, try again" },
	{ 10, "TSS2_BASE_RC_IO_ERROR", "I/O error talking to the TPM" },
	{ 11, "TSS2_BASE_RC_BAD_VALUE", "bad value (e.g. a malformed TCTI configuration)" },
	{ 12, "TSS2_BASE_RC_NOT_PERMITTED", "not permitted" },
	{ 13, "TSS2_BASE_RC_INVALID_SESSIONS", "invalid sessions" },
	{ 16, "TSS2_BASE_RC_BAD_SIZE", "bad size" },
	{ 17, "TSS2_BASE_RC_MALFORMED_RESPONSE", "malformed response from the TPM" },
	{ 18, "TSS2_BASE_RC_INSUFFICIENT_CONTEXT", "context too small" },
	{ 19, "TSS2_BASE_RC_INSUFFICIENT_RESPONSE", "response too short" },
	{ 20, "TSS2_BASE_RC_INCOMPATIBLE_TCTI", "incompatible TCTI" },
	{ 21, "TSS2_BASE_RC_NOT_SUPPORTED", "not supported" },
	{ 22, "TSS2_BASE_RC_BAD_TCTI_STRUCTURE", "bad TCTI structure" },
	{ 23, "TSS2_BASE_RC_MEMORY", "out of memory" },
};

static const char *layer_name(uint32_t layer)
{
	switch (layer) {
	case 6: return "fapi";
	case 7: return "esys";
	case 8: return "sys";
	case 9: return "mu";
	case 10: return "tcti";
	case 11: return "resmgr";
	case 12: return "resmgr-tpm";
	default: return "tss";
	}
}

uint32_t tpm_rc_base(uint32_t rc)
{
	if (rc >> 16)
		return rc;
	if (rc & 0x080)          /* format 1: drop the number bits 8..11 */
		return 0x080 | (rc & 0x03F);
	return rc & 0xFFF;
}

static const struct rc_name *find(const struct rc_name *t, size_t n, uint32_t rc)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].rc == rc)
			return &t[i];
	return NULL;
}

static const struct rc_name *lookup(uint32_t rc)
{
	uint32_t layer = (rc >> 16) & 0xFF;
	if (layer == 0 || layer == 12)   /* the TPM itself, or relayed by a resource manager */
		return find(tpm_codes, sizeof tpm_codes / sizeof tpm_codes[0], tpm_rc_base(rc & 0xFFFF));
	return find(tss_codes, sizeof tss_codes / sizeof tss_codes[0], rc & 0xFFFF);
}

const char *tpm_rc_name(uint32_t rc)
{
	const struct rc_name *r = lookup(rc);
	return r ? r->name : NULL;
}

const char *tpm_rc_str(uint32_t rc, char *buf, size_t cap)
{
	if (!buf || cap == 0)
		return buf;
	uint32_t layer = (rc >> 16) & 0xFF;
	const struct rc_name *r = lookup(rc);
	char where[32] = "";
	if ((layer == 0 || layer == 12) && (rc & 0x080)) {
		unsigned n = (rc >> 8) & 0xF;
		if (rc & 0x040)
			snprintf(where, sizeof where, ", parameter %u", n);
		else if (n & 0x8)
			snprintf(where, sizeof where, ", session %u", n & 7);
		else if (n)
			snprintf(where, sizeof where, ", handle %u", n);
	}
	const char *pre = layer && layer != 12 ? layer_name(layer) : "";
	if (r)
		snprintf(buf, cap, "%s%s%s (0x%x%s): %s", pre, *pre ? ": " : "", r->name,
			 (unsigned)rc, where, r->text);
	else
		snprintf(buf, cap, "%s%sunknown %s response code 0x%x%s", pre, *pre ? ": " : "",
			 layer ? "TSS" : "TPM", (unsigned)rc, where);
	return buf;
}
