/* fuzz_tpm_conf.c: /etc/sztp/tpm.conf. */
#include "tpm/tpm_conf.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tpm_conf c;
	struct err e;
	tpm_conf_defaults(&c);
	if (tpm_conf_parse(&c, (const char *)data, size, &e) == 0) {
		if (memchr(c.tcti, '\0', sizeof c.tcti) == NULL ||
		    memchr(c.key_file, '\0', sizeof c.key_file) == NULL)
			__builtin_trap();
		if ((c.idevid_handle >> 24) != 0x81 || (c.idevid_cert_nv >> 24) != 0x01)
			__builtin_trap();
	}
	return 0;
}
