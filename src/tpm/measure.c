/* measure.c: measured provisioning (see measure.h). */
#include "tpm/measure.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"

static struct {
	int active;
	struct measure_backend b;
	uint32_t pcr;
	uint64_t recnum;
	char path[256];
} st;

uint32_t measure_pcr(void) { return st.pcr; }
const char *measure_log_path(void) { return st.path[0] ? st.path : MEASURE_LOG_PATH; }
int measure_active(void) { return st.active; }

/* mkdir -p of the parent directory of path. */
static void mkparent(const char *path)
{
	char dir[256];
	snprintf(dir, sizeof dir, "%s", path);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(dir, 0755);
		*p = '/';
	}
}

/* Number of records (RS bytes) already in the log. */
static int count_records(const char *path, uint64_t *n, struct err *e)
{
	unsigned char buf[4096];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	*n = 0;
	if (fd < 0)
		return errno == ENOENT ? 0 : err_set(e, "measure: %s: %s", path, strerror(errno));
	for (;;) {
		ssize_t r = read(fd, buf, sizeof buf);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			int er = errno;
			close(fd);
			return r < 0 ? err_set(e, "measure: %s: %s", path, strerror(er)) : 0;
		}
		for (ssize_t i = 0; i < r; i++)
			*n += buf[i] == 0x1e;
	}
}

int measure_init(uint32_t pcr, const char *log_path, const struct measure_backend *b,
	struct err *e)
{
	memset(&st, 0, sizeof st);
	if (!log_path)
		log_path = MEASURE_LOG_PATH;
	if (strlen(log_path) >= sizeof st.path)
		return err_set(e, "measure: log path too long");
	snprintf(st.path, sizeof st.path, "%s", log_path);
	if (pcr < 8 || pcr > 23)
		return err_set(e, "measure: PCR %u is not one of 8..23 (0..7 belong to the firmware)",
			       (unsigned)pcr);
	st.pcr = pcr;
	if (!b || !b->extend)
		return 0;
	if (!(b->banks & CEL_ALL_BANKS))
		return err_set(e, "measure: %s has no SHA-1/256/384/512 bank allocated for PCR %u",
			       b->what ? b->what : "TPM", (unsigned)pcr);
	mkparent(st.path);
	if (count_records(st.path, &st.recnum, e) < 0)
		return -1;
	st.b = *b;
	st.active = 1;
	return 0;
}

static int append(const char *rec, size_t len, struct err *e)
{
	int fd = open(st.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return err_set(e, "measure: %s: %s", st.path, strerror(errno));
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fd, rec + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int er = w < 0 ? errno : EIO;
			close(fd);
			return err_set(e, "measure: writing %s: %s", st.path, strerror(er));
		}
		off += (size_t)w;
	}
	if (close(fd) < 0)
		return err_set(e, "measure: closing %s: %s", st.path, strerror(errno));
	return 0;
}

/* ev has its digests and size: fill in the rest, extend, log. */
static int commit(struct cel_event *ev, const char *type, const char *name, struct err *e)
{
	char rec[CEL_RECORD_MAX];
	size_t len;
	if (!cel_type_ok(type))
		return err_set(e, "measure: unknown event type \"%s\"", type);
	ev->recnum = st.recnum;
	ev->pcr = st.pcr;
	snprintf(ev->type, sizeof ev->type, "%s", type);
	snprintf(ev->name, sizeof ev->name, "%s", name ? name : "");
	if (cel_format(ev, rec, sizeof rec, &len, e) < 0)
		return err_wrap(e, "measure");
	if (st.b.extend(st.b.ctx, ev, e) < 0)
		return err_wrap(e, "measure: extending PCR %u with %s \"%s\"", (unsigned)st.pcr,
				type, ev->name);
	st.recnum++;
	if (append(rec, len, e) < 0)
		return -1;
	log_info("measure", "PCR %u += %s \"%s\" (%llu bytes)", (unsigned)st.pcr, type, ev->name,
		 (unsigned long long)ev->size);
	return 0;
}

int measure_data(const char *type, const char *name, const uint8_t *data, size_t len,
	struct err *e)
{
	struct cel_event ev;
	if (!st.active)
		return 0;
	memset(&ev, 0, sizeof ev);
	cel_hash(&ev, st.b.banks, data, len);
	ev.size = len;
	return commit(&ev, type, name, e);
}

void measure_stream_init(struct measure_stream *s)
{
	for (int a = 0; a < CEL_NALGS; a++)
		cel_alg_hash(a)->init(&s->h[a].vtable);
	s->size = 0;
}

void measure_stream_update(struct measure_stream *s, const void *data, size_t len)
{
	for (int a = 0; a < CEL_NALGS; a++)
		s->h[a].vtable->update(&s->h[a].vtable, data, len);
	s->size += len;
}

int measure_stream_finish(struct measure_stream *s, const char *type, const char *name,
	struct err *e)
{
	struct cel_event ev;
	if (!st.active)
		return 0;
	memset(&ev, 0, sizeof ev);
	ev.banks = st.b.banks & CEL_ALL_BANKS;
	for (int a = 0; a < CEL_NALGS; a++)
		s->h[a].vtable->out(&s->h[a].vtable, ev.digest[a]);
	ev.size = s->size;
	return commit(&ev, type, name, e);
}

int measure_file(const char *type, const char *path, struct err *e)
{
	struct measure_stream s;
	unsigned char buf[8192];
	if (!st.active)
		return 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(e, "measure: %s: %s", path, strerror(errno));
	measure_stream_init(&s);
	for (;;) {
		ssize_t r = read(fd, buf, sizeof buf);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int er = errno;
			close(fd);
			return err_set(e, "measure: reading %s: %s", path, strerror(er));
		}
		if (r == 0)
			break;
		measure_stream_update(&s, buf, (size_t)r);
	}
	close(fd);
	return measure_stream_finish(&s, type, path, e);
}

int measure_separator(struct err *e)
{
	static const uint8_t zero[4];
	return measure_data("separator", "sztp: end of provisioning", zero, sizeof zero, e);
}

int measure_emergency(const char *why, struct err *e)
{
	char name[CEL_NAME_MAX];
	snprintf(name, sizeof name, "emergency shell: %s", why ? why : "");
	return measure_data("emergency", name, (const uint8_t *)MEASURE_EMERGENCY_DATA,
			    sizeof MEASURE_EMERGENCY_DATA - 1, e);
}

int measure_quote_json(const uint8_t *nonce, size_t nonce_len, char *out, size_t cap,
	struct err *e)
{
	if (!st.active)
		return err_set(e, "measure: no TPM: no attestation evidence");
	if (!st.b.quote)
		return err_set(e, "measure: %s cannot quote", st.b.what ? st.b.what : "backend");
	return st.b.quote(st.b.ctx, nonce, nonce_len, out, cap, e);
}
