#!/usr/bin/env python3
"""Protocol tests: drive tern-xenstored over its unix socket (several clients, malformed and
flooding clients, killed clients, restart).  Exit 0 = pass."""
import os
import shutil
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from xslclient import HDR, TYPES, Daemon, XsError  # noqa: E402

failures = []


def check(name, fn, d):
    try:
        fn(d)
        print('PASS', name)
    except Exception as e:  # noqa: BLE001
        failures.append(name)
        print('FAIL', name, repr(e))


def expect_err(err, fn, *a, **k):
    try:
        fn(*a, **k)
    except XsError as e:
        assert str(e) == err, '%s != %s' % (e, err)
        return
    raise AssertionError('expected ' + err)


def t_basic(d):
    c = d.client()
    assert c.write('/a/b', b'hello') == b'OK\0'
    assert c.read('/a/b') == b'hello'
    assert c.read('/a') == b''
    assert c.ls('/') == ['tool', 'a']
    expect_err('ENOENT', c.read, '/zz')
    expect_err('EINVAL', c.read, '/a//b')
    c.request('MKDIR', b'/a/m\0')
    assert c.ls('/a') == ['b', 'm']
    c.rm('/a')
    expect_err('ENOENT', c.read, '/a/b')
    assert c.request('GET_DOMAIN_PATH', b'3\0') == b'/local/domain/3\0'
    assert c.request('IS_DOMAIN_INTRODUCED', b'3\0') == b'F\0'
    t, body = c.request('INTRODUCE', b'3\x0012\x005\0', raw=True)
    assert t == TYPES['ERROR']  # no Xen on the host: nothing to map


def t_unknown_type(d):
    c = d.client()
    c.send_raw(HDR.pack(77, 9, 0, 0))
    t, r, tx, body = c._recv_msg()
    assert (t, r, body) == (TYPES['ERROR'], 9, b'ENOSYS\0')


def t_watch_two_clients(d):
    a, b = d.client(), d.client()
    a.watch('/w', 'tok')
    assert a.event() == (b'/w', b'tok')
    b.write('/w/x', b'1')
    assert a.event() == (b'/w/x', b'tok')
    b.rm('/w')
    assert a.event() == (b'/w', b'tok')
    a.request('UNWATCH', b'/w\0tok\0')
    b.write('/w', b'')
    assert a.no_event()


def t_transactions(d):
    a, b = d.client(), d.client()
    a.write('/t/state', b'1')
    tx = a.tx_start()
    assert a.read('/t/state', tx) == b'1'
    a.write('/t/state', b'2', tx)
    assert b.read('/t/state') == b'1'
    a.tx_end(tx)
    assert b.read('/t/state') == b'2'
    # conflict
    tx = a.tx_start()
    a.read('/t/state', tx)
    b.write('/t/state', b'3')
    a.write('/t/state', b'4', tx)
    expect_err('EAGAIN', a.tx_end, tx)
    # disjoint subtrees interleaved from two clients
    ta, tb = a.tx_start(), b.tx_start()
    a.read('/t/state', ta)
    a.write('/t/a/x', b'1', ta)
    b.write('/t/b/x', b'1', tb)
    a.tx_end(ta)
    b.tx_end(tb)
    assert sorted(a.ls('/t')) == ['a', 'b', 'state']


def t_oversized_message_kills_only_that_client(d):
    good, bad = d.client(), d.client()
    good.watch('/o', 't')
    good.event()
    bad.send_raw(HDR.pack(TYPES['READ'], 1, 0, 100000))
    bad.s.settimeout(5)
    assert bad.s.recv(100) == b''  # cut off
    good.write('/o/x', b'1')
    assert good.event() == (b'/o/x', b't')
    assert d.alive()


def t_garbage_does_not_crash(d):
    import random
    rnd = random.Random(4)
    for i in range(200):
        c = d.client()
        typ = rnd.randrange(0, 30)
        payload = bytes(rnd.randrange(256) for _ in range(rnd.randrange(0, 64)))
        if rnd.random() < 0.5:
            payload = b'/' + payload.replace(b'\0', b'') + b'\0' + payload
        try:
            c.send_raw(HDR.pack(typ, i, rnd.choice([0, 0, 1, 7]), len(payload)) + payload)
            c.s.settimeout(2)
            c._recv_msg()
        except (EOFError, OSError):
            pass
        c.close()
    assert d.alive()
    assert d.client().read('/tool/xenstored') == b''


def t_killed_client_cleanup(d):
    a, b = d.client(), d.client()
    a.watch('/k', 't')
    tx = a.tx_start()
    a.write('/k/never', b'1', tx)
    a.close()
    time.sleep(0.2)
    b.write('/k/x', b'1')
    expect_err('ENOENT', b.read, '/k/never')
    assert d.alive()


