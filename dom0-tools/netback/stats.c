/* tern-netback per-vif counters as JSON (see stats.h). */
#include "stats.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int nb_stats_json(char *buf, size_t len, unsigned domid, unsigned devid, const uint8_t mac[6],
                  const struct nb_vif_stats *s)
{
    int n =
        snprintf(buf, len,
                 "{\"domid\":%u,\"devid\":%u,\"mac\":\"%02x:%02x:%02x:%02x:%02x:%02x\","
                 "\"tx\":{\"packets\":%" PRIu64 ",\"bytes\":%" PRIu64 ",\"drops\":%" PRIu64
                 ",\"spoofed\":%" PRIu64 "},"
                 "\"rx\":{\"packets\":%" PRIu64 ",\"bytes\":%" PRIu64 ",\"drops\":%" PRIu64 "}}",
                 domid, devid, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5], s->tx_packets,
                 s->tx_bytes, s->tx_drops, s->tx_spoofed, s->rx_packets, s->rx_bytes, s->rx_drops);

    if (n < 0 || (size_t)n >= len) {
        if (len)
            buf[0] = '\0';
        return -1;
    }
    return n;
}

int nb_stats_json_queues(char *buf, size_t len, const uint64_t *tx, const uint64_t *rx, unsigned nq)
{
    size_t n = strlen(buf);
    size_t at;

    if (n == 0 || buf[n - 1] != '}')
        return -1;
    at = n - 1; /* the object's closing brace */
    for (unsigned i = 0; i <= nq; i++) {
        int k;

        if (i == nq)
            k = snprintf(buf + at, len - at, "]}");
        else
            k = snprintf(buf + at, len - at,
                         "%s{\"tx_packets\":%" PRIu64 ",\"rx_packets\":%" PRIu64 "}",
                         i ? "," : ",\"queues\":[", tx[i], rx[i]);
        if (k < 0 || (size_t)k >= len - at) {
            buf[n - 1] = '}';
            buf[n] = '\0';
            return -1;
        }
        at += (size_t)k;
    }
    return (int)at;
}

static const char *skip_space(const char *p)
{
    while (isspace((unsigned char)*p))
        p++;
    return p;
}

/* Walks the object that starts at obj: with a key, the text after "key": at its top level
 * (not in a nested object); without, its closing brace. NULL if not found before the text
 * ends (then an object cut short is not taken). */
static const char *walk_object(const char *obj, const char *key)
{
    size_t klen = key ? strlen(key) : 0;
    int depth = 0;

    for (const char *p = obj; *p; p++) {
        if (*p == '{')
            depth++;
        else if (*p == '}' && --depth == 0)
            return key ? NULL : p;
        else if (key && *p == '"' && depth == 1 && !strncmp(p + 1, key, klen) &&
                 p[1 + klen] == '"') {
            p = skip_space(p + klen + 2);
            return *p == ':' ? p + 1 : NULL;
        }
    }
    return NULL;
}

static const char *value_of(const char *obj, const char *key)
{
    return walk_object(obj, key);
}

static int number_of(const char *obj, const char *key, uint64_t *out)
{
    const char *v = value_of(obj, key);
    char *end;

    if (!v)
        return -1;
    while (isspace((unsigned char)*v))
        v++;
    if (!isdigit((unsigned char)*v))
        return -1;
    errno = 0;
    *out = strtoull(v, &end, 10);
    return errno ? -1 : 0;
}

static const char *object_of(const char *obj, const char *key)
{
    const char *v = value_of(obj, key);

    while (v && isspace((unsigned char)*v))
        v++;
    return v && *v == '{' ? v : NULL;
}

int nb_stats_parse(const char *json, unsigned *domid, unsigned *devid, char mac[18],
                   struct nb_vif_stats *s)
{
    const char *top = json ? strchr(json, '{') : NULL, *tx, *rx, *m;
    uint64_t dom, dev;
    struct nb_vif_stats st;

