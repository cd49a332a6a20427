# SPDX-License-Identifier: GPL-3.0-or-later
#
# What the AT-SPI UI tests share: TAP output, polling, finding nodes the
# way a user sees them, and real input through xdotool.

import os
import subprocess
import time
import traceback

import pyatspi
from gi.repository import Atspi

# libatspi gives an app 800 ms to answer each call and then raises "The
# application no longer exists". A GTK app on a loaded 2-core machine can
# be busier than that for seconds at a time (a layout, a big list): it is
# slow, not gone. Wait up to 30 s for any one answer.
Atspi.set_timeout(30000, -1)


class Tap:
    def __init__(self, artifacts=None, prefix=None):
        self.n = 0
        self.failed = 0
        self.artifacts = artifacts
        self.prefix = prefix

    def check(self, ok, description, diagnostic=None):
        self.n += 1
        if not ok:
            self.failed += 1
        print(f"{'ok' if ok else 'not ok'} {self.n} - {description}", flush=True)
        if not ok and diagnostic:
            for line in str(diagnostic).splitlines():
                print(f'# {line}', flush=True)
        if not ok and self.artifacts and self.failed <= 5:
            # The screen at the moment of the first failures: what a flake
            # looked like is rarely in the log.
            try:
                path = screenshot(self.artifacts, f'{self.prefix}-not-ok-{self.n}.png')
                print(f'# screenshot: {path}', flush=True)
            except Exception:
                pass
        return ok

    def finish(self):
        print(f'1..{self.n}', flush=True)
        return 1 if self.failed else 0


def poll(predicate, timeout=20.0, interval=0.1):
    """Returns predicate()'s first true value, or a false one after timeout
    seconds.

    The app answers AT-SPI asynchronously, and a click reaches it later still:
    every check waits for the state instead of sleeping a fixed time. On a
    loaded machine one walk of the window's tree can take ten seconds, so
    the answer that counts is the one of a call that began after the
    deadline, not of one that began before the state was reached."""
    deadline = time.monotonic() + timeout
    while True:
        started = time.monotonic()
        try:
            value = predicate()
        except Exception:  # a node can vanish while we walk the tree
            value = None
        if value or started > deadline:
            return value
        time.sleep(interval)


def find_app(pid):
    for app in pyatspi.Registry.getDesktop(0):
        if app is not None and app.get_process_id() == pid and app.childCount > 0:
            return app
    return None


def children(node):
    """A node's children as they are now. A child that vanishes while we
    walk reads as None (pyatspi's own walkers then iterate None and raise
    TypeError, which ended a loaded run of ui/account): skip it."""
    try:
        count = node.childCount
    except Exception:
        return []
    result = []
    for i in range(count):
        try:
            child = node.getChildAtIndex(i)
        except Exception:
            child = None
        if child is not None:
            result.append(child)
    return result


def _empty(node):
    """Whether node's box on screen is empty (True), not (False), or it has
    none (None: GTK 4.8's stack pages themselves)."""
    try:
        component = node.queryComponent()
    except Exception:
        return None
    try:
        box = component.getExtents(pyatspi.WINDOW_COORDS)
    except Exception:
        return True  # gone while we looked
    return box.width <= 0 or box.height <= 0


def _walk(root, predicate, first_only, shown=False, match_empty=False):
    """Depth-first, in document order; a predicate that raises on a node
    that is going away counts as no match, as in pyatspi.

    With shown, nodes with an empty box do not match (unless match_empty),
    and the walk does not go below two empty levels: every page the app
    ever built stays in GTK 4.8's tree (hidden stack pages keep an empty
    box), and walking all of it node by node over D-Bus took seconds a walk
    (nine tenths of ui/plans' time). A node without a box (a GtkStackPage)
    is looked through, and so is one empty level, as test-a11y.py's
    shown_nodes() always did."""
    found = []

    def matches(node):
        try:
            return predicate(node)
        except Exception:
            return False

    def visit(node, parent_empty):
        for child in children(node):
            empty = _empty(child) if shown else False
            if empty and parent_empty:
                continue
            if (match_empty or not empty) and matches(child):
                found.append(child)
                if first_only:
                    return True
            if visit(child, bool(empty)):
                return True
        return False

    if root is not None:
        visit(root, False)
    return found


def find_all(root, predicate):
    """Every descendant for which predicate holds."""
    return _walk(root, predicate, False)


def find_all_shown(root, predicate):
    """Every descendant with a place on screen for which predicate holds."""
    return _walk(root, predicate, False, shown=True)


def first_shown(root, predicate):
    """The first descendant with a place on screen for which predicate
    holds, or None."""
    nodes = _walk(root, predicate, True, shown=True)
    return nodes[0] if nodes else None


