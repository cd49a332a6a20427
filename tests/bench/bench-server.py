#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""fitcore-server throughput and latency, on loopback only.

Starts `fitcore-server --demo` in a temporary data dir on 127.0.0.1, logs in
as the demo user and drives it with wrk (Debian's package) at 64
connections for a few seconds per case:

  GET  /api/v1/ping/                      the baseline: routing + auth + JSON
  GET  /api/v1/nutrition/foods/?page=N    authenticated list pages
  POST /api/v1/nutrition/meals/           a write with a nested item

and prints requests/s and p99 latency with the ratio to the baseline, and
the p99 of the server's own time per request (from its request log: request
read to response written, so without the queueing in front of it). Each
case runs long enough (8 s) that the first request on each of the 64 new
connections, which waits for its accept behind a full queue, stays out of
the p99. Then
it measures p99 of GET ping while 8 clients log in over and over (each
login hashes 1,000,000 PBKDF2 rounds on a worker thread) against the same
load without them. Everything is bounded: about 45 s in all.

Usage: bench-server.py PATH-TO-fitcore-server [SECONDS-PER-CASE]
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

HOST = "127.0.0.1"
CONNECTIONS = 64
THREADS = 2
DEMO_EMAIL = "demo@fitcore.local"
DEMO_PASSWORD = "fitcore-demo"


def start_server(binary, data_dir, log):
    process = subprocess.Popen(
        [binary, "--bind", HOST, "--port", "0", "--data-dir", data_dir, "--demo"],
        stdout=subprocess.PIPE, stderr=log, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        match = re.search(r"listening on (http://[0-9.]+:\d+)/", line)
        if match:
            return process, match.group(1)
    process.kill()
    raise SystemExit("fitcore-server did not start")


def post_json(url, body, token=None):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    if token:
        request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def login(base):
    return post_json(base + "/api/v1/auth/oauth/login/",
                     {"email": DEMO_EMAIL, "password": DEMO_PASSWORD})["access"]


LUA = """
local token = "%(token)s"
local method = "%(method)s"
local pages = %(pages)d
wrk.method = method
wrk.headers["Authorization"] = "Bearer " .. token
wrk.headers["Content-Type"] = "application/json"
if method == "POST" then
  wrk.body = '{"name":"Bench meal","meal_time_category":"LN","meal_items":[{"food":1,"number_of_servings":1.5},{"food":2,"number_of_servings":1}]}'
end
local counter = 0
request = function()
  if pages > 0 then
    counter = counter + 1
    return wrk.format(nil, wrk.path .. "?page=" .. ((counter %% pages) + 1))
  end
  return wrk.format(nil, wrk.path)
end
"""

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def server_p99(log_path, offset, path):
    """p99 of the server's own time per request (its log line: request
    started to response finished), for the lines written since @offset."""
    with open(log_path) as f:
        f.seek(offset)
        times = sorted(float(m.group(1)) for m in
                       (re.search(r" " + re.escape(path) + r" \d+ ([0-9.]+)ms ", line) for line in f)
                       if m)
    return times[int(len(times) * 0.99)] if times else float("nan")


def run_wrk(url, token, seconds, connections=CONNECTIONS, method="GET", pages=0, workdir="."):
    script = os.path.join(workdir, "bench-%s-%d.lua" % (method, pages))
    with open(script, "w") as f:
        f.write(LUA % {"token": token, "method": method, "pages": pages})
    output = subprocess.run(
        ["wrk", "-t", str(min(THREADS, connections)), "-c", str(connections),
         "-d", "%ds" % seconds, "--timeout", "10s", "--latency", "-s", script, url],
        capture_output=True, text=True, timeout=seconds + 30).stdout
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", output).group(1))
    value, unit = re.search(r"^\s+99%\s+([0-9.]+)(us|ms|s)\s*$", output, re.M).groups()
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rps, float(value) * UNITS[unit], int(non2xx.group(1)) if non2xx else 0


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    binary = sys.argv[1]
    seconds = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    login_seconds = min(seconds, 4)
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian package wrk); skipping")
        return 77

    workdir = tempfile.mkdtemp(prefix="fitcore-bench-")
    process = None
    try:
        log_path = os.path.join(workdir, "server.log")
        log = open(log_path, "w")
        process, base = start_server(binary, os.path.join(workdir, "data"), log)
        token = login(base)
        count = json.load(urllib.request.urlopen(base + "/api/v1/nutrition/foods/", timeout=30))["count"]
        pages = max(1, (count + 9) // 10)

        cases = [
            ("GET ping (baseline)", base + "/api/v1/ping/", "GET", 0),
            ("GET foods/?page=N", base + "/api/v1/nutrition/foods/", "GET", pages),
            ("POST meals/", base + "/api/v1/nutrition/meals/", "POST", 0),
        ]
        results = []
        for name, url, method, n in cases:
            offset = os.path.getsize(log_path)
            measured = run_wrk(url, token, seconds, method=method, pages=n, workdir=workdir)
            log.flush()
            path = url[len(base):]
            results.append((name,) + measured + (server_p99(log_path, offset, path),))

        print("fitcore-server benchmark: %d connections, %d s per case, loopback" %
              (CONNECTIONS, seconds))
        print("%-22s %12s %10s %10s %12s %16s" % ("case", "requests/s", "p99 ms", "rps ratio",
                                                 "p99 ratio", "server p99 ms"))
        base_rps, base_p99 = results[0][1], results[0][2]
        failures = 0
        for name, rps, p99, non2xx, handled in results:
            print("%-22s %12.0f %10.2f %10.2f %12.2f %16.2f" %
                  (name, rps, p99, rps / base_rps, p99 / base_p99, handled))
            if non2xx:
                print("  %s: %d responses were not 2xx/3xx" % (name, non2xx))
                failures += 1

        # p99 of a light GET while logins hash on worker threads.
        quiet = run_wrk(base + "/api/v1/ping/", token, login_seconds, connections=8, workdir=workdir)
        stop = threading.Event()
        logins = [0]

        def keep_logging_in():
            while not stop.is_set():
                login(base)
                logins[0] += 1

        hashers = [threading.Thread(target=keep_logging_in) for _ in range(8)]
        for thread in hashers:
            thread.start()
        busy = run_wrk(base + "/api/v1/ping/", token, login_seconds, connections=8, workdir=workdir)
        stop.set()
        for thread in hashers:
            thread.join()
        print("GET ping p99 at 8 connections: %.2f ms alone, %.2f ms while 8 clients log in "
              "(%d logins of 1,000,000 PBKDF2 rounds done, %.1f/s); ratio %.2f" %
              (quiet[1], busy[1], logins[0], logins[0] / login_seconds, busy[1] / quiet[1]))
        return 1 if failures else 0
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
            log.close()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
