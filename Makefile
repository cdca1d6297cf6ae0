# sztp-initrd: a Linux initramfs stage for Secure Zero-Touch Provisioning (RFC 8572).
#
#   make          dependencies, build/sztpboot (static musl), build/initrd.img and
#                 build/sztpboot.efi (a UKI: kernel + initramfs + command line)
#   make check    everything above, then all tests (unit, fuzz smoke, QEMU boot)
#   make check-long  the longer suites: UEFI HTTP boot under OVMF and its failures,
#                 Debian provisioned and booted (kexec, reboot, recovery)
#   make demo     zero-touch provisioning of Debian in QEMU + swtpm, from a blank
#                 disk to its login prompt, console on the terminal (make demo-tiny:
#                 the tiny test OS, a minute)
#   make powercut the power-cut loop (QEMU killed during the image write)
#   make bench    sizes (with a budget), verification cost, image streaming vs curl, SHA-256 rate, RSS, boot time
#   make fuzz     the fuzz targets, longer (FUZZ_SECONDS each)
#   make deps     only the dependencies (Debian packages, static libraries, kernel)
#   make install  the host tools: sztpboot and keys/sztp-artifacts into
#                 $(DESTDIR)$(PREFIX)/bin (PREFIX=/usr/local)
#   make debian-image  the Debian 12 disk image make demo provisions (build/debian/)
#
# Operator knobs (see docs/initrd.md):
#   ANCHORS=DIR         trust anchors (DIR/bootstrap/*.pem, DIR/voucher/*.pem)
#   EXTRA_MODULES="..." kernel modules added to initrd/modules.list
#   OVERLAY=DIR         a tree copied over the initramfs root last
#   DEVICE=DIR          a lab device identity (chain.pem, idevid.pem, idevid.key)
#                       put in /etc/sztp/device/ for machines without a TPM
#                       IDevID; default: the test PKI's; DEVICE= for none
#   UKI_CMDLINE="..."   the command line baked into build/sztpboot.efi
#                       (docs/netboot.md; no single quotes)

B        := build
MUSL     := $(B)/musl
HOST     := $(B)/host
ANCHORS  ?= $(B)/pki/anchors
OVERLAY  ?=
DEVICE   ?= $(B)/pki/device
EXTRA_MODULES ?=
UKI_CMDLINE ?= console=tty0 console=ttyS0,115200 panic=10
UKI_STUB ?= /usr/lib/systemd/boot/efi/linuxx64.efi.stub
VERSION  := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
# The agent's build time, the lowest trusted bound on the time it will ever
# use (src/trust/clock.h): reproducible, SOURCE_DATE_EPOCH or else the last
# commit's time; without either, clock.c's CLOCK_BUILD_TIME_MIN.
BUILD_TIME := $(or $(SOURCE_DATE_EPOCH),$(shell git log -1 --format=%ct 2>/dev/null),0)

WARN     := -std=c11 -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wvla \
            -Wstrict-prototypes -Wmissing-prototypes -Wnull-dereference
HARDEN   := -fstack-protector-strong -fstack-clash-protection -fcf-protection \
            -D_FORTIFY_SOURCE=2
CPPFLAGS := -D_GNU_SOURCE -DSZTP_VERSION=\"$(VERSION)\" -Isrc

# The agent: static musl, size-optimised, unused sections dropped.
MUSL_CC      := musl-gcc
MUSL_CFLAGS  := $(WARN) $(HARDEN) -Os -ffunction-sections -fdata-sections \
                -isystem $(MUSL)/include
MUSL_LDFLAGS := -static -Wl,--gc-sections -Wl,-z,relro,-z,now,-z,noexecstack \
                -L$(MUSL)/lib
MUSL_LIBS    := -lcjson -lexpat -lbearssl -lnettle -lz -llzma -lzstd -lkmod -ltss2-sys -ltss2-mu -ltss2-tcti-device -ltss2-tcti-swtpm -ltss2-tcti-mssim

# Host builds of the same sources for unit tests: glibc, ASan + UBSan.
HOST_CC      := cc
HOST_CFLAGS  := $(WARN) -O1 -g -fno-omit-frame-pointer \
                -fsanitize=address,undefined -fno-sanitize-recover=all \
                -isystem $(HOST)/include
