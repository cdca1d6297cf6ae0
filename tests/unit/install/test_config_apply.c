/* test_config_apply.c: configuration archives onto a root: refusals, merge, replace. */
#include "unit.h"
#include "install_fixtures.h"

#include <sys/stat.h>
#include <unistd.h>

#include "install/config_apply.h"
#include "install/install.h"

static struct fx_tar T;
static char buf[4096];

static const char *in(const char *root, const char *rel)
{
	static char p[512];
	snprintf(p, sizeof p, "%s/%s", root, rel);
	return p;
}

static int exists(const char *root, const char *rel)
{
	struct stat st;
	return lstat(in(root, rel), &st) == 0;
}

static const char *text(const char *root, const char *rel)
{
	long n = fx_read(in(root, rel), buf, sizeof buf - 1);
	buf[n < 0 ? 0 : n] = 0;
	return buf;
}

/* A root with a few things, and a snapshot listing to compare with. */
static const char *mkroot(void)
{
	static char r[128];
	const char *d = fx_tmpdir();
	snprintf(r, sizeof r, "%s", d);
	CHECK_EQ_INT(fx_sh("cd %s && mkdir -p etc usr/lib && echo orig > etc/hostname && "
			   "ln -s usr/lib lib", r), 0);
	return r;
}

static int same_tree(const char *root, const char *snap)
{
	return fx_sh("cd %s && find . -printf '%%p %%y %%m %%s\\n' | sort > %s.now && cmp -s %s %s.now",
		     root, snap, snap, snap);
}

static void snapshot(const char *root, const char *snap)
{
	CHECK_EQ_INT(fx_sh("cd %s && find . -printf '%%p %%y %%m %%s\\n' | sort > %s", root, snap), 0);
}

static void refused_untouched(const char *want)
{
	const char *root = mkroot();
	struct config_result cr;
	struct err e;
	char snap[160];
	snprintf(snap, sizeof snap, "%s.snap", root);
	snapshot(root, snap);
	CHECK_EQ_INT(config_apply(root, CONVEYED_HANDLING_MERGE, T.buf, T.len, &cr, &e), -1);
	if (!strstr(e.msg, want))
		unit_fail(__FILE__, __LINE__, "message \"%s\" lacks \"%s\"", e.msg, want);
	CHECK_EQ_INT(same_tree(root, snap), 0);
	fx_sh("rm -rf %s %s %s.now", root, snap, snap);
}

/* a good entry first, then the bad one: nothing at all may be applied */
static void start(void)
{
	T.len = 0;
	fx_tar_add(&T, "etc/", '5', 0755, NULL, NULL, 0);
	fx_tar_file(&T, "etc/good", "good\n");
	fx_tar_file(&T, "newdir/good", "good\n");
}

TEST(config_refusals_apply_nothing)
{
	start();
	fx_tar_file(&T, "../escape", "x");
	fx_tar_end(&T);
	refused_untouched("\"..\" component refused");
	start();
	fx_tar_add(&T, "etc/esc", '2', 0777, "../../../etc/shadow", NULL, 0);
	fx_tar_end(&T);
	refused_untouched("leads out of the root");
	start();
	fx_tar_add(&T, "dev/sda", '4', 0600, NULL, NULL, 0);
	fx_tar_end(&T);
	refused_untouched("device node refused");
	start();
	fx_tar_add(&T, "usr/bin/su", '0', 04755, NULL, "x", 1);
	fx_tar_end(&T);
	refused_untouched("set-user-ID bit refused");
	start();
	fx_tar_add(&T, "etc/hard", '1', 0644, "etc/hostname", NULL, 0);
	fx_tar_end(&T);
	refused_untouched("hard link refused");
	/* a link in the archive, then a file written through it */
	start();
	fx_tar_add(&T, "etc/via", '2', 0777, "/tmp", NULL, 0);
	fx_tar_file(&T, "etc/via/owned", "x");
	fx_tar_end(&T);
	refused_untouched("written through the symbolic link");
	start();
	fx_tar_file(&T, "etc/good", "again");
	fx_tar_end(&T);
	refused_untouched("appears twice");
	/* staging failure (a directory where a file goes): rolled back */
	start();
	fx_tar_file(&T, "usr/lib", "not a dir");
	fx_tar_end(&T);
	refused_untouched("existing directory");
}

