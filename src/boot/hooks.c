/* hooks.c: run the files in /etc/sztp/hooks/<point>/ in order; rd.break shells. */
#include "boot/hooks.h"
#include "base/events.h"
#include "base/log.h"
#include "base/proc.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_HOOKS 64

#ifndef SZTP_VERSION
#define SZTP_VERSION "unknown"
#endif

/* the variables every hook gets: SZTP_HOOK first, then hooks_setenv()'s */
static char env_hook[64];
static char env_set[HOOKS_ENV_MAX][HOOKS_ENV_LEN];

void hooks_setenv(const char *key, const char *value)
{
	size_t k = strlen(key);
	char *free_slot = NULL;

	for (int i = 0; i < HOOKS_ENV_MAX; i++) {
		if (strncmp(env_set[i], key, k) == 0 && env_set[i][k] == '=') {
			env_set[i][0] = 0;
			if (!free_slot)
				free_slot = env_set[i];
		} else if (!env_set[i][0] && !free_slot) {
			free_slot = env_set[i];
		}
	}
	if (value && free_slot)
		snprintf(free_slot, HOOKS_ENV_LEN, "%s=%s", key, value);
}

/* env[] for a hook of `point` (or the shell): NULL-terminated. */
static void make_env(const char *point, char **env)
{
	int ne = 0;
	snprintf(env_hook, sizeof env_hook, "SZTP_HOOK=%s", point);
	env[ne++] = env_hook;
	env[ne++] = "SZTP_VERSION=" SZTP_VERSION;
	env[ne++] = "SZTP_RUN_DIR=/run/sztp";
	env[ne++] = "SZTP_EVENTS=" EVENTS_PATH;
	for (int i = 0; i < HOOKS_ENV_MAX; i++)
		if (env_set[i][0])
			env[ne++] = env_set[i];
	env[ne] = NULL;
}

void hooks_shell(const char *why)
{
	char *argv[] = { "/bin/sh", "-l", NULL };
	char *env[HOOKS_ENV_MAX + 5];
	make_env(why, env);
	log_warn("shell", "%s: starting a shell on the console; exit it to continue", why);
	proc_run(argv, env, 1);
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
	char dir[256], path[512];
	char *env[HOOKS_ENV_MAX + 5];
	struct dirent **names = NULL;
	int n, failed = 0;

	if (cfg && strcmp(cfg->rd_break, point) == 0)
		hooks_shell(point);
	snprintf(dir, sizeof dir, "%s/%s", HOOKS_DIR, point);
	n = scandir(dir, &names, is_hook, by_name);
	if (n < 0)
		return 0; /* no hooks at this point */
	make_env(point, env);
	for (int i = 0; i < n; i++) {
		struct stat st;
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
