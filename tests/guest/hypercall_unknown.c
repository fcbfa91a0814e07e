/*
 * Hypercall numbers Xen on Arm does not implement answer -ENOSYS in x0, never a fault
 * (xen/arch/arm/traps.c do_trap_hypercall; the "arm" column of hypercall-defs.c).
 */
#include <tg/test.h>

static void run(void)
{
    static const struct {
        const char *label;
        unsigned long nr;
    } calls[] = {
        {"set_trap_table_0", 0},
        {"sched_op_compat_6", 6},
        {"set_timer_op_15", 15},
        {"evtchn_op_compat_16", 16},
        {"physdev_op_compat_19", 19},
        {"nr_63", 63},
        {"nr_64", 64},
        {"nr_4096", 4096},
    };

    for (unsigned i = 0; i < ARRAY_SIZE(calls); i++)
        tg_expect_rc(calls[i].label, xen_hypercall(calls[i].nr, 0, 0, 0, 0, 0), XEN_ERR(ENOSYS));
}
TG_CASE(hypercall_unknown, "unimplemented and out-of-range hypercall numbers: -ENOSYS", run);
