/* Disk and vif specs (xl-disk-configuration(5), xl-network-configuration(5)): each key is a
 * row of a table with its handler; errors name the field. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "devspec.h"

static int copy_field(char *dst, size_t size, const char *val, const char *what, char *err,
                      size_t errlen)
{
    if (strlen(val) >= size) {
        snprintf(err, errlen, "%s '%s' too long (max %zu characters)", what, val, size - 1);
        return -1;
    }
    strcpy(dst, val);
    return 0;
}

static char *trim(char *s)
{
    char *e;

    while (isspace((unsigned char)*s))
        s++;
    e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

/* ---------------------------------------------------------------- vdev numbers */

/* Parses [a-z]+ as a bijective base-26 disk index (a = 0, z = 25, aa = 26) then an optional
 * partition number without leading zeros; -1 if malformed or beyond the limits. */
static int letters_and_partition(const char *p, long max_disk, long max_part, long *disk,
                                 long *part)
{
    long d = 0;

    if (!islower((unsigned char)*p))
        return -1;
    for (; islower((unsigned char)*p); p++) {
        if (d > (max_disk + 1) / 26 + 1)
            return -1;
        d = d * 26 + (*p - 'a' + 1);
    }
    d--;
    *part = 0;
    if (*p) {
        char *end;

        if (!isdigit((unsigned char)*p) || *p == '0')
            return -1;
        errno = 0;
        *part = strtol(p, &end, 10);
        if (errno || *end)
            return -1;
    }
    if (d > max_disk || *part > max_part)
        return -1;
    *disk = d;
    return 0;
}

static int xvd_number(long disk, long part)
{
    if (disk <= 15 && part <= 15)
        return (202 << 8) | (int)(disk << 4) | (int)part;
    return (1 << 28) | (int)(disk << 8) | (int)part;
}

int tern_vdev_devid(const char *v)
{
    long disk, part;
    char *end;

    if (isdigit((unsigned char)*v)) {
        unsigned long n;

        errno = 0;
        n = strtoul(v, &end, 10);
        return errno || *end || n > INT_MAX ? -1 : (int)n;
    }
    if (v[0] == 'd' && isdigit((unsigned char)v[1])) { /* dNpM */
        errno = 0;
        disk = strtol(v + 1, &end, 10);
        part = 0;
        if (*end == 'p' && isdigit((unsigned char)end[1]))
            part = strtol(end + 1, &end, 10);
        if (errno || *end || disk >= (1 << 20) || part > 255)
            return -1;
        return xvd_number(disk, part);
    }
    if (!strncmp(v, "xvd", 3)) {
        if (letters_and_partition(v + 3, (1 << 20) - 1, 255, &disk, &part) < 0)
            return -1;
        return xvd_number(disk, part);
    }
    if (!strncmp(v, "hd", 2)) {
        if (letters_and_partition(v + 2, 3, 63, &disk, &part) < 0)
            return -1;
        return ((disk < 2 ? 3 : 22) << 8) | (int)((disk & 1) << 6) | (int)part;
    }
    if (!strncmp(v, "sd", 2)) {
        if (letters_and_partition(v + 2, 15, 15, &disk, &part) < 0)
            return -1;
        return (8 << 8) | (int)(disk << 4) | (int)part;
    }
    return -1;
}

/* ---------------------------------------------------------------- disks */

struct disk_state {
    struct tern_disk *d;
    int target_set, format_set, vdev_set, access_set;
    char *err;
    size_t errlen;
};

static int set_format(struct disk_state *s, const char *v)
{
    static const char *const known[] = {"qcow", "qcow2", "vhd", "qed"};

    s->format_set = 1;
    if (!*v || !strcmp(v, "raw"))
        return 0;
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        if (!strcmp(v, known[i])) {
            snprintf(s->err, s->errlen, "format '%s' is not supported (only raw images)", v);
            return -1;
        }
    }
    snprintf(s->err, s->errlen, "unknown format '%s' (raw, qcow, qcow2, vhd, qed)", v);
    return -1;
}

