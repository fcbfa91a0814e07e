/* Helpers shared by the two-guest cases (tests/guest/pair_*.c); see tg/pair.h. */
#include <tg/events.h>
#include <tg/gnttab.h>
#include <tg/lib.h>
#include <tg/pair.h>
#include <tg/test.h>
#include <tg/xenstore.h>

struct tg_pair tg_pair;

/* a's side of the mailbox: an 8-byte GNTTABOP_copy to or from b's granted page. */
static bool mbox_copy(bool to_peer, unsigned off, uint64_t *val)
{
    static uint64_t buf __attribute__((aligned(8)));
    struct gnttab_copy op;

    memset(&op, 0, sizeof(op));
    if (to_peer) {
        buf = *val;
        op.source.u.gmfn = (uintptr_t)&buf >> PAGE_SHIFT;
        op.source.domid = DOMID_SELF;
        op.source.offset = (uintptr_t)&buf & (PAGE_SIZE - 1);
        op.dest.u.ref = tg_pair.gref;
        op.dest.domid = tg_pair.peer;
        op.dest.offset = (uint16_t)off;
        op.flags = GNTCOPY_dest_gref;
    } else {
        op.source.u.ref = tg_pair.gref;
        op.source.domid = tg_pair.peer;
        op.source.offset = (uint16_t)off;
        op.dest.u.gmfn = (uintptr_t)&buf >> PAGE_SHIFT;
        op.dest.domid = DOMID_SELF;
        op.dest.offset = (uintptr_t)&buf & (PAGE_SIZE - 1);
        op.flags = GNTCOPY_source_gref;
    }
    op.len = 8;
    if (hyp_grant_table_op(GNTTABOP_copy, &op, 1) || op.status != GNTST_okay)
        return false;
    if (!to_peer)
        *val = buf;
    return true;
}

static volatile uint64_t *mbox_word(unsigned which)
{
    return (volatile uint64_t *)(tg_pair.page + PAIR_MBOX_OFF + 8 * which);
}

bool pair_ready(void)
{
    if (tg_pair.denied) {
        tg_skip("domU-to-domU communication refused by the hypervisor's policy");
        return false;
    }
    if (!tg_pair.connected) {
        tg_error("not connected");
        return false;
    }
    return true;
}

bool pair_post(uint64_t seq)
{
    if (tg_env.role == 'b') {
        __atomic_store_n(mbox_word(1), seq, __ATOMIC_SEQ_CST);
        return true;
    }
    return mbox_copy(true, PAIR_MBOX_OFF, &seq);
}

bool pair_wait_peer(uint64_t seq, unsigned ms)
{
    uint64_t deadline = now_ms() + ms, v = 0;

    for (;;) {
        if (tg_env.role == 'b')
            v = __atomic_load_n(mbox_word(0), __ATOMIC_SEQ_CST);
        else if (!mbox_copy(false, PAIR_MBOX_OFF + 8, &v))
            return false;
        if (v >= seq)
            return true;
        if (now_ms() > deadline)
            return false;
        xen_yield();
    }
}

/* Enough samples that a's copy loop (a yield between copies) cannot cover them all. */
#define PAIR_GRANT_SAMPLES 1000

bool pair_grant_stays_in_use(grant_ref_t ref)
{
    for (unsigned i = 0; i < PAIR_GRANT_SAMPLES; i++) {
        if (!(READ_ONCE(gnttab_table[ref].flags) & (GTF_reading | GTF_writing)))
            return false;
        xen_yield();
    }
    return true;
}

bool pair_end_access(grant_ref_t ref)
{
    for (unsigned i = 0; i < PAIR_GRANT_SAMPLES; i++) {
        if (gnttab_end_access(ref))
            return true;
        xen_yield();
    }
    return false;
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
