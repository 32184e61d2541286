#!/bin/sh
# Every symbol libumk.a defines globally must begin with umk_ (main, the host
# entry point that runs umk_main, is the one exception): the core is a
# library that shares the process with the application and libc.
set -eu
lib=$1
bad=$(nm -g --defined-only "$lib" | awk 'NF == 3 { print $3 }' | grep -v -e '^umk_' -e '^main$' || true)
if [ -n "$bad" ]; then
	echo "global symbols in $lib without the umk_ prefix:" >&2
	echo "$bad" | sed 's/^/  /' >&2
	exit 1
fi
n=$(nm -g --defined-only "$lib" | awk 'NF == 3' | wc -l)
echo "$n global symbols, all prefixed umk_"
