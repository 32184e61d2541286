#!/usr/bin/python3
"""Run umk's benchmarks side by side with the host baselines.

For each profile build, each benchmark pair (umk vs the baseline a user
would otherwise pick) is run REPS times, the two interleaved, so both see
the same machine state. Results go to BUILD/bench.json (see
docs/benchmarks.md) and a table on stdout.

With --callgrind, each pair runs instead under valgrind's callgrind and
the entries are instruction counts ("NAME.ir", unit instr/op): exact and
stable on a noisy machine, where the timings are not (see
docs/benchmarks.md, "Instruction counts").

    bench/run.py [--reps N] [--smoke] [--callgrind] [--only NAME] BUILD_DIR...
"""
import argparse
import json
import os
import shutil
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

# Instruction counts (--callgrind). Each benchmark runs at N and 2N
# iterations with callgrind counting only its measured loop
# (bench/measure.h); Ir/op is the difference over the difference in
# operations. N for umk and for the baseline; pairs not named get
# IR_DEFAULT_ITERS.
IR_ITERS = {
    "switch_vs_swapcontext": (2000, 2000),
    "spawn_join": (500, 200),
    "irq_fd_vs_epoll": (500, 500),
    "timer_arm_cancel": (2000, 1000),
    "slab_vs_malloc_pair": (5000, 5000),
    "slab_vs_malloc_fixed": (200, 200),
    "kmalloc_vs_malloc_mixed": (200, 200),
}
IR_DEFAULT_ITERS = (1000, 1000)
# Pairs whose count is not a property of the code: left out, with why.
IR_SKIP = {
    "switch_vs_condvar": "the baseline is two host threads: under valgrind's "
    "serialized threads, how often each one waits varies from run to run",
    "wakeup_vs_futex": "the baseline is two host threads: under valgrind's "
    "serialized threads, how often each one waits varies from run to run",
    "vm_fault_vs_sigsegv": "the bare baseline dies of SIGBUS under valgrind, which "
    "does not follow its memfd pages mapped MAP_FIXED from the SIGSEGV handler",
}
# Rows that failed under valgrind in this run (reported, exit status 1).
IR_FAILED = []
# The boot row counts whole programs: umk-bench booting and halting, and
# /bin/true (what the timed row fork+execs; fork and exec count in neither).
BOOT_IR = BOOT_PAIR[0]


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


def run_result(cmd, name):
    """Run a benchmark program; return (ns/op, operations) for name."""
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {p.returncode}: {p.stderr.strip()[-500:]}")
    # "NAME NS_PER_OP OPS"; the kernel's console may prefix lines (level, time).
    for line in (p.stdout + "\n" + p.stderr).splitlines():
        parts = line.split()
        if name in parts[:-2]:
            i = parts.index(name)
            try:
                return float(parts[i + 1]), int(parts[i + 2])
            except ValueError:
                continue
    raise RuntimeError(f"{' '.join(cmd)} printed no result for {name}:\n{p.stdout[-500:]}")


def run_one(cmd, name):
    """Run a benchmark program; return its ns/op for name."""
    return run_result(cmd, name)[0]


def callgrind_ir(cmd, name, instr_atstart):
    """Run cmd under callgrind; return (instructions, host system calls,
    operations or None). Without instr_atstart, only the measured region
    counts (measure.h)."""
    with tempfile.TemporaryDirectory(prefix="umk-cg.") as d:
        vg = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={d}/cg.%p",
              "--collect-systime=yes",
              "--instr-atstart=" + ("yes" if instr_atstart else "no")]
        ops = run_result(vg + cmd, name)[1] if name else None
        if not name:
            p = subprocess.run(vg + cmd, capture_output=True, text=True, timeout=600)
            if p.returncode != 0:
                raise RuntimeError(f"{' '.join(cmd)} under callgrind exited {p.returncode}: "
                                   f"{p.stderr.strip()[-500:]}")
        ir = sysc = 0
        for f in os.listdir(d):
            fir, fsys = callgrind_totals(os.path.join(d, f))
            ir, sysc = ir + fir, sysc + fsys
    if ir == 0:
        raise RuntimeError(f"{' '.join(cmd)}: callgrind counted nothing "
                           "(built without <valgrind/callgrind.h>?)")
    return ir, sysc, ops