def find(root, role, name):
    if role == 'frame' and _role(root) == 'application':
        # A window is always a child of its application: looking deeper for
        # one walked every open window's whole tree, node by node over
        # D-Bus, in each poll for a dialog to close (seconds a poll when the
        # machine is loaded).
        return next((child for child in children(root)
                     if _role(child) == 'frame' and _name(child) == name), None)
    # Not into hidden pages (see _walk), but an empty list is still found.
    nodes = _walk(root, lambda n: n.getRoleName() == role and n.name == name, True, shown=True,
                  match_empty=True)
    return nodes[0] if nodes else None


def _role(node):
    try:
        return node.getRoleName()
    except Exception:  # gone, or no answer in time
        return None


def _name(node):
    try:
        return node.name
    except Exception:
        return None


def extents(node):
    # GTK 4.8 has no screen coordinates on X11; window coordinates are what
    # it can report truthfully.
    return node.queryComponent().getExtents(pyatspi.WINDOW_COORDS)


def on_screen(node):
    """Hidden GtkStack pages stay in the tree (with every state set): only
    their geometry tells them apart, being empty."""
    if node is None:
        return False
    box = extents(node)
    return box.width > 0 and box.height > 0


def shown_named(root, name, roles=None):
    """The first node on screen of that name, of one of roles if given."""
    return first_shown(root, lambda n: n.name == name and (roles is None or
                                                         n.getRoleName() in roles))


def find_shown(root, role, name):
    """The node of that role and name that has a place on screen."""
    nodes = _walk(root, lambda n: n.getRoleName() == role and n.name == name, True, shown=True)
    return nodes[0] if nodes else None


def _xdotool(*args):
    """xdotool's output, or None when it failed. Xlib's default error handler
    ends xdotool on BadWindow, which a search meets whenever a window (a
    closing dialog, a popover) vanishes while it walks the tree: a failed
    CI run lost a whole test to one such moment, so callers ask again."""
    done = subprocess.run(['xdotool', *args], capture_output=True, text=True)
    return done.stdout if done.returncode == 0 else None


def window_id(pid, timeout=15):
    """The X window of the app's (first visible) window, asked until found."""
    def search():
        out = (_xdotool('search', '--onlyvisible', '--pid', str(pid)) or '').split()
        return out[0] if out else None
    wid = poll(search, timeout=timeout, interval=0.2)
    if wid is None:
        raise LookupError(f'no visible window of process {pid}')
    return wid


def resize(pid, width, height):
    """Resizes the app's window; the next checks poll, the pause only spares
    them a stale first look."""
    if poll(lambda: _xdotool('windowsize', window_id(pid), str(width), str(height)) is not None,
            timeout=15, interval=0.2) is None:
        raise RuntimeError(f'could not resize the window of process {pid}')
    time.sleep(1.0)


def focus_window(pid):
    """Gives the X input focus to the app's (first visible) window. Under Xvfb
    there is no window manager: a closed dialog leaves the focus on the root
    window, and a key then goes to whatever lies under the pointer, so a
    shortcut that lands nowhere is sent again after this."""
    _xdotool('windowfocus', '--sync', window_id(pid))


def focused_window_name():
    """The X window with the input focus, by name, for a failure's report."""
    return (_xdotool('getwindowfocus', 'getwindowname') or '').strip() or None


def window_origin(pid):
    def geometry():
        out = _xdotool('getwindowgeometry', '--shell', window_id(pid))
        values = dict(line.split('=', 1) for line in (out or '').splitlines() if '=' in line)
        return (int(values['X']), int(values['Y'])) if 'X' in values and 'Y' in values else None
    origin = poll(geometry, timeout=15, interval=0.2)
    if origin is None:
        raise LookupError(f'no geometry for the window of process {pid}')
    return origin


