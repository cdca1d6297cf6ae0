# qemu/debian-onboarding.sh: the onboarding information that provisions the
# Debian disk image (docs/debian-image.md) in `make demo` and the Debian
# tests (sourced after qemu/lib.sh):
#
#   debian_onboarding WORK VERSION [FAULT_JSON]
#
# writes into WORK:
#   ssh/id_ed25519[.pub]   a key pair made for the run: the public key goes
#                          into root's authorized_keys, the tests log in with
#                          the private one (exported as SZTP_SSH_KEY)
#   config.tar             the configuration (merge): hostname sztp-demo-01,
#                          /etc/hosts, root's authorized_keys, /etc/motd, and
#                          sztp-issue.service, which writes at every boot what
#                          SZTP applied (hostname, the authorized key, the
#                          provisioning log in /var/log/sztp/) into /etc/issue,
#                          shown above the login prompt; a 15-minute job
#                          timeout for dev-ttyS0.device (slow boots keep
#                          their serial login prompt); /usr/sbin/sztp-reprovision
#                          (hooks/os/, docs/recovery.md) with
#                          /etc/sztp/reprovision.conf naming the agent's
#                          command line ($DEBIAN_RECOVERY_CMDLINE; for
#                          the UKI $DEBIAN_RECOVERY_EFI_CMDLINE)
#   pre.sh, post.sh        the scripts; post.sh makes the machine's SSH host
#                          key (chroot ssh-keygen), so that bootstrap-complete
#                          reports it
#   server.json            the test server's --config: signed onboarding
#                          information, verbose reporting, for any device:
#                          image debian-VERSION.img.zst from build/debian/ at
#                          https://bootstrap.example:$SZTP_SERVER_PORT/images/,
#                          os-name "sztp-debian", os-version VERSION; the
#                          fault rule(s) FAULT_JSON when given
# and exports SZTP_SERVER_CONFIG, SZTP_SSH_KEY and DEBIAN_HOSTNAME.
# The image must exist (make debian-image).
DEBIAN_HOSTNAME=sztp-demo-01
# the agent's command line when sztp-reprovision boots it from the ESP: a
# kernel and initramfs, and the UKI's load options (its baked line, plus
# no_timer_check as every test kernel has: under TCG on a loaded host the
# IO-APIC timer check can panic)
DEBIAN_RECOVERY_CMDLINE=${DEBIAN_RECOVERY_CMDLINE:-console=ttyS0,115200 panic=10 rd.emergency=reboot no_timer_check}
DEBIAN_RECOVERY_EFI_CMDLINE=${DEBIAN_RECOVERY_EFI_CMDLINE:-$(cat "$SZTP_ROOT/build/sztpboot.cmdline" 2>/dev/null) no_timer_check}
DEBIAN_IMAGES=${DEBIAN_IMAGES:-$SZTP_ROOT/build/debian}

