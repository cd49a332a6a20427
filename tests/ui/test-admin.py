#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The Admin section against a real fitcore-server --demo with 20,000 more
# accounts written into its database, as a staff member uses it (AT-SPI to
# see, xdotool to click and type):
# - the demo account, made staff, sees Admin in the sidebar; the Users
#   list counts every account (from one page: the list fetches pages on
#   demand);
# - a search finds one account among them; selecting it shows its detail;
# - Grant… with an end date: the detail says until when, the account's
#   audit trail shows the change, and the server has the grant (GET
#   admin/users/{id}/ as staff);
# - removing one's own staff rights is refused with the server's sentence
#   shown in the detail (--demo has a second staff account, so it is the
#   "own" rule, not the "last staff account" one);
# - Deactivate… asks first; once confirmed the detail says so, the server
#   has is_active false, the account's own token is refused with
#   user_inactive, and the account's own app (signed in before) signs out
#   at its next sync with a message that says why;
# - the Dashboard shows the server's totals and, for 30 and 7 days, a
#   chart of new accounts whose accessible description equals one computed
#   here from admin/stats/;
# - numbers are grouped as the locale says (the staff app runs with
#   LC_NUMERIC=en_US.UTF-8, compiled here with localedef): "20,003
#   accounts", the dashboard's totals and its charts' descriptions;
# - at the default width every column of the list (E-mail, Joined, Last
#   Seen, Status) lies inside the list's pane, none scrolled off;
# - Filter ▸ Staff narrows the list to the server's count of staff
#   accounts (admin/users/?is_staff=true), and Any brings every account
#   back;
# - Filter ▸ Joined from and until one day lists the 1,440 accounts seeded
#   on that day, as the server counts them (admin/users/?joined_from=&
#   joined_to=), and emptying both brings every account back;
# - at 360 px an account's detail has one back button, and it leads back
#   to the list (not to the sidebar);
# - screenshots: the Users page, an account and the dashboard, light, dark
#   and 360 px wide.
# Prints TAP.
#
#   test-admin.py FITCORE_BINARY FITCORE_SERVER DEFAULT_ARTIFACTS_DIR

import datetime
import os
import sqlite3
import subprocess
import sys
import time

from fcapp import (DEMO_EMAIL, app_env, http, login, main, sign_in, start_app, start_server,
                   wait_window)
from fcatspi import (click, extents, find, find_all, find_shown, key, on_screen, poll, resize,
                     screenshot, stop, type_text)

N_SEEDED = 20000
TARGET = 'zoe.target@fitcore.test'
TARGET_PASSWORD = 'Correct-Horse-77'


def seed(data_dir):
    """N_SEEDED accounts straight into the server's database, as
    tests/admin/admin-seed.c writes them (none of them staff, so the demo
    account stays the last staff member), and the demo account made staff
    (the first staff account is made outside the API; --demo's
    admin@ is staff too)."""
    db = sqlite3.connect(os.path.join(data_dir, 'fitcore.db'), timeout=30)
    epoch = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    with db:
        db.executemany(
            'INSERT INTO users (email, password, first_name, last_name, is_staff, is_active,'
            ' has_premium, date_joined) VALUES (?, \'!\', \'Seed\', ?, 0, 1, ?, ?)',
            ((f'seed-{i:06d}@fitcore.test', f'User {i:06d}', int(i % 7 == 6),
              (epoch - datetime.timedelta(minutes=i)).strftime('%Y-%m-%dT%H:%M:%S.000000Z'))
             for i in range(N_SEEDED)))
        db.execute('UPDATE users SET is_staff = 1 WHERE email = ?', (DEMO_EMAIL,))
    count = db.execute('SELECT count(*) FROM users').fetchone()[0]
    db.close()
    return count


GROUPING_LOCALE = 'en_US.UTF-8'


