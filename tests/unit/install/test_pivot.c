/* test_pivot.c: the kexec / switch_root / reboot decision. */
#include "unit.h"
#include "install_fixtures.h"

#include "install/pivot.h"

static struct pivot_plan P;

static void plan(const char *root, const char *esp, const char *kver, const char *partuuid,
		 const char *cmdline, enum pivot_mode mode)
{
	struct pivot_input in = { root, esp, kver, partuuid, cmdline, mode };
	pivot_plan(&in, &P);
}

TEST(pivot_switch_root_when_modules_match)
{
	const char *d = fx_tmpdir();
	CHECK_EQ_INT(fx_sh("cd %s && mkdir -p lib/modules/6.1.0-test sbin usr/lib/systemd && "
			   "touch sbin/init && chmod 755 sbin/init", d), 0);
	plan(d, NULL, "6.1.0-test", "", "console=ttyS0", PIVOT_AUTO);
	CHECK_EQ_INT(P.kind, PIVOT_SWITCH_ROOT);
	CHECK_EQ_STR(P.init, "/sbin/init");
	/* init= of the command line wins; a non-executable init does not count */
	CHECK_EQ_INT(fx_sh("cd %s && printf x > usr/lib/systemd/systemd && chmod 755 "
			   "usr/lib/systemd/systemd", d), 0);
	plan(d, NULL, "6.1.0-test", "", "quiet init=/usr/lib/systemd/systemd", PIVOT_AUTO);
	CHECK_EQ_STR(P.init, "/usr/lib/systemd/systemd");
	CHECK_EQ_INT(fx_sh("chmod 644 %s/sbin/init %s/usr/lib/systemd/systemd", d, d), 0);
	plan(d, NULL, "6.1.0-test", "", "", PIVOT_AUTO);
	CHECK_EQ_INT(P.kind, PIVOT_REBOOT); /* modules but no init, no kernel */
	fx_sh("rm -rf %s", d);
}

TEST(pivot_kexec_boot_kernel_without_entries)
{
	const char *d = fx_tmpdir();
	CHECK_EQ_INT(fx_sh("cd %s && mkdir -p lib/modules/6.9.0 boot sbin && "
			   "touch sbin/init && chmod 755 sbin/init && "
			   "touch boot/vmlinuz-6.9.0 boot/vmlinuz-6.10.0 boot/initrd.img-6.10.0", d), 0);
	plan(d, NULL, "6.1.0-running", "aaaa-bb", "quiet console=tty0 console=ttyS0,115200 x=1",
	     PIVOT_AUTO);
	CHECK_EQ_INT(P.kind, PIVOT_KEXEC);
	CHECK_EQ_STR(P.base, d);
	CHECK_EQ_STR(P.kernel, "boot/vmlinuz-6.10.0"); /* version order, not string order */
	CHECK_EQ_STR(P.initrd, "boot/initrd.img-6.10.0");
	CHECK_EQ_STR(P.cmdline, "root=PARTUUID=aaaa-bb ro console=tty0 console=ttyS0,115200");
	/* modules for the running kernel and an init: switch_root before a bare kernel */
	plan(d, NULL, "6.9.0", "aaaa-bb", "", PIVOT_AUTO);
	CHECK_EQ_INT(P.kind, PIVOT_SWITCH_ROOT);
	fx_sh("rm -rf %s", d);
}

