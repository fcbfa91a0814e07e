/* SPDX-License-Identifier: MIT */
/*
 * Trapped system-register accesses (ESR_EL2.EC = 0x18; ISS layout in the Arm ARM,
 * D17.2.37 "ISS encoding for an exception from MSR, MRS, or System instruction").
 *
 *  - ICC_SGI1R_EL1 writes (trapped because HCR_EL2.IMO = 1): virtual SGIs.
 *  - ID registers (HCR_EL2.TID3: Op0 = 3, Op1 = 0, CRn = 0, CRm = 1..7): the hardware
 *    value with the features we do not virtualise hidden, as Xen's cpufeature.c does:
 *    SVE, SME, MTE, pointer authentication, AMU, MPAM, RAS.  Debian's kernel uses each of
 *    them whenever the ID registers advertise them (QEMU -cpu max does).
 * Anything else is UNDEF for the guest.
 */
#include <hv/lib.h>
#include <hv/sched.h>
#include <asm/regs.h>
#include <asm/sysregs.h>
#include <asm/traps.h>
#include <asm/vgic.h>

#define ISS_OP0(iss)  (((iss) >> 20) & 3)
#define ISS_OP2(iss)  (((iss) >> 17) & 7)
#define ISS_OP1(iss)  (((iss) >> 14) & 7)
#define ISS_CRN(iss)  (((iss) >> 10) & 0xf)
#define ISS_RT(iss)   (((iss) >> 5) & 0x1f)
#define ISS_CRM(iss)  (((iss) >> 1) & 0xf)
#define ISS_READ(iss) ((iss)&1)

#define FIELD(shift) (0xfUL << (shift))

#define ID_READ(crm, op2)                                                                          \
    case (crm)*8 + (op2):                                                                          \
        return READ_SYSREG(S3_0_C0_C##crm##_##op2);
#define ID_ROW(crm)                                                                                \
    ID_READ(crm, 0)                                                                                \
    ID_READ(crm, 1)                                                                                \
    ID_READ(crm, 2)                                                                                \
    ID_READ(crm, 3) ID_READ(crm, 4) ID_READ(crm, 5) ID_READ(crm, 6) ID_READ(crm, 7)

static uint64_t read_id_reg(unsigned int crm, unsigned int op2)
{
    switch (crm * 8 + op2) {
        ID_ROW(1)
        ID_ROW(2)
        ID_ROW(3)
        ID_ROW(4)
        ID_ROW(5)
        ID_ROW(6)
        ID_ROW(7)
    default:
        return 0;
    }
}

/* Fields to clear, by (CRm, Op2) (Arm ARM D17.2 register descriptions). */
static uint64_t hidden_fields(unsigned int crm, unsigned int op2)
{
    switch (crm * 8 + op2) {
    case 1 * 8 + 0: /* ID_PFR0_EL1: RAS, AMU */
        return FIELD(28) | FIELD(20);
    case 4 * 8 + 0: /* ID_AA64PFR0_EL1: AMU, MPAM, SVE, RAS */
        return FIELD(44) | FIELD(40) | FIELD(32) | FIELD(28);
    case 4 * 8 + 1: /* ID_AA64PFR1_EL1: SME, MPAM_frac, RAS_frac, MTE */
        return FIELD(24) | FIELD(16) | FIELD(12) | FIELD(8);
    case 4 * 8 + 4: /* ID_AA64ZFR0_EL1 (SVE) */
    case 4 * 8 + 5: /* ID_AA64SMFR0_EL1 (SME) */
        return ~0UL;
    case 6 * 8 + 1: /* ID_AA64ISAR1_EL1: GPI, GPA, API, APA */
        return FIELD(28) | FIELD(24) | FIELD(8) | FIELD(4);
    case 6 * 8 + 2: /* ID_AA64ISAR2_EL1: APA3, GPA3 */
        return FIELD(12) | FIELD(8);
    default:
        return 0;
    }
}

void trap_sysreg(struct cpu_user_regs *regs, uint64_t esr)
{
    unsigned int op0 = ISS_OP0(esr), op1 = ISS_OP1(esr), crn = ISS_CRN(esr);
    unsigned int crm = ISS_CRM(esr), op2 = ISS_OP2(esr), rt = ISS_RT(esr);
    struct vcpu *v = current_vcpu();

    if (op0 == 3 && op1 == 0 && crn == 12 && crm == 11 && op2 == 5 && !ISS_READ(esr) &&
        vgic_send_sgi(v, get_reg(regs, rt))) { /* ICC_SGI1R_EL1 (GICv3 only) */
        regs->pc += 4;
        return;
    }
    if (op0 == 3 && op1 == 0 && crn == 0 && crm >= 1 && crm <= 7 && ISS_READ(esr)) {
        set_reg(regs, rt, read_id_reg(crm, op2) & ~hidden_fields(crm, op2));
        regs->pc += 4;
        return;
    }
    gprintk(v->domain, LOG_DEBUG, "d%uv%u: unhandled sysreg %s S%u_%u_C%u_C%u_%u: UNDEF\n",
            v->domain->domain_id, v->vcpu_id, ISS_READ(esr) ? "read" : "write", op0, op1, crn, crm,
            op2);
    inject_undef(regs);
}
