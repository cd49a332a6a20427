#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Drives the fitcore shell the way a person would, through the accessibility
# tree (AT-SPI) and real input (xdotool), and prints TAP.
#
#   test-shell.py FITCORE_BINARY DEFAULT_ARTIFACTS_DIR
#
# Needs a display, a D-Bus session with the AT-SPI bus and the app's compiled
# schemas (GSETTINGS_SCHEMA_DIR); tests/run provides the first two, meson the
# rest. The screenshot goes to $FITCORE_TEST_ARTIFACTS, else to the directory
# given on the command line.

import os
import subprocess
import sys
import time

import pyatspi

# (sidebar row, the heading of the page it shows): both are what a user sees.
SECTIONS = [
    ('Today', 'Your Day'),
    ('Workouts', 'Workout Videos'),
    ('Nutrition', 'Meal Plans'),
    ('Health', 'Health Data'),
    ('Notifications', 'No Notifications'),
]
STAFF_ONLY = 'Admin'
WINDOW_TITLE = 'FitCore'


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def check(self, ok, description, diagnostic=None):
        self.n += 1
        if not ok:
            self.failed += 1
        print(f"{'ok' if ok else 'not ok'} {self.n} - {description}", flush=True)
        if not ok and diagnostic:
            for line in str(diagnostic).splitlines():
                print(f'# {line}', flush=True)
        return ok


def poll(predicate, timeout=10.0, interval=0.1):
    """Returns predicate()'s first true value, or None after timeout seconds.

    The app answers AT-SPI asynchronously, and a click reaches it later still:
    every check waits for the state instead of sleeping a fixed time."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = predicate()
        except Exception:  # a node can vanish while we walk the tree
            value = None
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


def find_app(pid):
    for app in pyatspi.Registry.getDesktop(0):
        if app is not None and app.get_process_id() == pid and app.childCount > 0:
            return app
    return None


def find(root, role, name):
    return pyatspi.findDescendant(
        root, lambda n: n is not None and n.getRoleName() == role and n.name == name)


def extents(node):
    # GTK 4.8 has no screen coordinates on X11; window coordinates are what
    # it can report truthfully.
    return node.queryComponent().getExtents(pyatspi.WINDOW_COORDS)


def on_screen(node):
    """Hidden GtkStack pages stay in the tree (with every state set): only
    their geometry tells them apart, being empty."""
    if node is None:
        return False
    box = extents(node)
    return box.width > 0 and box.height > 0


def window_origin(pid):
    out = subprocess.run(['xdotool', 'search', '--onlyvisible', '--pid', str(pid)],
                         capture_output=True, text=True, check=True).stdout.split()
    geometry = subprocess.run(['xdotool', 'getwindowgeometry', '--shell', out[0]],
                              capture_output=True, text=True, check=True).stdout
    values = dict(line.split('=', 1) for line in geometry.splitlines() if '=' in line)
    return int(values['X']), int(values['Y'])


def click(pid, node):
    x, y = window_origin(pid)
    box = extents(node)
    subprocess.run(['xdotool', 'mousemove', str(x + box.x + box.width // 2),
                    str(y + box.y + box.height // 2), 'click', '1'], check=True)


def key(combo):
    subprocess.run(['xdotool', 'key', combo], check=True)


def screenshot(directory, name):
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, name)
    subprocess.run(['import', '-window', 'root', path], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return path


def display_ready():
    return subprocess.run(['xdpyinfo'], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL).returncode == 0


def run(tap, process, artifacts):
    pid = process.pid
    # Give up at once if the app dies (no display, a missing schema...).
    app = poll(lambda: find_app(pid) or process.poll() is not None, timeout=30)
    app = app if app is not True else None
    window = poll(lambda: find(app, 'frame', WINDOW_TITLE)) if app else None
    if not tap.check(window is not None, f'the window “{WINDOW_TITLE}” appears in the AT-SPI tree',
                     'no AT-SPI application for the process' if app is None else
                     [c.name for c in app]):
        return

    sidebar = poll(lambda: find(window, 'list', 'Sections'))
    rows = {}
    for title, _ in SECTIONS:
        rows[title] = poll(lambda: find(sidebar, 'list item', title)) if sidebar else None
        tap.check(on_screen(rows[title]), f'the sidebar has a row “{title}”')

    admin = find(sidebar, 'list item', STAFF_ONLY) if sidebar else None
    tap.check(sidebar is not None and not on_screen(admin),
              f'no “{STAFF_ONLY}” row for someone who is not staff')

    # A GtkStack page keeps its last geometry once hidden, but one never shown
    # has none: so each check below goes to a page not shown before, and
    # first makes sure it was off screen.
    _, workouts_heading = SECTIONS[1]
    shown = False
    if rows['Workouts'] is not None and not on_screen(find(window, 'label', workouts_heading)):
        click(pid, rows['Workouts'])
        shown = poll(lambda: on_screen(find(window, 'label', workouts_heading)))
    tap.check(shown, f'clicking “Workouts” shows “{workouts_heading}”')

    health_heading = SECTIONS[3][1]
    shown = False
    if not on_screen(find(window, 'label', health_heading)):
        key('ctrl+4')
        shown = poll(lambda: on_screen(find(window, 'label', health_heading)) and
                     rows['Health'].getState().contains(pyatspi.STATE_SELECTED))
    tap.check(shown, f'Ctrl+4 shows “{health_heading}” and selects its row')

    key('ctrl+comma')
    preferences = poll(lambda: find(app, 'frame', 'Preferences'))
    server_row = poll(lambda: find(preferences, 'list item', 'Server Address')
                      or find(preferences, 'text', 'Server Address')) if preferences else None
    tap.check(preferences is not None and find(preferences, 'label', 'Server') is not None
              and server_row is not None,
              'Ctrl+, opens Preferences with the “Server” group and its address row',
              'no Preferences window' if preferences is None else None)

    path = screenshot(artifacts, 'ui-shell.png')
    tap.check(os.path.getsize(path) > 0, f'screenshot saved to {path}')


def main():
    binary, default_artifacts = sys.argv[1], sys.argv[2]
    artifacts = os.environ.get('FITCORE_TEST_ARTIFACTS') or default_artifacts

    if not os.environ.get('DISPLAY'):
        print('1..0 # SKIP no display: run through tests/run, which starts Xvfb')
        return 0

    # xvfb-run can hand over before Xvfb accepts clients; an app started
    # then dies with "cannot open display".
    if not poll(display_ready, timeout=15, interval=0.2):
        print(f"1..1\nnot ok 1 - the display {os.environ['DISPLAY']} accepts clients")
        return 1

    env = dict(os.environ)
    # The AT-SPI bridge is what this test reads; the unit tests turn it off.
    env.pop('NO_AT_BRIDGE', None)
    app = subprocess.Popen([binary], env=env)

    tap = Tap()
    try:
        run(tap, app, artifacts)
    except Exception as error:  # report, never leave the TAP stream unfinished
        tap.check(False, 'the test ran to the end', repr(error))
        try:
            screenshot(artifacts, 'ui-shell-failure.png')
        except Exception:
            pass
    finally:
        app.terminate()
        try:
            app.wait(timeout=5)
        except subprocess.TimeoutExpired:
            app.kill()
            app.wait()

    print(f'1..{tap.n}', flush=True)
    return 1 if tap.failed else 0


if __name__ == '__main__':
    sys.exit(main())
