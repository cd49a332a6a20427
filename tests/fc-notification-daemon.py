#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A notification server for the test session bus: org.freedesktop.Notifications
# as the Desktop Notifications Specification has it (the interface GLib's
# GNotification uses outside a sandbox), started by D-Bus activation from the
# .service file tests/run writes. A desktop has one (GNOME Shell's); the
# test session had none, so every GNotification the app sent ended in
# GLib's "unable to send notifications" warning, fatal in the UI tests.
# Each notification is appended as a JSON line to
# $XDG_RUNTIME_DIR/fitcore-notifications.jsonl, for tests to read.

import itertools
import json
import os

from gi.repository import Gio, GLib

INTERFACE = '''
<node>
  <interface name="org.freedesktop.Notifications">
    <method name="GetCapabilities">
      <arg type="as" name="capabilities" direction="out"/>
    </method>
    <method name="Notify">
      <arg type="s" name="app_name" direction="in"/>
      <arg type="u" name="replaces_id" direction="in"/>
      <arg type="s" name="app_icon" direction="in"/>
      <arg type="s" name="summary" direction="in"/>
      <arg type="s" name="body" direction="in"/>
      <arg type="as" name="actions" direction="in"/>
      <arg type="a{sv}" name="hints" direction="in"/>
      <arg type="i" name="expire_timeout" direction="in"/>
      <arg type="u" name="id" direction="out"/>
    </method>
    <method name="CloseNotification">
      <arg type="u" name="id" direction="in"/>
    </method>
    <method name="GetServerInformation">
      <arg type="s" name="name" direction="out"/>
      <arg type="s" name="vendor" direction="out"/>
      <arg type="s" name="version" direction="out"/>
      <arg type="s" name="spec_version" direction="out"/>
    </method>
    <signal name="NotificationClosed">
      <arg type="u" name="id"/>
      <arg type="u" name="reason"/>
    </signal>
    <signal name="ActionInvoked">
      <arg type="u" name="id"/>
      <arg type="s" name="action_key"/>
    </signal>
  </interface>
</node>
'''

LOG = os.path.join(os.environ.get('XDG_RUNTIME_DIR', '/tmp'), 'fitcore-notifications.jsonl')
ids = itertools.count(1)


def on_call(connection, sender, path, interface, method, parameters, invocation):
    if method == 'GetCapabilities':
        invocation.return_value(GLib.Variant('(as)', (['body', 'actions'],)))
    elif method == 'GetServerInformation':
        invocation.return_value(GLib.Variant('(ssss)', ('fitcore-tests', 'FitCore', '1', '1.2')))
    elif method == 'Notify':
        app_name, replaces, _icon, summary, body, actions, _hints, _timeout = parameters.unpack()
        number = replaces or next(ids)
        with open(LOG, 'a') as log:
            log.write(json.dumps({'id': number, 'app_name': app_name, 'summary': summary,
                                  'body': body, 'actions': actions}) + '\n')
        invocation.return_value(GLib.Variant('(u)', (number,)))
    elif method == 'CloseNotification':
        (number,) = parameters.unpack()
        connection.emit_signal(None, path, interface, 'NotificationClosed',
                               GLib.Variant('(uu)', (number, 3)))
        invocation.return_value(None)


def main():
    loop = GLib.MainLoop()
    bus = Gio.bus_get_sync(Gio.BusType.SESSION)
    info = Gio.DBusNodeInfo.new_for_xml(INTERFACE).interfaces[0]
    bus.register_object('/org/freedesktop/Notifications', info, on_call, None, None)
    Gio.bus_own_name_on_connection(bus, 'org.freedesktop.Notifications',
                                   Gio.BusNameOwnerFlags.NONE, None, lambda *a: loop.quit())
    loop.run()


if __name__ == '__main__':
    main()
