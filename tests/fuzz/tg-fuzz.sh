#!/bin/sh
# Installed in dom0 as /usr/local/bin/tg-fuzz by tests/system/hardening-guestfuzz.py.
#   tg-fuzz CALLS SEED   the Tern test guest in fuzz mode (guest-pv/testguest/kernel/fuzz.c):
#                        CALLS random hypercalls from an unprivileged domU; prints its console
#                        between TG-CONSOLE-BEGIN/END fuzz and fails if it did not finish
# TG_XL names the toolstack CLI (default xl; Tern's `tern` takes the same commands).
XL=${TG_XL:-xl}
LOG=/var/log/xen/console/guest-tg-solo.log
TIMEOUT=${TG_TIMEOUT:-3600}

[ $# = 2 ] || { echo "usage: tg-fuzz CALLS SEED" >&2; exit 2; }
rm -f "$LOG"
$XL create -p /etc/xen/tg-solo.cfg "extra=\"tern.fuzz=$1 tern.seed=$2\"" >/dev/null || exit 1
id=$($XL domid tg-solo 2>/dev/null | tail -n 1)
$XL unpause "$id" || exit 1
rc=1
i=0
while [ $i -lt $((TIMEOUT * 2)) ]; do
    if grep -q -E 'TERN-FUZZ-DONE|TERN-GUEST-PANIC' "$LOG" 2>/dev/null; then
        rc=0
        break
    fi
    # the guest is gone or stopped before it finished
    case "$($XL list tg-solo 2>/dev/null | awk 'NR == 2 { print $5 }')" in
    "" | *s* | *c*) sleep 1; grep -q TERN-FUZZ-DONE "$LOG" && rc=0; break ;;
    esac
    sleep 0.5
    i=$((i + 1))
done
sleep 1
echo "TG-CONSOLE-BEGIN fuzz"
cat "$LOG" 2>/dev/null
echo "TG-CONSOLE-END fuzz"
$XL destroy tg-solo >/dev/null 2>&1
exit $rc
