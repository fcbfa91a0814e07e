/* tern-netback: the switches (one per bridge= name) and their TAP port in dom0 (see nb.h).
 * A TCPv4 GSO frame goes whole to a port that takes it (the TAP with offloads, a guest with
 * feature-gso-tcpv4 and feature-sg) and is cut into segments (gso.c) for any other; a partial
 * checksum goes as it is to a port that takes it, and is completed (csum.c) for any other. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <linux/virtio_net.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>
#include "csum.h"
#include "dom0port.h"
#include "gso.h"
#include "nb.h"
#include "tap.h"

#define TAP_READ_BURST 64

struct nb_bridge *nb_bridge_get(struct nb_daemon *d, const char *name)
{
    struct nb_bridge *br;
    char err[160];

    for (br = d->bridges; br; br = br->next)
        if (!strcmp(br->name, name))
            return br;
    if (strlen(name) >= IFNAMSIZ) {
        nb_log("bridge name '%s' is longer than %d characters", name, IFNAMSIZ - 1);
        return NULL;
    }
    br = calloc(1, sizeof(*br));
    if (!br)
        return NULL;
    snprintf(br->name, sizeof(br->name), "%s", name);
    nb_switch_init(&br->sw);
    br->tap_fd = -1;
    br->st_dirty = true; /* its file says 0, not what a previous daemon counted */
    br->dport = d->dport ? d->dport : &nb_dom0port_tap;
    if (br->dport->open(br, err, sizeof(err)) < 0)
        nb_log("%s (the switch works without dom0's port)", err);
    else
        nb_log("switch %s: dom0's port is the %s interface %s%s", name, br->dport->kind, name,
               br->tap_gso ? " (checksum and TCP segmentation offloads)" : "");
    if (br->tap_fd >= 0 && d->rps_mask && nb_tap_steer(name, d->rps_mask, err, sizeof(err)) < 0)
        nb_log("switch %s: no receive steering (dom0's stack runs in the backend's writes): %s",
               name, err);
    br->next = d->bridges;
    d->bridges = br;
    return br;
}

int nb_bridge_attach(struct nb_bridge *br, struct nb_vif *v)
{
    for (int p = 1; p < NB_PORTS; p++)
        if (!br->port[p]) {
            br->port[p] = v;
            return p;
        }
    return -1;
}

void nb_bridge_detach(struct nb_bridge *br, struct nb_vif *v)
{
    if (v->port > 0 && v->port < NB_PORTS && br->port[v->port] == v) {
        br->port[v->port] = NULL;
        nb_switch_forget_port(&br->sw, v->port);
    }
}

/* A frame toward dom0 that the switch could not hand to the port: counted here and only
 * here. The veth kind reports a loss from send (its TX ring full, the frame too big for the
 * veth); a frame its send took into the ring stays there until the kernel takes it (flush
 * only retries), so it is counted once, as taken. */
static void to_dom0_drop(struct nb_bridge *br)
{
    br->st.to_dom0_drops++;
    br->st_dirty = true;
}

/* Sends one frame to dom0's port. With hold, a frame the port refuses for being full (EAGAIN)
 * is neither sent nor counted: returns true, and the caller keeps it. */
static bool tap_write(struct nb_daemon *d, struct nb_bridge *br, const uint8_t *frame, unsigned len,
                      const struct nb_offload *off, bool hold)
{
    uint64_t t0 = d->profile ? nb_now_us() : 0;
    struct virtio_net_hdr h;
    int rc;

    nb_vnet_out(frame, len, off, &h);
    rc = br->dport->send(br, &h, frame, len);
    d->prof.tap_writes++;
    if (d->profile)
        d->prof.tap_us += nb_now_us() - t0;
    if (rc == 0) {
        br->st.to_dom0_packets++;
        br->st.to_dom0_bytes += len;
        br->st_dirty = true;
        return false;
    }
    if (hold && errno == EAGAIN)
        return true;
    to_dom0_drop(br);
    /* EAGAIN (dom0 not reading fast enough), a down interface or a frame over the veth's
     * MTU (a guest's choice): the frame is lost, as on a congested link, and not logged */
    if (errno != EAGAIN && errno != EIO && errno != EMSGSIZE)
        nb_log("switch %s: write to the TAP: %s", br->name, strerror(errno));
    return false;
}

