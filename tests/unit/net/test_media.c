/* test_media.c: removable-media layout, file system labels, the device
 * serial, and the source list of net.h. */
#include "unit.h"

#include "disk/fslabel.h"
#include "net/media.h"
#include "net/net.h"
#include "trust/serial.h"

#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static void put(const char *dir, const char *name, const void *p, size_t n)
{
	char path[512];
	FILE *f;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f) {
		fwrite(p, 1, n, f);
		fclose(f);
	}
}

static const uint8_t ci[] = { 0x30, 0x03, 0x02, 0x01, 0x01 };
static const uint8_t oc[] = { 0x30, 0x03, 0x02, 0x01, 0x02 };
static const uint8_t ov[] = { 0x30, 0x03, 0x02, 0x01, 0x03 };

TEST(media_layout_per_serial_then_fallback)
{
	static struct net_result r;
	char root[] = "/tmp/sztp-media-XXXXXX", d[256];
	CHECK(mkdtemp(root) != NULL);
	snprintf(d, sizeof d, "%s/sztp", root);
	mkdir(d, 0755);
	put(d, "conveyed-information.cms", oc, sizeof oc);
	snprintf(d, sizeof d, "%s/sztp/SN-1", root);
	mkdir(d, 0755);
	put(d, "conveyed-information.cms", ci, sizeof ci);
	put(d, "owner-certificate.cms", oc, sizeof oc);
	put(d, "ownership-voucher.cms", ov, sizeof ov);
	memset(&r, 0, sizeof r);
	CHECK_EQ_INT(media_read_root(root, "SZTP", "SN-1", &r), 2);
	CHECK_EQ_INT(r.n_artifacts, 2);
	CHECK_EQ_STR(r.artifacts[0].source, "media");
	CHECK_EQ_STR(r.artifacts[0].where, "SZTP:/sztp/SN-1");
	CHECK(r.artifacts[0].ci_len == 5 && memcmp(r.artifacts[0].ci, ci, 5) == 0);
	CHECK(r.artifacts[0].oc && memcmp(r.artifacts[0].oc, oc, 5) == 0);
	CHECK(r.artifacts[0].ov && memcmp(r.artifacts[0].ov, ov, 5) == 0);
	CHECK_EQ_STR(r.artifacts[1].where, "SZTP:/sztp");
	CHECK(r.artifacts[1].oc == NULL && r.artifacts[1].ov == NULL);
	CHECK_EQ_INT(r.n_order, 2);
	CHECK_EQ_INT(r.order[0].kind, NET_SRC_ARTIFACTS);
	/* another serial sees only the fallback; a serial with a slash is refused */
	memset(&r, 0, sizeof r);
	CHECK_EQ_INT(media_read_root(root, "SZTP", "SN-2", &r), 1);
	memset(&r, 0, sizeof r);
	CHECK_EQ_INT(media_read_root(root, "SZTP", "../sztp/SN-1", &r), 1);
	/* half a signed set, or a file that is not DER: refused */
	snprintf(d, sizeof d, "%s/sztp/SN-1/owner-certificate.cms", root);
	unlink(d);
	memset(&r, 0, sizeof r);
	CHECK_EQ_INT(media_read_root(root, "SZTP", "SN-1", &r), 1);
	CHECK_EQ_STR(r.artifacts[0].where, "SZTP:/sztp");
	snprintf(d, sizeof d, "%s/sztp", root);
	put(d, "conveyed-information.cms", "MIIB", 4);
	memset(&r, 0, sizeof r);
	CHECK_EQ_INT(media_read_root(root, "SZTP", "SN-2", &r), -1);
	CHECK_EQ_INT(r.n_artifacts, 0);
	{
		char cmd[300];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
		CHECK_EQ_INT(system(cmd), 0);
	}
}

TEST(net_sources_order_and_response)
{
	static struct net_result r;
	static char body[4096];
	long n;
	memset(&r, 0, sizeof r);
	net_add_uri(&r, "https://a.example", "cmdline");
	CHECK_EQ_INT(net_add_artifacts(&r, "dns", "SN._sztp.example", ci, sizeof ci, oc, sizeof oc,
				       ov, sizeof ov), 0);
	net_add_uri(&r, "https://a.example", "dhcp4"); /* duplicate: dropped */
	net_add_uri(&r, "https://b.example", "dhcp4");
	CHECK_EQ_INT(r.n_uris, 2);
	CHECK_EQ_INT(r.n_order, 3);
	CHECK(r.order[0].kind == NET_SRC_URI && r.order[0].index == 0);
	CHECK(r.order[1].kind == NET_SRC_ARTIFACTS && r.order[1].index == 0);
	CHECK(r.order[2].kind == NET_SRC_URI && r.order[2].index == 1);
	n = net_artifacts_response(&r.artifacts[0], body, sizeof body);
	CHECK(n > 0 && (size_t)n < net_artifacts_response_size(&r.artifacts[0]));
	CHECK_EQ_STR(body, "{\"ietf-sztp-bootstrap-server:output\":{"
			   "\"conveyed-information\":\"MAMCAQE=\","
			   "\"owner-certificate\":\"MAMCAQI=\","
			   "\"ownership-voucher\":\"MAMCAQM=\"}}");
	CHECK(net_artifacts_response(&r.artifacts[0], body, 40) < 0);
	/* bounds */
	CHECK(net_add_artifacts(&r, "dns", "x", ci, 0, NULL, 0, NULL, 0) < 0);
	CHECK(net_add_artifacts(&r, "dns", "x", ci, NET_CI_MAX + 1, NULL, 0, NULL, 0) < 0);
	CHECK(net_add_artifacts(&r, "dns", "x", ci, 5, NULL, 3, NULL, 0) < 0);
}

