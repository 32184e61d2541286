#!/usr/bin/python3
"""Run umk's benchmarks side by side with the host baselines.

For each profile build, each benchmark pair (umk vs the baseline a user
would otherwise pick) is run REPS times, the two interleaved, so both see
the same machine state. Results go to BUILD/bench.json (see
docs/benchmarks.md) and a table on stdout.

    bench/run.py [--reps N] [--smoke] [--only NAME] BUILD_DIR...
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

# name, umk benchmark, baseline benchmark, iterations (umk, baseline),
# which configs it applies to (a CONFIG symbol that must be y, or None).
PAIRS = [
    ("switch_vs_swapcontext", "yield_pingpong", "swapcontext", (2000000, 200000), None),
    ("switch_vs_condvar", "yield_pingpong", "pthread_condvar", (2000000, 50000), None),
    ("spawn_join", "spawn_join", "pthread_spawn_join", (200000, 5000), None),
    ("wakeup_vs_futex", "waitqueue_wake", "futex_wake", (1000000, 50000), None),
    ("irq_fd_vs_epoll", "irq_fd", "epoll_pipe", (100000, 100000), "IO"),
    ("timer_arm_cancel", "timer_arm_cancel", "timerfd_arm_cancel", (2000000, 100000), None),
    ("slab_vs_malloc_pair", "slab_pair", "malloc_pair", (10000000, 10000000), None),
    ("slab_vs_malloc_fixed", "slab_fixed", "malloc_fixed", (200000, 200000), None),
    ("kmalloc_vs_malloc_mixed", "kmalloc_mixed", "malloc_mixed", (100000, 100000), None),
    ("vm_fault_vs_sigsegv", "vm_fault", "sigsegv_memfd_fault", (20000, 20000), "VM"),
]
BOOT_PAIR = ("boot_halt_vs_fork_exec", (50, 50))


def read_config(build):
    cfg = {}
    with open(os.path.join(build, ".config"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("CONFIG_") and "=" in line:
                k, v = line.strip().split("=", 1)
                cfg[k[7:]] = v
    return cfg


def build_profile(build):
    """The profile a build directory was configured with (its CMake cache)."""
    try:
        with open(os.path.join(build, "CMakeCache.txt"), encoding="utf-8") as f:
            for line in f:
                if line.startswith("UMK_PROFILE:"):
                    return line.strip().split("=", 1)[1]
    except OSError:
        pass
    return os.path.basename(os.path.normpath(build))


def run_one(cmd, name):
    """Run a benchmark program; return its ns/op for name."""
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {p.returncode}: {p.stderr.strip()[-500:]}")
    # The kernel's console may prefix lines (level, time): take the last two words.
    for line in (p.stdout + "\n" + p.stderr).splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[-2] == name:
            try:
                return float(parts[-1])
            except ValueError:
                continue
    raise RuntimeError(f"{' '.join(cmd)} printed no result for {name}:\n{p.stdout[-500:]}")


def summarize(values):
    return statistics.median(values), min(values), max(values)


def bench_build(build, reps, smoke, only):
    cfg = read_config(build)
    profile = build_profile(build)
    umk = os.path.join(build, "bench", "umk-bench")
    host = os.path.join(build, "bench", "host-bench")
    for exe in (umk, host):
        if not os.access(exe, os.X_OK):
            raise RuntimeError(f"{exe} not built (cmake --build {build} --target umk-bench host-bench)")
    scale = 0.001 if smoke else 1.0
    results = []
    for name, ub, hb, (ui, hi), need in PAIRS:
        if need and cfg.get(need) != "y":
            continue
        if only and only not in name:
            continue
        ui, hi = max(1, int(ui * scale)), max(1, int(hi * scale))
        u, h = [], []
        for _ in range(reps):
            u.append(run_one([umk, "--", f"--iters={ui}", ub], ub))
            h.append(run_one([host, f"--iters={hi}", hb], hb))
        results.append(record(name, profile, u, hb, h))
    name, (ui, hi) = BOOT_PAIR
    if not only or only in name:
        ui, hi = (2, 2) if smoke else (ui, hi)
        u, h = [], []
        for _ in range(reps):
            u.append(run_one([host, f"--iters={ui}", f"--cmd={umk}", "fork_exec"], "fork_exec"))
            h.append(run_one([host, f"--iters={hi}", "fork_exec"], "fork_exec"))
        results.append(record(name, profile, u, "fork_exec /bin/true", h))
    return results


def record(name, profile, umk_values, baseline, base_values):
    med, lo, hi = summarize(umk_values)
    bmed, blo, bhi = summarize(base_values)
    return {"name": name, "profile": profile, "unit": "ns/op",
            "median": round(med, 3), "min": round(lo, 3), "max": round(hi, 3),
            "baseline": baseline, "baseline_median": round(bmed, 3),
            "baseline_min": round(blo, 3), "baseline_max": round(bhi, 3),
            "ratio": round(bmed / med, 2) if med > 0 else None}


def table(results):
    rows = [("benchmark", "profile", "umk ns/op", "spread", "baseline", "base ns/op", "ratio")]
    for r in results:
        rows.append((r["name"], r["profile"], f"{r['median']:.1f}",
                     f"{r['min']:.1f}-{r['max']:.1f}", r["baseline"],
                     f"{r['baseline_median']:.1f}", f"{r['ratio']}x"))
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(str(c).ljust(w) for c, w in zip(row, widths)) for row in rows)


def write_json(path, results):
    """Merge results into path: an entry replaces the one of the same name
    and profile, others (e.g. make bench-kvd's) are kept."""
    try:
        with open(path, encoding="utf-8") as f:
            old = json.load(f)
        if not isinstance(old, list):
            old = []
    except (OSError, ValueError):
        old = []
    fresh = {(r["name"], r["profile"]) for r in results}
    results = [r for r in old if (r.get("name"), r.get("profile")) not in fresh] + results
    d = os.path.dirname(os.path.abspath(path))
    os.makedirs(d, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".bench.", dir=d)
    with os.fdopen(fd, "w") as f:
        json.dump(results, f, indent=1)
        f.write("\n")
    os.replace(tmp, path)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("builds", nargs="+", metavar="BUILD_DIR")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--smoke", action="store_true", help="tiny iteration counts: checks that every benchmark runs")
    ap.add_argument("--only", help="only benchmarks whose name contains this")
    ap.add_argument("-o", "--output", help="JSON output (default: <first build's parent>/bench.json)")
    a = ap.parse_args(argv)
    results = []
    try:
        for b in a.builds:
            results += bench_build(b, 1 if a.smoke else a.reps, a.smoke, a.only)
    except (RuntimeError, subprocess.TimeoutExpired) as e:
        print(f"bench: error: {e}", file=sys.stderr)
        return 1
    print(table(results))
    if not a.smoke:
        out = a.output or os.path.join(os.path.dirname(os.path.abspath(a.builds[0])), "bench.json")
        write_json(out, results)
        print(f"\nresults: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
