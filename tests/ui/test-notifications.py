#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The Notifications section against a real fitcore-server --demo (issue 15),
# as a person uses it (AT-SPI to see, xdotool to click and type):
# - staff broadcast three announcements over HTTP; after Ctrl+R the demo
#   user's inbox lists them, unread, under “Today”, and the sidebar's badge
#   shows the server's unread count;
# - a row's button marks one read: the server says it is read;
# - “Mark All as Read”: the server says 0 unread, and the badge goes;
# - Delete and Undo: the notification stays on the server; the Delete key
#   on a selected row without Undo: the server no longer has it once the
#   toast is gone;
# - broadcasts while the page is open appear without Ctrl+R (the stream);
# - with the server stopped, a restarted app lists the inbox from its store,
#   and marking one unread shows at once (row and badge); once the server
#   is back (same port and data), Ctrl+R sends it: the server has it unread;
# - screenshots: the inbox, then dark and 360 px wide.
# Prints TAP.
#
#   test-notifications.py FITCORE_BINARY FITCORE_SERVER DEFAULT_ARTIFACTS_DIR

import os
import subprocess
import sys
import time

from fcapp import app_env, http, login, main, sign_in, start_app, start_server, wait_window
from fcatspi import (ancestors, catch_toast, click, extents, find, find_all_shown, find_shown,
                     first_shown, key, poll, resize, screenshot, stop)

STAFF_EMAIL = 'admin@fitcore.local'
STAFF_PASSWORD = 'fitcore-admin'
TITLES = ['Gym closed on Friday', 'New yoga classes', 'Welcome week']
LIVE = ['Pool reopens', 'Sauna closed']


def server_inbox(url):
    """The demo user's notifications on the server: {title: is_read}."""
    status, body = http(url, 'GET', 'notifications/?page_size=100', login(url))
    if status != 200:
        return None
    return {n['title']: n['is_read'] for n in body['results']}


def server_unread(url):
    status, body = http(url, 'GET', 'notifications/unread-count/', login(url))
    return body['unread_count'] if status == 200 else None


def row_named(window, title, unread):
    """The row of the notification titled title, shown as unread or read:
    its state is read from its button, whose name says what it would do."""
    verb = 'Read' if unread else 'Unread'
    button = find_shown(window, 'push button', f'Mark {title} as {verb}')
    if button is None:
        return None
    return next((n for n in ancestors(button) if n.getRoleName() == 'list item'), None)


def row_names(window):
    listbox = find(window, 'list', 'Notifications')
    return [n.name for n in find_all_shown(listbox, lambda n: n.getRoleName() == 'list item')] \
        if listbox is not None else None


def open_notifications(tap, pid, window):
    sidebar = poll(lambda: find(window, 'list', 'Sections'), timeout=30)
    row = poll(lambda: find_shown(sidebar, 'list item', 'Notifications'), timeout=30)
    if not tap.check(row is not None,
                     'fitcore-server offers notifications: the sidebar shows “Notifications”'):
        return None
    click(pid, row)
    return row


def press(node):
    node.queryAction().doAction(0)


