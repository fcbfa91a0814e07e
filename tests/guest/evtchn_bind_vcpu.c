/*
 * EVTCHNOP_bind_vcpu: move an interdomain/unbound port to vCPU 0 (the only one online);
 * vCPUs that do not exist, closed and out-of-range ports are refused.
 */
#include <tg/events.h>
#include <tg/test.h>

static void run(void)
{
    evtchn_port_t a;

    if (evtchn_alloc_unbound(DOMID_SELF, &a)) {
        tg_error("alloc_unbound failed");
        return;
    }
    struct evtchn_bind_vcpu bv = {.port = a, .vcpu = 0};
    tg_expect_rc("vcpu0", hyp_event_channel_op(EVTCHNOP_bind_vcpu, &bv), 0);
    bv.vcpu = 1;
    tg_expect_rc("vcpu1_absent", hyp_event_channel_op(EVTCHNOP_bind_vcpu, &bv), XEN_ERR(ENOENT));
    bv.vcpu = 0xffffffff;
    tg_expect_rc("vcpu_huge", hyp_event_channel_op(EVTCHNOP_bind_vcpu, &bv), XEN_ERR(ENOENT));
    evtchn_close(a);
    bv.vcpu = 0;
    tg_expect_rc("closed_port", hyp_event_channel_op(EVTCHNOP_bind_vcpu, &bv), XEN_ERR(EINVAL));
    bv.port = 0x7fffffff;
    tg_expect_rc("port_huge", hyp_event_channel_op(EVTCHNOP_bind_vcpu, &bv), XEN_ERR(EINVAL));
}
TG_CASE(evtchn_bind_vcpu, "bind_vcpu: vCPU 0, absent vCPUs, closed and bad ports", run);
