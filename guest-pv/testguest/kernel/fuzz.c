/*
 * Fuzz mode (issue 13, docs/hypervisor/hardening.md): with tern.fuzz=N [tern.seed=S] on
 * the command line the guest issues N random hypercalls instead of running the cases:
 * valid and invalid numbers, sub-ops, argument words, pointers, counts, domids and
 * multicall batches.  Output:
 *   TERN-FUZZ start calls=N seed=S
 *   TERN-FUZZ progress calls=K              (ten times)
 *   TERN-FUZZ rc <value>=<count> ...        (how the calls were answered)
 *   TERN-FUZZ-DONE calls=N ok=.. refused=.. bad-refusals=.. ticks=.. freq=..
 * bad-refusals counts calls that must be refused (unknown hypercall numbers, the
 * privileged hypercalls from a domU) but were not answered with an error code.
 *
 * Every argument is drawn from a pool that cannot hurt the guest itself, so the run lasts
 * to the end: pointers go to a scratch area at the top of RAM, followed by a page given
 * back to the hypervisor (anything read or written past scratch faults), or to unmapped
 * addresses; frame numbers are outside RAM, the grant-table region and the magic pages.
 * Calls that stop or block the guest legitimately (SCHEDOP_shutdown, _shutdown_code,
 * _block, _poll, _watchdog; EVTCHNOP_reset; closing the console's port) are never
 * issued, in a multicall batch neither: a batch ends at the end of scratch, so a count
 * larger than its entries runs into the hole, never into stale bytes (which on Xen 4.17
 * once made a SCHEDOP_block with the guest's interrupts masked: blocked for good).
 */
#include <tg/arch.h>
#include <tg/balloon.h>
#include <tg/console.h>
#include <tg/lib.h>
#include <tg/mm.h>
#include <tg/test.h>
#include <tg/xen.h>

#define SCRATCH_PAGES 16
#define SCRATCH_SIZE  (SCRATCH_PAGES * PAGE_SIZE)
#define MAX_BATCH     8
#define RC_BUCKETS    130 /* 0..127: -errno; 128: 0; 129: anything else */

static uint64_t rng;
static uint8_t *scratch;
static uint64_t ram_end;
static unsigned long rc_count[RC_BUCKETS];

static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Hypercall numbers Xen on Arm implements (xen/include/hypercall-defs.c, "arm"). */
static const unsigned long known_nr[] = {
    __HYPERVISOR_platform_op,      __HYPERVISOR_memory_op,  __HYPERVISOR_multicall,
    __HYPERVISOR_xen_version,      __HYPERVISOR_console_io, __HYPERVISOR_grant_table_op,
    __HYPERVISOR_vm_assist,        __HYPERVISOR_vcpu_op,    __HYPERVISOR_sched_op,
    __HYPERVISOR_event_channel_op, __HYPERVISOR_physdev_op, __HYPERVISOR_hvm_op,
    __HYPERVISOR_sysctl,           __HYPERVISOR_domctl,     __HYPERVISOR_xsm_op,
    __HYPERVISOR_argo_op,          __HYPERVISOR_dm_op,      __HYPERVISOR_hypfs_op,
};
#define NR_KNOWN (sizeof(known_nr) / sizeof(known_nr[0]))

static bool is_known(unsigned long nr)
{
    for (unsigned i = 0; i < NR_KNOWN; i++)
        if (known_nr[i] == nr)
            return true;
    return false;
}

/* Refused to a domU by Xen's dummy XSM policy and by Tern's hypercall table. */
static bool is_privileged(unsigned long nr)
{
    return nr == __HYPERVISOR_platform_op || nr == __HYPERVISOR_sysctl ||
           nr == __HYPERVISOR_domctl || nr == __HYPERVISOR_console_io;
}

/* A domid: ours, DOMID_SELF, dom0, reserved ones, any. */
static uint64_t rnd_domid(void)
{
    static const uint64_t ids[] = {0, DOMID_SELF, DOMID_IO, DOMID_XEN, DOMID_INVALID, 0x7fef};

    if (rnd() % 3 == 0)
        return tg_env.self;
    if (rnd() % 2)
        return ids[rnd() % (sizeof(ids) / sizeof(ids[0]))];
    return rnd() & 0xffff;
}

