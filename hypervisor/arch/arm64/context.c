/* SPDX-License-Identifier: MIT */
/*
 * Saving and restoring a vCPU's state when its pCPU switches to another vCPU: general
 * registers (the trap frame), EL1/EL0 system registers, FP/SIMD, the EL1 virtual timer,
 * the GIC's virtual CPU interface (list registers, VMCR, active priorities), and the EL2
 * controls that are per domain (stage-2, VMID, CNTVOFF) or per vCPU (VMPIDR).
 *
 * The virtual timer's PPI is the one physical interrupt a vCPU may leave active on a
 * pCPU it shares (it is injected hardware-linked, and the guest's EOI deactivates it):
 * on save, such an entry becomes a software one and the physical PPI is deactivated, so
 * the next vCPU's timer can fire; the saved vCPU's timer is stopped (CNTV_CTL = 0) and
 * re-raises itself when restored if its condition still holds (Xen does the same in
 * virt_timer_save/restore).  dom0's hardware-linked SPIs stay in their list registers:
 * they are global, and stay active until dom0's EOI whichever vCPU runs meanwhile.
 */
#include <hv/lib.h>
#include <hv/sched.h>
#include <asm/context.h>
#include <asm/gic.h>
#include <asm/p2m.h>
#include <asm/sysregs.h>
#include <asm/vgic.h>

void fpsimd_save(uint64_t *fp);
void fpsimd_restore(const uint64_t *fp);

void vcpu_context_reset(struct vcpu *v, uint64_t entry, uint64_t arg)
{
    struct vcpu_context *c = &v->arch.ctx;

    memset(c, 0, sizeof(*c));
    c->regs.pc = entry;
    c->regs.x[0] = arg;
    c->regs.cpsr = PSR_DAIF_MASK | PSR_MODE_EL1h;
    /* MMU and caches off, RES1 bits set (Linux booting.rst: the kernel starts so). */
    c->sctlr = 0x30d00800;
    v->arch.fresh = true;
}

/* EL2 controls for running v (Arm ARM D17.2: HCR_EL2, VMPIDR_EL2, CNTVOFF_EL2...). */
static void load_el2(struct vcpu *v)
{
    struct domain *d = v->domain;

    WRITE_SYSREG(hcr_el2, HCR_VM | HCR_SWIO | HCR_FMO | HCR_IMO | HCR_AMO | HCR_FB | HCR_BSU_IS |
                              HCR_TWI | HCR_TSC | HCR_TID3 | HCR_RW);
    WRITE_SYSREG(vpidr_el2, READ_SYSREG(midr_el1));
    WRITE_SYSREG(vmpidr_el2, v->arch.vmpidr);
    WRITE_SYSREG(cntvoff_el2, d->arch.cntvoff);
    WRITE_SYSREG(cnthctl_el2, 3);   /* EL1PCTEN | EL1PCEN: EL1 may use the physical counter */
    WRITE_SYSREG(cptr_el2, 0x33ff); /* RES1 bits; TFP = 0: FP/SIMD not trapped */
    /* MDCR_EL2: no debug/PMU traps; HPMN = PMCR_EL0.N gives the guest every counter. */
    WRITE_SYSREG(mdcr_el2, (READ_SYSREG(pmcr_el0) >> 11) & 0x1f);
    p2m_load(d);
}

void vcpu_context_save(struct vcpu *v, const struct cpu_user_regs *regs)
{
    struct vcpu_context *c = &v->arch.ctx;
    unsigned int nlr = gic_nr_lrs();

    c->regs = *regs;
    c->sctlr = READ_SYSREG(sctlr_el1);
    c->ttbr0 = READ_SYSREG(ttbr0_el1);
    c->ttbr1 = READ_SYSREG(ttbr1_el1);
    c->tcr = READ_SYSREG(tcr_el1);
    c->mair = READ_SYSREG(mair_el1);
    c->amair = READ_SYSREG(amair_el1);
    c->vbar = READ_SYSREG(vbar_el1);
    c->contextidr = READ_SYSREG(contextidr_el1);
    c->tpidr_el0 = READ_SYSREG(tpidr_el0);
    c->tpidrro_el0 = READ_SYSREG(tpidrro_el0);
    c->tpidr_el1 = READ_SYSREG(tpidr_el1);
    c->sp_el0 = READ_SYSREG(sp_el0);
    c->sp_el1 = READ_SYSREG(sp_el1);
    c->elr_el1 = READ_SYSREG(elr_el1);
    c->spsr_el1 = READ_SYSREG(spsr_el1);
    c->esr = READ_SYSREG(esr_el1);
    c->far = READ_SYSREG(far_el1);
    c->afsr0 = READ_SYSREG(afsr0_el1);
    c->afsr1 = READ_SYSREG(afsr1_el1);
    c->par = READ_SYSREG(par_el1);
    c->cpacr = READ_SYSREG(cpacr_el1);
    c->cntkctl = READ_SYSREG(cntkctl_el1);
    c->csselr = READ_SYSREG(csselr_el1);
    c->mdscr = READ_SYSREG(mdscr_el1);
    fpsimd_save(c->fp);

    /* Timer: stop it so it cannot raise PPI 27 for the next vCPU. */
    c->cntv_ctl = READ_SYSREG(cntv_ctl_el0);
    c->cntv_cval = READ_SYSREG(cntv_cval_el0);
    WRITE_SYSREG(cntv_ctl_el0, 0);
    isb();

    /* Virtual CPU interface. */
    gic_hw->save_vif(c);
    for (unsigned int i = 0; i < 4; i++) {
        uint64_t lr = i < nlr ? gic_read_lr(i) : 0;

        if ((lr & LR_HW) && ((lr >> 32) & 0x3ff) == VTIMER_PPI) {
            if (lr & LR_STATE_MASK)
                gic_deactivate(VTIMER_PPI);
            lr &= ~(LR_HW | LR_PINTID);
        }
        c->lr[i] = lr;
        if (i < nlr)
            gic_write_lr(i, 0);
    }
    vgic_vcpu_unlink_timer(v); /* a timer PPI injected but not yet listed */
    gic_write_hcr(GIC_HCR_EN);
}

