#!/usr/bin/env python3
"""What a run of some test suites needs from a meson build directory.

    suite-targets.py BUILD_DIR targets SUITE...   the ninja targets their tests need
    suite-targets.py BUILD_DIR suites SUITE...    "--suite S" for each SUITE that exists

CI's sanitizer build configures the whole app, so that the media layer (which
draws into GDK textures) is built, but builds only what the unit,
integration and fuzz tests run: compiling every GTK page with AddressSanitizer
would add minutes and test nothing more. And a suite another change has not
added yet is left out rather than failing the run.
"""
import json
import os
import subprocess
import sys


def introspect(build, what):
    out = subprocess.run(['meson', 'introspect', what], cwd=build, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def selected(tests, suites):
    # Meson names suites both "fitcore:unit" and "unit".
    wanted = set(suites)
    return [t for t in tests if any(s.split(':')[-1] in wanted for s in t['suite'])]


def main(argv):
    if len(argv) < 3 or argv[1] not in ('targets', 'suites'):
        print(__doc__, file=sys.stderr)
        return 2
    build, mode, suites = os.path.abspath(argv[0]), argv[1], argv[2:]
    tests = introspect(build, '--tests')

    if mode == 'suites':
        for suite in suites:
            if selected(tests, [suite]):
                print('--suite', suite)
        return 0

    files = {t['id']: t['filename'] for t in introspect(build, '--targets')}
    targets = set()
    for test in selected(tests, suites):
        for dep in test.get('depends', []):
            targets.update(files.get(dep, []))
        for arg in test['cmd']:
            path = os.path.normpath(arg) if isinstance(arg, str) else ''
            if path.startswith(build + os.sep):
                targets.add(path)
    for target in sorted(targets):
        print(os.path.relpath(target, build))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
