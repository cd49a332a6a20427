#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Meal plans as a person uses them, against a real fitcore-server --demo:
# signs in, opens Nutrition → Plans, generates a 7-day plan, checks the
# calendar shows each of its meals on the date the server says, drags a meal
# chip to another day with the mouse, syncs with Ctrl+R and checks the
# server's plan has the meal on the new day. Screenshots of the month view
# (light, dark, 360 px narrow) go to the artifacts directory. Prints TAP.
#
#   test-plans.py FITCORE_BINARY FITCORE_SERVER DEFAULT_ARTIFACTS_DIR

import datetime
import os
import subprocess
import sys
import time
import urllib.request

import pyatspi

from fcapp import app_env, http, login, main, sign_in, start_app, start_server, wait_window
from fcapp import today as app_today
from fcatspi import (ancestors, catch_toast, click, extents, find, find_all, find_all_shown,
                     find_app, find_shown, first_shown, key, on_screen, poll, resize, screenshot,
                     stop, toast_buttons, type_text, window_origin)

# Set by tests/ui/meson.build for the runs on other dates: only the calendar
# part, and screenshots named after the variant.
CALENDAR_ONLY = os.environ.get('FITCORE_UI_CALENDAR_ONLY') == '1'
VARIANT = f"-{os.environ['FITCORE_UI_VARIANT']}" if os.environ.get('FITCORE_UI_VARIANT') else ''
# What generation needs from a profile (src/server/nutrition/fc-nutrition-generate.c).
PROFILE_FIELDS = {'age': 31, 'weight': 72.5, 'height': 178.0, 'gender': 'male'}
MEAL_TIMES = {'BF': 'Breakfast', 'LN': 'Lunch', 'DN': 'Dinner', 'SN': 'Snack'}
DAYS = 7
EXCLUDE_QUERY = 'Oatmeal'
STAFF = ('admin@fitcore.local', 'fitcore-admin')
# A staff template the gallery lists, deleted on the server before the user
# copies it: the copy is refused, with a message of two lines.
GONE_TEMPLATE = 'Vanishing Template'


def generated_plans(url, token):
    status, body = http(url, 'GET', 'nutrition/meal-plans/?page_size=100', token)
    plans = body.get('results', []) if status == 200 else []
    return sorted((p for p in plans if p.get('is_ai_generated')), key=lambda p: p['id'])


def plan_by_id(url, token, plan_id):
    status, body = http(url, 'GET', f'nutrition/meal-plans/{plan_id}/', token)
    return body if status == 200 else None


def ensure_profile(tap, url, token):
    """Generation computes targets from the profile: complete it first if the
    demo data ever lacks a field."""
    status, profile = http(url, 'GET', 'auth/profile/', token)
    missing = {k: v for k, v in PROFILE_FIELDS.items() if status != 200 or profile.get(k) is None}
    if missing:
        http(url, 'PATCH', 'auth/profile/', token, missing)
        status, profile = http(url, 'GET', 'auth/profile/', token)
    tap.check(status == 200 and all(profile.get(k) is not None for k in PROFILE_FIELDS),
              'the demo profile has age, weight, height and gender'
              + (f' (set over HTTP: {", ".join(missing)})' if missing else ''), profile)


def chip_name(entry):
    meal = entry.get('meal_detail') or {}
    time_label = MEAL_TIMES.get(meal.get('meal_time_category'), 'Other')
    return f"{time_label}: {meal.get('name', '')}"


def meal_of(chip):
    """"Lunch: Chicken bowl" → "Chicken bowl"."""
    return chip.split(': ', 1)[-1]


def day_label(date):
    return f"{date.strftime('%A')} {date.day} {date.strftime('%B')}"


def cells(window):
    return find_all_shown(window, lambda n: n.getRoleName() == 'table cell')


def cell_in(cells_on_show, date):
    prefix = day_label(date) + ','
    return next((cell for cell in cells_on_show if cell.name.startswith(prefix)), None)


def cell_for(window, date):
    return cell_in(cells(window), date)


def is_chip(node):
    return node.getRoleName() == 'push button' and ': ' in node.name


def chips(window):
    return find_all_shown(window, is_chip)


def month_on_show(window):
    """The cells on show and, for each, the names of the chips over it, from
    one walk of the window (a walk per date made the calendar checks most of
    this test's time)."""
    nodes = find_all_shown(window, lambda n: n.getRoleName() == 'table cell' or is_chip(n))
    found_cells = [n for n in nodes if n.getRoleName() == 'table cell']
    found_chips = [(n.name, extents(n)) for n in nodes if n.getRoleName() == 'push button']
    month = {}
    for cell in found_cells:
        box = extents(cell)
        month[cell.name] = sorted(name for name, chip in found_chips if inside(chip, box))
    return month


def day_in(month, date):
    """(cell name, chip names) of date in month_on_show()'s answer, or None."""
    prefix = day_label(date) + ','
    return next(((name, shown) for name, shown in month.items() if name.startswith(prefix)),
                None)


def inside(inner, outer):
    cx, cy = inner.x + inner.width / 2, inner.y + inner.height / 2
    return outer.x <= cx < outer.x + outer.width and outer.y <= cy < outer.y + outer.height


