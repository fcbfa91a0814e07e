/*
 * Cross-domain grant mapping: a maps b's granted page (GNTMAP_host_map at a ballooned gfn),
 * checks every byte, writes an answer into it, unmaps, posts; b checks the answer and that
 * the grant is no longer in use.  Hostile: a maps a ref b did not grant to it, and b's
 * reserved console ref 0 (granted to dom0 by the toolstack, if at all).
 */
#include <tg/arch.h>
#include <tg/balloon.h>
#include <tg/gnttab.h>
#include <tg/mm.h>
#include <tg/pair.h>
#include <tg/test.h>

static int16_t map(uint64_t addr, uint32_t flags, grant_ref_t ref, grant_handle_t *h)
{
    struct gnttab_map_grant_ref m = {
        .host_addr = addr, .flags = flags, .ref = ref, .dom = tg_pair.peer};

    if (hyp_grant_table_op(GNTTABOP_map_grant_ref, &m, 1))
        return -1000;
    *h = m.handle;
    return m.status;
}

static int16_t unmap(uint64_t addr, grant_handle_t h)
{
    struct gnttab_unmap_grant_ref u = {.host_addr = addr, .handle = h};

    if (hyp_grant_table_op(GNTTABOP_unmap_grant_ref, &u, 1))
        return -1000;
    return u.status;
}

static void mapper(void)
{
    uint8_t *hole = alloc_page();
    grant_handle_t h = 0, h2 = 0;

    if (!hole || balloon_out(virt_to_gfn(hole)) != 1) {
        tg_error("no hole for the mapping");
        return;
    }
    uint64_t addr = (uint64_t)(uintptr_t)hole;
    tg_expect_rc("map_ungranted", map(addr, GNTMAP_host_map, tg_pair.gref + 1, &h2),
                 GNTST_general_error);
    tg_value("map_reserved_ref0", map(addr, GNTMAP_host_map, 0, &h2));
    if (tg_expect_rc("map", map(addr, GNTMAP_host_map, tg_pair.gref, &h), GNTST_okay)) {
        unsigned bad = 0;
        for (unsigned i = 0; i < PAGE_SIZE; i++)
            if (pair_pattern_byte(i))
                bad += hole[i] != PAIR_PATTERN(i);
        tg_expect_rc("bytes_wrong", bad, 0);
        for (unsigned i = 0; i < 64; i++)
            hole[PAIR_ANSWER_OFF + i] = (uint8_t)(i ^ 0x5a);
        tg_expect_rc("unmap", unmap(addr, h), GNTST_okay);
        tg_expect_rc("unmap_again", unmap(addr, h), GNTST_bad_handle);
    }
    balloon_in(virt_to_gfn(hole));
    free_page(hole);
    pair_post(2);
    tg_check(pair_wait_peer(2, 60000), "no acknowledgement from the granting guest");
}

static void granter(void)
{
    if (!tg_check(pair_wait_peer(2, 120000), "mapper never posted"))
        return;
    unsigned bad = 0;
    for (unsigned i = 0; i < 64; i++)
        bad += tg_pair.page[PAIR_ANSWER_OFF + i] != (uint8_t)(i ^ 0x5a);
    tg_expect_rc("answer_bytes_wrong", bad, 0);
    /* a is polling the mailbox through the same grant meanwhile (tg/pair.h) */
    tg_expect_rc("grant_in_use_after_unmap", pair_grant_stays_in_use(tg_pair.gref), 0);
    for (unsigned i = 0; i < 64; i++)
        tg_pair.page[PAIR_ANSWER_OFF + i] = 0;
    pair_post(2);
}

static void run(void)
{
    if (!pair_ready())
        return;
    if (tg_env.role == 'a')
        mapper();
    else
        granter();
}
TG_CASE_FLAGS(pair_2_grant_map, "map a peer's grant, check data both ways, unmap", run,
              TG_NEEDS_PEER);
