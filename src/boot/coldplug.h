/*
 * coldplug.h: load the kernel modules for the devices present, as udev's
 * coldplug does, with libkmod.
 */
#ifndef SZTP_COLDPLUG_H
#define SZTP_COLDPLUG_H

#include "base/err.h"

/*
 * Walk /sys/devices for "modalias" files and load every matching module
 * (blacklist applied, dependencies resolved by libkmod); then listen for
 * uevents of the devices those drivers create and load their modules too,
 * until no new device has appeared for `settle_ms` or `max_ms` has passed.
 * Logs "coldplug: loaded N modules: a b c" naming the modules that were not
 * loaded before. Returns the number of modules loaded, or -1 with `e` set when
 * libkmod cannot be set up at all.
 */
int coldplug_run(int settle_ms, int max_ms, struct err *e);

/* Load one module by name or alias (used for file systems later). 0 or -1. */
int coldplug_load(const char *name, struct err *e);

#endif
