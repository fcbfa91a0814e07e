/*
 * shared_info and the 2-level event-channel ABI (xen.h "Event channel endpoints"): pending
 * and mask bitmaps of xen_ulong_t words in shared_info, vcpu_info[0] for vCPU 0's upcall
 * flags.  Waiting is done by polling the pending bit (SCHEDOP_poll or yield), so nothing
 * depends on the upcall interrupt; the interrupt path exists to test that Xen raises it.
 */
#include <tg/arch.h>
#include <tg/events.h>
#include <tg/fdt.h>
#include <tg/mm.h>

#define BITS_PER_WORD (8 * sizeof(xen_ulong_t))

static uint8_t shared_info_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
struct shared_info *shared_info;
volatile unsigned long evtchn_upcalls;
static uint32_t upcall_ppi;

int events_init(void)
{
    struct xen_add_to_physmap xatp = {
        .domid = DOMID_SELF,
        .space = XENMAPSPACE_shared_info,
        .idx = 0,
        .gpfn = virt_to_gfn(shared_info_page),
    };
    long rc = hyp_memory_op(XENMEM_add_to_physmap, &xatp);

    if (rc)
        return (int)rc;
    shared_info = (struct shared_info *)shared_info_page;
    return 0;
}

static void upcall_irq(uint32_t intid)
{
    if (intid != upcall_ppi || !shared_info)
        return;
    struct vcpu_info *vi = &shared_info->vcpu_info[0];
    WRITE_ONCE(vi->evtchn_upcall_pending, 0);
    __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    evtchn_upcalls++;
}

int events_enable_upcall_irq(const void *fdt)
{
    uint32_t len;
    const uint8_t *irq = fdt_get_prop(fdt, "/hypervisor", "interrupts", &len);

    /* <type num flags>: type 1 = PPI, INTID = num + 16 (GIC DT binding). */
    if (!irq || len < 12 || fdt32(irq) != 1)
        return -1;
    upcall_ppi = fdt32(irq + 4) + 16;
    arch_irq_handler = upcall_irq;
    return gic_enable_ppi(upcall_ppi);
}

static xen_ulong_t *word(xen_ulong_t *bitmap, evtchn_port_t port)
{
    return &bitmap[port / BITS_PER_WORD];
}

#define BIT(port) ((xen_ulong_t)1 << ((port) % BITS_PER_WORD))

bool evtchn_is_pending(evtchn_port_t port)
{
    return READ_ONCE(*word(shared_info->evtchn_pending, port)) & BIT(port);
}

bool evtchn_test_and_clear(evtchn_port_t port)
{
    return __atomic_fetch_and(word(shared_info->evtchn_pending, port), ~BIT(port),
                              __ATOMIC_SEQ_CST) &
           BIT(port);
}

void evtchn_clear(evtchn_port_t port)
{
    evtchn_test_and_clear(port);
}

void evtchn_set_mask(evtchn_port_t port, bool masked)
{
    if (masked)
        __atomic_fetch_or(word(shared_info->evtchn_mask, port), BIT(port), __ATOMIC_SEQ_CST);
    else
        __atomic_fetch_and(word(shared_info->evtchn_mask, port), ~BIT(port), __ATOMIC_SEQ_CST);
}

bool evtchn_is_masked(evtchn_port_t port)
{
    return READ_ONCE(*word(shared_info->evtchn_mask, port)) & BIT(port);
}

long evtchn_send(evtchn_port_t port)
{
    struct evtchn_send s = {.port = port};
    return hyp_event_channel_op(EVTCHNOP_send, &s);
}

long evtchn_close(evtchn_port_t port)
{
    struct evtchn_close c = {.port = port};
    return hyp_event_channel_op(EVTCHNOP_close, &c);
}

long evtchn_alloc_unbound(domid_t remote, evtchn_port_t *port)
{
    struct evtchn_alloc_unbound a = {.dom = DOMID_SELF, .remote_dom = remote};
    long rc = hyp_event_channel_op(EVTCHNOP_alloc_unbound, &a);

    *port = rc ? 0 : a.port;
    return rc;
}

long evtchn_bind_interdomain(domid_t remote, evtchn_port_t remote_port, evtchn_port_t *local)
{
    struct evtchn_bind_interdomain b = {.remote_dom = remote, .remote_port = remote_port};
    long rc = hyp_event_channel_op(EVTCHNOP_bind_interdomain, &b);

    *local = rc ? 0 : b.local_port;
    return rc;
}

uint64_t now_ms(void)
{
    uint64_t freq = READ_SYSREG(cntfrq_el0);
    return freq ? read_cntvct() / (freq / 1000) : 0;
}

bool evtchn_wait(evtchn_port_t port, unsigned ms)
{
    uint64_t deadline = now_ms() + ms;

    for (;;) {
        if (evtchn_test_and_clear(port))
            return true;
        if (now_ms() > deadline)
            return false;
        xen_yield();
    }
}

long evtchn_wait_blocking(evtchn_port_t port)
{
    for (;;) {
        if (evtchn_test_and_clear(port))
            return 0;
        struct sched_poll p = {.nr_ports = 1, .timeout = 0};
        set_xen_guest_handle(p.ports, &port);
        long rc = hyp_sched_op(SCHEDOP_poll, &p);
        if (rc)
            return rc;
    }
}
