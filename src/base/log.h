/*
 * log.h: the agent's log.
 *
 * Every line goes to the console (stderr, which is /dev/console when the agent
 * runs as PID 1) with a timestamp in seconds since boot and the name of the
 * stage that wrote it, and into an in-memory ring that later stages save to
 * /run/sztp/sztpboot.log and into the provisioned root.
 *
 *   [    3.141] dhcp4: lease 192.0.2.100/24 on eth0 ...
 *
 * The stage name is the first argument so that a grep for "dhcp4:" finds every
 * line of that stage. Messages are single lines; callers never end them with a
 * newline.
 */
#ifndef SZTP_LOG_H
#define SZTP_LOG_H

#include <stdarg.h>

/* LOG_ALWAYS: on the console at every level (quiet, sztp.loglevel=warn),
 * without a level tag: the banner, the summary and the failure screen. */
enum log_level { LOG_ALWAYS = -1, LOG_ERR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

/* Set the most verbose level printed on the console (default LOG_INFO). The
 * ring always keeps LOG_DEBUG and above. */
void log_set_level(enum log_level max);

/* Write one line. `stage` is a short lower-case word ("dhcp4", "coldplug"). */
void log_msg(enum log_level lvl, const char *stage, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void log_vmsg(enum log_level lvl, const char *stage, const char *fmt, va_list ap);

/* The rule that frames the banner, the summary and the failure screen. */
#define LOG_RULE "================================================================"

#define log_always(stage, ...) log_msg(LOG_ALWAYS, stage, __VA_ARGS__)
#define log_err(stage, ...)   log_msg(LOG_ERR, stage, __VA_ARGS__)
#define log_warn(stage, ...)  log_msg(LOG_WARN, stage, __VA_ARGS__)
#define log_info(stage, ...)  log_msg(LOG_INFO, stage, __VA_ARGS__)
#define log_debug(stage, ...) log_msg(LOG_DEBUG, stage, __VA_ARGS__)

/* Write the ring (oldest first) to `path`; returns 0 or -errno. */
int log_save(const char *path);

#endif