static int set_vdev(struct disk_state *s, const char *v)
{
    char buf[32];
    char *colon;

    s->vdev_set = 1;
    if (copy_field(buf, sizeof(buf), v, "vdev", s->err, s->errlen) < 0)
        return -1;
    colon = strchr(buf, ':'); /* deprecated hdc:cdrom */
    if (colon) {
        if (strcmp(colon, ":cdrom") && strcmp(colon, ":disk")) {
            snprintf(s->err, s->errlen, "vdev '%s': unknown suffix '%s'", v, colon);
            return -1;
        }
        s->d->cdrom = !strcmp(colon, ":cdrom");
        *colon = '\0';
    }
    if (!*buf)
        return 0;
    if (copy_field(s->d->vdev, sizeof(s->d->vdev), buf, "vdev", s->err, s->errlen) < 0)
        return -1;
    s->d->devid = tern_vdev_devid(buf);
    if (s->d->devid < 0) {
        snprintf(s->err, s->errlen,
                 "vdev '%s' is not a virtual device name (xvdX[N], hdX[N], sdX[N], dNpM or "
                 "a number)",
                 buf);
        return -1;
    }
    return 0;
}

static int set_access(struct disk_state *s, const char *v)
{
    s->access_set = 1;
    if (!*v || !strcmp(v, "w") || !strcmp(v, "rw"))
        s->d->readonly = 0;
    else if (!strcmp(v, "r") || !strcmp(v, "ro"))
        s->d->readonly = 1;
    else {
        snprintf(s->err, s->errlen, "access '%s' is not r, ro, w or rw", v);
        return -1;
    }
    return 0;
}

/* Deprecated target prefixes: they also give the format (so the next positional
 * parameter is the vdev). */
static const struct {
    const char *prefix, *format;
} target_prefixes[] = {
    {"tap2:aio:", "raw"}, {"tap:aio:", "raw"}, {"tap:qcow2:", "qcow2"}, {"tap:vhd:", "vhd"},
    {"phy:", "raw"},      {"file:", "raw"},    {"aio:", "raw"},         {"raw:", "raw"},
    {"qcow:", "qcow"},    {"qcow2:", "qcow2"}, {"vhd:", "vhd"},
};

static int set_target(struct disk_state *s, const char *v)
{
    s->target_set = 1;
    for (size_t i = 0; i < sizeof(target_prefixes) / sizeof(target_prefixes[0]); i++) {
        size_t n = strlen(target_prefixes[i].prefix);

        if (!strncmp(v, target_prefixes[i].prefix, n)) {
            if (set_format(s, target_prefixes[i].format) < 0)
                return -1;
            v += n;
            break;
        }
    }
    return copy_field(s->d->target, sizeof(s->d->target), v, "target", s->err, s->errlen);
}

static int one_of(struct disk_state *s, const char *key, const char *v, const char *const *ok,
                  char *dst, size_t size)
{
    char list[128] = "";

    for (const char *const *o = ok; *o; o++) {
        if (!strcmp(v, *o))
            return copy_field(dst, size, v, key, s->err, s->errlen);
        snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", o == ok ? "" : ", ", *o);
    }
    snprintf(s->err, s->errlen, "%s '%s' is not one of %s", key, v, list);
    return -1;
}

static int key_format(struct disk_state *s, const char *v)
{
    return set_format(s, v);
}

static int key_devtype(struct disk_state *s, const char *v)
{
    static const char *const ok[] = {"disk", "cdrom", NULL};
    char buf[8];

    if (one_of(s, "devtype", v, ok, buf, sizeof(buf)) < 0)
        return -1;
    s->d->cdrom = !strcmp(v, "cdrom");
    return 0;
}

static int key_backendtype(struct disk_state *s, const char *v)
{
    static const char *const ok[] = {"phy", "tap", "qdisk", "standalone", NULL};

    return one_of(s, "backendtype", v, ok, s->d->backendtype, sizeof(s->d->backendtype));
}

static int key_backend(struct disk_state *s, const char *v)
{
    if (strcmp(v, "0") && strcmp(v, "Domain-0")) {
        snprintf(s->err, s->errlen, "backend '%s': only dom0 serves disks", v);
        return -1;
    }
    return 0;
}

static int key_script(struct disk_state *s, const char *v)
{
    return copy_field(s->d->script, sizeof(s->d->script), v, "script", s->err, s->errlen);
}

