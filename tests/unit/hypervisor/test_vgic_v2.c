/* SPDX-License-Identifier: MIT */
/*
 * The GICv2 distributor register emulation (hypervisor/arch/arm64/vgic-v2-dist.c) on the
 * host: the registers Linux's irq-gic.c programs, banking of SGI/PPI state per vCPU,
 * ITARGETSR routing, GICD_SGIR target filters, and the accesses that must fault (widths)
 * or read as zero and ignore writes (reserved and unimplemented registers).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "vgic-v2-dist.h"

static struct vgic_dist dist;
static struct vgic_cpu cpus[4];
/* Hardware effects recorded (dom0's hardware-linked SPIs). */
static uint32_t hw_enabled[4], hw_disabled[4];
static unsigned int hw_routes, hw_last_route, hw_edges, hw_last_edge;
static bool hw_last_edge_val;

static void rec_enable(void *o, uint32_t changed, unsigned int w, bool en)
{
    ck_assert_ptr_eq(o, &dist);
    (en ? hw_enabled : hw_disabled)[w] |= changed;
}
static void rec_route(void *o, unsigned int intid)
{
    hw_routes++;
    hw_last_route = intid;
}
static void rec_edge(void *o, unsigned int intid, bool edge)
{
    hw_edges++;
    hw_last_edge = intid;
    hw_last_edge_val = edge;
}
static const struct vgic_v2_hw rec_hw = {rec_enable, rec_route, rec_edge};

static void setup(void)
{
    memset(&dist, 0, sizeof(dist));
    memset(cpus, 0, sizeof(cpus));
    memset(hw_enabled, 0, sizeof(hw_enabled));
    memset(hw_disabled, 0, sizeof(hw_disabled));
    hw_routes = hw_edges = 0;
    dist.nr_irqs = 96;
}

static struct vgic_v2_access acc(unsigned int vcpu, bool hw)
{
    return (struct vgic_v2_access){.dist = &dist,
                                   .cpu = &cpus[vcpu],
                                   .vcpu_id = vcpu,
                                   .nr_vcpus = 3,
                                   .hw = hw ? &rec_hw : NULL,
                                   .opaque = &dist};
}

static uint32_t rd(unsigned int vcpu, uint32_t off, unsigned int size)
{
    struct vgic_v2_access a = acc(vcpu, false);
    uint32_t v = 0xdeadbeef;

    ck_assert(vgic_v2_dist_read(&a, off, size, &v));
    return v;
}

static void wr(unsigned int vcpu, uint32_t off, unsigned int size, uint32_t val)
{
    struct vgic_v2_access a = acc(vcpu, false);

    ck_assert(vgic_v2_dist_write(&a, off, size, val));
    ck_assert_uint_eq(a.sgi_targets, 0);
}

START_TEST(test_id_registers)
{
    /* TYPER: ITLinesNumber = 96/32 - 1, CPUNumber = 3 - 1, no Security Extensions. */
    ck_assert_uint_eq(rd(0, 0x004, 4), 2 | 2 << 5);
    ck_assert_uint_eq(rd(0, 0x008, 4), VGIC_V2_IIDR);
    ck_assert_uint_eq(rd(0, 0xfe8, 4) >> 4 & 0xf, 2); /* PIDR2.ArchRev */
    wr(0, 0x004, 4, ~0u);                             /* read-only: WI */
    ck_assert_uint_eq(rd(0, 0x004, 4), 2 | 2 << 5);
    wr(0, 0x000, 4, 0xffffffff);
    ck_assert_uint_eq(rd(0, 0x000, 4), 1); /* CTLR: Enable only */
}
END_TEST

START_TEST(test_enable_banked_and_spis)
{
    wr(0, 0x100, 4, 0x0000ffff); /* vCPU 0 enables its SGIs */
    wr(1, 0x100, 4, 1u << 27);   /* vCPU 1 its virtual timer */
    ck_assert_uint_eq(rd(0, 0x100, 4), 0x0000ffff);
    ck_assert_uint_eq(rd(1, 0x180, 4), 1u << 27);
    ck_assert_uint_eq(cpus[1].enabled, 1u << 27);
    wr(0, 0x104, 4, 0x3); /* SPIs 32, 33 */
    wr(2, 0x184, 4, 0x1); /* any vCPU sees and clears the same SPI state */
    ck_assert_uint_eq(rd(1, 0x104, 4), 0x2);
    ck_assert_uint_eq(dist.enabled[1], 0x2);
    /* Beyond ITLinesNumber: RAZ/WI, nothing written out of range. */
    wr(0, 0x10c, 4, ~0u);
    ck_assert_uint_eq(rd(0, 0x10c, 4), 0);
    ck_assert_uint_eq(dist.enabled[3], 0);
}
END_TEST