TEST(pivot_kexec_root_boot_loader_entries)
{
	const char *d = fx_tmpdir();
	/* an entry is the OS saying how it boots: kexec even though switch_root could */
	CHECK_EQ_INT(fx_sh("cd %s && mkdir -p lib/modules/6.1.0-running sbin boot/loader/entries "
			   "boot/k && touch sbin/init boot/k/linux boot/k/initrd boot/vmlinuz2 && "
			   "chmod 755 sbin/init && "
			   "printf 'title T\\nlinux /k/linux\\ninitrd /k/initrd\\noptions root=LABEL=r\\n"
			   "options rw\\n' > boot/loader/entries/b.conf && "
			   "printf 'linux /missing\\n' > boot/loader/entries/c.conf && "
			   "printf 'linux /boot/vmlinuz2\\n' > boot/loader/entries/a.conf", d), 0);
	plan(d, NULL, "6.1.0-running", "aaaa-bb", "", PIVOT_AUTO);
	CHECK_EQ_INT(P.kind, PIVOT_KEXEC);
	/* newest file name first: c.conf (its kernel is missing: skipped), then b.conf */
	CHECK_EQ_STR(P.kernel, "boot/k/linux");
	CHECK_EQ_STR(P.initrd, "boot/k/initrd");
	CHECK_EQ_STR(P.cmdline, "root=LABEL=r rw"); /* every options line */
	CHECK(strstr(P.why, "b.conf") != NULL);
	/* a path written relative to the root rather than to /boot */
	CHECK_EQ_INT(fx_sh("rm %s/boot/loader/entries/b.conf", d), 0);
	plan(d, NULL, "6.1.0-running", "", "", PIVOT_AUTO);
	CHECK_EQ_STR(P.kernel, "boot/vmlinuz2");
	CHECK_EQ_STR(P.initrd, "");
	/* sztp.pivot=switch_root forces it */
	plan(d, NULL, "6.1.0-running", "", "", PIVOT_ONLY_SWITCH_ROOT);
	CHECK_EQ_INT(P.kind, PIVOT_SWITCH_ROOT);
	fx_sh("rm -rf %s", d);
}

TEST(pivot_kexec_from_the_esp_like_systemd_boot)
{
	const char *d = fx_tmpdir();
	char root[600], esp[600];
	snprintf(root, sizeof root, "%s/root", d);
	snprintf(esp, sizeof esp, "%s/esp", d);
	CHECK_EQ_INT(fx_sh("mkdir -p %s/sbin %s/loader/entries %s/debian/6.1.0-57 %s/sztp && "
			   "touch %s/sbin/init %s/debian/6.1.0-57/linux %s/debian/6.1.0-57/initrd "
			   "%s/sztp/vmlinuz %s/sztp/initrd.img && chmod 755 %s/sbin/init",
			   root, esp, esp, esp, root, esp, esp, esp, esp, root), 0);
	/* the OS's entry has a sort-key; the recovery entry has none: it sorts after */
	CHECK_EQ_INT(fx_sh("cd %s/loader/entries && printf 'title Debian\\nversion 6.1.0-57\\n"
			   "sort-key debian\\noptions root=PARTUUID=r ro console=ttyS0\\n"
			   "linux /debian/6.1.0-57/linux\\ninitrd /debian/6.1.0-57/initrd\\n' > "
			   "debian-6.1.0-57.conf && printf 'title SZTP recovery\\nlinux /sztp/vmlinuz\\n"
			   "initrd /sztp/initrd.img\\noptions console=ttyS0\\n' > sztp-recovery.conf",
			   esp), 0);
	plan(root, esp, "6.1.0-50", "x", "console=ttyS0", PIVOT_AUTO);
	CHECK_EQ_INT(P.kind, PIVOT_KEXEC);
	CHECK_EQ_STR(P.base, esp);
	CHECK_EQ_STR(P.kernel, "debian/6.1.0-57/linux");
	CHECK_EQ_STR(P.initrd, "debian/6.1.0-57/initrd");
	CHECK_EQ_STR(P.cmdline, "root=PARTUUID=r ro console=ttyS0");
	/* loader.conf's default wins over the menu order */
	CHECK_EQ_INT(fx_sh("printf 'timeout 0\\ndefault sztp-*\\n' > %s/loader/loader.conf", esp),
		     0);
	plan(root, esp, "6.1.0-50", "x", "", PIVOT_AUTO);
	CHECK_EQ_STR(P.kernel, "sztp/vmlinuz");
	CHECK(strstr(P.why, "loader.conf default") != NULL);
	/* a default whose files are missing: the next in menu order */
	CHECK_EQ_INT(fx_sh("rm %s/sztp/vmlinuz", esp), 0);
	plan(root, esp, "6.1.0-50", "x", "", PIVOT_AUTO);
	CHECK_EQ_STR(P.kernel, "debian/6.1.0-57/linux");
	/* an EFI program entry cannot be kexec'ed: reboot (no modules, no kernel) */
	CHECK_EQ_INT(fx_sh("cd %s/loader/entries && rm debian-6.1.0-57.conf && "
			   "printf 'efi /EFI/Linux/uki.efi\\n' > uki.conf", esp), 0);
	plan(root, esp, "6.1.0-50", "x", "", PIVOT_AUTO);
	CHECK_EQ_INT(P.kind, PIVOT_REBOOT);
	fx_sh("rm -rf %s", d);
}

