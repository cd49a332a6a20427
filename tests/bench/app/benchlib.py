# SPDX-License-Identifier: GPL-3.0-or-later
"""What the app benchmarks share: a fitcore-server holding N public foods, a
user whose tokens are in the keyring, a signed-in store the app pulled, and
spawning and timing a program's first visible window.

Runs under tests/run (Xvfb, a D-Bus session, an unlocked gnome-keyring,
private HOME and XDG dirs), loopback only.
"""

import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HOST = "127.0.0.1"
WINDOW_TIMEOUT = 30
PULL_TIMEOUT = 300
PASSWORD = "bench-Passw0rd!"
TOKEN_SCHEMA = "org.fitcore.FitCore.Token"

# Only loopback is reached: never through a proxy from the environment.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class SetupError(Exception):
    pass


class Tap:
    def __init__(self):
        self.number = 0

    def __call__(self, ok, what):
        self.number += 1
        print(f"{'ok' if ok else 'not ok'} {self.number} {what}", flush=True)

    def plan(self):
        print(f"1..{self.number}", flush=True)


def start_server(binary, data_dir, log):
    process = subprocess.Popen(
        [binary, "--bind", HOST, "--port", "0", "--data-dir", data_dir],
        stdout=subprocess.PIPE, stderr=log, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        match = re.search(r"listening on (http://[0-9.]+:\d+/)", line)
        if match:
            return process, match.group(1)
    stop(process)
    raise SetupError("fitcore-server did not start")


def stop(process, sig=signal.SIGTERM):
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def insert_foods(db, count):
    # A recursive CTE makes the rows inside sqlite3: no 50,000-line script.
    sql = f"""
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count})
INSERT INTO foods (name, description, serving_quantity, serving_unit, calories, protein,
                   carbohydrates, fat, fiber, sugar, sodium, food_category,
                   user_added_id, is_public, created_at, updated_at)
SELECT 'Bench food ' || i, 'Row ' || i || ' of the app benchmarks', 100.0, 'g',
       50 + i % 400, i % 30, i % 60, i % 25, i % 7, i % 11, i % 500,
       'OT', NULL, 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'
FROM n;
COMMIT;
SELECT count(*) FROM foods WHERE is_public = 1;
"""
    # A ceiling for a loaded machine: 120 s was not enough at a load of 30.
    out = subprocess.run(["sqlite3", db], input=sql, capture_output=True, text=True,
                         timeout=600)
    if out.returncode != 0 or out.stdout.strip() != str(count):
        raise SetupError(f"sqlite3 insert failed: {out.stderr.strip() or out.stdout.strip()}")


def register(url, email):
    body = json.dumps({"email": email, "password1": PASSWORD, "password2": PASSWORD,
                       "first_name": "Bench", "last_name": "User"}).encode()
    request = urllib.request.Request(url + "api/v1/auth/registration/", data=body,
                                     headers={"Content-Type": "application/json"})
    with OPENER.open(request, timeout=60) as response:
        answer = json.load(response)
    if not answer.get("access") or not answer.get("refresh"):
        raise SetupError(f"registration gave no tokens: {sorted(answer)}")
    return answer["access"], answer["refresh"]


def store_tokens(url, email, access, refresh):
    # libsecret matches a schema through the attribute xdg:schema, which it
    # adds itself when storing with a schema: secret-tool sets it by hand.
    for kind, token in (("access", access), ("refresh", refresh)):
        out = subprocess.run(
            ["secret-tool", "store", f"--label=FitCore {kind} token for {email} on {url}",
             "xdg:schema", TOKEN_SCHEMA, "server", url, "account", email, "kind", kind],
            input=token, capture_output=True, text=True, timeout=30)
        if out.returncode != 0:
            raise SetupError(f"secret-tool store failed: {out.stderr.strip()}")
    out = subprocess.run(["secret-tool", "lookup", "xdg:schema", TOKEN_SCHEMA, "server", url,
                          "account", email, "kind", "refresh"],
                         capture_output=True, text=True, timeout=30)
    if out.stdout.strip() != refresh:
        raise SetupError("the refresh token did not come back from the keyring")


def xdg_env(root, cache=None):
    """The XDG dirs under @root; the cache dir is @cache when given, so that
    runs can share one cache (warm) or each take a fresh one (cold)."""
    env = dict(os.environ)
    for name in ("data", "config", "state"):
        os.makedirs(os.path.join(root, name), exist_ok=True)
    env["XDG_DATA_HOME"] = os.path.join(root, "data")
    env["XDG_CONFIG_HOME"] = os.path.join(root, "config")
    env["XDG_STATE_HOME"] = os.path.join(root, "state")
    env["XDG_CACHE_HOME"] = cache or os.path.join(root, "cache")
    os.makedirs(env["XDG_CACHE_HOME"], exist_ok=True)
    return env


def store_foods(data_home):
    stores = os.path.join(data_home, "fitcore", "stores")
    best = 0
    for name in os.listdir(stores) if os.path.isdir(stores) else []:
        if not name.endswith(".db"):
            continue
        out = subprocess.run(["sqlite3", "-readonly", os.path.join(stores, name),
                              "SELECT count(*) FROM foods"],
                             capture_output=True, text=True, timeout=30)
        if out.returncode == 0 and out.stdout.strip().isdigit():
            best = max(best, int(out.stdout.strip()))
    return best


def prepare_account(server_binary, root, foods, email, log):
    """A server with @foods public foods and a registered @email whose tokens
    are in the keyring. Returns (server process, url)."""
    data_dir = os.path.join(root, "server")
    os.makedirs(data_dir)
    server, _ = start_server(server_binary, data_dir, log)
    stop(server)
    insert_foods(os.path.join(data_dir, "fitcore.db"), foods)
    server, url = start_server(server_binary, data_dir, log)
    store_tokens(url, email, *register(url, email))
    return server, url


def fill_store(app, url, env, foods, log):
    """Runs the app until its store holds @foods foods; returns the seconds."""
    start = time.monotonic()
    process = subprocess.Popen([app, f"--server={url}"], env=env, stdout=log, stderr=log)
    try:
        count = 0
        while time.monotonic() - start < PULL_TIMEOUT:
            if process.poll() is not None:
                raise SetupError(f"the app exited ({process.returncode}) while pulling")
            count = store_foods(env["XDG_DATA_HOME"])
            if count >= foods:
                # Let the pull's last commit and the engine settle.
                time.sleep(2)
                return time.monotonic() - start
            time.sleep(0.5)
        raise SetupError(f"the store holds {count} foods after {PULL_TIMEOUT} s")
    finally:
        stop(process)


def window_visible(pid):
    found = subprocess.run(["xdotool", "search", "--onlyvisible", "--pid", str(pid)],
                           capture_output=True, text=True)
    return found.returncode == 0 and found.stdout.strip() != ""


def time_window(argv, env, log, after=None):
    """Seconds from spawn to the program's first visible window (xdotool every
    10 ms), or None. @after(process) runs once the window is there, before
    the program is stopped (to read its memory, say)."""
    start = time.monotonic()
    process = subprocess.Popen(argv, env=env, stdout=log, stderr=log)
    try:
        while time.monotonic() - start < WINDOW_TIMEOUT:
            if window_visible(process.pid):
                seconds = time.monotonic() - start
                if after is not None:
                    after(process)
                return seconds
            if process.poll() is not None:
                return None
            time.sleep(0.01)
        return None
    finally:
        stop(process)


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return None


def p90(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


def summary(label, values, unit="ms", scale=1000.0):
    return (f"{label}: median {statistics.median(values) * scale:.0f} {unit}, "
            f"p90 {p90(values) * scale:.0f} {unit} over {len(values)} runs "
            f"({', '.join(f'{v * scale:.0f}' for v in values)} {unit})")


def artifacts_log(tmp, name):
    artifacts = os.environ.get("FITCORE_TEST_ARTIFACTS")
    if artifacts and os.path.isdir(artifacts):
        return os.path.join(artifacts, name)
    return os.path.join(tmp, name)


SETUP_ERRORS = (SetupError, OSError, subprocess.SubprocessError, ValueError)


def bench_main(name, run):
    """Parses FITCORE FITCORE-SERVER BARE-WINDOW [SCHEMA-DIR] and calls
    @run(app, server_binary, bare, tmp, log) with a temporary dir and a log
    (kept in the artifacts dir when there is one); returns its status."""
    if len(sys.argv) < 4:
        print(f"usage: {name}.py FITCORE FITCORE-SERVER BARE-WINDOW [SCHEMA-DIR]",
              file=sys.stderr)
        return 2
    app, server_binary, bare = sys.argv[1:4]
    if len(sys.argv) > 4:
        os.environ["GSETTINGS_SCHEMA_DIR"] = sys.argv[4]
    tmp = tempfile.mkdtemp(prefix=f"fitcore-{name}-")
    try:
        log_path = artifacts_log(tmp, f"bench-app-{name}.log")
        with open(log_path, "w") as log:
            return run(app, server_binary, bare, tmp, log)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def setup_failed(tap, error, log, servers):
    tap(False, f"setup: {error}")
    print(f"# log: {log.name}")
    tap.plan()
    for server in servers:
        stop(server)
    return 1


def interleave(programs, runs, measure):
    """@runs rounds over @programs (kind -> (argv, env)), the order turning
    each round; @measure(kind, argv, env) returns a value or None (no
    window). Returns (values by kind, failures)."""
    kinds = list(programs)
    values = {kind: [] for kind in kinds}
    failures = []
    for round_ in range(runs):
        order = kinds[round_ % len(kinds):] + kinds[:round_ % len(kinds)]
        for kind in order:
            argv, env = programs[kind]
            value = measure(kind, argv, env)
            if value is None:
                failures.append(kind)
            else:
                values[kind].append(value)
    return values, failures


def ratio_line(what, value, baseline, goal):
    ratio = statistics.median(value) / statistics.median(baseline)
    return (f"# RATIO {what} (medians): {ratio:.2f} "
            f"(goal <= {goal}: {'met' if ratio <= goal else 'missed'})")


def tap_runs(tap, values, runs, failures, what, log):
    """One TAP line a kind: every run gave a value."""
    for kind, label in what.items():
        tap(kind not in failures and len(values[kind]) == runs,
            f"{runs} runs of {label} show a window within {WINDOW_TIMEOUT} s")
    if failures:
        print(f"# no window: {', '.join(str(f) for f in failures)}; log: {log.name}")
    return 0 if not failures else 1
