#!/bin/sh
# docs/examples/cloud-init/mkconfig.sh OUT.tar [--user-data FILE] [--meta-data FILE]
#                                      [--network-config FILE] [--instance-id ID]
#
# Makes an SZTP configuration archive that seeds cloud-init's NoCloud data
# source on the provisioned OS: the files land in
# /var/lib/cloud/seed/nocloud/ (user-data, meta-data, network-config when
# given), where NoCloud reads them at the next boot, with no network data
# source and no kernel command line needed. Defaults: this folder's
# user-data and meta-data. --instance-id replaces meta-data's instance-id
# (cloud-init runs its per-instance modules again only for a new one, so a
# re-provisioning should bring a new id). The files are mode 0600 (user-data
# may carry secrets), owned by root.
#
# Use the archive as the onboarding information's configuration, with
# configuration-handling "merge" (or "replace": SZTP then also removes what
# an earlier configuration installed and this one does not contain), e.g.
#   python3 tests/install/mkconveyed.py ... --handling merge --config OUT.tar
# The OS must contain cloud-init (Debian: the cloud-init package) with
# NoCloud among its data sources (Debian's default datasource_list has it).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 1 ] || { sed -n '2,3p' "$0" | sed 's/^# //' >&2; exit 2; }
out=$1
shift
ud=$here/user-data md=$here/meta-data nc="" iid=""
while [ $# -gt 0 ]; do
	case $1 in
	--user-data) ud=$2; shift 2 ;;
	--meta-data) md=$2; shift 2 ;;
	--network-config) nc=$2; shift 2 ;;
	--instance-id) iid=$2; shift 2 ;;
	-h | --help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "mkconfig.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
head -n 1 "$ud" | grep -q '^#cloud-config' ||
	echo "mkconfig.sh: warning: $ud does not start with #cloud-config" >&2
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
s=$t/var/lib/cloud/seed/nocloud
mkdir -p "$s"
cp "$ud" "$s/user-data"
if [ -n "$iid" ]; then
	case $iid in *[!A-Za-z0-9._-]*) echo "mkconfig.sh: --instance-id: letters, digits, . _ - only" >&2; exit 2 ;; esac
	grep -v '^instance-id:' "$md" >"$s/meta-data"
	echo "instance-id: $iid" >>"$s/meta-data"
else
	cp "$md" "$s/meta-data"
fi
[ -z "$nc" ] || cp "$nc" "$s/network-config"
chmod 0600 "$s"/*
tar --owner=0 --group=0 --numeric-owner --mtime=@1700000000 -C "$t" -cf "$out" var
