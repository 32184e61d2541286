#!/usr/bin/python3
"""kvd vs Redis under Redis's own benchmark client.

Starts redis-server and kvd on free loopback ports, then runs
`redis-benchmark -t set,get -n N -c 50 -P P` against each, interleaved
(the order alternates every round) so both see the same machine state,
for P in 1 and 16 and ROUNDS rounds. Medians, extremes and the ratio
kvd/redis (higher is better) are merged into BUILD/bench.json in the
harness schema (entries with the same name and profile are replaced).
Each server's CPU time per request (utime+stime of all its threads over
a run) is recorded too (unit us/req, ratio redis/kvd): on a machine
shared with other load it is steadier than req/s. So is the client's
(redis-benchmark's) CPU time per request against each server: at -P 1
the client is the bottleneck, and a server changes req/s mostly through
what it costs the client (wake-ups, how its replies arrive).

With --null, bench/resp_null.c (a server that only reads and writes
canned replies) runs in the same rotation: its req/s over Redis's is the
most any server could gain here, since a request costs it nothing but the
host's work and the client's.

    bench/kvd.py --kvd build/server/apps/kvd/kvd [--null build/server/bench/resp-null]
                 [--rounds 5] [-o build/bench.json]
"""
import argparse
import csv
import io
import json
import os
import platform
import re
import resource
import socket
import statistics
import subprocess
import sys
import time

from run import write_json  # bench/run.py: merge by name and profile

TESTS = ("SET", "GET")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, what, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on port {port}")


def start_redis(port):
    p = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                          "--save", "", "--appendonly", "no", "--daemonize", "no",
                          "--logfile", ""], stdout=subprocess.DEVNULL)
    wait_port(port, p, "redis-server")
    p.port = port
    return p


def start_kvd(binary, port, kernel_args):
    p = subprocess.Popen([binary, *kernel_args, "--", "--port", str(port)],
                         stdout=subprocess.DEVNULL)
    wait_port(port, p, "kvd")
    p.port = port
    return p


def start_null(binary, port):
    p = subprocess.Popen([binary, str(port)], stdout=subprocess.DEVNULL)
    wait_port(port, p, "resp-null")
    p.port = port
    return p