TEST(pivot_forced_ways)
{
	const char *d = fx_tmpdir();
	CHECK_EQ_INT(fx_sh("cd %s && mkdir -p lib/modules/6.1.0 sbin boot && touch sbin/init "
			   "boot/vmlinuz && chmod 755 sbin/init", d), 0);
	plan(d, NULL, "6.1.0", "", "", PIVOT_ONLY_REBOOT);
	CHECK_EQ_INT(P.kind, PIVOT_REBOOT);
	CHECK(strstr(P.why, "sztp.pivot=reboot") != NULL);
	plan(d, NULL, "6.1.0", "", "", PIVOT_ONLY_KEXEC);
	CHECK_EQ_INT(P.kind, PIVOT_KEXEC);
	CHECK_EQ_STR(P.kernel, "boot/vmlinuz");
	CHECK_EQ_INT(fx_sh("rm %s/boot/vmlinuz", d), 0);
	plan(d, NULL, "6.1.0", "", "", PIVOT_ONLY_KEXEC);
	CHECK_EQ_INT(P.kind, PIVOT_REBOOT);
	CHECK(strstr(P.why, "sztp.pivot=kexec") != NULL);
	enum pivot_mode m;
	CHECK_EQ_INT(pivot_mode_parse("kexec", &m), 0);
	CHECK_EQ_INT(m, PIVOT_ONLY_KEXEC);
	CHECK_EQ_INT(pivot_mode_parse("auto", &m), 0);
	CHECK_EQ_INT(m, PIVOT_AUTO);
	CHECK_EQ_INT(pivot_mode_parse("fast", &m), -1);
	fx_sh("rm -rf %s", d);
}

TEST(pivot_reboot_otherwise)
{
	const char *d = fx_tmpdir();
	plan(d, NULL, "6.1.0", "", "", PIVOT_AUTO);
	CHECK_EQ_INT(P.kind, PIVOT_REBOOT);
	CHECK_EQ_STR(pivot_name(P.kind), "reboot");
	plan("/nonexistent-root", "/nonexistent-esp", "6.1.0", "", "", PIVOT_AUTO);
	CHECK_EQ_INT(P.kind, PIVOT_REBOOT);
	fx_sh("rm -rf %s", d);
}

/* fuzz_pivot crash-19ec9fc8...: the highest boot/vmlinuz-<v> was taken by
 * name alone, so a directory, a FIFO or a dangling link called
 * vmlinuz-<higher> hid the real kernel: the plan named something kexec
 * cannot load, and the device rebooted instead. */
TEST(pivot_kexec_skips_kernel_names_that_are_not_files)
{
	const char *d = fx_tmpdir();
	CHECK_EQ_INT(fx_sh("cd %s && mkdir -p boot/vmlinuz-6.10/x && touch boot/vmlinuz-6.1 "
			   "boot/initrd.img-6.1 && mkfifo boot/vmlinuz-6.11 && "
			   "ln -s vmlinuz-gone boot/vmlinuz-6.12 && ln -s /etc/passwd boot/vmlinuz-6.13",
			   d), 0);
	plan(d, NULL, "6.1.0-running", "aaaa-bb", "", PIVOT_AUTO);
	CHECK_EQ_INT(P.kind, PIVOT_KEXEC);
	CHECK_EQ_STR(P.kernel, "boot/vmlinuz-6.1");
	CHECK_EQ_STR(P.initrd, "boot/initrd.img-6.1");
	/* a link to a kernel inside the root is fine */
	CHECK_EQ_INT(fx_sh("cd %s && ln -s vmlinuz-6.1 boot/vmlinuz-6.20", d), 0);
	plan(d, NULL, "6.1.0-running", "aaaa-bb", "", PIVOT_AUTO);
	CHECK_EQ_STR(P.kernel, "boot/vmlinuz-6.20");
	fx_sh("rm -rf %s", d);
}
