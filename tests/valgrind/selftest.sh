#!/bin/sh
# The self tests under valgrind's memcheck, with task stacks registered
# (arch/um/stack.c tells valgrind about each stack it hands out). Any
# memcheck error fails the test.
#
# Skipped (77) where memcheck cannot follow the kernel: with optional/vm,
# pages appear by MAP_FIXED from a SIGSEGV handler inside a reserved arena,
# which valgrind's address-space manager does not model; with PREEMPT, the
# timer signal rewrites the interrupted context to push a trampoline frame
# below the task's stack pointer, which memcheck reports as invalid stack
# writes; and in sanitizer builds, which cannot run under valgrind.
set -eu
build=$1
command -v valgrind >/dev/null || { echo "valgrind not installed"; exit 77; }
grep -q '^CONFIG_VM=y' "$build/.config" && { echo "skipped: CONFIG_VM (fault-driven paging)"; exit 77; }
grep -q '^CONFIG_PREEMPT=y' "$build/.config" && { echo "skipped: CONFIG_PREEMPT (signal-redirected frames)"; exit 77; }
grep -q 'UMK_SANITIZE:STRING=.\+' "$build/CMakeCache.txt" && { echo "skipped: sanitizer build"; exit 77; }
log=$build/valgrind-selftest.log
if valgrind -q --error-exitcode=9 --track-origins=no "$build/umk-boot" --selftest >"$log" 2>&1; then
	tail -n 1 "$log"
	exit 0
fi
grep -A12 '^==[0-9]*== [A-Z]' "$log" | head -n 60
tail -n 3 "$log"
exit 1