def t_flooding_client_does_not_starve_others(d):
    flood, other = d.client(), d.client()
    # many requests, never reading a reply: the daemon stops reading it, others go on
    msg = HDR.pack(TYPES['READ'], 1, 0, len(b'/tool\0')) + b'/tool\0'
    flood.s.setblocking(False)
    sent = 0
    try:
        for _ in range(200000):
            flood.s.send(msg)
            sent += 1
    except BlockingIOError:
        pass
    t0 = time.time()
    for i in range(50):
        other.write('/f/%d' % i, b'x')
    assert time.time() - t0 < 30
    assert d.alive()
    flood.close()


def t_watch_backlog_bounded(d):
    lazy, w = d.client(), d.client()
    lazy.watch('/bk', 'a-rather-long-token-' * 10)
    lazy.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    for i in range(30000):
        w.request('WRITE', b'/bk/n\0' + b'v' * 10)
    assert d.alive()
    # the lazy client was dropped once its backlog passed the memory quota
    lazy.s.settimeout(5)
    got = b''
    try:
        while True:
            chunk = lazy.s.recv(1 << 20)
            if not chunk:
                break
            got += chunk
    except socket.timeout:
        raise AssertionError('lazy client still connected')
    w.write('/bk/after', b'1')


def t_restart_keeps_tree(d):
    c = d.client()
    c.write('/persist/a', b'value')
    c.setperms('/persist/a', 'n5', 'r6')
    tx = c.tx_start()
    c.write('/persist/tx', b'committed', tx)
    c.tx_end(tx)
    c.close()
    d.kill(9)  # no chance to save anything on the way out
    d.start()
    c = d.client()
    assert c.read('/persist/a') == b'value'
    assert c.getperms('/persist/a') == [b'n5', b'r6']
    assert c.read('/persist/tx') == b'committed'
    d.stop()
    d.start()
    assert d.client().read('/persist/a') == b'value'


def t_restart_after_pipelined_batches(d):
    """Pipelined writes (several journal batches per round trip) and more than the journal
    holds (a batch that does not fit makes a snapshot): every acknowledged write survives
    kill -9."""
    c = d.client()

    def pipeline(items):
        msgs = b''
        for i, (path, value) in enumerate(items):
            payload = path.encode() + b'\0' + value
            msgs += HDR.pack(TYPES['WRITE'], 10000 + i, 0, len(payload)) + payload
        c.send_raw(msgs)
        for i in range(len(items)):
            t, r, tx, body = c._recv_msg()
            assert t == TYPES['WRITE'] and r == 10000 + i, (t, r, body)

    pipeline([('/pl/a%d' % i, b'v%d' % i) for i in range(300)])
    big = b'x' * 1900
    for chunk in range(30):  # 3000 x ~2 KiB: past the 4 MiB journal
        pipeline([('/pl/big/%d' % (chunk * 100 + i), big) for i in range(100)])
    c.write('/pl/last', b'acknowledged')
    c.close()
    d.kill(9)
    d.start()
    c = d.client()
    for i in range(300):
        assert c.read('/pl/a%d' % i) == b'v%d' % i
    for i in (0, 1234, 2999):
        assert c.read('/pl/big/%d' % i) == big
    assert c.read('/pl/last') == b'acknowledged'
    c.rm('/pl')


def main():
    d = Daemon()
    try:
        for name, fn in [('basic', t_basic), ('unknown_type', t_unknown_type),
                         ('watch_two_clients', t_watch_two_clients),
                         ('transactions', t_transactions),
                         ('oversized_message', t_oversized_message_kills_only_that_client),
                         ('garbage', t_garbage_does_not_crash),
                         ('killed_client', t_killed_client_cleanup),
                         ('flooding_client', t_flooding_client_does_not_starve_others),
                         ('watch_backlog', t_watch_backlog_bounded),
                         ('restart', t_restart_keeps_tree),
                         ('restart_after_batches', t_restart_after_pipelined_batches)]:
            check(name, fn, d)
    finally:
        d.stop()
    # limits from the command line (Xen's options)
    d = Daemon(['--entry-nb', '3', '-W', '1', '--transaction', '1'])
    try:
        def limits(d):
            c = d.client()
            assert b'entries-per-domain: 3' in c.request('CONTROL', b'quota\0')
            assert b'watches-per-domain: 1' in c.request('CONTROL', b'quota\0')
        check('quota_options', limits, d)
    finally:
        d.stop()
    shutil.rmtree(d.tmp, ignore_errors=True)
    print('%d failures' % len(failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
