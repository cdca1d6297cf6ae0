/* fslabel.c: file system type and label from the first bytes (see fslabel.h). */
#include "disk/fslabel.h"

#include <string.h>

static void copy_label(char out[FSLABEL_MAX], const uint8_t *p, size_t n)
{
	size_t k = 0;
	if (n > FSLABEL_MAX - 1)
		n = FSLABEL_MAX - 1;
	for (size_t i = 0; i < n && p[i]; i++)
		out[k++] = (p[i] >= 0x20 && p[i] < 0x7f) ? (char)p[i] : '?';
	while (k > 0 && out[k - 1] == ' ')
		k--;
	out[k] = '\0';
}

int fslabel_probe(const uint8_t *buf, size_t len, const char **fstype,
		  char label[FSLABEL_MAX])
{
	label[0] = '\0';
	/* iso9660 first: hybrid images also carry an MBR signature */
	if (len >= 32768 + 72 && buf[32768] == 1 && memcmp(buf + 32769, "CD001", 5) == 0) {
		*fstype = "iso9660";
		copy_label(label, buf + 32768 + 40, 32);
		return 1;
	}
	if (len >= 1024 + 136 && buf[1024 + 56] == 0x53 && buf[1024 + 57] == 0xef) {
		*fstype = "ext4";
		copy_label(label, buf + 1024 + 120, 16);
		return 1;
	}
	if (len >= 512 && buf[510] == 0x55 && buf[511] == 0xaa) {
		if (memcmp(buf + 82, "FAT32", 5) == 0) {
			*fstype = "vfat";
			if (buf[66] == 0x29) /* extended boot signature: label valid */
				copy_label(label, buf + 71, 11);
			return 1;
		}
		if (memcmp(buf + 54, "FAT1", 4) == 0) {
			*fstype = "vfat";
			if (buf[38] == 0x29)
				copy_label(label, buf + 43, 11);
			return 1;
		}
	}
	return 0;
}

int fslabel_eq(const char *a, const char *b)
{
	for (;; a++, b++) {
		char x = *a, y = *b;
		if (x >= 'a' && x <= 'z')
			x = (char)(x - 'a' + 'A');
		if (y >= 'a' && y <= 'z')
			y = (char)(y - 'a' + 'A');
		if (x != y)
			return 0;
		if (!x)
			return 1;
	}
}
