/* Shared by tern and tern-consoled: the connections to the hypervisor and xenstored, and
 * the one-line error report. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tern.h"

int tern_error(const char *fmt, ...)
{
    va_list al;

    fputs("tern: ", stderr);
    va_start(al, fmt);
    vfprintf(stderr, fmt, al);
    va_end(al);
    fputc('\n', stderr);
    return 1;
}

int tern_ctx_open(struct tern_ctx *ctx, bool need_xs)
{
    ctx->logger = xtl_createlogger_stdiostream(stderr, ctx->verbose ? XTL_DEBUG : XTL_CRITICAL, 0);
    ctx->xch = xc_interface_open((xentoollog_logger *)ctx->logger, NULL, 0);
    if (!ctx->xch) {
        tern_error("open hypervisor interface /dev/xen/privcmd: %s", strerror(errno));
        return -1;
    }
    if (need_xs) {
        ctx->xsh = xs_open(0);
        if (!ctx->xsh) {
            tern_error("connect to xenstored: %s", strerror(errno));
            return -1;
        }
    }
    return 0;
}

void tern_ctx_close(struct tern_ctx *ctx)
{
    xs_close(ctx->xsh);
    xc_interface_close(ctx->xch);
    xtl_logger_destroy((xentoollog_logger *)ctx->logger);
    memset(ctx, 0, sizeof(*ctx));
}
