#!/bin/sh
# deps.sh: fetch and build everything sztp-initrd depends on.
#
#   deps.sh packages   install the Debian binary packages the build and tests use
#   deps.sh libs       fetch the pinned Debian source packages (initrd/deps.lock)
#                      and build static musl libraries into build/musl/, and
#                      build/musl/bin/busybox for the initramfs
#   deps.sh busybox    only build/musl/bin/busybox (initrd/busybox.applets)
#   deps.sh kernel     take a Debian bookworm kernel and its modules into build/kernel/
#   deps.sh all        all of the above (idempotent: stamps in build/stamp/)
#   deps.sh sources    print the one-line apt sources of this machine's bookworm,
#                      bookworm-updates and bookworm-security entries (main), for
#                      the Debian disk image (qemu/debian-image/mkdebian.sh)
#
# Nothing is downloaded from anywhere but the Debian mirror this machine's own
# apt configuration names; the source lists used here live in build/apt/, never
# in the machine's global configuration.
set -eu

TOP=$(cd "$(dirname "$0")/.." && pwd)
B=${BUILD:-$TOP/build}
LOCK=$TOP/initrd/deps.lock
STAMP=$B/stamp
PREFIX=$B/musl
HOSTPREFIX=$B/host
JOBS=${JOBS:-$(nproc)}
mkdir -p "$STAMP" "$B/obj"
# One deps.sh at a time per build tree: parallel makes wait here, then find
# the stamps the first one left.
exec 9>"$B/.deps.lock"
flock 9

say() { printf 'deps: %s\n' "$*" >&2; }
die() { printf 'deps: error: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- packages
PACKAGES="build-essential musl-tools musl-dev linux-libc-dev busybox-static \
swtpm swtpm-tools tpm2-tools qemu-system-x86 qemu-utils dnsmasq-base openssl \
cpio zstd xz-utils gzip dpkg-dev file kmod iproute2 python3 autoconf automake \
libtool libltdl-dev autoconf-archive pkg-config clang llvm libclang-rt-14-dev clang-tidy cppcheck e2fsprogs dosfstools mtools fdisk \
kea-dhcp4-server kea-dhcp6-server isc-dhcp-server \
ca-certificates procps time valgrind libtss2-dev libkmod-dev \
binutils systemd-boot-efi ovmf ipxe-qemu \
nginx curl linux-perf groff-base man-db mmdebstrap openssh-client"

packages() {
	missing=""
	for p in $PACKAGES; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	[ "$(id -u)" = 0 ] || die "missing packages:$missing (run as root so deps.sh can install them)"
	say "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null || die "apt-get update failed"
	# The DHCP servers are test peers only, nginx a benchmark peer (make
	# bench): no service of theirs may start on this machine. policy-rc.d
	# keeps the install from starting them, and what our install enabled is
	# disabled again.
	services=""
	for p in $missing; do
		case $p in
		kea-dhcp4-server | kea-dhcp6-server | isc-dhcp-server | nginx) services="$services $p" ;;
		esac
	done
	prc=/usr/sbin/policy-rc.d
	made_prc=0
	if [ -n "$services" ] && [ ! -e $prc ]; then
		printf '#!/bin/sh\nexit 101\n' >$prc && chmod 755 $prc && made_prc=1
	fi
	# shellcheck disable=SC2086
	rc=0
	apt-get install -y -q --no-install-recommends $missing >/dev/null || rc=$?
	[ $made_prc = 1 ] && rm -f $prc
	[ $rc = 0 ] || die "apt-get install failed for:$missing"
	if [ -n "$services" ] && command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
		for svc in $services; do
			[ $svc = isc-dhcp-server ] && svc="isc-dhcp-server isc-dhcp-server6"
			# shellcheck disable=SC2086
			systemctl disable --now $svc >/dev/null 2>&1 || true
		done
	fi
}

