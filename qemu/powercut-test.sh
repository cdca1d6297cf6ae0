#!/bin/sh
# qemu/powercut-test.sh: power cuts at random moments of provisioning, in
# QEMU + swtpm (qemu/lib.sh; the onboarding of qemu/install-test.sh). `make
# powercut` runs it; it is not part of `make check` (about a minute per cut).
#
# Four points, each a window between two lines the agent prints:
#   write      "image: downloading"  ..  "image written; its partition table
#              is held back": the image being downloaded, hashed, written
#   held       that line  ..  "partition N added from the GPT": the image
#              written and verified, its head (first MiB: the partition
#              table) held back in memory, boot-image-complete reported
#   head       that line  ..  "report-progress config-initiated": the
#              partitions of the held-back head in use (known to the kernel,
#              not on the disk), the root mounted, the pre-script
#   configure  that line  ..  "partition table written": the configuration
#              archive, the post-script, bootstrap-complete and its answer
# The head reaches the disk only after bootstrap-complete was acknowledged
# (RFC 8572 section 5.6), so after a cut in any window the disk must hold no
# partition table.
#
# Each cut: a blank disk (as from the factory), a boot, QEMU killed by its
# PID (SIGKILL: a power cut) a random delay after the window's first line;
# the delay is drawn uniformly within the window's length as measured in
# the previous clean boot. Where the cut really landed is read from the
# console (the last window line printed), and the cut counts for that
# point. Then the same disk boots again and must re-provision cleanly: no
# installed OS found, the image downloaded and verified, the partition table
# written, the provisioned OS entered with its configuration, the full
# sequence of progress reports and no error report. A partial boot is any
# boot into an OS whose provisioning did not complete in that same boot, or
# a disk left bootable by a cut.
#
# Environment:
#   POWERCUT_CUTS=10      cuts wanted per point
#   POWERCUT_POINTS="write held head configure"
#   POWERCUT_BUDGET=3600  seconds: no new cut starts after this
#   POWERCUT_OUT=build/powercut   where table.txt and cuts.tsv go
# Prints ok/FAIL per cut and per re-provision, the table, and "N passed, N
# failed"; exit 0 only when every cut was followed by a clean re-provision,
# no boot was partial and every point got its cuts within the budget.
set -eu
export SZTP_DISK_SIZE=${SZTP_DISK_SIZE:-512M}
export SZTP_TIMEOUT=${SZTP_TIMEOUT:-300}
export SZTP_APPEND="${SZTP_APPEND:-} sztp.done=pivot"
. "$(dirname "$0")/lib.sh"
TOP=$SZTP_ROOT
CUTS=${POWERCUT_CUTS:-10}
POINTS=${POWERCUT_POINTS:-write held head configure}
BUDGET=${POWERCUT_BUDGET:-3600}
OUT=${POWERCUT_OUT:-$TOP/build/powercut}

# The server answers boot-image-complete 1.5 s late: the "held" window
# (image written, head held back) is otherwise about 0.1 s long.
fault='[{"method": "POST", "path": "/restconf/operations/ietf-sztp-bootstrap-server:report-progress", "match": "\"progress-type\":\"boot-image-complete\"", "delay": 1.5}]'
. "$(dirname "$0")/install-onboarding.sh"
install_onboarding "$TOP/build/qemu-powercut" "$TOP/build/install" "$fault"

# the lines that open each window, in order; the last one closes "configure"
L_WRITE='image: downloading https://'
L_HELD='image written; its partition table is held back'
L_HEAD='partition [0-9]+ added from the GPT'
L_CONF='report-progress config-initiated'
L_DONE='partition table written'

opens() {
	case $1 in
	write) echo "$L_WRITE" ;; held) echo "$L_HELD" ;;
	head) echo "$L_HEAD" ;; configure) echo "$L_CONF" ;;
	esac
}
closes() {
	case $1 in
	write) echo "$L_HELD" ;; held) echo "$L_HEAD" ;;
	head) echo "$L_CONF" ;; configure) echo "$L_DONE" ;;
	esac
}

# landed: the window the cut of the last boot fell in, from its console
landed() {
	ld_c=$SZTP_TMP/console.txt
	if grep -q -E "$L_DONE" "$ld_c"; then echo after-commit
	elif grep -q -E "$L_CONF" "$ld_c"; then echo configure
	elif grep -q -E "$L_HEAD" "$ld_c"; then echo head
	elif grep -q -E "$L_HELD" "$ld_c"; then echo held
	elif grep -q -E "$L_WRITE" "$ld_c"; then echo write
	else echo before-write
	fi
}

# stamp REGEX: the agent's time stamp of the first console line matching it
stamp() {
	grep -m1 -E -- "$1" "$SZTP_TMP/console.txt" | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p'
}