# Calls that natively go through the vDSO, no host system call; valgrind
# hides the vDSO, so under it glibc makes them system calls. Not counted.
VDSO_CALLS = {"clock_gettime", "clock_getres", "gettimeofday", "time", "getcpu", "sched_getcpu"}


def callgrind_totals(path):
    """(Ir, host system calls) of a callgrind output file, leaving out the
    system calls made by VDSO_CALLS (their self cost)."""
    events, names, fn, call_line = [], {}, None, False
    ir = sysc = vdso = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("events:"):
                events = line.split()[1:]
            elif line.startswith("totals:"):
                count = dict(zip(events, map(int, line.split()[1:])))
                ir, sysc = count.get("Ir", 0), count.get("sysCount", 0)
            elif line.startswith(("fn=", "cfn=")):
                # "fn=(id) name" defines a compressed name, "fn=(id)" reuses it.
                ref = line.split("=", 1)[1].strip()
                key, _, name = ref.partition(" ") if ref.startswith("(") else (ref, "", ref)
                if name:
                    names[key] = name
                if line.startswith("fn="):
                    fn = names.get(key, key)
            elif line.startswith("calls="):
                call_line = True  # the next cost line is the callee's, inclusive
            elif line[:1] in "0123456789+-*" and events:
                if call_line:
                    call_line = False
                elif fn and fn.lstrip("_").split("@")[0] in VDSO_CALLS and "sysCount" in events:
                    cost = line.split()[1:]
                    i = events.index("sysCount")
                    vdso += int(cost[i]) if i < len(cost) else 0
    return ir, sysc - vdso


def ir_per_op(cmd_at, name, n):
    """Instructions and host system calls per operation of one benchmark:
    run at n and 2n iterations, difference over difference, so whatever
    runs once per measurement (around the loop) cancels."""
    ir1, sys1, ops1 = callgrind_ir(cmd_at(n), name, False)
    ir2, sys2, ops2 = callgrind_ir(cmd_at(2 * n), name, False)
    if ops2 <= ops1:
        raise RuntimeError(f"{name}: {ops1} then {ops2} operations")
    return (ir2 - ir1) / (ops2 - ops1), (sys2 - sys1) / (ops2 - ops1)


def bench_build_ir(build, reps, smoke, only):
    """The instruction-count variant of bench_build: NAME.ir entries."""
    cfg = read_config(build)
    profile = build_profile(build)
    umk = os.path.join(build, "bench", "umk-bench")
    host = os.path.join(build, "bench", "host-bench")
    # One CPU: a task's path must not depend on which host thread valgrind
    # runs next. The figures are the single-CPU path of each profile.
    kparams = ["cpus=1"] if cfg.get("SMP") == "y" else []
    results = []
    for name, ub, hb, iters, need in PAIRS:
        if need and cfg.get(need) != "y":
            continue
        if only and only not in name:
            continue
        if name in IR_SKIP:
            print(f"  {profile}: {name}.ir skipped: {IR_SKIP[name]}", flush=True)
            continue
        ui, hi = (20, 20) if smoke else IR_ITERS.get(name, IR_DEFAULT_ITERS)
        u, h = [], []
        try:
            for _ in range(reps):
                u.append(ir_per_op(lambda n: [umk] + kparams + ["--", f"--iters={n}", ub], ub, ui))
                h.append(ir_per_op(lambda n: [host, f"--iters={n}", hb], hb, hi))
        except (RuntimeError, subprocess.TimeoutExpired) as e:
            # One row failing under valgrind should not cost the others.
            print(f"  {profile}: {name}.ir failed: {e}", file=sys.stderr)
            IR_FAILED.append(f"{profile}/{name}")
            continue
        results.append(record_ir(name, profile, u, hb, h, 2))
    if not only or only in BOOT_IR:
        u, h = [], []
        for _ in range(reps):
            u.append(callgrind_ir([umk] + kparams, None, True)[:2])
            h.append(callgrind_ir(["/bin/true"], None, True)[:2])
        results.append(record_ir(BOOT_IR, profile, u, "/bin/true", h, 0))
    return results


