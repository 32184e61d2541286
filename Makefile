# umk: kernel-style entry points over CMake. See README.md.
#
#   make                      build the four profiles, boot each, compare them
#   make PROFILE=server       one profile
#   make menuconfig PROFILE=x configure build/x interactively (needs a terminal)
#   make savedefconfig PROFILE=x   build/x/defconfig: the minimal form of its .config
#   make amalgamation PROFILE=x    build/x/amalgamation/umk.c + umk.h
#                             (these three: PROFILE defaults to tiny)
#   make check                the whole test suite (SANITIZE=address,undefined|thread;
#                             TSAN=0|1: the ThreadSanitizer pass, on when no PROFILE;
#                             SEEDS=N random configurations, 0: none)
#   make sweep SEEDS=N        build and boot N random configurations
#   make bench                side-by-side benchmarks (bench/; REPS=N;
#                             CALLGRIND=1: instruction counts)
#   make bench-kvd            kvd vs redis-server under redis-benchmark
#                             (ROUNDS=N N1=requests at -P 1 N16=requests at -P 16)
#   make fuzz                 libFuzzer run of kvd's RESP parser (FUZZ_TIME=600 s)
#   make soak-kvd             kvd under redis-benchmark, RSS sampled (SOAK_TIME=300 s, >= 27)
#   make check-aarch64        the aarch64 build under qemu-user
#   make clean                remove build/ (BUILD=dir builds elsewhere)
PROFILES := tiny interpreter server vm
PROFILE ?=
SANITIZE ?=
SEEDS ?= 20
TSAN ?= $(if $(PROFILE),0,1)
CALLGRIND ?=
BUILD ?= build
export UMK_BUILD := $(BUILD)
# cmake --build runs make again: no "Entering directory" lines from it.
MAKEFLAGS += --no-print-directory

ifneq ($(PROFILE),)
SELECTED := $(PROFILE)
else
SELECTED := $(PROFILES)
endif

.PHONY: all deps build boot report check sweep bench menuconfig savedefconfig \
	amalgamation check-aarch64 clean help bench-kvd fuzz soak-kvd

all: deps
	@tools/make/build $(SELECTED)
	@tools/make/boot $(SELECTED)
	@tools/make/report $(SELECTED)

deps:
	@tools/install-deps build

build: deps
	@tools/make/build $(SELECTED)

report: build
	@tools/make/report $(SELECTED)

check:
	@tools/install-deps build check fuzz
	@SANITIZE="$(SANITIZE)" SEEDS="$(SEEDS)" TSAN="$(TSAN)" tools/make/check $(SELECTED)

sweep: deps
	@tools/make/sweep $(SEEDS)

bench:
	@tools/install-deps build bench
	@CALLGRIND="$(CALLGRIND)" tools/make/bench $(SELECTED)

bench-kvd:
	@tools/install-deps build bench
	@tools/make/bench-kvd

fuzz:
	@tools/install-deps fuzz
	@tools/make/fuzz

soak-kvd:
	@tools/install-deps build bench
	@tools/make/soak-kvd

menuconfig savedefconfig amalgamation: deps
	@tools/make/build --configure-only $(or $(PROFILE),tiny)
	@cmake --build $(BUILD)/$(or $(PROFILE),tiny) --target $@

check-aarch64:
	@tools/install-deps build aarch64
	@tools/make/check-aarch64

clean:
	rm -rf $(BUILD)

help: # the comment block above, up to its first non-comment line
	@sed -n '2,/^[^#]/{/^#/s/^# \{0,1\}//p}' Makefile
