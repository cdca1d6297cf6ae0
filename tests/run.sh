#!/bin/sh
# tests/run.sh: every test suite, one after the other; the last line adds them
# up as "N passed, N failed". Each suite is a program whose own last line is
# "N passed, N failed"; a suite that ends without one counts as one failure.
#
#   SZTP_TESTS="layout lint unit fuzz initrd server tls net verify owner mutate client fleet tpm install negative qemu"
#                                   suites to run (default: all of these)
#   qemu-long                       the longer QEMU suites (firmware network
#                                   boots under OVMF, their failure cases, the
#                                   quick start in QEMU, two negative-matrix
#                                   cases on the real boot path; a real Debian
#                                   provisioned and booted: kexec, reboot, the
#                                   recovery round trip): not in the default
#                                   list; make check-long runs it
#   debian                          only the Debian cases of qemu-long
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
B=$TOP/build
SUITES=${SZTP_TESTS:-"layout lint unit fuzz initrd server tls net verify owner mutate client fleet tpm install negative qemu"}
LOGDIR=$B/test-logs
mkdir -p "$LOGDIR"
total_pass=0 total_fail=0
summary=""

# run_suite NAME CMD...: run, stream output, add up its closing line
run_suite() {
	name=$1; shift
	log=$LOGDIR/$name.log
	mkdir -p "$(dirname "$log")"
	echo "=== $name: $*"
	start=$(date +%s)
	# stream the output as it comes, keep a copy, and keep the exit status
	{ "$@" </dev/null 2>&1; echo $? >"$log.rc"; } | tee "$log"
	rc=$(cat "$log.rc" 2>/dev/null || echo 1)
	rm -f "$log.rc"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n1)
	if [ -n "$line" ]; then
		p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
		f=$(echo "$line" | sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/')
		[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	else
		p=0 f=1
		echo "$name: no summary line (exit status $rc)"
	fi
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	summary="$summary
  $name: $p passed, $f failed ($(( $(date +%s) - start )) s)"
}

# Fixtures for the crypto unit tests, made fresh with the openssl CLI.
if [ -x tests/verify/gen-crypto-fixtures.sh ] || [ -f tests/verify/gen-crypto-fixtures.sh ]; then
	rm -rf "$B/fixtures"
	sh tests/verify/gen-crypto-fixtures.sh "$B/fixtures" >"$LOGDIR/fixtures.log" 2>&1 ||
		echo "fixtures: generation failed, see $LOGDIR/fixtures.log"
	export SZTP_FIXTURES="$B/fixtures"
fi

for s in $SUITES; do
	case $s in
	unit) run_suite unit "$B/unit-tests" ;;
	fuzz) run_suite fuzz sh tests/fuzz/run.sh smoke "$B"/fuzz/fuzz_* ;;
	server) run_suite server python3 tests/server/test_sztp_server.py ;;
	# the quick mutation subset (make mutate runs the whole list)
	mutate) run_suite mutate sh tests/mutate/run.sh --quick ;;
	qemu)
		run_suite qemu/net-selftest sh qemu/net-selftest.sh
		run_suite qemu/boot-test sh qemu/boot-test.sh
		# the TPM decrypts encrypted conveyed information: ECDH_ZGen, RSA_Decrypt
		run_suite qemu/boot-test-ecc-encrypted env SZTP_ENCRYPTED=1 \
			SZTP_OUT=build/qemu/boot-test-ecc-enc sh qemu/boot-test.sh
		run_suite qemu/boot-test-rsa-encrypted env SZTP_TPM_ENROLL=rsa SZTP_ENCRYPTED=1 \
			SZTP_OUT=build/qemu/boot-test-rsa-enc sh qemu/boot-test.sh
		# a boot that fails on purpose: the failure screen, the report, its events
		run_suite qemu/failure-test sh qemu/failure-test.sh
		# the same with rd.shell: what the shell offers, the report saved from it
		run_suite qemu/failure-test-shell sh qemu/failure-test.sh shell
		# the install runs onboard with the owner tool's reply (keys/sztp-artifacts)
		run_suite qemu/install-test sh qemu/install-test.sh full
		# factory-fresh: no bootstrap anchor, a stored voucher, the image
		# from an unauthenticated mirror (build/factory/initrd.img)
		run_suite qemu/factory-test sh qemu/factory-test.sh
		run_suite qemu/install-powercut sh qemu/install-test.sh powercut
		# firmware network boot: SeaBIOS + iPXE loads kernel + initramfs over
		# HTTP (docs/netboot.md), and a site archive appended to the initramfs
		run_suite qemu/netboot-pxe sh qemu/netboot-test.sh pxe
		run_suite qemu/netboot-site sh qemu/netboot-test.sh site
		;;
	qemu-long | debian)
		# OVMF UEFI HTTP boot of build/sztpboot.efi (dnsmasq, Kea, a site
		# UKI), and what OVMF and iPXE do with no DHCP, no boot file, a 404
		[ "$s" = debian ] ||
			for c in http http-kea uki-site uki-cmdline pxe-uefi http-nodhcp http-nofile \
				http-404 pxe-nodhcp pxe-404; do
				run_suite qemu-long/netboot-$c sh qemu/netboot-test.sh $c
			done
		# docs/quickstart.md from start to finish in QEMU, its console lines
		[ "$s" = debian ] || run_suite qemu-long/owner-test sh qemu/owner-test.sh
		# the negative matrix's tpm_absent and no_disk on the real boot path
		# (docs/negative-tests.md): the key-file fallback, the automatic disk
		# choice with no disk
		[ "$s" = debian ] ||
		run_suite qemu-long/negative-tpm-absent env SZTP_TPM=0 \
			SZTP_EXPECT_FILE="$TOP/tests/negative/qemu/tpm-absent.expect" \
			SZTP_EXPECT_RECORD='"event": "progress", "message": "warning: the device key is a file, not held in a TPM", .*"type": "bootstrap-initiated"' \
			SZTP_OUT=build/qemu/negative-tpm-absent sh qemu/boot-test.sh
		[ "$s" = debian ] ||
		run_suite qemu-long/negative-no-disk env SZTP_DISK_SIZE= SZTP_APPEND=sztp.timeout=30 \
			SZTP_SERVER_CONFIG="$TOP/tests/negative/qemu/no-disk.json" \
			SZTP_EXPECT_FILE="$TOP/tests/negative/qemu/no-disk.expect" \
			SZTP_EXPECT_RECORD='"event": "progress", "message": "target disk: no disk qualifies for the automatic choice[^"]*", .*"type": "boot-image-error"' \
			SZTP_OUT=build/qemu/negative-no-disk sh qemu/boot-test.sh
		# a real Debian provisioned and booted (minutes each; the recovery
		# round trip about an hour)
		run_suite qemu-long/debian-kexec sh qemu/debian-test.sh kexec
		run_suite qemu-long/debian-reboot sh qemu/debian-test.sh reboot
		run_suite qemu-long/debian-recovery sh qemu/recovery-test.sh
		;;
	*)
		for t in tests/"$s"/*.sh; do
			[ -f "$t" ] || continue
			case $t in */gen-*) continue ;; esac
			run_suite "$s/$(basename "$t" .sh)" sh "$t"
		done
		;;
	esac
done

echo "=== summary$summary"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
