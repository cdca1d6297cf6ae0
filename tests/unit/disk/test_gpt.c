/* test_gpt.c: GUID partition tables, DPS root type. */
#include "unit.h"
#include "install_fixtures.h"

#include "disk/gpt.h"

static uint8_t disk[1024 * 1024];
static struct gpt G;

/* A 64 MiB GPT image made by sfdisk: ESP + DPS x86-64 root + a no-auto root. */
static long make(const char *d)
{
	char p[128];
	CHECK_EQ_INT(fx_sh("cd %s && truncate -s 64M d && printf 'label: gpt\\n"
			   "size=8M, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name=esp\\n"
			   "size=16M, type=" GPT_ROOT_X86_64 ", name=root, "
			   "uuid=11111111-2222-3333-4444-555555555555\\n' | sfdisk -q d", d), 0);
	snprintf(p, sizeof p, "%s/d", d);
	return fx_read(p, disk, sizeof disk);
}

TEST(gpt_parses_sfdisk_table)
{
	const char *d = fx_tmpdir();
	struct err e;
	uint8_t t[16];
	char s[GPT_GUID_STR];
	CHECK_EQ_INT(make(d), (long)sizeof disk);
	CHECK_EQ_INT(gpt_probe(disk, sizeof disk, &G, &e), 0);
	CHECK_EQ_INT(G.sector, 512);
	CHECK_EQ_INT(G.n, 2);
	CHECK_EQ_INT((G.alternate_lba + 1) * 512, 64 * 1024 * 1024);
	CHECK_EQ_STR(G.parts[1].name, "root");
	CHECK_EQ_INT(G.parts[1].index, 2);
	CHECK_EQ_INT(gpt_guid_parse(GPT_ROOT_X86_64, t), 0);
	CHECK_EQ_INT(gpt_find_type(&G, t, &e), 1);
	gpt_guid_format(G.parts[1].uuid, s);
	CHECK_EQ_STR(s, "11111111-2222-3333-4444-555555555555");
	gpt_guid_format(G.parts[1].type, s);
	CHECK_EQ_STR(s, GPT_ROOT_X86_64);
	CHECK_EQ_INT(gpt_guid_parse(GPT_ROOT_AARCH64, t), 0);
	CHECK_EQ_INT(gpt_find_type(&G, t, &e), -1);
	CHECK(strstr(e.msg, "no partition of type b921b045") != NULL);
	fx_sh("rm -rf %s", d);
}

TEST(gpt_no_auto_root_is_skipped)
{
	const char *d = fx_tmpdir();
	struct err e;
	uint8_t t[16];
	CHECK_EQ_INT(make(d), (long)sizeof disk);
	CHECK_EQ_INT(fx_sh("sfdisk -q --part-attrs %s/d 2 63 2>/dev/null", d), 0);
	char p[128];
	snprintf(p, sizeof p, "%s/d", d);
	CHECK(fx_read(p, disk, sizeof disk) > 0);
	CHECK_EQ_INT(gpt_probe(disk, sizeof disk, &G, &e), 0);
	CHECK(G.parts[1].attrs & GPT_ATTR_NO_AUTO);
	gpt_guid_parse(GPT_ROOT_X86_64, t);
	CHECK_EQ_INT(gpt_find_type(&G, t, &e), -1);
	CHECK(strstr(e.msg, "no-auto") != NULL);
	fx_sh("rm -rf %s", d);
}

TEST(gpt_refuses_corruption)
{
	const char *d = fx_tmpdir();
	struct err e;
	CHECK_EQ_INT(make(d), (long)sizeof disk);
	disk[512 + 40] ^= 1; /* first usable LBA: header CRC */
	CHECK_EQ_INT(gpt_parse(disk, sizeof disk, 512, &G, &e), -1);
	CHECK(strstr(e.msg, "header CRC32") != NULL);
	disk[512 + 40] ^= 1;
	disk[1024 + 200] ^= 1; /* inside the entry array */
	CHECK_EQ_INT(gpt_parse(disk, sizeof disk, 512, &G, &e), -1);
	CHECK(strstr(e.msg, "entry array CRC32") != NULL);
	disk[1024 + 200] ^= 1;
	CHECK_EQ_INT(gpt_parse(disk, 4096, 512, &G, &e), -1); /* entries beyond the bytes */
	CHECK(strstr(e.msg, "beyond") != NULL || strstr(e.msg, "outside") != NULL);
	memset(disk + 512, 0, 8);
	CHECK_EQ_INT(gpt_probe(disk, sizeof disk, &G, &e), -1);
	CHECK(strstr(e.msg, "EFI PART") != NULL);
	CHECK_EQ_INT(gpt_parse(disk, 100, 512, &G, &e), -1);
	CHECK_EQ_INT(gpt_parse(disk, sizeof disk, 1000, &G, &e), -1);
	fx_sh("rm -rf %s", d);
}

TEST(gpt_guid_text)
{
	uint8_t g[16];
	char s[GPT_GUID_STR];
	CHECK_EQ_INT(gpt_guid_parse("4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709", g), 0);
	CHECK_EQ_INT(g[0], 0xe3); /* mixed-endian first field */
	CHECK_EQ_INT(g[8], 0x96);
	gpt_guid_format(g, s);
	CHECK_EQ_STR(s, GPT_ROOT_X86_64);
	CHECK_EQ_INT(gpt_guid_parse("4f68bce3e8cd-4db1-96e7-fbcaf984b709", g), -1);
	CHECK_EQ_INT(gpt_guid_parse("4f68bce3-e8cd-4db1-96e7-fbcaf984b70", g), -1);
	CHECK_EQ_INT(gpt_guid_parse("4f68bce3-e8cd-4db1-96e7-fbcaf984b709x", g), -1);
	CHECK_EQ_INT(gpt_guid_parse("4f68bce3-e8cd-4db1-96e7-fbcaf984b7g9", g), -1);
}
