/* tern-netback unit tests: xl's rate=RATE/s@INTERVAL syntax and the token bucket that
 * enforces it (refill per interval, live rate change, oversized frames, bad input, the rate
 * kept under late wake-ups); the
 * learning switch (learn, forward, flood, age, unplug) and the anti-spoofing check; TX request
 * validation (chains, page bounds, slot count, extra info); the counters' JSON; watch paths;
 * grant-copy plans for TX and RX; ring index sanity; checksum completion of csum_blank frames
 * (expected values computed independently, with Python, from RFC 1071). */
#include <check.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "copyplan.h"
#include "csum.h"
#include "gso.h"
#include "ipv6.h"
#include "irqpin.h"
#include "path.h"
#include "queues.h"
#include "rate.h"
#include "ringidx.h"
#include "stats.h"
#include "switch.h"
#include "txcheck.h"

/* A hostile guest's stream of bad packets yields a bounded number of log lines, and the line
 * after a quiet spell says how many were not logged. */
START_TEST(test_log_limit)
{
    struct nb_log_limit l = {0};
    unsigned quiet = 99, allowed = 0;
    uint64_t t = 1000;

    for (unsigned i = 0; i < 10000; i++)
        allowed += nb_log_allow(&l, t + i, &quiet);
    ck_assert_uint_eq(allowed, NB_LOG_BURST);
    ck_assert_uint_eq(l.suppressed, 10000 - NB_LOG_BURST);
    /* still inside the window: refused */
    ck_assert(!nb_log_allow(&l, t + NB_LOG_WINDOW_US - 1, &quiet));
    /* the next window: allowed, and told what was dropped */
    ck_assert(nb_log_allow(&l, t + NB_LOG_WINDOW_US, &quiet));
    ck_assert_uint_eq(quiet, 10000 - NB_LOG_BURST + 1);
    ck_assert(nb_log_allow(&l, t + NB_LOG_WINDOW_US + 1, &quiet));
    ck_assert_uint_eq(quiet, 0);
    /* a clock that went backwards (wrapped difference) starts a new window, never blocks */
    ck_assert(nb_log_allow(&l, t, &quiet));
}
END_TEST

START_TEST(test_parse_units)
{
    struct nb_rate r;
    const char *why = NULL;

    ck_assert_int_eq(nb_rate_parse("8Mb/s", &r, &why), 0);
    ck_assert_uint_eq(r.interval_us, 50000);
    ck_assert_uint_eq(r.bytes_per_interval, 50000); /* 1 MB/s * 50 ms */
    ck_assert_int_eq(nb_rate_parse("10MB/s@20ms", &r, &why), 0);
    ck_assert_uint_eq(r.interval_us, 20000);
    ck_assert_uint_eq(r.bytes_per_interval, 200000);
    ck_assert_int_eq(nb_rate_parse("1GB/s@100us", &r, &why), 0);
    ck_assert_uint_eq(r.bytes_per_interval, 100000);
    ck_assert_int_eq(nb_rate_parse("800kb/s@1s", &r, &why), 0);
    ck_assert_uint_eq(r.bytes_per_interval, 100000);
    ck_assert_uint_eq(r.interval_us, 1000000);
}
END_TEST

START_TEST(test_parse_errors)
{
    struct nb_rate r;
    const char *why = NULL;
    static const char *bad[] = {
        "",         "Mb/s",      "8Mx/s",  "8Mb",      "8Mb/s@",
        "8Mb/s@5h", "8Mb/s@0ms", "8Mb/sx", "8b/s@1ms", "99999999999999999999GB/s"};

    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        why = NULL;
        ck_assert_msg(nb_rate_parse(bad[i], &r, &why) == -1, "accepted '%s'", bad[i]);
        ck_assert_ptr_nonnull(why);
    }
}
END_TEST

START_TEST(test_bucket)
{
    struct nb_rate r = {.bytes_per_interval = 3000, .interval_us = 1000};
    struct nb_bucket b;

    nb_bucket_init(&b, &r, 0);
    ck_assert_int_eq(nb_bucket_take(&b, 1500, 10), 1);
    ck_assert_int_eq(nb_bucket_take(&b, 1500, 20), 1);
    ck_assert_int_eq(nb_bucket_take(&b, 1, 30), 0);
    ck_assert_uint_eq(nb_bucket_wait(&b, 30), 970);
    ck_assert_int_eq(nb_bucket_take(&b, 1500, 1000), 1); /* refilled */
    /* a frame bigger than one interval's credit passes on any positive credit, and is
     * charged in full: 1500 - 5000 is a debt of 3500, that the next refill does not pay */
    ck_assert_int_eq(nb_bucket_take(&b, 5000, 1100), 1);
    ck_assert_int_eq(b.credit, -3500);
    ck_assert_int_eq(nb_bucket_take(&b, 5000, 2000), 0);
    ck_assert_int_eq(nb_bucket_take(&b, 1, 2100), 0);
    /* the one after does: 2500, which a frame within the interval's credit must fit */
    ck_assert_int_eq(nb_bucket_take(&b, 2501, 3000), 0);
    ck_assert_int_eq(nb_bucket_take(&b, 2500, 3000), 1);
    /* given back (the frame stayed on the ring): taken again as if never taken */
    nb_bucket_give(&b, 2500);
    ck_assert_int_eq(nb_bucket_take(&b, 2500, 3000), 1);
    ck_assert_int_eq(nb_bucket_take(&b, 1, 3000), 0);
    /* without a rate there is nothing to give back */
    nb_bucket_init(&b, &(struct nb_rate){0, 1000}, 0);
    nb_bucket_give(&b, 100);
    ck_assert_int_eq(b.credit, 0);
}
END_TEST

START_TEST(test_bucket_live_change)
{
    struct nb_rate fast = {.bytes_per_interval = 100000, .interval_us = 50000};
    struct nb_rate slow = {.bytes_per_interval = 1000, .interval_us = 10000};
    struct nb_rate none = {.bytes_per_interval = 0, .interval_us = 50000};
    struct nb_bucket b;

    nb_bucket_init(&b, &fast, 0);
    ck_assert_int_eq(nb_bucket_take(&b, 50000, 1), 1);
    nb_bucket_set(&b, &slow, 2);
    ck_assert_uint_le(b.credit, 1000);
    ck_assert_uint_eq(nb_bucket_wait(&b, 2), 10000);
    ck_assert_int_eq(nb_bucket_take(&b, 1000, 3), 1);
    ck_assert_int_eq(nb_bucket_take(&b, 1000, 4), 0);
    nb_bucket_set(&b, &none, 5);
    ck_assert_int_eq(nb_bucket_take(&b, 1u << 30, 6), 1);
    ck_assert_uint_eq(nb_bucket_wait(&b, 6), 0);
}
END_TEST

/* The bytes a bucket lets through in duration_us when the daemon takes frames of len bytes
 * until refused, then sleeps until the refill and wakes up late by 0, 1, .. 9 times
 * late_step_us in turn (a loaded dom0), as netback.c's poll loop does. */
static uint64_t simulate(const struct nb_rate *r, unsigned len, uint64_t duration_us,
                         uint64_t late_step_us)
{
    struct nb_bucket b;
    uint64_t t = 0, passed = 0;
    unsigned wake = 0;

    nb_bucket_init(&b, r, 0);
    while (t < duration_us) {
        while (nb_bucket_take(&b, len, t))
            passed += len;
        t += nb_bucket_wait(&b, t) + (wake++ % 10) * late_step_us;
    }
    return passed;
}

START_TEST(test_bucket_steady_rate)
{
    struct nb_rate mbps8 = {.bytes_per_interval = 50000, .interval_us = 50000}; /* 8Mb/s */
    struct nb_rate small = {.bytes_per_interval = 3000, .interval_us = 1000};
    uint64_t got;

    /* late wake-ups neither lose credit nor shift the refills: 10 s give 10 MB (plus the
     * first, full bucket), not the 9.2 MB a refill restarting its interval when served gives */
    got = simulate(&mbps8, 1514, 10000000, 1000);
    ck_assert_uint_ge(got, 9950000);
    ck_assert_uint_le(got, 10000000 + 50000 + 2 * 1514);
    /* credit too small for a frame carries over: 1400-byte frames at 3000 bytes per interval
     * get 3000 bytes per interval on average, not 2800 */
    got = simulate(&small, 1400, 1000000, 0);
    ck_assert_uint_ge(got, 2980000);
    ck_assert_uint_le(got, 3000000 + 3000 + NB_RATE_CARRY);
    /* 64 KiB GSO frames at 8Mb/s (larger than an interval's credit): the same 10 MB in
     * 10 s, not one frame per refill (13 MB) as charging them only the credit there was gave */
    got = simulate(&mbps8, 65549, 10000000, 1000);
    ck_assert_uint_ge(got, 9950000 - 65549);
    ck_assert_uint_le(got, 10000000 + 50000 + 2 * 65549);
}
END_TEST

static const uint8_t mac_a[6] = {0x00, 0x16, 0x3e, 0, 0, 0xa};
static const uint8_t mac_b[6] = {0x00, 0x16, 0x3e, 0, 0, 0xb};
static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static void frame(uint8_t *f, const uint8_t *dst, const uint8_t *src)
{
    memset(f, 0, 60);
    memcpy(f, dst, 6);
    memcpy(f + 6, src, 6);
}

START_TEST(test_switch_learn_forward)
{
    struct nb_switch sw;
    uint8_t f[60];

    nb_switch_init(&sw);
    frame(f, mac_b, mac_a);
    ck_assert_int_eq(nb_switch_forward(&sw, f, 60, 1, 0), NB_SW_FLOOD); /* b unknown */
    frame(f, mac_a, mac_b);
    ck_assert_int_eq(nb_switch_forward(&sw, f, 60, 2, 10), 1); /* a learnt on port 1 */
    frame(f, mac_b, mac_a);
    ck_assert_int_eq(nb_switch_forward(&sw, f, 60, 1, 20), 2);
    frame(f, bcast, mac_a);
    ck_assert_int_eq(nb_switch_forward(&sw, f, 60, 1, 30), NB_SW_FLOOD);
    frame(f, mac_a, mac_a); /* destination on the port it came from */
    ck_assert_int_eq(nb_switch_forward(&sw, f, 60, 1, 40), NB_SW_DROP);
    ck_assert_int_eq(nb_switch_forward(&sw, f, 13, 1, 50), NB_SW_DROP); /* runt */
    /* a broadcast source is never learnt */
    frame(f, mac_a, bcast);
    nb_switch_forward(&sw, f, 60, 3, 60);
    frame(f, bcast, mac_b);
    ck_assert_int_eq(nb_switch_forward(&sw, f, 60, 2, 70), NB_SW_FLOOD);
    /* unplugging port 2 forgets b; aging forgets a */
    nb_switch_forget_port(&sw, 2);
    frame(f, mac_b, mac_a);
    ck_assert_int_eq(nb_switch_forward(&sw, f, 60, 1, 80), NB_SW_FLOOD);
    frame(f, mac_a, mac_b);
    ck_assert_int_eq(nb_switch_forward(&sw, f, 60, 2, 80 + NB_SW_AGE_US), NB_SW_FLOOD);
}
END_TEST

