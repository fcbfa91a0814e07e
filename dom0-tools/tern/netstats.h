/* tern network-stats' lines and JSON for one vif (cmd_netstats.c), apart from the command so
 * that the layout can be unit-tested without a backend. */
#ifndef TERN_NETSTATS_H
#define TERN_NETSTATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "../netback/queues.h"
#include "../netback/stats.h"

/* One vif as read from tern-netback's file: nq queues' packets in qtx/qrx (0: the file has
 * none, from a backend before multi-queue). */
struct netstats_vif {
    unsigned devid;
    char mac[18];
    struct nb_vif_stats st;
    uint64_t qtx[NB_MAX_QUEUES], qrx[NB_MAX_QUEUES];
    unsigned nq;
};

void netstats_print_header(FILE *out);

/* The row of a vif whose counters could not be read: a "-" in every column. */
void netstats_print_missing(FILE *out, unsigned devid);

/* The vif's row and, if it has more than one queue, a line per queue under it with the
 * queue's packets in the TX-packets and RX-packets columns (one queue would only repeat
 * the row). */
void netstats_print_vif(FILE *out, const struct netstats_vif *v);

/* The vif as tern-netback's JSON object (nb_stats_json), with "queues" if nq > 0. Returns
 * the length, or -1 if the MAC is not one or buf is too small. */
int netstats_json_vif(char *buf, size_t len, unsigned domid, const struct netstats_vif *v);

/* One switch as read from tern-netback's switch file; ok false if the file could not be read
 * or parsed, or names another switch (then name comes from the file's name). */
struct netstats_switch {
    char name[NB_SWITCH_NAME_MAX], kind[NB_SWITCH_KIND_MAX];
    struct nb_switch_stats st;
    bool ok;
};

/* The switch files in dir (NB_STATS_DIR but in tests), by name: at most max into sw. Returns
 * how many, or -1 if dir cannot be read (no backend has run since boot). */
int netstats_read_switches(const char *dir, struct netstats_switch *sw, unsigned max);

void netstats_print_switch_header(FILE *out);

/* The switch's row; a "-" in every column after its name if !sw->ok. */
void netstats_print_switch(FILE *out, const struct netstats_switch *sw);

#endif
