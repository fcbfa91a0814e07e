/* The domU device tree, as libxl_arm.c makes it (xen-arm-abi.md 5.5): cpus, psci, memory,
 * the GIC createdomain reported (GICv3, or GICv2 on a GICv2 host), timer, hypervisor node,
 * chosen bootargs + initrd. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <libfdt.h>
#include "arch_arm.h"
#include "tern/guest.h"

#define GIC_PPI            1 /* first interrupt cell: 1 = PPI (bindings/interrupt-controller/arm,gic.yaml) */
#define PPI_CPU_MASK_ALL   0xf00
#define IRQ_TYPE_LEVEL_LOW 8

/* fdt_* sequential-write calls return 0 or -FDT_ERR_*; fold them into one error. */
#define FDT(call)                                                                                  \
    do {                                                                                           \
        int r_ = (call);                                                                           \
        if (r_)                                                                                    \
            return r_ == -FDT_ERR_NOSPACE ? -ENOSPC : -EINVAL;                                     \
    } while (0)

static int prop_regs(void *fdt, const char *name, const uint64_t *vals, unsigned int n)
{
    fdt64_t cells[8];

    for (unsigned int i = 0; i < n; i++)
        cells[i] = cpu_to_fdt64(vals[i]);
    return fdt_property(fdt, name, cells, n * sizeof(cells[0]));
}

/* PPI interrupt specifier: <1 (ppi - 16) flags>, all CPUs, level-low as Xen's timer/event. */
static int prop_ppis(void *fdt, const unsigned int *ppis, unsigned int n)
{
    fdt32_t cells[9];

    for (unsigned int i = 0; i < n; i++) {
        cells[i * 3] = cpu_to_fdt32(GIC_PPI);
        cells[i * 3 + 1] = cpu_to_fdt32(ppis[i] - 16);
        cells[i * 3 + 2] = cpu_to_fdt32(PPI_CPU_MASK_ALL | IRQ_TYPE_LEVEL_LOW);
    }
    return fdt_property(fdt, "interrupts", cells, n * 3 * sizeof(cells[0]));
}

static int make_cpus(void *fdt, unsigned int nr_vcpus)
{
    FDT(fdt_begin_node(fdt, "cpus"));
    FDT(fdt_property_cell(fdt, "#address-cells", 1));
    FDT(fdt_property_cell(fdt, "#size-cells", 0));
    for (unsigned int i = 0; i < nr_vcpus; i++) {
        /* reg = the vCPU's MPIDR affinity as Xen assigns it (vcpuid_to_vaffinity). */
        uint32_t mpidr = (i & 0xf) | (((i >> 4) & 0xff) << 8);
        char name[32];

        snprintf(name, sizeof(name), "cpu@%x", mpidr);
        FDT(fdt_begin_node(fdt, name));
        FDT(fdt_property_string(fdt, "device_type", "cpu"));
        FDT(fdt_property_string(fdt, "compatible", "arm,armv8"));
        FDT(fdt_property_string(fdt, "enable-method", "psci"));
        FDT(fdt_property_cell(fdt, "reg", mpidr));
        FDT(fdt_end_node(fdt));
    }
    return fdt_end_node(fdt);
}

static int make_psci(void *fdt)
{
    static const char compat[] = "arm,psci-1.0\0arm,psci-0.2\0arm,psci";

    FDT(fdt_begin_node(fdt, "psci"));
    FDT(fdt_property(fdt, "compatible", compat, sizeof(compat)));
    FDT(fdt_property_string(fdt, "method", "hvc"));
    FDT(fdt_property_cell(fdt, "cpu_off", 1));
    FDT(fdt_property_cell(fdt, "cpu_on", 2));
    return fdt_end_node(fdt);
}

static int make_memory(void *fdt, const struct tern_layout *l)
{
    for (int bank = 0; bank < 2; bank++) {
        uint64_t reg[2] = {l->ram_base[bank], l->ram_size[bank]};
        char name[32];

        if (!l->ram_size[bank])
            continue;
        snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)l->ram_base[bank]);
        FDT(fdt_begin_node(fdt, name));
        FDT(fdt_property_string(fdt, "device_type", "memory"));
        FDT(prop_regs(fdt, "reg", reg, 2));
        FDT(fdt_end_node(fdt));
    }
    return 0;
}

/* The interrupt controller node of Xen's guest layout; only the compatible and the two
 * register ranges differ between GICv3 (distributor, redistributors) and GICv2 (distributor,
 * CPU interface; libxl's make_gicv2_node). */
static int make_gic(void *fdt, const char *compatible, const uint64_t reg[4])
{
    char name[48];

    snprintf(name, sizeof(name), "interrupt-controller@%llx", (unsigned long long)reg[0]);
    FDT(fdt_begin_node(fdt, name));
    FDT(fdt_property_string(fdt, "compatible", compatible));
    FDT(fdt_property_cell(fdt, "#interrupt-cells", 3));
    FDT(fdt_property_cell(fdt, "#address-cells", 0));
    FDT(fdt_property(fdt, "interrupt-controller", NULL, 0));
    FDT(prop_regs(fdt, "reg", reg, 4));
    FDT(fdt_property_cell(fdt, "linux,phandle", GUEST_PHANDLE_GIC));
    FDT(fdt_property_cell(fdt, "phandle", GUEST_PHANDLE_GIC));
    return fdt_end_node(fdt);
}

