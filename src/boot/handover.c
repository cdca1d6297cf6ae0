/* handover.c: enter the provisioned OS, or power off / reboot (see handover.h). */
#include "boot/handover.h"
#include "boot/coldplug.h"
#include "sztp/contact.h"
#include "boot/finish.h"
#include "boot/hooks.h"
#include "base/log.h"
#include "tpm/measure.h"

#include <string.h>

void handover_install_opts(const struct sztp_config *cfg, struct install_opts *inst)
{
	memset(inst, 0, sizeof *inst);
	inst->disk = cfg->disk[0] ? cfg->disk : NULL;
	inst->root = cfg->root[0] ? cfg->root : NULL;
	inst->progress_console = !cfg->quiet;
	inst->load_module = coldplug_load;
}

void stage_handover(const struct sztp_config *cfg, struct net_result *net,
		    const struct install_opts *inst)
{
	struct err e = { "" };
	struct install_result *root = contact_new_root();

	hooks_run(cfg, "pre-pivot");
	if (measure_active() && measure_separator(&e) < 0) {
		if (root)
			install_unmount_root(inst, root);
		finish_emergency(cfg, e.msg);
	}
	net_release(net);
	if (root && strcmp(cfg->done, "pivot") == 0) {
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
