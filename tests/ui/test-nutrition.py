#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The Nutrition section against a real fitcore-server --demo, as a person
# uses it (AT-SPI to see, xdotool to click and type): signs in as the demo
# user, searches the foods and checks the rows are the demo foods that
# match, builds a meal of two foods with servings and checks the live total
# is the sum of the demo foods' values, saves, syncs with Ctrl+R and checks
# over HTTP that the server has the meal with those items and servings.
# Then copies, deletes (and undoes), edits the meal; makes a food; saves a
# meal just after the server went away (the toast says it will sync when
# online, the row waits, and it syncs once the server is back); builds a
# meal with the server stopped and sees it reach the server once it is
# back; edits a public food as staff; and takes screenshots (Foods, the
# editors, a 360 px window, dark mode). Prints TAP.
#
#   test-nutrition.py FITCORE_BINARY FITCORE_SERVER DEFAULT_ARTIFACTS_DIR
#
# Run through tests/run: it provides the display, the D-Bus session (the
# AT-SPI bus) and an unlocked gnome-keyring.

import csv
import os
import re
import subprocess
import sys
import time

import pyatspi

from fcapp import app_env, http, login, main, sign_in, start_app, start_server, wait_window
from fcatspi import (ancestors, catch_toast, click, extents, find, find_all, find_all_shown,
                     find_app, find_shown, hover, key, on_screen, poll, resize, screenshot,
                     scroll_into_view, shown_named, _small_subtree, stop, _toast_in, type_into,
                     type_text, window_origin)

DEMO_FOODS = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'src', 'server',
                          'nutrition', 'demo-foods.tsv')
SEARCH = 'yogurt'
MEAL_NAME = 'Test Lunch'
OFFLINE_MEAL = 'Offline Snack'
GONE_MEAL = 'Unsent Dinner'
WILL_SYNC = 'Saved — will sync when online'
STAFF_EMAIL = 'admin@fitcore.local'
STAFF_PASSWORD = 'fitcore-admin'
NEW_FOOD = {'name': 'Test Granola', 'calories': '450', 'protein': '10', 'carbohydrates': '60',
            'fat': '18', 'fiber': '7.5'}
# (what is typed in the food search, the food it finds, servings typed)
MEAL_FOODS = [('banana', 'Banana', '2'), ('greek yogurt nonfat', 'Greek Yogurt, Nonfat', '1.5')]


def demo_foods():
    with open(DEMO_FOODS, newline='') as f:
        return {row['name']: row for row in csv.DictReader(f, delimiter='\t')}


def fts_matches(food, query):
    """What the store's FTS5 search finds: every word typed is a prefix of a
    word of the name or the description."""
    words = re.findall(r'\w+', (food['name'] + ' ' + food['description']).lower())
    return all(any(w.startswith(term) for w in words) for term in re.findall(r'\w+', query.lower()))


def server_get(url, path):
    """GET api/v1/PATH as the demo user, over HTTP."""
    status, body = http(url, 'GET', path, token=login(url))
    assert status == 200, f'GET {path}: {status} {body}'
    return body


def server_meal(url, name):
    page = server_get(url, 'nutrition/meals/?page_size=100')
    for meal in page.get('results', page if isinstance(page, list) else []):
        if meal.get('name') == name:
            return meal
    return None


def labels_in(node):
    return [n.name for n in find_all_shown(node, lambda n: n.getRoleName() == 'label')]


def open_nutrition(tap, pid, window):
    sidebar = find(window, 'list', 'Sections')
    row = poll(lambda: find_shown(sidebar, 'list item', 'Nutrition'), timeout=20)
    if not tap.check(row is not None, 'the sidebar offers “Nutrition”'):
        return False
    click(pid, row)
    tabs = poll(lambda: shown_named(window, 'Foods', ('page tab', 'push button', 'toggle button',
                                                      'radio button')))
    return tap.check(tabs is not None, 'Nutrition shows the “Plans”, “Meals” and “Foods” views')


def open_view(pid, window, name):
    tab = poll(lambda: shown_named(window, name, ('page tab', 'push button', 'toggle button',
                                                  'radio button')))
    if tab is not None:
        click(pid, tab)
    return tab


