/*
 * proc.h: run child programs (hooks, scripts, the emergency shell).
 */
#ifndef SZTP_PROC_H
#define SZTP_PROC_H

/*
 * Run argv[0] (a path) with `argv`, the current environment plus `env`
 * (NULL-terminated "KEY=VALUE" strings, may be NULL), stdin from /dev/null
 * unless `interactive`, and wait for it. Returns the exit status (0..255),
 * 128+signal when it was killed, or -1 when it could not be started.
 */
int proc_run(char *const argv[], char *const env[], int interactive);

/* Reap any exited children without blocking (PID 1 inherits orphans). */
void proc_reap(void);

#endif
