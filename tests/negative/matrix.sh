#!/bin/sh
# tests/negative/matrix.sh: the negative end-to-end matrix (docs/negative-tests.md).
#
# One case per line of tests/negative/cases.txt: the device (`sztpboot run`,
# `sztpboot discover`, in network namespaces where DHCP matters, onto a loop
# device where installing matters, with an swtpm where the TPM matters)
# against tests/server/sztp_server.py on loopback, with something wrong.
# Every case asserts three things, all read from the table:
#   - the outcome: the agent's exit status, and what the case function checks
#     besides (nothing acted on, nothing bootable left, the correct recovery);
#   - the progress reports the bootstrap servers received, server by server
#     in the order the case started them ("none": no server received any);
#   - the line an operator sees: one line of the agent's log, whole (its
#     "[seconds] " prefix aside), with placeholders for what changes from
#     run to run (see line_matches).
# The case functions below set the scene and check the extra outcome; they
# never restate what the table says.
#
#   NEG_CASES="id id..."   run only these cases (default: all of the table)
#   SZTPBOOT, VERBOSE=1, KEEP_TMP=1 as for tests/client/lib.inc
#   matrix.sh --doc-table  prints the table of docs/negative-tests.md (which
#                          tests/layout/negative-tests.sh compares; the first
#                          case here, table_and_docs_agree, runs that check)
#
# Needs root for the loop devices and network namespaces (the cases that
# need them are skipped otherwise, and say so), python3, openssl, dnsmasq,
# swtpm and tpm2-tools. Ends with "N passed, N failed".

# doc_table: the rows of docs/negative-tests.md, made from the table
doc_table() {
	echo '| case | what is done | expected outcome | exit | progress reports received | run it |'
	echo '|---|---|---|---|---|---|'
	grep -v '^[[:space:]]*#' "$TABLE" | grep -v '^[[:space:]]*$' | awk -F' [|] ' '{
		r = $5; gsub(",", ", ", r)
		printf "| `%s` | %s | %s | %s | %s | `NEG_CASES=%s sh tests/negative/matrix.sh` |\n",
			$1, $2, $3, $4, r, $1 }'
}
TABLE=$(cd "$(dirname "$0")" && pwd)/cases.txt
if [ "${1:-}" = --doc-table ]; then
	doc_table
	exit 0
fi

. "$(dirname "$0")/../client/lib.inc"
. "$top/tests/lib/net.sh"
. "$top/tests/lib/swtpm.sh"

IMG=$top/build/install
GBD=/restconf/operations/ietf-sztp-bootstrap-server:get-bootstrapping-data
ROOT=0
[ "$(id -u)" -eq 0 ] && ROOT=1
mkart() { sh "$top/keys/mkartifacts.sh" "$@"; }
p1=$(free_port)
p2=$(free_port)
dead=$(free_port)

# ---------------------------------------------------------------- the runner

# srv NAME PORT CONFIG [CERT KEY [ADDRESS]]: start_server, remembered as one of
# this case's servers (their reports are compared in this order)
srv() {
	start_server "$@"
	c_servers="$c_servers $1"
}

# need WHAT COMMAND...: an outcome check of the case; the first that fails is
# the case's failure
need() {
	n_what=$1
	shift
	[ -n "$c_why" ] && return 0
	"$@" >/dev/null 2>&1 || c_why="outcome: $n_what"
}

# reports: the progress types each of this case's servers received, " / "
# between servers that received any; "none" when none did
reports() {
	r_all=""
	for r_s in $c_servers; do
		r_p=$(progress "$r_s")
		[ -n "$r_p" ] && r_all="$r_all${r_all:+ / }$r_p"
	done
	echo "${r_all:-none}"
}

# subst TEXT: {p1} {p2} {dead} {disk} {if} {sha} replaced by this run's values
subst() {
	printf '%s\n' "$1" | sed -e "s|{p1}|$p1|g" -e "s|{p2}|$p2|g" -e "s|{dead}|$dead|g" \
		-e "s|{disk}|${loop:-}|g" -e "s|{if}|${VC:-}|g" -e "s|{sha}|$(sha 2>/dev/null)|g"
}

# line_matches LINE: a line of $out is LINE, whole: the "[seconds] " prefix
# of the agent's log aside; in LINE, {n} stands for a decimal number, {hex}
# for lower-case hex digits, {time} for a UTC date and time
# (2026-01-31T12:00:00Z); everything else is literal
line_matches() {
	printf '%s\n' "$out" | python3 -c '
import re, sys
pat = re.escape(sys.argv[1])
for k, v in (("n", "[0-9]+"), ("hex", "[0-9a-f]+"),
             ("time", "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")):
    pat = pat.replace(re.escape("{%s}" % k), v)
pat = re.compile(r"(\[[0-9.]+\] )?" + pat)
sys.exit(0 if any(pat.fullmatch(l.rstrip("\n")) for l in sys.stdin) else 1)
' "$1"
}

