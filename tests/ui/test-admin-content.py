#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The Admin section's Content against a real fitcore-server --demo, as the
# demo's staff account (admin@fitcore.local) uses it (AT-SPI to see,
# xdotool to click and type):
# - Content ▸ New Workout, a title, Published off, Save: the server has
#   the workout hidden, and a normal user's list and detail (GET as the
#   demo user) do not show it;
# - Add Videos… (the file chooser, a path typed) twice with a small WebM
#   GStreamer makes here: each upload row's progress ends in “Uploaded”,
#   and both videos are listed in the editor and on the server;
# - the first video's row focused, Alt+Down: the server has the two in the
#   other order (GET workouts/{id}/ as staff);
# - every control of the editor has a name a person would say;
# - Foods ▸ Choose CSV File… with a file of two good foods and one bad
#   row: the dry run lists the bad row as “Row 3” with the server's
#   reason, Import 2 Foods creates exactly the two good ones as public
#   foods (GET nutrition/foods/ as the demo user), with one food.import
#   audit row; every control of the preview has a name;
# - Templates ▸ Hide on a demo template: the server's public template list
#   (GET nutrition/meal-plans/templates/ as the demo user) no longer has
#   it, one meal_plan_template.update audit row says is_active true → false,
#   and the row then offers Publish;
# - screenshots light, dark and 360 px wide.
# Prints TAP.
#
#   test-admin-content.py FITCORE_BINARY FITCORE_SERVER DEFAULT_ARTIFACTS_DIR

import importlib.util
import os
import subprocess
import sys
import time

from fcapp import app_env, http, login, main, sign_in, start_app, start_server, wait_window
from fcatspi import (ancestors, click, extents, find, find_all, find_shown, key, on_screen, poll,
                     resize, screenshot, scroll_into_view, stop, type_text)

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location('fc_a11y', os.path.join(HERE, 'test-a11y.py'))
fc_a11y = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fc_a11y)

STAFF_EMAIL = 'admin@fitcore.local'
STAFF_PASSWORD = 'fitcore-admin'
USER_EMAIL = 'demo@fitcore.local'
USER_PASSWORD = 'fitcore-demo'
TITLE = 'Hidden Mobility Flow'
TEMPLATE = 'Lean Cut \u2014 7 days'


def make_video(path, text):
    subprocess.run(['gst-launch-1.0', '-q', '-e', 'videotestsrc', 'pattern=ball', 'num-buffers=48',
                    '!', 'video/x-raw,width=320,height=180,framerate=24/1', '!',
                    'textoverlay', f'text={text}', '!', 'vp8enc', 'deadline=1', 'cpu-used=8', '!',
                    'webmmux', '!', 'filesink', f'location={path}'], check=True, timeout=120)
    return path


def named(window, name, roles=None):
    return next((n for n in find_all(window, lambda n: n.name == name and
                                     (roles is None or n.getRoleName() in roles))
                 if on_screen(n)), None)


def row_named(window, name):
    """A shown list row whose accessible name starts with @name: GTK 4.8
    adds the row's own title and subtitle after a label set on it."""
    return next((n for n in find_all(window, lambda n: n.getRoleName() == 'list item' and
                                     n.name.startswith(name)) if on_screen(n)), None)


def button(window, name):
    """A shown push button named @name. GTK 4.8 names a button whose label
    is also its accessible label "New Workout New Workout"."""
    return next((n for n in find_all(window, lambda n: n.getRoleName() == 'push button' and
                                     n.name in (name, f'{name} {name}')) if on_screen(n)), None)


def button_starting(window, name):
    """A shown push button whose name starts with @name (an accessible
    label GTK 4.8 may follow with the button's own label)."""
    return next((n for n in find_all(window, lambda n: n.getRoleName() == 'push button' and
                                     n.name.startswith(name)) if on_screen(n)), None)


def workouts(url, token, query=''):
    status, body = http(url, 'GET', f'workouts/workouts/?page_size=100{query}', token)
    return body.get('results', []) if status == 200 and isinstance(body, dict) else []


def server_workout(url, token, title):
    return next((w for w in workouts(url, token) if w['title'] == title), None)


def choose_file(pid, app_node, path):
    """GTK 4.8's file chooser without a portal: Ctrl+L, the path, Return
    (again while the completion takes it)."""
    def chooser():
        for i in range(app_node.childCount):
            node = app_node.getChildAtIndex(i)
            if node is not None and node.name != 'FitCore':
                return node
        return None

    if poll(chooser, timeout=20) is None:
        return False
    time.sleep(1)
    key('ctrl+l')
    time.sleep(0.5)
    type_text(path)
    time.sleep(0.3)
    for _ in range(3):
        key('Return')
        if poll(lambda: chooser() is None, timeout=10):
            return True
    return False


