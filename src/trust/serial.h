/*
 * serial.h: the device serial number used to name device-specific discovery
 * data (DNS "<serial>._sztp.<domain>", removable media "/sztp/<serial>/").
 *
 * Lookup order (device_serial): sztp.serial= (cfg->serial, which the boot
 * sequence fills from the TPM-held IDevID certificate when it has one and
 * the command line did not set it), then the serialNumber attribute of the
 * lab identity's certificate (SERIAL_CERT_PATH), then the DMI product serial
 * (/sys/class/dmi/id/product_serial).
 *
 * A serial is usable only when it is 1..SERIAL_MAX-1 bytes of letters, digits
 * and "-_.:+" (it becomes a DNS label and a directory name): placeholders
 * such as "To Be Filled By O.E.M." or "0" are refused.
 */
#ifndef SZTP_SERIAL_H
#define SZTP_SERIAL_H

#include <stddef.h>

#include "base/config.h"

#define SERIAL_MAX 64
#define SERIAL_DMI_PATH "/sys/class/dmi/id/product_serial"
#define SERIAL_CERT_PATH "/etc/sztp/device/chain.pem"

/*
 * Put the device serial into out[cap] (NUL-terminated). `dmi_path` NULL means
 * SERIAL_DMI_PATH. Returns 0, or -1 when no usable serial is known (out is
 * then "").
 */
int device_serial_from(const struct sztp_config *cfg, const char *dmi_path, char *out,
		       size_t cap);

/* device_serial_from(cfg, NULL, out, cap). */
int device_serial(const struct sztp_config *cfg, char *out, size_t cap);

/* The subject serialNumber (2.5.4.5) of the first certificate in the PEM or
 * DER file `path`, if usable. Returns 0, or -1 (out is then ""). */
int serial_from_cert_file(const char *path, char *out, size_t cap);

/* 1 when `s` is a usable serial (see above), else 0. */
int serial_ok(const char *s);

#endif
