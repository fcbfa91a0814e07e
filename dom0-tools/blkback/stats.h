/* tern-blkback per-device counters and their JSON form: the files under /run/tern/blkback/
 * that `tern block-stats`, `tern top` (xentop's VBD_* columns) and tern-metricsd read, and
 * that a restarted backend reads back to go on counting (docs/blkback.md). */
#ifndef TERN_BLKBACK_STATS_H
#define TERN_BLKBACK_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One file per device: BLK_STATS_DIR "/<domid>-<devid>.json", rewritten (a whole new file
 * renamed over the old one) at most every BLK_STATS_PERIOD_MS while its counters change. */
#define BLK_STATS_DIR       "/run/tern/blkback"
#define BLK_STATS_PERIOD_MS 250u

/* The names are Linux blkback's sysfs statistics (xentop reads those). A request counts in
 * its operation's counter once answered, whatever the answer; sectors only for an answer OK. */
struct blk_vbd_stats {
    uint64_t rd_req, wr_req; /* reads, writes (an indirect one counts as its inner op) */
    uint64_t f_req, ds_req;  /* flushes (with or without data), discards */
    uint64_t rd_sect;        /* 512-byte sectors read */
    uint64_t wr_sect;        /* 512-byte sectors written (writes and flushes with data) */
    uint64_t errors;         /* answers other than BLKIF_RSP_OKAY (unknown operations too) */
    uint64_t oo_req;         /* times the ring was full: the frontend's next request waited
                                for a free slot (xentop's VBD_OO) */
};

/* Writes one device's counters as a JSON object into buf (NUL-terminated). Returns the
 * length, or -1 if buf is too small (then buf holds no partial object). */
int blk_stats_json(char *buf, size_t len, unsigned domid, unsigned devid,
                   const struct blk_vbd_stats *s);
/* Reads back what blk_stats_json wrote (keys in any order, white space allowed). Returns 0,
 * or -1 if a key is missing or not a number (*s then unchanged). */
int blk_stats_parse(const char *json, unsigned *domid, unsigned *devid, struct blk_vbd_stats *s);
/* dir/<domid>-<devid>.json (dir: BLK_STATS_DIR but in tests). */
void blk_stats_path(char *out, size_t len, const char *dir, unsigned domid, unsigned devid);
/* Reads device domid/devid's file in dir. Returns 0, or -1 if there is none (no backend, the
 * device not served yet) or it is not that device's. */
int blk_stats_read(const char *dir, unsigned domid, unsigned devid, struct blk_vbd_stats *s);
/* Writes the file (dir created if missing) through a temporary file and a rename, so that a
 * reader sees the old or the new file whole. Returns 0 or -1 (errno). */
int blk_stats_write(const char *dir, unsigned domid, unsigned devid, const struct blk_vbd_stats *s);
/* *sum += *s, counter by counter. */
void blk_stats_add(struct blk_vbd_stats *sum, const struct blk_vbd_stats *s);

/* The pacing of the writes: told that counters changed at now_ms (blk_stats_changed) it
 * says when to write (blk_stats_due_in: ms from now, -1 if nothing to write), at most once
 * per BLK_STATS_PERIOD_MS, and the writer calls blk_stats_written after writing. */
struct blk_stats_pace {
    bool pending;
    bool ever;        /* written at least once */
    uint64_t last_ms; /* the last write */
};
void blk_stats_changed(struct blk_stats_pace *p);
long blk_stats_due_in(const struct blk_stats_pace *p, uint64_t now_ms);
void blk_stats_written(struct blk_stats_pace *p, uint64_t now_ms);

#endif
