/*
 * HVMOP_get_param / HVMOP_set_param as a domU sees them on Arm (xen/arch/arm/hvm.c
 * do_hvm_op): the toolstack-set parameters read back (magic page frames from libxc's
 * layout, GUEST_MAGIC_BASE), out-of-range indexes, foreign domains and unknown ops refused.
 */
#include <tg/test.h>

static long get(domid_t dom, uint32_t idx, uint64_t *v)
{
    struct xen_hvm_param p = {.domid = dom, .index = idx};
    long rc = hyp_hvm_op(HVMOP_get_param, &p);

    *v = p.value;
    return rc;
}

static void run(void)
{
    uint64_t v;

    tg_expect_rc("get_store_pfn", get(DOMID_SELF, HVM_PARAM_STORE_PFN, &v), 0);
    tg_expect_rc("store_pfn", (long)v, 0x39001); /* GUEST_MAGIC_BASE + XENSTORE_PFN_OFFSET */
    tg_expect_rc("get_console_pfn", get(DOMID_SELF, HVM_PARAM_CONSOLE_PFN, &v), 0);
    tg_expect_rc("console_pfn", (long)v, 0x39000);
    tg_expect_rc("get_store_evtchn", get(DOMID_SELF, HVM_PARAM_STORE_EVTCHN, &v), 0);
    tg_check(v > 0 && v < 4096, "store evtchn %lu", (unsigned long)v);
    tg_expect_rc("get_callback_irq", get(DOMID_SELF, HVM_PARAM_CALLBACK_IRQ, &v), 0);
    /* (HVM_PARAM_CALLBACK_TYPE_PPI << 56) | (LOW_LEVEL << 8) | PPI 31, set by libxl */
    tg_value("callback_irq_hi", (long)(v >> 32));
    tg_value("callback_irq_lo", (long)(v & 0xffffffff));
    /* Arm keeps only the parameters its guests use; an x86-only one is refused. */
    tg_expect_rc("get_x86_hpet_param", get(DOMID_SELF, HVM_PARAM_HPET_ENABLED, &v),
                 XEN_ERR(EINVAL));

    tg_expect_rc("get_index_nr", get(DOMID_SELF, HVM_NR_PARAMS, &v), XEN_ERR(EINVAL));
    tg_expect_rc("get_index_huge", get(DOMID_SELF, 0xffffffff, &v), XEN_ERR(EINVAL));
    tg_expect_rc("get_dom0", get(0, HVM_PARAM_STORE_PFN, &v), XEN_ERR(EPERM));
    tg_expect_rc("get_bad_dom", get(DOMID_INVALID, HVM_PARAM_STORE_PFN, &v), XEN_ERR(ESRCH));

    struct xen_hvm_param p = {.domid = DOMID_SELF, .index = HVM_NR_PARAMS, .value = 1};
    tg_expect_rc("set_index_nr", hyp_hvm_op(HVMOP_set_param, &p), XEN_ERR(EINVAL));
    p.domid = 0;
    p.index = HVM_PARAM_STORE_PFN;
    tg_expect_rc("set_dom0", hyp_hvm_op(HVMOP_set_param, &p), XEN_ERR(EPERM));
    tg_expect_rc("unmapped_arg", hyp_hvm_op(HVMOP_get_param, (void *)0xC0000000UL),
                 XEN_ERR(EFAULT));
    tg_expect_rc("unknown_op", hyp_hvm_op(99, &p), XEN_ERR(ENOSYS));
}
TG_CASE(hvm_param, "HVMOP_get/set_param: magic pages, bad index, foreign domain, unknown op", run);
