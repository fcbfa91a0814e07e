#!/usr/bin/env python3
"""Write the seed corpus: one input per request type, a transaction, watches, framing cases."""
import os
import struct
import sys

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), 'corpus')
os.makedirs(out, exist_ok=True)


def msg(t, payload, req=1, tx=0):
    return struct.pack('<IIII', t, req, tx, len(payload)) + payload


def rec(client, data, action=0):
    recs = b''
    for i in range(0, len(data), 255):
        chunk = data[i:i + 255]
        recs += bytes([client | (action << 6), len(chunk)]) + chunk
    return recs


seeds = {
    'read': rec(0, msg(2, b'/tool/xenstored\0')),
    'write_read': rec(0, msg(11, b'/a/b\0value') + msg(2, b'/a/b\0', 2) + msg(1, b'/a\0', 3)),
    'mkdir_rm': rec(0, msg(12, b'/m/n\0') + msg(13, b'/m\0', 2)),
    'perms': rec(0, msg(11, b'/local/domain/5/x\0v') +
                 msg(14, b'/local/domain/5\0n5\0r7\0', 2)) + rec(2, msg(11, b'data/y\0z')) +
    rec(3, msg(2, b'/local/domain/5/data/y\0')) + rec(2, msg(3, b'data/y\0', 2)),
    'watch': rec(1, msg(4, b'/w\0tok\0')) + rec(0, msg(11, b'/w/x\0')) +
    rec(2, msg(4, b'control/shutdown\0t\0')) + rec(0, msg(11, b'/local/domain/5/control/shutdown\0poweroff')) +
    rec(1, msg(5, b'/w\0tok\0', 2)) + rec(2, msg(21, b'\0', 3)),
    'transaction': rec(0, msg(6, b'\0')) + rec(0, msg(11, b'/t/x\0v', 2, 1) + msg(2, b'/t/x\0', 3, 1) +
                                              msg(7, b'T\0', 4, 1)),
    'conflict': rec(0, msg(6, b'\0') + msg(2, b'/tool\0', 2, 1)) + rec(1, msg(11, b'/tool\0x')) +
    rec(0, msg(7, b'T\0', 3, 1)),
    'directory_part': rec(0, b''.join(msg(11, b'/d/entry%03d\0' % i, i + 1) for i in range(40)) +
                          msg(22, b'/d\x000\0', 99)),
    'domains': rec(0, msg(10, b'5\0') + msg(17, b'5\0', 2) + msg(8, b'5\x001\x002\0', 3) +
                   msg(9, b'5\0', 4) + msg(18, b'5\0', 5) + msg(19, b'5\x007\0', 6) +
                   msg(0, b'quota\0', 7) + msg(0, b'help\0', 8)),
    'split_header': rec(0, msg(2, b'/tool\0')[:7]) + rec(0, msg(2, b'/tool\0')[7:]),
    'oversized': rec(2, struct.pack('<IIII', 2, 1, 0, 5000)),
    'kill': rec(1, msg(4, b'/\0t\0') + msg(6, b'\0', 2)) + rec(1, b'', 3) + rec(0, msg(11, b'/x\0')),
}
for name, data in seeds.items():
    with open(os.path.join(out, 'seed-' + name), 'wb') as f:
        f.write(data)
