/* SPDX-License-Identifier: MIT */
/* Issue 13: the warning rate limit (common/ratelimit.c) and the watchdog's detection
 * logic (common/watchdog.c), with explicit times. */
#include <hv/console.h>
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

/* Console input flow control, common side: the ring says when it is full, and a read
 * that makes room in a full ring asks the arch to take the UART's waiting bytes. */
START_TEST(console_input_full_then_resume)
{
    struct vcpu *d0 = dom0->vcpu[0];
    char buf[200];
    int i;

    /* Empty the ring (earlier tests may have typed). */
    while (hc(d0, __HYPERVISOR_console_io, CONSOLEIO_read, 64, SCRATCH(dom0)) > 0)
        ;
    fake_rx_resumes = 0;
    for (i = 0; i < 127; i++)
        console_input_char((char)('a' + i % 26));
    ck_assert(!console_input_full());
    console_input_char('!');
    ck_assert(console_input_full());
    /* A read from a ring that was not full does not resume; one from a full ring does. */
    ck_assert_int_eq(hc(d0, __HYPERVISOR_console_io, CONSOLEIO_read, 10, SCRATCH(dom0)), 10);
    ck_assert_uint_eq(fake_rx_resumes, 1);
    ck_assert(!console_input_full());
    ck_assert_int_eq(hc(d0, __HYPERVISOR_console_io, CONSOLEIO_read, 10, SCRATCH(dom0)), 10);
    ck_assert_uint_eq(fake_rx_resumes, 1);
    /* The bytes come out in order, none lost: 108 left, the last one '!'. */
    ck_assert_int_eq(hc(d0, __HYPERVISOR_console_io, CONSOLEIO_read, 200, SCRATCH(dom0)), 108);
    gget(dom0, SCRATCH(dom0), buf, 108);
    ck_assert_int_eq(buf[0], 'a' + 20 % 26);
    ck_assert_int_eq(buf[107], '!');
    /* A failed read of a full ring takes nothing and resumes nothing. */
    for (i = 0; i < 128; i++)
        console_input_char('x');
    ck_assert_int_eq(hc(d0, __HYPERVISOR_console_io, CONSOLEIO_read, 10, BAD_GVA), -EFAULT);
    ck_assert(console_input_full());
    ck_assert_uint_eq(fake_rx_resumes, 1);
}
END_TEST

TCase *tcase_hardening(void)
{
    TCase *tc = tcase_create("hardening");

    tcase_add_test(tc, ratelimit_burst_then_silence_then_report);
    tcase_add_test(tc, ratelimit_is_per_source);
    tcase_add_test(tc, watchdog_reports_a_stuck_trap_once);
    tcase_add_test(tc, watchdog_quick_traps_are_never_reported);
    tcase_add_checked_fixture(tc, th_setup, th_teardown);
    tcase_add_test(tc, console_input_full_then_resume);
    return tc;
}
