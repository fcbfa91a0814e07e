"""A raw xs_wire client and a daemon launcher for the xenstore-lite protocol tests."""
import os
import socket
import struct
import subprocess
import tempfile
import time

TYPES = dict(CONTROL=0, DIRECTORY=1, READ=2, GET_PERMS=3, WATCH=4, UNWATCH=5,
             TRANSACTION_START=6, TRANSACTION_END=7, INTRODUCE=8, RELEASE=9,
             GET_DOMAIN_PATH=10, WRITE=11, MKDIR=12, RM=13, SET_PERMS=14, WATCH_EVENT=15,
             ERROR=16, IS_DOMAIN_INTRODUCED=17, RESUME=18, SET_TARGET=19, RESET_WATCHES=21,
             DIRECTORY_PART=22)
HDR = struct.Struct('<IIII')


class XsError(Exception):
    pass


class Client:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.connect(path)
        self.s.settimeout(10)
        self.req = 0
        self.events = []
        self.buf = b''

    def close(self):
        self.s.close()

    def send_raw(self, data):
        self.s.sendall(data)

    def _recv_msg(self):
        while len(self.buf) < 16 or len(self.buf) < 16 + HDR.unpack(self.buf[:16])[3]:
            chunk = self.s.recv(65536)
            if not chunk:
                raise EOFError('daemon closed the connection')
            self.buf += chunk
        t, r, tx, ln = HDR.unpack(self.buf[:16])
        body = self.buf[16:16 + ln]
        self.buf = self.buf[16 + ln:]
        return t, r, tx, body

    def request(self, typ, payload=b'', tx=0, raw=False):
        self.req += 1
        rid = self.req
        self.s.sendall(HDR.pack(TYPES[typ], rid, tx, len(payload)) + payload)
        while True:
            t, r, rtx, body = self._recv_msg()
            if t == TYPES['WATCH_EVENT']:
                self.events.append(tuple(body.split(b'\0')[:2]))
                continue
            assert r == rid, (r, rid)
            assert rtx == tx, (rtx, tx)
            if t == TYPES['ERROR']:
                if raw:
                    return t, body
                raise XsError(body.rstrip(b'\0').decode())
            assert t == TYPES[typ], (t, typ)
            return (t, body) if raw else body

    def event(self, timeout=5):
        if self.events:
            return self.events.pop(0)
        self.s.settimeout(timeout)
        try:
            t, r, tx, body = self._recv_msg()
        finally:
            self.s.settimeout(10)
        assert t == TYPES['WATCH_EVENT'], t
        return tuple(body.split(b'\0')[:2])

    def no_event(self, timeout=0.3):
        if self.events:
            return False
        self.s.settimeout(timeout)
        try:
            self._recv_msg()
            return False
        except socket.timeout:
            return True
        finally:
            self.s.settimeout(10)

    # convenience
    def write(self, path, value, tx=0):
        return self.request('WRITE', path.encode() + b'\0' + value, tx)

    def read(self, path, tx=0):
        return self.request('READ', path.encode() + b'\0', tx)

    def ls(self, path, tx=0):
        body = self.request('DIRECTORY', path.encode() + b'\0', tx)
        return [x.decode() for x in body.split(b'\0')[:-1]] if body else []

    def rm(self, path, tx=0):
        return self.request('RM', path.encode() + b'\0', tx)

    def setperms(self, path, *perms, tx=0):
        return self.request('SET_PERMS', b'\0'.join([path.encode()] + [p.encode() for p in perms]) + b'\0', tx)

    def getperms(self, path, tx=0):
        return self.request('GET_PERMS', path.encode() + b'\0', tx).split(b'\0')[:-1]

    def watch(self, path, token):
        return self.request('WATCH', path.encode() + b'\0' + token.encode() + b'\0')

    def tx_start(self):
        return int(self.request('TRANSACTION_START', b'\0').rstrip(b'\0'))

    def tx_end(self, tx, commit=True):
        return self.request('TRANSACTION_END', b'T\0' if commit else b'F\0', tx)


class Daemon:
    """tern-xenstored in the foreground on a private socket and state directory."""

    def __init__(self, args=(), tmp=None):
        build = os.environ.get('TERN_BUILDDIR', os.getcwd())
        self.binary = os.path.join(build, 'tern-xenstored')
        self.tmp = tmp or tempfile.mkdtemp(prefix='xsl-proto-')
        self.sock = os.path.join(self.tmp, 'socket')
        self.args = list(args)
        self.proc = None
        self.start()

    def start(self):
        env = dict(os.environ, XENSTORED_PATH=self.sock,
                   XENSTORED_ROOTDIR=os.path.join(self.tmp, 'lib'))
        self.log = open(os.path.join(self.tmp, 'daemon.log'), 'a')
        self.proc = subprocess.Popen([self.binary, '-N', '-D'] + self.args, env=env,
                                     stdout=self.log, stderr=self.log)
        for _ in range(200):
            if os.path.exists(self.sock):
                try:
                    Client(self.sock).close()
                    return
                except OSError:
                    pass
            if self.proc.poll() is not None:
                raise RuntimeError('tern-xenstored exited: %d' % self.proc.returncode)
            time.sleep(0.02)
        raise RuntimeError('tern-xenstored did not come up')

    def client(self):
        return Client(self.sock)

    def kill(self, sig=9):
        self.proc.send_signal(sig)
        self.proc.wait(timeout=10)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.log.close()

    def alive(self):
        return self.proc.poll() is None
