#!/bin/sh
# Runs inside dom0 (busybox sh): times `tern create` / Debian's `xl create` of a guest with
# one disk (dev-disk.cfg) and of a guest with one vif (dev-vif.cfg).
# Usage: bench-devices-dom0.sh tern|xl ROUNDS. Prints RESULT key=value lines (milliseconds,
# from /proc/uptime: 10 ms resolution):
#   <tool>_<kind>_create_ms_<r>     the create command, start to return
#   <tool>_<kind>_connected_ms_<r>  create start to the guest's frontend state 4 (Connected)
#   <tool>_<kind>_destroy_ms_<r>    the destroy command
tool=$1
rounds=${2:-3}
ms() { read -r u _ < /proc/uptime; echo $(( ${u%.*} * 1000 + 1${u#*.} * 10 - 1000 )); }

for kind in disk vif; do
    if [ $kind = disk ]; then dev=vbd/51712; else dev=vif/0; fi
    for r in $(seq "$rounds"); do
        t0=$(ms)
        if ! out=$($tool create /etc/tern/dev-$kind.cfg 2>&1); then
            echo "RESULT ${tool}_${kind}_error=create"
            echo "$out" | tail -n 20
            tail -n 20 /var/log/xen/xen-hotplug.log 2>/dev/null
            exit 1
        fi
        t1=$(ms)
        d=$($tool domid dev$kind)
        i=0
        until [ "$(xenstore-read /local/domain/$d/device/$dev/state 2>/dev/null)" = 4 ]; do
            i=$((i + 1)); [ $i -gt 3000 ] && { echo "RESULT ${tool}_${kind}_error=not_connected"; exit 1; }
            sleep 0.02
        done
        t2=$(ms)
        $tool destroy dev$kind >/dev/null 2>&1
        t3=$(ms)
        echo "RESULT ${tool}_${kind}_create_ms_$r=$((t1 - t0))"
        echo "RESULT ${tool}_${kind}_connected_ms_$r=$((t2 - t0))"
        echo "RESULT ${tool}_${kind}_destroy_ms_$r=$((t3 - t2))"
        # the backend's teardown (xl's remove hotplug script, loop device) ends before the next
        for j in $(seq 100); do
            [ -z "$(xenstore-ls /local/domain/0/backend/${dev%/*}/$d 2>/dev/null)" ] && break
            sleep 0.1
        done
    done
done
