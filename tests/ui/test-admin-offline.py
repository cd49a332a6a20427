#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Staff edits made offline wait in the outbox like any edit, against a real
# fitcore-server --demo, as the demo's staff account uses the app (AT-SPI
# to see, xdotool to click and type):
# - signed in and synced, the server goes away; in Nutrition ▸ Foods the
#   public food “Apricot” gets a sugar of 3.5 g and is saved: the detail
#   shows 3.5 g at once;
# - in Admin ▸ Content a demo workout is hidden (Published off, Save): the
#   list says Hidden at once;
# - the app quits and starts again with no server: both edits are still
#   shown;
# - the server comes back on the same port and data, Ctrl+R: the server has
#   Apricot's sugar 3.5 g (still public) and the workout hidden, and the
#   workout's row no longer says “not synced yet”.
# Prints TAP.
#
#   test-admin-offline.py FITCORE_BINARY FITCORE_SERVER DEFAULT_ARTIFACTS_DIR

import importlib.util
import os
import re
import sys
import time

from fcapp import app_env, http, login, main, sign_in, start_app, start_server, wait_window
from fcatspi import (click, find, find_all, find_shown, key, on_screen, poll,
                     screenshot, scroll_into_view, shown_named, stop, type_text)

STAFF_EMAIL = 'admin@fitcore.local'
STAFF_PASSWORD = 'fitcore-admin'
SUGAR = 3.5
HERE = os.path.dirname(os.path.abspath(__file__))


def _load(name, file):
    spec = importlib.util.spec_from_file_location(name, os.path.join(HERE, file))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# The Foods detail's and the Content list's helpers, as their own tests use them.
_nutrition = _load('fc_nutrition', 'test-nutrition.py')
_content = _load('fc_admin_content', 'test-admin-content.py')
row_value = _nutrition.row_value
edit_buttons = _nutrition.edit_buttons
labels_in = _nutrition.labels_in
row_named = _content.row_named
button = _content.button
open_content = _content.open_content


def server_apricot(url):
    status, body = http(url, 'GET', 'nutrition/foods/?search=apricot',
                        token=login(url, STAFF_EMAIL, STAFF_PASSWORD))
    found = [f for f in body.get('results', []) if f['name'] == 'Apricot'] if status == 200 else []
    return found[0] if found else None


def server_workout(url, workout_id):
    status, body = http(url, 'GET', f'workouts/workouts/{workout_id}/',
                         token=login(url, STAFF_EMAIL, STAFF_PASSWORD))
    return body if status == 200 else None


def open_section(tap, pid, window, name):
    sidebar = poll(lambda: find(window, 'list', 'Sections'), timeout=30)
    row = poll(lambda: find_shown(sidebar, 'list item', name), timeout=30) if sidebar else None
    if not tap.check(row is not None, f'the sidebar offers “{name}”'):
        return False
    click(pid, row)
    return True


def apricot_sugar(pid, window, wanted):
    """Whether Apricot's detail shows a Sugar of wanted. The list, read
    again after a save, may drop the selection (the detail then shows no
    food, or the old one for a moment): the row is clicked again."""
    if row_value(window, 'Sugar') == wanted:
        return True
    food_list = find(window, 'list', 'Foods')
    row = shown_named(food_list, 'Apricot', ('label',)) if food_list is not None else None
    if row is not None:
        click(pid, row)
    return False


def open_apricot(tap, pid, window):
    """Nutrition ▸ Foods, “apricot raw” searched, Apricot's detail shown."""
    if not open_section(tap, pid, window, 'Nutrition'):
        return False
    # Admin ▸ Foods (shown before) also has a “Foods”: the tab wanted is
    # the one beside Nutrition's “Meals”. It is clicked again until the
    # Foods view (its search) is on screen.
    roles = ('page tab', 'push button', 'toggle button', 'radio button')

    def foods_view():
        if find_shown(window, 'entry', 'Search Foods') is not None:
            return True
        meals = shown_named(window, 'Meals', roles)
        switcher = meals.parent if meals is not None else None
        tab = shown_named(switcher, 'Foods', roles) if switcher is not None else None
        if tab is not None:
            click(pid, tab)
        return False
    if not tap.check(poll(foods_view, timeout=30, interval=1.0), 'Nutrition shows its Foods'):
        return False
    food_list = poll(lambda: find(window, 'list', 'Foods'))
    poll(lambda: labels_in(food_list), timeout=30)
    key('ctrl+f')
    type_text('apricot raw')

    # The list may still be filtering when the row is first found: it is
    # clicked again until the detail shows Apricot.
    def opened():
        if row_value(window, 'Sugar') is not None and edit_buttons(window):
            return True
        row = shown_named(food_list, 'Apricot', ('label',))
        if row is not None:
            click(pid, row)
        return False
    return tap.check(poll(opened, timeout=30, interval=1.0), 'the detail of “Apricot” opens')


def edit_sugar_offline(tap, pid, app_node, window):
    edit = edit_buttons(window)
    edit[0].queryAction().doAction(0)
    editor = poll(lambda: find(app_node, 'frame', 'Edit Food'))
    if not tap.check(editor is not None, 'offline, staff can still open “Edit Food”'):
        return False
    sugar = poll(lambda: find_shown(editor, 'text', 'Sugar (g)'))
    scroll_into_view(pid, sugar, editor)
    click(pid, sugar)
    key('ctrl+a')
    type_text(str(SUGAR))
    key('ctrl+s')
    tap.check(poll(lambda: find(app_node, 'frame', 'Edit Food') is None),
              'offline, Ctrl+S saves the edit of a public food')
    return tap.check(poll(lambda: apricot_sugar(pid, window, f'{SUGAR} g'), timeout=20,
                          interval=1.0),
                     f'the detail shows Sugar {SUGAR} g at once, with no server',
                     row_value(window, 'Sugar'))


