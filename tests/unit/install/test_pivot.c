/* test_pivot.c: the switch_root / kexec / reboot decision. */
#include "unit.h"
#include "install_fixtures.h"

#include "install/pivot.h"

static struct pivot_plan P;

TEST(pivot_switch_root_when_modules_match)
{
	const char *d = fx_tmpdir();
	CHECK_EQ_INT(fx_sh("cd %s && mkdir -p lib/modules/6.1.0-test sbin usr/lib/systemd && "
			   "touch sbin/init && chmod 755 sbin/init", d), 0);
	pivot_plan(d, "6.1.0-test", "", "console=ttyS0", &P);
	CHECK_EQ_INT(P.kind, PIVOT_SWITCH_ROOT);
	CHECK_EQ_STR(P.init, "/sbin/init");
	/* init= of the command line wins; a non-executable init does not count */
	CHECK_EQ_INT(fx_sh("cd %s && printf x > usr/lib/systemd/systemd && chmod 755 "
			   "usr/lib/systemd/systemd", d), 0);
	pivot_plan(d, "6.1.0-test", "", "quiet init=/usr/lib/systemd/systemd", &P);
	CHECK_EQ_STR(P.init, "/usr/lib/systemd/systemd");
	CHECK_EQ_INT(fx_sh("chmod 644 %s/sbin/init %s/usr/lib/systemd/systemd", d, d), 0);
	pivot_plan(d, "6.1.0-test", "", "", &P);
	CHECK_EQ_INT(P.kind, PIVOT_REBOOT); /* modules but no init, no kernel */
	fx_sh("rm -rf %s", d);
}

TEST(pivot_kexec_bls_then_boot_kernel)
{
	const char *d = fx_tmpdir();
	CHECK_EQ_INT(fx_sh("cd %s && mkdir -p lib/modules/6.9.0 boot/loader/entries sbin && "
			   "touch sbin/init && chmod 755 sbin/init && "
			   "touch boot/vmlinuz-6.9.0 boot/vmlinuz-6.10.0 boot/initrd.img-6.10.0", d), 0);
	pivot_plan(d, "6.1.0-running", "aaaa-bb", "quiet console=tty0 console=ttyS0,115200 x=1", &P);
	CHECK_EQ_INT(P.kind, PIVOT_KEXEC);
	CHECK_EQ_STR(P.kernel, "boot/vmlinuz-6.10.0"); /* version order, not string order */
	CHECK_EQ_STR(P.initrd, "boot/initrd.img-6.10.0");
	CHECK_EQ_STR(P.cmdline, "root=PARTUUID=aaaa-bb ro console=tty0 console=ttyS0,115200");
	CHECK_EQ_INT(fx_sh("cd %s && mkdir -p boot/k && touch boot/k/linux boot/k/initrd && "
			   "printf 'title T\\nlinux /k/linux\\ninitrd /k/initrd\\noptions root=LABEL=r "
			   "rw\\n' > boot/loader/entries/b.conf && printf 'linux /missing\\n' > "
			   "boot/loader/entries/c.conf", d), 0);
	pivot_plan(d, "6.1.0-running", "aaaa-bb", "", &P);
	CHECK_EQ_INT(P.kind, PIVOT_KEXEC);
	CHECK_EQ_STR(P.kernel, "boot/k/linux");
	CHECK_EQ_STR(P.initrd, "boot/k/initrd");
	CHECK_EQ_STR(P.cmdline, "root=LABEL=r rw");
	CHECK(strstr(P.why, "b.conf") != NULL);
	fx_sh("rm -rf %s", d);
}

TEST(pivot_reboot_otherwise)
{
	const char *d = fx_tmpdir();
	pivot_plan(d, "6.1.0", "", "", &P);
	CHECK_EQ_INT(P.kind, PIVOT_REBOOT);
	CHECK_EQ_STR(pivot_name(P.kind), "reboot");
	pivot_plan("/nonexistent-root", "6.1.0", "", "", &P);
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
	pivot_plan(d, "6.1.0-running", "aaaa-bb", "", &P);
	CHECK_EQ_INT(P.kind, PIVOT_KEXEC);
	CHECK_EQ_STR(P.kernel, "boot/vmlinuz-6.1");
	CHECK_EQ_STR(P.initrd, "boot/initrd.img-6.1");
	/* a link to a kernel inside the root is fine */
	CHECK_EQ_INT(fx_sh("cd %s && ln -s vmlinuz-6.1 boot/vmlinuz-6.20", d), 0);
	pivot_plan(d, "6.1.0-running", "aaaa-bb", "", &P);
	CHECK_EQ_STR(P.kernel, "boot/vmlinuz-6.20");
	fx_sh("rm -rf %s", d);
}
