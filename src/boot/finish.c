/* finish.c: the end of a boot: power off, reboot, or the emergency path. */
#include "boot/finish.h"
#include "base/events.h"
#include "boot/hooks.h"
#include "boot/report.h"
#include "base/log.h"
#include "sztp/contact.h"
#include "tpm/measure.h"
#include "trust/serial.h"

#include <stdio.h>
#include <string.h>
#include <sys/reboot.h>
#include <time.h>
#include <unistd.h>

#define LOG_PATH "/run/sztp/sztpboot.log"
#define SCREEN_LINES 7
#define SCREEN_LINE  600

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

static const char *const actions[] = {
	[EMERGENCY_REBOOT] = "reboot",
	[EMERGENCY_POWEROFF] = "poweroff",
	[EMERGENCY_HALT] = "halt",
	[EMERGENCY_SHELL] = "reboot",
};

/* What the device does next, for the screen (`next`) and the event (`act`). */
static void next_action(const struct sztp_config *cfg, char *next, size_t cap, char *act,
			size_t acap)
{
	static const char *const verbs[] = {
		[EMERGENCY_REBOOT] = "rebooting", [EMERGENCY_POWEROFF] = "powering off",
		[EMERGENCY_HALT] = "halting", [EMERGENCY_SHELL] = "rebooting",
	};
	const char *a = actions[cfg->emergency], *v = verbs[cfg->emergency];
	const char *again = strcmp(a, "reboot") == 0 ? ": provisioning starts again" : "";
	int shell = cfg->rd_shell || cfg->emergency == EMERGENCY_SHELL;
	char when[48] = " now";

	if (cfg->panic_s > 0)
		snprintf(when, sizeof when, " in %d s", cfg->panic_s);
	if (shell)
		snprintf(next, cap, "a shell on the console (%s); when it exits, %s%s (panic=%d)%s",
			 cfg->emergency == EMERGENCY_SHELL ? "rd.emergency=shell" : "rd.shell", v,
			 when, cfg->panic_s, again);
	else
		snprintf(next, cap, "%s%s (rd.emergency=%s, panic=%d)%s", v, when, a, cfg->panic_s,
			 again);
	snprintf(act, acap, "%s%s%s", shell ? "shell, then " : "", a, cfg->panic_s > 0 ? when : "");
}

void finish_emergency(const struct sztp_config *cfg, const char *why)
{
	static char screen[SCREEN_LINES][SCREEN_LINE], text[SCREEN_LINES * SCREEN_LINE];
	const struct bs_state *st = contact_state();
	char next[400], act[64], dev[64], dir[160], serial[CFG_STR];
	struct timespec up;
	struct event ev;
	int n = 0, medium;
	size_t tn = 0;

	log_err("sztpboot", "%s", why);
	if (measure_active()) {
		/* the PCR now says that this boot went wrong, and why */
		struct err e = { "" };
		if (measure_emergency(why, &e) < 0)
			log_err("tpm", "%s", e.msg);
	}
	next_action(cfg, next, sizeof next, act, sizeof act);
	if (cfg->serial[0])
		snprintf(serial, sizeof serial, "%s", cfg->serial);
	else if (device_serial(cfg, serial, sizeof serial) < 0)
		serial[0] = 0;
	medium = report_find_medium(serial, dev, sizeof dev, dir, sizeof dir) == 0;

	/* the failure screen: what failed, the last error, the report, what next */
	snprintf(screen[n++], SCREEN_LINE, "%s", LOG_RULE);
	snprintf(screen[n++], SCREEN_LINE, "SZTP FAILED: %.500s", why);
	if (st && st->last[0] && strcmp(st->last, "none") != 0 && !strstr(why, st->last))
		snprintf(screen[n++], SCREEN_LINE, "last error: %.500s", st->last);
	for (int i = st ? st->n_seen - 1 : -1; i >= 0; i--)
		if (st->seen[i].reply[0]) {
			snprintf(screen[n++], SCREEN_LINE, "last reply: %.200s (%.100s): %.200s",
				 st->seen[i].server, st->seen[i].source, st->seen[i].reply);
			break;
		}
	if (medium)
		snprintf(screen[n++], SCREEN_LINE, "report: %s/ (summary.txt first); a copy on %s "
			 "(%s): %s/", REPORT_DIR, dev, REPORT_LABEL, dir);
	else
		snprintf(screen[n++], SCREEN_LINE, "report: %s/ (summary.txt first); no file system "
			 "labelled %s for a copy", REPORT_DIR, REPORT_LABEL);
	snprintf(screen[n++], SCREEN_LINE, "next: %s", next);
	snprintf(screen[n++], SCREEN_LINE, "%s", LOG_RULE);
	for (int i = 0; i < n; i++)
		tn += (size_t)snprintf(text + tn, sizeof text - tn, "%s\n", screen[i]);

	memset(&ev, 0, sizeof ev);
	clock_gettime(CLOCK_BOOTTIME, &up);
	ev.phase = EV_RESULT;
	ev.outcome = EV_FAIL;
	ev.reason = why;
	ev.action = act;
	ev.report = REPORT_DIR;
	ev.duration = (double)up.tv_sec + (double)up.tv_nsec / 1e9;
	events_emit(&ev);

	report_write(cfg, text);
	hooks_setenv("SZTP_FAILED", why);
	hooks_setenv("SZTP_REPORT", REPORT_DIR);
	hooks_setenv("SZTP_NEXT", act);
	hooks_run(cfg, "emergency");
	if (medium)
		report_copy(dev, dir);
	log_save(LOG_PATH);
	for (int i = 0; i < n; i++)
		log_always("sztpboot", "%s", screen[i]);
	if (cfg->rd_shell || cfg->emergency == EMERGENCY_SHELL) {
		log_always("sztpboot", "the failure report is in %s/: start with summary.txt "
			   "(docs/troubleshooting.md)", REPORT_DIR);
		hooks_shell("emergency");
	}
	if (cfg->panic_s > 0) {
		log_info("sztpboot", "%s in %d s (panic=%d)", actions[cfg->emergency],
			 cfg->panic_s, cfg->panic_s);
		sleep((unsigned)cfg->panic_s);
	}
	finish_system(actions[cfg->emergency]);
}
