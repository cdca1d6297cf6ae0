/* proc.c: fork, exec, wait. */
#include "base/proc.h"
#include "base/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

int proc_run(char *const argv[], char *const env[], int interactive)
{
	pid_t pid = fork();
	int st;

	if (pid < 0) {
		log_err("proc", "fork for %s: %s", argv[0], strerror(errno));
		return -1;
	}
	if (pid == 0) {
		if (!interactive) {
			int fd = open("/dev/null", O_RDONLY);
			if (fd >= 0) {
				dup2(fd, 0);
				if (fd > 0)
					close(fd);
			}
		} else {
			/* a session of its own with the console as controlling
			 * terminal, so job control and ^C work in the shell */
			setsid();
			ioctl(0, TIOCSCTTY, 1);
		}
		for (int i = 0; env && env[i]; i++)
			putenv(env[i]);
		execv(argv[0], argv);
		_exit(127);
	}
	for (;;) {
		pid_t w = waitpid(pid, &st, 0);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			return -1;
	}
	if (WIFEXITED(st)) {
		if (WEXITSTATUS(st) == 127)
			log_warn("proc", "%s: could not be run (exit 127)", argv[0]);
		return WEXITSTATUS(st);
	}
	return 128 + WTERMSIG(st);
}

void proc_reap(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}
