/* SPDX-License-Identifier: MIT */
/* The credit scheduling policy (common/sched_credit.c) on bare entities with a simulated
 * clock: shares by weight, caps, UNDER/OVER, boost and the rate limit, idle entities,
 * and the command-line selection (sched_core.c). */
#ifndef __XEN_TOOLS__
#define __XEN_TOOLS__ 1 /* XEN_SCHEDULER_* */
#endif
#include <check.h>

#include <hv/scheduler.h>

#include <xen/domctl.h>

#include "th.h"

#define N   3
#define TPM 1000 /* simulated ticks per ms */

static const struct scheduler *const cs = &sched_credit;
static struct sched_rq rq;
static struct sched_entity ent[N];
static struct sched_params par[N];
static bool can_run[N];
static uint64_t now;

static bool runnable(struct sched_entity *e, void *arg)
{
    (void)arg;
    return can_run[e - ent];
}

static struct sched_entity *pick(struct sched_entity *cur, bool rotate)
{
    return cs->pick(&rq, cur, rotate, now, runnable, NULL);
}

static void setup(void)
{
    memset(ent, 0, sizeof(ent));
    memset(par, 0, sizeof(par));
    sched_ticks_per_ms = TPM;
    sched_rq_init(&rq);
    sched_credit_boost = true;
    sched_credit_tslice_ms = SCHED_TSLICE_MS;
    sched_credit_ratelimit_us = SCHED_RATELIMIT_US;
    now = 1;
    for (int i = 0; i < N; i++) {
        can_run[i] = i < 2; /* the third only when a test wants it */
        par[i].nr_units = 1;
        ent[i].params = &par[i];
        cs->insert(&rq, &ent[i]);
    }
}

/* The arch's loop: run cur until the policy's deadline (or until `until`), then pick
 * again, as the EL2 timer does.  Returns the entity running at the end. */
static struct sched_entity *run(struct sched_entity *cur, uint64_t until)
{
    bool rotate = false;

    while (now < until) {
        uint64_t d;

        cur = pick(cur, rotate);
        d = cs->deadline(&rq, runnable, NULL);
        ck_assert_uint_gt(d, now); /* the policy always moves time on */
        if (d > until)
            d = until;
        now = d;
        rotate = cur && now >= rq.slice_end;
    }
    return pick(cur, false);
}

/* ticks of e / ticks of f, in thousandths */
static uint64_t ratio_milli(const struct sched_entity *e, const struct sched_entity *f)
{
    return e->ticks * 1000 / f->ticks;
}

START_TEST(credit_table_and_selection)
{
    ck_assert_str_eq(cs->name, "credit");
    ck_assert_uint_eq(cs->sched_id, XEN_SCHEDULER_CREDIT);
    ck_assert_ptr_eq(scheduler, &sched_credit); /* the default */
    ck_assert_int_eq(sched_select("rr", 2), 0);
    ck_assert_ptr_eq(scheduler, &sched_rr);
    ck_assert_int_eq(sched_select("credit2", 7), -1); /* unknown: unchanged */
    ck_assert_int_eq(sched_select("r", 1), -1);
    ck_assert_ptr_eq(scheduler, &sched_rr);
    ck_assert_int_eq(sched_select("credit xyz", 6), 0);
    ck_assert_ptr_eq(scheduler, &sched_credit);
    ck_assert_uint_eq(sched_weight(&ent[0]), SCHED_WEIGHT_DEFAULT);
}
END_TEST

START_TEST(credit_equal_weights_share_equally)
{
    struct sched_entity *cur = run(NULL, 10000 * TPM);

    (void)cur;
    ck_assert_uint_ge(ratio_milli(&ent[0], &ent[1]), 990);
    ck_assert_uint_le(ratio_milli(&ent[0], &ent[1]), 1010);
    /* Every tick went to one of them. */
    ck_assert_uint_ge(ent[0].ticks + ent[1].ticks, 10000 * TPM - 2 * TPM);
}
END_TEST