static int key_cache(struct disk_state *s, const char *v)
{
    if (!strcmp(v, "writeback"))
        s->d->cache = TERN_CACHE_WRITEBACK;
    else if (!strcmp(v, "none"))
        s->d->cache = TERN_CACHE_NONE;
    else {
        snprintf(s->err, s->errlen, "cache '%s' is not writeback or none", v);
        return -1;
    }
    return 0;
}

static int key_specification(struct disk_state *s, const char *v)
{
    if (strcmp(v, "xen")) {
        snprintf(s->err, s->errlen, "specification '%s': only xen (PV) disks are served", v);
        return -1;
    }
    return 0;
}

static const struct disk_key {
    const char *key;
    int (*set)(struct disk_state *s, const char *v);
} disk_keys[] = {
    {"format", key_format},
    {"vdev", set_vdev},
    {"access", set_access},
    {"devtype", key_devtype},
    {"backendtype", key_backendtype},
    {"backend", key_backend},
    {"script", key_script},
    {"cache", key_cache},
    {"specification", key_specification},
};

/* Flags (a bare word that is a flag is never positional, as in xl). */
static int disk_flag(struct disk_state *s, const char *tok)
{
    if (!strcmp(tok, "cdrom"))
        s->d->cdrom = 1;
    else if (!strcmp(tok, "discard"))
        s->d->discard = 1;
    else if (!strcmp(tok, "no-discard"))
        s->d->discard = 0;
    else if (!strcmp(tok, "direct-io-safe"))
        s->d->direct_io_safe = 1;
    else
        return 0;
    return 1;
}

static int disk_positional(struct disk_state *s, const char *tok)
{
    if (!s->target_set)
        return set_target(s, tok);
    if (!s->format_set)
        return set_format(s, tok);
    if (!s->vdev_set)
        return set_vdev(s, tok);
    if (!s->access_set)
        return set_access(s, tok);
    snprintf(s->err, s->errlen,
             "too many positional parameters at '%s' (target, format, vdev, access)", tok);
    return -1;
}

static int disk_token(struct disk_state *s, char *tok)
{
    char *eq = strchr(tok, '=');

    if (!eq)
        return disk_flag(s, tok) ? 0 : disk_positional(s, tok);
    *eq++ = '\0';
    for (size_t i = 0; i < sizeof(disk_keys) / sizeof(disk_keys[0]); i++)
        if (!strcmp(tok, disk_keys[i].key))
            return disk_keys[i].set(s, trim(eq));
    snprintf(s->err, s->errlen, "unknown disk parameter '%s'", tok);
    return -1;
}

