/* hooks.c: run the files in /etc/sztp/hooks/<point>/ in order; rd.break shells. */
#include "boot/hooks.h"
#include "base/log.h"
#include "base/proc.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_HOOKS 64

void hooks_shell(const char *why)
{
	char *argv[] = { "/bin/sh", "-l", NULL };
	log_warn("shell", "%s: starting a shell on the console; exit it to continue", why);
	proc_run(argv, NULL, 1);
	log_info("shell", "shell exited");
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int is_hook(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

int hooks_run(const struct sztp_config *cfg, const char *point)
{
	char dir[256], path[512], envhook[64];
	struct dirent **names = NULL;
	int n, failed = 0;

	if (cfg && strcmp(cfg->rd_break, point) == 0)
		hooks_shell(point);
	snprintf(dir, sizeof dir, "%s/%s", HOOKS_DIR, point);
	n = scandir(dir, &names, is_hook, by_name);
	if (n < 0)
		return 0; /* no hooks at this point */
	snprintf(envhook, sizeof envhook, "SZTP_HOOK=%s", point);
	for (int i = 0; i < n; i++) {
		struct stat st;
		char *env[] = { envhook, NULL };
		int rc;
		snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
		if (i >= MAX_HOOKS || stat(path, &st) < 0 || !S_ISREG(st.st_mode))
			goto next;
		if (st.st_mode & S_IXUSR) {
			char *argv[] = { path, NULL };
			rc = proc_run(argv, env, 0);
		} else {
			char *argv[] = { "/bin/sh", path, NULL };
			rc = proc_run(argv, env, 0);
		}
		if (rc != 0) {
			log_warn("hooks", "%s: exit status %d", path, rc);
			failed++;
		} else {
			log_debug("hooks", "%s: ok", path);
		}
	next:
		free(names[i]);
	}
	free(names);
	return failed;
}
