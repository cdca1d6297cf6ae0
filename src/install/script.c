/* script.c: run a pre/post-configuration script (script.h). */
#include "install/script.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"

enum script_outcome script_classify(int status)
{
	if (status == 0)
		return SCRIPT_OK;
	if (status >= SCRIPT_WARN_MIN && status <= SCRIPT_WARN_MAX)
		return SCRIPT_WARNING;
	return SCRIPT_ERROR;
}

struct out {
	char line[SCRIPT_LINE_MAX + 1];
	size_t n;
	char *tail;
	size_t tn;
	char stage[24];
};

static void flush_line(struct out *o)
{
	o->line[o->n] = 0;
	log_info(o->stage, "%s", o->line);
	o->n = 0;
}

static void take(struct out *o, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		/* the tail: last SCRIPT_TAIL-1 bytes */
		if (o->tn == SCRIPT_TAIL - 1) {
			memmove(o->tail, o->tail + 1, SCRIPT_TAIL - 2);
			o->tn--;
		}
		o->tail[o->tn++] = (p[i] == 0) ? '?' : p[i];
		o->tail[o->tn] = 0;
		if (p[i] == '\n') {
			flush_line(o);
			continue;
		}
		o->line[o->n++] = (unsigned char)p[i] < 0x20 && p[i] != '\t' ? '?' : p[i];
		if (o->n == SCRIPT_LINE_MAX)
			flush_line(o);
	}
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

enum script_outcome script_run(const uint8_t *script, size_t len, const struct script_env *env,
			       struct script_result *res, struct err *e)
{
	const char *dir = env->dir ? env->dir : "/run/sztp";
	const char *shell = env->shell ? env->shell : "/bin/sh";
	const char *what = strcmp(env->stage, "pre") == 0 ? "pre-configuration script" :
			   "post-configuration script";
	char path[512], kv[10][600];
	char *envp[12], *argv[3];
	int pfd[2], fd, st = 0, timeout = env->timeout_s > 0 ? env->timeout_s : SCRIPT_TIMEOUT_S;
	struct out o;

	memset(res, 0, sizeof *res);
	res->status = -1;
	if (len == 0) {
		err_set(e, "%s is empty", what);
		return SCRIPT_ERROR;
	}
	mkdir(dir, 0700);
	snprintf(path, sizeof path, "%s/%s-configuration-script", dir, env->stage);
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0700);
	if (fd < 0 || write(fd, script, len) != (ssize_t)len || close(fd) < 0) {
		err_set(e, "%s: writing %s: %s", what, path, strerror(errno));
		return SCRIPT_ERROR;
	}
	int direct = (len >= 2 && script[0] == '#' && script[1] == '!') ||
		     (len >= 4 && memcmp(script, "\x7f" "ELF", 4) == 0);
	argv[0] = direct ? path : (char *)shell;
	argv[1] = direct ? NULL : path;
	argv[2] = NULL;
	snprintf(kv[0], sizeof kv[0], "SZTP_STAGE=%s", env->stage);
	snprintf(kv[1], sizeof kv[1], "SZTP_ROOT=%s", env->root ? env->root : "/sysroot");
	snprintf(kv[2], sizeof kv[2], "SZTP_DISK=%s", env->disk ? env->disk : "");
	snprintf(kv[3], sizeof kv[3], "SZTP_SERIAL=%s", env->serial ? env->serial : "");
	snprintf(kv[4], sizeof kv[4], "SZTP_OS_NAME=%s", env->os_name ? env->os_name : "");
	snprintf(kv[5], sizeof kv[5], "SZTP_OS_VERSION=%s", env->os_version ? env->os_version : "");
	snprintf(kv[6], sizeof kv[6], "SZTP_IMAGE_INSTALLED=%d", env->image_installed ? 1 : 0);
	snprintf(kv[7], sizeof kv[7], "SZTP_CONFIG_HANDLING=%s", env->handling ? env->handling : "none");
	snprintf(kv[8], sizeof kv[8], "SZTP_WARNING=%d", SCRIPT_WARN_MIN);
	for (int i = 0; i < 9; i++)
		envp[i] = kv[i];
	envp[9] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
	envp[10] = "HOME=/";
	envp[11] = NULL;

	if (pipe2(pfd, O_CLOEXEC) < 0) {
		err_set(e, "%s: pipe: %s", what, strerror(errno));
		return SCRIPT_ERROR;
	}
	pid_t pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		err_set(e, "%s: fork: %s", what, strerror(errno));
		return SCRIPT_ERROR;
	}
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);
		if (nul >= 0)
			dup2(nul, 0);
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		setsid();
		if (chdir(dir) < 0)
			_exit(126);
		signal(SIGPIPE, SIG_DFL);
		execve(argv[0], argv, envp);
		_exit(127);
	}
	close(pfd[1]);
	memset(&o, 0, sizeof o);
	o.tail = res->tail;
	snprintf(o.stage, sizeof o.stage, "%s-script", env->stage);
	int64_t deadline = mono_ms() + (int64_t)timeout * 1000;
	int timed_out = 0;
	for (;;) {
		struct pollfd p = { pfd[0], POLLIN, 0 };
		int64_t left = deadline - mono_ms();
		if (left <= 0) {
			timed_out = 1;
			break;
		}
		int r = poll(&p, 1, left > 1000 ? 1000 : (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue;
		char buf[4096];
		ssize_t n = read(pfd[0], buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* every writer has closed */
		take(&o, buf, (size_t)n);
	}
	close(pfd[0]);
	if (o.n)
		flush_line(&o);
	if (timed_out) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (timed_out) {
		res->status = -2;
		err_set(e, "%s timed out after %d s", what, timeout);
		return SCRIPT_ERROR;
	}
	res->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	enum script_outcome oc = script_classify(res->status);
	if (oc == SCRIPT_OK)
		log_info(o.stage, "%s completed", what);
	else if (WIFSIGNALED(st))
		err_set(e, "%s killed by signal %d", what, WTERMSIG(st));
	else if (oc == SCRIPT_WARNING)
		err_set(e, "%s exited with status %d (warning)", what, res->status);
	else if (res->status == 127)
		err_set(e, "%s could not be run (status 127: interpreter or command not found)", what);
	else
		err_set(e, "%s exited with status %d (error)", what, res->status);
	return oc;
}