def open_plans(tap, window):
    key('ctrl+3')
    generate = poll(lambda: find_shown(window, 'push button', 'Generate…'), timeout=20)
    tap.check(generate is not None, 'Nutrition → Plans offers “Generate…” (our server generates)')
    return generate


def exclude_food(tap, pid, dialog, query):
    """Searches the cached foods in the dialog and excludes the first hit;
    returns the food's name."""
    search = poll(lambda: first_shown(dialog, lambda n: n.getRoleName() == 'entry'))
    if not tap.check(search is not None, 'the dialog has a food search entry'):
        return None
    click(pid, search)
    type_text(query)
    hit = poll(lambda: first_shown(dialog, lambda n: n.getRoleName() == 'list item'
                                   and query.lower() in n.name.lower()))
    if not tap.check(hit is not None, f'typing “{query}” lists matching foods'):
        return None
    name = hit.name
    click(pid, hit)
    chip = poll(lambda: find_shown(dialog, 'push button', f'Remove {name}'))
    tap.check(chip is not None, f'“{name}” becomes a removable chip')
    return name if chip is not None else None


def focused_in(root):
    """The focused node under root, looking only into what is on screen
    (hidden stack pages keep hundreds of calendar cells in the tree)."""
    found, todo = None, [root]
    while todo:
        node = todo.pop()
        try:
            if node is not root and node.getState().contains(pyatspi.STATE_FOCUSED):
                found = node
            for i in range(node.childCount):
                child = node.getChildAtIndex(i)
                try:
                    shown = on_screen(child)
                except NotImplementedError:
                    shown = True  # no box (a GtkStackPage): look through it
                if child is not None and shown:
                    todo.append(child)
        except Exception:  # a node can vanish while we walk
            continue
    return found


def tab_until(root, wanted, limit):
    """Presses Tab until the focus is on a node wanted(node) accepts, at most
    limit times; returns the (role, name) of every stop."""
    stops = []
    for _ in range(limit):
        before = focused_in(root)
        key('Tab')
        poll(lambda: (lambda f: f is not None and f != before)(focused_in(root)), timeout=3)
        now = focused_in(root)
        stops.append((now.getRoleName(), now.name) if now is not None else (None, None))
        if now is not None and wanted(now):
            break
    return stops


def chip_tab_stop(tap, pid, dialog, name):
    """From the food search, Tab reaches the chip in one stop: no
    container child before it."""
    search = first_shown(dialog, lambda n: n.getRoleName() == 'entry')
    if search is None:
        return
    click(pid, search)
    poll(lambda: focused_in(dialog) is not None, timeout=3)
    stops = tab_until(dialog, lambda n: n.name == f'Remove {name}', 6)
    tap.check(stops and stops[-1] == ('push button', f'Remove {name}') and
              not any(stop_name == name for _, stop_name in stops),
              f'Tab reaches the chip “Remove {name}” in one stop, with no stop on a container '
              'around it', stops)


def generate_buttons(dialog):
    return find_all_shown(dialog, lambda n: n.getRoleName() == 'push button'
                          and 'Generate' in n.name)


def generate_plan(tap, pid, app_node, window, generate, artifacts):
    generate.queryAction().doAction(0)
    dialog = poll(lambda: find(app_node, 'frame', 'Generate Meal Plan'))
    if not tap.check(dialog is not None, '“Generate…” opens the “Generate Meal Plan” dialog'):
        return False, None
    spins = find_all(dialog, lambda n: n.getRoleName() == 'spin button')
    days = spins[0].queryValue().currentValue if spins else None
    tap.check(days == DAYS, f'the dialog proposes {DAYS} days', days)
    excluded = exclude_food(tap, pid, dialog, EXCLUDE_QUERY)
    screenshot(artifacts, 'ui-plans-generate-dialog.png')
    if excluded:
        chip_tab_stop(tap, pid, dialog, excluded)
    run = poll(lambda: generate_buttons(dialog))
    if not run:
        return False, excluded
    started = time.monotonic()
    run[0].queryAction().doAction(0)
    closed = poll(lambda: find(app_node, 'frame', 'Generate Meal Plan') is None, timeout=60,
                  interval=0.05)
    print(f'# Generate clicked to dialog closed (plan stored): '
          f'{(time.monotonic() - started) * 1000:.0f} ms', flush=True)
    return tap.check(closed, 'the plan is generated and the dialog closes'), excluded


def foods_of(plan):
    return {item['food_detail']['name'] for entry in plan.get('scheduled_meals', [])
            for item in (entry.get('meal_detail') or {}).get('meal_items', [])
            if item.get('food_detail')}


