/* tern-netback per-vif counters and their JSON form (the files under /run/tern/netback/,
 * which `tern network-stats` reads back). TX = from the guest, RX = to the guest. */
#ifndef TERN_NETBACK_STATS_H
#define TERN_NETBACK_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One file per vif: NB_STATS_DIR "/<domid>.<devid>.json", rewritten at most once a second. */
#define NB_STATS_DIR "/run/tern/netback"

struct nb_vif_stats {
    uint64_t tx_packets, tx_bytes, tx_drops; /* tx_drops: bad requests and unroutable */
    uint64_t tx_spoofed;                     /* dropped: source MAC not the vif's */
    uint64_t rx_packets, rx_bytes, rx_drops; /* rx_drops: no posted buffer or too big */
};

/* Writes one vif's counters as a JSON object into buf (NUL-terminated). Returns the length,
 * or -1 if buf is too small (then buf holds no partial object). */
int nb_stats_json(char *buf, size_t len, unsigned domid, unsigned devid, const uint8_t mac[6],
                  const struct nb_vif_stats *s);

/* Adds the packets of each of a vif's nq queues (TX and RX) to the object nb_stats_json wrote
 * in buf, as "queues":[{"tx_packets":N,"rx_packets":N},...] (readers of the other fields are
 * unaffected). Returns the new length, or -1 if buf is too small (then buf is unchanged). */
int nb_stats_json_queues(char *buf, size_t len, const uint64_t *tx, const uint64_t *rx,
                         unsigned nq);

/* Reads back what nb_stats_json wrote (keys in any order; spaces and a final newline
 * allowed). Returns 0, or -1 if a counter is missing or not a number (*s then unchanged). */
int nb_stats_parse(const char *json, unsigned *domid, unsigned *devid, char mac[18],
                   struct nb_vif_stats *s);

/* How much of a counters file is read: more than tern-netback writes (4 queues included). */
#define NB_STATS_FILE_MAX 1024

/* Reads vif domid/devid's file in dir (NB_STATS_DIR but in tests). Returns 0, or -1 if
 * there is none (no backend running, the vif not served yet) or it is not that vif's. */
int nb_stats_read(const char *dir, unsigned domid, unsigned devid, char mac[18],
                  struct nb_vif_stats *s);

/* Reads back the "queues" array nb_stats_json_queues wrote into json: entry i's packets into
 * tx[i] and rx[i], for at most max entries. Returns the number of queues; 0 if json has no
 * "queues" (a backend from before multi-queue) or an empty one; -1 if it is malformed: not an
 * array of objects each with both numbers, cut short, or more than max entries (tx and rx may
 * then hold some entries, not to be used). */
int nb_stats_parse_queues(const char *json, uint64_t *tx, uint64_t *rx, unsigned max);

/* nb_stats_parse_queues on vif domid/devid's file in dir; -1 also where nb_stats_read fails.
 * A second read of the file: the queues may be a second newer than totals read just before. */
int nb_stats_read_queues(const char *dir, unsigned domid, unsigned devid, uint64_t *tx,
                         uint64_t *rx, unsigned max);

/* One switch's traffic with dom0's port (the TAP or the veth's packet socket), in
 * NB_SWITCH_STATS_DIR "/" NB_SWITCH_FILE_PREFIX "<name>.json", rewritten at most once a second:
 * a directory of their own, so that the vif files stay alone in NB_STATS_DIR (what a listing
 * of it shows is the vifs the backend serves). */
#define NB_SWITCH_STATS_DIR   NB_STATS_DIR "/switches"
#define NB_SWITCH_FILE_PREFIX "switch-"
#define NB_SWITCH_NAME_MAX    16 /* IFNAMSIZ: a switch is named after dom0's interface */
#define NB_SWITCH_KIND_MAX    8  /* "tap", "veth", "none" (no port open) */

struct nb_switch_stats {
    /* frames the port took (written to the TAP, or put in the veth's TX ring: what the
     * kernel loses after that is in the interface's own counters), their bytes, and frames
     * the switch could not hand over (the port full or down, the frame too big for it, a
     * frame that could not be completed or cut for it) */
    uint64_t to_dom0_packets, to_dom0_bytes, to_dom0_drops;
    /* frames read from the port, and of those the malformed ones, dropped (a GSO header that
     * does not match the frame, a partial checksum outside it) */
    uint64_t from_dom0_packets, from_dom0_bad;
    /* times a guest's TX queue stopped because the port was full: its frame for dom0 (and
     * all after it) stayed on the guest's ring until the port had room (ring.c); not in the
     * files of a backend from before (read as 0) */
    uint64_t to_dom0_held;
};

/* One switch's counters as a JSON object into buf (NUL-terminated): {"switch":name,
 * "dom0_port":kind,"to_dom0":{...},"from_dom0":{...}}. Returns the length, or -1 if buf is
 * too small or name or kind has a character that would need escaping (buf then empty). */
int nb_switch_stats_json(char *buf, size_t len, const char *name, const char *kind,
                         const struct nb_switch_stats *s);

/* Reads back what nb_switch_stats_json wrote (keys in any order, spaces allowed; to_dom0's held
 * may be missing: 0). Returns 0,
 * or -1 if the object is cut short, a string is missing or too long, or a counter is missing
 * or not a number (the outputs then unchanged). */
int nb_switch_stats_parse(const char *json, char name[NB_SWITCH_NAME_MAX],
                          char kind[NB_SWITCH_KIND_MAX], struct nb_switch_stats *s);

/* Reads the switch file path (at most NB_STATS_FILE_MAX - 1 bytes of it). Returns 0, or -1
 * if it cannot be read or nb_switch_stats_parse refuses it. */
int nb_switch_stats_read(const char *path, char name[NB_SWITCH_NAME_MAX],
                         char kind[NB_SWITCH_KIND_MAX], struct nb_switch_stats *s);

/* Writes text and a newline to path as one step for readers: into path.tmp, then renamed
 * over path. path's directories are made first (at most 192 bytes of path). Returns 0 or -1. */
int nb_stats_write(const char *path, const char *text);

/* A per-vif limit on log lines about its guest's bad packets, so that a hostile frontend
 * cannot fill dom0's log: at most NB_LOG_BURST lines per NB_LOG_WINDOW_US. */
#define NB_LOG_BURST     5
#define NB_LOG_WINDOW_US 10000000ull
struct nb_log_limit {
    uint64_t window_start_us;
    unsigned logged, suppressed;
};

/* True if one more line may be logged at now_us; then *suppressed is how many lines were
 * refused since the last one allowed (to be said in that line), and the count restarts. */
bool nb_log_allow(struct nb_log_limit *l, uint64_t now_us, unsigned *suppressed);

#endif
