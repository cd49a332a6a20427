#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""fitcore-server on PostgreSQL, 1, 2 and 4 instances, and one instance of
`--workers auto` (one worker process per core) over SQLite and over
PostgreSQL, against 1 single-process instance on SQLite (issue 16), on
loopback only, in one run.

Starts, all at once and all with the demo data:
  - one `fitcore-server --demo` on SQLite in a temporary data dir (the
    baseline, as bench-server.py starts it),
  - a throw-away PostgreSQL 15 cluster (tests/lib/pg-cluster), one database,
    and four instances on it: the first with --demo (it migrates and seeds),
    all with the same --config holding one secret_key, so the demo user's
    token from one works on every instance,
  - one `--workers auto --demo` server on SQLite in a data dir of its own,
    and one `--workers auto` instance on the PostgreSQL database.
Then for each route (an authenticated GET foods/?page=1 and POST meals/, the
request shapes and Lua script of bench-server.py) it drives 64 connections
for a few seconds per case at: SQLite, SQLite auto workers, PostgreSQL × 1,
× 2, × 4 instances, PostgreSQL auto workers. A server with workers counts as
one instance: one wrk of 64 connections; its CPU is the supervisor's and
its workers'.
With N instances, N wrk processes run at once, each with 64/N connections
on one instance; their requests/s are summed, and the p99 shown is the
worst of their p99s (and of the instances' own handler p99s, from their
request logs). It also shows the CPU time spent per request by the
fitcore-server processes, by PostgreSQL's processes and by wrk (from
/proc and getrusage), which says where a request's time goes.

The instances not in a case stay idle. Bounded: about 80 s in all at 5 s a
case and 1 s of warm-up per route and backend; every process and the
cluster are stopped on any failure.

