/* Helpers shared by the two-guest cases (tests/guest/pair_*.c); see tg/pair.h. */
#include <tg/events.h>
#include <tg/pair.h>
#include <tg/xenstore.h>

struct tg_pair tg_pair;

bool pair_wait(unsigned ms)
{
    return evtchn_wait(tg_pair.port, ms);
}

void pair_signal(void)
{
    evtchn_send(tg_pair.port);
}

bool pair_read_key(const char *path, unsigned long *val, unsigned ms)
{
    uint64_t deadline = now_ms() + ms;

    while (!xs_read_ulong(path, val)) {
        if (now_ms() > deadline)
            return false;
        for (unsigned i = 0; i < 20; i++)
            xen_yield();
    }
    return true;
}
