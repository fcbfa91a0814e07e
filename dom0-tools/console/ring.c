/* Console ring copy logic (pure: unit-tested on the host). The guest is the producer of
 * out[] and the consumer of in[]; indexes are free-running 32-bit counters. */
#include "ring.h"

#define OUT_SIZE sizeof(((struct xencons_interface *)0)->out)
#define IN_SIZE  sizeof(((struct xencons_interface *)0)->in)

size_t tern_cons_read_output(struct xencons_interface *intf, char *buf, size_t len)
{
    XENCONS_RING_IDX cons = intf->out_cons;
    XENCONS_RING_IDX prod = __atomic_load_n(&intf->out_prod, __ATOMIC_ACQUIRE);
    size_t n = 0;

    if ((XENCONS_RING_IDX)(prod - cons) > OUT_SIZE)
        cons = prod - OUT_SIZE; /* hostile or corrupt index: drop what cannot be valid */
    while (cons != prod && n < len)
        buf[n++] = intf->out[MASK_XENCONS_IDX(cons++, intf->out)];
    __atomic_store_n(&intf->out_cons, cons, __ATOMIC_RELEASE);
    return n;
}

size_t tern_cons_write_input(struct xencons_interface *intf, const char *buf, size_t len)
{
    XENCONS_RING_IDX cons = __atomic_load_n(&intf->in_cons, __ATOMIC_ACQUIRE);
    XENCONS_RING_IDX prod = intf->in_prod;
    size_t n = 0;

    if ((XENCONS_RING_IDX)(prod - cons) > IN_SIZE)
        return 0; /* corrupt consumer index: do not overwrite unread input */
    while (n < len && (XENCONS_RING_IDX)(prod - cons) < IN_SIZE)
        intf->in[MASK_XENCONS_IDX(prod++, intf->in)] = buf[n++];
    __atomic_store_n(&intf->in_prod, prod, __ATOMIC_RELEASE);
    return n;
}