def open_content(tap, pid, window):
    sidebar = poll(lambda: find(window, 'list', 'Sections'), timeout=30)
    row = poll(lambda: find_shown(sidebar, 'list item', 'Admin'), timeout=30) if sidebar else None
    if not tap.check(row is not None, 'as staff, the sidebar offers “Admin”'):
        return False
    click(pid, row)
    # AdwViewSwitcher's button has no name in libadwaita 1.2: its label does.
    switch = poll(lambda: named(window, 'Content', ('label',)), timeout=30)
    if not tap.check(switch is not None, 'the Admin section offers “Content”'):
        return False
    click(pid, switch)
    return tap.check(poll(lambda: button(window, 'New Workout'), timeout=30)
                     is not None, 'Content offers “New Workout”')


def create_hidden(tap, pid, window, url, staff, user):
    click(pid, button(window, 'New Workout'))
    title = poll(lambda: find_shown(window, 'text', 'Title'), timeout=30)
    if not tap.check(title is not None, 'New Workout opens the editor with a “Title” entry'):
        return None
    click(pid, title)
    time.sleep(0.3)
    type_text(TITLE)
    published = poll(lambda: next((n for n in find_all(window, lambda n: n.name == 'Published' and
                                                       n.getRoleName() != 'label')
                                   if on_screen(n)), None), timeout=10)
    if not tap.check(published is not None, 'the editor has a “Published” switch',
                     [(n.getRoleName(), n.name) for n in find_all(window, lambda n:
                                                                  'Published' in n.name)]):
        return None
    click(pid, published)
    time.sleep(0.5)
    save = button(window, 'Save')
    click(pid, save)
    workout = poll(lambda: server_workout(url, staff, TITLE), timeout=30)
    if not tap.check(workout is not None, f'Save: the server has “{TITLE}”'):
        return None
    tap.check(workout.get('is_published') is False, 'the server has it hidden (is_published false)',
              workout)
    tap.check(server_workout(url, user, TITLE) is None,
              'a normal user’s list (GET workouts/ as the demo user) does not show it')
    status, _ = http(url, 'GET', f'workouts/workouts/{workout["id"]}/', user)
    tap.check(status == 404, 'its detail answers a normal user 404', status)
    listed = poll(lambda: row_named(window, f'{TITLE}, Hidden'), timeout=30)
    tap.check(listed is not None, f'the list shows “{TITLE}” as Hidden')
    return workout['id']


def video_titles(url, token, workout_id):
    status, body = http(url, 'GET', f'workouts/workouts/{workout_id}/', token)
    return [v['title'] for v in body.get('videos', [])] if status == 200 else None


def upload(tap, pid, app_node, window, url, staff, workout_id, path, title, count):
    add = poll(lambda: button(window, 'Add Videos…'), timeout=20)
    if not tap.check(add is not None, f'{title}: the editor offers “Add Videos…”'):
        return False
    click(pid, add)
    if not tap.check(choose_file(pid, app_node, path), f'{title}: a file chooser takes the path'):
        return False
    progress = poll(lambda: button(window, f'Pause upload of {title}') or
                    named(window, 'Uploaded'), timeout=30)
    tap.check(progress is not None, f'{title}: an upload row appears with Pause')
    done = poll(lambda: len(video_titles(url, staff, workout_id) or []) == count, timeout=180)
    tap.check(done, f'{title}: the server has {count} video(s) on the workout',
              video_titles(url, staff, workout_id))
    uploaded = poll(lambda: len([n for n in find_all(window, lambda n: n.name == 'Uploaded')
                                 if on_screen(n)]) >= 1, timeout=60)
    tap.check(uploaded, f'{title}: its upload row ends in “Uploaded”')
    row = poll(lambda: next((n for n in find_all(window, lambda n: n.name.startswith(
        f'{title}, video ')) if on_screen(n)), None), timeout=60)
    tap.check(row is not None, f'{title}: the editor lists the video')
    return row is not None


def reorder(tap, pid, window, url, staff, workout_id):
    before = video_titles(url, staff, workout_id)
    if not tap.check(before is not None and len(before) == 2, 'two videos to reorder', before):
        return
    row = poll(lambda: row_named(window, f'{before[0]}, video 1 of 2'), timeout=30)
    if not tap.check(row is not None, f'“{before[0]}” is listed as video 1 of 2'):
        return
    scroll_into_view(pid, row, editor_pane(window))
    click(pid, row)
    time.sleep(0.5)
    key('alt+Down')
    moved = poll(lambda: video_titles(url, staff, workout_id) == [before[1], before[0]],
                 timeout=30)
    tap.check(moved, 'Alt+Down on the first video: the server has the other order',
              video_titles(url, staff, workout_id))
    tap.check(poll(lambda: row_named(window, f'{before[0]}, video 2 of 2'), timeout=30) is not None,
              f'the editor lists “{before[0]}” second')