/* Artifact sets are the same only when all their bytes are: an mDNS answer
 * with a forged voucher of the genuine one's length must not make the
 * genuine DNS set look like a duplicate. */
TEST(net_artifacts_deduplicated_by_bytes)
{
	static struct net_result r;
	uint8_t forged_oc[sizeof oc], forged_ov[sizeof ov];
	memcpy(forged_oc, oc, sizeof oc);
	memcpy(forged_ov, ov, sizeof ov);
	forged_ov[sizeof ov - 1] ^= 0x55;
	memset(&r, 0, sizeof r);
	CHECK_EQ_INT(net_add_artifacts(&r, "mdns", "SN._sztp.local", ci, sizeof ci, oc, sizeof oc,
				       forged_ov, sizeof ov), 0);
	CHECK_EQ_INT(net_add_artifacts(&r, "dns", "SN._sztp.example", ci, sizeof ci, oc, sizeof oc,
				       ov, sizeof ov), 0);
	CHECK_EQ_INT(r.n_artifacts, 2);
	forged_oc[0] ^= 1;
	CHECK_EQ_INT(net_add_artifacts(&r, "mdns", "b", ci, sizeof ci, forged_oc, sizeof oc, ov,
				       sizeof ov), 0);
	CHECK_EQ_INT(r.n_artifacts, 3);
	/* the very same bytes again: skipped */
	CHECK_EQ_INT(net_add_artifacts(&r, "dns", "c", ci, sizeof ci, oc, sizeof oc, ov, sizeof ov), 0);
	CHECK_EQ_INT(r.n_artifacts, 3);
	/* unsigned (no owner certificate, no voucher) differs from signed */
	CHECK_EQ_INT(net_add_artifacts(&r, "dns", "d", ci, sizeof ci, NULL, 0, NULL, 0), 0);
	CHECK_EQ_INT(r.n_artifacts, 4);
}

TEST(serial_lookup)
{
	static struct sztp_config cfg;
	char out[SERIAL_MAX], path[] = "/tmp/sztp-serial-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	CHECK(write(fd, "  ABC-123  \n", 12) == 12);
	close(fd);
	config_defaults(&cfg);
	CHECK_EQ_INT(device_serial_from(&cfg, path, out, sizeof out), 0);
	CHECK_EQ_STR(out, "ABC-123");
	strcpy(cfg.serial, "SZTP-DEMO-0001");
	CHECK_EQ_INT(device_serial_from(&cfg, path, out, sizeof out), 0);
	CHECK_EQ_STR(out, "SZTP-DEMO-0001");
	/* placeholders and odd characters are refused */
	strcpy(cfg.serial, "To Be Filled By O.E.M.");
	fd = open(path, O_WRONLY | O_TRUNC);
	CHECK(write(fd, "0000000\n", 8) == 8);
	close(fd);
	CHECK(device_serial_from(&cfg, path, out, sizeof out) < 0);
	CHECK_EQ_STR(out, "");
	CHECK(device_serial_from(NULL, "/nonexistent", out, sizeof out) < 0);
	CHECK(!serial_ok("a/b"));
	CHECK(!serial_ok(".."));
	CHECK(!serial_ok(""));
	CHECK(serial_ok("SN:1+2_x.y"));
	unlink(path);
}

TEST(fslabel_probe_kinds)
{
	static uint8_t b[FSLABEL_PROBE];
	const char *t;
	char l[FSLABEL_MAX];
	memset(b, 0, sizeof b);
	CHECK_EQ_INT(fslabel_probe(b, sizeof b, &t, l), 0);
	/* FAT32 */
	b[510] = 0x55; b[511] = 0xaa;
	memcpy(b + 82, "FAT32   ", 8);
	b[66] = 0x29;
	memcpy(b + 71, "SZTP       ", 11);
	CHECK_EQ_INT(fslabel_probe(b, sizeof b, &t, l), 1);
	CHECK_EQ_STR(t, "vfat");
	CHECK_EQ_STR(l, "SZTP");
	CHECK(fslabel_eq(l, "sztp"));
	CHECK_EQ_INT(fslabel_probe(b, 300, &t, l), 0); /* too short */
	/* FAT16 without the extended signature: no label */
	memset(b, 0, sizeof b);
	b[510] = 0x55; b[511] = 0xaa;
	memcpy(b + 54, "FAT16   ", 8);
	memcpy(b + 43, "IGNORED    ", 11);
	CHECK_EQ_INT(fslabel_probe(b, sizeof b, &t, l), 1);
	CHECK_EQ_STR(l, "");
	/* ext4 */
	memset(b, 0, sizeof b);
	b[1024 + 56] = 0x53; b[1024 + 57] = 0xef;
	memcpy(b + 1024 + 120, "sztp\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	CHECK_EQ_INT(fslabel_probe(b, sizeof b, &t, l), 1);
	CHECK_EQ_STR(t, "ext4");
	CHECK_EQ_STR(l, "sztp");
	/* iso9660, with a control byte in the label */
	memset(b, 0, sizeof b);
	b[32768] = 1;
	memcpy(b + 32769, "CD001", 5);
	memcpy(b + 32768 + 40, "SZTP\x01                           ", 32);
	CHECK_EQ_INT(fslabel_probe(b, sizeof b, &t, l), 1);
	CHECK_EQ_STR(t, "iso9660");
	CHECK_EQ_STR(l, "SZTP?");
	CHECK(!fslabel_eq("SZTP?", "SZTP"));
}
