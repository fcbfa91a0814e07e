/* tern-netback QoS: xl's rate syntax and the token bucket (see rate.h). */
#include "rate.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static int parse_number(const char **p, uint64_t *out)
{
    char *end;
    unsigned long long v;

    if (!isdigit((unsigned char)**p))
        return -1;
    v = strtoull(*p, &end, 10);
    *p = end;
    *out = v;
    return 0;
}

static int mul_checked(uint64_t a, uint64_t b, uint64_t *out)
{
    if (a && b > UINT64_MAX / a)
        return -1;
    *out = a * b;
    return 0;
}

/* RATE part: number, optional prefix, unit B or b, then "/s". Result in bytes per second. */
static int parse_bytes_per_sec(const char **p, uint64_t *bps, const char **why)
{
    uint64_t n, mult = 1;
    int bits;

    if (parse_number(p, &n)) {
        *why = "rate must start with a number";
        return -1;
    }
    switch (**p) {
    case 'k':
    case 'K':
        mult = 1000ull;
        (*p)++;
        break;
    case 'm':
    case 'M':
        mult = 1000000ull;
        (*p)++;
        break;
    case 'g':
    case 'G':
        mult = 1000000000ull;
        (*p)++;
        break;
    default:
        break;
    }
    if (**p == 'B')
        bits = 0;
    else if (**p == 'b')
        bits = 1;
    else {
        *why = "rate unit must be B (bytes) or b (bits)";
        return -1;
    }
    (*p)++;
    if (strncmp(*p, "/s", 2) != 0) {
        *why = "rate must end in /s";
        return -1;
    }
    *p += 2;
    if (mul_checked(n, mult, &n)) {
        *why = "rate too large";
        return -1;
    }
    *bps = bits ? n / 8 : n;
    return 0;
}

static int parse_interval_us(const char *p, uint32_t *us, const char **why)
{
    uint64_t n, mult, v;

    if (parse_number(&p, &n)) {
        *why = "interval must be a number";
        return -1;
    }
    if (!strcmp(p, "s"))
        mult = 1000000;
    else if (!strcmp(p, "ms"))
        mult = 1000;
    else if (!strcmp(p, "us"))
        mult = 1;
    else {
        *why = "interval unit must be s, ms or us";
        return -1;
    }
    if (mul_checked(n, mult, &v) || v == 0 || v > UINT32_MAX) {
        *why = "interval out of range";
        return -1;
    }
    *us = (uint32_t)v;
    return 0;
}

int nb_rate_parse(const char *text, struct nb_rate *out, const char **why)
{
    const char *p = text;
    uint64_t bps, per;
    uint32_t us = NB_RATE_DEFAULT_INTERVAL_US;
    const char *dummy;

    if (!why)
        why = &dummy;
    if (!text || !*text) {
        *why = "empty rate";
        return -1;
    }
    if (parse_bytes_per_sec(&p, &bps, why))
        return -1;
    if (*p == '@') {
        if (parse_interval_us(p + 1, &us, why))
            return -1;
    } else if (*p) {
        *why = "unexpected text after /s";
        return -1;
    }
    if (mul_checked(bps, us, &per)) {
        *why = "rate too large";
        return -1;
    }
    per /= 1000000;
    if (bps && per == 0) {
        *why = "rate too small for its interval (under one byte per interval)";
        return -1;
    }
    out->bytes_per_interval = per;
    out->interval_us = us;
    return 0;
}

void nb_bucket_init(struct nb_bucket *b, const struct nb_rate *r, uint64_t now_us)
{
    b->rate = *r;
    b->credit = (int64_t)r->bytes_per_interval;
    b->next_us = now_us + r->interval_us;
}

void nb_bucket_set(struct nb_bucket *b, const struct nb_rate *r, uint64_t now_us)
{
    b->rate = *r;
    if (b->credit > (int64_t)r->bytes_per_interval)
        b->credit = (int64_t)r->bytes_per_interval;
    if (b->next_us > now_us + r->interval_us)
        b->next_us = now_us + r->interval_us;
}

/* Refills at the interval's boundaries, keeping their phase: a refill served late (the
 * daemon woke up after the boundary) gives the same credit and the next boundary stays where
 * it was, so a late wake-up does not lower the rate. What was left unused carries over up to
 * one frame's worth (NB_RATE_CARRY), so credit too small for the next frame is not lost. */
static void refill(struct nb_bucket *b, uint64_t now_us)
{
    uint64_t late;

    if (now_us < b->next_us)
        return;
    late = (now_us - b->next_us) / b->rate.interval_us;
    if (b->credit > NB_RATE_CARRY)
        b->credit = NB_RATE_CARRY; /* a debt is carried in full */
    b->credit += (int64_t)b->rate.bytes_per_interval;
    b->next_us += (late + 1) * b->rate.interval_us;
}

int nb_bucket_take(struct nb_bucket *b, uint64_t len, uint64_t now_us)
{
    if (b->rate.bytes_per_interval == 0)
        return 1;
    refill(b, now_us);
    /* A frame larger than one interval's credit (a 64 KiB GSO frame at 8Mb/s) could never
     * wait for enough credit (what carries over is capped); it passes as soon as the credit is
     * positive and leaves a debt that the following refills pay back, so big frames keep to
     * the rate too instead of being held forever or charged only the credit there was. */
    if (len <= (uint64_t)(b->credit > 0 ? b->credit : 0) ||
        (len > b->rate.bytes_per_interval && b->credit > 0)) {
        b->credit -= (int64_t)len;
        return 1;
    }
    return 0;
}

void nb_bucket_give(struct nb_bucket *b, uint64_t len)
{
    /* within the same pass as the take: at most one frame over a refill's cap, as a debt is */
    if (b->rate.bytes_per_interval)
        b->credit += (int64_t)len;
}

uint64_t nb_bucket_wait(const struct nb_bucket *b, uint64_t now_us)
{
    if (b->rate.bytes_per_interval == 0 || now_us >= b->next_us)
        return 0;
    return b->next_us - now_us;
}
