#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Memory 5 s after start, signed in, with 1,200 and with 50,000 foods.

Issue 11: "RSS 5 s after start, signed in with the 50,000-food store", goal
at most 1.5x a bare AdwApplicationWindow whatever the number of foods. The
list models read the store in windows (src/store/fc-store-model.h), so the
two stores should cost the same.

 1. Two fitcore-servers, with 1,200 and with 50,000 public foods, a user on
    each whose tokens are in the keyring; the app pulls each into a store.
 2. Three rounds, the order turning, of: the app signed in with each store,
    opening on Today (the default) and on Nutrition (its Foods list reads
    the store: a section is built when first shown, so a start on Today
    reads no food), and bare-window (an AdwApplicationWindow and nothing
    else), all with the same warm cache dir. Each is started, and its VmRSS
    read 5 s after the spawn (its window visible by then).

Prints medians and the ratios to the bare window as TAP comments. Fails
only on setup errors or a window that never appears.

Usage: rss.py FITCORE FITCORE-SERVER BARE-WINDOW [SCHEMA-DIR]
"""

import os
import statistics
import sys
import time

# benchlib is imported from the source tree: no __pycache__ left there.
sys.dont_write_bytecode = True
from benchlib import (SETUP_ERRORS, Tap, bench_main, fill_store, interleave, prepare_account,
                      ratio_line, rss_mib, setup_failed, stop, tap_runs, time_window, xdg_env)

SIZES = (1_200, 50_000)
RUNS = 3
AFTER = 5.0
GOAL = 1.5


def nutrition_env(env, root):
    """@env with GSettings in a key file saying that Nutrition was the
    section last shown, so the app opens on it."""
    env = dict(env)
    config = os.path.join(root, "config-nutrition")
    os.makedirs(os.path.join(config, "glib-2.0", "settings"))
    with open(os.path.join(config, "glib-2.0", "settings", "keyfile"), "w") as keyfile:
        keyfile.write("[org/fitcore/FitCore]\nlast-section='nutrition'\n")
    env["XDG_CONFIG_HOME"] = config
    env["GSETTINGS_BACKEND"] = "keyfile"
    return env


def run(app, server_binary, bare, tmp, log):
    tap = Tap()
    cache = os.path.join(tmp, "cache")
    servers = []
    programs = {}
    try:
        for foods in SIZES:
            root = os.path.join(tmp, f"foods-{foods}")
            server, url = prepare_account(server_binary, root, foods, f"rss-{foods}@fitcore.test",
                                          log)
            servers.append(server)
            env = xdg_env(root, cache)
            seconds = fill_store(app, url, env, foods, log)
            tap(True, f"the app signed in and pulled {foods} foods in {seconds:.1f} s")
            programs[foods] = ([app, f"--server={url}"], env)
            programs[f"nutrition-{foods}"] = ([app, f"--server={url}"],
                                              nutrition_env(env, root))
    except SETUP_ERRORS as error:
        return setup_failed(tap, error, log, servers)
    programs["bare"] = ([bare], xdg_env(os.path.join(tmp, "bare"), cache))

    def measure(kind, argv, env):
        spawned = time.monotonic()
        found = []

        def after(process):
            time.sleep(max(0.0, spawned + AFTER - time.monotonic()))
            if process.poll() is None:
                found.append(rss_mib(process.pid))
        time_window(argv, env, log, after)
        return found[0] if found else None

    rss, failures = interleave(programs, RUNS, measure)
    for server in servers:
        stop(server)

    labels = {foods: f"the app signed in, {foods}-food store" for foods in SIZES}
    labels.update({f"nutrition-{foods}": f"the app signed in on Nutrition, {foods}-food store"
                   for foods in SIZES})
    labels["bare"] = "BASELINE bare AdwApplicationWindow (bare-window)"
    for kind, label in labels.items():
        if rss[kind]:
            print(f"# {label}: RSS {AFTER:.0f} s after start, median "
                  f"{statistics.median(rss[kind]):.1f} MiB "
                  f"({', '.join(f'{v:.1f}' for v in rss[kind])} MiB)")
    for foods in SIZES:
        if rss[foods] and rss["bare"]:
            print(ratio_line(f"RSS {AFTER:.0f} s after start, app with {foods} foods / bare window",
                             rss[foods], rss["bare"], GOAL))
    for foods in SIZES:
        if rss[f"nutrition-{foods}"] and rss["bare"]:
            print(ratio_line(f"RSS {AFTER:.0f} s after start on Nutrition, app with {foods} foods "
                             "/ bare window", rss[f"nutrition-{foods}"], rss["bare"], GOAL))
    status = tap_runs(tap, rss, RUNS, failures, labels, log)
    tap.plan()
    return status


if __name__ == "__main__":
    sys.exit(bench_main("rss", run))
