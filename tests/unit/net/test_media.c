/* test_media.c: removable-media layout, file system labels, the device
 * serial, and the source list of net.h. */
#include "unit.h"

#include "disk/fslabel.h"
#include "net/media.h"
#include "net/net.h"
#include "trust/serial.h"
#include "base/log.h"

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

/* mkdir -p root/rel */
static void mkd(const char *root, const char *rel)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "mkdir -p '%s/%s'", root, rel);
	if (system(cmd) != 0)
		unit_fail(__FILE__, __LINE__, "%s failed", cmd);
}

static void rm_rf(const char *root)
{
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	if (system(cmd) != 0)
		unit_fail(__FILE__, __LINE__, "%s failed", cmd);
}

/* 1 when the log ring holds `s` */
static int logged(const char *s)
{
	static char buf[1 << 20];
	char path[] = "/tmp/sztp-medialog-XXXXXX";
	int fd = mkstemp(path), found;
	size_t n;
	FILE *f;
	if (fd < 0)
		return 0;
	close(fd);
	log_save(path);
	f = fopen(path, "r");
	n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
	if (f)
		fclose(f);
	buf[n] = '\0';
	unlink(path);
	found = strstr(buf, s) != NULL;
	return found;
}

static const uint8_t ci[] = { 0x30, 0x03, 0x02, 0x01, 0x01 };
static const uint8_t oc[] = { 0x30, 0x03, 0x02, 0x01, 0x02 };
static const uint8_t ov[] = { 0x30, 0x03, 0x02, 0x01, 0x03 };
static const uint8_t ci2[] = { 0x30, 0x03, 0x02, 0x01, 0x04 };
static const uint8_t ci3[] = { 0x30, 0x03, 0x02, 0x01, 0x05 };

/* a signed set in root/rel, the voucher under `ov_name` */
static void signed_set(const char *root, const char *rel, const uint8_t *c, const char *ov_name)
{
	char d[512];
	mkd(root, rel);
	snprintf(d, sizeof d, "%s/%s", root, rel);
	put(d, "conveyed-information.cms", c, 5);
	put(d, "owner-certificate.cms", oc, sizeof oc);
	put(d, ov_name, ov, sizeof ov);
}

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
	CHECK_EQ_STR(r.artifacts[0].medium, root);
	CHECK(r.artifacts[0].ci_len == 5 && memcmp(r.artifacts[0].ci, ci, 5) == 0);
	CHECK(r.artifacts[0].oc && memcmp(r.artifacts[0].oc, oc, 5) == 0);
	CHECK(r.artifacts[0].ov && memcmp(r.artifacts[0].ov, ov, 5) == 0);
	CHECK_EQ_STR(r.artifacts[1].where, "SZTP:/sztp");
	CHECK_EQ_STR(r.artifacts[1].medium, root);
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
	rm_rf(root);
}

