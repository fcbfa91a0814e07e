/* tern-netback's learning L2 switch (see switch.h). */
#include "switch.h"

#include <stdio.h>
#include <string.h>

#define ETH_HDR 14

void nb_switch_init(struct nb_switch *sw)
{
    for (unsigned i = 0; i < NB_SW_ENTRIES; i++)
        sw->e[i].port = -1;
}

static int is_multicast(const uint8_t *mac)
{
    return mac[0] & 1;
}

static int live(const struct nb_sw_entry *e, uint64_t now_us)
{
    return e->port >= 0 && now_us - e->seen_us < NB_SW_AGE_US;
}

static struct nb_sw_entry *find(struct nb_switch *sw, const uint8_t *mac, uint64_t now_us)
{
    for (unsigned i = 0; i < NB_SW_ENTRIES; i++)
        if (live(&sw->e[i], now_us) && !memcmp(sw->e[i].mac, mac, 6))
            return &sw->e[i];
    return NULL;
}

void nb_switch_learn(struct nb_switch *sw, const uint8_t mac[6], int port, uint64_t now_us)
{
    struct nb_sw_entry *e = find(sw, mac, now_us), *oldest = &sw->e[0];

    if (is_multicast(mac))
        return;
    if (!e) {
        for (unsigned i = 0; i < NB_SW_ENTRIES && !e; i++)
            if (!live(&sw->e[i], now_us))
                e = &sw->e[i];
            else if (sw->e[i].seen_us < oldest->seen_us)
                oldest = &sw->e[i];
        if (!e)
            e = oldest; /* table full: replace the least recently seen */
        memcpy(e->mac, mac, 6);
    }
    e->port = port;
    e->seen_us = now_us;
}

int nb_switch_forward(struct nb_switch *sw, const uint8_t *frame, size_t len, int in_port,
                      uint64_t now_us)
{
    const struct nb_sw_entry *e;

    if (len < ETH_HDR)
        return NB_SW_DROP;
    nb_switch_learn(sw, frame + 6, in_port, now_us);
    if (is_multicast(frame))
        return NB_SW_FLOOD;
    e = find(sw, frame, now_us);
    if (!e)
        return NB_SW_FLOOD;
    return e->port == in_port ? NB_SW_DROP : e->port;
}

void nb_switch_forget_port(struct nb_switch *sw, int port)
{
    for (unsigned i = 0; i < NB_SW_ENTRIES; i++)
        if (sw->e[i].port == port)
            sw->e[i].port = -1;
}

int nb_frame_src_ok(const uint8_t *frame, size_t len, const uint8_t vif_mac[6])
{
    return len >= ETH_HDR && !memcmp(frame + 6, vif_mac, 6);
}

int nb_mac_parse(const char *text, uint8_t mac[6])
{
    unsigned v[6];
    char end;

    if (!text || sscanf(text, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
                        &end) != 6)
        return -1;
    if (strlen(text) != 17)
        return -1;
    for (int i = 0; i < 6; i++)
        mac[i] = (uint8_t)v[i];
    return 0;
}
