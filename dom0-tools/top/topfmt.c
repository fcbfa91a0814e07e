/* xentop's screen from a stats.h sample (see topfmt.h). The widths, number formats and
 * state letters are xentop's, so scripts written for `xentop -b` read `tern top -b`. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <xenctrl.h>
#include "topfmt.h"

#define NAME_WIDTH 10

struct column {
    const char *header;
    unsigned width; /* xentop's default; some grow with the figures (top_widths) */
};

static const struct column columns[TOP_NFIELDS] = {
    [TOP_NAME] = {"NAME", NAME_WIDTH},
    [TOP_STATE] = {"STATE", 6},
    [TOP_CPU] = {"CPU(sec)", 10},
    [TOP_CPU_PCT] = {"CPU(%)", 6},
    [TOP_MEM] = {"MEM(k)", 10},
    [TOP_MEM_PCT] = {"MEM(%)", 6},
    [TOP_MAXMEM] = {"MAXMEM(k)", 10},
    [TOP_MAX_PCT] = {"MAXMEM(%)", 9},
    [TOP_VCPUS] = {"VCPUS", 5},
    [TOP_NETS] = {"NETS", 4},
    [TOP_NET_TX] = {"NETTX(k)", 8},
    [TOP_NET_RX] = {"NETRX(k)", 8},
    [TOP_VBDS] = {"VBDS", 4},
    [TOP_VBD_OO] = {"VBD_OO", 8},
    [TOP_VBD_RD] = {"VBD_RD", 8},
    [TOP_VBD_WR] = {"VBD_WR", 8},
    [TOP_VBD_RSECT] = {"VBD_RSECT", 10},
    [TOP_VBD_WSECT] = {"VBD_WSECT", 10},
    [TOP_SSID] = {"SSID", 4},
};

const char *top_field_header(enum top_field f)
{
    return f < TOP_NFIELDS ? columns[f].header : "";
}

/* ---------------------------------------------------------------- figures per column */

static uint64_t field_value(const struct tern_dom_stats *d, enum top_field f)
{
    switch (f) {
    case TOP_CPU:
        return d->cpu_ns;
    case TOP_MEM:
    case TOP_MEM_PCT:
        return d->cur_kb;
    case TOP_MAXMEM:
    case TOP_MAX_PCT:
        return d->max_kb;
    case TOP_VCPUS:
        return d->vcpus;
    case TOP_NETS:
        return d->nets;
    case TOP_NET_TX:
        return d->net_tx_bytes;
    case TOP_NET_RX:
        return d->net_rx_bytes;
    case TOP_VBDS:
        return d->vbds;
    case TOP_VBD_OO:
        return d->vbd_oo;
    case TOP_VBD_RD:
        return d->vbd_rd;
    case TOP_VBD_WR:
        return d->vbd_wr;
    case TOP_VBD_RSECT:
        return d->vbd_rsect;
    case TOP_VBD_WSECT:
        return d->vbd_wsect;
    case TOP_SSID:
        return d->ssid;
    default:
        return 0;
    }
}

static unsigned digits(uint64_t n)
{
    unsigned w = 1;

    while (n >= 10) {
        n /= 10;
        w++;
    }
    return w;
}

void top_widths(const struct tern_stats *s, const struct top_opts *o, unsigned w[TOP_NFIELDS])
{
    for (int f = 0; f < TOP_NFIELDS; f++)
        w[f] = columns[f].width;
    for (unsigned i = 0; i < s->n; i++) {
        const struct tern_dom_stats *d = &s->doms[i];
        unsigned grow[TOP_NFIELDS] = {
            [TOP_NET_TX] = digits(d->net_tx_bytes / 1024 + 1),
            [TOP_NET_RX] = digits(d->net_rx_bytes / 1024 + 1),
            [TOP_VBD_RD] = digits(d->vbd_rd + 1),
            [TOP_VBD_WR] = digits(d->vbd_wr + 1),
            [TOP_VBD_RSECT] = digits(d->vbd_rsect + 1),
            [TOP_VBD_WSECT] = digits(d->vbd_wsect + 1),
        };

        if (o->full_name)
            grow[TOP_NAME] = strlen(d->name);
        for (int f = 0; f < TOP_NFIELDS; f++)
            if (grow[f] > w[f])
                w[f] = grow[f];
    }
}

/* ---------------------------------------------------------------- state and sorting */

static const struct {
    uint32_t flag;
    char letter;
} state_letters[] = {
    {XEN_DOMINF_dying, 'd'}, {XEN_DOMINF_shutdown, 's'}, {XEN_DOMINF_blocked, 'b'},
    {0 /* crashed */, 'c'},  {XEN_DOMINF_paused, 'p'},   {XEN_DOMINF_running, 'r'},
};

