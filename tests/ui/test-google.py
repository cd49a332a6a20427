#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# "Continue with Google" end to end: the app under Xvfb, a real
# fitcore-server --demo configured with the fake OpenID provider
# (tests/lib/fc-fake-oidc-main.c), and a "browser" that GIO really
# launches: a .desktop file in the app's $XDG_DATA_HOME whose Exec is a
# Python script, made the handler of http and https by $XDG_CONFIG_HOME/
# mimeapps.list. The script plays the user: it tells the fake whether the
# user consents or cancels, asks the authorize URL the app opened, and
# follows the redirect to the app's loopback port with an HTTP client
# (sometimes with the state changed). The app has no test seam for it.
#
#   test-google.py FITCORE_BINARY FITCORE_SERVER DEFAULT_ARTIFACTS_DIR
#   (FITCORE_FAKE_OIDC names the fake's program)
#
# Checks, on data: the waiting page and the app's Cancel (the loopback port
# closes), Cancel in the browser (the form says so, still signed out, no
# token asked for), a forged state (refused, no token asked for), consent
# (signed in, the server made the account with its profile, the tokens are
# in the keyring and open the profile, a restart stays signed in); a server
# without Google sign-in (the form says so, the button goes); dark and
# 360 px screenshots of the waiting page.

import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

from fcapp import app_env, http, install_browser, main, start_app, start_server, wait_window
from fcatspi import (extents, find, find_shown, first_shown, key, poll, resize, screenshot,
                     stop)

CLIENT_ID = '123456789012-fakefitcore.apps.googleusercontent.com'
GOOGLE_SUB = '104872340000000000077'
GOOGLE_EMAIL = 'gina.google@fitcore.test'
WAITING = 'Continue in Your Browser…'
CANCELLED = 'Signing in with Google was cancelled in the browser.'
REFUSED_STATE = 'did not belong to this sign-in'
UNSUPPORTED = 'This server does not offer signing in with Google.'

BROWSER = r'''#!/usr/bin/python3
# The tests' "browser" (tests/ui/test-google.py): plays the user at the
# fake provider as browser.json says, then follows the redirect.
import json, os, sys, urllib.error, urllib.parse, urllib.request
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, 'browser.json')) as f:
    config = json.load(f)
log = open(os.path.join(here, 'browser.log'), 'a')
url = sys.argv[1]
log.write('launched ' + url + '\n')
log.flush()
mode = config['mode']
if mode == 'idle':
    sys.exit(0)
consent = 'deny' if mode == 'deny' else 'allow %s %s' % (config['sub'], config['email'])
urllib.request.urlopen(urllib.request.Request(config['control'] + '/consent', method='POST',
                                              data=consent.encode()), timeout=20).read()

class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

try:
    urllib.request.build_opener(NoRedirect).open(url, timeout=20)
    log.write('no redirect\n')
    sys.exit(1)
except urllib.error.HTTPError as error:
    location = error.headers['Location']
if mode == 'tamper':
    parts = urllib.parse.urlsplit(location)
    query = dict(urllib.parse.parse_qsl(parts.query))
    query['state'] = 'forged-by-another-page'
    location = urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))
log.write('redirect ' + location + '\n')
try:
    with urllib.request.urlopen(location, timeout=20) as response:
        status, page = response.status, response.read().decode()
except urllib.error.HTTPError as error:
    status, page = error.code, error.read().decode()
log.write('answered %d %s\n' % (status, page.split('<h1>')[-1].split('</h1>')[0]))
'''


def start_fake(binary):
    fake = subprocess.Popen([binary, '--client-id', CLIENT_ID], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    urls = dict(fake.stdout.readline().split() for _ in range(2))
    return fake, urls['issuer'], urls['control']


def fake_count(control, endpoint):
    with urllib.request.urlopen(f'{control}/count/{endpoint}', timeout=20) as response:
        return int(response.read())


class Browser:
    """The .desktop file, mimeapps.list and script in the app's XDG dirs."""

    def __init__(self, env, control):
        self.dir = install_browser(env, BROWSER)
        self.log = os.path.join(self.dir, 'browser.log')
        self.control = control

    def set_mode(self, mode):
        with open(os.path.join(self.dir, 'browser.json'), 'w') as f:
            json.dump({'mode': mode, 'control': self.control, 'sub': GOOGLE_SUB,
                       'email': GOOGLE_EMAIL}, f)

    def lines(self):
        try:
            with open(self.log) as f:
                return [line.rstrip('\n') for line in f]
        except FileNotFoundError:
            return []

    def wait_line(self, prefix, after, timeout=60):
        """The first line starting with prefix among those after the first
        `after` lines."""
        def found():
            return next((line for line in self.lines()[after:] if line.startswith(prefix)), None)
        return poll(found, timeout=timeout)


def port_closed(uri):
    port = urllib.parse.urlsplit(uri).port
    try:
        socket.create_connection(('127.0.0.1', port), timeout=5).close()
        return False
    except ConnectionRefusedError:
        return True


def redirect_uri_of(launched):
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(launched.split(' ', 1)[1]).query))
    return query.get('redirect_uri', '')


