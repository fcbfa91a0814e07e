#!/usr/bin/env python3
"""Debian's own xenstore-utils and libxenstore4 (amd64), unchanged, against tern-xenstored on
its socket (XENSTORED_PATH).  Exit 77 (skip) when they are not installed."""
import ctypes
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from xslclient import Daemon  # noqa: E402

failures = []


def run(*args, ok=True, env=None):
    p = subprocess.run(list(args), capture_output=True, text=True, env=env, timeout=30)
    if ok and p.returncode != 0:
        raise AssertionError('%s: rc %d %s' % (' '.join(args), p.returncode, p.stderr))
    return p


def check(name, fn):
    try:
        fn()
        print('PASS', name)
    except Exception as e:  # noqa: BLE001
        failures.append(name)
        import traceback
        traceback.print_exc()
        print('FAIL', name, repr(e))


def main():
    if not shutil.which('xenstore-read'):
        print('xenstore-utils not installed: skip')
        return 77
    d = Daemon()
    os.environ['XENSTORED_PATH'] = d.sock

    def tools():
        run('xenstore-write', '/a', 'b', '/c/d', 'e f')
        assert run('xenstore-read', '/a').stdout == 'b\n'
        assert run('xenstore-read', '/c/d').stdout == 'e f\n'
        assert run('xenstore-list', '/c').stdout == 'd\n'
        assert run('xenstore-exists', '/c/d').returncode == 0
        assert run('xenstore-exists', '/c/zz', ok=False).returncode != 0
        p = run('xenstore-read', '/missing', ok=False)
        assert p.returncode != 0
        run('xenstore-chmod', '/c/d', 'n1', 'r2')
        ls = run('xenstore-ls', '-p', '/c').stdout
        assert 'd = "e f"' in ls and '(n1,r2)' in ls, ls
        ls = run('xenstore-ls', '/').stdout
        assert 'tool = ""' in ls and ' xenstored = ""' in ls and 'a = "b"' in ls, ls
        run('xenstore-rm', '/c')
        assert run('xenstore-exists', '/c', ok=False).returncode != 0
        run('xenstore-write', '/r/x/y', '1')
        run('xenstore-rm', '-t', '/r/x/y')  # -t: remove empty parents too
        assert run('xenstore-exists', '/r', ok=False).returncode != 0

    def watch_tool():
        w = subprocess.Popen(['xenstore-watch', '-n', '3', '/wt'], stdout=subprocess.PIPE,
                             text=True)
        time.sleep(0.5)
        run('xenstore-write', '/wt/x', '1')
        run('xenstore-rm', '/wt')
        out, _ = w.communicate(timeout=10)
        assert out.split() == ['/wt', '/wt/x', '/wt'], out

    def library():
        lib = ctypes.CDLL('libxenstore.so.4')
        lib.xs_open.restype = ctypes.c_void_p
        lib.xs_read.restype = ctypes.c_void_p
        lib.xs_directory.restype = ctypes.POINTER(ctypes.c_char_p)
        lib.xs_transaction_start.restype = ctypes.c_uint32
        for f in ('xs_write', 'xs_transaction_end', 'xs_watch', 'xs_is_domain_introduced'):
            getattr(lib, f).restype = ctypes.c_bool
        h = ctypes.c_void_p(lib.xs_open(0))
        assert h.value, 'xs_open failed'
        n = ctypes.c_uint()
        t = lib.xs_transaction_start(h)
        assert t != 0
        assert lib.xs_write(h, t, b'/lib/x', b'12345', 5)
        assert lib.xs_transaction_end(h, t, True)  # abort
        assert not lib.xs_read(h, 0, b'/lib/x', ctypes.byref(n))
        t = lib.xs_transaction_start(h)
        assert lib.xs_write(h, t, b'/lib/x', b'12345', 5)
        assert lib.xs_transaction_end(h, t, False)
        p = lib.xs_read(h, 0, b'/lib/x', ctypes.byref(n))
        assert p and n.value == 5 and ctypes.string_at(p, 5) == b'12345'
        for i in range(600):  # large directory: xs_directory copes
            lib.xs_write(h, 0, b'/big/entry-number-%05d' % i, b'', 0)
        dirp = lib.xs_directory(h, 0, b'/big', ctypes.byref(n))
        assert n.value == 600 and dirp[0] == b'entry-number-00000'
        assert lib.xs_watch(h, b'/lib', b'tk')
        lib.xs_read_watch.restype = ctypes.POINTER(ctypes.c_char_p)
        ev = lib.xs_read_watch(h, ctypes.byref(n))
        assert ev[0] == b'/lib' and ev[1] == b'tk'
        lib.xs_write(h, 0, b'/lib/y', b'1', 1)
        ev = lib.xs_read_watch(h, ctypes.byref(n))
        assert ev[0] == b'/lib/y'
        lib.xs_get_domain_path.restype = ctypes.c_char_p
        assert lib.xs_get_domain_path(h, 5) == b'/local/domain/5'
        assert not lib.xs_is_domain_introduced(h, 5)
        lib.xs_close(h)

    def same_as_debian():
        """Our multi-call client under Xen's tool names prints what Debian's tools print."""
        ours = os.path.join(d.tmp, 'bin')
        os.makedirs(ours, exist_ok=True)
        client = os.path.join(os.environ.get('TERN_BUILDDIR', os.getcwd()), 'tern-xenstore')
        for m in ('read', 'write', 'rm', 'exists', 'list', 'ls', 'chmod', 'watch'):
            os.symlink(client, os.path.join(ours, 'xenstore-' + m))
        run('xenstore-write', '/cmp/a', 'plain', '/cmp/b/c', 'tab\\there\\x01\\\\',
            '/cmp/b/d', 'x' * 120, '/cmp/e', '')
        run('xenstore-chmod', '-r', '/cmp/b', 'n0', 'r3', 'w4')
        cases = [['read', '/cmp/a', '/cmp/b/c'], ['read', '-p', '/cmp/b/c'], ['read', '-R', '/cmp/b/c'],
                 ['read', '/cmp/none'], ['list', '/cmp'], ['list', '-p', '/cmp/b'],
                 ['ls', '/cmp'], ['ls', '-p', '/cmp'], ['ls', '-f', '/cmp'], ['ls', '/none'],
                 ['exists', '/cmp/e'], ['exists', '/cmp/none'], ['read'], ['write', '/x'],
                 ['list', '/cmp/none'], ['chmod', '/cmp/none', 'r0']]
        for case in cases:
            theirs = run('xenstore-' + case[0], *case[1:], ok=False)
            mine = run(os.path.join(ours, 'xenstore-' + case[0]), *case[1:], ok=False)
            assert (theirs.returncode == 0) == (mine.returncode == 0), (case, theirs, mine)
            assert theirs.stdout == mine.stdout, (case, theirs.stdout, mine.stdout)
        # writes/rm/chmod by ours, checked with theirs
        run(os.path.join(ours, 'xenstore-write'), '/mine/v', 'a\\nb')
        assert run('xenstore-read', '-R', '/mine/v').stdout == 'a\nb'
        run(os.path.join(ours, 'xenstore-chmod'), '-u', '/mine/v', 'b7')
        assert '(b7)' in run('xenstore-ls', '-p', '/mine').stdout
        run(os.path.join(ours, 'xenstore-rm'), '-t', '/mine/v')
        assert run('xenstore-exists', '/mine', ok=False).returncode != 0
        w = subprocess.Popen([os.path.join(ours, 'xenstore-watch'), '-n', '2', '/mw'],
                             stdout=subprocess.PIPE, text=True)
        time.sleep(0.5)
        run('xenstore-write', '/mw/x', '1')
        assert w.communicate(timeout=10)[0].split() == ['/mw', '/mw/x']

    try:
        check('xenstore-utils', tools)
        check('tern-xenstore same as xenstore-utils', same_as_debian)
        check('xenstore-watch', watch_tool)
        check('libxenstore4', library)
    finally:
        d.stop()
        shutil.rmtree(d.tmp, ignore_errors=True)
    print('%d failures' % len(failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