struct seg_dest {
    struct nb_daemon *d;
    struct nb_bridge *br;
    int port;
};

static void seg_out(void *arg, const uint8_t *seg, unsigned len)
{
    struct seg_dest *s = arg;
    struct nb_offload valid = {.csum = NB_CSUM_VALID}; /* gso.c computed its checksums */

    if (s->port == NB_TAP_PORT) /* never held: the segments before it went out */
        tap_write(s->d, s->br, seg, len, &valid, false);
    else
        nb_ring_rx_push(s->d, s->br->port[s->port], seg, len, &valid);
}

/* One frame to one port. hold: as tap_write's, for a frame that goes whole to dom0's port
 * (returns true if held). */
static bool output(struct nb_daemon *d, struct nb_bridge *br, int port, uint8_t *frame,
                   unsigned len, struct nb_offload *off, bool hold)
{
    struct nb_vif *v = port == NB_TAP_PORT ? NULL : br->port[port];
    bool gso6 = off->gso_type == NB_GSO_TCPV6;
    /* the TAP's writes take TCPv6 GSO frames whatever TUNSETOFFLOAD offered for its reads */
    bool whole =
        port == NB_TAP_PORT ? br->tap_gso : v && v->rx_sg && (gso6 ? v->rx_gso6 : v->rx_gso);
    uint16_t gso_size = off->gso_size;

    if (port == NB_TAP_PORT ? br->tap_fd < 0 : !v)
        return false;
    if (gso_size && !whole) {
        struct seg_dest s = {d, br, port};
        struct nb_gso_hdr g;

        if (nb_gso_parse(frame, len, &g) < 0 ||
            nb_gso_segment(frame, &g, gso_size, d->segbuf, sizeof(d->segbuf), seg_out, &s) < 0) {
            if (v) { /* a segment size no port could take: lost, and counted */
                v->st.rx_drops++;
                v->st_dirty = true;
            } else {
                to_dom0_drop(br);
            }
        }
        return false;
    }
    /* a TAP without a virtio_net_hdr cannot say "partial": completed here, in the frame itself
     * (any later port gets it complete; the guests' queues complete their own copies) */
    if (port == NB_TAP_PORT && !br->tap_gso && nb_offload_complete(frame, len, off) < 0) {
        to_dom0_drop(br);
        return false;
    }
    if (port == NB_TAP_PORT)
        return tap_write(d, br, frame, len, off, hold);
    nb_ring_rx_push(d, v, frame, len, off);
    return false;
}

/* A flooded frame is never held: some ports may have taken it already, and it would reach
 * them twice (it goes where it can, and is counted lost where not, as before). */
static bool input(struct nb_daemon *d, struct nb_bridge *br, int in_port, uint8_t *frame,
                  unsigned len, struct nb_offload *off, bool hold)
{
    int dst = nb_switch_forward(&br->sw, frame, len, in_port, nb_now_us());

    if (dst == NB_SW_DROP)
        return false;
    if (dst != NB_SW_FLOOD)
        return output(d, br, dst, frame, len, off, hold && dst == NB_TAP_PORT);
    for (int p = 0; p < NB_PORTS; p++)
        if (p != in_port && (p == NB_TAP_PORT || br->port[p]))
            output(d, br, p, frame, len, off, false);
    return false;
}

void nb_bridge_input(struct nb_daemon *d, struct nb_bridge *br, int in_port, uint8_t *frame,
                     unsigned len, struct nb_offload *off)
{
    input(d, br, in_port, frame, len, off, false);
}

