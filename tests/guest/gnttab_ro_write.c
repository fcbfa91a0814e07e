/*
 * A write through a read-only grant mapping (GNTMAP_readonly): the stage-2 permission fault
 * should come back to the guest as a data abort.  Found with this case: Xen 4.17.7 on Arm
 * (QEMU TCG) never returns to the guest -- the vCPU spins re-faulting -- so the case is
 * only run on request (tern.cases=gnttab_ro_write); on Xen it does not finish.
 */
#include <tg/arch.h>
#include <tg/balloon.h>
#include <tg/gnttab.h>
#include <tg/mm.h>
#include <tg/test.h>

static void run(void)
{
    uint64_t *src = alloc_page(), *hole = alloc_page();
    uint64_t v;

    if (!gnttab_table || !tg_env.self_known || !src || !hole ||
        balloon_out(virt_to_gfn(hole)) != 1) {
        tg_error("setup failed");
        return;
    }
    long ref = gnttab_grant_access(tg_env.self, virt_to_gfn(src), true);
    struct gnttab_map_grant_ref m = {.host_addr = (uintptr_t)hole,
                                     .flags = GNTMAP_host_map | GNTMAP_readonly,
                                     .ref = (grant_ref_t)ref,
                                     .dom = tg_env.self};
    hyp_grant_table_op(GNTTABOP_map_grant_ref, &m, 1);
    if (!tg_expect_rc("map_ro", m.status, GNTST_okay))
        return;
    tg_check(probe_read(&hole[1], &v), "read through the read-only mapping faulted");
    tg_expect_rc("write_faults", !probe_write(&hole[1], 1), 1);
    tg_check(src[1] != 1, "the write reached the read-only granted page");
    struct gnttab_unmap_grant_ref u = {.host_addr = (uintptr_t)hole, .handle = m.handle};
    hyp_grant_table_op(GNTTABOP_unmap_grant_ref, &u, 1);
    tg_expect_rc("unmap", u.status, GNTST_okay);
    gnttab_end_access((grant_ref_t)ref);
    balloon_in(virt_to_gfn(hole));
}
TG_CASE_FLAGS(gnttab_ro_write, "write through a read-only grant mapping faults to the guest", run,
              TG_SOLO | TG_EXPLICIT);