# ---------------------------------------------------------------- our own apt configuration
# The mirror is read from the machine's apt configuration (deb822 .sources files
# or one-line sources.list), never written into this repository.
mirror() {
	m=""
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		m=$(awk '
			/^[ \t]*$/ { if (uri != "" && suite ~ /(^| )(bookworm|trixie|stable)( |$)/) { print uri; exit } uri=""; suite="" }
			/^URIs:/ { uri=$2 }
			/^Suites:/ { $1=""; suite=$0 }
			END { if (uri != "" && suite ~ /(^| )(bookworm|trixie|stable)( |$)/) print uri }' "$f" | head -n1)
		[ -n "$m" ] && break
	done
	if [ -z "$m" ]; then
		for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
			[ -f "$f" ] || continue
			m=$(awk '$1=="deb" && $0 ~ / (bookworm|trixie|stable) / { for (i=2;i<=NF;i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' "$f" | head -n1)
			[ -n "$m" ] && break
		done
	fi
	[ -n "$m" ] || die "no Debian mirror found in /etc/apt (need a bookworm entry)"
	printf '%s\n' "$m"
}

# sources: "deb URI SUITE main" for each bookworm, bookworm-updates and
# bookworm-security entry of the machine's apt configuration (deb822 and
# one-line files), in the order found; the Debian disk image is built from
# these, so its kernel carries the security updates the machine's mirror has.
sources() {
	out=$(
		{
			for f in /etc/apt/sources.list.d/*.sources; do
				[ -f "$f" ] || continue
				awk '
					function flush() {
						if (enabled && types ~ /(^| )deb( |$)/ && uri != "")
							for (i = 1; i <= ns; i++)
								if (s[i] ~ /^bookworm(-updates|-security)?$/)
									print "deb " uri " " s[i] " main"
						uri = ""; types = ""; ns = 0; enabled = 1
					}
					BEGIN { enabled = 1 }
					/^[ \t]*$/ { flush(); next }
					/^Types:/ { types = $0 }
					/^URIs:/ { uri = $2 }
					/^Suites:/ { ns = 0; for (i = 2; i <= NF; i++) s[++ns] = $i }
					/^Enabled:/ { if ($2 == "no") enabled = 0 }
					END { flush() }' "$f"
			done
			for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
				[ -f "$f" ] || continue
				awk '$1 == "deb" {
					i = 2
					if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
					if ($(i + 1) ~ /^bookworm(-updates|-security)?$/)
						print "deb " $i " " $(i + 1) " main"
				}' "$f"
			done
		} | awk '!seen[$0]++'
	)
	printf '%s\n' "$out" | grep -q ' bookworm main$' ||
		die "no Debian bookworm entry in /etc/apt (the Debian image needs one)"
	printf '%s\n' "$out"
}

APTDIR=$B/apt
aptcfg() {
	mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial" "$APTDIR/etc/preferences.d"
	if [ ! -f "$APTDIR/sources.list" ] || [ ! -f "$STAMP/apt-update" ]; then
		m=$(mirror)
		kr=/usr/share/keyrings/debian-archive-keyring.gpg
		cat >"$APTDIR/sources.list" <<-EOF
		deb [signed-by=$kr] $m bookworm main
		deb-src [signed-by=$kr] $m bookworm main
		deb-src [signed-by=$kr] $m trixie main
		EOF
		say "apt: updating build/apt lists from $m"
		apt-get $(aptopts) update -q >/dev/null || die "apt-get update (build/apt) failed"
		touch "$STAMP/apt-update"
	fi
}
aptopts() {
	printf '%s ' -o "Dir::Etc::SourceList=$APTDIR/sources.list" \
		-o Dir::Etc::SourceParts=/dev/null \
		-o "Dir::Etc::PreferencesParts=$APTDIR/etc/preferences.d" \
		-o "Dir::State::Lists=$APTDIR/lists" \
		-o "Dir::Cache=$APTDIR/cache" \
		-o APT::Sandbox::User=root
}

# ---------------------------------------------------------------- source packages
# fetch NAME: download the pinned source package, check its .dsc against the
# lock file (apt already checked the files against the signed index), unpack
# into build/src/NAME.
fetch() {
	name=$1
	line=$(awk -v n="$name" '$1==n' "$LOCK")
	[ -n "$line" ] || die "$name is not in initrd/deps.lock"
	set -- $line
	ver=$2 want=$4
	dir=$B/src/$name
	[ -f "$dir/.unpacked-$ver" ] && return 0
	aptcfg
	rm -rf "$B/dl/$name" "$dir"
	mkdir -p "$B/dl/$name" "$B/src"
	say "fetching source $name=$ver"
	(cd "$B/dl/$name" && apt-get $(aptopts) source -q --download-only "$name=$ver" >/dev/null) ||
		die "apt-get source $name=$ver failed (is the pinned version still in the archive?)"
	dsc=$(ls "$B/dl/$name"/*.dsc)
	got=$(sha256sum "$dsc" | cut -d' ' -f1)
	[ "$got" = "$want" ] || die "$dsc: sha256 $got does not match the pin $want"
	(cd "$B/dl/$name" && dpkg-source --no-check -x "$(basename "$dsc")" "$dir" >/dev/null 2>&1) ||
		die "dpkg-source -x $dsc failed"
	touch "$dir/.unpacked-$ver"
}

# Linux UAPI headers for musl builds (musl-gcc's specs do not look in /usr/include).
kheaders() {
	inc=$PREFIX/include
	mkdir -p "$inc"
	for d in linux asm-generic mtd rdma scsi sound video xen; do
		[ -e "/usr/include/$d" ] && ln -sfn "/usr/include/$d" "$inc/$d"
	done
	ln -sfn /usr/include/x86_64-linux-gnu/asm "$inc/asm"
}

MUSLCC="musl-gcc"
# No unwind tables: nothing in the agent unwinds (C, no exceptions, no
# backtraces); they were 53 KB of the static binary.
MUSLCFLAGS="-Os -fPIE -ffunction-sections -fdata-sections -fstack-protector-strong \
-fno-asynchronous-unwind-tables -fno-unwind-tables -isystem $PREFIX/include"

# A library's stamp holds the recipe it was built with (the pinned version,
# the musl flags and the library's own options): when any of them changes,
# the library is rebuilt, not only when the stamp is missing.
# built NAME [OPTIONS]: true if NAME was built with this recipe.
recipe() { printf '%s|%s|%s\n' "$(awk -v n="$1" '$1==n { print $2 }' "$LOCK")" "$MUSLCFLAGS" "${2:-}"; }
built() { [ -f "$STAMP/$1" ] && [ "$(cat "$STAMP/$1")" = "$(recipe "$1" "${2:-}")" ]; }
# mark NAME [OPTIONS]: record the recipe NAME was just built with.
mark() { recipe "$1" "${2:-}" >"$STAMP/$1"; }

build_bearssl() {
	built bearssl && return 0
	fetch bearssl
	src=$B/src/bearssl
	say "building BearSSL (musl static, and host static for tests)"
	for flavour in musl host; do
		rm -rf "$B/obj/bearssl-$flavour"
		cp -a "$src" "$B/obj/bearssl-$flavour"
		if [ $flavour = musl ]; then
			cc=$MUSLCC; cf="$MUSLCFLAGS"; pre=$PREFIX
		else
			cc=cc; cf="-O2 -g -fPIC"; pre=$HOSTPREFIX
		fi
		make -s -C "$B/obj/bearssl-$flavour" -j"$JOBS" CONF=Unix CC="$cc" \
			CFLAGS="$cf -W -Wall" LD="$cc" lib >"$B/obj/bearssl-$flavour.log" 2>&1 ||
			die "BearSSL $flavour build failed: see $B/obj/bearssl-$flavour.log"
		mkdir -p "$pre/lib" "$pre/include"
		cp "$B/obj/bearssl-$flavour/build/libbearssl.a" "$pre/lib/"
		cp "$src"/inc/*.h "$pre/include/"
	done
	mark bearssl
}

build_kmod() {
	built kmod && return 0
	fetch kmod
	kheaders
	src=$B/obj/kmod
	rm -rf "$src"; cp -a "$B/src/kmod" "$src"
	say "building libkmod (musl static)"
	(
		cd "$src"
		# The Debian snapshot ships no configure script; gtk-doc is not needed.
		if [ ! -x configure ]; then
			touch libkmod/docs/gtk-doc.make
			autoreconf -fi >autoreconf.log 2>&1
		fi
		# kmod refuses --enable-static, so the library's own objects are
		# compiled by its build system and archived here.
		CC=$MUSLCC CFLAGS="$MUSLCFLAGS" ./configure --host=x86_64-linux-musl \
			--prefix=/ --disable-manpages \
			--disable-gtk-doc --disable-test-modules --without-xz --without-zstd \
			--without-zlib --without-openssl --disable-python --disable-logging >configure.log 2>&1
		make -j"$JOBS" libkmod/libkmod.la >make.log 2>&1
	) || die "libkmod build failed: see $src/configure.log and $src/make.log"
	mkdir -p "$PREFIX/lib" "$PREFIX/include"
	rm -f "$PREFIX/lib/libkmod.a"
	ar rcs "$PREFIX/lib/libkmod.a" "$src"/libkmod/.libs/*.o "$src"/shared/.libs/*.o ||
		die "archiving libkmod failed"
	cp "$src/libkmod/libkmod.h" "$PREFIX/include/"
	mark kmod
}

build_tss() {
	built tpm2-tss && return 0
	fetch tpm2-tss
	kheaders
	src=$B/obj/tpm2-tss
	rm -rf "$src"; cp -a "$B/src/tpm2-tss" "$src"
	say "building tpm2-tss: tss2-sys, tss2-mu, tcti-device, tcti-mssim, tcti-swtpm (musl static)"
	(
		cd "$src"
		# Debian's tree is bootstrapped as its debian/rules does it.
		./bootstrap >bootstrap.log 2>&1
		CC=$MUSLCC CFLAGS="$MUSLCFLAGS -D_GNU_SOURCE" ./configure --host=x86_64-linux-musl \
			--prefix=/ --disable-shared --enable-static --disable-esys --disable-fapi \
			--disable-policy --disable-tcti-cmd --disable-tcti-pcap --disable-tcti-libtpms \
			--disable-tcti-spi-helper --disable-tcti-spi-ltt2go --disable-tcti-spidev \
			--disable-tcti-spi-ftdi --disable-tcti-i2c-helper --disable-tcti-i2c-ftdi \
			--disable-defaultflags --disable-log-file --with-crypto=none \
			--with-maxloglevel=none --disable-weakcrypto --disable-vendor \
			--enable-nodl >configure.log 2>&1
		make -j"$JOBS" src/tss2-sys/libtss2-sys.la src/tss2-mu/libtss2-mu.la \
			src/tss2-tcti/libtss2-tcti-device.la src/tss2-tcti/libtss2-tcti-mssim.la \
			src/tss2-tcti/libtss2-tcti-swtpm.la >make.log 2>&1
	) || die "tpm2-tss build failed: see $src/configure.log and $src/make.log"
	mkdir -p "$PREFIX/lib" "$PREFIX/include/tss2"
	for l in tss2-sys tss2-mu tss2-tcti-device tss2-tcti-mssim tss2-tcti-swtpm; do
		cp "$src/src/$(dir_of "$l")/.libs/lib$l.a" "$PREFIX/lib/"
	done
	# Every TCTI defines Tss2_Tcti_Info (the dlopen entry point); linked
	# statically side by side they would clash, so the extra ones keep theirs
	# local. The device TCTI keeps its own.
	for l in tss2-tcti-mssim tss2-tcti-swtpm; do
		objcopy --localize-symbol=Tss2_Tcti_Info "$PREFIX/lib/lib$l.a" ||
			die "objcopy on lib$l.a failed"
	done
	cp "$src"/include/tss2/*.h "$PREFIX/include/tss2/"
	mark tpm2-tss
}
dir_of() { case $1 in tss2-tcti-*) echo tss2-tcti ;; *) echo "$1" ;; esac; }

# cJSON is one C file; it is compiled directly (its CMake build is not needed).
build_cjson() {
	built cjson && return 0
	fetch cjson
	say "building cJSON (musl static, and host static for tests)"
	src=$B/src/cjson
	mkdir -p "$B/obj/cjson"
	for flavour in musl host; do
		if [ $flavour = musl ]; then
			cc=$MUSLCC; cf="$MUSLCFLAGS"; pre=$PREFIX
		else
			cc=cc; cf="-O2 -g -fPIC"; pre=$HOSTPREFIX
		fi
		mkdir -p "$pre/lib" "$pre/include"
		$cc $cf -std=c89 -c "$src/cJSON.c" -o "$B/obj/cjson/cJSON-$flavour.o" ||
			die "cJSON $flavour build failed"
		rm -f "$pre/lib/libcjson.a"
		ar rcs "$pre/lib/libcjson.a" "$B/obj/cjson/cJSON-$flavour.o"
		cp "$src/cJSON.h" "$pre/include/"
	done
	mark cjson
}

# flavour_env musl|host: sets cc, cf and pre for one of the two builds.
flavour_env() {
	if [ "$1" = musl ]; then
		cc=$MUSLCC; cf="$MUSLCFLAGS"; pre=$PREFIX
	else
		cc=cc; cf="-O2 -g -fPIC"; pre=$HOSTPREFIX
	fi
	mkdir -p "$pre/lib" "$pre/include"
}

# The decompressors for boot images: zlib (gzip), liblzma (xz), libzstd.
build_zlib() {
	built zlib && return 0
	fetch zlib
	say "building zlib (musl static, and host static for tests)"
	for flavour in musl host; do
		flavour_env $flavour
		o=$B/obj/zlib-$flavour
		rm -rf "$o"; cp -a "$B/src/zlib" "$o"
		(cd "$o" && CC=$cc CFLAGS="$cf" ./configure --static --prefix=/ >configure.log 2>&1 &&
			make -j"$JOBS" libz.a >make.log 2>&1) ||
			die "zlib $flavour build failed: see $o/configure.log and $o/make.log"
		cp "$o/libz.a" "$pre/lib/"
		cp "$o/zlib.h" "$o/zconf.h" "$pre/include/"
	done
	mark zlib
}

# Decoders only, and of the filters only LZMA1/LZMA2 and the two an x86
# image may use (delta, x86 BCJ): the other BCJs and the encoders are 3 KB
# nobody calls. All integrity checks stay (an .xz image names its own).
LZMA_OPTS="--disable-encoders --enable-decoders=lzma1,lzma2,delta,x86"
build_lzma() {
	built xz-utils "$LZMA_OPTS" && return 0
	fetch xz-utils
	say "building liblzma (musl static, and host static for tests)"
	for flavour in musl host; do
		flavour_env $flavour
		o=$B/obj/xz-$flavour
		rm -rf "$o"; cp -a "$B/src/xz-utils" "$o"
		(cd "$o" && CC=$cc CFLAGS="$cf" ./configure --host=x86_64-linux-gnu --prefix=/ \
			--disable-shared --enable-static --disable-xz --disable-xzdec \
			--disable-lzmadec --disable-lzmainfo --disable-lzma-links --disable-scripts \
			--disable-doc --disable-nls --disable-threads $LZMA_OPTS \
			>configure.log 2>&1 &&
			make -j"$JOBS" -C src/liblzma >make.log 2>&1) ||
			die "liblzma $flavour build failed: see $o/configure.log and $o/make.log"
		cp "$o/src/liblzma/.libs/liblzma.a" "$pre/lib/"
		cp -R "$o/src/liblzma/api/lzma.h" "$o/src/liblzma/api/lzma" "$pre/include/"
	done
	mark xz-utils "$LZMA_OPTS"
}

# Decompression only, without the pre-1.0 formats (v0.5-v0.7 decoders: 54 KB
# for streams no current zstd writes), Huffman single-stream (X1) tables and
# the short-sequence decoder only: 6% slower to decompress here (211-217
# against 227-230 MB/s of CPU time, -Os), 37 KB less in the archive.
ZSTD_OPTS="ZSTD_LIB_COMPRESSION=0 ZSTD_LIB_DICTBUILDER=0 ZSTD_LIB_DEPRECATED=0 ZSTD_NO_ASM=1 ZSTD_LEGACY_SUPPORT=0"
ZSTD_DEFS="-DHUF_FORCE_DECOMPRESS_X1 -DZSTD_FORCE_DECOMPRESS_SEQUENCES_SHORT"
build_zstd() {
	built libzstd "$ZSTD_OPTS $ZSTD_DEFS" && return 0
	fetch libzstd
	say "building libzstd, decompression only (musl static, and host static for tests)"
	for flavour in musl host; do
		flavour_env $flavour
		o=$B/obj/zstd-$flavour
		rm -rf "$o"; cp -a "$B/src/libzstd" "$o"
		# shellcheck disable=SC2086
		make -C "$o/lib" -j"$JOBS" CC="$cc" CFLAGS="$cf $ZSTD_DEFS" $ZSTD_OPTS \
			libzstd.a >"$o.log" 2>&1 || die "libzstd $flavour build failed: see $o.log"
		cp "$o/lib/libzstd.a" "$pre/lib/"
		cp "$o/lib/zstd.h" "$o/lib/zstd_errors.h" "$pre/include/"
	done
	mark libzstd "$ZSTD_OPTS $ZSTD_DEFS"
}

# expat: the XML reader for RESTCONF replies in the XML encoding. Its three C
# files are compiled directly (as cJSON's is) against a configuration written
# here, not by its configure script, for the smallest parser that does the
# job: no DTD support (XML_DTD off: no parameter entities, no external
# subsets; the reader in src/base/xml.c refuses any DOCTYPE before its
# internal subset is read, so no entity is ever declared); no namespace
# support (XML_NS off: it doubles the tokenizer's tables; src/base/xml.c
# resolves the xmlns attributes itself); the small tokenizer (XML_MIN_SIZE,
# 18 KB less; it has crashed on UTF-16 input, which src/base/xml.c therefore
# never lets expat see);
# no context buffer (the document is parsed in place); getrandom() for the
# hash salt; no unwind tables in the agent's copy. No xmlwf, examples, tests
# or documentation are built.
build_expat() {
	built expat && return 0
	fetch expat
	say "building expat without DTD and namespace support (musl static, and host static for tests)"
	src=$B/src/expat/expat/lib
	o=$B/obj/expat
	rm -rf "$o"; mkdir -p "$o"
	cat >"$o/expat_config.h" <<-EOF
	/* expat_config.h for sztp-initrd, written by initrd/deps.sh */
	#ifndef EXPAT_CONFIG_H
	#define EXPAT_CONFIG_H 1
	#define BYTEORDER 1234
	#define HAVE_GETRANDOM 1
	#define XML_MIN_SIZE 1
	#endif
	EOF
	for flavour in musl host; do
		flavour_env $flavour
		[ $flavour = musl ] && cf="$cf -fno-asynchronous-unwind-tables -fno-unwind-tables"
		objs=""
		for f in xmlparse xmlrole xmltok; do
			$cc $cf -std=c99 -I"$o" -c "$src/$f.c" -o "$o/$f-$flavour.o" ||
				die "expat $flavour build failed ($f.c)"
			objs="$objs $o/$f-$flavour.o"
		done
		rm -f "$pre/lib/libexpat.a"
		# shellcheck disable=SC2086
		ar rcs "$pre/lib/libexpat.a" $objs
		cp "$src/expat.h" "$src/expat_external.h" "$pre/include/"
	done
	mark expat
}

# nettle, for its SHA-256 with the x86 SHA extensions only (src/base/sha256.c
# picks it at run time from cpuid, BearSSL's portable code otherwise). Built
# without the fat layer: its constructor would pull every fat function (AES,
# GHASH, SHA-1, memxor: ~37 KB) into the static binary; the cpuid check is
# ours. Without hogweed (no GMP). 3.10 (trixie) hashes many blocks per call
# of the SHA-NI code: 1.38 GB/s against 3.8's 1.27 GB/s here.
build_nettle() {
	built nettle && return 0
	fetch nettle
	say "building nettle, SHA-NI, no public key (musl static, and host static for tests)"
	for flavour in musl host; do
		flavour_env $flavour
		o=$B/obj/nettle-$flavour
		rm -rf "$o"; cp -a "$B/src/nettle" "$o"
		(cd "$o" && CC=$cc CFLAGS="$cf" ./configure --host=x86_64-linux-gnu --prefix=/ \
			--disable-shared --enable-static --disable-documentation --disable-openssl \
			--disable-public-key --disable-fat --enable-x86-sha-ni >configure.log 2>&1 &&
			make -j"$JOBS" libnettle.a >make.log 2>&1 &&
			make install-headers DESTDIR="$pre" >>make.log 2>&1) ||
			die "nettle $flavour build failed: see $o/configure.log and $o/make.log"
		cp "$o/libnettle.a" "$pre/lib/"
	done
	mark nettle
}

# busybox for the initramfs: static musl, only the applets of
# initrd/busybox.applets (Debian's busybox-static has all of them: 1.98 MB).
build_busybox() {
	conf=$(grep -v '^#' "$TOP/initrd/busybox.applets" | tr -s ' \t\n' ' ')
	built busybox "$conf" && return 0
	fetch busybox
	kheaders
	o=$B/obj/busybox
	rm -rf "$o"; cp -a "$B/src/busybox" "$o"
	say "building busybox with the applets of initrd/busybox.applets (musl static)"
	(
		cd "$o"
		make allnoconfig >make.log 2>&1
		for w in $conf; do
			k=${w%%=*} v=y
			case $w in *=*) v=${w#*=} ;; esac
			sed -i "/^# CONFIG_$k is not set\$/d; /^CONFIG_$k=/d" .config
			echo "CONFIG_$k=$v" >>.config
		done
		yes "" | make oldconfig >>make.log 2>&1
		for w in $conf; do
			grep -q "^CONFIG_${w%%=*}=" .config || { echo "option ${w%%=*} unknown" >>make.log; exit 1; }
		done
		make -j"$JOBS" CC="$MUSLCC" HOSTCC=cc \
			EXTRA_CFLAGS="-isystem $PREFIX/include -fno-asynchronous-unwind-tables" \
			busybox >>make.log 2>&1
	) || die "busybox build failed: see $o/make.log"
	mkdir -p "$PREFIX/bin"
	strip -o "$PREFIX/bin/busybox" "$o/busybox_unstripped" 2>/dev/null || cp "$o/busybox" "$PREFIX/bin/busybox"
	mark busybox "$conf"
}

libs() { build_bearssl; build_kmod; build_tss; build_cjson; build_zlib; build_lzma; build_zstd; build_expat; build_nettle; build_busybox; }

# ---------------------------------------------------------------- kernel
kernel() {
	[ -f "$STAMP/kernel" ] && return 0
	aptcfg
	pkg=$(apt-cache $(aptopts) depends linux-image-amd64 2>/dev/null |
		awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
	[ -n "$pkg" ] || die "cannot resolve linux-image-amd64 in bookworm"
	say "fetching kernel $pkg"
	rm -rf "$B/dl/kernel" "$B/kernel"
	mkdir -p "$B/dl/kernel" "$B/kernel"
	(cd "$B/dl/kernel" && apt-get $(aptopts) download -q "$pkg" >/dev/null) ||
		die "apt-get download $pkg failed"
	dpkg-deb -x "$B/dl/kernel"/*.deb "$B/kernel/root" || die "dpkg-deb -x failed"
	kver=$(ls "$B/kernel/root/lib/modules" | head -n1)
	[ -n "$kver" ] || die "$pkg holds no modules"
	cp "$B/kernel/root/boot/vmlinuz-$kver" "$B/kernel/vmlinuz"
	printf '%s\n' "$kver" >"$B/kernel/version"
	rm -rf "$B/dl/kernel"
	touch "$STAMP/kernel"
}

case "${1:-all}" in
packages) packages ;;
libs) libs ;;
busybox) build_busybox ;;
kernel) kernel ;;
sources) sources ;;
all) packages; libs; kernel ;;
*) die "usage: deps.sh packages|libs|busybox|kernel|sources|all" ;;
esac