def press_google(tap, pid, window, where):
    button = poll(lambda: find_shown(window, 'push button', 'Continue with Google'), timeout=20)
    if not tap.check(button is not None, f'{where} offers “Continue with Google”'):
        return False
    button.queryAction().doAction(0)
    return True


def banner_with(window, text):
    return first_shown(window, lambda n: text in (n.name or ''))


def signed_in(window, timeout=30):
    sidebar = poll(lambda: find(window, 'list', 'Sections'), timeout=timeout)
    return sidebar is not None and poll(lambda: find_shown(sidebar, 'list item', 'Today'),
                                        timeout=timeout)


def narrow_dark_and_unsupported(tap, binary, url, env, browser, control, artifacts):
    """The waiting page in the dark style at 360 px and its Cancel, against
    a server without Google sign-in (501), which the user only learns by
    trying: then the form says so and the button goes."""
    env = dict(env, ADW_DEBUG_COLOR_SCHEME='prefer-dark')
    app = start_app(binary, url, env)
    try:
        window = wait_window(tap, app, 'dark, narrow')
        if window is None:
            return
        resize(app.pid, 360, 720)
        browser.set_mode('idle')
        before = len(browser.lines())
        if not press_google(tap, app.pid, window, 'the dark welcome page'):
            return
        cancel = poll(lambda: find_shown(window, 'push button', 'Cancel'), timeout=30)
        launched = browser.wait_line('launched ', before)
        # The waiting page slides in from the right: Cancel is shown before it
        # is in place, so wait for where it comes to rest.
        tap.check(cancel is not None and
                  poll(lambda: extents(cancel).x + extents(cancel).width <= 360, timeout=10),
                  'at 360 px the waiting page’s Cancel fits the window',
                  extents(cancel) if cancel is not None else None)
        time.sleep(1)
        screenshot(artifacts, 'ui-google-waiting-dark-narrow.png')
        if cancel is not None:
            cancel.queryAction().doAction(0)
        tap.check(launched is not None and poll(lambda: port_closed(redirect_uri_of(launched))),
                  'dark: Cancel closes the loopback port')

        tokens = fake_count(control, 'token')
        browser.set_mode('allow')
        press_google(tap, app.pid, window, 'the dark welcome page again')
        banner = poll(lambda: banner_with(window, UNSUPPORTED), timeout=60)
        tap.check(banner is not None and fake_count(control, 'token') == tokens + 1,
                  f'a server without Google sign-in (501): “{UNSUPPORTED}…”')
        time.sleep(1)
        screenshot(artifacts, 'ui-google-unsupported-dark-narrow.png')
        tap.check(find_shown(window, 'push button', 'Continue with Google') is None and
                  find_shown(window, 'list item', 'Today') is None,
                  'and the form no longer offers it; still signed out')
        key('ctrl+q')
        poll(lambda: app.poll() is not None, timeout=10)
    finally:
        stop(app)


