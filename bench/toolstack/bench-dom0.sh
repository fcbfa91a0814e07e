#!/bin/sh
# Runs inside dom0 (busybox sh): times `tern create` and Debian's `xl create` in the same
# boot. Usage: bench-dom0.sh tern|xl ROUNDS. Prints RESULT key=value lines (milliseconds,
# from /proc/uptime: 10 ms resolution).
tool=$1
rounds=${2:-3}
ms() { read -r u _ < /proc/uptime; echo $(( ${u%.*} * 1000 + 1${u#*.} * 10 - 1000 )); }

if [ "$tool" = tern ]; then
    log=/var/log/tern/console/bench.log
else
    log=/var/log/xen/console/guest-bench.log
fi

# (1) create -> guest init: a 128 MiB domU with the Debian kernel and busybox initramfs.
for r in $(seq "$rounds"); do
    rm -f "$log"
    t0=$(ms)
    $tool create /etc/tern/bench.cfg >/dev/null 2>&1 || { echo "RESULT ${tool}_error=create"; exit 1; }
    t1=$(ms)
    i=0
    until grep -q TERN-GUEST-INIT "$log" 2>/dev/null; do
        i=$((i + 1)); [ $i -gt 6000 ] && { echo "RESULT ${tool}_error=no_marker"; exit 1; }
        sleep 0.05
    done
    t2=$(ms)
    # The guest's own uptime when its init ran (printed in the marker line): the rest of
    # create -> init is the toolstack and dom0 (create, unpause, console).
    up=$(sed -n 's/.*TERN-GUEST-INIT uptime=\([0-9]*\)\.\([0-9]*\).*/\1 \2/p' "$log" | head -n 1)
    set -- $up
    [ -n "$1" ] && echo "RESULT ${tool}_guest_uptime_ms_$r=$(( $1 * 1000 + 1$2 * 10 - 1000 ))"
    $tool destroy bench >/dev/null 2>&1
    t3=$(ms)
    echo "RESULT ${tool}_create_ms_$r=$((t1 - t0))"
    echo "RESULT ${tool}_create_to_init_ms_$r=$((t2 - t0))"
    echo "RESULT ${tool}_destroy_ms_$r=$((t3 - t2))"
done

# (1b) tern only: where a create's time goes (TERN_TIMING=1: one line per step), paused so
# the guest does not compete for the CPUs.
if [ "$tool" = tern ]; then
    for r in $(seq "$rounds"); do
        TERN_TIMING=1 tern create -p /etc/tern/bench.cfg 2>&1 >/dev/null | sed -n 's/^tern: timing: /PHASE /p'
        tern destroy bench >/dev/null 2>&1
    done
fi

# (2) create time against the number of domains already there: 33 paused 16 MiB domains;
# the k-th create runs with k-1 others alive.
for k in $(seq 33); do
    t0=$(ms)
    $tool create -p /etc/tern/tiny.cfg "name=\"t$k\"" >/dev/null 2>&1 || { echo "RESULT ${tool}_error=tiny$k"; exit 1; }
    t1=$(ms)
    echo "RESULT ${tool}_paused_create_ms_with_$((k - 1))=$((t1 - t0))"
done
t0=$(ms)
for k in $(seq 33); do $tool destroy "t$k" >/dev/null 2>&1; done
t1=$(ms)
echo "RESULT ${tool}_destroy_33_paused_ms=$((t1 - t0))"
