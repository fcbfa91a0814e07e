/* tern-netback's veth port: the slots of its packet socket's TX ring (pktring.c), in ordinary
 * memory playing the kernel's mapped ring. The layout is the kernel's TPACKET_V2 TX layout
 * (struct tpacket2_hdr at the start of each slot, the frame at TPACKET_ALIGN of its size,
 * slots packed block by block), checked here against the uapi header's own definitions; the
 * test also plays the kernel's part of the status handshake (a sent slot given back). */
#include <check.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <stdlib.h>
#include <string.h>
#include "pktring.h"

#define PAGE 4096u

static uint8_t *mem;

static void setup(void)
{
    mem = aligned_alloc(PAGE, 16 * PAGE);
    memset(mem, 0, 16 * PAGE);
}

static void teardown(void)
{
    free(mem);
}

static struct tpacket2_hdr *hdr_at(size_t off)
{
    return (struct tpacket2_hdr *)(mem + off);
}

/* The kernel's part: it sends the slot and, once dom0 freed the frame, gives it back. */
static void kernel_done(struct nb_pktring *r, unsigned i)
{
    struct tpacket2_hdr *h = nb_pktring_slot(r, i);

    ck_assert_uint_eq(h->tp_status, TP_STATUS_SEND_REQUEST);
    h->tp_status = TP_STATUS_AVAILABLE;
}

/* Geometries the kernel refuses are refused here too. */
START_TEST(test_geometry)
{
    struct nb_pktring r;

    ck_assert_int_eq(nb_pktring_init(&r, mem, PAGE, 2048, 8, PAGE), 0);
    ck_assert_int_eq(nb_pktring_init(&r, mem, PAGE + 16, 2048, 8, PAGE), -1); /* block */
    ck_assert_int_eq(nb_pktring_init(&r, mem, PAGE, 2040, 8, PAGE), -1);      /* not 16-aligned */
    ck_assert_int_eq(nb_pktring_init(&r, mem, PAGE, 32, 8, PAGE), -1);        /* only a header */
    ck_assert_int_eq(nb_pktring_init(&r, mem, PAGE, 2 * PAGE, 8, PAGE), -1);  /* over a block */
    ck_assert_int_eq(nb_pktring_init(&r, mem, PAGE, 2048, 7, PAGE), -1);      /* half a block */
    ck_assert_int_eq(nb_pktring_init(&r, mem, PAGE, 2048, 0, PAGE), -1);
    ck_assert_int_eq(nb_pktring_init(&r, NULL, PAGE, 2048, 8, PAGE), -1);
    /* the offset of a frame in its slot is the one the kernel reads it from */
    ck_assert_uint_eq(NB_PKTRING_DATA, TPACKET2_HDRLEN - sizeof(struct sockaddr_ll));
}
END_TEST

/* Slots are laid out block by block: with 3 slots of 1360 bytes per 4 KiB block the last 16
 * bytes of each block are unused, and slot 3 starts the second block. */
START_TEST(test_slot_layout)
{
    struct nb_pktring r;

    ck_assert_int_eq(nb_pktring_init(&r, mem, PAGE, 1360, 9, PAGE), 0);
    ck_assert_ptr_eq(nb_pktring_slot(&r, 0), mem);
    ck_assert_ptr_eq(nb_pktring_slot(&r, 2), mem + 2720);
    ck_assert_ptr_eq(nb_pktring_slot(&r, 3), mem + PAGE);
    ck_assert_ptr_eq(nb_pktring_slot(&r, 8), mem + 2 * PAGE + 2 * 1360);
    ck_assert_uint_eq(nb_pktring_room(&r), 1360 - 32);
}
END_TEST

/* A frame with its virtio_net_hdr: tp_len counts both, the header at the frame offset, the
 * frame right after it, the status set to send; nothing else of the slot or its neighbour
 * is written. */
START_TEST(test_put_layout)
{
    struct nb_pktring r;
    struct virtio_net_hdr vh = {
        .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM, .csum_start = 34, .csum_offset = 16};
    uint8_t frame[100];

    for (unsigned i = 0; i < sizeof(frame); i++)
        frame[i] = (uint8_t)(i * 7 + 1);
    memset(mem, 0xee, 2 * PAGE);
    hdr_at(0)->tp_status = TP_STATUS_AVAILABLE;
    ck_assert_int_eq(nb_pktring_init(&r, mem, PAGE, 2048, 2, PAGE), 0);
    ck_assert_int_eq(nb_pktring_put(&r, &vh, sizeof(vh), frame, sizeof(frame)), 0);
    ck_assert_uint_eq(hdr_at(0)->tp_status, TP_STATUS_SEND_REQUEST);
    ck_assert_uint_eq(hdr_at(0)->tp_len, sizeof(vh) + sizeof(frame));
    ck_assert_int_eq(memcmp(mem + 32, &vh, sizeof(vh)), 0);
    ck_assert_int_eq(memcmp(mem + 32 + sizeof(vh), frame, sizeof(frame)), 0);
    ck_assert_uint_eq(mem[32 + sizeof(vh) + sizeof(frame)], 0xee);
    ck_assert_uint_eq(mem[2048], 0xee); /* the next slot untouched */
    ck_assert_uint_eq(r.head, 1);
    ck_assert_uint_eq(r.pending, 1);
    nb_pktring_sent(&r);
    ck_assert_uint_eq(r.pending, 0);
}
END_TEST