def search_foods(tap, pid, window, foods, artifacts):
    if open_view(pid, window, 'Foods') is None:
        tap.check(False, 'the “Foods” view opens')
        return
    # The foods arrive with the first sync, listed by name.
    food_list = poll(lambda: find(window, 'list', 'Foods'))
    first = min(foods, key=str.lower)
    tap.check(poll(lambda: labels_in(food_list)[:1] == [first], timeout=30),
              f'the Foods view lists the demo foods by name from the store, “{first}” first',
              food_list and labels_in(food_list)[:4])
    key('ctrl+f')
    entry = poll(lambda: find_shown(window, 'entry', 'Search Foods'))
    tap.check(entry is not None and entry.getState().contains(__import__('pyatspi').STATE_FOCUSED),
              'Ctrl+F focuses “Search Foods”')
    type_text(SEARCH)
    expected = sorted(name for name, food in foods.items() if fts_matches(food, SEARCH))

    def names():
        shown = labels_in(food_list)
        return sorted(n for n in shown if n in foods)

    got = poll(lambda: names() == expected and names(), timeout=10)
    tap.check(got, f'searching “{SEARCH}” lists exactly the {len(expected)} demo foods that match',
              f'expected {expected}\ngot {names()}')

    # The detail of one of them: nutrition per serving, from the demo data.
    name = 'Greek Yogurt, Nonfat'
    row = shown_named(food_list, name, ('label',))
    if row is not None:
        click(pid, row)
    food = foods[name]
    wanted = {'Calories': f"{float(food['calories']):.0f} kcal",
              'Protein': f"{float(food['protein']):.1f} g",
              'Sodium': f"{float(food['sodium']):.0f} mg"}
    for title, value in wanted.items():
        tap.check(poll(lambda: row_value(window, title) == value),
                  f'the detail of “{name}” shows {title} {value} per serving',
                  row_value(window, title))
    tap.check(not edit_buttons(window), 'a public food has no “Edit” for a user who is not staff')
    screenshot(artifacts, 'ui-nutrition-foods.png')

    key('ctrl+f')
    tap.check(poll(lambda: entry.getState().contains(__import__('pyatspi').STATE_FOCUSED)),
              'Ctrl+F takes the focus back to the search from the detail')
    key('ctrl+a')
    type_text('zzzzqqq')
    tap.check(poll(lambda: shown_named(window, 'No Foods Found', ('label',))),
              'a search that finds nothing shows “No Foods Found”')
    screenshot(artifacts, 'ui-nutrition-foods-empty.png')
    key('ctrl+a')
    key('BackSpace')


def edit_buttons(window):
    return find_all_shown(window, lambda n: n.getRoleName() == 'push button' and
                          n.name.startswith(('Edit…', '_Edit…')))


def staff_edits_public_food(tap, binary, url, tmp, foods):
    """Staff see the public foods as editable; their change reaches the server."""
    # Another name for the same server, so that the keyring's demo session
    # for the first one is not restored.
    app = start_app(binary, url.replace('127.0.0.1', 'localhost'),
                    app_env(os.path.join(tmp, 'staff')))
    try:
        window = wait_window(tap, app, 'staff start')
        if window is None or not sign_in(tap, app.pid, window, STAFF_EMAIL, STAFF_PASSWORD):
            return
        if not open_nutrition(tap, app.pid, window) or open_view(app.pid, window, 'Foods') is None:
            return
        food_list = poll(lambda: find(window, 'list', 'Foods'))
        poll(lambda: labels_in(food_list), timeout=30)
        key('ctrl+f')
        type_text('apricot raw')
        # The list can still be filtering when the row is first found: a
        # click then lands where the row was (a loaded run), so the row is
        # clicked again until the detail offers Edit.
        def open_apricot():
            buttons = edit_buttons(window)
            if not buttons:
                row = shown_named(food_list, 'Apricot', ('label',))
                if row is not None:
                    click(app.pid, row)
            return buttons
        edit = poll(open_apricot, timeout=30, interval=1.0)
        if not tap.check(edit, 'staff can edit the public food “Apricot”'):
            return
        edit[0].queryAction().doAction(0)
        editor = poll(lambda: find(find_app(app.pid), 'frame', 'Edit Food'))
        tap.check(editor is not None and poll(lambda: find_shown(editor, 'check box', 'Public')),
                  'the staff food form opens with a “Public” switch')
        if editor is None:
            return
        sugar = poll(lambda: find_shown(editor, 'text', 'Sugar (g)'))
        scroll_into_view(app.pid, sugar, editor)
        click(app.pid, sugar)
        key('ctrl+a')
        type_text('3.5')
        key('ctrl+s')
        tap.check(poll(lambda: find(find_app(app.pid), 'frame', 'Edit Food') is None),
                  'Ctrl+S saves the staff edit')

        def sugar_on_server():
            status, body = http(url, 'GET', 'nutrition/foods/?search=apricot',
                                token=login(url, STAFF_EMAIL, STAFF_PASSWORD))
            found = [f for f in body.get('results', []) if f['name'] == 'Apricot']
            return (found and found[0].get('sugar') == 3.5 and found[0].get('is_public') is True
                    and found[0])

        apricot = foods['Apricot']
        tap.check(poll(sugar_on_server, timeout=30),
                  f'the server has Apricot’s sugar 3.5 g (was {apricot["sugar"]} g), '
                  'still public', sugar_on_server())
    finally:
        stop(app)


