/* SPDX-License-Identifier: MIT */
/*
 * Boot flow on the boot CPU (docs/hypervisor/design.md): console from the host DT's
 * /chosen/stdout-path, command line, memory, GIC, secondary pCPUs via PSCI, then dom0.
 * A bad boot configuration stops here with a panic naming what is wrong.
 */
#include <libfdt.h>

#include <hv/arch.h>
#include <hv/console.h>
#include <hv/event.h>
#include <hv/uart.h>
#include <hv/lib.h>
#include <hv/scheduler.h>
#include <hv/xsm.h>
#include <asm/gic.h>
#include <asm/percpu.h>
#include <asm/setup.h>
#include <asm/sysregs.h>
#include <asm/vcpu.h>
#include <asm/vgic.h>

struct boot_info boot;
struct host_gic host_gic;
const struct gic_ops *gic_hw;
static const struct uart_driver *uart;
extern char secondary_entry[];

/*
 * Boot phases timed with the physical counter.  CNTPCT_EL0 counts from machine reset, so
 * the first phase is everything before our first instruction (QEMU's setup and its boot
 * stub); under -icount it counts instructions and the figures are deterministic.  They
 * are kept in memory and printed once, at loglvl=debug, so that printing costs no phase.
 */
#define MAX_PHASES 16
static struct {
    const char *name;
    uint64_t end;
} phases[MAX_PHASES];
static unsigned int nr_phases;

void boot_phase(const char *name)
{
    isb();
    if (nr_phases < MAX_PHASES)
        phases[nr_phases++] = (typeof(phases[0])){name, READ_SYSREG(cntpct_el0)};
}

void boot_phases_print(void)
{
    uint64_t hz = READ_SYSREG(cntfrq_el0), prev = 0;

    if (!hz)
        return;
    for (unsigned int i = 0; i < nr_phases; i++) {
        dprintk("boot phase %-28s %7lu us  (ends at %7lu us)\n", phases[i].name,
                (phases[i].end - prev) * 1000000 / hz, phases[i].end * 1000000 / hz);
        prev = phases[i].end;
    }
}

static uint64_t fdt_read_cells(const fdt32_t *p, int cells)
{
    uint64_t v = 0;

    while (cells--)
        v = (v << 32) | fdt32_to_cpu(*p++);
    return v;
}

/* #address-cells / #size-cells that apply to node's children; inherited from the
 * nearest ancestor that has them (QEMU's /chosen module nodes rely on the root's). */
static int fdt_cells(const void *fdt, int node, const char *name, int dflt)
{
    for (; node >= 0; node = node ? fdt_parent_offset(fdt, node) : -1) {
        const fdt32_t *p = fdt_getprop(fdt, node, name, NULL);
        if (p)
            return fdt32_to_cpu(*p);
    }
    return dflt;
}

/* reg entry idx of node. */
static bool fdt_get_reg(const void *fdt, int node, int idx, uint64_t *addr, uint64_t *size)
{
    int parent = fdt_parent_offset(fdt, node), len;
    int ac = fdt_cells(fdt, parent, "#address-cells", 2),
        sc = fdt_cells(fdt, parent, "#size-cells", 1);
    const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);

    if (!reg || ac < 1 || sc < 0 || len < (idx + 1) * (ac + sc) * 4)
        return false;
    reg += idx * (ac + sc);
    *addr = fdt_read_cells(reg, ac);
    *size = fdt_read_cells(reg + ac, sc);
    return true;
}

static void setup_console(const void *fdt)
{
    int chosen = fdt_path_offset(fdt, "/chosen"), node, len;
    const char *path = chosen >= 0 ? fdt_getprop(fdt, chosen, "stdout-path", &len) : NULL;
    static char buf[128];
    uint64_t base, size;
    const fdt32_t *irq;

    if (!path)
        return; /* no console: run silently */
    snprintf(buf, sizeof(buf), "%s", path);
    if (strchr(buf, ':'))
        *strchr(buf, ':') = '\0';
    node = buf[0] == '/' ? fdt_path_offset(fdt, buf)
                         : fdt_path_offset(fdt, fdt_get_alias(fdt, buf) ?: "");
    if (node < 0 || fdt_node_check_compatible(fdt, node, "arm,pl011") ||
        !fdt_get_reg(fdt, node, 0, &base, &size))
        return;
    uart = pl011_init(base);
    console_set_uart(uart);
    boot.uart_path = buf;
    irq = fdt_getprop(fdt, node, "interrupts", &len);
    if (irq && len >= 12 && fdt32_to_cpu(irq[0]) == 0)
        irq_set_uart(32 + fdt32_to_cpu(irq[1]));
}

static uint64_t parse_size(const char *s)
{
    char *end;
    uint64_t v = strtoul(s, &end, 0);

    switch (*end) {
    case 'G':
    case 'g':
        return v << 30;
    case 'M':
    case 'm':
        return v << 20;
    case 'K':
    case 'k':
        return v << 10;
    default:
        return v;
    }
}

