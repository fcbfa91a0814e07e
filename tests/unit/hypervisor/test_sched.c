/* SPDX-License-Identifier: MIT */
/* The round-robin scheduling policy (common/sched_rr.c) on bare entities: ring order,
 * rotation, wake-up boost, idle, removal. */
#ifndef __XEN_TOOLS__
#define __XEN_TOOLS__ 1 /* XEN_SCHEDULER_* */
#endif
#include <check.h>

#include <hv/scheduler.h>

#include <xen/domctl.h>

#include "th.h"

#define N 4

static const struct scheduler *const rr = &sched_rr;
static struct sched_rq rq;
static struct sched_entity ent[N];
static bool can_run[N];

static bool runnable(struct sched_entity *e, void *arg)
{
    (void)arg;
    return can_run[e - ent];
}

static struct sched_entity *pick(struct sched_entity *cur, bool rotate)
{
    return rr->pick(&rq, cur, rotate, 0, runnable, NULL);
}

static void setup(void)
{
    memset(ent, 0, sizeof(ent));
    sched_rq_init(&rq);
    for (int i = 0; i < N; i++) {
        can_run[i] = true;
        rr->insert(&rq, &ent[i]);
    }
}

START_TEST(sched_rr_table)
{
    ck_assert_str_eq(rr->name, "rr");
    ck_assert_uint_eq(rr->sched_id, TERN_SCHEDULER_RR);
    ck_assert_uint_eq(rq.nr, N);
    rr->insert(&rq, &ent[0]); /* already queued: no change */
    ck_assert_uint_eq(rq.nr, N);
}
END_TEST

START_TEST(sched_rr_rotation_visits_all_in_order)
{
    struct sched_entity *cur = NULL;

    /* From idle: the head; then each rotation moves one step round the ring. */
    for (int step = 0; step < 2 * N; step++) {
        cur = pick(cur, true);
        ck_assert_ptr_eq(cur, &ent[step % N]);
    }
    ck_assert_uint_eq(ent[0].picks, 2);
}
END_TEST

START_TEST(sched_rr_keeps_current_without_rotate)
{
    ck_assert_ptr_eq(pick(&ent[2], false), &ent[2]);
    can_run[2] = false; /* blocked: the next runnable one after it */
    ck_assert_ptr_eq(pick(&ent[2], false), &ent[3]);
    can_run[3] = false;
    ck_assert_ptr_eq(pick(&ent[2], false), &ent[0]); /* wraps */
}
END_TEST

START_TEST(sched_rr_rotate_alone_stays)
{
    for (int i = 1; i < N; i++)
        can_run[i] = false;
    ck_assert_ptr_eq(pick(&ent[0], true), &ent[0]);
    can_run[0] = false;
    ck_assert_ptr_null(pick(&ent[0], true)); /* idle */
    ck_assert_ptr_null(pick(NULL, false));
}
END_TEST

START_TEST(sched_rr_boost_preempts_once)
{
    rr->wake(&rq, &ent[3]);
    ck_assert_ptr_eq(pick(&ent[0], false), &ent[3]);
    /* The boost is used up: without rotation the running one stays. */
    ck_assert_ptr_eq(pick(&ent[3], false), &ent[3]);
    /* Boosting the running entity changes nothing. */
    rr->wake(&rq, &ent[3]);
    ck_assert_ptr_eq(pick(&ent[3], false), &ent[3]);
    ck_assert(!ent[3].boost);
}
END_TEST

START_TEST(sched_rr_boost_of_unrunnable_is_dropped)
{
    can_run[1] = false;
    rr->wake(&rq, &ent[1]);
    ck_assert_ptr_eq(pick(&ent[0], false), &ent[0]);
    ck_assert(!ent[1].boost);
    can_run[1] = true;
    ck_assert_ptr_eq(pick(&ent[0], false), &ent[0]); /* no stale boost later */
}
END_TEST

START_TEST(sched_rr_two_boosts_alternate)
{
    rr->wake(&rq, &ent[1]);
    rr->wake(&rq, &ent[2]);
    ck_assert_ptr_eq(pick(&ent[0], false), &ent[1]);
    /* The second keeps its boost and comes next, ahead of the running one. */
    ck_assert(ent[2].boost);
    ck_assert_ptr_eq(pick(&ent[1], false), &ent[2]);
    ck_assert_ptr_eq(pick(&ent[2], false), &ent[2]);
}
END_TEST

START_TEST(sched_rr_remove)
{
    rr->remove(&rq, &ent[1]);
    ck_assert_uint_eq(rq.nr, N - 1);
    ck_assert_ptr_null(ent[1].rq);
    ck_assert_ptr_eq(pick(&ent[0], true), &ent[2]);
    rr->remove(&rq, &ent[1]); /* not queued: no change */
    ck_assert_uint_eq(rq.nr, N - 1);
    rr->wake(&rq, &ent[1]); /* not queued: ignored */
    ck_assert(!ent[1].boost);
    /* Picking from a removed current restarts at the head. */
    ck_assert_ptr_eq(pick(&ent[1], false), &ent[0]);
    for (int i = 0; i < N; i++)
        rr->remove(&rq, &ent[i]);
    ck_assert_uint_eq(rq.nr, 0);
    ck_assert_ptr_null(pick(NULL, true));
}
END_TEST

START_TEST(sched_rr_nr_runnable)
{
    ck_assert_uint_eq(rr->nr_runnable(&rq, runnable, NULL), N);
    can_run[0] = can_run[2] = false;
    ck_assert_uint_eq(rr->nr_runnable(&rq, runnable, NULL), N - 2);
}
END_TEST

TCase *tcase_sched(void)
{
    TCase *tc = tcase_create("sched");

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, sched_rr_table);
    tcase_add_test(tc, sched_rr_rotation_visits_all_in_order);
    tcase_add_test(tc, sched_rr_keeps_current_without_rotate);
    tcase_add_test(tc, sched_rr_rotate_alone_stays);
    tcase_add_test(tc, sched_rr_boost_preempts_once);
    tcase_add_test(tc, sched_rr_boost_of_unrunnable_is_dropped);
    tcase_add_test(tc, sched_rr_two_boosts_alternate);
    tcase_add_test(tc, sched_rr_remove);
    tcase_add_test(tc, sched_rr_nr_runnable);
    return tc;
}
