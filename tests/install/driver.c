/*
 * driver.c: the install API on a host, for tests/install/install.sh (built
 * by make as build/install-driver from the host objects). It is also the reference for how the
 * onboarding engine calls install.h, step by step, with the progress type
 * each outcome maps to ("progress: TYPE [message]" lines).
 *
 *   driver onboard --disk DEV --json CONVEYED.json [--sysroot DIR] [--run DIR]
 *   driver mount --disk DEV --sysroot DIR        (mount the root read-write, print os-release)
 *   driver plan --sysroot DIR                    (print the pivot plan)
 * Exit 0 when onboarding completed, 1 when it was abandoned, 2 usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "trust/conveyed.h"
#include "install/install.h"
#include "base/log.h"
#include "install/pivot.h"

static uint8_t json[JSON_MAX_SIZE + 1];
static uint8_t arena_buf[CONVEYED_ARENA_SIZE];
static struct conveyed_info ci;
static struct install_result r;
static struct install_ssh_key keys[INSTALL_MAX_KEYS];

static void progress(const char *type, const char *msg)
{
	printf("progress: %s%s%s\n", type, msg && *msg ? " " : "", msg ? msg : "");
	fflush(stdout);
}

static int script_step(const char *stage, const struct conveyed_blob *b, struct install_opts *o)
{
	struct script_result sr;
	struct err e;
	char t[64];
	if (!b->len)
		return 0;
	snprintf(t, sizeof t, "%s-script-initiated", stage);
	progress(t, NULL);
	enum script_outcome oc = install_run_script(stage, b->data, b->len, &ci.onboarding, o, &r,
						    &sr, &e);
	snprintf(t, sizeof t, "%s-script-%s", stage, oc == SCRIPT_OK ? "complete" :
		 oc == SCRIPT_WARNING ? "warning" : "error");
	progress(t, oc == SCRIPT_OK ? NULL : e.msg);
	return oc == SCRIPT_ERROR ? -1 : 0;
}

static int onboard(struct install_opts *o)
{
	const struct conveyed_onboarding *ob = &ci.onboarding;
	struct err e;
	struct config_result cr;

	progress("boot-image-initiated", NULL);
	if (install_check_image(ob, o, &r, &e) < 0) {
		if (r.mismatch)
			progress("boot-image-mismatch", NULL);
		progress("boot-image-error", e.msg);
		return -1;
	}
	if (r.mismatch) {
		progress("boot-image-mismatch", NULL); /* before the download */
		if (install_write_image(ob, o, &r, &e) < 0) {
			progress("boot-image-error", e.msg);
			return -1;
		}
	}
	progress("boot-image-complete", r.msg);
	if (install_mount_root(o, &r, 0, &e) < 0) {
		progress("boot-image-error", e.msg);
		install_wipe_image(o, &r);
		return -1;
	}
	if (script_step("pre", &ob->pre_script, o) < 0)
		goto abandon;
	if (ob->configuration.len) {
		progress("config-initiated", NULL);
		if (install_apply_config(ob->handling, ob->configuration.data, ob->configuration.len,
					 o->sysroot, &cr, &e) < 0) {
			progress("config-error", e.msg);
			goto abandon;
		}
		progress("config-complete", NULL);
	}
	if (script_step("post", &ob->post_script, o) < 0)
		goto abandon;
	int n = install_ssh_host_keys(o->sysroot, keys, INSTALL_MAX_KEYS);
	for (int i = 0; i < n; i++)
		printf("ssh-host-key: %s %.16s...\n", keys[i].algorithm, keys[i].key_data);
	progress("bootstrap-complete", NULL);
	/* acknowledged: only now does the image get its partition table */
	if (install_commit_image(o, &r, &e) < 0) {
		fprintf(stderr, "driver: %s\n", e.msg);
		goto abandon;
	}
	if (install_save_log(o, &e) < 0)
		fprintf(stderr, "driver: %s\n", e.msg);
	install_unmount_root(o, &r);
	return 0;
abandon:
	install_unmount_root(o, &r);
	install_wipe_image(o, &r); /* nothing bootable left */
	return -1;
}

int main(int argc, char **argv)
{
	struct install_opts o;
	struct err e;
	const char *jsonf = NULL, *cmd = argc > 1 ? argv[1] : "";
	memset(&o, 0, sizeof o);
	o.sysroot = "/sysroot";
	o.disk_opts.allow_loop = 1;
	o.serial = "SZTP-DEMO-0001";
	o.retry_delay_ms = 10;
	for (int i = 2; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--disk"))
			o.disk = argv[i + 1];
		else if (!strcmp(argv[i], "--json"))
			jsonf = argv[i + 1];
		else if (!strcmp(argv[i], "--sysroot"))
			o.sysroot = argv[i + 1];
		else if (!strcmp(argv[i], "--run"))
			o.run_dir = argv[i + 1];
		else
			return 2;
	}
	if (!strcmp(cmd, "plan")) {
		struct pivot_plan p;
		struct pivot_input in;
		struct utsname u;
		uname(&u);
		memset(&in, 0, sizeof in);
		in.root = o.sysroot;
		in.kver = u.release;
		in.partuuid = "";
		in.cmdline = "console=ttyS0";
		in.mode = PIVOT_AUTO;
		pivot_plan(&in, &p);
		printf("%s: %s\n", pivot_name(p.kind), p.why);
		return 0;
	}
	if (!strcmp(cmd, "mount")) {
		if (disk_find(&o.disk_opts, o.disk, r.disk, sizeof r.disk, &e) < 0 ||
		    install_mount_root(&o, &r, 0, &e) < 0) {
			fprintf(stderr, "driver: %s\n", e.msg);
			return 1;
		}
		printf("mounted %s (%s) NAME=%s VERSION_ID=%s\n", r.root_dev, r.fstype, r.osr.name,
		       r.osr.version_id);
		return 0;
	}
	if (strcmp(cmd, "onboard") || !jsonf)
		return 2;
	FILE *f = fopen(jsonf, "rb");
	if (!f)
		return 2;
	size_t n = fread(json, 1, sizeof json, f);
	fclose(f);
	struct conveyed_arena a;
	conveyed_arena_init(&a, arena_buf, sizeof arena_buf);
	if (conveyed_parse(json, n, &ci, &a, &e) < 0 || ci.kind != CONVEYED_ONBOARDING) {
		fprintf(stderr, "driver: %s\n", e.msg);
		return 2;
	}
	return onboard(&o) == 0 ? 0 : 1;
}
