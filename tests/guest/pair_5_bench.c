/*
 * Benchmark (tern.cases=pair_0,pair_5 with two guests): event-channel ping-pong with
 * blocking waits (SCHEDOP_poll), as a driver would wait.  a prints, for each of ROUNDS
 * rounds (bench/hypercalls/run.py keeps the least),
 *   TERN-BENCH op=evtchn_pingpong iters=<round trips> ticks=<total> cntfrq=<Hz>
 * Needs a domU-to-domU channel (skipped where the hypervisor refuses one, as Xen 4.17's
 * default policy does), and always measures the shared-page mailbox round trip (grant copy
 * + yield polling) as op=mailbox_pingpong.
 */
#include <tg/arch.h>
#include <tg/console.h>
#include <tg/events.h>
#include <tg/pair.h>
#include <tg/test.h>

#define TRIPS  100 /* round trips in one round */
#define ROUNDS 5

static void report(const char *op, unsigned n, uint64_t ticks)
{
    if (tg_env.role == 'a')
        printk("TERN-BENCH op=%s iters=%u ticks=%lu cntfrq=%lu\n", op, n, (unsigned long)ticks,
               (unsigned long)READ_SYSREG(cntfrq_el0));
}

static void run(void)
{
    unsigned done = 0;

    if (tg_pair.denied) {
        tg_skip("domU-to-domU communication refused by the hypervisor's policy");
        return;
    }
    if (!tg_pair.connected) {
        tg_error("not connected");
        return;
    }
    uint64_t seq = 100; /* mailbox values: each one posted once, in order */
    for (unsigned r = 0; r < ROUNDS && done == r * TRIPS; r++) {
        unsigned before = done;
        uint64_t t0 = read_cntvct();
        for (unsigned i = 0; i < TRIPS; i++) {
            seq++;
            if (tg_env.role == 'a')
                pair_post(seq);
            if (!pair_wait_peer(seq, 10000))
                break;
            if (tg_env.role == 'b')
                pair_post(seq);
            done++;
        }
        report("mailbox_pingpong", done - before, read_cntvct() - t0);
    }
    tg_expect_rc("mailbox_rounds", done, ROUNDS * TRIPS);
    if (!tg_pair.port) {
        tg_skip("no domU-to-domU event channel");
        return;
    }
    done = 0;
    for (unsigned r = 0; r < ROUNDS && done == r * TRIPS; r++) {
        unsigned before = done;
        uint64_t t0 = read_cntvct();
        for (unsigned i = 0; i < TRIPS; i++) {
            if (tg_env.role == 'a')
                evtchn_send(tg_pair.port);
            if (evtchn_wait_blocking(tg_pair.port))
                break;
            if (tg_env.role == 'b')
                evtchn_send(tg_pair.port);
            done++;
        }
        report("evtchn_pingpong", done - before, read_cntvct() - t0);
    }
    tg_expect_rc("rounds", done, ROUNDS * TRIPS);
}
TG_CASE_FLAGS(pair_5_bench, "benchmark: ping-pong between two guests", run,
              TG_NEEDS_PEER | TG_EXPLICIT);