START_TEST(test_hw_spis)
{
    struct vgic_v2_access a = acc(0, true);

    ck_assert(vgic_v2_dist_write(&a, 0x104, 4, 0x5));
    ck_assert_uint_eq(hw_enabled[1], 0x5);
    ck_assert(vgic_v2_dist_write(&a, 0x184, 4, 0x6)); /* only 34 was enabled */
    ck_assert_uint_eq(hw_disabled[1], 0x4);
    ck_assert(vgic_v2_dist_write(&a, 0x100, 4, 1u << 27)); /* banked: not the hardware's */
    ck_assert_uint_eq(hw_enabled[0], 0);
    ck_assert(vgic_v2_dist_write(&a, 0xc08, 4, 2u << 2)); /* ICFGR2: INTID 33 edge */
    ck_assert_uint_eq(hw_edges, 16);
    ck_assert_uint_eq(dist.icfgr[2], 2u << 2);
    ck_assert(vgic_v2_dist_write(&a, 0x820, 1, 0x2)); /* ITARGETSR byte of INTID 32 */
    ck_assert_uint_eq(hw_routes, 1);
    ck_assert_uint_eq(hw_last_route, 32);
}
END_TEST

START_TEST(test_pending)
{
    wr(0, 0x200, 4, 0xffffffff); /* SGIs are not set pending through ISPENDR0 */
    ck_assert_uint_eq(rd(0, 0x200, 4), 0xffff0000);
    ck_assert_uint_eq(rd(1, 0x200, 4), 0);
    wr(0, 0x280, 4, 0x00ff0000);
    ck_assert_uint_eq(cpus[0].pending, 0xff000000);
    wr(1, 0x208, 4, 0x80000000); /* SPI 95 */
    ck_assert_uint_eq(dist.pending[2], 0x80000000);
    wr(1, 0x288, 4, 0x80000000);
    ck_assert_uint_eq(rd(0, 0x208, 4), 0);
}
END_TEST

START_TEST(test_priority_bytes_and_words)
{
    wr(0, 0x41b, 1, 0x80); /* INTID 27, banked */
    ck_assert_uint_eq(cpus[0].prio[27], 0x80);
    ck_assert_uint_eq(cpus[1].prio[27], 0);
    ck_assert_uint_eq(rd(0, 0x418, 4), 0x80000000);
    wr(2, 0x420, 4, 0x44332211); /* SPIs 32..35 */
    ck_assert_uint_eq(dist.prio[33], 0x22);
    ck_assert_uint_eq(rd(0, 0x423, 1), 0x44);
    /* Beyond the implemented INTIDs: RAZ/WI. */
    wr(0, 0x460, 4, ~0u);
    ck_assert_uint_eq(rd(0, 0x460, 4), 0);
    ck_assert_uint_eq(dist.prio[96], 0);
}
END_TEST

START_TEST(test_targets)
{
    /* SGI/PPI targets read as the reading vCPU's own bit and ignore writes. */
    ck_assert_uint_eq(rd(0, 0x800, 4), 0x01010101);
    ck_assert_uint_eq(rd(2, 0x81c, 4), 0x04040404);
    wr(1, 0x800, 4, 0xffffffff);
    ck_assert_uint_eq(rd(1, 0x800, 1), 0x02);
    /* SPI 32 to vCPU 2, SPI 33 to vCPUs 1|2 (the lowest is taken), bits of absent CPUs
     * masked, 0 routes to no vCPU. */
    wr(0, 0x820, 4, 0x00f80604);
    ck_assert_uint_eq(rd(0, 0x820, 4), 0x00000604);
    ck_assert_uint_eq(dist.target[32], 2);
    ck_assert_uint_eq(dist.target[33], 1);
    ck_assert_uint_eq(dist.target[34], VGIC_NO_TARGET);
    ck_assert_uint_eq(dist.target[35], VGIC_NO_TARGET);
    wr(0, 0x822, 1, 0x01);
    ck_assert_uint_eq(dist.target[34], 0);
    ck_assert_uint_eq(rd(0, 0x820, 4), 0x00010604);
    wr(0, 0x860, 4, 0x01010101); /* INTID 96.. : none */
    ck_assert_uint_eq(rd(0, 0x860, 4), 0);
}
END_TEST

START_TEST(test_icfgr)
{
    ck_assert_uint_eq(rd(0, 0xc00, 4), 0xaaaaaaaa); /* SGIs: edge, read-only */
    wr(0, 0xc00, 4, 0);
    ck_assert_uint_eq(rd(0, 0xc00, 4), 0xaaaaaaaa);
    wr(1, 0xc04, 4, 0xffffffff); /* PPIs: banked, only the edge bits */
    ck_assert_uint_eq(rd(1, 0xc04, 4), 0xaaaaaaaa);
    ck_assert_uint_eq(rd(0, 0xc04, 4), 0);
    wr(0, 0xc0c, 4, 0x8);
    ck_assert_uint_eq(dist.icfgr[3], 0x8);
    wr(0, 0xc18, 4, ~0u); /* beyond 96 INTIDs */
    ck_assert_uint_eq(rd(0, 0xc18, 4), 0);
}
END_TEST

