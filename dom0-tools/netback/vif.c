/* tern-netback: one vif's xenbus handshake with netfront (states 1..6), its features, its
 * rate, its switch port, and its counters' file (see nb.h and docs/netback.md). */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xen/io/xenbus.h>
#include "irqpin.h"
#include "nb.h"
#include "path.h"
#include "queues.h"

#define TOKEN_FRONTEND "tern-netback:frontend"

static void vlog(const struct nb_vif *v, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void vlog(const struct nb_vif *v, const char *fmt, ...)
{
    char msg[256];
    va_list al;

    va_start(al, fmt);
    vsnprintf(msg, sizeof(msg), fmt, al);
    va_end(al);
    nb_log("vif %u/%u: %s", v->domid, v->devid, msg);
}

static long read_num(struct nb_daemon *d, const char *dir, const char *key, long dflt)
{
    char *s = tern_xs_read(d->tc, XBT_NULL, "%s/%s", dir, key), *end;
    long n = dflt;

    if (s && *s) {
        n = strtol(s, &end, 10);
        if (*end)
            n = -1;
    }
    free(s);
    return n;
}

static void be_write(struct nb_daemon *d, const struct nb_vif *v, const char *key, const char *val)
{
    if (!tern_xs_write(d->tc, XBT_NULL, val, "%s/%s", v->be, key))
        vlog(v, "write %s/%s: %s", v->be, key, strerror(errno));
}

static void set_state(struct nb_daemon *d, struct nb_vif *v, int state)
{
    char s[8];

    snprintf(s, sizeof(s), "%d", state);
    be_write(d, v, "state", s);
    v->state = state;
}

static void set_bucket(struct nb_bucket *b, const struct nb_rate *r)
{
    if (b->rate.bytes_per_interval)
        nb_bucket_set(b, r, nb_now_us()); /* a live change */
    else
        nb_bucket_init(b, r, nb_now_us()); /* from unlimited: a full bucket */
}

/* The rate node, as libxl writes it: "BYTES,MICROSECONDS" (absent: unlimited). Applied to a
 * live bucket, so a changed rate takes effect without reconnecting. */
static void apply_rate(struct nb_daemon *d, struct nb_vif *v)
{
    char *s = tern_xs_read(d->tc, XBT_NULL, "%s/rate", v->be);
    struct nb_rate r = {0, NB_RATE_DEFAULT_INTERVAL_US};
    const char *text = s ? s : "";

    if (!strcmp(text, v->rate_text)) {
        free(s);
        return;
    }
    if (*text) {
        uint64_t bytes;
        uint32_t us;
        char end;

        if (sscanf(text, "%" SCNu64 ",%" SCNu32 "%c", &bytes, &us, &end) != 2 || !us) {
            vlog(v, "rate '%s' is not BYTES,MICROSECONDS: left unlimited", text);
            bytes = 0;
            us = NB_RATE_DEFAULT_INTERVAL_US;
        }
        r.bytes_per_interval = bytes;
        r.interval_us = us;
    }
    set_bucket(&v->bucket, &r);
    set_bucket(&v->rx_bucket, &r);
    snprintf(v->rate_text, sizeof(v->rate_text), "%s", text);
    if (*text)
        vlog(v, "rate %" PRIu64 " bytes per %" PRIu32 " us", r.bytes_per_interval, r.interval_us);
    free(s);
}

/* What netfront reads before it sets up its rings: up to NB_MAX_QUEUES queues (each a pair of
 * rings, so a guest with several vCPUs sends and receives on several at once), split event channels
 * (one for each ring, so a guest's TX completions do not wake its RX handler and back), copying
 * receive path, scatter-gather and TCPv4 GSO (64 KiB TCP frames, over up to 18 slots): with
 * them a guest's TCP moves 64 KiB per TX completion instead of one 1514-byte frame. */
static void publish(struct nb_daemon *d, struct nb_vif *v)
{
    static const char *const keys[][2] = {
        {"feature-rx-copy", "1"},
        {"feature-rx-flip", "0"},
        {"feature-sg", "1"},
        {"feature-gso-tcpv4", "1"},
        {"feature-gso-tcpv6", "1"},
        {"feature-ipv6-csum-offload", "1"},
        {"feature-split-event-channels", "1"},
        {"feature-multicast-control", "0"},
        {"multi-queue-max-queues", NB_MAX_QUEUES_TEXT},
        /* what libxl waits for after its hotplug script: no script is needed here */
        {"hotplug-status", "connected"},
    };

    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        be_write(d, v, keys[i][0], keys[i][1]);
}

static void disconnect(struct nb_daemon *d, struct nb_vif *v)
{
    if (v->connected) {
        nb_bridge_detach(v->br, v);
        nb_ring_unmap(d, v);
        vlog(v, "disconnected");
    }
}

/* One queue's nodes (in dir: the frontend's directory, or its queue-N with several queues):
 * its rings' grant references and its event channel(s), checked, then mapped and bound. */
/* The new ports' interrupts onto the backend's CPU (irqpin.c says why). */
static void pin_irqs(struct nb_daemon *d, struct nb_vif *v)
{
    char err[160];
    int moved;

    if (!d->irq_pin)
        return;
    moved = nb_irq_pin_evtchns(NB_BACKEND_CPU, err, sizeof(err));
    if (moved < 0)
        vlog(v, "event channels left where Linux put them: %s", err);
    else if (moved > 0)
        vlog(v, "%d event channel interrupt%s moved to CPU %d", moved, moved > 1 ? "s" : "",
             NB_BACKEND_CPU);
}

static int connect_queue(struct nb_daemon *d, struct nb_vif *v, unsigned i, bool adopt, bool *split)
{
    struct nb_queue *q = &v->q[i];
    char dir[160], err[160];
    long tx, rx;
    struct nb_qchannels ch;
    const char *why;

    nb_queue_dir(dir, sizeof(dir), v->fe, v->nq, i);
    tx = read_num(d, dir, "tx-ring-ref", -1);
    rx = read_num(d, dir, "rx-ring-ref", -1);
    if (tx < 0 || tx > (long)UINT32_MAX || rx < 0 || rx > (long)UINT32_MAX) {
        vlog(v, "%s: tx-ring-ref or rx-ring-ref missing or bad", dir);
        return -1;
    }
    if (nb_qchannels_parse(read_num(d, dir, "event-channel", -1),
                           read_num(d, dir, "event-channel-tx", -1),
                           read_num(d, dir, "event-channel-rx", -1), 1, &ch, &why) < 0) {
        vlog(v, "%s: %s", dir, why);
        return -1;
    }
    memset(q, 0, sizeof(*q));
    q->vif = v;
    q->id = i;
    q->remote_port = ch.tx;
    q->remote_rx_port = ch.rx;
    *split = ch.split;
    if (nb_ring_map(d, q, (grant_ref_t)tx, (grant_ref_t)rx, adopt, err, sizeof(err)) < 0) {
        vlog(v, "%s: %s", dir, err);
        return -1;
    }
    return 0;
}

static int connect_rings(struct nb_daemon *d, struct nb_vif *v, bool adopt)
{
    long copy = read_num(d, v->fe, "request-rx-copy", 0);
    const char *why_nq = NULL;
    int nq = nb_num_queues(read_num(d, v->fe, "multi-queue-num-queues", 1), NB_MAX_QUEUES, &why_nq);
    bool split = false;

    if (nq < 0) {
        vlog(v, "%s/multi-queue-num-queues: %s (%d)", v->fe, why_nq, NB_MAX_QUEUES);
        return -1;
    }
    if (copy != 1) {
        vlog(v, "frontend does not request-rx-copy (the only receive path we offer)");
        return -1;
    }
    /* what the frontend takes on RX: frames over several buffers, GSO frames (the netfront
     * of Linux 6.1 writes both; without them big frames are cut into segments for it) */
    v->rx_sg = read_num(d, v->fe, "feature-sg", 0) == 1;
    /* partial checksums (NETRXF_csum_blank): netif.h's defaults, IPv4 unless the frontend
     * says feature-no-csum-offload=1, IPv6 only if it says feature-ipv6-csum-offload=1 (Linux
     * 6.1's netfront takes both); GSO frames are partial, so TCPv4 ones need the first and
     * TCPv6 ones the second */
    v->rx_csum = read_num(d, v->fe, "feature-no-csum-offload", 0) != 1;
    v->rx_csum6 = read_num(d, v->fe, "feature-ipv6-csum-offload", 0) == 1;
    v->rx_gso = v->rx_sg && v->rx_csum && read_num(d, v->fe, "feature-gso-tcpv4", 0) == 1;
    v->rx_gso6 = v->rx_sg && v->rx_csum6 && read_num(d, v->fe, "feature-gso-tcpv6", 0) == 1;
    v->nq = (unsigned)nq;
    for (unsigned i = 0; i < v->nq; i++)
        if (connect_queue(d, v, i, adopt, &split) < 0) {
            nb_ring_unmap(d, v); /* the queues mapped so far */
            return -1;
        }
    v->broken = false;
    v->connected = true;
    v->port = nb_bridge_attach(v->br, v);
    if (v->port < 0) {
        vlog(v, "switch %s has no free port (%d)", v->br->name, NB_PORTS - 1);
        nb_ring_unmap(d, v);
        return -1;
    }
    vlog(v, "%s: port %d of switch %s, %u queue%s, %s event channels (RX:%s%s%s%s%s)",
         adopt ? "re-adopted" : "connected", v->port, v->br->name, v->nq, v->nq > 1 ? "s" : "",
         split ? "split" : "one pair of", v->rx_sg ? " sg" : "", v->rx_gso ? " gso-tcpv4" : "",
         v->rx_gso6 ? " gso-tcpv6" : "", v->rx_csum ? " csum" : " no-csum-offload",
         v->rx_csum6 ? " ipv6-csum" : "");
    pin_irqs(d, v);
    /* whatever the guest queued meanwhile, and its posted buffers */
    for (unsigned i = 0; i < v->nq; i++) {
        nb_ring_tx(d, &v->q[i]);
        xenevtchn_notify(d->xce, v->q[i].local_port);
        if (v->q[i].local_rx_port != v->q[i].local_port)
            xenevtchn_notify(d->xce, v->q[i].local_rx_port);
    }
    return 0;
}

static struct nb_vif *find(struct nb_daemon *d, uint32_t domid, uint32_t devid)
{
    for (struct nb_vif *v = d->vifs; v; v = v->next)
        if (v->domid == domid && v->devid == devid)
            return v;
    return NULL;
}

struct nb_queue *nb_queue_by_port(struct nb_daemon *d, evtchn_port_t local_port)
{
    for (struct nb_vif *v = d->vifs; v; v = v->next)
        for (unsigned i = 0; v->connected && i < v->nq; i++)
            if (v->q[i].local_port == local_port || v->q[i].local_rx_port == local_port)
                return &v->q[i];
    return NULL;
}

static void stats_path(const struct nb_vif *v, char *out, size_t len)
{
    snprintf(out, len, NB_STATS_DIR "/%u.%u.json", v->domid, v->devid);
}

static void drop(struct nb_daemon *d, struct nb_vif *v)
{
    struct nb_vif **pp;
    char path[160];

    disconnect(d, v);
    if (v->fe_token[0]) {
        snprintf(path, sizeof(path), "%s/state", v->fe);
        xs_unwatch(d->tc->xsh, path, v->fe_token);
    }
    stats_path(v, path, sizeof(path));
    unlink(path);
    for (pp = &d->vifs; *pp != v; pp = &(*pp)->next)
        ;
    *pp = v->next;
    vlog(v, "removed");
    free(v);
}

/* Starts tracking a vif whose backend directory is complete (frontend, mac). */
static struct nb_vif *track(struct nb_daemon *d, uint32_t domid, uint32_t devid)
{
    struct nb_vif *v = calloc(1, sizeof(*v));
    char *fe = NULL, *mac = NULL, *bridge = NULL, path[160];

    if (!v)
        return NULL;
    v->domid = domid;
    v->devid = devid;
    v->port = -1;
    snprintf(v->be, sizeof(v->be), "%s/%u/%u", NB_BACKEND_ROOT, domid, devid);
    fe = tern_xs_read(d->tc, XBT_NULL, "%s/frontend", v->be);
    mac = tern_xs_read(d->tc, XBT_NULL, "%s/mac", v->be);
    bridge = tern_xs_read(d->tc, XBT_NULL, "%s/bridge", v->be);
    if (!fe || !*fe || !mac)
        goto not_yet; /* not (fully) written yet: the next event brings it */
    if (nb_mac_parse(mac, v->mac) < 0) {
        vlog(v, "mac '%s' is not aa:bb:cc:dd:ee:ff: vif not served", mac);
        goto not_yet;
    }
    v->br = nb_bridge_get(d, bridge && *bridge ? bridge : NB_DEFAULT_BRIDGE);
    if (!v->br)
        goto not_yet;
    snprintf(v->fe, sizeof(v->fe), "%s", fe);
    v->fe_domid = (uint32_t)read_num(d, v->be, "frontend-id", domid);
    v->state = (int)read_num(d, v->be, "state", XenbusStateUnknown);
    snprintf(v->fe_token, sizeof(v->fe_token), TOKEN_FRONTEND ":%u/%u", domid, devid);
    snprintf(path, sizeof(path), "%s/state", v->fe);
    if (!xs_watch(d->tc->xsh, path, v->fe_token)) {
        vlog(v, "watch %s: %s", path, strerror(errno));
        v->fe_token[0] = '\0';
    }
    nb_bucket_init(&v->bucket, &(struct nb_rate){0, NB_RATE_DEFAULT_INTERVAL_US}, nb_now_us());
    v->rx_bucket = v->bucket;
    v->st_dirty = true;
    v->next = d->vifs;
    d->vifs = v;
    free(fe);
    free(mac);
    free(bridge);
    return v;
not_yet:
    free(fe);
    free(mac);
    free(bridge);
    free(v);
    return NULL;
}

static void to_initwait(struct nb_daemon *d, struct nb_vif *v)
{
    publish(d, v);
    set_state(d, v, XenbusStateInitWait);
}

static void to_connected(struct nb_daemon *d, struct nb_vif *v, bool adopt)
{
    if (connect_rings(d, v, adopt) < 0) {
        if (!adopt)
            set_state(d, v, XenbusStateClosing);
        return;
    }
    if (!adopt)
        set_state(d, v, XenbusStateConnected);
}

void nb_vif_update(struct nb_daemon *d, uint32_t domid, uint32_t devid)
{
    struct nb_vif *v = find(d, domid, devid);
    char be[96];
    long online, fe_state;

    snprintf(be, sizeof(be), "%s/%u/%u", NB_BACKEND_ROOT, domid, devid);
    if (read_num(d, be, "state", -2) == -2) { /* the toolstack removed the device */
        if (v)
            drop(d, v);
        return;
    }
    if (!v)
        v = track(d, domid, devid);
    if (!v)
        return;
    apply_rate(d, v);
    online = read_num(d, be, "online", 1);
    fe_state = read_num(d, v->fe, "state", XenbusStateClosed);
    if (!online) {
        if (v->state != XenbusStateClosed) {
            disconnect(d, v);
            set_state(d, v, XenbusStateClosed);
            vlog(v, "closed (offline)");
        }
        return;
    }
    switch (fe_state) {
    case XenbusStateInitialising:
    case XenbusStateInitWait:
        /* a new device, or the frontend starts over (the guest rebooted or reloaded) */
        if (v->state != XenbusStateInitWait) {
            disconnect(d, v);
            to_initwait(d, v);
        }
        break;
    case XenbusStateInitialised:
    case XenbusStateConnected:
        if (v->connected)
            break;
        if (v->state == XenbusStateInitWait)
            to_connected(d, v, false);
        else if (v->state == XenbusStateConnected)
            to_connected(d, v, true); /* a previous backend connected it */
        else if (v->state == XenbusStateInitialising || v->state == XenbusStateUnknown)
            to_initwait(d, v);
        break;
    case XenbusStateClosing:
        if (v->state != XenbusStateClosing && v->state != XenbusStateClosed) {
            disconnect(d, v);
            set_state(d, v, XenbusStateClosing);
        }
        break;
    default: /* Closed, Unknown, or no frontend any more */
        if (v->state != XenbusStateClosed) {
            disconnect(d, v);
            set_state(d, v, XenbusStateClosed);
        }
        break;
    }
}

void nb_vif_close_broken(struct nb_daemon *d, struct nb_vif *v)
{
    if (!v->broken || !v->connected)
        return;
    disconnect(d, v);
    set_state(d, v, XenbusStateClosing);
    vlog(v, "broke its ring: Closing until the frontend starts over");
}

void nb_vif_scan(struct nb_daemon *d)
{
    unsigned nd = 0, nn;
    char **doms = xs_directory(d->tc->xsh, XBT_NULL, NB_BACKEND_ROOT, &nd);

    for (struct nb_vif *v = d->vifs, *next; v; v = next) {
        next = v->next;
        nb_vif_update(d, v->domid, v->devid); /* drops it if gone */
    }
    for (unsigned i = 0; doms && i < nd; i++) {
        char path[128];
        char **devs;

        snprintf(path, sizeof(path), "%s/%s", NB_BACKEND_ROOT, doms[i]);
        nn = 0;
        devs = xs_directory(d->tc->xsh, XBT_NULL, path, &nn);
        for (unsigned j = 0; devs && j < nn; j++)
            nb_vif_update(d, (uint32_t)strtoul(doms[i], NULL, 10),
                          (uint32_t)strtoul(devs[j], NULL, 10));
        free(devs);
    }
    free(doms);
}

void nb_vif_write_stats(struct nb_daemon *d)
{
    char json[NB_STATS_FILE_MAX], path[160]; /* nb_stats_read takes no more */

    for (struct nb_vif *v = d->vifs; v; v = v->next) {
        uint64_t qtx[NB_MAX_QUEUES], qrx[NB_MAX_QUEUES];

        if (!v->st_dirty)
            continue;
        v->st_dirty = false;
        for (unsigned i = 0; i < v->nq; i++) {
            qtx[i] = v->q[i].tx_packets;
            qrx[i] = v->q[i].rx_packets;
        }
        if (nb_stats_json(json, sizeof(json), v->domid, v->devid, v->mac, &v->st) < 0 ||
            nb_stats_json_queues(json, sizeof(json), qtx, qrx, v->nq) < 0)
            continue;
        stats_path(v, path, sizeof(path));
        nb_stats_write(path, json);
    }
}
