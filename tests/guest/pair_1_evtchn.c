/*
 * Event-channel ping-pong between two guests: a sends, b answers, N round trips; every
 * event arrives exactly once (each side waits for the answer before sending again, so
 * events cannot merge).  Needs the domU-to-domU channel b asked for: where the hypervisor
 * refused it (Xen 4.17: -EPERM), the case is skipped.
 */
#include <tg/arch.h>
#include <tg/events.h>
#include <tg/pair.h>
#include <tg/test.h>

#define ROUNDS 100

static void run(void)
{
    unsigned got = 0;

    if (!pair_ready())
        return;
    if (!tg_pair.port) {
        tg_skip("no domU-to-domU event channel (alloc_unbound refused)");
        return;
    }
    uint64_t t0 = read_cntvct();
    for (unsigned i = 0; i < ROUNDS; i++) {
        if (tg_env.role == 'a')
            evtchn_send(tg_pair.port);
        if (!evtchn_wait(tg_pair.port, 10000))
            break;
        got++;
        if (tg_env.role == 'b')
            evtchn_send(tg_pair.port);
    }
    uint64_t ticks = read_cntvct() - t0;
    tg_expect_rc("events_received", got, ROUNDS);
    tg_check(!evtchn_is_pending(tg_pair.port), "extra event pending after the last round");
    tg_note("%u round trips, %lu counter ticks each", got, (unsigned long)(got ? ticks / got : 0));
}
TG_CASE_FLAGS(pair_1_evtchn, "event ping-pong between two guests: counts exact", run,
              TG_NEEDS_PEER);
