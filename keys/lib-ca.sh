# keys/lib-ca.sh: certificate authorities made with the openssl command line
# (`openssl ca`), sourced by keys/mkpki.sh and tests/verify/gen-crypto-fixtures.sh.
#
#   ca_setup DIR
#       Work area DIR (made; remove it with ca_done) for the signing database
#       and the openssl configuration, which has the CA profile v3_ca:
#       basicConstraints critical CA:TRUE, keyUsage critical keyCertSign +
#       cRLSign, subject and authority key identifiers.
#   ca_profile NAME KEYUSAGE [LINE...]
#       Adds the end-entity profile NAME: basicConstraints critical CA:FALSE,
#       keyUsage critical KEYUSAGE (e.g. "digitalSignature, keyAgreement"),
#       the openssl x509v3 config LINEs (e.g. "extendedKeyUsage = clientAuth"),
#       subject and authority key identifiers.
#   ca_root NAME KIND SUBJECT DAYS [PROFILE]
#       A CA: new key NAME.key, self-signed certificate NAME.pem with PROFILE
#       (default v3_ca; another profile makes a self-signed end entity).
#   ca_inter NAME ISSUER KIND SUBJECT DAYS
#       An intermediate CA: key NAME.key, certificate NAME.pem (v3_ca) issued
#       by ISSUER.pem with ISSUER.key.
#   ca_leaf NAME ISSUER KIND SUBJECT DAYS PROFILE
#       An end entity: key NAME.key, certificate NAME.pem with PROFILE, issued
#       by ISSUER.pem with ISSUER.key.
#   ca_done
#       Removes the work area.
#
# KIND is the new key: ec:CURVE (SEC1 "EC PRIVATE KEY", an openssl curve name
# such as prime256v1 or secp384r1), pkcs8-ec:CURVE (PKCS#8 "PRIVATE KEY",
# e.g. P-384) or rsa:BITS (PKCS#1 "RSA PRIVATE KEY"). SUBJECT is in openssl
# -subj syntax and is kept as given (order, serialNumber). Certificates get a
# random serial number and a SHA-256 signature, and are valid from CA_START
# (GeneralizedTime, e.g. 20250101000000Z; unset: now) until DAYS days from now
# (openssl ca counts -days from the present, whatever the start), or until
# CA_END (GeneralizedTime) when that is set: certificates that have expired
# or are not yet valid, for the clock-policy tests.
# When openssl fails, its messages are printed and the script exits 1.

# ca_run ARGS...: openssl ARGS, quiet unless it fails
ca_run() {
	openssl "$@" </dev/null >"$CA_DIR/openssl.log" 2>&1 && return 0
	echo "lib-ca: openssl $* failed:" >&2
	cat "$CA_DIR/openssl.log" >&2
	exit 1
}

ca_setup() {
	mkdir -p "$1/db"
	CA_DIR=$(cd "$1" && pwd)
	CA_CNF=$CA_DIR/openssl.cnf
	cat >"$CA_CNF" <<EOF
[ ca ]
default_ca = lib_ca

[ lib_ca ]
database        = $CA_DIR/db/index.txt
new_certs_dir   = $CA_DIR/db
serial          = $CA_DIR/db/serial
default_md      = sha256
policy          = policy_any
unique_subject  = no
copy_extensions = none
email_in_dn     = no

[ policy_any ]
commonName = optional

[ req ]
distinguished_name = req_dn
prompt = no
[ req_dn ]
CN = unused

[ v3_ca ]
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
EOF
}

ca_profile() {
	{
		printf '\n[ %s ]\n' "$1"
		printf 'basicConstraints       = critical, CA:FALSE\n'
		printf 'keyUsage               = critical, %s\n' "$2"
		shift 2
		for ca_line in "$@"; do printf '%s\n' "$ca_line"; done
		printf 'subjectKeyIdentifier   = hash\n'
		printf 'authorityKeyIdentifier = keyid:always\n'
	} >>"$CA_CNF"
}

# ca_key FILE KIND: a new private key
ca_key() {
	case $2 in
	ec:*) ca_run ecparam -name "${2#ec:}" -genkey -noout -out "$1" ;;
	pkcs8-ec:*) ca_run genpkey -algorithm EC -pkeyopt "ec_paramgen_curve:${2#pkcs8-ec:}" -out "$1" ;;
	rsa:*) ca_run genrsa -traditional -out "$1" "${2#rsa:}" ;;
	*) echo "lib-ca: unknown key kind \"$2\"" >&2; exit 1 ;;
	esac
}

# ca_cert NAME ISSUER KIND SUBJECT DAYS PROFILE: key and certificate for NAME,
# issued by ISSUER, or self-signed when ISSUER is ""
ca_cert() {
	c_name=$1 c_issuer=$2 c_days=$5 c_profile=$6
	mkdir -p "$(dirname "$c_name")"
	ca_key "$c_name.key" "$3"
	ca_run req -new -config "$CA_CNF" -key "$c_name.key" -subj "$4" -out "$CA_DIR/req.csr"
	# GeneralizedTime and a number: no spaces, split on purpose
	if [ -n "${CA_END:-}" ]; then c_end="-enddate $CA_END"; else c_end="-days $c_days"; fi
	# an empty database for each certificate: each is signed on its own
	: >"$CA_DIR/db/index.txt"
	if [ -n "$c_issuer" ]; then
		set -- -cert "$c_issuer.pem" -keyfile "$c_issuer.key"
	else
		set -- -selfsign -keyfile "$c_name.key"
	fi
	# shellcheck disable=SC2086 # $c_end is two words
	ca_run ca -batch -config "$CA_CNF" -preserveDN -notext -rand_serial "$@" \
		-in "$CA_DIR/req.csr" -out "$c_name.pem" -extensions "$c_profile" \
		${CA_START:+-startdate "$CA_START"} $c_end
}

ca_root() { ca_cert "$1" "" "$2" "$3" "$4" "${5:-v3_ca}"; }
ca_inter() { ca_cert "$1" "$2" "$3" "$4" "$5" v3_ca; }
ca_leaf() { ca_cert "$@"; }

ca_done() { rm -rf "$CA_DIR"; }
