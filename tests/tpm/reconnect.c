/*
 * reconnect.c: one TPM connection across a TPM that goes away and comes
 * back, for tests/tpm/tpm.sh (built by make as build/tpm-reconnect from the
 * host objects).
 *
 *   tpm-reconnect TCTI
 *
 * Opens TCTI (tpm_open), reads PCR 0 (SHA-256) and prints "read 1: ok";
 * then waits for a line on stdin (the test restarts the simulator behind
 * the same address meanwhile) and reads PCR 0 three more times on the same
 * struct tpm, printing "read N: ok" or "read N: failed: <error>" each.
 * The read right after the restart may fail (its connection is gone); the
 * point is the reads after it: tpm_recover() must have reopened the
 * connection so they succeed, instead of failing "in the wrong order"
 * (TSS2_BASE_RC_BAD_SEQUENCE) for the rest of the process.
 * Exit status: 0 when the last two reads succeed, 1 otherwise, 2 usage.
 */
#include <stdio.h>

#include "base/err.h"
#include "tpm/cel.h"
#include "tpm/tpm.h"

static struct tpm tpm;

static int read_once(int n)
{
	struct err e;
	uint8_t v[64];

	if (tpm_pcr_read(&tpm, 0, CEL_SHA256, v, &e) < 0) {
		printf("read %d: failed: %s\n", n, e.msg);
		return -1;
	}
	printf("read %d: ok\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	struct err e;
	char line[16];
	int ok = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: tpm-reconnect TCTI\n");
		return 2;
	}
	if (tpm_open(&tpm, argv[1], &e) < 0) {
		printf("open: failed: %s\n", e.msg);
		return 1;
	}
	if (read_once(1) < 0)
		return 1;
	fflush(stdout);
	if (!fgets(line, sizeof line, stdin))
		return 2;
	read_once(2);
	for (int i = 3; i <= 4; i++)
		if (read_once(i) < 0)
			ok = 0;
	tpm_close(&tpm);
	return ok ? 0 : 1;
}
