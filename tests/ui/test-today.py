#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The Today dashboard against a real fitcore-server --demo, as a person
# would see it: the demo user with a plan generated for today (the app's
# today, FITCORE_TODAY) and a workout left part of the way through. Today
# lists the plan's meals for today and their calorie total, which the test
# adds up itself from the plan the server returns; offers “Continue at
# M:SS”, which opens the player at that position. With the server stopped
# and the app started again, the same dashboard shows from the store. A new
# account shows the empty states, each with a way on. Screenshots light,
# dark and at 360 px. Prints TAP.
#
#   test-today.py FITCORE_BINARY FITCORE_SERVER DEFAULT_ARTIFACTS_DIR

import os
import sys
import time

from fcapp import app_env, http, login, main, sign_in, start_app, start_server, today, wait_window
from fcatspi import (extents, find, find_all_shown, find_shown, first_shown, key, poll, resize,
                     screenshot, scroll_into_view, stop)

NEW_EMAIL = 'today.empty@fitcore.test'
NEW_PASSWORD = 'Correct-Horse-77'
# Where the test leaves the workout: in its second video of three (the
# demo's are 5 to 7 s long), this many seconds in. A player that started anywhere
# else shows another video first, and at the start of it.
POSITION = 3


def clock(seconds):
    seconds = int(seconds)
    return f'{seconds // 60}:{seconds % 60:02d}'


def amount(value):
    """The app's "%'.0f": grouped or not, whatever the locale says."""
    return {f'{value:.0f}', f'{value:,.0f}'}


def prepare(tap, url, token):
    """A plan generated for today and a workout left at POSITION; returns
    (meal names, calories for today, the plan's calorie target, the
    workout's title, the player's label of the video) as the server has
    them."""
    start = today().isoformat()
    status, plan = http(url, 'POST', 'nutrition/generate/', token,
                        {'goal': 'MN', 'duration_days': 7, 'meals_per_day': 3,
                         'start_date': start})
    if not tap.check(status == 201, f'the server generates a 7-day plan starting {start}',
                     (status, plan)):
        return None
    day_one = [s for s in plan.get('scheduled_meals', []) if s['day_of_plan'] == 1]
    names = [s['meal_detail']['name'] for s in day_one]
    calories = sum(s['meal_detail']['total_calories'] for s in day_one)
    tap.check(len(day_one) == 3, 'today (day 1) has three meals on the server', names)

    status, page = http(url, 'GET', 'workouts/workouts/?page_size=100', token)
    # Three videos: from the second, the player goes on to a rest and a
    # third, so the workout is not completed before the test closes it.
    workouts = [w for w in page.get('results', []) if not w['is_premium'] and
                len(w['videos']) >= 3] if status == 200 else []
    if not tap.check(workouts, 'the demo has a free workout with three videos'):
        return None
    workout = workouts[0]
    video = workout['videos'][1]
    body = {'workout': workout['id'], 'progress_percentage': 30, 'last_video': video['id'],
            'position_seconds': POSITION}
    status, progress = http(url, 'GET', 'workouts/progress/?page_size=100', token)
    mine = [p for p in progress.get('results', []) if p['workout'] == workout['id']] \
        if status == 200 else []
    if mine:
        status, answer = http(url, 'PATCH', f'workouts/progress/{mine[0]["id"]}/', token, body)
    else:
        status, answer = http(url, 'POST', 'workouts/progress/', token, body)
    tap.check(status in (200, 201), f'“{workout["title"]}” is left at {clock(POSITION)}',
              (status, answer))
    return names, calories, plan['target_daily_calories'], workout['title'], \
        f'2 of {len(workout["videos"])} · {video["title"]}'


def calories_shown(window, calories, target):
    """The calories line: "TOTAL / TARGET kcal"."""
    wanted = {f'{t} / {g} kcal' for t in amount(calories) for g in amount(target)}
    return first_shown(window, lambda n: n.getRoleName() == 'label' and n.name in wanted)


def continue_button(window, title, exact):
    """The Continue button of title: at POSITION exactly, or (after the
    player has run, which saves where it got to) at POSITION or later."""
    prefix = f'Continue {title} at '

    def matches(node):
        if node.getRoleName() != 'push button' or not node.name.startswith(prefix):
            return False
        minutes, _, seconds = node.name[len(prefix):].partition(':')
        at = int(minutes) * 60 + int(seconds)
        return at == POSITION if exact else at >= POSITION
    return first_shown(window, matches)


def check_dashboard(tap, window, expected, when, played=False):
    names, calories, target, title, _ = expected
    for name in names:
        tap.check(poll(lambda name=name: find_shown(window, 'list item', name) or
                       first_shown(window, lambda n: n.name == name), timeout=30),
                  f'{when}: today’s meal “{name}” is listed')
    tap.check(poll(lambda: calories_shown(window, calories, target), timeout=20),
              f'{when}: the calorie total is the plan’s for today, {calories:.0f} of {target:.0f}',
              sorted({n.name for n in find_all_shown(window, lambda n: 'kcal' in n.name)}))
    button = poll(lambda: continue_button(window, title, not played), timeout=20)
    tap.check(button is not None,
              f'{when}: “Continue at {clock(POSITION)}{" or later" if played else ""}” offers '
              f'“{title}”',
              [n.name for n in find_all_shown(window, lambda n: n.getRoleName() == 'push button')])
    return button


