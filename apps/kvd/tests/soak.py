#!/usr/bin/python3
"""Soak kvd: redis-benchmark against it for DURATION seconds on loopback,
RSS sampled from /proc/<pid>/status. Passes when redis-benchmark never
fails, kvd stays up and answers, and RSS is flat after warm-up: the
largest sample of the last two thirds is within SLACK of the largest of
the first third (memory that keeps growing shows up as a rising tail).

    soak.py KVD_BINARY [--duration 300 (at least 27)] [--slack-kb 8192] [KERNEL-ARG...]
"""
import argparse
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kvdtest import Kvd  # noqa: E402

# Workloads cycled through: random keys of a bounded key space (-r) so the
# table grows and rehashes and then stays, values of several sizes,
# pipelined and not, many connections; expiring keys between slices. The
# first third of the run covers every workload at least once: the
# warm-up, after which memory must not grow.
WORKLOADS = [
    ["-t", "set,get,incr,mset", "-r", "100000", "-c", "50", "-P", "16"],
    ["-t", "set,get", "-r", "100000", "-c", "50", "-P", "1", "-d", "100"],
    ["-t", "ping,set,get,mset", "-c", "200", "-P", "4", "-d", "1000", "-r", "20000"],
]
# Each slice runs at least this long (a shorter one measures start-up).
SLICE_MIN = 3.0
# The shortest run whose first third gives every workload a full slice:
# shorter, the warm-up misses a workload whose growth then reads as a leak.
MIN_DURATION = int(3 * len(WORKLOADS) * SLICE_MIN)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binary")
    ap.add_argument("--duration", type=int, default=300)
    ap.add_argument("--slack-kb", type=int, default=8192)
    ap.add_argument("kernel", nargs="*", default=["mem=256M"])
    a = ap.parse_args(argv)
    if a.duration < MIN_DURATION:
        ap.error(f"--duration {a.duration} is too short: the warm-up (the first third) must run "
                 f"each of the {len(WORKLOADS)} workloads for {SLICE_MIN:.0f} s; "
                 f"use at least {MIN_DURATION} (make soak-kvd SOAK_TIME={MIN_DURATION})")

    samples = []
    errors = 0
    runs = 0
    with Kvd(a.binary, kernel=a.kernel) as k:
        start = time.time()
        w = 0
        while time.time() - start < a.duration:
            left = a.duration - (time.time() - start)
            cmd = ["redis-benchmark", "-p", str(k.port), "-n", "1000000000", "--csv",
                   *WORKLOADS[w % len(WORKLOADS)]]
            w += 1
            p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            # Each workload for a slice of the run, sampling RSS meanwhile.
            slice_end = time.time() + min(left, max(SLICE_MIN, a.duration / (3 * len(WORKLOADS))))
            while time.time() < slice_end and p.poll() is None:
                time.sleep(1)
                if not k.alive():
                    break
                samples.append((time.time() - start, k.rss_kb()))
            p.terminate()
            out, err = p.communicate(timeout=30)
            runs += 1
            if p.returncode not in (0, -15) or "error" in err.lower():
                errors += 1
                print(f"redis-benchmark failed ({p.returncode}): {err.strip()[-300:]}")
            if not k.alive():
                print("FAIL: kvd died")
                return 1
            # One pass of expiring keys between slices.
            s = k.connect()
            for i in range(2000):
                s.sendall(b"*5\r\n$3\r\nSET\r\n$%d\r\nexp:%d\r\n$1\r\nv\r\n$2\r\nPX\r\n$3\r\n200\r\n"
                          % (len(f"exp:{i}"), i))
            s.close()
        s = k.connect()
        pong = k.call(s, "PING")
        info = k.call(s, "INFO").decode()
        s.close()
    if pong != "PONG":
        print("FAIL: kvd does not answer after the soak")
        return 1
    third = max(1, len(samples) // 3)
    warm = max(r for _, r in samples[:third])
    tail = max(r for _, r in samples[third:]) if samples[third:] else warm
    print(f"{runs} benchmark runs, {len(samples)} RSS samples over {a.duration}s")
    print("RSS (KiB) every ~10% of the run: "
          + " ".join(str(samples[i][1]) for i in range(0, len(samples), max(1, len(samples) // 10))))
    print(f"warm-up max {warm} KiB, later max {tail} KiB (slack {a.slack_kb} KiB)")
    for line in info.splitlines():
        if line.split(":")[0] in ("used_memory", "total_commands_processed", "expired_keys",
                                  "connected_clients", "total_connections_received"):
            print("  " + line)
    if errors:
        print(f"FAIL: {errors} benchmark runs reported errors")
        return 1
    if tail > warm + a.slack_kb:
        print("FAIL: RSS kept growing after warm-up")
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