START_TEST(test_switch_full_table)
{
    struct nb_switch sw;
    uint8_t mac[6] = {0x00, 0x16, 0x3e, 0, 0, 0};
    uint8_t f[60];

    nb_switch_init(&sw);
    for (unsigned i = 0; i < NB_SW_ENTRIES + 10; i++) {
        mac[4] = (uint8_t)(i >> 8);
        mac[5] = (uint8_t)i;
        nb_switch_learn(&sw, mac, (int)(i % 4), i + 1);
    }
    /* the newest entries are all present; the oldest were replaced */
    frame(f, mac, mac_a);
    ck_assert_int_eq(nb_switch_forward(&sw, f, 60, 9, 1000), (int)((NB_SW_ENTRIES + 9) % 4));
    mac[4] = 0;
    mac[5] = 0;
    frame(f, mac, mac_a);
    ck_assert_int_eq(nb_switch_forward(&sw, f, 60, 9, 1001), NB_SW_FLOOD);
}
END_TEST

START_TEST(test_antispoof_and_mac)
{
    uint8_t f[60], m[6];

    frame(f, mac_b, mac_a);
    ck_assert_int_eq(nb_frame_src_ok(f, 60, mac_a), 1);
    ck_assert_int_eq(nb_frame_src_ok(f, 60, mac_b), 0);
    ck_assert_int_eq(nb_frame_src_ok(f, 11, mac_a), 0);
    ck_assert_int_eq(nb_mac_parse("00:16:3e:00:00:0a", m), 0);
    ck_assert_mem_eq(m, mac_a, 6);
    ck_assert_int_eq(nb_mac_parse("00:16:3e:00:00", m), -1);
    ck_assert_int_eq(nb_mac_parse("00:16:3e:00:00:0a:", m), -1);
    ck_assert_int_eq(nb_mac_parse("0:16:3e:00:00:0a", m), -1);
    ck_assert_int_eq(nb_mac_parse("zz:16:3e:00:00:0a", m), -1);
    ck_assert_int_eq(nb_mac_parse(NULL, m), -1);
}
END_TEST

static void req(netif_tx_request_t *r, uint16_t off, uint16_t size, uint16_t flags)
{
    r->gref = 1;
    r->id = 0;
    r->offset = off;
    r->size = size;
    r->flags = flags;
}

START_TEST(test_tx_check)
{
    netif_tx_request_t r[24];
    unsigned used;
    struct nb_tx_gso g;
    const char *why = NULL;

    req(&r[0], 0, 1514, 0);
    ck_assert_int_eq(nb_tx_check(r, 1, &used, &g, &why), NB_TX_OK);
    ck_assert_uint_eq(used, 1);
    ck_assert_int_eq(nb_tx_check(r, 0, &used, &g, &why), NB_TX_INCOMPLETE);
    /* 3-slot chain: 5000 bytes = 904 in the first slot + 4096 in the second... */
    req(&r[0], 100, 9000, NETTXF_more_data);
    req(&r[1], 0, 4096, NETTXF_more_data);
    req(&r[2], 0, 4000, 0);
    ck_assert_int_eq(nb_tx_check(r, 3, &used, &g, &why), NB_TX_OK);
    ck_assert_uint_eq(used, 3);
    ck_assert_int_eq(nb_tx_check(r, 2, &used, &g, &why), NB_TX_INCOMPLETE);
    /* first slot's share (9000-8096=904) from offset 3500 crosses the page */
    r[0].offset = 3500;
    ck_assert_int_eq(nb_tx_check(r, 3, &used, &g, &why), NB_TX_BAD);
    ck_assert_uint_eq(used, 3);
    r[0].offset = 0;
    r[1].offset = 1; /* 1 + 4096 > page */
    ck_assert_int_eq(nb_tx_check(r, 3, &used, &g, &why), NB_TX_BAD);
    r[1].offset = 0;
    r[0].size = 8000; /* fragments bigger than the packet */
    ck_assert_int_eq(nb_tx_check(r, 3, &used, &g, &why), NB_TX_BAD);
    /* runt, single slot past its page, extra info */
    req(&r[0], 0, 10, 0);
    ck_assert_int_eq(nb_tx_check(r, 1, &used, &g, &why), NB_TX_BAD);
    req(&r[0], 4000, 200, 0);
    ck_assert_int_eq(nb_tx_check(r, 1, &used, &g, &why), NB_TX_BAD);
    /* extra info other than one GSO request: refused, its slots counted as netif.h lays them
     * out (first fragment, extra-info slots while XEN_NETIF_EXTRA_FLAG_MORE, then the other
     * fragments) */
    req(&r[0], 0, 100, NETTXF_extra_info);
    memset(&r[1], 0, sizeof(r[1]));
    ck_assert_int_eq(nb_tx_check(r, 1, &used, &g, &why), NB_TX_INCOMPLETE);
    ck_assert_int_eq(nb_tx_check(r, 2, &used, &g, &why), NB_TX_BAD);
    ck_assert_ptr_nonnull(why);
    ck_assert_uint_eq(used, 2);
    ck_assert_uint_eq(nb_tx_extras(r, 2), 1);
    {
        struct netif_extra_info *x1 = (void *)&r[1], *x2 = (void *)&r[2];

        r[0].flags = NETTXF_extra_info | NETTXF_more_data;
        x1->type = XEN_NETIF_EXTRA_TYPE_GSO;
        x1->flags = XEN_NETIF_EXTRA_FLAG_MORE;
        memset(x2, 0, sizeof(*x2));
        x2->type = 0x7f; /* unknown type: still one slot */
        req(&r[3], 0, 50, NETTXF_more_data);
        req(&r[4], 0, 50, 0);
        ck_assert_uint_eq(nb_tx_extras(r, 5), 2);
        ck_assert_int_eq(nb_tx_check(r, 5, &used, &g, &why), NB_TX_BAD);
        ck_assert_uint_eq(used, 5);
        ck_assert_int_eq(nb_tx_check(r, 4, &used, &g, &why), NB_TX_INCOMPLETE);
        /* extra-info slots that never stop saying MORE: never complete */
        for (int i = 1; i < 24; i++) {
            struct netif_extra_info more = {.flags = XEN_NETIF_EXTRA_FLAG_MORE};

            memcpy(&r[i], &more, sizeof(more));
        }
        ck_assert_uint_eq(nb_tx_extras(r, 24), 24);
        ck_assert_int_eq(nb_tx_check(r, 24, &used, &g, &why), NB_TX_INCOMPLETE);
    }
    /* too many slots: refused, and every slot of it is accounted */
    for (int i = 0; i < 20; i++)
        req(&r[i], 0, 100, i < 19 ? NETTXF_more_data : 0);
    r[0].size = 2000;
    ck_assert_int_eq(nb_tx_check(r, 20, &used, &g, &why), NB_TX_BAD);
    ck_assert_uint_eq(used, 20);
    ck_assert_int_eq(nb_tx_check(r, XEN_NETIF_NR_SLOTS_MIN, &used, &g, &why), NB_TX_INCOMPLETE);
}
END_TEST

/* One GSO request (feature-gso-tcpv4): first fragment, the GSO slot, the other fragments. */
static void gso_packet(netif_tx_request_t *r, unsigned ndata, uint16_t size, uint8_t type)
{
    struct netif_extra_info x = {.type = XEN_NETIF_EXTRA_TYPE_GSO};

    req(&r[0], 0, (uint16_t)(ndata * 1000),
        NETTXF_extra_info | NETTXF_csum_blank | (ndata > 1 ? NETTXF_more_data : 0));
    x.u.gso.size = size;
    x.u.gso.type = type;
    memcpy(&r[1], &x, sizeof(x));
    for (unsigned i = 1; i < ndata; i++)
        req(&r[1 + i], 0, 1000, i + 1 < ndata ? NETTXF_more_data : 0);
}

