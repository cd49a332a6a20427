#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Signs in to a real fitcore-server through the welcome page, as a person
# would (AT-SPI to see, xdotool to click and type), checks the Today page
# shows the demo account's profile from the server, then stops the server,
# starts the app again and checks it comes back signed in, offline, with the
# same profile; edits the profile offline, starts the server again and checks
# the change reaches it. The second start reads the Health units as imperial
# (a settings key file): the profile reads and is edited in lb and ft/in,
# and the server gets kg and cm, converted once. Prints TAP.
#
#   test-account.py FITCORE_BINARY FITCORE_SERVER DEFAULT_ARTIFACTS_DIR
#
# Run through tests/run: it provides the display, the D-Bus session (the
# AT-SPI bus) and an unlocked gnome-keyring, which keeps the tokens between
# the two runs of the app.

import os
import re
import signal
import sys

from fcapp import (DEMO_EMAIL, DEMO_PASSWORD, app_env, http, login, main, start_app, start_server,
                   wait_window)
from fcatspi import (click, find, find_all, find_all_shown, find_app, find_shown, first_shown, key,
                     on_screen, poll, screenshot, scroll_into_view, stop, type_into, type_text)

# The profile fitcore-server --demo gives the demo account.
GREETING = 'Hello, Demo'
PROFILE = {'Age': '31 years', 'Weight': '72.5 kg', 'Height': '178 cm', 'Gender': 'Male',
           'Fitness Goal': 'Build muscle'}
NEW_GOAL = 'Run a marathon'
# The same profile under imperial units: 72.5 kg is 159.84 lb, 178 cm 70.08 in.
PROFILE_IMPERIAL = dict(PROFILE, Weight='159.8 lb', Height='5 ft 10 in')
# Typed in pounds offline; the server keeps kilograms to the hundredth
# (165 × 0.45359237 = 74.8427…), and the demo's 178 cm stays untouched.
NEW_POUNDS = 165
SERVER_KG = 74.84
SERVER_CM = 178.0
# The editor's spin buttons as GTK 4.8 names them: a row's activatable
# spin button gets the row's title after its own label (libadwaita).
WEIGHT_SPIN = 'Weight in pounds Weight'
FEET_SPIN = 'Height, feet Height'
INCHES_SPIN = 'Height, inches'
# The sync state with the offline edit queued: "Offline — 1 change waiting"
# (src/sync/fc-sync-engine.c), or "1 change waiting" between two tries.
WAITING = re.compile(r'(^|— )1 change waiting$')
SESSION_ENDED = 'Your session ended. Sign in again to continue.'
# Our server takes 255 characters at most, like the Django backend.
TOO_LONG_GOAL = 'Run ' * 70
# Sidebar rows shown only when the server offers their section.
OPTIONAL_SECTIONS = {'Workouts': 'workouts', 'Health': 'health', 'Notifications': 'notifications'}


def server_sections(url):
    return http(url, 'GET', '')[1].get('sections', [])


def server_profile(url):
    """The demo user's profile as the server has it, asked over HTTP."""
    return http(url, 'GET', 'auth/profile/', login(url))[1]


def entry_text(node):
    text = node.queryText()  # GTK 4.8 answers '' to getText(0, -1)
    return text.getText(0, text.characterCount)


def label_shown(window, text):
    return find_shown(window, 'label', text) is not None


def labels_named(window, name):
    """How many labels say name: hidden pages stay in GTK 4.8's tree, so a
    header bar's title is told by the count going up or down by one."""
    return len(find_all(window, lambda n: n.getRoleName() == 'label' and n.name == name))


def alerts(window):
    return [n.name for n in find_all(window, lambda n: n.getRoleName() == 'alert')
            if n.name and on_screen(n)]


def sync_states(window, pattern):
    """The sync state as shown (the Today page's row and the sidebar), the
    names that match pattern, or all of them for None."""
    names = [n.name for n in find_all_shown(window, lambda n: n.name and
                                            n.getRoleName() in ('list item', 'label'))]
    return [n for n in names if pattern.search(n)] if pattern else \
        [n for n in names if 'ync' in n or 'ffline' in n or 'waiting' in n]


