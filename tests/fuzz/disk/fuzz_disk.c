/*
 * fuzz_disk.c: choosing the target disk (disk/disk.h, disk_choose()) among
 * disks whose names, serial numbers and WWIDs the input gives (a disk's
 * firmware says its serial and WWID: a USB stick may claim another disk's),
 * by a hostile sztp.disk= or by the automatic rule; and partition paths.
 *
 * Input: a byte n (1..8 disks), per disk a flags byte (removable,
 * read-only, backed by a device, in use, boot/SZTP medium, size 0) and three
 * strings (name, serial, WWID: a length byte and the bytes), then the spec
 * (the rest; an empty spec is the automatic rule).
 * Checked against a reference written from disk.h: a disk chosen by spec
 * is the only one that matches it, has a size and is writable; one chosen
 * automatically is the only candidate; a refusal says why; partition paths
 * are the disk's path and the number, 'p' between two digits.
 */
#include "disk/disk.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t take(const uint8_t *data, size_t size, size_t *pos, char *out, size_t cap)
{
	size_t n = *pos < size ? data[(*pos)++] : 0;
	if (n > size - *pos)
		n = size - *pos;
	if (n >= cap)
		n = cap - 1;
	memcpy(out, data + *pos, n);
	out[n] = 0;
	*pos += n;
	return n;
}

static int matches(const struct disk_info *d, const char *spec)
{
	if (!strncmp(spec, "serial:", 7))
		return d->serial[0] && !strcmp(d->serial, spec + 7);
	if (!strncmp(spec, "wwn:", 4)) {
		size_t a = strlen(d->wwid), b = strlen(spec + 4);
		return d->wwid[0] && b && a >= b && !strcasecmp(d->wwid + a - b, spec + 4);
	}
	return !strcmp(d->name, spec);
}

static int candidate(const struct disk_info *d, int allow_loop)
{
	int loop = !strncmp(d->name, "loop", 4);
	if (loop && !allow_loop)
		return 0;
	if (!d->has_device && !(loop && allow_loop))
		return 0;
	return strncmp(d->name, "sr", 2) && strncmp(d->name, "fd", 2) && !d->removable && !d->ro &&
	       d->size && !d->in_use && !d->medium;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct disk_info d[8];
	char spec[256], part[DISK_NAME_MAX + 16];
	size_t pos = 1;
	struct err e;
	int n, rc, allow_loop;

	if (size < 1)
		return 0;
	n = 1 + data[0] % 8;
	allow_loop = data[0] >> 7;
	memset(d, 0, sizeof d);
	for (int i = 0; i < n; i++) {
		int f = pos < size ? data[pos++] : 0;
		d[i].removable = f & 1;
		d[i].ro = (f >> 1) & 1;
		d[i].has_device = (f >> 2) & 1;
		d[i].in_use = (f >> 3) & 1;
		d[i].medium = (f >> 4) & 1;
		d[i].size = (f & 0x20) ? 0 : (uint64_t)(f + 1) << 30;
		take(data, size, &pos, d[i].name, sizeof d[i].name);
		take(data, size, &pos, d[i].serial, sizeof d[i].serial);
		take(data, size, &pos, d[i].wwid, sizeof d[i].wwid);
	}
	{
		size_t k = size - pos < sizeof spec - 1 ? size - pos : sizeof spec - 1;
		memcpy(spec, data + pos, k);
		spec[k] = 0;
	}

	err_clear(&e);
	rc = disk_choose(d, n, spec, allow_loop, &e);
	if (rc < -1 || rc >= n || (rc < 0 && !e.msg[0]) || !memchr(e.msg, 0, sizeof e.msg))
		abort();
	if (spec[0]) {
		int hits = 0, first = -1;
		for (int i = 0; i < n; i++)
			if (matches(&d[i], spec) && (hits++ == 0))
				first = i;
		if (rc >= 0 && (hits != 1 || rc != first || !d[rc].size || d[rc].ro))
			abort(); /* chosen though ambiguous, unmatched, empty or read-only */
		if (rc < 0 && hits == 1 && d[first].size && !d[first].ro)
			abort(); /* refused though exactly one writable disk matched */
	} else {
		int cands = 0, last = -1;
		for (int i = 0; i < n; i++)
			if (candidate(&d[i], allow_loop)) {
				cands++;
				last = i;
			}
		if ((rc >= 0) != (cands == 1) || (rc >= 0 && rc != last))
			abort(); /* the automatic rule chose other than its one candidate */
		for (int i = 0; i < n; i++)
			if ((d[i].why_not == NULL) != candidate(&d[i], allow_loop))
				abort(); /* a reason given to a candidate, or none to a refused disk */
	}

	for (int i = 0; i < n; i++) {
		char dev[DISK_NAME_MAX + 8];
		int idx = (int)(d[i].size >> 30) % 200;
		size_t dl;
		snprintf(dev, sizeof dev, "/dev/%s", d[i].name);
		dl = strlen(dev);
		if (disk_partition_path(dev, idx, part, sizeof part) == 0) {
			int digit = isdigit((unsigned char)dev[dl - 1]);
			char want[sizeof part + 8];
			snprintf(want, sizeof want, "%s%s%d", dev, digit ? "p" : "", idx);
			if (strcmp(part, want) != 0)
				abort();
		} else if (dl + 1 + 3 < sizeof part) {
			abort(); /* refused though it fits */
		}
	}
	return 0;
}