def editor_pane(window):
    """The editor's scrolled pane: the scroll pane around its Title entry."""
    title = find_shown(window, 'text', 'Title')
    return next((n for n in ancestors(title) if n.getRoleName() == 'scroll pane'), None) \
        if title is not None else None


def check_names(tap, window, page):
    """Every control of the Content page (the list's pane and the
    editor's) has a name; other sections' pages are their tests'."""
    workouts_list = find_shown(window, 'list', 'Workouts')
    panes = [editor_pane(window)]
    if workouts_list is not None:
        panes.append(next((n for n in ancestors(workouts_list)
                           if n.getRoleName() == 'scroll pane'), None))
    for pane in panes:
        if not tap.check(pane is not None, f'{page}: its pane is in the AT-SPI tree'):
            continue
        # Known and reported: the popover list of the Category and
        # Difficulty combo rows (libadwaita 1.2's AdwComboRow) exposes one
        # item without a name under GTK 4.8; everything else must be named.
        bad = [b for b in fc_a11y.unnamed(pane) if b != 'list item “” in list “GtkListView”']
        tap.check(not bad, f'{page}: every control has a name a person would say',
                  '\n'.join(sorted(set(bad))))


FOODS_CSV = (
    'name,calories,protein,carbohydrates,fat,serving_quantity,serving_unit\r\n'
    'Imported Lentil Soup,120,8,18,2,250,ml\r\n'
    'Imported Bad Bar,-5,1,1,1,40,g\r\n'
    '"Imported Quinoa, cooked",120,4.4,21.3,1.9,100,g\r\n'
)
GOOD_FOODS = ['Imported Lentil Soup', 'Imported Quinoa, cooked']


def imported_foods(url, token):
    status, body = http(url, 'GET', 'nutrition/foods/?search=Imported&page_size=100', token)
    if status != 200 or not isinstance(body, dict):
        return None
    return sorted(f['name'] for f in body.get('results', []) if f.get('is_public'))


def import_foods(tap, pid, app_node, window, url, staff, user, tmp, artifacts):
    """Foods ▸ Choose CSV File…: the dry run's report, then the import of
    the good rows only, checked on the server."""
    path = os.path.join(tmp, 'foods.csv')
    with open(path, 'w', encoding='utf-8', newline='') as f:
        f.write(FOODS_CSV)
    if not tap.check(imported_foods(url, user) == [], 'before the import no “Imported” food exists'):
        return
    switch = poll(lambda: named(window, 'Foods', ('label',)), timeout=30)
    if not tap.check(switch is not None, 'the Admin section offers “Foods”'):
        return
    click(pid, switch)
    choose = poll(lambda: button(window, 'Choose CSV File…'), timeout=30)
    if not tap.check(choose is not None, 'Foods offers “Choose CSV File…”'):
        return
    click(pid, choose)
    if not tap.check(choose_file(pid, app_node, path), 'a file chooser takes the CSV’s path'):
        return
    refused = poll(lambda: named(window, 'Row 3', ('label',)), timeout=60)
    tap.check(refused is not None, 'the dry run lists the bad row as “Row 3”')
    reason = 'calories: Ensure this value is greater than or equal to 0.'
    tap.check(named(window, reason, ('label',)) is not None,
              f'with the server’s reason “{reason}”',
              [n.name for n in find_all(window, lambda n: n.getRoleName() == 'label' and
                                        'calories' in n.name)])
    tap.check(all(named(window, name, ('label',)) is not None for name in GOOD_FOODS),
              'and lists the two good foods to import')
    tap.check(named(window, 'Row 2', ('label',)) is None and
              named(window, 'Row 4', ('label',)) is None, 'and no other row as refused')
    tap.check(imported_foods(url, user) == [], 'the dry run wrote nothing on the server')
    pane = next((n for n in ancestors(refused) if n.getRoleName() == 'scroll pane'), None) \
        if refused is not None else None
    if tap.check(pane is not None, 'the preview is in the AT-SPI tree'):
        bad = fc_a11y.unnamed(pane)
        tap.check(not bad, 'the preview: every control has a name a person would say',
                  '\n'.join(sorted(set(bad))))
    screenshot(artifacts, 'ui-admin-foods-preview.png')
    go = poll(lambda: button(window, 'Import 2 Foods'), timeout=10)
    if not tap.check(go is not None, 'the preview offers “Import 2 Foods”'):
        return
    click(pid, go)
    done = poll(lambda: imported_foods(url, user) == GOOD_FOODS, timeout=60)
    tap.check(done, 'Import: the server has exactly the two good foods, public',
              imported_foods(url, user))
    status, audit = http(url, 'GET', 'admin/audit/?object_type=food', staff)
    imports = [e for e in audit.get('results', []) if e['action'] == 'food.import'] \
        if status == 200 else None
    tap.check(imports is not None and len(imports) == 1 and imports[0]['after']['created'] == 2,
              'one food.import audit row says 2 created', imports)
    tap.check(poll(lambda: named(window, '2 public foods were imported from “foods.csv”.',
                                 ('label',)), timeout=30) is not None,
              'the page says “2 public foods were imported from “foods.csv”.”')


