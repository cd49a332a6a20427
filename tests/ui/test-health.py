#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The Health section against a real fitcore-server --demo, as a person uses
# it (AT-SPI to see, xdotool to click and type):
# - signed in, Health shows its empty state, which says how to add or import;
# - Ctrl+N opens “New Measurement”: a value out of range is refused as it is
#   typed (the error shows, Save is off), a good one is saved and reaches
#   the server (GET health/data/ as the demo user);
# - Ctrl+I imports a small Apple Health export.xml this test writes (dates
#   relative to the app's today): the dialog's counts are exactly the ones
#   computed here (records read, added, already here, refused, other types),
#   and the server ends with every point;
# - the Weight chart's accessible description equals the summary computed
#   here from the fixture and the weigh-in (not by the app's code);
# - importing the same file again adds nothing;
# - a weigh-in saved while the server is stopped waits (“not synced yet”)
#   and arrives once after the server is back;
# - every control of the overview, a metric's page and the dialogs has a
#   name a screen reader can say (the rule of test-a11y.py);
# - screenshots: the overview, a metric's page, the entry and import
#   dialogs, light, dark and 360 px wide.
# Prints TAP.
#
#   test-health.py FITCORE_BINARY FITCORE_SERVER DEFAULT_ARTIFACTS_DIR

import csv
import datetime
import importlib.util
import os
import re
import sys
import time

import pyatspi

from fcapp import (app_env, http, login, main, sign_in, start_app, start_server, today,
                   wait_window)
from fcatspi import (ancestors, catch_toast, click, extents, find, find_all, find_all_shown,
                     find_app, find_shown, first_shown, focus_window, focused_window_name, key,
                     poll, resize, screenshot, shown_named, _small_subtree, stop, type_text)

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location('fc_a11y', os.path.join(HERE, 'test-a11y.py'))
fc_a11y = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fc_a11y)

WEIGH_IN = 72.4     # typed in with the server up
OFFLINE = 71.3      # typed in with the server stopped
LB_PER_KG = 0.45359237


# ----- The fixture: a small Apple Health export.xml -----

def apple_date(moment):
    return moment.strftime('%Y-%m-%d %H:%M:%S +0000')


def write_fixture(path, day):
    """An export.xml whose records fall on the 30 days before day (UTC,
    the zone the app runs in here), and what an importer must make of it:
    returns (counts, weights) where weights is [(unix seconds, kg)]."""
    records = []
    weights = []
    expected = {'records': 0, 'added': 0, 'refused': 0, 'skipped': 0}

    def record(kind, unit, value, start, end=None, source='Phone'):
        end = end or start
        records.append(f'<Record type="{kind}" sourceName="{source}" unit="{unit}" '
                       f'value="{value}" creationDate="{apple_date(end)}" '
                       f'startDate="{apple_date(start)}" endDate="{apple_date(end)}"/>')
        expected['records'] += 1

    midnight = datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.timezone.utc)
    for days_ago in range(30, 0, -1):
        when = midnight - datetime.timedelta(days=days_ago) + datetime.timedelta(hours=7)
        kg = round(75.0 - 0.1 * (30 - days_ago) + (0.3 if days_ago % 7 == 0 else 0.0), 1)
        if days_ago % 10 == 5:
            # Some scales write pounds: the importer converts them.
            record('HKQuantityTypeIdentifierBodyMass', 'lb', f'{kg / LB_PER_KG:.6f}', when)
        else:
            record('HKQuantityTypeIdentifierBodyMass', 'kg', f'{kg}', when)
        weights.append((int(when.timestamp()), kg))
        expected['added'] += 1
        steps_end = when + datetime.timedelta(hours=10)
        record('HKQuantityTypeIdentifierStepCount', 'count', str(4000 + 150 * days_ago),
               steps_end - datetime.timedelta(minutes=30), steps_end)
        expected['added'] += 1

    # The same sample twice in one file: one point.
    first = records[0]
    records.append(first)
    expected['records'] += 1
    # A type that is not imported, and two records that must be refused.
    noon = midnight - datetime.timedelta(days=3) + datetime.timedelta(hours=12)
    record('HKQuantityTypeIdentifierFlightsClimbed', 'count', '3', noon)
    expected['skipped'] += 1
    record('HKQuantityTypeIdentifierBodyMass', 'kg', 'heavy', noon)
    expected['refused'] += 1
    record('HKQuantityTypeIdentifierHeartRate', 'count/min', '900', noon)
    expected['refused'] += 1

    with open(path, 'w') as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<HealthData locale="en_US">\n'
                  f'<ExportDate value="{apple_date(midnight)}"/>\n'
                  '<Me HKCharacteristicTypeIdentifierDateOfBirth="1990-01-01" '
                  'HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexNotSet" '
                  'HKCharacteristicTypeIdentifierBloodType="HKBloodTypeNotSet" '
                  'HKCharacteristicTypeIdentifierFitzpatrickSkinType="HKFitzpatrickSkinTypeNotSet" '
                  'HKCharacteristicTypeIdentifierCardioFitnessMedicationsUse="None"/>\n')
        out.write('\n'.join(records))
        out.write('\n</HealthData>\n')
    # The duplicate is read, then found in the store: "already here".
    expected['unchanged'] = 1
    return expected, weights


