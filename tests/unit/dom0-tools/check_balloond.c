/* tern-balloond's policy (dom0-tools/balloond/policy.c): wants, bounds, fair sharing. */
#include <check.h>
#include <stdlib.h>
#include "policy.h"

#define MIB 1024ULL

static struct bd_guest guest(uint32_t domid, uint64_t ceil_mib, uint64_t actual_mib,
                             uint64_t used_mib, uint64_t avail_mib)
{
    return (struct bd_guest){.domid = domid,
                             .managed = true,
                             .actual_kb = actual_mib * MIB,
                             .target_kb = actual_mib * MIB,
                             .ceiling_kb = ceil_mib * MIB,
                             .guest_total_kb = (used_mib + avail_mib) * MIB,
                             .guest_avail_kb = avail_mib * MIB};
}

START_TEST(test_idle_cache_returns)
{
    struct bd_params p;
    /* vStack: 768 MiB guest, 60 MiB in use, the rest page cache (available) */
    struct bd_guest g = guest(1, 768, 768, 60, 700);

    bd_params_default(&p);
    bd_policy(&p, &g, 1, 1024 * MIB);
    ck_assert_uint_eq(g.want_kb, 192 * MIB); /* used + 64 below the default floor (768/4) */
    ck_assert_uint_eq(g.new_target_kb, 192 * MIB);
    g = guest(1, 768, 768, 60, 700);
    g.floor_kb = 100 * MIB; /* memory/tern-floor */
    bd_policy(&p, &g, 1, 1024 * MIB);
    ck_assert_uint_eq(g.new_target_kb, 132 * MIB); /* + the 8 MiB outside MemTotal */
}
END_TEST

START_TEST(test_never_below_lowest)
{
    struct bd_params p;
    struct bd_guest g = guest(1, 768, 768, 60, 700);

    bd_params_default(&p);
    g.lowest_kb = 600 * MIB; /* the guest can give only 168 MiB now */
    bd_policy(&p, &g, 1, 1024 * MIB);
    ck_assert_uint_eq(g.want_kb, 192 * MIB);
    ck_assert_uint_eq(g.new_target_kb, 600 * MIB);
}
END_TEST

START_TEST(test_short_guest_grows_ahead)
{
    struct bd_params p;
    struct bd_guest g = guest(1, 768, 300, 280, 10);

    bd_params_default(&p);
    bd_policy(&p, &g, 1, 1024 * MIB);
    /* headroom 25 % = 70, doubled; + the 10 MiB the kernel keeps outside MemTotal */
    ck_assert_uint_eq(g.want_kb, (10 + 280 + 140) * MIB);
    g = guest(1, 768, 400, 280, 40); /* 40 MiB available: above half the headroom (35) */
    bd_policy(&p, &g, 1, 1024 * MIB);
    ck_assert_uint_eq(g.want_kb, (80 + 280 + 70) * MIB);
    ck_assert_uint_eq(g.new_target_kb, 430 * MIB);
    ck_assert(!g.squeezed);
    g = guest(1, 400, 300, 280, 10); /* the ceiling bounds it */
    bd_policy(&p, &g, 1, 1024 * MIB);
    ck_assert_uint_eq(g.new_target_kb, 400 * MIB);
}
END_TEST

START_TEST(test_unmanaged_left_alone)
{
    struct bd_params p;
    struct bd_guest g[2] = {guest(1, 512, 512, 10, 490), guest(2, 512, 512, 10, 490)};

    bd_params_default(&p);
    g[1].managed = false; /* no agent, or memory/tern-balloon = off */
    g[1].target_kb = 500 * MIB;
    bd_policy(&p, g, 2, 64 * MIB);
    ck_assert_uint_eq(g[1].new_target_kb, 500 * MIB);
    ck_assert_uint_eq(g[0].new_target_kb, 128 * MIB);
}
END_TEST

