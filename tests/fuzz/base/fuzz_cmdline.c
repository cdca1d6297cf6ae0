/* fuzz_cmdline.c: the kernel command-line parser on arbitrary bytes. */
#include "base/config.h"
#include "base/log.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sztp_config cfg;
	char line[CMDLINE_MAX];
	if (size >= sizeof line)
		size = sizeof line - 1;
	memcpy(line, data, size);
	line[size] = '\0';
	log_set_level(LOG_ERR);
	config_defaults(&cfg);
	config_parse_cmdline(&cfg, line);
	return 0;
}
