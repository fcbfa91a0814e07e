/* SPDX-License-Identifier: MIT */
/*
 * System-register accessors and the EL2 control bits we program.  Bit names follow the
 * Arm Architecture Reference Manual (DDI 0487), chapter D17 "AArch64 System Register
 * Descriptions"; the section is cited where the use is not obvious.
 */
#ifndef ASM_SYSREGS_H
#define ASM_SYSREGS_H

#include <hv/types.h>

#define READ_SYSREG(name)                                                                          \
    ({                                                                                             \
        uint64_t _r;                                                                               \
        asm volatile("mrs %0, " #name : "=r"(_r));                                                 \
        _r;                                                                                        \
    })
#define WRITE_SYSREG(name, v)                                                                      \
    do {                                                                                           \
        uint64_t _w = (v);                                                                         \
        asm volatile("msr " #name ", %0" : : "r"(_w));                                             \
    } while (0)

/* GICv3 registers by encoding, so an old assembler need not know their names. */
#define ICC_SRE_EL2     S3_4_C12_C9_5
#define ICC_SGI1R_EL1   S3_0_C12_C11_5
#define ICC_IAR1_EL1    S3_0_C12_C12_0
#define ICC_EOIR1_EL1   S3_0_C12_C12_1
#define ICC_DIR_EL1     S3_0_C12_C11_1
#define ICC_PMR_EL1     S3_0_C4_C6_0
#define ICC_CTLR_EL1    S3_0_C12_C12_4
#define ICC_IGRPEN1_EL1 S3_0_C12_C12_7
#define ICH_HCR_EL2     S3_4_C12_C11_0
#define ICH_VTR_EL2     S3_4_C12_C11_1
#define ICH_MISR_EL2    S3_4_C12_C11_2
#define ICH_ELRSR_EL2   S3_4_C12_C11_5
#define ICH_VMCR_EL2    S3_4_C12_C11_7
#define ICH_LR0_EL2     S3_4_C12_C12_0
#define ICH_LR1_EL2     S3_4_C12_C12_1
#define ICH_LR2_EL2     S3_4_C12_C12_2
#define ICH_LR3_EL2     S3_4_C12_C12_3

/* HCR_EL2 (D17.2.48). */
#define HCR_VM     (1UL << 0) /* stage-2 translation */
#define HCR_SWIO   (1UL << 1) /* set/way invalidate -> clean+invalidate */
#define HCR_FMO    (1UL << 3) /* FIQs to EL2, virtual FIQ to EL1 */
#define HCR_IMO    (1UL << 4) /* IRQs to EL2; EL1 ICC_* go to the virtual CPU interface */
#define HCR_AMO    (1UL << 5) /* SErrors to EL2 */
#define HCR_FB     (1UL << 9) /* broadcast EL1 TLB/IC maintenance */
#define HCR_BSU_IS (1UL << 10)
#define HCR_TWI    (1UL << 13) /* trap WFI: a blocked vCPU must not spin */
#define HCR_TID3   (1UL << 18) /* trap ID group 3: hide what we do not virtualise */
#define HCR_TSC    (1UL << 19) /* trap SMC: answered as SMCCC */
#define HCR_RW     (1UL << 31) /* EL1 is AArch64 */

/* ESR_ELx exception classes (D17.2.37). */
#define EC_UNKNOWN  0x00
#define EC_WFX      0x01
#define EC_FP       0x07
#define EC_HVC64    0x16
#define EC_SMC64    0x17
#define EC_SYSREG   0x18
#define EC_IABT_LOW 0x20
#define EC_IABT_CUR 0x21
#define EC_DABT_LOW 0x24
#define EC_DABT_CUR 0x25
#define ESR_EC(esr) (((esr) >> 26) & 0x3f)
#define ESR_IL      (1UL << 25)

#ifndef PSR_MODE_EL1h /* also in <xen/arch-arm.h> for the toolstack */
#define PSR_MODE_EL1h 0x5
#endif
#define PSR_DAIF_MASK (0xfUL << 6)

static inline void isb(void)
{
    asm volatile("isb" ::: "memory");
}
static inline void dsb_ish(void)
{
    asm volatile("dsb ish" ::: "memory");
}
static inline void dsb_sy(void)
{
    asm volatile("dsb sy" ::: "memory");
}

static inline void local_irq_enable(void)
{
    asm volatile("msr daifclr, #2" ::: "memory");
}
static inline void local_irq_disable(void)
{
    asm volatile("msr daifset, #2" ::: "memory");
}
static inline void wfi(void)
{
    asm volatile("dsb sy; wfi" ::: "memory");
}

/* MPIDR affinity fields Aff3.Aff2.Aff1.Aff0 packed as in GICR_TYPER[63:32]. */
static inline uint32_t mpidr_to_aff32(uint64_t mpidr)
{
    return (uint32_t)((mpidr & 0xffffff) | ((mpidr >> 8) & 0xff000000));
}

#endif /* ASM_SYSREGS_H */
