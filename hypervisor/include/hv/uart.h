/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's UART: output for console_write()/printk (lib/console.c), input to
 * console_input_char() (hv/console.h).  The UART is the one the host DT's
 * /chosen/stdout-path names (drivers/char/pl011.c).
 */
#ifndef HV_UART_H
#define HV_UART_H

#include <hv/types.h>

struct uart_driver {
    void (*putc)(char c);
    int (*getc)(void); /* -1 when the receive FIFO is empty */
    void (*enable_rx_irq)(void);
    /* Mask (false) or unmask (true) the receive interrupts, bytes staying in the FIFO. */
    void (*rx_irq)(bool on);
};
void console_set_uart(const struct uart_driver *drv);
/* Drains the UART receive FIFO into console_input_char (called from the UART IRQ) while
 * dom0's input ring has room; when it is full, masks the receive interrupt: the bytes wait
 * in the UART (and the sender is held back) until console_rx_resume(). */
void console_rx_poll(void);

/* PL011 at a physical address (identity-mapped). */
const struct uart_driver *pl011_init(paddr_t base);

#endif /* HV_UART_H */
