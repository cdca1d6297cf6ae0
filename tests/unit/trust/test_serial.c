/* test_serial.c: the device serial from an identity certificate (serial.c). */
#include "trust/serial.h"
#include "unit.h"

#include <stdlib.h>

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