TEST(media_vendor_layout_order_and_vcj)
{
	static struct net_result r;
	char root[] = "/tmp/sztp-media-XXXXXX", d[256];
	CHECK(mkdtemp(root) != NULL);
	/* the three layouts at once, each with its own conveyed information */
	signed_set(root, "sztp/SN-1", ci, "ownership-voucher.cms");
	signed_set(root, "EN9/SN-1/bootstrapping-data", ci2, "ownership-voucher.vcj");
	mkd(root, "sztp");
	snprintf(d, sizeof d, "%s/sztp", root);
	put(d, "conveyed-information.cms", ci3, sizeof ci3);
	mkd(root, "images");
	mkd(root, "EN9/SN-2/bootstrapping-data"); /* another device's */
	put(root, "README.txt", "x", 1);           /* a file at the top: not a vendor */
	memset(&r, 0, sizeof r);
	CHECK_EQ_INT(media_read_root(root, "USB", "SN-1", &r), 3);
	CHECK_EQ_STR(r.artifacts[0].where, "USB:/sztp/SN-1");
	CHECK_EQ_STR(r.artifacts[1].where, "USB:/EN9/SN-1/bootstrapping-data");
	CHECK_EQ_STR(r.artifacts[2].where, "USB:/sztp");
	CHECK(memcmp(r.artifacts[1].ci, ci2, 5) == 0);
	CHECK(r.artifacts[1].ov && r.artifacts[1].ov_len == 5 && memcmp(r.artifacts[1].ov, ov, 5) == 0);
	CHECK_EQ_STR(r.artifacts[1].medium, root);
	CHECK(r.order[0].index == 0 && r.order[1].index == 1 && r.order[2].index == 2);

	/* the vendor layout alone; two vendor directories are read in name order */
	rm_rf(root);
	strcpy(root, "/tmp/sztp-media-XXXXXX");
	CHECK(mkdtemp(root) != NULL);
	signed_set(root, "ZZ/SN-1/bootstrapping-data", ci3, "ownership-voucher.vcj");
	signed_set(root, "AA/SN-1/bootstrapping-data", ci2, "ownership-voucher.cms");
	memset(&r, 0, sizeof r);
	CHECK_EQ_INT(media_read_root(root, "USB", "SN-1", &r), 2);
	CHECK_EQ_STR(r.artifacts[0].where, "USB:/AA/SN-1/bootstrapping-data");
	CHECK_EQ_STR(r.artifacts[1].where, "USB:/ZZ/SN-1/bootstrapping-data");
	/* both voucher names: .cms is used */
	snprintf(d, sizeof d, "%s/AA/SN-1/bootstrapping-data", root);
	put(d, "ownership-voucher.vcj", ci, sizeof ci);
	memset(&r, 0, sizeof r);
	CHECK_EQ_INT(media_read_root(root, "USB", "SN-1", &r), 2);
	CHECK(memcmp(r.artifacts[0].ov, ov, 5) == 0);
	CHECK(logged("both ownership-voucher.cms and ownership-voucher.vcj"));
	/* no serial: only /sztp/, never a vendor directory */
	memset(&r, 0, sizeof r);
	CHECK_EQ_INT(media_read_root(root, "USB", "", &r), 0);
	memset(&r, 0, sizeof r);
	CHECK_EQ_INT(media_read_root(root, "USB", NULL, &r), 0);
	/* a voucher without an owner certificate */
	snprintf(d, sizeof d, "%s/ZZ/SN-1/bootstrapping-data/owner-certificate.cms", root);
	unlink(d);
	memset(&r, 0, sizeof r);
	CHECK_EQ_INT(media_read_root(root, "USB", "SN-1", &r), 1);
	CHECK_EQ_STR(r.artifacts[0].where, "USB:/AA/SN-1/bootstrapping-data");
	rm_rf(root);
}

TEST(media_serial_compared_exactly)
{
	static struct net_result r;
	char root[] = "/tmp/sztp-media-XXXXXX";
	CHECK(mkdtemp(root) != NULL);
	signed_set(root, "EN9/sn-1/bootstrapping-data", ci, "ownership-voucher.vcj");
	signed_set(root, "EN9/SN-10/bootstrapping-data", ci2, "ownership-voucher.vcj");
	signed_set(root, "sztp/SN-1 ", ci3, "ownership-voucher.cms");
	signed_set(root, "sztp/SN-", ci3, "ownership-voucher.cms");
	memset(&r, 0, sizeof r);
	CHECK_EQ_INT(media_read_root(root, "USB", "SN-1", &r), 0);
	CHECK_EQ_INT(r.n_artifacts, 0);
	memset(&r, 0, sizeof r);
	CHECK_EQ_INT(media_read_root(root, "USB", "SN-10", &r), 1);
	CHECK_EQ_STR(r.artifacts[0].where, "USB:/EN9/SN-10/bootstrapping-data");
	/* serials that are not serial_ok() name no directory */
	signed_set(root, "EN9/.", ci, "ownership-voucher.vcj");
	memset(&r, 0, sizeof r);
	CHECK_EQ_INT(media_read_root(root, "USB", ".", &r), 0);
	memset(&r, 0, sizeof r);
	CHECK_EQ_INT(media_read_root(root, "USB", "sn-1/../SN-10", &r), 0);
	rm_rf(root);
}

