/*
 * vcpu_op on Arm (xen/arch/arm/domain.c do_arm_vcpu_op): only register_vcpu_info and
 * register_runstate_memory_area are allowed; the others are refused.  Hostile
 * register_vcpu_info arguments (an offset that makes vcpu_info cross the page, a vCPU that
 * does not exist) fail without touching vCPU 0's registration.
 */
#include <tg/mm.h>
#include <tg/test.h>

static void run(void)
{
    static struct vcpu_runstate_info rs __attribute__((aligned(64)));
    struct vcpu_register_runstate_memory_area area;

    area.addr.v = &rs;
    tg_expect_rc("register_runstate", hyp_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &area),
                 0);
    tg_value("runstate_state", rs.state);
    tg_expect_rc("register_runstate_vcpu1",
                 hyp_vcpu_op(VCPUOP_register_runstate_memory_area, 1, &area), XEN_ERR(ENOENT));

    void *page = alloc_page();
    if (!page) {
        tg_error("no page");
        return;
    }
    struct vcpu_register_vcpu_info info = {.mfn = virt_to_gfn(page), .offset = PAGE_SIZE - 8};
    /* common/domain.c map_vcpu_info: an offset that does not leave room answers -ENXIO. */
    tg_expect_rc("vcpu_info_crosses_page", hyp_vcpu_op(VCPUOP_register_vcpu_info, 0, &info),
                 XEN_ERR(ENXIO));
    info.offset = 0;
    tg_expect_rc("vcpu_info_vcpu1", hyp_vcpu_op(VCPUOP_register_vcpu_info, 1, &info),
                 XEN_ERR(ENOENT));
    info.mfn = 0x7ffff; /* a hole in the guest physical map */
    tg_expect_rc("vcpu_info_hole", hyp_vcpu_op(VCPUOP_register_vcpu_info, 0, &info),
                 XEN_ERR(EINVAL));
    free_page(page);

    tg_expect_rc("is_up", hyp_vcpu_op(VCPUOP_is_up, 0, NULL), XEN_ERR(EINVAL));
    tg_expect_rc("up", hyp_vcpu_op(VCPUOP_up, 0, NULL), XEN_ERR(EINVAL));
    tg_expect_rc("get_runstate_info", hyp_vcpu_op(VCPUOP_get_runstate_info, 0, &rs),
                 XEN_ERR(EINVAL));
    tg_expect_rc("unknown_op", hyp_vcpu_op(99, 0, NULL), XEN_ERR(EINVAL));
}
TG_CASE(vcpu_op, "VCPUOP_*: the two Arm allows, hostile vcpu_info, refused ops", run);
