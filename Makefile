# SPDX-License-Identifier: ISC
# switchd top-level Makefile.  `make` builds into $(B) and installs
# nothing: before the first configure it names, on one line, what is
# missing and its Debian package.  `make run`, `make check`, `make bench`,
# `make bench-vm`, `make fuzz` and `make deps` first install what is
# missing on Debian (build-aux/deps.sh), so they work right after a
# clone.  A second tree, build-san, holds the same build with
# AddressSanitizer and UndefinedBehaviorSanitizer.  `make V=1` shows the
# commands in full.

B ?= build
PREFIX ?= /usr/local
DESTDIR ?=
CONFIGURE_FLAGS ?=

ifeq ($(B),build-san)
CONFIGURE_FLAGS += --enable-sanitizers
endif

.DEFAULT_GOAL := all
.PHONY: all run check tests bench bench-vm fuzz install clean distclean deps \
	progs test-progs

# The configuration is read only by a make that compiles: these goals
# configure a tree or install what is missing first, then call make again
# (on progs or test-progs) to build, or build nothing.
DRIVERS = all run check tests bench bench-vm fuzz install clean distclean deps
ifneq ($(filter-out $(DRIVERS),$(MAKECMDGOALS)),)
-include $(B)/config.mk
-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)
endif

# Plain make installs nothing: a tree about to be configured first checks
# that everything is there, and stops on one line if not.
ifneq ($(filter all tests install,$(or $(MAKECMDGOALS),all)),)
ifeq ($(wildcard $(B)/config.mk),)
MISSING := $(shell build-aux/deps.sh -n build 2>&1)
ifneq ($(MISSING),)
$(error $(MISSING))
endif
endif
endif

# Short lines by default, as "  CC      file"; V=1 shows each command.
ifeq ($(V),1)
quiet =
else
quiet = @printf '  %-7s %s\n' '$(1)' '$(2)';
endif

WARN = -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wpointer-arith
CFLAGS_ALL = -std=gnu11 -O2 -g $(WARN) -D_GNU_SOURCE -DVERSION='"$(VERSION)"' \
	-Icommon -Iswitchd \
	$(CAPNG_CFLAGS) $(JSONC_CFLAGS) $(SODIUM_CFLAGS) $(SANITIZE_FLAGS) $(CPPFLAGS_USER) \
	$(CFLAGS_USER)
LDFLAGS_ALL = $(SANITIZE_FLAGS) $(LDFLAGS_USER)