def text_of(node):
    text = node.queryText()  # GTK 4.8 answers '' to getText(0, -1)
    return text.getText(0, text.characterCount)


def set_spin(pid, root, name, text, tries=3):
    """Types text into the spin button named name and leaves it with Tab;
    true once the spin button's value reads it (typing is tried again if
    the keys were lost on a loaded machine)."""
    for _ in range(tries):
        spin = poll(lambda: find_shown(root, 'spin button', name))
        if spin is None:
            return False
        if type_into(pid, spin, text):
            key('Tab')
        if poll(lambda: abs(spin.queryValue().currentValue - float(text)) < 1e-9, timeout=10):
            return True
    return False


def create_food(tap, pid, app_node, window, url, artifacts):
    """A food of the user's own, made in the form: refused without a name,
    then saved, found by the search, shown, and on the server after a sync."""
    key('ctrl+n')
    editor = poll(lambda: find(app_node, 'frame', 'New Food'))
    if not tap.check(editor is not None, 'Ctrl+N in Foods opens “New Food”'):
        return
    key('ctrl+s')
    # What lasts, not the toast (“Enter the food’s name”) that a loaded
    # machine can take away before it is read: the form stays open, with the
    # focus on the name.
    # The focus is proven by where typing goes (AT-SPI's focused state of
    # an entry row's text is not reliable in GTK 4.8).
    said = poll(lambda: shown_named(editor, 'Enter the food’s name', ('label',)), timeout=5)
    time.sleep(2)
    type_text(NEW_FOOD['name'])
    name = poll(lambda: find_shown(editor, 'text', 'Name'))
    typed = name is not None and poll(lambda: text_of(name) == NEW_FOOD['name'], timeout=10)
    tap.check(find(app_node, 'frame', 'New Food') is not None and typed,
              'saving without a name keeps the form open, the focus on “Name”',
              f'toast seen: {said is not None}; Name reads {text_of(name) if name else None!r}')
    if not typed:
        type_into(pid, name, NEW_FOOD['name'])
    for title, value in (('Calories (kcal)', 'calories'), ('Protein (g)', 'protein'),
                         ('Carbohydrates (g)', 'carbohydrates'), ('Fat (g)', 'fat')):
        tap.check(set_spin(pid, editor, title, NEW_FOOD[value]),
                  f'the form has a field named “{title}”',
                  [(n.getRoleName(), n.name) for n in find_all(editor, lambda n: title in n.name)])
    fiber = poll(lambda: find_shown(editor, 'text', 'Fiber (g)'))
    scroll_into_view(pid, fiber, editor)
    click(pid, fiber)
    type_text(NEW_FOOD['fiber'])
    screenshot(artifacts, 'ui-nutrition-food-editor.png')
    key('ctrl+s')
    if not tap.check(poll(lambda: find(app_node, 'frame', 'New Food') is None),
                     'Ctrl+S saves the food and closes the form'):
        return

    # Without a window manager the closed form leaves no window focused.
    click(pid, poll(lambda: find_shown(window, 'entry', 'Search Foods')))
    key('ctrl+a')
    type_text('granola')
    food_list = find(window, 'list', 'Foods')
    row = poll(lambda: shown_named(food_list, NEW_FOOD['name'], ('label',)))
    tap.check(row is not None, f'the search finds the new food “{NEW_FOOD["name"]}” at once')
    if row is not None:
        click(pid, row)
    for title, value in (('Calories', f"{NEW_FOOD['calories']} kcal"),
                         ('Fiber', f"{NEW_FOOD['fiber']} g")):
        tap.check(poll(lambda: row_value(window, title) == value),
                  f'its detail shows {title} {value}', row_value(window, title))
    tap.check(poll(lambda: edit_buttons(window)), 'the user’s own food can be edited')
    key('ctrl+r')

    def on_server():
        found = server_get(url, 'nutrition/foods/?search=Granola').get('results', [])
        return [f for f in found if f.get('name') == NEW_FOOD['name']]

    food = poll(on_server, timeout=30)
    tap.check(food and food[0].get('calories') == float(NEW_FOOD['calories']) and
              food[0].get('fiber') == float(NEW_FOOD['fiber']) and
              food[0].get('sodium') is None,
              'after Ctrl+R the server has the food, fiber given and sodium left unknown', food)
    key('ctrl+f')
    key('ctrl+a')
    key('BackSpace')


