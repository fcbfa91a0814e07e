/* The one command table (main.c) and its row type. */
#ifndef TERN_CMDTABLE_H
#define TERN_CMDTABLE_H

#include <stddef.h>
#include <stdio.h>
#include "tern.h"

#define TERN_NEED_XC 1u /* opens /dev/xen/privcmd before running */
#define TERN_NEED_XS 2u /* and a xenstore connection */

struct tern_cmd {
    const char *name;
    tern_cmd_fn *fn;
    unsigned needs;
    const char *usage;
    const char *help;
};

extern const struct tern_cmd tern_cmd_table[];
extern const size_t tern_cmd_count;
const struct tern_cmd *tern_cmd_find(const char *name);
void tern_print_usage(FILE *f);
/* Prints the command's usage line; returns 2. */
int tern_usage_error(const char *name);

#endif
