/* finish.c: the end of a boot: power off, reboot, or the emergency path. */
#include "boot/finish.h"
#include "boot/hooks.h"
#include "base/log.h"
#include "tpm/measure.h"

#include <string.h>
#include <sys/reboot.h>
#include <unistd.h>

#define LOG_PATH "/run/sztp/sztpboot.log"

void finish_system(const char *how)
{
	int cmd = RB_HALT_SYSTEM;
	const char *verb = "halting";
	if (strcmp(how, "poweroff") == 0) {
		cmd = RB_POWER_OFF;
		verb = "powering off";
	} else if (strcmp(how, "reboot") == 0) {
		cmd = RB_AUTOBOOT;
		verb = "rebooting";
	}
	log_info("sztpboot", "%s", verb);
	log_save(LOG_PATH);
	sync();
	reboot(cmd);
	/* reboot(2) only returns on failure; PID 1 must never exit */
	for (;;)
		pause();
}

void finish_emergency(const struct sztp_config *cfg, const char *why)
{
	static const char *actions[] = {
		[EMERGENCY_REBOOT] = "reboot",
		[EMERGENCY_POWEROFF] = "poweroff",
		[EMERGENCY_HALT] = "halt",
		[EMERGENCY_SHELL] = "reboot",
	};
	log_err("sztpboot", "%s", why);
	if (measure_active()) {
		/* the PCR now says that this boot went wrong, and why */
		struct err e = { "" };
		if (measure_emergency(why, &e) < 0)
			log_err("tpm", "%s", e.msg);
	}
	hooks_run(cfg, "emergency");
	log_save(LOG_PATH);
	if (cfg->rd_shell || cfg->emergency == EMERGENCY_SHELL)
		hooks_shell("emergency");
	if (cfg->panic_s > 0) {
		log_info("sztpboot", "%s in %d s (panic=%d)", actions[cfg->emergency],
			 cfg->panic_s, cfg->panic_s);
		sleep((unsigned)cfg->panic_s);
	}
	finish_system(actions[cfg->emergency]);
}
