#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Every language in po/LINGUAS translates every message the sources have
# now, with format strings that match (msgfmt --check), nothing fuzzy and
# nothing left in English. The messages are extracted afresh with xgettext
# from po/POTFILES.in, as meson's fitcore-pot target does, so a string
# added without a translation fails here rather than on a user's screen.
# Prints TAP.
#
#   check-translations.py SOURCE_ROOT

import os
import re
import subprocess
import sys
import tempfile

# meson's i18n "glib" preset: the keywords the sources use.
KEYWORDS = ['_', 'N_', 'C_:1c,2', 'NC_:1c,2', 'g_dcgettext:2', 'g_dngettext:2,3',
            'g_dpgettext2:2c,3', 'ngettext:1,2']
FLAGS = ['N_:1:pass-c-format', 'C_:2:pass-c-format', 'NC_:2:pass-c-format',
         'g_dngettext:2:pass-c-format', 'g_strdup_printf:1:c-format',
         'g_string_printf:2:c-format', 'g_string_append_printf:2:c-format',
         'g_error_new:3:c-format', 'g_set_error:4:c-format',
         'g_task_return_new_error:4:c-format', 'g_markup_printf_escaped:1:c-format']
STATISTICS = re.compile(r'(\d+) translated messages?(?:, (\d+) fuzzy translations?)?'
                        r'(?:, (\d+) untranslated messages?)?')


def run(args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, **kwargs)


def extract(root, pot):
    args = ['xgettext', '--from-code=UTF-8', '--add-comments', '--package-name=fitcore',
            '-D', root, '-f', os.path.join(root, 'po', 'POTFILES.in'), '-o', pot]
    args += [f'--keyword={k}' for k in KEYWORDS] + [f'--flag={f}' for f in FLAGS]
    return run(args)


def untranslated_ids(path):
    """The msgids of @path that have an empty or fuzzy translation."""
    out = run(['msgattrib', '--untranslated', '--no-wrap', path]).stdout
    out += run(['msgattrib', '--only-fuzzy', '--no-wrap', path]).stdout
    return [m for m in re.findall(r'^msgid "(.*)"$', out, re.M) if m]


def main():
    root = sys.argv[1]
    with open(os.path.join(root, 'po', 'LINGUAS'), encoding='utf-8') as f:
        languages = [w for line in f for w in line.split('#')[0].split()]
    checks = []
    checks.append((set(languages) >= {'de', 'es'}, 'po/LINGUAS lists de and es', languages))
    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, 'fitcore.pot')
        result = extract(root, pot)
        checks.append((result.returncode == 0, 'xgettext extracts the messages',
                       result.stderr.splitlines()))
        for lang in languages:
            po = os.path.join(root, 'po', f'{lang}.po')
            merged = os.path.join(tmp, f'{lang}.po')
            # The catalogue as it stands, checked alone.
            result = run(['msgfmt', '--check', '--statistics', '-o', os.devnull, po])
            stats = STATISTICS.search(result.stderr)
            clean = (result.returncode == 0 and stats is not None and
                     not stats.group(2) and not stats.group(3))
            checks.append((clean, f'{lang}.po: msgfmt --check passes, nothing fuzzy or untranslated',
                           result.stderr.splitlines()))
            plural = False
            with open(po, encoding='utf-8') as f:
                plural = 'Plural-Forms: nplurals=2; plural=(n != 1);' in f.read()
            checks.append((plural, f'{lang}.po: Plural-Forms is nplurals=2; plural=(n != 1)', []))
            # Against the sources' messages now: nothing new left out.
            # --no-fuzzy-matching: a guess is not a translation.
            result = run(['msgmerge', '--quiet', '--no-fuzzy-matching', '-o', merged, po, pot])
            if result.returncode != 0:
                checks.append((False, f'{lang}.po merges with the sources’ messages',
                               result.stderr.splitlines()))
                continue
            missing = untranslated_ids(merged)
            checks.append((not missing,
                           f'{lang}.po translates every message of the sources '
                           f'({len(missing)} missing)', missing))
            result = run(['msgfmt', '--check', '-o', os.devnull, merged])
            checks.append((result.returncode == 0,
                           f'{lang}.po: format strings match the sources’ messages',
                           result.stderr.splitlines()))
    for n, (ok, description, detail) in enumerate(checks, 1):
        print(f"{'ok' if ok else 'not ok'} {n} - {description}")
        if not ok:
            for line in detail[:60]:
                print(f'# {line}')
    print(f'1..{len(checks)}')
    return 0 if all(ok for ok, _, _ in checks) else 1


if __name__ == '__main__':
    sys.exit(main())