def hide_workout_offline(tap, pid, window, title):
    row = poll(lambda: row_named(window, f'{title}, Published'), timeout=30)
    if not tap.check(row is not None, f'offline, Content lists “{title}” as Published '
                     '(kept from the last time it was shown)'):
        return False
    click(pid, row)
    title_entry = poll(lambda: find_shown(window, 'text', 'Title'), timeout=30)
    published = poll(lambda: next((n for n in find_all(window, lambda n: n.name == 'Published' and
                                                       n.getRoleName() != 'label')
                                   if on_screen(n)), None), timeout=20)
    if not tap.check(title_entry is not None and published is not None,
                     'offline, the workout opens in the editor with a “Published” switch'):
        return False
    time.sleep(0.5)
    click(pid, published)
    time.sleep(0.5)
    click(pid, button(window, 'Save'))
    row = poll(lambda: row_named(window, f'{title}, Hidden'), timeout=40)
    if not tap.check(row is not None, f'the list shows “{title}” as Hidden at once, with no server'):
        return False
    return tap.check(poll(lambda: any('not synced yet' in text for text in labels_in(row))),
                     'its row says it is not synced yet', labels_in(row))


def run(tap, binary, server_binary, artifacts, tmp):
    data_dir = os.path.join(tmp, 'server')
    os.makedirs(data_dir)
    server, url = start_server(server_binary, data_dir)
    app = None
    try:
        before = server_apricot(url)
        status, page = http(url, 'GET', 'workouts/workouts/?page_size=100',
                            token=login(url, STAFF_EMAIL, STAFF_PASSWORD))
        workouts = [w for w in page.get('results', []) if w.get('is_published')]
        if not tap.check(before is not None and before.get('sugar') != SUGAR and workouts,
                         'the demo server has the public food “Apricot” and published workouts',
                         before):
            return
        workout = workouts[-1]
        port = int(re.search(r':(\d+)/$', url).group(1))
        env = app_env(tmp)

        app = start_app(binary, url, env)
        window = wait_window(tap, app, 'first start')
        if window is None or not sign_in(tap, app.pid, window, STAFF_EMAIL, STAFF_PASSWORD):
            return
        app_node = window.parent
        # Content is shown once online, so that its list is kept.
        if not open_content(tap, app.pid, window):
            return
        tap.check(poll(lambda: row_named(window, f'{workout["title"]}, Published'), timeout=40)
                  is not None, f'online, Content lists “{workout["title"]}”')
        if not open_apricot(tap, app.pid, window):
            return

        stop(server)
        server = None
        if not edit_sugar_offline(tap, app.pid, app_node, window):
            return
        screenshot(artifacts, 'ui-admin-offline-food.png')
        if not open_content(tap, app.pid, window):
            return
        if not hide_workout_offline(tap, app.pid, window, workout['title']):
            return
        screenshot(artifacts, 'ui-admin-offline-content.png')

        # A restart with no server: both edits are still shown.
        key('ctrl+q')
        poll(lambda: app.poll() is not None, timeout=10)
        stop(app)
        app = start_app(binary, url, env)
        window = wait_window(tap, app, 'a start with no server')
        if window is None or not open_content(tap, app.pid, window):
            return
        tap.check(poll(lambda: row_named(window, f'{workout["title"]}, Hidden'), timeout=40)
                  is not None, f'after a restart with no server, Content shows “{workout["title"]}” '
                  'as Hidden')
        if not open_apricot(tap, app.pid, window):
            return
        tap.check(poll(lambda: apricot_sugar(app.pid, window, f'{SUGAR} g'), timeout=20,
                       interval=1.0),
                  f'after a restart with no server, Apricot shows Sugar {SUGAR} g',
                  row_value(window, 'Sugar'))

        server, url_again = start_server(server_binary, data_dir, port)
        if not tap.check(url_again == url, f'fitcore-server starts again on {url}', url_again):
            return
        key('ctrl+r')
        apricot = poll(lambda: (lambda f: f if f and f.get('sugar') == SUGAR else None)(
            server_apricot(url)), timeout=60)
        tap.check(apricot is not None and apricot.get('is_public') is True,
                  f'Ctrl+R: the server has Apricot’s sugar {SUGAR} g (was {before["sugar"]} g), '
                  'still public', server_apricot(url))
        hidden = poll(lambda: (lambda w: w if w and w.get('is_published') is False else None)(
            server_workout(url, workout['id'])), timeout=60)
        tap.check(hidden is not None and hidden.get('title') == workout['title'],
                  f'and has “{workout["title"]}” hidden, its title unchanged',
                  server_workout(url, workout['id']))
        if not open_content(tap, app.pid, window):
            return

        def synced_row():
            row = row_named(window, f'{workout["title"]}, Hidden')
            return row is not None and not any('not synced yet' in text
                                               for text in labels_in(row))
        tap.check(poll(synced_row, timeout=30), 'once sent, its row in Content no longer says '
                  '“not synced yet”')
    finally:
        stop(app)
        stop(server)


if __name__ == '__main__':
    sys.exit(main(run, 'admin-offline'))