    if (!top || number_of(top, "domid", &dom) || number_of(top, "devid", &dev) ||
        dom > UINT32_MAX || dev > UINT32_MAX)
        return -1;
    tx = object_of(top, "tx");
    rx = object_of(top, "rx");
    m = value_of(top, "mac");
    while (m && isspace((unsigned char)*m))
        m++;
    if (!tx || !rx || !m || *m != '"' || strlen(m) < 19 || m[18] != '"')
        return -1;
    if (number_of(tx, "packets", &st.tx_packets) || number_of(tx, "bytes", &st.tx_bytes) ||
        number_of(tx, "drops", &st.tx_drops) || number_of(tx, "spoofed", &st.tx_spoofed) ||
        number_of(rx, "packets", &st.rx_packets) || number_of(rx, "bytes", &st.rx_bytes) ||
        number_of(rx, "drops", &st.rx_drops))
        return -1;
    *domid = (unsigned)dom;
    *devid = (unsigned)dev;
    memcpy(mac, m + 1, 17);
    mac[17] = '\0';
    *s = st;
    return 0;
}

/* Reads vif domid/devid's file in dir into text (NUL-terminated; at most size - 1 bytes, more
 * than tern-netback writes) and checks that it is that vif's. Returns 0 or -1. */
static int read_vif_file(const char *dir, unsigned domid, unsigned devid, char *text, size_t size,
                         char mac[18], struct nb_vif_stats *s)
{
    char path[256];
    unsigned fdom, fdev;
    size_t n;
    FILE *f;

    snprintf(path, sizeof(path), "%s/%u.%u.json", dir, domid, devid);
    f = fopen(path, "r");
    if (!f)
        return -1;
    n = fread(text, 1, size - 1, f);
    fclose(f);
    text[n] = '\0';
    if (nb_stats_parse(text, &fdom, &fdev, mac, s) < 0 || fdom != domid || fdev != devid)
        return -1;
    return 0;
}

int nb_stats_read(const char *dir, unsigned domid, unsigned devid, char mac[18],
                  struct nb_vif_stats *s)
{
    char text[NB_STATS_FILE_MAX];
    struct nb_vif_stats st;

    if (read_vif_file(dir, domid, devid, text, sizeof(text), mac, &st) < 0)
        return -1;
    *s = st;
    return 0;
}

int nb_stats_parse_queues(const char *json, uint64_t *tx, uint64_t *rx, unsigned max)
{
    const char *top = json ? strchr(json, '{') : NULL, *p;
    unsigned n = 0;

    if (!top)
        return -1;
    p = value_of(top, "queues");
    if (!p)
        return 0; /* a backend from before multi-queue */
    p = skip_space(p);
    if (*p != '[')
        return -1;
    p = skip_space(p + 1);
    if (*p == ']')
        return 0;
    for (;;) {
        const char *end = *p == '{' ? walk_object(p, NULL) : NULL;

        /* more entries than max is an error, not a silent cut: a reader would otherwise show
         * some of a vif's queues as if they were all of them */
        if (!end || n == max || number_of(p, "tx_packets", &tx[n]) ||
            number_of(p, "rx_packets", &rx[n]))
            return -1;
        n++;
        p = skip_space(end + 1);
        if (*p == ']')
            return n > INT_MAX ? -1 : (int)n;
        if (*p != ',')
            return -1;
        p = skip_space(p + 1);
    }
}

int nb_stats_read_queues(const char *dir, unsigned domid, unsigned devid, uint64_t *tx,
                         uint64_t *rx, unsigned max)
{
    char text[NB_STATS_FILE_MAX], mac[18];
    struct nb_vif_stats st;

    if (read_vif_file(dir, domid, devid, text, sizeof(text), mac, &st) < 0)
        return -1;
    return nb_stats_parse_queues(text, tx, rx, max);
}

bool nb_log_allow(struct nb_log_limit *l, uint64_t now_us, unsigned *suppressed)
{
    if (l->logged == 0 || now_us - l->window_start_us >= NB_LOG_WINDOW_US) {
        l->window_start_us = now_us;
        l->logged = 0;
    }
    if (l->logged >= NB_LOG_BURST) {
        l->suppressed++;
        return false;
    }
    l->logged++;
    *suppressed = l->suppressed;
    l->suppressed = 0;
    return true;
}
