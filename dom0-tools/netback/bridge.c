/* tern-netback: the switches (one per bridge= name) and their TAP port in dom0 (see nb.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
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
    br->tap_fd = nb_tap_open(name, err, sizeof(err));
    if (br->tap_fd < 0)
        nb_log("%s (the switch works without dom0's port)", err);
    else
        nb_log("switch %s: dom0's port is the TAP interface %s", name, name);
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

static void output(struct nb_daemon *d, struct nb_bridge *br, int port, const uint8_t *frame,
                   unsigned len)
{
    if (port == NB_TAP_PORT) {
        /* EAGAIN (dom0 not reading fast enough) or a down interface: the frame is lost,
         * as on a congested link */
        if (br->tap_fd >= 0 && write(br->tap_fd, frame, len) < 0 && errno != EAGAIN && errno != EIO)
            nb_log("switch %s: write to the TAP: %s", br->name, strerror(errno));
        return;
    }
    if (br->port[port])
        nb_ring_rx_push(d, br->port[port], frame, len);
}

void nb_bridge_input(struct nb_daemon *d, struct nb_bridge *br, int in_port, const uint8_t *frame,
                     unsigned len)
{
    int dst = nb_switch_forward(&br->sw, frame, len, in_port, nb_now_us());

    if (dst == NB_SW_DROP)
        return;
    if (dst != NB_SW_FLOOD) {
        output(d, br, dst, frame, len);
        return;
    }
    for (int p = 0; p < NB_PORTS; p++)
        if (p != in_port && (p == NB_TAP_PORT || br->port[p]))
            output(d, br, p, frame, len);
}

void nb_bridge_tap_read(struct nb_daemon *d, struct nb_bridge *br)
{
    for (int i = 0; i < TAP_READ_BURST; i++) {
        ssize_t n = read(br->tap_fd, d->txbuf, NB_TX_MAX);

        if (n < 0) {
            if (errno != EAGAIN && errno != EINTR)
                nb_log("switch %s: read from the TAP: %s", br->name, strerror(errno));
            return;
        }
        if (n > 0)
            nb_bridge_input(d, br, NB_TAP_PORT, d->txbuf, (unsigned)n);
    }
}
