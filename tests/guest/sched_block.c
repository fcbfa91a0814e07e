/*
 * SCHEDOP_block on Arm: Xen enables event delivery for the vCPU (clears PSTATE.I: common
 * vcpu_block_enable_events -> arch local_event_delivery_enable) and blocks unless an event
 * is pending.  With an event already pending on an unmasked port the call returns at once
 * and the upcall interrupt is taken right after it.
 */
#include <tg/arch.h>
#include <tg/events.h>
#include <tg/test.h>

#define DAIF_I     (1UL << 7)
#define MASK_WORDS 4 /* ports 0-255 */

static void run(void)
{
    evtchn_port_t a, b;

    if (!shared_info || !tg_env.self_known || !tg_env.fdt) {
        tg_skip("needs shared_info, the own domid and the device tree");
        return;
    }
    if (!tg_expect_rc("gic_enable", events_enable_upcall_irq(tg_env.fdt), 0))
        return;
    if (evtchn_alloc_unbound(tg_env.self, &a) || evtchn_bind_interdomain(tg_env.self, a, &b)) {
        tg_error("cannot set up a loopback channel");
        return;
    }
    /* only our port may raise upcalls: mask every other one (see evtchn_upcall_irq.c) */
    xen_ulong_t saved[MASK_WORDS];
    for (unsigned w = 0; w < MASK_WORDS; w++) {
        saved[w] = shared_info->evtchn_mask[w];
        shared_info->evtchn_mask[w] = ~(xen_ulong_t)0;
    }
    evtchn_clear(a);
    evtchn_set_mask(a, false);
    /* take whatever is already signalled, then start from a quiet state */
    local_irq_enable();
    for (unsigned i = 0; i < 10; i++)
        xen_yield();
    local_irq_disable();

    unsigned long before = evtchn_upcalls;
    tg_expect_rc("send", evtchn_send(b), 0);
    tg_expect_rc("no_upcall_while_masked", (long)(evtchn_upcalls - before), 0);
    long rc = hyp_sched_op(SCHEDOP_block, NULL);
    uint64_t daif = READ_SYSREG(daif);
    local_irq_disable();
    tg_expect_rc("block_with_pending_event", rc, 0);
    tg_expect_rc("irqs_enabled_by_block", !(daif & DAIF_I), 1);
    tg_expect_rc("upcall_taken", evtchn_upcalls > before, 1);

    evtchn_set_mask(a, true);
    evtchn_clear(a);
    evtchn_close(b);
    evtchn_close(a);
    for (unsigned w = 0; w < MASK_WORDS; w++)
        shared_info->evtchn_mask[w] = saved[w];
}
TG_CASE(sched_block, "SCHEDOP_block with an event pending: returns, enables IRQs, upcall", run);
