/* Argument helpers of the device commands (cmd_block.c, cmd_net.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tern.h"

/* The spec as one string: xl joins its arguments with commas. */
int tern_join_args(int argc, char **argv, char *out, size_t size)
{
    size_t n = 0;

    out[0] = '\0';
    for (int i = 0; i < argc; i++) {
        int len = snprintf(out + n, size - n, "%s%s", i ? "," : "", argv[i]);

        if (len < 0 || (size_t)len >= size - n)
            return -1;
        n += (size_t)len;
    }
    return 0;
}

long tern_guest_arg(struct tern_ctx *ctx, const char *cmd, const char *what)
{
    long domid = tern_domain_lookup(ctx, what);

    if (domid < 0)
        tern_error("%s: domain '%s': %s", cmd, what, strerror(ESRCH));
    else if (domid == 0) {
        tern_error("%s: domain 0: devices are attached to guests only", cmd);
        domid = -1;
    }
    return domid;
}

long tern_xs_read_long(struct tern_ctx *ctx, const char *dir, const char *key)
{
    char *v = tern_xs_read(ctx, XBT_NULL, "%s/%s", dir, key), *end;
    long n;

    n = v ? strtol(v, &end, 10) : -1;
    if (v && (end == v || *end))
        n = -1;
    free(v);
    return n;
}