def chart_summary(points, day):
    """FcChart's summary of a line chart on Month (src/ui/health/fc-chart.c),
    computed from the points themselves: the window is the 30 local days
    ending with today, each column holds at most one point of a day, so
    the change is the latest value less the first one."""
    midnight = datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.timezone.utc)
    start = int((midnight - datetime.timedelta(days=29)).timestamp())
    end = int((midnight + datetime.timedelta(days=1)).timestamp())
    shown = sorted((t, v) for t, v in points if start <= t < end)
    latest, first = shown[-1][1], shown[0][1]
    delta = latest - first
    low = min(v for _, v in shown)
    high = max(v for _, v in shown)
    if f'{abs(delta):.1f}' == f'{0:.1f}':
        change = 'no change'
    else:
        change = ('down ' if delta < 0 else 'up ') + f'{abs(delta):.1f} kg'
    return f'Weight, last 30 days: {latest:.1f} kg, {change}, lowest {low:.1f}, highest {high:.1f}'


# ----- The server's side -----

def server_points(url, data_type):
    token = login(url)
    points, page = [], f'health/data/?data_type={data_type}&page_size=1000'
    while page:
        status, body = http(url, 'GET', page, token)
        if status != 200:
            return None
        points += body['results']
        nxt = body.get('next')
        page = nxt.split('/api/v1/', 1)[1] if nxt else None
    return points


def server_values(url, data_type):
    points = server_points(url, data_type)
    return None if points is None else sorted(round(p['value'], 3) for p in points)


# ----- The app's side -----

def labels_in(node):
    return [n.name for n in find_all_shown(node, lambda n: n.getRoleName() == 'label')]


def row_subtitle(root, title):
    """The subtitle of the shown AdwActionRow titled title."""
    row = shown_named(root, title, ('list item',))
    if row is None:
        return None
    labels = [n.name for n in (_small_subtree(row, 30) or []) if n.getRoleName() == 'label']
    rest = [text for text in labels if text != title]
    return rest[0] if rest else None


def open_health(tap, pid, window):
    sidebar = find(window, 'list', 'Sections')
    row = poll(lambda: find_shown(sidebar, 'list item', 'Health'), timeout=30)
    if not tap.check(row is not None, 'fitcore-server offers health: the sidebar shows “Health”'):
        return False
    click(pid, row)
    return True


def check_names(tap, root, page):
    fc_a11y.check_names(tap, root, page)


def new_measurement(tap, pid, app_node, what):
    key('ctrl+n')
    dialog = poll(lambda: find(app_node, 'frame', 'New Measurement'))
    tap.check(dialog is not None, f'{what}: Ctrl+N opens “New Measurement”',
              [(app_node[i].getRoleName(), app_node[i].name) for i in range(app_node.childCount)])
    return dialog


def value_entry(dialog):
    return poll(lambda: find_shown(dialog, 'text', 'Value (kg)'))


def entry_text(node):
    try:
        text = node.queryText()
        return text.getText(0, text.characterCount)
    except Exception:
        return None


