#!/bin/sh
# demo.sh: a zero-touch boot you can watch. Same set-up as boot-test.sh (see
# qemu/lib.sh for the knobs); the guest console streams to the terminal, then
# a summary tells what the DHCP server handed out, what the bootstrap server
# saw and how long the boot took. Kernel messages below error level are
# hidden (loglevel=3; "quiet" would quieten the agent too) unless
# SZTP_APPEND is set (e.g. SZTP_APPEND="loglevel=7").
set -eu
SZTP_APPEND=${SZTP_APPEND-loglevel=3}
. "$(dirname "$0")/lib.sh"

bold=""; off=""
if [ -t 1 ]; then bold=$(printf '\033[1m'); off=$(printf '\033[0m'); fi

sztp_setup demo
echo "${bold}==== guest console (serial ttyS0)${off}"
sztp_boot live

echo
echo "${bold}==== summary${off}"
case $SZTP_BOOT_RESULT in
poweroff) echo "guest:   powered off after $SZTP_BOOT_TIME s" ;;
*) echo "guest:   no power-off within ${SZTP_TIMEOUT}s; stopped after $SZTP_BOOT_TIME s" ;;
esac
echo "DHCP:    redirect sent in options 143/136: $SZTP_URI"
leases=$(sed -n 's/.*\(DHCPACK\|DHCPREPLY\)(tap0) \([^ ]*\) \([^ ]*\).*/\2 (\3)/p' \
	"$SZTP_TMP/dnsmasq.log" 2>/dev/null | sort -u)
if [ -n "$leases" ]; then
	echo "$leases" | sed 's/^/         lease /'
else
	echo "         no lease handed out"
fi
echo "server:  https://$SZTP_HOST4:$SZTP_SERVER_PORT saw"
seen=$(grep -v -e ': listening on ' -e ': stopped$' "$SZTP_TMP/server.log" 2>/dev/null |
	sed 's/^sztp-server: //') || true
if [ -n "$seen" ]; then
	echo "$seen" | sed 's/^/         /'
else
	echo "         nothing"
fi
echo "logs:    $SZTP_OUT/"
[ "$SZTP_BOOT_RESULT" = poweroff ]
