/* arm64 specifics the rest of the guest uses: system registers, barriers, traps. */
#ifndef TG_ARCH_H
#define TG_ARCH_H

#include "types.h"

#define READ_SYSREG(name)                                                                          \
    ({                                                                                             \
        uint64_t _v;                                                                               \
        __asm__ __volatile__("mrs %0, " #name : "=r"(_v));                                         \
        _v;                                                                                        \
    })
#define WRITE_SYSREG(name, v) __asm__ __volatile__("msr " #name ", %0" ::"r"((uint64_t)(v)))

#define isb() __asm__ __volatile__("isb" ::: "memory")
#define dsb() __asm__ __volatile__("dsb sy" ::: "memory")
#define mb()  __asm__ __volatile__("dmb ish" ::: "memory")
#define wmb() __asm__ __volatile__("dmb ishst" ::: "memory")
#define rmb() __asm__ __volatile__("dmb ishld" ::: "memory")

static inline void local_irq_enable(void)
{
    __asm__ __volatile__("msr daifclr, #2" ::: "memory");
}

static inline void local_irq_disable(void)
{
    __asm__ __volatile__("msr daifset, #2" ::: "memory");
}

/* The architected virtual counter (Arm ARM D11.2); under QEMU's -icount it counts
 * instructions (see bench/hypercalls/README.md for the ratio). */
static inline uint64_t read_cntvct(void)
{
    isb();
    return READ_SYSREG(cntvct_el0);
}

struct trap_frame {
    uint64_t x[31];
    uint64_t elr;
    uint64_t spsr;
    uint64_t pad;
};

void arch_mmu_init(uint64_t fdt_pa);

/*
 * Expected faults: a test arms the probe, performs one access and reads the result.  The
 * synchronous-abort handler skips the faulting instruction while armed.
 */
struct fault_probe {
    bool armed;
    bool hit;
    uint64_t esr;
    uint64_t far;
};
extern struct fault_probe fault_probe;
bool probe_read(const volatile uint64_t *p, uint64_t *val);
bool probe_write(volatile uint64_t *p, uint64_t val);

/* Interrupt handler for the event-channel upcall (set by the event layer). */
extern void (*arch_irq_handler)(uint32_t intid);

/* GICv3 CPU interface + redistributor: enable one PPI as a group-1 interrupt. */
int gic_enable_ppi(unsigned ppi);
/* Acknowledge the highest-priority interrupt (its IAR value); end it with that value. */
uint32_t gic_ack(void);
uint32_t gic_intid(uint32_t iar);
void gic_eoi(uint32_t iar);

#endif
