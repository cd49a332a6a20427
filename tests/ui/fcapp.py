# SPDX-License-Identifier: GPL-3.0-or-later
#
# What the UI tests of the app share beyond AT-SPI (fcatspi.py): a real
# fitcore-server --demo, HTTP to it as the demo user, the app started in a
# throw-away home, signing in through the welcome page, and the script's
# main().

import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.request

from fcatspi import click, find, find_app, find_shown, key, poll, run_test, type_text

# The demo account fitcore-server --demo creates (src/server/main.c).
DEMO_EMAIL = 'demo@fitcore.local'
DEMO_PASSWORD = 'fitcore-demo'


def start_server(binary, data_dir, port=0):
    """fitcore-server --demo on 127.0.0.1; returns (process, base URL)."""
    server = subprocess.Popen([binary, '--demo', '--bind', '127.0.0.1', '--port', str(port),
                               '--data-dir', data_dir],
                              stdout=subprocess.PIPE, text=True)
    url = None
    for line in server.stdout:
        match = re.search(r'listening on (http://127\.0\.0\.1:\d+/)', line)
        if match:
            url = match.group(1)
            break
    # Keep reading, so that the server never blocks on a full pipe.
    threading.Thread(target=lambda: server.stdout.read(), daemon=True).start()
    return server, url


def http(url, method, path, token=None, body=None):
    """api/v1/PATH; returns (status, parsed JSON or the error text)."""
    headers = {'Content-Type': 'application/json'}
    if token:
        headers['Authorization'] = f'Bearer {token}'
    request = urllib.request.Request(url + 'api/v1/' + path, method=method, headers=headers,
                                     data=json.dumps(body).encode() if body is not None else None)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors='replace')


def login(url, email=DEMO_EMAIL, password=DEMO_PASSWORD):
    status, body = http(url, 'POST', 'auth/oauth/login/', body={'email': email,
                                                                'password': password})
    return body['access'] if status == 200 else None


def app_env(tmp):
    """The environment for the app: its own home and XDG folders in tmp, and
    the AT-SPI bridge on (the unit tests turn it off)."""
    env = dict(os.environ)
    env.pop('NO_AT_BRIDGE', None)
    for name in ('HOME', 'XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME'):
        env[name] = os.path.join(tmp, 'app', name.lower())
        os.makedirs(env[name], exist_ok=True)
    return env


def start_app(binary, url, env):
    return subprocess.Popen([binary, f'--server={url}'], env=env)


def wait_window(tap, process, what):
    app = poll(lambda: find_app(process.pid) or process.poll() is not None, timeout=30)
    app = app if app is not True else None
    window = poll(lambda: find(app, 'frame', 'FitCore')) if app else None
    tap.check(window is not None, f'{what}: the window appears in the AT-SPI tree',
              'the app exited' if process.poll() is not None else None)
    return window


def sign_in(tap, pid, window, email=DEMO_EMAIL, password=DEMO_PASSWORD):
    """Signs in through the welcome page, as a person would."""
    button = poll(lambda: find_shown(window, 'push button', 'Sign In'), timeout=20)
    if not tap.check(button is not None, 'signed out, the welcome page offers “Sign In”'):
        return False
    button.queryAction().doAction(0)
    email_entry = poll(lambda: find_shown(window, 'text', 'Email'))
    password_entry = poll(lambda: find_shown(window, 'password text', 'Password'))
    if not tap.check(email_entry is not None and password_entry is not None,
                     'the sign-in form opens'):
        return False
    click(pid, email_entry)
    type_text(email)
    click(pid, password_entry)
    type_text(password)
    key('Return')
    sidebar = poll(lambda: find(window, 'list', 'Sections'), timeout=30)
    return tap.check(sidebar is not None and
                     poll(lambda: find_shown(sidebar, 'list item', 'Today'), timeout=30),
                     f'signed in as {email}, the sidebar shows “Today”')


def main(run, name):
    """The script's main(): argv is FITCORE_BINARY FITCORE_SERVER ARTIFACTS_DIR;
    calls run(tap, binary, server_binary, artifacts, tmp)."""
    binary, server_binary, default_artifacts = sys.argv[1], sys.argv[2], sys.argv[3]
    artifacts = os.environ.get('FITCORE_TEST_ARTIFACTS') or default_artifacts

    def body(tap):
        with tempfile.TemporaryDirectory(prefix=f'fitcore-{name}-') as tmp:
            run(tap, binary, server_binary, artifacts, tmp)

    return run_test(body, artifacts, f'ui-{name}-failure.png')
