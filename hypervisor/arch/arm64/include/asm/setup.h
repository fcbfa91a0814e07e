/* SPDX-License-Identifier: MIT */
/* Boot-time configuration shared by setup.c, domain_build.c and dom0_fdt.c. */
#ifndef ASM_SETUP_H
#define ASM_SETUP_H

#include <hv/types.h>

struct domain;

struct boot_module {
    paddr_t start;
    uint64_t size;
};

struct boot_info {
    const void *fdt; /* host device tree (as QEMU passed it) */
    paddr_t ram_start, ram_end;
    struct boot_module kernel, initrd;
    const char *dom0_bootargs;
    const char *uart_path; /* host DT node the hypervisor owns (console), or NULL */
    uint64_t dom0_mem;
    unsigned int dom0_max_vcpus;
};

extern struct boot_info boot;
extern char _start_image[], _end[];

/* Record the end of a boot phase (counter value); print them all at loglvl=debug. */
void boot_phase(const char *name);
void boot_phases_print(void);

/* Choose dom0's RAM bank and reserve it (domain_build.c), before any heap allocation. */
void dom0_reserve_memory(void);
/* Build and start dom0 (domain_build.c): never returns. */
void construct_dom0(void) __attribute__((noreturn));

/* dom0's device tree (dom0_fdt.c), written to buf (buf_size bytes). */
struct dom0_dt_params {
    paddr_t ram_start;
    uint64_t ram_size;
    paddr_t initrd_start;
    uint64_t initrd_size;
    paddr_t gnttab_start;
    uint64_t gnttab_size;
    unsigned int nr_vcpus;
    unsigned int evtchn_ppi;
};
void dom0_build_fdt(void *buf, size_t buf_size, const struct dom0_dt_params *p);
/* Map every device of dom0's DT 1:1 into d's stage-2. */
void dom0_map_devices(struct domain *d, const void *fdt);

struct uart_driver;
void irq_set_uart(unsigned int intid);
void irq_enable_uart(const struct uart_driver *drv);

#endif /* ASM_SETUP_H */
