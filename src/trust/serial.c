/* serial.c: the device serial number (see serial.h). */
#include "trust/serial.h"
#include "base/str.h"
#include "trust/anchors.h"
#include "trust/x509.h"

#include <stdio.h>
#include <string.h>

int serial_ok(const char *s)
{
	size_t n = strlen(s);
	int nonzero = 0;
	if (n == 0 || n >= SERIAL_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.' || c == ':' || c == '+'))
			return 0;
		if (c != '0' && c != '-' && c != '.')
			nonzero = 1;
	}
	/* "0", "000000", "-", "..": what unset DMI fields hold */
	return nonzero && s[0] != '.';
}

static int take(const char *s, char *out, size_t cap)
{
	if (!serial_ok(s) || strlen(s) >= cap)
		return -1;
	str_copy(out, cap, s);
	return 0;
}

int device_serial_from(const struct sztp_config *cfg, const char *dmi_path, char *out,
		       size_t cap)
{
	char line[256];
	FILE *f;

	if (cap == 0)
		return -1;
	out[0] = '\0';
	if (cfg && cfg->serial[0] && take(cfg->serial, out, cap) == 0)
		return 0;
	f = fopen(dmi_path ? dmi_path : SERIAL_DMI_PATH, "re");
	if (!f)
		return -1;
	if (!fgets(line, sizeof line, f) ||
	    (!strchr(line, '\n') && fgetc(f) != EOF)) {
		/* nothing, or a first line longer than line[]: its start alone
		 * is not what the firmware says */
		fclose(f);
		return -1;
	}
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	{
		/* trim blanks that firmware pads with */
		char *p = line, *end;
		while (*p == ' ' || *p == '\t')
			p++;
		end = p + strlen(p);
		while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		return take(p, out, cap);
	}
}

int serial_from_cert_file(const char *path, char *out, size_t cap)
{
	static struct cert_chain chain;
	static struct x509_cert xc;
	char s[SERIAL_MAX];
	struct err e;

	if (cap == 0)
		return -1;
	out[0] = '\0';
	chain_init(&chain);
	if (chain_load(&chain, path, &e) < 0 ||
	    x509_parse(chain.cert[0].data, chain.cert[0].data_len, &xc, &e) < 0 ||
	    x509_subject_serial(&xc, s, sizeof s, &e) < 0)
		return -1;
	return take(s, out, cap);
}

int device_serial(const struct sztp_config *cfg, char *out, size_t cap)
{
	if (!(cfg && cfg->serial[0]) && serial_from_cert_file(SERIAL_CERT_PATH, out, cap) == 0)
		return 0;
	return device_serial_from(cfg, NULL, out, cap);
}