START_TEST(test_pressure_fair_share)
{
    struct bd_params p;
    /* three guests of 512 MiB ceilings (1.5 GiB) on a host with 200 MiB free: each holds
     * 256 MiB and wants more (short), floors 128 MiB */
    struct bd_guest g[3] = {guest(1, 512, 256, 230, 20), guest(2, 512, 256, 230, 20),
                            guest(3, 512, 256, 100, 150)};
    uint64_t budget, sum = 0;

    bd_params_default(&p);
    budget = bd_policy(&p, g, 3, 200 * MIB);
    ck_assert_uint_eq(budget, (200 + 768 - 128) * MIB);
    for (int i = 0; i < 3; i++) {
        ck_assert_uint_ge(g[i].new_target_kb, 128 * MIB);
        ck_assert_uint_le(g[i].new_target_kb, g[i].want_kb);
        sum += g[i].new_target_kb;
    }
    ck_assert_uint_le(sum, budget);
    ck_assert(g[0].squeezed && g[1].squeezed);
    ck_assert_uint_eq(g[0].new_target_kb, g[1].new_target_kb); /* same demand, same share */
    ck_assert_uint_lt(g[2].new_target_kb, g[0].new_target_kb);
    /* what they hold minus the reserve is below the floors: everyone at its floor */
    for (int i = 0; i < 3; i++)
        g[i] = guest((uint32_t)i + 1, 512, 100, 230, 20);
    bd_policy(&p, g, 3, 0);
    for (int i = 0; i < 3; i++)
        ck_assert_uint_eq(g[i].new_target_kb, 128 * MIB);
}
END_TEST

START_TEST(test_hysteresis)
{
    struct bd_params p;
    struct bd_guest g = guest(1, 768, 194, 60, 100);

    bd_params_default(&p);
    bd_policy(&p, &g, 1, 1024 * MIB); /* wants 192, holds 194: too small a change */
    ck_assert_uint_eq(g.new_target_kb, g.target_kb);
    ck_assert_uint_eq(bd_default_floor_kb(128 * MIB), 64 * MIB);
    ck_assert_uint_eq(bd_default_floor_kb(32 * MIB), 32 * MIB);
}
END_TEST

START_TEST(test_demand_rate)
{
    struct bd_trend t = {0};
    struct bd_params p;
    struct bd_guest g = guest(1, 768, 200, 100, 80);

    ck_assert_uint_eq(bd_demand_rate(&t, 100 * MIB, 1000), 0);
    ck_assert_uint_eq(bd_demand_rate(&t, 110 * MIB, 1500), 20 * MIB); /* 10 MiB in 0.5 s */
    ck_assert_uint_eq(bd_demand_rate(&t, 110 * MIB, 1700), 20 * MIB); /* quiet < 1 s: kept */
    ck_assert_uint_eq(bd_demand_rate(&t, 110 * MIB, 2500), 10 * MIB); /* a quiet second */
    ck_assert_uint_eq(bd_demand_rate(&t, 110 * MIB, 4500), 10 * MIB / 4);
    ck_assert_uint_eq(bd_demand_rate(&t, 90 * MIB, 6500), 10 * MIB / 16); /* freed: decays */
    /* The headroom covers lookahead_s (4 s) of the demand: 30 MiB/s -> 120 MiB (only the
     * base headroom is doubled when MemAvailable is below it). */
    bd_params_default(&p);
    ck_assert_uint_eq(bd_headroom_kb(&p, 100 * MIB, 0), 64 * MIB);
    ck_assert_uint_eq(bd_headroom_kb(&p, 100 * MIB, 30 * MIB), 120 * MIB);
    g.demand_kb_s = 30 * MIB;
    bd_policy(&p, &g, 1, 1024 * MIB);
    ck_assert_uint_eq(g.want_kb, (20 + 100 + 120) * MIB);
    ck_assert_uint_eq(g.new_target_kb, 240 * MIB);
    /* Grow fast, shrink when quiet: a guest wanting less keeps its target while its demand
     * grows, and gets the lower one once the demand is quiet. */
    g = guest(1, 768, 400, 100, 280);
    g.demand_kb_s = BD_QUIET_KB_S;
    bd_policy(&p, &g, 1, 1024 * MIB);
    ck_assert_uint_eq(g.new_target_kb, 400 * MIB);
    g.demand_kb_s = BD_QUIET_KB_S - 1;
    bd_policy(&p, &g, 1, 1024 * MIB);
    ck_assert_uint_eq(g.new_target_kb, 192 * MIB); /* 20 + 100 + 64 = 184, floor 192 */
}
END_TEST

START_TEST(test_silent_short_grows)
{
    struct bd_params p;
    struct bd_guest g = guest(1, 384, 120, 80, 2); /* stale figures of a starved guest */

    bd_params_default(&p);
    g.silent_short = true;
    bd_policy(&p, &g, 1, 1024 * MIB);
    ck_assert_uint_eq(g.new_target_kb, (120 + 64) * MIB); /* one headroom per tick */
    g.target_kb = 300 * MIB; /* already growing past that: left as is */
    bd_policy(&p, &g, 1, 1024 * MIB);
    ck_assert_uint_eq(g.new_target_kb, 300 * MIB);
    g = guest(1, 150, 120, 80, 2); /* bounded by the ceiling */
    g.silent_short = true;
    bd_policy(&p, &g, 1, 1024 * MIB);
    ck_assert_uint_eq(g.new_target_kb, 150 * MIB);
}
END_TEST

