#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Cold start to first frame with a 50,000-food store, against the bare shell.

Issue 4 item 9, third benchmark. Runs under tests/run (Xvfb, a D-Bus session,
an unlocked gnome-keyring, private HOME and XDG dirs), loopback only:

 1. fitcore-server creates its schema in a temporary data dir; 50,000 public
    foods go straight into its database with sqlite3; a user registers.
 2. The user's tokens go into the keyring the way FcCredentials stores them
    (schema org.fitcore.FitCore.Token, attributes server/account/kind), so
    the app restores that session at start without the UI.
 3. The app runs once and pulls the 50,000 foods into its store.
 4. Five cold starts each, alternating: (a) signed in with that store, (b) the
    bare shell: fresh XDG dirs and a server address no token matches. Each is
    timed from spawn to the first visible window (xdotool every 10 ms).

Prints median and p90 of both and the ratio (a)/(b) as TAP comments. Fails
only on setup errors or a window that never appears within 30 s.

Usage: cold-start.py FITCORE FITCORE-SERVER [SCHEMA-DIR]
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
FOODS = 50_000
RUNS = 5
WINDOW_TIMEOUT = 30
PULL_TIMEOUT = 120
EMAIL = "cold-start@fitcore.test"
PASSWORD = "cold-start-Passw0rd!"
TOKEN_SCHEMA = "org.fitcore.FitCore.Token"

# Only loopback is reached: never through a proxy from the environment.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class SetupError(Exception):
    pass


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


def insert_foods(db):
    # A recursive CTE makes the rows inside sqlite3: no 50,000-line script.
    sql = f"""
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {FOODS})
INSERT INTO foods (name, description, serving_quantity, serving_unit, calories, protein,
                   carbohydrates, fat, fiber, sugar, sodium, food_category,
                   user_added_id, is_public, created_at, updated_at)
SELECT 'Bench food ' || i, 'Row ' || i || ' of the cold-start benchmark', 100.0, 'g',
       50 + i % 400, i % 30, i % 60, i % 25, i % 7, i % 11, i % 500,
       'OT', NULL, 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'
FROM n;
COMMIT;
SELECT count(*) FROM foods WHERE is_public = 1;
"""
    out = subprocess.run(["sqlite3", db], input=sql, capture_output=True, text=True,
                         timeout=120)
    if out.returncode != 0 or out.stdout.strip() != str(FOODS):
        raise SetupError(f"sqlite3 insert failed: {out.stderr.strip() or out.stdout.strip()}")


def register(url):
    body = json.dumps({"email": EMAIL, "password1": PASSWORD, "password2": PASSWORD,
                       "first_name": "Cold", "last_name": "Start"}).encode()
    request = urllib.request.Request(url + "api/v1/auth/registration/", data=body,
                                     headers={"Content-Type": "application/json"})
    with OPENER.open(request, timeout=60) as response:
        answer = json.load(response)
    if not answer.get("access") or not answer.get("refresh"):
        raise SetupError(f"registration gave no tokens: {sorted(answer)}")
    return answer["access"], answer["refresh"]


def store_tokens(url, access, refresh):
    # libsecret matches a schema through the attribute xdg:schema, which it
    # adds itself when storing with a schema: secret-tool sets it by hand.
    for kind, token in (("access", access), ("refresh", refresh)):
        out = subprocess.run(
            ["secret-tool", "store", f"--label=FitCore {kind} token for {EMAIL} on {url}",
             "xdg:schema", TOKEN_SCHEMA, "server", url, "account", EMAIL, "kind", kind],
            input=token, capture_output=True, text=True, timeout=30)
        if out.returncode != 0:
            raise SetupError(f"secret-tool store failed: {out.stderr.strip()}")
    out = subprocess.run(["secret-tool", "lookup", "xdg:schema", TOKEN_SCHEMA, "server", url,
                          "account", EMAIL, "kind", "refresh"],
                         capture_output=True, text=True, timeout=30)
    if out.stdout.strip() != refresh:
        raise SetupError("the refresh token did not come back from the keyring")


def app_env(root):
    env = dict(os.environ)
    for name in ("data", "config", "cache", "state"):
        os.makedirs(os.path.join(root, name), exist_ok=True)
    env["XDG_DATA_HOME"] = os.path.join(root, "data")
    env["XDG_CONFIG_HOME"] = os.path.join(root, "config")
    env["XDG_CACHE_HOME"] = os.path.join(root, "cache")
    env["XDG_STATE_HOME"] = os.path.join(root, "state")
    return env


def spawn(app, url, env, log):
    return subprocess.Popen([app, f"--server={url}"], env=env, stdout=log, stderr=log)


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


