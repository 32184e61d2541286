#!/bin/sh
# A task that runs into the guard page below its stack must end the kernel
# with a panic naming the task, never continue on corrupted memory.
# Usage: stack_overflow.sh BUILD_DIR [SRCTREE]
set -u
boot="$1/umk-boot"
# Cross builds (cmake/aarch64-linux-gnu.cmake) run it under qemu-user.
emu=${UMK_EMULATOR:-}
$emu "$boot" --list-tests 2>/dev/null | grep -qx arch_stack ||
	{ echo "SKIP: no arch_stack suite in this build"; exit 77; }
out=$($emu "$boot" --selftest=arch_stack --selftest-crash=stack-overflow 2>&1)
status=$?
echo "$out"
if [ "$status" -eq 0 ]; then
	echo "FAIL: umk-boot exited 0 after a stack overflow" >&2
	exit 1
fi
if ! printf '%s\n' "$out" | grep -q "stack overflow in task 'overflow'"; then
	echo "FAIL: no panic naming the task 'overflow' (exit status $status)" >&2
	exit 1
fi
echo "PASS: stack overflow caught (exit status $status)"