def type_value(pid, entry, value):
    """Clicks the entry row's text and types value. GTK 4.8 does not report
    an entry row's focus, so what counts is the text that arrives: typed
    again (after Ctrl+A) if a loaded machine let the keys go elsewhere."""
    for _ in range(3):
        click(pid, entry)
        time.sleep(0.3)
        key('ctrl+a')
        type_text(value)
        if poll(lambda: entry_text(entry) == value, timeout=5):
            return True
    return False


def save_button(dialog):
    return poll(lambda: find_shown(dialog, 'push button', 'Save') or
                find_shown(dialog, 'push button', '_Save Save'))


def weigh_in(tap, pid, app_node, value, what, artifacts=None):
    """Types value into a new measurement (weight, now) and saves it;
    returns whether the dialog closed."""
    dialog = new_measurement(tap, pid, app_node, what)
    if dialog is None:
        return False
    entry = value_entry(dialog)
    if not tap.check(entry is not None, f'{what}: the value is asked in kg (“Value (kg)”)'):
        return False
    type_value(pid, entry, f'{value}')
    save = save_button(dialog)
    tap.check(poll(lambda: save is not None and save.getState().contains(
        pyatspi.STATE_SENSITIVE)), f'{what}: {value} kg can be saved')
    if artifacts:
        screenshot(artifacts, 'ui-health-entry.png')
    key('ctrl+s')
    return tap.check(poll(lambda: find(app_node, 'frame', 'New Measurement') is None),
                     f'{what}: Ctrl+S saves and closes the dialog')


def refused_as_typed(tap, pid, app_node, window):
    dialog = new_measurement(tap, pid, app_node, 'a wrong value')
    if dialog is None:
        return
    entry = value_entry(dialog)
    type_value(pid, entry, '900')
    save = save_button(dialog)
    tap.check(poll(lambda: any('between' in t or 'plausible' in t or '650' in t
                               for t in labels_in(dialog))) and
              save is not None and not save.getState().contains(pyatspi.STATE_SENSITIVE),
              'typing 900 kg shows why it is refused, and Save is off', labels_in(dialog))
    check_names(tap, dialog, 'the entry dialog')
    key('Escape')
    poll(lambda: find(app_node, 'frame', 'New Measurement') is None)


def choose_file(pid, app_node, path):
    """GTK 4.8's file chooser without a portal: Ctrl+L, the path, Return.
    It is the app's one top-level besides the main window and the import
    dialog."""
    known = ('FitCore', 'Import Health Data', 'Importing', 'Import Finished')

    def chooser():
        for i in range(app_node.childCount):
            node = app_node.getChildAtIndex(i)
            if node is not None and node.name not in known:
                return node
        return None

    if poll(chooser, timeout=20) is None:
        return False
    time.sleep(1)
    key('ctrl+l')
    time.sleep(0.5)
    type_text(path)
    time.sleep(0.3)
    # The location entry's completion can take the first Return (a CI run
    # left the chooser open with the whole path typed): Return again until
    # the chooser is gone.
    for _ in range(3):
        key('Return')
        if poll(lambda: chooser() is None, timeout=10):
            return True
    return False


def import_ended(tap, dialog, what, timeout):
    """Waits for the dialog's end state and returns its “Close” button.
    The end is the title's “Import Finished”: a “Close” button is there all
    along (the title bar's), and counts read before the end were a loaded
    run's zeros."""
    ended = poll(lambda: first_shown(dialog, lambda n: n.getRoleName() == 'label' and n.name in
                                     ('Import Finished', 'Import Cancelled', 'Import Failed')),
                 timeout=timeout)
    tap.check(ended is not None and ended.name == 'Import Finished',
              f'{what}: the import ends, “Import Finished”', ended and ended.name)
    return find_shown(dialog, 'push button', '_Close Close') or \
        find_shown(dialog, 'push button', 'Close')


