/*
 * Exception handling: expected faults (fault probes), the event-channel interrupt, and a
 * report-then-crash path for everything else, so a guest bug shows as a clear console line
 * and a crashed domain instead of a silent hang.
 */
#include <tg/arch.h>
#include <tg/console.h>
#include <tg/xen.h>

#define ESR_EC(esr) (((esr) >> 26) & 0x3f)
#define EC_DABT_CUR 0x25 /* data abort, same EL (Arm ARM D17.2.37) */

struct fault_probe fault_probe;
void (*arch_irq_handler)(uint32_t intid);

static const char *const kind_names[16] = {
    "sync/sp0", "irq/sp0", "fiq/sp0", "serror/sp0", "sync",     "irq",     "fiq",     "serror",
    "sync/el0", "irq/el0", "fiq/el0", "serror/el0", "sync/a32", "irq/a32", "fiq/a32", "serror/a32",
};

static void handle_irq(void)
{
    uint32_t iar = gic_ack();
    uint32_t intid = gic_intid(iar);

    if (intid >= 1020) /* spurious / special INTIDs */
        return;
    if (arch_irq_handler)
        arch_irq_handler(intid);
    gic_eoi(iar);
}

void trap_dispatch(struct trap_frame *f, unsigned long kind)
{
    uint64_t esr = READ_SYSREG(esr_el1);
    uint64_t far = READ_SYSREG(far_el1);

    if (kind == 5 || kind == 1) {
        handle_irq();
        return;
    }
    if (kind == 4 && fault_probe.armed && ESR_EC(esr) == EC_DABT_CUR) {
        fault_probe.armed = false;
        fault_probe.hit = true;
        fault_probe.esr = esr;
        fault_probe.far = far;
        f->elr += 4;
        return;
    }
    printk("TERN-GUEST-PANIC exception=%s esr=%#lx elr=%#lx far=%#lx spsr=%#lx\n",
           kind_names[kind & 15], (unsigned long)esr, (unsigned long)f->elr, (unsigned long)far,
           (unsigned long)f->spsr);
    xen_crash();
}

bool probe_read(const volatile uint64_t *p, uint64_t *val)
{
    uint64_t v = 0;

    fault_probe.hit = false;
    fault_probe.armed = true;
    barrier();
    __asm__ __volatile__("ldr %0, [%1]" : "+r"(v) : "r"(p) : "memory");
    barrier();
    fault_probe.armed = false;
    *val = v;
    return !fault_probe.hit;
}

bool probe_write(volatile uint64_t *p, uint64_t val)
{
    fault_probe.hit = false;
    fault_probe.armed = true;
    barrier();
    __asm__ __volatile__("str %0, [%1]" ::"r"(val), "r"(p) : "memory");
    barrier();
    fault_probe.armed = false;
    return !fault_probe.hit;
}