START_TEST(credit_weights_512_256_give_two_to_one)
{
    struct sched_entity *cur;

    par[0].weight = 512;
    par[1].weight = 256;
    cur = run(NULL, 10000 * TPM);
    ck_assert_uint_ge(ratio_milli(&ent[0], &ent[1]), 1980);
    ck_assert_uint_le(ratio_milli(&ent[0], &ent[1]), 2020);
    /* Changed at run time: the split follows (measured over the next 10 s). */
    ent[0].ticks = ent[1].ticks = 0;
    par[0].weight = 256;
    par[1].weight = 768;
    run(cur, now + 10000 * TPM);
    ck_assert_uint_ge(ratio_milli(&ent[1], &ent[0]), 2940);
    ck_assert_uint_le(ratio_milli(&ent[1], &ent[0]), 3060);
}
END_TEST

START_TEST(credit_domain_weight_is_shared_by_its_vcpus)
{
    /* ent[0] and ent[1] are one domain's two vCPUs (weight 512), ent[2] another's (256). */
    can_run[2] = true;
    par[0].weight = 512;
    par[0].nr_units = 2;
    ent[1].params = &par[0];
    run(NULL, 10000 * TPM);
    ck_assert_uint_ge(ratio_milli(&ent[0], &ent[2]), 980);
    ck_assert_uint_le(ratio_milli(&ent[0], &ent[2]), 1020);
    ck_assert_uint_ge(ratio_milli(&ent[1], &ent[2]), 980);
    ck_assert_uint_le(ratio_milli(&ent[1], &ent[2]), 1020);
}
END_TEST

START_TEST(credit_cap_alone_on_idle_pcpu)
{
    can_run[1] = false;
    par[0].cap = 25;
    run(NULL, 10000 * TPM);
    /* 25 % of 10 s, within one period. */
    ck_assert_uint_ge(ent[0].ticks, 2500 * TPM - SCHED_TSLICE_MS * TPM);
    ck_assert_uint_le(ent[0].ticks, 2500 * TPM + SCHED_TSLICE_MS * TPM);
    ck_assert_uint_eq(ent[1].ticks, 0);
}
END_TEST

START_TEST(credit_cap_with_competitor)
{
    /* Capped at 10 % next to an uncapped hog of the same weight: the hog gets the rest. */
    par[0].cap = 10;
    run(NULL, 10000 * TPM);
    ck_assert_uint_ge(ent[0].ticks, 1000 * TPM - SCHED_TSLICE_MS * TPM);
    ck_assert_uint_le(ent[0].ticks, 1000 * TPM + SCHED_TSLICE_MS * TPM);
    ck_assert_uint_ge(ent[1].ticks, 9000 * TPM - 2 * SCHED_TSLICE_MS * TPM);
}
END_TEST

START_TEST(credit_parked_is_not_runnable_and_deadline_stays)
{
    struct sched_entity *cur;

    can_run[1] = false;
    par[0].cap = 1;
    cur = run(NULL, 100 * TPM);
    /* Well over 1 % of 100 ms has been used: parked, idle, the accounting timer armed. */
    ck_assert(ent[0].parked);
    ck_assert_ptr_null(cur);
    ck_assert_uint_eq(cs->nr_runnable(&rq, runnable, NULL), 0);
    ck_assert_uint_eq(cs->deadline(&rq, runnable, NULL), rq.acct_next);
}
END_TEST

START_TEST(credit_under_runs_before_over)
{
    struct sched_entity *cur;

    ent[0].credit = -5 * TPM;
    ent[1].credit = 5 * TPM;
    cur = pick(NULL, false);
    ck_assert_ptr_eq(cur, &ent[1]);
    /* At the slice end the OVER one does not take over from an UNDER one. */
    now += 2 * TPM;
    ck_assert_ptr_eq(pick(&ent[1], true), &ent[1]);
}
END_TEST

START_TEST(credit_boost_preempts_after_ratelimit)
{
    struct sched_entity *cur;

    can_run[1] = false;
    cur = pick(NULL, false);
    ck_assert_ptr_eq(cur, &ent[0]);
    /* ent[1] is woken 0.2 ms into ent[0]'s slice: it waits for the 1 ms rate limit, and
     * the deadline says when. */
    now += TPM / 5;
    can_run[1] = true;
    cs->wake(&rq, &ent[1]);
    ck_assert(ent[1].boost);
    ck_assert_ptr_eq(pick(cur, false), &ent[0]);
    ck_assert_uint_eq(cs->deadline(&rq, runnable, NULL), 1 + TPM);
    now = rq.slice_end;
    ck_assert_ptr_eq(pick(cur, true), &ent[1]);
    /* A boost ends when the entity is descheduled. */
    now += TPM;
    can_run[1] = false;
    ck_assert_ptr_eq(pick(&ent[1], false), &ent[0]);
    ck_assert(!ent[1].boost);
}
END_TEST

