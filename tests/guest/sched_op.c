/*
 * sched_op without side effects on the run: yield, poll (with an expired timeout and with
 * a pending port), hostile poll arguments, remote_shutdown of another domain, unknown ops.
 * SCHEDOP_shutdown(poweroff) is exercised by every run's end.  Xen: xen/common/sched/core.c.
 */
#include <tg/events.h>
#include <tg/test.h>

static long poll(evtchn_port_t *ports, unsigned nr, uint64_t timeout)
{
    struct sched_poll p = {.nr_ports = nr, .timeout = timeout};

    set_xen_guest_handle(p.ports, ports);
    return hyp_sched_op(SCHEDOP_poll, &p);
}

static void run(void)
{
    evtchn_port_t a, b;

    tg_expect_rc("yield", hyp_sched_op(SCHEDOP_yield, NULL), 0);

    if (shared_info && tg_env.self_known && !evtchn_alloc_unbound(tg_env.self, &a) &&
        !evtchn_bind_interdomain(tg_env.self, a, &b)) {
        evtchn_set_mask(a, true);
        evtchn_clear(a);
        /* A timeout in the past (1 ns after Xen's boot) expires at once. */
        tg_expect_rc("poll_expired_timeout", poll(&a, 1, 1), 0);
        tg_check(!evtchn_is_pending(a), "port pending without a send");
        evtchn_send(b);
        tg_expect_rc("poll_pending", poll(&a, 1, 0), 0);
        tg_check(evtchn_is_pending(a), "poll returned but port %u not pending", a);
        evtchn_clear(a);
        evtchn_close(b);
        evtchn_close(a);
    } else {
        tg_error("cannot set up a loopback channel");
    }

    static evtchn_port_t many[129];
    tg_expect_rc("poll_too_many", poll(many, 129, 1), XEN_ERR(EINVAL));
    tg_expect_rc("poll_unmapped_ports", poll((evtchn_port_t *)0xC0000000UL, 1, 1), XEN_ERR(EFAULT));
    evtchn_port_t bad = 0x7fffffff;
    tg_expect_rc("poll_bad_port", poll(&bad, 1, 1), XEN_ERR(EINVAL));

    struct sched_remote_shutdown rs = {.domain_id = 0, .reason = SHUTDOWN_poweroff};
    tg_expect_rc("remote_shutdown_dom0", hyp_sched_op(SCHEDOP_remote_shutdown, &rs),
                 XEN_ERR(EPERM));
    rs.domain_id = DOMID_INVALID;
    tg_expect_rc("remote_shutdown_bad", hyp_sched_op(SCHEDOP_remote_shutdown, &rs), XEN_ERR(ESRCH));
    tg_expect_rc("shutdown_unmapped", hyp_sched_op(SCHEDOP_shutdown, (void *)0xC0000000UL),
                 XEN_ERR(EFAULT));
    tg_expect_rc("unknown_op", hyp_sched_op(99, NULL), XEN_ERR(ENOSYS));
}
TG_CASE(sched_op, "SCHEDOP_yield/poll/remote_shutdown: valid and hostile", run);