/* One argument word; see the header for why each kind is harmless to the guest. */
static uint64_t rnd_arg(void)
{
    switch (rnd() % 10) {
    case 0:
        return rnd() % 16;
    case 1:
        return rnd() % 4096;
    case 2: /* anywhere in scratch, any alignment */
        return (uintptr_t)scratch + rnd() % SCRATCH_SIZE;
    case 3: /* aligned, near the start: room for a structure or an array */
        return (uintptr_t)scratch + (rnd() % 64) * 8;
    case 4: /* unmapped: stage 1 ([2, 4 GiB)), stage 2 (past RAM), not canonical */
        switch (rnd() % 3) {
        case 0:
            return 0x80000000UL + (rnd() % 0x80000000UL);
        case 1:
            return ram_end + (rnd() % (1UL << 20));
        default:
            return 0xffff000000000000UL | rnd();
        }
    case 5:
        return rnd_domid();
    case 6: /* a frame number outside RAM, the grant table and the magic pages */
        return 0x100000 + rnd() % 0x100000;
    case 7:
        return rnd() % 64; /* ports, vCPU ids, indices */
    case 8: {
        static const uint64_t edges[] = {0xffffffffUL, 0x80000000UL, 0x7fffffffUL,
                                         ~0UL,         1UL << 63,    0x10000UL};
        return edges[rnd() % (sizeof(edges) / sizeof(edges[0]))];
    }
    default:
        return rnd();
    }
}

/* A count that keeps an array starting in scratch inside scratch (most of the time) or
 * one the hypervisor must refuse. */
static uint64_t rnd_count(void)
{
    switch (rnd() % 4) {
    case 0:
    case 1:
        return rnd() % 4;
    case 2:
        return rnd() % 32;
    default:
        return rnd_arg() | 0x80000000UL;
    }
}

/* Fresh bytes where the call may read its structures. */
static void scramble(uint64_t around)
{
    uint64_t *w = (uint64_t *)scratch;
    uint64_t base = (uintptr_t)scratch;

    for (int i = 0; i < 8; i++)
        w[rnd() % (SCRATCH_SIZE / 8)] = rnd_arg();
    if (around >= base && around < base + SCRATCH_SIZE) {
        uint64_t off = (around - base) & ~7UL;

        for (uint64_t i = 0; i < 16 && off + i * 8 < SCRATCH_SIZE; i++)
            w[off / 8 + i] = rnd_arg();
    }
}

static uint32_t scratch_u32(uint64_t p)
{
    uint64_t base = (uintptr_t)scratch;

    if (p < base || p + 4 > base + SCRATCH_SIZE || (p & 3))
        return ~0u;
    return *(volatile uint32_t *)(uintptr_t)p;
}

struct call {
    uint64_t nr, a[5];
};

/* The guest's own lifeline: its console port must stay open. */
static bool touches_console(uint64_t p)
{
    uint32_t port = scratch_u32(p);

    return port == (uint32_t)tg_env.console_port || port == (uint32_t)tg_env.store_port ||
           port == ~0u;
}

/* False for the calls that would stop or block this guest (see the header). */
static bool allowed(const struct call *c)
{
    int cmd = (int)c->a[0]; /* Xen reads these sub-ops as int */

    switch (c->nr) {
    case __HYPERVISOR_sched_op:
        return cmd == SCHEDOP_yield || cmd == SCHEDOP_remote_shutdown ||
               (cmd > SCHEDOP_watchdog + 1);
    case __HYPERVISOR_event_channel_op:
        if (cmd == EVTCHNOP_reset)
            return false;
        if (cmd == EVTCHNOP_close || cmd == EVTCHNOP_bind_vcpu)
            return !touches_console(c->a[1]);
        return true;
    default:
        return true;
    }
}

static void pick(struct call *c, bool in_batch)
{
    do {
        unsigned k = rnd() % 10;

        if (k < 7)
            c->nr = known_nr[rnd() % NR_KNOWN];
        else if (k < 9)
            c->nr = rnd() % 64;
        else
            c->nr = rnd();
        if (in_batch && c->nr == __HYPERVISOR_multicall)
            c->nr = __HYPERVISOR_xen_version;
        /* sub-op: mostly in the implemented ranges, sometimes anything */
        c->a[0] = rnd() % 2 ? rnd() % 16 : rnd() % 3 ? rnd() % 48 : rnd_arg();
        for (int i = 1; i < 5; i++)
            c->a[i] = rnd_arg();
        if (c->nr == __HYPERVISOR_grant_table_op)
            c->a[2] = rnd_count();
        scramble(c->a[1]);
    } while (!allowed(c));
}

