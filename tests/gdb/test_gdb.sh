#!/bin/sh
# tools/gdb/umk.py on a booted umk-boot: stop inside the arch_switch suite
# while the task "parked" sleeps on a completion, then check that umk-tasks
# lists it, umk-bt walks its stack from the saved switch frame down to the
# test function, and umk-dmesg prints the kernel log.
# Usage: test_gdb.sh BUILD_DIR SRCTREE. Exit 77 (skip) without gdb or suite.
set -u
build=$1
src=$2
boot=$build/umk-boot
command -v gdb >/dev/null 2>&1 || { echo "SKIP: no gdb"; exit 77; }
[ -z "${UMK_EMULATOR:-}" ] || { echo "SKIP: cross build under an emulator"; exit 77; }
"$boot" --list-tests 2>/dev/null | grep -qx arch_switch ||
	{ echo "SKIP: no arch_switch suite in this build"; exit 77; }

out=$(timeout 120 gdb -batch -nx \
	-ex "set pagination off" \
	-ex "set confirm off" \
	-ex "source $src/tools/gdb/umk.py" \
	-ex "break umk_arch_backtrace" \
	-ex "run" \
	-ex "echo ==TASKS==\n" -ex "umk-tasks" \
	-ex "echo ==BT==\n" -ex "umk-bt parked" \
	-ex "echo ==DMESG==\n" -ex "umk-dmesg" \
	-ex "echo ==END==\n" \
	-ex "kill" \
	--args "$boot" --selftest=arch_switch 2>&1)
echo "$out"

fail() { echo "FAIL: $*" >&2; exit 1; }
section() { printf '%s\n' "$out" | sed -n "/^==$1==/,/^==$2==/p"; }

section TASKS BT | grep -Eq '^[0-9]+ +parked +sleeping +[0-9]+' ||
	fail "umk-tasks does not list the sleeping task 'parked'"
section TASKS BT | grep -Eq '^[0-9]+ +init ' ||
	fail "umk-tasks does not list the init task"
section BT DMESG | grep -q "task [0-9]* 'parked' (sleeping)" ||
	fail "umk-bt did not find the task"
section BT DMESG | grep -q "sw_parked" ||
	fail "umk-bt does not reach sw_parked from the saved context"
section BT DMESG | grep -q "umk_arch_task_first" ||
	fail "umk-bt does not end at the task's first frame"
section DMESG END | grep -Eq '^\[ *[0-9]+\.[0-9]+\] ' ||
	fail "umk-dmesg printed no log lines"
echo "PASS: umk-tasks, umk-bt and umk-dmesg"
