/*
 * The xenbus side the test guest's frontends (blkfront, netfront) share: writing keys in the
 * frontend's directory and waiting for the backend's state (<xen/io/xenbus.h>).
 */
#ifndef TG_XENBUS_FE_H
#define TG_XENBUS_FE_H

#include <stdbool.h>

/* Writes dir/key = val (or the number v); returns xs_write's result. */
long xbfe_write(const char *dir, const char *key, const char *val);
long xbfe_write_ulong(const char *dir, const char *key, unsigned long v);

/* Reads dir/key as a number; false if it is absent or not one. */
bool xbfe_read_ulong(const char *dir, const char *key, unsigned long *v);

/* The backend's state (XenbusState*), or -1 if it cannot be read. */
int xbfe_backend_state(const char *be);

/* Waits up to ms for the backend's state to be within [lo, hi], reading it every poll_ms
 * (0: after every yield); returns the last state read. */
int xbfe_wait_backend(const char *be, int lo, int hi, unsigned ms, unsigned poll_ms);

#endif
