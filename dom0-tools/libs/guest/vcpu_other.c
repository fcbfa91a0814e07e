/* Boot vCPU state on a non-Arm build host: Arm guests can only be built from an aarch64
 * dom0 (the vCPU context layout is the host architecture's in <xenctrl.h>). */
#include <errno.h>
#include "tern/guest.h"

int tern_guest_boot_vcpu(struct xc_interface_core *xch, uint32_t domid, uint64_t entry,
                         uint64_t dtb)
{
    return -EOPNOTSUPP;
}