# window lengths (seconds) measured in the last clean boot; first guesses
W_write=2.5 W_held=1.6 W_head=1.8 W_configure=0.8
measure() {
	for ms_p in write held head configure; do
		ms_a=$(stamp "$(opens $ms_p)") ms_b=$(stamp "$(closes $ms_p)")
		[ -n "$ms_a" ] && [ -n "$ms_b" ] || continue
		eval "W_$ms_p=$(awk -v a="$ms_a" -v b="$ms_b" 'BEGIN { d = b - a; printf "%.2f", (d > 0.05 ? d : 0.05) }')"
	done
}

# random_delay SECONDS: uniform in [0, 0.9 * SECONDS)
random_delay() {
	awk -v r="$(od -An -N4 -tu4 /dev/urandom)" -v w="$1" \
		'BEGIN { printf "%.2f", r / 4294967296 * w * 0.9 }'
}

# progress types the server recorded from record line $1 on
types() {
	tail -n +"$1" "$SZTP_TMP/record.jsonl" | python3 -c '
import json, sys
for l in sys.stdin:
    r = json.loads(l)
    if r.get("event") == "progress":
        print(r["type"], end=" ")'
}

# in_order REGEX...: each matches a console line after the previous match
in_order() {
	io_after=0
	for io_re in "$@"; do
		io_n=$(tail -n +$((io_after + 1)) "$SZTP_TMP/console.txt" | grep -n -m1 -E -- "$io_re" | cut -d: -f1)
		[ -n "$io_n" ] || { echo "/$io_re/"; return 1; }
		io_after=$((io_after + io_n))
	done
}

# os_ran_unprovisioned: the OS ran in this boot without the partition table
# having been written (provisioning complete) before it in the same boot
os_ran_unprovisioned() {
	grep -q "SZTP-DEMO-OS" "$SZTP_TMP/console.txt" || return 1
	! in_order "$L_DONE" "SZTP-DEMO-OS" >/dev/null
}

blank_disk() {
	rm -f "$SZTP_TMP/disk.img"
	truncate -s "$SZTP_DISK_SIZE" "$SZTP_TMP/disk.img"
}

has_table() { sfdisk -d "$SZTP_TMP/disk.img" >/dev/null 2>&1; }

