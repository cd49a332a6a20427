#!/usr/bin/env python3
"""Checks the Flatpak manifest: it parses, names the app id and the GNOME
runtime, runs `fitcore`, builds this tree with meson, and asks for no more
than the app needs (no host or home filesystem, no session-wide bus access)."""
import json
import sys

manifest_path, app_id = sys.argv[1], sys.argv[2]
checks = []


def check(name, ok):
    checks.append((name, bool(ok)))


with open(manifest_path, encoding='utf-8') as f:
    manifest = json.load(f)

args = manifest.get('finish-args', [])
module = manifest.get('modules', [{}])[-1]

check('app id is ' + app_id, manifest.get('id') == app_id)
check('runtime is org.gnome.Platform', manifest.get('runtime') == 'org.gnome.Platform')
check('sdk is org.gnome.Sdk', manifest.get('sdk') == 'org.gnome.Sdk')
check('runtime version is a GNOME release number',
      str(manifest.get('runtime-version', '')).isdigit()
      and int(manifest['runtime-version']) >= 45)
check('command is fitcore', manifest.get('command') == 'fitcore')
check('network for the API', '--share=network' in args)
check('wayland with x11 fallback', '--socket=wayland' in args and '--socket=fallback-x11' in args)
check('pulseaudio for workout sound', '--socket=pulseaudio' in args)
check('no filesystem access', not any(a.startswith('--filesystem') for a in args))
check('no bus-wide access', not any(a in ('--socket=session-bus', '--socket=system-bus')
                                    for a in args))
check('secrets through the portal or the Secret Service only',
      all(a == '--talk-name=org.freedesktop.secrets'
          for a in args if a.startswith('--talk-name')))
check('last module builds this tree with meson',
      module.get('buildsystem') == 'meson'
      and any(s.get('type') == 'dir' for s in module.get('sources', [])))

print(f'1..{len(checks)}')
for i, (name, ok) in enumerate(checks, 1):
    print(f"{'ok' if ok else 'not ok'} {i} - {name}")
sys.exit(0 if all(ok for _, ok in checks) else 1)
