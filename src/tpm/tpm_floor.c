/* tpm_floor.c: the clock floor in TPM NV (see tpm_floor.h). */
#include "tpm/tpm_floor.h"

#include <string.h>

#include "trust/clock.h"
#include "tpm/tpm_rc.h"

/* Writable by anything but the owner: not a floor. */
#define FLOOR_BAD_WRITE (TPMA_NV_AUTHWRITE | TPMA_NV_POLICYWRITE | TPMA_NV_PPWRITE)
#define FLOOR_ATTRS (TPMA_NV_OWNERWRITE | TPMA_NV_OWNERREAD | TPMA_NV_AUTHREAD | TPMA_NV_NO_DA)

void tpm_floor_encode(time_t t, uint8_t out[TPM_FLOOR_SIZE])
{
	uint64_t v = t < 0 ? 0 : (uint64_t)t;

	memcpy(out, TPM_FLOOR_MAGIC, 8); // NOLINT(bugprone-not-null-terminated-result): bytes, not a string
	for (int i = 0; i < 8; i++)
		out[8 + i] = (uint8_t)(v >> (56 - 8 * i));
}

int tpm_floor_decode(const uint8_t *buf, size_t len, time_t *t, struct err *e)
{
	uint64_t v = 0;

	*t = 0;
	if (len != TPM_FLOOR_SIZE)
		return err_set(e, "tpm: clock floor: %zu bytes, want %d", len, TPM_FLOOR_SIZE);
	if (memcmp(buf, TPM_FLOOR_MAGIC, 8) != 0)
		return err_set(e, "tpm: clock floor: no \"" TPM_FLOOR_MAGIC "\" header (not ours)");
	for (int i = 0; i < 8; i++)
		v = v << 8 | buf[8 + i];
	if (v > (uint64_t)CLOCK_TIME_MAX)
		return err_set(e, "tpm: clock floor: %llu is past 9999-12-31", (unsigned long long)v);
	*t = (time_t)v;
	return 0;
}

/* NV_ReadPublic: 1 defined (*pub set), 0 not defined, -1 error. */
static int floor_public(struct tpm *tpm, uint32_t index, TPM2B_NV_PUBLIC *pub, struct err *e)
{
	TPM2B_NAME name;
	TSS2_RC rc;

	memset(pub, 0, sizeof *pub);
	memset(&name, 0, sizeof name);
	name.size = sizeof name.name;
	TPM_RETRY(tpm, rc, Tss2_Sys_NV_ReadPublic(tpm->sys, index, NULL, pub, &name, NULL));
	if (rc == TSS2_RC_SUCCESS)
		return 1;
	if (tpm_rc_base(rc) == TPM_RC_HANDLE_ || tpm_rc_base(rc) == 0x184u)
		return 0;
	return tpm_fail(e, rc, "TPM2_NV_ReadPublic of clock floor 0x%08x", (unsigned)index);
}

static int check_public(const TPM2B_NV_PUBLIC *pub, uint32_t index, struct err *e)
{
	TPMA_NV a = pub->nvPublic.attributes;

	if ((a & TPMA_NV_TPM2_NT_MASK) >> TPMA_NV_TPM2_NT_SHIFT != TPM2_NT_ORDINARY)
		return err_set(e, "tpm: clock floor 0x%08x is not an ordinary NV index", (unsigned)index);
	if (a & FLOOR_BAD_WRITE)
		return err_set(e, "tpm: clock floor 0x%08x may be written without owner authorization "
			       "(attributes 0x%08x): refused, it could be moved back",
			       (unsigned)index, (unsigned)a);
	if (!(a & TPMA_NV_OWNERWRITE))
		return err_set(e, "tpm: clock floor 0x%08x is not owner-writable", (unsigned)index);
	if (pub->nvPublic.dataSize != TPM_FLOOR_SIZE)
		return err_set(e, "tpm: clock floor 0x%08x holds %u bytes, want %d", (unsigned)index,
			       (unsigned)pub->nvPublic.dataSize, TPM_FLOOR_SIZE);
	return 0;
}

int tpm_floor_read(struct tpm *tpm, uint32_t index, time_t *t, struct err *e)
{
	TPM2B_NV_PUBLIC pub;
	uint8_t buf[TPM_FLOOR_SIZE];
	size_t len = 0;
	int r;

	*t = 0;
	r = floor_public(tpm, index, &pub, e);
	if (r <= 0)
		return r;
	if (check_public(&pub, index, e) < 0)
		return -1;
	if (!(pub.nvPublic.attributes & TPMA_NV_WRITTEN))
		return 0;
	if (tpm_nv_read(tpm, index, buf, sizeof buf, &len, e) < 0)
		return -1;
	if (tpm_floor_decode(buf, len, t, e) < 0)
		return err_wrap(e, "NV index 0x%08x", (unsigned)index);
	return 1;
}

static int floor_define(struct tpm *tpm, uint32_t index, struct err *e)
{
	TPM2B_AUTH auth;
	TPM2B_NV_PUBLIC pub;
	TSS2L_SYS_AUTH_RESPONSE rsp;
	TSS2_RC rc;

	memset(&auth, 0, sizeof auth);
	memset(&pub, 0, sizeof pub);
	pub.nvPublic.nvIndex = index;
	pub.nvPublic.nameAlg = TPM2_ALG_SHA256;
	pub.nvPublic.attributes = FLOOR_ATTRS |
		(TPM2_NT_ORDINARY << TPMA_NV_TPM2_NT_SHIFT);
	pub.nvPublic.dataSize = TPM_FLOOR_SIZE;
	TPM_RETRY(tpm, rc, Tss2_Sys_NV_DefineSpace(tpm->sys, TPM2_RH_OWNER, &tpm_pw_auth, &auth, &pub,
					       &rsp));
	if (rc != TSS2_RC_SUCCESS)
		return tpm_fail(e, rc, "TPM2_NV_DefineSpace of clock floor 0x%08x (owner hierarchy)",
				(unsigned)index);
	return 0;
}

int tpm_floor_advance(struct tpm *tpm, uint32_t index, time_t to, time_t *now, struct err *e)
{
	TPM2B_MAX_NV_BUFFER data;
	TSS2L_SYS_AUTH_RESPONSE rsp;
	TSS2_RC rc;
	time_t cur = 0;
	int r;

	if (to < 0 || to > CLOCK_TIME_MAX)
		return err_set(e, "tpm: clock floor: time out of range");
	r = tpm_floor_read(tpm, index, &cur, e);
	if (r < 0)
		return -1;
	if (now)
		*now = cur;
	if (r > 0 && cur >= to)
		return 0; /* never moved back */
	if (r == 0) {
		TPM2B_NV_PUBLIC pub;
		int defined = floor_public(tpm, index, &pub, e);
		if (defined < 0)
			return -1;
		if (!defined && floor_define(tpm, index, e) < 0)
			return -1;
	}
	memset(&data, 0, sizeof data);
	data.size = TPM_FLOOR_SIZE;
	tpm_floor_encode(to, data.buffer);
	TPM_RETRY(tpm, rc, Tss2_Sys_NV_Write(tpm->sys, TPM2_RH_OWNER, index, &tpm_pw_auth, &data, 0,
					&rsp));
	if (rc != TSS2_RC_SUCCESS)
		return tpm_fail(e, rc, "TPM2_NV_Write of clock floor 0x%08x (owner authorization)",
				(unsigned)index);
	if (now)
		*now = to;
	return 1;
}