def children_cpu():
    """User + system CPU time of the waited-for children (the clients)."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def stop(p):
    if p.poll() is None:
        p.terminate()
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def cpu_seconds(pid):
    """User + system CPU time of a process, all its threads."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_benchmark(port, n, pipeline, clients):
    cmd = ["redis-benchmark", "-h", "127.0.0.1", "-p", str(port), "-t", "set,get",
           "-n", str(n), "-c", str(clients), "-P", str(pipeline), "--csv"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: exit {p.returncode}: {p.stderr[-300:]}")
    rps = {}
    for row in csv.reader(io.StringIO(p.stdout)):
        if len(row) >= 2 and row[0] in TESTS:
            rps[row[0]] = float(row[1])
    if set(rps) != set(TESTS):
        raise RuntimeError(f"{' '.join(cmd)}: no rps in output:\n{p.stdout[-300:]}")
    return rps


def redis_version():
    out = subprocess.run(["redis-server", "--version"], capture_output=True, text=True).stdout
    m = re.search(r"v=(\S+)", out)
    return m.group(1) if m else "?"


def record(name, profile, kvd, redis, baseline, digits=1):
    med, bmed = statistics.median(kvd), statistics.median(redis)
    return {"name": name, "profile": profile, "unit": "req/s",
            "median": round(med, digits), "min": round(min(kvd), digits),
            "max": round(max(kvd), digits),
            "baseline": baseline, "baseline_median": round(bmed, digits),
            "baseline_min": round(min(redis), digits), "baseline_max": round(max(redis), digits),
            "ratio": round(med / bmed, 2) if bmed > 0 else None}


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kvd", required=True, help="the kvd binary (server profile)")
    ap.add_argument("--profile", default="server")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("-n1", type=int, default=200000, help="requests per test at -P 1")
    ap.add_argument("-n16", type=int, default=2000000, help="requests per test at -P 16")
    ap.add_argument("--null", help="bench/resp_null.c's binary: also measure the floor")
    ap.add_argument("--kernel", default="", help="kvd kernel parameters, e.g. 'cpus=1'")
    ap.add_argument("-o", "--output", help="bench.json to merge into")
    a = ap.parse_args(argv)

    procs = {"redis": start_redis(free_port())}
    procs["kvd"] = start_kvd(a.kvd, free_port(), a.kernel.split())
    if a.null:
        procs["null"] = start_null(a.null, free_port())
    ports = {srv: p.port for srv, p in procs.items()}
    servers = list(procs)
    samples = {(srv, p, t): [] for srv in servers for p in (1, 16) for t in TESTS}
    cpu = {(srv, p): [] for srv in servers for p in (1, 16)}
    client = {(srv, p): [] for srv in servers for p in (1, 16)}
    try:
        for r in range(a.rounds):
            for p in (1, 16):
                k = r % len(servers)
                for srv in servers[k:] + servers[:k]:
                    for name, proc in procs.items():
                        if proc.poll() is not None:
                            raise RuntimeError(f"{name} died")
                    n = a.n1 if p == 1 else a.n16
                    c0, k0 = cpu_seconds(procs[srv].pid), children_cpu()
                    rps = run_benchmark(ports[srv], n, p, a.clients)
                    cpu[(srv, p)].append((cpu_seconds(procs[srv].pid) - c0) * 1e6 / (n * len(TESTS)))
                    client[(srv, p)].append((children_cpu() - k0) * 1e6 / (n * len(TESTS)))
                    for t in TESTS:
                        samples[(srv, p, t)].append(rps[t])
                    print(f"round {r + 1}/{a.rounds} -P {p:<2} {srv:5} "
                          + "  ".join(f"{t} {rps[t]:>10.0f}" for t in TESTS)
                          + f"  cpu {cpu[(srv, p)][-1]:.2f} us/req"
                          + f"  client {client[(srv, p)][-1]:.2f} us/req", flush=True)
    finally:
        for proc in procs.values():
            stop(proc)

    baseline = f"redis-server {redis_version()}"
    results = []
    for p in (1, 16):
        for t in TESTS:
            results.append(record(f"kvd_vs_redis_{t.lower()}_p{p}", a.profile,
                                  samples[("kvd", p, t)], samples[("redis", p, t)], baseline))
    # Server CPU time per request: less noisy than req/s on a shared
    # machine. Ratio redis/kvd, so higher is better here too.
    for p in (1, 16):
        x = record(f"kvd_vs_redis_cpu_p{p}", a.profile, cpu[("kvd", p)], cpu[("redis", p)],
                   baseline, digits=3)
        x["unit"] = "us/req"
        x["ratio"] = round(x["baseline_median"] / x["median"], 2) if x["median"] > 0 else None
        results.append(x)
    # The client's CPU time per request against each: ratio redis/kvd.
    for p in (1, 16):
        x = record(f"kvd_vs_redis_client_cpu_p{p}", a.profile, client[("kvd", p)],
                   client[("redis", p)], baseline, digits=3)
        x["unit"] = "us/req"
        x["ratio"] = round(x["baseline_median"] / x["median"], 2) if x["median"] > 0 else None
        results.append(x)
    # The floor: what a server doing nothing would get, next to Redis.
    if a.null:
        for p in (1, 16):
            for t in TESTS:
                results.append(record(f"resp_null_vs_redis_{t.lower()}_p{p}", a.profile,
                                      samples[("null", p, t)], samples[("redis", p, t)],
                                      baseline))
    print(f"\n{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {platform.node()}, "
          f"{os.cpu_count()} CPUs, -c {a.clients}, {a.rounds} rounds, kernel args '{a.kernel}'")
    print(f"{'benchmark':24} {'unit':6} {'kvd':>10} {'spread':>21} {'redis':>10} {'ratio':>6}")
    for x in results:
        print(f"{x['name']:24} {x['unit']:6} {x['median']:>10.2f} {x['min']:>10.2f}-{x['max']:<10.2f} "
              f"{x['baseline_median']:>10.2f} {x['ratio']:>5}x")
    if a.output:
        write_json(a.output, results)
        print(f"\nresults merged into {a.output}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except RuntimeError as e:
        print(f"bench-kvd: error: {e}", file=sys.stderr)
        sys.exit(1)