HOST_LDFLAGS := -fsanitize=address,undefined -L$(HOST)/lib
HOST_LIBS    := -lcjson -lexpat -lbearssl -lnettle -lz -llzma -lzstd -lkmod \
                -ltss2-sys -ltss2-mu -ltss2-tcti-device -ltss2-tcti-swtpm -ltss2-tcti-mssim

# The agent's sources: src/main.c (the program: the subcommand table) and one
# folder per subsystem (src/README.md). Every folder builds for the device
# (static musl) and for the host (glibc, ASan + UBSan) alike: the host tests
# link the same code against Debian's libtss2 and libkmod, so nothing is left
# out of the unit tests and fuzz targets but the entry point.
LIB_SRCS     := $(sort $(wildcard src/*/*.c))
SRCS         := src/main.c $(LIB_SRCS)

MUSL_OBJS := $(SRCS:src/%.c=$(B)/obj/musl/%.o)
HOST_OBJS := $(LIB_SRCS:src/%.c=$(B)/obj/host/%.o)
# Unit tests: tests/unit/<subsystem>/test_NAME.c, shared fixtures in tests/unit/.
UNIT_SRCS := $(sort $(wildcard tests/unit/*.c tests/unit/*/*.c))
UNIT_OBJS := $(UNIT_SRCS:tests/unit/%.c=$(B)/obj/unit/%.o)

# Fuzz targets: tests/fuzz/<subsystem>/fuzz_NAME.c, seeds in
# tests/fuzz/<subsystem>/corpus/NAME/.
FUZZ_CC     := clang
FUZZ_CFLAGS := -std=c11 -g -O1 -fsanitize=fuzzer-no-link,address,undefined \
               -fno-sanitize-recover=all -isystem $(HOST)/include