def copy_meal(tap, pid, app_node, window, wanted):
    """“New Meal from” a meal starts an editor with its foods and servings;
    Escape closes it without saving."""
    copy = poll(lambda: find_shown(window, 'push button', f'New Meal from {MEAL_NAME}'))
    if not tap.check(copy is not None, f'“{MEAL_NAME}” offers “New Meal from”'):
        return
    copy.queryAction().doAction(0)
    editor = poll(lambda: find(app_node, 'frame', 'New Meal'))
    tap.check(editor is not None and
              poll(lambda: row_value(editor, 'Calories') == wanted['Calories']),
              f'the copy starts as a new meal with the same foods ({wanted["Calories"]})',
              editor and row_value(editor, 'Calories'))
    key('Escape')
    tap.check(poll(lambda: find(app_node, 'frame', 'New Meal') is None),
              'Escape closes the meal editor')
    time.sleep(1)
    names = [n.name for n in find_all(find(window, 'list', 'My Meals'),
                                      lambda n: n.getRoleName() == 'list item')]
    tap.check(names.count(MEAL_NAME) == 1, 'closing it with Escape saved nothing', names)


def edit_meal(tap, pid, app_node, window, url, foods):
    """Editing a saved meal changes its servings on the server (a PATCH
    that replaces its items)."""
    edit = poll(lambda: find_shown(window, 'push button', f'Edit {MEAL_NAME}'))
    if not tap.check(edit is not None, f'“{MEAL_NAME}” has an “Edit” button'):
        return
    edit.queryAction().doAction(0)
    editor = poll(lambda: find(app_node, 'frame', 'Edit Meal'))
    food_name = MEAL_FOODS[0][1]
    if not tap.check(editor is not None and set_spin(pid, editor, f'Servings of {food_name}', '3'),
                     f'“Edit” opens the meal with “Servings of {food_name}”'):
        return
    calories = float(foods[food_name]['calories']) * 3
    for _, other, servings in MEAL_FOODS[1:]:
        calories += float(foods[other]['calories']) * float(servings)
    tap.check(poll(lambda: row_value(editor, 'Calories') == f'{calories:.0f} kcal'),
              f'3 servings of {food_name} make {calories:.0f} kcal', row_value(editor, 'Calories'))
    template = poll(lambda: find_shown(editor, 'check box', 'Template'))
    if tap.check(template is not None, 'the meal editor has a “Template” switch'):
        def checked():
            return template.getState().contains(pyatspi.STATE_CHECKED)
        click(pid, template)
        # A click that lands while the editor is still being mapped is lost
        # under Xvfb; the switch's own action is the second try.
        if not poll(checked, timeout=5):
            template.queryAction().doAction(0)
        tap.check(poll(checked), '“Template” is switched on')
    key('ctrl+s')
    tap.check(poll(lambda: find(app_node, 'frame', 'Edit Meal') is None), 'Ctrl+S saves the edit')

    def servings():
        meal = server_meal(url, MEAL_NAME)
        items = {i['food_detail']['name']: i['number_of_servings'] for i in meal['meal_items']}
        return items.get(food_name) == 3.0 and items

    tap.check(poll(servings, timeout=30), f'the server has 3 servings of {food_name}',
              server_meal(url, MEAL_NAME))
    tap.check(poll(lambda: server_meal(url, MEAL_NAME).get('is_template') is True, timeout=30),
              'the server has it as a template', server_meal(url, MEAL_NAME))
    templates = find(window, 'list', 'Templates')
    tap.check(templates is not None and
              poll(lambda: shown_named(templates, MEAL_NAME, ('list item',))),
              f'“{MEAL_NAME}” moves to “Templates”')


