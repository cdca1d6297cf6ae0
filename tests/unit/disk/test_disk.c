/* test_disk.c: the target disk rule over a fake /sys/class/block. */
#include "unit.h"
#include "install_fixtures.h"

#include "disk/disk.h"

static struct disk_info D[DISK_MAX];

static void disk(const char *sys, const char *name, const char *size, int removable, int ro,
		 int device, const char *serial)
{
	fx_sh("mkdir -p %s/%s && echo %s > %s/%s/size && echo %d > %s/%s/removable && "
	      "echo %d > %s/%s/ro", sys, name, size, sys, name, removable, sys, name, ro, sys, name);
	if (device)
		fx_sh("mkdir -p %s/%s/device", sys, name);
	if (serial)
		fx_sh("echo '%s' > %s/%s/serial", serial, sys, name);
}

TEST(disk_automatic_rule)
{
	const char *d = fx_tmpdir();
	char sys[128], mounts[128], out[64];
	struct err e;
	snprintf(sys, sizeof sys, "%s/sys", d);
	snprintf(mounts, sizeof mounts, "%s/mounts", d);
	fx_sh("printf '/dev/sdb1 /run/sztp/media/sdb1 vfat ro 0 0\\n' > %s", mounts);
	disk(sys, "vda", "20971520", 0, 0, 1, "SN-A");
	disk(sys, "sdb", "2048", 0, 0, 1, NULL);         /* mounted medium */
	disk(sys, "sdc", "2048", 1, 0, 1, NULL);         /* removable */
	disk(sys, "sr0", "2048", 0, 0, 1, NULL);         /* optical */
	disk(sys, "loop0", "2048", 0, 0, 0, NULL);       /* loop */
	disk(sys, "nvme0n1", "0", 0, 0, 1, NULL);        /* no medium */
	disk(sys, "vdb", "2048", 0, 1, 1, NULL);         /* read-only */
	fx_sh("mkdir -p %s/vda1 && touch %s/vda1/partition", sys, sys); /* a partition */
	struct disk_opts o = { sys, "/dev", mounts, 0, 1 };
	CHECK_EQ_INT(disk_find(&o, NULL, out, sizeof out, &e), 0);
	CHECK_EQ_STR(out, "/dev/vda");
	int n = disk_list(&o, D, DISK_MAX, &e);
	CHECK_EQ_INT(n, 7);
	/* a second plain disk: ambiguous, both named */
	disk(sys, "vdc", "41943040", 0, 0, 1, NULL);
	CHECK_EQ_INT(disk_find(&o, NULL, out, sizeof out, &e), -1);
	CHECK(strstr(e.msg, "ambiguous target disk: vda (10.0 GiB), vdc (20.0 GiB)") != NULL);
	/* explicit choices */
	CHECK_EQ_INT(disk_find(&o, "vdc", out, sizeof out, &e), 0);
	CHECK_EQ_STR(out, "/dev/vdc");
	CHECK_EQ_INT(disk_find(&o, "serial:SN-A", out, sizeof out, &e), 0);
	CHECK_EQ_STR(out, "/dev/vda");
	CHECK_EQ_INT(disk_find(&o, "serial:nope", out, sizeof out, &e), -1);
	CHECK(strstr(e.msg, "no such disk") != NULL);
	CHECK_EQ_INT(disk_find(&o, "vdb", out, sizeof out, &e), -1);
	CHECK(strstr(e.msg, "read-only") != NULL);
	CHECK_EQ_INT(disk_find(&o, "sdc", out, sizeof out, &e), 0); /* explicit: removable is fine */
	/* none left */
	fx_sh("rm -rf %s/vda %s/vdc", sys, sys);
	CHECK_EQ_INT(disk_find(&o, NULL, out, sizeof out, &e), -1);
	CHECK(strstr(e.msg, "no disk qualifies") != NULL);
	CHECK(strstr(e.msg, "sdb: in use") != NULL);
	CHECK(strstr(e.msg, "sdc: removable") != NULL);
	fx_sh("rm -rf %s", d);
}

TEST(disk_wwn_and_partition_paths)
{
	const char *d = fx_tmpdir();
	char sys[128], out[64];
	struct err e;
	snprintf(sys, sizeof sys, "%s/sys", d);
	disk(sys, "sda", "2048", 0, 0, 1, NULL);
	fx_sh("echo naa.5000C500A1B2C3D4 > %s/sda/device/wwid", sys);
	struct disk_opts o = { sys, "/dev", "/dev/null", 0, 1 };
	CHECK_EQ_INT(disk_find(&o, "wwn:5000c500a1b2c3d4", out, sizeof out, &e), 0);
	CHECK_EQ_STR(out, "/dev/sda");
	CHECK_EQ_INT(disk_partition_path("/dev/vda", 2, out, sizeof out), 0);
	CHECK_EQ_STR(out, "/dev/vda2");
	CHECK_EQ_INT(disk_partition_path("/dev/nvme0n1", 3, out, sizeof out), 0);
	CHECK_EQ_STR(out, "/dev/nvme0n1p3");
	CHECK_EQ_INT(disk_partition_path("/dev/loop7", 1, out, sizeof out), 0);
	CHECK_EQ_STR(out, "/dev/loop7p1");
	CHECK_EQ_INT(disk_partition_path("/dev/vda", 1, out, 8), -1);
	CHECK_EQ_INT(disk_find(&o, "/nonexistent/disk", out, sizeof out, &e), -1);
	CHECK_EQ_INT(disk_find(&o, "/dev/null", out, sizeof out, &e), -1);
	CHECK(strstr(e.msg, "not a block device") != NULL);
	fx_sh("rm -rf %s", d);
}