/* A multicall batch at the end of scratch: entries made by pick(), never nested; written
 * after all of them are picked (pick() scrambles scratch), then checked again (an entry
 * may lie where an earlier one's argument points); a count past the entries reaches the
 * hole after scratch. */
static void make_batch(struct call *c)
{
    unsigned n = rnd() % (MAX_BATCH + 1);
    struct multicall_entry *e = (struct multicall_entry *)(scratch + SCRATCH_SIZE) - n;
    struct call sub[MAX_BATCH];

    for (unsigned i = 0; i < n; i++)
        pick(&sub[i], true);
    for (unsigned i = 0; i < n; i++) {
        if (!allowed(&sub[i])) {
            sub[i].nr = __HYPERVISOR_xen_version;
            sub[i].a[0] = XENVER_version;
        }
        e[i].op = sub[i].nr;
        e[i].result = 0;
        for (int j = 0; j < 5; j++)
            e[i].args[j] = sub[i].a[j];
        e[i].args[5] = 0;
    }
    c->a[0] = (uintptr_t)e;
    c->a[1] = rnd() % 8 ? n : rnd_count();
}

static void account(long rc)
{
    if (rc == 0)
        rc_count[128]++;
    else if (rc < 0 && rc > -128)
        rc_count[-rc]++;
    else
        rc_count[129]++;
}

void fuzz_run(unsigned long calls, unsigned long seed)
{
    unsigned long ok = 0, refused = 0, bad = 0, step = calls / 10 ? calls / 10 : 1;
    uint64_t t0;

    local_irq_disable(); /* upcalls from ports the fuzzer binds are not needed */
    rng = seed * 0x9e3779b97f4a7c15UL + 1;
    ram_end = mm_ram_base + mm_ram_size;
    /* The top of the allocator's pages: take them all; the last one is given back (the
     * hole), the SCRATCH_PAGES below it are scratch. */
    for (void *p; (p = alloc_page());)
        if ((uintptr_t)p >= (uintptr_t)scratch)
            scratch = p;
    if (balloon_out(virt_to_gfn(scratch)) != 1) {
        printk("TERN-FUZZ cannot give back the page after scratch\n");
        return;
    }
    scratch -= SCRATCH_SIZE;
    printk("TERN-FUZZ start calls=%lu seed=%lu scratch=%#lx ram_end=%#lx\n", calls, seed,
           (unsigned long)(uintptr_t)scratch, (unsigned long)ram_end);
    t0 = read_cntvct();
    for (unsigned long i = 0; i < calls; i++) {
        struct call c;
        long rc;

        pick(&c, false);
        if (c.nr == __HYPERVISOR_multicall)
            make_batch(&c);
        rc = xen_hypercall(c.nr, c.a[0], c.a[1], c.a[2], c.a[3], c.a[4]);
        account(rc);
        if (rc < 0)
            refused++;
        else
            ok++;
        if ((!is_known(c.nr) || is_privileged(c.nr)) && rc >= 0) {
            bad++;
            printk("TERN-FUZZ bad-refusal nr=%#lx op=%#lx rc=%ld\n", (unsigned long)c.nr,
                   (unsigned long)c.a[0], rc);
        }
        if ((i + 1) % step == 0)
            printk("TERN-FUZZ progress calls=%lu\n", i + 1);
    }
    uint64_t ticks = read_cntvct() - t0;

    printk("TERN-FUZZ rc");
    for (int b = 0; b < RC_BUCKETS; b++) {
        if (!rc_count[b])
            continue;
        if (b == 128)
            printk(" 0=%lu", rc_count[b]);
        else if (b == 129)
            printk(" other=%lu", rc_count[b]);
        else
            printk(" -%d=%lu", b, rc_count[b]);
    }
    printk("\nTERN-FUZZ-DONE calls=%lu ok=%lu refused=%lu bad-refusals=%lu ticks=%lu freq=%lu\n",
           calls, ok, refused, bad, (unsigned long)ticks, (unsigned long)READ_SYSREG(cntfrq_el0));
}
