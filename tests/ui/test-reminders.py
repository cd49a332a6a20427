#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Reminders (issue 15) as a person sets them, with the app's clock moved
# instead of waiting for the hour (AT-SPI to see, xdotool to click and type):
# - Preferences → Reminders → “Add Workout Reminder”; every day (Saturday
#   and Sunday toggled on) at an hour two hours from now;
# - the app's reminders clock is moved past that hour (the test-only action
#   app.test-clock-offset, which only a debug build run with
#   FITCORE_TEST_CLOCK=1 has): the notification server logs exactly one
#   notification “Time for Your Workout”;
# - the window closed: the process keeps running, and the next day's
#   reminder (the clock moved a day on) still arrives, once;
# - running the app again shows the window; Ctrl+Q (Quit) ends the process;
# - screenshots of the Reminders page: light, dark and 360 px wide.
# Prints TAP.
#
#   test-reminders.py FITCORE_BINARY FITCORE_SERVER DEFAULT_ARTIFACTS_DIR

import datetime
import json
import os
import subprocess
import time

import pyatspi

from fcapp import app_env, main, start_app, wait_window
from fcatspi import (click, extents, find, find_all, find_app, find_shown, key, poll, resize, screenshot,
                     stop, type_into)

TITLE = 'Time for Your Workout'
LOG = os.path.join(os.environ.get('XDG_RUNTIME_DIR', '/tmp'), 'fitcore-notifications.jsonl')


def notifications_since(start):
    """The notifications the server logged after the first start lines."""
    try:
        with open(LOG) as log:
            lines = log.readlines()
    except FileNotFoundError:
        return []
    return [json.loads(line) for line in lines[start:] if line.strip()]


def log_length():
    try:
        with open(LOG) as log:
            return len(log.readlines())
    except FileNotFoundError:
        return 0


def workout_notifications(start):
    return [n for n in notifications_since(start) if n['summary'] == TITLE]


def visible_windows(pid):
    done = subprocess.run(['xdotool', 'search', '--onlyvisible', '--pid', str(pid)],
                          capture_output=True, text=True)
    return done.stdout.split() if done.returncode == 0 else []


def set_clock_offset(seconds):
    """The app's reminders clock, seconds ahead of the real one, through
    GApplication's org.gtk.Actions on the session bus."""
    done = subprocess.run(['gdbus', 'call', '--session', '--dest', 'org.fitcore.FitCore',
                           '--object-path', '/org/fitcore/FitCore',
                           '--method', 'org.gtk.Actions.Activate', 'test-clock-offset',
                           f'[<int64 {seconds}>]', '{}'],
                          capture_output=True, text=True, timeout=30)
    return done.returncode == 0, done.stderr


def open_reminders(tap, pid, app_node):
    key('ctrl+comma')
    preferences = poll(lambda: find(app_node, 'frame', 'Preferences'), timeout=30)
    if not tap.check(preferences is not None, 'Ctrl+, opens Preferences'):
        return None
    tab = poll(lambda: next((n for n in [find_shown(preferences, role, 'Reminders')
                                         for role in ('toggle button', 'radio button',
                                                      'push button', 'page tab')]
                             if n is not None), None), timeout=20)
    if not tap.check(tab is not None, 'Preferences has a “Reminders” page'):
        return None
    click(pid, tab)
    add = poll(lambda: find_shown(preferences, 'push button', 'Add Workout Reminder'))
    tap.check(add is not None, 'the Reminders page offers “Add Workout Reminder”',
              [(n.getRoleName(), n.name) for n in
               find_all(preferences, lambda n: n.getRoleName() in ('push button', 'label'))])
    return preferences if add is not None else None