/* XEN_SYSCTL_SCHEDOP_putinfo's values (sched_ctl.c): the slice sets the length of a turn
 * and the accounting period, the rate limit how long a woken BOOST waits (0: not at all);
 * shares stay by weight. */
START_TEST(credit_slice_and_ratelimit_follow_the_params)
{
    struct sched_entity *cur;

    sched_credit_tslice_ms = 10;
    cur = pick(NULL, false);
    ck_assert_ptr_eq(cur, &ent[0]);
    ck_assert_uint_eq(rq.slice_end, now + 10 * TPM);

    sched_credit_ratelimit_us = 0;
    can_run[1] = false;
    now += TPM / 5;
    cur = pick(cur, false);
    ck_assert_ptr_eq(cur, &ent[0]);
    now += 1;
    can_run[1] = true;
    cs->wake(&rq, &ent[1]);
    ck_assert(ent[1].boost);
    ck_assert_ptr_eq(pick(cur, false), &ent[1]); /* no rate limit: at once */

    par[0].weight = 512;
    par[1].weight = 256;
    ent[0].ticks = ent[1].ticks = 0;
    run(&ent[1], now + 10000 * TPM);
    ck_assert_uint_ge(ratio_milli(&ent[0], &ent[1]), 1980);
    ck_assert_uint_le(ratio_milli(&ent[0], &ent[1]), 2020);
}
END_TEST

START_TEST(credit_over_is_not_boosted)
{
    ent[1].credit = -1;
    cs->wake(&rq, &ent[1]);
    ck_assert(!ent[1].boost);
    cs->wake(&rq, &ent[2]); /* UNDER: boosted even while it cannot run yet */
    ck_assert(ent[2].boost);
    pick(&ent[0], false); /* dropped: it cannot run */
    ck_assert(!ent[2].boost);
}
END_TEST

START_TEST(credit_boost_lasts_one_tick)
{
    can_run[1] = false;
    ck_assert_ptr_eq(pick(NULL, false), &ent[0]);
    cs->wake(&rq, &ent[0]); /* the running one is never boosted */
    ck_assert(!ent[0].boost);
    ent[0].boost = true; /* as if it had been woken just before it was picked */
    now += SCHED_TICK_MS * TPM;
    ck_assert_ptr_eq(pick(&ent[0], false), &ent[0]);
    ck_assert(!ent[0].boost);
}
END_TEST

/* Like run(), with ent[2] a light vCPU: it wakes every `every` ticks (as on a timer or an
 * event), runs `burst` ticks and blocks again.  It earns a share of each period it is
 * active in but uses little of it. */
static struct sched_entity *run_with_light(struct sched_entity *cur, uint64_t until, uint64_t every,
                                           uint64_t burst)
{
    uint64_t next_wake = now + every, used = 0;
    bool rotate = false;

    can_run[2] = false;
    while (now < until) {
        uint64_t d, before = ent[2].ticks;

        cur = pick(cur, rotate);
        d = cs->deadline(&rq, runnable, NULL);
        ck_assert_uint_gt(d, now);
        if (cur == &ent[2] && now + (burst - used) < d)
            d = now + (burst - used);
        if (!can_run[2] && next_wake < d)
            d = next_wake;
        if (d > until)
            d = until;
        rotate = false;
        now = d;
        if (cur == &ent[2]) {
            cur = pick(cur, false); /* charge it up to now */
            used += ent[2].ticks - before;
            if (used >= burst) {
                can_run[2] = false;
                used = 0;
                cur = pick(cur, false);
            }
        }
        if (!can_run[2] && now >= next_wake) {
            can_run[2] = true;
            cs->wake(&rq, &ent[2]);
            next_wake += every;
        }
        rotate = cur && now >= rq.slice_end;
    }
    return pick(cur, false);
}

