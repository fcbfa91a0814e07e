/* tern-netback's learning L2 switch: the forwarding table (MAC -> port, aged out), the
 * forwarding decision for one frame, and the anti-spoofing check on a vif's frames. */
#ifndef TERN_NETBACK_SWITCH_H
#define TERN_NETBACK_SWITCH_H

#include <stddef.h>
#include <stdint.h>

#define NB_SW_ENTRIES 256
#define NB_SW_AGE_US  300000000ull /* 300 s, as a Linux bridge ages entries */
#define NB_SW_FLOOD   (-1)
#define NB_SW_DROP    (-2)

struct nb_sw_entry {
    uint8_t mac[6];
    int port; /* -1 = free slot */
    uint64_t seen_us;
};

struct nb_switch {
    struct nb_sw_entry e[NB_SW_ENTRIES];
};

void nb_switch_init(struct nb_switch *sw);
/* Records that mac was seen on port (multicast sources are ignored). */
void nb_switch_learn(struct nb_switch *sw, const uint8_t mac[6], int port, uint64_t now_us);
/* Where a frame from in_port goes: a port, NB_SW_FLOOD (all ports but in_port) or
 * NB_SW_DROP (too short, or its destination is on in_port). Learns its source first. */
int nb_switch_forward(struct nb_switch *sw, const uint8_t *frame, size_t len, int in_port,
                      uint64_t now_us);
/* Forgets every entry on port (a vif was unplugged). */
void nb_switch_forget_port(struct nb_switch *sw, int port);
/* 1 if the frame's source MAC is the vif's own (and the frame holds an Ethernet header). */
int nb_frame_src_ok(const uint8_t *frame, size_t len, const uint8_t vif_mac[6]);
/* Parses "aa:bb:cc:dd:ee:ff" (the vif's mac node). Returns 0 or -1. */
int nb_mac_parse(const char *text, uint8_t mac[6]);

#endif
