/* handover.c: enter the provisioned OS, or power off / reboot (see handover.h). */
#include "boot/handover.h"
#include "boot/coldplug.h"
#include "sztp/contact.h"
#include "base/events.h"
#include "boot/finish.h"
#include "boot/hooks.h"
#include "base/log.h"
#include "tpm/measure.h"

#include <stdio.h>
#include <string.h>

void handover_install_opts(const struct sztp_config *cfg, struct install_opts *inst)
{
	memset(inst, 0, sizeof *inst);
	inst->disk = cfg->disk[0] ? cfg->disk : NULL;
	inst->root = cfg->root[0] ? cfg->root : NULL;
	inst->progress_console = !cfg->quiet;
	inst->load_module = coldplug_load;
	if (pivot_mode_parse(cfg->pivot, &inst->pivot_mode) < 0)
		inst->pivot_mode = PIVOT_AUTO;
}

void stage_handover(const struct sztp_config *cfg, struct net_result *net,
		    const struct install_opts *inst)
{
	struct err e = { "" };
	struct install_result *root = contact_new_root();
	int pivot = root && strcmp(cfg->done, "pivot") == 0;
	char next[200];

	events_phase(EV_HANDOVER, "%s", pivot ? "entering the provisioned OS" :
		     "provisioning done; not entering a new OS");
	if (root) {
		hooks_setenv("SZTP_ROOT", inst->sysroot ? inst->sysroot : INSTALL_SYSROOT);
		hooks_setenv("SZTP_ROOT_DEV", root->root_dev);
		hooks_setenv("SZTP_DISK", root->disk);
	}
	hooks_run(cfg, "pre-pivot");
	if (measure_active() && measure_separator(&e) < 0) {
		if (root)
			install_unmount_root(inst, root);
		finish_emergency(cfg, e.msg);
	}
	net_release(net);
	if (pivot)
		snprintf(next, sizeof next, "entering the provisioned OS on %s (switch_root, else "
			 "kexec, else reboot)", root->root_dev);
	else
		snprintf(next, sizeof next, "%s (sztp.done=%s)", cfg->done[0] == 'r' ? "rebooting" :
			 "powering off", cfg->done);
	contact_summary(next);
	/* the log and the events, now complete, into the new root once more */
	if (root && install_save_log(inst, &e) < 0)
		log_warn("pivot", "%s", e.msg);
	if (pivot) {
		log_info("pivot", "entering the provisioned OS on %s", root->root_dev);
		if (install_pivot(inst, root, &e) < 0)
			log_err("pivot", "%s: rebooting into the installed disk instead", e.msg);
		install_unmount_root(inst, root);
		finish_system("reboot");
	}
	if (root) {
		log_info("pivot", "sztp.done=%s: not entering the provisioned OS", cfg->done);
		install_unmount_root(inst, root);
	}
	finish_system(cfg->done[0] == 'r' ? "reboot" : "poweroff");
}

void stage_disabled(const struct sztp_config *cfg, const struct install_opts *inst)
{
	static struct install_result r;
	struct err e = { "" };
	char why[sizeof e.msg + 96];

	log_info("sztpboot", "sztp=0: SZTP is disabled (RFC 8572 section 5.1): no bootstrap "
		 "source is contacted; entering the installed OS");
	memset(&r, 0, sizeof r);
	if (disk_find(&inst->disk_opts, inst->disk, r.disk, sizeof r.disk, &e) < 0 ||
	    install_mount_root(inst, &r, 0, &e) < 0) {
		snprintf(why, sizeof why, "sztp=0 and no installed OS to enter: %s", e.msg);
		finish_emergency(cfg, why);
	}
	hooks_run(cfg, "pre-pivot");
	if (install_pivot(inst, &r, &e) < 0) {
		install_unmount_root(inst, &r);
		snprintf(why, sizeof why, "sztp=0: entering the installed OS failed: %s", e.msg);
		finish_emergency(cfg, why);
	}
	install_unmount_root(inst, &r);
	finish_system("reboot");
}
