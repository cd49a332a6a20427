#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Admin ▸ Templates ▸ Edit against a real fitcore-server --demo, as the
# demo's staff account (admin@fitcore.local) uses it (AT-SPI to see,
# xdotool to click):
# - Edit on a demo template opens the plan editor the Nutrition section
#   uses for a person's plans (its calendar's days as table cells, each
#   day's sheet with its meals and Add Meal);
# - a double click on a day opens its sheet, Add Meal adds the meal the
#   sheet offers first, Save sends the template: the server's template
#   (GET admin/meal-plan-templates/{id}/ as staff) has exactly that meal
#   more on that day and every other day as it was, with one
#   meal_plan_template.update audit row;
# - the demo user copies the template (POST nutrition/meal-plans/{id}/copy/)
#   and the copy has the meal on that day;
# - New Template opens the same editor, empty;
# - screenshots of the editor, light and 360 px wide.
# Prints TAP.
#
#   test-admin-templates.py FITCORE_BINARY FITCORE_SERVER DEFAULT_ARTIFACTS_DIR

import os
import subprocess
import sys
import time

from fcapp import app_env, http, login, main, sign_in, start_app, start_server, wait_window
from fcatspi import (children, click, extents, find, find_all, find_all_shown, find_app,
                     find_shown, on_screen, poll, screenshot, stop, type_text)

STAFF_EMAIL = 'admin@fitcore.local'
STAFF_PASSWORD = 'fitcore-admin'
USER_EMAIL = 'demo@fitcore.local'
USER_PASSWORD = 'fitcore-demo'
TEMPLATE = 'Lean Cut \u2014 7 days'


def named(window, name, roles=None):
    return next((n for n in find_all(window, lambda n: n.name == name and
                                     (roles is None or n.getRoleName() in roles))
                 if on_screen(n)), None)


def button(root, name):
    """A shown push button named @name (GTK 4.8 may repeat a label that is
    also the accessible label, and reads a mnemonic as "_Save Save")."""
    return next((n for n in find_all(root, lambda n: n.getRoleName() == 'push button' and
                                     n.name in (name, f'{name} {name}', f'_{name} {name}'))
                 if on_screen(n)), None)


def button_starting(root, name):
    return next((n for n in find_all(root, lambda n: n.getRoleName() == 'push button' and
                                     n.name.startswith(name)) if on_screen(n)), None)


def frame(app_node, name):
    """The window titled @name; an editor window whose name AT-SPI has not
    caught up with is known by its Save and Days."""
    # GTK 4.8 may give a second window of the app the role "filler".
    frames = [n for n in children(app_node) if n.getRoleName() in ('frame', 'filler')]
    found = next((n for n in frames if n.name == name), None)
    if found is None and name in ('Edit Template', 'New Template'):
        found = next((n for n in frames if button(n, 'Save') is not None and
                      find_shown(n, 'spin button', 'Days') is not None), None)
    return found


def x_window(title):
    out = subprocess.run(['xdotool', 'search', '--onlyvisible', '--name', f'^{title}$'],
                         capture_output=True, text=True).stdout.split()
    return out[-1] if out else None


def origin_of(title):
    """The X origin of the window titled @title: AT-SPI extents are relative
    to their own window in GTK 4.8."""
    def geometry():
        wid = x_window(title)
        if wid is None:
            return None
        out = subprocess.run(['xdotool', 'getwindowgeometry', '--shell', wid],
                             capture_output=True, text=True).stdout
        values = dict(line.split('=', 1) for line in out.splitlines() if '=' in line)
        return (int(values['X']), int(values['Y'])) if 'X' in values else None
    return poll(geometry, timeout=15, interval=0.2)


