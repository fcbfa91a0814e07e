/* SPDX-License-Identifier: MIT */
/*
 * The host's PSCI firmware (Arm DEN 0022), reached through the conduit the host DT's
 * /psci node names: "smc" on QEMU virt with virtualization=on (no EL3 there: QEMU
 * emulates the firmware).  Used to start secondary pCPUs and to power off / reset.
 */
#include <hv/arch.h>
#include <hv/lib.h>
#include <asm/sysregs.h>
#include <asm/vcpu.h>

#define PSCI_CPU_ON       0xc4000003
#define PSCI_CPU_OFF      0x84000002
#define PSCI_SYSTEM_OFF   0x84000008
#define PSCI_SYSTEM_RESET 0x84000009

static bool use_hvc;

static uint64_t psci_call(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
    register uint64_t x0 asm("x0") = fid;
    register uint64_t x1 asm("x1") = a1;
    register uint64_t x2 asm("x2") = a2;
    register uint64_t x3 asm("x3") = a3;

    if (use_hvc)
        asm volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)::"memory");
    else
        asm volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)::"memory");
    return x0;
}

void psci_host_init(const char *method)
{
    if (!method)
        panic("host device tree has no /psci node: cannot start CPUs or power off");
    if (strcmp(method, "smc") && strcmp(method, "hvc"))
        panic("host /psci method \"%s\" is neither smc nor hvc", method);
    use_hvc = !strcmp(method, "hvc");
}

int psci_host_cpu_on(uint64_t mpidr, paddr_t entry, uint64_t ctx)
{
    return (int)psci_call(PSCI_CPU_ON, mpidr, entry, ctx);
}

void psci_host_cpu_off(void)
{
    local_irq_disable();
    psci_call(PSCI_CPU_OFF, 0, 0, 0);
}

void machine_power_off(void)
{
    psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
    printk("PSCI SYSTEM_OFF returned: halting\n");
    machine_halt();
}

void machine_restart(void)
{
    psci_call(PSCI_SYSTEM_RESET, 0, 0, 0);
    printk("PSCI SYSTEM_RESET returned: halting\n");
    machine_halt();
}
