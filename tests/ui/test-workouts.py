#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Workouts end to end, as a person would: sign in to a real
# fitcore-server --demo, browse the grid (the demo's six workouts, search,
# a premium workout's locked videos), download a workout (the files on disk
# are the server's, byte for byte), play it (a real GStreamer frame on
# screen, not black; keys Space and K), close the player and find the
# progress on the server; then stop the server and play the downloaded
# workout with no network at all. Prints TAP.
#
#   test-workouts.py FITCORE_BINARY FITCORE_SERVER DEFAULT_ARTIFACTS_DIR

import glob
import hashlib
import os
import re
import subprocess
import sys
import time

from fcapp import app_env, http, login, main, sign_in, start_app, start_server, wait_window
from fcatspi import (click, extents, find, find_all_shown, find_app, find_shown, first_shown, key,
                     poll, resize, screenshot, stop, type_text)

DOWNLOADED = 'Downloaded: plays without a connection'


TOKEN_LIFETIME = 8


def api(url, path, token):
    status, body = http(url, 'GET', path, token)
    if status == 401:  # the test's own token expired (TOKEN_LIFETIME)
        status, body = http(url, 'GET', path, login(url))
    if status != 200:
        raise RuntimeError(f'GET {path}: {status} {body}')
    return body


def demo_media_ready(url, token):
    """--demo renders its videos after it starts listening."""
    workouts = api(url, 'workouts/workouts/', token)['results']
    return workouts and all(v.get('file_size') for w in workouts for v in w['videos']
                            if not v['locked'])


def shown_names(window, prefix):
    return [n.name for n in find_all_shown(window, lambda n: n.name.startswith(prefix))]


def card(window, title):
    nodes = [n for n in find_all_shown(window, lambda n: n.name.startswith(title + ', '))]
    return nodes[0] if nodes else None


def x_window(title):
    out = subprocess.run(['xdotool', 'search', '--onlyvisible', '--name', f'^{re.escape(title)}$'],
                         capture_output=True, text=True).stdout.split()
    return out[0] if out else None


