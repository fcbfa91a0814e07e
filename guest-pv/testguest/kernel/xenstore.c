/*
 * Xenstore client over the domain's ring (io/xs_wire.h): requests go to req[], answers come
 * from rsp[]; free-running indexes, events on HVM_PARAM_STORE_EVTCHN.  One request in
 * flight; watch events (none are registered) would be skipped.
 */
#include <tg/arch.h>
#include <tg/console.h>
#include <tg/events.h>
#include <tg/lib.h>
#include <tg/ring.h>
#include <tg/xenstore.h>
#include <tg/xen.h>

/* Generous: the test checks answers, not latency, and CI runs two TCG machines on two cores. */
#define XS_TIMEOUT_MS 30000

static struct xenstore_domain_interface *intf;
static evtchn_port_t port;
static uint32_t next_req_id = 1;

int xs_init(void)
{
    uint64_t pfn = 0, evt = 0;

    if (hvm_get_param(HVM_PARAM_STORE_PFN, &pfn) || hvm_get_param(HVM_PARAM_STORE_EVTCHN, &evt))
        return -1;
    if (!pfn)
        return -1;
    intf = (struct xenstore_domain_interface *)(uintptr_t)(pfn << PAGE_SHIFT);
    port = (evtchn_port_t)evt;
    return 0;
}

bool xs_available(void)
{
    return intf != NULL;
}

static bool ring_write(const void *data, uint32_t len)
{
    const char *p = data;
    uint64_t deadline = now_ms() + XS_TIMEOUT_MS;

    while (len) {
        uint32_t cons = READ_ONCE(intf->req_cons), prod = intf->req_prod;

        mb();
        if (!tg_ring_sane(prod, cons, XENSTORE_RING_SIZE))
            return false;
        uint32_t n =
            tg_ring_contig(prod, tg_ring_space(prod, cons, XENSTORE_RING_SIZE), XENSTORE_RING_SIZE);
        if (!n) {
            evtchn_send(port);
            if (!evtchn_wait(port, (unsigned)(deadline > now_ms() ? deadline - now_ms() : 0)))
                return false;
            continue;
        }
        if (n > len)
            n = len;
        memcpy(intf->req + tg_ring_idx(prod, XENSTORE_RING_SIZE), p, n);
        wmb();
        intf->req_prod = prod + n;
        p += n;
        len -= n;
    }
    evtchn_send(port);
    return true;
}

static bool ring_read(void *data, uint32_t len)
{
    char *p = data;
    uint64_t deadline = now_ms() + XS_TIMEOUT_MS;

    while (len) {
        uint32_t prod = READ_ONCE(intf->rsp_prod), cons = intf->rsp_cons;

        rmb();
        if (!tg_ring_sane(prod, cons, XENSTORE_RING_SIZE))
            return false;
        uint32_t n = tg_ring_contig(cons, tg_ring_used(prod, cons), XENSTORE_RING_SIZE);
        if (!n) {
            if (!evtchn_wait(port, (unsigned)(deadline > now_ms() ? deadline - now_ms() : 0)))
                return false;
            continue;
        }
        if (n > len)
            n = len;
        memcpy(p, intf->rsp + tg_ring_idx(cons, XENSTORE_RING_SIZE), n);
        mb();
        intf->rsp_cons = cons + n;
        p += n;
        len -= n;
    }
    evtchn_send(port); /* space freed: xenstored may be waiting for it */
    return true;
}

static const struct {
    const char *name;
    long err;
} xs_errors[] = {
    {"EINVAL", 22}, {"EACCES", 13},  {"EEXIST", 17}, {"EISDIR", 21},    {"ENOENT", 2},
    {"ENOMEM", 12}, {"ENOSPC", 28},  {"EIO", 5},     {"ENOTEMPTY", 39}, {"ENOSYS", 38},
    {"EROFS", 30},  {"EBUSY", 16},   {"EAGAIN", 11}, {"EISCONN", 106},  {"E2BIG", 7},
    {"EPERM", 1},   {"EQUOTA", 122},
};

static long xs_error_code(const char *name)
{
    for (unsigned i = 0; i < ARRAY_SIZE(xs_errors); i++)
        if (!strcmp(name, xs_errors[i].name))
            return -xs_errors[i].err;
    return -XEN_EIO;
}

/* A timeout is a test failure whose cause is on the other side: say where the rings stood, so
 * a log tells a daemon that never read the request from an answer whose event was lost. */
static long xs_timed_out(uint32_t type, const char *what)
{
    printk("xenstore: %s after %u ms (type %u; req cons/prod %u/%u, rsp cons/prod %u/%u, "
           "port %u pending %d)\n",
           what, XS_TIMEOUT_MS, type, READ_ONCE(intf->req_cons), READ_ONCE(intf->req_prod),
           READ_ONCE(intf->rsp_cons), READ_ONCE(intf->rsp_prod), port, evtchn_is_pending(port));
    return -XEN_ETIMEDOUT;
}

/* One request with a ready-made payload; the answer's payload (NUL-terminated, truncated to
 * fit) goes to out.  Returns the answer's length or a negative errno. */
static long xs_transact(uint32_t type, const char *req, uint32_t len, char *out, size_t out_size)
{
    static char payload[XENSTORE_PAYLOAD_MAX + 1];
    struct xsd_sockmsg hdr = {.type = type, .req_id = next_req_id++, .tx_id = 0, .len = len};

    if (!intf)
        return -XEN_ENOSYS;
    if (len > XENSTORE_PAYLOAD_MAX)
        return -XEN_E2BIG;
    if (!ring_write(&hdr, sizeof(hdr)) || !ring_write(req, len))
        return xs_timed_out(type, "request not taken");
    for (;;) {
        struct xsd_sockmsg rsp;

        if (!ring_read(&rsp, sizeof(rsp)) || rsp.len > XENSTORE_PAYLOAD_MAX ||
            !ring_read(payload, rsp.len))
            return xs_timed_out(type, "no answer");
        payload[rsp.len] = '\0';
        if (rsp.type == XS_WATCH_EVENT || rsp.req_id != hdr.req_id)
            continue;
        if (rsp.type == XS_ERROR)
            return xs_error_code(payload);
        if (out && out_size) {
            size_t n = rsp.len < out_size - 1 ? rsp.len : out_size - 1;
            memcpy(out, payload, n);
            out[n] = '\0';
        }
        return (long)rsp.len;
    }
}

long xs_read(const char *path, char *buf, size_t size)
{
    return xs_transact(XS_READ, path, (uint32_t)strlen(path) + 1, buf, size);
}

long xs_write(const char *path, const char *value)
{
    /* XS_WRITE: "path\0" followed by the value bytes, without a terminator. */
    static char req[XENSTORE_PAYLOAD_MAX];
    size_t pl = strlen(path) + 1, vl = strlen(value);

    if (pl + vl > sizeof(req))
        return -XEN_E2BIG;
    memcpy(req, path, pl);
    memcpy(req + pl, value, vl);
    long rc = xs_transact(XS_WRITE, req, (uint32_t)(pl + vl), NULL, 0);
    return rc < 0 ? rc : 0;
}

long xs_rm(const char *path)
{
    long rc = xs_transact(XS_RM, path, (uint32_t)strlen(path) + 1, NULL, 0);
    return rc < 0 ? rc : 0;
}

bool xs_read_ulong(const char *path, unsigned long *val)
{
    char buf[32];
    long n = xs_read(path, buf, sizeof(buf));

    return n > 0 && parse_ulong(buf, strlen(buf), val);
}
