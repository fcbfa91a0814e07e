/* SPDX-License-Identifier: MIT */
/*
 * The build without the toolstack hypercalls: domctl and sysctl answer -ENOSYS.  Linked
 * instead of common/domctl.c + common/sysctl.c until the arch implements
 * hv/arch_toolstack.h (hypervisor/common/local.mk, HV_COMMON_TOOLSTACK).
 */
#include <hv/errno.h>
#include <hv/hypercall.h>

long hc_domctl(struct vcpu *v, const uint64_t a[5])
{
    return -ENOSYS;
}

long hc_sysctl(struct vcpu *v, const uint64_t a[5])
{
    return -ENOSYS;
}
