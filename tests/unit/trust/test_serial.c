/* test_serial.c: the device serial from an identity certificate (serial.c). */
#include "trust/serial.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The fixture leaf (tests/verify/gen-crypto-fixtures.sh) is issued to
 * serialNumber=SZTP-FIX-0001; the CA above it has none. */
TEST(serial_from_identity_certificate)
{
	char path[1024], out[SERIAL_MAX];
	const char *dir = getenv("SZTP_FIXTURES");
	if (!dir || !*dir)
		unit_fail(__FILE__, __LINE__, "SZTP_FIXTURES is not set");
	snprintf(path, sizeof path, "%s/chain-ec.pem", dir);
	CHECK_EQ_INT(serial_from_cert_file(path, out, sizeof out), 0);
	CHECK_EQ_STR(out, "SZTP-FIX-0001");
	/* no room, no file, no certificate */
	CHECK(serial_from_cert_file(path, out, 5) < 0);
	CHECK(serial_from_cert_file("/nonexistent/chain.pem", out, sizeof out) < 0);
	CHECK_EQ_STR(out, "");
	snprintf(path, sizeof path, "%s/content.json", dir);
	CHECK(serial_from_cert_file(path, out, sizeof out) < 0);
}

/* Write `content` to a temporary file at `path` (a mkstemp template). */
static void dmi_file(char *path, const char *content, size_t n)
{
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	CHECK(write(fd, content, n) == (ssize_t)n);
	close(fd);
}

/* A DMI serial whose first line is longer than the agent reads at once is
 * refused, not cut: "60 letters, 200 blanks, B" is no serial, and its first
 * 255 bytes trimmed (60 letters) must not pass for one. Seen reading
 * serial.c for fuzz_serial, whose DMI check fails on it
 * (tests/fuzz/trust/corpus/serial/dmi-long-line). */
TEST(serial_dmi_long_line_is_refused)
{
	static char content[300];
	char out[SERIAL_MAX], p1[] = "/tmp/sztp-serial-XXXXXX", p2[] = "/tmp/sztp-serial-XXXXXX";
	memset(content, 'A', 60);
	memset(content + 60, ' ', 200);
	memcpy(content + 260, "B\n", 2);
	dmi_file(p1, content, 262);
	CHECK(device_serial_from(NULL, p1, out, sizeof out) < 0);
	CHECK_EQ_STR(out, "");
	/* the same 60 letters on a line of their own (no newline at the end
	 * of the file) are a serial */
	dmi_file(p2, content, 60);
	CHECK_EQ_INT(device_serial_from(NULL, p2, out, sizeof out), 0);
	CHECK_EQ_INT((int)strlen(out), 60);
	unlink(p1);
	unlink(p2);
}
