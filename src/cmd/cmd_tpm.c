/*
 * cmd_tpm.c: `sztpboot tpm ...`, the TPM functions for operators and tests.
 *
 *   sztpboot tpm identity [--pem-out FILE]     load + check the IDevID, print it
 *   sztpboot tpm sign --in FILE --out SIG [--hash sha256|sha384|sha512]
 *   sztpboot tpm decrypt --in CMS.der [--out FILE]   EnvelopedData to the IDevID
 *   sztpboot tpm extend --type T --name N (--file F | --data S)
 *   sztpboot tpm extend --separator | --emergency WHY
 *   sztpboot tpm replay [--check]              replay the event log (--check:
 *                                              compare with the TPM's PCR)
 *   sztpboot tpm pcrread                       print the PCR
 *   sztpboot tpm quote --nonce HEX [--out F]   attestation evidence JSON
 *   sztpboot tpm floor [--advance T]           print the clock floor (tpm_floor.h);
 *                                              --advance: raise it to T (RFC 3339
 *                                              or Unix seconds; never lowered)
 *
 * Common options: --tcti T (default $SZTP_TCTI or device:/dev/tpmrm0),
 * --conf FILE (tpm.conf format; default /etc/sztp/tpm.conf if present),
 * --idevid-handle H, --cert-nv I, --chain-nv I, --iak-handle H,
 * --iak-cert-nv I, --floor-nv I, --pcr P (default SZTP_DEFAULT_PCR), --bank B (sha256),
 * --log FILE (default MEASURE_LOG_PATH).
 *
 * Exit status: 0 ok, 1 failure (one line on stderr), 2 usage.
 */
#include "cmd/commands.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tpm/cel.h"
#include "base/b64.h"
#include "trust/cms.h"
#include "base/err.h"
#include "base/log.h"
#include "tpm/measure.h"
#include "tpm/tpm.h"
#include "tpm/tpm_conf.h"
#include "tpm/tpm_floor.h"
#include "trust/clock.h"
#include "tpm/tpm_id.h"
#include "tpm/tpm_measure.h"
#include "tpm/tpm_quote.h"

#ifndef SZTP_DEFAULT_PCR
#define SZTP_DEFAULT_PCR 14
#endif

#define IO_MAX (1024u * 1024u)

static uint8_t iobuf[IO_MAX];
static uint8_t outbuf[IO_MAX];
static char jsonbuf[256 * 1024];
static struct tpm tpm;
static struct tpm_identity ident;

struct opts {
	const char *sub, *tcti, *conf, *in, *out, *pem_out, *type, *name, *file, *data,
		*emergency, *nonce, *log, *bank, *hash, *advance;
	int separator, check;
	long pcr;
	struct tpm_conf tc;
};

static int usage(void)
{
	return cmd_usage("tpm");
}

