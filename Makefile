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
#   make powercut power cuts at random moments of four provisioning windows
#                 (image write, head held back, head in use, configuration),
#                 ten each, every one followed by a clean re-provision (~1 h)
#   make sizes    the agent by library and object, sizes against their budgets
#   make bench    sizes (with a budget), verification cost, image streaming vs curl, SHA-256 rate, RSS, boot time
#   make mutate   mutation testing: every mutant of tests/mutate/mutants.txt must be
#                 caught by its suites (MUTANTS="a b" runs some)
#   make fuzz     the fuzz targets, FUZZ_SECONDS (300) each, and a table
#   make deps     only the dependencies (Debian packages, static libraries, kernel)
#   make install  the host tools: build/sztpboot and keys/sztp-artifacts into
#                 $(DESTDIR)$(PREFIX)/bin, the manual page build/sztpboot.8 into
#                 $(DESTDIR)$(PREFIX)/share/man/man8 (PREFIX=/usr/local)
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

# The agent: static musl, size-optimised, unused sections dropped, no unwind
# tables (C without exceptions or backtraces: 45 KB of .eh_frame otherwise).
MUSL_CC      := musl-gcc
MUSL_CFLAGS  := $(WARN) $(HARDEN) -Os -ffunction-sections -fdata-sections \
                -fno-asynchronous-unwind-tables -fno-unwind-tables \
                -isystem $(MUSL)/include
MUSL_LDFLAGS := -static -Wl,--gc-sections -Wl,-z,relro,-z,now,-z,noexecstack \
                -L$(MUSL)/lib
# The agent itself is a static PIE (issue 14: ASLR for PID 1, which parses
# network input): musl's rcrt1.o relocates it at start. musl-gcc's specs
# cannot link one (they always name a dynamic linker), so the link is the
# plain compiler driver with musl's start files and libc named explicitly.
# It costs about 37 KB (the relative relocations of pointer tables, 3.8%).
MUSL_SYSLIB  := $(or $(patsubst %/,%,$(dir $(shell sed -n 's/.*-specs "*\([^" ]*\)"*.*/\1/p' \
                $$(command -v $(MUSL_CC)) 2>/dev/null))),/usr/lib/x86_64-linux-musl)
PIE_LD       := $(or $(REALGCC),cc)
PIE_LDFLAGS  := -static-pie -nostdlib -Wl,--gc-sections -Wl,-z,relro,-z,now,-z,noexecstack \
                -L$(MUSL)/lib -L$(MUSL_SYSLIB)
PIE_START    := $(MUSL_SYSLIB)/rcrt1.o $(MUSL_SYSLIB)/crti.o $(shell $(PIE_LD) -print-file-name=crtbeginS.o)
PIE_END      := -lc $(shell $(PIE_LD) -print-libgcc-file-name) \
                $(shell $(PIE_LD) -print-file-name=crtendS.o) $(MUSL_SYSLIB)/crtn.o
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
FUZZ_JOBS    ?= 1
FUZZ_TARGETS ?=
vpath fuzz_%.c $(sort $(dir $(FUZZ_SRCS)))

DEPS_STAMP := $(B)/stamp/deps

.PHONY: FORCE all deps check check-long demo powercut fleet fuzz fuzz-smoke unit clean distclean pki \
	initrd agent bench uki lint man install mutate sizes debian-image demo-tiny
all: agent initrd uki man
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

# build/sztpboot.map: the linker map, for what each library costs
# (tests/bench/sizes.sh).
$(B)/sztpboot.unstripped: $(MUSL_OBJS)
	$(PIE_LD) $(PIE_LDFLAGS) -Wl,-Map=$(B)/sztpboot.map -o $@ $(PIE_START) $(MUSL_OBJS) \
		$(MUSL_LIBS) $(PIE_END)

$(B)/sztpboot: $(B)/sztpboot.unstripped
	strip --strip-all -R .comment -o $@ $<
	@file $@ | grep -q 'static-pie linked' || { echo "$@ is not a static PIE" >&2; exit 1; }

# ---------------------------------------------------------------- manual page
# build/sztpboot.8: docs/sztpboot.8 (plain roff) with the version filled in;
# `man -l build/sztpboot.8` reads it (tests/layout/manpage.sh checks it
# renders without a warning).
man: $(B)/sztpboot.8
$(B)/sztpboot.8: docs/sztpboot.8
	@mkdir -p $(@D)
	sed 's/@VERSION@/$(VERSION)/' $< >$@