int tern_disk_parse(const char *spec, struct tern_disk *disk, char *err, size_t errlen)
{
    struct disk_state s = {.d = disk, .err = err, .errlen = errlen};
    char buf[512], *p;

    memset(disk, 0, sizeof(*disk));
    strcpy(disk->format, "raw");
    disk->discard = -1;
    disk->devid = -1;
    disk->cache = TERN_CACHE_WRITEBACK;
    if (copy_field(buf, sizeof(buf), spec, "disk spec", err, errlen) < 0)
        return -1;
    for (p = buf; p;) {
        char *comma, *tok;

        while (isspace((unsigned char)*p))
            p++;
        if (!strncmp(p, "target=", 7)) { /* the rest of the spec, commas and all */
            if (set_target(&s, trim(p + 7)) < 0)
                return -1;
            break;
        }
        comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        tok = trim(p);
        p = comma ? comma + 1 : NULL;
        if (!*tok && !p && (s.target_set || s.format_set))
            break; /* a trailing comma */
        if (disk_token(&s, tok) < 0)
            return -1;
    }
    if (!disk->target[0]) {
        snprintf(err, errlen, "disk spec '%s': no target", spec);
        return -1;
    }
    if (!disk->vdev[0]) {
        snprintf(err, errlen, "disk spec '%s': no vdev", spec);
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- vifs */

int tern_mac_check(const char *m, char *err, size_t errlen)
{
    unsigned int b[6];

    for (int i = 0; i < 17; i++) {
        if (i % 3 == 2 ? m[i] != ':' : !isxdigit((unsigned char)m[i])) {
            snprintf(err, errlen, "mac '%s' is not xx:xx:xx:xx:xx:xx", m);
            return -1;
        }
    }
    if (m[17]) {
        snprintf(err, errlen, "mac '%s' is not xx:xx:xx:xx:xx:xx", m);
        return -1;
    }
    sscanf(m, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]);
    if (b[0] & 1) {
        snprintf(err, errlen, "mac '%s' is a multicast address", m);
        return -1;
    }
    if (!(b[0] | b[1] | b[2] | b[3] | b[4] | b[5])) {
        snprintf(err, errlen, "mac '%s' is all zeros", m);
        return -1;
    }
    return 0;
}

void tern_mac_generate(const char *seed, unsigned int devid, char out[18])
{
    uint32_t h = 2166136261u; /* FNV-1a */

    for (const char *c = seed; *c; c++)
        h = (h ^ (uint8_t)*c) * 16777619u;
    for (int i = 0; i < 4; i++)
        h = (h ^ ((devid >> (8 * i)) & 0xff)) * 16777619u;
    snprintf(out, 18, "00:16:3e:%02x:%02x:%02x", (h >> 16) & 0x7f, (h >> 8) & 0xff, h & 0xff);
}

static uint64_t decimal(const char **p, int *ok)
{
    char *end;
    unsigned long long v;

    if (!isdigit((unsigned char)**p)) {
        *ok = 0;
        return 0;
    }
    errno = 0;
    v = strtoull(*p, &end, 10);
    if (errno || v == 0 || v > UINT32_MAX)
        *ok = 0;
    *p = end;
    return v;
}

int tern_rate_parse(const char *spec, uint64_t *bytes_per_interval, uint32_t *interval_us,
                    char *err, size_t errlen)
{
    const char *p = spec;
    uint64_t rate, interval = 50000; /* xl's default interval: 50 ms */
    int ok = 1;

    rate = decimal(&p, &ok);
    if (ok && *p && strchr("GMK", *p))
        rate *= *p++ == 'G' ? 1000000000ULL : p[-1] == 'M' ? 1000000 : 1000;
    if (ok && (*p == 'B' || *p == 'b'))
        rate /= *p++ == 'b' ? 8 : 1;
    else
        ok = 0;
    if (!ok || strncmp(p, "/s", 2) || (p[2] && p[2] != '@')) {
        snprintf(err, errlen, "rate '%s' is not RATE/s[@INTERVAL] (e.g. 10Mb/s@20ms)", spec);
        return -1;
    }
    if (p[2] == '@') {
        p += 3;
        interval = decimal(&p, &ok);
        if (ok && !strcmp(p, "s"))
            interval *= 1000000;
        else if (ok && !strcmp(p, "ms"))
            interval *= 1000;
        else if (!ok || strcmp(p, "us")) {
            snprintf(err, errlen, "rate '%s': interval is not N followed by s, ms or us", spec);
            return -1;
        }
        if (interval > UINT32_MAX) {
            snprintf(err, errlen, "rate '%s': interval too large", spec);
            return -1;
        }
    }
    if (rate == 0) {
        snprintf(err, errlen, "rate '%s' is zero", spec);
        return -1;
    }
    *bytes_per_interval = rate * interval / 1000000;
    *interval_us = (uint32_t)interval;
    return 0;
}

struct vif_state {
    struct tern_vif *v;
    char *err;
    size_t errlen;
};

static int vif_mac(struct vif_state *s, const char *v)
{
    if (tern_mac_check(v, s->err, s->errlen) < 0)
        return -1;
    strcpy(s->v->mac, v);
    return 0;
}

static int vif_bridge(struct vif_state *s, const char *v)
{
    if (!*v) {
        snprintf(s->err, s->errlen, "bridge must not be empty");
        return -1;
    }
    return copy_field(s->v->bridge, sizeof(s->v->bridge), v, "bridge", s->err, s->errlen);
}

static int vif_ip(struct vif_state *s, const char *v)
{
    return copy_field(s->v->ip, sizeof(s->v->ip), v, "ip", s->err, s->errlen);
}

static int vif_script(struct vif_state *s, const char *v)
{
    return copy_field(s->v->script, sizeof(s->v->script), v, "script", s->err, s->errlen);
}

static int vif_vifname(struct vif_state *s, const char *v)
{
    return copy_field(s->v->vifname, sizeof(s->v->vifname), v, "vifname", s->err, s->errlen);
}

static int vif_model(struct vif_state *s, const char *v)
{
    return copy_field(s->v->model, sizeof(s->v->model), v, "model", s->err, s->errlen);
}

static int vif_type(struct vif_state *s, const char *v)
{
    if (strcmp(v, "vif") && strcmp(v, "ioemu")) {
        snprintf(s->err, s->errlen, "type '%s' is not vif or ioemu", v);
        return -1;
    }
    strcpy(s->v->type, v);
    return 0;
}

static int vif_rate(struct vif_state *s, const char *v)
{
    return tern_rate_parse(v, &s->v->rate_bytes_per_interval, &s->v->rate_interval_us, s->err,
                           s->errlen);
}

static int vif_mtu(struct vif_state *s, const char *v)
{
    char *end;
    unsigned long n;

    errno = 0;
    n = strtoul(v, &end, 10);
    if (errno || *end || !isdigit((unsigned char)*v) || n < 68 || n > 65535) {
        snprintf(s->err, s->errlen, "mtu '%s' is not a number in [68, 65535]", v);
        return -1;
    }
    s->v->mtu = (unsigned)n;
    return 0;
}

static int vif_backend(struct vif_state *s, const char *v)
{
    if (strcmp(v, "0") && strcmp(v, "Domain-0")) {
        snprintf(s->err, s->errlen, "backend '%s': only dom0 serves vifs", v);
        return -1;
    }
    return 0;
}

static const struct vif_key {
    const char *key;
    int (*set)(struct vif_state *s, const char *v);
} vif_keys[] = {
    {"mac", vif_mac},         {"bridge", vif_bridge},   {"ip", vif_ip},     {"script", vif_script},
    {"vifname", vif_vifname}, {"model", vif_model},     {"type", vif_type}, {"rate", vif_rate},
    {"mtu", vif_mtu},         {"backend", vif_backend},
};

int tern_vif_parse(const char *spec, struct tern_vif *vif, char *err, size_t errlen)
{
    struct vif_state s = {.v = vif, .err = err, .errlen = errlen};
    char buf[512], *save = NULL, *tok;

    memset(vif, 0, sizeof(*vif));
    vif->devid = -1;
    strcpy(vif->bridge, "xenbr0"); /* libxl's default */
    strcpy(vif->type, "vif");
    if (copy_field(buf, sizeof(buf), spec, "vif spec", err, errlen) < 0)
        return -1;
    for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        const struct vif_key *k = NULL;
        char *eq;

        tok = trim(tok);
        if (!*tok)
            continue;
        eq = strchr(tok, '=');
        if (!eq) {
            snprintf(err, errlen, "vif parameter '%s' is not key=value", tok);
            return -1;
        }
        *eq++ = '\0';
        for (size_t i = 0; i < sizeof(vif_keys) / sizeof(vif_keys[0]); i++)
            if (!strcmp(trim(tok), vif_keys[i].key))
                k = &vif_keys[i];
        if (!k) {
            snprintf(err, errlen, "unknown vif parameter '%s'", tok);
            return -1;
        }
        if (k->set(&s, trim(eq)) < 0)
            return -1;
    }
    return 0;
}

int tern_parse_bytes(const char *s, uint64_t *bytes)
{
    char *end;
    unsigned long long v;
    unsigned shift = 0;

    if (!isdigit((unsigned char)*s))
        return -1;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno)
        return -1;
    switch (toupper((unsigned char)*end)) {
    case '\0':
        break;
    case 'K':
        shift = 10;
        break;
    case 'M':
        shift = 20;
        break;
    case 'G':
        shift = 30;
        break;
    case 'T':
        shift = 40;
        break;
    default:
        return -1;
    }
    if (*end && end[1] && strcmp(end + 1, "B") && strcmp(end + 1, "iB"))
        return -1;
    if (v > (UINT64_MAX >> shift))
        return -1;
    *bytes = (uint64_t)v << shift;
    return 0;
}
