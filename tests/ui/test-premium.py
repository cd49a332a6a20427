#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Premium end to end, as a person would: a real fitcore-server --demo
# configured with the fake Stripe (tests/lib/fc-fake-stripe-main.c, the same
# fake the C payments tests use), and a "browser" that GIO really launches:
# a .desktop file in the app's $XDG_DATA_HOME, made the handler of http and
# https by $XDG_CONFIG_HOME/mimeapps.list, whose script only writes down
# the URL it was given. The test then plays the user paying at that URL: it
# asks the fake to complete the session, and the fake sends Stripe's signed
# webhooks to the server. The app has no test seam for any of it.
#
#   test-premium.py FITCORE_BINARY FITCORE_SERVER DEFAULT_ARTIFACTS_DIR
#   (FITCORE_FAKE_STRIPE names the fake's program)
#
# Checks, on data: a premium workout's videos are locked; its lock opens
# the Premium page, which lists the server's plans and prices; Subscribe
# opens the checkout URL in the browser; the payment makes the page say
# Active and unlocks the workout's videos in the running app (the player
# opens on one); Cancel, confirmed, says Cancelled with the end date and
# keeps the videos (after a failed renewal showed its banner, and a paid
# one cleared it); the server restarted with its clock past that date
# (test_clock_offset), the menu's Premium… says the period ended and the
# videos lock again. Screenshots: light, dark, and 360 px wide.

import datetime
import os
import re
import subprocess
import sys
import time
import urllib.request

from fcapp import (app_env, http, install_browser, login, main, sign_in, start_app, start_server,
                   wait_window)
from fcatspi import (click, extents, find, find_all, find_app, first_shown, key, on_screen, poll,
                     screenshot, stop)

SECRET_KEY = 'sk_test_FAKEfitcoreSecretKey4242'
WEBHOOK_SECRET = 'whsec_FAKEfitcoreWebhookSecret4242'
PRICE_MONTHLY = 'price_T_monthly_999'
PRICE_LIFETIME = 'price_T_lifetime_14900'
PAGE = 'Premium'  # the window's title
WAITING = 'Waiting for the payment in your browser…'
BANNER = 'Your last payment failed. Update your card to keep Premium.'
LOCK_HINT = re.compile(r'^\d+ videos? needs? FitCore Premium')

# The browser: it writes down what it was asked to open, nothing more.
BROWSER = r'''#!/usr/bin/python3
import os, sys
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'opened.log'), 'a') as log:
    log.write(sys.argv[1] + '\n')
'''


def install_recording_browser(env):
    """Installs the browser; returns the file it writes the URLs to."""
    return os.path.join(install_browser(env, BROWSER), 'opened.log')


def opened(log):
    try:
        with open(log) as f:
            return [line.strip() for line in f if line.strip()]
    except FileNotFoundError:
        return []