def record_ir(name, profile, umk_counts, baseline, base_counts, digits):
    """An entry of instruction counts, from (Ir, syscalls) per op pairs.
    The host system calls per operation ride along: Ir sees only the few
    instructions that make a call, not the host kernel's work."""
    r = record(name + ".ir", profile, [c[0] for c in umk_counts], baseline,
               [c[0] for c in base_counts], "instr/op", digits)
    r["syscalls"] = round(statistics.median(c[1] for c in umk_counts), 3)
    r["baseline_syscalls"] = round(statistics.median(c[1] for c in base_counts), 3)
    return r


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


def record(name, profile, umk_values, baseline, base_values, unit="ns/op", digits=3):
    med, lo, hi = summarize(umk_values)
    bmed, blo, bhi = summarize(base_values)
    return {"name": name, "profile": profile, "unit": unit,
            "median": round(med, digits), "min": round(lo, digits), "max": round(hi, digits),
            "baseline": baseline, "baseline_median": round(bmed, digits),
            "baseline_min": round(blo, digits), "baseline_max": round(bhi, digits),
            "ratio": round(bmed / med, 2) if med > 0 else None}


def table(results):
    ir = any("syscalls" in r for r in results)
    rows = [("benchmark", "profile", "umk", "spread", "baseline", "baseline", "unit", "ratio")
            + (("syscalls/op umk", "baseline") if ir else ())]
    for r in results:
        rows.append((r["name"], r["profile"], f"{r['median']:.1f}",
                     f"{r['min']:.1f}-{r['max']:.1f}", r["baseline"],
                     f"{r['baseline_median']:.1f}", r["unit"], f"{r['ratio']}x")
                    + ((f"{r.get('syscalls', '')}", f"{r.get('baseline_syscalls', '')}") if ir else ()))
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


def callgrind_unusable(builds):
    """Why the callgrind variant cannot run here, or None."""
    if not shutil.which("valgrind"):
        return "valgrind is not installed (tools/install-deps bench)"
    for b in builds:
        try:
            with open(os.path.join(b, "CMakeCache.txt"), encoding="utf-8") as f:
                if any(l.startswith("UMK_SANITIZE:") and l.strip().split("=", 1)[1] for l in f):
                    return f"{b} is a sanitizer build, which cannot run under valgrind"
        except OSError:
            pass
    return None


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("builds", nargs="+", metavar="BUILD_DIR")
    ap.add_argument("--smoke", action="store_true", help="tiny iteration counts: checks that every benchmark runs")
    ap.add_argument("--callgrind", action="store_true",
                    help="instruction counts under valgrind's callgrind (NAME.ir entries) instead of times")
    ap.add_argument("--only", help="only benchmarks whose name contains this")
    ap.add_argument("-o", "--output", help="JSON output (default: <first build's parent>/bench.json)")
    ap.add_argument("--reps", type=int, default=None,
                    help="repetitions (default 5; 2 with --callgrind, where a spread means a count is not exact)")
    a = ap.parse_args(argv)
    reps = 1 if a.smoke else a.reps or (2 if a.callgrind else 5)
    run = bench_build
    if a.callgrind:
        why = callgrind_unusable(a.builds)
        if why:
            print(f"bench: --callgrind skipped: {why}")
            return 77
        run = bench_build_ir
    results = []
    try:
        for b in a.builds:
            results += run(b, reps, a.smoke, a.only)
    except (RuntimeError, subprocess.TimeoutExpired) as e:
        print(f"bench: error: {e}", file=sys.stderr)
        return 1
    print(table(results))
    if not a.smoke:
        out = a.output or os.path.join(os.path.dirname(os.path.abspath(a.builds[0])), "bench.json")
        write_json(out, results)
        print(f"\nresults: {out}")
    if IR_FAILED:
        print(f"bench: failed under valgrind: {' '.join(IR_FAILED)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
