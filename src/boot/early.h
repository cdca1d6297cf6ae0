/*
 * early.h: the first things PID 1 does.
 */
#ifndef SZTP_EARLY_H
#define SZTP_EARLY_H

/*
 * Mount /proc, /sys, /dev (devtmpfs), /dev/pts, /run (tmpfs) and /tmp,
 * attach stdin/stdout/stderr to /dev/console, set PATH and a umask, and
 * create /run/sztp. Failures are logged; returns the number of failures.
 */
int early_setup(void);

#endif