# ---------------------------------------------------------------- initramfs
pki: $(B)/pki/.done
$(B)/pki/.done: keys/mkpki.sh keys/lib-ca.sh $(DEPS_STAMP)
	sh keys/mkpki.sh $(B)/pki
	@touch $@

# busybox with the applets of initrd/busybox.applets (built by deps.sh; its
# own rule, so that a changed list rebuilds busybox, not the agent)
BUSYBOX := $(MUSL)/bin/busybox
$(BUSYBOX): initrd/busybox.applets $(DEPS_STAMP)
	sh initrd/deps.sh busybox
	@touch $@

initrd: $(B)/initrd.img
# The knobs' values are a prerequisite (the stamp changes only when they do),
# and so are the files they name: `make ANCHORS=other initrd` rebuilds.
INITRD_KNOBS := $(ANCHORS)|$(DEVICE)|$(OVERLAY)|$(EXTRA_MODULES)
$(B)/stamp/initrd-knobs: FORCE
	@mkdir -p $(@D)
	@echo '$(INITRD_KNOBS)' >$@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
$(B)/initrd.img: $(B)/sztpboot $(BUSYBOX) initrd/mkinitrd.sh initrd/modules.list \
		$(shell find initrd/rootfs hooks -path hooks/os -prune -o -type f -print 2>/dev/null) $(B)/pki/.done \
		$(B)/stamp/initrd-knobs \
		$(shell find $(ANCHORS) $(DEVICE) $(OVERLAY) -type f 2>/dev/null)
	sh initrd/mkinitrd.sh --agent $(B)/sztpboot --busybox $(BUSYBOX) --kernel $(B)/kernel \
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