def player_position(player):
    """The player's Position slider once it is set up: (value, upper)."""
    slider = find_shown(player, 'slider', 'Position')
    if slider is None:
        return None
    value = slider.queryValue()
    return (value.currentValue, value.maximumValue) if value.maximumValue > 1 else None


def run(tap, binary, server_binary, artifacts, tmp):
    env = app_env(tmp)
    server, url = start_server(server_binary, os.path.join(tmp, 'server'))
    app = None
    try:
        if not tap.check(url is not None, 'fitcore-server --demo says where it listens'):
            return
        expected = prepare(tap, url, login(url))
        if expected is None:
            return
        title, video_label = expected[3], expected[4]

        app = start_app(binary, url, env)
        window = wait_window(tap, app, 'first start')
        if window is None or not sign_in(tap, app.pid, window):
            return
        button = check_dashboard(tap, window, expected, 'online')
        time.sleep(1)
        screenshot(artifacts, 'ui-today.png')
        if button is not None:
            # Below the fold: the workout, health and notifications cards.
            scroll_into_view(app.pid, button, window)
            time.sleep(1)
            screenshot(artifacts, 'ui-today-workouts.png')

        # Continue: the player opens at the position, not at the start.
        if button is not None:
            button.queryAction().doAction(0)
            app_node = window.parent
            player = poll(lambda: find(app_node, 'frame', title), timeout=30)
            if tap.check(player is not None, f'“Continue” opens the player “{title}”'):
                position = poll(lambda: player_position(player), timeout=30)
                tap.check(position is not None and position[0] >= POSITION - 0.5,
                          f'the player starts at {clock(POSITION)} or later, where the workout '
                          'was left', position)
                key('space')  # paused: what it saves stays near the resume point
                tap.check(poll(lambda: find_shown(player, 'label', video_label), timeout=10),
                          f'the player shows “{video_label}”, the video it was left in',
                          [n.name for n in find_all_shown(player, lambda n: n.getRoleName() ==
                                                          'label')])
                key('Escape')
                poll(lambda: find(app_node, 'frame', title) is None, timeout=20)

        # Offline: stop the server, start the app again; the store has it all.
        stop(app)
        app = None
        stop(server)
        server = None
        app = start_app(binary, url, env)
        window = wait_window(tap, app, 'offline restart')
        if window is not None:
            check_dashboard(tap, window, expected, 'server stopped, app restarted', played=True)

            # Narrow and dark: the cards stack and fit.
            stop(app)
            app = start_app(binary, url, dict(env, ADW_DEBUG_COLOR_SCHEME='prefer-dark'))
            window = wait_window(tap, app, 'dark start')
            if window is not None:
                resize(app.pid, 360, 720)
                time.sleep(1)
                line = poll(lambda: calories_shown(window, expected[1], expected[2]), timeout=30)
                box = extents(line) if line is not None else None
                frame = extents(window)
                # The window's narrowest is what the other pages allow too
                # (390 px here, with its edges): the line must fit in it.
                tap.check(box is not None and box.x >= 0 and box.x + box.width <= frame.width
                          and frame.width < 400,
                          'at its narrowest the window is a phone’s width and the calories '
                          'line fits in it', (box, frame))
                screenshot(artifacts, 'ui-today-dark-narrow.png')
        stop(app)
        app = None

        # A new account: every card says what to do next.
        server, url = start_server(server_binary, os.path.join(tmp, 'server'))
        status, body = http(url, 'POST', 'auth/registration/',
                            body={'email': NEW_EMAIL, 'password1': NEW_PASSWORD,
                                  'password2': NEW_PASSWORD, 'first_name': 'Nel',
                                  'last_name': 'Empty'})
        if not tap.check(status == 201, f'{NEW_EMAIL} registers', (status, body)):
            return
        app = start_app(binary, url, app_env(os.path.join(tmp, 'empty')))
        window = wait_window(tap, app, 'new account')
        if window is None or not sign_in(tap, app.pid, window, NEW_EMAIL, NEW_PASSWORD):
            return
        for name in ('Generate a Plan', 'Browse Workouts', 'Add a Weigh-in'):
            tap.check(poll(lambda name=name: find_shown(window, 'push button', name), timeout=30),
                      f'the empty dashboard offers “{name}”',
                      [(n.getRoleName(), n.name) for n in find_all_shown(
                          window, lambda n: n.getRoleName() in ('push button', 'button'))])
        tap.check(not first_shown(window, lambda n: n.name.startswith('Continue ')),
                  'nothing to continue')
        time.sleep(1)
        screenshot(artifacts, 'ui-today-empty.png')
        generate = find_shown(window, 'push button', 'Generate a Plan')
        if generate is not None:
            generate.queryAction().doAction(0)
            tap.check(poll(lambda: find_shown(window, 'push button', 'Generate…'), timeout=20),
                      '“Generate a Plan” opens Nutrition, which offers “Generate…”')
    finally:
        stop(app)
        stop(server)


if __name__ == '__main__':
    sys.exit(main(run, 'today'))