def import_file(tap, pid, app_node, path, expected, what, artifacts, shot):
    key('ctrl+i')
    dialog = poll(lambda: find(app_node, 'frame', 'Import Health Data'))
    if dialog is None:
        # A key sent while the window was still taking the focus back
        # (after the previous dialog) is lost: give it the focus, send it
        # once more.
        focus_window(pid)
        key('ctrl+i')
        dialog = poll(lambda: find(app_node, 'frame', 'Import Health Data'))
    if not tap.check(dialog is not None, f'{what}: Ctrl+I opens “Import Health Data”',
                     f'the X focus: {focused_window_name()}'):
        return False
    check_names(tap, dialog, 'the import dialog')
    button = poll(lambda: find_shown(dialog, 'push button', 'Choose File…') or
                  find_shown(dialog, 'push button', '_Choose File… Choose File…'))
    if button is None:
        tap.check(False, f'{what}: the dialog offers “Choose File…”')
        return False
    button.queryAction().doAction(0)
    if not tap.check(choose_file(pid, app_node, path), f'{what}: a file chooser opens'):
        return False
    close = import_ended(tap, dialog, what, timeout=120)
    def counts():
        return {name: row_subtitle(dialog, title) for name, title in
                (('records', 'Records Read'), ('added', 'Added'), ('unchanged', 'Already Here'),
                 ('refused', 'Refused'), ('skipped', 'Not Imported (Other Types)'))}

    want = {k: str(v) for k, v in expected.items()}
    # One walk of the tree can miss a node that is being redrawn: read
    # again until every count is there.
    got = poll(lambda: (lambda c: c if None not in c.values() else None)(counts()),
               timeout=20) or counts()
    tap.check(got == want, f'{what}: the counts are exactly {want}', got)
    if shot:
        screenshot(artifacts, shot)
    if close is not None:
        close.queryAction().doAction(0)
    poll(lambda: find(app_node, 'frame', 'Import Health Data') is None)
    return True


def open_card(tap, pid, window, title):
    card = poll(lambda: first_shown(window, lambda n: n.name.startswith(title + ':')), timeout=30)
    if not tap.check(card is not None, f'the overview has a “{title}” card'):
        return None
    click(pid, card)
    back = poll(lambda: find_shown(window, 'push button', 'Back to Health'))
    tap.check(back is not None, f'the “{title}” card opens its page, with “Back to Health”')
    return back


def chart_node(window, title):
    """The chart, by its accessible name: “Weight chart”, followed by what
    the crosshair reads while it has the focus."""
    return poll(lambda: first_shown(window, lambda n: (
        n.name == f'{title} chart' or n.name.startswith(f'{title} chart: '))), timeout=20)


def wait_row(window, predicate, timeout=30):
    def look():
        rows = find_all_shown(window, lambda n: n.getRoleName() == 'list item' and predicate(n))
        return rows[0] if rows else None
    return poll(look, timeout=timeout)


def delete_and_undo(tap, pid, window, url, value):
    """Deletes the point of value on the Weight page, then takes it back."""
    entries = poll(lambda: find(window, 'list', 'Measurements'))
    scopes = ancestors(entries) if entries is not None else [window]
    name = f'Delete {value} kg'

    def delete():
        button = first_shown(window, lambda n: n.getRoleName() == 'push button' and
                             n.name.startswith(name + ','))
        if button is None:
            return None
        button.queryAction().doAction(0)
        return catch_toast(pid, scopes, lambda n: n.replace('_', '').endswith('Undo'),
                           timeout=15)[1]

    undo = poll(delete, timeout=30)
    tap.check(undo is not None, f'Delete on {value} kg offers “Undo” in a toast')
    if undo is not None:
        undo.queryAction().doAction(0)
    tap.check(wait_row(window, lambda n: n.name == f'{value} kg') is not None,
              '“Undo” brings the measurement back')
    key('ctrl+r')
    time.sleep(3)
    tap.check(poll(lambda: (server_values(url, 'weight') or []).count(value) == 1, timeout=60),
              f'and the server ends with {value} kg once', server_values(url, 'weight'))


