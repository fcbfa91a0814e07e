/* tern-netback per-vif counters as JSON (see stats.h). */
#include "stats.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
    /* the value ends at its number: "12x" or "1.5" is not a counter */
    end = (char *)skip_space(end);
    return errno || (*end != ',' && *end != '}') ? -1 : 0;
}

/* The string value of key in obj, copied into out (cap bytes with its NUL). Returns its
 * length, or -1 if it is not a string, holds an escape (we never write one) or does not fit. */
static int string_of(const char *obj, const char *key, char *out, size_t cap)
{
    const char *v = value_of(obj, key), *end;

    v = v ? skip_space(v) : NULL;
    if (!v || *v != '"')
        return -1;
    end = strpbrk(v + 1, "\\\"");
    if (!end || *end != '"' || (size_t)(end - v - 1) >= cap)
        return -1;
    memcpy(out, v + 1, (size_t)(end - v - 1));
    out[end - v - 1] = '\0';
    return (int)(end - v - 1);
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
    const char *top = json ? strchr(json, '{') : NULL, *tx, *rx;
    uint64_t dom, dev;
    struct nb_vif_stats st;
    char m[18];

    if (!top || number_of(top, "domid", &dom) || number_of(top, "devid", &dev) ||
        dom > UINT32_MAX || dev > UINT32_MAX)
        return -1;
    tx = object_of(top, "tx");
    rx = object_of(top, "rx");
    if (!tx || !rx || string_of(top, "mac", m, sizeof(m)) != 17)
        return -1;
    if (number_of(tx, "packets", &st.tx_packets) || number_of(tx, "bytes", &st.tx_bytes) ||
        number_of(tx, "drops", &st.tx_drops) || number_of(tx, "spoofed", &st.tx_spoofed) ||
        number_of(rx, "packets", &st.rx_packets) || number_of(rx, "bytes", &st.rx_bytes) ||
        number_of(rx, "drops", &st.rx_drops))
        return -1;
    *domid = (unsigned)dom;
    *devid = (unsigned)dev;
    memcpy(mac, m, 18);
    *s = st;
    return 0;
}

/* Reads path into text (NUL-terminated; at most size - 1 bytes, more than tern-netback
 * writes: a longer file is seen cut short). Returns 0 or -1. */
static int read_text(const char *path, char *text, size_t size)
{
    size_t n;
    FILE *f = fopen(path, "r");

    if (!f)
        return -1;
    n = fread(text, 1, size - 1, f);
    fclose(f);
    text[n] = '\0';
    return 0;
}

/* Reads vif domid/devid's file in dir into text (size bytes) and checks that it is that
 * vif's. Returns 0 or -1. */
static int read_vif_file(const char *dir, unsigned domid, unsigned devid, char *text, size_t size,
                         char mac[18], struct nb_vif_stats *s)
{
    char path[256];
    unsigned fdom, fdev;

    snprintf(path, sizeof(path), "%s/%u.%u.json", dir, domid, devid);
    if (read_text(path, text, size) < 0 || nb_stats_parse(text, &fdom, &fdev, mac, s) < 0 ||
        fdom != domid || fdev != devid)
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

/* A name we write between quotes as it is: printable, nothing JSON would escape. */
static bool plain(const char *t)
{
    for (; *t; t++)
        if (!isprint((unsigned char)*t) || *t == '"' || *t == '\\')
            return false;
    return true;
}

int nb_switch_stats_json(char *buf, size_t len, const char *name, const char *kind,
                         const struct nb_switch_stats *s)
{
    int n = -1;

    if (plain(name) && plain(kind))
        n = snprintf(buf, len,
                     "{\"switch\":\"%s\",\"dom0_port\":\"%s\","
                     "\"to_dom0\":{\"packets\":%" PRIu64 ",\"bytes\":%" PRIu64 ",\"drops\":%" PRIu64
                     ",\"held\":%" PRIu64 "},"
                     "\"from_dom0\":{\"packets\":%" PRIu64 ",\"bad\":%" PRIu64 "}}",
                     name, kind, s->to_dom0_packets, s->to_dom0_bytes, s->to_dom0_drops,
                     s->to_dom0_held, s->from_dom0_packets, s->from_dom0_bad);
    if (n < 0 || (size_t)n >= len) {
        if (len)
            buf[0] = '\0';
        return -1;
    }
    return n;
}

int nb_switch_stats_parse(const char *json, char name[NB_SWITCH_NAME_MAX],
                          char kind[NB_SWITCH_KIND_MAX], struct nb_switch_stats *s)
{
    const char *top = json ? strchr(json, '{') : NULL, *to, *from;
    char nm[NB_SWITCH_NAME_MAX], kd[NB_SWITCH_KIND_MAX];
    struct nb_switch_stats st;

    /* the whole object or nothing: a file cut short is not read as zeros */
    if (!top || !walk_object(top, NULL) || string_of(top, "switch", nm, sizeof(nm)) <= 0 ||
        string_of(top, "dom0_port", kd, sizeof(kd)) <= 0)
        return -1;
    to = object_of(top, "to_dom0");
    from = object_of(top, "from_dom0");
    if (!to || !from || number_of(to, "packets", &st.to_dom0_packets) ||
        number_of(to, "bytes", &st.to_dom0_bytes) || number_of(to, "drops", &st.to_dom0_drops) ||
        number_of(from, "packets", &st.from_dom0_packets) ||
        number_of(from, "bad", &st.from_dom0_bad))
        return -1;
    /* a backend from before the hold wrote no held */
    if (!value_of(to, "held"))
        st.to_dom0_held = 0;
    else if (number_of(to, "held", &st.to_dom0_held))
        return -1;
    memcpy(name, nm, sizeof(nm));
    memcpy(kind, kd, sizeof(kd));
    *s = st;
    return 0;
}

int nb_switch_stats_read(const char *path, char name[NB_SWITCH_NAME_MAX],
                         char kind[NB_SWITCH_KIND_MAX], struct nb_switch_stats *s)
{
    char text[NB_STATS_FILE_MAX];

    if (read_text(path, text, sizeof(text)) < 0)
        return -1;
    return nb_switch_stats_parse(text, name, kind, s);
}

int nb_stats_write(const char *path, const char *text)
{
    char tmp[200];
    FILE *f;
    int n = snprintf(tmp, sizeof(tmp), "%s.tmp", path);

    if (n < 0 || (size_t)n >= sizeof(tmp))
        return -1;
    /* each directory above the file (/run is a tmpfs: /run/tern is gone after a reboot) */
    for (char *p = strchr(tmp + 1, '/'); p; p = strchr(p + 1, '/')) {
        *p = '\0';
        mkdir(tmp, 0755);
        *p = '/';
    }
    f = fopen(tmp, "w");
    if (!f)
        return -1;
    fprintf(f, "%s\n", text);
    if (fclose(f) != 0) {
        unlink(tmp);
        return -1;
    }
    return rename(tmp, path); /* readers see a whole file, old or new */
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
