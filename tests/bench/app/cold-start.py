#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Cold start to the first window, every program with a fresh cache.

Issue 11: "cold start to first window, fresh cache (first run, new user)",
goal at most 1.15x a bare libadwaita window. Cold means the same for every
program timed: a fresh, empty XDG_CACHE_HOME for each start (GStreamer's
registry, Mesa's shader cache, fontconfig's), so the baseline is not slower
for having a cold cache the app does not (before, the "bare shell" got a
fresh cache each time and the app kept one, which made the app look faster:
0.55x).

 1. fitcore-server with 50,000 public foods; a user whose tokens are in the
    keyring; the app runs once and pulls the foods into its store.
 2. Five rounds, the order turning each round, of:
    (a) the app's first run: new user, every XDG dir fresh (welcome page);
    (b) the app signed in with the 50,000-food store, a fresh cache dir;
    (c) bare-window (an AdwApplicationWindow and nothing else), a fresh
        cache dir, the same environment otherwise.
    Each is timed from spawn to the first visible window (xdotool every 10 ms).

Prints medians, p90s and the ratios to (c) as TAP comments. Fails only on
setup errors or a window that never appears.

Usage: cold-start.py FITCORE FITCORE-SERVER BARE-WINDOW [SCHEMA-DIR]
"""

import os
import sys
import tempfile

# benchlib is imported from the source tree: no __pycache__ left there.
sys.dont_write_bytecode = True
from benchlib import (SETUP_ERRORS, Tap, bench_main, fill_store, interleave, prepare_account,
                      ratio_line, setup_failed, stop, summary, tap_runs, time_window, xdg_env,
                      HOST)

FOODS = 50_000
RUNS = 5
EMAIL = "cold-start@fitcore.test"
GOAL = 1.15


def run(app, server_binary, bare, tmp, log):
    tap = Tap()
    server = None
    try:
        server, url = prepare_account(server_binary, os.path.join(tmp, "account"), FOODS, EMAIL,
                                      log)
        signed = os.path.join(tmp, "signed-in")
        seconds = fill_store(app, url, xdg_env(signed), FOODS, log)
        tap(True, f"server with {FOODS} public foods; the app signed in and pulled them "
                  f"in {seconds:.1f} s")
    except SETUP_ERRORS as error:
        return setup_failed(tap, error, log, [server] if server else [])

    # Port 1 on loopback: nothing listens and no token names it, so the
    # first run opens on the welcome page, as a new user's does.
    programs = {"first-run": ([app, f"--server=http://{HOST}:1/"], "new-user"),
                "signed-in": ([app, f"--server={url}"], signed),
                "bare": ([bare], "bare")}
    starts = [0]

    def measure(kind, argv, root):
        # Every start a fresh cache; the new user and the bare window fresh
        # everything else too, the signed-in app its store and keyring.
        starts[0] += 1
        cache = tempfile.mkdtemp(prefix="cache-", dir=tmp)
        if kind != "signed-in":
            root = os.path.join(tmp, f"{root}-{starts[0]}")
        return time_window(argv, xdg_env(os.path.join(tmp, root), cache), log)

    times, failures = interleave(programs, RUNS, measure)
    stop(server)

    labels = {"first-run": "the app's first run, new user, fresh cache",
              "signed-in": f"the app signed in, {FOODS}-food store, fresh cache",
              "bare": "BASELINE bare AdwApplicationWindow (bare-window), fresh cache"}
    for kind, label in labels.items():
        if times[kind]:
            print(f"# {summary(label, times[kind])}")
    for kind, what in (("first-run", "first run, new user"),
                       ("signed-in", f"signed in with {FOODS} foods")):
        if times[kind] and times["bare"]:
            print(ratio_line(f"cold start, {what} / bare window, both fresh caches",
                             times[kind], times["bare"], GOAL))
    status = tap_runs(tap, times, RUNS, failures, labels, log)
    tap.plan()
    return status


if __name__ == "__main__":
    sys.exit(bench_main("cold-start", run))