def row_value(root, title):
    """The value an AdwActionRow titled title shows at its end."""
    for row in find_all(root, lambda n: n.getRoleName() == 'list item' and n.name == title):
        if not on_screen(row):
            continue
        values = [n for n in labels_in(row) if n != title]
        if values:
            return values[-1]
    return None


def build_meal(tap, pid, app_node, window, foods, artifacts):
    if open_view(pid, window, 'Meals') is None:
        tap.check(False, 'the “Meals” view opens')
        return None
    time.sleep(0.5)
    key('ctrl+n')
    editor = poll(lambda: find(app_node, 'frame', 'New Meal'))
    if not tap.check(editor is not None, 'Ctrl+N in Meals opens “New Meal”'):
        return None
    name = poll(lambda: find_shown(editor, 'text', 'Name'))
    click(pid, name)
    type_text(MEAL_NAME)

    for query, food_name, servings in MEAL_FOODS:
        key('ctrl+f')
        search = poll(lambda: find_shown(editor, 'entry', 'Search Foods to Add'))
        if not tap.check(search is not None, 'Ctrl+F in the editor opens the food search'):
            return None
        type_text(query)
        popover_list = find(editor, 'list', 'Foods to Add')
        tap.check(poll(lambda: labels_in(popover_list)[:1] == [food_name]),
                  f'searching “{query}” offers “{food_name}” first', labels_in(popover_list))
        if food_name == MEAL_FOODS[0][1]:
            screenshot(artifacts, 'ui-nutrition-meal-editor-search.png')
        key('Return')
        spin = poll(lambda: find_shown(editor, 'spin button', f'Servings of {food_name}'))
        if not tap.check(spin is not None, f'Enter adds “{food_name}” with a servings field'):
            return None
        tap.check(set_spin(pid, editor, f'Servings of {food_name}', servings),
                  f'{servings} servings of “{food_name}” typed')

    # The sums, in the order the app adds them.
    def total(member):
        value = 0.0
        for _, food_name, servings in MEAL_FOODS:
            value += float(foods[food_name][member]) * float(servings)
        return value

    wanted = {'Calories': f"{total('calories'):.0f} kcal", 'Protein': f"{total('protein'):.1f} g",
              'Carbohydrates': f"{total('carbohydrates'):.1f} g", 'Fat': f"{total('fat'):.1f} g",
              'Fiber': f"{total('fiber'):.1f} g", 'Sugar': f"{total('sugar'):.1f} g",
              'Sodium': f"{total('sodium'):.0f} mg"}
    for title, value in wanted.items():
        tap.check(poll(lambda: row_value(editor, title) == value),
                  f'the live total shows {title} {value}, the sum of the demo foods × servings',
                  row_value(editor, title))
    screenshot(artifacts, 'ui-nutrition-meal-editor.png')

    # Removing a food takes it out of the totals at once.
    remove = poll(lambda: find_shown(editor, 'push button', f'Remove {MEAL_FOODS[1][1]}'))
    if remove is not None:
        remove.queryAction().doAction(0)
        alone = float(foods[MEAL_FOODS[0][1]]['calories']) * float(MEAL_FOODS[0][2])
        tap.check(poll(lambda: row_value(editor, 'Calories') == f'{alone:.0f} kcal'),
                  f'removing “{MEAL_FOODS[1][1]}” leaves {alone:.0f} kcal',
                  row_value(editor, 'Calories'))
        query, food_name, servings = MEAL_FOODS[1]
        key('ctrl+f')
        poll(lambda: find_shown(editor, 'entry', 'Search Foods to Add'))
        type_text(query)
        poll(lambda: labels_in(find(editor, 'list', 'Foods to Add'))[:1] == [food_name])
        key('Return')
        set_spin(pid, editor, f'Servings of {food_name}', servings)
        tap.check(poll(lambda: row_value(editor, 'Calories') == wanted['Calories']),
                  f'adding it again brings back {wanted["Calories"]}')

    key('ctrl+s')
    tap.check(poll(lambda: find(app_node, 'frame', 'New Meal') is None),
              'Ctrl+S saves the meal and closes the editor')
    return wanted