debian_onboarding() {
	dw=$1 dv=$2 dfault=${3:-}
	img=$DEBIAN_IMAGES/debian-$dv.img.zst
	[ -f "$img.sha256" ] || sztp_die "no $img (make debian-image)"
	rm -rf "$dw/cfg"
	mkdir -p "$dw/ssh" "$dw/cfg/etc/systemd/system/multi-user.target.wants" \
		"$dw/cfg/root/.ssh" "$dw/cfg/usr/local/sbin"
	[ -f "$dw/ssh/id_ed25519" ] ||
		ssh-keygen -q -t ed25519 -N "" -C "sztp-test-operator" -f "$dw/ssh/id_ed25519" ||
		sztp_die "ssh-keygen failed"
	c=$dw/cfg
	echo "$DEBIAN_HOSTNAME" >"$c/etc/hostname"
	printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' \
		"$DEBIAN_HOSTNAME" >"$c/etc/hosts"
	cp "$dw/ssh/id_ed25519.pub" "$c/root/.ssh/authorized_keys"
	chmod 700 "$c/root/.ssh"
	chmod 600 "$c/root/.ssh/authorized_keys"
	printf 'This machine was provisioned by SZTP (RFC 8572); see /etc/issue and /var/log/sztp/.\n' \
		>"$c/etc/motd"
	cat >"$c/usr/local/sbin/sztp-issue" <<'S'
#!/bin/sh
# sztp-issue: what SZTP applied to this machine, written at every boot into
# /etc/issue (shown above the login prompt) by sztp-issue.service.
. /etc/os-release
log=$(ls -1 /var/log/sztp/sztpboot-*.log 2>/dev/null | tail -n 1)
akey=$(ssh-keygen -lf /root/.ssh/authorized_keys 2>/dev/null | head -n 1 | cut -d' ' -f2-)
hkey=$(ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub 2>/dev/null | cut -d' ' -f2,4)
{
	printf '%s \\n \\l\n\n' "$PRETTY_NAME"
	echo "Provisioned by SZTP (RFC 8572): ${IMAGE_ID:-$ID} ${IMAGE_VERSION:-$VERSION_ID}"
	echo "  sztp-issue: hostname $(hostname)"
	echo "  sztp-issue: SSH authorized key ${akey:-none}"
	echo "  sztp-issue: SSH host key ${hkey:-none}"
	if [ -n "$log" ]; then
		echo "  sztp-issue: provisioning log $log ($(wc -l <"$log") lines)"
		echo "  sztp-issue: last logged: $(tail -n 1 "$log" | cut -c1-110)"
	else
		echo "  sztp-issue: provisioning log none"
	fi
	echo
} >/etc/issue
S
	chmod 755 "$c/usr/local/sbin/sztp-issue"
	cat >"$c/etc/systemd/system/sztp-issue.service" <<'S'
[Unit]
Description=Show what SZTP applied above the login prompt (/etc/issue)
After=local-fs.target sztp-ssh-keygen.service
Before=getty.target serial-getty@ttyS0.service getty@tty1.service

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/sztp-issue

[Install]
WantedBy=multi-user.target
S
	ln -sf /etc/systemd/system/sztp-issue.service \
		"$c/etc/systemd/system/multi-user.target.wants/sztp-issue.service"
	# the serial console's device may take minutes to appear on a slow boot
	# (QEMU under TCG on a loaded host): past systemd's 90 s the job fails
	# and serial-getty@ttyS0 never starts, so there is no login prompt
	mkdir -p "$c/etc/systemd/system/dev-ttyS0.device.d"
	printf '[Unit]\nJobRunningTimeoutSec=15min\n' \
		>"$c/etc/systemd/system/dev-ttyS0.device.d/sztp-slow-boot.conf"
	# the re-provisioning tool (docs/recovery.md) and the agent's command line
	# for its recovery entry
	mkdir -p "$c/usr/sbin" "$c/etc/sztp"
	cp "$SZTP_ROOT/hooks/os/sztp-reprovision" "$c/usr/sbin/sztp-reprovision"
	chmod 755 "$c/usr/sbin/sztp-reprovision"
	{
		echo "# sztp-reprovision (docs/recovery.md): the agent's kernel command line,"
		echo "# and the load options that replace the UKI's baked line"
		echo "SZTP_CMDLINE=\"$DEBIAN_RECOVERY_CMDLINE\""
		echo "SZTP_EFI_CMDLINE=\"$DEBIAN_RECOVERY_EFI_CMDLINE\""
	} >"$c/etc/sztp/reprovision.conf"
	tar --owner=0 --group=0 --mtime=@1700000000 -C "$c" -cf "$dw/config.tar" .
	cat >"$dw/pre.sh" <<'S'
#!/bin/sh
echo "pre-configuration script: $SZTP_OS_NAME $SZTP_OS_VERSION on $SZTP_DISK, image written now: $SZTP_IMAGE_INSTALLED"
S
	cat >"$dw/post.sh" <<'S'
#!/bin/sh
# The machine's own SSH host key, made now (the image ships none), so that
# bootstrap-complete reports the key sshd will present.
set -eu
r=$SZTP_ROOT
if [ ! -e "$r/etc/ssh/ssh_host_ed25519_key" ]; then
	mount --bind /dev "$r/dev"
	rc=0
	chroot "$r" /usr/bin/ssh-keygen -q -t ed25519 -N "" -C "root@$(cat "$r/etc/hostname")" \
		-f /etc/ssh/ssh_host_ed25519_key || rc=$?
	umount "$r/dev"
	[ $rc = 0 ] || exit $rc
fi
echo "post-configuration script: $(cat "$r/etc/hostname"), SSH host key $(cut -d' ' -f1 "$r/etc/ssh/ssh_host_ed25519_key.pub")"
S
	python3 "$SZTP_ROOT/tests/install/mkconveyed.py" \
		--uri "https://bootstrap.example:$SZTP_SERVER_PORT/images/debian-$dv.img.zst" \
		--sha256 "$(cat "$img.sha256")" --os-name sztp-debian --os-version "$dv" \
		--handling merge --pre "$dw/pre.sh" --config "$dw/config.tar" --post "$dw/post.sh" \
		>"$dw/conveyed-$dv.json"
	python3 - "$dw/conveyed-$dv.json" "$DEBIAN_IMAGES" "$dfault" >"$dw/server.json" <<'PY'
import json, sys
ci = json.load(open(sys.argv[1]))
print(json.dumps({
    "images": sys.argv[2],
    "devices": {"*": {"signed": True, "reporting_level": "verbose",
                      "onboarding": ci["ietf-sztp-conveyed-info:onboarding-information"]}},
    "faults": (lambda f: f if isinstance(f, list) else [f])(json.loads(sys.argv[3]))
              if sys.argv[3] else []}, indent=1))
PY
	export SZTP_SERVER_CONFIG="$dw/server.json" SZTP_SSH_KEY="$dw/ssh/id_ed25519" DEBIAN_HOSTNAME
}

