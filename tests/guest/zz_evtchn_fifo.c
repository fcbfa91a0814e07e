/*
 * FIFO event channels (EVTCHNOP_init_control / expand_array, xen/event_channel.h "FIFO
 * ABI"): hostile control blocks first, then a real switch to FIFO and a loopback event
 * seen as EVTCHN_FIFO_PENDING in the event array.  The switch cannot be undone, so this case
 * runs last (its name sorts last); the guest's 2-level helpers are not used after it.
 * Xen: xen/common/event_fifo.c.
 */
#include <tg/balloon.h>
#include <tg/events.h>
#include <tg/mm.h>
#include <tg/test.h>

static long init_control(uint64_t gfn, uint32_t offset, uint32_t vcpu, uint32_t *link_bits)
{
    struct evtchn_init_control c = {.control_gfn = gfn, .offset = offset, .vcpu = vcpu};
    long rc = hyp_event_channel_op(EVTCHNOP_init_control, &c);

    if (link_bits)
        *link_bits = c.link_bits;
    return rc;
}

static long expand(uint64_t gfn)
{
    struct evtchn_expand_array e = {.array_gfn = gfn};
    return hyp_event_channel_op(EVTCHNOP_expand_array, &e);
}

static void run(void)
{
    void *ctrl = alloc_page(), *array = alloc_page(), *hole = alloc_page();
    uint32_t link_bits = 0;
    evtchn_port_t a, b;

    if (!ctrl || !array || !hole || !tg_env.self_known) {
        tg_error("needs 3 pages and the own domid");
        return;
    }
    uint64_t hole_gfn = virt_to_gfn(hole);
    balloon_out(hole_gfn);

    tg_value("expand_before_init", expand(virt_to_gfn(array)));
    tg_expect_rc("offset_unaligned", init_control(virt_to_gfn(ctrl), 3, 0, NULL), XEN_ERR(EINVAL));
    tg_expect_rc("offset_beyond_page", init_control(virt_to_gfn(ctrl), 4090, 0, NULL),
                 XEN_ERR(EINVAL));
    tg_expect_rc("vcpu_absent", init_control(virt_to_gfn(ctrl), 0, 5, NULL), XEN_ERR(ENOENT));
    tg_expect_rc("control_in_hole", init_control(hole_gfn, 0, 0, NULL), XEN_ERR(EINVAL));

    if (!tg_expect_rc("init_control", init_control(virt_to_gfn(ctrl), 0, 0, &link_bits), 0))
        return;
    tg_expect_rc("link_bits", link_bits, EVTCHN_FIFO_LINK_BITS);
    tg_expect_rc("init_control_again", init_control(virt_to_gfn(ctrl), 0, 0, NULL),
                 XEN_ERR(EINVAL));
    tg_expect_rc("expand_hole", expand(hole_gfn), XEN_ERR(EINVAL));
    tg_expect_rc("expand", expand(virt_to_gfn(array)), 0);

    /* a loopback event now shows in the FIFO event array, not in the 2-level bitmap */
    if (evtchn_alloc_unbound(tg_env.self, &a) || evtchn_bind_interdomain(tg_env.self, a, &b)) {
        tg_error("cannot set up a loopback channel under FIFO");
        return;
    }
    volatile event_word_t *words = array;
    tg_check(a < (PAGE_SIZE / sizeof(event_word_t)), "port %u beyond the first array page", a);
    words[a] |= 1U << EVTCHN_FIFO_MASKED; /* no upcall needed: just look at the word */
    tg_expect_rc("send", evtchn_send(b), 0);
    tg_expect_rc("fifo_pending", (words[a] >> EVTCHN_FIFO_PENDING) & 1, 1);
    tg_expect_rc("fifo_masked", (words[a] >> EVTCHN_FIFO_MASKED) & 1, 1);
    tg_expect_rc("close", evtchn_close(b), 0);
    evtchn_close(a);
    balloon_in(hole_gfn);
    /* ctrl and array stay Xen's for the rest of the run: not freed */
}
TG_CASE(zz_evtchn_fifo, "FIFO ABI: hostile init_control, switch, expand_array, pending word", run);