static bool crashed(uint32_t flags)
{
    return (flags & XEN_DOMINF_shutdown) &&
           ((flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask) == SHUTDOWN_crash;
}

static bool has_state(uint32_t flags, unsigned i)
{
    return state_letters[i].flag ? (flags & state_letters[i].flag) != 0 : crashed(flags);
}

void top_state(uint32_t flags, char out[7])
{
    for (unsigned i = 0; i < 6; i++)
        out[i] = has_state(flags, i) ? state_letters[i].letter : '-';
    out[6] = '\0';
}

static int cmp_u64(uint64_t a, uint64_t b)
{
    return a < b ? -1 : a > b;
}

static int compare(const struct tern_dom_stats *a, const struct tern_dom_stats *b, enum top_field f)
{
    switch (f) {
    case TOP_NAME:
        return strcasecmp(a->name, b->name);
    case TOP_STATE:
        for (unsigned i = 0; i < 6; i++) {
            bool x = has_state(a->flags, i), y = has_state(b->flags, i);

            if (x != y)
                return x ? -1 : 1;
        }
        return 0;
    case TOP_CPU_PCT:
        return a->cpu_pct > b->cpu_pct ? -1 : a->cpu_pct < b->cpu_pct;
    case TOP_SSID:
        return cmp_u64(a->ssid, b->ssid);
    default: /* the figures: largest first, as xentop */
        return -cmp_u64(field_value(a, f), field_value(b, f));
    }
}

static enum top_field sort_field;

static int compare_ptr(const void *x, const void *y)
{
    const struct tern_dom_stats *a = *(const struct tern_dom_stats *const *)x;
    const struct tern_dom_stats *b = *(const struct tern_dom_stats *const *)y;
    int c = compare(a, b, sort_field);

    return c ? c : cmp_u64(a->domid, b->domid);
}

void top_sort(const struct tern_stats *s, const struct top_opts *o,
              const struct tern_dom_stats **order)
{
    unsigned start = 0;

    for (unsigned i = 0; i < s->n; i++)
        order[i] = &s->doms[i];
    if (o->dom0_first) {
        for (unsigned i = 0; i < s->n; i++) {
            if (!strcmp(order[i]->name, "Domain-0")) {
                const struct tern_dom_stats *t = order[0];

                order[0] = order[i];
                order[i] = t;
                start = 1;
                break;
            }
        }
    }
    sort_field = o->sort;
    if (s->n > start)
        qsort(order + start, s->n - start, sizeof(*order), compare_ptr);
}

/* ---------------------------------------------------------------- printing */

void top_print_summary(FILE *f, const struct tern_stats *s, time_t now)
{
    unsigned run = 0, block = 0, pause = 0, crash = 0, dying = 0, shut = 0;

    char when[16];
    struct tm tm;

    localtime_r(&now, &tm);
    strftime(when, sizeof(when), "%H:%M:%S", &tm);
    fprintf(f, "tern top - %s   Xen %s\n", when, s->version);
    for (unsigned i = 0; i < s->n; i++) {
        uint32_t fl = s->doms[i].flags;

        if (fl & XEN_DOMINF_running)
            run++;
        else if (fl & XEN_DOMINF_blocked)
            block++;
        else if (fl & XEN_DOMINF_paused)
            pause++;
        else if (fl & XEN_DOMINF_shutdown) /* a crash counts here too, as in xentop */
            shut++;
        else if (fl & XEN_DOMINF_dying)
            dying++;
    }
    fprintf(f,
            "%u domains: %u running, %u blocked, %u paused, %u crashed, %u dying, %u shutdown \n",
            s->n, run, block, pause, crash, dying, shut);
    fprintf(f, "Mem: %lluk total, %lluk used, %lluk free    CPUs: %u @ %uMHz\n",
            (unsigned long long)s->tot_kb, (unsigned long long)(s->tot_kb - s->free_kb),
            (unsigned long long)s->free_kb, s->ncpus, s->cpu_mhz);
}

void top_print_header(FILE *f, const unsigned w[TOP_NFIELDS])
{
    for (int i = 0; i < TOP_NFIELDS; i++)
        fprintf(f, "%s%*s", i ? " " : "", (int)w[i], columns[i].header);
    fputc('\n', f);
}

static double pct(uint64_t part, uint64_t whole)
{
    return whole ? (double)part / (double)whole * 100.0 : 0.0;
}

static void print_field(FILE *f, const struct tern_stats *s, const struct tern_dom_stats *d,
                        enum top_field fl, int w, bool full_name)
{
    char state[7];
    bool vbd_dash = d->vbds > 0 && !d->vbd_counters; /* xentop: the backend gave no stats */

    switch (fl) {
    case TOP_NAME:
        if (full_name)
            fprintf(f, "%*s", w, d->name);
        else
            fprintf(f, "%10.10s", d->name);
        break;
    case TOP_STATE:
        top_state(d->flags, state);
        fputs(state, f);
        break;
    case TOP_CPU:
        fprintf(f, "%*llu", w, (unsigned long long)(d->cpu_ns / 1000000000ull));
        break;
    case TOP_CPU_PCT:
        fprintf(f, "%*.1f", w, d->cpu_pct);
        break;
    case TOP_MEM_PCT:
        fprintf(f, "%*.1f", w, pct(d->cur_kb, s->tot_kb));
        break;
    case TOP_MAXMEM:
        if (d->max_kb == TERN_STATS_NO_LIMIT)
            fprintf(f, "%*s", w, "no limit");
        else
            fprintf(f, "%*llu", w, (unsigned long long)d->max_kb);
        break;
    case TOP_MAX_PCT:
        if (d->max_kb == TERN_STATS_NO_LIMIT)
            fprintf(f, "%*s", w, "n/a");
        else
            fprintf(f, "%*.1f", w, pct(d->max_kb, s->tot_kb));
        break;
    case TOP_NET_TX:
    case TOP_NET_RX:
        fprintf(f, "%*llu", w, (unsigned long long)(field_value(d, fl) / 1024));
        break;
    case TOP_VBD_OO:
    case TOP_VBD_RD:
    case TOP_VBD_WR:
    case TOP_VBD_RSECT:
    case TOP_VBD_WSECT:
        if (vbd_dash)
            fprintf(f, "%*c", w, '-');
        else
            fprintf(f, "%*llu", w, (unsigned long long)field_value(d, fl));
        break;
    default: /* MEM, VCPUS, NETS, VBDS, SSID */
        fprintf(f, "%*llu", w, (unsigned long long)field_value(d, fl));
        break;
    }
}

void top_print_row(FILE *f, const struct tern_stats *s, const struct tern_dom_stats *d,
                   const unsigned w[TOP_NFIELDS], bool full_name)
{
    for (int i = 0; i < TOP_NFIELDS; i++) {
        if (i)
            fputc(' ', f);
        print_field(f, s, d, i, (int)w[i], full_name);
    }
    fputc('\n', f);
}

void top_print_vcpus(FILE *f, const struct tern_dom_stats *d)
{
    fputs("VCPUs(sec): ", f);
    for (unsigned v = 0; v < d->vcpus && v < TERN_STATS_MAX_VCPUS; v++) {
        if (!(d->vcpu_online & (1ull << v)))
            continue;
        if (v && v % 5 == 0)
            fputs("\n        ", f);
        fprintf(f, " %2u: %10llus", v, (unsigned long long)(d->vcpu_ns[v] / 1000000000ull));
    }
    fputc('\n', f);
}

static void kib(FILE *f, const char *label, long long v)
{
    if (v == TERN_STATS_UNKNOWN)
        fprintf(f, "  %s %10s", label, "-");
    else
        fprintf(f, "  %s %9lldk", label, v);
}

void top_print_memory(FILE *f, const struct tern_dom_stats *d)
{
    fputs("Memory:", f);
    kib(f, "target", d->target_kb);
    kib(f, "used", d->guest_used_kb);
    kib(f, "cache", d->guest_cached_kb);
    kib(f, "avail", d->guest_avail_kb);
    fprintf(f, "  balloon %s\n", d->balloon_state[0] ? d->balloon_state : "-");
}

void top_print(FILE *f, const struct tern_stats *s, const struct top_opts *o, time_t now)
{
    const struct tern_dom_stats **order = calloc(s->n ? s->n : 1, sizeof(*order));
    unsigned w[TOP_NFIELDS];

    if (!order)
        return;
    if (!o->batch)
        top_print_summary(f, s, now);
    top_widths(s, o, w);
    top_sort(s, o, order);
    for (unsigned i = 0; i < s->n; i++) {
        if (i == 0 || o->repeat_header)
            top_print_header(f, w);
        top_print_row(f, s, order[i], w, o->full_name);
        if (o->vcpus)
            top_print_vcpus(f, order[i]);
        if (o->memory)
            top_print_memory(f, order[i]);
    }
    free(order);
}
