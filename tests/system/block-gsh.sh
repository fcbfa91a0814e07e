#!/bin/sh
# /usr/local/bin/gsh in dom0 for tests/system/block-tern.py:
#   gsh DOMAIN TIMEOUT COMMAND...
# types COMMAND on the domain's console (tern console), waits until it has finished (at most
# TIMEOUT seconds) and prints what the console showed meanwhile; exit 1 if it did not finish.
d=$1
t=$2
shift 2
n=$$-$(cut -d' ' -f1 /proc/uptime | tr -d .)
out=/tmp/gsh.$$
# The end marker is computed by the guest's shell, so the echo of the typed line differs.
(
    sleep 0.5
    echo "$*; echo GSH-END-\$((1))-$n"
    i=0
    while [ $i -lt $((t * 2)) ] && ! grep -q "GSH-END-1-$n" $out; do
        sleep 0.5
        i=$((i + 1))
    done
) | tern console "$d" >$out 2>&1
tr -d '\r' <$out
grep -q "GSH-END-1-$n" $out
r=$?
rm -f $out
exit $r
