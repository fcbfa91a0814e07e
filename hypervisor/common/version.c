/* SPDX-License-Identifier: MIT */
/*
 * xen_version (Xen: xen/common/kernel.c).  Tern speaks the Xen 4.17 ABI, so it reports
 * 4.17; the extra version names us.  Sub-ops a domU may not read (commandline,
 * build_id) are denied as Xen's dummy XSM policy does.
 */
#include <hv/arch_hooks.h>
#include <hv/errno.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/sched.h>
#include <hv/string.h>

#include <xen/version.h>
#include <xen/features.h>

#define TERN_XEN_MAJOR 4
#define TERN_XEN_MINOR 17

static char saved_cmdline[1024];

void xen_version_set_cmdline(const char *s)
{
    size_t n = strnlen(s, sizeof(saved_cmdline) - 1);

    memcpy(saved_cmdline, s, n);
    saved_cmdline[n] = '\0';
}

/* Copy a NUL-padded fixed-size string field out. */
static long put_string(uint64_t arg, const char *s, size_t field)
{
    char buf[1024];
    size_t n = strnlen(s, field - 1);

    memset(buf, 0, field);
    memcpy(buf, s, n);
    return copy_to_guest_va(arg, buf, field) ? -EFAULT : 0;
}

static uint32_t features_submap0(const struct domain *d)
{
    /* Xen 4.17 on Arm: every guest is translated (auto_translated_physmap,
     * writable_page_tables), SMCCC is supported, vnode memory ops exist. */
    uint32_t f = (1U << XENFEAT_memory_op_vnode_supported) | (1U << XENFEAT_writable_page_tables) |
                 (1U << XENFEAT_auto_translated_physmap) | (1U << XENFEAT_ARM_SMCCC_supported);

    if (d->is_privileged)
        f |= 1U << XENFEAT_dom0;
    f |= is_domain_direct_mapped(d) ? 1U << XENFEAT_direct_mapped : 1U << XENFEAT_not_direct_mapped;
    return f;
}

long hc_xen_version(struct vcpu *v, const uint64_t a[5])
{
    unsigned long cmd = a[0];
    uint64_t arg = a[1];
    bool deny = !v->domain->is_privileged;

    switch (cmd) {
    case XENVER_version:
        return (TERN_XEN_MAJOR << 16) | TERN_XEN_MINOR;
    case XENVER_extraversion:
        return put_string(arg, "-tern", sizeof(xen_extraversion_t));
    case XENVER_compile_info: {
        xen_compile_info_t info;

        memset(&info, 0, sizeof(info));
        memcpy(info.compiler, "gcc", 4);
        memcpy(info.compile_by, "tern", 5);
        memcpy(info.compile_domain, "tern", 5);
        memcpy(info.compile_date, __DATE__, sizeof(__DATE__));
        return copy_to_guest_va(arg, &info, sizeof(info)) ? -EFAULT : 0;
    }
    case XENVER_capabilities:
        /* 64-bit guests only: no "xen-3.0-armv7l". */
        return put_string(arg, "xen-3.0-aarch64 ", sizeof(xen_capabilities_info_t));
    case XENVER_changeset:
        return put_string(arg, "tern", sizeof(xen_changeset_info_t));
    case XENVER_platform_parameters: {
        /* Xen 4.17 on Arm reports HYPERVISOR_VIRT_START = XEN_VIRT_START, 0x200000. */
        xen_platform_parameters_t p = {.virt_start = 0x200000};

        return copy_to_guest_va(arg, &p, sizeof(p)) ? -EFAULT : 0;
    }
    case XENVER_get_features: {
        xen_feature_info_t fi;

        if (copy_from_guest_va(&fi, arg, sizeof(fi)))
            return -EFAULT;
        if (fi.submap_idx != 0)
            return -EINVAL;
        fi.submap = features_submap0(v->domain);
        return copy_to_guest_va(arg, &fi, sizeof(fi)) ? -EFAULT : 0;
    }
    case XENVER_pagesize:
        return arg ? -EINVAL : (long)PAGE_SIZE;
    case XENVER_guest_handle:
        return copy_to_guest_va(arg, v->domain->handle, sizeof(v->domain->handle)) ? -EFAULT : 0;
    case XENVER_commandline:
        if (deny)
            return put_string(arg, "<denied>", sizeof("<denied>"));
        return copy_to_guest_va(arg, saved_cmdline, sizeof(saved_cmdline)) ? -EFAULT : 0;
    case XENVER_build_id:
        return deny ? -EPERM : -ENODATA; /* no build id recorded in our image */
    default:
        return -ENOSYS;
    }
}