static int make_gicv3(void *fdt)
{
    static const uint64_t reg[4] = {GUEST_GICV3_GICD_BASE, GUEST_GICV3_GICD_SIZE,
                                    GUEST_GICV3_GICR0_BASE, GUEST_GICV3_GICR0_SIZE};

    return make_gic(fdt, "arm,gic-v3", reg);
}

static int make_gicv2(void *fdt)
{
    static const uint64_t reg[4] = {GUEST_GICD_BASE, GUEST_GICD_SIZE, GUEST_GICC_BASE,
                                    GUEST_GICC_SIZE};

    return make_gic(fdt, "arm,cortex-a15-gic", reg);
}

static int make_timer(void *fdt, uint32_t clock_frequency)
{
    static const unsigned int ppis[3] = {GUEST_TIMER_PHYS_S_PPI, GUEST_TIMER_PHYS_NS_PPI,
                                         GUEST_TIMER_VIRT_PPI};

    FDT(fdt_begin_node(fdt, "timer"));
    FDT(fdt_property_string(fdt, "compatible", "arm,armv8-timer"));
    FDT(prop_ppis(fdt, ppis, 3));
    FDT(fdt_property_cell(fdt, "interrupt-parent", GUEST_PHANDLE_GIC));
    if (clock_frequency)
        FDT(fdt_property_cell(fdt, "clock-frequency", clock_frequency));
    return fdt_end_node(fdt);
}

static int make_hypervisor(void *fdt, const struct tern_dt_params *p)
{
    const unsigned int ppi = GUEST_EVTCHN_PPI;
    uint64_t reg[2] = {p->layout->gnttab_base, p->layout->gnttab_size};
    char compat[64];
    int len;

    /* Linux's xen_dt_guest_init matches "xen,xen"; the versioned string comes first. */
    len = snprintf(compat, sizeof(compat), "xen,xen-%u.%u", p->xen_major, p->xen_minor) + 1;
    memcpy(compat + len, "xen,xen", 8);
    FDT(fdt_begin_node(fdt, "hypervisor"));
    FDT(fdt_property(fdt, "compatible", compat, len + 8));
    FDT(prop_regs(fdt, "reg", reg, 2));
    FDT(prop_ppis(fdt, &ppi, 1));
    FDT(fdt_property_cell(fdt, "interrupt-parent", GUEST_PHANDLE_GIC));
    return fdt_end_node(fdt);
}

static int make_chosen(void *fdt, const struct tern_dt_params *p)
{
    const struct tern_layout *l = p->layout;

    FDT(fdt_begin_node(fdt, "chosen"));
    if (p->bootargs)
        FDT(fdt_property_string(fdt, "bootargs", p->bootargs));
    if (l->ramdisk_size) {
        FDT(fdt_property_u64(fdt, "linux,initrd-start", l->ramdisk_base));
        FDT(fdt_property_u64(fdt, "linux,initrd-end", l->ramdisk_base + l->ramdisk_size));
    }
    return fdt_end_node(fdt);
}

int tern_dtb_build(void *buf, size_t bufsize, const struct tern_dt_params *p)
{
    static const char compat[] = "xen,xenvm-4.17\0xen,xenvm";
    char model[32];
    int rc;

    if (!p->nr_vcpus || p->nr_vcpus > GUEST_MAX_VCPUS)
        return -EINVAL;
    FDT(fdt_create(buf, (int)bufsize));
    FDT(fdt_finish_reservemap(buf));
    FDT(fdt_begin_node(buf, ""));
    snprintf(model, sizeof(model), "XENVM-%u.%u", p->xen_major, p->xen_minor);
    FDT(fdt_property_string(buf, "model", model));
    FDT(fdt_property(buf, "compatible", compat, sizeof(compat)));
    FDT(fdt_property_cell(buf, "interrupt-parent", GUEST_PHANDLE_GIC));
    FDT(fdt_property_cell(buf, "#address-cells", GUEST_ROOT_ADDRESS_CELLS));
    FDT(fdt_property_cell(buf, "#size-cells", GUEST_ROOT_SIZE_CELLS));
    if ((rc = make_chosen(buf, p)) || (rc = make_cpus(buf, p->nr_vcpus)) || (rc = make_psci(buf)) ||
        (rc = make_memory(buf, p->layout)) ||
        (rc = p->gic_version == XEN_DOMCTL_CONFIG_GIC_V2 ? make_gicv2(buf) : make_gicv3(buf)) ||
        (rc = make_timer(buf, p->clock_frequency)) || (rc = make_hypervisor(buf, p)))
        return rc < 0 && rc > -FDT_ERR_MAX ? rc : (rc == -FDT_ERR_NOSPACE ? -ENOSPC : -EINVAL);
    FDT(fdt_end_node(buf));
    FDT(fdt_finish(buf));
    return (int)fdt_totalsize(buf);
}
