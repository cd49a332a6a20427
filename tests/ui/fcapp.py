# SPDX-License-Identifier: GPL-3.0-or-later
#
# What the UI tests of the app share beyond AT-SPI (fcatspi.py): a real
# fitcore-server --demo, HTTP to it as the demo user, the app started in a
# throw-away home with criticals fatal and its log kept, the date it takes
# as today, signing in through the welcome page, and the script's main(),
# which fails a test whose app logged a GLib or GTK warning or critical.

import datetime
import json
import os
import re
import signal
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


def start_server(binary, data_dir, port=0, config=None):
    """fitcore-server --demo on 127.0.0.1; returns (process, base URL).
    config: the text of a settings key file ("[server]\nkey=value\n")."""
    args = [binary, '--demo', '--bind', '127.0.0.1', '--port', str(port), '--data-dir', data_dir]
    if config is not None:
        path = data_dir.rstrip('/') + '.conf'
        with open(path, 'w') as f:
            f.write(config)
        args += ['--config', path]
    server = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
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


def today():
    """The day the app under test takes as today: $FITCORE_TODAY, which
    tests/ui/meson.build sets for builds that honour it (src/core/fc-time.c),
    else the clock's."""
    fixed = os.environ.get('FITCORE_TODAY')
    return datetime.date.fromisoformat(fixed) if fixed else datetime.date.today()


def app_env(tmp):
    """The environment for the app: its own home and XDG folders in tmp, the
    AT-SPI bridge on (the unit tests turn it off), and criticals fatal, so a
    failed g_return_if_fail() stops the test where it happens."""
    env = dict(os.environ)
    env.pop('NO_AT_BRIDGE', None)
    for name in ('HOME', 'XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME'):
        env[name] = os.path.join(tmp, 'app', name.lower())
        os.makedirs(env[name], exist_ok=True)
    flags = [f for f in env.get('G_DEBUG', '').split(',') if f]
    env['G_DEBUG'] = ','.join(flags + ['fatal-criticals'])
    return env


# GLib's log lines: "(fitcore:42): Gtk-WARNING **: 06:01:40.043: ..." and,
# without a domain, "** (fitcore:42): CRITICAL **: ...".
LOG_PROBLEM = re.compile(r'(?:^|[\s-])(WARNING|CRITICAL|ERROR) \*\*:')
# Every app this test started: (name, log path, process).
_apps = []
_test_name = 'ui'


def install_browser(env, script):
    """Makes a "browser" the app's http and https handler the way a desktop
    does: a .desktop file in the app's $XDG_DATA_HOME whose Exec runs the
    Python text @script with the URL, named the default in
    $XDG_CONFIG_HOME/mimeapps.list, so GIO (or the OpenURI portal) really
    launches it. Returns the folder the script lives in."""
    folder = os.path.join(env['XDG_DATA_HOME'], 'fc-test-browser')
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, 'browser.py')
    with open(path, 'w') as f:
        f.write(script)
    applications = os.path.join(env['XDG_DATA_HOME'], 'applications')
    os.makedirs(applications, exist_ok=True)
    with open(os.path.join(applications, 'fc-test-browser.desktop'), 'w') as f:
        f.write('[Desktop Entry]\nType=Application\nName=FitCore Test Browser\n'
                f'Exec=/usr/bin/python3 {path} %u\nNoDisplay=true\n'
                'MimeType=x-scheme-handler/http;x-scheme-handler/https;\n')
    with open(os.path.join(env['XDG_CONFIG_HOME'], 'mimeapps.list'), 'w') as f:
        f.write('[Default Applications]\n'
                'x-scheme-handler/http=fc-test-browser.desktop\n'
                'x-scheme-handler/https=fc-test-browser.desktop\n')
    return folder


def set_test_name(name):
    """Names the app logs ui-NAME-app-N.log; FITCORE_UI_VARIANT (a run of
    the same test on another date) is added to NAME."""
    global _test_name
    variant = os.environ.get('FITCORE_UI_VARIANT')
    _test_name = f'{name}-{variant}' if variant else name


def start_app(binary, url, env):
    """Starts the app with its stdout and stderr in
    ARTIFACTS/ui-NAME-app-N.log, where main() looks for warnings."""
    artifacts = os.environ.get('FITCORE_TEST_ARTIFACTS') or tempfile.gettempdir()
    os.makedirs(artifacts, exist_ok=True)
    path = os.path.join(artifacts, f'ui-{_test_name}-app-{len(_apps) + 1}.log')
    with open(path, 'w') as log:
        args = [binary] + ([f'--server={url}'] if url else [])
        process = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT)
    if os.environ.get('FITCORE_UI_GDB'):
        # For a backtrace of a fatal critical: gdb waits beside the app
        # and writes where it stopped to LOG.gdb.
        with open(path + '.gdb', 'w') as gdb_log:
            subprocess.Popen(['gdb', '-q', '-batch', '-p', str(process.pid),
                              '-ex', 'handle SIGPIPE SIGUSR1 SIGUSR2 nostop noprint',
                              '-ex', 'continue', '-ex', 'bt'],
                             stdout=gdb_log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    _apps.append((path, process))
    print(f'# app {len(_apps)} (pid {process.pid}) logs to {path}', flush=True)
    return process


def log_problems(path):
    with open(path, errors='replace') as log:
        return [line.rstrip() for line in log if LOG_PROBLEM.search(line)]


def check_apps(tap):
    """Every app this test started logged no GLib/GTK warning or critical
    and ended as the test ended it (Ctrl+Q or SIGTERM), never by a signal of
    its own (a fatal critical is SIGTRAP)."""
    problems, crashes = [], []
    for path, process in _apps:
        if process.poll() is None:
            continue  # still running: the test's finally stops it first
        problems += [f'{os.path.basename(path)}: {line}' for line in log_problems(path)]
        if process.returncode not in (0, -signal.SIGTERM):
            crashes.append(f'{os.path.basename(path)}: exit status {process.returncode}')
    tap.check(not crashes, f'each of the {len(_apps)} app runs ended normally', '\n'.join(crashes))
    tap.check(not problems, 'the app logged no GLib or GTK warning or critical',
              '\n'.join(problems[:30]))
    if tap.failed:
        for path, _ in _apps:
            with open(path, errors='replace') as log:
                tail = log.readlines()[-25:]
            print(f'# last lines of {path}:', flush=True)
            for line in tail:
                print(f'#   {line.rstrip()}', flush=True)


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
    calls run(tap, binary, server_binary, artifacts, tmp), then checks the
    logs of the apps it started."""
    binary, server_binary, default_artifacts = sys.argv[1], sys.argv[2], sys.argv[3]
    artifacts = os.environ.get('FITCORE_TEST_ARTIFACTS') or default_artifacts
    os.environ['FITCORE_TEST_ARTIFACTS'] = artifacts
    set_test_name(name)
    print(f'# today is {today()} for the app'
          + (' (FITCORE_TODAY)' if os.environ.get('FITCORE_TODAY') else ''), flush=True)

    def body(tap):
        with tempfile.TemporaryDirectory(prefix=f'fitcore-{name}-') as tmp:
            try:
                run(tap, binary, server_binary, artifacts, tmp)
            finally:
                check_apps(tap)

    return run_test(body, artifacts, f'ui-{_test_name}-failure.png')
