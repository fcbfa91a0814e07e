/*
 * Two-guest runs: guest "b" offers a granted page (and, where the hypervisor allows it, an
 * unbound event channel toward "a"); guest "a" connects.  They find each other through
 * xenstore: b publishes in its own data/ directory, and the runner in dom0 copies the
 * peer's domid and b's offer into a's data/ directory (a guest cannot read another's tree):
 *   dom0 writes a's data/peer-domid;  b writes data/port (0 = none), data/gref;
 *   dom0 copies them to a's data/peer-port, data/peer-gref.
 * b is told a's domid on its command line (tern.peer=<domid>).
 *
 * The guests synchronise through the granted page itself: two sequence words at
 * PAIR_MBOX_OFF, one written by each side (a writes its word with GNTTABOP_copy), so the
 * event channel is exercised but not needed.
 *
 * Debian's Xen 4.17 boots with XSM SILO by default: domUs may only talk to dom0, so b's
 * alloc_unbound toward a answers -EPERM and a's grant operations on b's page answer
 * GNTST_permission_denied.  Both sides record that and the remaining cases SKIP; with
 * xsm=dummy on Xen's command line the full exchange runs.
 */
#ifndef TG_PAIR_H
#define TG_PAIR_H

#include "xen.h"

struct tg_pair {
    bool connected;
    bool denied; /* the hypervisor's policy forbids domU-to-domU channels and grants */
    domid_t peer;
    evtchn_port_t port; /* local end of the interdomain channel, 0 if there is none */
    long alloc_rc;      /* b: what alloc_unbound toward a answered */
    grant_ref_t gref;   /* b: the ref it granted; a: the ref it was told */
    uint8_t *page;      /* b: the granted page */
};
extern struct tg_pair tg_pair;

#define PAIR_PATTERN(i) ((uint8_t)((i)*13 + 1))
#define PAIR_ANSWER_OFF 2048
#define PAIR_MBOX_OFF   4032 /* u64 a_seq, u64 b_seq */
/* Offsets that carry the pattern b wrote (not the answer area, not the mailbox). */
static inline bool pair_pattern_byte(unsigned i)
{
    return (i < PAIR_ANSWER_OFF || i >= PAIR_ANSWER_OFF + 64) && i < PAIR_MBOX_OFF;
}

/* Whether the exchange set up by pair_0_connect can go on; if not, the current case is
 * skipped (the hypervisor's policy refused it) or fails as an error (never connected). */
bool pair_ready(void);
/* Publish this side's sequence number / wait (bounded) until the peer's reaches seq. */
bool pair_post(uint64_t seq);
bool pair_wait_peer(uint64_t seq, unsigned ms);
/* b: whether grant `ref` stays pinned.  a reads and writes the mailbox with grant copies,
 * and Xen flags the grant GTF_reading/GTF_writing for each copy's duration, so one look at
 * the flags can catch such an instant; a leftover mapping pins it for good.  Sampled with
 * yields in between: in use only if no sample finds it free. */
bool pair_grant_stays_in_use(grant_ref_t ref);
/* b: revoke grant `ref`, retrying while a's mailbox copies pin it for an instant; false
 * if it stays in use. */
bool pair_end_access(grant_ref_t ref);
/* Poll xenstore key `path` (relative) until it holds a number, bounded by ms. */
bool pair_read_key(const char *path, unsigned long *val, unsigned ms);

#endif
