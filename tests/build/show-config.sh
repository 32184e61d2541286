#!/bin/sh
# Every built core carries its .config: configgen show-config reads it back,
# identical, from libumk.a, umk-boot and the amalgamation's object.
set -eu
build=$1
src=$2
if ! grep -q '^CONFIG_IKCONFIG=y' "$build/.config"; then
	echo "CONFIG_IKCONFIG is off in this build: nothing embedded to check"
	exit 0
fi
want=$(grep '^CONFIG_' "$build/.config")
for bin in "$build/libumk.a" "$build/umk-boot" "$build/amalgamation/umk-amalg"; do
	got=$("$src/tools/configgen/configgen" show-config "$bin" | grep '^CONFIG_')
	if [ "$got" != "$want" ]; then
		echo "show-config $bin differs from $build/.config" >&2
		printf '%s\n' "$want" >"$build/.want" && printf '%s\n' "$got" | diff "$build/.want" - >&2 || true
		exit 1
	fi
	echo "show-config $bin: $(printf '%s\n' "$got" | wc -l) symbols, identical"
done
