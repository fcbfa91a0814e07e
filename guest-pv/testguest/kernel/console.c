/*
 * Console output.  A domU's console is the PV ring at HVM_PARAM_CONSOLE_PFN, announced to
 * the backend with HVM_PARAM_CONSOLE_EVTCHN (io/console.h); xenconsoled drains it.
 * CONSOLEIO_write is only allowed for domUs by a debug (CONFIG_VERBOSE_DEBUG) Xen -- the
 * dummy XSM policy answers -EPERM otherwise -- so it is the fallback when there is no ring
 * (e.g. a hypervisor that does not provide one yet).
 */
#include <tg/arch.h>
#include <tg/console.h>
#include <tg/format.h>
#include <tg/ring.h>
#include <tg/xen.h>

static struct xencons_interface *ring;
static evtchn_port_t ring_port;

void console_init(void)
{
    uint64_t pfn = 0, port = 0;

    if (hvm_get_param(HVM_PARAM_CONSOLE_PFN, &pfn) ||
        hvm_get_param(HVM_PARAM_CONSOLE_EVTCHN, &port))
        return;
    if (!pfn)
        return;
    ring_port = (evtchn_port_t)port;
    ring = (struct xencons_interface *)(uintptr_t)(pfn << 12);
}

static void notify(void)
{
    struct evtchn_send s = {.port = ring_port};

    hyp_event_channel_op(EVTCHNOP_send, &s);
}

void console_write(const char *s, size_t len)
{
    const uint32_t size = sizeof(ring->out);

    if (!ring) {
        hyp_console_io(CONSOLEIO_write, (unsigned)len, s);
        return;
    }
    while (len) {
        uint32_t cons = READ_ONCE(ring->out_cons);
        uint32_t prod = ring->out_prod;

        mb(); /* read the consumer index before overwriting slots it released */
        if (!tg_ring_sane(prod, cons, size)) {
            /* A broken backend: better lose output than scribble. */
            return;
        }
        uint32_t space = tg_ring_space(prod, cons, size);
        if (!space) {
            notify();
            xen_yield(); /* as Linux's hvc_xen does: wait for xenconsoled to drain */
            continue;
        }
        uint32_t n = tg_ring_contig(prod, space, size);
        if (n > len)
            n = (uint32_t)len;
        for (uint32_t i = 0; i < n; i++)
            ring->out[tg_ring_idx(prod + i, size)] = s[i];
        wmb(); /* data before index */
        ring->out_prod = prod + n;
        s += n;
        len -= n;
    }
    notify();
}

void console_flush(void)
{
    if (!ring)
        return;
    uint64_t start = read_cntvct(), freq = READ_SYSREG(cntfrq_el0);

    while (READ_ONCE(ring->out_cons) != READ_ONCE(ring->out_prod)) {
        if (read_cntvct() - start > 2 * freq)
            break;
        notify();
        xen_yield();
    }
}

int printk(const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = tg_vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof(buf))
        n = sizeof(buf) - 1;
    console_write(buf, (size_t)n);
    return n;
}
