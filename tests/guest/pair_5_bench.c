/*
 * Benchmark (tern.cases=pair_0,pair_5 with two guests): event-channel
 * ping-pong with blocking waits (SCHEDOP_poll), as a driver would wait.  a prints
 *   TERN-BENCH op=evtchn_pingpong iters=<round trips> ticks=<total> cntfrq=<Hz>
 */
#include <tg/arch.h>
#include <tg/console.h>
#include <tg/events.h>
#include <tg/pair.h>
#include <tg/test.h>

#define ROUNDS 200

static void run(void)
{
    unsigned done = 0;

    if (!tg_pair.connected) {
        tg_error("not connected");
        return;
    }
    /* Start together: b announces it is ready. */
    if (tg_env.role == 'b')
        pair_signal();
    else if (!pair_wait(30000)) {
        tg_error("peer not ready");
        return;
    }
    uint64_t t0 = read_cntvct();
    for (unsigned i = 0; i < ROUNDS; i++) {
        if (tg_env.role == 'a')
            pair_signal();
        if (evtchn_wait_blocking(tg_pair.port))
            break;
        if (tg_env.role == 'b')
            pair_signal();
        done++;
    }
    uint64_t ticks = read_cntvct() - t0;
    if (tg_env.role == 'a')
        printk("TERN-BENCH op=evtchn_pingpong iters=%u ticks=%lu cntfrq=%lu\n", done,
               (unsigned long)ticks, (unsigned long)READ_SYSREG(cntfrq_el0));
    tg_expect_rc("rounds", done, ROUNDS);
}
TG_CASE_FLAGS(pair_5_bench, "benchmark: event ping-pong between two guests", run,
              TG_NEEDS_PEER | TG_EXPLICIT);