def run(tap, binary, server_binary, artifacts, tmp):
    env = app_env(tmp)
    env['FITCORE_TEST_CLOCK'] = '1'
    start = log_length()
    app = None
    try:
        app = start_app(binary, None, env)
        window = wait_window(tap, app, 'first start')
        app_node = find_app(app.pid)
        if window is None or app_node is None:
            return
        preferences = open_reminders(tap, app.pid, app_node)
        if preferences is None:
            return

        click(app.pid, find_shown(preferences, 'push button', 'Add Workout Reminder'))
        hour = poll(lambda: find_shown(preferences, 'spin button', 'Hour'))
        if not tap.check(hour is not None, 'the new reminder opens with its days and time'):
            return
        for day in ('Saturday', 'Sunday'):
            # GTK 4.8 gives a toggle button the push button role, pressed.
            button = find_shown(preferences, 'toggle button', day) or \
                find_shown(preferences, 'push button', day)
            if tap.check(button is not None, f'its days have a “{day}” button'):
                click(app.pid, button)
                tap.check(poll(lambda b=button: b.getState().contains(pyatspi.STATE_CHECKED) or
                               b.getState().contains(pyatspi.STATE_PRESSED)),
                          f'“{day}” is on')
        # Two hours from now, on the hour, in the app's zone (TZ=UTC).
        now = datetime.datetime.now(datetime.timezone.utc)
        target_hour = (now.hour + 2) % 24
        tap.check(type_into(app.pid, hour, str(target_hour)), f'the hour is typed: {target_hour}')
        key('Tab')
        summary = f'Every day at {target_hour:02d}:00'
        tap.check(poll(lambda: find_shown(preferences, 'label', summary), timeout=20),
                  f'the row says “{summary}”')
        time.sleep(1)
        screenshot(artifacts, 'ui-reminders.png')

        # The notifications' default action is one of the application's.
        listed = subprocess.run(['gdbus', 'call', '--session', '--dest', 'org.fitcore.FitCore',
                                 '--object-path', '/org/fitcore/FitCore',
                                 '--method', 'org.gtk.Actions.List'],
                                capture_output=True, text=True, timeout=30)
        tap.check("'open-reminder'" in listed.stdout,
                  'the application has the reminders’ default action, app.open-reminder',
                  listed.stdout + listed.stderr)

        # The app's clock moved to just past that hour.
        target = now.replace(minute=0, second=0, microsecond=0) + datetime.timedelta(hours=2)
        offset = int((target - datetime.datetime.now(datetime.timezone.utc)).total_seconds()) + 5
        ok, error = set_clock_offset(offset)
        tap.check(ok, f'the test clock moves {offset} s ahead', error)
        tap.check(poll(lambda: workout_notifications(start), timeout=30),
                  f'the notification server shows “{TITLE}”', notifications_since(start))
        time.sleep(3)
        fired = workout_notifications(start)
        tap.check(len(fired) == 1, f'exactly one “{TITLE}”', fired)
        tap.check(all(n['app_name'] for n in fired) and
                  all('Your planned workout is waiting.' == n['body'] for n in fired),
                  'with the reminder’s body', fired)
        shown = len(fired)

        # The window closed: the app stays for the reminders.
        key('Escape')
        poll(lambda: find(app_node, 'frame', 'Preferences') is None, timeout=20)
        key('ctrl+w')
        tap.check(poll(lambda: not visible_windows(app.pid), timeout=20),
                  'Ctrl+W closes the window', visible_windows(app.pid))
        time.sleep(3)
        tap.check(app.poll() is None, 'the app keeps running without its window',
                  f'exit status {app.returncode}')
        ok, error = set_clock_offset(offset + 24 * 3600)
        tap.check(ok, 'the test clock moves a day on', error)
        tap.check(poll(lambda: len(workout_notifications(start)) > shown, timeout=30),
                  'with the window closed, the next day’s reminder still arrives',
                  notifications_since(start))
        time.sleep(3)
        tap.check(len(workout_notifications(start)) == shown + 1, 'once',
                  notifications_since(start))

        # Running it again shows the window; Quit ends it.
        second = subprocess.run([binary], env=env, capture_output=True, text=True, timeout=60)
        tap.check(second.returncode == 0, 'running the app again hands over to the running one',
                  second.stderr)
        tap.check(poll(lambda: visible_windows(app.pid), timeout=30),
                  'and shows its window again')
        time.sleep(1)
        key('ctrl+q')
        try:
            app.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
        tap.check(app.poll() == 0, 'Ctrl+Q (Quit) ends the process', f'status {app.poll()}')

        narrow_and_dark(tap, binary, env, artifacts)
    finally:
        stop(app)


def narrow_and_dark(tap, binary, env, artifacts):
    env = dict(env, ADW_DEBUG_COLOR_SCHEME='prefer-dark')
    app = start_app(binary, None, env)
    try:
        window = wait_window(tap, app, 'dark, narrow start')
        app_node = find_app(app.pid)
        if window is None or app_node is None:
            return
        preferences = open_reminders(tap, app.pid, app_node)
        if preferences is None:
            return
        click(app.pid, find_shown(preferences, 'push button', 'Add Workout Reminder'))
        poll(lambda: find_shown(preferences, 'spin button', 'Hour'))
        time.sleep(1)
        screenshot(artifacts, 'ui-reminders-dark.png')
        resize(app.pid, 360, 720)
        # The Preferences window follows its own size: make it narrow too.
        subprocess.run(['xdotool', 'search', '--name', '^Preferences$', 'windowsize', '%@',
                        '360', '720'], capture_output=True)
        time.sleep(1.5)
        sunday = poll(lambda: find_shown(preferences, 'toggle button', 'Sunday') or
                      find_shown(preferences, 'push button', 'Sunday'))
        minute = poll(lambda: find_shown(preferences, 'spin button', 'Minute'))
        login = poll(lambda: find_shown(preferences, 'switch', 'Start at Login') or
                     find_shown(preferences, 'toggle button', 'Start at Login'))
        pref_box = extents(preferences)
        fits = [n is not None and extents(n).x + extents(n).width <= pref_box.width
                for n in (sunday, minute)]
        tap.check(all(fits) and pref_box.width <= 400,
                  'at 360 px the days, the time and the switches fit the window',
                  f'window {pref_box.width} px; fits {fits}; login switch {login is not None}')
        screenshot(artifacts, 'ui-reminders-dark-narrow.png')
    finally:
        stop(app)


if __name__ == '__main__':
    raise SystemExit(main(run, 'reminders'))