def check_server(tap, pid, window, url, foods):
    own = poll(lambda: find(window, 'list', 'My Meals'))
    tap.check(own is not None and poll(lambda: shown_named(own, MEAL_NAME, ('list item',))),
              f'“My Meals” lists “{MEAL_NAME}” at once, before any sync')
    key('ctrl+r')
    meal = poll(lambda: server_meal(url, MEAL_NAME), timeout=30)
    if not tap.check(meal is not None, f'after Ctrl+R the server has the meal “{MEAL_NAME}”'):
        return
    items = {item['food_detail']['name']: item['number_of_servings']
             for item in meal.get('meal_items', [])}
    wanted = {food_name: float(servings) for _, food_name, servings in MEAL_FOODS}
    tap.check(items == wanted, f'the server has its items and servings {wanted}', items)
    tap.check(meal.get('meal_time_category') == 'SN',
              'the meal time is the server’s default, snack', meal.get('meal_time_category'))


def delete_and_undo(tap, pid, window, url, artifacts):
    # The sync gave the meal its server id and the list its new row: the
    # button to press is the one that stays.
    own = poll(lambda: find(window, 'list', 'My Meals'))
    scopes = ancestors(own) if own is not None else [window]

    def delete():
        button = find_shown(window, 'push button', f'Delete {MEAL_NAME}')
        if button is not None:
            button.queryAction().doAction(0)
            return catch_toast(pid, scopes, lambda name: name.endswith('Undo'), timeout=15)[1]
        return None

    # The row the sync replaced is gone and its replacement named alike.
    poll(lambda: len([n for n in find_all(own, lambda n: n.getRoleName() == 'list item'
                                          and n.name == MEAL_NAME)]) == 1, timeout=10)
    undo = poll(delete, timeout=30)
    tap.check(undo is not None and poll(lambda: shown_named(window, MEAL_NAME, ('list item',))
                                        is None),
              'Delete hides the meal and offers “Undo” in a toast')
    screenshot(artifacts, 'ui-nutrition-meal-undo.png')
    if undo is not None:
        undo.queryAction().doAction(0)
    tap.check(poll(lambda: shown_named(window, MEAL_NAME, ('list item',))),
              '“Undo” brings the meal back')
    key('ctrl+r')
    tap.check(poll(lambda: find_shown(window, 'label', 'Synced'), timeout=30),
              'Ctrl+R syncs: the sync state says “Synced”')
    tap.check(server_meal(url, MEAL_NAME) is not None, 'an undone delete never reaches the server')


def toast_texts(toast):
    return [n.name for n in (_small_subtree(toast) or []) if n.getRoleName() == 'label']


