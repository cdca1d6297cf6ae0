/* voucher.c: RFC 8366 voucher JSON and the RFC 8572 section 5.4 checks. */
#include "trust/voucher.h"

#include <stdio.h>
#include <string.h>

#include "base/b64.h"
#include "trust/der.h"

#define W "voucher"

static int digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int rfc3339_parse(const char *s, time_t *out, struct err *e)
{
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
	const char *p;
	int64_t t;

	*out = 0;
	if (!s || strlen(s) < 20)
		goto bad;
	if (digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
	    digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't') ||
	    digits(s + 11, 2, &h) || s[13] != ':' || digits(s + 14, 2, &mi) ||
	    s[16] != ':' || digits(s + 17, 2, &sec))
		goto bad;
	p = s + 19;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			goto bad;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om))
			goto bad;
		if (oh > 23 || om > 59)
			goto bad;
		p += 6;
	} else {
		goto bad;
	}
	if (*p)
		goto bad;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 || sec > 60)
		goto bad;
	if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		goto bad;
	t = der_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
	    (int64_t)h * 3600 + mi * 60 + sec;
	t -= (int64_t)sign * (oh * 3600 + om * 60);
	if (sizeof(time_t) < 8 && (t > INT32_MAX || t < INT32_MIN))
		return err_set(e, "date-time \"%.40s\" is out of range", s);
	*out = (time_t)t;
	return 0;
bad:
	return err_set(e, "bad RFC 3339 date-time \"%.40s\"", s ? s : "");
}

static int get_date(const cJSON *v, const char *name, int mandatory, time_t *t,
                    char *str, size_t strsz, struct err *e)
{
	const char *s;
	int r = json_get_string(v, name, mandatory, &s, W, e);

	if (r <= 0)
		return r;
	if (rfc3339_parse(s, t, e) < 0)
		return err_wrap(e, W ": \"%s\"", name);
	if (str)
		snprintf(str, strsz, "%s", s);
	return 1;
}

static int get_b64(const cJSON *v, const char *name, int mandatory, uint8_t *buf,
                   size_t cap, size_t *len, struct err *e)
{
	const char *s;
	int r = json_get_string(v, name, mandatory, &s, W, e);

	*len = 0;
	if (r <= 0)
		return r;
	if (b64_decode(s, strlen(s), buf, cap, len, e) < 0)
		return err_wrap(e, W ": \"%s\"", name);
	return 1;
}

int voucher_parse(const uint8_t *json, size_t len, struct voucher *v, struct err *e)
{
	const cJSON *root, *vo;
	cJSON *tree;
	const char *a;
	int r;

	memset(v, 0, sizeof *v);
	tree = json_parse(json, len, W, e);
	if (!tree)
		return -1;
	root = tree;
	if (!cJSON_IsObject(root)) {
		err_set(e, W ": the document must be a JSON object, got %s", json_type_name(root));
		goto fail;
	}
	if (json_get_object(root, "ietf-voucher:voucher", 1, &vo, W, e) < 0)
		goto fail;
	if (get_date(vo, "created-on", 1, &v->created_on, v->created_on_str,
	             sizeof v->created_on_str, e) < 0)
		goto fail;
	r = get_date(vo, "expires-on", 0, &v->expires_on, v->expires_on_str,
	             sizeof v->expires_on_str, e);
	if (r < 0)
		goto fail;
	v->has_expires_on = r;
	r = get_date(vo, "last-renewal-date", 0, &v->last_renewal_date, NULL, 0, e);
	if (r < 0)
		goto fail;
	v->has_last_renewal = r;
	if (json_get_string(vo, "assertion", 1, &a, W, e) < 0)
		goto fail;
	snprintf(v->assertion_str, sizeof v->assertion_str, "%s", a);
	if (strcmp(a, "verified") == 0)
		v->assertion = VOUCHER_ASSERT_VERIFIED;
	else if (strcmp(a, "logged") == 0)
		v->assertion = VOUCHER_ASSERT_LOGGED;
	else if (strcmp(a, "proximity") == 0)
		v->assertion = VOUCHER_ASSERT_PROXIMITY;
	else
		v->assertion = VOUCHER_ASSERT_UNKNOWN;
	if (json_get_strcpy(vo, "serial-number", 1, 1, v->serial, sizeof v->serial, W, e) < 0)
		goto fail;
	r = get_b64(vo, "idevid-issuer", 0, v->idevid_issuer, sizeof v->idevid_issuer,
	            &v->idevid_issuer_len, e);
	if (r < 0)
		goto fail;
	v->has_idevid_issuer = r;
	if (get_b64(vo, "pinned-domain-cert", 1, v->pinned_domain_cert,
	            sizeof v->pinned_domain_cert, &v->pinned_domain_cert_len, e) < 0)
		goto fail;
	if (v->pinned_domain_cert_len == 0) {
		err_set(e, W ": \"pinned-domain-cert\" is empty");
		goto fail;
	}
	r = json_get_bool(vo, "domain-cert-revocation-checks", 0, &v->revocation_checks, W, e);
	if (r < 0)
		goto fail;
	v->has_revocation_checks = r;
	r = get_b64(vo, "nonce", 0, v->nonce, sizeof v->nonce, &v->nonce_len, e);
	if (r < 0)
		goto fail;
	v->has_nonce = r;
	if (v->has_nonce && v->nonce_len == 0) {
		err_set(e, W ": \"nonce\" is empty");
		goto fail;
	}
	json_free(tree);
	return 0;
fail:
	json_free(tree);
	memset(v, 0, sizeof *v);
	return -1;
}

