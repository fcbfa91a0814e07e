/* Prometheus text exposition format (version 0.0.4) of a stats.h sample: the metric names
 * and labels of docs/monitoring.md. */
#ifndef TERN_METRICSD_PROM_H
#define TERN_METRICSD_PROM_H

#include <stdio.h>
#include "../top/stats.h"

struct prom_counters {
    unsigned long long samples;       /* samples taken since start */
    unsigned long long sample_errors; /* samples that failed (the last good one is served) */
};

/* Writes the whole exposition of s (may have no domains) and the daemon's counters. */
void prom_write(FILE *f, const struct tern_stats *s, const struct prom_counters *c);
/* A label value with \ " and newline escaped as the format requires. */
void prom_label_value(FILE *f, const char *v);

#endif
