/*
 * report.h: the failure report, in the spirit of dracut's rdsosreport:
 * what an operator needs to see why provisioning failed, written by the
 * agent itself (no shell, no busybox) into REPORT_DIR, one file each:
 *
 *   summary.txt      the failure screen: what failed, the last error, what
 *                    the device does next; version, serial, identity, times
 *   sztpboot.log     the agent's log (its ring buffer, base/log.h)
 *   kernel.log       the kernel's log (klogctl)
 *   cmdline.txt      /proc/cmdline
 *   network.txt      links and addresses, IPv4 and IPv6 routes, the DHCP
 *                    lease(s) or static configuration, resolv.conf
 *   sources.txt      the bootstrap sources found, in order, and each
 *                    server's last reply or failure
 *   modules.txt      /proc/modules
 *   tpm.txt          the TPM: handles and NV indices present, the configured
 *                    ones, the provisioning PCR and its value (identity.h)
 *   disks.txt        the whole disks (size, removable, serial, why each is or
 *                    is not the automatic install target), /proc/partitions,
 *                    each disk's GPT partitions
 *   events.jsonl     the events so far (base/events.h)
 *   tpm2-measure.log the measurement event log (tpm/measure.h)
 *
 * Each file is at most REPORT_FILE_MAX bytes (a longer one is cut, its
 * start kept, with a last line saying so). Only the files named above are
 * read: never a private key (/etc/sztp/device/), never the HTTP Basic
 * credentials, never the bootstrapping data itself.
 *
 * A copy goes to a file system labelled REPORT_LABEL (vfat or ext2/3/4: a
 * USB stick, or a partition an operator set aside), when one is attached:
 * sztp-report/<serial>-<UTC time>/ on it. Nothing else is written there,
 * and no other disk is ever written (the install target least of all).
 */
#ifndef SZTP_REPORT_H
#define SZTP_REPORT_H

#include <stddef.h>

#include "base/config.h"
#include "disk/fslabel.h"
#include "net/net.h"

#define REPORT_DIR      "/run/sztp/report"
#define REPORT_LABEL    FSLABEL_REPORT
#define REPORT_MOUNT    "/run/sztp/report-medium"
#define REPORT_FILE_MAX (256 * 1024)

/* What the network stage found, for network.txt and sources.txt (kept by
 * pointer; until then the report says the stage did not run). */
void report_set_network(const struct net_result *net);

/*
 * Write the report into REPORT_DIR. `summary` is the text of the failure
 * screen. Returns the number of files written.
 */
int report_write(const struct sztp_config *cfg, const char *summary);

/*
 * Find a file system labelled REPORT_LABEL: its device ("/dev/sdb1") into
 * dev[cap], the directory the copy will go to ("sztp-report/SN-...Z") into
 * dir[dcap]. 0, or -1 when there is none.
 */
int report_find_medium(const char *serial, char *dev, size_t cap, char *dir, size_t dcap);

/*
 * Copy REPORT_DIR (its sztpboot.log refreshed first) to `dir` on the file
 * system of `dev` (report_find_medium()), mounted read-write at
 * REPORT_MOUNT meanwhile and unmounted after. 0 or -1 (logged).
 */
int report_copy(const char *dev, const char *dir);

#endif
