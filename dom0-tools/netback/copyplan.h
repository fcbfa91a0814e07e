/* tern-netback: the grant-copy segments that move one packet out of a guest's TX slots into a
 * local buffer, and one frame into a guest's posted RX buffer (plus its RX response). */
#ifndef TERN_NETBACK_COPYPLAN_H
#define TERN_NETBACK_COPYPLAN_H

#include <stddef.h>
#include <stdint.h>
#include <xengnttab.h>
#include <xen/xen.h>
#include <xen/grant_table.h>
#include <xen/io/netif.h>

/* For a packet nb_tx_check accepted (used slots): fills segs[0..used) so the packet lands
 * contiguously in buf, and returns its length. */
unsigned nb_tx_copy_plan(const netif_tx_request_t *req, unsigned used, uint16_t domid, uint8_t *buf,
                         xengnttab_grant_copy_segment_t *segs);

/* Plans the copy of a frame (at most one page: no feature-sg on RX) into the buffer rq
 * posted, and the response to publish once the copy succeeded. Returns 0, or -1 if the frame
 * does not fit one buffer (the caller drops and counts it). */
int nb_rx_copy_plan(const uint8_t *frame, unsigned len, const netif_rx_request_t *rq,
                    uint16_t domid, uint16_t rsp_flags, xengnttab_grant_copy_segment_t *seg,
                    netif_rx_response_t *rsp);

#endif
