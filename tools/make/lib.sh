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