def fill_store(app, url, env, log):
    process = spawn(app, url, env, log)
    try:
        deadline = time.monotonic() + PULL_TIMEOUT
        count = 0
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise SetupError(f"the app exited ({process.returncode}) while pulling")
            count = store_foods(env["XDG_DATA_HOME"])
            if count >= FOODS:
                return time.monotonic() - (deadline - PULL_TIMEOUT)
            time.sleep(0.5)
        raise SetupError(f"the store holds {count} foods after {PULL_TIMEOUT} s")
    finally:
        stop(process)


def time_window(app, url, env, log):
    """Seconds from spawn to the first visible window of the app's pid."""
    start = time.monotonic()
    process = spawn(app, url, env, log)
    try:
        while time.monotonic() - start < WINDOW_TIMEOUT:
            found = subprocess.run(["xdotool", "search", "--onlyvisible", "--pid",
                                    str(process.pid)], capture_output=True, text=True)
            if found.returncode == 0 and found.stdout.strip():
                return time.monotonic() - start
            if process.poll() is not None:
                return None
            time.sleep(0.01)
        return None
    finally:
        stop(process)


def p90(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


def main():
    if len(sys.argv) < 3:
        print("usage: cold-start.py FITCORE FITCORE-SERVER [SCHEMA-DIR]", file=sys.stderr)
        return 2
    app, server_binary = sys.argv[1], sys.argv[2]
    if len(sys.argv) > 3:
        os.environ["GSETTINGS_SCHEMA_DIR"] = sys.argv[3]

    artifacts = os.environ.get("FITCORE_TEST_ARTIFACTS")
    tmp = tempfile.mkdtemp(prefix="fitcore-cold-start-")
    keep = not (artifacts and os.path.isdir(artifacts))
    log_path = os.path.join(tmp if keep else artifacts, "bench-app-cold-start.log")
    try:
        return run(app, server_binary, tmp, log_path)
    finally:
        # The log stays in tmp when there is no artifacts dir to take it.
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)


def run(app, server_binary, tmp, log_path):
    number = 0
    server = None

    def tap(ok, what):
        nonlocal number
        number += 1
        print(f"{'ok' if ok else 'not ok'} {number} {what}", flush=True)

    with open(log_path, "w") as log:
        try:
            data_dir = os.path.join(tmp, "server")
            os.makedirs(data_dir)
            server, _ = start_server(server_binary, data_dir, log)
            stop(server)
            insert_foods(os.path.join(data_dir, "fitcore.db"))
            server, url = start_server(server_binary, data_dir, log)
            store_tokens(url, *register(url))
            tap(True, f"server with {FOODS} public foods, tokens in the keyring")

            signed_env = app_env(os.path.join(tmp, "signed-in"))
            seconds = fill_store(app, url, signed_env, log)
            tap(True, f"the app restored the session and pulled {FOODS} foods "
                      f"in {seconds:.1f} s")
        except (SetupError, OSError, subprocess.SubprocessError, ValueError) as error:
            tap(False, f"setup: {error}")
            print(f"# log: {log_path}")
            print(f"1..{number}")
            if server is not None:
                stop(server)
            return 1

        # Port 1 on loopback: nothing listens, and no token in the keyring
        # names it, so the bare shell starts signed out.
        bare_url = f"http://{HOST}:1/"
        times = {"store": [], "bare": []}
        failures = []
        for run in range(RUNS):
            order = ("store", "bare") if run % 2 == 0 else ("bare", "store")
            for which in order:
                if which == "store":
                    seconds = time_window(app, url, signed_env, log)
                else:
                    env = app_env(os.path.join(tmp, f"bare-{run}"))
                    seconds = time_window(app, bare_url, env, log)
                if seconds is None:
                    failures.append(f"{which} run {run + 1}")
                else:
                    times[which].append(seconds)
        stop(server)

    labels = {"store": f"signed in, {FOODS}-food store", "bare": "bare shell, no store"}
    for which in ("store", "bare"):
        values = times[which]
        if values:
            print(f"# {labels[which]}: median {statistics.median(values) * 1000:.0f} ms, "
                  f"p90 {p90(values) * 1000:.0f} ms over {len(values)} starts "
                  f"({', '.join(f'{v * 1000:.0f}' for v in values)} ms)")
    if times["store"] and times["bare"]:
        ratio = statistics.median(times["store"]) / statistics.median(times["bare"])
        print(f"# RATIO cold start with store / bare shell (medians): {ratio:.2f}")
    tap(not failures and len(times["store"]) == RUNS,
        f"{RUNS} cold starts signed in with the store show a window within {WINDOW_TIMEOUT} s")
    tap(not failures and len(times["bare"]) == RUNS,
        f"{RUNS} cold starts of the bare shell show a window within {WINDOW_TIMEOUT} s")
    if failures:
        print(f"# no window: {', '.join(failures)}; log: {log_path}")
    print(f"1..{number}")
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
