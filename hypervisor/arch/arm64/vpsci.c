/* SPDX-License-Identifier: MIT */
/*
 * SMCCC (Arm DEN 0028) and PSCI 1.1 (Arm DEN 0022) for guests: HVC #0 / trapped SMC,
 * function ID in w0, arguments in x1..x3, result in x0.  Unknown IDs return
 * NOT_SUPPORTED (-1): Linux probes several optional services at boot.
 */
#include <hv/domain.h>
#include <hv/lib.h>
#include <hv/sched.h>
#include <asm/regs.h>
#include <asm/traps.h>
#include <asm/vcpu.h>

#define SMCCC_VERSION          0x80000000
#define SMCCC_ARCH_FEATURES    0x80000001
#define PSCI_VERSION           0x84000000
#define PSCI_CPU_SUSPEND       0xc4000001
#define PSCI_CPU_OFF           0x84000002
#define PSCI_CPU_ON            0xc4000003
#define PSCI_AFFINITY_INFO     0xc4000004
#define PSCI_MIGRATE_INFO_TYPE 0x84000006
#define PSCI_SYSTEM_OFF        0x84000008
#define PSCI_SYSTEM_RESET      0x84000009
#define PSCI_FEATURES          0x8400000a

#define PSCI_SUCCESS          0
#define PSCI_NOT_SUPPORTED    -1
#define PSCI_INVALID_PARAMS   -2
#define PSCI_ALREADY_ON       -4
#define PSCI_INTERNAL_FAILURE -6

static struct vcpu *vcpu_of_mpidr(struct domain *d, uint64_t mpidr)
{
    unsigned int id = (mpidr & 0xf) | ((mpidr >> 8) & 0xff) << 4;

    if ((mpidr & 0xf0) || (mpidr & 0xff00ff0000UL) || id >= d->max_vcpus)
        return NULL;
    return d->vcpu[id];
}

static int64_t psci_cpu_on(struct vcpu *v, uint64_t target, uint64_t entry, uint64_t ctx)
{
    struct vcpu *t = vcpu_of_mpidr(v->domain, target);

    if (!t)
        return PSCI_INVALID_PARAMS;
    if (t->online || t->arch.power_on)
        return PSCI_ALREADY_ON;
    return vcpu_request_power_on(t, entry, ctx) ? PSCI_INTERNAL_FAILURE : PSCI_SUCCESS;
}

static int64_t psci_features(uint32_t fid)
{
    switch (fid) {
    case SMCCC_VERSION:
    case PSCI_VERSION:
    case PSCI_CPU_OFF:
    case PSCI_CPU_ON:
    case PSCI_AFFINITY_INFO:
    case PSCI_MIGRATE_INFO_TYPE:
    case PSCI_SYSTEM_OFF:
    case PSCI_SYSTEM_RESET:
    case PSCI_FEATURES:
        return PSCI_SUCCESS;
    default:
        return PSCI_NOT_SUPPORTED;
    }
}

void do_vsmccc(struct cpu_user_regs *regs)
{
    struct vcpu *v = current_vcpu();
    uint32_t fid = regs->x[0];
    int64_t ret;

    switch (fid) {
    case SMCCC_VERSION:
        ret = 0x10001; /* SMCCC 1.1 */
        break;
    case PSCI_VERSION:
        ret = 0x10001; /* PSCI 1.1 */
        break;
    case PSCI_FEATURES:
        ret = psci_features(regs->x[1]);
        break;
    case PSCI_MIGRATE_INFO_TYPE:
        ret = 2; /* no Trusted OS that needs migrating */
        break;
    case PSCI_CPU_ON:
        ret = psci_cpu_on(v, regs->x[1], regs->x[2], regs->x[3]);
        break;
    case PSCI_CPU_OFF:
        v->online = false; /* leave_hypervisor parks this pCPU */
        ret = PSCI_SUCCESS;
        break;
    case PSCI_AFFINITY_INFO: {
        struct vcpu *t = vcpu_of_mpidr(v->domain, regs->x[1]);
        ret = !t || regs->x[2] ? PSCI_INVALID_PARAMS : t->online ? 0 : t->arch.power_on ? 2 : 1;
        break;
    }
    case PSCI_SYSTEM_OFF:
        domain_begin_shutdown(v->domain, SHUTDOWN_poweroff);
        ret = PSCI_SUCCESS;
        break;
    case PSCI_SYSTEM_RESET:
        domain_begin_shutdown(v->domain, SHUTDOWN_reboot);
        ret = PSCI_SUCCESS;
        break;
    default: /* SMCCC_ARCH_FEATURES (no workarounds needed), TRNG, vendor calls... */
        ret = PSCI_NOT_SUPPORTED;
        break;
    }
    regs->x[0] = (uint64_t)ret;
}