TEST(media_symlinks_and_escapes_refused)
{
	static struct net_result r;
	char top[] = "/tmp/sztp-media-XXXXXX", root[64], out[64], p[128];
	CHECK(mkdtemp(top) != NULL);
	snprintf(root, sizeof root, "%s/medium", top);
	snprintf(out, sizeof out, "%s/outside", top);
	CHECK(mkdir(root, 0755) == 0);
	/* a complete, valid-looking set outside the medium */
	signed_set(out, "SN-1/bootstrapping-data", ci, "ownership-voucher.vcj");
	signed_set(out, "sztp/SN-1", ci, "ownership-voucher.cms");
	/* the serial directory a link to it */
	mkd(root, "EN9");
	snprintf(p, sizeof p, "%s/EN9/SN-1", root);
	CHECK(symlink("../../outside/SN-1", p) == 0);
	memset(&r, 0, sizeof r);
	CHECK_EQ_INT(media_read_root(root, "USB", "SN-1", &r), -1);
	CHECK_EQ_INT(r.n_artifacts, 0);
	CHECK(logged("a symbolic link (refused)"));
	/* a vendor directory that is a link */
	unlink(p);
	rmdir(p);
	snprintf(p, sizeof p, "%s/EN9", root);
	rm_rf(p);
	CHECK(symlink(out, p) == 0);
	memset(&r, 0, sizeof r);
	CHECK_EQ_INT(media_read_root(root, "USB", "SN-1", &r), 0);
	/* /sztp a link; then one file a link */
	unlink(p);
	snprintf(p, sizeof p, "%s/sztp", root);
	snprintf(out, sizeof out, "%s/outside/sztp", top);
	CHECK(symlink(out, p) == 0);
	memset(&r, 0, sizeof r);
	CHECK(media_read_root(root, "USB", "SN-1", &r) <= 0);
	CHECK_EQ_INT(r.n_artifacts, 0);
	unlink(p);
	signed_set(root, "sztp/SN-1", ci, "ownership-voucher.cms");
	snprintf(p, sizeof p, "%s/sztp/SN-1/owner-certificate.cms", root);
	unlink(p);
	snprintf(out, sizeof out, "%s/outside/sztp/SN-1/owner-certificate.cms", top);
	CHECK(symlink(out, p) == 0);
	memset(&r, 0, sizeof r);
	CHECK_EQ_INT(media_read_root(root, "USB", "SN-1", &r), -1);
	CHECK_EQ_INT(r.n_artifacts, 0);
	/* a FIFO is refused (and does not block) */
	unlink(p);
	CHECK(mkfifo(p, 0600) == 0);
	memset(&r, 0, sizeof r);
	CHECK_EQ_INT(media_read_root(root, "USB", "SN-1", &r), -1);
	CHECK(logged("SN-1/owner-certificate.cms: not a regular file"));
	rm_rf(top);
}

TEST(media_file_size_caps)
{
	static struct net_result r;
	static uint8_t big[NET_CI_MAX + 1];
	char root[] = "/tmp/sztp-media-XXXXXX", d[256];
	CHECK(mkdtemp(root) != NULL);
	big[0] = 0x30;
	signed_set(root, "EN9/SN-1/bootstrapping-data", ci, "ownership-voucher.vcj");
	snprintf(d, sizeof d, "%s/EN9/SN-1/bootstrapping-data", root);
	/* exactly at the caps: read */
	put(d, "conveyed-information.cms", big, NET_CI_MAX);
	put(d, "ownership-voucher.vcj", big, NET_CMS_MAX);
	memset(&r, 0, sizeof r);
	CHECK_EQ_INT(media_read_root(root, "USB", "SN-1", &r), 1);
	CHECK_EQ_INT(r.artifacts[0].ci_len, NET_CI_MAX);
	CHECK_EQ_INT(r.artifacts[0].ov_len, NET_CMS_MAX);
	/* one byte more: refused, each */
	put(d, "ownership-voucher.vcj", big, NET_CMS_MAX + 1);
	memset(&r, 0, sizeof r);
	CHECK_EQ_INT(media_read_root(root, "USB", "SN-1", &r), -1);
	CHECK(logged("ownership-voucher.vcj: 32769 bytes (want 1..32768)"));
	put(d, "ownership-voucher.vcj", ov, sizeof ov);
	put(d, "conveyed-information.cms", big, NET_CI_MAX + 1);
	memset(&r, 0, sizeof r);
	CHECK_EQ_INT(media_read_root(root, "USB", "SN-1", &r), -1);
	put(d, "conveyed-information.cms", big, 0);
	memset(&r, 0, sizeof r);
	CHECK_EQ_INT(media_read_root(root, "USB", "SN-1", &r), -1);
	CHECK(logged("conveyed-information.cms: 0 bytes (want 1..65536)"));
	rm_rf(root);
}

