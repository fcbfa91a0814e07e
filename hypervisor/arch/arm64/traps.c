/* SPDX-License-Identifier: MIT */
/*
 * Synchronous exceptions from the guest, dispatched through a table indexed by
 * ESR_EL2.EC (Arm ARM D17.2.37).  Error policy (docs/hypervisor/design.md): a guest's
 * fault is answered with an injected exception or an error code; only a fault taken in
 * the hypervisor itself (hyp_fatal_trap) stops the machine.
 */
#include <hv/arch.h>
#include <hv/errno.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/sched.h>
#include <hv/watchdog.h>
#include <asm/mmio.h>
#include <asm/percpu.h>
#include <asm/regs.h>
#include <asm/sysregs.h>
#include <asm/traps.h>
#include <asm/vcpu.h>
#include <asm/vgic.h>

/* ------------------------------------------------------------------ injection */

/* Take an exception to EL1 as the architecture does (D1.10): save PSTATE/PC in
 * SPSR_EL1/ELR_EL1, mask DAIF, jump to the vector for the source EL. */
static void inject_sync(struct cpu_user_regs *regs, uint64_t esr)
{
    uint64_t mode = regs->cpsr & 0xf, vbar = READ_SYSREG(vbar_el1), offset;

    if (mode == 0x0)
        offset = 0x400; /* from EL0 (AArch64) */
    else if (mode == 0x4)
        offset = 0x000; /* EL1t */
    else
        offset = 0x200; /* EL1h */
    WRITE_SYSREG(esr_el1, esr);
    WRITE_SYSREG(elr_el1, regs->pc);
    WRITE_SYSREG(spsr_el1, regs->cpsr);
    regs->cpsr = PSR_DAIF_MASK | PSR_MODE_EL1h;
    regs->pc = vbar + offset;
}

void inject_undef(struct cpu_user_regs *regs)
{
    inject_sync(regs, ((uint64_t)EC_UNKNOWN << 26) | ESR_IL);
}

static void inject_abort(struct cpu_user_regs *regs, uint64_t far, unsigned int ec_low)
{
    bool from_el0 = (regs->cpsr & 0xf) == 0;
    /* Same-EL classes are one above the lower-EL ones; FSC 0x10 = synchronous external
     * abort, not on a translation table walk (what real hardware reports for a bus
     * error on an unbacked physical address). */
    uint64_t ec = from_el0 ? ec_low : ec_low + 1;

    WRITE_SYSREG(far_el1, far);
    inject_sync(regs, (ec << 26) | ESR_IL | 0x10);
}

void inject_dabt(struct cpu_user_regs *regs, uint64_t far)
{
    inject_abort(regs, far, EC_DABT_LOW);
}

void inject_iabt(struct cpu_user_regs *regs, uint64_t far)
{
    inject_abort(regs, far, EC_IABT_LOW);
}

/* ------------------------------------------------------------------ handlers */

static void trap_wfx(struct cpu_user_regs *regs, uint64_t esr)
{
    regs->pc += 4;
    if (!(esr & 1)) /* TI = 0: WFI */
        vcpu_wait_for_interrupt(current_vcpu());
}

static void trap_hvc(struct cpu_user_regs *regs, uint64_t esr)
{
    unsigned int imm = esr & 0xffff;
    struct vcpu *v = current_vcpu();

    if (imm == 0) {
        do_vsmccc(regs);
    } else if (imm == XEN_HYPERCALL_TAG) {
        uint64_t a[5] = {regs->x[0], regs->x[1], regs->x[2], regs->x[3], regs->x[4]};
        long rc = hypercall_dispatch(v, regs->x[16], a);

        /* -ERESTART: the call is re-issued as it was (Xen's hypercall continuation on
         * Arm: the HVC again, its registers untouched), after a pass through the
         * scheduler.  Guests never see the code. */
        if (rc == -ERESTART) {
            regs->pc -= 4;
            /* A call that resumes part-way (multicall) left its new arguments in a[]. */
            for (unsigned int i = 0; i < 5; i++)
                regs->x[i] = a[i];
        } else
            regs->x[0] = rc;
    } else {
        /* Not a Xen hypercall: inject an UNDEF as Xen 4.17 does (do_trap_hypercall ->
         * inject_undef64_exception), with ELR_EL1 = the HVC's preferred return address,
         * i.e. the instruction after it (what Xen's guests see; measured by
         * tests/system/hypervisor-faults.py on both). */
        gprintk(v->domain, LOG_WARN,
                "d%uv%u: invalid HVC imm 0x%x: undefined-instruction injected\n",
                v->domain->domain_id, v->vcpu_id, imm);
        inject_undef(regs);
    }
}

