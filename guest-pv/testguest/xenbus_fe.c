/*
 * The xenbus side the test guest's frontends share (see xenbus_fe.h).  Polled: the guest
 * yields while it waits.
 */
#include <tg/events.h>
#include <tg/format.h>
#include <tg/xen.h>
#include <tg/xenstore.h>
#include "xenbus_fe.h"

long xbfe_write(const char *dir, const char *key, const char *val)
{
    char path[128];

    tg_snprintf(path, sizeof(path), "%s/%s", dir, key);
    return xs_write(path, val);
}

long xbfe_write_ulong(const char *dir, const char *key, unsigned long v)
{
    char val[24];

    tg_snprintf(val, sizeof(val), "%lu", v);
    return xbfe_write(dir, key, val);
}

bool xbfe_read_ulong(const char *dir, const char *key, unsigned long *v)
{
    char path[128];

    tg_snprintf(path, sizeof(path), "%s/%s", dir, key);
    return xs_read_ulong(path, v);
}

int xbfe_backend_state(const char *be)
{
    unsigned long s;

    return xbfe_read_ulong(be, "state", &s) ? (int)s : -1;
}

int xbfe_wait_backend(const char *be, int lo, int hi, unsigned ms, unsigned poll_ms)
{
    uint64_t deadline = now_ms() + ms;
    int s;

    for (;;) {
        uint64_t next = now_ms() + poll_ms;

        s = xbfe_backend_state(be);
        if ((s >= lo && s <= hi) || now_ms() > deadline)
            return s;
        do
            xen_yield();
        while (now_ms() < next);
    }
}