TEST(media_top_level_scan_is_bounded)
{
	static struct net_result r;
	char root[] = "/tmp/sztp-media-XXXXXX", d[64];
	CHECK(mkdtemp(root) != NULL);
	for (int i = 0; i < MEDIA_TOP_MAX + 10; i++) {
		snprintf(d, sizeof d, "dir%03d", i);
		mkd(root, d);
	}
	memset(&r, 0, sizeof r);
	CHECK_EQ_INT(media_read_root(root, "USB", "SN-1", &r), 0);
	CHECK(logged("USB: more than 64 entries at the top of the medium: only the first 64 "
		     "examined for <vendor>/<serial>/bootstrapping-data/"));
	/* /sztp/ is read whatever the top holds */
	signed_set(root, "sztp/SN-1", ci, "ownership-voucher.vcj");
	memset(&r, 0, sizeof r);
	CHECK_EQ_INT(media_read_root(root, "USB", "SN-1", &r), 1);
	CHECK_EQ_STR(r.artifacts[0].where, "USB:/sztp/SN-1");
	rm_rf(root);
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

static char loaded[128];

static int rec_load(const char *name, struct err *e)
{
	size_t n = strlen(loaded);
	(void)e;
	snprintf(loaded + n, sizeof loaded - n, "%s%s", n ? " " : "", name);
	return 0;
}

TEST(media_scan_waits_for_usb_storage_disks)
{
	static struct net_result r;
	char root[] = "/tmp/sztp-media-XXXXXX", drv[128], blk[128];
	struct media_opts o;
	CHECK(mkdtemp(root) != NULL);
	snprintf(drv, sizeof drv, "%s/drivers", root);
	snprintf(blk, sizeof blk, "%s/block", root);
	mkd(root, "block");
	mkd(root, "drivers/usb-storage");
	memset(&o, 0, sizeof o);
	o.sys_block = blk;
	o.dev_dir = root;
	o.mount_dir = root;
	o.usb_drivers = drv;
	o.usb_wait_ms = 300;
	o.load_module = rec_load;
	/* no USB storage bound: nothing loaded, no wait */
	loaded[0] = '\0';
	memset(&r, 0, sizeof r);
	CHECK_EQ_INT(media_scan(&o, &r), 0);
	CHECK_EQ_STR(loaded, "");
	/* a stick whose disk is there: the disk drivers loaded, no wait */
	mkd(root, "drivers/usb-storage/1-1:1.0/host0/target0:0:0/0:0:0:0/block/sda");
	CHECK_EQ_INT(media_scan(&o, &r), 0);
	CHECK_EQ_STR(loaded, "sd_mod sr_mod");
	CHECK(!logged("waiting up to"));
	/* one still probing: waited for, up to the bound, and said so */
	mkd(root, "drivers/uas/2-1:1.0/host1");
	CHECK_EQ_INT(media_scan(&o, &r), 0);
	CHECK(logged("waiting up to 0 s for 1 USB storage device(s) (2-1:1.0) to show a disk"));
	CHECK(logged("USB storage 2-1:1.0: no disk after 300 ms"));
	rm_rf(root);
}