START_TEST(credit_hand_out_redistributes_a_light_entitys_credit)
{
    /* 512:256 hogs next to a vCPU that wakes every 10 ms for 0.5 ms (5 % of the pCPU,
     * far under its third of each period): what it cannot use goes to the hogs by
     * weight, so they still split the rest 2:1. */
    par[0].weight = 512;
    par[1].weight = 256;
    par[2].weight = 256;
    run_with_light(NULL, 20000 * TPM, 10 * TPM, TPM / 2);
    ck_assert_uint_ge(ent[2].ticks, 20000 * TPM / 20 - 20 * TPM);
    ck_assert_uint_ge(ratio_milli(&ent[0], &ent[1]), 1980);
    ck_assert_uint_le(ratio_milli(&ent[0], &ent[1]), 2020);
}
END_TEST

START_TEST(credit_hand_out_redistributes_a_capped_entitys_credit)
{
    /* 512:256 hogs next to a hog capped at 10 %: it gets its 10 % and the others split
     * the remaining 90 % 2:1 (the credit the cap withholds from it is theirs). */
    can_run[2] = true;
    par[0].weight = 512;
    par[1].weight = 256;
    par[2].weight = 256;
    par[2].cap = 10;
    run(NULL, 20000 * TPM);
    ck_assert_uint_ge(ent[2].ticks, 2000 * TPM - SCHED_TSLICE_MS * TPM);
    ck_assert_uint_le(ent[2].ticks, 2000 * TPM + SCHED_TSLICE_MS * TPM);
    ck_assert_uint_ge(ratio_milli(&ent[0], &ent[1]), 1980);
    ck_assert_uint_le(ratio_milli(&ent[0], &ent[1]), 2020);
}
END_TEST

START_TEST(credit_boost_only_from_blocking)
{
    struct sched_entity *cur;

    /* ent[1] blocks while ent[0] runs, then wakes: boosted, it preempts ent[0] once the
     * rate limit has passed. */
    can_run[1] = false;
    cur = pick(NULL, false);
    ck_assert_ptr_eq(cur, &ent[0]);
    now += 2 * TPM;
    can_run[1] = true;
    cs->wake(&rq, &ent[1]);
    ck_assert(ent[1].boost);
    ck_assert_ptr_eq(pick(cur, false), &ent[1]);
    /* A yield (rotate) of the running one ends its boost and boosts no one: the other
     * UNDER one runs. */
    now += TPM / 2;
    cur = pick(&ent[1], true);
    ck_assert_ptr_eq(cur, &ent[0]);
    ck_assert(!ent[0].boost && !ent[1].boost);
    /* The running (charged) one, woken again by an event, is not boosted either. */
    cs->wake(&rq, cur);
    ck_assert(!cur->boost);
}
END_TEST

START_TEST(credit_boost_off_by_option)
{
    ck_assert(sched_credit_boost); /* the default */
    ck_assert_int_eq(sched_credit_boost_select("0", 1), 0);
    ck_assert(!sched_credit_boost);
    ent[0].credit = ent[1].credit = 10 * TPM; /* both stay UNDER */
    can_run[1] = false;
    ck_assert_ptr_eq(pick(NULL, false), &ent[0]);
    now += 2 * TPM;
    can_run[1] = true;
    cs->wake(&rq, &ent[1]);
    ck_assert(!ent[1].boost);
    /* Not boosted: it waits while ent[0] is UNDER (until its credit is spent, before
     * the end of its slice). */
    ck_assert_ptr_eq(pick(&ent[0], false), &ent[0]);
    ck_assert_uint_eq(rq.slice_end, 1 + SCHED_TSLICE_MS * TPM);
    ck_assert_uint_eq(cs->deadline(&rq, runnable, NULL), 1 + 10 * TPM + 1);
    now = 1 + 10 * TPM + 1;
    ck_assert_ptr_eq(pick(&ent[0], false), &ent[1]); /* OVER now: the UNDER one runs */
    /* The values Xen's boolean options take; anything else leaves it as it is. */
    ck_assert_int_eq(sched_credit_boost_select("on", 2), 0);
    ck_assert(sched_credit_boost);
    ck_assert_int_eq(sched_credit_boost_select("no", 2), 0);
    ck_assert(!sched_credit_boost);
    ck_assert_int_eq(sched_credit_boost_select("2", 1), -1);
    ck_assert_int_eq(sched_credit_boost_select("", 0), -1);
    ck_assert(!sched_credit_boost);
    ck_assert_int_eq(sched_credit_boost_select("1 x", 1), 0);
    ck_assert(sched_credit_boost);
}
END_TEST