def import_csv(tap, pid, app_node, window, url, tmp, day, artifacts):
    """A CSV of points: the preview shows the row it will refuse and why,
    the import counts it, and the server gets the rest."""
    path = os.path.join(tmp, 'measurements.csv')
    d1 = (day - datetime.timedelta(days=3)).isoformat()
    d2 = (day - datetime.timedelta(days=2)).isoformat()
    with open(path, 'w') as out:
        out.write('date,type,value,unit\n'
                  f'{d1} 08:00,water,500,ml\n'
                  f'{d2} 08:00,water,1.5,l\n'
                  f'{d2} 09:00,water,lots,ml\n')
    key('ctrl+i')
    dialog = poll(lambda: find(app_node, 'frame', 'Import Health Data'))
    if dialog is None:
        # A key sent while the window was still taking the focus back
        # (after the previous dialog) is lost: give it the focus, send it
        # once more.
        focus_window(pid)
        key('ctrl+i')
        dialog = poll(lambda: find(app_node, 'frame', 'Import Health Data'))
    if not tap.check(dialog is not None, 'a CSV file: Ctrl+I opens “Import Health Data”',
                     f'the X focus: {focused_window_name()}'):
        return
    button = poll(lambda: find_shown(dialog, 'push button', 'Choose File…') or
                  find_shown(dialog, 'push button', '_Choose File… Choose File…'))
    button.queryAction().doAction(0)
    choose_file(pid, app_node, path)
    refused = poll(lambda: next((t for t in labels_in(dialog) if t.startswith('Refused:')), None),
                   timeout=30)
    tap.check(refused is not None and 'lots' in refused,
              'the preview shows the row it would refuse, and why', refused)
    check_names(tap, dialog, 'the CSV preview')
    screenshot(artifacts, 'ui-health-csv-preview.png')
    start = poll(lambda: find_shown(dialog, 'push button', 'Import') or
                 find_shown(dialog, 'push button', '_Import Import'))
    if start is not None:
        start.queryAction().doAction(0)
    close = import_ended(tap, dialog, 'a CSV file', timeout=60)
    got = poll(lambda: (lambda c: c if None not in c.values() else None)(
        {n: row_subtitle(dialog, t) for n, t in (('records', 'Records Read'), ('added', 'Added'),
                                                  ('refused', 'Refused'))}), timeout=20)
    want = {'records': '3', 'added': '2', 'refused': '1'}
    tap.check(got == want, f'the CSV import counts {want}', got)
    if close is not None:
        close.queryAction().doAction(0)
    tap.check(poll(lambda: server_values(url, 'water') == [500.0, 1500.0], timeout=60),
              'the server gets the two waters, 500 ml and 1.5 l as 1500 ml',
              server_values(url, 'water'))


def server_goals(url):
    status, body = http(url, 'GET', 'health/goals/', login(url))
    if status != 200:
        return None
    return {k: body.get(k) for k in ('daily_steps', 'target_weight', 'sleep_minutes')}


