// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * tern-hvc-probe: from dom0's kernel, issue an HVC with a non-Xen immediate on every
 * online CPU and report what the hypervisor did (tests/system/hypervisor-faults.py).
 *
 * Xen answers such an HVC with an undefined-instruction exception (EC 0x00) injected at
 * EL1.  Linux 6.1 treats an EL1 UNDEF as an oops unless an undef hook claims it
 * (arch/arm64/kernel/traps.c do_undefinstr -> call_undef_hook; exception tables are not
 * consulted for UNDEFs), so this module registers a hook that claims only an UNDEF whose
 * ELR is the HVC or the instruction after it, records ESR_EL1 and resumes after the HVC.
 * register_undef_hook is not exported to modules: its address is found through
 * kallsyms_lookup_name, whose own address a kprobe reveals.
 *
 * Kernel log, one line per CPU and a summary, e.g.:
 *   tern-hvc-probe: cpu0: undef esr=0x2000000 ec=0x0 elr=hvc+4
 *   tern-hvc-probe: cpu1: no exception x0=0x40011
 *   tern-hvc-probe: xen_version after: 4.17
 *   tern-hvc-probe: result: 2/2 cpus got an undefined-instruction exception
 */
#include <linux/cpu.h>
#include <linux/irqflags.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/workqueue.h>
#include <asm/ptrace.h>
#include <asm/sysreg.h>
#include <asm/traps.h>
#include <asm/xen/hypercall.h>
#include <xen/interface/version.h>

#include "bad-hvc.h"

struct bad_hvc_outcome {
    bool undef;
    unsigned long esr;
    long elr_off; /* ELR_EL1 - address of the HVC */
    long x0;
};

/* Written by the hook while the probing CPU runs with interrupts masked. */
static struct bad_hvc_outcome outcome;

static int bad_hvc_undef(struct pt_regs *regs, u32 insn)
{
    unsigned long hvc = (unsigned long)tern_bad_hvc_insn;

    if (regs->pc != hvc && regs->pc != hvc + 4)
        return 1; /* not ours: Linux's usual handling */
    /* Nothing between the exception entry and here takes a synchronous exception
     * (interrupts are masked), so ESR_EL1 still describes the UNDEF. */
    outcome.esr = read_sysreg(esr_el1);
    outcome.elr_off = regs->pc - hvc;
    outcome.undef = true;
    regs->regs[0] = TERN_BAD_HVC_UNDEF;
    regs->pc = (unsigned long)tern_bad_hvc_resume;
    return 0;
}

static struct undef_hook bad_hvc_hook = {
    .instr_mask = 0, /* any instruction: the hook checks the address */
    .instr_val = 0,
    .pstate_mask = PSR_MODE_MASK,
    .pstate_val = PSR_MODE_EL1h,
    .fn = bad_hvc_undef,
};

static void (*undef_hook_register)(struct undef_hook *);
static void (*undef_hook_unregister)(struct undef_hook *);

static unsigned long lookup(const char *name)
{
    static unsigned long (*kallsyms_lookup)(const char *);
    struct kprobe kp = {.symbol_name = "kallsyms_lookup_name"};

    if (!kallsyms_lookup) {
        if (register_kprobe(&kp) < 0)
            return 0;
        kallsyms_lookup = (void *)kp.addr;
        unregister_kprobe(&kp);
    }
    return kallsyms_lookup(name);
}

static long probe_one_cpu(void *arg)
{
    struct bad_hvc_outcome *res = arg;
    unsigned long flags;

    local_irq_save(flags);
    memset(&outcome, 0, sizeof(outcome));
    outcome.x0 = tern_bad_hvc();
    *res = outcome;
    local_irq_restore(flags);
    return 0;
}

static int __init tern_hvc_probe_init(void)
{
    struct bad_hvc_outcome res;
    int cpu, cpus = 0, undefs = 0, ver;

    undef_hook_register = (void *)lookup("register_undef_hook");
    undef_hook_unregister = (void *)lookup("unregister_undef_hook");
    if (!undef_hook_register || !undef_hook_unregister) {
        pr_err("tern-hvc-probe: cannot find register_undef_hook\n");
        return -ENOENT;
    }
    undef_hook_register(&bad_hvc_hook);

    cpus_read_lock();
    for_each_online_cpu(cpu)
    {
        work_on_cpu(cpu, probe_one_cpu, &res);
        cpus++;
        if (res.undef && res.x0 == TERN_BAD_HVC_UNDEF) {
            undefs++;
            pr_info("tern-hvc-probe: cpu%d: undef esr=%#lx ec=%#lx elr=hvc+%ld\n", cpu, res.esr,
                    ESR_ELx_EC(res.esr), res.elr_off);
        } else {
            pr_info("tern-hvc-probe: cpu%d: no exception x0=%#lx\n", cpu, res.x0);
        }
    }
    cpus_read_unlock();

    ver = HYPERVISOR_xen_version(XENVER_version, NULL);
    pr_info("tern-hvc-probe: xen_version after: %d.%d\n", ver >> 16, ver & 0xffff);
    pr_info("tern-hvc-probe: result: %d/%d cpus got an undefined-instruction exception\n", undefs,
            cpus);
    return 0;
}

static void __exit tern_hvc_probe_exit(void)
{
    undef_hook_unregister(&bad_hvc_hook);
}

module_init(tern_hvc_probe_init);
module_exit(tern_hvc_probe_exit);
MODULE_DESCRIPTION("Tern test: HVC with a non-Xen immediate from dom0's kernel");
MODULE_LICENSE("Dual MIT/GPL");
