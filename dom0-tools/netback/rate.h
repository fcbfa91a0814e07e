/* tern-netback QoS: xl's vif rate=RATE/s@INTERVAL parsed into a token bucket, and the bucket
 * itself (credit refilled once per interval, to one interval's worth plus at most
 * NB_RATE_CARRY left over). One bucket per direction of a vif. */
#ifndef TERN_NETBACK_RATE_H
#define TERN_NETBACK_RATE_H

#include <stdint.h>

/* Unused credit carried into the next interval, at most: about one frame (see rate.c). */
#define NB_RATE_CARRY 2048u

/* xl's default replenish interval when a rate has no @INTERVAL part. */
#define NB_RATE_DEFAULT_INTERVAL_US 50000u

struct nb_rate {
    uint64_t bytes_per_interval; /* 0 = unlimited */
    uint32_t interval_us;
};

struct nb_bucket {
    struct nb_rate rate;
    int64_t credit;   /* bytes that may still pass in this interval; < 0: debt of a big frame */
    uint64_t next_us; /* time of the next refill */
};

/* Parses "RATE/s" or "RATE/s@INTERVAL" as xl does: RATE is a number with an optional
 * k/K, m/M or g/G prefix (powers of 1000) and a unit B (bytes) or b (bits); INTERVAL is a
 * number with the unit s, ms or us. Returns 0, or -1 with *why naming the fault. */
int nb_rate_parse(const char *text, struct nb_rate *out, const char **why);

void nb_bucket_init(struct nb_bucket *b, const struct nb_rate *r, uint64_t now_us);
/* Applies a new rate to a live bucket (the credit is capped to the new interval's worth). */
void nb_bucket_set(struct nb_bucket *b, const struct nb_rate *r, uint64_t now_us);
/* Takes len bytes if the bucket allows them now: 1 = pass, 0 = hold until nb_bucket_wait.
 * A frame larger than one interval's credit passes whenever the credit is positive and is
 * charged in full: the credit goes below zero and the following refills pay the debt back. */
int nb_bucket_take(struct nb_bucket *b, uint64_t len, uint64_t now_us);
/* Gives back len bytes nb_bucket_take took for a frame that did not leave after all (dom0's
 * port was full: it stays on the guest's ring and is taken again when it goes). */
void nb_bucket_give(struct nb_bucket *b, uint64_t len);
/* Microseconds until the next refill (0 if unlimited or already due). */
uint64_t nb_bucket_wait(const struct nb_bucket *b, uint64_t now_us);

#endif