def set_goals(tap, pid, app_node, window, url):
    """Sets the three goals in “Goals”: a wrong sleep time is refused as
    typed, the right ones reach the server and the overview's steps row."""
    button = poll(lambda: find_shown(window, 'push button', 'Goals…') or
                  find_shown(window, 'push button', '_Goals… Goals…'))
    if not tap.check(button is not None, 'the overview offers “Goals…”'):
        return
    click(pid, button)
    dialog = poll(lambda: find(app_node, 'frame', 'Goals'))
    if not tap.check(dialog is not None, '“Goals…” opens the “Goals” dialog'):
        return
    steps = poll(lambda: find_shown(dialog, 'text', 'Daily Steps'))
    weight = poll(lambda: find_shown(dialog, 'text', 'Target Weight (kg)'))
    sleep = poll(lambda: find_shown(dialog, 'text', 'Sleep per Night (H:MM)'))
    if not tap.check(None not in (steps, weight, sleep),
                     'it asks for daily steps, a target weight in kg and sleep as H:MM'):
        return
    type_value(pid, steps, '12000')
    type_value(pid, weight, '70.5')
    type_value(pid, sleep, '25:00')
    save = save_button(dialog)
    tap.check(poll(lambda: any('7:30' in t for t in labels_in(dialog))) and
              save is not None and not save.getState().contains(pyatspi.STATE_SENSITIVE),
              'sleep of 25:00 is refused as typed, and Save is off', labels_in(dialog))
    check_names(tap, dialog, 'the goals dialog')
    type_value(pid, sleep, '7:30')
    tap.check(poll(lambda: save.getState().contains(pyatspi.STATE_SENSITIVE)),
              '7:30 can be saved')
    key('ctrl+s')
    tap.check(poll(lambda: find(app_node, 'frame', 'Goals') is None),
              'Ctrl+S saves the goals and closes the dialog')
    want = {'daily_steps': 12000, 'target_weight': 70.5, 'sleep_minutes': 450}
    tap.check(poll(lambda: server_goals(url) == want, timeout=60),
              f'the server has the goals {want}', server_goals(url))
    tap.check(poll(lambda: re.search(r'of 12[,.\u202f\u00a0]?000', row_subtitle(window, 'Steps') or
                                     ''), timeout=30),
              'today’s steps are counted against 12,000', row_subtitle(window, 'Steps'))

    # Opened again, it shows what is stored.
    click(pid, button)
    dialog = poll(lambda: find(app_node, 'frame', 'Goals'))
    if dialog is not None:
        weight = poll(lambda: find_shown(dialog, 'text', 'Target Weight (kg)'))
        sleep = poll(lambda: find_shown(dialog, 'text', 'Sleep per Night (H:MM)'))
        tap.check(poll(lambda: entry_text(weight) == '70.5' and entry_text(sleep) == '7:30'),
                  'opened again, “Goals” shows 70.5 kg and 7:30',
                  (entry_text(weight), entry_text(sleep)))
        key('Escape')
        poll(lambda: find(app_node, 'frame', 'Goals') is None)


def export_csv(tap, pid, app_node, window, path, points, day):
    """Export Data as CSV… on the Weight page, saved to path through GTK's
    own save chooser (the name typed as a whole path): the file holds the
    window's points, oldest first, in the wire's names and units."""
    menu = poll(lambda: first_shown(window, lambda n: n.name == 'Export' and
                                    n.getRoleName() in ('push button', 'toggle button')))
    if not tap.check(menu is not None, 'the Weight page offers “Export”'):
        return
    # A popover is a surface of its own: its item is picked by its
    # mnemonic, as a keyboard user does (tests/ui/test-plans.py).
    click(pid, menu)
    item = poll(lambda: next(iter(find_all(app_node, lambda n: n.getRoleName() == 'menu item' and
                                           n.name == 'Export Data as CSV…')), None))
    if not tap.check(item is not None, '“Export” offers “Export Data as CSV…”'):
        key('Escape')
        return
    time.sleep(0.3)
    key('c')
    known = ('FitCore',)

    def chooser():
        for i in range(app_node.childCount):
            node = app_node.getChildAtIndex(i)
            if node is not None and node.name not in known:
                return node
        return None

    if not tap.check(poll(chooser, timeout=20) is not None, 'a save chooser opens'):
        return
    time.sleep(1)
    key('ctrl+a')
    type_text(path)
    time.sleep(0.3)
    for _ in range(3):
        key('Return')
        if poll(lambda: chooser() is None, timeout=10):
            break
    tap.check(poll(lambda: os.path.exists(path), timeout=30), f'the CSV is written to {path}')
    midnight = datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.timezone.utc)
    start = int((midnight - datetime.timedelta(days=29)).timestamp())
    end = int((midnight + datetime.timedelta(days=1)).timestamp())
    want = [round(v, 3) for t, v in sorted(points) if start <= t < end]

    def rows():
        try:
            with open(path, newline='') as f:
                return list(csv.reader(f))
        except OSError:
            return None
    got = poll(lambda: (lambda r: r if r and len(r) == len(want) + 1 else None)(rows()),
               timeout=10) or rows() or []
    tap.check(got[:1] == [['recorded_at', 'data_type', 'value', 'unit', 'stage', 'source']],
              'its header names the wire’s fields', got[:1])
    tap.check([round(float(r[2]), 3) for r in got[1:]] == want and
              all(r[1] == 'weight' and r[3] == 'kg' for r in got[1:]),
              f'it holds the {len(want)} weights of the chart’s 30 days, oldest first, in kg',
              got[1:4])