def save_while_server_gone(tap, pid, app_node, window, server, server_binary, url, tmp):
    """The server goes away while the app still thinks it is online: a meal
    saved then says it will sync when online (the toast follows the write's
    outbox row), its row waits, and it reaches the server once it is back.
    Returns the server process running at the end."""
    own = find(window, 'list', 'My Meals')
    scopes = ancestors(own) if own is not None else [window]
    seen = []

    def saved_toast(toast, nodes):
        texts = [n.name for n in nodes if n.getRoleName() == 'label']
        return any(t.startswith(('Saved', 'Meal saved')) for t in texts)

    # The last save's “Meal saved” can still be up, held by the pointer a
    # check above put on it; a new toast queues behind it, and a loaded run
    # read the old one. The pointer goes to the window's corner and the old
    # toast times out first.
    x, y = window_origin(pid)
    subprocess.run(['xdotool', 'mousemove', str(x + 10), str(y + 10)], check=True)
    poll(lambda: _toast_in(scopes, saved_toast) is None, timeout=20)
    stop(server)
    editor = banana_meal(tap, pid, app_node, window, GONE_MEAL, 'with the server just stopped')
    if editor is None:
        return server

    key('ctrl+s')
    toast = poll(lambda: _toast_in(scopes, saved_toast), timeout=20, interval=0.05)
    if toast is not None:
        try:
            hover(pid, toast)
        except Exception:
            pass

    def says_will_sync():
        texts = toast_texts(toast)
        seen.extend(t for t in texts if t not in seen)
        return WILL_SYNC in texts
    tap.check(toast is not None and poll(says_will_sync, timeout=15) and 'Meal saved' not in seen,
              f'the toast says “{WILL_SYNC}”, never “Meal saved”', seen)
    row = poll(lambda: (lambda r: r if r is not None and any('not synced yet' in n for n in
                                                               labels_in(r)) else None)(
        shown_named(window, GONE_MEAL, ('list item',))), timeout=20)
    tap.check(row is not None, f'“My Meals” lists “{GONE_MEAL}”, not synced yet',
              row and labels_in(row))

    port = int(re.search(r':(\d+)/$', url).group(1))
    server, url_again = start_server(server_binary, os.path.join(tmp, 'server'), port)
    if not tap.check(url_again == url, f'fitcore-server starts again on {url}', url_again):
        return server
    key('ctrl+r')
    meal = poll(lambda: server_meal(url, GONE_MEAL), timeout=40)
    tap.check(meal and [(i['food_detail']['name'], i['number_of_servings'])
                        for i in meal['meal_items']] == [('Banana', 1.0)],
              f'once the server is back the meal reaches it: “{GONE_MEAL}”, 1 serving of Banana',
              meal)
    tap.check(poll(lambda: (lambda r: r is not None and not any('not synced yet' in n for n in
                                                                 labels_in(r)))(
        shown_named(window, GONE_MEAL, ('list item',))), timeout=30),
        'and its row no longer waits')
    return server


def narrow_and_dark(tap, binary, url, env, artifacts):
    env = dict(env, ADW_DEBUG_COLOR_SCHEME='prefer-dark')
    app = start_app(binary, url, env)
    try:
        window = wait_window(tap, app, 'dark, narrow start')
        if window is None:
            return
        sidebar = poll(lambda: find(window, 'list', 'Sections'), timeout=30)
        row = poll(lambda: find_shown(sidebar, 'list item', 'Nutrition'), timeout=20)
        if row is not None:
            click(app.pid, row)
        resize(app.pid, 360, 720)
        tab = open_view(app.pid, window, 'Meals')
        tap.check(tab is not None and poll(lambda: shown_named(window, MEAL_NAME, ('list item',)),
                                           timeout=20),
                  'at 360 px the view switcher still reaches “Meals”, which lists the meal')
        screenshot(artifacts, 'ui-nutrition-narrow-dark-meals.png')
        open_view(app.pid, window, 'Foods')
        key('ctrl+f')
        type_text('banana')
        food_list = find(window, 'list', 'Foods')
        food = poll(lambda: labels_in(food_list)[:1] == ['Banana'] and
                    shown_named(food_list, 'Banana', ('label',)), timeout=10)
        screenshot(artifacts, 'ui-nutrition-narrow-dark-foods.png')
        if food is not None:
            click(app.pid, food)

        def back_in_window():
            back = shown_named(window, 'Back to Foods', ('push button',))
            return back is not None and 0 <= extents(back).x < 360

        tap.check(poll(back_in_window), 'narrow, a food opens its detail with “Back to Foods”')
        screenshot(artifacts, 'ui-nutrition-narrow-dark-detail.png')
        build_meal_offline(tap, app.pid, find_app(app.pid), window, artifacts)
    finally:
        stop(app)