def grouping_env(env, tmp):
    """@env with numbers formatted as en_US does ("20,003"), everything
    else as before. The machine has only C locales installed: en_US is
    compiled from the locales package's sources into @tmp (LOCPATH).
    None when it cannot be."""
    locpath = os.path.join(tmp, 'locales')
    target = os.path.join(locpath, GROUPING_LOCALE)
    os.makedirs(locpath, exist_ok=True)
    try:
        done = subprocess.run(['localedef', '-i', 'en_US', '-f', 'UTF-8', target],
                              capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return None
    # localedef exits 1 on warnings while still writing the locale.
    if not os.path.isfile(os.path.join(target, 'LC_NUMERIC')):
        sys.stderr.write(done.stdout + done.stderr)
        return None
    env = dict(env, LOCPATH=locpath, LANG='C.UTF-8', LC_NUMERIC=GROUPING_LOCALE)
    env.pop('LC_ALL', None)
    return env


def grouped(number):
    return f'{number:,}'


def shown_label(root, predicate):
    return next((n for n in find_all(root, lambda n: n.getRoleName() == 'label' and
                                     predicate(n.name)) if on_screen(n)), None)


def entry_text(entry):
    text = entry.queryText()
    return text.getText(0, text.characterCount)


def cell(window, email):
    """The list's cell showing @email. GTK 4.8 leaves the labels of rows
    it no longer uses in the AT-SPI tree with sizes of their own: only a
    label within the list's pane (below and beside the search entry)
    counts."""
    search = find_shown(window, 'entry', 'Search accounts')
    if search is None:
        return None
    pane = extents(search)

    def inside(node):
        box = extents(node)
        return (node.getRoleName() == 'label' and node.name == email and box.width > 0 and
                box.y > pane.y and box.x >= pane.x - 20 and
                box.x + box.width <= pane.x + pane.width + 20)

    found = find_all(window, inside)
    return min(found, key=lambda n: extents(n).y) if found else None


def found_one(window, email, typed):
    """The row of @email once the whole search is typed and the list found
    only it: a row clicked while the search was still being typed (the
    entry waits 150 ms after a key, then the list reloads) goes with the
    next reload."""
    search = find_shown(window, 'entry', 'Search accounts')
    if not poll(lambda: entry_text(search) == typed, timeout=30):
        return None
    time.sleep(1.5)
    if not poll(lambda: shown_label(window, lambda name: name == '1 account'), timeout=60):
        return None
    return poll(lambda: cell(window, email), timeout=30)


def account(url, token, user_id):
    status, body = http(url, 'GET', f'admin/users/{user_id}/', token)
    return body if status == 200 else {}


def press(tap, pid, root, name, what):
    button = poll(lambda: find_shown(root, 'push button', name), timeout=30)
    if tap.check(button is not None, what):
        click(pid, button)
        return True
    return False


def dialog_button(app_node, name):
    """A response of an open AdwMessageDialog (its own window) and the
    dialog. GTK 4.8 names a button with a mnemonic "_Grant Grant"."""
    def matches(node):
        label = node.name.replace('_', '')
        return node.getRoleName() == 'push button' and label in (name, f'{name} {name}')

    for window in app_node:
        if window is None or window.name == 'FitCore':
            continue
        button = next((n for n in find_all(window, matches) if on_screen(n)), None)
        if button is not None:
            return window, button
    return None


def open_admin(tap, pid, window):
    sidebar = poll(lambda: find(window, 'list', 'Sections'), timeout=30)
    row = poll(lambda: find_shown(sidebar, 'list item', 'Admin'), timeout=30) if sidebar else None
    if not tap.check(row is not None, 'as staff, the sidebar offers “Admin”'):
        return False
    click(pid, row)
    return True


def select_target(tap, pid, window, total):
    search = poll(lambda: find_shown(window, 'entry', 'Search accounts'), timeout=30)
    if not tap.check(search is not None, 'the Users page has a search entry “Search accounts”'):
        return False
    count = poll(lambda: shown_label(window, lambda name: name == f'{grouped(total)} accounts'),
                 timeout=60)
    tap.check(count is not None,
              f'the list counts every account, grouped: “{grouped(total)} accounts”',
              [n.name for n in find_all(window, lambda n: n.getRoleName() == 'label' and
                                        n.name.endswith(' accounts'))])
    click(pid, search)
    type_text('zoe.target')
    row = found_one(window, TARGET, 'zoe.target')
    if not tap.check(row is not None,
                     f'searching “zoe.target” among {total} finds one account, {TARGET}'):
        return False
    click(pid, row)
    joined = poll(lambda: find_shown(window, 'push button', 'Grant…'), timeout=30)
    return tap.check(joined is not None, 'selecting it shows its detail with “Grant…”')


COLUMNS = ('E-mail', 'Joined', 'Last Seen', 'Status')
# Every title the list has had, so that one scrolled off is seen too.
ANY_COLUMN = COLUMNS + ('Name', 'Staff', 'Premium', 'Active')


def columns_fit(tap, window):
    """At the default width, every column title of the list lies inside
    the list's pane (left of the detail) and the window: none is scrolled
    off or cut."""
    search = find_shown(window, 'entry', 'Search accounts')
    frame = extents(window)
    if not tap.check(search is not None, 'the list’s pane is shown'):
        return
    pane = extents(search)
    # The pane ends 12 px right of the search entry, or of the Filter
    # button beside it.
    beside = find_shown(window, 'toggle button', 'Filter Accounts') or \
        find_shown(window, 'push button', 'Filter Accounts')
    edge = max(pane.x + pane.width, *([extents(beside).x + extents(beside).width]
                                       if beside is not None else []))

    def title(node):
        if node.name not in ANY_COLUMN or node.getRoleName() not in ('label', 'column header'):
            return False
        box = extents(node)
        # The titles' row is right under the search entry and the count;
        # the detail's rows of the same names ("Joined", "Status") are
        # further down.
        return (box.width > 0 and pane.y + pane.height < box.y < pane.y + pane.height + 60 and
                box.x >= pane.x - 20)

    titles = {}
    for node in find_all(window, title):
        box = extents(node)
        titles.setdefault(node.name, (box.x, box.x + box.width))
    right = min(edge + 20, frame.width)
    outside = {name: span for name, span in titles.items() if span[1] > right}
    tap.check(all(name in titles for name in COLUMNS) and not outside,
              f'at the default width every column ({", ".join(COLUMNS)}) lies inside the '
              f'list’s pane (right edge {right})', {'titles': titles, 'outside': outside})


def grant_premium(tap, pid, app_node, window, url, staff_token, target_id, artifacts):
    until = (datetime.datetime.now(datetime.timezone.utc).date() +
             datetime.timedelta(days=60)).isoformat()
    if not press(tap, pid, window, 'Grant…', 'the detail offers “Grant…”'):
        return
    found = poll(lambda: dialog_button(app_node, 'Grant'), timeout=30)
    if not tap.check(found is not None, 'Grant… opens a dialog with “Grant”'):
        return
    dialog, grant = found
    entry = poll(lambda: find_shown(dialog, 'text', 'Premium end date'))
    if not tap.check(entry is not None, 'the dialog asks for the end date'):
        return
    click(pid, entry)
    key('ctrl+a')
    type_text(until)
    screenshot(artifacts, 'ui-admin-grant.png')
    click(pid, grant)
    tap.check(poll(lambda: shown_label(window, lambda name: name ==
                                       f'Granted by staff until {until}'), timeout=30),
              f'the detail says “Granted by staff until {until}”')
    detail = poll(lambda: (lambda a: a if a.get('has_premium') else None)(
        account(url, staff_token, target_id)), timeout=30) or {}
    grant_row = detail.get('premium_grant') or {}
    tap.check(grant_row.get('kind') == 'grant' and
              str(grant_row.get('ends_at', '')).startswith(until),
              f'the server has the grant, ending {until}', detail)
    tap.check(poll(lambda: shown_label(window, lambda name: 'has_premium: false → true' in name),
                   timeout=30),
              'the account’s audit trail shows “has_premium: false → true”')


def refused_self_demotion(tap, pid, app_node, window):
    """The server's refusal, in its words, beside the buttons."""
    search = find_shown(window, 'entry', 'Search accounts')
    if search is None:
        return
    click(pid, search)
    key('ctrl+a')
    type_text(DEMO_EMAIL)
    row = found_one(window, DEMO_EMAIL, DEMO_EMAIL)
    if not tap.check(row is not None, f'a search finds the staff member, {DEMO_EMAIL}'):
        return
    click(pid, row)
    if not press(tap, pid, window, 'Remove Staff…', 'the staff member’s detail offers '
                 '“Remove Staff…”'):
        return
    found = poll(lambda: dialog_button(app_node, 'Remove Staff'), timeout=30)
    if not tap.check(found is not None, 'Remove Staff… asks first'):
        return
    click(pid, found[1])
    tap.check(poll(lambda: shown_label(window, lambda name: name ==
                                       'You cannot remove your own staff status.'), timeout=30),
              'the server’s refusal is shown in its words: “You cannot remove your own staff '
              'status.”')


def deactivate(tap, pid, app_node, window, url, staff_token, target_id, target_token):
    search = find_shown(window, 'entry', 'Search accounts')
    click(pid, search)
    key('ctrl+a')
    type_text('zoe.target')
    row = found_one(window, TARGET, 'zoe.target')
    if not tap.check(row is not None, 'the search finds the account again'):
        return
    click(pid, row)
    if not press(tap, pid, window, 'Deactivate…', 'the detail offers “Deactivate…”'):
        return
    found = poll(lambda: dialog_button(app_node, 'Deactivate'), timeout=30)
    if not tap.check(found is not None, 'Deactivate… asks first, with “Deactivate”'):
        return
    tap.check(account(url, staff_token, target_id).get('is_active') is True,
              'nothing changes on the server before the confirmation')
    click(pid, found[1])
    tap.check(poll(lambda: shown_label(window, lambda name: name ==
                                       'Deactivated: cannot sign in'), timeout=30),
              'once confirmed, the detail says “Deactivated: cannot sign in”')
    tap.check(poll(lambda: account(url, staff_token, target_id).get('is_active') is False,
                   timeout=30),
              'the server has is_active false')
    status, body = http(url, 'GET', 'auth/oauth/user/', target_token)
    tap.check(status == 401 and 'user_inactive' in str(body),
              'the account’s own token is refused: 401 user_inactive', (status, body))
    tap.check(login(url, TARGET, TARGET_PASSWORD) is None,
              'and it cannot sign in again')


DEACTIVATED = 'This account has been deactivated. Contact support to have it reactivated.'


def alerts(window):
    return [n.name for n in find_all(window, lambda n: n.getRoleName() == 'alert')
            if n.name and on_screen(n)]


def target_signs_in(tap, binary, url, env):
    """The account's own app, signed in before staff deactivate it; it
    keeps its session (tokens in the keyring) for its next start."""
    app = start_app(binary, url, env)
    try:
        window = wait_window(tap, app, f'{TARGET}’s app')
        if window is None or not sign_in(tap, app.pid, window, TARGET, TARGET_PASSWORD):
            return False
        key('ctrl+q')
        return tap.check(poll(lambda: app.poll() is not None, timeout=10),
                         f'{TARGET}’s app quits signed in')
    finally:
        stop(app)


def target_signed_out(tap, binary, url, env, artifacts):
    """Started again after the deactivation, the account's app syncs, is
    refused with user_inactive and signs out, saying why."""
    app = start_app(binary, url, env)
    try:
        window = wait_window(tap, app, f'{TARGET}’s app, after the deactivation')
        if window is None:
            return
        said = poll(lambda: DEACTIVATED in alerts(window), timeout=60)
        tap.check(said, f'at its next sync {TARGET}’s app signs out and says “{DEACTIVATED}”',
                  alerts(window))
        time.sleep(0.5)
        screenshot(artifacts, 'ui-admin-deactivated-user.png')
    finally:
        stop(app)


def chart_summary(title, stats, member):
    """What the dashboard's chart of @member must say, from the server's
    days (not from the app's code)."""
    days = stats['days']
    values = [day[member] for day in days]
    if not values or max(values) <= 0:
        return f'{title}, {stats["from"]} to {stats["to"]}: none'
    most = max(values)
    at = days[values.index(most)]['date']
    return (f'{title}, {stats["from"]} to {stats["to"]}: {grouped(sum(values))} in all, '
            f'most {grouped(most)} on {at}')


def dashboard(tap, pid, window, url, staff_token, artifacts):
    # AdwViewSwitcher's button itself has no name in libadwaita 1.2: its
    # label does.
    switch = poll(lambda: next((n for n in find_all(window, lambda n: n.name == 'Dashboard')
                                if on_screen(n)), None), timeout=30)
    if not tap.check(switch is not None, 'the Admin section offers “Dashboard”'):
        return
    click(pid, switch)
    today = datetime.datetime.now(datetime.timezone.utc).date()
    for days, button in ((30, None), (7, '7 Days')):
        if button is not None:
            press(tap, pid, window, button, f'the dashboard offers “{button}”')
        first = (today - datetime.timedelta(days=days - 1)).isoformat()
        shown = poll(lambda: shown_label(window, lambda name: name ==
                                         f'{first} to {today.isoformat()} (UTC)'), timeout=30)
        tap.check(shown is not None, f'{days} days: the dashboard covers {first} to {today}')
        status, stats = http(url, 'GET', f'admin/stats/?from={first}&to={today.isoformat()}',
                             staff_token)
        if not tap.check(status == 200, f'{days} days: the server answers admin/stats/',
                         (status, stats)):
            return
        total = grouped(stats['users']['total'])
        tap.check(poll(lambda: shown_label(window, lambda name: name == total), timeout=30),
                  f'{days} days: the dashboard shows the server’s {total} accounts, grouped')
        expected = chart_summary('New accounts', stats, 'new_users')
        chart = poll(lambda: next((n for n in find_all(window, lambda n: n.name == 'New accounts')
                                   if on_screen(n) and n.description == expected), None),
                     timeout=30)
        tap.check(chart is not None,
                  f'{days} days: the “New accounts” chart says “{expected}”',
                  [n.description for n in find_all(window, lambda n: n.name == 'New accounts')])
        time.sleep(0.5)
        screenshot(artifacts, f'ui-admin-dashboard-{days}.png')


def run(tap, binary, server_binary, artifacts, tmp):
    env = app_env(tmp)
    data_dir = os.path.join(tmp, 'server')
    server, url = start_server(server_binary, data_dir)
    app = None
    try:
        if not tap.check(url is not None, 'fitcore-server --demo says where it listens'):
            return
        status, body = http(url, 'POST', 'auth/registration/',
                            body={'email': TARGET, 'password1': TARGET_PASSWORD,
                                  'password2': TARGET_PASSWORD, 'first_name': 'Zoe',
                                  'last_name': 'Target'})
        if not tap.check(status == 201, f'{TARGET} registers', (status, body)):
            return
        target_token = body.get('access')
        total = seed(data_dir)
        staff_token = login(url)
        status, page = http(url, 'GET', 'admin/users/?search=zoe.target', staff_token)
        target_id = page['results'][0]['id'] if status == 200 and page.get('results') else None
        if not tap.check(target_id is not None and total > N_SEEDED,
                         f'{total} accounts on the server, the demo account is staff'):
            return

        # The account's app names the server "localhost": tokens are kept
        # per server address, so the staff app (127.0.0.1) does not restore
        # the account's session, which was stored last.
        target_env = app_env(os.path.join(tmp, 'target'))
        target_url = url.replace('127.0.0.1', 'localhost')
        if not target_signs_in(tap, binary, target_url, target_env):
            return

        staff_env = grouping_env(env, tmp)
        if not tap.check(staff_env is not None,
                         f'{GROUPING_LOCALE} is compiled with localedef for the staff app'):
            return
        env = staff_env
        app = start_app(binary, url, env)
        window = wait_window(tap, app, 'first start')
        if window is None or not sign_in(tap, app.pid, window):
            return
        app_node = window.parent
        if not open_admin(tap, app.pid, window):
            return
        if not select_target(tap, app.pid, window, total):
            return
        time.sleep(1)
        columns_fit(tap, window)
        screenshot(artifacts, 'ui-admin-users.png')
        grant_premium(tap, app.pid, app_node, window, url, staff_token, target_id, artifacts)
        screenshot(artifacts, 'ui-admin-granted.png')
        refused_self_demotion(tap, app.pid, app_node, window)
        screenshot(artifacts, 'ui-admin-refused.png')
        deactivate(tap, app.pid, app_node, window, url, staff_token, target_id, target_token)
        dashboard(tap, app.pid, window, url, staff_token, artifacts)
        stop(app)
        target_signed_out(tap, binary, target_url, target_env, artifacts)
        narrow_and_dark(tap, binary, url, env, artifacts)
    finally:
        stop(app)
        stop(server)


def close_filters(window):
    """Closes the filter popover: Escape closes the drop down's list if it
    is still open (a loaded machine may not have closed it on Return yet),
    then the popover. Its Premium row is what tells it is open."""
    def shown():
        return next((n for n in find_all(window, lambda n: n.name == 'Premium' and
                                          n.getRoleName() in ('label', 'combo box'))
                     if on_screen(n)), None)

    for _ in range(6):
        time.sleep(0.7)
        if shown() is None:
            return True
        key('Escape')
    time.sleep(0.7)
    return shown() is None


def filter_staff(tap, pid, window, url, total, artifacts):
    """Filter ▸ Staff: the list holds as many accounts as the server
    counts staff. Driven from the keyboard: the filter popover and the
    drop down's list are popups whose coordinates AT-SPI does not give
    relative to the window."""
    status, page = http(url, 'GET', 'admin/users/?is_staff=true&page_size=1', login(url))
    if not tap.check(status == 200, 'the server counts the staff accounts', (status, page)):
        return
    staff = page['count']
    if not press(tap, pid, window, 'Filter Accounts', 'the list offers “Filter Accounts”'):
        return
    time.sleep(1)
    key('space')   # the first drop down, Staff, has the focus: open its list
    time.sleep(1)
    key('Down')    # Any → Staff
    key('Return')
    tap.check(close_filters(window), 'the filter popover closes')
    expected = f'{grouped(staff)} account{"" if staff == 1 else "s"}'
    tap.check(poll(lambda: shown_label(window, lambda name: name == expected), timeout=60),
              f'Filter ▸ Staff lists the server’s {expected}',
              [n.name for n in find_all(window, lambda n: n.getRoleName() == 'label' and
                                        ' account' in n.name)])
    screenshot(artifacts, 'ui-admin-filter-staff.png')
    press(tap, pid, window, 'Filter Accounts', 'the list still offers “Filter Accounts”')
    time.sleep(1)
    key('space')
    time.sleep(1)
    key('Up')      # Staff → Any
    key('Return')
    tap.check(close_filters(window), 'the filter popover closes again')
    tap.check(poll(lambda: shown_label(window, lambda name: name == f'{grouped(total)} accounts'),
                   timeout=60),
              f'Filter ▸ Any lists every account again: “{grouped(total)} accounts”')



JOINED_DAY = '2025-12-25'


def filter_joined(tap, pid, window, url, total, artifacts):
    """Filter ▸ Joined from / until: one day of the seeded accounts (one a
    minute back from 2026-01-01, so 1,440 that day). The entries follow
    the three drop downs in the popover: reached with Tab."""
    status, page = http(url, 'GET', f'admin/users/?joined_from={JOINED_DAY}'
                        f'&joined_to={JOINED_DAY}&page_size=1', login(url))
    if not tap.check(status == 200 and page['count'] == 1440,
                     f'the server counts 1440 accounts joined on {JOINED_DAY}', (status, page)):
        return
    if not press(tap, pid, window, 'Filter Accounts', 'the list offers “Filter Accounts”'):
        return
    time.sleep(1)
    for _ in range(3):
        key('Tab')
    time.sleep(0.3)
    type_text(JOINED_DAY)
    key('Tab')
    time.sleep(0.3)
    type_text(JOINED_DAY)
    tap.check(close_filters(window), 'the filter popover closes')
    expected = f'{grouped(1440)} accounts'
    tap.check(poll(lambda: shown_label(window, lambda name: name == expected), timeout=60),
              f'Filter ▸ Joined from and until {JOINED_DAY} lists the server’s {expected}',
              [n.name for n in find_all(window, lambda n: n.getRoleName() == 'label' and
                                        ' account' in n.name)])
    screenshot(artifacts, 'ui-admin-filter-joined.png')
    press(tap, pid, window, 'Filter Accounts', 'the list still offers “Filter Accounts”')
    time.sleep(1)
    for _ in range(3):
        key('Tab')
    for _ in range(2):
        key('ctrl+a')
        key('BackSpace')
        key('Tab')
    tap.check(close_filters(window), 'the filter popover closes again')
    tap.check(poll(lambda: shown_label(window, lambda name: name == f'{grouped(total)} accounts'),
                   timeout=60),
              f'with both days emptied every account is listed again: “{grouped(total)} accounts”')


def in_window(node, width=360):
    if node is None:
        return False
    box = extents(node)
    return box.width > 0 and 0 <= box.x < width


def section_backs(window):
    """The back buttons in the window of the Admin section's page (its
    header bar's "Back" and any of its content's): from the search entry
    up to the first ancestor that holds the header's. Other sections'
    pages keep stale sizes, so the window's whole tree would count them."""
    node = find_shown(window, 'entry', 'Search accounts')
    while node is not None:
        backs = [n for n in find_all(node, lambda n: n.getRoleName() == 'push button' and
                                     n.name in ('Back', 'Back to the list')) if in_window(n)]
        if any(n.name == 'Back' for n in backs):
            return backs
        node = node.parent
    return []


def narrow_and_dark(tap, binary, url, env, artifacts):
    env = dict(env, ADW_DEBUG_COLOR_SCHEME='prefer-dark')
    app = start_app(binary, url, env)
    try:
        window = wait_window(tap, app, 'dark, narrow start')
        if window is None or not open_admin(tap, app.pid, window):
            return
        shown = poll(lambda: shown_label(window, lambda name: name.endswith(' accounts')),
                     timeout=60)
        time.sleep(1)
        screenshot(artifacts, 'ui-admin-dark.png')
        if shown is not None:
            total = int(shown.name.split()[0].replace(',', ''))
            filter_staff(tap, app.pid, window, url, total, artifacts)
            filter_joined(tap, app.pid, window, url, total, artifacts)
        resize(app.pid, 360, 720)
        time.sleep(1)
        search = poll(lambda: find_shown(window, 'entry', 'Search accounts'), timeout=30)
        tap.check(search is not None and extents(search).x + extents(search).width <= 360,
                  'at 360 px the search entry fits the window',
                  extents(search) if search is not None else None)
        screenshot(artifacts, 'ui-admin-narrow-dark.png')
        if search is not None:
            click(app.pid, search)
            type_text('zoe.target')
            row = found_one(window, TARGET, 'zoe.target')
            if tap.check(row is not None, f'at 360 px the search finds {TARGET}'):
                click(app.pid, row)
                poll(lambda: find_shown(window, 'push button', 'Grant…'), timeout=30)
                time.sleep(1)
                backs = section_backs(window)
                tap.check(len(backs) == 1,
                          'at 360 px the detail replaces the list and offers one back button',
                          [(n.name, extents(n).x, extents(n).y) for n in backs])
                screenshot(artifacts, 'ui-admin-narrow-dark-detail.png')
                if backs:
                    # A folded leaflet keeps its hidden pages' sizes and
                    # moves them off the window: where the search entry and
                    # Grant… are tells which page is shown.
                    click(app.pid, backs[0])
                    tap.check(poll(lambda: in_window(find_shown(window, 'entry', 'Search accounts'))
                                   and not in_window(find_shown(window, 'push button', 'Grant…')),
                                   timeout=30),
                              'and it leads back to the list of accounts')
                    backs = section_backs(window)
                    if tap.check(len(backs) == 1, 'the list keeps the one back button'):
                        click(app.pid, backs[0])
                        tap.check(poll(lambda: not in_window(find_shown(window, 'entry',
                                                                        'Search accounts')),
                                       timeout=30),
                                  'and from the list it leads back to the sections')
    finally:
        stop(app)


if __name__ == '__main__':
    sys.exit(main(run, 'admin'))
