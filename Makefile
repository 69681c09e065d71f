# gputrace build. `make` builds build/gputrace; `make check` runs every test;
# `make demo` installs what is missing, builds and shows a recording.
#
# Data flow in the tree (docs/design.md has the map): bpf/ (events born) ->
# include/gputrace (wire structs) -> src/record (load, attach, drain) ->
# src/trace (file) -> src/model -> src/findings -> src/render; the live
# system: src/sys -> src/status, src/audit (check) -> src/render; src/redact
# cleans traces for a bundle; src/cmd holds one file per command.

CC        ?= gcc
CLANG     ?= clang
BPFTOOL   ?= bpftool
VERSION   := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
BUILD     := build
ARCH      := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux

CFLAGS    ?= -O2 -g
CFLAGS    += -Wall -Wextra -Wno-unused-parameter -std=gnu11 -D_GNU_SOURCE \
             -Iinclude -iquote src -iquote $(BUILD) -DGPUTRACE_VERSION='"$(VERSION)"'
CFLAGS    += $(shell pkg-config --cflags libxml-2.0 2>/dev/null || echo -I/usr/include/libxml2)
LDLIBS    += -lbpf -lelf -lz -lpci -lxml2

# maps.bpf.c defines what the others declare extern: link it first.
BPF_SRCS  := bpf/maps.bpf.c $(filter-out bpf/maps.bpf.c,$(wildcard bpf/*.bpf.c))
BPF_OBJS  := $(patsubst bpf/%.bpf.c,$(BUILD)/bpf/%.bpf.o,$(BPF_SRCS))
SRCS      := $(wildcard src/*.c src/*/*.c)
OBJS      := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(SRCS))
LIB_OBJS  := $(filter-out $(BUILD)/obj/main.o,$(OBJS))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))

# Fuzzing (tests/fuzz, docs/fuzzing.md): the library again, built by clang
# with libFuzzer's coverage and ASan + UBSan, linked into one binary per
# harness. `make fuzz` runs each for FUZZ_SECONDS; `make check` replays the
# corpus through them. -O2, not libFuzzer's usual -O1: 1.5x the execs per
# second on the same corpus (the HTML and redaction paths inline well).
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS  := -g -O2 $(filter-out -O2 -g,$(CFLAGS)) $(FUZZ_SAN)
FUZZ_OBJS    := $(patsubst src/%.c,$(BUILD)/fuzz/obj/%.o,$(filter-out src/main.c,$(SRCS)))
FUZZ_SRCS    := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS    := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))

.PHONY: all check unit host lab bench demo deps clean install uninstall fuzz fuzz-build fuzz-seeds man deb
all: $(BUILD)/gputrace

$(BUILD)/vmlinux.h:
	@mkdir -p $(@D)
	@test -r $(VMLINUX_BTF) || { echo "error: $(VMLINUX_BTF) missing: the build needs a kernel with BTF (CONFIG_DEBUG_INFO_BTF)" >&2; exit 1; }
	$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@.tmp && mv $@.tmp $@

# The syscall numbers the write hot path compares against, taken from the C
# library's headers for this architecture: immediates there, not loads from
# a map, since that check runs for every syscall on the machine.
$(BUILD)/syscall_nr.h: Makefile
	@mkdir -p $(@D)
	printf '#include <sys/syscall.h>\nGT_NR_WRITE SYS_write\nGT_NR_PWRITE64 SYS_pwrite64\nGT_NR_WRITEV SYS_writev\nGT_NR_PWRITEV SYS_pwritev\nGT_NR_PWRITEV2 SYS_pwritev2\n' | \
		$(CC) -E -P - | sed -n 's/^GT_NR/#define GT_NR/p' > $@.tmp
	@test "$$(grep -c '^#define GT_NR_[A-Z0-9]* [0-9][0-9]*$$' $@.tmp)" = 5 || { echo "error: no syscall numbers from <sys/syscall.h>" >&2; exit 1; }
	mv $@.tmp $@