static int parse_loglvl(const char *s)
{
    static const char *const names[] = {"none", "error", "warning", "info", "debug", "all"};

    for (int i = 0; i < (int)ARRAY_SIZE(names); i++)
        if (!strncmp(s, names[i], strlen(names[i])))
            return i == 5 ? LOG_DEBUG : i;
    return (int)strtoul(s, NULL, 0);
}

static size_t word_len(const char *s)
{
    size_t n = 0;

    while (s[n] && s[n] != ' ')
        n++;
    return n;
}

/* Hypervisor command line: /chosen/xen,xen-bootargs, else /chosen/bootargs (-append). */
static void parse_cmdline(const void *fdt)
{
    int chosen = fdt_path_offset(fdt, "/chosen");
    const char *p = NULL;

    if (chosen >= 0 && !(p = fdt_getprop(fdt, chosen, "xen,xen-bootargs", NULL)))
        p = fdt_getprop(fdt, chosen, "bootargs", NULL);
    boot.dom0_mem = 512UL << 20; /* Xen's default too */
    boot.dom0_max_vcpus = 0;     /* 0: one per pCPU */
    if (!p)
        return;
    printk("Command line: %s\n", p);
    while (*p) {
        while (*p == ' ')
            p++;
        if (!strncmp(p, "dom0_mem=", 9))
            boot.dom0_mem = parse_size(p + 9);
        else if (!strncmp(p, "dom0_max_vcpus=", 15))
            boot.dom0_max_vcpus = strtoul(p + 15, NULL, 0);
        else if (!strncmp(p, "loglvl=", 7))
            hv_loglvl = parse_loglvl(p + 7);
        else if (!strncmp(p, "sched=", 6) && sched_select(p + 6, word_len(p + 6)))
            printk("sched=: unknown scheduler, using %s\n", scheduler->name);
        else if (!strncmp(p, "sched_credit_boost=", 19) &&
                 sched_credit_boost_select(p + 19, word_len(p + 19)))
            printk("sched_credit_boost=: not a boolean, boost stays %s\n",
                   sched_credit_boost ? "on" : "off");
        else if (!strncmp(p, "xsm=", 4))
            xsm_select(p + 4, word_len(p + 4)); /* logs a refused name itself */
        else if (!strncmp(p, "evtchn=", 7) && evtchn_abi_select(p + 7, word_len(p + 7)))
            printk("evtchn=: unknown event-channel ABI, using %s\n", evtchn_abi_name());
        while (*p && *p != ' ')
            p++;
    }
}

static void setup_memory(const void *fdt)
{
    int node = fdt_node_offset_by_prop_value(fdt, -1, "device_type", "memory", 7);
    uint64_t base, size;

    if (node < 0 || !fdt_get_reg(fdt, node, 0, &base, &size))
        panic("host device tree has no /memory node");
    boot.ram_start = base;
    boot.ram_end = base + size;
    page_alloc_init(base, base + size);
    page_alloc_reserve((paddr_t)_start_image, (paddr_t)_end);
    page_alloc_reserve((paddr_t)fdt, (paddr_t)fdt + fdt_totalsize(fdt));
    printk("RAM %lx-%lx, hypervisor %lx-%lx\n", base, base + size, (paddr_t)_start_image,
           (paddr_t)_end);
}

static void find_modules(const void *fdt)
{
    int chosen = fdt_path_offset(fdt, "/chosen"), node;

    if (chosen < 0)
        panic("host device tree has no /chosen node: no dom0 kernel");
    fdt_for_each_subnode(node, fdt, chosen)
    {
        struct boot_module *m = NULL;
        uint64_t a, s;

        if (!fdt_node_check_compatible(fdt, node, "multiboot,kernel"))
            m = &boot.kernel;
        else if (!fdt_node_check_compatible(fdt, node, "multiboot,ramdisk"))
            m = &boot.initrd;
        if (!m || !fdt_get_reg(fdt, node, 0, &a, &s))
            continue;
        m->start = a;
        m->size = s;
        page_alloc_reserve(a, a + s);
        if (m == &boot.kernel)
            boot.dom0_bootargs = fdt_getprop(fdt, node, "bootargs", NULL);
    }
    if (!boot.kernel.size)
        panic("no dom0 kernel in /chosen (QEMU: -device guest-loader,addr=...,kernel=...)");
    if (!boot.dom0_bootargs)
        boot.dom0_bootargs = fdt_getprop(fdt, chosen, "xen,dom0-bootargs", NULL);
    printk("dom0 kernel at %lx (%lu bytes), initrd at %lx (%lu bytes)\n", boot.kernel.start,
           boot.kernel.size, boot.initrd.start, boot.initrd.size);
}