START_TEST(test_tx_check_gso)
{
    netif_tx_request_t r[24], data[XEN_NETIF_NR_SLOTS_MIN];
    unsigned used;
    struct nb_tx_gso g;
    const char *why = NULL;

    gso_packet(r, 3, 1448, XEN_NETIF_GSO_TYPE_TCPV4);
    ck_assert_int_eq(nb_tx_check(r, 4, &used, &g, &why), NB_TX_OK);
    ck_assert_uint_eq(used, 4);
    ck_assert_uint_eq(g.size, 1448);
    ck_assert_uint_eq(g.type, XEN_NETIF_GSO_TYPE_TCPV4);
    ck_assert_int_eq(nb_tx_check(r, 3, &used, &g, &why), NB_TX_INCOMPLETE);
    ck_assert_uint_eq(nb_tx_data_slots(r, 4, data), 3);
    ck_assert_uint_eq(data[0].size, 3000);
    ck_assert_uint_eq(data[1].size, 1000);
    ck_assert_uint_eq(data[2].flags, 0);
    /* the most a packet may use: 18 data slots and its GSO slot */
    gso_packet(r, XEN_NETIF_NR_SLOTS_MIN, 1448, XEN_NETIF_GSO_TYPE_TCPV4);
    ck_assert_int_eq(nb_tx_check(r, NB_TX_WINDOW, &used, &g, &why), NB_TX_OK);
    ck_assert_uint_eq(used, XEN_NETIF_NR_SLOTS_MIN + 1);
    gso_packet(r, XEN_NETIF_NR_SLOTS_MIN + 1, 1448, XEN_NETIF_GSO_TYPE_TCPV4);
    ck_assert_int_eq(nb_tx_check(r, NB_TX_WINDOW, &used, &g, &why), NB_TX_BAD);
    ck_assert_uint_eq(used, XEN_NETIF_NR_SLOTS_MIN + 2);
    ck_assert_uint_eq(g.size, 0);
    /* TCPv6 (feature-gso-tcpv6) too */
    gso_packet(r, 2, 1448, XEN_NETIF_GSO_TYPE_TCPV6);
    ck_assert_int_eq(nb_tx_check(r, 3, &used, &g, &why), NB_TX_OK);
    ck_assert_uint_eq(g.type, XEN_NETIF_GSO_TYPE_TCPV6);
    /* refused: another GSO type, size 0 or under NB_TX_GSO_MIN, no checksum offload asked */
    gso_packet(r, 2, 1448, XEN_NETIF_GSO_TYPE_NONE);
    ck_assert_int_eq(nb_tx_check(r, 3, &used, &g, &why), NB_TX_BAD);
    ck_assert_uint_eq(used, 3);
    gso_packet(r, 2, 1448, 3);
    ck_assert_int_eq(nb_tx_check(r, 3, &used, &g, &why), NB_TX_BAD);
    gso_packet(r, 2, 0, XEN_NETIF_GSO_TYPE_TCPV4);
    ck_assert_int_eq(nb_tx_check(r, 3, &used, &g, &why), NB_TX_BAD);
    gso_packet(r, 2, NB_TX_GSO_MIN - 1, XEN_NETIF_GSO_TYPE_TCPV4);
    ck_assert_int_eq(nb_tx_check(r, 3, &used, &g, &why), NB_TX_BAD);
    gso_packet(r, 2, NB_TX_GSO_MIN, XEN_NETIF_GSO_TYPE_TCPV4);
    ck_assert_int_eq(nb_tx_check(r, 3, &used, &g, &why), NB_TX_OK);
    gso_packet(r, 2, 1448, XEN_NETIF_GSO_TYPE_TCPV4);
    r[0].flags &= (uint16_t)~NETTXF_csum_blank;
    ck_assert_int_eq(nb_tx_check(r, 3, &used, &g, &why), NB_TX_BAD);
    ck_assert_str_eq(why, "GSO packet without NETTXF_csum_blank");
}
END_TEST

/* A counters file as tern-netback writes it (text and a newline), dir/name. */
static void put_stats_file(const char *dir, const char *name, const char *text)
{
    char path[96];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "%s\n", text);
    fclose(f);
}

/* A vif's counters object with nq queues' packets, as tern-netback writes it. */
static void queues_json(char *buf, size_t len, unsigned domid, unsigned nq)
{
    static const uint64_t tx[] = {493, 2237, 18446744073709551615ull}, rx[] = {1856, 3975, 0};
    struct nb_vif_stats st = {1, 2, 3, 4, 5, 6, 7};

    ck_assert_int_gt(nb_stats_json(buf, len, domid, 0, mac_a, &st), 0);
    if (nq)
        ck_assert_int_gt(nb_stats_json_queues(buf, len, tx, rx, nq), 0);
}

START_TEST(test_stats_json)
{
    struct nb_vif_stats st = {.tx_packets = 3,
                              .tx_bytes = 180,
                              .tx_drops = 1,
                              .tx_spoofed = 2,
                              .rx_packets = 4,
                              .rx_bytes = 18446744073709551615ull};
    char buf[512], tiny[20];
    const char *want = "{\"domid\":7,\"devid\":0,\"mac\":\"00:16:3e:00:00:0a\","
                       "\"tx\":{\"packets\":3,\"bytes\":180,\"drops\":1,\"spoofed\":2},"
                       "\"rx\":{\"packets\":4,\"bytes\":18446744073709551615,\"drops\":0}}";

    ck_assert_int_eq(nb_stats_json(buf, sizeof(buf), 7, 0, mac_a, &st), (int)strlen(want));
    ck_assert_str_eq(buf, want);
    ck_assert_int_eq(nb_stats_json(tiny, sizeof(tiny), 7, 0, mac_a, &st), -1);
    ck_assert_str_eq(tiny, "");
}
END_TEST

START_TEST(test_stats_parse)
{
    struct nb_vif_stats st = {1, 2, 3, 4, 5, 18446744073709551615ull, 7}, got;
    unsigned domid = 0, devid = 0;
    char buf[512], mac[18];
    static const char *bad[] = {
        "",
        "{}",
        "{\"domid\":1,\"devid\":0,\"mac\":\"00:16:3e:00:00:0a\",\"tx\":{\"packets\":1,"
        "\"bytes\":1,\"drops\":1},\"rx\":{\"packets\":1,\"bytes\":1,\"drops\":1}}",
        "{\"domid\":1,\"devid\":0,\"mac\":\"00:16:3e:00:00:0a\",\"tx\":{\"packets\":-1,"
        "\"bytes\":1,\"drops\":1,\"spoofed\":0},\"rx\":{\"packets\":1,\"bytes\":1,\"drops\":1}}",
        "{\"domid\":1,\"devid\":0,\"mac\":\"00:16\",\"tx\":{\"packets\":1,"
        "\"bytes\":1,\"drops\":1,\"spoofed\":0},\"rx\":{\"packets\":1,\"bytes\":1,\"drops\":1}}",
        "{\"domid\":1,\"devid\":0,\"mac\":\"00:16:3e:00:00:0a\",\"tx\":{\"packets\":1,"
        "\"bytes\":99999999999999999999,\"drops\":1,\"spoofed\":0},\"rx\":{\"packets\":1,"
        "\"bytes\":1,\"drops\":1}}",
    };

    ck_assert_int_gt(nb_stats_json(buf, sizeof(buf), 7, 2, mac_a, &st), 0);
    strcat(buf, "\n");
    ck_assert_int_eq(nb_stats_parse(buf, &domid, &devid, mac, &got), 0);
    ck_assert_uint_eq(domid, 7);
    ck_assert_uint_eq(devid, 2);
    ck_assert_str_eq(mac, "00:16:3e:00:00:0a");
    ck_assert_int_eq(memcmp(&got, &st, sizeof(st)), 0);
    /* another order, spaces: the keys are found by name, the nested ones in their object */
    ck_assert_int_eq(nb_stats_parse("{ \"rx\" : {\"drops\": 9, \"bytes\": 8, \"packets\": 7},"
                                    " \"tx\": {\"spoofed\": 4, \"drops\": 3, \"bytes\": 2,"
                                    " \"packets\": 1}, \"mac\": \"00:16:3e:00:00:0b\","
                                    " \"devid\": 1, \"domid\": 3 }",
                                    &domid, &devid, mac, &got),
                     0);
    ck_assert_uint_eq(got.tx_packets, 1);
    ck_assert_uint_eq(got.tx_spoofed, 4);
    ck_assert_uint_eq(got.rx_packets, 7);
    ck_assert_uint_eq(got.rx_drops, 9);
    ck_assert_uint_eq(domid, 3);
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        got = st;
        ck_assert_msg(nb_stats_parse(bad[i], &domid, &devid, mac, &got) == -1, "accepted %s",
                      bad[i]);
        ck_assert_int_eq(memcmp(&got, &st, sizeof(st)), 0);
    }
    ck_assert_int_eq(nb_stats_parse(NULL, &domid, &devid, mac, &got), -1);
}
END_TEST