START_TEST(credit_idle_entity_does_not_hoard)
{
    /* ent[1] sleeps 10 s, then both run: its credit is bounded by one period, so the
     * split over the next second is even within a few periods. */
    can_run[1] = false;
    run(NULL, 10000 * TPM);
    ck_assert_int_le(ent[1].credit, (int64_t)SCHED_TSLICE_MS * TPM);
    ck_assert_int_ge(ent[0].credit, -4 * (int64_t)SCHED_TSLICE_MS * TPM);
    ent[0].ticks = ent[1].ticks = 0;
    can_run[1] = true;
    run(&ent[0], now + 1000 * TPM);
    ck_assert_uint_le(ent[1].ticks, 500 * TPM + 3 * SCHED_TSLICE_MS * TPM);
    ck_assert_uint_ge(ent[1].ticks, 500 * TPM - 3 * SCHED_TSLICE_MS * TPM);
}
END_TEST

START_TEST(credit_idle_rq_has_no_deadline)
{
    can_run[0] = can_run[1] = false;
    ck_assert_ptr_null(pick(NULL, false));
    ck_assert_uint_eq(cs->deadline(&rq, runnable, NULL), ~0UL);
    /* A single runnable entity: only the accounting timer, no slice end. */
    can_run[0] = true;
    ck_assert_ptr_eq(pick(NULL, false), &ent[0]);
    ck_assert_uint_eq(cs->deadline(&rq, runnable, NULL), rq.acct_next);
}
END_TEST

START_TEST(credit_remove_and_reinsert_keeps_credit)
{
    ent[1].credit = -7;
    ent[1].parked = true;
    cs->remove(&rq, &ent[1]);
    ck_assert_uint_eq(rq.nr, N - 1);
    ck_assert_ptr_null(ent[1].rq);
    cs->remove(&rq, &ent[1]);
    ck_assert_uint_eq(rq.nr, N - 1);
    ck_assert_ptr_eq(pick(&ent[1], false), &ent[0]); /* a cur not on rq: from the head */
    cs->insert(&rq, &ent[1]);
    ck_assert_int_eq(ent[1].credit, -7);
    ck_assert(ent[1].parked);
}
END_TEST

TCase *tcase_sched_credit(void)
{
    TCase *tc = tcase_create("sched_credit");

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, credit_table_and_selection);
    tcase_add_test(tc, credit_equal_weights_share_equally);
    tcase_add_test(tc, credit_weights_512_256_give_two_to_one);
    tcase_add_test(tc, credit_domain_weight_is_shared_by_its_vcpus);
    tcase_add_test(tc, credit_cap_alone_on_idle_pcpu);
    tcase_add_test(tc, credit_cap_with_competitor);
    tcase_add_test(tc, credit_parked_is_not_runnable_and_deadline_stays);
    tcase_add_test(tc, credit_under_runs_before_over);
    tcase_add_test(tc, credit_boost_preempts_after_ratelimit);
    tcase_add_test(tc, credit_over_is_not_boosted);
    tcase_add_test(tc, credit_slice_and_ratelimit_follow_the_params);
    tcase_add_test(tc, credit_boost_lasts_one_tick);
    tcase_add_test(tc, credit_boost_only_from_blocking);
    tcase_add_test(tc, credit_boost_off_by_option);
    tcase_add_test(tc, credit_idle_entity_does_not_hoard);
    tcase_add_test(tc, credit_hand_out_redistributes_a_light_entitys_credit);
    tcase_add_test(tc, credit_hand_out_redistributes_a_capped_entitys_credit);
    tcase_add_test(tc, credit_idle_rq_has_no_deadline);
    tcase_add_test(tc, credit_remove_and_reinsert_keeps_credit);
    return tc;
}
