/*
 * Event-channel ping-pong between two guests: a sends, b answers, N round trips; every
 * event arrives exactly once (no loss, no duplicate: each side waits for the answer before
 * sending again, so events cannot merge).
 */
#include <tg/arch.h>
#include <tg/events.h>
#include <tg/pair.h>
#include <tg/test.h>

#define ROUNDS 100

static void run(void)
{
    unsigned got = 0;

    if (!tg_pair.connected) {
        tg_error("not connected");
        return;
    }
    uint64_t t0 = read_cntvct();
    for (unsigned i = 0; i < ROUNDS; i++) {
        if (tg_env.role == 'a')
            pair_signal();
        if (!pair_wait(10000))
            break;
        got++;
        if (tg_env.role == 'b')
            pair_signal();
    }
    uint64_t ticks = read_cntvct() - t0;
    tg_expect_rc("events_received", got, ROUNDS);
    tg_check(!evtchn_is_pending(tg_pair.port), "extra event pending after the last round");
    tg_note("%u round trips, %lu counter ticks each", got, (unsigned long)(got ? ticks / got : 0));
}
TG_CASE_FLAGS(pair_1_evtchn, "event ping-pong between two guests: counts exact", run,
              TG_NEEDS_PEER);