# ---------------------------------------------------------------- factory-fresh initramfs
# The factory-fresh initramfs of qemu/factory-test.sh: the same agent, hooks
# and device identity with NO bootstrap-server anchor (the voucher anchors of
# ANCHORS kept), as a device leaves the factory, HTTP Basic credentials
# (/etc/sztp/device/http-basic) that must never reach an untrusted server, and
# a built-in bootstrap server (/etc/sztp/servers) that comes last in the order.
# In its own directory: mkinitrd.sh assembles the tree beside --out.
FACTORY := $(B)/factory
$(FACTORY)/initrd.img: $(B)/initrd.img
	rm -rf $(FACTORY)/anchors $(FACTORY)/overlay
	mkdir -p $(FACTORY)/anchors/bootstrap $(FACTORY)/anchors/voucher $(FACTORY)/overlay
	cp $(ANCHORS)/voucher/* $(FACTORY)/anchors/voucher/
	$(if $(OVERLAY),cp -R $(OVERLAY)/. $(FACTORY)/overlay/)
	mkdir -p $(FACTORY)/overlay/etc/sztp/device
	printf 'factory:never-sent-to-an-untrusted-server\n' >$(FACTORY)/overlay/etc/sztp/device/http-basic
	printf '# the well-known server of the factory test\nhttps://builtin.example:8443\n' \
		>$(FACTORY)/overlay/etc/sztp/servers
	sh initrd/mkinitrd.sh --agent $(B)/sztpboot --busybox $(BUSYBOX) --kernel $(B)/kernel \
		--anchors $(FACTORY)/anchors --modules initrd/modules.list \
		$(if $(EXTRA_MODULES),--extra-modules "$(EXTRA_MODULES)") \
		$(if $(DEVICE),--device $(DEVICE)) --overlay $(FACTORY)/overlay --out $@

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

# One TPM connection across a simulator restart, for tests/tpm/tpm.sh.
$(B)/tpm-reconnect: tests/tpm/reconnect.c $(HOST_OBJS)
	$(HOST_CC) $(CPPFLAGS) $(HOST_CFLAGS) $(HOST_LDFLAGS) -o $@ $< $(HOST_OBJS) $(HOST_LIBS)

$(B)/obj/fuzz/%.o: src/%.c $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

$(B)/fuzz/%: %.c $(FUZZ_OBJS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) -Itests/fuzz $(FUZZ_CFLAGS) -MMD -MP -MF $@.d -fsanitize=fuzzer \
		-o $@ $< $(FUZZ_OBJS) \
		-L$(HOST)/lib $(HOST_LIBS)

fuzz-smoke: $(FUZZ_BINS)
	sh tests/fuzz/run.sh smoke $(FUZZ_BINS)

# make fuzz [FUZZ_SECONDS=300] [FUZZ_JOBS=1] [FUZZ_TARGETS="verify cms"]: each
# target for FUZZ_SECONDS on its kept corpus, then a table (docs/development.md).
fuzz: $(FUZZ_BINS)
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_JOBS=$(FUZZ_JOBS) sh tests/fuzz/run.sh long \
		$(if $(FUZZ_TARGETS),$(addprefix $(B)/fuzz/fuzz_,$(FUZZ_TARGETS)),$(FUZZ_BINS))

check: all $(FACTORY)/initrd.img $(B)/unit-tests $(B)/install-driver $(B)/tpm-reconnect $(FUZZ_BINS)
	sh tests/bench/sizes.sh --check
	sh tests/run.sh

# Static checks over src/: cppcheck and clang-tidy (.clang-tidy names the
# checks and why some are off); every finding fails. check runs it too (the
# "lint" suite of tests/run.sh). Needs the Debian-built headers of the deps.
lint: $(DEPS_STAMP)
	sh tests/lint/run.sh

# What the agent is made of (by library and object) and the size budgets
# (tests/bench/budget.txt); make check runs the budget lines.
sizes: all
	sh tests/bench/sizes.sh

# The longer suites, not part of check: tests/run.sh's qemu-long: UEFI HTTP
# boot under OVMF and its failure cases, two negative-matrix cases on the real
# boot path (about 25 minutes under TCG), and a real Debian provisioned and
# booted: kexec, the reboot fallback, re-provisioning by a reboot into
# recovery (about 80 minutes under TCG; SZTP_LONG_TESTS=debian runs only
# these). SZTP_LONG_TESTS picks suites as SZTP_TESTS does.
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

# Mutation testing (docs/development.md): each mutant applied to a scratch
# copy of the tree (build/mutate/tree), its suites run, reverted; a table at
# the end; exit 1 if one survives. make check runs the quick subset.
MUTANTS ?=
mutate: $(B)/unit-tests $(B)/sztpboot $(B)/install-driver
	sh tests/mutate/run.sh $(MUTANTS)

demo: all debian-image
	sh qemu/demo-debian.sh

# The same provisioning with the tiny test OS (tests/install/mkimage.sh), in
# about a minute: switch_root into it, which prints what was applied.
demo-tiny: all
	sh qemu/demo-install.sh

# Power cuts (qemu/powercut-test.sh; not in make check): QEMU killed at a
# random moment of each of four windows of provisioning, POWERCUT_CUTS (10)
# times each, each cut followed by a boot that must re-provision cleanly;
# none may boot a partial image. Bounded by POWERCUT_BUDGET seconds (3600);
# the table goes to build/powercut/table.txt.
powercut: all
	sh qemu/powercut-test.sh

# A thousand simulated devices (sztpboot run, each its own identity) booting
# at once against the test bootstrap server while it fails in scripted ways;
# checks and figures as in docs/fleet.md. FLEET_DEVICES overrides the count.
# A 50-device version is the fleet suite of make check. Not part of check.
FLEET_DEVICES ?= 1000
fleet: agent
	FLEET_DEVICES=$(FLEET_DEVICES) \
	FLEET_ARGS="$${FLEET_ARGS:---storm 30 --slow 30,40,2 --reset-every 50 --deadline 150}" \
	sh tests/fleet/fleet.sh

# The host tools an owner or operator runs: the agent (its subcommands run
# the device's own checks on any Linux host), its manual page, and the owner
# tool.
PREFIX  ?= /usr/local
DESTDIR ?=
install: $(B)/sztpboot $(B)/sztpboot.8
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man8
	install -m 0755 $(B)/sztpboot $(DESTDIR)$(PREFIX)/bin/sztpboot
	install -m 0755 keys/sztp-artifacts $(DESTDIR)$(PREFIX)/bin/sztp-artifacts
	install -m 0644 $(B)/sztpboot.8 $(DESTDIR)$(PREFIX)/share/man/man8/sztpboot.8

clean:
	rm -rf $(B)/obj $(B)/sztpboot* $(B)/initrd.img $(B)/unit-tests $(B)/fuzz \
		$(B)/initrd-root $(B)/pki $(B)/fleet $(B)/fleet-figures.json $(B)/factory

distclean:
	rm -rf $(B)

# Objects are never intermediate files to delete.
.SECONDARY:

-include $(wildcard $(foreach o,musl host fuzz unit,$(B)/obj/$(o)/*.d $(B)/obj/$(o)/*/*.d))
-include $(wildcard $(B)/fuzz/*.d)
