/* SPDX-License-Identifier: MIT */
/*
 * MMIO emulation dispatch: a stage-2 data abort on an emulated range is decoded from
 * ESR_EL2's instruction syndrome (Arm ARM D17.2.37, ISS encoding for a Data Abort:
 * ISV, SAS, SSE, SRT, SF, WnR) and handed to the range's handler.
 */
#include <hv/lib.h>
#include <hv/sched.h>
#include <asm/mmio.h>
#include <asm/regs.h>

#define ISS_ISV      (1UL << 24)
#define ISS_SAS(esr) (((esr) >> 22) & 3)
#define ISS_SSE      (1UL << 21)
#define ISS_SRT(esr) (((esr) >> 16) & 0x1f)
#define ISS_WNR      (1UL << 6)

void mmio_register(struct domain *d, paddr_t base, uint64_t size,
                   bool (*read)(struct vcpu *, paddr_t, unsigned int, uint64_t *),
                   bool (*write)(struct vcpu *, paddr_t, unsigned int, uint64_t))
{
    struct mmio_handler *h;

    BUG_ON(d->arch.nr_mmio >= MAX_MMIO_HANDLERS);
    h = &d->arch.mmio[d->arch.nr_mmio++];
    h->base = base;
    h->size = size;
    h->read = read;
    h->write = write;
}

bool mmio_handle(struct vcpu *v, struct cpu_user_regs *regs, uint64_t esr, gpaddr_t gpa)
{
    struct domain *d = v->domain;
    unsigned int size, reg;

    if (!(esr & ISS_ISV))
        return false; /* no syndrome (e.g. LDP, post-index): not emulated */
    size = 1u << ISS_SAS(esr);
    reg = ISS_SRT(esr);
    for (unsigned int i = 0; i < d->arch.nr_mmio; i++) {
        struct mmio_handler *h = &d->arch.mmio[i];
        paddr_t off = gpa - h->base;
        uint64_t val;

        if (gpa < h->base || off >= h->size)
            continue;
        if (off & (size - 1))
            return false; /* unaligned register access */
        if (esr & ISS_WNR) {
            val = get_reg(regs, reg);
            if (size < 8)
                val &= (1UL << (8 * size)) - 1;
            if (!h->write(v, off, size, val))
                return false;
        } else {
            if (!h->read(v, off, size, &val))
                return false;
            if (size < 8)
                val &= (1UL << (8 * size)) - 1;
            if ((esr & ISS_SSE) && size < 8 && (val >> (8 * size - 1)) & 1)
                val |= ~0UL << (8 * size);
            set_reg(regs, reg, val);
        }
        regs->pc += 4;
        return true;
    }
    return false;
}