def set_units(env, units):
    """Writes "health-units" into the key file GLib's keyfile settings
    backend reads (and watches, so a running app sees the change), as
    Preferences → Health → Units would."""
    folder = os.path.join(env['XDG_CONFIG_HOME'], 'glib-2.0', 'settings')
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, 'keyfile'), 'w') as f:
        f.write(f"[org/fitcore/FitCore]\nhealth-units='{units}'\n")


def imperial_env(env):
    """env with the app's settings in that key file instead of memory, and
    the Health units imperial."""
    set_units(env, 'imperial')
    return dict(env, GSETTINGS_BACKEND='keyfile')


def check_profile(tap, window, when, profile=PROFILE):
    tap.check(poll(lambda: label_shown(window, GREETING), timeout=20),
              f'{when}: the Today page greets “{GREETING}”')
    for title, value in profile.items():
        tap.check(poll(lambda: label_shown(window, value)),
                  f'{when}: the profile shows {title} “{value}”')


def sign_in(tap, pid, window, artifacts):
    ways_in = ['Sign In', 'Create Account', 'Use This Computer Only']
    tap.check(poll(lambda: label_shown(window, 'Welcome to FitCore'), timeout=20),
              'signed out, the app shows “Welcome to FitCore”')
    for name in ways_in:
        tap.check(find_shown(window, 'push button', name) is not None,
                  f'the welcome page offers “{name}”')
    screenshot(artifacts, 'ui-account-welcome.png')

    find_shown(window, 'push button', 'Sign In').queryAction().doAction(0)
    email = poll(lambda: find_shown(window, 'text', 'Email'))
    password = poll(lambda: find_shown(window, 'password text', 'Password'))
    if not tap.check(email is not None and password is not None,
                     '“Sign In” opens a form with “Email” and “Password”'):
        return False

    # A wrong password first: the server's refusal must show on the form.
    click(pid, email)
    type_text(DEMO_EMAIL)
    click(pid, password)
    type_text('not-the-password')
    key('Return')
    refused = poll(lambda: alerts(window), timeout=20)
    tap.check(refused, 'a wrong password shows the server’s message on the form', refused)
    screenshot(artifacts, 'ui-account-sign-in-error.png')

    # Forgot password: the reset form takes the address typed so far.
    forgot = find_shown(window, 'push button', 'Forgot Password?')
    if forgot is not None:
        forgot.queryAction().doAction(0)
    sent = poll(lambda: find_shown(window, 'push button', 'Send Reset Link'))
    if tap.check(sent is not None, '“Forgot Password?” opens the reset form'):
        key('Return')  # the address is filled in and focused
        confirmed = f'If {DEMO_EMAIL}'
        tap.check(poll(lambda: first_shown(window, lambda n: n.name.startswith(confirmed)),
                       timeout=20),
                  'the reset request is confirmed for the address typed in the sign-in form')
        screenshot(artifacts, 'ui-account-reset.png')
        on_reset = labels_named(window, 'Reset Password')
        key('Escape')  # back to the sign-in form, not to the start
        tap.check(poll(lambda: labels_named(window, 'Reset Password') == on_reset - 1),
                  'Escape leaves the reset form')

    click(pid, password)
    key('ctrl+a')
    type_text(DEMO_PASSWORD)
    key('Return')  # Enter submits the form
    return True


def spin_value(root, name):
    spin = find_shown(root, 'spin button', name)
    return spin.queryValue().currentValue if spin else None


def open_editor(window, app_node):
    find_shown(window, 'push button', 'Edit Profile').queryAction().doAction(0)
    return poll(lambda: find(app_node, 'frame', 'Edit Profile'))