def run(tap, binary, server_binary, artifacts, tmp):
    env = app_env(tmp)
    day = today()
    fixture = os.path.join(tmp, 'export.xml')
    expected, weights = write_fixture(fixture, day)

    server, url = start_server(server_binary, os.path.join(tmp, 'server'))
    app = None
    try:
        if not tap.check(url is not None, 'fitcore-server --demo says where it listens'):
            return
        app = start_app(binary, url, env)
        window = wait_window(tap, app, 'first start')
        if window is None or not sign_in(tap, app.pid, window):
            return
        app_node = find_app(app.pid)
        if not open_health(tap, app.pid, window):
            return
        tap.check(poll(lambda: shown_named(window, 'No Health Data Yet', ('label',))),
                  'with no data, Health says “No Health Data Yet” and how to add or import')
        screenshot(artifacts, 'ui-health-empty.png')
        check_names(tap, window, 'Health, empty')

        # A weigh-in, typed in, reaches the server.
        refused_as_typed(tap, app.pid, app_node, window)
        # The app's now (src/core/fc-time.c): the clock's time of day on the
        # day FITCORE_TODAY names, which near midnight is not the clock's day.
        clock = datetime.datetime.now(datetime.timezone.utc)
        before = datetime.datetime.combine(day, clock.time(), tzinfo=datetime.timezone.utc).timestamp()
        if not weigh_in(tap, app.pid, app_node, WEIGH_IN, 'a weigh-in', artifacts):
            return
        tap.check(poll(lambda: server_values(url, 'weight') == [WEIGH_IN], timeout=60),
                  f'the weigh-in reaches the server: one weight of {WEIGH_IN} kg',
                  server_values(url, 'weight'))
        tap.check(poll(lambda: first_shown(window, lambda n: n.name.startswith('Weight: 72.4 kg')),
                       timeout=30),
                  'the overview shows a “Weight” card with 72.4 kg')
        weights_now = weights + [(int(before), WEIGH_IN)]

        # The Apple Health export.
        import_file(tap, app.pid, app_node, fixture, expected, 'the first import', artifacts,
                    'ui-health-import.png')
        want_weights = sorted([WEIGH_IN] + [kg for _, kg in weights])
        tap.check(poll(lambda: server_values(url, 'weight') == want_weights, timeout=90),
                  f'the server has the {len(want_weights)} weights', server_values(url, 'weight'))
        steps = server_values(url, 'steps')
        tap.check(poll(lambda: len(server_values(url, 'steps') or []) == 30, timeout=60),
                  'and the 30 step counts', steps)
        poll(lambda: shown_named(window, 'Steps', ('label',)), timeout=30)
        time.sleep(1)
        screenshot(artifacts, 'ui-health-overview.png')
        check_names(tap, window, 'Health overview')
        set_goals(tap, app.pid, app_node, window, url)

        # The chart says what the fixture says.
        back = open_card(tap, app.pid, window, 'Weight')
        if back is not None:
            chart = chart_node(window, 'Weight')
            want = chart_summary(weights_now, day)
            tap.check(chart is not None and poll(lambda: chart.description == want, timeout=30),
                      f'the chart’s accessible description is “{want}”',
                      chart.description if chart is not None else 'no chart')
            screenshot(artifacts, 'ui-health-weight.png')
            check_names(tap, window, 'the Weight page')
            export_csv(tap, app.pid, app_node, window, os.path.join(tmp, 'weight-export.csv'),
                       weights_now, day)
            table = poll(lambda: find_shown(window, 'push button', 'Show as Table') or
                         find_shown(window, 'toggle button', 'Show as Table'))
            if table is not None:
                table.queryAction().doAction(0)
                rows = poll(lambda: (lambda l: l if l is not None and l.childCount >= 30 else None)(
                    find(window, 'list', 'Chart Data')), timeout=20)
                tap.check(rows is not None and rows.childCount == 30,
                          'the table view lists the 30 days that have a weight',
                          rows.childCount if rows is not None else None)
                screenshot(artifacts, 'ui-health-weight-table.png')
                table.queryAction().doAction(0)
            key('Escape')
            # The metric page keeps its place in the tree (AdwLeaflet leaves
            # it allocated): what tells is the focus, back on the card.
            tap.check(poll(lambda: (lambda c: c is not None and c.getState().contains(
                pyatspi.STATE_FOCUSED))(next((n for n in find_all(window, lambda n: n.name.startswith(
                    'Weight:')) ), None))),
                      'Escape goes back to the overview, to the Weight card')

        # The same file again adds nothing.
        again = dict(expected, added=0, unchanged=expected['added'] + expected['unchanged'])
        import_file(tap, app.pid, app_node, fixture, again, 'the same file again', artifacts,
                    None)
        time.sleep(3)
        tap.check(server_values(url, 'weight') == want_weights,
                  'and the server still has the same weights', server_values(url, 'weight'))

        # A weigh-in with the server stopped arrives once it is back.
        port = int(re.search(r':(\d+)/$', url).group(1))
        stop(server)
        if weigh_in(tap, app.pid, app_node, OFFLINE, 'the server stopped'):
            back = open_card(tap, app.pid, window, 'Weight')
            waiting = wait_row(window, lambda n: n.name == '71.3 kg' and any(
                'not synced yet' in t for t in labels_in(n)))
            tap.check(waiting is not None, 'the weigh-in is listed, “not synced yet”')
            screenshot(artifacts, 'ui-health-offline.png')
        server, url_again = start_server(server_binary, os.path.join(tmp, 'server'), port)
        if not tap.check(url_again == url, f'fitcore-server starts again on {url}', url_again):
            return
        key('ctrl+r')
        want_weights = sorted(want_weights + [OFFLINE])
        tap.check(poll(lambda: server_values(url, 'weight') == want_weights, timeout=90),
                  f'once the server is back the weigh-in arrives, once ({OFFLINE} kg)',
                  server_values(url, 'weight'))
        tap.check(wait_row(window, lambda n: n.name == '71.3 kg' and not any(
            'not synced yet' in t for t in labels_in(n))) is not None,
            'and its row no longer waits')
        time.sleep(5)
        tap.check(server_values(url, 'weight') == want_weights,
                  'a few seconds later it is still there once', server_values(url, 'weight'))
        delete_and_undo(tap, app.pid, window, url, OFFLINE)
        key('Escape')
        import_csv(tap, app.pid, app_node, window, url, tmp, day, artifacts)

        key('ctrl+q')
        poll(lambda: app.poll() is not None, timeout=10)
        stop(app)
        narrow_and_dark(tap, binary, url, env, artifacts)
    finally:
        stop(app)
        stop(server)


