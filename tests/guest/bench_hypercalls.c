/*
 * Benchmarks (run only when selected: tern.cases=bench): the cost of a null hypercall
 * (XENVER_version), of mapping + unmapping one granted page and of copying one page with
 * GNTTABOP_copy, in virtual-counter ticks.  Each loop runs ROUNDS times and prints one
 *   TERN-BENCH op=<name> iters=<n> ticks=<total> cntfrq=<Hz>
 * per round; bench/hypercalls/run.py turns ticks into instructions for a -icount shift=0
 * run and keeps the least (a round can include dom0 or the scheduler running in between
 * on the one CPU: the least is the operation itself).
 */
#include <tg/arch.h>
#include <tg/balloon.h>
#include <tg/console.h>
#include <tg/gnttab.h>
#include <tg/mm.h>
#include <tg/test.h>

#define ITERS  1000
#define ROUNDS 5

static void report(const char *op, unsigned iters, uint64_t ticks)
{
    printk("TERN-BENCH op=%s iters=%u ticks=%lu cntfrq=%lu\n", op, iters, (unsigned long)ticks,
           (unsigned long)READ_SYSREG(cntfrq_el0));
}

static void null_hypercall(void)
{
    for (unsigned r = 0; r < ROUNDS; r++) {
        uint64_t t0 = read_cntvct();
        for (unsigned i = 0; i < ITERS; i++)
            hyp_xen_version(XENVER_version, NULL);
        report("null_hypercall", ITERS, read_cntvct() - t0);
        /* the loop itself, for subtraction */
        t0 = read_cntvct();
        for (unsigned i = 0; i < ITERS; i++)
            __asm__ __volatile__("" ::: "memory");
        report("empty_loop", ITERS, read_cntvct() - t0);
    }
}
TG_CASE_FLAGS(bench_null_hypercall, "benchmark: XENVER_version round trip", null_hypercall,
              TG_SOLO | TG_EXPLICIT);

static void grant_map_unmap(void)
{
    uint8_t *src = alloc_page(), *hole = alloc_page();

    if (!src || !hole || !tg_env.self_known || balloon_out(virt_to_gfn(hole)) != 1) {
        tg_error("setup failed");
        return;
    }
    long ref = gnttab_grant_access(tg_env.self, virt_to_gfn(src), false);
    struct gnttab_map_grant_ref m = {.host_addr = (uintptr_t)hole,
                                     .flags = GNTMAP_host_map,
                                     .ref = (grant_ref_t)ref,
                                     .dom = tg_env.self};
    struct gnttab_unmap_grant_ref u = {.host_addr = (uintptr_t)hole};
    unsigned done = 0;
    for (unsigned r = 0; r < ROUNDS && done == r * ITERS; r++) {
        unsigned before = done;
        uint64_t t0 = read_cntvct();
        for (unsigned i = 0; i < ITERS; i++) {
            m.status = 1;
            hyp_grant_table_op(GNTTABOP_map_grant_ref, &m, 1);
            if (m.status != GNTST_okay)
                break;
            u.handle = m.handle;
            hyp_grant_table_op(GNTTABOP_unmap_grant_ref, &u, 1);
            if (u.status != GNTST_okay)
                break;
            done++;
        }
        report("grant_map_unmap", done - before, read_cntvct() - t0);
    }
    tg_expect_rc("iterations", done, ROUNDS * ITERS);
    gnttab_end_access((grant_ref_t)ref);
    balloon_in(virt_to_gfn(hole));
}
TG_CASE_FLAGS(bench_grant_map_unmap, "benchmark: map + unmap of one granted page", grant_map_unmap,
              TG_SOLO | TG_EXPLICIT);

static void grant_copy(void)
{
    uint8_t *src = alloc_page(), *dst = alloc_page();

    if (!src || !dst || !tg_env.self_known) {
        tg_error("setup failed");
        return;
    }
    long ref = gnttab_grant_access(tg_env.self, virt_to_gfn(src), true);
    struct gnttab_copy op = {.flags = GNTCOPY_source_gref, .len = PAGE_SIZE};
    op.source.u.ref = (grant_ref_t)ref;
    op.source.domid = DOMID_SELF;
    op.dest.u.gmfn = virt_to_gfn(dst);
    op.dest.domid = DOMID_SELF;
    unsigned done = 0;
    for (unsigned r = 0; r < ROUNDS && done == r * ITERS; r++) {
        unsigned before = done;
        uint64_t t0 = read_cntvct();
        for (unsigned i = 0; i < ITERS; i++) {
            hyp_grant_table_op(GNTTABOP_copy, &op, 1);
            if (op.status != GNTST_okay)
                break;
            done++;
        }
        report("grant_copy_page", done - before, read_cntvct() - t0);
    }
    tg_expect_rc("iterations", done, ROUNDS * ITERS);
    gnttab_end_access((grant_ref_t)ref);
}
TG_CASE_FLAGS(bench_grant_copy, "benchmark: GNTTABOP_copy of one page", grant_copy,
              TG_SOLO | TG_EXPLICIT);
