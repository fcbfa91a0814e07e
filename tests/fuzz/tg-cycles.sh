#!/bin/sh
# Installed in dom0 as /usr/local/bin/tg-cycles by tests/system/hardening-cycles.py.
#   tg-cycles census          one CENSUS line: the hypervisor's free pages, domains and dom0's
#                             event channels (hv-fuzz-dom0 census), xenstore's nodes under
#                             /local/domain, /vm and /libxl, dom0's Xen interrupt lines
#   tg-cycles run N           N cycles of the Tern test guest (tg-solo.cfg running its
#                             xen_version case): create paused, unpause, wait for its
#                             summary line, destroy.  Prints CYCLE-FAIL and stops at the
#                             first cycle that does not run; CYCLES-DONE n=N at the end.
# TG_XL names the toolstack CLI (default xl; Tern's `tern` takes the same commands).
# TG_LOG: the guest's console log (default xenconsoled's; tern-consoled: /var/log/tern/console/tg-solo.log).
XL=${TG_XL:-xl}
LOG=${TG_LOG:-/var/log/xen/console/guest-tg-solo.log}

nodes() { xenstore-ls -f "$1" 2>/dev/null | wc -l; }

census() {
    c=$(hv-fuzz-dom0 census) || exit 1
    # dom0's interrupt lines bound to event channels (Linux names them xen-dyn/xen-percpu)
    irqs=$(grep -c 'xen-dyn\|xen-percpu' /proc/interrupts)
    echo "$c xs_local=$(nodes /local/domain) xs_vm=$(nodes /vm) xs_libxl=$(nodes /libxl)" \
        "dom0_xen_irqs=$irqs"
}

# one cycle: the guest must print its summary within 60 s
cycle() {
    rm -f "$LOG"
    # preserved when it powers off (xl's per-domain daemon and tern-consoled would destroy
    # it themselves otherwise): the destroy below is the cycle's
    $XL create -p /etc/xen/tg-solo.cfg 'extra="tern.cases=xen_version"' 'on_poweroff="preserve"' \
        >/dev/null 2>&1 ||
        { echo "CYCLE-FAIL $1 create"; return 1; }
    id=$($XL domid tg-solo 2>/dev/null | tail -n 1)
    $XL unpause "$id" || { echo "CYCLE-FAIL $1 unpause d$id"; return 1; }
    i=0
    until grep -q 'TERN-TEST-SUMMARY total=1 pass=1' "$LOG" 2>/dev/null; do
        i=$((i + 1))
        if [ $i -gt 600 ]; then
            echo "CYCLE-FAIL $1 d$id did not run its case:"
            cat "$LOG"
            return 1
        fi
        sleep 0.1
    done
    $XL destroy "$id" || { echo "CYCLE-FAIL $1 destroy d$id"; return 1; }
    i=0
    while $XL domid tg-solo >/dev/null 2>&1; do
        i=$((i + 1))
        [ $i -gt 300 ] && { echo "CYCLE-FAIL $1 d$id still there after destroy"; return 1; }
        sleep 0.1
    done
    last=$id
}

case "$1" in
census) census ;;
run)
    [ $# = 2 ] || { echo "usage: tg-cycles run N" >&2; exit 2; }
    n=0
    while [ $n -lt "$2" ]; do
        cycle $n || exit 1
        n=$((n + 1))
    done
    echo "CYCLES-DONE n=$n last-domid=$last"
    ;;
*)
    echo "usage: tg-cycles census | run N" >&2
    exit 2
    ;;
esac
