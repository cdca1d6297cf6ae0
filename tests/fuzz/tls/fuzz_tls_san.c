/* fuzz_tls_san.c: the subjectAltName iPAddress walk over arbitrary DER. */
#include <stdint.h>
#include <stdlib.h>

#include "tls/tls_x509.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t ip4[4] = { 127, 0, 0, 1 };
	static const uint8_t ip6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	int a = tls_cert_has_ip(data, size, ip4, 4);
	int b = tls_cert_has_ip(data, size, ip6, 16);
	if (a < -1 || a > 1 || b < -1 || b > 1)
		abort();
	return 0;
}