$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.h) include/gputrace/event.h include/gputrace/guard.h $(BUILD)/vmlinux.h $(BUILD)/syscall_nr.h
	@mkdir -p $(@D)
	$(CLANG) -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Iinclude -I$(BUILD) -Ibpf -c $< -o $@

# All BPF concerns linked into one object: one skeleton, one BTF parse at load.
$(BUILD)/gputrace.bpf.o: $(BPF_OBJS)
	$(BPFTOOL) gen object $@ $^

$(BUILD)/gputrace.skel.h: $(BUILD)/gputrace.bpf.o
	$(BPFTOOL) gen skeleton $< name gputrace_bpf > $@.tmp && mv $@.tmp $@

# The reset and power-state hooks (record --pm-hooks): an object of their
# own, loaded after the main one, so a kernel that refuses them refuses
# nothing else. maps.bpf.c gives it the same maps (shared by fd).
$(BUILD)/gputrace_pm.bpf.o: $(BUILD)/bpf/maps.bpf.o $(BUILD)/bpf/pm/reset_power.bpf.o
	$(BPFTOOL) gen object $@ $^

$(BUILD)/gputrace_pm.skel.h: $(BUILD)/gputrace_pm.bpf.o
	$(BPFTOOL) gen skeleton $< name gputrace_pm_bpf > $@.tmp && mv $@.tmp $@

# gputrace guard's programs (an lsm one among them): an object of their
# own, so the recorder never loads them; maps.bpf.c gives them the ring
# buffer and counters the task capture uses.
$(BUILD)/gputrace_guard.bpf.o: $(BUILD)/bpf/maps.bpf.o $(BUILD)/bpf/guard/guard.bpf.o
	$(BPFTOOL) gen object $@ $^

$(BUILD)/gputrace_guard.skel.h: $(BUILD)/gputrace_guard.bpf.o
	$(BPFTOOL) gen skeleton $< name gputrace_guard_bpf > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/%.o: src/%.c $(BUILD)/gputrace.skel.h $(BUILD)/gputrace_pm.skel.h $(BUILD)/gputrace_guard.skel.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

