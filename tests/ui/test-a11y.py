#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The app as a screen-reader and keyboard user meets it, against a real
# fitcore-server --demo:
# - every interactive node (button, toggle, check box, combo box, list item,
#   entry, page tab, menu item, slider…) on each page has a name a person
#   would say: not empty, not a GTK type name (“GtkImage”, “GtkFlowBoxChild”).
#   Pages: Today, the Workouts grid, a workout, the player window,
#   Nutrition's Plans, Meals and Foods, the meal editor, Preferences;
# - Tab (real key presses) leaves the sidebar for the section's content
#   without switching sections, and every filter and the Play and Download
#   buttons take one Tab stop each;
# - the Download button never overlaps the “Videos” heading or the Premium
#   notice, at the default size and at 360 px wide (extents, and
#   screenshots to look at);
# - the Keyboard Shortcuts window opens without GTK warnings.
# Prints TAP.
#
#   test-a11y.py FITCORE_BINARY FITCORE_SERVER DEFAULT_ARTIFACTS_DIR

import os
import re
import subprocess
import sys
import threading
import time

import pyatspi

from fcapp import app_env, http, login, main, sign_in, start_server, wait_window
from fcatspi import (click, extents, find, find_all, find_all_shown, find_app, find_shown, key,
                     poll, resize, screenshot, stop)

INTERACTIVE = {'push button', 'toggle button', 'check box', 'radio button', 'combo box',
               'list item', 'entry', 'text', 'password text', 'page tab', 'menu item',
               'check menu item', 'radio menu item', 'slider', 'spin button', 'switch', 'link',
               'tree item', 'table cell'}
TYPE_NAME = re.compile(r'^(Gtk|Adw)')


def describe(node):
    parent = node.parent
    return f'{node.getRoleName()} “{node.name}” in {parent.getRoleName() if parent else "?"} ' \
           f'“{parent.name if parent else ""}”'


def shown_nodes(root):
    """Every node under root that has a place on screen, in document order."""
    return find_all_shown(root, lambda n: True)


def unnamed(root):
    """The interactive nodes on screen under root whose name is empty or a
    GTK type name."""
    return [describe(n) for n in shown_nodes(root) if n.getRoleName() in INTERACTIVE
            and (not n.name.strip() or TYPE_NAME.match(n.name))]


def check_names(tap, root, page):
    bad = poll(lambda: (lambda b: b if not b else None)(unnamed(root)), timeout=3)
    bad = unnamed(root) if bad is None else []
    tap.check(not bad, f'{page}: every interactive node has a name a person would say',
              '\n'.join(sorted(set(bad))))


def focused(root):
    nodes = [n for n in shown_nodes(root) if n.getState().contains(pyatspi.STATE_FOCUSED)]
    return nodes[-1] if nodes else None


def tab_stops(root, count, combo='Tab'):
    """Presses Tab count times; returns what has the focus after each."""
    stops = []
    for _ in range(count):
        before = focused(root)
        key(combo)
        # The focus moves asynchronously: wait until it is somewhere else.
        poll(lambda: (lambda f: f is not None and (before is None or f != before))(focused(root)),
             timeout=3)
        now = focused(root)
        stops.append((now.getRoleName(), now.name) if now is not None else (None, None))
    return stops


def overlaps(a, b):
    return not (a.x + a.width <= b.x or b.x + b.width <= a.x or
                a.y + a.height <= b.y or b.y + b.height <= a.y)


def card(window, title):
    nodes = find_all_shown(window, lambda n: n.name.startswith(title + ', '))
    return nodes[0] if nodes else None



def check_download_layout(tap, window, what, artifacts, shot):
    download = poll(lambda: find_shown(window, 'push button', 'Download'), timeout=15)
    heading = poll(lambda: find_shown(window, 'label', 'Videos'), timeout=5)
    locked = [n for n in find_all_shown(window, lambda n: n.getRoleName() == 'label' and
                                        re.match(r'^\d+ videos? .*Premium', n.name))]
    if not tap.check(download is not None and heading is not None,
                     f'{what}: the page shows “Download” and the “Videos” heading'):
        return

    def clear():
        box = extents(download)
        others = [extents(heading)] + [extents(n) for n in locked]
        return all(not overlaps(box, o) and box.y + box.height <= o.y for o in others)
    # The layout settles after a resize: wait for it rather than sleep.
    ok = poll(clear, timeout=5)
    time.sleep(0.5)
    path = screenshot(artifacts, shot)
    box = extents(download)
    tap.check(ok and clear(), f'{what}: “Download” sits above the “Videos” heading'
              f'{" and the Premium notice" if locked else ""}, overlapping neither (see {path})',
              f'download {box.x},{box.y} {box.width}x{box.height}; heading '
              f'{extents(heading).y}; notices {[extents(n).y for n in locked]}')


