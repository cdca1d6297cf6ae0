/* osrelease.c: os-release(5) parsing and the installed-OS match rule. */
#include "disk/osrelease.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "disk/rootpath.h"

static int key_is(const char *k, size_t klen, const char *want)
{
	return strlen(want) == klen && memcmp(k, want, klen) == 0;
}

int osrelease_parse(const char *buf, size_t len, struct osrelease *o, struct err *e)
{
	size_t i = 0;
	int line = 0;
	memset(o, 0, sizeof *o);
	if (len > OSRELEASE_FILE_MAX)
		return err_set(e, "os-release: %zu bytes (at most %d)", len, OSRELEASE_FILE_MAX);
	while (i < len) {
		size_t s = i, k, klen;
		char val[OSRELEASE_VALUE_MAX];
		size_t vlen = 0;
		line++;
		while (i < len && (buf[i] == ' ' || buf[i] == '\t'))
			i++;
		if (i >= len || buf[i] == '\n' || buf[i] == '#') {
			while (i < len && buf[i] != '\n')
				i++;
			i++;
			continue;
		}
		k = i;
		while (i < len && ((buf[i] >= 'A' && buf[i] <= 'Z') || (buf[i] >= 'a' && buf[i] <= 'z') ||
				   (buf[i] >= '0' && buf[i] <= '9') || buf[i] == '_'))
			i++;
		klen = i - k;
		if (klen == 0 || i >= len || buf[i] != '=')
			return err_set(e, "os-release line %d: expected KEY=VALUE", line);
		i++;
		char q = 0;
		if (i < len && (buf[i] == '"' || buf[i] == '\''))
			q = buf[i++];
		for (;;) {
			if (i >= len || buf[i] == '\n') {
				if (q)
					return err_set(e, "os-release line %d: unterminated quote", line);
				break;
			}
			char c = buf[i++];
			if (c == '\0')
				return err_set(e, "os-release line %d: NUL byte", line);
			if (q && c == q) {
				/* only whitespace may follow the closing quote */
				while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r'))
					i++;
				if (i < len && buf[i] != '\n')
					return err_set(e, "os-release line %d: text after the closing quote",
						       line);
				break;
			}
			if (q == '"' && c == '\\' && i < len && strchr("\"\\$`", buf[i]) && buf[i])
				c = buf[i++];
			if (vlen + 1 >= sizeof val)
				return err_set(e, "os-release line %d: value longer than %d bytes", line,
					       OSRELEASE_VALUE_MAX - 1);
			val[vlen++] = c;
		}
		if (!q)
			while (vlen > 0 && (val[vlen - 1] == ' ' || val[vlen - 1] == '\t' ||
					    val[vlen - 1] == '\r'))
				vlen--;
		val[vlen] = 0;
		(void)s;
		char *dst = key_is(buf + k, klen, "NAME") ? o->name :
			    key_is(buf + k, klen, "ID") ? o->id :
			    key_is(buf + k, klen, "VERSION_ID") ? o->version_id :
			    key_is(buf + k, klen, "VERSION") ? o->version :
			    key_is(buf + k, klen, "PRETTY_NAME") ? o->pretty_name :
			    key_is(buf + k, klen, "IMAGE_ID") ? o->image_id :
			    key_is(buf + k, klen, "IMAGE_VERSION") ? o->image_version : NULL;
		if (dst)
			memcpy(dst, val, vlen + 1);
		while (i < len && buf[i] != '\n')
			i++;
		i++;
	}
	return 0;
}

int osrelease_read_root(const char *root, struct osrelease *o, struct err *e)
{
	static const char *const paths[] = { "etc/os-release", "usr/lib/os-release" };
	static char buf[OSRELEASE_FILE_MAX + 1];
	struct err e1;
	size_t n;

	err_clear(&e1);
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		int r = rootpath_read(root, paths[i], buf, sizeof buf, &n, &e1);
		if (r < 0)
			continue;
		if (n > OSRELEASE_FILE_MAX)
			return err_set(e, "%s/%s: larger than %d bytes", root, paths[i],
				       OSRELEASE_FILE_MAX);
		if (osrelease_parse(buf, n, o, e) < 0)
			return err_wrap(e, "%s/%s", root, paths[i]);
		return 0;
	}
	return err_set(e, "%s: no readable etc/os-release or usr/lib/os-release (%s)", root, e1.msg);
}

int osrelease_matches(const struct osrelease *o, const char *os_name, const char *os_version)
{
	if (!os_name || !os_version || !*os_name || !*os_version)
		return 0;
	int name = (o->name[0] && strcmp(o->name, os_name) == 0) ||
		   (o->id[0] && strcmp(o->id, os_name) == 0);
	int ver = (o->version_id[0] && strcmp(o->version_id, os_version) == 0) ||
		  (o->version[0] && strcmp(o->version, os_version) == 0);
	/* an image names itself: IMAGE_ID and IMAGE_VERSION, as a pair */
	int image = o->image_id[0] && o->image_version[0] && strcmp(o->image_id, os_name) == 0 &&
		    strcmp(o->image_version, os_version) == 0;
	return (name && ver) || image;
}
