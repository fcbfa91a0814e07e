/*
 * Boot: console, device tree, page allocator, shared_info, grant table, xenstore, then the
 * test runner and a clean SCHEDOP_shutdown(poweroff).  A failing boot step is reported on
 * the console and the cases that depend on it report ERROR themselves.
 */
#include <tg/arch.h>
#include <tg/console.h>
#include <tg/events.h>
#include <tg/fdt.h>
#include <tg/gnttab.h>
#include <tg/lib.h>
#include <tg/mm.h>
#include <tg/test.h>
#include <tg/xenstore.h>

void run_all_cases(const char *filter);
void fuzz_run(unsigned long calls, unsigned long seed);
void blkfront_run(const char *mode, unsigned long devid); /* blkfront_modes.c */
void netfront_run(const char *mode, unsigned long devid); /* netfront_attacks.c */
void spin_run(unsigned long iterations);
void pong_run(void);

static char bootargs[512];

static void read_fdt(const void *fdt, uint64_t *ram_base, uint64_t *ram_size)
{
    uint32_t len = 0;
    const uint8_t *p;

    /* Xen's domU DT uses #address-cells = #size-cells = 2 (GUEST_ROOT_*_CELLS). */
    p = fdt_get_prop(fdt, "/memory", "reg", &len);
    if (p && len >= 16) {
        *ram_base = fdt64(p);
        *ram_size = fdt64(p + 8);
    }
    p = fdt_get_prop(fdt, "/chosen", "bootargs", &len);
    if (p && len && len < sizeof(bootargs)) {
        memcpy(bootargs, p, len);
        bootargs[len - 1] = '\0';
    }
    p = fdt_get_prop(fdt, "/hypervisor", "reg", &len);
    if (p && len >= 16)
        tg_env.gnttab_region = fdt64(p);
    p = fdt_get_prop(fdt, "/hypervisor", "interrupts", &len);
    if (p && len >= 12)
        tg_env.evtchn_ppi = fdt32(p + 4) + 16;
}

static void read_cmdline(char *filter, size_t size)
{
    char v[32];
    unsigned long n;

    filter[0] = '\0';
    cmdline_get(bootargs, "tern.cases", filter, size);
    if (cmdline_get(bootargs, "tern.role", v, sizeof(v)) && (v[0] == 'a' || v[0] == 'b'))
        tg_env.role = v[0];
    if (cmdline_get(bootargs, "tern.peer", v, sizeof(v)) && parse_ulong(v, strlen(v), &n) &&
        n < DOMID_FIRST_RESERVED) {
        tg_env.peer = (domid_t)n;
        tg_env.peer_known = true;
    }
}

void guest_main(uint64_t fdt_pa)
{
    const void *fdt = (const void *)(uintptr_t)fdt_pa;
    uint64_t ram_base = 0x40000000, ram_size = 16UL << 20;
    static char filter[256];
    unsigned long domid, calls, seed;
    char v[32];
    int rc;

    console_init();
    printk("TERN-GUEST boot fdt=%#lx\n", (unsigned long)fdt_pa);
    if (!fdt_valid(fdt)) {
        printk("TERN-GUEST-PANIC no valid device tree at %#lx\n", (unsigned long)fdt_pa);
        xen_crash();
    }
    tg_env.fdt = fdt;
    read_fdt(fdt, &ram_base, &ram_size);
    mm_init(ram_base, ram_size, fdt_pa, fdt_pa + fdt_total_size(fdt));
    printk("TERN-GUEST ram=%#lx+%#lx free_pages=%lu cmdline=\"%s\"\n", (unsigned long)ram_base,
           (unsigned long)ram_size, mm_free_pages(), bootargs);

    rc = events_init();
    if (rc)
        printk("TERN-GUEST boot: shared_info add_to_physmap failed: %d\n", rc);
    if (tg_env.gnttab_region) {
        rc = gnttab_init(tg_env.gnttab_region);
        if (rc)
            printk("TERN-GUEST boot: grant table init failed: %d\n", rc);
    }
    if (xs_init() == 0 && xs_read_ulong("domid", &domid) && domid < DOMID_FIRST_RESERVED) {
        tg_env.self = (domid_t)domid;
        tg_env.self_known = true;
    } else {
        tg_env.self = DOMID_SELF;
    }
    hvm_get_param(HVM_PARAM_STORE_EVTCHN, &tg_env.store_port);
    hvm_get_param(HVM_PARAM_CONSOLE_EVTCHN, &tg_env.console_port);
    read_cmdline(filter, sizeof(filter));
    printk("TERN-GUEST ready domid=%d role=%c peer=%d\n", tg_env.self_known ? tg_env.self : -1,
           tg_env.role ? tg_env.role : '-', tg_env.peer_known ? tg_env.peer : -1);

    if (cmdline_get(bootargs, "tern.spin", v, sizeof(v)) && parse_ulong(v, strlen(v), &calls) &&
        calls)
        spin_run(calls); /* kernel/spin.c: never returns */
    if (cmdline_get(bootargs, "tern.pong", v, sizeof(v)) && v[0] == '1')
        pong_run(); /* kernel/spin.c: returns only if it cannot set up */
    if (cmdline_get(bootargs, "tern.fuzz", v, sizeof(v)) && parse_ulong(v, strlen(v), &calls)) {
        if (!cmdline_get(bootargs, "tern.seed", v, sizeof(v)) || !parse_ulong(v, strlen(v), &seed))
            seed = 1;
        fuzz_run(calls, seed); /* kernel/fuzz.c, instead of the cases */
    } else if (cmdline_get(bootargs, "tern.blk", v, sizeof(v))) {
        unsigned long dev = 51712; /* xvda */
        char d[16];

        if (cmdline_get(bootargs, "tern.blkdev", d, sizeof(d)))
            parse_ulong(d, strlen(d), &dev);
        blkfront_run(v, dev); /* blkfront_modes.c, instead of the cases */
    } else if (cmdline_get(bootargs, "tern.net", v, sizeof(v))) {
        unsigned long dev = 0;
        char d[16];

        if (cmdline_get(bootargs, "tern.netdev", d, sizeof(d)))
            parse_ulong(d, strlen(d), &dev);
        netfront_run(v, dev); /* netfront_attacks.c, instead of the cases */
    } else {
        run_all_cases(filter);
    }
    console_flush();
    xen_poweroff();
}
