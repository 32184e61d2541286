#!/bin/sh
# run.sh WORKDIR [LIBFUZZER-ARGS...]: build kvd's RESP parser fuzzer with
# clang (libFuzzer + ASan + UBSan, hosted: resp.c and shim.c, no kernel)
# into WORKDIR and run it over a working copy of the seed corpus.
# Exit 77 (a skip for ctest) when clang cannot build a libFuzzer target:
# install the fuzz group with `tools/install-deps fuzz`.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../../.." && pwd)
work=$1
shift
mkdir -p "$work/corpus" "$work/artifacts"
CLANG=${CLANG:-clang}
if ! command -v "$CLANG" >/dev/null 2>&1; then
	echo "SKIP: $CLANG not found (tools/install-deps fuzz installs clang libclang-rt-14-dev)"
	exit 77
fi
if ! "$CLANG" -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -std=gnu11 -Wall -Wextra -Werror \
	-I "$src/include" -I "$src" \
	"$here/fuzz_resp.c" "$src/apps/kvd/resp.c" "$here/shim.c" \
	-o "$work/fuzz_resp" 2>"$work/build.log"; then
	cat "$work/build.log"
	if grep -q -e "libclang_rt.fuzzer" -e "cannot find" "$work/build.log"; then
		echo "SKIP: clang cannot link -fsanitize=fuzzer (install libclang-rt-14-dev: tools/install-deps fuzz)"
		exit 77
	fi
	echo "error: building the fuzzer failed"
	exit 1
fi
cp -n "$here/corpus/"* "$work/corpus/" 2>/dev/null || true
exec "$work/fuzz_resp" -max_len=8192 -artifact_prefix="$work/artifacts/" \
	-print_final_stats=1 "$@" "$work/corpus"