FUZZ_SRCS   := $(sort $(wildcard tests/fuzz/*/fuzz_*.c))
FUZZ_BINS   := $(addprefix $(B)/fuzz/,$(basename $(notdir $(FUZZ_SRCS))))
FUZZ_OBJS   := $(LIB_SRCS:src/%.c=$(B)/obj/fuzz/%.o)
FUZZ_SECONDS ?= 300
vpath fuzz_%.c $(sort $(dir $(FUZZ_SRCS)))

DEPS_STAMP := $(B)/stamp/deps

.PHONY: FORCE all deps check check-long demo powercut fuzz fuzz-smoke unit clean distclean pki \
	initrd agent bench uki install debian-image demo-tiny
all: agent initrd uki
	@printf 'sztpboot: %s bytes (stripped), initrd.img: %s bytes, sztpboot.efi: %s bytes\n' \
		$$(stat -c %s $(B)/sztpboot) $$(stat -c %s $(B)/initrd.img) \
		$$(stat -c %s $(B)/sztpboot.efi)

agent: $(B)/sztpboot

deps: $(DEPS_STAMP)
$(DEPS_STAMP): initrd/deps.sh initrd/deps.lock
	sh initrd/deps.sh all
	@touch $@

# ---------------------------------------------------------------- build time
# clock.c is compiled with -DSZTP_BUILD_TIME; the stamp changes (and clock.c is
# rebuilt) only when the value does.
$(B)/stamp/build-time: FORCE
	@mkdir -p $(@D)
	@echo '$(BUILD_TIME)' >$@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
FORCE:
CLOCK_OBJS := $(foreach o,musl host fuzz,$(B)/obj/$(o)/trust/clock.o)
$(CLOCK_OBJS): $(B)/stamp/build-time
$(CLOCK_OBJS): CPPFLAGS += -DSZTP_BUILD_TIME=$(BUILD_TIME)LL

# The same for the version string: the files that print SZTP_VERSION are
# rebuilt when `git describe` changes (found by grep, so a new user needs no
# edit here).
$(B)/stamp/version: FORCE
	@mkdir -p $(@D)
	@echo '$(VERSION)' >$@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
VERSION_SRCS := $(shell grep -l SZTP_VERSION src/*.c src/*/*.c 2>/dev/null)
$(foreach o,musl host fuzz,$(VERSION_SRCS:src/%.c=$(B)/obj/$(o)/%.o)): $(B)/stamp/version

# ---------------------------------------------------------------- agent
$(B)/obj/musl/%.o: src/%.c $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(MUSL_CC) $(CPPFLAGS) $(MUSL_CFLAGS) -MMD -MP -c $< -o $@

$(B)/sztpboot.unstripped: $(MUSL_OBJS)
	$(MUSL_CC) $(MUSL_CFLAGS) $(MUSL_LDFLAGS) -o $@ $(MUSL_OBJS) $(MUSL_LIBS)

$(B)/sztpboot: $(B)/sztpboot.unstripped
	strip --strip-all -R .comment -o $@ $<
	@file $@ | grep -q 'statically linked' || { echo "$@ is not statically linked" >&2; exit 1; }

# ---------------------------------------------------------------- initramfs
pki: $(B)/pki/.done
$(B)/pki/.done: keys/mkpki.sh keys/lib-ca.sh $(DEPS_STAMP)
	sh keys/mkpki.sh $(B)/pki
	@touch $@

initrd: $(B)/initrd.img
# The knobs' values are a prerequisite (the stamp changes only when they do),
# and so are the files they name: `make ANCHORS=other initrd` rebuilds.
INITRD_KNOBS := $(ANCHORS)|$(DEVICE)|$(OVERLAY)|$(EXTRA_MODULES)
$(B)/stamp/initrd-knobs: FORCE
	@mkdir -p $(@D)
	@echo '$(INITRD_KNOBS)' >$@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
$(B)/initrd.img: $(B)/sztpboot initrd/mkinitrd.sh initrd/modules.list \
		$(shell find initrd/rootfs hooks -path hooks/os -prune -o -type f -print 2>/dev/null) $(B)/pki/.done \
		$(B)/stamp/initrd-knobs \
		$(shell find $(ANCHORS) $(DEVICE) $(OVERLAY) -type f 2>/dev/null)
	sh initrd/mkinitrd.sh --agent $(B)/sztpboot --kernel $(B)/kernel \
		--anchors $(ANCHORS) --modules initrd/modules.list \
		$(if $(EXTRA_MODULES),--extra-modules "$(EXTRA_MODULES)") \
		$(if $(DEVICE),--device $(DEVICE)) $(if $(OVERLAY),--overlay $(OVERLAY)) --out $@

# ---------------------------------------------------------------- UKI
# build/sztpboot.efi: the systemd EFI stub + kernel + initramfs + UKI_CMDLINE
# (docs/netboot.md). The command line is kept in a file so that a changed
# UKI_CMDLINE rebuilds the image.
uki: $(B)/sztpboot.efi
$(B)/sztpboot.cmdline: FORCE
	@mkdir -p $(@D)
	@printf '%s' '$(UKI_CMDLINE)' | cmp -s - $@ || printf '%s' '$(UKI_CMDLINE)' >$@

$(B)/sztpboot.efi: $(B)/initrd.img $(B)/sztpboot.cmdline initrd/mkuki.sh $(DEPS_STAMP)
	sh initrd/mkuki.sh --stub $(UKI_STUB) --kernel $(B)/kernel/vmlinuz \
		--initrd $(B)/initrd.img --cmdline "$$(cat $(B)/sztpboot.cmdline)" \
		--version $(VERSION) --out $@

# ---------------------------------------------------------------- the Debian image
# A minimal Debian 12 disk image (GPT: ESP with systemd-boot, DPS root) for
# SZTP to install, one per IMAGE_VERSION (docs/debian-image.md). The script
# keeps its own cache keyed on the recipe's hash (qemu/debian-image/): a few
# minutes the first time, nothing afterwards.
DEBIAN_IMAGE_VERSIONS ?= 1 2
debian-image: $(DEPS_STAMP)
	sh qemu/debian-image/mkdebian.sh $(B)/debian $(foreach v,$(DEBIAN_IMAGE_VERSIONS),--image-version $(v))

# ---------------------------------------------------------------- tests
$(B)/obj/host/%.o: src/%.c $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(HOST_CC) $(CPPFLAGS) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

$(B)/obj/unit/%.o: tests/unit/%.c $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(HOST_CC) $(CPPFLAGS) -Itests/unit $(HOST_CFLAGS) -MMD -MP -c $< -o $@

$(B)/unit-tests: $(UNIT_OBJS) $(HOST_OBJS)
	$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^ $(HOST_LIBS)

unit: $(B)/unit-tests
	$(B)/unit-tests

# The install API on a host, for tests/install/install.sh.
$(B)/install-driver: tests/install/driver.c $(HOST_OBJS)
	$(HOST_CC) $(CPPFLAGS) $(HOST_CFLAGS) $(HOST_LDFLAGS) -o $@ $< $(HOST_OBJS) $(HOST_LIBS)

$(B)/obj/fuzz/%.o: src/%.c $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

$(B)/fuzz/%: %.c $(FUZZ_OBJS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) -Itests/fuzz $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJS) \
		-L$(HOST)/lib $(HOST_LIBS)

