/* tern-netback: what a frontend writes about its queues and their event channels (split or
 * not, xen/io/netif.h "Multi-queue" and "Split event channels"), checked before any of it is
 * used; and which queue a frame for the guest goes on. Pure functions (tested in
 * tests/unit/dom0-tools/check_netback.c). */
#ifndef TERN_NETBACK_QUEUES_H
#define TERN_NETBACK_QUEUES_H

#include <stddef.h>
#include <stdint.h>

/* The queues a vif offers (multi-queue-max-queues). Linux's netfront asks for
 * min(this, its online vCPUs); a guest with more vCPUs than this shares queues among them. */
#define NB_MAX_QUEUES      4
#define NB_MAX_QUEUES_TEXT "4"

/* One queue's event channels as the frontend gave them: tx == rx unless split. */
struct nb_qchannels {
    uint32_t tx, rx;
    int split;
};

/* From a queue's nodes as read (-1: absent or not a number): event-channel alone, or
 * event-channel-tx and event-channel-rx both (only if split_offered). Returns 0, or -1 with
 * *why naming what is wrong (a frontend that writes both forms, half of the split form, a
 * port 0 or out of range). */
int nb_qchannels_parse(long single, long tx, long rx, int split_offered, struct nb_qchannels *out,
                       const char **why);

/* multi-queue-num-queues as read (absent: 1, as before multi-queue; -1: not a number).
 * Returns the queue count (1..max), or -1 if out of range (then *why says so). */
int nb_num_queues(long node, unsigned max, const char **why);

/* The directory of queue i's nodes: the frontend's own with one queue, fe/queue-<i> with
 * several. */
void nb_queue_dir(char *out, size_t len, const char *fe, unsigned nq, unsigned i);

/* Which of nq queues a frame for the guest goes on: one flow always on the same one (a hash
 * of the IPv4/IPv6 addresses and the TCP/UDP ports, or of the MAC pair for other frames), so
 * that the guest's TCP sees no reordering between queues. */
unsigned nb_flow_queue(const uint8_t *frame, unsigned len, unsigned nq);

#endif
