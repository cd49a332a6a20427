#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Drives the fitcore shell, signed out, the way a person would: through the
# accessibility tree (AT-SPI) and real input (xdotool), and prints TAP. The
# sections themselves are checked signed in, by test-account.py.
#
#   test-shell.py FITCORE_BINARY DEFAULT_ARTIFACTS_DIR
#
# Needs a display, a D-Bus session with the AT-SPI bus and the app's compiled
# schemas (GSETTINGS_SCHEMA_DIR); tests/run provides the first two, meson the
# rest. The screenshot goes to $FITCORE_TEST_ARTIFACTS, else to the directory
# given on the command line.

import os
import sys
import tempfile

import fcapp
from fcatspi import (find, find_all, find_app, find_shown, key, on_screen, poll, run_test,
                     screenshot, stop)

WINDOW_TITLE = 'FitCore'
WAYS_IN = ['Sign In', 'Create Account', 'Use This Computer Only']


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

    welcome = poll(lambda: on_screen(find(window, 'label', 'Welcome to FitCore')), timeout=20)
    tap.check(welcome, 'signed out, the window shows “Welcome to FitCore”')
    for name in WAYS_IN:
        tap.check(poll(lambda: find_shown(window, 'push button', name)) is not None,
                  f'the welcome page offers “{name}”')

    tap.check(find(window, 'list', 'Sections') is None or
              not on_screen(find(window, 'list', 'Sections')),
              'no sections sidebar while signed out')

    # Hidden widgets keep their geometry in GTK 4.8's tree; the header
    # bar's title is what tells the pages apart: on the form it repeats the
    # form's own heading, one more label of that name.
    def titled(name):
        return len(find_all(window, lambda n: n.getRoleName() == 'label' and n.name == name))

    on_start = titled('Create Account')
    create = find_shown(window, 'push button', 'Create Account')
    if create is not None:
        create.queryAction().doAction(0)
    form = poll(lambda: find_shown(window, 'password text', 'Repeat Password'))
    tap.check(form is not None, '“Create Account” opens the form with “Repeat Password”')

    tap.check(poll(lambda: titled('Create Account') == on_start + 1),
              'the header bar says “Create Account”')
    key('Escape')
    tap.check(poll(lambda: titled('Create Account') == on_start),
              'Escape goes back to the welcome page')

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

    # The third way in: a fitcore-server of our own ($FITCORE_SERVER), no
    # account to type.
    key('Escape')
    tap.check(poll(lambda: find(app, 'frame', 'Preferences') is None), 'Escape closes Preferences')
    local = find_shown(window, 'push button', 'Use This Computer Only')
    if local is not None:
        local.queryAction().doAction(0)
    sidebar = poll(lambda: find(window, 'list', 'Sections'), timeout=5)
    tap.check(poll(lambda: find_shown(sidebar, 'list item', 'Today'), timeout=60),
              '“Use This Computer Only” signs in to a server on this computer: “Today” shows')
    tap.check(poll(lambda: find_shown(window, 'label', 'Synced'), timeout=30),
              'the local server syncs: “Synced”')
    screenshot(artifacts, 'ui-shell-local.png')


def main():
    binary, default_artifacts = sys.argv[1], sys.argv[2]
    artifacts = os.environ.get('FITCORE_TEST_ARTIFACTS') or default_artifacts
    os.environ['FITCORE_TEST_ARTIFACTS'] = artifacts
    fcapp.set_test_name('shell')

    def body(tap):
        with tempfile.TemporaryDirectory(prefix='fitcore-shell-') as home:
            # A home of its own: no store, no session from another test.
            app = fcapp.start_app(binary, None, fcapp.app_env(home))
            try:
                run(tap, app, artifacts)
            finally:
                stop(app)
                fcapp.check_apps(tap)

    return run_test(body, artifacts, 'ui-shell-failure.png')


if __name__ == '__main__':
    sys.exit(main())
