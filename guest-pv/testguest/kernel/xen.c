/* Small hypercall helpers shared by the whole guest. */
#include <tg/xen.h>

long hvm_get_param(unsigned idx, uint64_t *val)
{
    struct xen_hvm_param p = {.domid = DOMID_SELF, .index = idx};
    long rc = hyp_hvm_op(HVMOP_get_param, &p);

    *val = rc ? 0 : p.value;
    return rc;
}

void xen_yield(void)
{
    hyp_sched_op(SCHEDOP_yield, NULL);
}

static void __attribute__((noreturn)) shutdown(unsigned reason)
{
    struct sched_shutdown s = {.reason = reason};

    for (;;) {
        hyp_sched_op(SCHEDOP_shutdown, &s);
        __asm__ __volatile__("wfi");
    }
}

void xen_poweroff(void)
{
    shutdown(SHUTDOWN_poweroff);
}

void xen_crash(void)
{
    shutdown(SHUTDOWN_crash);
}
