/* Fake back ends for host unit tests (linked instead of the Linux back ends). */
#ifndef TERN_FAKE_H
#define TERN_FAKE_H

#include <stdint.h>

/* Handles one hypercall; returns Xen's result or -errno. */
typedef long tern_fake_hypercall_fn(void *opaque, unsigned int op, const uint64_t arg[5]);
void tern_fake_hypercall_set(tern_fake_hypercall_fn *fn, void *opaque);

#endif