/* The host GIC: its device-tree binding names the variant and its register frames
 * (bindings/interrupt-controller/arm,gic.yaml, arm,gic-v3.yaml). */
static const struct {
    const char *compatible;
    const struct gic_ops *ops;
    const struct vgic_ops *vops;
    unsigned int version;
} gic_variants[] = {
    {"arm,gic-v3", &gicv3_ops, &vgic_v3_ops, 3},
    {"arm,gic-400", &gicv2_ops, &vgic_v2_ops, 2},
    {"arm,cortex-a15-gic", &gicv2_ops, &vgic_v2_ops, 2},
};

static void setup_gic(const void *fdt)
{
    uint64_t size;
    int node = -1;
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(gic_variants); i++)
        if ((node = fdt_node_offset_by_compatible(fdt, -1, gic_variants[i].compatible)) >= 0)
            break;
    if (node < 0)
        panic("no GIC in the host device tree (QEMU: -M virt,gic-version=3 or 2)");
    host_gic.version = gic_variants[i].version;
    if (!fdt_get_reg(fdt, node, 0, &host_gic.dist, &size))
        panic("host GIC node has no distributor in its reg");
    if (host_gic.version == 3 && !fdt_get_reg(fdt, node, 1, &host_gic.rdist, &host_gic.rdist_size))
        panic("host GICv3 node has no redistributor region in its reg");
    if (host_gic.version == 2 && (!fdt_get_reg(fdt, node, 1, &host_gic.cpu, &size) ||
                                  !fdt_get_reg(fdt, node, 2, &host_gic.hyp, &size) ||
                                  !fdt_get_reg(fdt, node, 3, &host_gic.vcpu, &size)))
        panic("host GICv2 node lacks GICC/GICH/GICV frames: no virtualisation extensions "
              "(QEMU: -M virt,gic-version=2,virtualization=on)");
    gic_hw = gic_variants[i].ops;
    vgic_impl = gic_variants[i].vops;
    gic_hw->init();
    printk("%s: distributor at %lx, %u interrupts\n", gic_hw->name, host_gic.dist,
           host_gic.nr_irqs);
}

static void percpu_irqs_init(void)
{
    gic_cpu_init();
    gic_ppi_enable(SGI_KICK);
    gic_ppi_enable(MAINTENANCE_PPI);
    gic_ppi_enable(VTIMER_PPI);
}

static void start_secondaries(const void *fdt)
{
    int cpus = fdt_path_offset(fdt, "/cpus"), node;
    const char *method = NULL;
    int psci = fdt_node_offset_by_compatible(fdt, -1, "arm,psci-0.2");

    if (psci < 0)
        psci = fdt_node_offset_by_compatible(fdt, -1, "arm,psci");
    if (psci >= 0)
        method = fdt_getprop(fdt, psci, "method", NULL);
    psci_host_init(method);
    if (cpus < 0)
        return;
    fdt_for_each_subnode(node, fdt, cpus)
    {
        uint64_t mpidr, unused;
        const char *type = fdt_getprop(fdt, node, "device_type", NULL);
        unsigned int id = nr_pcpus;

        if (!type || strcmp(type, "cpu") || !fdt_get_reg(fdt, node, 0, &mpidr, &unused))
            continue;
        if ((mpidr & 0xff00ffffffUL) == pcpus[0].mpidr)
            continue;
        if (id >= NR_CPUS) {
            printk("more than %u CPUs: the rest stay off\n", NR_CPUS);
            break;
        }
        /* Powered on when its vCPU is (vcpu_request_power_on): a pCPU with nothing to run
         * stays off, which costs the host nothing (and keeps QEMU's -icount fast). */
        pcpus[id].id = id;
        pcpus[id].mpidr = mpidr & 0xff00ffffffUL;
        nr_pcpus++;
    }
    printk("%u physical CPUs (secondaries start with their vCPU)\n", nr_pcpus);
}

void start_secondary(unsigned int id)
{
    percpu_irqs_init();
    pcpu_idle_loop();
}

void start_hypervisor(const void *fdt)
{
    if (fdt_check_header(fdt))
        machine_halt(); /* no device tree: no console either */
    boot_phase("reset to hypervisor entry");
    boot.fdt = fdt;
    setup_console(fdt);
    printk("Tern hypervisor starting on CPU0 (MPIDR %lx)\n", pcpus[0].mpidr);
    parse_cmdline(fdt);
    xsm_report();
    boot_phase("console and command line");
    setup_memory(fdt);
    find_modules(fdt);
    dom0_reserve_memory();
    boot_phase("page allocator, modules, dom0 RAM");
    setup_gic(fdt);
    percpu_irqs_init();
    irq_enable_uart(uart);
    start_secondaries(fdt);
    boot_phase("GIC and CPUs");
    construct_dom0();
}
