/*
 * tern.blk=good|hostile (see blkfront.h): the well-behaved disk user and the attacker.
 */
#include <tg/console.h>
#include <tg/events.h>
#include <tg/xenstore.h>
#include <xen/io/xenbus.h>
#include "blkfront.h"

#define WAIT_MS     20000
#define GOOD_BLOCKS 64 /* blocks of GOOD_PAGES pages at the start of the disk */
#define GOOD_PAGES  4
#define GOOD_SECTS  (GOOD_PAGES * PAGE_SIZE / 512)
/* a bound on a forgotten run: dom0 normally ends it with data/blk-stop */
#define GOOD_MAX_MS (30 * 60 * 1000)

static uint32_t written[GOOD_BLOCKS]; /* round that last wrote each block (0: none) */

static uint64_t word(uint32_t round, unsigned block, unsigned i)
{
    return ((uint64_t)round << 32) ^ ((uint64_t)block << 20) ^ i ^ 0x5a5a000000000000ull;
}

static void fill(struct blkfront *bf, uint32_t round, unsigned block)
{
    for (unsigned p = 0; p < GOOD_PAGES; p++) {
        uint64_t *w = (uint64_t *)bf->data[p];

        for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
            w[i] = word(round, block, p * (PAGE_SIZE / 8) + i);
    }
}

static bool matches(struct blkfront *bf, uint32_t round, unsigned block)
{
    for (unsigned p = 0; p < GOOD_PAGES; p++) {
        const uint64_t *w = (const uint64_t *)bf->data[p];

        for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
            if (w[i] != word(round, block, p * (PAGE_SIZE / 8) + i))
                return false;
    }
    return true;
}

static void clear(struct blkfront *bf)
{
    for (unsigned p = 0; p < GOOD_PAGES; p++)
        memset(bf->data[p], 0, PAGE_SIZE);
}

/* One round: write the block, read it back, compare. */
static bool good_round(struct blkfront *bf, uint32_t round)
{
    unsigned block = round % GOOD_BLOCKS;
    uint64_t sector = (uint64_t)block * GOOD_SECTS;

    fill(bf, round, block);
    if (bf_rw(bf, BLKIF_OP_WRITE, sector, GOOD_PAGES, WAIT_MS) != BLKIF_RSP_OKAY)
        return false;
    written[block] = round;
    clear(bf);
    return bf_rw(bf, BLKIF_OP_READ, sector, GOOD_PAGES, WAIT_MS) == BLKIF_RSP_OKAY &&
           matches(bf, round, block);
}

static void good(struct blkfront *bf)
{
    uint64_t end = now_ms() + GOOD_MAX_MS;
    unsigned long stop = 0, errors = 0, verified = 0, bad = 0;
    uint32_t round = 1;

    for (; now_ms() < end; round++) {
        errors += !good_round(bf, round);
        if (round % 32 == 0) {
            printk("TERN-BLK good rounds=%u errors=%lu\n", round, errors);
            if (xs_read_ulong("data/blk-stop", &stop) && stop)
                break;
        }
    }
    for (unsigned b = 0; b < GOOD_BLOCKS; b++) {
        if (!written[b])
            continue;
        clear(bf);
        verified++;
        if (bf_rw(bf, BLKIF_OP_READ, (uint64_t)b * GOOD_SECTS, GOOD_PAGES, WAIT_MS) !=
                BLKIF_RSP_OKAY ||
            !matches(bf, written[b], b))
            bad++;
    }
    printk("TERN-BLK-GOOD rounds=%u errors=%lu verified=%lu bad=%lu\n", round, errors, verified,
           bad);
}

void blkfront_run(const char *mode, unsigned long devid)
{
    static struct blkfront bf;
    int rc = bf_init(&bf, devid), s;

    if (rc) {
        printk("TERN-BLK-ERROR no usable device/vbd/%lu (%d)\n", devid, rc);
        return;
    }
    s = bf_connect(&bf, NULL, 60000);
    if (s != XenbusStateConnected) {
        printk("TERN-BLK-ERROR the backend %s did not connect (state %d)\n", bf.be, s);
        return;
    }
    printk("TERN-BLK connected sectors=%lu ring=%u backend=%s\n", bf.sectors,
           (unsigned)RING_SIZE(&bf.ring), bf.be);
    if (!strcmp(mode, "good")) {
        good(&bf);
    } else if (!strcmp(mode, "hostile")) {
        unsigned n, bad = blkfront_attacks(&bf, &n);

        printk("TERN-BLK-HOSTILE-DONE attacks=%u bad=%u\n", n, bad);
    } else {
        printk("TERN-BLK-ERROR unknown mode tern.blk=%s (good, hostile)\n", mode);
        return;
    }
    bf_close(&bf, WAIT_MS);
}
