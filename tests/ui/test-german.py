#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The app in German against a real fitcore-server --demo: signed in as the
# demo user, each main page (Today, Workouts and a workout, Nutrition's
# Plans, Meals and Foods, Health, Notifications), the main menu,
# Preferences and the Keyboard Shortcuts window are walked through AT-SPI,
# and no name, description or text on screen may be one of the app's
# English messages that German translates differently. The English
# messages are extracted from the sources now (as
# tests/unit/check-translations.py does), so a message missing from
# po/de.po fails here; user data (a food's name) is not a message and does
# not count. Then a short pass in Spanish: the window's title and the
# sidebar's rows. Screenshots in German at the default size and at 360 px.
# Prints TAP.
#
#   test-german.py FITCORE_BINARY FITCORE_SERVER DEFAULT_ARTIFACTS_DIR SOURCE_ROOT
#
# Needs the de_DE.UTF-8 and es_ES.UTF-8 locales (Debian: the locales
# package, then localedef -i de_DE -f UTF-8 de_DE.UTF-8, the same for
# es_ES) and the translations built in $FITCORE_LOCALEDIR (build/po).

import gettext
import importlib.util
import os
import re
import subprocess
import sys
import tempfile
import time

from fcapp import app_env, http, login, main, start_app, start_server, wait_window
from fcatspi import (click, extents, find, find_all, find_all_shown, find_app, find_shown,
                     first_shown, key, poll, resize, screenshot, stop, type_text)

# A mnemonic's underscore ("_Save") is not in the accessible name ("Save");
# an identifier's ("google_client_id") is.
MNEMONIC = re.compile(r'(?<![A-Za-z0-9])_(?=\w)')
FORMAT = re.compile(r'%(?:\d+\$)?[-#0 +\']*\d*(?:\.\d+)?(?:hh|h|ll|l|z|j|t|L)?[diouxXeEfFgGcsp%]|'
                     r'%<PRI[diux]64>')


def plain(text):
    return MNEMONIC.sub('', text)


ESCAPES = {'n': '\n', 't': '\t', '"': '"', '\\': '\\'}


def unescape(text):
    if text is None:
        return None
    return re.sub(r'\\(.)', lambda m: ESCAPES.get(m.group(1), m.group(0)), text)