START_TEST(test_rearm_stalled_shrink)
{
    struct bd_rearm r = {0};
    uint64_t t = 0, tgt = 192 * MIB, cur = 400 * MIB;
    int i;

    /* Moving down: never. */
    for (i = 0; i < 10; i++, t += 1000, cur -= 8 * MIB)
        ck_assert(!bd_rearm_check(&r, tgt, cur, t));
    /* Stopped above the target: re-armed after BD_REARM_SAMPLES still samples... */
    ck_assert(!bd_rearm_check(&r, tgt, cur, t)); /* the last move's sample */
    for (i = 1; i < BD_REARM_SAMPLES; i++)
        ck_assert(!bd_rearm_check(&r, tgt, cur, t += 1000));
    ck_assert(bd_rearm_check(&r, tgt, cur, t += 1000));
    /* ...samples closer than BD_REARM_SAMPLE_MS do not count... */
    for (i = 0; i < 20; i++)
        ck_assert(!bd_rearm_check(&r, tgt, cur, t += 100));
    /* ...and again every BD_REARM_SAMPLES seconds, at most BD_REARM_MAX times in a row. */
    int n = 1;
    for (i = 0; i < 100; i++)
        n += bd_rearm_check(&r, tgt, cur, t += 1000);
    ck_assert_int_eq(n, BD_REARM_MAX);
    /* A move starts over. */
    cur -= 4;
    ck_assert(!bd_rearm_check(&r, tgt, cur, t += 1000));
    for (i = 1; i < BD_REARM_SAMPLES; i++)
        ck_assert(!bd_rearm_check(&r, tgt, cur, t += 1000));
    ck_assert(bd_rearm_check(&r, tgt, cur, t += 1000));
    /* So does a new target. */
    tgt = 200 * MIB;
    ck_assert(!bd_rearm_check(&r, tgt, cur, t += 1000));
    ck_assert(!bd_rearm_check(&r, tgt, cur, t += 1000));
    ck_assert(!bd_rearm_check(&r, tgt, cur, t += 1000));
    ck_assert(bd_rearm_check(&r, tgt, cur, t += 1000));
}
END_TEST

START_TEST(test_rearm_not_when_there_or_growing)
{
    struct bd_rearm r = {0};
    uint64_t t = 0;
    int i;

    /* At the target within max(2 MiB, 1 %): 768 MiB target, 7 MiB above. */
    for (i = 0; i < 20; i++, t += 1000)
        ck_assert(!bd_rearm_check(&r, 768 * MIB, 775 * MIB, t));
    /* 2 MiB above a small target: still "there". */
    r = (struct bd_rearm){0};
    for (i = 0; i < 20; i++, t += 1000)
        ck_assert(!bd_rearm_check(&r, 128 * MIB, 130 * MIB, t));
    /* Below the target (a grow that stopped): not a shrink. */
    r = (struct bd_rearm){0};
    for (i = 0; i < 20; i++, t += 1000)
        ck_assert(!bd_rearm_check(&r, 512 * MIB, 300 * MIB, t));
    /* 3 MiB above a small target: stalled. */
    r = (struct bd_rearm){0};
    for (i = 0; i < BD_REARM_SAMPLES; i++, t += 1000)
        ck_assert(!bd_rearm_check(&r, 128 * MIB, 131 * MIB, t));
    ck_assert(bd_rearm_check(&r, 128 * MIB, 131 * MIB, t));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("balloond-policy");
    TCase *tc = tcase_create("core");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_idle_cache_returns);
    tcase_add_test(tc, test_short_guest_grows_ahead);
    tcase_add_test(tc, test_never_below_lowest);
    tcase_add_test(tc, test_unmanaged_left_alone);
    tcase_add_test(tc, test_pressure_fair_share);
    tcase_add_test(tc, test_hysteresis);
    tcase_add_test(tc, test_demand_rate);
    tcase_add_test(tc, test_silent_short_grows);
    tcase_add_test(tc, test_rearm_stalled_shrink);
    tcase_add_test(tc, test_rearm_not_when_there_or_growing);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
