/* tpm_conf.c: where the device identity lives in the TPM (see tpm_conf.h). */
#include "tpm/tpm_conf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void tpm_conf_defaults(struct tpm_conf *c)
{
	memset(c, 0, sizeof *c);
	snprintf(c->tcti, sizeof c->tcti, "%s", TPM_DEFAULT_TCTI);
	c->idevid_handle = TPM_DEFAULT_IDEVID_HANDLE;
	c->idevid_cert_nv = TPM_DEFAULT_CERT_NV;
	c->idevid_chain_nv = TPM_DEFAULT_CHAIN_NV;
	c->iak_handle = TPM_DEFAULT_IAK_HANDLE;
	c->iak_cert_nv = TPM_DEFAULT_IAK_CERT_NV;
	c->clock_floor_nv = TPM_DEFAULT_FLOOR_NV;
	c->lockout_wait = TPM_DEFAULT_LOCKOUT_WAIT;
	snprintf(c->key_file, sizeof c->key_file, "%s", TPM_DEFAULT_KEY_FILE);
	snprintf(c->cert_file, sizeof c->cert_file, "%s", TPM_DEFAULT_CERT_FILE);
}

int tpm_conf_number(const char *s, uint32_t *v)
{
	char *end;
	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	unsigned long long x = strtoull(s, &end, 0);
	if (errno || *end || x > 0xFFFFFFFFull)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

enum kind { K_STR, K_HANDLE, K_HANDLE0, K_NV, K_NV0, K_SECONDS };

static const struct {
	const char *key;
	enum kind kind;
	size_t off;
} keys[] = {
	{ "tcti", K_STR, offsetof(struct tpm_conf, tcti) },
	{ "idevid-handle", K_HANDLE, offsetof(struct tpm_conf, idevid_handle) },
	{ "idevid-cert-nv", K_NV, offsetof(struct tpm_conf, idevid_cert_nv) },
	{ "idevid-chain-nv", K_NV0, offsetof(struct tpm_conf, idevid_chain_nv) },
	{ "iak-handle", K_HANDLE0, offsetof(struct tpm_conf, iak_handle) },
	{ "iak-cert-nv", K_NV0, offsetof(struct tpm_conf, iak_cert_nv) },
	{ "clock-floor-nv", K_NV0, offsetof(struct tpm_conf, clock_floor_nv) },
	{ "lockout-wait", K_SECONDS, offsetof(struct tpm_conf, lockout_wait) },
	{ "key-file", K_STR, offsetof(struct tpm_conf, key_file) },
	{ "cert-file", K_STR, offsetof(struct tpm_conf, cert_file) },
};

static int set(struct tpm_conf *c, unsigned line, const char *k, size_t klen,
	       const char *v, size_t vlen, struct err *e)
{
	char val[TPM_CONF_STR];
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		if (strlen(keys[i].key) != klen || memcmp(keys[i].key, k, klen) != 0)
			continue;
		if (vlen >= sizeof val)
			return err_set(e, "tpm.conf: line %u: %s value longer than %zu bytes",
				       line, keys[i].key, sizeof val - 1);
		memcpy(val, v, vlen);
		val[vlen] = '\0';
		char *field = (char *)c + keys[i].off;
		if (keys[i].kind == K_STR) {
			if (vlen == 0)
				return err_set(e, "tpm.conf: line %u: %s is empty", line, keys[i].key);
			memcpy(field, val, vlen + 1);
			return 0;
		}
		uint32_t n;
		if (tpm_conf_number(val, &n) < 0)
			return err_set(e, "tpm.conf: line %u: %s \"%s\" is not a number", line,
				       keys[i].key, val);
		int zero_ok = keys[i].kind == K_HANDLE0 || keys[i].kind == K_NV0;
		if (keys[i].kind == K_SECONDS) {
			if (n > TPM_LOCKOUT_WAIT_MAX)
				return err_set(e, "tpm.conf: line %u: %s %u is more than %u seconds",
					       line, keys[i].key, (unsigned)n, TPM_LOCKOUT_WAIT_MAX);
		} else if (!(n == 0 && zero_ok)) {
			if ((keys[i].kind == K_HANDLE || keys[i].kind == K_HANDLE0) && (n >> 24) != 0x81)
				return err_set(e, "tpm.conf: line %u: %s 0x%08x is not a persistent "
					       "handle (0x81000000-0x81ffffff)", line, keys[i].key, (unsigned)n);
			if ((keys[i].kind == K_NV || keys[i].kind == K_NV0) && (n >> 24) != 0x01)
				return err_set(e, "tpm.conf: line %u: %s 0x%08x is not an NV index "
					       "(0x01000000-0x01ffffff)", line, keys[i].key, (unsigned)n);
		}
		memcpy(field, &n, sizeof n);
		return 0;
	}
	return err_set(e, "tpm.conf: line %u: unknown key \"%.*s\"", line, (int)(klen > 64 ? 64 : klen), k);
}

static int is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

int tpm_conf_parse(struct tpm_conf *c, const char *buf, size_t len, struct err *e)
{
	size_t i = 0;
	unsigned line = 0;
	if (len > TPM_CONF_MAX)
		return err_set(e, "tpm.conf: larger than %u bytes", TPM_CONF_MAX);
	while (i < len) {
		size_t s = i, end;
		line++;
		while (i < len && buf[i] != '\n')
			i++;
		end = i;
		if (i < len)
			i++;
		for (size_t j = s; j < end; j++)
			if (buf[j] == '\0' || ((unsigned char)buf[j] < 0x20 && buf[j] != '\t' && buf[j] != '\r'))
				return err_set(e, "tpm.conf: line %u: control character", line);
		while (s < end && is_space(buf[s]))
			s++;
		while (end > s && is_space(buf[end - 1]))
			end--;
		if (s == end || buf[s] == '#')
			continue;
		const char *eq = memchr(buf + s, '=', end - s);
		if (!eq)
			return err_set(e, "tpm.conf: line %u: expected key=value", line);
		size_t klen = (size_t)(eq - (buf + s)), vs = (size_t)(eq - buf) + 1;
		while (klen > 0 && is_space(buf[s + klen - 1]))
			klen--;
		while (vs < end && is_space(buf[vs]))
			vs++;
		if (set(c, line, buf + s, klen, buf + vs, end - vs, e) < 0)
			return -1;
	}
	return 0;
}

int tpm_conf_load(struct tpm_conf *c, const char *path, struct err *e)
{
	char buf[TPM_CONF_MAX + 1];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		return err_set(e, "tpm.conf: %s: %s", path, strerror(errno));
	}
	size_t n = 0;
	for (;;) {
		ssize_t r = read(fd, buf + n, sizeof buf - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int er = errno;
			close(fd);
			return err_set(e, "tpm.conf: %s: %s", path, strerror(er));
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n == sizeof buf)
			break;
	}
	close(fd);
	if (n > TPM_CONF_MAX)
		return err_set(e, "tpm.conf: %s: larger than %u bytes", path, TPM_CONF_MAX);
	if (tpm_conf_parse(c, buf, n, e) < 0)
		return err_wrap(e, "%s", path);
	return 0;
}