fuzz-smoke: $(FUZZ_BINS)
	sh tests/fuzz/run.sh smoke $(FUZZ_BINS)

fuzz: $(FUZZ_BINS)
	sh tests/fuzz/run.sh long $(FUZZ_BINS)

check: all $(B)/unit-tests $(B)/install-driver $(FUZZ_BINS)
	sh tests/run.sh

# The longer suites, not part of check: tests/run.sh's qemu-long: UEFI HTTP
# boot under OVMF and its failure cases (about 25 minutes under TCG), and a
# real Debian provisioned and booted: kexec, the reboot fallback,
# re-provisioning by a reboot into recovery (about 80 minutes under TCG;
# SZTP_LONG_TESTS=debian runs only these). SZTP_LONG_TESTS picks suites as
# SZTP_TESTS does.
check-long: all $(B)/unit-tests $(B)/install-driver debian-image
	SZTP_TESTS="$${SZTP_LONG_TESTS:-qemu-long}" sh tests/run.sh

# Measurements, not tests (sizes, verify cost, image throughput, boot time):
# a table, JSON lines in build/bench/results.jsonl; exit 1 if over the budgets
# in tests/bench/budget.txt. Not part of check.
bench: all $(B)/sha256-rate
	sh tests/bench/bench.sh

# The agent's SHA-256 (the same musl object) hashing in memory, for make bench.
$(B)/sha256-rate: tests/bench/sha256_rate.c $(B)/obj/musl/base/sha256.o
	$(MUSL_CC) $(CPPFLAGS) $(MUSL_CFLAGS) $(MUSL_LDFLAGS) -o $@ $^ -lbearssl -lnettle

demo: all debian-image
	sh qemu/demo-debian.sh

# The same provisioning with the tiny test OS (tests/install/mkimage.sh), in
# about a minute: switch_root into it, which prints what was applied.
demo-tiny: all
	sh qemu/demo-install.sh

# The power-cut loop: QEMU killed at three points of the image write, then a
# good boot; the device must re-provision and never boot a partial image.
powercut: all
	SZTP_POWERCUT_SPLITS="100000 800000 1500000" sh qemu/install-test.sh powercut

# The host tools an owner or operator runs: the agent (its subcommands run
# the device's own checks on any Linux host) and the owner tool.
PREFIX  ?= /usr/local
DESTDIR ?=
install: $(B)/sztpboot
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(B)/sztpboot $(DESTDIR)$(PREFIX)/bin/sztpboot
	install -m 0755 keys/sztp-artifacts $(DESTDIR)$(PREFIX)/bin/sztp-artifacts

clean:
	rm -rf $(B)/obj $(B)/sztpboot* $(B)/initrd.img $(B)/unit-tests $(B)/fuzz \
		$(B)/initrd-root $(B)/pki

distclean:
	rm -rf $(B)

# Objects are never intermediate files to delete.
.SECONDARY:

-include $(wildcard $(foreach o,musl host fuzz unit,$(B)/obj/$(o)/*.d $(B)/obj/$(o)/*/*.d))
