/* gpt.c: GUID partition table parsing (see gpt.h). */
#include "base/bytes.h"
#include "disk/gpt.h"

#include <stdio.h>
#include <string.h>
#include <zlib.h>

static uint32_t crc(const uint8_t *p, size_t n)
{
	uLong c = crc32(0L, Z_NULL, 0);
	while (n > 0) {
		uInt k = n > 0x40000000u ? 0x40000000u : (uInt)n;
		c = crc32(c, p, k);
		p += k;
		n -= k;
	}
	return (uint32_t)c;
}

int gpt_parse(const uint8_t *buf, size_t len, unsigned sector, struct gpt *g, struct err *e)
{
	uint8_t hdr[512];
	memset(g, 0, sizeof *g);
	if (sector != 512 && sector != 4096)
		return err_set(e, "gpt: unsupported sector size %u", sector);
	g->sector = sector;
	if (len < (size_t)sector * 2)
		return err_set(e, "gpt: only %zu bytes, no room for a header", len);
	const uint8_t *h = buf + sector;
	if (memcmp(h, "EFI PART", 8) != 0)
		return err_set(e, "gpt: no \"EFI PART\" signature at LBA 1 (%u-byte sectors)", sector);
	uint32_t hsize = le32_get(h + 12);
	if (hsize < 92 || hsize > sector || hsize > sizeof hdr)
		return err_set(e, "gpt: header size %u out of range 92..%u", hsize,
			       sector < sizeof hdr ? sector : (unsigned)sizeof hdr);
	memcpy(hdr, h, hsize);
	memset(hdr + 16, 0, 4);
	if (crc(hdr, hsize) != le32_get(h + 16))
		return err_set(e, "gpt: header CRC32 mismatch");
	if (le64_get(h + 24) != 1)
		return err_set(e, "gpt: header MyLBA is %llu, not 1", (unsigned long long)le64_get(h + 24));
	g->alternate_lba = le64_get(h + 32);
	g->first_usable = le64_get(h + 40);
	g->last_usable = le64_get(h + 48);
	memcpy(g->disk_guid, h + 56, 16);
	uint64_t elba = le64_get(h + 72);
	uint32_t n = le32_get(h + 80), esz = le32_get(h + 84), ecrc = le32_get(h + 88);
	if (g->first_usable > g->last_usable)
		return err_set(e, "gpt: first usable LBA %llu beyond last usable LBA %llu",
			       (unsigned long long)g->first_usable, (unsigned long long)g->last_usable);
	if (g->alternate_lba < 1 || g->alternate_lba > (UINT64_MAX / sector) - 1)
		return err_set(e, "gpt: alternate LBA %llu out of range",
			       (unsigned long long)g->alternate_lba);
	if (esz < 128 || esz > GPT_ENTRY_SIZE_MAX || esz % 8)
		return err_set(e, "gpt: partition entry size %u not a multiple of 8 in 128..%u", esz,
			       GPT_ENTRY_SIZE_MAX);
	if (n > GPT_MAX_ENTRIES)
		return err_set(e, "gpt: %u partition entries (at most %u)", n, GPT_MAX_ENTRIES);
	if (elba < 2 || elba > len / sector)
		return err_set(e, "gpt: partition entries at LBA %llu outside the %zu bytes read",
			       (unsigned long long)elba, len);
	size_t off = (size_t)elba * sector, total = (size_t)n * esz;
	if (off > len || total > len - off)
		return err_set(e, "gpt: partition entries (LBA %llu, %u x %u bytes) extend beyond "
			       "the %zu bytes read", (unsigned long long)elba, n, esz, len);
	if (crc(buf + off, total) != ecrc)
		return err_set(e, "gpt: partition entry array CRC32 mismatch");
	static const uint8_t zero[16];
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *p = buf + off + (size_t)i * esz;
		if (memcmp(p, zero, 16) == 0)
			continue;
		if (g->n >= GPT_MAX_PARTS)
			return err_set(e, "gpt: more than %d partitions in use", GPT_MAX_PARTS);
		struct gpt_part *pt = &g->parts[g->n];
		pt->index = (int)i + 1;
		memcpy(pt->type, p, 16);
		memcpy(pt->uuid, p + 16, 16);
		pt->first_lba = le64_get(p + 32);
		pt->last_lba = le64_get(p + 40);
		pt->attrs = le64_get(p + 48);
		if (pt->first_lba > pt->last_lba || pt->first_lba < g->first_usable ||
		    pt->last_lba > g->last_usable)
			return err_set(e, "gpt: partition %u spans LBA %llu..%llu outside the usable "
				       "%llu..%llu", i + 1, (unsigned long long)pt->first_lba,
				       (unsigned long long)pt->last_lba,
				       (unsigned long long)g->first_usable,
				       (unsigned long long)g->last_usable);
		for (int k = 0; k < 36; k++) {
			unsigned cu = (unsigned)p[56 + 2 * k] | (unsigned)p[57 + 2 * k] << 8;
			if (cu == 0) {
				pt->name[k] = 0;
				break;
			}
			pt->name[k] = cu >= 0x20 && cu < 0x7f ? (char)cu : '?';
			pt->name[k + 1] = 0;
		}
		g->n++;
	}
	return 0;
}

int gpt_probe(const uint8_t *buf, size_t len, struct gpt *g, struct err *e)
{
	if (gpt_parse(buf, len, 512, g, e) == 0)
		return 0;
	if (len >= 4096 + 8 && memcmp(buf + 4096, "EFI PART", 8) == 0)
		return gpt_parse(buf, len, 4096, g, e);
	return -1;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* text order of the 16 bytes -> on-disk position */
static const int guid_pos[16] = { 3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15 };

int gpt_guid_parse(const char *s, uint8_t out[16])
{
	int k = 0;
	for (int i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return -1;
			continue;
		}
		int hi = hexval((unsigned char)s[i]), lo;
		if (hi < 0 || (lo = hexval((unsigned char)s[i + 1])) < 0)
			return -1;
		out[guid_pos[k++]] = (uint8_t)(hi << 4 | lo);
		i++;
	}
	return s[36] == '\0' ? 0 : -1;
}

void gpt_guid_format(const uint8_t g[16], char out[GPT_GUID_STR])
{
	size_t o = 0;
	for (int k = 0; k < 16; k++) {
		if (k == 4 || k == 6 || k == 8 || k == 10)
			out[o++] = '-';
		snprintf(out + o, 3, "%02x", g[guid_pos[k]]);
		o += 2;
	}
	out[o] = 0;
}

const char *gpt_root_type_native(void)
{
#if defined(__x86_64__)
	return GPT_ROOT_X86_64;
#elif defined(__aarch64__)
	return GPT_ROOT_AARCH64;
#elif defined(__i386__)
	return GPT_ROOT_X86;
#elif defined(__riscv) && __riscv_xlen == 64
	return GPT_ROOT_RISCV64;
#else
	return NULL;
#endif
}

int gpt_find_type(const struct gpt *g, const uint8_t type[16], struct err *e)
{
	int noauto = 0;
	char t[GPT_GUID_STR];
	for (int i = 0; i < g->n; i++) {
		if (memcmp(g->parts[i].type, type, 16) != 0)
			continue;
		if (g->parts[i].attrs & GPT_ATTR_NO_AUTO) {
			noauto++;
			continue;
		}
		return i;
	}
	gpt_guid_format(type, t);
	if (noauto)
		return err_set(e, "gpt: the only partition(s) of type %s are marked no-auto", t);
	return err_set(e, "gpt: no partition of type %s", t);
}
