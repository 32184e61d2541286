#!/bin/sh
# The amalgamation (configgen emit) is self-contained: umk.c + umk.h compile
# alone in an empty directory, keep internal symbols static, and the boot
# program built from it passes the same self tests as umk-boot.
set -eu
build=$1
amalg=$build/amalgamation
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$amalg/umk.c" "$amalg/umk.h" "$tmp/"
(cd "$tmp" && cc -std=gnu11 -O2 -Wall -Wextra -Werror -Wno-unused-function -c umk.c -o umk.o)
echo "umk.c compiles alone ($(wc -l <"$tmp/umk.c") lines)"

# Only the public API (and main) may be global in umk.o.
bad=$(nm -g --defined-only "$tmp/umk.o" | awk 'NF == 3 { print $3 }' |
	grep -v -e '^umk_' -e '^main$' || true)
[ -z "$bad" ] || { echo "non-umk_ globals in umk.o: $bad" >&2; exit 1; }
# Internal functions are static: none of the UMK_INTERNAL ones leak. The
# context switch is the exception: it is assembly, so it cannot be static.
internal=$(nm -g --defined-only "$tmp/umk.o" | awk 'NF == 3 { print $3 }' |
	grep -E '^umk_(arch_|start_kernel|secondary_start|do_irq|task_entry|task_dead)' |
	grep -v -x -e umk_arch_switch -e umk_arch_context_init || true)
[ -z "$internal" ] || { echo "internal symbols not static in umk.o: $internal" >&2; exit 1; }

"$amalg/umk-amalg" --selftest >"$tmp/log" 2>&1 || { cat "$tmp/log"; exit 1; }
tail -n 1 "$tmp/log"