def frame_brightness(window_id, node, path):
    """The mean brightness (0..1) of the middle of the video picture, in a
    capture of the player window alone."""
    subprocess.run(['import', '-window', window_id, path], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    box = extents(node)
    crop = f'{box.width // 2}x{box.height // 2}+{box.x + box.width // 4}+{box.y + box.height // 4}'
    out = subprocess.run(['convert', path, '-crop', crop, '-colorspace', 'Gray',
                          '-format', '%[fx:mean]', 'info:'],
                         capture_output=True, text=True, check=True).stdout
    return float(out.strip() or 0)


def play_and_check(tap, app_node, title, artifacts, shot, when):
    player = poll(lambda: find(app_node, 'frame', title), timeout=20)
    if not tap.check(player is not None, f'{when}: “Play” opens the player window “{title}”'):
        return None
    picture = poll(lambda: find_shown(player, 'image', 'Video') or
                   find_shown(player, 'label', 'Video'), timeout=10)
    # Pause shows while it plays; a short video resumed near its end can
    # play out before a loaded machine's AT-SPI walk sees it: the end
    # proves it played too.
    pause = poll(lambda: find_shown(player, 'push button', 'Pause') or
                 find_shown(player, 'label', 'Workout Complete'), timeout=20)
    tap.check(pause is not None, f'{when}: the player plays (its button offers “Pause”, '
              'or it played to “Workout Complete”)')
    window_id = poll(lambda: x_window(title), timeout=10)
    brightness = 0.0
    if window_id and picture is not None:
        brightness = poll(lambda: (lambda b: b if b > 0.1 else None)(
            frame_brightness(window_id, picture, os.path.join(artifacts, shot))), timeout=15) or 0
    tap.check(brightness > 0.1, f'{when}: a video frame is on screen, not black '
              f'(mean brightness {brightness:.2f})')
    errors = [n.name for n in find_all_shown(player, lambda n: n.getRoleName() == 'label' and
                                             n.name in ('Cannot Play This Video',
                                                        'The Server Went Away',
                                                        'A Codec Is Missing'))]
    tap.check(not errors, f'{when}: no playback error is shown', errors)
    return player


def run(tap, binary, server_binary, artifacts, tmp):
    env = app_env(tmp)
    # Dark, to look at the cards and the player there (the other UI tests
    # show the light style).
    env['ADW_DEBUG_COLOR_SCHEME'] = 'prefer-dark'

    # Access tokens that expire within one step of the test, as a 30-minute
    # one does during a long workout: every request of the app renews its
    # token on a 401, and so must the player's streams.
    server, url = start_server(server_binary, os.path.join(tmp, 'server'),
                               config=f'[server]\naccess_token_lifetime={TOKEN_LIFETIME}\n')
    app = None
    try:
        if not tap.check(url is not None, 'fitcore-server --demo says where it listens'):
            return
        token = login(url)
        tap.check(poll(lambda: demo_media_ready(url, token), timeout=60),
                  'the demo videos are rendered')
        workouts = api(url, 'workouts/workouts/', token)['results']

        app = start_app(binary, url, env)
        window = wait_window(tap, app, 'first start')
        if window is None or not sign_in(tap, app.pid, window):
            return
        app_node = find_app(app.pid)

        key('ctrl+2')
        titles = [w['title'] for w in workouts]
        tap.check(poll(lambda: all(card(window, t) for t in titles), timeout=30),
                  f'the grid shows the server’s {len(titles)} workouts', shown_names(window, ''))
        screenshot(artifacts, 'ui-workouts-grid.png')

        # Search narrows the grid to what matches.
        search = poll(lambda: first_shown(window, lambda n: n.name == 'Search workouts'))
        if not tap.check(search is not None, 'the grid has a search entry “Search workouts”'):
            return
        click(app.pid, search)
        type_text('yoga')
        tap.check(poll(lambda: card(window, 'Yoga Flow') and not card(window, 'HIIT Burner')),
                  'searching “yoga” shows Yoga Flow and hides HIIT Burner')
        key('ctrl+a')
        key('BackSpace')
        tap.check(poll(lambda: card(window, 'HIIT Burner')), 'clearing the search shows all again')

        # A premium workout: its locked videos are marked and explained.
        premium = next(w for w in workouts if w['is_premium'])
        locked = [v for v in premium['videos'] if v['locked']]
        click(app.pid, poll(lambda: card(window, premium['title'])))
        hint = poll(lambda: [n for n in shown_names(window, f'{len(locked)} video')
                             if 'Premium' in n])
        tap.check(hint, f'“{premium["title"]}” says {len(locked)} videos need Premium', hint)
        rows = [f'{i + 1}. {v["title"]}' for i, v in enumerate(premium['videos'])]
        tap.check(poll(lambda: all(find_shown(window, 'label', r) for r in rows)),
                  'its videos are listed in the server’s order', rows)
        screenshot(artifacts, 'ui-workouts-premium.png')
        key('Escape')

        # Download a free workout; the files are the server's.
        workout = next(w for w in workouts if not w['is_premium'])
        click(app.pid, poll(lambda: card(window, workout['title'])))
        download = poll(lambda: find_shown(window, 'push button', 'Download'))
        if not tap.check(download is not None, f'“{workout["title"]}” offers “Download”'):
            return
        download.queryAction().doAction(0)
        tap.check(poll(lambda: find_shown(window, 'label', DOWNLOADED), timeout=60),
                  f'the download finishes: “{DOWNLOADED}”')
        files = {os.path.basename(p): p for p in glob.glob(
            os.path.join(env['XDG_DATA_HOME'], 'fitcore', 'downloads', '*', str(workout['id']), '*'))}
        sums = sorted(hashlib.sha256(open(p, 'rb').read()).hexdigest() for p in files.values()
                      if not p.endswith('.json'))
        tap.check(sums == sorted(v['checksum'] for v in workout['videos']),
                  f'{len(workout["videos"])} videos on disk, each with the server’s SHA-256',
                  sorted(files))
        screenshot(artifacts, 'ui-workouts-downloaded.png')

        # Play: a real frame, then the keys.
        find_shown(window, 'push button', 'Play').queryAction().doAction(0)
        player = play_and_check(tap, app_node, workout['title'], artifacts,
                                'ui-workouts-player.png', 'online')
        if player is None:
            return
        screenshot(artifacts, 'ui-workouts-player-screen.png')
        key('space')
        tap.check(poll(lambda: find_shown(player, 'push button', 'Play')),
                  'Space pauses (the button offers “Play” again)')
        second = f'2 of {len(workout["videos"])} · {workout["videos"][1]["title"]}'
        # Paused again at once: a 6 s video would otherwise play out (and the
        # workout complete) while a loaded machine walks the tree.
        key('k')
        key('space')
        tap.check(poll(lambda: find_shown(player, 'label', second), timeout=15),
                  f'K goes to the next video: “{second}”')
        time.sleep(1.5)
        key('Escape')
        tap.check(poll(lambda: find(app_node, 'frame', workout['title']) is None),
                  'Escape closes the player')
        key('ctrl+r')

        def server_progress():
            rows = [p for p in api(url, 'workouts/progress/', token)['results']
                    if p['workout'] == workout['id']]
            return rows[0] if rows and rows[0]['last_video'] == workout['videos'][1]['id'] \
                else None
        progress = poll(server_progress, timeout=30)
        tap.check(progress is not None and 0 < progress['progress_percentage'] < 100,
                  'the server has the progress: the second video, part of the way through',
                  progress)

        # Streamed with a token that expired while paused: the next video's
        # request answers 401, the player renews the token and goes on
        # (before, it said “This Video Is Locked”).
        key('Escape')
        streamed = next(w for w in workouts if not w['is_premium'] and w['id'] != workout['id'])
        click(app.pid, poll(lambda: card(window, streamed['title'])))
        play = poll(lambda: find_shown(window, 'push button', 'Play'))
        if not tap.check(play is not None, f'“{streamed["title"]}” offers “Play”'):
            return
        play.queryAction().doAction(0)
        player = play_and_check(tap, app_node, streamed['title'], artifacts,
                                'ui-workouts-streamed.png', 'streamed')
        if player is None:
            return
        key('space')
        poll(lambda: find_shown(player, 'push button', 'Play'))
        time.sleep(TOKEN_LIFETIME + 2)
        key('k')
        tap.check(poll(lambda: find_shown(player, 'label', 'Workout Complete'), timeout=60),
                  'with the token expired, K plays the next streamed videos to “Workout Complete”',
                  [n.name for n in find_all_shown(player, lambda n: n.getRoleName() == 'label')])
        tap.check(not find_shown(player, 'label', 'This Video Is Locked'),
                  'no “This Video Is Locked” after the token expired')
        key('Escape')
        poll(lambda: find(app_node, 'frame', streamed['title']) is None)
        key('Escape')
        click(app.pid, poll(lambda: card(window, workout['title'])))

        # Offline: the server is gone, the downloaded workout still plays.
        stop(server)
        server = None
        find_shown(window, 'push button', 'Resume').queryAction().doAction(0)
        play_and_check(tap, app_node, workout['title'], artifacts, 'ui-workouts-offline.png',
                       'server stopped')
        key('Escape')
        poll(lambda: find(app_node, 'frame', workout['title']) is None)

        # A phone-sized window: the grid becomes one column that fits.
        key('Escape')
        resize(app.pid, 360, 720)

        def fits():
            node = card(window, workout['title'])
            box = extents(node) if node is not None else None
            return box is not None and box.x >= 0 and box.x + box.width <= 360
        tap.check(poll(fits, timeout=15), 'at 360 px the cards fit in the window')
        screenshot(artifacts, 'ui-workouts-narrow-dark.png')
    finally:
        stop(app)
        stop(server)


if __name__ == '__main__':
    sys.exit(main(run, 'workouts'))