def public_templates(url, token):
    status, body = http(url, 'GET', 'nutrition/meal-plans/templates/?page_size=100', token)
    if status != 200 or not isinstance(body, dict):
        return None
    return [t['name'] for t in body.get('results', [])]


def hide_template(tap, pid, window, url, staff, user, artifacts):
    """Templates ▸ Hide: the template leaves the server's public list."""
    if not tap.check(TEMPLATE in (public_templates(url, user) or []),
                     f'before: the public templates list “{TEMPLATE}”'):
        return
    switch = poll(lambda: named(window, 'Templates', ('label',)), timeout=30)
    if not tap.check(switch is not None, 'the Admin section offers “Templates”'):
        return
    click(pid, switch)
    hide = poll(lambda: button_starting(window, f'Hide {TEMPLATE}'), timeout=30)
    if not tap.check(hide is not None, f'Templates lists “{TEMPLATE}” with Hide'):
        return
    screenshot(artifacts, 'ui-admin-templates.png')
    click(pid, hide)
    gone = poll(lambda: TEMPLATE not in (public_templates(url, user) or [TEMPLATE]), timeout=30)
    tap.check(gone, 'Hide: the server’s public list no longer has it', public_templates(url, user))
    status, audit = http(url, 'GET', 'admin/audit/?object_type=meal_plan_template', staff)
    rows = [e for e in audit.get('results', []) if e['action'] == 'meal_plan_template.update'] \
        if status == 200 else None
    tap.check(rows is not None and len(rows) == 1 and rows[0]['before'] == {'is_active': True} and
              rows[0]['after'] == {'is_active': False},
              'one meal_plan_template.update audit row: is_active true → false', rows)
    tap.check(poll(lambda: button_starting(window, f'Publish {TEMPLATE}'), timeout=30) is not None,
              'the row then offers Publish')


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
        first = make_video(os.path.join(tmp, 'warm-up.webm'), 'one')
        second = make_video(os.path.join(tmp, 'cool-down.webm'), 'two')
        env = app_env(tmp)
        app = start_app(binary, url, env)
        window = wait_window(tap, app, 'first start')
        if window is None or not sign_in(tap, app.pid, window, STAFF_EMAIL, STAFF_PASSWORD):
            return
        app_node = window.parent
        if not open_content(tap, app.pid, window):
            return
        time.sleep(1)
        screenshot(artifacts, 'ui-admin-content-list.png')
        workout_id = create_hidden(tap, app.pid, window, url, staff, user)
        if workout_id is None:
            return
        if not upload(tap, app.pid, app_node, window, url, staff, workout_id, first, 'warm-up', 1):
            return
        if not upload(tap, app.pid, app_node, window, url, staff, workout_id, second,
                      'cool-down', 2):
            return
        screenshot(artifacts, 'ui-admin-content-editor.png')
        reorder(tap, app.pid, window, url, staff, workout_id)
        check_names(tap, window, 'the Content editor')
        time.sleep(1)
        screenshot(artifacts, 'ui-admin-content-reordered.png')
        import_foods(tap, app.pid, app_node, window, url, staff, user, tmp, artifacts)
        hide_template(tap, app.pid, window, url, staff, user, artifacts)
        stop(app)

        app = start_app(binary, url, dict(env, ADW_DEBUG_COLOR_SCHEME='prefer-dark'))
        window = wait_window(tap, app, 'dark start')
        if window is None or not open_content(tap, app.pid, window):
            return
        row = poll(lambda: row_named(window, f'{TITLE}, Hidden'), timeout=30)
        if tap.check(row is not None, f'after a restart the list shows “{TITLE}”'):
            click(app.pid, row)
            poll(lambda: button(window, 'Add Videos…'), timeout=30)
        time.sleep(1)
        screenshot(artifacts, 'ui-admin-content-dark.png')
        resize(app.pid, 360, 720)
        time.sleep(1.5)
        title = poll(lambda: find_shown(window, 'text', 'Title'), timeout=30)
        tap.check(title is not None and extents(title).x + extents(title).width <= 360,
                  'at 360 px the editor’s Title entry fits the window',
                  extents(title) if title is not None else None)
        screenshot(artifacts, 'ui-admin-content-narrow.png')
    finally:
        stop(app)
        stop(server)


if __name__ == '__main__':
    sys.exit(main(run, 'admin-content'))
