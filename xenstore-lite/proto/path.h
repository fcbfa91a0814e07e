/* Xenstore path syntax: validation, canonicalisation, ancestry (as Xen 4.17's xenstored). */
#ifndef XSL_PROTO_PATH_H
#define XSL_PROTO_PATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xen/io/xs_wire.h>

/* Longest canonical path we ever build: "/local/domain/NNNNN/" + a relative path. */
#define XSL_PATH_BUF (XENSTORE_ABS_PATH_MAX + 32)

/*
 * A valid absolute node name: starts with '/', no trailing '/' (except "/"), no "//",
 * only [A-Za-z0-9-/_@], and at most max_rel characters beyond "/local/domain/<id>/"
 * (the whole path otherwise).  Mirrors is_valid_nodename() in Xen's xenstored.
 */
bool xsl_path_valid(const char *path, unsigned int max_rel);

/* Special watch paths: "@introduceDomain", "@releaseDomain" (any '@'-prefixed name). */
bool xsl_path_special(const char *path);

/*
 * Canonical form of a client path: absolute paths and '@' names unchanged, relative
 * ones prefixed with "/local/domain/<domid>/".  Returns false if it does not fit.
 */
bool xsl_path_canon(const char *in, unsigned int domid, char *out, size_t outsz);

/* True if child is parent or below it ("/" is everyone's ancestor). */
bool xsl_path_is_child(const char *child, const char *parent);

/* Length of the parent's name ("/a/b" -> 2, "/a" -> 1 meaning "/"); 0 for "/". */
size_t xsl_path_parent_len(const char *path);

/* The last component ("/a/b" -> "b"). */
const char *xsl_path_base(const char *path);

#endif
