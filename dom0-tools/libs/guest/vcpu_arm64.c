/* Boot vCPU state for an AArch64 guest (Linux's booting.rst: x0 = DTB, MMU and D-cache off,
 * EL1h with DAIF masked); values from <xen/arch-arm.h>. */
#define __XEN_TOOLS__ 1
#include <errno.h>
#include <string.h>
#include <xenctrl.h>
#include "tern/guest.h"

int tern_guest_boot_vcpu(xc_interface *xch, uint32_t domid, uint64_t entry, uint64_t dtb)
{
    vcpu_guest_context_any_t ctx;

    memset(&ctx, 0, sizeof(ctx));
    ctx.c.user_regs.pc64 = entry;
    ctx.c.user_regs.x0 = dtb;
    ctx.c.user_regs.cpsr = PSR_GUEST64_INIT;
    ctx.c.sctlr = SCTLR_GUEST_INIT;
    ctx.c.flags = VGCF_online;
    return xc_vcpu_setcontext(xch, domid, 0, &ctx) < 0 ? -errno : 0;
}