START_TEST(test_stats_read)
{
    struct nb_vif_stats st = {1, 2, 3, 4, 5, 6, 7}, got = {0};
    char dir[] = "/tmp/check_netback.XXXXXX", path[64], json[512], mac[18];

    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_int_eq(nb_stats_read(dir, 3, 0, mac, &got), -1); /* no file */
    ck_assert_int_gt(nb_stats_json(json, sizeof(json), 3, 0, mac_a, &st), 0);
    put_stats_file(dir, "3.0.json", json);
    ck_assert_int_eq(nb_stats_read(dir, 3, 0, mac, &got), 0);
    ck_assert_int_eq(memcmp(&got, &st, sizeof(st)), 0);
    ck_assert_str_eq(mac, "00:16:3e:00:00:0a");
    /* a file whose contents name another vif is not this one's */
    put_stats_file(dir, "3.1.json", json);
    ck_assert_int_eq(nb_stats_read(dir, 3, 1, mac, &got), -1);
    snprintf(path, sizeof(path), "%s/3.1.json", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/3.0.json", dir);
    unlink(path);
    rmdir(dir);
}
END_TEST

/* A switch's counters: written and read back the same; every malformed form refused. */
START_TEST(test_switch_stats_roundtrip)
{
    struct nb_switch_stats st = {1, 18446744073709551615ull, 3, 4, 5, 6}, got;
    char buf[NB_STATS_FILE_MAX], name[NB_SWITCH_NAME_MAX], kind[NB_SWITCH_KIND_MAX];
    const char *want = "{\"switch\":\"xenbr0\",\"dom0_port\":\"veth\","
                       "\"to_dom0\":{\"packets\":1,\"bytes\":18446744073709551615,\"drops\":3,"
                       "\"held\":6},\"from_dom0\":{\"packets\":4,\"bad\":5}}";

    ck_assert_int_eq(nb_switch_stats_json(buf, sizeof(buf), "xenbr0", "veth", &st),
                     (int)strlen(want));
    ck_assert_str_eq(buf, want);
    ck_assert_int_eq(nb_switch_stats_parse(buf, name, kind, &got), 0);
    ck_assert_str_eq(name, "xenbr0");
    ck_assert_str_eq(kind, "veth");
    ck_assert_int_eq(memcmp(&got, &st, sizeof(st)), 0);
    /* another order, spaces, a final newline; no held (a backend from before the hold): 0 */
    ck_assert_int_eq(nb_switch_stats_parse(" { \"from_dom0\" : {\"bad\": 2, \"packets\": 1},"
                                           " \"to_dom0\": {\"drops\": 0, \"bytes\": 60,"
                                           " \"packets\": 1}, \"dom0_port\": \"tap\","
                                           " \"switch\": \"br-lab\" }\n",
                                           name, kind, &got),
                     0);
    ck_assert_str_eq(name, "br-lab");
    ck_assert_uint_eq(got.from_dom0_bad, 2);
    ck_assert_uint_eq(got.to_dom0_bytes, 60);
    ck_assert_uint_eq(got.to_dom0_held, 0);
    /* names that would need escaping, and a buffer too small: nothing written */
    ck_assert_int_eq(nb_switch_stats_json(buf, sizeof(buf), "a\"b", "tap", &st), -1);
    ck_assert_str_eq(buf, "");
    ck_assert_int_eq(nb_switch_stats_json(buf, sizeof(buf), "a\\b", "tap", &st), -1);
    ck_assert_int_eq(nb_switch_stats_json(buf, sizeof(buf), "xenbr0", "t\tp", &st), -1);
    ck_assert_int_eq(nb_switch_stats_json(buf, 40, "xenbr0", "tap", &st), -1);
    ck_assert_str_eq(buf, "");
}
END_TEST

START_TEST(test_switch_stats_malformed)
{
    static const char *bad[] = {
        "",
        "{}",
        /* a counter missing, negative, too large, not a number, a number with more after it */
        "{\"switch\":\"x\",\"dom0_port\":\"tap\",\"to_dom0\":{\"packets\":1,\"bytes\":2},"
        "\"from_dom0\":{\"packets\":4,\"bad\":5}}",
        "{\"switch\":\"x\",\"dom0_port\":\"tap\",\"to_dom0\":{\"packets\":-1,\"bytes\":2,"
        "\"drops\":3},\"from_dom0\":{\"packets\":4,\"bad\":5}}",
        "{\"switch\":\"x\",\"dom0_port\":\"tap\",\"to_dom0\":{\"packets\":1,\"bytes\":2,"
        "\"drops\":3},\"from_dom0\":{\"packets\":99999999999999999999,\"bad\":5}}",
        "{\"switch\":\"x\",\"dom0_port\":\"tap\",\"to_dom0\":{\"packets\":1,\"bytes\":2,"
        "\"drops\":\"3\"},\"from_dom0\":{\"packets\":4,\"bad\":5}}",
        "{\"switch\":\"x\",\"dom0_port\":\"tap\",\"to_dom0\":{\"packets\":1,\"bytes\":2x,"
        "\"drops\":3},\"from_dom0\":{\"packets\":4,\"bad\":5}}",
        "{\"switch\":\"x\",\"dom0_port\":\"tap\",\"to_dom0\":{\"packets\":1,\"bytes\":2,"
        "\"drops\":3},\"from_dom0\":{\"packets\":4,\"bad\":1.5}}",
        /* the strings: missing, empty, not strings, with an escape, too long */
        "{\"dom0_port\":\"tap\",\"to_dom0\":{\"packets\":1,\"bytes\":2,\"drops\":3},"
        "\"from_dom0\":{\"packets\":4,\"bad\":5}}",
        "{\"switch\":\"\",\"dom0_port\":\"tap\",\"to_dom0\":{\"packets\":1,\"bytes\":2,"
        "\"drops\":3},\"from_dom0\":{\"packets\":4,\"bad\":5}}",
        "{\"switch\":7,\"dom0_port\":\"tap\",\"to_dom0\":{\"packets\":1,\"bytes\":2,"
        "\"drops\":3},\"from_dom0\":{\"packets\":4,\"bad\":5}}",
        "{\"switch\":\"a\\\"b\",\"dom0_port\":\"tap\",\"to_dom0\":{\"packets\":1,\"bytes\":2,"
        "\"drops\":3},\"from_dom0\":{\"packets\":4,\"bad\":5}}",
        "{\"switch\":\"sixteen-chars-xx\",\"dom0_port\":\"tap\",\"to_dom0\":{\"packets\":1,"
        "\"bytes\":2,\"drops\":3},\"from_dom0\":{\"packets\":4,\"bad\":5}}",
        "{\"switch\":\"x\",\"dom0_port\":\"ethernet\",\"to_dom0\":{\"packets\":1,"
        "\"bytes\":2,\"drops\":3},\"from_dom0\":{\"packets\":4,\"bad\":5}}",
        /* held there but not a counter */
        "{\"switch\":\"x\",\"dom0_port\":\"tap\",\"to_dom0\":{\"packets\":1,\"bytes\":2,"
        "\"drops\":3,\"held\":-1},\"from_dom0\":{\"packets\":4,\"bad\":5}}",
        "{\"switch\":\"x\",\"dom0_port\":\"tap\",\"to_dom0\":{\"packets\":1,\"bytes\":2,"
        "\"drops\":3,\"held\":\"7\"},\"from_dom0\":{\"packets\":4,\"bad\":5}}",
        /* an object where a counter's object should be */
        "{\"switch\":\"x\",\"dom0_port\":\"tap\",\"to_dom0\":5,"
        "\"from_dom0\":{\"packets\":4,\"bad\":5}}",
    };
    struct nb_switch_stats st = {1, 2, 3, 4, 5, 6}, got;
    char buf[NB_STATS_FILE_MAX], name[NB_SWITCH_NAME_MAX] = "keep", kind[NB_SWITCH_KIND_MAX] = "k";

    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        got = st;
        ck_assert_msg(nb_switch_stats_parse(bad[i], name, kind, &got) == -1, "accepted %s", bad[i]);
        ck_assert_int_eq(memcmp(&got, &st, sizeof(st)), 0);
        ck_assert_str_eq(name, "keep");
    }
    ck_assert_int_eq(nb_switch_stats_parse(NULL, name, kind, &got), -1);
    /* the file cut anywhere (a short read, a writer that died): never read */
    ck_assert_int_gt(nb_switch_stats_json(buf, sizeof(buf), "xenbr0", "tap", &st), 0);
    for (size_t cut = 0; cut < strlen(buf); cut++) {
        char part[NB_STATS_FILE_MAX];

        memcpy(part, buf, cut);
        part[cut] = '\0';
        ck_assert_msg(nb_switch_stats_parse(part, name, kind, &got) == -1, "accepted %s", part);
    }
}
END_TEST

/* nb_stats_write: the directories made, the text and a newline, no temporary left; a
 * switch file read back through nb_switch_stats_read; none there: -1. */
START_TEST(test_stats_write)
{
    char dir[] = "/tmp/check_netback.XXXXXX", path[128], sub[64], tmp[140];
    struct nb_switch_stats st = {1, 2, 3, 4, 5}, got;
    char json[NB_STATS_FILE_MAX], text[NB_STATS_FILE_MAX + 1], name[NB_SWITCH_NAME_MAX];
    char kind[NB_SWITCH_KIND_MAX];
    size_t n;
    FILE *f;

    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(sub, sizeof(sub), "%s/a/b", dir);
    snprintf(path, sizeof(path), "%s/switch-xenbr0.json", sub);
    ck_assert_int_eq(nb_switch_stats_read(path, name, kind, &got), -1);
    ck_assert_int_gt(nb_switch_stats_json(json, sizeof(json), "xenbr0", "tap", &st), 0);
    ck_assert_int_eq(nb_stats_write(path, json), 0);
    ck_assert_int_eq(nb_switch_stats_read(path, name, kind, &got), 0);
    ck_assert_int_eq(memcmp(&got, &st, sizeof(st)), 0);
    f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    n = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    text[n] = '\0';
    strcat(json, "\n");
    ck_assert_str_eq(text, json);
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    ck_assert_int_eq(access(tmp, F_OK), -1);
    unlink(path);
    rmdir(sub);
    snprintf(sub, sizeof(sub), "%s/a", dir);
    rmdir(sub);
    rmdir(dir);
}
END_TEST

/* The "queues" array read back: as written, absent (an older backend), and every malformed
 * or oversized form refused with -1, never a store past max. */
START_TEST(test_stats_parse_queues)
{
    static const char *bad[] = {
        "{\"queues\":5}",
        "{\"queues\":{\"tx_packets\":1,\"rx_packets\":2}}",
        "{\"queues\":[1,2]}",
        "{\"queues\":[{\"tx_packets\":\"1\",\"rx_packets\":2}]}",
        "{\"queues\":[{\"tx_packets\":-1,\"rx_packets\":2}]}",
        "{\"queues\":[{\"tx_packets\":x,\"rx_packets\":2}]}",
        "{\"queues\":[{\"tx_packets\":99999999999999999999,\"rx_packets\":2}]}",
        "{\"queues\":[{\"tx_packets\":1}]}",
        "{\"queues\":[{\"tx_packets\":1,\"rx_packets\":2}{\"tx_packets\":1,\"rx_packets\":2}]}",
        "{\"queues\":[{\"tx_packets\":1,\"rx_packets\":2},]}",
        "{\"queues\":[{\"tx_packets\":1,\"rx_packets\":2}}",
        "{\"queues\":",
        "",
    };
    uint64_t tx[3], rx[3];
    char buf[1024];
    const char *arr;

    queues_json(buf, sizeof(buf), 1, 2);
    ck_assert_int_eq(nb_stats_parse_queues(buf, tx, rx, 3), 2);
    ck_assert_uint_eq(tx[0], 493);
    ck_assert_uint_eq(rx[0], 1856);
    ck_assert_uint_eq(tx[1], 2237);
    ck_assert_uint_eq(rx[1], 3975);
    ck_assert_int_eq(nb_stats_parse_queues(buf, tx, rx, 2), 2); /* exactly max */
    queues_json(buf, sizeof(buf), 1, 3);
    ck_assert_int_eq(nb_stats_parse_queues(buf, tx, rx, 3), 3);
    ck_assert_uint_eq(tx[2], 18446744073709551615ull);
    /* more queues than max: refused, and nothing stored past max */
    tx[2] = rx[2] = 42;
    ck_assert_int_eq(nb_stats_parse_queues(buf, tx, rx, 2), -1);
    ck_assert_uint_eq(tx[2], 42);
    ck_assert_uint_eq(rx[2], 42);
    ck_assert_int_eq(nb_stats_parse_queues(buf, NULL, NULL, 0), -1);
    /* none: a backend from before multi-queue, or an empty array */
    queues_json(buf, sizeof(buf), 1, 0);
    ck_assert_int_eq(nb_stats_parse_queues(buf, tx, rx, 3), 0);
    ck_assert_int_eq(nb_stats_parse_queues("{\"queues\" : [ ] }", tx, rx, 3), 0);
    /* keys in any order, spaces; "tx_packets" of the rx object is not a queue's */
    ck_assert_int_eq(
        nb_stats_parse_queues("{\"rx\":{\"tx_packets\":9}, \"queues\" : [ {\"rx_packets\""
                              ": 2 , \"tx_packets\":1} , {\"tx_packets\":3,"
                              "\"rx_packets\":4} ] }\n",
                              tx, rx, 3),
        2);
    ck_assert_uint_eq(tx[0], 1);
    ck_assert_uint_eq(rx[0], 2);
    ck_assert_uint_eq(rx[1], 4);
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(nb_stats_parse_queues(bad[i], tx, rx, 3) == -1, "accepted %s", bad[i]);
    ck_assert_int_eq(nb_stats_parse_queues(NULL, tx, rx, 3), -1);
    /* the file cut anywhere inside the array (a short read): never a count */
    queues_json(buf, sizeof(buf), 1, 2);
    arr = strchr(buf, '[');
    ck_assert_ptr_nonnull(arr);
    for (size_t cut = (size_t)(arr - buf) + 1; buf[cut] != ']'; cut++) {
        char part[1024];

        memcpy(part, buf, cut);
        part[cut] = '\0';
        ck_assert_msg(nb_stats_parse_queues(part, tx, rx, 3) == -1, "accepted %s", part);
    }
}
END_TEST