static long read_all(const char *path, uint8_t *buf, size_t cap, struct err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t n = 0;
	if (fd < 0)
		return err_set(e, "%s: %s", path, strerror(errno));
	for (;;) {
		if (n == cap) {
			close(fd);
			return err_set(e, "%s: larger than %zu bytes", path, cap);
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int er = errno;
			close(fd);
			return err_set(e, "%s: %s", path, strerror(er));
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	return (long)n;
}

static int write_all(const char *path, const void *buf, size_t len, struct err *e)
{
	int fd = path ? open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : 1;
	size_t off = 0;
	if (fd < 0)
		return err_set(e, "%s: %s", path, strerror(errno));
	while (off < len) {
		ssize_t w = write(fd, (const char *)buf + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (path)
				close(fd);
			return err_set(e, "%s: write failed", path ? path : "stdout");
		}
		off += (size_t)w;
	}
	if (path && close(fd) < 0)
		return err_set(e, "%s: %s", path, strerror(errno));
	return 0;
}

static int num_opt(const char *name, const char *v, uint32_t *out)
{
	if (tpm_conf_number(v, out) < 0) {
		fprintf(stderr, "sztpboot tpm: %s \"%s\" is not a number\n", name, v);
		return -1;
	}
	return 0;
}

static int parse(int argc, char **argv, struct opts *o, struct err *e)
{
	uint32_t v;
	struct {
		uint32_t *field;
		int set;
		uint32_t val;
	} nums[6] = { { &o->tc.idevid_handle, 0, 0 }, { &o->tc.idevid_cert_nv, 0, 0 },
		      { &o->tc.idevid_chain_nv, 0, 0 }, { &o->tc.iak_handle, 0, 0 },
		      { &o->tc.iak_cert_nv, 0, 0 }, { &o->tc.clock_floor_nv, 0, 0 } };
	static const char *const numnames[6] = { "--idevid-handle", "--cert-nv", "--chain-nv",
						 "--iak-handle", "--iak-cert-nv", "--floor-nv" };
	memset(o, 0, sizeof *o);
	o->pcr = SZTP_DEFAULT_PCR;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **sv = NULL;
		int k;
		if (a[0] != '-') {
			if (o->sub)
				return 2;
			o->sub = a;
			continue;
		}
		if (!strcmp(a, "--separator")) { o->separator = 1; continue; }
		if (!strcmp(a, "--check")) { o->check = 1; continue; }
		if (i + 1 >= argc)
			return 2;
		const char *val = argv[++i];
		for (k = 0; k < 6; k++)
			if (!strcmp(a, numnames[k]))
				break;
		if (k < 6) {
			if (num_opt(a, val, &v) < 0)
				return 2;
			nums[k].set = 1;
			nums[k].val = v;
			continue;
		}
		if (!strcmp(a, "--tcti")) sv = &o->tcti;
		else if (!strcmp(a, "--conf")) sv = &o->conf;
		else if (!strcmp(a, "--in")) sv = &o->in;
		else if (!strcmp(a, "--out")) sv = &o->out;
		else if (!strcmp(a, "--pem-out")) sv = &o->pem_out;
		else if (!strcmp(a, "--type")) sv = &o->type;
		else if (!strcmp(a, "--name")) sv = &o->name;
		else if (!strcmp(a, "--file")) sv = &o->file;
		else if (!strcmp(a, "--data")) sv = &o->data;
		else if (!strcmp(a, "--emergency")) sv = &o->emergency;
		else if (!strcmp(a, "--nonce")) sv = &o->nonce;
		else if (!strcmp(a, "--log")) sv = &o->log;
		else if (!strcmp(a, "--bank")) sv = &o->bank;
		else if (!strcmp(a, "--hash")) sv = &o->hash;
		else if (!strcmp(a, "--advance")) sv = &o->advance;
		else if (!strcmp(a, "--pcr")) {
			if (num_opt(a, val, &v) < 0 || v > 23)
				return 2;
			o->pcr = v;
			continue;
		} else {
			fprintf(stderr, "sztpboot tpm: unknown option %s\n", a);
			return 2;
		}
		*sv = val;
	}
	if (!o->sub)
		return 2;
	tpm_conf_defaults(&o->tc);
	if (o->conf || access(TPM_CONF_PATH, R_OK) == 0) {
		const char *p = o->conf ? o->conf : TPM_CONF_PATH;
		if (o->conf && access(p, R_OK) != 0)
			return err_set(e, "%s: %s", p, strerror(errno));
		if (tpm_conf_load(&o->tc, p, e) < 0)
			return -1;
	}
	for (int k = 0; k < 6; k++)
		if (nums[k].set)
			*nums[k].field = nums[k].val;
	if (o->tcti)
		snprintf(o->tc.tcti, sizeof o->tc.tcti, "%s", o->tcti);
	else if (getenv("SZTP_TCTI") && *getenv("SZTP_TCTI"))
		snprintf(o->tc.tcti, sizeof o->tc.tcti, "%s", getenv("SZTP_TCTI"));
	return 0;
}

static int bank_of(const struct opts *o)
{
	return cel_alg_from_name(o->bank ? o->bank : "sha256");
}

static int do_identity(struct opts *o, struct err *e)
{
	if (tpm_identity_load(&ident, &tpm, &o->tc, e) < 0)
		return -1;
	printf("key: %s %s\n", ident.pub.type == BR_KEYTYPE_EC ? "ECC" : "RSA", ident.what);
	printf("decrypt: %s\n", ident.can_decrypt ? "yes" : "no");
	printf("serial: %s\n", ident.serial);
	printf("certificates: %zu\n", ident.chain.n);
	if (o->pem_out) {
		char pem[8192];
		size_t off = 0;
		for (size_t i = 0; i < ident.chain.n; i++) {
			char b[4096];
			long l = b64_encode(ident.chain.cert[i].data, ident.chain.cert[i].data_len, b, sizeof b);
			if (l < 0)
				return err_set(e, "certificate too large");
			off += (size_t)snprintf(pem + off, sizeof pem - off, "-----BEGIN CERTIFICATE-----\n");
			for (long j = 0; j < l && off < sizeof pem; j += 64)
				off += (size_t)snprintf(pem + off, sizeof pem - off, "%.*s\n",
							(int)(l - j < 64 ? l - j : 64), b + j);
			if (off < sizeof pem)
				off += (size_t)snprintf(pem + off, sizeof pem - off, "-----END CERTIFICATE-----\n");
			if (off >= sizeof pem)
				return err_set(e, "chain too large");
		}
		if (write_all(o->pem_out, pem, off, e) < 0)
			return -1;
	}
	return 0;
}

static int do_sign(struct opts *o, struct err *e)
{
	const char *hn = o->hash ? o->hash : "sha256";
	int alg = cel_alg_from_name(hn);
	uint8_t hash[64], sig[SIGNER_SIG_MAX];
	size_t sig_len;
	br_hash_compat_context hc;
	if (!o->in || !o->out || alg < 0 || alg == CEL_SHA1)
		return 2;
	long n = read_all(o->in, iobuf, sizeof iobuf, e);
	if (n < 0)
		return -1;
	if (tpm_identity_load(&ident, &tpm, &o->tc, e) < 0)
		return -1;
	const br_hash_class *h = cel_alg_hash(alg);
	h->init(&hc.vtable);
	h->update(&hc.vtable, iobuf, (size_t)n);
	h->out(&hc.vtable, hash);
	if (signer_sign(&ident.signer, h, hash, cel_alg_size(alg), sig, sizeof sig, &sig_len, e) < 0)
		return -1;
	return write_all(o->out, sig, sig_len, e);
}

static int do_decrypt(struct opts *o, struct err *e)
{
	size_t out_len;
	enum cms_type inner;
	if (!o->in)
		return 2;
	long n = read_all(o->in, iobuf, sizeof iobuf, e);
	if (n < 0)
		return -1;
	if (tpm_identity_load(&ident, &tpm, &o->tc, e) < 0)
		return -1;
	if (cms_decrypt(iobuf, (size_t)n, &ident.recipient, outbuf, sizeof outbuf, &out_len, &inner,
			e) < 0)
		return -1;
	return write_all(o->out, outbuf, out_len, e);
}

static int do_extend(struct opts *o, struct err *e)
{
	if (tpm_measure_init(&tpm, &o->tc, (uint32_t)o->pcr, o->log, e) < 0)
		return -1;
	if (o->separator)
		return measure_separator(e);
	if (o->emergency)
		return measure_emergency(o->emergency, e);
	if (!o->type || (!o->file && !o->data))
		return 2;
	if (o->file) {
		if (!o->name)
			return measure_file(o->type, o->file, e);
		long n = read_all(o->file, iobuf, sizeof iobuf, e);
		if (n < 0)
			return -1;
		return measure_data(o->type, o->name, iobuf, (size_t)n, e);
	}
	return measure_data(o->type, o->name ? o->name : "", (const uint8_t *)o->data,
			    strlen(o->data), e);
}

static void print_hex(const char *label, const uint8_t *d, size_t n)
{
	printf("%s", label);
	for (size_t i = 0; i < n; i++)
		printf("%02x", d[i]);
	printf("\n");
}

static int do_replay(struct opts *o, struct err *e)
{
	int alg = bank_of(o);
	uint8_t want[64], have[64];
	size_t n_ev;
	if (alg < 0)
		return 2;
	const char *path = o->log ? o->log : MEASURE_LOG_PATH;
	long n = read_all(path, iobuf, CEL_LOG_MAX, e);
	if (n < 0)
		return -1;
	if (cel_replay(iobuf, (size_t)n, (uint32_t)o->pcr, alg, NULL, want, &n_ev, e) < 0)
		return -1;
	printf("events: %zu\n", n_ev);
	print_hex("replay: ", want, cel_alg_size(alg));
	if (!o->check)
		return 0;
	if (tpm_open(&tpm, o->tc.tcti, e) < 0)
		return -1;
	if (tpm_pcr_read(&tpm, (uint32_t)o->pcr, alg, have, e) < 0)
		return -1;
	print_hex("tpm:    ", have, cel_alg_size(alg));
	if (memcmp(want, have, cel_alg_size(alg)) != 0)
		return err_set(e, "PCR %ld (%s) does not match the event log replay", o->pcr,
			       cel_alg_name(alg));
	printf("match\n");
	return 0;
}

static int do_pcrread(struct opts *o, struct err *e)
{
	int alg = bank_of(o);
	uint8_t v[64];
	if (alg < 0)
		return 2;
	if (tpm_pcr_read(&tpm, (uint32_t)o->pcr, alg, v, e) < 0)
		return -1;
	print_hex("", v, cel_alg_size(alg));
	return 0;
}

static int do_quote(struct opts *o, struct err *e)
{
	uint8_t nonce[TPM_QUOTE_NONCE_MAX];
	size_t nl = 0, hl;
	if (!o->nonce)
		return 2;
	hl = strlen(o->nonce);
	if (hl == 0 || hl % 2 || hl / 2 > sizeof nonce)
		return err_set(e, "--nonce must be 1..%u bytes of hex", TPM_QUOTE_NONCE_MAX);
	for (size_t i = 0; i < hl; i += 2) {
		char b[3] = { o->nonce[i], o->nonce[i + 1], 0 };
		char *end;
		nonce[nl++] = (uint8_t)strtoul(b, &end, 16);
		if (*end)
			return err_set(e, "--nonce is not hex");
	}
	if (tpm_quote_json(&tpm, &o->tc, (uint32_t)o->pcr, o->log ? o->log : MEASURE_LOG_PATH,
			   nonce, nl, jsonbuf, sizeof jsonbuf, e) < 0)
		return -1;
	size_t l = strlen(jsonbuf);
	jsonbuf[l++] = '\n';
	return write_all(o->out, jsonbuf, l, e);
}

/* The clock floor: print it, or raise it (never lower it). */
static int do_floor(struct opts *o, struct err *e)
{
	char a[CLOCK_STR_MAX], b[CLOCK_STR_MAX];
	time_t to = 0, now = 0;
	int r;

	if (o->tc.clock_floor_nv == 0)
		return err_set(e, "no clock floor configured (clock-floor-nv=0)");
	if (o->advance) {
		if (clock_parse_time(o->advance, &to, e) < 0)
			return err_wrap(e, "--advance");
		r = tpm_floor_advance(&tpm, o->tc.clock_floor_nv, to, &now, e);
		if (r < 0)
			return -1;
		if (r > 0)
			printf("floor: %s (%lld), advanced\n", clock_fmt(now, a, sizeof a),
			       (long long)now);
		else
			printf("floor: %s (%lld), kept (not moved back to %s)\n",
			       clock_fmt(now, a, sizeof a), (long long)now, clock_fmt(to, b, sizeof b));
		return 0;
	}
	r = tpm_floor_read(&tpm, o->tc.clock_floor_nv, &now, e);
	if (r < 0)
		return -1;
	if (r == 0)
		printf("floor: none (NV index 0x%08x not written)\n", (unsigned)o->tc.clock_floor_nv);
	else
		printf("floor: %s (%lld)\n", clock_fmt(now, a, sizeof a), (long long)now);
	return 0;
}

int cmd_tpm(int argc, char **argv)
{
	struct opts o;
	struct err e;
	int rc;
	err_clear(&e);
	rc = parse(argc, argv, &o, &e);
	if (rc == 2)
		return usage();
	if (rc < 0)
		goto fail;
	if (strcmp(o.sub, "replay") == 0) {
		rc = do_replay(&o, &e);
	} else {
		static const char *const subs[] = { "identity", "sign", "decrypt", "extend",
						    "pcrread", "quote", "floor" };
		size_t k = 0;
		while (k < sizeof subs / sizeof subs[0] && strcmp(o.sub, subs[k]) != 0)
			k++;
		if (k == sizeof subs / sizeof subs[0])
			return usage();
		if (tpm_open(&tpm, o.tc.tcti, &e) < 0)
			goto fail;
		if (!strcmp(o.sub, "identity"))
			rc = do_identity(&o, &e);
		else if (!strcmp(o.sub, "sign"))
			rc = do_sign(&o, &e);
		else if (!strcmp(o.sub, "decrypt"))
			rc = do_decrypt(&o, &e);
		else if (!strcmp(o.sub, "extend"))
			rc = do_extend(&o, &e);
		else if (!strcmp(o.sub, "pcrread"))
			rc = do_pcrread(&o, &e);
		else if (!strcmp(o.sub, "floor"))
			rc = do_floor(&o, &e);
		else
			rc = do_quote(&o, &e);
		tpm_close(&tpm);
	}
	if (rc == 2)
		return usage();
	if (rc < 0)
		goto fail;
	return 0;
fail:
	fprintf(stderr, "sztpboot tpm: %s\n", e.msg);
	return 1;
}