def click_in(title, node, double=False):
    x, y = origin_of(title)
    box = extents(node)
    subprocess.run(['xdotool', 'mousemove', str(x + box.x + box.width // 2),
                    str(y + box.y + box.height // 2), 'click'] +
                   (['--repeat', '2', '--delay', '80'] if double else []) + ['1'], check=True)


def plan_cells(root):
    """The days of the plan on show, in their order on screen."""
    cells = find_all_shown(root, lambda n: n.getRoleName() == 'table cell' and
                           not n.name.endswith('not in the plan'))
    return sorted(cells, key=lambda n: (extents(n).y, extents(n).x))


def free_spot(root, cell):
    """A point of @cell at least 3 px from every button drawn over it."""
    box = extents(cell)
    taken = [extents(n) for n in find_all_shown(root, lambda n: n.getRoleName() == 'push button')]
    taken = [t for t in taken if t.x < box.x + box.width and box.x < t.x + t.width and
             t.y < box.y + box.height and box.y < t.y + t.height]
    for fy in (0.95, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2):
        for fx in (0.5, 0.25, 0.75):
            px, py = box.x + int(box.width * fx), box.y + int(box.height * fy)
            if all(not (t.x - 3 <= px <= t.x + t.width + 3 and t.y - 3 <= py <= t.y + t.height + 3)
                   for t in taken):
                return px, py
    return None


def template_detail(url, staff, template_id):
    status, body = http(url, 'GET', f'admin/meal-plan-templates/{template_id}/', staff)
    return body if status == 200 and isinstance(body, dict) else None


def day_meals(detail, day):
    return sorted(e['meal'] for e in detail['scheduled_meals'] if e['day_of_plan'] == day)


def removes(sheet):
    names = []
    for n in find_all_shown(sheet, lambda n: n.getRoleName() == 'push button' and
                            n.name.startswith('Remove ')):
        try:
            names.append(n.name[len('Remove '):])
        except Exception:  # gone meanwhile
            pass
    return sorted(names)


def open_templates(tap, pid, window):
    sidebar = poll(lambda: find(window, 'list', 'Sections'), timeout=30)
    row = poll(lambda: find_shown(sidebar, 'list item', 'Admin'), timeout=30) if sidebar else None
    if not tap.check(row is not None, 'as staff, the sidebar offers “Admin”'):
        return False
    click(pid, row)
    # AdwViewSwitcher's button has no name in libadwaita 1.2: its label does.
    switch = poll(lambda: named(window, 'Templates', ('label',)), timeout=30)
    if not tap.check(switch is not None, 'the Admin section offers “Templates”'):
        return False
    click(pid, switch)
    return tap.check(poll(lambda: button_starting(window, f'Edit {TEMPLATE}'), timeout=30)
                     is not None, f'Templates lists “{TEMPLATE}” with Edit')


def edit_template(tap, pid, app_node, window, url, staff, user, template_id, artifacts):
    before = template_detail(url, staff, template_id)
    if not tap.check(before is not None and before['meals'],
                     'GET admin/meal-plan-templates/{id}/ lists the template’s meals', before):
        return
    first = before['meals'][0]
    days = before['duration_days']
    # The sheet offers the template's meals in the server's order, the first
    # selected: a day that does not have it yet takes it.
    day = next((d for d in range(1, days + 1) if first['id'] not in day_meals(before, d)), None)
    if not tap.check(day is not None, f'a day of {days} lacks “{first["name"]}”'):
        return

    click(pid, button_starting(window, f'Edit {TEMPLATE}'))
    editor = poll(lambda: frame(app_node, 'Edit Template'), timeout=30)
    if not tap.check(editor is not None, 'Edit opens the “Edit Template” window'):
        return
    cells = poll(lambda: (lambda c: c if len(c) == days else None)(plan_cells(editor)), timeout=30)
    if not tap.check(cells is not None,
                     f'the editor’s calendar shows the {days} days of the plan',
                     [n.name for n in plan_cells(editor)]):
        return
    chips = find_all_shown(editor, lambda n: n.getRoleName() == 'push button' and ': ' in n.name)
    tap.check(len(chips) == len(before['scheduled_meals']),
              f'the week shows the template’s {len(before["scheduled_meals"])} meals as chips',
              len(chips))
    time.sleep(0.5)
    screenshot(artifacts, 'ui-admin-template-editor.png')

    cell = cells[day - 1]
    spot = free_spot(editor, cell)
    if not tap.check(spot is not None, f'day {day} has room outside its meals to click'):
        return
    x, y = origin_of('Edit Template')
    subprocess.run(['xdotool', 'mousemove', str(x + spot[0]), str(y + spot[1]),
                    'click', '--repeat', '2', '--delay', '80', '1'], check=True)
    sheet = poll(lambda: next((f for f in find_all(app_node, lambda n: n.getRoleName() == 'frame')
                               if button_starting(f, 'Add Meal') or button(f, 'Add Meal')), None),
                 timeout=30)
    if not tap.check(sheet is not None, f'a double click on day {day} opens its sheet'):
        return
    listed = removes(sheet)
    tap.check(len(listed) == len(day_meals(before, day)),
              f'the sheet lists the day’s {len(day_meals(before, day))} meals', listed)
    add = poll(lambda: next((n for n in find_all_shown(sheet, lambda n: n.getRoleName() ==
                                                       'push button' and
                                                       n.name.endswith('Add Meal'))), None))
    add.queryAction().doAction(0)
    grown = poll(lambda: len(removes(sheet)) == len(listed) + 1, timeout=20)
    tap.check(grown and first['name'] in removes(sheet),
              f'Add Meal puts “{first["name"]}” on day {day}', removes(sheet))
    close = find_shown(sheet, 'push button', 'Close')
    if close is not None:
        close.queryAction().doAction(0)
    poll(lambda: frame(app_node, sheet.name) is None, timeout=10)
    # Nothing reaches the server before Save.
    tap.check(day_meals(template_detail(url, staff, template_id), day) == day_meals(before, day),
              'before Save the server’s template is as it was')

    save = poll(lambda: button(editor, 'Save'), timeout=10)
    if not tap.check(save is not None, 'the editor offers “Save”'):
        return
    save.queryAction().doAction(0)
    tap.check(poll(lambda: frame(app_node, 'Edit Template') is None, timeout=30),
              'Save closes the editor')

    def saved():
        detail = template_detail(url, staff, template_id)
        return detail is not None and day_meals(detail, day) != day_meals(before, day)
    poll(saved, timeout=30, interval=0.3)
    after = template_detail(url, staff, template_id)
    expected = sorted(day_meals(before, day) + [first['id']])
    tap.check(after is not None and day_meals(after, day) == expected,
              f'the server’s template has exactly “{first["name"]}” more on day {day}',
              after and day_meals(after, day))
    tap.check(after is not None and all(day_meals(after, d) == day_meals(before, d)
                                        for d in range(1, days + 1) if d != day),
              'every other day is as it was')
    status, audit = http(url, 'GET', 'admin/audit/?object_type=meal_plan_template', staff)
    rows = [e for e in audit.get('results', []) if e['action'] == 'meal_plan_template.update'] \
        if status == 200 else None
    tap.check(rows is not None and len(rows) == 1 and 'scheduled_meals' in rows[0]['after'],
              'one meal_plan_template.update audit row records the schedule', rows)

    status, copy = http(url, 'POST', f'nutrition/meal-plans/{template_id}/copy/', user, {})
    names = sorted(e['meal_detail']['name'] for e in copy.get('scheduled_meals', [])
                   if e['day_of_plan'] == day) if status == 201 else None
    tap.check(names is not None and first['name'] in names and
              len(names) == len(day_meals(before, day)) + 1,
              f'the demo user’s copy has “{first["name"]}” on day {day}', (status, names))


def new_template(tap, pid, app_node, window, url, staff):
    click(pid, button_starting(window, 'New Template'))
    editor = poll(lambda: frame(app_node, 'New Template'), timeout=30)
    if not tap.check(editor is not None, 'New Template opens the same editor',
                     [(n.getRoleName(), n.name) for n in children(app_node)]):
        return
    cells = poll(lambda: (lambda c: c if len(c) == 7 else None)(plan_cells(editor)), timeout=30)
    tap.check(cells is not None and all(', 0 meals' in n.name for n in cells),
              'a new template has 7 empty days', [n.name for n in cells or []])
    # A name typed and never saved: Cancel asks before it is lost.
    name = poll(lambda: next((n for n in find_all_shown(editor, lambda n: n.name == 'Name' and
                                                        n.getRoleName() == 'text')), None))
    if name is not None:
        click_in('New Template', name)
        time.sleep(0.3)
        type_text('Draft Week')
    cancel = button(editor, 'Cancel')
    if cancel is not None:
        cancel.queryAction().doAction(0)
    question = poll(lambda: next((n for n in find_all(app_node, lambda n: n.getRoleName() ==
                                                      'dialog' and n.name == 'Discard Changes?')),
                                 None), timeout=20)
    if tap.check(question is not None, 'Cancel after typing a name asks “Discard Changes?”'):
        discard = poll(lambda: button(question, 'Discard'), timeout=10)
        discard.queryAction().doAction(0)
    tap.check(poll(lambda: frame(app_node, 'New Template') is None, timeout=20),
              'Discard closes the editor')
    status, page = http(url, 'GET', 'admin/meal-plan-templates/?search=Draft', staff)
    tap.check(status == 200 and page['count'] == 0, 'the server has no “Draft Week”', page)


def narrow_shot(tap, pid, app_node, window, artifacts):
    click(pid, button_starting(window, f'Edit {TEMPLATE}'))
    editor = poll(lambda: frame(app_node, 'Edit Template'), timeout=30)
    if not tap.check(editor is not None, 'Edit opens the editor again'):
        return
    poll(lambda: len(plan_cells(editor)) > 0, timeout=30)
    wid = poll(lambda: x_window('Edit Template'), timeout=15)
    subprocess.run(['xdotool', 'windowsize', wid, '360', '720'], check=True)

    def fits():
        name = find_shown(editor, 'text', 'Name') or next(
            (n for n in find_all_shown(editor, lambda n: n.name == 'Name' and
                                       n.getRoleName() != 'label')), None)
        box = extents(name) if name is not None else None
        return box is not None and box.width > 0 and box.x + box.width <= 360
    tap.check(poll(fits, timeout=15), 'at 360 px the editor’s Name fits the window')
    time.sleep(1.0)
    screenshot(artifacts, 'ui-admin-template-editor-narrow.png')


def run(tap, binary, server_binary, artifacts, tmp):
    data_dir = os.path.join(tmp, 'server')
    os.makedirs(data_dir)
    server, url = start_server(server_binary, data_dir)
    app = None
    try:
        staff = login(url, STAFF_EMAIL, STAFF_PASSWORD)
        user = login(url, USER_EMAIL, USER_PASSWORD)
        if not tap.check(staff is not None and user is not None, 'the demo accounts sign in'):
            return
        status, page = http(url, 'GET', 'admin/meal-plan-templates/?search=Lean', staff)
        found = [t for t in page.get('results', []) if t['name'] == TEMPLATE] \
            if status == 200 else []
        if not tap.check(len(found) == 1, f'the server has the template “{TEMPLATE}”', page):
            return
        env = app_env(tmp)
        app = start_app(binary, url, env)
        window = wait_window(tap, app, 'first start')
        if window is None or not sign_in(tap, app.pid, window, STAFF_EMAIL, STAFF_PASSWORD):
            return
        app_node = poll(lambda: find_app(app.pid), timeout=30)
        if not open_templates(tap, app.pid, window):
            return
        edit_template(tap, app.pid, app_node, window, url, staff, user, found[0]['id'], artifacts)
        new_template(tap, app.pid, app_node, window, url, staff)
        narrow_shot(tap, app.pid, app_node, window, artifacts)
    finally:
        stop(app)
        stop(server)


if __name__ == '__main__':
    sys.exit(main(run, 'admin-templates'))