COMMON_SRC = $(sort $(wildcard common/*.c))
SWITCHD_SRC = $(filter-out switchd/switchd.c,$(sort $(wildcard switchd/*.c)))
CTL_SRC = $(sort $(wildcard ctl/*.c))
PLUG_SRC = $(sort $(wildcard plugs/*.c))
UNIT_SRC = $(sort $(wildcard tests/unit/test_*.c))
BENCH_SRC = $(sort $(wildcard tests/bench/*.c))
TOOL_SRC = $(sort $(wildcard tests/tools/*.c))

obj = $(patsubst %.c,$(B)/obj/%.o,$(1))
COMMON_LIB = $(B)/libcommon.a
SWITCHD_LIB = $(B)/libswitchd.a
PROGS = $(B)/switchd $(B)/switchctl $(B)/switchplug
UNIT_PROGS = $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRC))
BENCH_PROGS = $(patsubst tests/bench/%.c,$(B)/bench/%,$(BENCH_SRC))
TOOL_PROGS = $(patsubst tests/tools/%.c,$(B)/tools/%,$(TOOL_SRC))

LIBS_DAEMON = $(EV_LIBS) $(CAPNG_LIBS) $(JSONC_LIBS) $(SODIUM_LIBS)
LIBS_TEST = $(CMOCKA_LIBS) $(LIBS_DAEMON) -lm

all: $(B)/config.mk
	@$(MAKE) --no-print-directory B=$(B) progs

tests: $(B)/config.mk
	@$(MAKE) --no-print-directory B=$(B) test-progs

# Named goals with a recipe: nothing is said when all is up to date.
progs: $(PROGS)
	@:
test-progs: $(PROGS) $(UNIT_PROGS) $(BENCH_PROGS) $(TOOL_PROGS)
	@:

deps:
	@build-aux/deps.sh build

configure: configure.ac
	$(call quiet,GEN,$@)autoreconf -fi

$(B)/config.mk: configure config.mk.in
	@mkdir -p $(B)
	$(call quiet,GEN,$@)cd $(B) && ../configure -q $(CONFIGURE_FLAGS)

$(COMMON_LIB): $(call obj,$(COMMON_SRC))
$(SWITCHD_LIB): $(call obj,$(SWITCHD_SRC))
$(COMMON_LIB) $(SWITCHD_LIB):
	$(call quiet,AR,$@)rm -f $@ && ar rcs $@ $^

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$<)$(CC) $(CFLAGS_ALL) -MMD -MP -c -o $@ $<

$(B)/switchd: $(call obj,switchd/switchd.c) $(SWITCHD_LIB) $(COMMON_LIB)
	$(call quiet,LD,$@)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LIBS_DAEMON) -lm

$(B)/switchctl: $(call obj,$(CTL_SRC)) $(COMMON_LIB)
	$(call quiet,LD,$@)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(JSONC_LIBS)

$(B)/switchplug: $(call obj,$(PLUG_SRC)) $(COMMON_LIB)
	$(call quiet,LD,$@)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(EV_LIBS) $(SODIUM_LIBS)

$(B)/tests/%: $(B)/obj/tests/unit/%.o $(SWITCHD_LIB) $(COMMON_LIB)
	@mkdir -p $(dir $@)
	$(call quiet,LD,$@)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LIBS_TEST)

# switchplug's pure code, tested on its own.
$(B)/tests/test_vtep: $(B)/obj/tests/unit/test_vtep.o $(call obj,plugs/vtep.c) \
    $(COMMON_LIB)
	@mkdir -p $(dir $@)
	$(call quiet,LD,$@)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LIBS_TEST)
$(B)/obj/tests/unit/test_vtep.o: CFLAGS_ALL += -Iplugs

$(B)/bench/%: $(B)/obj/tests/bench/%.o $(SWITCHD_LIB) $(COMMON_LIB)
	@mkdir -p $(dir $@)
	$(call quiet,LD,$@)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(EV_LIBS) $(SODIUM_LIBS) -lm

$(B)/tools/%: $(B)/obj/tests/tools/%.o $(COMMON_LIB)
	@mkdir -p $(dir $@)
	$(call quiet,LD,$@)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(EV_LIBS) -lm

# The objects of tests, benchmarks and tools are reached through pattern
# rules only, so make would delete them after linking and compile them
# again next time.  Keep them.
.SECONDARY: $(call obj,$(UNIT_SRC) $(BENCH_SRC) $(TOOL_SRC))

# Start a switch in the foreground with the defaults; ^C stops it.  As
# root, the switch runs as the user switchd, made here if missing.
run:
	@build-aux/deps.sh build
	@$(MAKE) --no-print-directory B=$(B) all
	@build-aux/switchd-user.sh
	$(B)/switchd $(SWITCHD_FLAGS)

# Every test on the normal build, again under the sanitizers, and the
# integration tests that feed switchd its peers' input a third time, with
# switchd under valgrind (tests/run.sh: CHECK_ONLY, CHECK_JOBS).
check:
	@build-aux/deps.sh test
	@$(MAKE) --no-print-directory B=build tests
	@$(MAKE) --no-print-directory B=build-san tests
	@tests/run.sh build build-san valgrind:build

bench:
	@build-aux/deps.sh test
	@$(MAKE) --no-print-directory B=$(B) tests
	BASELINE="$(BASELINE)" tests/bench/run.sh $(B)

# Two real Linux VMs (built into build/vm from Debian packages) with
# iperf3 between them, for each way a VM attaches: not part of check,
# which boots the guest once.
bench-vm:
	@build-aux/deps.sh test
	@$(MAKE) --no-print-directory B=$(B) all
	tests/vm/bench.sh $(B)

# Every fuzzing harness for FUZZ_SECONDS each (make check runs a short pass).
FUZZ_SECONDS ?= 60
fuzz:
	@build-aux/deps.sh test
	tests/fuzz/run.sh $(FUZZ_SECONDS)

install: all
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/bin \
		$(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/man/man5 \
		$(DESTDIR)$(PREFIX)/share/man/man8 \
		$(DESTDIR)$(PREFIX)/share/switchd
	# VM users run switchctl and switchplug: they go where their PATH is.
	install -m 755 $(B)/switchd $(DESTDIR)$(PREFIX)/sbin/
	install -m 755 $(B)/switchctl $(B)/switchplug $(DESTDIR)$(PREFIX)/bin/
	for m in man/*.[158]; do \
		install -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man$${m##*.}/; \
	done
	for f in contrib/*; do \
		[ -f "$$f" ] && install -m 644 $$f $(DESTDIR)$(PREFIX)/share/switchd/; \
	done; true

clean:
	rm -rf build build-san build-fuzz

distclean: clean
	rm -rf configure config.log config.status autom4te.cache aclocal.m4 \
		build-aux/install-sh build-aux/config.guess build-aux/config.sub \
		build-aux/compile build-aux/missing configure~