bool nb_bridge_input_or_hold(struct nb_daemon *d, struct nb_bridge *br, int in_port, uint8_t *frame,
                             unsigned len, struct nb_offload *off)
{
    return input(d, br, in_port, frame, len, off, true);
}

unsigned nb_bridge_room(const struct nb_bridge *br, unsigned max)
{
    /* no port (frames for it go nowhere), or a kind that cannot tell: nothing is ever held */
    if (!br || br->tap_fd < 0 || !br->dport->room)
        return max;
    return br->dport->room(br, max);
}

/* A frame from dom0 that nb_vnet_in refused: dropped and counted, logged at the 1st, 2nd, 4th,
 * 8th... (a dom0 bug, not an attack: a few lines say it and how often). */
static void tap_bad(struct nb_bridge *br)
{
    uint64_t bad = ++br->st.from_dom0_bad;

    br->st_dirty = true;
    if ((bad & (bad - 1)) == 0)
        nb_log("switch %s: a malformed frame from dom0 (GSO header, or a partial checksum "
               "outside the frame) dropped: %llu so far",
               br->name, (unsigned long long)bad);
}

void nb_bridge_tap_read(struct nb_daemon *d, struct nb_bridge *br)
{
    uint64_t t0 = d->profile ? nb_now_us() : 0;
    /* frames the port lends are queued for the guests without a copy (one copy fewer of every
     * byte toward a guest), and settled before the port reads into its buffer again */
    bool lends = br->dport->held != NULL;

    d->prof.port_reads++;
    for (int i = 0; i < TAP_READ_BURST; i++) {
        struct virtio_net_hdr h;
        uint8_t *frame;
        ssize_t n;
        struct nb_offload off;

        if (lends && br->dport->held(br) == 0)
            nb_ring_rx_settle(d);
        n = br->dport->recv(br, d->tapbuf, NB_FRAME_MAX, &h, &frame);
        d->lent_frame = lends && n > 0 ? frame : NULL;

        if (n < 0) {
            if (errno != EAGAIN && errno != EINTR)
                nb_log("switch %s: read from the TAP: %s", br->name, strerror(errno));
            break;
        }
        if (n == 0)
            continue;
        br->st.from_dom0_packets++; /* the malformed ones too: bad is a part of packets */
        br->st_dirty = true;
        if (nb_vnet_in(&h, frame, (size_t)n, &off) < 0)
            tap_bad(br);
        else
            nb_bridge_input(d, br, NB_TAP_PORT, frame, (unsigned)n, &off);
    }
    if (lends)
        nb_ring_rx_settle(d);
    if (d->profile)
        d->prof.port_read_us += nb_now_us() - t0;
}

bool nb_bridge_flush(struct nb_daemon *d)
{
    bool more = false;

    for (struct nb_bridge *br = d->bridges; br; br = br->next)
        if (br->tap_fd >= 0) {
            uint64_t t0 = d->profile ? nb_now_us() : 0;

            more |= br->dport->flush(br);
            d->prof.port_flushes++;
            if (d->profile)
                d->prof.port_flush_us += nb_now_us() - t0;
        }
    return more;
}

void nb_bridge_write_stats(struct nb_daemon *d, const char *dir)
{
    char json[NB_STATS_FILE_MAX], path[160]; /* nb_switch_stats_read takes no more */

    for (struct nb_bridge *br = d->bridges; br; br = br->next) {
        /* "none": the port could not be opened (the switch then serves the guests only) */
        const char *kind = br->tap_fd >= 0 ? br->dport->kind : "none";

        if (!br->st_dirty)
            continue;
        br->st_dirty = false;
        if (nb_switch_stats_json(json, sizeof(json), br->name, kind, &br->st) < 0)
            continue;
        snprintf(path, sizeof(path), "%s/" NB_SWITCH_FILE_PREFIX "%s.json", dir, br->name);
        nb_stats_write(path, json);
    }
}
