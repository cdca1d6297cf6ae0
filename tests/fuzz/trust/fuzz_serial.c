/*
 * fuzz_serial.c: the device serial (trust/serial.h) from hostile sources:
 * the DMI product serial the firmware wrote, the certificate file's
 * subject serialNumber, sztp.serial= from the command line. The serial
 * becomes a DNS label and a directory name on a medium.
 *
 * Input: a byte choosing the source (and the caller's buffer size), then
 * the contents of that source. Checked: a serial returned is usable
 * (serial_ok), NUL-terminated within the buffer, and, from DMI, exactly
 * the first line of the file without its padding blanks; a refusal leaves
 * "" behind.
 */
#include "base/config.h"
#include "trust/serial.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char file[64];

static void cleanup(void)
{
	if (file[0])
		unlink(file);
}

static void put_file(const uint8_t *p, size_t n)
{
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || (n && write(fd, p, n) != (ssize_t)n))
		abort();
	close(fd);
}

/* What the first line of p[n] says, blanks trimmed, as the reference:
 * NULL when the line is not a whole usable serial. */
static const char *dmi_reference(const uint8_t *p, size_t n, char *ref, size_t cap)
{
	size_t len = 0, a = 0;
	while (len < n && p[len] != '\n' && p[len] != '\r' && p[len] != 0)
		len++;
	while (a < len && (p[a] == ' ' || p[a] == '\t'))
		a++;
	while (len > a && (p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--;
	if (len - a >= cap)
		return NULL;
	memcpy(ref, p + a, len - a);
	ref[len - a] = 0;
	return serial_ok(ref) ? ref : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sztp_config cfg;
	char out[SERIAL_MAX + 16], ref[SERIAL_MAX + 16];
	size_t cap;
	int rc;

	if (!file[0]) {
		snprintf(file, sizeof file, "/dev/shm/fuzz-serial.%d", (int)getpid());
		atexit(cleanup);
	}
	if (size < 1)
		return 0;
	cap = 1 + (data[0] >> 2) % sizeof out; /* 1 .. sizeof out */
	data++;
	size--;
	memset(out, 'x', sizeof out);
	memset(&cfg, 0, sizeof cfg);
	switch (data[-1] & 3) {
	case 0: /* DMI product_serial */
	case 1:
		put_file(data, size);
		rc = device_serial_from(NULL, file, out, cap);
		if (rc == 0) {
			const char *r = dmi_reference(data, size, ref, sizeof ref);
			if (!r || strcmp(r, out) != 0)
				abort(); /* not exactly what the firmware wrote */
		}
		break;
	case 2: /* sztp.serial= (no DMI file: the first source decides) */
		if (size >= sizeof cfg.serial)
			return 0;
		memcpy(cfg.serial, data, size);
		rc = device_serial_from(&cfg, "/nonexistent/dmi", out, cap);
		if (rc == 0 && strcmp(out, cfg.serial) != 0)
			abort();
		break;
	default: /* the certificate file (PEM or DER) */
		put_file(data, size);
		rc = serial_from_cert_file(file, out, cap);
		break;
	}
	if (rc != 0 && rc != -1)
		abort();
	if (!memchr(out, 0, cap))
		abort(); /* not terminated within the caller's buffer */
	if (rc == 0 ? !serial_ok(out) || strlen(out) >= cap : out[0] != 0)
		abort();
	return 0;
}