# trim TEXT: without leading and trailing blanks
trim() { printf '%s' "$1" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//'; }

# run_row LINE: one table line: "id | what | outcome | exit | reports | line"
run_row() {
	IFS='|' read -r c_id c_what c_outcome c_exit c_reports c_line <<EOF
$1
EOF
	c_id=$(trim "$c_id") c_exit=$(trim "$c_exit")
	c_reports=$(trim "$c_reports") c_line=$(trim "$c_line")
	if [ -n "${NEG_CASES:-}" ]; then
		case " $NEG_CASES " in *" $c_id "*) ;; *) return 0 ;; esac
	fi
	command -v "case_$c_id" >/dev/null 2>&1 || { t_fail "$c_id" "no function case_$c_id"; return 0; }
	c_servers="" c_why="" c_skip="" out="" rc=0
	"case_$c_id"
	if [ -n "$c_skip" ]; then
		t_skip "$c_id" "$c_skip"
	else
		want_reports=$(subst "$c_reports") want_line=$(subst "$c_line")
		got_reports=$(reports)
		if [ -n "$c_why" ]; then
			:
		elif [ "$rc" != "$c_exit" ]; then
			c_why="exit status $rc, want $c_exit"
		elif [ "$got_reports" != "$want_reports" ]; then
			c_why="reports \"$got_reports\", want \"$want_reports\""
		elif ! line_matches "$want_line"; then
			c_why="no log line is: $want_line"
		fi
		if [ -z "$c_why" ]; then ok "$c_id"; else bad "$c_id" "$c_why"; fi
	fi
	for c_s in $c_servers; do stop_server "$c_s"; done
	after_case
}

# ---------------------------------------------------------------- shared scenery