static void trap_smc(struct cpu_user_regs *regs, uint64_t esr)
{
    /* A trapped SMC leaves ELR at the SMC itself (D1.10.4). */
    regs->pc += 4;
    if ((esr & 0xffff) == 0)
        do_vsmccc(regs);
    else
        regs->x[0] = (uint64_t)-1; /* SMCCC NOT_SUPPORTED */
}

static gpaddr_t fault_ipa(void)
{
    return ((READ_SYSREG(hpfar_el2) & 0xffffffffff0UL) << 8) | (READ_SYSREG(far_el2) & 0xfff);
}

static void trap_dabt(struct cpu_user_regs *regs, uint64_t esr)
{
    struct vcpu *v = current_vcpu();
    gpaddr_t gpa = fault_ipa();

    if (mmio_handle(v, regs, esr, gpa))
        return;
    gprintk(v->domain, LOG_WARN, "d%uv%u: data abort at IPA %lx (pc %lx): injected\n",
            v->domain->domain_id, v->vcpu_id, gpa, regs->pc);
    inject_dabt(regs, READ_SYSREG(far_el2));
}

static void trap_iabt(struct cpu_user_regs *regs, uint64_t esr)
{
    struct vcpu *v = current_vcpu();

    gprintk(v->domain, LOG_WARN, "d%uv%u: instruction abort at IPA %lx: injected\n",
            v->domain->domain_id, v->vcpu_id, fault_ipa());
    inject_iabt(regs, READ_SYSREG(far_el2));
}

static void trap_unknown(struct cpu_user_regs *regs, uint64_t esr)
{
    gprintk(current_vcpu()->domain, LOG_DEBUG, "d%uv%u: unexpected trap ESR %lx at %lx: UNDEF\n",
            current_vcpu()->domain->domain_id, current_vcpu()->vcpu_id, esr, regs->pc);
    inject_undef(regs);
}

typedef void (*trap_fn)(struct cpu_user_regs *regs, uint64_t esr);

static const trap_fn trap_table[64] = {
    [EC_WFX] = trap_wfx,       [EC_HVC64] = trap_hvc,     [EC_SMC64] = trap_smc,
    [EC_SYSREG] = trap_sysreg, [EC_DABT_LOW] = trap_dabt, [EC_IABT_LOW] = trap_iabt,
};

void guest_sync_trap(struct cpu_user_regs *regs)
{
    uint64_t esr = READ_SYSREG(esr_el2);
    trap_fn fn = trap_table[ESR_EC(esr)];
    struct vcpu *v = current_vcpu();

    /* Until leave_hypervisor(): another pCPU's watchdog (vcpu.c) reports a stay too long. */
    watchdog_enter(&this_pcpu()->wd, READ_SYSREG(cntpct_el0), esr, regs->x[16],
                   v->domain->domain_id, v->vcpu_id);

    (fn ? fn : trap_unknown)(regs, esr);
}

void guest_serror_trap(struct cpu_user_regs *regs)
{
    struct vcpu *v = current_vcpu();

    gprintk(v->domain, LOG_ERR, "d%uv%u: SError (ESR %lx) at pc %lx: crashing the domain\n",
            v->domain->domain_id, v->vcpu_id, READ_SYSREG(esr_el2), regs->pc);
    domain_crash(v->domain);
}

/* An exception taken in the hypervisor itself is our bug: dump and stop. */
void hyp_fatal_trap(struct cpu_user_regs *regs, int sync)
{
    printk("FATAL: %s exception in hypervisor on CPU%u\n", sync ? "synchronous" : "unexpected",
           smp_processor_id());
    printk("ESR_EL2 %lx FAR_EL2 %lx ELR_EL2 %lx SPSR_EL2 %lx\n", READ_SYSREG(esr_el2),
           READ_SYSREG(far_el2), regs->pc, regs->cpsr);
    for (int i = 0; i < 31; i += 2)
        printk("x%-2d %016lx  x%-2d %016lx\n", i, regs->x[i], i + 1, i < 30 ? regs->x[i + 1] : 0);
    panic("hypervisor bug: halting");
}
