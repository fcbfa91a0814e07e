/*
 * Other sub-ops and hypercalls Xen 4.17 on Arm answers though it implements them partly or
 * not at all, as a domU sees them: event channel reset_cont with no reset under way and
 * reset of dom0, bind_pirq (no PIRQs on Arm: -ENOMEM), SCHEDOP_pin_override (hardware
 * domain only), HVMOP_guest_request_vm_event (no monitor), physdev_op (no PCI on Arm),
 * hypercalls xsm_op, argo_op, dm_op, hypfs_op.
 * Xen: xen/common/event_channel.c, sched/core.c, xen/arch/arm/{hvm,physdev,irq}.c.
 */
#include <tg/lib.h>
#include <tg/test.h>

#ifndef EVTCHNOP_reset_cont
#define EVTCHNOP_reset_cont 14 /* __XEN__ only in the public header */
#endif

static void events(void)
{
    struct evtchn_reset r = {.dom = DOMID_SELF};
    struct evtchn_bind_pirq p = {.pirq = 5};

    tg_expect_rc("reset_cont", hyp_event_channel_op(EVTCHNOP_reset_cont, &r), XEN_ERR(EBUSY));
    r.dom = 0;
    tg_expect_rc("reset_cont_dom0", hyp_event_channel_op(EVTCHNOP_reset_cont, &r), XEN_ERR(EPERM));
    r.dom = 0;
    tg_expect_rc("reset_dom0", hyp_event_channel_op(EVTCHNOP_reset, &r), XEN_ERR(EPERM));

    tg_expect_rc("bind_pirq", hyp_event_channel_op(EVTCHNOP_bind_pirq, &p), XEN_ERR(ENOMEM));
    tg_expect_rc("bind_pirq_again", hyp_event_channel_op(EVTCHNOP_bind_pirq, &p), XEN_ERR(ENOMEM));
    p.pirq = 1024;
    tg_expect_rc("bind_pirq_1024", hyp_event_channel_op(EVTCHNOP_bind_pirq, &p), XEN_ERR(EINVAL));
}

static void others(void)
{
    struct sched_pin_override po = {.pcpu = 0};

    tg_expect_rc("pin_override", hyp_sched_op(SCHEDOP_pin_override, &po), XEN_ERR(EPERM));
    tg_expect_rc("xsm_op_27", xen_hypercall(27, 0, 0, 0, 0, 0), XEN_ERR(ENOSYS));
    tg_value("argo_op_39", xen_hypercall(39, 0, 0, 0, 0, 0));
    tg_value("dm_op_41", xen_hypercall(41, 0, 0, 0, 0, 0));
    tg_value("hypfs_op_42", xen_hypercall(42, 1, 0, 0, 0, 0));
    tg_expect_rc("guest_request_vm_event", hyp_hvm_op(HVMOP_guest_request_vm_event, NULL), 0);
    tg_expect_rc("guest_request_vm_event_arg", hyp_hvm_op(HVMOP_guest_request_vm_event, &po),
                 XEN_ERR(EINVAL));
    tg_expect_rc("physdev_op_eoi", xen_hypercall(33, 12, 0, 0, 0, 0), XEN_ERR(ENOSYS));
    tg_expect_rc("physdev_op_pci_device_add", xen_hypercall(33, 25, 0, 0, 0, 0), XEN_ERR(ENOSYS));
}

static void run(void)
{
    events();
    others();
}
TG_CASE(abi_other_ops, "evtchn reset_cont and bind_pirq, pin_override, guest_request, others", run);