# debian_known_hosts FILE [IP]: the SSH host key bootstrap-complete reported
# (the server's record), as a known_hosts line for IP (default
# $DEBIAN_IP): logging in with strict host key checking against it proves
# that the machine is the one provisioned.
DEBIAN_IP=192.0.2.50
debian_known_hosts() {
	python3 - "$SZTP_TMP/record.jsonl" "${2:-$DEBIAN_IP}" >"$1" <<'PY'
import json, sys
key = None
for l in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(l)
    if r.get("type") == "bootstrap-complete" and r.get("ssh_host_keys"):
        key = r["ssh_host_keys"]["ssh-host-key"][0]
if key:
    print("%s %s %s" % (sys.argv[2], key["algorithm"], key["key-data"]))
PY
	[ -s "$1" ]
}

# debian_progress FROM: the progress reports the server recorded from line
# FROM of record.jsonl on, one a line: the type, then its message (cut)
debian_progress() {
	tail -n +"$1" "$SZTP_TMP/record.jsonl" | python3 -c '
import json, sys
for l in sys.stdin:
    r = json.loads(l)
    if r.get("event") == "progress":
        print(r["type"] + ("  " + r["message"][:110] if r.get("message") else ""))'
}
# debian_types FROM: only the types, on one line, each followed by a blank
debian_types() { debian_progress "$1" | cut -d' ' -f1 | tr '\n' ' '; }
# the sequences of a full install and of a configuration-only onboarding
DEBIAN_FULL_SEQ="bootstrap-initiated parsing-initiated parsing-complete informational boot-image-initiated boot-image-mismatch boot-image-complete pre-script-initiated pre-script-complete config-initiated config-complete post-script-initiated post-script-complete bootstrap-complete "
DEBIAN_CONF_SEQ="bootstrap-initiated parsing-initiated parsing-complete informational boot-image-initiated boot-image-complete pre-script-initiated pre-script-complete config-initiated config-complete post-script-initiated post-script-complete bootstrap-complete "

# debian_stick IMG: the QEMU arguments of a USB stick (IMG, a disk that
# qemu/mkbootdisk.sh made) second in the firmware's boot order, after the
# target disk (SZTP_DISK_BOOTINDEX=1)
debian_stick() {
	echo "-device qemu-xhci,id=xhci -drive file=$1,format=raw,if=none,id=stick \
-device usb-storage,bus=xhci.0,drive=stick,removable=on,bootindex=2"
}
