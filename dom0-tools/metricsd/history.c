/* The ring of history.h and its JSON. */
#include <stdlib.h>
#include <string.h>
#include "history.h"

int history_init(struct history *h, unsigned cap)
{
    memset(h, 0, sizeof(*h));
    h->points = calloc(cap ? cap : 1, sizeof(*h->points));
    if (!h->points)
        return -1;
    h->cap = cap ? cap : 1;
    return 0;
}

int history_add(struct history *h, const struct tern_stats *s, uint64_t unix_ms)
{
    struct history_dom *doms = calloc(s->n ? s->n : 1, sizeof(*doms));
    struct history_point *p;

    if (!doms)
        return -1;
    for (unsigned i = 0; i < s->n; i++) {
        const struct tern_dom_stats *d = &s->doms[i];

        doms[i] = (struct history_dom){.domid = d->domid,
                                       .cpu_pct = d->cpu_pct,
                                       .actual_kb = (long long)d->cur_kb,
                                       .target_kb = d->target_kb,
                                       .used_kb = d->guest_used_kb,
                                       .cache_kb = d->guest_cached_kb};
        snprintf(doms[i].name, sizeof(doms[i].name), "%s", d->name);
    }
    p = &h->points[h->next];
    free(p->doms);
    *p = (struct history_point){.unix_ms = unix_ms,
                                .host_total_kb = s->tot_kb,
                                .host_free_kb = s->free_kb,
                                .n = s->n,
                                .doms = doms};
    h->next = (h->next + 1) % h->cap;
    if (h->len < h->cap)
        h->len++;
    return 0;
}

static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fprintf(f, "\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            fprintf(f, "\\u%04x", *s);
        else
            fputc(*s, f);
    }
    fputc('"', f);
}

static void json_kib(FILE *f, const char *key, long long v)
{
    if (v == TERN_STATS_UNKNOWN)
        fprintf(f, ",\"%s\":null", key);
    else
        fprintf(f, ",\"%s\":%lld", key, v);
}

static void point_json(FILE *f, const struct history_point *p)
{
    fprintf(f, "{\"t\":%llu,\"host\":{\"total_kb\":%llu,\"free_kb\":%llu},\"domains\":[",
            (unsigned long long)p->unix_ms, (unsigned long long)p->host_total_kb,
            (unsigned long long)p->host_free_kb);
    for (unsigned i = 0; i < p->n; i++) {
        const struct history_dom *d = &p->doms[i];

        fprintf(f, "%s{\"domid\":%u,\"name\":", i ? "," : "", d->domid);
        json_string(f, d->name);
        fprintf(f, ",\"cpu_pct\":%.2f", d->cpu_pct);
        json_kib(f, "actual_kb", d->actual_kb);
        json_kib(f, "target_kb", d->target_kb);
        json_kib(f, "used_kb", d->used_kb);
        json_kib(f, "cache_kb", d->cache_kb);
        fputc('}', f);
    }
    fputs("]}", f);
}

void history_json(FILE *f, const struct history *h, unsigned interval_ms)
{
    unsigned first = (h->next + h->cap - h->len) % h->cap;

    fprintf(f, "{\"interval_ms\":%u,\"points\":[", interval_ms);
    for (unsigned k = 0; k < h->len; k++) {
        if (k)
            fputc(',', f);
        point_json(f, &h->points[(first + k) % h->cap]);
    }
    fputs("]}\n", f);
}

void history_free(struct history *h)
{
    for (unsigned i = 0; h->points && i < h->cap; i++)
        free(h->points[i].doms);
    free(h->points);
    memset(h, 0, sizeof(*h));
}
