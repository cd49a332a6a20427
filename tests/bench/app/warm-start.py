#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Warm start to the first window, signed in with a 50,000-food store.

Issue 11: "start to first window, signed in, 50,000-food store, warm cache",
goals at most 1.15x a bare libadwaita window and at most 0.65x
gnome-text-editor. Every program shares one cache dir, warmed by a start of
each before the timed ones.

 1. fitcore-server with 50,000 public foods; a user whose tokens are in the
    keyring; the app runs once and pulls the foods into its store.
 2. One untimed start of each program, then five rounds, the order turning:
    the app signed in; bare-window (an AdwApplicationWindow and nothing
    else); gnome-text-editor when it is installed (said and skipped if not).
    Each is timed from spawn to its first visible window (xdotool, 10 ms).
 3. One more start of the app with FITCORE_DEBUG_STARTUP=1: its start-up
    steps against the spawn, and a check that the store, its models and the
    first sync come only after the first window is mapped.

Usage: warm-start.py FITCORE FITCORE-SERVER BARE-WINDOW [SCHEMA-DIR]
"""

import os
import re
import shutil
import subprocess
import sys
import time

# benchlib is imported from the source tree: no __pycache__ left there.
sys.dont_write_bytecode = True
from benchlib import (SETUP_ERRORS, Tap, bench_main, fill_store, interleave, prepare_account,
                      ratio_line, setup_failed, stop, summary, tap_runs, time_window, xdg_env,
                      WINDOW_TIMEOUT)

FOODS = 50_000
RUNS = 5
EMAIL = "warm-start@fitcore.test"
GOAL_BARE = 1.15
GOAL_EDITOR = 0.65


def startup_steps(app, url, env, log):
    """The app's steps, in ms after spawn, from FITCORE_DEBUG_STARTUP=1."""
    env = dict(env, FITCORE_DEBUG_STARTUP="1")
    start = time.monotonic()
    process = subprocess.Popen([app, f"--server={url}"], env=env, stdout=log,
                               stderr=subprocess.PIPE, text=True)
    steps = []
    try:
        deadline = start + WINDOW_TIMEOUT
        while time.monotonic() < deadline:
            line = process.stderr.readline()
            if not line:
                break
            match = re.match(r"fitcore-startup: ([0-9.]+) ms (.*)", line)
            if match:
                steps.append((float(match.group(1)) - start * 1000.0, match.group(2)))
                if match.group(2).startswith("sync engine started"):
                    break
            else:
                log.write(line)
    finally:
        stop(process)
    return steps


def run(app, server_binary, bare, tmp, log):
    tap = Tap()
    editor = shutil.which("gnome-text-editor")
    cache = os.path.join(tmp, "cache")
    server = None
    try:
        server, url = prepare_account(server_binary, os.path.join(tmp, "account"), FOODS, EMAIL,
                                      log)
        signed_env = xdg_env(os.path.join(tmp, "signed-in"), cache)
        seconds = fill_store(app, url, signed_env, FOODS, log)
        tap(True, f"server with {FOODS} public foods; the app signed in and pulled them "
                  f"in {seconds:.1f} s")
    except SETUP_ERRORS as error:
        return setup_failed(tap, error, log, [server] if server else [])

    labels = {"app": f"the app signed in, {FOODS}-food store, warm cache",
              "bare": "BASELINE bare AdwApplicationWindow (bare-window), warm cache"}
    programs = {"app": ([app, f"--server={url}"], signed_env),
                "bare": ([bare], xdg_env(os.path.join(tmp, "bare"), cache))}
    if editor is not None:
        labels["editor"] = "gnome-text-editor, warm cache"
        programs["editor"] = ([editor], xdg_env(os.path.join(tmp, "editor"), cache))
    else:
        print("# gnome-text-editor is not installed (apt-get install gnome-text-editor): "
              "its ratio is skipped")

    # Warm the shared cache (and the page cache) with one start of each.
    for argv, env in programs.values():
        time_window(argv, env, log)
    times, failures = interleave(programs, RUNS,
                                 lambda kind, argv, env: time_window(argv, env, log))
    steps = startup_steps(app, url, signed_env, log)
    stop(server)

    for kind, label in labels.items():
        if times[kind]:
            print(f"# {summary(label, times[kind])}")
    for kind, goal, what in (("bare", GOAL_BARE, "bare window"),
                             ("editor", GOAL_EDITOR, "gnome-text-editor")):
        if times["app"] and times.get(kind):
            print(ratio_line(f"warm start, app signed in with {FOODS} foods / {what}",
                             times["app"], times[kind], goal))
    status = tap_runs(tap, times, RUNS, failures, labels, log)

    for ms, step in steps:
        print(f"# step +{ms:7.1f} ms  {step}")

    def at(prefix):
        return next((ms for ms, step in steps if step.startswith(prefix)), None)

    mapped = at("first window mapped")
    later = [at("store open"), at("sync engine started")]
    tap(mapped is not None and all(t is not None and t > mapped for t in later),
        "the store, its models and the first sync start after the first window is mapped")
    tap.plan()
    return status


if __name__ == "__main__":
    sys.exit(bench_main("warm-start", run))
