/* `tern top`'s output in xentop's layout (xen tools/xentop): the summary lines, the
 * column header and one row per domain, the optional VCPU / memory lines, field widths that
 * grow with the figures, sorting by any column, and the command-line options. */
#ifndef TERN_TOP_TOPFMT_H
#define TERN_TOP_TOPFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>
#include "stats.h"

/* xentop's columns, in its order. */
enum top_field {
    TOP_NAME,
    TOP_STATE,
    TOP_CPU,
    TOP_CPU_PCT,
    TOP_MEM,
    TOP_MEM_PCT,
    TOP_MAXMEM,
    TOP_MAX_PCT,
    TOP_VCPUS,
    TOP_NETS,
    TOP_NET_TX,
    TOP_NET_RX,
    TOP_VBDS,
    TOP_VBD_OO,
    TOP_VBD_RD,
    TOP_VBD_WR,
    TOP_VBD_RSECT,
    TOP_VBD_WSECT,
    TOP_SSID,
    TOP_NFIELDS
};

struct top_opts {
    unsigned delay_s;    /* -d, default 3 */
    unsigned iterations; /* -i, 0 = until quit */
    bool batch;          /* -b */
    bool vcpus;          /* -v: a VCPUs line per domain */
    bool nets, vbds;     /* -n, -x: per-device lines */
    bool memory;         /* -m (ours): the balloon and guest agent figures per domain */
    bool repeat_header;  /* -r */
    bool full_name;      /* -f */
    bool dom0_first;     /* -z */
    enum top_field sort; /* column to sort by ('s' cycles) */
};

/* Parses tern top's options (argv[0] is the command name). Returns 0, 1 for -h (usage
 * printed by the caller), or -1 with err set. */
int top_parse_args(int argc, char **argv, struct top_opts *o, char *err, size_t errlen);

const char *top_field_header(enum top_field f);
/* Column widths for this sample: xentop's defaults, grown to fit the numbers. */
void top_widths(const struct tern_stats *s, const struct top_opts *o, unsigned w[TOP_NFIELDS]);
/* The six state letters in xentop's order (d s b c p r), '-' when not set. */
void top_state(uint32_t flags, char out[7]);
/* Sorted order of s's domains (pointers into s) by o->sort; dom0 first with -z. */
void top_sort(const struct tern_stats *s, const struct top_opts *o,
              const struct tern_dom_stats **order);

void top_print_summary(FILE *f, const struct tern_stats *s, time_t now);
void top_print_header(FILE *f, const unsigned w[TOP_NFIELDS]);
void top_print_row(FILE *f, const struct tern_stats *s, const struct tern_dom_stats *d,
                   const unsigned w[TOP_NFIELDS], bool full_name);
void top_print_vcpus(FILE *f, const struct tern_dom_stats *d);
void top_print_memory(FILE *f, const struct tern_dom_stats *d);
/* One whole screen/iteration: summary (unless batch), then header + rows. */
void top_print(FILE *f, const struct tern_stats *s, const struct top_opts *o, time_t now);

#endif