/* The queues of vif domid/devid's file: none without a file or in another vif's. */
START_TEST(test_stats_read_queues)
{
    char dir[] = "/tmp/check_netback.XXXXXX", path[64], json[1024];
    uint64_t tx[4], rx[4];

    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_int_eq(nb_stats_read_queues(dir, 3, 0, tx, rx, 4), -1); /* no file */
    queues_json(json, sizeof(json), 3, 2);
    put_stats_file(dir, "3.0.json", json);
    ck_assert_int_eq(nb_stats_read_queues(dir, 3, 0, tx, rx, 4), 2);
    ck_assert_uint_eq(tx[1], 2237);
    ck_assert_uint_eq(rx[1], 3975);
    put_stats_file(dir, "3.1.json", json); /* names vif 3/0 */
    ck_assert_int_eq(nb_stats_read_queues(dir, 3, 1, tx, rx, 4), -1);
    queues_json(json, sizeof(json), 3, 0);
    put_stats_file(dir, "3.0.json", json);
    ck_assert_int_eq(nb_stats_read_queues(dir, 3, 0, tx, rx, 4), 0);
    strcpy(strrchr(json, '}'), ",\"queues\":[{\"tx_packets\":1}]}");
    put_stats_file(dir, "3.0.json", json);
    ck_assert_int_eq(nb_stats_read_queues(dir, 3, 0, tx, rx, 4), -1);
    for (unsigned i = 0; i < 2; i++) {
        snprintf(path, sizeof(path), "%s/3.%u.json", dir, i);
        unlink(path);
    }
    rmdir(dir);
}
END_TEST

START_TEST(test_vif_path)
{
    struct nb_vif_path v;
    static const char *bad[] = {NULL,
                                "",
                                "/local/domain/0/backend/vif",
                                "/local/domain/0/backend/vif/",
                                "/local/domain/0/backend/vif/3",
                                "/local/domain/0/backend/vif/3/",
                                "/local/domain/0/backend/vifx/3/0",
                                "/local/domain/0/backend/vif/x/0",
                                "/local/domain/0/backend/vif/3/0x",
                                "/local/domain/0/backend/vif/3/0/",
                                "/local/domain/0/backend/vbd/3/0",
                                "/local/domain/0/backend/vif/99999/0"};

    ck_assert_int_eq(nb_vif_path_parse("/local/domain/0/backend/vif/3/0", &v), 0);
    ck_assert_uint_eq(v.domid, 3);
    ck_assert_uint_eq(v.devid, 0);
    ck_assert_str_eq(v.node, "");
    ck_assert_int_eq(nb_vif_path_parse("/local/domain/0/backend/vif/12/1/rate", &v), 0);
    ck_assert_uint_eq(v.domid, 12);
    ck_assert_uint_eq(v.devid, 1);
    ck_assert_str_eq(v.node, "rate");
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(nb_vif_path_parse(bad[i], &v) == -1, "accepted '%s'",
                      bad[i] ? bad[i] : "NULL");
}
END_TEST

/* The backend's own writes need no re-read; what the toolstack writes (or removes) does. */
START_TEST(test_vif_node_is_ours)
{
    static const char *ours[] = {"feature-rx-copy", "feature-sg", "feature-gso-tcpv4",
                                 "multi-queue-max-queues", "hotplug-status"};
    static const char *theirs[] = {"",
                                   "state",
                                   "online",
                                   "rate",
                                   "mac",
                                   "bridge",
                                   "frontend",
                                   "frontend-id",
                                   "script",
                                   "feature",
                                   "multi-queue-num-queues"};

    for (unsigned i = 0; i < sizeof(ours) / sizeof(ours[0]); i++)
        ck_assert_msg(nb_vif_node_is_ours(ours[i]), "'%s' not ours", ours[i]);
    for (unsigned i = 0; i < sizeof(theirs) / sizeof(theirs[0]); i++)
        ck_assert_msg(!nb_vif_node_is_ours(theirs[i]), "'%s' taken as ours", theirs[i]);
}
END_TEST

START_TEST(test_copy_plan)
{
    netif_tx_request_t r[3];
    xengnttab_grant_copy_segment_t seg[3];
    uint8_t buf[9000], frm[1514];
    netif_rx_request_t rq = {.id = 42, .gref = 77};
    netif_rx_response_t rsp;

    req(&r[0], 100, 9000, NETTXF_more_data);
    r[0].gref = 10;
    req(&r[1], 0, 4096, NETTXF_more_data);
    r[1].gref = 11;
    req(&r[2], 8, 4000, 0);
    r[2].gref = 12;
    ck_assert_uint_eq(nb_tx_copy_plan(r, 3, 5, buf, seg), 9000);
    ck_assert_uint_eq(seg[0].len, 904);
    ck_assert_uint_eq(seg[0].source.foreign.ref, 10);
    ck_assert_uint_eq(seg[0].source.foreign.offset, 100);
    ck_assert_uint_eq(seg[0].source.foreign.domid, 5);
    ck_assert_uint_eq(seg[0].flags, GNTCOPY_source_gref);
    ck_assert_ptr_eq(seg[0].dest.virt, buf);
    ck_assert_ptr_eq(seg[1].dest.virt, buf + 904);
    ck_assert_ptr_eq(seg[2].dest.virt, buf + 5000);
    ck_assert_uint_eq(seg[2].source.foreign.offset, 8);
    ck_assert_uint_eq(seg[2].len, 4000);

    ck_assert_int_eq(nb_rx_copy_plan(frm, 1514, &rq, 5, NETRXF_data_validated, seg, &rsp), 0);
    ck_assert_uint_eq(seg[0].dest.foreign.ref, 77);
    ck_assert_uint_eq(seg[0].dest.foreign.domid, 5);
    ck_assert_uint_eq(seg[0].flags, GNTCOPY_dest_gref);
    ck_assert_ptr_eq(seg[0].source.virt, frm);
    ck_assert_uint_eq(rsp.id, 42);
    ck_assert_int_eq(rsp.status, 1514);
    ck_assert_uint_eq(rsp.flags, NETRXF_data_validated);
    ck_assert_int_eq(nb_rx_copy_plan(buf, 4097, &rq, 5, 0, seg, &rsp), -1);
    ck_assert_int_eq(nb_rx_copy_plan(buf, 0, &rq, 5, 0, seg, &rsp), -1);
}
END_TEST

START_TEST(test_ring_pending)
{
    ck_assert_int_eq(nb_ring_pending(5, 5, 5, 256), 0);
    ck_assert_int_eq(nb_ring_pending(10, 5, 3, 256), 5);
    ck_assert_int_eq(nb_ring_pending(256, 0, 0, 256), 256);
    ck_assert_int_eq(nb_ring_pending(257, 0, 0, 256), -1);    /* more than the ring holds */
    ck_assert_int_eq(nb_ring_pending(300, 100, 40, 256), -1); /* 260 unanswered */
    ck_assert_int_eq(nb_ring_pending(4, 5, 5, 256), -1);      /* behind our consumer */
    /* wrap-around of the 32-bit indices */
    ck_assert_int_eq(nb_ring_pending(3, 0xfffffff0u, 0xfffffff0u, 256), 19);
}
END_TEST

/* Ethernet + IPv4 (10.0.0.1 -> 10.0.0.2) + UDP 1234 -> 5678 carrying "hello". */
static size_t udp4_frame(uint8_t *f, uint16_t ethertype)
{
    static const uint8_t ip[20] = {0x45, 0, 0,  33, 0, 0, 0x40, 0, 64, 17,
                                   0,    0, 10, 0,  0, 1, 10,   0, 0,  2};
    static const uint8_t udp[13] = {0x04, 0xd2, 0x16, 0x2e, 0,   13, 0xaa,
                                    0xbb, 'h',  'e',  'l',  'l', 'o'};

    memset(f, 0, 14);
    f[12] = (uint8_t)(ethertype >> 8);
    f[13] = (uint8_t)ethertype;
    memcpy(f + 14, ip, sizeof(ip));
    memcpy(f + 34, udp, sizeof(udp));
    return 14 + 20 + 13;
}

START_TEST(test_csum_fill)
{
    uint8_t f[128];
    size_t len = udp4_frame(f, 0x0800);

    /* whatever the field held (here 0xaabb) is replaced */
    ck_assert_int_eq(nb_csum_fill(f, len + 4), 0); /* Ethernet padding after the packet */
    ck_assert_uint_eq((unsigned)f[40] << 8 | f[41], 0x8cff);
    /* IPv6 link-local ::1 -> ::2, TCP 80 -> 40000, seq 1, ack 2, PSH|ACK, "abc" */
    memset(f, 0, sizeof(f));
    f[12] = 0x86;
    f[13] = 0xdd;
    f[14] = 0x60;
    f[19] = 23; /* payload length */
    f[20] = 6;  /* next header: TCP */
    f[22] = 0xfe;
    f[23] = 0x80;
    f[37] = 1;
    f[38] = 0xfe;
    f[39] = 0x80;
    f[53] = 2;
    {
        static const uint8_t tcp[23] = {0,    80,   0x9c, 0x40, 0,    0,    0, 1, 0,   0,   0,  2,
                                        0x50, 0x18, 2,    0,    0x12, 0x34, 0, 0, 'a', 'b', 'c'};

        memcpy(f + 54, tcp, sizeof(tcp));
    }
    ck_assert_int_eq(nb_csum_fill(f, 54 + 23), 0);
    ck_assert_uint_eq((unsigned)f[70] << 8 | f[71], 0x4fcf);
}
END_TEST

START_TEST(test_csum_refuses)
{
    uint8_t f[128];
    size_t len = udp4_frame(f, 0x0806); /* ARP: no transport checksum */

    ck_assert_int_eq(nb_csum_fill(f, len), -1);
    len = udp4_frame(f, 0x0800);
    ck_assert_int_eq(nb_csum_fill(f, len - 1), -1); /* IP total length beyond the frame */
    f[20] = 0x20;                                   /* more fragments */
    ck_assert_int_eq(nb_csum_fill(f, len), -1);
    len = udp4_frame(f, 0x0800);
    f[23] = 1; /* ICMP */
    ck_assert_int_eq(nb_csum_fill(f, len), -1);
    ck_assert_int_eq(nb_csum_fill(f, 10), -1);
}
END_TEST

