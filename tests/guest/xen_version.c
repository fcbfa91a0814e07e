/*
 * xen_version: the sub-ops any domU may call (version, capabilities, features, pagesize),
 * the privileged ones a domU is refused, unknown sub-ops, and hostile buffers.
 * Xen: xen/common/kernel.c do_xen_version; xsm/dummy.h xsm_xen_version.
 */
#include <tg/lib.h>
#include <tg/test.h>

static void run(void)
{
    long ver = hyp_xen_version(XENVER_version, NULL);
    tg_check(ver >> 16 >= 4, "XENVER_version %#lx: not a Xen 4.x ABI", ver);
    tg_value("version", ver);

    xen_capabilities_info_t caps;
    memset(caps, 0, sizeof(caps));
    tg_expect_rc("capabilities", hyp_xen_version(XENVER_capabilities, caps), 0);
    tg_check(!strncmp(caps, "xen-3.0-aarch64", 15), "capabilities \"%s\": no xen-3.0-aarch64",
             caps);

    xen_feature_info_t fi = {.submap_idx = 0};
    tg_expect_rc("get_features", hyp_xen_version(XENVER_get_features, &fi), 0);
    tg_value("features0", fi.submap);
    /* What Linux on Arm relies on (arch/arm/xen/enlighten.c). */
    tg_check(fi.submap & (1U << XENFEAT_auto_translated_physmap), "no auto_translated_physmap");
    tg_check(!(fi.submap & (1U << XENFEAT_dom0)), "XENFEAT_dom0 set for a domU");

    fi.submap_idx = 1; /* only submap 0 exists (XENFEAT_NR_SUBMAPS) */
    tg_expect_rc("get_features_idx1", hyp_xen_version(XENVER_get_features, &fi), XEN_ERR(EINVAL));

    tg_expect_rc("pagesize", hyp_xen_version(XENVER_pagesize, NULL), 4096);

    xen_extraversion_t extra;
    tg_expect_rc("extraversion", hyp_xen_version(XENVER_extraversion, extra), 0);
    xen_compile_info_t ci;
    tg_value("compile_info", hyp_xen_version(XENVER_compile_info, &ci));
    xen_changeset_info_t cs;
    tg_value("changeset", hyp_xen_version(XENVER_changeset, cs));
    xen_platform_parameters_t pp;
    tg_value("platform_parameters", hyp_xen_version(XENVER_platform_parameters, &pp));
    static xen_commandline_t cmdline;
    tg_value("commandline", hyp_xen_version(XENVER_commandline, cmdline));

    tg_expect_rc("unknown_cmd", hyp_xen_version(64, NULL), XEN_ERR(ENOSYS));
    /* A buffer the guest has no mapping for: 3 GiB is outside its stage-1 map. */
    tg_expect_rc("unmapped_buffer", hyp_xen_version(XENVER_capabilities, (void *)0xC0000000UL),
                 XEN_ERR(EFAULT));
    tg_note("version %ld.%ld%s caps \"%s\"", ver >> 16, ver & 0xffff, extra, caps);
}
TG_CASE(xen_version, "XENVER_*: version, capabilities, features, pagesize, denied and bad", run);