def click(pid, node):
    if node is None:
        raise LookupError('nothing to click: the node was not found in time')
    x, y = window_origin(pid)
    box = extents(node)
    subprocess.run(['xdotool', 'mousemove', str(x + box.x + box.width // 2),
                    str(y + box.y + box.height // 2), 'click', '1'], check=True)


def has_focus_within(node):
    """Whether node or one of its few descendants (a spin button's text) has
    the keyboard focus."""
    nodes = [node] + (_small_subtree(node) or [])
    return any(n.getState().contains(pyatspi.STATE_FOCUSED) for n in nodes)


def type_into(pid, node, text):
    """Clicks node, waits until it has the focus, replaces its text with
    text. On a loaded machine a click can reach the app after keys sent
    right behind it, and the keys then go to whatever had the focus."""
    click(pid, node)
    if not poll(lambda: has_focus_within(node), timeout=10):
        return False
    key('ctrl+a')
    type_text(text)
    return True


def scroll_into_view(pid, node, container, steps=10):
    """Turns the mouse wheel over container until node is inside it: the way
    a person reaches a row below the fold (AT-SPI cannot scroll in GTK 4.8)."""
    x, y = window_origin(pid)
    box = extents(container)
    subprocess.run(['xdotool', 'mousemove', str(x + box.x + box.width // 2),
                    str(y + box.y + box.height // 2)], check=True)
    for _ in range(steps):
        inner = extents(node)
        if inner.y >= box.y and inner.y + inner.height <= box.y + box.height:
            return True
        subprocess.run(['xdotool', 'click', '5'], check=True)
        time.sleep(0.1)
    return False


def ancestors(node):
    """node and the nodes above it, nearest first."""
    chain = []
    while node is not None and len(chain) < 64:
        chain.append(node)
        node = node.parent
    return chain


def _small_subtree(node, limit=12):
    """node's descendants, or None if there are more than limit."""
    found, todo = [], [node]
    while todo:
        current = todo.pop()
        for child in current:
            if child is None:
                continue
            found.append(child)
            if len(found) > limit:
                return None
            todo.append(child)
    return found


def _toast_in(scopes, predicate):
    """A toast is the last child of its overlay, a small subtree: the
    scopes with more than one child are looked at that way."""
    for scope in scopes:
        try:
            count = scope.childCount
            if count < 2:
                continue
            last = scope.getChildAtIndex(count - 1)
            nodes = _small_subtree(last) if last is not None else None
            if nodes is not None and on_screen(last) and predicate(last, nodes):
                return last
        except Exception:  # a scope can vanish with what the action removed
            continue
    return None


def hover(pid, node):
    x, y = window_origin(pid)
    box = extents(node)
    subprocess.run(['xdotool', 'mousemove', str(x + box.x + box.width // 2),
                    str(y + box.y + box.height // 2)], check=True)


def catch_toast(pid, scopes, button, timeout=20):
    """The toast an action just raised that has a push button whose name
    satisfies button, and that button; the pointer is put on the toast,
    which holds it where libadwaita does that. A toast goes away by itself
    after 5 s, less than one walk of the window's tree can take on a loaded
    machine: only the last child of each of scopes (ancestors() of a node
    near the toast overlay, taken before the action) is looked at."""
    def match(toast, nodes):
        return next((n for n in nodes if n.getRoleName() == 'push button' and button(n.name)),
                    None)

    toast = poll(lambda: _toast_in(scopes, match), timeout=timeout, interval=0.05)
    if toast is None:
        return None, None
    try:
        hover(pid, toast)
    except Exception:
        pass
    return toast, match(toast, _small_subtree(toast) or [])


def toast_buttons(toast):
    return [n for n in (_small_subtree(toast) or []) if n.getRoleName() == 'push button']


def key(combo):
    subprocess.run(['xdotool', 'key', combo], check=True)


def type_text(text):
    delay = '20' if len(text) < 40 else '2'  # long texts only test what the app does with them
    subprocess.run(['xdotool', 'type', '--delay', delay, text], check=True)


def screenshot(directory, name):
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, name)
    subprocess.run(['import', '-window', 'root', path], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return path


def display_ready():
    return subprocess.run(['xdpyinfo'], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL).returncode == 0


def wait_display():
    """The display can be handed over before Xvfb accepts clients; an app started
    then dies with "cannot open display". One answer has been seen to come
    just before a refusal, so three in a row count as ready."""
    answers = []

    def steady():
        answers.append(display_ready())
        return answers[-3:] == [True] * 3

    return poll(steady, timeout=15, interval=0.2)


def stop(process, timeout=5):
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def run_test(body, artifacts, failure_screenshot):
    """Runs body(tap) on the display and returns the exit status.

    Skips without a display, and never leaves the TAP stream unfinished: an
    exception is one more failed case, with a screenshot of the moment."""
    if not os.environ.get('DISPLAY'):
        print('1..0 # SKIP no display: run through tests/run, which starts Xvfb')
        return 0
    if not wait_display():
        print(f"1..1\nnot ok 1 - the display {os.environ['DISPLAY']} accepts clients")
        return 1

    tap = Tap(artifacts, failure_screenshot.rsplit('-failure', 1)[0])
    try:
        body(tap)
    except Exception as error:
        tap.check(False, 'the test ran to the end',
                  repr(error) + '\n' + traceback.format_exc())
        try:
            screenshot(artifacts, failure_screenshot)
        except Exception:
            pass
    return tap.finish()
