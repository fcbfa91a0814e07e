/*
 * Two-guest runs: guest "b" offers (an unbound event channel toward "a" and a granted page),
 * guest "a" connects.  They find each other through xenstore: each publishes in its own
 * data/ directory, and the runner in dom0 copies the peer's domid and b's offer into a's
 * data/ directory (a guest cannot read another guest's tree):
 *   b writes data/port, data/gref;  dom0 writes a's data/peer-port, data/peer-gref.
 * The peer's domid comes from the command line (tern.peer=<domid>).
 */
#ifndef TG_PAIR_H
#define TG_PAIR_H

#include "xen.h"

struct tg_pair {
    bool connected;
    domid_t peer;
    evtchn_port_t port; /* local end of the interdomain channel */
    grant_ref_t gref;   /* b: the ref it granted; a: the ref it was told */
    uint8_t *page;      /* b: the granted page */
};
extern struct tg_pair tg_pair;

/* Wait for the peer's next event on the pair channel (bounded: ms). */
bool pair_wait(unsigned ms);
void pair_signal(void);
/* Poll xenstore key `path` (relative) until it holds a number, bounded by ms. */
bool pair_read_key(const char *path, unsigned long *val, unsigned ms);

#define PAIR_PATTERN(i) ((uint8_t)((i)*13 + 1))
#define PAIR_ANSWER_OFF 2048

#endif
