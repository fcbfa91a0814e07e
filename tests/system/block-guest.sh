#!/bin/sh
# /usr/bin/blkt in the domU of tests/system/block-tern.py: the guest half of each check, so
# the lines typed on the guest's console stay short.  Prints KEY=VALUE lines for the test.
c=$1
shift
case "$c" in
fill) # fill DEV SEEK_MIB MIB: random data, fsync'd
    if dd if=/dev/urandom of="$1" bs=1M seek="$2" count="$3" conv=fsync 2>/dev/null; then
        echo FILL=ok
    else
        echo FILL=failed
    fi
    ;;
sum) # sum DEV SKIP_MIB MIB: sha256 of the region, read after dropping the page cache
    echo 3 >/proc/sys/vm/drop_caches
    echo "SUM=$(dd if="$1" bs=1M skip="$2" count="$3" 2>/dev/null | sha256sum | cut -d' ' -f1)"
    ;;
size) # size NAME: the kernel's size of /dev/NAME in sectors
    echo "SIZE=$(cat /sys/block/"$1"/size 2>/dev/null || echo none)"
    ;;
ro) # ro NAME: the kernel's read-only flag, and whether a write (with fsync) succeeds
    echo "RO=$(cat /sys/block/"$1"/ro)"
    if printf X | dd of=/dev/"$1" conv=fsync 2>/dev/null; then
        echo RO_WRITE=accepted
    else
        echo RO_WRITE=refused
    fi
    ;;
flush) # flush NAME: the kernel's cache mode of /dev/NAME ("write back" while blkfront flushes)
    # and blkfront's complaints in dmesg about a failed flush (it then turns flushes off)
    echo "WRITE_CACHE=$(tr ' ' _ </sys/block/"$1"/queue/write_cache)"
    echo "DMESG_LINES=$(dmesg | wc -l) FLUSH_FAILED=$(dmesg | grep -c -e 'op failed' -e 'flush: disabled')"
    ;;
discard) # discard DEV OFFSET_MIB MIB
    if blkdiscard -o $(($2 * 1048576)) -l $(($3 * 1048576)) "$1"; then
        echo DISCARD=ok
    else
        echo DISCARD=failed
    fi
    ;;
fsfill) # fsfill DEV: an ext2 file system (mounted with the ext4 driver) on DEV at /mnt with
    # an 8 MiB file, synced
    mkdir -p /mnt
    if mke2fs -q "$1" >/dev/null 2>&1 && mount -t ext4 "$1" /mnt &&
        dd if=/dev/urandom of=/mnt/f bs=1M count=8 conv=fsync 2>/dev/null; then
        echo FSFILL=ok
    else
        echo FSFILL=failed
    fi
    ;;
fstrim) # fstrim: removes /mnt/f, then fstrim /mnt
    rm -f /mnt/f
    sync
    if fstrim /mnt; then
        echo FSTRIM=ok
    else
        echo FSTRIM=failed
    fi
    ;;
loop) # loop DEV FIRST_BLOCK N: writes 4 KiB block FIRST_BLOCK+i holding "SEQ-i" for i = 1..N,
    # each with O_DIRECT and fsync, one dd each; /tmp/ack holds the last one acknowledged
    # (dd succeeded), /tmp/fail counts failures (both replaced whole, never seen half
    # written), /tmp/loop.done appears at the end.  The last write waits for `blkt open`
    # (at most 600 s): the test kills the backend while the loop is still running however
    # fast the guest writes, instead of racing the loop's end.
    rm -f /tmp/ack /tmp/fail /tmp/loop.done /tmp/loop.open
    (
        fail=0
        i=1
        while [ "$i" -le "$3" ]; do
            if [ "$i" -eq "$3" ]; then
                n=0
                while [ ! -e /tmp/loop.open ] && [ "$n" -lt 3000 ]; do
                    sleep 0.2
                    n=$((n + 1))
                done
            fi
            if printf 'SEQ-%08d\n' "$i" |
                dd of="$1" bs=4096 seek=$(($2 + i)) oflag=direct conv=sync,fsync 2>/dev/null; then
                echo "$i" >/tmp/ack.new && mv /tmp/ack.new /tmp/ack
            else
                fail=$((fail + 1))
                echo "$fail" >/tmp/fail.new && mv /tmp/fail.new /tmp/fail
            fi
            i=$((i + 1))
        done
        touch /tmp/loop.done
    ) </dev/null >/dev/null 2>&1 &
    echo LOOP=started
    ;;
ack) # ack [MIN SECONDS]: the loop's last acknowledged write and failures so far, once the
    # last acknowledged one is MIN or more (at most SECONDS)
    n=0
    while [ "$(cat /tmp/ack 2>/dev/null || echo 0)" -lt "${1:-0}" ] && [ "$n" -lt "$((${2:-0} * 5))" ]; do
        sleep 0.2
        n=$((n + 1))
    done
    echo "ACK=$(cat /tmp/ack 2>/dev/null || echo 0) FAILS=$(cat /tmp/fail 2>/dev/null || echo 0)"
    ;;
open) # open: lets the loop make its last write
    touch /tmp/loop.open
    echo OPEN=yes
    ;;
wait) # wait: until the loop ends (at most $1 s); the last acknowledged write and failures
    n=0
    while [ ! -e /tmp/loop.done ] && [ "$n" -lt "$1" ]; do
        sleep 1
        n=$((n + 1))
    done
    echo "LOOP_DONE=$([ -e /tmp/loop.done ] && echo yes || echo no)"
    echo "LOOP_ACK=$(cat /tmp/ack 2>/dev/null || echo 0)"
    echo "LOOP_FAIL=$(cat /tmp/fail 2>/dev/null || echo 0)"
    ;;
seqcheck) # seqcheck DEV FIRST_BLOCK N: how many of blocks 1..N do not hold their number
    echo 3 >/proc/sys/vm/drop_caches
    bad=0
    i=1
    while [ "$i" -le "$3" ]; do
        got=$(dd if="$1" bs=4096 skip=$(($2 + i)) count=1 2>/dev/null | head -c 12)
        [ "$got" = "$(printf 'SEQ-%08d' "$i")" ] || bad=$((bad + 1))
        i=$((i + 1))
    done
    echo "SEQ_BAD=$bad"
    ;;
*)
    echo "blkt: unknown command '$c'" >&2
    exit 2
    ;;
esac
