/*
 * XENMEM_current_reservation / maximum_reservation / maximum_ram_page / maximum_gpfn on this
 * domain, on dom0 (refused) and on a domain that does not exist; unknown memory_op.
 * Xen: xen/common/memory.c do_memory_op.
 */
#include <tg/test.h>

static void run(void)
{
    domid_t self = DOMID_SELF, dom0 = 0, bad = DOMID_INVALID;

    long cur = hyp_memory_op(XENMEM_current_reservation, &self);
    long max = hyp_memory_op(XENMEM_maximum_reservation, &self);
    tg_value("current_reservation", cur);
    tg_value("maximum_reservation", max);
    /* xl: memory = 32 (MiB) and maxmem = memory + LIBXL_MAXMEM_CONSTANT (1 MiB) */
    tg_check(cur >= 8192 && cur <= max, "current %ld / maximum %ld pages", cur, max);
    tg_expect_rc("current_dom0", hyp_memory_op(XENMEM_current_reservation, &dom0), XEN_ERR(EPERM));
    tg_expect_rc("current_bad_dom", hyp_memory_op(XENMEM_current_reservation, &bad),
                 XEN_ERR(ESRCH));
    tg_expect_rc("maximum_dom0", hyp_memory_op(XENMEM_maximum_reservation, &dom0), XEN_ERR(EPERM));
    tg_expect_rc("current_unmapped_arg",
                 hyp_memory_op(XENMEM_current_reservation, (void *)0xC0000000UL), XEN_ERR(EFAULT));

    long mrp = hyp_memory_op(XENMEM_maximum_ram_page, NULL);
    tg_check(mrp > 0, "maximum_ram_page %ld", mrp);
    tg_value("maximum_ram_page", mrp);
    tg_value("maximum_gpfn", hyp_memory_op(XENMEM_maximum_gpfn, &self));
    tg_expect_rc("maximum_gpfn_dom0", hyp_memory_op(XENMEM_maximum_gpfn, &dom0), XEN_ERR(EPERM));
    tg_expect_rc("unknown_op", hyp_memory_op(63, NULL), XEN_ERR(ENOSYS));
}
TG_CASE(memory_reservation, "current/maximum_reservation, maximum_ram_page/gpfn; foreign", run);
