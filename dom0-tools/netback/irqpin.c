/* tern-netback: its event channels' interrupts on the backend's own CPU (see irqpin.h).
 *
 * Why: Linux's /dev/xen/evtchn binds each interdomain port it is given to the next online
 * vCPU in turn (drivers/xen/evtchn.c, IOCTL_EVTCHN_BIND_INTERDOMAIN), so with 2 dom0 vCPUs
 * half of a vif's notifications land on the vCPU the backend does not run on. That vCPU is
 * woken, takes the upcall, and wakes the backend's task with an IPI: two vCPU wake-ups (and a
 * trapped SGI) per notification instead of one. An interrupt's smp_affinity moves it: Linux
 * rebinds the port with EVTCHNOP_bind_vcpu (events_base.c, set_affinity_irq; Arm supports
 * the rebind, asm/xen/events.h). */
#include "irqpin.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INTERRUPTS_MAX (256 * 1024) /* /proc/interrupts of a dom0 with many guests */
#define PIN_MAX        256

unsigned nb_irqs_named(const char *text, const char *name, unsigned *irqs, unsigned max)
{
    size_t nlen = strlen(name);
    unsigned n = 0;

    for (const char *line = text; *line;) {
        const char *eol = strchr(line, '\n'), *end, *p = line;
        char *num_end;
        unsigned long irq;

        if (!eol)
            eol = line + strlen(line);
        end = eol;
        while (end > line && isspace((unsigned char)end[-1]))
            end--;
        while (p < end && isspace((unsigned char)*p))
            p++;
        irq = strtoul(p, &num_end, 10);
        /* "  NN: counts... chip ... name": a numbered line whose last field is name
         * exactly (not a longer name ending the same way) */
        if (num_end > p && *num_end == ':' && (size_t)(end - line) >= nlen &&
            !memcmp(end - nlen, name, nlen) &&
            (end - nlen == line || isspace((unsigned char)end[-nlen - 1]))) {
            if (n < max)
                irqs[n++] = (unsigned)irq;
        }
        line = *eol ? eol + 1 : eol;
    }
    return n;
}

static char *read_text(const char *path, size_t max)
{
    FILE *f = fopen(path, "r");
    char *buf = malloc(max + 1);
    size_t n = 0;

    if (!f || !buf) {
        if (f)
            fclose(f);
        free(buf);
        return NULL;
    }
    n = fread(buf, 1, max, f);
    fclose(f);
    buf[n] = 0;
    return buf;
}

/* 1: moved, 0: already there, -1: refused (errno) */
static int pin_one(unsigned irq, unsigned cpu)
{
    char path[64], want[16], have[64] = "";
    FILE *f;
    int rc;

    snprintf(path, sizeof(path), "/proc/irq/%u/smp_affinity_list", irq);
    snprintf(want, sizeof(want), "%u", cpu);
    f = fopen(path, "r");
    if (f) {
        if (!fgets(have, sizeof(have), f))
            have[0] = 0;
        fclose(f);
        have[strcspn(have, "\n")] = 0;
        if (!strcmp(have, want))
            return 0;
    }
    f = fopen(path, "w");
    if (!f)
        return -1;
    rc = fputs(want, f) < 0 ? -1 : 1;
    if (fclose(f) != 0)
        rc = -1;
    return rc;
}

int nb_irq_pin_evtchns(unsigned cpu, char *err, size_t errlen)
{
    char comm[32] = "", name[48], *text;
    unsigned irqs[PIN_MAX], n;
    FILE *f = fopen("/proc/self/comm", "r");
    int moved = 0;

    if (f) {
        if (!fgets(comm, sizeof(comm), f))
            comm[0] = 0;
        fclose(f);
    }
    comm[strcspn(comm, "\n")] = 0;
    if (!comm[0]) {
        snprintf(err, errlen, "read /proc/self/comm: %s", strerror(errno ? errno : EIO));
        return -1;
    }
    snprintf(name, sizeof(name), "evtchn:%s", comm); /* Linux's name for our ports */
    text = read_text("/proc/interrupts", INTERRUPTS_MAX);
    if (!text) {
        snprintf(err, errlen, "read /proc/interrupts: %s", strerror(errno));
        return -1;
    }
    n = nb_irqs_named(text, name, irqs, PIN_MAX);
    free(text);
    for (unsigned i = 0; i < n && i < PIN_MAX; i++) {
        int rc = pin_one(irqs[i], cpu);

        if (rc < 0) {
            snprintf(err, errlen, "IRQ %u (%s) to CPU %u: %s", irqs[i], name, cpu, strerror(errno));
            return -1;
        }
        moved += rc;
    }
    return moved;
}
