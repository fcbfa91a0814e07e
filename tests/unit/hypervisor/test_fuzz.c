/* SPDX-License-Identifier: MIT */
/*
 * Hostile guests: thousands of hypercalls with random numbers, sub-ops and argument
 * bytes (fixed seed, so a failure reproduces), from a domU and from dom0.  Nothing may
 * crash, accounting must stay exact, and the teardown checks that every page and every
 * guest mapping comes back.
 */
#include "th.h"

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* A plausible or hostile argument: small numbers, ports, guest addresses (valid,
 * unaligned, page-crossing, unmapped), huge values. */
static uint64_t rnd_arg(struct domain *d)
{
    switch (rnd() % 8) {
    case 0:
        return rnd() % 16;
    case 1:
        return rnd() % 5000;
    case 2:
        return SCRATCH(d) + rnd() % PAGE_SIZE;
    case 3:
        return SCRATCH(d) + PAGE_SIZE - 1 - rnd() % 8; /* crosses into the next page */
    case 4:
        return BAD_GVA + rnd() % PAGE_SIZE;
    case 5:
        return ~0ULL - rnd() % 4;
    case 6:
        return (uint64_t)(int64_t) - (int64_t)(rnd() % 64);
    default:
        return rnd();
    }
}

/* Scratch pages full of plausible and hostile words: DOMID_SELF pairs, small ports and
 * refs, the domain's own frames, and noise. */
static void fill_scratch(struct domain *d)
{
    uint32_t *w = fake_gpa(d, SCRATCH(d));
    uint64_t gfn0 = SCRATCH(d) >> PAGE_SHIFT;
    unsigned int i;

    for (i = 0; i < 2 * PAGE_SIZE / 4; i++) {
        switch (rnd() % 10) {
        case 0:
            w[i] = 0;
            break;
        case 1:
            w[i] = rnd() % 3;
            break;
        case 2:
            w[i] = 1 + rnd() % 70; /* ports, refs */
            break;
        case 3:
            w[i] = DOMID_SELF | (DOMID_SELF << 16);
            break;
        case 4:
            w[i] = DOMID_SELF | ((rnd() % 2) << 16);
            break;
        case 5:
            w[i] = (uint32_t)(gfn0 + rnd() % RAM_PAGES); /* low half of a gfn */
            if (i + 1 < 2 * PAGE_SIZE / 4)
                w[++i] = (uint32_t)((gfn0 + rnd() % RAM_PAGES) >> 32);
            break;
        case 6:
            w[i] = (uint32_t)(SCRATCH(d) + (rnd() % 64) * 8); /* a handle into scratch */
            if (i + 1 < 2 * PAGE_SIZE / 4)
                w[++i] = (uint32_t)((SCRATCH(d)) >> 32);
            break;
        case 7:
            w[i] = GNTMAP_host_map | (rnd() % 2 ? GNTMAP_readonly : 0);
            break;
        default:
            w[i] = (uint32_t)rnd();
        }
    }
}

static uint64_t rnd_call_arg(struct domain *d)
{
    switch (rnd() % 5) {
    case 0:
    case 1:
        return rnd() % 4;
    case 2:
    case 3:
        return SCRATCH(d) + (rnd() % 64) * 8;
    default:
        return rnd_arg(d);
    }
}

static const unsigned long hcalls[] = {
    __HYPERVISOR_memory_op,      __HYPERVISOR_xen_version,      __HYPERVISOR_console_io,
    __HYPERVISOR_grant_table_op, __HYPERVISOR_vm_assist,        __HYPERVISOR_vcpu_op,
    __HYPERVISOR_sched_op,       __HYPERVISOR_event_channel_op, __HYPERVISOR_physdev_op,
    __HYPERVISOR_hvm_op,         __HYPERVISOR_platform_op,      __HYPERVISOR_domctl,
    __HYPERVISOR_sysctl,
};

static void fuzz(struct vcpu *v, unsigned int rounds)
{
    struct domain *d = v->domain;
    unsigned int i;

    for (i = 0; i < rounds; i++) {
        unsigned long nr = rnd() % 16 ? hcalls[rnd() % ARRAY_SIZE(hcalls)] : rnd() % 80;
        uint64_t a0 = rnd() % 4 ? rnd() % 32 : rnd_arg(d);

        if (i % 16 == 0)
            fill_scratch(d);
        /* Keep the domains alive for the rest of the run (dom0's toolstack calls could
         * destroy one: test_toolstack.c covers them). */
        if (d->is_privileged && (nr == __HYPERVISOR_domctl || nr == __HYPERVISOR_sysctl))
            continue;
        if (nr == __HYPERVISOR_sched_op &&
            (a0 == SCHEDOP_shutdown || a0 == SCHEDOP_remote_shutdown))
            continue;
        hc(v, nr, a0, rnd_call_arg(d), rnd_call_arg(d));
        ck_assert_uint_le(d->tot_pages, d->max_pages);
    }
}

START_TEST(random_hypercalls_domu)
{
    domu->max_pages += 16; /* room for populate */
    fuzz(domu->vcpu[0], 20000);
    fuzz(domu->vcpu[1], 5000);
}
END_TEST

START_TEST(random_hypercalls_dom0)
{
    rng ^= 0x1234;
    fuzz(dom0->vcpu[0], 20000);
}
END_TEST

START_TEST(random_hypercalls_interleaved)
{
    unsigned int i;

    rng ^= 0xabcdef;
    domu->max_pages += 16;
    for (i = 0; i < 400; i++) {
        fuzz(dom0->vcpu[i % 2], 25);
        fuzz(domu->vcpu[(i / 2) % 2], 25);
    }
}
END_TEST

TCase *tcase_fuzz(void)
{
    TCase *tc = tcase_create("fuzz");

    tcase_add_checked_fixture(tc, th_setup, th_teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, random_hypercalls_domu);
    tcase_add_test(tc, random_hypercalls_dom0);
    tcase_add_test(tc, random_hypercalls_interleaved);
    return tc;
}