def edit_goal(tap, pid, app_node, window, goal_text, pounds=None):
    """Types goal_text as the fitness goal in the profile editor (and pounds
    as the weight, in pounds) and saves."""
    editor = open_editor(window, app_node)
    goal = poll(lambda: find_shown(editor, 'text', 'Fitness Goal')) if editor else None
    if not tap.check(goal is not None, '“Edit Profile” opens the editor with “Fitness Goal”'):
        return False
    if pounds is not None:
        weight = poll(lambda: find_shown(editor, 'spin button', WEIGHT_SPIN))
        typed = weight is not None and type_into(pid, weight, str(pounds))
        key('Tab')
        tap.check(typed and poll(lambda: spin_value(editor, WEIGHT_SPIN) == pounds),
                  f'the editor takes the weight in pounds: {pounds}',
                  spin_value(editor, WEIGHT_SPIN))
    scroll_into_view(pid, goal, editor)
    click(pid, goal)
    key('ctrl+a')
    type_text(goal_text)
    key('ctrl+s')
    return tap.check(poll(lambda: find(app_node, 'frame', 'Edit Profile') is None),
                     'Ctrl+S saves and closes the editor')


def reject_and_discard(tap, pid, app_node, window, artifacts):
    """A change the server refuses is listed with its message, and Discard
    puts the profile back as it was."""
    if not edit_goal(tap, pid, app_node, window, TOO_LONG_GOAL):
        return
    row = poll(lambda: find_shown(window, 'label', 'Profile changes'), timeout=30)
    message = poll(lambda: [n.name for n in find_all_shown(
        window, lambda n: n.getRoleName() == 'label' and '255' in n.name)])
    tap.check(row is not None and message,
              '“Changes Needing Attention” lists the refused profile change with the server’s '
              'message', message)
    screenshot(artifacts, 'ui-account-attention.png')
    discard = find_shown(window, 'push button', 'Discard')
    if discard is not None:
        discard.queryAction().doAction(0)
    tap.check(poll(lambda: label_shown(window, PROFILE['Fitness Goal'])),
              f'“Discard” puts the goal back to “{PROFILE["Fitness Goal"]}”')
    tap.check(poll(lambda: find(window, 'label', 'Profile changes') is None),
              'the discarded change leaves the list')


def edit_goal_offline(tap, pid, app_node, window):
    """Changes the fitness goal and the weight (in pounds) in the profile
    editor, with no server; opening it again shows what was typed, and
    saving it unchanged adds nothing to send."""
    if not edit_goal(tap, pid, app_node, window, NEW_GOAL, NEW_POUNDS):
        return False
    tap.check(poll(lambda: label_shown(window, NEW_GOAL)),
              f'offline, the Today page shows the new goal “{NEW_GOAL}” at once')
    tap.check(poll(lambda: label_shown(window, f'{NEW_POUNDS} lb')),
              f'offline, the Today page shows the new weight “{NEW_POUNDS} lb”')
    editor = open_editor(window, app_node)
    shown = poll(lambda: spin_value(editor, WEIGHT_SPIN) == NEW_POUNDS) if editor else False
    tap.check(shown, f'the editor opens again on {NEW_POUNDS} lb',
              editor and spin_value(editor, WEIGHT_SPIN))
    height = (spin_value(editor, FEET_SPIN), spin_value(editor, INCHES_SPIN)) \
        if editor else None
    tap.check(height == (5, 10), 'the editor shows the height as 5 ft 10 in', height)
    key('ctrl+s')  # nothing changed: nothing may be sent (checked on the server)
    tap.check(poll(lambda: find(app_node, 'frame', 'Edit Profile') is None),
              'Ctrl+S with nothing changed closes the editor')
    # What lasts, not the toast that says so (“Saved — will sync when
    # online”), which a loaded machine can take away before it is read.
    waiting = poll(lambda: sync_states(window, WAITING), timeout=30)
    tap.check(waiting, 'the sync state says one change is waiting', sync_states(window, None))
    return True


def check_sections(tap, window, url):
    sections = server_sections(url)
    sidebar = poll(lambda: find(window, 'list', 'Sections'))
    tap.check(sidebar is not None and poll(lambda: find_shown(sidebar, 'list item', 'Today')),
              'signed in, the sidebar shows “Today”')
    for title, section in OPTIONAL_SECTIONS.items():
        row = find(sidebar, 'list item', title) if sidebar else None
        offered = section in sections
        tap.check(sidebar is not None and on_screen(row) == offered,
                  f'the sidebar {"shows" if offered else "hides"} “{title}” '
                  f'(the server {"offers" if offered else "does not offer"} it)')
    admin = find(sidebar, 'list item', 'Admin') if sidebar else None
    tap.check(sidebar is not None and not on_screen(admin), 'no “Admin” for a user who is not staff')