sztp_setup powercut
mkdir -p "$OUT"
printf 'cut\taimed\tdelay_s\twindow_s\tlanded\tdisk_after_cut\tnext_boot\tpartial\n' >"$OUT/cuts.tsv"
# (names of the loop: pc_*, as qemu/lib.sh's functions set plain ones)
for pc_p in $POINTS; do eval "N_$pc_p=0 C_$pc_p=0 P_$pc_p=0 A_$pc_p=0"; done
MISSED=0 PARTIAL_OTHER=0
PC_T0=$(date +%s)
n=0
while :; do
	# the next point: the one with the fewest cuts still short of CUTS
	aim="" pc_best=$CUTS
	for pc_p in $POINTS; do
		eval "pc_c=\$N_$pc_p pc_a=\$A_$pc_p"
		# a point whose cuts keep landing elsewhere stops after 2*CUTS tries
		if [ "$pc_c" -lt "$pc_best" ] && [ "$pc_a" -lt $((CUTS * 2)) ]; then aim=$pc_p pc_best=$pc_c; fi
	done
	[ -n "$aim" ] || break
	if [ $(($(date +%s) - PC_T0)) -ge "$BUDGET" ]; then
		sztp_say "budget of $BUDGET s spent: no new cut"
		break
	fi
	n=$((n + 1))
	eval "A_$aim=\$((A_$aim + 1)); pc_w=\$W_$aim"
	delay=$(random_delay "$pc_w")

	# the cut
	blank_disk
	sztp_tpm_again
	sztp_cut_at "$(opens "$aim")" "$delay"
	sztp_boot
	sztp_cut_wait
	sztp_console >"$SZTP_TMP/console.txt"
	cp "$SZTP_TMP/console.txt" "$OUT/cut-$n.console.txt"
	where=$(landed)
	partial=0
	if [ "$SZTP_BOOT_STATUS" != 137 ] || [ ! -s "$SZTP_TMP/cut.log" ]; then
		where="not-cut ($SZTP_BOOT_RESULT, status $SZTP_BOOT_STATUS)"
	fi
	if os_ran_unprovisioned; then
		partial=1
		t_fail "cut $n ($aim): no partial boot" "the OS ran before provisioning completed"
	fi
	if has_table; then
		disk=table
		if ! grep -q -E "$L_DONE" "$SZTP_TMP/console.txt"; then
			partial=1
			t_fail "cut $n ($aim): nothing bootable after the cut" "a partition table on the disk, cut landed in $where"
		fi
	else
		disk=none
	fi
	case $where in
	write | held | head | configure)
		t_ok "cut $n: aimed at $aim, landed in $where $delay s after its first line; no partition table on the disk"
		;;
	*)
		MISSED=$((MISSED + 1))
		echo "note cut $n: aimed at $aim ($delay s), landed $where: counted for no point"
		;;
	esac

	# the following boot, on the disk the cut left; its progress reports
	# start after the last of the cut boot's (the server records a report
	# once answered: boot-image-complete 1.5 s late)
	sleep 2
	pc_rec=$(($(wc -l <"$SZTP_TMP/record.jsonl") + 1))
	sztp_tpm_again
	sztp_boot
	sztp_console >"$SZTP_TMP/console.txt"
	seq=$(types "$pc_rec")
	next=clean
	if grep -q -E "$L_DONE" "$OUT/cut-$n.console.txt"; then
		# provisioning had completed in the cut boot (bootstrap-complete
		# answered, the table written): the next boot finds the OS
		# installed and may enter it; that is no partial boot
		next=installed
	elif os_ran_unprovisioned; then
		partial=1 next=partial
		t_fail "cut $n: the next boot is no partial boot" "the OS ran before provisioning completed"
	elif ! miss=$(in_order "no installed OS found on /dev/vda" "$L_WRITE" "image written and verified" \
		"report-progress bootstrap-complete .*-> 204" "$L_DONE" "SZTP-DEMO-OS: hello from the provisioned OS" \
		"SZTP-DEMO-OS:.*/etc/sztp-demo/message: configured by SZTP over the network" \
		"SZTP-DEMO-OS: powering off"); then
		next=unclean
		t_fail "cut $n: the next boot re-provisions cleanly" "no console line $miss"
		cp "$SZTP_TMP/console.txt" "$OUT/cut-$n.next.console.txt"
	elif [ "$SZTP_BOOT_RESULT" != poweroff ]; then
		next=unclean
		t_fail "cut $n: the next boot re-provisions cleanly" "QEMU did not power off ($SZTP_BOOT_RESULT)"
	elif [ "$seq" != "$INSTALL_FULL_SEQ" ]; then
		next=unclean
		t_fail "cut $n: the next boot re-provisions cleanly" "progress reports: $seq"
	else
		t_ok "cut $n: the next boot re-provisioned from scratch, every progress report, the OS entered"
		measure
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$aim" "$delay" "$pc_w" "$where" "$disk" "$next" "$partial" \
		>>"$OUT/cuts.tsv"
	case $where in
	write | held | head | configure)
		eval "N_$where=\$((N_$where + 1))"
		[ "$next" = clean ] && eval "C_$where=\$((C_$where + 1))"
		[ $partial = 1 ] && eval "P_$where=\$((P_$where + 1))"
		;;
	*) [ $partial = 1 ] && PARTIAL_OTHER=$((PARTIAL_OTHER + 1)) ;;
	esac
done
elapsed=$(($(date +%s) - PC_T0))

{
	echo "power cuts ($(date -u +%Y-%m-%dT%H:%MZ), $n boots cut + $n following boots, ${elapsed} s, accelerator: $(sztp_accel))"
	printf '%-10s %6s %5s %18s %14s\n' point aimed cuts "clean re-provisions" "partial boots"
	for pc_p in $POINTS; do
		eval "printf '%-10s %6s %5s %18s %14s\n' $pc_p \$A_$pc_p \$N_$pc_p \$C_$pc_p \$P_$pc_p"
	done
	echo "cuts that landed outside every window (counted for no point): $MISSED; partial boots among them: $PARTIAL_OTHER"
	echo "aimed: cuts aimed at the point; cuts: cuts that landed in its window (read from the console)"
} >"$OUT/table.txt"
cat "$OUT/table.txt"

for pc_p in $POINTS; do
	eval "pc_c=\$N_$pc_p pc_cl=\$C_$pc_p pc_pa=\$P_$pc_p"
	if [ "$pc_c" -lt "$CUTS" ]; then
		t_fail "point $pc_p: $CUTS cuts" "only $pc_c within the budget ($BUDGET s) and tries"
	elif [ "$pc_cl" -ne "$pc_c" ] || [ "$pc_pa" -ne 0 ]; then
		t_fail "point $pc_p: every cut re-provisioned cleanly, none partial" "$pc_cl clean of $pc_c, $pc_pa partial"
	else
		t_ok "point $pc_p: $pc_c cuts, $pc_cl clean re-provisions, no partial boot"
	fi
done
[ "$PARTIAL_OTHER" -eq 0 ] || t_fail "cuts outside the windows" "$PARTIAL_OTHER partial boot(s)"
t_summary
