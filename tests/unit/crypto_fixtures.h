/*
 * crypto_fixtures.h: file access for the CMS / X.509 unit tests.
 *
 * SZTP_FIXTURES  directory written by tests/verify/gen-crypto-fixtures.sh
 *                (the test runner runs it first). A test that needs a fixture
 *                FAILS when the variable is unset or the file is missing.
 * SZTP_VECTORS   the interop vectors (default ../shared/vectors, i.e. the
 *                shared/ directory beside the repository, relative to the
 *                repository top where build/unit-tests is run).
 *
 * Files are read into caller buffers; nothing is allocated, so a failing
 * CHECK (which longjmps out of the test) leaks nothing.
 */
#ifndef SZTP_CRYPTO_FIXTURES_H
#define SZTP_CRYPTO_FIXTURES_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "unit.h"

static inline size_t fx_read_path(const char *path, uint8_t *buf, size_t cap)
{
	FILE *f = fopen(path, "rb");
	size_t n;
	if (!f)
		unit_fail(__FILE__, __LINE__, "cannot open fixture %s", path);
	n = fread(buf, 1, cap, f);
	if (n == cap && fgetc(f) != EOF) {
		fclose(f);
		unit_fail(__FILE__, __LINE__, "fixture %s is larger than %zu bytes", path, cap);
	}
	fclose(f);
	return n;
}

/* Read $SZTP_FIXTURES/name. */
static inline size_t fx_read(const char *name, uint8_t *buf, size_t cap)
{
	char path[1024];
	const char *dir = getenv("SZTP_FIXTURES");
	if (!dir || !*dir)
		unit_fail(__FILE__, __LINE__, "SZTP_FIXTURES is not set (run "
			"tests/verify/gen-crypto-fixtures.sh DIR and export SZTP_FIXTURES=DIR)");
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return fx_read_path(path, buf, cap);
}

/* Read $SZTP_VECTORS/rel (default ../shared/vectors/rel). */
static inline size_t fx_read_vector(const char *rel, uint8_t *buf, size_t cap)
{
	char path[1024];
	const char *dir = getenv("SZTP_VECTORS");
	if (!dir || !*dir)
		dir = "../shared/vectors";
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	return fx_read_path(path, buf, cap);
}

#endif