def check_calendar(tap, window, plan):
    """Each scheduled meal is a chip in the cell of start_date + day - 1."""
    start = datetime.date.fromisoformat(plan['start_date'])
    expected = {}
    for entry in plan.get('scheduled_meals', []):
        date = start + datetime.timedelta(days=entry['day_of_plan'] - 1)
        expected.setdefault(date, []).append(chip_name(entry))
    tap.check(len(expected) == DAYS and all(expected.values()),
              f'the server’s plan has meals on each of its {DAYS} days', sorted(expected))

    pending = dict(expected)
    wrong = []
    times = []
    for _ in range(3):  # the plan may run into the next month
        def settled():
            # Every pending date on this page shows its chips (they arrive
            # after the cells), and at least one pending date is on it.
            month = month_on_show(window)
            days = [day_in(month, d) for d in pending]
            return month if any(days) and all(d[1] for d in days if d) else None
        month = poll(settled, timeout=15) or month_on_show(window)
        for date in list(pending):
            day = day_in(month, date)
            if day is None:
                continue
            cell_name, shown = day
            want = sorted(pending.pop(date))
            # A crowded cell shows "+N more": the ones shown must be the plan's.
            names = [n for n in shown if 'more' not in n]
            if not names or not {meal_of(n) for n in names} <= {meal_of(n) for n in want}:
                wrong.append((date.isoformat(), want, shown))
            elif not set(names) <= set(want):
                times.append((date.isoformat(), want, shown))
            if not cell_name.count(f'{len(want)} meal'):
                wrong.append((date.isoformat(), cell_name))
        if not pending:
            break
        next_button = find_shown(window, 'push button', 'Next')
        if next_button is None:
            break
        next_button.queryAction().doAction(0)
        time.sleep(0.5)
    tap.check(not pending and not wrong,
              'the calendar shows every meal on the date the server has it',
              f'missing: {sorted(d.isoformat() for d in pending)}\nwrong: {wrong}')
    tap.check(not times, 'each chip names its meal time (Breakfast, Lunch, Dinner, Snack)', times)
    return expected