def narrow_and_dark(tap, binary, url, env, artifacts):
    env = dict(env, ADW_DEBUG_COLOR_SCHEME='prefer-dark')
    app = start_app(binary, url, env)
    try:
        window = wait_window(tap, app, 'dark, narrow start')
        if window is None:
            return
        sidebar = poll(lambda: find(window, 'list', 'Sections'), timeout=30)
        row = poll(lambda: find_shown(sidebar, 'list item', 'Health'), timeout=20)
        if row is not None:
            click(app.pid, row)
        poll(lambda: first_shown(window, lambda n: n.name.startswith('Weight:')), timeout=30)
        time.sleep(1)
        screenshot(artifacts, 'ui-health-dark.png')
        resize(app.pid, 360, 720)
        time.sleep(0.5)
        card = poll(lambda: first_shown(window, lambda n: n.name.startswith('Weight:')),
                    timeout=20)
        tap.check(card is not None and extents(card).x + extents(card).width <= 360,
                  'at 360 px the Weight card fits the window',
                  extents(card) if card is not None else None)
        screenshot(artifacts, 'ui-health-narrow-dark.png')
        if card is not None:
            click(app.pid, card)
            add = poll(lambda: find_shown(window, 'push button', 'Add Measurement'))
            tap.check(add is not None and extents(add).x + extents(add).width <= 360,
                      'at 360 px the Weight page keeps “Add Measurement” in the window')
            time.sleep(1)
            screenshot(artifacts, 'ui-health-narrow-dark-weight.png')
    finally:
        stop(app)


if __name__ == '__main__':
    sys.exit(main(run, 'health'))
