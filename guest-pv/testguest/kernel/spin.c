/*
 * Spin mode (issue 12, tests/system/sched-credit.py): with tern.spin=N on the command line
 * the guest is CPU-bound for good instead of running the cases: it repeats a fixed unit of
 * work (N iterations of a register-only loop, the same instructions every time) and after
 * each unit prints
 *   TERN-SPIN n=<units done> t=<virtual counter>
 * on its console, so the work a guest did in any interval is the difference of two n.
 * It never blocks or yields (the console ring is drained by xenconsoled long before it
 * fills at one line per unit), so it always wants its pCPU: what it gets is the
 * scheduler's share.
 */
#include <tg/arch.h>
#include <tg/console.h>
#include <tg/events.h>
#include <tg/format.h>
#include <tg/lib.h>
#include <tg/xenstore.h>

void spin_run(unsigned long iterations)
{
    uint64_t x = 1;

    printk("TERN-SPIN start iterations=%lu\n", iterations);
    for (unsigned long n = 1;; n++) {
        for (unsigned long i = 0; i < iterations; i++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            __asm__ volatile("" : "+r"(x)); /* kept: one unit is always the same work */
        }
        printk("TERN-SPIN n=%lu t=%lu\n", n, (unsigned long)read_cntvct());
    }
}

/*
 * Pong mode (bench/sched): with tern.pong=1 the guest answers event-channel pings from
 * dom0 and does nothing else.  It allocates an unbound port for dom0, publishes it as
 * data/pong-port in its xenstore directory (and on the console as TERN-PONG port=), then
 * blocks in SCHEDOP_poll on it and sends an event back for each one it gets: what dom0
 * measures is the wake-up of a blocked vCPU (tern-evping).
 */
void pong_run(void)
{
    evtchn_port_t port;
    char buf[16];
    long rc = evtchn_alloc_unbound(0, &port);

    if (rc) {
        printk("TERN-PONG alloc_unbound failed: %ld\n", rc);
        return;
    }
    tg_snprintf(buf, sizeof(buf), "%u", port);
    rc = xs_write("data/pong-port", buf);
    printk("TERN-PONG port=%u xenstore=%ld\n", port, rc);
    for (;;) {
        if (evtchn_wait_blocking(port))
            continue;
        evtchn_send(port);
    }
}
