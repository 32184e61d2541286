#!/usr/bin/python3
"""kvd through redis-cli: every command and error shape.

commands.redis is fed to `redis-cli --no-raw`; the output must equal
commands.expected, which is what Redis 7.0.15 answers to the same script
(regenerate with --redis PORT against a redis-server, then review).

    test_cli.py KVD_BINARY
    test_cli.py --redis PORT   # print Redis's answers (for commands.expected)
"""
import difflib
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kvdtest import Kvd  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def run_cli(port):
    with open(os.path.join(HERE, "commands.redis"), "rb") as f:
        p = subprocess.run(["redis-cli", "-p", str(port), "--no-raw"], stdin=f,
                           capture_output=True, timeout=60)
    return p.stdout.decode(errors="replace")


def main(argv):
    if not shutil.which("redis-cli"):
        print("SKIP: redis-cli not installed (tools/install-deps check)")
        return 77
    if argv[:1] == ["--redis"]:
        sys.stdout.write(run_cli(int(argv[1])))
        return 0
    with open(os.path.join(HERE, "commands.expected")) as f:
        expected = f.read()
    with Kvd(argv[0]) as k:
        got = run_cli(k.port)
        # One-off checks redis-cli can print but Redis answers differently.
        extra = subprocess.run(["redis-cli", "-p", str(k.port), "COMMAND", "COUNT"],
                               capture_output=True, text=True).stdout.strip()
        alive = k.alive()
    if got != expected:
        sys.stdout.writelines(difflib.unified_diff(
            expected.splitlines(True), got.splitlines(True), "redis 7.0", "kvd"))
        print("FAIL: kvd's answers differ from Redis's")
        return 1
    if not alive or not extra.isdigit() or int(extra) < 20:
        print(f"FAIL: COMMAND COUNT gave {extra!r}, alive={alive}")
        return 1
    print(f"ok: {len(expected.splitlines())} reply lines identical to Redis 7.0")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
