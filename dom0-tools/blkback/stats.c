/* tern-blkback per-device counters as JSON files (see stats.h). */
#include "stats.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The counters in file order: key and place in the struct. */
static const struct {
    const char *key;
    size_t off;
} fields[] = {
    {"rd_req", offsetof(struct blk_vbd_stats, rd_req)},
    {"wr_req", offsetof(struct blk_vbd_stats, wr_req)},
    {"f_req", offsetof(struct blk_vbd_stats, f_req)},
    {"ds_req", offsetof(struct blk_vbd_stats, ds_req)},
    {"rd_sect", offsetof(struct blk_vbd_stats, rd_sect)},
    {"wr_sect", offsetof(struct blk_vbd_stats, wr_sect)},
    {"errors", offsetof(struct blk_vbd_stats, errors)},
    {"oo_req", offsetof(struct blk_vbd_stats, oo_req)},
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

static uint64_t *field(struct blk_vbd_stats *s, size_t i)
{
    return (uint64_t *)((char *)s + fields[i].off);
}

int blk_stats_json(char *buf, size_t len, unsigned domid, unsigned devid,
                   const struct blk_vbd_stats *s)
{
    struct blk_vbd_stats c = *s;
    size_t used;
    int n = snprintf(buf, len, "{\"domid\":%u,\"devid\":%u", domid, devid);

    for (size_t i = 0; n >= 0 && i < NFIELDS; i++) {
        used = (size_t)n;
        if (used >= len)
            break;
        int m = snprintf(buf + used, len - used, ",\"%s\":%" PRIu64, fields[i].key, *field(&c, i));

        n = m < 0 ? -1 : n + m;
    }
    if (n >= 0 && (size_t)n < len) {
        int m = snprintf(buf + n, len - (size_t)n, "}");

        n = m < 0 ? -1 : n + m;
    }
    if (n < 0 || (size_t)n >= len) {
        if (len)
            buf[0] = '\0';
        return -1;
    }
    return n;
}

/* The unsigned number after "key": in the flat object json (the first '{'). */
static int number_of(const char *json, const char *key, uint64_t *out)
{
    size_t klen = strlen(key);
    const char *p = json;
    char *end;

    while ((p = strchr(p, '"'))) {
        if (!strncmp(p + 1, key, klen) && p[1 + klen] == '"') {
            p += klen + 2;
            while (isspace((unsigned char)*p))
                p++;
            if (*p++ != ':')
                return -1;
            while (isspace((unsigned char)*p))
                p++;
            if (!isdigit((unsigned char)*p))
                return -1;
            errno = 0;
            *out = strtoull(p, &end, 10);
            return errno ? -1 : 0;
        }
        p++;
    }
    return -1;
}

int blk_stats_parse(const char *json, unsigned *domid, unsigned *devid, struct blk_vbd_stats *s)
{
    const char *top = json ? strchr(json, '{') : NULL;
    struct blk_vbd_stats st;
    uint64_t dom, dev;

    if (!top || !strchr(top, '}') || number_of(top, "domid", &dom) ||
        number_of(top, "devid", &dev) || dom > UINT32_MAX || dev > UINT32_MAX)
        return -1;
    for (size_t i = 0; i < NFIELDS; i++)
        if (number_of(top, fields[i].key, field(&st, i)))
            return -1;
    *domid = (unsigned)dom;
    *devid = (unsigned)dev;
    *s = st;
    return 0;
}

void blk_stats_path(char *out, size_t len, const char *dir, unsigned domid, unsigned devid)
{
    snprintf(out, len, "%s/%u-%u.json", dir, domid, devid);
}

int blk_stats_read(const char *dir, unsigned domid, unsigned devid, struct blk_vbd_stats *s)
{
    char path[256], text[1024];
    unsigned fdom, fdev;
    struct blk_vbd_stats st;
    size_t n;
    FILE *f;

    blk_stats_path(path, sizeof(path), dir, domid, devid);
    f = fopen(path, "r");
    if (!f)
        return -1;
    n = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    text[n] = '\0';
    if (blk_stats_parse(text, &fdom, &fdev, &st) < 0 || fdom != domid || fdev != devid)
        return -1;
    *s = st;
    return 0;
}

/* mkdir -p of dir (absolute or relative), mode 0755. */
static void make_dirs(const char *dir)
{
    char p[256];

    snprintf(p, sizeof(p), "%s", dir);
    for (char *c = p + 1; *c; c++)
        if (*c == '/') {
            *c = '\0';
            mkdir(p, 0755);
            *c = '/';
        }
    mkdir(p, 0755);
}

int blk_stats_write(const char *dir, unsigned domid, unsigned devid, const struct blk_vbd_stats *s)
{
    char json[1024], path[256], tmp[272];
    FILE *f;
    int bad;

    if (blk_stats_json(json, sizeof(json), domid, devid, s) < 0) {
        errno = ENOSPC;
        return -1;
    }
    blk_stats_path(path, sizeof(path), dir, domid, devid);
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    f = fopen(tmp, "w");
    if (!f && errno == ENOENT) {
        make_dirs(dir);
        f = fopen(tmp, "w");
    }
    if (!f)
        return -1;
    bad = fprintf(f, "%s\n", json) < 0;
    if (fclose(f) != 0 || bad || rename(tmp, path) < 0) {
        int e = errno;

        unlink(tmp);
        errno = e ? e : EIO;
        return -1;
    }
    return 0;
}

void blk_stats_add(struct blk_vbd_stats *sum, const struct blk_vbd_stats *s)
{
    struct blk_vbd_stats c = *s;

    for (size_t i = 0; i < NFIELDS; i++)
        *field(sum, i) += *field(&c, i);
}

void blk_stats_changed(struct blk_stats_pace *p)
{
    p->pending = true;
}

long blk_stats_due_in(const struct blk_stats_pace *p, uint64_t now_ms)
{
    if (!p->pending)
        return -1;
    if (!p->ever || now_ms < p->last_ms || now_ms - p->last_ms >= BLK_STATS_PERIOD_MS)
        return 0;
    return (long)(BLK_STATS_PERIOD_MS - (now_ms - p->last_ms));
}

void blk_stats_written(struct blk_stats_pace *p, uint64_t now_ms)
{
    p->pending = false;
    p->ever = true;
    p->last_ms = now_ms;
}
