/* SPDX-License-Identifier: MIT */
/*
 * The one choke point for guest memory (hv/guest_access.h).  Guest virtual addresses are
 * translated with the current vCPU's own stage-1 and stage-2 by the hardware: AT S12E1R /
 * S12E1W (Arm ARM C5.5) leaves the physical address or a fault in PAR_EL1.  The vCPU's
 * EL1 context is live on this pCPU, so kernel and user (privcmd) buffers both work.
 * Copies go page by page since a buffer may straddle pages.
 */
#include <hv/arch.h>
#include <hv/errno.h>
#include <hv/guest_access.h>
#include <hv/lib.h>
#include <hv/sched.h>
#include <asm/sysregs.h>

static int gva_to_pa(vaddr_t va, bool write, paddr_t *pa)
{
    uint64_t par, saved = READ_SYSREG(par_el1);

    if (write)
        asm volatile("at s12e1w, %0" ::"r"(va));
    else
        asm volatile("at s12e1r, %0" ::"r"(va));
    isb();
    par = READ_SYSREG(par_el1);
    WRITE_SYSREG(par_el1, saved);
    if (par & 1)
        return -EFAULT;
    *pa = (par & 0x0000fffffffff000UL) | (va & 0xfff);
    return 0;
}

static int copy_guest(void *buf, vaddr_t gva, size_t len, bool to_guest)
{
    while (len) {
        size_t chunk = MIN(len, PAGE_SIZE - (gva & (PAGE_SIZE - 1)));
        paddr_t pa;

        if (gva_to_pa(gva, to_guest, &pa))
            return -EFAULT;
        if (to_guest)
            memcpy((void *)pa, buf, chunk);
        else
            memcpy(buf, (void *)pa, chunk);
        buf = (char *)buf + chunk;
        gva += chunk;
        len -= chunk;
    }
    return 0;
}

int copy_from_guest_va(void *dst, vaddr_t gva, size_t len)
{
    return copy_guest(dst, gva, len, false);
}

int copy_to_guest_va(vaddr_t gva, const void *src, size_t len)
{
    return copy_guest((void *)src, gva, len, true);
}

void *map_guest_frame(struct domain *d, gfn_t gfn)
{
    unsigned int type;
    mfn_t mfn = p2m_lookup(d, gfn, &type);

    if (mfn == INVALID_MFN || (type != P2M_RAM_RW && type != P2M_RAM_RO))
        return NULL;
    return mfn_to_virt(mfn); /* RAM is identity-mapped at EL2 */
}

void unmap_guest_frame(void *va)
{
}
