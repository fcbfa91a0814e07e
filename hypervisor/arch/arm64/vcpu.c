/* SPDX-License-Identifier: MIT */
/*
 * vCPU execution.  Scheduling policy for now: dom0's vCPU n is pinned to pCPU n and is
 * the only vCPU there, so EL1 system registers, FP/SIMD registers, the virtual timer and
 * the list registers simply stay live in the hardware across traps (the hypervisor is
 * built with -mgeneral-regs-only and never touches FP).  A vCPU that executes WFI (or
 * SCHEDOP_block) waits in WFI at EL2 until it has an interrupt or event to take.
 */
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/event.h>
#include <hv/lib.h>
#include <hv/sched.h>
#include <asm/gic.h>
#include <asm/p2m.h>
#include <asm/percpu.h>
#include <asm/regs.h>
#include <asm/sysregs.h>
#include <asm/vcpu.h>
#include <asm/vgic.h>

struct pcpu pcpus[NR_CPUS];
unsigned int nr_pcpus = 1;
extern char boot_stacks[];

void enter_guest(struct cpu_user_regs *regs) __attribute__((noreturn));

void cpu_early_init(unsigned int id)
{
    pcpus[id].id = id;
    pcpus[id].mpidr = READ_SYSREG(mpidr_el1) & 0xff00ffffffUL;
    WRITE_SYSREG(tpidr_el2, (uintptr_t)&pcpus[id]);
}

struct vcpu *current_vcpu(void)
{
    return this_pcpu()->vcpu;
}

/* EL2 controls for running v on this pCPU (Arm ARM D17.2: HCR_EL2, VMPIDR_EL2...). */
static void vcpu_load(struct vcpu *v)
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
    /* Guest EL1 starts with MMU and caches off (Linux booting.rst). */
    WRITE_SYSREG(sctlr_el1, 0x30d00800);
    WRITE_SYSREG(cntv_ctl_el0, 0);
    WRITE_SYSREG(cntkctl_el1, 0);
    WRITE_SYSREG(ICH_VMCR_EL2, 0);
    /* Drop what a previous run of a vCPU here left in the list registers; a
     * hardware-linked entry still holds its physical interrupt active: release it. */
    for (unsigned int i = 0; i < gic_nr_lrs(); i++) {
        uint64_t lr = gic_read_lr(i);
        if ((lr >> 62) && (lr & (1UL << 61)))
            gic_deactivate((lr >> 32) & 0x3ff);
        gic_write_lr(i, 0);
    }
    isb();
    asm volatile("tlbi vmalls12e1; dsb nsh; ic iallu; dsb nsh; isb" ::: "memory");
}

void vcpu_boot(struct vcpu *v, uint64_t entry, uint64_t arg)
{
    struct cpu_user_regs *regs =
        (struct cpu_user_regs *)(boot_stacks + (smp_processor_id() + 1) * STACK_SIZE) - 1;

    vcpu_load(v);
    memset(regs, 0, sizeof(*regs));
    regs->pc = entry;
    regs->x[0] = arg;
    regs->cpsr = PSR_DAIF_MASK | PSR_MODE_EL1h;
    v->online = true;
    v->blocked = false;
    enter_guest(regs);
}

void pcpu_idle_loop(void)
{
    for (;;) {
        struct vcpu *v = this_pcpu()->vcpu;

        if (v && v->arch.power_on && !v->domain->is_shutting_down) {
            v->arch.power_on = false;
            vgic_vcpu_reset(v);
            vcpu_boot(v, v->arch.on_entry, v->arch.on_ctx);
        }
        wfi();
        local_irq_enable();
        isb();
        local_irq_disable();
    }
}

int vcpu_request_power_on(struct vcpu *v, uint64_t entry, uint64_t ctx)
{
    struct pcpu *p = &pcpus[v->arch.pcpu];
    extern char secondary_entry[];
    int rc;

    v->arch.on_entry = entry;
    v->arch.on_ctx = ctx;
    dsb_ish();
    v->arch.power_on = true;
    dsb_ish();
    if (p->up) {
        gic_send_sgi(p->mpidr, SGI_KICK);
        return 0;
    }
    /* The pCPU is off (never started, or stopped by its vCPU's CPU_OFF, which may still be
     * completing: the host then answers ALREADY_ON for a moment). */
    p->up = true;
    while ((rc = psci_host_cpu_on(p->mpidr, (paddr_t)secondary_entry, v->arch.pcpu)) == -4)
        ;
    if (rc) {
        printk("pCPU%u (MPIDR %lx) did not start: host PSCI error %d\n", v->arch.pcpu, p->mpidr,
               rc);
        p->up = false;
        v->arch.power_on = false;
    }
    return rc;
}

static bool vcpu_should_wake(struct vcpu *v)
{
    return !v->online || v->domain->is_shutting_down || vcpu_event_pending(v) ||
           vgic_vcpu_pending(v);
}

/* Wait with IRQs masked at EL2 (WFI still wakes on a masked pending IRQ, Arm ARM
 * D1.16.2), then take the IRQ in a short unmasked window: no lost wake-up. */
void vcpu_wait_for_interrupt(struct vcpu *v)
{
    v->blocked = true;
    while (!vcpu_should_wake(v)) {
        wfi();
        local_irq_enable();
        isb();
        local_irq_disable();
    }
    v->blocked = false;
}

/* Called by entry.S on every return to the guest. */
void leave_hypervisor(struct cpu_user_regs *regs)
{
    struct vcpu *v = current_vcpu();

    if (v->blocked)
        vcpu_wait_for_interrupt(v);
    if (!v->online || v->domain->is_shutting_down) {
        v->online = false;
        if (smp_processor_id() != 0 && !v->arch.power_on) {
            /* Nothing left to run here: give the pCPU back to the host (PSCI CPU_OFF). */
            this_pcpu()->up = false;
            dsb_sy();
            psci_host_cpu_off();
        }
        pcpu_idle_loop();
    }
    vgic_flush_lrs(v);
}

void vcpu_kick(struct vcpu *v)
{
    if (v && v != current_vcpu() && v->online)
        gic_send_sgi(pcpus[v->arch.pcpu].mpidr, SGI_KICK);
}

void vcpu_block(struct vcpu *v)
{
    v->blocked = true; /* leave_hypervisor waits */
}

void vcpu_yield(struct vcpu *v)
{
    /* One vCPU per pCPU: nobody else to run. */
}

void domain_shutdown(struct domain *d, unsigned int reason)
{
    if (d->is_privileged && d == hardware_domain()) {
        printk("Hardware domain shut down (reason %u): %s\n", reason,
               reason == SHUTDOWN_poweroff ? "powering off" : "restarting");
        if (reason == SHUTDOWN_poweroff)
            machine_power_off();
        machine_restart();
    }
    d->is_shutting_down = true;
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        vcpu_kick(d->vcpu[i]);
}

void domain_crash(struct domain *d)
{
    domain_begin_shutdown(d, SHUTDOWN_crash);
}

void machine_halt(void)
{
    local_irq_disable();
    for (;;)
        wfi();
}