/* The head walks the slots in order and wraps; a slot the kernel still holds (sending, or
 * not yet sent) stops it, whatever the later slots' state; one given back (available, or
 * refused as malformed) is reused. */
START_TEST(test_ring_walk)
{
    struct nb_pktring r;
    uint8_t frame[60] = {1};

    ck_assert_int_eq(nb_pktring_init(&r, mem, PAGE, 2048, 4, PAGE), 0);
    for (unsigned i = 0; i < 4; i++)
        ck_assert_int_eq(nb_pktring_put(&r, NULL, 0, frame, sizeof(frame)), 0);
    ck_assert_uint_eq(r.head, 0); /* wrapped */
    ck_assert_uint_eq(r.pending, 4);
    ck_assert(!nb_pktring_head_free(&r));
    ck_assert_int_eq(nb_pktring_put(&r, NULL, 0, frame, sizeof(frame)), -1); /* full */
    /* the kernel gives slots 1 and 2 back first: slot 0 still stops the head */
    kernel_done(&r, 1);
    kernel_done(&r, 2);
    ck_assert_int_eq(nb_pktring_put(&r, NULL, 0, frame, sizeof(frame)), -1);
    hdr_at(0)->tp_status = TP_STATUS_SENDING;
    ck_assert_int_eq(nb_pktring_put(&r, NULL, 0, frame, sizeof(frame)), -1);
    hdr_at(0)->tp_status = TP_STATUS_WRONG_FORMAT; /* refused: the slot is ours again */
    ck_assert_int_eq(nb_pktring_put(&r, NULL, 0, frame, sizeof(frame)), 0);
    ck_assert_int_eq(nb_pktring_put(&r, NULL, 0, frame, sizeof(frame)), 0); /* slot 1 */
    ck_assert_int_eq(nb_pktring_put(&r, NULL, 0, frame, sizeof(frame)), 0); /* slot 2 */
    ck_assert_uint_eq(r.head, 3);
    ck_assert_int_eq(nb_pktring_put(&r, NULL, 0, frame, sizeof(frame)), -1); /* slot 3 held */
    ck_assert_uint_eq(r.pending, 7);
    ck_assert_uint_eq(hdr_at(0)->tp_status, TP_STATUS_SEND_REQUEST);
    ck_assert_uint_eq(hdr_at(0)->tp_len, sizeof(frame));
}
END_TEST

/* The free slots from the head on, as many as the next puts take for sure: a slot the kernel
 * still holds ends them, wherever the later free ones are; at most max, at most the ring. */
START_TEST(test_free_slots)
{
    struct nb_pktring r;
    uint8_t frame[60] = {1};

    ck_assert_int_eq(nb_pktring_init(&r, mem, PAGE, 2048, 4, PAGE), 0);
    ck_assert_uint_eq(nb_pktring_free(&r, 32), 4);
    ck_assert_uint_eq(nb_pktring_free(&r, 3), 3);
    for (unsigned i = 0; i < 4; i++)
        ck_assert_int_eq(nb_pktring_put(&r, NULL, 0, frame, sizeof(frame)), 0);
    ck_assert_uint_eq(nb_pktring_free(&r, 32), 0); /* full */
    kernel_done(&r, 1);                            /* not the head's: still none */
    ck_assert_uint_eq(nb_pktring_free(&r, 32), 0);
    kernel_done(&r, 0);
    ck_assert_uint_eq(nb_pktring_free(&r, 32), 2); /* slots 0 and 1, then 2 is held */
    ck_assert_int_eq(nb_pktring_put(&r, NULL, 0, frame, sizeof(frame)), 0);
    ck_assert_int_eq(nb_pktring_put(&r, NULL, 0, frame, sizeof(frame)), 0);
    ck_assert_uint_eq(nb_pktring_free(&r, 32), 0);
    kernel_done(&r, 3); /* the last slot, and then the walk wraps to slot 0 (held) */
    kernel_done(&r, 2);
    ck_assert_uint_eq(nb_pktring_free(&r, 32), 2);
}
END_TEST

/* A frame larger than a slot is refused without touching the ring (the port sends it by
 * sendmsg), even when the head slot is free; exactly a slot's room fits. */
START_TEST(test_too_big)
{
    struct nb_pktring r;
    static uint8_t frame[4096];
    struct virtio_net_hdr vh = {0};

    ck_assert_int_eq(nb_pktring_init(&r, mem, PAGE, 2048, 2, PAGE), 0);
    ck_assert_int_eq(nb_pktring_put(&r, &vh, sizeof(vh), frame, 2048 - 32 - sizeof(vh) + 1), -2);
    ck_assert_uint_eq(hdr_at(0)->tp_status, TP_STATUS_AVAILABLE);
    ck_assert_uint_eq(r.head, 0);
    ck_assert_int_eq(nb_pktring_put(&r, &vh, sizeof(vh), frame, 2048 - 32 - sizeof(vh)), 0);
    ck_assert_uint_eq(hdr_at(0)->tp_len, 2048 - 32);
    ck_assert_int_eq(nb_pktring_put(&r, NULL, 0, frame, 0xffffffffu), -2);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("netback-pktring");
    TCase *tc = tcase_create("txring");
    SRunner *sr;
    int failed;

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_geometry);
    tcase_add_test(tc, test_slot_layout);
    tcase_add_test(tc, test_put_layout);
    tcase_add_test(tc, test_ring_walk);
    tcase_add_test(tc, test_too_big);
    tcase_add_test(tc, test_free_slots);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
