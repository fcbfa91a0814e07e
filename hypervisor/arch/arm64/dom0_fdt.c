/* SPDX-License-Identifier: MIT */
/*
 * dom0's device tree, derived from the host's (Xen's rules, xen-arm-abi.md §3.3): the
 * host tree is copied, then what dom0 must not see is removed (the hypervisor's UART,
 * PMU, host PSCI, CPUs, memory, ITS and the PCIe host that needs it, boot modules) and
 * what is virtual is rewritten (cpus with virtual MPIDRs, memory, psci with hvc, GIC
 * without the maintenance interrupt, timer without the hypervisor PPI, /hypervisor).
 * Any libfdt failure here is a boot-time bug in our own code: panic.
 */
#include <libfdt.h>

#include <hv/lib.h>
#include <asm/gic.h>
#include <asm/p2m.h>
#include <asm/setup.h>
#include <hv/arch_hooks.h>

#define CHECK(x)                                                                                   \
    do {                                                                                           \
        int _r = (x);                                                                              \
        if (_r < 0)                                                                                \
            panic("dom0 DT: %s failed: %s", #x, fdt_strerror(_r));                                 \
    } while (0)

static const char *const removed_compatibles[] = {
    "arm,psci",         "arm,psci-0.2",       "arm,psci-1.0",   "arm,armv8-pmuv3",
    "arm,armv7-pmu",    "arm,cortex-a15-pmu", "arm,gic-v3-its", "pci-host-ecam-generic",
    "multiboot,module", "arm,gic-v2m-frame",
};

static void delete_by_compatible(void *fdt, const char *compat)
{
    int node;

    while ((node = fdt_node_offset_by_compatible(fdt, -1, compat)) >= 0)
        CHECK(fdt_del_node(fdt, node));
}

static void delete_path(void *fdt, const char *path)
{
    int node = fdt_path_offset(fdt, path);

    if (node >= 0)
        CHECK(fdt_del_node(fdt, node));
}

static void set_u64_pair(void *fdt, int node, const char *name, uint64_t a, uint64_t b)
{
    fdt64_t v[2] = {cpu_to_fdt64(a), cpu_to_fdt64(b)};

    CHECK(fdt_setprop(fdt, node, name, v, sizeof(v)));
}

static void set_u64_quad(void *fdt, int node, const char *name, uint64_t a, uint64_t b, uint64_t c,
                         uint64_t d)
{
    fdt64_t v[4] = {cpu_to_fdt64(a), cpu_to_fdt64(b), cpu_to_fdt64(c), cpu_to_fdt64(d)};

    CHECK(fdt_setprop(fdt, node, name, v, sizeof(v)));
}

static void fix_chosen(void *fdt, const struct dom0_dt_params *p)
{
    static const char *const drop[] = {"xen,xen-bootargs",   "xen,dom0-bootargs",
                                       "bootargs",           "stdout-path",
                                       "linux,initrd-start", "linux,initrd-end"};
    int chosen = fdt_path_offset(fdt, "/chosen");

    if (chosen < 0)
        CHECK(chosen = fdt_add_subnode(fdt, 0, "chosen"));
    for (unsigned int i = 0; i < ARRAY_SIZE(drop); i++)
        fdt_delprop(fdt, chosen, drop[i]);
    CHECK(fdt_setprop_string(fdt, chosen, "bootargs", boot.dom0_bootargs ?: ""));
    if (p->initrd_size) {
        CHECK(fdt_setprop_u64(fdt, chosen, "linux,initrd-start", p->initrd_start));
        CHECK(fdt_setprop_u64(fdt, chosen, "linux,initrd-end", p->initrd_start + p->initrd_size));
    }
}

static void make_memory(void *fdt, const struct dom0_dt_params *p)
{
    char name[32];
    int node;

    while ((node = fdt_node_offset_by_prop_value(fdt, -1, "device_type", "memory", 7)) >= 0)
        CHECK(fdt_del_node(fdt, node));
    snprintf(name, sizeof(name), "memory@%lx", p->ram_start);
    CHECK(node = fdt_add_subnode(fdt, 0, name));
    CHECK(fdt_setprop_string(fdt, node, "device_type", "memory"));
    set_u64_pair(fdt, node, "reg", p->ram_start, p->ram_size);
}

static void make_cpus(void *fdt, const struct dom0_dt_params *p)
{
    char compat[64] = "arm,armv8";
    int cpus = fdt_path_offset(fdt, "/cpus"), node;

    if (cpus >= 0) {
        fdt_for_each_subnode(node, fdt, cpus)
        {
            const char *c = fdt_getprop(fdt, node, "compatible", NULL);
            if (c) {
                snprintf(compat, sizeof(compat), "%s", c);
                break;
            }
        }
        CHECK(fdt_del_node(fdt, cpus));
    }
    CHECK(cpus = fdt_add_subnode(fdt, 0, "cpus"));
    CHECK(fdt_setprop_u32(fdt, cpus, "#address-cells", 1));
    CHECK(fdt_setprop_u32(fdt, cpus, "#size-cells", 0));
    /* Added in reverse: fdt_add_subnode inserts first, so cpu@0 ends up first. */
    for (int i = p->nr_vcpus - 1; i >= 0; i--) {
        uint32_t aff = ((i >> 4) << 8) | (i & 0xf); /* = VMPIDR_EL2 affinity */
        char name[16];
        snprintf(name, sizeof(name), "cpu@%x", aff);
        CHECK(node = fdt_add_subnode(fdt, cpus, name));
        CHECK(fdt_setprop_string(fdt, node, "device_type", "cpu"));
        CHECK(fdt_setprop_string(fdt, node, "compatible", compat));
        CHECK(fdt_setprop_u32(fdt, node, "reg", aff));
        CHECK(fdt_setprop_string(fdt, node, "enable-method", "psci"));
    }
}

static void make_psci(void *fdt)
{
    static const char compat[] = "arm,psci-1.0\0arm,psci-0.2\0arm,psci";
    int node;

    CHECK(node = fdt_add_subnode(fdt, 0, "psci"));
    CHECK(fdt_setprop(fdt, node, "compatible", compat, sizeof(compat)));
    CHECK(fdt_setprop_string(fdt, node, "method", "hvc"));
    CHECK(fdt_setprop_u32(fdt, node, "cpu_off", 0x84000002));
    CHECK(fdt_setprop_u32(fdt, node, "cpu_on", 0xc4000003));
}

/* Timer: secure phys, non-secure phys, virtual PPIs; the hypervisor timer is ours. */
static void fix_timer(void *fdt)
{
    int node = fdt_node_offset_by_compatible(fdt, -1, "arm,armv8-timer");
    const fdt32_t *old;
    fdt32_t irqs[9];
    int len;

    if (node < 0)
        panic("host DT has no arm,armv8-timer node");
    old = fdt_getprop(fdt, node, "interrupts", &len);
    if (!old || len < 36)
        panic("host DT timer node has fewer than 3 interrupts");
    for (int i = 0; i < 3; i++) {
        irqs[3 * i] = cpu_to_fdt32(1);
        irqs[3 * i + 1] = old[3 * i + 1];
        irqs[3 * i + 2] = cpu_to_fdt32(0xf08); /* all CPUs, level-low */
    }
    CHECK(fdt_setprop(fdt, node, "interrupts", irqs, sizeof(irqs)));
}

/* The host GIC node, whichever variant setup.c found (its first compatible match). */
static int find_gic(const void *fdt)
{
    static const char *const compat[] = {"arm,gic-v3", "arm,gic-400", "arm,cortex-a15-gic"};
    int node = -1;

    for (unsigned int i = 0; i < ARRAY_SIZE(compat) && node < 0; i++)
        node = fdt_node_offset_by_compatible(fdt, -1, compat[i]);
    return node;
}

/* The GIC keeps the host's addresses (dom0's vGIC emulates the host's layout, as Xen's
 * does); its maintenance interrupt is ours.  A GICv2 node loses its GICH and GICV frames:
 * dom0's GICC (8 KiB) is the hardware's virtual CPU interface. */
static uint32_t fix_gic(void *fdt)
{
    int node = find_gic(fdt);
    uint32_t phandle;

    if (node < 0)
        panic("host DT has no GIC node");
    fdt_delprop(fdt, node, "interrupts");
    if (host_gic.version == 2)
        set_u64_quad(fdt, node, "reg", host_gic.dist, 0x1000, host_gic.cpu, 0x2000);
    phandle = fdt_get_phandle(fdt, node);
    if (!phandle)
        panic("host DT GIC node has no phandle");
    return phandle;
}

static void make_hypervisor(void *fdt, const struct dom0_dt_params *p, uint32_t gic)
{
    static const char compat[] = "xen,xen-4.17\0xen,xen";
    fdt32_t irq[3] = {cpu_to_fdt32(1), cpu_to_fdt32(p->evtchn_ppi - 16), cpu_to_fdt32(0xf08)};
    int node;

    CHECK(node = fdt_add_subnode(fdt, 0, "hypervisor"));
    CHECK(fdt_setprop(fdt, node, "compatible", compat, sizeof(compat)));
    set_u64_pair(fdt, node, "reg", p->gnttab_start, p->gnttab_size);
    CHECK(fdt_setprop(fdt, node, "interrupts", irq, sizeof(irq)));
    CHECK(fdt_setprop_u32(fdt, node, "interrupt-parent", gic));
}

void dom0_build_fdt(void *buf, size_t buf_size, const struct dom0_dt_params *p)
{
    uint32_t gic;

    CHECK(fdt_open_into(boot.fdt, buf, buf_size));
    for (unsigned int i = 0; i < ARRAY_SIZE(removed_compatibles); i++)
        delete_by_compatible(buf, removed_compatibles[i]);
    if (boot.uart_path)
        delete_path(buf, boot.uart_path);
    fix_chosen(buf, p);
    make_memory(buf, p);
    make_cpus(buf, p);
    make_psci(buf);
    fix_timer(buf);
    gic = fix_gic(buf);
    make_hypervisor(buf, p, gic);
    CHECK(fdt_pack(buf));
}

/* Devices of dom0's DT: every top-level node with a reg, except memory, the GIC
 * (emulated, its CPU interface mapped by vgic-v2.c) and /hypervisor (the grant-table
 * region is not MMIO). */
void dom0_map_devices(struct domain *d, const void *fdt)
{
    int node;

    fdt_for_each_subnode(node, fdt, 0)
    {
        const char *type = fdt_getprop(fdt, node, "device_type", NULL);
        const char *name = fdt_get_name(fdt, node, NULL);
        const fdt32_t *reg;
        int len;

        if ((type && !strcmp(type, "memory")) || !strncmp(name, "hypervisor", 10) ||
            node == find_gic(fdt))
            continue;
        reg = fdt_getprop(fdt, node, "reg", &len);
        for (int i = 0; reg && i + 16 <= len; i += 16) {
            uint64_t a = fdt64_to_cpu(*(const fdt64_t *)((const char *)reg + i));
            uint64_t s = fdt64_to_cpu(*(const fdt64_t *)((const char *)reg + i + 8));
            s = ROUNDUP(a + s, PAGE_SIZE) - ROUNDDOWN(a, PAGE_SIZE);
            a = ROUNDDOWN(a, PAGE_SIZE);
            if (p2m_map_range(d, a, a, s, P2M_MMIO))
                printk("dom0: cannot map %s %lx+%lx\n", name, a, s);
            else
                dprintk("dom0: mapped %s %lx+%lx\n", name, a, s);
        }
    }
}
