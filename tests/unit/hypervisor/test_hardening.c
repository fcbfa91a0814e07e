/* SPDX-License-Identifier: MIT */
/* Issue 13: the warning rate limit (common/ratelimit.c) and the watchdog's detection
 * logic (common/watchdog.c), with explicit times. */
#include <hv/ratelimit.h>
#include <hv/watchdog.h>

#include "th.h"

START_TEST(ratelimit_burst_then_silence_then_report)
{
    struct ratelimit rl = {0};
    unsigned int dropped, printed = 0;

    /* A guest faulting 1000 times within one window: only the burst is printed. */
    for (int i = 0; i < 1000; i++) {
        printed += ratelimit_allow(&rl, 100000 + i, &dropped);
        ck_assert_uint_eq(dropped, 0);
    }
    ck_assert_uint_eq(printed, RATELIMIT_BURST);
    /* Still inside the window: nothing. */
    ck_assert(!ratelimit_allow(&rl, 100000 + RATELIMIT_WINDOW_MS - 1, &dropped));
    /* The next window prints again and reports what was dropped. */
    ck_assert(ratelimit_allow(&rl, 100000 + RATELIMIT_WINDOW_MS, &dropped));
    ck_assert_uint_eq(dropped, 1000 - RATELIMIT_BURST + 1);
    ck_assert(ratelimit_allow(&rl, 100000 + RATELIMIT_WINDOW_MS + 1, &dropped));
    ck_assert_uint_eq(dropped, 0);
}
END_TEST

START_TEST(ratelimit_is_per_source)
{
    struct ratelimit a = {0}, b = {0};
    unsigned int dropped;

    for (int i = 0; i < 100; i++)
        ratelimit_allow(&a, 5, &dropped);
    /* b (another domain) is not affected by a's flood, even at time 0. */
    ck_assert(ratelimit_allow(&b, 0, &dropped));
    ck_assert_uint_eq(dropped, 0);
    ck_assert(!ratelimit_allow(&a, 6, &dropped));
}
END_TEST

START_TEST(watchdog_reports_a_stuck_trap_once)
{
    struct watchdog_cpu w = {0};

    /* Never in a trap: never stuck. */
    ck_assert(!watchdog_stuck(&w, 1000000, 10));
    watchdog_enter(&w, 500, 0x5a000ea1, 36, 0, 1);
    ck_assert(!watchdog_stuck(&w, 509, 10));
    ck_assert(watchdog_stuck(&w, 510, 10));
    ck_assert_uint_eq(w.domid, 0);
    ck_assert_uint_eq(w.vcpu, 1);
    ck_assert_uint_eq(w.nr, 36);
    ck_assert_uint_eq(w.esr, 0x5a000ea1);
    /* Once per episode. */
    ck_assert(!watchdog_stuck(&w, 10000, 10));
    /* Left and entered again: a new episode, judged from its own entry. */
    watchdog_leave(&w);
    ck_assert(!watchdog_stuck(&w, 20000, 10));
    watchdog_enter(&w, 20000, 0x92000046, 0, 3, 0);
    ck_assert(!watchdog_stuck(&w, 20005, 10));
    ck_assert(watchdog_stuck(&w, 20010, 10));
    ck_assert_uint_eq(w.domid, 3);
}
END_TEST

START_TEST(watchdog_quick_traps_are_never_reported)
{
    struct watchdog_cpu w = {0};

    /* Many short traps spanning far more than the limit in total. */
    for (uint64_t t = 1; t < 100000; t += 7) {
        watchdog_enter(&w, t, 0x5a000ea1, 17, 1, 0);
        ck_assert(!watchdog_stuck(&w, t + 5, 10));
        watchdog_leave(&w);
        ck_assert(!watchdog_stuck(&w, t + 6, 10));
    }
    /* An entry at counter 0 still counts as "in a trap". */
    watchdog_enter(&w, 0, 0, 0, 0, 0);
    ck_assert(watchdog_stuck(&w, 11, 10));
    /* A reading taken before the entry (another pCPU's counter): not stuck. */
    watchdog_enter(&w, 1000, 0, 0, 0, 0);
    ck_assert(!watchdog_stuck(&w, 990, 10));
}
END_TEST

TCase *tcase_hardening(void)
{
    TCase *tc = tcase_create("hardening");

    tcase_add_test(tc, ratelimit_burst_then_silence_then_report);
    tcase_add_test(tc, ratelimit_is_per_source);
    tcase_add_test(tc, watchdog_reports_a_stuck_trap_once);
    tcase_add_test(tc, watchdog_quick_traps_are_never_reported);
    return tc;
}
