/*
 * sha256_rate.c: the agent's SHA-256 rate, for tests/bench/bench.sh.
 *
 *   sha256-rate [--portable] MIB
 *
 * Hashes MIB MiB in memory through sha256_class() (src/base/sha256.c, the
 * same object the agent links), in 16 KiB updates of one buffer (the
 * 16384-byte column of `openssl speed -evp sha256`), and prints
 *
 *   impl=sha-ni (nettle) bytes=N cpu_s=S wall_s=W cpu_mb_s=R wall_mb_s=R2 digest=HEX
 *
 * cpu_mb_s divides by the process's CPU time, as `openssl speed` does by
 * default, so the two compare on a loaded machine. --portable forces
 * BearSSL's portable code (sha256_force_portable).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/sha256.h"

static double secs(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static uint8_t buf[16384];
	int portable = argc > 1 && strcmp(argv[1], "--portable") == 0;
	const char *n = argv[1 + portable];
	char *end;
	long mib;

	if (argc != 2 + portable || (mib = strtol(n, &end, 10)) < 1 || *end || mib > 65536) {
		fprintf(stderr, "usage: sha256-rate [--portable] MIB\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof buf; i++)
		buf[i] = (uint8_t)(i * 131 + 7);
	sha256_force_portable(portable);
	const br_hash_class *h = sha256_class();
	br_hash_compat_context c;
	uint8_t d[32];
	long rounds = mib * (1048576 / (long)sizeof buf);
	double c0 = secs(CLOCK_PROCESS_CPUTIME_ID), w0 = secs(CLOCK_MONOTONIC);
	h->init(&c.vtable);
	for (long i = 0; i < rounds; i++)
		h->update(&c.vtable, buf, sizeof buf);
	h->out(&c.vtable, d);
	double cpu = secs(CLOCK_PROCESS_CPUTIME_ID) - c0, wall = secs(CLOCK_MONOTONIC) - w0;
	double bytes = (double)rounds * (double)sizeof buf;
	printf("impl=%s bytes=%.0f cpu_s=%.3f wall_s=%.3f cpu_mb_s=%.1f wall_mb_s=%.1f digest=",
	       sha256_impl_name(), bytes, cpu, wall, bytes / cpu / 1e6, bytes / wall / 1e6);
	for (int i = 0; i < 32; i++)
		printf("%02x", d[i]);
	printf("\n");
	return 0;
}
