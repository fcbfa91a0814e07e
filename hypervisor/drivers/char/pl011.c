/* SPDX-License-Identifier: MIT */
/*
 * Arm PrimeCell UART (PL011) driver: polled transmit, interrupt-driven receive.
 * Register offsets: PL011 TRM (DDI 0183G) section 3.2.  QEMU's firmware-less boot leaves
 * the UART enabled at its reset baud rate, so no clock setup is needed here.
 */
#include <hv/uart.h>

#define UARTDR   0x000
#define UARTFR   0x018
#define UARTIMSC 0x038
#define UARTICR  0x044
#define FR_RXFE  (1u << 4) /* receive FIFO empty */
#define FR_TXFF  (1u << 5) /* transmit FIFO full */
#define IMSC_RX  (1u << 4)
#define IMSC_RT  (1u << 6) /* receive timeout: characters waiting below the FIFO level */

static volatile uint32_t *pl011;

static inline uint32_t rd(unsigned int off)
{
    return pl011[off / 4];
}

static inline void wr(unsigned int off, uint32_t v)
{
    pl011[off / 4] = v;
}

static void pl011_putc(char c)
{
    while (rd(UARTFR) & FR_TXFF)
        ;
    wr(UARTDR, (uint8_t)c);
}

static int pl011_getc(void)
{
    if (rd(UARTFR) & FR_RXFE)
        return -1;
    return rd(UARTDR) & 0xff;
}

static void pl011_enable_rx_irq(void)
{
    wr(UARTICR, 0x7ff);
    wr(UARTIMSC, IMSC_RX | IMSC_RT);
}

static void pl011_rx_irq(bool on)
{
    wr(UARTIMSC, on ? IMSC_RX | IMSC_RT : 0);
}

static const struct uart_driver pl011_driver = {
    .putc = pl011_putc,
    .getc = pl011_getc,
    .enable_rx_irq = pl011_enable_rx_irq,
    .rx_irq = pl011_rx_irq,
};

const struct uart_driver *pl011_init(paddr_t base)
{
    pl011 = (volatile uint32_t *)base;
    return &pl011_driver;
}
