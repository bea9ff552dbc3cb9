'''RAUC's de.pengutronix.rauc.Installer (1.8) for tests, as a python-dbusmock template.

The checks are the real ones: InstallBundle runs Debian's rauc on the bundle (rauc info against the keyring for the
signature and manifest, rauc extract for every payload block), compares the manifest's compatible with the
system's, then copies the bundle's rootfs image into the inactive slot, a plain file (the container has no block
devices or dm-verity to give RAUC's own service). Progress, LastError, Operation and Completed follow RAUC's
D-Bus API. Parameters: keyring, slots (directory of the slot files rootfs.0 / rootfs.1), compatible, booted.
SimulateReboot (on the mock interface) boots the primary slot, as the bootloader would; SimulateFallback boots the
other one, as GRUB does when the primary slot's attempt ended without being marked good. Either way the booted slot's
boot status is empty until it is marked (GRUB's X_TRY=1 for this attempt).
'''

import os
import shutil
import subprocess
import tempfile

import dbus
from gi.repository import GLib

from dbusmock import MOCK_IFACE

BUS_NAME = 'de.pengutronix.rauc'
MAIN_OBJ = '/'
MAIN_IFACE = 'de.pengutronix.rauc.Installer'
SYSTEM_BUS = True


def _progress(percent, message):
    return dbus.Struct((dbus.Int32(percent), message, dbus.Int32(1)), signature='isi')


def _update(mock, changes):
    # dbusmock's UpdateProperties cannot wrap a struct (Progress): set the values and announce them as RAUC does.
    mock.props[MAIN_IFACE].update(changes)
    mock.EmitSignal(dbus.PROPERTIES_IFACE, 'PropertiesChanged', 'sa{sv}as',
                    [MAIN_IFACE, dbus.Dictionary(changes, signature='sv'), dbus.Array([], signature='s')])


