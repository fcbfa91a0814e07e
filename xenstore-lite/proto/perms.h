/* Xenstore node permissions: "<r|w|b|n><domid>" strings and the access rule. */
#ifndef XSL_PROTO_PERMS_H
#define XSL_PROTO_PERMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Same bit values as struct xs_permissions in <xenstore_lib.h>. */
#define XSL_PERM_NONE  0x00
#define XSL_PERM_READ  0x01
#define XSL_PERM_WRITE 0x02
#define XSL_PERM_OWNER 0x08

struct xsl_perm {
    uint32_t id;
    uint32_t perms;
};

/* Who asks: a domain id, whether it is privileged (dom0), and its SET_TARGET target (-1). */
struct xsl_who {
    uint32_t domid;
    bool priv;
    int64_t target;
};

/*
 * Parse n perm strings laid out NUL-separated from s (s holds at least n strings).
 * Returns 0, or EINVAL on a bad letter or number.
 */
int xsl_perms_parse(const char *s, unsigned int n, struct xsl_perm *out);

/* Format one permission ("r5") into buf (at least 16 bytes); returns its length. */
size_t xsl_perm_format(const struct xsl_perm *p, char *buf);

/*
 * Access the asker has to a node with this permission list (first entry = owner and
 * default): privileged and owner (or the owner is its target) get everything; otherwise
 * its own entry, else the default.  Mirrors perm_for_conn() in Xen's xenstored.
 */
uint32_t xsl_perm_for(const struct xsl_perm *p, unsigned int n, const struct xsl_who *who);

#endif