def banana_meal(tap, pid, app_node, window, name, when):
    """Opens “New Meal” in Meals, names it and adds one Banana from the
    store; returns the editor, unsaved, or None."""
    open_view(pid, window, 'Meals')
    time.sleep(0.5)
    key('ctrl+n')
    editor = poll(lambda: find(app_node, 'frame', 'New Meal'))
    if not tap.check(editor is not None, f'{when}, Ctrl+N in Meals opens “New Meal”'):
        return None
    click(pid, poll(lambda: find_shown(editor, 'text', 'Name')))
    type_text(name)
    key('ctrl+f')
    poll(lambda: find_shown(editor, 'entry', 'Search Foods to Add'))
    type_text('banana')
    poll(lambda: labels_in(find(editor, 'list', 'Foods to Add'))[:1] == ['Banana'])
    key('Return')
    tap.check(poll(lambda: row_value(editor, 'Calories') == '105 kcal'),
              f'{when}, the editor finds “Banana” in the store and totals it')
    return editor


def build_meal_offline(tap, pid, app_node, window, artifacts):
    """With the server stopped, a meal is built and saved all the same."""
    if banana_meal(tap, pid, app_node, window, OFFLINE_MEAL, 'offline') is None:
        return
    key('ctrl+s')
    tap.check(poll(lambda: find(app_node, 'frame', 'New Meal') is None),
              'offline, Ctrl+S saves the meal')
    # The row that lasts, not the toast (“Saved — will sync when online”)
    # that a loaded machine can take away before it is read.
    row = poll(lambda: (lambda r: r if r is not None and any('not synced yet' in n for n in
                                                               labels_in(r)) else None)(
        shown_named(window, OFFLINE_MEAL, ('list item',))), timeout=20)
    tap.check(row is not None and any('not synced yet' in n for n in labels_in(row)),
              f'“My Meals” lists “{OFFLINE_MEAL}”, not synced yet', row and labels_in(row))
    screenshot(artifacts, 'ui-nutrition-narrow-dark-offline.png')


def sync_offline_meal(tap, binary, url, env):
    """The meal made offline reaches the server once it is back."""
    app = start_app(binary, url, env)
    try:
        if wait_window(tap, app, 'start with the server back') is None:
            return
        key('ctrl+r')
        meal = poll(lambda: server_meal(url, OFFLINE_MEAL), timeout=40)
        tap.check(meal and [(i['food_detail']['name'], i['number_of_servings'])
                            for i in meal['meal_items']] == [('Banana', 1.0)],
                  f'the server has “{OFFLINE_MEAL}” with 1 serving of Banana', meal)
    finally:
        stop(app)


def run(tap, binary, server_binary, artifacts, tmp):
    env = app_env(tmp)
    foods = demo_foods()

    server, url = start_server(server_binary, os.path.join(tmp, 'server'))
    app = None
    try:
        if not tap.check(url is not None, 'fitcore-server --demo says where it listens'):
            return
        app = start_app(binary, url, env)
        window = wait_window(tap, app, 'first start')
        if window is None or not sign_in(tap, app.pid, window):
            return
        if not open_nutrition(tap, app.pid, window):
            return
        screenshot(artifacts, 'ui-nutrition-plans.png')
        search_foods(tap, app.pid, window, foods, artifacts)
        create_food(tap, app.pid, find_app(app.pid), window, url, artifacts)
        wanted = build_meal(tap, app.pid, find_app(app.pid), window, foods, artifacts)
        if wanted is None:
            return
        check_server(tap, app.pid, window, url, foods)
        copy_meal(tap, app.pid, find_app(app.pid), window, wanted)
        screenshot(artifacts, 'ui-nutrition-meals.png')
        delete_and_undo(tap, app.pid, window, url, artifacts)
        edit_meal(tap, app.pid, find_app(app.pid), window, url, foods)
        server = save_while_server_gone(tap, app.pid, find_app(app.pid), window, server,
                                        server_binary, url, tmp)
        key('ctrl+q')
        poll(lambda: app.poll() is not None, timeout=10)
        stop(app)
        # Offline: the next run has no server at all.
        stop(server)
        narrow_and_dark(tap, binary, url, env, artifacts)
        port = int(re.search(r':(\d+)/$', url).group(1))
        server, url_again = start_server(server_binary, os.path.join(tmp, 'server'), port)
        if not tap.check(url_again == url, f'fitcore-server starts again on {url}', url_again):
            return
        sync_offline_meal(tap, binary, url, env)
        staff_edits_public_food(tap, binary, url, tmp, foods)
    finally:
        stop(app)
        stop(server)


if __name__ == '__main__':
    sys.exit(main(run, 'nutrition'))
