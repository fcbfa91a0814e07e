/* Arm-specific reading of createdomain's arch output (struct xen_arch_domainconfig). */
#include "tern.h"

uint32_t tern_arch_clock_frequency(const struct xen_domctl_createdomain *create)
{
    return create->arch.clock_frequency;
}

unsigned int tern_arch_gic_version(const struct xen_domctl_createdomain *create)
{
    return create->arch.gic_version;
}
