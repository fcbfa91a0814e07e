/*
 * Upcall delivery on Arm: an event on an unmasked port sets vcpu_info.evtchn_upcall_pending
 * and raises the PPI named by the /hypervisor node (GUEST_EVTCHN_PPI 31), which the guest
 * takes as an interrupt once it unmasks IRQs; a masked port raises nothing.
 * Xen: xen/arch/arm/vgic.c vcpu_mark_events_pending / arch_evtchn_inject.
 */
#include <tg/arch.h>
#include <tg/events.h>
#include <tg/test.h>

#define MASK_WORDS 4 /* ports 0-255: all this guest ever allocates */

static unsigned long upcalls_after_send(evtchn_port_t send_port)
{
    unsigned long before = evtchn_upcalls;

    local_irq_enable();
    evtchn_send(send_port);
    for (unsigned i = 0; i < 100 && evtchn_upcalls == before; i++)
        xen_yield();
    local_irq_disable();
    return evtchn_upcalls - before;
}

static void run(void)
{
    evtchn_port_t a, b;

    if (!shared_info || !tg_env.self_known || !tg_env.fdt) {
        tg_skip("needs shared_info, the own domid and the device tree");
        return;
    }
    tg_value("dt_ppi", tg_env.evtchn_ppi);
    if (!tg_expect_rc("gic_enable", events_enable_upcall_irq(tg_env.fdt), 0))
        return;
    if (evtchn_alloc_unbound(tg_env.self, &a) || evtchn_bind_interdomain(tg_env.self, a, &b)) {
        tg_error("cannot set up a loopback channel");
        return;
    }
    /* Only our port may raise upcalls during the test: mask every other port (xenstored and
     * xenconsoled may signal theirs at any time), drain what is already signalled. */
    xen_ulong_t saved[MASK_WORDS];
    for (unsigned w = 0; w < MASK_WORDS; w++) {
        saved[w] = shared_info->evtchn_mask[w];
        shared_info->evtchn_mask[w] = ~(xen_ulong_t)0;
    }
    local_irq_enable();
    for (unsigned i = 0; i < 10; i++)
        xen_yield();
    local_irq_disable();

    evtchn_set_mask(a, true);
    evtchn_clear(a);
    tg_expect_rc("irqs_masked_port", (long)upcalls_after_send(b), 0);
    evtchn_clear(a);
    evtchn_set_mask(a, false);
    tg_expect_rc("irqs_unmasked_port", (long)upcalls_after_send(b) > 0, 1);
    tg_check(evtchn_is_pending(a), "port %u not pending after the upcall", a);
    evtchn_set_mask(a, true);
    evtchn_clear(a);
    evtchn_close(b);
    evtchn_close(a);
    for (unsigned w = 0; w < MASK_WORDS; w++)
        shared_info->evtchn_mask[w] = saved[w];
}
TG_CASE(evtchn_upcall_irq, "event upcall as the /hypervisor PPI through the vGICv3", run);