# signed_response OUT [CI-FILE] [VOUCHER OPTIONS...]: a get-bootstrapping-data
# output with owner certificate and voucher from the test PKI; the conveyed
# information is CI-FILE (signed CMS) or signed empty onboarding information
signed_response() {
	s_out=$1 s_ci=${2:-$fx/ci.cms}
	if [ $# -ge 2 ]; then shift 2; else shift $#; fi
	mkart voucher --pki "$pki" "$@" >"$s_out.ov" &&
	mkart response --ci "$s_ci" --oc "$fx/oc.cms" --ov "$s_out.ov" >"$s_out"
}

# swap IN FROM TO OUT: IN with the one occurrence of FROM replaced by TO (same length)
swap() {
	python3 - "$@" <<'PY'
import sys
d = open(sys.argv[1], "rb").read()
a, b = sys.argv[2].encode(), sys.argv[3].encode()
assert len(a) == len(b) and d.count(a) == 1, "swap: want one %r" % a
open(sys.argv[4], "wb").write(d.replace(a, b))
PY
}

# serve_file NAME PORT RESPONSE: server NAME answering get-bootstrapping-data
# with the file RESPONSE
serve_file() {
	srv "$1" "$2" "{\"pki\": \"$pki\", \"devices\": {\"*\": {\"response\": \"$3\"}}}"
}

fx=$tmp/fx
mkdir -p "$fx"
printf '{"ietf-sztp-conveyed-info:onboarding-information":{"boot-image":{"os-name":"Good OS","os-version":"1"}}}' \
	>"$fx/onb.json"
printf '{"ietf-sztp-conveyed-info:onboarding-information":{}}' >"$fx/empty.json"
{ mkart conveyed --pki "$pki" --json "$fx/empty.json" >"$fx/ci.cms" &&
	mkart conveyed --pki "$pki" --json "$fx/onb.json" >"$fx/ci-onb.cms" &&
	mkart owner-cert --pki "$pki" >"$fx/oc.cms"; } 2>"$fx/err" ||
	t_setup_fail "keys/mkartifacts.sh: $(tr '\n' ' ' <"$fx/err")"
# a second PKI: another manufacturer's MASA, another owner
SZTP_SERIAL=$(cat "$pki/device/serial.txt") sh "$top/keys/mkpki.sh" "$fx/pki2" >/dev/null 2>&1 ||
	t_setup_fail "keys/mkpki.sh (second PKI)"

loop="" loops=""
# newdisk SIZE: $loop = a new loop device over a file of SIZE in $tmp
newdisk() {
	truncate -s "$1" "$tmp/disk.$((${#loops} + 1))"
	loop=$(losetup -f --show -P "$tmp/disk.$((${#loops} + 1))") || t_setup_fail "losetup failed"
	loops="$loops $loop"
}
# bootable: the disk has a partition table (the image was committed)
bootable() { sfdisk -d "$loop" >/dev/null 2>&1; }
unbootable() { ! bootable; }
cleanup_disks() {
	mountpoint -q "$tmp/sysroot" 2>/dev/null && umount "$tmp/sysroot"
	for l in $loops; do
		for p in "$l"p*; do [ -b "$p" ] && umount "$p" 2>/dev/null; done
		losetup -d "$l" 2>/dev/null
	done
	return 0
}
t_at_exit cleanup_disks

# image_server NAME CONVEYED-OPTIONS... : server NAME on p1, verbose, signed
# onboarding information (tests/install/mkconveyed.py OPTIONS) whose image
# is served from $tmp/images; faults from $faults (a JSON list, default none)
image_server() {
	i_name=$1
	shift
	python3 "$top/tests/install/mkconveyed.py" --os-name "SZTP Demo OS" "$@" >"$tmp/ci.json"
	i_cfg=$(python3 -c 'import json, sys
ci = json.load(open(sys.argv[1]))["ietf-sztp-conveyed-info:onboarding-information"]
print(json.dumps({"pki": sys.argv[2], "images": sys.argv[3], "faults": json.loads(sys.argv[4]),
  "devices": {"*": {"signed": True, "reporting_level": "verbose", "onboarding": ci}}}))' \
		"$tmp/ci.json" "$pki" "$tmp/images" "${faults:-[]}")
	srv "$i_name" "$p1" "$i_cfg"
}
img_uri() { echo "https://127.0.0.1:$p1/images/$1"; }
sha() { cat "$IMG/os.img.zst.sha256"; }

# install [OPTIONS...]: `sztpboot run` onto $loop (trusted server on p1)
install() {
	client $trusted --max-rounds 1 --target-disk "$loop" --target-root "$tmp/sysroot" \
		--run-dir "$tmp/run" "$@" "https://127.0.0.1:$p1"
}

# install_cut UNTIL-COMMAND...: `install` in the background, killed with
# SIGKILL (the power cut) once UNTIL-COMMAND succeeds (the agent's PID in
# $i_agent); its log in $cut_out
install_cut() {
	"$bin" run --cert "$pki/device/chain.pem" --key "$pki/device/idevid.key" \
		--voucher-ta "$pki/anchors/voucher" $trusted --max-rounds 1 --backoff 50,100 \
		--target-disk "$loop" --target-root "$tmp/sysroot" --run-dir "$tmp/run" \
		"https://127.0.0.1:$p1" >"$tmp/cut.log" 2>&1 &
	i_agent=$!
	t_track "$i_agent"
	t_wait 120 "$i_agent" "$@" || c_why="outcome: the agent ended or never reached the cut point"
	kill -9 "$i_agent" 2>/dev/null
	wait "$i_agent" 2>/dev/null
	t_untrack "$i_agent"
	# a script the agent started and left behind (its PID in $tmp/script.pid)
	[ -s "$tmp/script.pid" ] && kill "$(cat "$tmp/script.pid")" 2>/dev/null
	rm -f "$tmp/script.pid"
	sleep 0.2
	for p in "$loop"p*; do [ -b "$p" ] && umount "$p" 2>/dev/null; done
	mountpoint -q "$tmp/sysroot" && umount "$tmp/sysroot"
	cut_out=$(cat "$tmp/cut.log")
}
# wrote BYTES: the agent $i_agent has written at least BYTES (write(2) calls)
wrote() {
	w_n=$(sed -n 's/^wchar: //p' "/proc/$i_agent/io" 2>/dev/null)
	[ "${w_n:-0}" -ge "$1" ]
}
cut_has() { printf '%s\n' "$cut_out" | grep -q -- "$1"; }

# installed_ok: the disk boots into SZTP Demo OS (partition table, os-release)
installed_ok() {
	bootable || return 1
	mount -o ro "${loop}p1" "$tmp/sysroot" 2>/dev/null || return 1
	grep -q '^NAME=.*SZTP' "$tmp/sysroot/etc/os-release"
	r=$?
	umount "$tmp/sysroot"
	return $r
}

mkdir -p "$tmp/sysroot" "$tmp/run" "$tmp/images"
if [ $ROOT = 1 ]; then
	if [ ! -f "$IMG/os.img.zst.sha256" ] || [ "$top/tests/install/mkimage.sh" -nt "$IMG/os.img" ]; then
		sh "$top/tests/install/mkimage.sh" "$IMG" >/dev/null 2>&1 || t_setup_fail "mkimage.sh failed"
	fi
	ln -s "$IMG/os.img.zst" "$tmp/images/os.img.zst"
fi
faults=""

# per-case clean-up: what a case left behind for the next
after_case() {
	faults=""
	server_netns=""
	bin=${SZTPBOOT:-$top/build/sztpboot}
	[ -n "${tpm_pid:-}" ] && t_stop "$tpm_pid"
	tpm_pid=""
	for l in $loops; do losetup -d "$l" 2>/dev/null; done
	loops="" loop=""
	rm -f "$tmp"/disk.*
	return 0
}

# needs_root: skip this case unless root
needs_root() {
	[ $ROOT = 1 ] && return 0
	c_skip="needs root (loop devices, network namespaces, swtpm)"
	return 1
}

# ---------------------------------------------------------------- signed data

case_tampered_conveyed_info() {
	swap "$fx/ci-onb.cms" "Good OS" "Evil OS" "$tmp/ci-evil.cms"
	signed_response "$tmp/r.json" "$tmp/ci-evil.cms"
	serve_file s1 "$p1" "$tmp/r.json"
	client --no-pivot --max-rounds 1 "https://127.0.0.1:$p1"
	need "the server was asked once" [ "$(asked s1)" = 1 ]
}

case_tampered_voucher() {
	mkart voucher --pki "$pki" --serial SZTP-DEMO-0009 >"$tmp/ov"
	swap "$tmp/ov" SZTP-DEMO-0009 "$(cat "$pki/device/serial.txt")" "$tmp/ov-evil"
	mkart response --ci "$fx/ci.cms" --oc "$fx/oc.cms" --ov "$tmp/ov-evil" >"$tmp/r.json"
	serve_file s1 "$p1" "$tmp/r.json"
	client --no-pivot --max-rounds 1 "https://127.0.0.1:$p1"
}

case_voucher_other_serial() {
	signed_response "$tmp/r.json" "" --serial OTHER-SERIAL-42
	serve_file s1 "$p1" "$tmp/r.json"
	client $trusted --no-pivot --max-rounds 1 "https://127.0.0.1:$p1"
}

case_voucher_unknown_manufacturer() {
	signed_response "$tmp/r.json" "" --signer-cert "$fx/pki2/masa/signer.pem" \
		--signer-key "$fx/pki2/masa/signer.key"
	serve_file s1 "$p1" "$tmp/r.json"
	client $trusted --no-pivot --max-rounds 1 "https://127.0.0.1:$p1"
}

case_voucher_expired() {
	signed_response "$tmp/r.json" "" --created 2020-01-01T00:00:00Z --expires 2020-06-01T00:00:00Z
	serve_file s1 "$p1" "$tmp/r.json"
	client $trusted --no-pivot --max-rounds 1 "https://127.0.0.1:$p1"
}

case_nonce_mismatch() {
	signed_response "$tmp/r.json" "" --nonce "$(openssl rand -base64 32)"
	serve_file s1 "$p1" "$tmp/r.json"
	client --no-pivot --max-rounds 1 "https://127.0.0.1:$p1"
	need "the device sent a 32-byte nonce" [ "$(gbd s1 nonce_len)" = 32 ]
}

case_owner_cert_not_pinned() {
	# the voucher pins this PKI's owner CA; the owner certificate and the
	# signature over the conveyed information are another owner's
	mkart conveyed --pki "$fx/pki2" --json "$fx/empty.json" >"$tmp/ci2.cms" &&
	mkart owner-cert --pki "$fx/pki2" >"$tmp/oc2.cms" &&
	mkart voucher --pki "$pki" >"$tmp/ov" &&
	mkart response --ci "$tmp/ci2.cms" --oc "$tmp/oc2.cms" --ov "$tmp/ov" >"$tmp/r.json"
	serve_file s1 "$p1" "$tmp/r.json"
	client $trusted --no-pivot --max-rounds 1 "https://127.0.0.1:$p1"
}

# (moved here from tests/client/faults.sh: untrusted_certificate_goes_provisional)
case_unsigned_from_untrusted() {
	srv s1 "$p1" "{\"pki\": \"$pki\", \"devices\": {\"*\": {\"onboarding\": {}}}}"
	# the anchors given do not validate the server: provisional, signed data only
	client --bootstrap-ta "$pki/anchors/voucher" --no-pivot --max-rounds 1 "https://127.0.0.1:$p1"
	need "connected provisionally" has "certificate not trusted.*continuing provisionally"
	need "sent signed-data-preferred and a nonce" [ "$(gbd s1 nonce_len)" = 32 ]
}

# ---------------------------------------------------------------- servers and the network

# asked NAME: how many get-bootstrapping-data requests server NAME answered
asked() {
	a_n=$(count "$1" get-bootstrapping-data)
	echo "${a_n:-0}"
}

# (moved here from tests/client/faults.sh: redirect_loop)
case_redirect_loop() {
	srv la "$p1" "{\"pki\": \"$pki\", \"devices\": {\"*\": {\"redirect\": [{\"address\": \"127.0.0.1\", \"port\": $p2}]}}}"
	srv lb "$p2" "{\"pki\": \"$pki\", \"devices\": {\"*\": {\"redirect\": [{\"address\": \"127.0.0.1\", \"port\": $p1}]}}}"
	client $trusted --no-pivot --max-rounds 1 "https://127.0.0.1:$p1"
	need "each server asked once" [ "$(asked la)$(asked lb)" = 11 ]
	need "the loop named" has "\(redirect 2 from 127.0.0.1:$p2\): redirect loop"
}

case_redirect_chain_beyond_10() {
	# servers c0 -> c1 -> ... -> c11, each a trusted redirect to the next
	ports=""
	for i in 0 1 2 3 4 5 6 7 8 9 10 11; do ports="$ports $(free_port)"; done
	set -- $ports
	i=0
	while [ $# -gt 0 ]; do
		next=${2:-$dead}
		launch_server "c$i" "$1" "{\"pki\": \"$pki\", \"devices\": {\"*\": {\"redirect\": [{\"address\": \"127.0.0.1\", \"port\": $next}]}}}"
		c_servers="$c_servers c$i"
		shift
		i=$((i + 1))
	done
	for s in $c_servers; do wait_server "$s"; done
	set -- $ports
	client $trusted --no-pivot --max-rounds 1 "https://127.0.0.1:$1"
	asked=""
	for i in 0 1 2 3 4 5 6 7 8 9 10 11; do asked="$asked$(asked "c$i")"; done
	need "servers 0..10 asked once each, the 12th never: $asked" [ "$asked" = 111111111110 ]
}

case_redirect_unreachable() {
	srv s1 "$p1" "{\"pki\": \"$pki\", \"devices\": {\"*\": {\"redirect\": [{\"address\": \"127.0.0.1\", \"port\": $dead}]}}}"
	client $trusted --no-pivot --max-rounds 1 "https://127.0.0.1:$p1"
	need "the source failed as a whole" has "source 1/1 https://127.0.0.1:$p1 \(command line\) failed"
}

# record_times NAME EVENT: the "t" of NAME's EVENT records, one a line
record_times() {
	python3 - "$tmp/$1.jsonl" "$2" <<'PY'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    if r.get("event") == sys.argv[2]:
        print(r["t"])
PY
}

case_server_5xx_storm() {
	# 503 to the first 6 requests; backoff 400 ms doubling to 1.6 s: nominal
	# delays 400, 800, 1600, 1600, 1600, 1600 ms, each waited in [nominal/2, nominal]
	srv s1 "$p1" "{\"pki\": \"$pki\", \"devices\": {\"*\": {\"onboarding\": {}}}, \"faults\": [{\"path\": \"$GBD\", \"status\": 503, \"count\": 6, \"body\": \"{\\\"ietf-restconf:errors\\\":{\\\"error\\\":[{\\\"error-type\\\":\\\"application\\\",\\\"error-tag\\\":\\\"operation-failed\\\",\\\"error-message\\\":\\\"busy\\\"}]}}\"}]}"
	client $trusted --no-pivot --max-rounds 10 --backoff 400,1600 "https://127.0.0.1:$p1"
	printf '%s\n' "$out" | sed -n 's/.*round \([0-9]*\) failed; next round in \([0-9]*\) ms$/\1 \2/p' >"$tmp/delays"
	record_times s1 get-bootstrapping-data >"$tmp/times"
	need "7 requests: 6 refused, 1 answered" [ "$(wc -l <"$tmp/times")" -eq 7 ]
	# each delay drawn in [nominal/2, nominal]; three at 1600 ms not all alike (jitter);
	# the server saw each retry no sooner than the drawn delay after the
	# previous request, and at most 3 requests in any second (no busy loop)
	need "backoff with jitter, no busy loop: $(tr '\n' ' ' <"$tmp/delays")" python3 - "$tmp/delays" "$tmp/times" <<'PY'
import sys
d = [int(l.split()[1]) for l in open(sys.argv[1])]
t = [float(l) for l in open(sys.argv[2])]
nominal = [min(400 * 2 ** i, 1600) for i in range(len(d))]
assert len(d) == 6 and len(t) == 7
assert all(n / 2 <= x <= n for x, n in zip(d, nominal)), (d, nominal)
assert len(set(d[2:])) > 1, d
gaps = [(b - a) * 1000 for a, b in zip(t, t[1:])]
assert all(g >= x - 20 for g, x in zip(gaps, d)), (gaps, d)
assert all(sum(1 for u in t if s <= u < s + 1.0) <= 3 for s in t), t
PY
}

case_server_slower_than_timeouts() {
	srv s1 "$p1" "{\"pki\": \"$pki\", \"devices\": {\"*\": {\"onboarding\": {}}}, \"faults\": [{\"path\": \"$GBD\", \"delay\": 60}]}"
	start=$(date +%s)
	client $trusted --no-pivot --timeout 4 --response-timeout 1000 --backoff 300,300 "https://127.0.0.1:$p1"
	took=$(( $(date +%s) - start ))
	need "gave up on time ($took s for sztp.timeout=4)" [ "$took" -le 20 ]
	need "gave up, saying so" has "gave up after 4 s \(sztp.timeout\)"
}

case_server_trickles_reply() {
	# a prepared response (nothing to sign while the clock runs), sent 50
	# bytes every 0.5 s: never silent for the 5 s idle limit, done after
	# about 50 s; the whole request may take 10 s
	signed_response "$tmp/r.json"
	srv s1 "$p1" "{\"pki\": \"$pki\", \"devices\": {\"*\": {\"response\": \"$tmp/r.json\"}}, \"faults\": [{\"path\": \"$GBD\", \"trickle\": [50, 0.5]}]}"
	start=$(date +%s)
	client $trusted --no-pivot --max-rounds 1 --idle-timeout 5000 --total-timeout 10000 "https://127.0.0.1:$p1"
	took=$(( $(date +%s) - start ))
	need "let go at the total limit ($took s), long before the server is done" [ "$took" -le 30 ]
	need "the response is over 2,500 bytes (over 25 s at this pace)" [ "$(wc -c <"$tmp/r.json")" -gt 2500 ]
}

# (moved here from tests/client/faults.sh: oversized_json)
case_oversized_json() {
	srv s1 "$p1" "{\"pki\": \"$pki\", \"devices\": {\"*\": {\"onboarding\": {}}}, \"faults\": [{\"path\": \"$GBD\", \"oversize\": 1100000}]}"
	client $trusted --no-pivot --max-rounds 1 "https://127.0.0.1:$p1"
}

# ---------------------------------------------------------------- DHCP

# dhcp_net: namespaces SRV (192.0.2.1, the bootstrap server's side) and CLI
# (the device) joined by a veth pair; the device's `sztpboot` runs in CLI
dhcp_net() {
	VS=nsv$$ VC=ncv$$
	if ! { net_ns SRV sztp-neg-s && net_ns CLI sztp-neg-c &&
		net_veth "$SRV" "$VS" "$CLI" "$VC" && net_up "$SRV" "$VS" 192.0.2.1/24; } >"$tmp/net.err" 2>&1; then
		t_setup_fail "network namespaces: $(tr '\n' ' ' <"$tmp/net.err")"
	fi
	printf '#!/bin/sh\nexec ip netns exec %s %s "$@"\n' "$CLI" "${SZTPBOOT:-$top/build/sztpboot}" >"$tmp/in-cli"
	chmod +x "$tmp/in-cli"
}

# dhcp_onboard DISCOVER-OPTIONS...: `sztpboot discover --apply` on the
# device's link, then `sztpboot run` against the sources it listed, as the
# boot does; $out holds both logs, $rc the run's status
dhcp_onboard() {
	server_netns=$SRV
	srv s1 "$p1" "{\"pki\": \"$pki\", \"devices\": {\"*\": {\"onboarding\": {}}}}" \
		"$pki/server/server.pem" "$pki/server/server.key" 192.0.2.1
	server_netns=""
	"$tmp/in-cli" discover --ifname "$VC" --no-media --no-dns --no-dhcp6 --servers /dev/null \
		--apply --resolv "$tmp/resolv.conf" --url "https://192.0.2.1:$p1" "$@" \
		>"$tmp/sources" 2>"$tmp/discover.log"
	urls=$(cut -d' ' -f1 "$tmp/sources")
	bin=$tmp/in-cli
	# shellcheck disable=SC2086
	client $trusted --no-pivot --max-rounds 1 $urls
	out="$(cat "$tmp/discover.log")
$out"
	ip -n "$CLI" addr flush dev "$VC" 2>/dev/null
}

case_dhcp_malformed_option() {
	needs_root || return 0
	[ -n "${CLI:-}" ] || dhcp_net
	# option 143: a URI length (0x4000) that runs past the end of the option
	net_dnsmasq "$SRV" "$tmp" --port=0 --interface="$VS" \
		--dhcp-range=192.0.2.100,192.0.2.150,255.255.255.0,1h \
		--dhcp-option-force=143,40:00:$(net_hex "https://evil.example") ||
		t_setup_fail "dnsmasq did not start"
	dhcp_onboard --timeout 10
	t_stop "$NET_DNSMASQ_PID"
	need "the lease was taken" grep -q "dhcp4: lease 192.0.2.1[0-9][0-9]/24 on $VC" "$tmp/discover.log"
	need "only the command-line source is listed" [ "$(cat "$tmp/sources")" = "https://192.0.2.1:$p1 cmdline" ]
}

case_dhcp_silent() {
	needs_root || return 0
	[ -n "${CLI:-}" ] || dhcp_net
	# nothing answers DHCP on the link
	start=$(date +%s)
	dhcp_onboard --timeout 3
	took=$(( $(date +%s) - start ))
	need "no address: the device says so and goes on ($took s)" [ "$took" -le 20 ]
	need "nothing reached the server" [ ! -s "$tmp/s1.jsonl" ]
}

# ---------------------------------------------------------------- installing

# (moved here from tests/install/onboard.sh: "image that fails verification")
case_image_hash_mismatch() {
	needs_root || return 0
	newdisk 96M
	bad_sha=$(sha | sed 'y/0123456789abcdef/123456789abcdef0/')
	image_server s1 --uri "$(img_uri os.img.zst)" --sha256 "$bad_sha" --os-version 2.0
	install
	need "nothing bootable left" unbootable
}

case_image_truncated() {
	needs_root || return 0
	newdisk 96M
	head -c 1000000 "$IMG/os.img.zst" >"$tmp/images/short.img.zst"
	image_server s1 --uri "$(img_uri short.img.zst)" --sha256 "$(sha)" --os-version 2.0
	install
	need "nothing bootable left" unbootable
}

case_image_server_reset_resumes() {
	needs_root || return 0
	newdisk 96M
	faults='[{"method": "GET", "path": "/images/*", "reset": true, "split": 700000, "count": 1}]'
	image_server s1 --uri "$(img_uri os.img.zst)" --sha256 "$(sha)" --os-version 2.0
	install
	need "the server answered a Range request with 206" \
		grep -q '"path": "/images/os.img.zst", "status": 206' "$tmp/s1.jsonl"
	need "the image is installed" installed_ok
}

case_disk_too_small() {
	needs_root || return 0
	newdisk 32M
	head -c 1048576 /dev/urandom >"$tmp/pattern"
	dd if="$tmp/pattern" of="$loop" bs=1M conv=fsync status=none
	image_server s1 --uri "$(img_uri os.img.zst)" --sha256 "$(sha)" --os-version 2.0
	install
	need "not a byte written" cmp -s -n 1048576 "$tmp/pattern" "$loop"
}

case_no_disk() {
	needs_root || return 0
	image_server s1 --uri "$(img_uri os.img.zst)" --sha256 "$(sha)" --os-version 2.0
	loop=/dev/sztp-neg-nodisk-$$
	install
}

case_config_path_traversal() {
	needs_root || return 0
	newdisk 96M
	python3 "$top/tests/install/badtar.py" traversal "$tmp/bad.tar"
	image_server s1 --uri "$(img_uri os.img.zst)" --sha256 "$(sha)" --os-version 2.0 \
		--handling merge --config "$tmp/bad.tar"
	install
	need "nothing written outside the root" [ ! -e "$tmp/escaped" ]
	need "nothing bootable left" unbootable
}

case_pre_script_error() {
	needs_root || return 0
	newdisk 96M
	printf '#!/bin/sh\necho "pre: cannot go on"\nexit 3\n' >"$tmp/pre.sh"
	mkdir -p "$tmp/cfg/etc"
	printf 'configured\n' >"$tmp/cfg/etc/sztp-neg"
	tar --owner=0 --group=0 -C "$tmp/cfg" -cf "$tmp/cfg.tar" .
	image_server s1 --uri "$(img_uri os.img.zst)" --sha256 "$(sha)" --os-version 2.0 \
		--pre "$tmp/pre.sh" --handling merge --config "$tmp/cfg.tar"
	install
	need "nothing bootable left" unbootable
}

case_post_script_warning() {
	needs_root || return 0
	newdisk 96M
	printf '#!/bin/sh\necho "post: soft problem"\nexit "$SZTP_WARNING"\n' >"$tmp/post.sh"
	image_server s1 --uri "$(img_uri os.img.zst)" --sha256 "$(sha)" --os-version 2.0 --post "$tmp/post.sh"
	install
	need "the image is installed and bootable" installed_ok
}

# ---------------------------------------------------------------- the TPM

# tpm_up: swtpm (tests/lib/swtpm.sh) with an ECC IDevID enrolled by
# keys/enroll-tpm.sh; its TCTI in $tcti
tpm_up() {
	rm -rf "$tmp/tpm"
	swtpm_up "$tmp/tpm" || t_setup_fail "swtpm did not start: $(cat "$tmp/tpm/swtpm.log")"
	tpm_pid=$SWTPM_PID tcti=$SWTPM_TCTI
	TPM2TOOLS_TCTI=$tcti sh "$top/keys/enroll-tpm.sh" --pki "$pki" --out "$tmp/tpm/id" \
		>"$tmp/tpm/enroll.log" 2>&1 || t_setup_fail "keys/enroll-tpm.sh: $(tail -n 3 "$tmp/tpm/enroll.log")"
}

case_tpm_absent() {
	closed=$(free_port)
	srv s1 "$p1" "{\"pki\": \"$pki\", \"devices\": {\"*\": {\"onboarding\": {}}}}"
	# nothing listens where the TPM should be; the key file is there
	client --tpm "swtpm:host=127.0.0.1,port=$closed" $trusted --no-pivot --max-rounds 1 "https://127.0.0.1:$p1"
	need "the server is told the key is a file" grep -q \
		'"message": "warning: the device key is a file, not held in a TPM", .*"type": "bootstrap-initiated"' "$tmp/s1.jsonl"
}

case_tpm_wrong_certificate() {
	for t in swtpm tpm2_nvwrite tpm2_getcap; do
		command -v $t >/dev/null 2>&1 || { c_skip="$t not installed"; return 0; }
	done
	tpm_up
	# the IDevID certificate index now holds the certificate of another key
	# (the test PKI's file identity: same CA, same serial)
	openssl x509 -in "$pki/device/idevid.pem" -outform DER -out "$tmp/other.der"
	TPM2TOOLS_TCTI=$tcti tpm2_nvundefine -C o 0x01C90000 >/dev/null 2>&1
	TPM2TOOLS_TCTI=$tcti tpm2_nvdefine -C o -s "$(wc -c <"$tmp/other.der")" \
		-a "ownerwrite|ownerread|authread|no_da" 0x01C90000 >/dev/null 2>&1 &&
	TPM2TOOLS_TCTI=$tcti tpm2_nvwrite -C o -i "$tmp/other.der" 0x01C90000 >/dev/null 2>&1 ||
		t_setup_fail "tpm2_nvwrite"
	srv s1 "$p1" "{\"pki\": \"$pki\", \"devices\": {\"*\": {\"onboarding\": {}}}}"
	# the device has no key file: the TPM is its only identity
	out=$("$bin" run --tpm "$tcti" --voucher-ta "$pki/anchors/voucher" $trusted --no-pivot \
		--max-rounds 1 "https://127.0.0.1:$p1" 2>&1)
	rc=$?
	need "nothing reached the server" [ ! -s "$tmp/s1.jsonl" ]
	need "no identity left: no key file to fall back to" has "device identity: device certificate and key are required"
	need "the operator is told there is no identity at all" has "tpm: error: no TPM-held IDevID \\(.*\\), and no key file \\(none given\\): the device cannot identify itself"
}

# ---------------------------------------------------------------- power cuts

# The power-cut cases: the agent killed (SIGKILL) at a point of the install;
# then the next boot, against a fresh server, whose log ($out) is what the
# operator sees. (The cut in the post-configuration script was moved here
# from tests/install/onboard.sh, "power cut before bootstrap-complete".)

# next_boot: after a cut, the same disk, a server without faults
next_boot() {
	stop_server s1
	faults=""
	image_server s2 --uri "$(img_uri os.img.zst)" --sha256 "$(sha)" --os-version 2.0
	install
	need "the next boot provisioned from scratch and the disk boots" installed_ok
}

# powercut_in_script OPTION: install with a script (--pre or --post) that
# hangs; cut the power while it runs; then the next boot
powercut_in_script() {
	printf '#!/bin/sh\necho $$ >"%s/script.pid"\nsleep 60\n' "$tmp" >"$tmp/hang.sh"
	image_server s1 --uri "$(img_uri os.img.zst)" --sha256 "$(sha)" --os-version 2.0 "$1" "$tmp/hang.sh"
	install_cut test -s "$tmp/script.pid"
	need "the image was written before the cut" cut_has "image written; its partition table is held back"
	need "after the cut: no partition table" unbootable
	next_boot
}

case_powercut_during_write() {
	needs_root || return 0
	newdisk 96M
	# the image stalls after 800 kB (several MB of image): the cut comes
	# once the agent has written 2 MB of it
	faults='[{"method": "GET", "path": "/images/*", "delay_body": 60, "split": 800000, "count": 1}]'
	image_server s1 --uri "$(img_uri os.img.zst)" --sha256 "$(sha)" --os-version 2.0
	install_cut wrote 2000000
	need "the cut came during the write" cut_has "image: downloading"
	need "the cut came before the end of the write" eval '! cut_has "image written"'
	need "after the cut: no partition table" unbootable
	next_boot
}

case_powercut_before_config() {
	needs_root || return 0
	newdisk 96M
	powercut_in_script --pre
}

case_powercut_before_complete() {
	needs_root || return 0
	newdisk 96M
	powercut_in_script --post
}

# ---------------------------------------------------------------- the table and the docs

rows=$(grep -v '^[[:space:]]*#' "$TABLE" | grep -v '^[[:space:]]*$')
[ -n "$rows" ] || t_setup_fail "empty table $TABLE"
# docs/negative-tests.md shows every case as the table says, and no other;
# every case has its function (tests/layout/negative-tests.sh, also run by
# the layout suite)
if sh "$top/tests/layout/negative-tests.sh" >"$tmp/doc.check" 2>&1; then
	[ -z "${NEG_CASES:-}" ] && t_ok table_and_docs_agree
else
	t_fail table_and_docs_agree "tests/layout/negative-tests.sh:"
	grep -v '^ok' "$tmp/doc.check" | sed 's/^/    /' | cut -c1-200
fi
printf '%s\n' "$rows" >"$tmp/rows"
while IFS= read -r row; do
	run_row "$row" </dev/null
done <"$tmp/rows"
t_summary