# Made afresh: `ar r` keeps members of sources since moved or removed.
$(BUILD)/libgputrace.a: $(LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/gputrace: $(BUILD)/obj/main.o $(BUILD)/libgputrace.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# test_redact fails strdup() on demand: redaction must fail closed.
WRAP_test_redact := -Wl,--wrap=strdup

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libgputrace.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Itests/unit -o $@ $< $(BUILD)/libgputrace.a $(LDLIBS) -lcmocka $(WRAP_$*)

$(BUILD)/fuzz/obj/%.o: src/%.c $(BUILD)/gputrace.skel.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(BUILD)/fuzz/libgputrace.a: $(FUZZ_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h $(BUILD)/fuzz/libgputrace.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(BUILD)/fuzz/libgputrace.a $(LDLIBS)

fuzz-build: $(FUZZ_BINS)

# The crafted seeds (and REAL=traces recorded here, filtered) into the corpus.
$(BUILD)/fuzz/make_seeds: tests/fuzz/make_seeds.c tests/unit/trace_builder.h $(BUILD)/libgputrace.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Itests/unit -o $@ $< $(BUILD)/libgputrace.a $(LDLIBS)

fuzz-seeds: $(BUILD)/fuzz/make_seeds
	$(BUILD)/fuzz/make_seeds tests/fuzz/corpus $(REAL)

fuzz: $(FUZZ_BINS)
	tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BINS)

# The traces the HTML report's browser test renders (tests/html/run.sh).
$(BUILD)/tests/html_traces: tests/html/html_traces.c tests/unit/report_builder.h tests/unit/trace_builder.h $(BUILD)/libgputrace.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Itests/unit -o $@ $< $(BUILD)/libgputrace.a $(LDLIBS)

-include $(OBJS:.o=.d)
-include $(FUZZ_OBJS:.o=.d)

deps:
	scripts/deps.sh

unit: $(UNIT_BINS)
	tests/run-unit.sh $(UNIT_BINS)

host: $(BUILD)/gputrace
	tests/host/run.sh

lab: $(BUILD)/gputrace
	scripts/lab/run.sh $(if $(SCENARIO),--scenario $(SCENARIO)) $(if $(KERNEL),--kernel $(KERNEL)) $(if $(BACKEND),--backend $(BACKEND))

check: all $(UNIT_BINS) $(FUZZ_BINS) $(BUILD)/tests/html_traces
	tests/check.sh

bench: all
	tests/bench/run.sh

demo:
	scripts/deps.sh --quiet
	$(MAKE) all
	scripts/demo.sh

# Man pages: gputrace(8) and one per command, from the scdoc sources in
# docs/man (tests/docs/run.sh keeps them in step with each command's --help).
SCDOC     ?= scdoc
MAN_SRCS  := $(wildcard docs/man/*.scd)
MAN_PAGES := $(patsubst docs/man/%.scd,$(BUILD)/man/%,$(MAN_SRCS))

$(BUILD)/man/%: docs/man/%.scd
	@mkdir -p $(@D)
	$(SCDOC) < $< > $@.tmp && mv $@.tmp $@

man: $(MAN_PAGES)

# make install [PREFIX=/usr/local] [DESTDIR=staging]: the binary, the man
# pages, the docs, bash completion and the systemd units (the recorder's and
# the guard's template; neither enabled).
PREFIX    ?= /usr/local
SBINDIR   := $(PREFIX)/sbin
DOCDIR    := $(PREFIX)/share/doc/gputrace
MANDIR    := $(PREFIX)/share/man/man8
UNITDIR   ?= $(PREFIX)/lib/systemd/system
COMPDIR   ?= $(PREFIX)/share/bash-completion/completions
UNITS     := scripts/install/gputrace-record.service scripts/systemd/gputrace-guard@.service
INSTALLED := $(SBINDIR)/gputrace $(addprefix $(UNITDIR)/,$(notdir $(UNITS))) $(COMPDIR)/gputrace \
	     $(addprefix $(DOCDIR)/,$(notdir $(wildcard docs/*.md))) \
	     $(addprefix $(MANDIR)/,$(addsuffix .gz,$(notdir $(MAN_PAGES))))

install: $(BUILD)/gputrace $(MAN_PAGES)
	install -D -m 0755 $(BUILD)/gputrace $(DESTDIR)$(SBINDIR)/gputrace
	install -d $(DESTDIR)$(DOCDIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(COMPDIR) $(DESTDIR)$(MANDIR)
	install -m 0644 docs/*.md $(DESTDIR)$(DOCDIR)/
	for u in $(UNITS); do \
		sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@DOCDIR@|$(DOCDIR)|g' $$u > $(DESTDIR)$(UNITDIR)/$${u##*/} && \
		chmod 0644 $(DESTDIR)$(UNITDIR)/$${u##*/} || exit 1; \
	done
	install -m 0644 scripts/install/gputrace.bash $(DESTDIR)$(COMPDIR)/gputrace
	for m in $(MAN_PAGES); do \
		gzip -9n -c $$m > $(DESTDIR)$(MANDIR)/$${m##*/}.gz && chmod 0644 $(DESTDIR)$(MANDIR)/$${m##*/}.gz || exit 1; \
	done

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	-rmdir $(DESTDIR)$(DOCDIR) 2>/dev/null

# make deb: a Debian package (build/gputrace_VERSION-1_ARCH.deb) of what
# `make install PREFIX=/usr` installs, units in Debian's /lib/systemd/system;
# scripts/deb/build.sh writes the control files (docs/packaging.md).
deb: $(BUILD)/gputrace $(MAN_PAGES)
	rm -rf $(BUILD)/deb
	$(MAKE) --no-print-directory install DESTDIR=$(CURDIR)/$(BUILD)/deb/root PREFIX=/usr UNITDIR=/lib/systemd/system
	scripts/deb/build.sh $(BUILD)/deb/root $(VERSION) $(BUILD)

clean:
	rm -rf $(BUILD)
