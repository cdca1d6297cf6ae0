/*
 * fuzz_gpt.c: GUID partition table parsing, as the installer reads it from
 * the image's first MiB and from the disk.
 *
 * Both CRC32s (header, entry array) stop a byte mutator at the first
 * checks, so each input is parsed twice: as it is, and with the CRCs made
 * right for what it says (for 512- and 4096-byte sectors), which lets the
 * mutations reach the range checks and the entries behind them. The first
 * 40 bytes also go to the GUID text parser.
 */
#include "base/bytes.h"
#include "disk/gpt.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BUF_MAX (1024 * 1024)

static void check(const struct gpt *g)
{
	static const char *const types[] = { GPT_ROOT_X86_64, GPT_ROOT_AARCH64, GPT_ROOT_X86,
		GPT_ROOT_RISCV64 };
	char s[GPT_GUID_STR];
	uint8_t t[16];
	struct err e;

	if (g->n < 0 || g->n > GPT_MAX_PARTS || (g->sector != 512 && g->sector != 4096) ||
	    g->first_usable > g->last_usable)
		abort();
	for (int i = 0; i < g->n; i++) {
		const struct gpt_part *p = &g->parts[i];
		if (p->first_lba > p->last_lba || p->first_lba < g->first_usable ||
		    p->last_lba > g->last_usable || p->index < 1 || p->index > GPT_MAX_ENTRIES ||
		    !memchr(p->name, 0, sizeof p->name) || (i && p->index <= g->parts[i - 1].index))
			abort();
		gpt_guid_format(p->uuid, s);
		if (strlen(s) != GPT_GUID_STR - 1 || gpt_guid_parse(s, t) < 0 || memcmp(t, p->uuid, 16))
			abort();
	}
	for (size_t k = 0; k < sizeof types / sizeof types[0]; k++) {
		int idx;
		if (gpt_guid_parse(types[k], t) < 0)
			abort();
		idx = gpt_find_type(g, t, &e);
		if (idx >= g->n || (idx >= 0 && (memcmp(g->parts[idx].type, t, 16) ||
						 (g->parts[idx].attrs & GPT_ATTR_NO_AUTO))))
			abort();
	}
}

/* Make the header and entry-array CRCs of `b` right for `sector`, where the
 * header says where things are and that is inside the buffer. */
static void fix_crcs(uint8_t *b, size_t len, unsigned sector)
{
	uint8_t *h = b + sector;
	uint32_t hsize, n, esz;
	uint64_t elba;

	if (len < 2 * (size_t)sector)
		return;
	memcpy(h, "EFI PART", 8);
	hsize = le32_get(h + 12);
	if (hsize < 92 || hsize > 512)
		return;
	elba = le64_get(h + 72);
	n = le32_get(h + 80);
	esz = le32_get(h + 84);
	if (elba >= 2 && elba <= len / sector && (uint64_t)n * esz <= len - elba * sector) {
		uint32_t c = (uint32_t)crc32(0, b + elba * sector, n * esz);
		h[88] = (uint8_t)c;
		h[89] = (uint8_t)(c >> 8);
		h[90] = (uint8_t)(c >> 16);
		h[91] = (uint8_t)(c >> 24);
	}
	memset(h + 16, 0, 4);
	uint32_t c = (uint32_t)crc32(0, h, hsize);
	h[16] = (uint8_t)c;
	h[17] = (uint8_t)(c >> 8);
	h[18] = (uint8_t)(c >> 16);
	h[19] = (uint8_t)(c >> 24);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct gpt g;
	static uint8_t buf[BUF_MAX];
	static const unsigned sectors[] = { 512, 4096 };
	struct err e;
	char s[48];
	uint8_t t[16];

	if (size > BUF_MAX)
		return 0;
	if (gpt_probe(data, size, &g, &e) == 0)
		check(&g);
	for (size_t k = 0; k < 2; k++) {
		memcpy(buf, data, size);
		fix_crcs(buf, size, sectors[k]);
		if (gpt_parse(buf, size, sectors[k], &g, &e) == 0)
			check(&g);
	}
	/* GUID text: what parses formats back the same, up to letter case */
	if (size >= GPT_GUID_STR - 1) {
		memcpy(s, data, GPT_GUID_STR - 1);
		s[GPT_GUID_STR - 1] = 0;
		if (gpt_guid_parse(s, t) == 0) {
			char f[GPT_GUID_STR];
			gpt_guid_format(t, f);
			if (strcasecmp(f, s) != 0)
				abort();
		}
	}
	return 0;
}
