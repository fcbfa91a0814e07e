/* Xenstore client over the domain's ring (xen/io/xs_wire.h), one request at a time. */
#ifndef TG_XENSTORE_H
#define TG_XENSTORE_H

#include "types.h"

int xs_init(void);
bool xs_available(void);
/* Results are >= 0 on success, a negative Xen errno on error (from the XS_ERROR string),
 * -ETIMEDOUT if xenstored did not answer. */
long xs_read(const char *path, char *buf, size_t size);
long xs_write(const char *path, const char *value);
long xs_rm(const char *path);
/* Read a decimal value; returns false if the key is absent or not a number. */
bool xs_read_ulong(const char *path, unsigned long *val);

#endif
