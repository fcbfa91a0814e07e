/* SPDX-License-Identifier: MIT */
/*
 * console_io (Xen: xen/drivers/char/console.c, do_console_io): the privileged domain
 * writes to the hypervisor's console and reads the input typed on it.  Input arrives
 * from the arch UART IRQ through console_input_char(), which raises VIRQ_CONSOLE.
 * Permission (dom0 only, -EPERM otherwise, as Xen release builds) is in the hypercall
 * table row.
 */
#include <hv/arch_hooks.h>
#include <hv/console.h>
#include <hv/errno.h>
#include <hv/event.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/keyhandler.h>
#include <hv/lib.h>
#include <hv/spinlock.h>

#include <xen/xen.h>

#define SERIAL_RX_SIZE    128 /* as Xen; power of two */
#define SERIAL_RX_MASK(i) ((i) & (SERIAL_RX_SIZE - 1))
#define WRITE_CHUNK       128

static char rx_ring[SERIAL_RX_SIZE];
static uint32_t rx_cons, rx_prod;
static spinlock_t rx_lock = SPINLOCK_INIT;

bool console_input_full(void)
{
    return __atomic_load_n(&rx_prod, __ATOMIC_ACQUIRE) -
               __atomic_load_n(&rx_cons, __ATOMIC_ACQUIRE) ==
           SERIAL_RX_SIZE;
}

static void input_to_dom0(char c)
{
    spin_lock(&rx_lock);
    /* Full: drop the byte, as Xen. */
    if (rx_prod - rx_cons != SERIAL_RX_SIZE)
        rx_ring[SERIAL_RX_MASK(rx_prod++)] = c;
    spin_unlock(&rx_lock);
    send_global_virq(VIRQ_CONSOLE);
}

/* Where typed input goes, switched as on Xen (xen/drivers/char/console.c, serial_rx):
 * CTRL-a three times in a row toggles between dom0 and the hypervisor, whose keys are
 * the debug keys (keyhandler.c), so a machine whose dom0 no longer answers can still be
 * asked what its vCPUs and run queues are doing.  CTRL-a's that turn out not to be a
 * switch are passed on.  Only the UART IRQ (one pCPU) feeds this: no lock needed. */
#define SWITCH_CODE  ('a' & 0x1f)
#define SWITCH_TIMES 3
static unsigned int switch_seen;
static bool input_to_hypervisor;

static void input_deliver(char c)
{
    if (input_to_hypervisor)
        handle_keypress(c);
    else
        input_to_dom0(c);
}

void console_input_char(char c)
{
    if (c == SWITCH_CODE) {
        if (++switch_seen < SWITCH_TIMES)
            return;
        switch_seen = 0;
        input_to_hypervisor = !input_to_hypervisor;
        printk("*** Serial input to %s (type 'CTRL-a' three times to switch input)\n",
               input_to_hypervisor ? "Tern" : "DOM0");
        return;
    }
    for (; switch_seen; switch_seen--)
        input_deliver(SWITCH_CODE);
    input_deliver(c);
}

static long console_write_guest(uint64_t buf, uint32_t count)
{
    char kbuf[WRITE_CHUNK];

    while (count > 0) {
        uint32_t n = count < WRITE_CHUNK ? count : WRITE_CHUNK;

        if (copy_from_guest_va(kbuf, buf, n))
            return -EFAULT;
        console_write(kbuf, n);
        buf += n;
        count -= n;
    }
    return 0;
}

static long console_read_guest(uint64_t buf, uint32_t count)
{
    long rc = 0;
    bool was_full;

    /* The result is a byte count or a negative errno: keep the two apart (Xen). */
    if ((int32_t)count < 0)
        return -E2BIG;
    spin_lock(&rx_lock);
    was_full = rx_prod - rx_cons == SERIAL_RX_SIZE;
    while (rx_cons != rx_prod && (uint32_t)rc < count) {
        uint32_t idx = SERIAL_RX_MASK(rx_cons);
        uint32_t len = rx_prod - rx_cons;

        if (idx + len > SERIAL_RX_SIZE)
            len = SERIAL_RX_SIZE - idx;
        if (rc + len > count)
            len = count - rc;
        if (copy_to_guest_va(buf + rc, &rx_ring[idx], len)) {
            rc = -EFAULT;
            break;
        }
        rc += len;
        rx_cons += len;
    }
    spin_unlock(&rx_lock);
    /* The UART may hold bytes the full ring could not take (hv/console.h). */
    if (was_full && rc > 0)
        console_rx_resume();
    return rc;
}

long hc_console_io(struct vcpu *v, const uint64_t a[5])
{
    switch (a[0]) {
    case CONSOLEIO_write:
        return console_write_guest(a[2], (uint32_t)a[1]);
    case CONSOLEIO_read:
        return console_read_guest(a[2], (uint32_t)a[1]);
    default:
        return -ENOSYS;
    }
}