With --django-from-baseline OLD, OLD is a fitcore-server built from the
commit before work on issue 16 began (e3860f9~1): the server the issue's
ratios were measured with (GET foods/?page=1 6.6x, POST meals/ 27x the
Django backend under gunicorn, two workers, same 2-core machine). It runs
as one more single-process SQLite case per route, in the same run, and
the Django backend's rates on this machine are taken as its rates divided
by those ratios (the machine's speed cancels out); every case is then also
shown as a multiple of them, against the issue's goal of 30x.

Usage: bench-server-instances.py [--django-from-baseline OLD-fitcore-server]
           PATH-TO-fitcore-server PATH-TO-pg-cluster [SECONDS-PER-CASE]
"""

import importlib.util
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("bench_server", os.path.join(HERE, "bench-server.py"))
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)

INSTANCES = (1, 2, 4)
SECRET = "bench-instances-secret-0123456789abcdef"
PG_BINDIR = os.environ.get("FITCORE_PG_BINDIR", "/usr/lib/postgresql/15/bin")
CLK_TCK = os.sysconf("SC_CLK_TCK")
# The measured ratios of the pre-issue server to the Django
# backend (issue 16), by route.
DJANGO_RATIOS = {"GET": 6.6, "POST": 27.0}
GOAL = 30.0


class Server:
    def __init__(self, binary, workdir, name, extra):
        self.log_path = os.path.join(workdir, name + ".log")
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [binary, "--bind", bench.HOST, "--port", "0",
             "--data-dir", os.path.join(workdir, name)] + extra,
            stdout=subprocess.PIPE, stderr=self.log, text=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            match = re.search(r"listening on (http://[0-9.]+:\d+)/", line)
            if match:
                self.base = match.group(1)
                return
        self.stop()
        raise RuntimeError("fitcore-server %s did not start (see %s)" % (name, self.log_path))

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def process_tree(pid):
    """@pid and its children (a supervisor's workers)."""
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [pid] + [int(child) for child in f.read().split()]
    except OSError:
        return [pid]


def cpu_seconds(pids):
    """utime + stime of @pids, in seconds (a process gone counts 0)."""
    total = 0
    for pid in pids:
        try:
            with open("/proc/%d/stat" % pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / CLK_TCK


def postgres_pids(cluster):
    """The postmaster and its children (backends, walwriter, …)."""
    with open(os.path.join(cluster, "data", "postmaster.pid")) as f:
        postmaster = int(f.readline())
    pids = [postmaster]
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry) as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == postmaster:
                        pids.append(int(entry))
            except OSError:
                pass
    return pids


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_case(servers, token, seconds, method, pages, path, workdir, pg_pids):
    """N wrk at once, 64/N connections each, one per server."""
    connections = bench.CONNECTIONS // len(servers)
    results = [None] * len(servers)
    offsets = [os.path.getsize(s.log_path) for s in servers]
    server_pids = [p for s in servers for p in process_tree(s.process.pid)]

    def one(i):
        dirname = os.path.join(workdir, "wrk-%d" % i)
        os.makedirs(dirname, exist_ok=True)
        results[i] = bench.run_wrk(servers[i].base + path, token, seconds, connections=connections,
                                   method=method, pages=pages, workdir=dirname)

    cpu_before = (cpu_seconds(server_pids), cpu_seconds(pg_pids), children_cpu())
    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(servers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cpu_after = (cpu_seconds(server_pids), cpu_seconds(pg_pids), children_cpu())
    if None in results:
        raise RuntimeError("a wrk run failed")
    for s in servers:
        s.log.flush()
    rps = sum(r[0] for r in results)
    p99 = max(r[1] for r in results)
    non2xx = sum(r[2] for r in results)
    handled = max(bench.server_p99(s.log_path, offset, path) for s, offset in zip(servers, offsets))
    requests = rps * seconds
    cpu = [(after - before) * 1000 / requests for before, after in zip(cpu_before, cpu_after)]
    return rps, p99, non2xx, handled, cpu


def main():
    args = sys.argv[1:]
    baseline_binary = None
    if args[:1] == ["--django-from-baseline"] and len(args) > 1:
        baseline_binary = args[1]
        args = args[2:]
    if len(args) < 2:
        raise SystemExit(__doc__)
    binary, pg_cluster = args[0], args[1]
    seconds = int(args[2]) if len(args) > 2 else 5
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian package wrk); skipping")
        return 77
    if not os.access(os.path.join(PG_BINDIR, "initdb"), os.X_OK):
        print("no PostgreSQL 15 in %s (Debian package postgresql-15); skipping" % PG_BINDIR)
        return 77

    workdir = tempfile.mkdtemp(prefix="fitcore-bench-instances-")
    # The cluster's own directory: as root, pg-cluster hands it to the
    # postgres user, who could not reach it inside @workdir (mode 700).
    cluster = tempfile.mkdtemp(prefix="fitcore-bench-pg-")
    servers = []
    try:
        sqlite = Server(binary, workdir, "sqlite", ["--demo"])
        servers.append(sqlite)
        baseline = None
        if baseline_binary is not None:
            baseline = Server(baseline_binary, workdir, "baseline", ["--demo"])
            servers.append(baseline)

        subprocess.run([pg_cluster, "start", cluster], check=True, stdout=subprocess.DEVNULL,
                       timeout=180)
        subprocess.run([os.path.join(PG_BINDIR, "createdb"), "-h", cluster, "-U", "postgres",
                        "bench"], check=True, timeout=60)
        database = "postgresql:///bench?host=%s&user=postgres" % cluster
        config = os.path.join(workdir, "instances.conf")
        with open(config, "w") as f:
            f.write("[server]\nsecret_key=%s\n" % SECRET)
        instances = []
        for i in range(max(INSTANCES)):
            extra = ["--database", database, "--config", config] + (["--demo"] if i == 0 else [])
            instances.append(Server(binary, workdir, "pg-%d" % i, extra))
            servers.append(instances[-1])
        sqlite_auto = Server(binary, workdir, "sqlite-auto", ["--demo", "--workers", "auto"])
        servers.append(sqlite_auto)
        pg_auto = Server(binary, workdir, "pg-auto", ["--database", database, "--config", config,
                                                      "--workers", "auto"])
        servers.append(pg_auto)
        # After the auto instance's start: its workers' own backends.
        pg_pids = postgres_pids(cluster)

        sqlite_token = bench.login(sqlite.base)
        sqlite_auto_token = bench.login(sqlite_auto.base)
        baseline_token = bench.login(baseline.base) if baseline is not None else None
        pg_token = bench.login(instances[0].base)
        # The shared secret at work: instance 1's token on the last one.
        request = urllib.request.Request(instances[-1].base + "/api/v1/nutrition/foods/?page=1",
                                         headers={"Authorization": "Bearer " + pg_token})
        with urllib.request.urlopen(request, timeout=30) as response:
            pg_count = json.load(response)["count"]
        request = urllib.request.Request(sqlite.base + "/api/v1/nutrition/foods/?page=1",
                                         headers={"Authorization": "Bearer " + sqlite_token})
        with urllib.request.urlopen(request, timeout=30) as response:
            sqlite_count = json.load(response)["count"]
        if pg_count != sqlite_count:
            raise RuntimeError("the demo data differ: %d foods on SQLite, %d on PostgreSQL" %
                               (sqlite_count, pg_count))

        routes = [("GET foods/?page=1", "GET", 1, "/api/v1/nutrition/foods/"),
                  ("POST meals/", "POST", 0, "/api/v1/nutrition/meals/")]
        # Unmeasured: every instance prepares its statements and warms its
        # caches (and PostgreSQL its backends'), so the first case measured
        # is not also the first one run.
        for _, method, pages, path in routes:
            run_case([sqlite], sqlite_token, 1, method, pages, path, workdir, [])
            run_case([sqlite_auto], sqlite_auto_token, 1, method, pages, path, workdir, [])
            run_case(instances + [pg_auto], pg_token, 1, method, pages, path, workdir, pg_pids)
            if baseline is not None:
                run_case([baseline], baseline_token, 1, method, pages, path, workdir, [])
        rows = []
        django = {}
        failures = 0
        for route, method, pages, path in routes:
            cases = [("SQLite, 1", [sqlite], sqlite_token, [])]
            cases += [("SQLite, auto", [sqlite_auto], sqlite_auto_token, [])]
            cases += [("PostgreSQL, %d" % n, instances[:n], pg_token, pg_pids) for n in INSTANCES]
            cases += [("PostgreSQL, auto", [pg_auto], pg_token, pg_pids)]
            if baseline is not None:
                cases += [("pre-issue, 1", [baseline], baseline_token, [])]
            base_rps = None
            for label, group, token, pids in cases:
                rps, p99, non2xx, handled, cpu = run_case(group, token, seconds, method, pages, path,
                                                          workdir, pids)
                if base_rps is None:
                    base_rps, base_p99 = rps, p99
                rows.append((route, label, rps, p99, rps / base_rps, p99 / base_p99, handled, cpu))
                if label == "pre-issue, 1":
                    django[route] = rps / DJANGO_RATIOS[method]
                if non2xx:
                    print("%s on %s: %d responses were not 2xx/3xx" % (route, label, non2xx))
                    failures += 1

        print("fitcore-server on PostgreSQL: %d connections in all (split evenly over the "
              "instances, one wrk each), %d s per case, loopback, %d cores (auto: %d workers), "
              "load average %.1f" %
              (bench.CONNECTIONS, seconds, os.cpu_count(), len(process_tree(pg_auto.process.pid)) - 1,
               os.getloadavg()[0]))
        print("p99: the worst of the wrk processes' p99s; server p99: the worst instance's "
              "handler p99 (request log); CPU: ms per request")
        if django:
            print("the Django backend here, derived from the pre-issue server (the issue's "
                  "ratios %.1f× GET, %.0f× POST): %s; × Django: requests/s over that, against "
                  "the goal of %.0f× with a handler p99 ≤ 5 ms" %
                  (DJANGO_RATIOS["GET"], DJANGO_RATIOS["POST"],
                   ", ".join("%s %.0f/s" % (route, rate) for route, rate in django.items()), GOAL))
        print("%-18s %-14s %10s %8s %7s %7s %8s %7s %7s %7s%s" %
              ("route", "database, N", "requests/s", "p99 ms", "rps ×", "p99 ×", "server",
               "CPU srv", "CPU pg", "CPU wrk", " × Django" if django else ""))
        for route, label, rps, p99, rps_ratio, p99_ratio, handled, cpu in rows:
            print("%-18s %-14s %10.0f %8.2f %7.2f %7.2f %8.2f %7.3f %7.3f %7.3f%s" %
                  (route, label, rps, p99, rps_ratio, p99_ratio, handled, cpu[0], cpu[1], cpu[2],
                   " %9.1f" % (rps / django[route]) if route in django else ""))
        return 1 if failures else 0
    finally:
        for server in servers:
            server.stop()
        # Also after a start that failed half way (stop is a no-op without a
        # postmaster.pid).
        subprocess.run([pg_cluster, "stop", cluster], timeout=120)
        shutil.rmtree(cluster, ignore_errors=True)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