def pot_messages(root):
    """[(context, msgid, msgid_plural)] of the sources, extracted now."""
    spec = importlib.util.spec_from_file_location(
        'check_translations', os.path.join(root, 'tests', 'unit', 'check-translations.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, 'fitcore.pot')
        result = module.extract(root, pot)
        if result.returncode != 0:
            raise RuntimeError(result.stderr)
        # msgcat --no-wrap puts each string on one line.
        text = subprocess.run(['msgcat', '--no-wrap', pot], capture_output=True, text=True,
                              check=True).stdout
    messages = []
    for block in text.split('\n\n'):
        fields = dict(re.findall(r'^(msgctxt|msgid|msgid_plural) "(.*)"$', block, re.M))
        if fields.get('msgid'):
            messages.append((unescape(fields.get('msgctxt')), unescape(fields['msgid']),
                             unescape(fields.get('msgid_plural'))))
    return messages


class English:
    """The English messages that look different in German, to tell them
    apart on screen: exact ones, and patterns for those with a format."""

    def __init__(self, messages, catalog):
        self.exact = {}
        self.patterns = []
        for context, msgid, plural in messages:
            key_of = (lambda s: f'{context}\x04{s}') if context else (lambda s: s)
            if plural is None:
                pairs = [(msgid, catalog.get(key_of(msgid)))]
            else:
                pairs = [(msgid, catalog.get((key_of(msgid), 0))),
                         (plural, catalog.get((key_of(msgid), 1)))]
            for english, german in pairs:
                if german is not None and plain(german) == plain(english):
                    continue  # the same in both ("FitCore", "Premium", "%s: %s")
                self.add(english, german)

    def add(self, english, german):
        literal = FORMAT.sub('', english)
        if not FORMAT.search(english):
            # One letter ("W", a meal time's mark) is also a key on a
            # shortcut's keycap: too short to tell a language by.
            if len(plain(english)) > 1:
                self.exact[plain(english)] = german
            return
        # Only a message with words of its own: "%s: %s" matches anything.
        if len(re.findall(r'[A-Za-z]', literal)) < 5:
            return
        self.patterns.append((self.regex(english), self.regex(german) if german else None,
                              english))

    @staticmethod
    def regex(message):
        parts = FORMAT.split(plain(message))
        return re.compile('.+?'.join(re.escape(p) for p in parts), re.S)

    def leftover(self, text):
        """The English message text is, or None."""
        if text in self.exact:
            return text
        for english, german, message in self.patterns:
            if english.fullmatch(text) and not (german and german.fullmatch(text)):
                return message
        return None


def texts(node):
    out = []
    for getter in (lambda n: n.name, lambda n: n.description):
        try:
            value = getter(node)
        except Exception:
            value = None
        if value:
            out.append(value)
    try:
        if node.getRoleName() not in ('text', 'password text', 'entry'):
            text = node.queryText()
            value = text.getText(0, text.characterCount)
            if value:
                out.append(value)
    except Exception:
        pass
    # A label of several lines may hold one message a line.
    return {t for value in out for t in [value.strip()] + value.strip().split('\n') if t}


def check_page(tap, english, root, page, settle=None):
    """Walks what root shows; fails on any English message."""
    if settle is not None:
        poll(settle, timeout=30)
    time.sleep(1.0)
    found = {}
    seen = 0
    for node in find_all_shown(root, lambda n: True):
        for text in texts(node):
            seen += 1
            message = english.leftover(text)
            if message is not None:
                found[text] = f'{node.getRoleName()} “{text}” (msgid “{message}”)'
    tap.check(seen > 10 and not found,
              f'{page}: none of the {seen} names and texts on screen is an English message',
              '\n'.join(sorted(found.values())) if found else f'only {seen} texts on screen')
    return found


def sign_in(tap, pid, window, t):
    button = poll(lambda: find_shown(window, 'push button', plain(t('_Sign In'))) or
                  find_shown(window, 'push button', t('Sign In')), timeout=30)
    if not tap.check(button is not None, f'the welcome page offers “{t("Sign In")}”'):
        return None
    button.queryAction().doAction(0)
    email = poll(lambda: find_shown(window, 'text', plain(t('_Email'))))
    password = poll(lambda: find_shown(window, 'password text', plain(t('_Password'))))
    if not tap.check(email is not None and password is not None,
                     f'the sign-in form opens with “{plain(t("_Email"))}”'):
        return None
    click(pid, email)
    type_text('demo@fitcore.local')
    click(pid, password)
    type_text('fitcore-demo')
    key('Return')
    sidebar = poll(lambda: find(window, 'list', t('Sections')), timeout=30)
    ok = sidebar is not None and poll(lambda: find_shown(sidebar, 'list item', t('Today')),
                                      timeout=30)
    tap.check(ok, f'signed in, the sidebar “{t("Sections")}” shows “{t("Today")}”')
    return sidebar if ok else None


def section(tap, pid, window, sidebar, t, name):
    row = poll(lambda: find_shown(sidebar, 'list item', t(name)))
    if not tap.check(row is not None, f'the sidebar has “{t(name)}”'):
        return False
    click(pid, row)
    return True


def locale_missing(name):
    available = subprocess.run(['locale', '-a'], capture_output=True, text=True).stdout.split()
    wanted = name.lower().replace('utf-8', 'utf8')
    return not any(a.lower().replace('utf-8', 'utf8') == wanted for a in available)


def run_german(tap, binary, url, env, english, t, artifacts):
    app = start_app(binary, url, env)
    try:
        window = wait_window(tap, app, 'German')
        if window is None:
            return
        pid = app.pid
        app_node = find_app(pid)
        sidebar = sign_in(tap, pid, window, t)
        if sidebar is None:
            return
        status, body = http(url, 'GET', 'workouts/workouts/', login(url))
        workouts = body['results'] if status == 200 else []

        check_page(tap, english, window, t('Today'),
                   lambda: find_shown(window, 'label', t('Synced')))
        screenshot(artifacts, 'ui-german-today.png')

        if section(tap, pid, window, sidebar, t, 'Workouts'):
            title = workouts[0]['title'] if workouts else None
            check_page(tap, english, window, t('Workouts'),
                       lambda: title and first_shown(window, lambda n: n.name.startswith(title)))
            screenshot(artifacts, 'ui-german-workouts.png')
            card = first_shown(window, lambda n: title and n.name.startswith(title + ', '))
            if card is not None:
                click(pid, card)
                back = poll(lambda: find_shown(window, 'push button', t('All Workouts')))
                if tap.check(back is not None, f'a workout opens with “{t("All Workouts")}”'):
                    check_page(tap, english, window, 'a workout')
                    back.queryAction().doAction(0)

        if section(tap, pid, window, sidebar, t, 'Nutrition'):
            for view in ('Plans', 'Meals', 'Foods'):
                tab = poll(lambda: first_shown(window, lambda n: n.name == t(view) and
                                               n.getRoleName() in ('page tab', 'push button',
                                                                   'radio button',
                                                                   'toggle button')))
                if not tap.check(tab is not None, f'Nutrition offers “{t(view)}”'):
                    continue
                click(pid, tab)
                check_page(tap, english, window, f'{t("Nutrition")}, {t(view)}')
                screenshot(artifacts, f'ui-german-{view.lower()}.png')

        if section(tap, pid, window, sidebar, t, 'Health'):
            check_page(tap, english, window, t('Health'))
            screenshot(artifacts, 'ui-german-health.png')

        if section(tap, pid, window, sidebar, t, 'Notifications'):
            check_page(tap, english, window, t('Notifications'))

        # The main menu: a popover, a surface of its own in the tree.
        menu = poll(lambda: first_shown(window, lambda n: n.name == t('Main Menu') and
                                        n.getRoleName() in ('push button', 'toggle button')))
        if tap.check(menu is not None, f'the header bar has “{t("Main Menu")}”'):
            click(pid, menu)
            items = poll(lambda: [n for n in find_all(app_node, lambda n: n.getRoleName() ==
                                                      'menu item') if n.name], timeout=20)
            names = sorted({n.name for n in items or []})
            leftovers = [n for n in names if english.leftover(plain(n))]
            tap.check(items and not leftovers and plain(t('_Preferences')) in names,
                      f'the main menu’s {len(names)} items are German, among them '
                      f'“{plain(t("_Preferences"))}”', leftovers or names)
            key('Escape')

        key('ctrl+comma')
        preferences = poll(lambda: find(app_node, 'frame', t('Preferences')))
        if tap.check(preferences is not None, f'Ctrl+, opens “{t("Preferences")}”'):
            check_page(tap, english, preferences, t('Preferences'))
            screenshot(artifacts, 'ui-german-preferences.png')
            key('Escape')
            poll(lambda: find(app_node, 'frame', t('Preferences')) is None)

        key('ctrl+question')
        shortcuts = poll(lambda: next((f for f in app_node if f is not None and
                                       f.getRoleName() == 'frame' and
                                       f.name not in ('FitCore',)), None))
        if tap.check(shortcuts is not None, 'Ctrl+? opens the Keyboard Shortcuts window'):
            tap.check(shortcuts.name == t('Keyboard Shortcuts'),
                      f'its title is “{t("Keyboard Shortcuts")}”', shortcuts.name)
            check_page(tap, english, shortcuts, t('Keyboard Shortcuts'))
            screenshot(artifacts, 'ui-german-shortcuts.png')
            key('Escape')
            poll(lambda: not any(f is not None and f.getRoleName() == 'frame' and
                                 f.name != 'FitCore' for f in app_node), timeout=10)

        # Long German words at 360 px: each page's content stays inside the
        # window (ellipsized or wrapped), nothing pushes it wider. A folded
        # leaflet moves the sidebar off the window but keeps its nodes'
        # sizes, so each section is chosen at the default size first.
        for name in ('Today', 'Workouts', 'Nutrition', 'Health', 'Notifications'):
            if not section(tap, pid, window, sidebar, t, name):
                continue
            time.sleep(1.0)
            resize(pid, 360, 720)
            narrow = poll(lambda: extents(window).width <= 400, timeout=10)
            title = poll(lambda: first_shown(window, lambda n: n.getRoleName() == 'label' and
                                             n.name == t(name) and 0 <= extents(n).x < 360),
                         timeout=10)
            time.sleep(1.0)
            width = extents(window).width
            path = screenshot(artifacts, f'ui-german-{name.lower()}-360.png')
            tap.check(narrow and title is not None and width <= 400,
                      f'at 360 px, “{t(name)}” is shown and keeps the window {width} px wide '
                      f'(see {path})')
            resize(pid, 1024, 720)
            poll(lambda: extents(window).width > 900, timeout=10)
    finally:
        stop(app)


def run_spanish(tap, binary, url, env, t):
    app = start_app(binary, url, env)
    try:
        window = wait_window(tap, app, 'Spanish')
        if window is None:
            return
        sidebar = poll(lambda: find(window, 'list', t('Sections')), timeout=30)
        rows = [t(n) for n in ('Today', 'Workouts', 'Nutrition', 'Health', 'Notifications')]
        shown = poll(lambda: sidebar and all(find_shown(sidebar, 'list item', r) for r in rows),
                     timeout=30)
        tap.check(shown, f'in Spanish the sidebar “{t("Sections")}” shows {", ".join(rows)}',
                  [n.name for n in find_all(window, lambda n: n.getRoleName() == 'list item')]
                  [:20])
        app_node = find_app(app.pid)
        key('ctrl+comma')
        preferences = poll(lambda: find(app_node, 'frame', t('Preferences')))
        tap.check(preferences is not None and t('Preferences') != 'Preferences',
                  f'in Spanish Ctrl+, opens “{t("Preferences")}”')
        key('Escape')
    finally:
        stop(app)


def run(tap, binary, server_binary, artifacts, tmp):
    root = sys.argv[4]
    localedir = os.environ.get('FITCORE_LOCALEDIR')
    for name in ('de_DE.UTF-8', 'es_ES.UTF-8'):
        if not tap.check(not locale_missing(name), f'the locale {name} exists',
                         f'`locale -a` lacks {name}: on Debian install the locales package and '
                         f'run `localedef -i {name.split(".")[0]} -f UTF-8 {name}`'):
            return
    mo = {lang: os.path.join(localedir or '', lang, 'LC_MESSAGES', 'fitcore.mo')
          for lang in ('de', 'es')}
    for lang, path in mo.items():
        if not tap.check(localedir and os.path.exists(path),
                         f'the {lang} translations are built ({path})'):
            return
    catalogs = {lang: gettext.GNUTranslations(open(path, 'rb')) for lang, path in mo.items()}
    english = English(pot_messages(root), catalogs['de']._catalog)
    tap.check(len(english.exact) > 500,
              f'{len(english.exact)} English messages (and {len(english.patterns)} with a '
              'format) look different in German')

    server, url = start_server(server_binary, os.path.join(tmp, 'server'))
    try:
        if not tap.check(url is not None, 'fitcore-server --demo says where it listens'):
            return
        env = app_env(tmp)
        env.update(LANGUAGE='de', LANG='de_DE.UTF-8', LC_ALL='de_DE.UTF-8')
        run_german(tap, binary, url, env, english, catalogs['de'].gettext, artifacts)
        # The same home: signed in already, now in Spanish.
        env.update(LANGUAGE='es', LANG='es_ES.UTF-8', LC_ALL='es_ES.UTF-8')
        run_spanish(tap, binary, url, env, catalogs['es'].gettext)
    finally:
        stop(server)


if __name__ == '__main__':
    sys.exit(main(run, 'german'))