def start_fake(binary):
    fake = subprocess.Popen([binary, '--secret-key', SECRET_KEY, '--webhook-secret', WEBHOOK_SECRET,
                             '--price-monthly', PRICE_MONTHLY, '--price-lifetime', PRICE_LIFETIME],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    urls = dict(fake.stdout.readline().split() for _ in range(2))
    return fake, urls['stripe'], urls['control']


def control(base, path, value):
    request = urllib.request.Request(base + path, method='POST', data=str(value).encode())
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def server_config(stripe, clock_offset=0):
    return ('[server]\n'
            f'stripe_api_base={stripe}/\n'
            f'stripe_secret_key={SECRET_KEY}\n'
            f'stripe_webhook_secret={WEBHOOK_SECRET}\n'
            f'stripe_price_monthly={PRICE_MONTHLY}\n'
            f'stripe_price_lifetime={PRICE_LIFETIME}\n'
            'checkout_success_url=https://fitcore.test/premium/done\n'
            'checkout_cancel_url=https://fitcore.test/premium/cancelled\n'
            f'test_clock_offset={clock_offset}\n')


def api(url, path):
    status, body = http(url, 'GET', path, login(url))
    if status != 200:
        raise RuntimeError(f'GET {path}: {status} {body}')
    return body


def money(amount, currency):
    symbol = {'usd': '$', 'eur': '€', 'gbp': '£'}.get(currency.lower())
    number = f'{amount // 100}.{amount % 100:02d}'
    return symbol + number if symbol else f'{currency.upper()} {number}'


def day(iso):
    when = datetime.datetime.fromisoformat(iso.replace('Z', '+00:00'))
    return f'{when:%B} {when.day}, {when.year}'


def shown(root, text):
    """A node with that name that has a place on screen."""
    return first_shown(root, lambda n: n.name == text)


def button(root, text):
    return first_shown(root, lambda n: n.getRoleName() == 'push button' and n.name == text)


def shown_matching(root, pattern):
    return [n.name for n in find_all(root, lambda n: bool(pattern.search(n.name or ''))
                                     and on_screen(n))]


def card(window, title):
    return first_shown(window, lambda n: (n.name or '').startswith(title + ', '))


def press(pid, node):
    """List rows expose no AT-SPI action in GTK 4.8: those are clicked."""
    try:
        node.queryAction().doAction(0)
    except Exception:
        click(pid, node)


def x_window(title):
    out = subprocess.run(['xdotool', 'search', '--onlyvisible', '--name', f'^{re.escape(title)}$'],
                         capture_output=True, text=True).stdout.split()
    return out[0] if out else None


def open_from_menu(tap, app_node, window):
    """The header bar's Main Menu, then P_remium… by its mnemonic, as a
    keyboard user picks it (a popover is a surface of its own: window
    coordinates do not place the mouse on its items)."""
    menu = poll(lambda: first_shown(window, lambda n: n.name == 'Main Menu' and
                                    n.getRoleName() in ('push button', 'toggle button')))
    if not tap.check(menu is not None, 'the header bar has a “Main Menu”'):
        return None
    click(app_node.get_process_id(), menu)
    item = poll(lambda: next(iter(find_all(app_node, lambda n: n.getRoleName() == 'menu item'
                                           and n.name == 'Premium…')), None), timeout=20)
    if not tap.check(item is not None, 'the main menu offers “Premium…”'):
        key('Escape')
        return None
    time.sleep(0.3)
    key('r')
    return poll(lambda: find(app_node, 'frame', PAGE), timeout=20)


def run(tap, binary, server_binary, artifacts, tmp):
    fake, stripe, control_url = start_fake(os.environ['FITCORE_FAKE_STRIPE'])
    data_dir = os.path.join(tmp, 'server')
    server, url = start_server(server_binary, data_dir, config=server_config(stripe))
    app = None
    try:
        if not tap.check(url is not None, 'fitcore-server --demo says where it listens'):
            return
        control(control_url, '/webhook-url', url + 'api/v1/payments/webhooks/stripe/')
        env = app_env(tmp)
        browser_log = install_recording_browser(env)

        workouts = api(url, 'workouts/workouts/')['results']
        premium = next(w for w in workouts if any(v['locked'] for v in w['videos']))
        locked = [i for i, v in enumerate(premium['videos']) if v['locked']]
        first_locked = f'{locked[0] + 1}. {premium["videos"][locked[0]]["title"]}'
        plans = api(url, 'payments/plans/')['results']

        app = start_app(binary, url, env)
        window = wait_window(tap, app, 'start')
        if window is None or not sign_in(tap, app.pid, window):
            return
        app_node = find_app(app.pid)

        # The premium workout is locked.
        key('ctrl+2')
        tile = poll(lambda: card(window, premium['title']), timeout=30)
        if not tap.check(tile is not None, f'the grid shows “{premium["title"]}”'):
            return
        click(app.pid, tile)
        hint = poll(lambda: shown_matching(window, LOCK_HINT), timeout=30)
        tap.check(hint, f'“{premium["title"]}”: {len(locked)} locked videos need Premium', hint)

        # Its lock opens the Premium page.
        row = poll(lambda: first_shown(window, lambda n: n.getRoleName() == 'list item'
                                       and n.name == first_locked), timeout=20)
        if not tap.check(row is not None, f'the locked video “{first_locked}” is listed'):
            return
        press(app.pid, row)
        page = poll(lambda: find(app_node, 'frame', PAGE), timeout=20)
        if not tap.check(page is not None, 'activating the locked video opens the Premium page'):
            return

        # Plans and prices, as the server has them.
        for plan in plans:
            price = money(plan['amount'], plan['currency'])
            name_node = poll(lambda: shown(page, plan['name']), timeout=30)
            price_node = poll(lambda: first_shown(page, lambda n: (n.name or '').startswith(price)))
            tap.check(name_node is not None and price_node is not None,
                      f'the plan “{plan["name"]}” is listed at {price}',
                      price_node.name if price_node else None)
        tap.check(poll(lambda: shown(page, 'Not Subscribed')) is not None,
                  'the status says “Not Subscribed”')

        # Subscribe: the checkout opens in the browser.
        subscribe = poll(lambda: button(page, 'Subscribe'))
        if not tap.check(subscribe is not None, 'the monthly plan has “Subscribe”',
                         [f'{n.getRoleName()}: {n.name}' for n in find_all(
                             page, lambda n: n.getRoleName() == 'push button')]):
            return
        press(app.pid, subscribe)
        checkout = poll(lambda: next(iter(opened(browser_log)), None), timeout=30)
        tap.check(checkout is not None and checkout.startswith(stripe + '/c/pay/cs_'),
                  'GIO launched the .desktop browser with the fake Stripe’s checkout URL', checkout)
        tap.check(poll(lambda: shown(page, WAITING)) is not None, f'the page says “{WAITING}”')
        if checkout is None:
            return

        # The user pays; Stripe's webhooks reach the server.
        status, answer = control(control_url, '/pay', checkout)
        tap.check(status == 200 and answer == '200 200',
                  'the fake completes the session and the server takes both signed webhooks',
                  (status, answer))
        tap.check(poll(lambda: shown(page, 'Active') and shown(page, 'You Have Premium'),
                       timeout=60),
                  'the page follows the subscription: “Active”, “You Have Premium”')
        sub = api(url, 'payments/subscription/')
        tap.check(sub['status'] == 'ACTIVE' and sub['has_active_access'],
                  'the server has the subscription ACTIVE', sub)
        renews = day(sub['end_date'])
        tap.check(poll(lambda: shown(page, renews)) is not None and shown(page, 'Renews On'),
                  f'“Renews On” {renews}')
        payment = f'Payment · {money(plans[0]["amount"], plans[0]["currency"])}'
        tap.check(poll(lambda: shown(page, payment), timeout=30) is not None,
                  f'the payment history shows “{payment}”')
        tap.check(not button(page, 'Subscribe'),
                  'the plans are no longer offered')
        time.sleep(1)
        screenshot(artifacts, 'ui-premium.png')

        # Unlocked without a restart: the hint goes, the videos play.
        tap.check(poll(lambda: not shown_matching(window, LOCK_HINT), timeout=90),
                  'the workout’s “needs FitCore Premium” hint is gone, without a restart',
                  shown_matching(window, LOCK_HINT))
        tap.check(not shown_matching(window, re.compile(r' · Premium$')),
                  'no video row says “· Premium” any more',
                  shown_matching(window, re.compile(r' · Premium$')))
        key('Escape')  # the Premium page
        tap.check(poll(lambda: find(app_node, 'frame', PAGE) is None), 'Escape closes the page')
        row = poll(lambda: first_shown(window, lambda n: n.getRoleName() == 'list item'
                                       and n.name == first_locked), timeout=20)
        if row is not None:
            press(app.pid, row)
        player = poll(lambda: find(app_node, 'frame', premium['title']), timeout=30)
        tap.check(player is not None and
                  poll(lambda: shown(player, 'Nothing to Play') is None and
                       shown(player, 'This Video Is Locked') is None),
                  f'the formerly locked “{first_locked}” opens in the player')
        if player is not None:
            key('Escape')
            poll(lambda: find(app_node, 'frame', premium['title']) is None)

        # A renewal fails: the banner leads to the card; paid, Active again.
        page = open_from_menu(tap, app_node, window)
        if not tap.check(page is not None, '“Premium…” opens the page again'):
            return
        status, answer = control(control_url, '/fail', checkout)
        failed_at = time.time()
        tap.check(status == 200 and answer == '200', 'the fake sends invoice.payment_failed, '
                  'signed, and the server takes it', (status, answer))
        tap.check(poll(lambda: shown(page, 'Payment Failed') and shown(page, BANNER) and
                       button(page, 'Update Card'), timeout=60),
                  f'the page says “Payment Failed” with a banner “{BANNER}” and “Update Card”')
        time.sleep(1)
        screenshot(artifacts, 'ui-premium-past-due.png')
        # Events of the same second keep the more final status (PAST_DUE
        # over ACTIVE, docs/payments-wire.md): the renewal comes later.
        time.sleep(max(0.0, 1.5 - (time.time() - failed_at)))
        status, answer = control(control_url, '/renew', checkout)
        tap.check(poll(lambda: shown(page, 'Active') and not shown(page, BANNER), timeout=60),
                  'the invoice paid: “Active” again and the banner gone', (status, answer))
        renews = day(api(url, 'payments/subscription/')['end_date'])

        # Cancel, confirmed: Cancelled, with the end date, and access stays.
        cancel = poll(lambda: button(page, 'Cancel Subscription…'), timeout=30)
        if not tap.check(cancel is not None, 'an active monthly plan offers “Cancel Subscription…”',
                         [n.name for n in find_all(page, lambda n: n.getRoleName() ==
                                                   'push button')]):
            return
        press(app.pid, cancel)
        dialog = poll(lambda: next((n for n in app_node if n is not None
                                    and shown(n, 'Cancel Premium?')), None), timeout=20)
        # GTK 4.8 names a response with a mnemonic twice: "_Cancel Subscription
        # Cancel Subscription".
        confirm = dialog and poll(lambda: first_shown(dialog, lambda n: n.getRoleName() ==
                                                      'push button' and n.name.replace('_', '')
                                                      .endswith('Cancel Subscription')))
        if not tap.check(confirm is not None,
                         'a confirmation “Cancel Premium?” asks first, its button “Cancel Subscription”'):
            return
        tap.check(shown(dialog, f'It will not renew. You keep Premium until {renews}.') is not None,
                  'the confirmation says until when Premium stays')
        press(app.pid, confirm)
        tap.check(poll(lambda: shown(page, 'Cancelled') and shown(page, 'Premium Until') and
                       shown(page, renews), timeout=30),
                  f'the page says “Cancelled”, “Premium Until” {renews}')
        sub = api(url, 'payments/subscription/')
        tap.check(sub['status'] == 'CANCELLED' and sub['cancel_at_period_end'] and
                  sub['has_active_access'], 'the server: CANCELLED at the period’s end, access kept',
                  sub)
        tap.check(shown(page, 'You Have Premium') is not None,
                  'and the page still says “You Have Premium”')
        key('Escape')
        poll(lambda: find(app_node, 'frame', PAGE) is None)
        # The failed renewal locked them for a while; paid, they unlock again.
        tap.check(poll(lambda: not shown_matching(window, LOCK_HINT), timeout=90),
                  'the videos are unlocked, and stay so after the cancellation')

        # The period ends: the server's clock moved past end_date.
        end = datetime.datetime.fromisoformat(sub['end_date'].replace('Z', '+00:00'))
        offset = int((end - datetime.datetime.now(datetime.timezone.utc)).total_seconds()) + 86400
        port = int(re.search(r':(\d+)/$', url).group(1))
        stop(server)
        server, url_again = start_server(server_binary, data_dir, port,
                                         config=server_config(stripe, offset))
        control(control_url, '/clock', offset)
        tap.check(url_again == url, 'the server restarts on the same port with its clock '
                  f'{offset // 86400} days ahead')
        sub = api(url, 'payments/subscription/')
        tap.check(not sub['has_active_access'], 'the server: access has ended', sub)
        page = open_from_menu(tap, app_node, window)
        if not tap.check(page is not None, '“Premium…” opens the page'):
            return
        tap.check(poll(lambda: shown(page, 'Ended On') and shown(page, 'Get FitCore Premium'),
                       timeout=60),
                  'the page says the period ended (“Ended On”, “Get FitCore Premium”)')
        tap.check(poll(lambda: button(page, 'Subscribe'), timeout=30) is not None,
                  'and offers the plans again')
        key('Escape')
        hint = poll(lambda: shown_matching(window, LOCK_HINT), timeout=90)
        tap.check(hint, 'the workout’s videos are locked again, without a restart', hint)

        # Dark and narrow.
        key('ctrl+q')
        poll(lambda: app.poll() is not None, timeout=10)
        stop(app)
        env['ADW_DEBUG_COLOR_SCHEME'] = 'prefer-dark'
        app = start_app(binary, url, env)
        window = wait_window(tap, app, 'dark')
        app_node = find_app(app.pid) if window is not None else None
        page = open_from_menu(tap, app_node, window) if app_node is not None else None
        if tap.check(page is not None and poll(lambda: shown(page, 'Payment History'), timeout=30),
                     'dark: the page opens with its history'):
            time.sleep(1)
            screenshot(artifacts, 'ui-premium-dark.png')
            wid = poll(lambda: x_window(PAGE))
            subprocess.run(['xdotool', 'windowsize', wid, '360', '640'], check=False)
            time.sleep(1.5)
            box = extents(page)
            subscribe = poll(lambda: button(page, 'Subscribe'))
            right = extents(subscribe).x + extents(subscribe).width if subscribe else None
            tap.check(box.width <= 380 and right is not None and right <= box.width,
                      'at 360 px the page fits, “Subscribe” inside it', (box.width, right))
            screenshot(artifacts, 'ui-premium-narrow.png')
        key('ctrl+q')
        poll(lambda: app.poll() is not None, timeout=10)
    finally:
        stop(app)
        stop(server)
        stop(fake)


if __name__ == '__main__':
    sys.exit(main(run, 'premium'))
