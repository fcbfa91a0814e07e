/* Non-Arm build hosts: createdomain's arch output has no timer frequency. */
#include "tern.h"

uint32_t tern_arch_clock_frequency(const struct xen_domctl_createdomain *create)
{
    return 0;
}

unsigned int tern_arch_gic_version(const struct xen_domctl_createdomain *create)
{
    return 0;
}