def run(tap, binary, server_binary, artifacts, tmp):
    env = app_env(tmp)
    data_dir = os.path.join(tmp, 'server')
    server, url = start_server(server_binary, data_dir)
    servers = [server]
    app = None
    try:
        if not tap.check(url is not None, 'fitcore-server --demo says where it listens'):
            return
        app = start_app(binary, url, env)
        window = wait_window(tap, app, 'first start')
        if window is None or not sign_in(tap, app.pid, window):
            return
        sidebar_row = open_notifications(tap, app.pid, window)
        if sidebar_row is None:
            return

        staff = login(url, STAFF_EMAIL, STAFF_PASSWORD)
        for title in TITLES:
            status, body = http(url, 'POST', 'notifications/broadcast/', staff,
                                {'title': title, 'message': f'{title}: see the front desk.'})
            tap.check(status == 201, f'staff broadcast “{title}”', body)
        inbox = server_inbox(url)
        tap.check(inbox is not None and all(inbox.get(t) is False for t in TITLES),
                  'the server has the three unread in the demo user’s inbox', inbox)

        def listed():
            key('ctrl+r')
            return all(poll(lambda t=t: row_named(window, t, True), timeout=5) for t in TITLES)

        tap.check(poll(listed, timeout=90),
                  'after Ctrl+R the inbox lists the three broadcasts, unread', row_names(window))
        def says_unread(title):
            row = row_named(window, title, True)
            return row is not None and first_shown(row, lambda n: n.name == 'Unread') is not None

        tap.check(all(says_unread(t) for t in TITLES),
                  'a screen reader hears “Unread” in each of their rows', row_names(window))
        tap.check(find_shown(window, 'label', 'Today') is not None,
                  'they are grouped under “Today”')
        unread = server_unread(url)
        tap.check(unread is not None and unread >= 3 and
                  poll(lambda: find_shown(sidebar_row, 'label', str(unread)), timeout=20),
                  f'the sidebar’s badge shows the server’s unread count, {unread}')
        time.sleep(1)
        screenshot(artifacts, 'ui-notifications.png')

        # One read, from its row.
        button = poll(lambda: find_shown(window, 'push button', f'Mark {TITLES[2]} as Read'))
        if tap.check(button is not None, f'the row of “{TITLES[2]}” has “Mark as Read”'):
            press(button)
            tap.check(poll(lambda: (server_inbox(url) or {}).get(TITLES[2]) is True, timeout=30),
                      f'the server has “{TITLES[2]}” read', server_inbox(url))
            tap.check(poll(lambda: row_named(window, TITLES[2], False), timeout=20),
                      'its row is no longer marked unread')

        # All read.
        mark_all = poll(lambda: find_shown(window, 'push button', 'Mark All as Read'))
        if tap.check(mark_all is not None, 'the page offers “Mark All as Read”'):
            press(mark_all)
            tap.check(poll(lambda: server_unread(url) == 0, timeout=30),
                      'after “Mark All as Read” the server says 0 unread', server_unread(url))
            tap.check(poll(lambda: find_shown(sidebar_row, 'label', str(unread)) is None,
                           timeout=20) and
                      poll(lambda: all(row_named(window, t, False) for t in TITLES), timeout=20),
                      'the badge is gone and every row reads as read')

        # Delete, then Undo: it stays.
        listbox = poll(lambda: find(window, 'list', 'Notifications'))
        scopes = ancestors(listbox) if listbox is not None else [window]
        delete = poll(lambda: find_shown(window, 'push button', f'Delete {TITLES[1]}'))
        if tap.check(delete is not None, f'the row of “{TITLES[1]}” has “Delete”'):
            press(delete)
            toast, undo = catch_toast(app.pid, scopes, lambda name: name.endswith('Undo'))
            tap.check(undo is not None, 'deleting shows a toast with “Undo”')
            if undo is not None:
                press(undo)
            tap.check(poll(lambda: row_named(window, TITLES[1], False), timeout=20) is not None,
                      'after Undo the row is back')
            subprocess.run(['xdotool', 'mousemove', '0', '0'], check=True)
            time.sleep(8)  # longer than a toast lives
            tap.check(TITLES[1] in (server_inbox(url) or {}),
                      'and the server still has it after the toast is gone', server_inbox(url))

        # The Delete key on a selected row, no Undo: gone on the server.
        row = poll(lambda: row_named(window, TITLES[0], False))
        if tap.check(row is not None, f'the row of “{TITLES[0]}” is listed'):
            click(app.pid, row)
            time.sleep(0.5)
            key('Delete')
            subprocess.run(['xdotool', 'mousemove', '0', '0'], check=True)
            tap.check(poll(lambda: row_named(window, TITLES[0], False) is None, timeout=20),
                      'the Delete key takes the selected row away')
            tap.check(poll(lambda: TITLES[0] not in (server_inbox(url) or {TITLES[0]: None}),
                           timeout=60),
                      'once its toast is gone, the server no longer has it', server_inbox(url))
            tap.check(TITLES[1] in (server_inbox(url) or {}) and
                      TITLES[2] in (server_inbox(url) or {}),
                      'and the other two are still there', server_inbox(url))

        # Live: two broadcasts, one after the other has shown up, each show
        # up with no key pressed within 25 s. The unread count is polled
        # every 60 s only when the stream is down: after a poll found the
        # first, the second could not come that way in time.
        for live in LIVE:
            status, body = http(url, 'POST', 'notifications/broadcast/', staff,
                                {'title': live, 'message': 'Pushed over the stream.'})
            tap.check(status == 201, f'staff broadcast “{live}”', body)
            tap.check(poll(lambda: row_named(window, live, True), timeout=25) is not None,
                      f'“{live}” appears in the open inbox within 25 s, without Ctrl+R '
                      '(the stream)', row_names(window))
        stop(app)
        app = None

        offline_narrow_and_dark(tap, binary, server_binary, url, data_dir, env, artifacts,
                                servers)
    finally:
        if app is not None:
            stop(app)
        for server in servers:
            stop(server)