def load(mock, parameters):
    mock.rauc = {
        'keyring': parameters['keyring'],
        'slots': parameters['slots'],
        'compatible': parameters.get('compatible', 'appliance-amd64'),
        'booted': parameters.get('booted', 'rootfs.0'),
        'primary': parameters.get('booted', 'rootfs.0'),
        'status': {'rootfs.0': 'good', 'rootfs.1': 'good'},
        'versions': {'rootfs.0': parameters.get('version', '1.0.0'), 'rootfs.1': ''},
    }
    # Booted just now: this boot's attempt is not over until the slot is marked good.
    mock.rauc['status'][mock.rauc['booted']] = ''
    for slot in ('rootfs.0', 'rootfs.1'):
        path = os.path.join(mock.rauc['slots'], slot)
        if not os.path.exists(path):
            with open(path, 'wb') as f:
                f.truncate(1 << 20)

    mock.AddProperties(MAIN_IFACE, dbus.Dictionary({
        'Operation': 'idle',
        'LastError': '',
        'Progress': _progress(0, ''),
        'Compatible': mock.rauc['compatible'],
        'Variant': '',
        'BootSlot': 'A' if mock.rauc['booted'] == 'rootfs.0' else 'B',
    }, signature='sv'))

    def finish(self, code, error):
        _update(self, {'Operation': 'idle', 'LastError': error,
                                           'Progress': _progress(100, 'Installing failed.' if code else 'Installing done.')})
        self.EmitSignal(MAIN_IFACE, 'Completed', 'i', [dbus.Int32(code)])
        return False

    def install(self, source):
        state = self.rauc
        _update(self, {'Operation': 'installing', 'LastError': '', 'Progress': _progress(0, 'Installing')})
        _update(self, {'Progress': _progress(10, 'Checking bundle')})
        info = subprocess.run(['rauc', 'info', '--keyring=' + state['keyring'], '--output-format=shell', source],
                              capture_output=True, text=True)
        if info.returncode != 0:
            return finish(self, 1, 'Failed to check bundle: ' + _reason(info.stderr))
        manifest = dict(line.split('=', 1) for line in info.stdout.splitlines() if '=' in line)
        compatible = manifest.get('RAUC_MF_COMPATIBLE', '').strip("'")
        if compatible != state['compatible']:
            return finish(self, 1, f"Compatible mismatch: Expected '{state['compatible']}' but bundle manifest has '{compatible}'")
        _update(self, {'Progress': _progress(40, 'Verifying bundle payload')})
        scratch = tempfile.mkdtemp()
        try:
            extracted = subprocess.run(['rauc', 'extract', '--keyring=' + state['keyring'], source, os.path.join(scratch, 'c')],
                                       capture_output=True, text=True)
            if extracted.returncode != 0:
                return finish(self, 1, 'Failed to extract bundle: ' + _reason(extracted.stderr))
            target = 'rootfs.1' if state['booted'] == 'rootfs.0' else 'rootfs.0'
            _update(self, {'Progress': _progress(70, f'Copying image to {target}')})
            shutil.copyfile(os.path.join(scratch, 'c', 'rootfs.img'), os.path.join(state['slots'], target))
            state['versions'][target] = manifest.get('RAUC_MF_VERSION', '').strip("'")
            state['status'][target] = ''
            state['primary'] = target
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        return finish(self, 0, '')

    def install_later(self, source):
        GLib.timeout_add(20, lambda: install(self, source) and False)

    def mark(self, how, which):
        state = self.rauc
        slot = state['booted'] if which == 'booted' else ('rootfs.1' if state['booted'] == 'rootfs.0' else 'rootfs.0') if which == 'other' else which
        if slot not in state['status'] or how not in ('good', 'bad', 'active'):
            raise dbus.exceptions.DBusException(f'cannot mark {which} {how}', name='org.gtk.GDBus.UnmappedGError.Quark._g_2dio_2derror_2dquark.Code1')
        if how == 'active':
            state['primary'] = slot
        else:
            state['status'][slot] = how
            if how == 'bad' and state['primary'] == slot:
                state['primary'] = 'rootfs.1' if slot == 'rootfs.0' else 'rootfs.0'
        return (slot, f'marked slot {slot} as {how}')

    def slots(self):
        state = self.rauc
        result = []
        for slot in ('rootfs.0', 'rootfs.1'):
            result.append((slot, dbus.Dictionary({
                'class': 'rootfs',
                'device': os.path.join(state['slots'], slot),
                'state': 'booted' if slot == state['booted'] else 'inactive',
                'boot-status': state['status'][slot],
                'bundle.version': state['versions'][slot],
            }, signature='sv')))
        return dbus.Array(result, signature='(sa{sv})')

    def reboot(self, fallback=False):
        state = self.rauc
        other = 'rootfs.1' if state['primary'] == 'rootfs.0' else 'rootfs.0'
        state['booted'] = other if fallback else state['primary']
        state['status'][state['booted']] = ''
        _update(self, {'BootSlot': 'A' if state['booted'] == 'rootfs.0' else 'B'})

    import types
    mock.rauc_install = types.MethodType(install_later, mock)
    mock.rauc_mark = types.MethodType(mark, mock)
    mock.rauc_slots = types.MethodType(slots, mock)
    mock.rauc_reboot = types.MethodType(reboot, mock)
    mock.AddMethods(MAIN_IFACE, [
        ('InstallBundle', 'sa{sv}', '', 'self.rauc_install(args[0])'),
        ('Mark', 'ss', 'ss', 'ret = self.rauc_mark(args[0], args[1])'),
        ('GetSlotStatus', '', 'a(sa{sv})', 'ret = self.rauc_slots()'),
        ('GetPrimary', '', 's', "ret = self.rauc['primary']"),
    ])
    mock.AddMethod(MOCK_IFACE, 'SimulateReboot', '', '', 'self.rauc_reboot()')
    mock.AddMethod(MOCK_IFACE, 'SimulateFallback', '', '', 'self.rauc_reboot(True)')


def _reason(stderr):
    for line in stderr.splitlines():
        if line.startswith('rauc-Message') or ':error:' in line:
            continue
        if line.strip():
            return line.strip()
    return 'rauc failed'