static uint8_t sgi(unsigned int vcpu, uint32_t val, uint8_t *id)
{
    struct vgic_v2_access a = acc(vcpu, false);

    ck_assert(vgic_v2_dist_write(&a, 0xf00, 4, val));
    *id = a.sgi_id;
    return a.sgi_targets;
}

START_TEST(test_sgir)
{
    uint8_t id;

    ck_assert_uint_eq(sgi(0, 0x00060003, &id), 0x6); /* list: vCPUs 1, 2; SGI 3 */
    ck_assert_uint_eq(id, 3);
    ck_assert_uint_eq(sgi(0, 0x00f8000f, &id), 0);   /* absent vCPUs only */
    ck_assert_uint_eq(sgi(1, 0x01000001, &id), 0x5); /* all but self */
    ck_assert_uint_eq(id, 1);
    ck_assert_uint_eq(sgi(2, 0x02ff0000, &id), 0x4); /* self only, list ignored */
    ck_assert_uint_eq(sgi(0, 0x03ff0000, &id), 0);   /* reserved filter */
    ck_assert_uint_eq(rd(0, 0xf00, 4), 0);           /* write-only: RAZ */
}
END_TEST

START_TEST(test_widths_and_reserved)
{
    struct vgic_v2_access a = acc(0, false);
    uint32_t v;

    /* Byte accesses only where the spec allows them; halfwords and doublewords never. */
    ck_assert(!vgic_v2_dist_read(&a, 0x000, 1, &v));
    ck_assert(!vgic_v2_dist_write(&a, 0x104, 1, 0xff));
    ck_assert_uint_eq(dist.enabled[1], 0);
    ck_assert(!vgic_v2_dist_read(&a, 0x420, 2, &v));
    ck_assert(!vgic_v2_dist_write(&a, 0x820, 8, 0));
    ck_assert(!vgic_v2_dist_write(&a, 0xf00, 1, 0x3));
    ck_assert(vgic_v2_dist_read(&a, 0xf10, 1, &v)); /* CPENDSGIR: byte-accessible, RAZ */
    ck_assert_uint_eq(v, 0);
    /* Group, active, NSACR and reserved words: RAZ/WI. */
    for (uint32_t off = 0x080; off < 0x1000; off += 0x100) {
        if (off >= 0x400 && off < 0xd00)
            continue;
        ck_assert(vgic_v2_dist_write(&a, off, 4, ~0u));
        ck_assert(vgic_v2_dist_read(&a, off, 4, &v));
        ck_assert_msg(v == 0, "offset %#x reads %#x", off, v);
    }
    ck_assert(vgic_v2_dist_read(&a, 0x300, 4, &v) && v == 0);
    ck_assert(vgic_v2_dist_read(&a, 0xffc, 4, &v) && v == 0);
}
END_TEST

/* Random accesses at every offset and width stay in bounds (run under ASan/valgrind in
 * CI's sanitizer build) and never report a word access as a fault. */
START_TEST(test_random_accesses)
{
    static const unsigned int sizes[] = {1, 2, 4, 8};

    srand(14);
    for (unsigned int i = 0; i < 20000; i++) {
        unsigned int size = sizes[rand() % 4];
        uint32_t off = (uint32_t)(rand() % 0x1000) & ~(size - 1);
        struct vgic_v2_access a = acc(rand() % 3, rand() & 1);
        uint32_t v = (uint32_t)rand();
        bool ok = rand() & 1 ? vgic_v2_dist_write(&a, off, size, v)
                             : vgic_v2_dist_read(&a, off, size, &v);

        if (size == 4)
            ck_assert(ok);
        if (size == 2 || size == 8)
            ck_assert(!ok);
        ck_assert_uint_le(a.sgi_targets, 7);
    }
    for (unsigned int n = 96; n < VGIC_MAX_IRQS; n++)
        ck_assert_uint_eq(dist.prio[n] | dist.irouter[n], 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("vgic-v2");
    TCase *tc = tcase_create("dist");
    SRunner *sr;
    int failed;

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_id_registers);
    tcase_add_test(tc, test_enable_banked_and_spis);
    tcase_add_test(tc, test_hw_spis);
    tcase_add_test(tc, test_pending);
    tcase_add_test(tc, test_priority_bytes_and_words);
    tcase_add_test(tc, test_targets);
    tcase_add_test(tc, test_icfgr);
    tcase_add_test(tc, test_sgir);
    tcase_add_test(tc, test_widths_and_reserved);
    tcase_add_test(tc, test_random_accesses);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
