# Shared by the tools/make scripts.
set -eu
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${UMK_BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$SRC/$BUILD ;; esac
JOBS=$(nproc 2>/dev/null || echo 2)

# configure DIR [cmake args...]: configure a build directory quietly.
configure() {
	dir=$1
	shift
	mkdir -p "$(dirname "$dir")" # the log sits next to dir
	if ! cmake -S "$SRC" -B "$dir" "$@" >"$dir.configure.log" 2>&1; then
		cat "$dir.configure.log" >&2
		echo "error: configuring $dir failed" >&2
		return 1
	fi
}

# compile DIR [targets...]: build quietly, show the log on failure.
compile() {
	dir=$1
	shift
	t=""
	for x in "$@"; do t="$t --target $x"; done
	if ! cmake --build "$dir" -j "$JOBS" $t >"$dir.build.log" 2>&1; then
		tail -n 60 "$dir.build.log" >&2
		echo "error: building $dir failed (full log: $dir.build.log)" >&2
		return 1
	fi
}

# show_failures CTEST_LOG: the output of each failed test in a ctest
# --output-on-failure log (it follows the test's "***Failed", "***Timeout",
# "***Exception" or "***Not Run" line; a "***Skipped" test is no failure), without
# the lines of passing cases ("ok N ...", "test_x ... ok"): its last 40 lines,
# where a panic, an assertion or a unittest traceback ends.
show_failures() {
	awk '
	function flush(  i) {
		for (i = (n > 40 ? n - 40 : 0); i < n; i++)
			print "      " buf[i % 40]
		n = 0
	}
	/^ *[0-9]+\/[0-9]+ Test / {
		flush(); show = ($0 ~ /\*\*\*(Failed|Timeout|Exception|Not Run)/)
		if (show) print "  output of " $4 ":"
		next
	}
	/^ *Start |^[0-9]+% tests passed/ { flush(); show = 0; next }
	show && !/^ok [0-9]|\.\.\. ok$|^$/ { buf[n % 40] = $0; n++ }
	END { flush() }
	' "$1"
}
