/* SPDX-License-Identifier: MIT */
/*
 * Physical interrupts taken at EL2 (HCR_EL2.IMO = 1 routes them here while a guest runs;
 * an idle pCPU takes them in pcpu_wait's unmasked window, arch/arm64/vcpu.c).
 */
#include <hv/arch.h>
#include <hv/console.h>
#include <hv/uart.h>
#include <hv/domain.h>
#include <hv/lib.h>
#include <asm/gic.h>
#include <asm/regs.h>
#include <asm/sysregs.h>
#include <asm/vcpu.h>
#include <asm/vgic.h>

static unsigned int uart_irq = ~0u;

void irq_set_uart(unsigned int intid)
{
    uart_irq = intid;
}

bool irq_hv_owned(unsigned int intid)
{
    return intid == uart_irq;
}

/* Console input: the UART's receive interrupt, on the boot pCPU. */
void irq_enable_uart(const struct uart_driver *drv)
{
    if (uart_irq == ~0u || !drv)
        return;
    gic_spi_set_edge(uart_irq, false);
    gic_spi_route(uart_irq, READ_SYSREG(mpidr_el1));
    gic_spi_enable(uart_irq, true);
    drv->enable_rx_irq();
}

static void handle_one(unsigned int intid)
{
    struct vcpu *v = current_vcpu();
    struct domain *d;

    if (intid == VTIMER_PPI && v) {
        /* Hardware-linked: stays active until the guest's EOI deactivates it. */
        gic_eoi(intid);
        vgic_inject_irq(v, intid, true);
        return;
    }
    if (intid >= 32 && intid != uart_irq && (d = hardware_domain()) != NULL) {
        gic_eoi(intid);
        vgic_inject_spi(d, intid);
        return;
    }
    if (intid == HYP_TIMER_PPI)
        hyp_timer_interrupt();         /* vcpu.c: slice end or a descheduled vCPU's timer */
    else if (intid == MAINTENANCE_PPI) /* underflow: refilled on the way back to the guest */
        gic_write_hcr(gic_read_hcr() & ~GIC_HCR_UIE);
    else if (intid == uart_irq)
        console_rx_poll();
    gic_eoi(intid);
    gic_deactivate(intid);
}

void do_irq(struct cpu_user_regs *regs)
{
    unsigned int intid;

    while ((intid = gic_ack()) < GIC_SPURIOUS)
        handle_one(intid);
}