TEST(config_merge_then_replace_uses_the_manifest)
{
	const char *root = mkroot();
	struct config_result cr;
	struct err e;
	T.len = 0;
	fx_tar_file(&T, "etc/motd", "one\n");
	fx_tar_file(&T, "etc/sztp/a.conf", "a\n");
	fx_tar_add(&T, "etc/systemd/system/multi-user.target.wants/x.service", '2', 0777,
		   "/usr/lib/systemd/system/x.service", NULL, 0);
	fx_tar_file(&T, "lib/through-existing-link", "ok\n"); /* root's lib -> usr/lib */
	fx_tar_end(&T);
	CHECK_EQ_INT(config_apply(root, CONVEYED_HANDLING_MERGE, T.buf, T.len, &cr, &e), 0);
	CHECK_EQ_INT(cr.files, 3);
	CHECK_EQ_INT(cr.links, 1);
	CHECK_EQ_STR(text(root, "etc/motd"), "one\n");
	CHECK_EQ_STR(text(root, "usr/lib/through-existing-link"), "ok\n");
	CHECK_EQ_STR(text(root, "etc/hostname"), "orig\n");
	CHECK(!exists(root, "etc/.sztp-new.motd"));
	CHECK(strstr(text(root, CONFIG_MANIFEST), "f etc/motd\n") != NULL);
	CHECK(strstr(text(root, CONFIG_MANIFEST), "d etc/sztp\n") != NULL);
	CHECK(strstr(text(root, CONFIG_MANIFEST), "d etc\n") == NULL); /* was there before */

	/* merge a second archive: both stay, the manifest has both */
	T.len = 0;
	fx_tar_file(&T, "etc/motd", "two\n");
	fx_tar_file(&T, "etc/issue", "issue\n");
	fx_tar_end(&T);
	CHECK_EQ_INT(config_apply(root, CONVEYED_HANDLING_MERGE, T.buf, T.len, &cr, &e), 0);
	CHECK_EQ_STR(text(root, "etc/motd"), "two\n");
	CHECK(exists(root, "etc/sztp/a.conf"));
	CHECK(strstr(text(root, CONFIG_MANIFEST), "f etc/sztp/a.conf\n") != NULL);
	CHECK(strstr(text(root, CONFIG_MANIFEST), "f etc/issue\n") != NULL);

	/* replace: what SZTP installed before and is not in this archive goes */
	T.len = 0;
	fx_tar_file(&T, "etc/motd", "three\n");
	fx_tar_end(&T);
	CHECK_EQ_INT(config_apply(root, CONVEYED_HANDLING_REPLACE, T.buf, T.len, &cr, &e), 0);
	CHECK_EQ_STR(text(root, "etc/motd"), "three\n");
	CHECK(!exists(root, "etc/issue"));
	CHECK(!exists(root, "etc/sztp/a.conf"));
	CHECK(!exists(root, "etc/sztp")); /* created by SZTP, now empty: removed */
	CHECK(!exists(root, "etc/systemd/system/multi-user.target.wants/x.service"));
	CHECK(!exists(root, "usr/lib/through-existing-link"));
	CHECK(exists(root, "etc/hostname")); /* never SZTP's */
	CHECK(exists(root, "etc"));
	CHECK(cr.removed >= 4);
	CHECK(strstr(text(root, CONFIG_MANIFEST), "f etc/issue") == NULL);
	CHECK(strstr(text(root, CONFIG_MANIFEST), "f etc/motd\n") != NULL);
	fx_sh("rm -rf %s", root);
}

TEST(config_modes_owners_and_handling)
{
	const char *root = mkroot();
	struct config_result cr;
	struct err e;
	struct stat st;
	T.len = 0;
	fx_tar_add(&T, "root/.ssh/", '5', 0700, NULL, NULL, 0);
	fx_tar_add(&T, "root/.ssh/authorized_keys", '0', 0600, NULL, "ssh-ed25519 AAAA\n", 17);
	fx_tar_add(&T, "usr/local/bin/tool", '0', 0755, NULL, "#!/bin/sh\n", 10);
	fx_tar_end(&T);
	CHECK_EQ_INT(config_apply(root, CONVEYED_HANDLING_NONE, T.buf, T.len, &cr, &e), -1);
	CHECK(strstr(e.msg, "merge or replace") != NULL);
	CHECK_EQ_INT(config_check(T.buf, T.len, &e), 0);
	CHECK_EQ_INT(config_apply(root, CONVEYED_HANDLING_REPLACE, T.buf, T.len, &cr, &e), 0);
	CHECK_EQ_INT(stat(in(root, "root/.ssh"), &st), 0);
	CHECK_EQ_INT(st.st_mode & 07777, 0700);
	CHECK_EQ_INT(stat(in(root, "root/.ssh/authorized_keys"), &st), 0);
	CHECK_EQ_INT(st.st_mode & 07777, 0600);
	CHECK_EQ_INT(st.st_mtime, 1700000000);
	CHECK_EQ_INT(stat(in(root, "usr/local/bin/tool"), &st), 0);
	CHECK_EQ_INT(st.st_mode & 07777, 0755);
	fx_sh("rm -rf %s", root);
}

/* The disk being configured may hold hostile files: a FIFO as the manifest
 * or as an SSH host key must not hang the agent (alarm() turns a hang into
 * a failure), and is never read. */
TEST(config_and_ssh_keys_never_block_on_fifos)
{
	static struct install_ssh_key keys[INSTALL_MAX_KEYS];
	const char *root = mkroot();
	struct config_result cr;
	struct err e;
	CHECK_EQ_INT(fx_sh("cd %s && mkdir -p var/lib/sztp etc/ssh && mkfifo var/lib/sztp/config.manifest && "
			   "mkfifo etc/ssh/ssh_host_rsa_key.pub && "
			   "echo 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA== host' > etc/ssh/ssh_host_ed25519_key.pub && "
			   "ln -s ssh_host_ed25519_key.pub etc/ssh/ssh_host_ecdsa_key.pub", root), 0);
	T.len = 0;
	fx_tar_file(&T, "etc/motd", "one\n");
	fx_tar_end(&T);
	alarm(10);
	CHECK_EQ_INT(config_apply(root, CONVEYED_HANDLING_MERGE, T.buf, T.len, &cr, &e), 0);
	CHECK_EQ_INT(install_ssh_host_keys(root, keys, INSTALL_MAX_KEYS), 1);
	alarm(0);
	CHECK_EQ_STR(keys[0].algorithm, "ssh-ed25519");
	CHECK_EQ_STR(text(root, "etc/motd"), "one\n");
	fx_sh("rm -rf %s", root);
}