def drag(pid, source, target):
    x, y = window_origin(pid)
    a, b = extents(source), extents(target)
    sx, sy = x + a.x + a.width // 2, y + a.y + a.height // 2
    tx, ty = x + b.x + b.width // 2, y + b.y + b.height // 2 + b.height // 4
    subprocess.run(['xdotool', 'mousemove', str(sx), str(sy), 'mousedown', '1'], check=True)
    for step in range(1, 21):
        subprocess.run(['xdotool', 'mousemove', str(sx + (tx - sx) * step // 20),
                        str(sy + (ty - sy) * step // 20)], check=True)
        time.sleep(0.03)
    time.sleep(0.3)
    subprocess.run(['xdotool', 'mouseup', '1'], check=True)


def meals_on(schedule, day):
    return {e['meal'] for e in schedule if e['day_of_plan'] == day}


def move_meal(tap, pid, window, url, token, plan):
    """Drags the chip on show in day 1 onto day 2 and syncs: the calendar
    and then the server have one meal of day 1 on day 2 instead."""
    start = datetime.date.fromisoformat(plan['start_date'])
    day1, day2 = meals_on(plan['scheduled_meals'], 1), meals_on(plan['scheduled_meals'], 2)
    today_button = find_shown(window, 'push button', 'Today')
    if today_button is not None:
        today_button.queryAction().doAction(0)  # back to the plan's month (it starts today)
    first, second = start, start + datetime.timedelta(days=1)
    source_cell = poll(lambda: cell_for(window, first))
    target_cell = poll(lambda: cell_for(window, second))
    if not tap.check(source_cell is not None and target_cell is not None,
                     'the plan’s first two days are on show'):
        return
    box = extents(source_cell)
    # The chip on show is the top one: the pool's spare chips are hidden.
    chip = poll(lambda: min((c for c in chips(window) if inside(extents(c), box)
                             and 'more' not in c.name), key=lambda c: extents(c).y, default=None))
    if not tap.check(chip is not None and not day1 & day2,
                     'day 1 shows a meal chip, and days 1 and 2 share no meal'):
        return
    drag(pid, chip, target_cell)
    def moved_in_calendar():
        on_show = cells(window)
        return f'{len(day1) - 1} meal' in cell_in(on_show, first).name \
            and f'{len(day2) + 1} meal' in cell_in(on_show, second).name
    counts = poll(moved_in_calendar, timeout=10)
    tap.check(counts, f'after the drag, {first} has {len(day1) - 1} meals and {second} '
              f'{len(day2) + 1}', (cell_for(window, first).name, cell_for(window, second).name))

    key('ctrl+r')

    def on_server():
        schedule = plan_by_id(url, token, plan['id'])['scheduled_meals']
        gone, came = day1 - meals_on(schedule, 1), meals_on(schedule, 2) - day2
        return gone if len(gone) == 1 and gone == came else None
    moved = poll(on_server, timeout=30, interval=0.5)
    tap.check(moved, 'after Ctrl+R the server has one meal of day 1 on day 2 instead',
              plan_by_id(url, token, plan['id'])['scheduled_meals'])


def buttons_in(window, box):
    """The chips and “+N more” buttons on show over box."""
    return [n for n in find_all_shown(window, lambda n: n.getRoleName() == 'push button')
            if overlaps(extents(n), box)]


def overlaps(a, b):
    return a.x < b.x + b.width and b.x < a.x + a.width and a.y < b.y + b.height and \
        b.y < a.y + a.height


def free_spot(window, cell):
    """A point of the cell (window coordinates) at least 3 px from every
    button drawn over it, lowest first; None when the chips cover it all."""
    box = extents(cell)
    taken = [extents(n) for n in buttons_in(window, box)]
    for fy in (0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1):
        for fx in (0.5, 0.25, 0.75):
            px, py = box.x + int(box.width * fx), box.y + int(box.height * fy)
            if all(not (t.x - 3 <= px <= t.x + t.width + 3 and t.y - 3 <= py <= t.y + t.height + 3)
                   for t in taken):
                return px, py
    return None


def day_sheet(tap, pid, app_node, window, url, token, plan, artifacts):
    """Double-clicks day 3, removes one of its meals in the day sheet, and
    the calendar and (after Ctrl+R) the server follow."""
    date = datetime.date.fromisoformat(plan['start_date']) + datetime.timedelta(days=2)
    cell = poll(lambda: cell_for(window, date))
    if not tap.check(cell is not None, f'{date} is on show'):
        return
    x, y = window_origin(pid)
    # A double click on a chip opens its meal, on “+N more” the week: the
    # click goes where the cell shows neither. Where that is depends on how
    # many meals the day has and how tall the month's rows are, so on the
    # date: a fixed point once failed on one day and passed on the next.
    spot = free_spot(window, cell)
    if not tap.check(spot is not None, f'{date} has room outside its chips to click',
                     [n.name for n in buttons_in(window, extents(cell))]):
        return
    subprocess.run(['xdotool', 'mousemove', str(x + spot[0]), str(y + spot[1]),
                    'click', '--repeat', '2', '--delay', '80', '1'], check=True)
    title = f"{date.strftime('%A')} {date.day} {date.strftime('%B')} {date.year}"
    sheet = poll(lambda: find(app_node, 'frame', title))
    if not tap.check(sheet is not None, f'a double click on {date} opens its day sheet “{title}”'):
        return
    removes = poll(lambda: find_all_shown(sheet, lambda n: n.getRoleName() == 'push button'
                                          and n.name.startswith('Remove ')))
    on_day = [e for e in plan_by_id(url, token, plan['id'])['scheduled_meals']
              if e['day_of_plan'] == 3]
    tap.check(removes and len(removes) == len(on_day),
              f'the day sheet lists the day’s {len(on_day)} meals, each with a remove button',
              [n.name for n in removes or []])
    add = first_shown(sheet, lambda n: n.getRoleName() == 'push button'
                      and n.name.endswith('Add Meal'))
    tap.check(add is not None, 'the day sheet offers “Add Meal”')
    screenshot(artifacts, f'ui-plans{VARIANT}-day-sheet.png')
    if not removes:
        return
    name = removes[0].name[len('Remove '):]
    removes[0].queryAction().doAction(0)
    left = poll(lambda: len(find_all_shown(sheet, lambda n: n.getRoleName() == 'push button'
                                           and n.name.startswith('Remove ')))
                == len(on_day) - 1)
    tap.check(left, f'removing “{name}” leaves {len(on_day) - 1} meals in the sheet')
    tap.check(poll(lambda: f'{len(on_day) - 1} meals' in cell_for(window, date).name),
              f'the calendar’s {date} says {len(on_day) - 1} meals',
              cell_for(window, date).name)
    key('ctrl+r')

    def gone():
        schedule = plan_by_id(url, token, plan['id'])['scheduled_meals']
        names = [e['meal_detail']['name'] for e in schedule if e['day_of_plan'] == 3]
        return len(names) == len(on_day) - 1 and name not in names
    tap.check(poll(gone, timeout=30, interval=0.5),
              f'after Ctrl+R the server’s day 3 no longer has “{name}”')

    # “Add Meal” adds the meal the row shows (the first of the user's meals).
    def listed():
        names = []
        for n in find_all_shown(sheet, lambda n: n.getRoleName() == 'push button'
                                and n.name.startswith('Remove ')):
            try:
                names.append(n.name[len('Remove '):])
            except Exception:  # gone, or its answer timed out on a loaded machine
                pass
        return sorted(names)
    if add is not None:
        add.queryAction().doAction(0)
        added = poll(lambda: len(listed()) == len(on_day))
        tap.check(added, f'“Add Meal” brings the day back to {len(on_day)} meals', listed())
        key('ctrl+r')

        def on_server():
            schedule = plan_by_id(url, token, plan['id'])['scheduled_meals']
            return sorted(e['meal_detail']['name'] for e in schedule
                          if e['day_of_plan'] == 3) == listed()
        tap.check(poll(on_server, timeout=30, interval=0.5),
                  'after Ctrl+R the server’s day 3 has the meals the sheet lists')
    close = find_shown(sheet, 'push button', 'Close')
    if close is not None:
        close.queryAction().doAction(0)


def make_gone_template(url):
    """A staff template, made before the app starts so that its gallery
    lists it; returns its id."""
    status, body = http(url, 'POST', 'nutrition/meal-plans/', login(url, *STAFF),
                        {'name': GONE_TEMPLATE, 'description': 'Three days to try, then gone.',
                         'goal': 'MN', 'duration_days': 3, 'is_template': True})
    assert status == 201, f'POST a staff template: {status} {body}'
    return body['id']


def delete_plan(url, plan_id):
    """DELETE as staff: 204 and no body, which fcapp.http() cannot parse."""
    request = urllib.request.Request(f'{url}api/v1/nutrition/meal-plans/{plan_id}/',
                                     method='DELETE',
                                     headers={'Authorization': f'Bearer {login(url, *STAFF)}'})
    with urllib.request.urlopen(request, timeout=20) as response:
        assert response.status == 204, f'DELETE the staff template: {response.status}'


def template_card(window, name):
    cards = find_all(window, lambda n: n.name == name and n.getRoleName() not in
                     ('label', 'push button', 'list item') and
                     find(n, 'push button', 'Use This Template') is not None)
    return cards[0] if cards else None


def refused_copy(tap, pid, app_node, window, url, gone_id, artifacts, what, shot):
    """Using a template the server no longer has says why in a dialog that
    shows the whole sentence."""
    card = poll(lambda: template_card(window, GONE_TEMPLATE), timeout=20)
    if not tap.check(card is not None, f'{what}: the gallery lists “{GONE_TEMPLATE}” as a card '
                     'with its own “Use This Template”'):
        return
    find(card, 'push button', 'Use This Template').queryAction().doAction(0)

    def message():
        for node in find_all(app_node, lambda n: n.getRoleName() in ('dialog', 'frame', 'alert')
                             and n.name != 'FitCore'):
            labels = [n for n in find_all(node, lambda n: n.getRoleName() == 'label'
                                          and 'cannot be copied' in n.name)]
            if labels:
                return node, labels[0]
        return None
    found = poll(message, timeout=30)
    if not tap.check(found is not None, f'{what}: a refused copy opens a dialog that says why'):
        return
    dialog, label = found
    time.sleep(0.5)
    path = screenshot(artifacts, shot)
    box, outer = extents(label), extents(dialog)
    whole = (label.name.endswith('lets only its owner copy it') and box.x >= outer.x and
             box.x + box.width <= outer.x + outer.width and outer.width <= 1280)
    tap.check(whole, f'{what}: the dialog shows the whole message, inside its width (see {path})',
              f'{label.name!r}: label {box.x},{box.width} in dialog {outer.x},{outer.width}')
    close = find(dialog, 'push button', '_Close') or find(dialog, 'push button', 'Close')
    if close is not None:
        close.queryAction().doAction(0)
    else:
        key('Escape')
    poll(lambda: message() is None, timeout=10)


def template_gallery(tap, pid, app_node, window, url, gone_id, artifacts):
    """The gallery beside a short plan list: cards as tall as their
    content, one Tab stop each, a refused copy said whole at the default
    size and at 360 px."""
    status, body = http(url, 'GET', 'nutrition/meal-plans/templates/')
    names = [t['name'] for t in body.get('results', [])] if status == 200 else []
    cards = poll(lambda: (lambda c: c if len(c) == len(names) else None)(
        [template_card(window, n) for n in names if template_card(window, n) is not None]),
        timeout=20) or []
    tap.check(len(cards) == len(names) and names, f'the gallery shows the {len(names)} templates',
              names)

    def snug(card):
        button = extents(find(card, 'push button', 'Use This Template'))
        box = extents(card)
        return box.y + box.height - (button.y + button.height) <= 48 and box.height < 400
    loose = [(c.name, extents(c).height) for c in cards if not snug(c)]
    tap.check(cards and not loose, 'each template card is as tall as its content, its button '
              'near its bottom (no tall empty box)', loose)
    screenshot(artifacts, 'ui-plans-templates.png')

    # One Tab stop per card: the button, never a container around it.
    buttons = len(cards)
    stops = []
    if buttons:
        seen = 0
        for _ in range(60):
            stops += tab_until(window, lambda n: True, 1)
            if stops[-1] == ('push button', 'Use This Template'):
                seen += 1
                if seen == buttons:
                    break
        uses = [i for i, s in enumerate(stops) if s == ('push button', 'Use This Template')]
        between = [s for s in stops[uses[0]:uses[-1] + 1]
                   if s != ('push button', 'Use This Template')] if uses else []
        tap.check(len(uses) == buttons and not between,
                  f'Tab stops once on each of the {buttons} cards, on its button', stops)

    delete_plan(url, gone_id)
    refused_copy(tap, pid, app_node, window, url, gone_id, artifacts, 'at the default size',
                 'ui-plans-template-refused.png')
    resize(pid, 360, 720)
    refused_copy(tap, pid, app_node, window, url, gone_id, artifacts, 'at 360 px',
                 'ui-plans-template-refused-narrow.png')
    screenshot(artifacts, 'ui-plans-templates-narrow.png')
    resize(pid, 960, 640)


def use_template(tap, window, url, token, artifacts):
    # A template the server still has: the gallery may still show the one
    # template_gallery() deleted behind its back.
    status, body = http(url, 'GET', 'nutrition/meal-plans/templates/')
    names = [t['name'] for t in body.get('results', [])] if status == 200 else []
    card = poll(lambda: next((c for c in (template_card(window, n) for n in names)
                              if c is not None), None))
    button = card and find(card, 'push button', 'Use This Template')
    if not tap.check(button is not None, 'the gallery offers “Use This Template”'):
        return None
    button.queryAction().doAction(0)
    copy = poll(lambda: getattr(first_shown(window, lambda n: n.getRoleName() == 'label'
                                            and n.name.endswith(' (Copy)')), 'name', None),
                timeout=20)
    tap.check(copy is not None and copy[:-len(' (Copy)')] in names,
              'the copy of a template opens in the calendar', copy)
    status, body = http(url, 'GET', 'nutrition/meal-plans/?page_size=100', token)
    own = [p['name'] for p in body.get('results', [])] if status == 200 else []
    tap.check(copy in own, f'the server lists “{copy}” among the user’s plans', own)
    today = app_today()
    tap.check(poll(lambda: cell_for(window, today) is not None
                   and ', not in the plan' not in cell_for(window, today).name),
              'the copy starts today', cell_for(window, today) and cell_for(window, today).name)
    tap.check(poll(lambda: chips(window)), 'the copied plan’s meals show in the calendar')
    screenshot(artifacts, 'ui-plans-template-copy.png')
    return copy


def menu_item(app_node, name):
    return poll(lambda: next((n for n in find_all(app_node, lambda n: n.getRoleName() == 'menu item'
                                                  and n.name == name)), None))


def choose(pid, app_node, menu, name, mnemonic):
    """Opens a menu button's menu and picks an item by its mnemonic, as a
    keyboard user does: a popover is a surface of its own, so window
    coordinates from AT-SPI do not place the mouse on its items."""
    press(pid, menu)
    if menu_item(app_node, name) is None:
        # A press that landed while the list was still moving opens nothing:
        # one more, then the menu must be there.
        key('Escape')
        press(pid, menu)
        if menu_item(app_node, name) is None:
            key('Escape')
            return False
    time.sleep(0.3)
    key(mnemonic)
    return True


def frames(app_node):
    return [f'{n.getRoleName()}: {n.name}' for n in app_node if n is not None]


def press(pid, node):
    """Menu buttons and menu items expose no AT-SPI action in GTK 4.8."""
    try:
        node.queryAction().doAction(0)
    except Exception:
        click(pid, node)


def export_ics(tap, pid, app_node, window, url, token, plan_id, directory):
    """Plan menu → Export as iCalendar…: one VEVENT per scheduled meal."""
    menu = find_shown(window, 'push button', 'Plan Menu')
    if not tap.check(menu is not None, 'the calendar has a “Plan Menu”'):
        return
    if not tap.check(choose(pid, app_node, menu, 'Export as iCalendar…', 'x'),
                     'the menu offers “Export as iCalendar…”'):
        return
    chooser = poll(lambda: next((n for n in app_node if n is not None
                                 and n.name == 'Export Meal Plan'), None))
    if not tap.check(chooser is not None, 'a file chooser “Export Meal Plan” opens',
                     frames(app_node)):
        key('Escape')
        return
    path = os.path.join(directory, 'plan-export.ics')
    time.sleep(0.5)
    key('ctrl+a')
    type_text(path)
    key('Return')
    # The file, not the toast that says it is written (“Exported to
    # plan-export.ics”), which a loaded machine can take away before it is read.
    schedule = plan_by_id(url, token, plan_id)['scheduled_meals']

    def written():
        text = open(path, encoding='utf-8').read() if os.path.exists(path) else ''
        return text if text.rstrip().endswith('END:VCALENDAR') else None
    text = poll(written, timeout=30) or ''
    tap.check(os.path.exists(path), f'the chooser writes {os.path.basename(path)}')
    tap.check(text.startswith('BEGIN:VCALENDAR') and text.count('BEGIN:VEVENT') == len(schedule),
              f'the file holds one event per scheduled meal ({len(schedule)})',
              f'{text.count("BEGIN:VEVENT")} events')


def plan_action(pid, app_node, window, plan_name, action, mnemonic):
    menu = poll(lambda: find_shown(window, 'push button', f'Actions for {plan_name}'))
    return menu is not None and choose(pid, app_node, menu, action, mnemonic)


def cancel_and_delete(tap, pid, app_node, window, url, token, plan, copy_name):
    """Cancel moves a plan under Cancelled; Delete hides a plan at once,
    Undo brings it back, and only a toast that goes away deletes it."""
    back = find_shown(window, 'push button', 'All Plans')
    if back is not None:
        back.queryAction().doAction(0)
    tap.check(plan_action(pid, app_node, window, plan['name'], 'Cancel Plan', 'c'),
              f'“{plan["name"]}” has “Cancel Plan” in its menu')

    def below_cancelled():
        heading = find_shown(window, 'label', 'Cancelled')
        row = find_shown(window, 'list item', plan['name'])
        return heading is not None and row is not None and extents(row).y > extents(heading).y
    tap.check(poll(below_cancelled), 'the cancelled plan is listed under “Cancelled”')

    if not copy_name:
        return
    # Where the toasts come: above the list of plans.
    row = poll(lambda: find_shown(window, 'list item', copy_name))
    scopes = ancestors(row)[1:] if row is not None else [window]
    tap.check(plan_action(pid, app_node, window, copy_name, 'Delete', 'd'),
              f'“{copy_name}” has “Delete” in its menu')
    toast, undo = catch_toast(pid, scopes, lambda name: name.endswith('Undo'))
    tap.check(poll(lambda: find_shown(window, 'list item', copy_name) is None),
              'the deleted plan leaves the list at once')
    if tap.check(undo is not None, 'a toast offers “Undo”'):
        undo.queryAction().doAction(0)
    tap.check(poll(lambda: find_shown(window, 'list item', copy_name)),
              '“Undo” puts the plan back')

    row = poll(lambda: find_shown(window, 'list item', copy_name))
    scopes = ancestors(row)[1:] if row is not None else [window]
    plan_action(pid, app_node, window, copy_name, 'Delete', 'd')
    # Closed as a person would, without Undo: the plan is deleted once its
    # toast goes.
    toast, _ = catch_toast(pid, scopes, lambda name: name.endswith('Undo'))
    close = next((b for b in toast_buttons(toast) if not b.name.endswith('Undo')), None) \
        if toast is not None else None
    tap.check(close is not None, 'the toast can be closed without “Undo”')
    if close is not None:
        close.queryAction().doAction(0)

    def server_state():
        status, body = http(url, 'GET', 'nutrition/meal-plans/?page_size=100', token)
        plans = {p['name']: p for p in body.get('results', [])} if status == 200 else {}
        cancelled = plans.get(plan['name'], {}).get('is_active') is False
        return cancelled and copy_name not in plans
    status, body = http(url, 'GET', 'nutrition/meal-plans/?page_size=100', token)
    tap.check(poll(server_state, timeout=30, interval=0.5),
              'after the toast and a sync the server has the plan cancelled and the copy deleted',
              [(p['name'], p['is_active']) for p in body.get('results', [])]
              + [n.name for n in find_all_shown(window, lambda n: n.getRoleName() == 'label'
                                                and 'deleted' in n.name)])


def generate_offline(tap, app_node, window, artifacts):
    back = find_shown(window, 'push button', 'All Plans')
    if back is not None:
        back.queryAction().doAction(0)
    generate = poll(lambda: find_shown(window, 'push button', 'Generate…'))
    if generate is None:
        return
    generate.queryAction().doAction(0)
    dialog = poll(lambda: find(app_node, 'frame', 'Generate Meal Plan'))
    run = poll(lambda: generate_buttons(dialog)) if dialog else None
    if not run:
        tap.check(False, 'offline, the generate dialog opens')
        return
    run[0].queryAction().doAction(0)
    message = 'Generating a plan needs a connection to the server'
    tap.check(poll(lambda: find_shown(dialog, 'label', message), timeout=20),
              f'offline, the dialog says “{message}”')
    time.sleep(0.5)  # the message slides in
    screenshot(artifacts, 'ui-plans-generate-offline.png')


def new_plan(tap, pid, app_node, window, url, token, artifacts):
    """“New Plan” → the editor → Ctrl+S: listed at once, on the server
    after Ctrl+R."""
    name = 'Hand-made week'
    button = poll(lambda: find_shown(window, 'push button', 'New Plan'))
    if not tap.check(button is not None, 'the list offers “New Plan”'):
        return
    button.queryAction().doAction(0)
    editor = poll(lambda: find(app_node, 'frame', 'New Meal Plan'))
    entry = poll(lambda: find_shown(editor, 'text', 'Name')) if editor else None
    if not tap.check(entry is not None, '“New Plan” opens the editor with a “Name” field'):
        return
    click(pid, entry)
    type_text(name)
    screenshot(artifacts, 'ui-plans-editor.png')
    key('ctrl+s')
    tap.check(poll(lambda: find(app_node, 'frame', 'New Meal Plan') is None),
              'Ctrl+S saves and closes the editor')
    tap.check(poll(lambda: find_shown(window, 'list item', name)),
              f'“{name}” is listed at once')
    key('ctrl+r')

    def on_server():
        status, body = http(url, 'GET', 'nutrition/meal-plans/?page_size=100', token)
        return next((p for p in body.get('results', []) if p['name'] == name), None) \
            if status == 200 else None
    made = poll(on_server, timeout=30, interval=0.5)
    tap.check(made and made['duration_days'] == 7 and made['start_date'] and made['is_active'],
              f'after Ctrl+R the server has “{name}”: 7 days, a start date, active', made)


def week_view(tap, window, artifacts):
    week = find_shown(window, 'push button', 'Week')
    if week is None:
        week = first_shown(window, lambda n: n.name == 'Week')
    if not tap.check(week is not None, 'the calendar offers “Week”'):
        return
    week.queryAction().doAction(0)
    # The header names a range of dates, "22 Nov – 28 Nov 2026".
    tap.check(poll(lambda: find_all_shown(window, lambda n: n.getRoleName() == 'label'
                                          and ' – ' in n.name)),
              'the week view names its week in the header')
    time.sleep(0.5)
    screenshot(artifacts, 'ui-plans-week.png')
    month = first_shown(window, lambda n: n.name == 'Month')
    if month is not None:
        month.queryAction().doAction(0)


def shot_month(tap, pid, window, artifacts, name):
    tap.check(poll(lambda: chips(window)), f'{name}: the month view shows meal chips')
    time.sleep(0.5)
    screenshot(artifacts, name)


def run(tap, binary, server_binary, artifacts, tmp):
    env = app_env(tmp)
    server, url = start_server(server_binary, os.path.join(tmp, 'server'))
    app = None
    try:
        if not tap.check(url is not None, 'fitcore-server --demo says where it listens'):
            return
        token = login(url)
        ensure_profile(tap, url, token)
        before = {p['id'] for p in generated_plans(url, token)}
        gone_id = None if CALENDAR_ONLY else make_gone_template(url)

        app = start_app(binary, url, env)
        window = wait_window(tap, app, 'first start')
        if window is None or not sign_in(tap, app.pid, window):
            return
        generate = open_plans(tap, window)
        if generate is None:
            return
        screenshot(artifacts, 'ui-plans-list-before.png')
        generated, excluded = generate_plan(tap, app.pid, find_app(app.pid), window, generate,
                                            artifacts)
        if not generated:
            screenshot(artifacts, 'ui-plans-generate-failed.png')
            return
        new = [p for p in generated_plans(url, token) if p['id'] not in before]
        if not tap.check(len(new) == 1, 'the server has one new generated plan', new):
            return
        plan = plan_by_id(url, token, new[0]['id'])
        tap.check(plan['duration_days'] == DAYS and plan['is_ai_generated'],
                  f'it lasts {DAYS} days and is marked generated', plan)
        if excluded:
            tap.check(foods_of(plan) and excluded not in foods_of(plan),
                      f'none of its meals uses the excluded “{excluded}”', sorted(foods_of(plan)))

        tap.check(plan['start_date'] == app_today().isoformat(),
                  f'the plan starts on the app’s today, {app_today()}', plan['start_date'])

        title = poll(lambda: find_shown(window, 'label', plan['name']), timeout=20)
        tap.check(title is not None, f'the calendar opens on the new plan “{plan["name"]}”')
        check_calendar(tap, window, plan)
        today_button = find_shown(window, 'push button', 'Today')
        if today_button is not None:
            today_button.queryAction().doAction(0)
        shot_month(tap, app.pid, window, artifacts, f'ui-plans{VARIANT}-month.png')
        if CALENDAR_ONLY:
            # Another date: the calendar, a drag and the day sheet, no more.
            move_meal(tap, app.pid, window, url, token, plan)
            screenshot(artifacts, f'ui-plans{VARIANT}-month-moved.png')
            day_sheet(tap, app.pid, find_app(app.pid), window, url, token, plan, artifacts)
            return
        week_view(tap, window, artifacts)

        move_meal(tap, app.pid, window, url, token, plan)
        screenshot(artifacts, 'ui-plans-month-moved.png')

        back = find_shown(window, 'push button', 'All Plans')
        if back is not None:
            back.queryAction().doAction(0)
        row = poll(lambda: find_shown(window, 'list item', plan['name']))
        tap.check(row is not None, 'back in the list, the plan is listed under Active')
        screenshot(artifacts, 'ui-plans-list.png')
        new_plan(tap, app.pid, find_app(app.pid), window, url, token, artifacts)
        row = poll(lambda: find_shown(window, 'list item', plan['name']))
        if row is not None:
            click(app.pid, row)
        day_sheet(tap, app.pid, find_app(app.pid), window, url, token, plan, artifacts)

        resize(app.pid, 360, 720)
        shot_month(tap, app.pid, window, artifacts, 'ui-plans-month-narrow.png')
        back = find_shown(window, 'push button', 'All Plans')
        if back is not None:
            back.queryAction().doAction(0)
            time.sleep(0.5)
            screenshot(artifacts, 'ui-plans-list-narrow.png')
        resize(app.pid, 960, 640)
        template_gallery(tap, app.pid, find_app(app.pid), window, url, gone_id, artifacts)
        copy_name = use_template(tap, window, url, token, artifacts)
        status, body = http(url, 'GET', 'nutrition/meal-plans/?page_size=100', token)
        copy_id = next((p['id'] for p in body.get('results', []) if p['name'] == copy_name), None)
        if copy_id is not None:
            export_ics(tap, app.pid, find_app(app.pid), window, url, token, copy_id, tmp)
        cancel_and_delete(tap, app.pid, find_app(app.pid), window, url, token, plan, copy_name)
        screenshot(artifacts, 'ui-plans-list-cancelled.png')
        row = find_shown(window, 'list item', plan['name'])
        if row is not None:
            click(app.pid, row)

        # Dark: the same view in a new process with the dark style.
        key('ctrl+q')
        poll(lambda: app.poll() is not None, timeout=10)
        stop(app)
        dark_env = dict(env, ADW_DEBUG_COLOR_SCHEME='prefer-dark')
        app = start_app(binary, url, dark_env)
        window = wait_window(tap, app, 'dark start')
        if window is None:
            return
        key('ctrl+3')
        row = poll(lambda: find_shown(window, 'list item', plan['name']), timeout=20)
        screenshot(artifacts, 'ui-plans-list-dark.png')
        if tap.check(row is not None, 'the plan is listed after a restart'):
            click(app.pid, row)
            shot_month(tap, app.pid, window, artifacts, 'ui-plans-month-dark.png')
        stop(server)
        generate_offline(tap, find_app(app.pid), window, artifacts)
    finally:
        stop(app)
        stop(server)


if __name__ == '__main__':
    sys.exit(main(run, 'plans'))