def offline_narrow_and_dark(tap, binary, server_binary, url, data_dir, env, artifacts,
                            servers):
    """The server goes away; the app starts again, dark, offline. servers:
    the server processes, for the caller to stop (the one restarted here is
    added)."""
    stop(servers[0])
    env = dict(env, ADW_DEBUG_COLOR_SCHEME='prefer-dark')
    app = start_app(binary, url, env)
    try:
        window = wait_window(tap, app, 'dark start, the server stopped')
        if window is None:
            return
        sidebar_row = open_notifications(tap, app.pid, window)
        if sidebar_row is None:
            return
        tap.check(poll(lambda: row_named(window, TITLES[2], False), timeout=30) is not None and
                  row_named(window, TITLES[0], False) is None,
                  'offline after a restart the inbox lists what the store has (read, the '
                  'deleted one gone)', row_names(window))

        # Offline edit: at once in the row and the badge, sent once back.
        badge = len(LIVE)  # the two live ones came after “Mark All as Read”
        button = poll(lambda: find_shown(window, 'push button', f'Mark {TITLES[2]} as Unread'))
        if tap.check(button is not None, f'offline, the row of “{TITLES[2]}” offers “Mark as '
                                         'Unread”'):
            press(button)
            tap.check(poll(lambda: row_named(window, TITLES[2], True), timeout=10) is not None and
                      poll(lambda: find_shown(sidebar_row, 'label', str(badge + 1)), timeout=10),
                      f'offline, it reads as unread at once and the badge says {badge + 1}')
            port = url.rstrip('/').rsplit(':', 1)[1]
            server, again = start_server(server_binary, data_dir, port=port)
            servers.append(server)
            if tap.check(again == url, 'the server is back on the same port', again):
                key('ctrl+r')
                tap.check(poll(lambda: (server_inbox(url) or {}).get(TITLES[2]) is False,
                               timeout=30),
                          f'back online, the server has “{TITLES[2]}” unread', server_inbox(url))

        resize(app.pid, 360, 720)
        time.sleep(0.5)
        row = poll(lambda: row_named(window, TITLES[2], True), timeout=30)
        tap.check(row is not None and extents(row).x + extents(row).width <= 360,
                  'at 360 px the inbox’s rows fit the window',
                  extents(row) if row is not None else None)
        time.sleep(1)
        screenshot(artifacts, 'ui-notifications-dark-narrow.png')
    finally:
        stop(app)


if __name__ == '__main__':
    sys.exit(main(run, 'notifications'))
