#!/usr/bin/env python3
"""Counts TAP cases in meson's testlog.json files; prints "N passed, N failed".

Meson reports one result per test program; a program holds many GTest cases.
Counting the cases tells more. A program without TAP lines (or one that died
before printing any) counts as one case with the program's own result, and a
program that crashed after some cases passed still counts as a failure.
"""
import json
import re
import sys

TAP = re.compile(r'^(not ok|ok)\b(.*)$')
BAD = ('FAIL', 'TIMEOUT', 'ERROR', 'UNEXPECTEDPASS')


# CI keeps only the tail of its output, and meson prints a failing test's
# log in the middle of a long run: each failure repeats its TAP diagnostic
# (the "# ..." lines after "not ok") here, at most this many lines of it.
DIAGNOSTIC_LINES = 40


def diagnostic(lines, start):
    """The '#' lines that follow lines[start], without the '# '."""
    found = []
    for out in lines[start + 1:]:
        if not out.startswith('#'):
            break
        if len(found) < DIAGNOSTIC_LINES:
            found.append('    ' + out[1:].strip())
    return found


def count(test, totals, failures, todos):
    result = test.get('result', 'ERROR')
    cases = failed_cases = 0
    lines = (test.get('stdout') or '').splitlines()
    for index, out in enumerate(lines):
        match = TAP.match(out.strip())
        if not match:
            continue
        cases += 1
        rest = match.group(2).strip()
        if '# SKIP' in rest.upper():
            totals['skipped'] += 1
        elif match.group(1) == 'not ok' and '# TODO' in rest.upper():
            # TAP's expected failure (g_test_incomplete): a known defect, counted apart.
            totals['todo'] += 1
            todos.append(f"{test['name']}: {rest}")
        elif match.group(1) == 'ok':
            totals['passed'] += 1
        else:
            totals['failed'] += 1
            failed_cases += 1
            failures.append('\n'.join([f"{test['name']}: {rest}"] + diagnostic(lines, index)))
    if cases == 0:
        key = {'OK': 'passed', 'EXPECTEDFAIL': 'passed', 'SKIP': 'skipped'}.get(result, 'failed')
        totals[key] += 1
        if key == 'failed':
            tail = (test.get('stderr') or '').strip().splitlines()[-DIAGNOSTIC_LINES // 2:]
            failures.append('\n'.join([f"{test['name']}: {result}"] + ['    ' + t for t in tail]))
    elif result in BAD and failed_cases == 0:
        totals['failed'] += 1
        failures.append(f"{test['name']}: {result} after its cases ran")


def main(paths):
    totals = {'passed': 0, 'failed': 0, 'skipped': 0, 'todo': 0}
    failures = []
    todos = []
    for path in paths:
        try:
            with open(path, encoding='utf-8') as log:
                for line in log:
                    if line.strip():
                        count(json.loads(line), totals, failures, todos)
        except FileNotFoundError:
            totals['failed'] += 1
            failures.append(f'{path}: no test log (the build or the test run did not happen)')
    for failure in failures:
        print(f'FAILED {failure}')
    for todo in todos:
        print(f'KNOWN {todo}')
    summary = f"{totals['passed']} passed, {totals['failed']} failed"
    if totals['skipped']:
        summary += f", {totals['skipped']} skipped"
    if totals['todo']:
        summary += f", {totals['todo']} known defects (TODO)"
    print(summary)
    return 1 if totals['failed'] else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