def run(tap, binary, server_binary, artifacts, tmp):
    fake, issuer, control = start_fake(os.environ['FITCORE_FAKE_OIDC'])
    server, url = start_server(server_binary, os.path.join(tmp, 'server'),
                               config=f'[server]\ngoogle_client_id={CLIENT_ID}\n'
                                      f'google_issuer={issuer}\n')
    plain, plain_url = start_server(server_binary, os.path.join(tmp, 'plain-server'))
    app = None
    try:
        env = app_env(tmp)
        env['FITCORE_GOOGLE_ISSUER'] = issuer
        env['FITCORE_GOOGLE_CLIENT_ID'] = CLIENT_ID
        browser = Browser(env, control)

        narrow_dark_and_unsupported(tap, binary, plain_url, env, browser, control, artifacts)

        exchanged = fake_count(control, 'token')  # by the unsupported server's try
        app = start_app(binary, url, env)
        window = wait_window(tap, app, 'start')
        if window is None:
            return

        # The app's own Cancel while the browser is open.
        browser.set_mode('idle')
        before = len(browser.lines())
        if not press_google(tap, app.pid, window, 'the welcome page'):
            return
        waiting = poll(lambda: find_shown(window, 'label', WAITING), timeout=30)
        tap.check(waiting is not None, f'the app waits: “{WAITING}”')
        launched = browser.wait_line('launched ', before)
        tap.check(launched is not None and launched.startswith(f'launched {issuer}/o/oauth2/v2/auth?'),
                  'GIO launched the .desktop browser with the fake’s authorize URL', launched)
        redirect = redirect_uri_of(launched) if launched else ''
        tap.check(redirect.startswith('http://127.0.0.1:') and not port_closed(redirect),
                  'the app listens on its 127.0.0.1 redirect', redirect)
        time.sleep(1)
        screenshot(artifacts, 'ui-google-waiting.png')
        cancel = find_shown(window, 'push button', 'Cancel')
        if cancel is not None:
            cancel.queryAction().doAction(0)
        tap.check(poll(lambda: port_closed(redirect), timeout=20),
                  'the app’s Cancel closes the loopback port')
        tap.check(poll(lambda: find_shown(window, 'label', 'Welcome to FitCore'), timeout=20)
                  is not None, 'and the welcome page is back')

        # Cancel in the browser.
        browser.set_mode('deny')
        before = len(browser.lines())
        press_google(tap, app.pid, window, 'the welcome page again')
        banner = poll(lambda: banner_with(window, CANCELLED), timeout=60)
        tap.check(banner is not None, f'Cancel in the browser: the form says “{CANCELLED}”')
        answered = browser.wait_line('answered ', before)
        tap.check(answered == 'answered 200 Sign-In Cancelled',
                  'the browser was told the sign-in was cancelled', answered)
        time.sleep(1)
        screenshot(artifacts, 'ui-google-cancelled.png')
        tap.check(find_shown(window, 'list item', 'Today') is None and
                  fake_count(control, 'token') == exchanged,
                  'still signed out, and no token was asked for')

        # A redirect whose state is not the app's, from the sign-in form.
        browser.set_mode('tamper')
        before = len(browser.lines())
        press_google(tap, app.pid, window, 'the sign-in form')
        banner = poll(lambda: banner_with(window, REFUSED_STATE), timeout=60)
        answered = browser.wait_line('answered ', before)
        tap.check(banner is not None and answered == 'answered 400 Sign-In Refused',
                  'a forged state is refused, in the form and in the browser', answered)
        tap.check(find_shown(window, 'list item', 'Today') is None and
                  fake_count(control, 'token') == exchanged,
                  'still signed out, and the forged code was never exchanged')

        # Consent.
        browser.set_mode('allow')
        before = len(browser.lines())
        press_google(tap, app.pid, window, 'the sign-in form')
        tap.check(signed_in(window, timeout=60), 'consent: the app is signed in (Today shows)')
        tap.check(poll(lambda: find_shown(window, 'label', 'Hello, Gina'), timeout=30) is not None,
                  'Today greets the new account by its Google given name')
        answered = browser.wait_line('answered ', before)
        tap.check(answered == 'answered 200 Signed In to Google',
                  'the browser was told it can close the tab', answered)
        tap.check(fake_count(control, 'token') == exchanged + 1, 'the code was exchanged once')

        # The access token as FcCredentials stored it (src/client/fc-credentials.c).
        lookup = subprocess.run(['secret-tool', 'lookup', 'xdg:schema', 'org.fitcore.FitCore.Token',
                                 'account', GOOGLE_EMAIL, 'kind', 'access'],
                                capture_output=True, text=True)
        tokens = {'access': lookup.stdout.strip()} if lookup.stdout.strip() else {}
        profile = http(url, 'GET', 'auth/profile/', tokens.get('access'))
        tap.check(profile[0] == 200 and profile[1]['user']['email'] == GOOGLE_EMAIL,
                  'the keyring holds the access token, which opens the new account’s profile '
                  'on the server', (sorted(tokens), lookup.stderr, profile))

        key('ctrl+q')
        poll(lambda: app.poll() is not None, timeout=10)
        stop(app)

        # A restart stays signed in, from the keyring.
        app = start_app(binary, url, env)
        window = wait_window(tap, app, 'restart')
        tap.check(window is not None and signed_in(window),
                  'after a restart the app is still signed in')
        greeting = poll(lambda: find_shown(window, 'label', 'Hello, Gina'), timeout=30)
        tap.check(greeting is not None,
                  'and greets the Google account by the name its token gave (“Hello, Gina”)')
        key('ctrl+q')
        poll(lambda: app.poll() is not None, timeout=10)
    finally:
        stop(app)
        stop(server)
        stop(plain)
        stop(fake)


if __name__ == '__main__':
    sys.exit(main(run, 'google'))