int voucher_check(const struct voucher *v, const struct voucher_policy *p, struct err *e)
{
	unsigned accepted = p->assertions ? p->assertions :
		(VOUCHER_ASSERT_VERIFIED | VOUCHER_ASSERT_LOGGED | VOUCHER_ASSERT_PROXIMITY);
	const struct clock_policy *c = p->clock;
	char t[CLOCK_STR_MAX];

	if (!c)
		return err_set(e, W ": no clock policy to judge it with");
	if (!p->serial || !p->serial[0])
		return err_set(e, W ": the device serial number is not known, cannot check serial-number");
	if (strcmp(v->serial, p->serial) != 0)
		return err_set(e, W ": serial-number \"%.100s\" does not match device \"%.100s\"",
		               v->serial, p->serial);
	if (v->assertion == VOUCHER_ASSERT_UNKNOWN || !(accepted & (unsigned)v->assertion))
		return err_set(e, W ": assertion \"%s\" is not acceptable", v->assertion_str);
	if (v->has_nonce && v->has_expires_on)
		return err_set(e, W ": nonce and expires-on are both present (they are mutually exclusive)");
	if (v->has_nonce) {
		if (!p->nonce || p->nonce_len == 0)
			return err_set(e, W ": carries a nonce but no nonce was sent");
		if (v->nonce_len != p->nonce_len || memcmp(v->nonce, p->nonce, p->nonce_len) != 0)
			return err_set(e, W ": nonce does not match the nonce sent");
	} else if (c->nonce_required) {
		if (p->nonce && p->nonce_len)
			return err_set(e, W ": has no nonce, and sztp.voucher=nonce-required "
			               "(the server did not echo the nonce sent)");
		return err_set(e, W ": has no nonce, and sztp.voucher=nonce-required (this "
		               "source cannot be sent a nonce)");
	}
	/* RFC 8572 section 9.1 and clock.h: created-on only against a trusted
	 * RTC, expires-on always against the bound */
	if (clock_not_yet(c, v->created_on, CLOCK_MAX_SKEW))
		return err_set(e, W ": created-on %s is in the future (RTC %s)", v->created_on_str,
		               clock_fmt(c->rtc, t, sizeof t));
	if (v->has_expires_on && clock_expired(c, v->expires_on))
		return err_set(e, W ": expired (expires-on %s, before the bound %s (%s))",
		               v->expires_on_str, clock_fmt(c->bound, t, sizeof t),
		               clock_source_name(c->source));
	if (v->has_idevid_issuer && (p->idevid_aki_keyid || p->idevid_aki_ext)) {
		int ok = 0;
		if (p->idevid_aki_keyid && v->idevid_issuer_len == p->idevid_aki_keyid_len &&
		    memcmp(v->idevid_issuer, p->idevid_aki_keyid, v->idevid_issuer_len) == 0)
			ok = 1;
		if (p->idevid_aki_ext && v->idevid_issuer_len == p->idevid_aki_ext_len &&
		    memcmp(v->idevid_issuer, p->idevid_aki_ext, v->idevid_issuer_len) == 0)
			ok = 1;
		if (!ok)
			return err_set(e, W ": idevid-issuer does not match the device certificate's authority key identifier");
	}
	if (v->has_revocation_checks && v->revocation_checks)
		return err_set(e, W ": revocation checks required but no revocation status available");
	return 0;
}

const char *voucher_freshness(const struct voucher *v, const struct voucher_policy *p,
                              char *buf, size_t cap)
{
	const char *ignored = !v->has_nonce && p->nonce && p->nonce_len ?
		"; no nonce although one was sent" : "";

	if (v->has_nonce)
		snprintf(buf, cap, "nonce echoed");
	else if (v->has_expires_on)
		snprintf(buf, cap, "expires-on %s%s", v->expires_on_str, ignored);
	else
		snprintf(buf, cap, "long-lived (neither nonce nor expires-on)%s", ignored);
	return buf;
}