/* ---------------------------------------------------------------- gso.c */
/* RFC 1071 written out again here, so the segments are not checked by the code that made them:
 * the one's complement sum of 16-bit big-endian words, folded. */
static unsigned ref_sum(const uint8_t *p, size_t n, unsigned long acc)
{
    for (size_t i = 0; i < n; i++)
        acc += i & 1 ? p[i] : (unsigned long)p[i] << 8;
    while (acc >> 16)
        acc = (acc & 0xffff) + (acc >> 16);
    return (unsigned)acc;
}

static unsigned get16(const uint8_t *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

/* A TCPv4 frame 10.0.0.2:40000 -> 10.0.0.1:5001, seq 0xfffff000 (it wraps), IP id 0xfffe,
 * flags CWR|PSH|ACK|FIN, payload bytes i*7. Returns its length. */
static size_t tcp4_frame(uint8_t *f, unsigned payload)
{
    static const uint8_t hdr[54] = {0x00, 0x16, 0x3e, 0,    0,    1,    0x00, 0x16, 0x3e, 0,    0,
                                    2,    0x08, 0x00, 0x45, 0,    0,    0,    0xff, 0xfe, 0x40, 0,
                                    64,   6,    0,    0,    10,   0,    0,    2,    10,   0,    0,
                                    1,    0x9c, 0x40, 0x13, 0x89, 0xff, 0xff, 0xf0, 0x00, 0,    0,
                                    0,    1,    0x50, 0x99, 0x10, 0,    0xde, 0xad, 0,    0};

    memcpy(f, hdr, sizeof(hdr));
    f[16] = (uint8_t)((20 + 20 + payload) >> 8);
    f[17] = (uint8_t)(20 + 20 + payload);
    for (unsigned i = 0; i < payload; i++)
        f[54 + i] = (uint8_t)(i * 7);
    return 54 + payload;
}

struct segs {
    unsigned n, len[8];
    uint8_t data[8][1600];
};

static void keep(void *arg, const uint8_t *seg, unsigned len)
{
    struct segs *s = arg;

    ck_assert_uint_lt(s->n, 8);
    memcpy(s->data[s->n], seg, len);
    s->len[s->n++] = len;
}

/* Parses frame f (its TCP header expected at l4, its payload at hdr_len, the IP packet to the
 * frame's end) into *h and cuts it into segments of 1000 payload bytes kept in *s. Returns
 * their number. */
static int segment_1000(const uint8_t *f, size_t len, unsigned l4, unsigned hdr_len,
                        struct nb_gso_hdr *h, struct segs *s)
{
    static uint8_t buf[2048];

    ck_assert_int_eq(nb_gso_parse(f, len, h), 0);
    ck_assert_uint_eq(h->l4, l4);
    ck_assert_uint_eq(h->hdr_len, hdr_len);
    ck_assert_uint_eq(h->end, len);
    memset(s, 0, sizeof(*s));
    return nb_gso_segment(f, h, 1000, buf, sizeof(buf), keep, s);
}

START_TEST(test_gso_segment)
{
    static uint8_t f[4000], buf[2048];
    static struct segs s;
    struct nb_gso_hdr h;
    size_t len = tcp4_frame(f, 2500);
    unsigned off = 0;

    ck_assert_int_eq(segment_1000(f, len, 34, 54, &h, &s), 3);
    ck_assert_uint_eq(s.len[0], 54 + 1000);
    ck_assert_uint_eq(s.len[2], 54 + 500);
    for (unsigned k = 0; k < 3; k++) {
        const uint8_t *g = s.data[k], *ip = g + 14, *tcp = g + 34;
        unsigned plen = s.len[k] - 54;
        uint32_t seq = (uint32_t)get16(tcp + 4) << 16 | get16(tcp + 6);

        ck_assert_uint_eq(get16(ip + 2), 40 + plen);
        ck_assert_uint_eq(get16(ip + 4), (0xfffe + k) & 0xffff); /* the id wraps too */
        ck_assert_uint_eq(ref_sum(ip, 20, 0), 0xffff);           /* header checksum */
        ck_assert_uint_eq(seq, 0xfffff000u + 1000 * k);
        ck_assert_uint_eq(tcp[13] & 0x01, k == 2 ? 0x01 : 0); /* FIN on the last only */
        ck_assert_uint_eq(tcp[13] & 0x08, k == 2 ? 0x08 : 0); /* PSH too */
        ck_assert_uint_eq(tcp[13] & 0x80, k == 0 ? 0x80 : 0); /* CWR on the first only */
        ck_assert_uint_eq(tcp[13] & 0x10, 0x10);              /* ACK on all */
        /* TCP checksum over pseudo-header (addresses, protocol, length) and segment */
        ck_assert_uint_eq(ref_sum(tcp, 20 + plen, ref_sum(ip + 12, 8, 6 + 20 + plen)), 0xffff);
        ck_assert_int_eq(memcmp(g + 54, f + 54 + off, plen), 0);
        off += plen;
    }
    ck_assert_uint_eq(off, 2500);
    /* a segment that does not fit the buffer, a zero MSS: nothing emitted */
    memset(&s, 0, sizeof(s));
    ck_assert_int_eq(nb_gso_segment(f, &h, 3000, buf, sizeof(buf), keep, &s), -1);
    ck_assert_int_eq(nb_gso_segment(f, &h, 0, buf, sizeof(buf), keep, &s), -1);
    ck_assert_uint_eq(s.n, 0);
}
END_TEST

START_TEST(test_gso_parse_refuses)
{
    static uint8_t f[200];
    struct nb_gso_hdr h;
    size_t len = tcp4_frame(f, 100);

    ck_assert_int_eq(nb_gso_parse(f, len - 1, &h), -1); /* IP length beyond the frame */
    f[23] = 17;                                         /* UDP */
    ck_assert_int_eq(nb_gso_parse(f, len, &h), -1);
    len = tcp4_frame(f, 100);
    f[20] = 0x20; /* a fragment */
    ck_assert_int_eq(nb_gso_parse(f, len, &h), -1);
    len = tcp4_frame(f, 100);
    f[46] = 0xf0; /* TCP header of 60 bytes, beyond the packet's 40 + 100? no: 34 + 60 <= 154 */
    ck_assert_int_eq(nb_gso_parse(f, len, &h), 0);
    ck_assert_uint_eq(h.hdr_len, 94);
    f[16] = 0;
    f[17] = 60; /* IP total 60: the 60-byte TCP header does not fit */
    ck_assert_int_eq(nb_gso_parse(f, len, &h), -1);
    len = tcp4_frame(f, 100);
    f[12] = 0x86; /* IPv6 ethertype on an IPv4 packet */
    f[13] = 0xdd;
    ck_assert_int_eq(nb_gso_parse(f, len, &h), -1);
}
END_TEST

/* The same TCP segment over IPv6 (2001:db8::2 -> 2001:db8::1); next_header as given. */
static size_t tcp6_frame(uint8_t *f, unsigned payload, uint8_t next_header)
{
    uint8_t v4[54];

    tcp4_frame(v4, 0);
    memset(f, 0, 74);
    memcpy(f, v4, 12);
    f[12] = 0x86, f[13] = 0xdd;
    f[14] = 0x60;
    f[18] = (uint8_t)((20 + payload) >> 8);
    f[19] = (uint8_t)(20 + payload);
    f[20] = next_header;
    f[21] = 64;
    f[22] = 0x20, f[23] = 0x01, f[24] = 0x0d, f[25] = 0xb8, f[37] = 2;
    f[38] = 0x20, f[39] = 0x01, f[40] = 0x0d, f[41] = 0xb8, f[53] = 1;
    memcpy(f + 54, v4 + 34, 20);
    for (unsigned i = 0; i < payload; i++)
        f[74 + i] = (uint8_t)(i * 7);
    return 74 + payload;
}

/* TCPv6 segments: each with its own payload length, sequence number and TCP checksum over
 * IPv6's pseudo-header (32 bytes of addresses); no IPv4 fields touched. */
START_TEST(test_gso_segment_v6)
{
    static uint8_t f[4000];
    static struct segs s;
    struct nb_gso_hdr h;
    size_t len = tcp6_frame(f, 2500, 6);
    unsigned off = 0;

    ck_assert_int_eq(segment_1000(f, len, 54, 74, &h, &s), 3);
    ck_assert(h.v6);
    ck_assert_uint_eq(s.len[2], 74 + 500);
    for (unsigned k = 0; k < 3; k++) {
        const uint8_t *g = s.data[k], *ip = g + 14, *tcp = g + 54;
        unsigned plen = s.len[k] - 74;
        uint32_t seq = (uint32_t)get16(tcp + 4) << 16 | get16(tcp + 6);

        ck_assert_uint_eq(get16(ip + 4), 20 + plen);
        ck_assert_int_eq(memcmp(ip + 6, f + 20, 34), 0); /* next header, hops, addresses */
        ck_assert_uint_eq(seq, 0xfffff000u + 1000 * k);
        ck_assert_uint_eq(tcp[13] & 0x01, k == 2 ? 0x01 : 0);
        ck_assert_uint_eq(ref_sum(tcp, 20 + plen, ref_sum(ip + 8, 32, 6 + 20 + plen)), 0xffff);
        ck_assert_int_eq(memcmp(g + 74, f + 74 + off, plen), 0);
        off += plen;
    }
    ck_assert_uint_eq(off, 2500);
    /* the pseudo-header sum of the whole frame, as a TCPv6 GSO frame carries it */
    nb_gso_set_pseudo(f, &h);
    ck_assert_uint_eq(get16(f + 70), ref_sum(f + 22, 32, 6 + 20 + 2500));
    /* refused: a routing or fragment header before TCP, the payload length beyond the frame */
    len = tcp6_frame(f, 100, 43);
    ck_assert_int_eq(nb_gso_parse(f, len, &h), -1);
    len = tcp6_frame(f, 100, 44);
    ck_assert_int_eq(nb_gso_parse(f, len, &h), -1);
    len = tcp6_frame(f, 100, 6);
    ck_assert_int_eq(nb_gso_parse(f, len - 1, &h), -1);
}
END_TEST

/* tcp6_frame with n extension headers of 8 bytes between the IPv6 header and TCP, of the
 * types in ext (the first named by the IPv6 header, each naming the next, the last TCP). */
static size_t tcp6_ext_frame(uint8_t *f, unsigned payload, const uint8_t *ext, unsigned n)
{
    size_t len = tcp6_frame(f, payload, n ? ext[0] : 6);
    unsigned plen = 20 + payload + 8 * n;

    memmove(f + 54 + 8 * n, f + 54, len - 54);
    memset(f + 54, 0, 8 * n);
    for (unsigned i = 0; i < n; i++)
        f[54 + 8 * i] = i + 1 < n ? ext[i + 1] : 6;
    f[18] = (uint8_t)(plen >> 8);
    f[19] = (uint8_t)plen;
    return len + 8 * n;
}

/* The walk to IPv6's upper layer: hop-by-hop and destination options only, at most 4, every
 * length inside both the frame and the payload length. */
START_TEST(test_ipv6_upper)
{
    static const uint8_t hop_dst[] = {0, 60}, hop_rt[] = {0, 43}, frag[] = {44};
    static const uint8_t four[] = {0, 60, 60, 60}, five[] = {0, 60, 60, 60, 60};
    static uint8_t f[400];
    unsigned proto = 0;
    size_t len = tcp6_ext_frame(f, 100, NULL, 0);

    ck_assert_int_eq(nb_ipv6_upper(f + 14, len - 14, &proto), 40);
    ck_assert_uint_eq(proto, 6);
    ck_assert_int_eq(nb_ipv6_upper(f + 14, 39, &proto), -1);           /* no whole header */
    ck_assert_int_eq(nb_ipv6_upper(f + 14, len - 14 - 1, &proto), -1); /* payload beyond */
    len = tcp6_ext_frame(f, 100, hop_dst, 2);
    proto = 0;
    ck_assert_int_eq(nb_ipv6_upper(f + 14, len - 14, &proto), 56);
    ck_assert_uint_eq(proto, 6);
    len = tcp6_ext_frame(f, 100, four, 4);
    ck_assert_int_eq(nb_ipv6_upper(f + 14, len - 14, &proto), 72);
    len = tcp6_ext_frame(f, 100, five, 5);
    ck_assert_int_eq(nb_ipv6_upper(f + 14, len - 14, &proto), -1);
    len = tcp6_ext_frame(f, 100, hop_rt, 2); /* routing: another destination */
    ck_assert_int_eq(nb_ipv6_upper(f + 14, len - 14, &proto), -1);
    len = tcp6_ext_frame(f, 100, frag, 1); /* fragment: no whole segment */
    ck_assert_int_eq(nb_ipv6_upper(f + 14, len - 14, &proto), -1);
    /* an options header running past the payload length, though the frame goes on (padding) */
    len = tcp6_ext_frame(f, 0, hop_dst + 1, 1);
    ck_assert_int_eq(nb_ipv6_upper(f + 14, len - 14, &proto), 48);
    f[55] = 3; /* 32 bytes: 40 + 32 > 40 + 28 */
    ck_assert_int_eq(nb_ipv6_upper(f + 14, sizeof(f) - 14, &proto), -1);
    f[19] = 0; /* payload length 0: not even the options header's first two bytes */
    f[55] = 0;
    ck_assert_int_eq(nb_ipv6_upper(f + 14, sizeof(f) - 14, &proto), -1);
    f[14] = 0x45; /* not IPv6 */
    ck_assert_int_eq(nb_ipv6_upper(f + 14, sizeof(f) - 14, &proto), -1);
}
END_TEST

/* A TCPv6 GSO frame with a hop-by-hop header: made partial at TCP after it, and cut into
 * segments whose payload length counts the 8 bytes of options and whose TCP checksum (the
 * pseudo-header's length the TCP part's) verifies. */
START_TEST(test_gso_segment_v6_ext)
{
    static const uint8_t hop[] = {0};
    static uint8_t f[4000];
    static struct segs s;
    struct nb_gso_hdr h;
    struct nb_offload o;
    size_t len = tcp6_ext_frame(f, 3000, hop, 1);
    unsigned off = 0;

    ck_assert_int_eq(nb_gso_frame(f, len, 1000, NB_GSO_TCPV6, &o), 0);
    ck_assert_uint_eq(o.gso_size, 1000);
    ck_assert_uint_eq(o.csum_start, 62);
    ck_assert_int_eq(segment_1000(f, len, 62, 82, &h, &s), 3);
    for (unsigned k = 0; k < 3; k++) {
        const uint8_t *g = s.data[k], *ip = g + 14, *tcp = g + 62;
        unsigned plen = s.len[k] - 82;
        uint32_t seq = (uint32_t)get16(tcp + 4) << 16 | get16(tcp + 6);

        ck_assert_uint_eq(plen, 1000);
        ck_assert_uint_eq(get16(ip + 4), 8 + 20 + plen);
        ck_assert_int_eq(memcmp(ip + 6, f + 20, 34 + 8), 0); /* addresses, the options */
        ck_assert_uint_eq(seq, 0xfffff000u + 1000 * k);
        ck_assert_uint_eq(ref_sum(tcp, 20 + plen, ref_sum(ip + 8, 32, 6 + 20 + plen)), 0xffff);
        ck_assert_int_eq(memcmp(g + 82, f + 82 + off, plen), 0);
        off += plen;
    }
    ck_assert_uint_eq(off, 3000);
}
END_TEST

/* An IPv6 checksum found after hop-by-hop and destination options headers (netfront's own
 * checksum setup walks them too); a routing or fragment header is refused. */
START_TEST(test_csum_ipv6_ext)
{
    static uint8_t f[400], g[400];
    unsigned start, offset;
    size_t len = tcp6_frame(f, 100, 6);

    /* insert 8 bytes of hop-by-hop then 16 of destination options before TCP */
    memcpy(g, f, 54);
    g[20] = 0;             /* hop-by-hop */
    g[54] = 60, g[55] = 0; /* next: destination options; 8 bytes */
    g[62] = 6, g[63] = 1;  /* next: TCP; 16 bytes */
    memcpy(g + 78, f + 54, len - 54);
    g[19] = (uint8_t)(f[19] + 24);
    ck_assert_int_eq(nb_csum_locate(g, len + 24, &start, &offset), 0);
    ck_assert_uint_eq(start, 78);
    ck_assert_uint_eq(offset, 16);
    ck_assert_int_eq(nb_csum_fill(g, len + 24), 0);
    ck_assert_uint_eq(ref_sum(g + 78, 120, ref_sum(g + 22, 32, 6 + 120)), 0xffff);
    g[62] = 43; /* then a routing header */
    ck_assert_int_eq(nb_csum_locate(g, len + 24, &start, &offset), -1);
    g[62] = 44; /* a fragment */
    ck_assert_int_eq(nb_csum_locate(g, len + 24, &start, &offset), -1);
    g[62] = 6;
    g[63] = 200; /* options longer than the packet */
    ck_assert_int_eq(nb_csum_locate(g, len + 24, &start, &offset), -1);
}
END_TEST

/* A partial checksum (pseudo-header sum in the field, as a GSO frame carries it) completed
 * over the segment gives the checksum computed from scratch. */
START_TEST(test_partial_checksum)
{
    static uint8_t a[1600], b[1600];
    struct nb_gso_hdr h;
    size_t len = tcp4_frame(a, 1001);

    memcpy(b, a, len);
    ck_assert_int_eq(nb_gso_parse(a, len, &h), 0);
    nb_gso_set_pseudo(a, &h);
    ck_assert_uint_eq(get16(a + 50), ref_sum(a + 26, 8, 6 + 20 + 1001));
    ck_assert_int_eq(nb_csum_complete(a, len, h.l4, 16), 0);
    ck_assert_int_eq(nb_csum_fill(b, len), 0);
    ck_assert_uint_eq(get16(a + 50), get16(b + 50));
    ck_assert_uint_eq(ref_sum(a + 34, 20 + 1001, ref_sum(a + 26, 8, 6 + 20 + 1001)), 0xffff);
    ck_assert_int_eq(nb_csum_complete(a, len, h.l4, len - h.l4 - 1), -1); /* field outside */
    ck_assert_int_eq(nb_csum_complete(a, len, len, 0), -1);
}
END_TEST

/* The per-queue packet counts added to a vif's counters object; a buffer too small leaves the
 * object as it was. */
START_TEST(test_stats_json_queues)
{
    static const uint8_t mac[6] = {0, 0x16, 0x3e, 0, 0, 1};
    struct nb_vif_stats st = {0};
    uint64_t tx[2] = {5, 6}, rx[2] = {7, 8};
    char buf[512], small[160];
    struct nb_vif_stats got;
    unsigned domid, devid;
    char m[18];
    int n;

    ck_assert_int_gt(nb_stats_json(buf, sizeof(buf), 1, 0, mac, &st), 0);
    n = nb_stats_json_queues(buf, sizeof(buf), tx, rx, 2);
    ck_assert_int_eq(n, (int)strlen(buf));
    ck_assert_ptr_nonnull(strstr(buf, ",\"queues\":[{\"tx_packets\":5,\"rx_packets\":7},"
                                      "{\"tx_packets\":6,\"rx_packets\":8}]}"));
    ck_assert_int_eq(nb_stats_parse(buf, &domid, &devid, m, &got), 0); /* still readable */
    ck_assert_int_gt(nb_stats_json(small, sizeof(small), 1, 0, mac, &st), 0);
    strcpy(buf, small);
    ck_assert_int_eq(nb_stats_json_queues(small, sizeof(small), tx, rx, 2), -1);
    ck_assert_str_eq(small, buf);
}
END_TEST

/* A queue's event channels: one (event-channel) or split (event-channel-tx/-rx), and every
 * mix a hostile frontend could write refused with a reason. */
START_TEST(test_qchannels)
{
    struct nb_qchannels ch;
    const char *why = NULL;

    ck_assert_int_eq(nb_qchannels_parse(7, -1, -1, 1, &ch, &why), 0);
    ck_assert_uint_eq(ch.tx, 7);
    ck_assert_uint_eq(ch.rx, 7);
    ck_assert_int_eq(ch.split, 0);
    ck_assert_int_eq(nb_qchannels_parse(-1, 8, 9, 1, &ch, &why), 0);
    ck_assert_uint_eq(ch.tx, 8);
    ck_assert_uint_eq(ch.rx, 9);
    ck_assert_int_eq(ch.split, 1);
    /* split form when not offered, both forms, half of the split form, bad ports */
    ck_assert_int_eq(nb_qchannels_parse(-1, 8, 9, 0, &ch, &why), -1);
    ck_assert_ptr_nonnull(strstr(why, "not offered"));
    ck_assert_int_eq(nb_qchannels_parse(7, 8, 9, 1, &ch, &why), -1);
    ck_assert_ptr_nonnull(strstr(why, "both"));
    ck_assert_int_eq(nb_qchannels_parse(-1, 8, -1, 1, &ch, &why), -1);
    ck_assert_int_eq(nb_qchannels_parse(-1, -1, 9, 1, &ch, &why), -1);
    ck_assert_int_eq(nb_qchannels_parse(-1, 0, 9, 1, &ch, &why), -1);
    ck_assert_int_eq(nb_qchannels_parse(-1, -1, -1, 1, &ch, &why), -1);
    ck_assert_ptr_nonnull(strstr(why, "event-channel missing"));
    ck_assert_int_eq(nb_qchannels_parse(0, -1, -1, 1, &ch, &why), -1);
    ck_assert_int_eq(nb_qchannels_parse(1L << 40, -1, -1, 1, &ch, &why), -1);
}
END_TEST

/* multi-queue-num-queues: 1..max (absent reads as 1), else refused; where queue nodes are. */
START_TEST(test_num_queues)
{
    const char *why = NULL;
    char dir[64];

    ck_assert_int_eq(nb_num_queues(1, NB_MAX_QUEUES, &why), 1);
    ck_assert_int_eq(nb_num_queues(NB_MAX_QUEUES, NB_MAX_QUEUES, &why), NB_MAX_QUEUES);
    ck_assert_int_eq(nb_num_queues(0, NB_MAX_QUEUES, &why), -1);
    ck_assert_ptr_nonnull(why);
    ck_assert_int_eq(nb_num_queues(NB_MAX_QUEUES + 1, NB_MAX_QUEUES, &why), -1);
    ck_assert_int_eq(nb_num_queues(1000, NB_MAX_QUEUES, &why), -1);
    ck_assert_int_eq(nb_num_queues(-1, NB_MAX_QUEUES, &why), -1);
    nb_queue_dir(dir, sizeof(dir), "/fe", 1, 0);
    ck_assert_str_eq(dir, "/fe");
    nb_queue_dir(dir, sizeof(dir), "/fe", 2, 1);
    ck_assert_str_eq(dir, "/fe/queue-1");
}
END_TEST

/* The RX queue of a frame: the same for every frame of a flow whatever its payload, spread
 * over the queues by ports, and in range for short and non-IP frames. */
START_TEST(test_flow_queue)
{
    uint8_t f[14 + 20 + 20 + 8];
    unsigned seen[NB_MAX_QUEUES] = {0}, q0;

    memset(f, 0, sizeof(f));
    f[12] = 0x08;
    f[14] = 0x45;
    f[14 + 9] = 6;
    f[14 + 12] = 10, f[14 + 15] = 1;
    f[14 + 16] = 10, f[14 + 19] = 2;
    q0 = nb_flow_queue(f, sizeof(f), NB_MAX_QUEUES);
    f[14 + 20 + 4] = 0x55; /* a different sequence number: the same flow */
    f[sizeof(f) - 1] = 0xaa;
    ck_assert_uint_eq(nb_flow_queue(f, sizeof(f), NB_MAX_QUEUES), q0);
    for (unsigned port = 0; port < 64; port++) {
        f[14 + 20 + 1] = (uint8_t)port; /* the source port */
        seen[nb_flow_queue(f, sizeof(f), NB_MAX_QUEUES)]++;
    }
    for (unsigned q = 0; q < NB_MAX_QUEUES; q++)
        ck_assert_uint_gt(seen[q], 0);
    /* a non-first fragment: its ports are payload, so only the addresses count */
    f[14 + 6] = 0x00, f[14 + 7] = 0x10;
    q0 = nb_flow_queue(f, sizeof(f), NB_MAX_QUEUES);
    f[14 + 20 + 1] = 0x99;
    ck_assert_uint_eq(nb_flow_queue(f, sizeof(f), NB_MAX_QUEUES), q0);
    ck_assert_uint_eq(nb_flow_queue(f, sizeof(f), 1), 0);
    ck_assert_uint_lt(nb_flow_queue(f, 10, 3), 3);
    ck_assert_uint_lt(nb_flow_queue(f, 15, 3), 3);
    f[12] = 0x86, f[13] = 0xdd; /* IPv6 claimed, frame too short for its header */
    ck_assert_uint_lt(nb_flow_queue(f, 20, 3), 3);
    ck_assert_uint_lt(nb_flow_queue(f, sizeof(f), 3), 3);
}
END_TEST

/* IPv6 with a destination options header: the ports after it are hashed (one flow, one
 * queue, the same as without the header; many flows spread); a routing header stops the walk
 * and the flow hashes on its addresses only. */
START_TEST(test_flow_queue_ipv6_ext)
{
    static const uint8_t dst[] = {60}, rt[] = {43};
    static uint8_t f[200], g[200];
    unsigned seen[NB_MAX_QUEUES] = {0}, q0, len = (unsigned)tcp6_ext_frame(f, 10, dst, 1);

    q0 = nb_flow_queue(f, len, NB_MAX_QUEUES);
    f[62 + 4] = 0x55; /* another sequence number and payload: the same flow */
    f[len - 1] = 0xaa;
    ck_assert_uint_eq(nb_flow_queue(f, len, NB_MAX_QUEUES), q0);
    ck_assert_uint_eq(nb_flow_queue(g, (unsigned)tcp6_frame(g, 10, 6), NB_MAX_QUEUES), q0);
    for (unsigned port = 0; port < 64; port++) {
        f[62 + 1] = (uint8_t)port; /* the source port */
        seen[nb_flow_queue(f, len, NB_MAX_QUEUES)]++;
    }
    for (unsigned q = 0; q < NB_MAX_QUEUES; q++)
        ck_assert_uint_gt(seen[q], 0);
    len = (unsigned)tcp6_ext_frame(f, 10, rt, 1);
    q0 = nb_flow_queue(f, len, NB_MAX_QUEUES);
    for (unsigned port = 0; port < 64; port++) {
        f[62 + 1] = (uint8_t)port;
        ck_assert_uint_eq(nb_flow_queue(f, len, NB_MAX_QUEUES), q0);
    }
}
END_TEST

/* /proc/interrupts lines are matched on their last field exactly, and only numbered lines
 * count (IPI0:, Err: are not IRQs); more than max are not stored. */
START_TEST(test_irqs_named)
{
    const char *text = "           CPU0       CPU1       \n"
                       " 11:       4065       3954     GICv3  27 Level     arch_timer\n"
                       " 63:         10          0  xen-dyn    -edge      evtchn:tern-netback\n"
                       " 64:          0         12  xen-dyn    -edge      evtchn:tern-blkback\n"
                       " 65:          3          1  xen-dyn    -edge      xevtchn:tern-netback\n"
                       "IPI0:       100        200       Rescheduling interrupts\n"
                       "1066:         0          7  xen-dyn    -edge      evtchn:tern-netback  \n"
                       "Err:          0\n"
                       " 70:          0          0  xen-dyn    -edge      evtchn:tern-netback";
    unsigned irqs[4] = {0}, one[1];

    ck_assert_uint_eq(nb_irqs_named(text, "evtchn:tern-netback", irqs, 4), 3);
    ck_assert_uint_eq(irqs[0], 63);
    ck_assert_uint_eq(irqs[1], 1066);
    ck_assert_uint_eq(irqs[2], 70);
    ck_assert_uint_eq(nb_irqs_named(text, "evtchn:tern-netback", one, 1), 1);
    ck_assert_uint_eq(one[0], 63);
    ck_assert_uint_eq(nb_irqs_named(text, "evtchn:xenstored", irqs, 4), 0);
    ck_assert_uint_eq(nb_irqs_named("", "evtchn:tern-netback", irqs, 4), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("netback");
    TCase *tc = tcase_create("rate");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_parse_units);
    tcase_add_test(tc, test_parse_errors);
    tcase_add_test(tc, test_bucket);
    tcase_add_test(tc, test_bucket_live_change);
    tcase_add_test(tc, test_bucket_steady_rate);
    suite_add_tcase(s, tc);
    tc = tcase_create("switch");
    tcase_add_test(tc, test_switch_learn_forward);
    tcase_add_test(tc, test_switch_full_table);
    tcase_add_test(tc, test_antispoof_and_mac);
    suite_add_tcase(s, tc);
    tc = tcase_create("tx");
    tcase_add_test(tc, test_tx_check);
    tcase_add_test(tc, test_tx_check_gso);
    tcase_add_test(tc, test_stats_json);
    tcase_add_test(tc, test_stats_parse);
    tcase_add_test(tc, test_stats_read);
    tcase_add_test(tc, test_switch_stats_roundtrip);
    tcase_add_test(tc, test_switch_stats_malformed);
    tcase_add_test(tc, test_stats_write);
    tcase_add_test(tc, test_vif_path);
    tcase_add_test(tc, test_vif_node_is_ours);
    tcase_add_test(tc, test_copy_plan);
    tcase_add_test(tc, test_ring_pending);
    tcase_add_test(tc, test_csum_fill);
    tcase_add_test(tc, test_csum_refuses);
    tcase_add_test(tc, test_log_limit);
    suite_add_tcase(s, tc);
    tc = tcase_create("gso");
    tcase_add_test(tc, test_gso_segment);
    tcase_add_test(tc, test_gso_parse_refuses);
    tcase_add_test(tc, test_gso_segment_v6);
    tcase_add_test(tc, test_ipv6_upper);
    tcase_add_test(tc, test_gso_segment_v6_ext);
    tcase_add_test(tc, test_csum_ipv6_ext);
    tcase_add_test(tc, test_partial_checksum);
    suite_add_tcase(s, tc);
    tc = tcase_create("queues");
    tcase_add_test(tc, test_qchannels);
    tcase_add_test(tc, test_stats_json_queues);
    tcase_add_test(tc, test_stats_parse_queues);
    tcase_add_test(tc, test_stats_read_queues);
    tcase_add_test(tc, test_num_queues);
    tcase_add_test(tc, test_flow_queue);
    tcase_add_test(tc, test_flow_queue_ipv6_ext);
    tcase_add_test(tc, test_irqs_named);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
