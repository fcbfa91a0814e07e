/* tern-netback per-vif counters as JSON (see stats.h). */
#include "stats.h"

#include <inttypes.h>
#include <stdio.h>

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