def check_download_layouts(tap, pid, window, what, artifacts, name):
    """At the default size, then 360 px wide, then back."""
    check_download_layout(tap, window, f'{what} at the default size', artifacts,
                          f'ui-a11y-{name}.png')
    resize(pid, 360, 720)
    check_download_layout(tap, window, f'{what} at 360 px', artifacts, f'ui-a11y-{name}-narrow.png')
    resize(pid, 1024, 720)
    poll(lambda: extents(window).width > 900, timeout=5)


def run(tap, binary, server_binary, artifacts, tmp):
    env = app_env(tmp)
    server, url = start_server(server_binary, os.path.join(tmp, 'server'))
    app = None
    stderr_lines = []
    try:
        if not tap.check(url is not None, 'fitcore-server --demo says where it listens'):
            return
        token = login(url)
        status, body = http(url, 'GET', 'workouts/workouts/', token)
        workouts = body['results'] if status == 200 else []

        app = subprocess.Popen([binary, f'--server={url}'], env=env, stderr=subprocess.PIPE,
                               text=True)

        def read_stderr():
            for line in app.stderr:
                sys.stderr.write(line)
                stderr_lines.append(line)
        threading.Thread(target=read_stderr, daemon=True).start()

        window = wait_window(tap, app, 'first start')
        if window is None or not sign_in(tap, app.pid, window):
            return
        app_node = find_app(app.pid)
        sidebar = find(window, 'list', 'Sections')

        # Today.
        key('ctrl+1')
        time.sleep(1)
        check_names(tap, window, 'Today')

        # Workouts: the grid, through the sidebar and Tab.
        row = poll(lambda: find_shown(sidebar, 'list item', 'Workouts'))
        click(app.pid, row)
        tap.check(poll(lambda: all(card(window, w['title']) for w in workouts), timeout=30),
                  f'the grid shows the server’s {len(workouts)} workouts')
        check_names(tap, window, 'Workouts grid')

        # A click leaves the focus on the sidebar row; Tab must reach the
        # grid's search without passing through the other sections.
        click(app.pid, row)
        poll(lambda: focused(sidebar) is not None, timeout=3)
        # The page's own header bar (its menu) may come first.
        stops = []
        for _ in range(3):
            stops += tab_stops(window, 1)
            if stops[-1] == ('entry', 'Search workouts'):
                break
        search_shown = find_shown(window, 'entry', 'Search workouts')
        tap.check(stops[-1] == ('entry', 'Search workouts') and search_shown is not None and
                  not any(role == 'list item' for role, _ in stops),
                  'Tab from the sidebar’s “Workouts” row reaches “Search workouts” without '
                  'visiting another section, and Workouts stays on screen', stops)
        stops = tab_stops(window, 4)
        wanted = [('Category',), ('Difficulty',), ('Free or premium',), ('Downloaded',)]
        tap.check([s[1] for s in stops] == [w[0] for w in wanted],
                  'the next four Tabs stop once on each filter: Category, Difficulty, '
                  'Free or premium, Downloaded', stops)

        # A free workout's page.
        key('ctrl+2')
        free = next((w for w in workouts if not w['is_premium']), None)
        premium = next((w for w in workouts if w['is_premium']), None)
        click(app.pid, card(window, free['title']))
        back = poll(lambda: find_shown(window, 'push button', 'All Workouts'))
        tap.check(back is not None, f'“{free["title"]}” opens with “All Workouts”')
        check_names(tap, window, 'a workout')
        check_download_layouts(tap, app.pid, window, 'a free workout', artifacts, 'workout')
        stops = tab_stops(window, 6)
        names = [s[1] for s in stops]
        tap.check('Play' in names and names[names.index('Play') + 1:][:1] == ['Download'],
                  'Tab stops once on “Play”, then once on “Download”', stops)

        # The player window.
        play = find_shown(window, 'push button', 'Play')
        if play is not None:
            play.queryAction().doAction(0)
            player = poll(lambda: find(app_node, 'frame', free['title']), timeout=20)
            if tap.check(player is not None, 'Play opens the player window'):
                poll(lambda: find_shown(player, 'push button', 'Pause'), timeout=20)
                check_names(tap, player, 'the player')
                key('Escape')
                poll(lambda: find(app_node, 'frame', free['title']) is None)

        # A premium workout, at the default size and at 360 px.
        back = find_shown(window, 'push button', 'All Workouts')
        if back is not None:
            back.queryAction().doAction(0)
        if premium is not None:
            poll(lambda: card(window, premium['title']), timeout=10)
            click(app.pid, card(window, premium['title']))
            poll(lambda: find_shown(window, 'push button', 'All Workouts'))
            check_download_layouts(tap, app.pid, window, 'a premium workout', artifacts, 'premium')

        # Nutrition: Plans, Meals, Foods and the meal editor.
        key('ctrl+3')
        for view in ('Plans', 'Meals', 'Foods'):
            tab = poll(lambda: find_shown(window, 'page tab', view) or
                       find_shown(window, 'push button', view) or
                       find_shown(window, 'radio button', view) or
                       find_shown(window, 'toggle button', view))
            if not tap.check(tab is not None, f'Nutrition offers “{view}”'):
                continue
            click(app.pid, tab)
            time.sleep(1.5)
            if view == 'Foods':
                poll(lambda: len(find_all(find(window, 'list', 'Foods'),
                                          lambda n: n.getRoleName() == 'list item')) > 3,
                     timeout=30)
            check_names(tap, window, f'Nutrition, {view}')
            if view == 'Meals':
                key('ctrl+n')
                editor = poll(lambda: find(app_node, 'frame', 'New Meal'))
                if tap.check(editor is not None, 'Ctrl+N in Meals opens “New Meal”'):
                    time.sleep(1)
                    check_names(tap, editor, 'the meal editor')
                    key('Escape')
                    poll(lambda: find(app_node, 'frame', 'New Meal') is None)

        # Preferences.
        key('ctrl+comma')
        preferences = poll(lambda: find(app_node, 'frame', 'Preferences'))
        if tap.check(preferences is not None, 'Ctrl+, opens Preferences'):
            time.sleep(1)
            check_names(tap, preferences, 'Preferences')
            key('Escape')
            poll(lambda: find(app_node, 'frame', 'Preferences') is None)

        # The shortcuts window, twice, without GTK warnings.
        before = len(stderr_lines)
        for _ in range(2):
            key('ctrl+question')
            shortcuts = poll(lambda: find(app_node, 'frame', 'Shortcuts') or
                             next((f for f in app_node if f is not None and
                                   f.getRoleName() == 'frame' and f.name not in
                                   ('FitCore',)), None))
            time.sleep(1)
            key('Escape')
            poll(lambda: not any(f is not None and f.getRoleName() == 'frame' and
                                 f.name != 'FitCore' for f in app_node), timeout=5)
        warnings = [line for line in stderr_lines[before:] if 'WARNING' in line or
                    'CRITICAL' in line]
        tap.check(shortcuts is not None and not warnings,
                  'the Keyboard Shortcuts window opens (twice) without a GTK warning',
                  ''.join(warnings) or 'no shortcuts window')

        # A screen reader that counted the windows just before a dialog
        # closed asks for one past the end. GTK 4.8 answers with the last
        # toplevel even when it is hidden, and a hidden one (GtkApplication's
        # help overlay did that) has no object path: a fatal critical here,
        # which under load took down the editors' Ctrl+S in CI.
        before = len(stderr_lines)
        for past_end in (app_node.childCount, app_node.childCount + 1):
            try:
                app_node.getChildAtIndex(past_end)
            except Exception:
                pass  # an error reply is fine; a dead app is not
        tap.check(poll(lambda: app.poll() is None and find(window, 'list', 'Sections'),
                       timeout=10) and app.poll() is None and
                  not [line for line in stderr_lines[before:] if 'CRITICAL' in line],
                  'asking for a window past the shown ones leaves the app running, '
                  'without a critical', ''.join(stderr_lines[before:]))
    finally:
        stop(app)
        stop(server)


if __name__ == '__main__':
    sys.exit(main(run, 'a11y'))