void vcpu_context_restore(struct vcpu *v, struct cpu_user_regs *regs)
{
    const struct vcpu_context *c = &v->arch.ctx;
    unsigned int nlr = gic_nr_lrs();

    load_el2(v);
    WRITE_SYSREG(sctlr_el1, c->sctlr);
    WRITE_SYSREG(ttbr0_el1, c->ttbr0);
    WRITE_SYSREG(ttbr1_el1, c->ttbr1);
    /* Written only when it differs: QEMU (7.2) flushes the whole TLB of the CPU, EL2's own
     * entries included, on every TCR_EL1 write, as the A1 bit may change the ASID, so a vCPU
     * resumed after idle on its pCPU would otherwise start from an empty TLB each time.
     * Equal TCRs select the same translation, so skipping the write changes nothing on
     * hardware. */
    if (READ_SYSREG(tcr_el1) != c->tcr)
        WRITE_SYSREG(tcr_el1, c->tcr);
    WRITE_SYSREG(mair_el1, c->mair);
    WRITE_SYSREG(amair_el1, c->amair);
    WRITE_SYSREG(vbar_el1, c->vbar);
    WRITE_SYSREG(contextidr_el1, c->contextidr);
    WRITE_SYSREG(tpidr_el0, c->tpidr_el0);
    WRITE_SYSREG(tpidrro_el0, c->tpidrro_el0);
    WRITE_SYSREG(tpidr_el1, c->tpidr_el1);
    WRITE_SYSREG(sp_el0, c->sp_el0);
    WRITE_SYSREG(sp_el1, c->sp_el1);
    WRITE_SYSREG(elr_el1, c->elr_el1);
    WRITE_SYSREG(spsr_el1, c->spsr_el1);
    WRITE_SYSREG(esr_el1, c->esr);
    WRITE_SYSREG(far_el1, c->far);
    WRITE_SYSREG(afsr0_el1, c->afsr0);
    WRITE_SYSREG(afsr1_el1, c->afsr1);
    WRITE_SYSREG(par_el1, c->par);
    WRITE_SYSREG(cpacr_el1, c->cpacr);
    WRITE_SYSREG(cntkctl_el1, c->cntkctl);
    WRITE_SYSREG(csselr_el1, c->csselr);
    WRITE_SYSREG(mdscr_el1, c->mdscr);
    fpsimd_restore(c->fp);
    gic_hw->restore_vif(c);
    for (unsigned int i = 0; i < nlr; i++)
        gic_write_lr(i, c->lr[i]);
    WRITE_SYSREG(cntv_cval_el0, c->cntv_cval);
    WRITE_SYSREG(cntv_ctl_el0, c->cntv_ctl);
    isb();
    if (v->arch.fresh) {
        /* A new kernel image (written by the builder through other mappings) and no
         * stage-1 state of a previous life of this VMID on this pCPU. */
        asm volatile("tlbi vmalls12e1; dsb nsh; ic iallu; dsb nsh; isb" ::: "memory");
        v->arch.fresh = false;
    }
    *regs = c->regs;
}

bool vcpu_context_timer_due(const struct vcpu *v, uint64_t *deadline)
{
    const struct vcpu_context *c = &v->arch.ctx;

    /* CNTV_CTL: ENABLE bit 0, IMASK bit 1.  Virtual count = physical - CNTVOFF. */
    if ((c->cntv_ctl & 3) != 1) {
        *deadline = ~0UL;
        return false;
    }
    *deadline = c->cntv_cval + v->domain->arch.cntvoff;
    return READ_SYSREG(cntpct_el0) >= *deadline;
}

bool vcpu_context_lr_pending(const struct vcpu *v)
{
    for (unsigned int i = 0; i < 4; i++)
        if (v->arch.ctx.lr[i] & (1UL << 62))
            return true;
    return false;
}
