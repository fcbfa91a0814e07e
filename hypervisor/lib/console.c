/* SPDX-License-Identifier: MIT */
/* printk, panic and console_write on top of the UART driver chosen at boot. */
#include <hv/console.h>
#include <hv/uart.h>
#include <hv/lib.h>
#include <hv/spinlock.h>
#include <hv/sched.h>
#include <hv/arch.h>
#include <asm/sysregs.h>

static inline unsigned long irq_save(void)
{
    unsigned long flags;

    asm volatile("mrs %0, daif; msr daifset, #2" : "=r"(flags)::"memory");
    return flags;
}

static inline void irq_restore(unsigned long flags)
{
    asm volatile("msr daif, %0" ::"r"(flags) : "memory");
}

int hv_loglvl = LOG_INFO;

static const struct uart_driver *uart;
static spinlock_t console_lock = SPINLOCK_INIT;

void console_set_uart(const struct uart_driver *drv)
{
    uart = drv;
}

static void write_locked(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            uart->putc('\r');
        uart->putc(s[i]);
    }
}

void console_write(const char *s, size_t n)
{
    unsigned long flags;

    if (!uart)
        return;
    flags = irq_save();
    spin_lock(&console_lock);
    write_locked(s, n);
    spin_unlock(&console_lock);
    irq_restore(flags);
}

/* Flow control of console input (hv/uart.h): the UART's IRQ (boot pCPU) and dom0's
 * CONSOLEIO_read (any pCPU) decide under rx_flow_lock, so a resume cannot slip between
 * the "full" check and the masking. */
static spinlock_t rx_flow_lock = SPINLOCK_INIT;
static bool rx_throttled;

static void rx_drain_locked(void)
{
    int c;

    while (!console_input_full() && (c = uart->getc()) >= 0)
        console_input_char((char)c);
    if (console_input_full() != rx_throttled && uart->rx_irq) {
        rx_throttled = !rx_throttled;
        uart->rx_irq(!rx_throttled);
    }
}

void console_rx_poll(void)
{
    unsigned long flags;

    if (!uart)
        return;
    flags = irq_save();
    spin_lock(&rx_flow_lock);
    rx_drain_locked();
    spin_unlock(&rx_flow_lock);
    irq_restore(flags);
}

void console_rx_resume(void)
{
    unsigned long flags;

    if (!uart)
        return;
    flags = irq_save();
    spin_lock(&rx_flow_lock);
    if (rx_throttled)
        rx_drain_locked();
    spin_unlock(&rx_flow_lock);
    irq_restore(flags);
}

static void vprintk(int lvl, const char *fmt, va_list ap)
{
    char buf[512];
    int n;

    if (lvl > hv_loglvl)
        return;
    memcpy(buf, "(TERN) ", 7);
    n = vsnprintf(buf + 7, sizeof(buf) - 7, fmt, ap);
    n = MIN(n + 7, (int)sizeof(buf) - 1);
    /* The hypervisor's own log goes to the ring read by XEN_SYSCTL_readconsole
     * (common/conring.c); dom0's CONSOLEIO_write output does not (Xen's console_to_ring
     * is off by default). */
    conring_put(buf, n);
    console_write(buf, n);
}

void printk(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintk(LOG_ERR, fmt, ap);
    va_end(ap);
}

void printk_lvl(int lvl, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintk(lvl, fmt, ap);
    va_end(ap);
}

void gprintk(struct domain *d, int lvl, const char *fmt, ...)
{
    uint64_t freq = READ_SYSREG(cntfrq_el0), now_ms;
    unsigned int dropped;
    va_list ap;

    if (lvl > hv_loglvl)
        return;
    now_ms = freq ? READ_SYSREG(cntpct_el0) / (freq / 1000 ? freq / 1000 : 1) : 0;
    if (!ratelimit_allow(&d->warn_limit, now_ms, &dropped))
        return;
    if (dropped)
        printk_lvl(lvl, "d%u: %u warnings suppressed (rate limit)\n", d->domain_id, dropped);
    va_start(ap, fmt);
    vprintk(lvl, fmt, ap);
    va_end(ap);
}

void panic(const char *fmt, ...)
{
    va_list ap;

    local_irq_disable();
    console_write("\n(TERN) PANIC: ", 15);
    va_start(ap, fmt);
    vprintk(LOG_ERR, fmt, ap);
    va_end(ap);
    console_write("\n(TERN) system halted\n", 22);
    machine_halt();
}
