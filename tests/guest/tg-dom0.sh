#!/bin/sh
# Installed in dom0 as /usr/local/bin/tg by tests/guest/tern_guest_run.py.  Drives the Tern
# test guest with the toolstack (xl) so that the harness only types short commands (Xen's
# dom0 console input ring is 128 bytes; long typed commands can lose characters).
#   tg solo [CASES]   one guest (tg-solo.cfg); prints its console log between markers
#   tg pair [CASES]   two guests a and b (tg-pair.cfg), see guest-pv/testguest/include/tg/pair.h
# CASES is the guest's tern.cases= filter (comma-separated name prefixes).
# TG_XL names the toolstack CLI (default xl; Tern's `tern` takes the same commands).
XL=${TG_XL:-xl}
LOGDIR=/var/log/xen/console
TIMEOUT=${TG_TIMEOUT:-600}

domid() { $XL domid "$1" 2>/dev/null | tail -n 1; }

# state flags of domain NAME from xl list ("---s--": shut down, "----c-": crashed)
state() { $XL list "$1" 2>/dev/null | awk 'NR == 2 { print $5 }'; }

# wait until NAME printed its summary (or panicked) and its domain is gone, shut down
# (preserved) or crashed
wait_done() {
    i=0
    while [ $i -lt $((TIMEOUT * 2)) ]; do
        if grep -q -E 'TERN-TEST-SUMMARY|TERN-GUEST-PANIC' "$LOGDIR/guest-$1.log" 2>/dev/null; then
            case "$(state "$1")" in
            "" | *s* | *c*) return 0 ;;
            esac
        fi
        sleep 0.5
        i=$((i + 1))
    done
    return 1
}

show() {
    echo "TG-CONSOLE-BEGIN $2"
    cat "$LOGDIR/guest-$1.log" 2>/dev/null
    echo "TG-CONSOLE-END $2"
}

cases=""
[ -n "$2" ] && cases=" tern.cases=$2"
case "$1" in
solo)
    rm -f "$LOGDIR/guest-tg-solo.log"
    $XL create -p /etc/xen/tg-solo.cfg "extra=\"$cases\"" >/dev/null || exit 1
    $XL unpause "$(domid tg-solo)" || exit 1
    wait_done tg-solo; rc=$?
    show tg-solo solo
    $XL destroy tg-solo >/dev/null 2>&1
    exit $rc
    ;;
pair)
    rm -f "$LOGDIR/guest-tg-a.log" "$LOGDIR/guest-tg-b.log"
    # created paused, so each domid is known before either runs
    $XL create -p /etc/xen/tg-pair.cfg 'name="tg-a"' "extra=\"tern.role=a$cases\"" >/dev/null || exit 1
    a=$(domid tg-a)
    $XL create -p /etc/xen/tg-pair.cfg 'name="tg-b"' "extra=\"tern.role=b tern.peer=$a$cases\"" >/dev/null || exit 1
    b=$(domid tg-b)
    xenstore-write /local/domain/$a/data/peer-domid $b || exit 1
    # relay b's offer (data/port, data/gref) into a's data/ directory
    (
        for k in port gref; do
            i=0
            until v=$(xenstore-read /local/domain/$b/data/$k 2>/dev/null); do
                i=$((i + 1)); [ $i -gt 1200 ] && exit 1; sleep 0.2
            done
            xenstore-write /local/domain/$a/data/peer-$k "$v"
        done
    ) &
    $XL unpause $b && $XL unpause $a || exit 1
    wait_done tg-a; ra=$?
    wait_done tg-b; rb=$?
    show tg-a a
    show tg-b b
    $XL destroy tg-a >/dev/null 2>&1
    $XL destroy tg-b >/dev/null 2>&1
    [ $ra = 0 ] && [ $rb = 0 ]
    exit $?
    ;;
*)
    echo "usage: tg solo|pair [CASES]" >&2
    exit 2
    ;;
esac
