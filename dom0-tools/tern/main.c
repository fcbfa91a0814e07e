/* tern: the dom0 toolstack CLI (commands, options, output formats and xl.cfg syntax of
 * xl). Global options, then dispatch through tern_cmd_table. */
#include <stdio.h>
#include <string.h>
#include "cmdtable.h"

int main(int argc, char **argv)
{
    struct tern_ctx ctx = {0};
    const struct tern_cmd *cmd;
    int rc;

    while (argc > 1 && argv[1][0] == '-') {
        if (!strcmp(argv[1], "-v"))
            ctx.verbose++;
        else if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
            tern_print_usage(stdout);
            return 0;
        } else {
            tern_print_usage(stderr);
            return 2;
        }
        argc--;
        argv++;
    }
    if (argc < 2) {
        tern_print_usage(stderr);
        return 2;
    }
    cmd = tern_cmd_find(argv[1]);
    if (!cmd) {
        tern_error("unknown command '%s' (try 'tern help')", argv[1]);
        return 2;
    }
    if ((cmd->needs & TERN_NEED_XC) && tern_ctx_open(&ctx, cmd->needs & TERN_NEED_XS) < 0) {
        tern_ctx_close(&ctx);
        return 1;
    }
    rc = cmd->fn(&ctx, argc - 1, argv + 1);
    tern_ctx_close(&ctx);
    return rc;
}
