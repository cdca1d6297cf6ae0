/* early.c: mount the kernel file systems and open the console. */
#include "boot/early.h"
#include "base/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

static int mount_one(const char *src, const char *dst, const char *type,
		     unsigned long flags, const char *data)
{
	mkdir(dst, 0755);
	if (mount(src, dst, type, flags, data) < 0 && errno != EBUSY) {
		log_err("early", "mount %s on %s: %s", type, dst, strerror(errno));
		return 1;
	}
	return 0;
}

static void open_console(void)
{
	int fd = open("/dev/console", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return;
	for (int i = 0; i < 3; i++)
		dup2(fd, i); /* dup2 clears O_CLOEXEC on the copies */
	if (fd > 2)
		close(fd);
}

int early_setup(void)
{
	int bad = 0;
	const unsigned long nodev = MS_NOSUID | MS_NODEV | MS_NOEXEC;

	umask(022);
	bad += mount_one("proc", "/proc", "proc", nodev, NULL);
	bad += mount_one("sysfs", "/sys", "sysfs", nodev, NULL);
	bad += mount_one("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755");
	open_console();
	bad += mount_one("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
			 "gid=5,mode=620,ptmxmode=000");
	bad += mount_one("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755");
	bad += mount_one("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
	mkdir("/run/sztp", 0700);
	setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1);
	setenv("HOME", "/", 1);
	setenv("TERM", "linux", 0);
	return bad;
}
