/* SPDX-License-Identifier: MIT */
/*
 * The arch side of the toolstack hypercalls (hv/arch_toolstack.h): pausing (vcpu.c does
 * the stopping), a vCPU's register context for XEN_DOMCTL_{set,get}vcpucontext, and the
 * host figures of XEN_SYSCTL_physinfo.
 */
#ifndef __XEN_TOOLS__
#define __XEN_TOOLS__ 1 /* struct xen_sysctl_physinfo */
#endif
#include <libfdt.h>

#include <hv/arch.h>
#include <hv/arch_toolstack.h>
#include <hv/console.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include <hv/sched.h>
#include <asm/context.h>
#include <asm/percpu.h>
#include <asm/setup.h>
#include <asm/sysregs.h>
#include <asm/vgic.h>

#include <xen/sysctl.h>

/* PSR_MODE_* of <xen/arch-arm.h>; M[4] = 1 would be AArch32. */
#define GUEST_PSR_MODE_MASK 0x1f

int arch_set_info_guest(struct vcpu *v, const struct vcpu_guest_context *c)
{
    const struct vcpu_guest_core_regs *r = &c->user_regs;
    struct vcpu_context *x = &v->arch.ctx;
    unsigned int mode = r->cpsr & GUEST_PSR_MODE_MASK;

    /* 64-bit EL1 or EL0 only (Xen: is_guest_pv64_psr), no illegal-state bit. */
    if ((mode != PSR_MODE_EL1h && mode != PSR_MODE_EL1t && mode != PSR_MODE_EL0t) ||
        (r->cpsr & (1UL << 20)))
        return -EINVAL;
    BUG_ON(v->arch.running); /* the domain is paused */
    vgic_vcpu_reset(v);
    vcpu_context_reset(v, r->pc64, r->x0);
    for (unsigned int i = 0; i < 31; i++)
        x->regs.x[i] = (&r->x0)[i];
    x->regs.cpsr = r->cpsr;
    x->spsr_el1 = r->spsr_el1;
    x->elr_el1 = r->elr_el1;
    x->sp_el0 = r->sp_el0;
    x->sp_el1 = r->sp_el1;
    x->sctlr = c->sctlr;
    x->tcr = c->ttbcr;
    x->ttbr0 = c->ttbr0;
    x->ttbr1 = c->ttbr1;
    v->arch.power_on = false;
    v->blocked = false;
    return 0;
}

void arch_get_info_guest(struct vcpu *v, struct vcpu_guest_context *c)
{
    struct vcpu_guest_core_regs *r = &c->user_regs;
    const struct vcpu_context *x = &v->arch.ctx;

    for (unsigned int i = 0; i < 31; i++)
        (&r->x0)[i] = x->regs.x[i];
    r->pc64 = x->regs.pc;
    r->cpsr = x->regs.cpsr;
    r->spsr_el1 = x->spsr_el1;
    r->elr_el1 = x->elr_el1;
    r->sp_el0 = x->sp_el0;
    r->sp_el1 = x->sp_el1;
    c->sctlr = x->sctlr;
    c->ttbcr = x->tcr;
    c->ttbr0 = x->ttbr0;
    c->ttbr1 = x->ttbr1;
}

unsigned int arch_vcpu_pcpu(const struct vcpu *v)
{
    return v->arch.pcpu;
}

void arch_physinfo(struct xen_sysctl_physinfo *pi)
{
    pi->nr_cpus = nr_pcpus;
    pi->max_cpu_id = nr_pcpus - 1;
    /* Xen on Arm reports the generic timer's frequency (cpu_khz = cntfrq / 1000). */
    pi->cpu_khz = READ_SYSREG(cntfrq_el0) / 1000;
    pi->total_pages = arch_max_mfn() - (boot.ram_start >> PAGE_SHIFT);
    pi->free_pages = page_alloc_free_pages();
    pi->max_mfn = arch_max_mfn() - 1;
}

/* XENVER_commandline (what `xl info` / `tern info` print as xen_commandline): the
 * hypervisor's command line as setup.c reads it from the host DT; and the version banner
 * in the console ring. */
void arch_record_cmdline(void)
{
    int chosen = fdt_path_offset(boot.fdt, "/chosen");
    const char *p = NULL;

    if (chosen >= 0 && !(p = fdt_getprop(boot.fdt, chosen, "xen,xen-bootargs", NULL)))
        p = fdt_getprop(boot.fdt, chosen, "bootargs", NULL);
    xen_version_set_cmdline(p ? p : "");
    /* The first line `xl dmesg` users look for, with the version XENVER_* report. */
    printk("Xen version 4.17-tern (Tern hypervisor, Xen 4.17 guest ABI)\n");
}
