#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# po/POTFILES.in names every file of the app with a string for translators,
# and nothing else: a screen added without it would ship untranslatable.
# Prints TAP.
#
#   check-potfiles.py SOURCE_ROOT

import os
import re
import sys

MARKERS = re.compile(r'(\b_\(\s*"|\bN_\(\s*"|\bC_\(\s*"|\bg_dngettext\s*\(|\bngettext\s*\(|'
                     r'translatable="yes"|<_)')
# The app's own files; the server answers in the API's language, English.
ROOTS = ('data', 'resources', 'src')
SKIP = ('src/server/',)
SUFFIXES = ('.c', '.ui', '.in', '.xml')


def marked_files(root):
    found = set()
    for top in ROOTS:
        for directory, _, names in os.walk(os.path.join(root, top)):
            for name in names:
                path = os.path.relpath(os.path.join(directory, name), root)
                if not name.endswith(SUFFIXES) or path.startswith(SKIP):
                    continue
                with open(os.path.join(root, path), encoding='utf-8', errors='replace') as f:
                    if MARKERS.search(f.read()):
                        found.add(path)
    return found


def listed_files(root):
    with open(os.path.join(root, 'po', 'POTFILES.in'), encoding='utf-8') as f:
        return [line.strip() for line in f if line.strip() and not line.startswith('#')]


def main():
    root = sys.argv[1]
    marked = marked_files(root)
    listed = listed_files(root)
    missing = sorted(marked - set(listed))
    stale = sorted(p for p in listed if not os.path.exists(os.path.join(root, p)))
    doubled = sorted({p for p in listed if listed.count(p) > 1})
    checks = [
        (not missing, 'every file with translatable strings is in po/POTFILES.in', missing),
        (not stale, 'every file po/POTFILES.in names exists', stale),
        (not doubled, 'po/POTFILES.in names each file once', doubled),
    ]
    for n, (ok, description, detail) in enumerate(checks, 1):
        print(f"{'ok' if ok else 'not ok'} {n} - {description}")
        if not ok:
            for path in detail:
                print(f'# {path}')
    print(f'1..{len(checks)}')
    return 0 if all(ok for ok, _, _ in checks) else 1


if __name__ == '__main__':
    sys.exit(main())