def run(tap, binary, server_binary, artifacts, tmp):
    env = app_env(tmp)

    server, url = start_server(server_binary, os.path.join(tmp, 'server'))
    app = None
    try:
        if not tap.check(url is not None, 'fitcore-server --demo says where it listens'):
            return

        app = start_app(binary, url, env)
        window = wait_window(tap, app, 'first start')
        if window is None or not sign_in(tap, app.pid, window, artifacts):
            return
        check_profile(tap, window, 'signed in')
        check_sections(tap, window, url)
        tap.check(poll(lambda: not alerts(window)), 'no error is left on show')
        screenshot(artifacts, 'ui-account-today.png')
        reject_and_discard(tap, app.pid, find_app(app.pid), window, artifacts)

        # Offline: no server at all, and a new process that must find its
        # session in the keyring and its data in the store.
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)
        key('ctrl+q')
        tap.check(poll(lambda: app.poll() is not None, timeout=10),
                  'Ctrl+Q quits the app')
        stop(app)

        app = start_app(binary, url, imperial_env(env))
        window = wait_window(tap, app, 'second start, server stopped')
        if window is None:
            return
        tap.check(not label_shown(window, 'Welcome to FitCore'),
                  'the app starts signed in, without the welcome page')
        check_profile(tap, window, 'offline, imperial units', PROFILE_IMPERIAL)
        offline = poll(lambda: find_all_shown(window, lambda n: n.name.startswith('Offline') and
                                              n.getRoleName() in ('list item', 'label')),
                       timeout=30)
        tap.check(offline, 'the sync state says “Offline”')
        screenshot(artifacts, 'ui-account-offline.png')

        # A write made offline reaches the server once it is back.
        if not edit_goal_offline(tap, app.pid, find_app(app.pid), window):
            return
        screenshot(artifacts, 'ui-account-saved-offline.png')
        port = int(re.search(r':(\d+)/$', url).group(1))
        server, url_again = start_server(server_binary, os.path.join(tmp, 'server'), port)
        tap.check(url_again == url, f'fitcore-server starts again on {url}', url_again)
        key('ctrl+r')
        tap.check(poll(lambda: find_shown(window, 'label', 'Synced'), timeout=30),
                  'Ctrl+R syncs: the sync state says “Synced”')
        goal = poll(lambda: server_profile(url).get('fitness_goal') == NEW_GOAL, timeout=10)
        profile = server_profile(url)
        tap.check(goal, f'the server has the goal “{NEW_GOAL}”', profile)
        tap.check((profile.get('weight'), profile.get('height')) == (SERVER_KG, SERVER_CM),
                  f'the server has {NEW_POUNDS} lb as {SERVER_KG} kg, and the height '
                  f'{SERVER_CM} cm untouched by the unchanged save', profile)
        set_units(env, 'metric')
        tap.check(poll(lambda: label_shown(window, f'{SERVER_KG:.1f} kg')),
                  f'metric units chosen, the Today page shows “{SERVER_KG:.1f} kg” at once')

        # A server that no longer knows the tokens (a new database and
        # secret key on the same address) ends the session.
        stop(server)
        server, url_again = start_server(server_binary, os.path.join(tmp, 'server-new'), port)
        tap.check(url_again == url, f'a new fitcore-server starts on {url}', url_again)
        key('ctrl+r')
        ended = poll(lambda: SESSION_ENDED in alerts(window), timeout=30)
        tap.check(ended, f'the sign-in form says “{SESSION_ENDED}”', alerts(window))
        email = find_shown(window, 'text', 'Email')
        tap.check(email is not None and entry_text(email) == DEMO_EMAIL,
                  'the e-mail address is filled in', email and entry_text(email))
        screenshot(artifacts, 'ui-account-session-ended.png')
    finally:
        stop(app)
        stop(server)


if __name__ == '__main__':
    sys.exit(main(run, 'account'))
