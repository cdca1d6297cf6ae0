/* bs_setup.c: device identity and trust anchors from files (see bs_setup.h). */
#include "sztp/bs_setup.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "base/log.h"
#include "base/sha256.h"

/* Voucher anchors from a file, or every certificate file of a directory. */
static int load_voucher_anchors(struct bs_setup *s, const char *path, struct err *e)
{
	struct stat sb;
	DIR *d;
	struct dirent *de;
	int n = 0;

	chain_init(&s->voucher_chain);
	if (stat(path, &sb) < 0)
		return err_set(e, "voucher trust anchors %s: %s", path, strerror(errno));
	if (!S_ISDIR(sb.st_mode)) {
		if (chain_load(&s->voucher_chain, path, e) < 0)
			return err_wrap(e, "voucher trust anchors %s", path);
	} else {
		d = opendir(path);
		if (!d)
			return err_set(e, "voucher trust anchors %s: %s", path, strerror(errno));
		while ((de = readdir(d)) != NULL) {
			char f[1024];
			size_t l = strlen(de->d_name);
			if (de->d_name[0] == '.' || l < 5 ||
			    (strcmp(de->d_name + l - 4, ".pem") != 0 &&
			     strcmp(de->d_name + l - 4, ".crt") != 0 &&
			     strcmp(de->d_name + l - 4, ".der") != 0 &&
			     strcmp(de->d_name + l - 4, ".cer") != 0))
				continue;
			if ((size_t)snprintf(f, sizeof f, "%s/%s", path, de->d_name) >= sizeof f)
				continue;
			if (chain_load(&s->voucher_chain, f, e) < 0) {
				closedir(d);
				return err_wrap(e, "voucher trust anchors");
			}
			n++;
		}
		closedir(d);
		if (n == 0)
			return err_set(e, "voucher trust anchors %s: no certificate files", path);
	}
	s->n_voucher = s->voucher_chain.n;
	for (size_t i = 0; i < s->n_voucher; i++) {
		s->voucher[i].der = s->voucher_chain.cert[i].data;
		s->voucher[i].len = s->voucher_chain.cert[i].data_len;
	}
	return 0;
}

/* The key must match the certificate: sign a test hash and verify it. */
static int check_key(struct bs_setup *s, struct err *e)
{
	static struct x509_pkey pk;
	uint8_t hash[32], sig[SIGNER_SIG_MAX];
	size_t sig_len = 0;

	sha256_buf("sztpboot key check", 18, hash);
	if (x509_get_pkey(s->chain.cert[0].data, s->chain.cert[0].data_len, &pk, e) < 0)
		return err_wrap(e, "device certificate");
	if (signer_sign(&s->signer, sha256_class(), hash, sizeof hash, sig, sizeof sig,
			&sig_len, e) < 0)
		return -1;
	if (x509_verify_hash(&pk.key, sha256_class(), hash, sizeof hash, sig, sig_len, e) < 0)
		return err_set(e, "device key %s does not match the device certificate",
			       s->key_what);
	return 0;
}

int bs_setup_load(struct bs_setup *s, const struct bs_paths *p, struct bs_config *cfg,
		  struct err *e)
{
	static struct x509_cert xc;
	static struct cert_chain extra;

	memset(s->serial, 0, sizeof s->serial);
	chain_init(&s->chain);
	if (!p->cert || !p->key)
		return err_set(e, "device certificate and key are required");
	if (chain_load(&s->chain, p->cert, e) < 0)
		return err_wrap(e, "device certificate %s", p->cert);
	if (p->chain) {
		chain_init(&extra);
		if (chain_load(&extra, p->chain, e) < 0)
			return err_wrap(e, "device chain %s", p->chain);
		for (size_t i = 0; i < extra.n; i++) {
			int dup = 0;
			for (size_t j = 0; j < s->chain.n; j++)
				if (extra.cert[i].data_len == s->chain.cert[j].data_len &&
				    memcmp(extra.cert[i].data, s->chain.cert[j].data,
					   extra.cert[i].data_len) == 0)
					dup = 1;
			if (!dup && chain_add_buf(&s->chain, extra.cert[i].data,
						  extra.cert[i].data_len, p->chain, e) < 0)
				return err_wrap(e, "device chain");
		}
	}
	if (keyfile_load(&s->key, p->key, e) < 0)
		return err_wrap(e, "device key %s", p->key);
	snprintf(s->key_what, sizeof s->key_what, "key file %s", p->key);
	signer_from_keyfile(&s->signer, &s->key, s->key_what);
	if (check_key(s, e) < 0) {
		bs_setup_clear(s);
		return -1;
	}
	if (p->serial && p->serial[0]) {
		if (strlen(p->serial) >= sizeof s->serial)
			return err_set(e, "serial number too long");
		snprintf(s->serial, sizeof s->serial, "%s", p->serial);
	} else if (x509_parse(s->chain.cert[0].data, s->chain.cert[0].data_len, &xc, e) < 0 ||
		   x509_subject_serial(&xc, s->serial, sizeof s->serial, e) < 0) {
		bs_setup_clear(s);
		return err_wrap(e, "device certificate %s: no serial number", p->cert);
	}
	s->tls.chain = s->chain.cert;
	s->tls.chain_len = s->chain.n;
	s->tls.signer = &s->signer;
	keyfile_recipient(&s->key, s->chain.cert[0].data, s->chain.cert[0].data_len, &s->recipient);

	if (bs_setup_trust(s, p, cfg, e) < 0)
		return -1;
	log_info("bootstrap", "device serial %s, certificate chain of %zu, %zu bootstrap and "
		 "%zu voucher trust anchor(s)", s->serial, s->chain.n, s->boot_anchors.n,
		 s->n_voucher);
	log_warn("bootstrap", "DEVICE KEY IS A FILE (%s), NOT IN A TPM: whoever can read it "
		 "can impersonate this device", p->key);
	cfg->identity_warning = "warning: the device key is a file, not held in a TPM";
	cfg->serial = s->serial;
	cfg->device_cert = s->chain.cert[0].data;
	cfg->device_cert_len = s->chain.cert[0].data_len;
	cfg->recipient = &s->recipient;
	return 0;
}

int bs_setup_trust(struct bs_setup *s, const struct bs_paths *p, struct bs_config *cfg,
		   struct err *e)
{
	anchors_init(&s->boot_anchors);
	if (p->bootstrap_anchors) {
		struct err ae;
		if (anchors_load(&s->boot_anchors, p->bootstrap_anchors, &ae) < 0) {
			log_warn("bootstrap", "no bootstrap-server trust anchors: %s", ae.msg);
			anchors_init(&s->boot_anchors);
		}
	}
	if (!p->voucher_anchors)
		return err_set(e, "voucher trust anchors are required");
	if (load_voucher_anchors(s, p->voucher_anchors, e) < 0)
		return -1;
	cfg->anchors = &s->boot_anchors;
	cfg->voucher_anchors = s->voucher;
	cfg->n_voucher_anchors = s->n_voucher;
	return 0;
}

void bs_setup_clear(struct bs_setup *s)
{
	keyfile_clear(&s->key);
}
