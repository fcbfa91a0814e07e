/* SPDX-License-Identifier: MIT */
/*
 * dom0-side hypercall fuzzer and probes (issue 13), a static arm64 program run in dom0.
 * Every call goes through /dev/xen/privcmd (IOCTL_PRIVCMD_HYPERCALL), as libxc's do.
 *
 *   hv-fuzz-dom0 selfpause N   each dom0 vCPU (one process pinned per CPU) reads its own
 *                              and the other vCPUs' contexts (XEN_DOMCTL_getvcpucontext)
 *                              N times, at the same time: prints one line per distinct
 *                              answer.  Tern used to pause all of dom0 here and hang.
 *   hv-fuzz-dom0 fuzz N SEED   N random hypercalls (numbers, sub-ops, argument words,
 *                              pointers, counts, domids, multicall batches), split over one
 *                              process per dom0 vCPU; prints how they were answered.
 *                              Left out: only what legitimately stops dom0 or the machine,
 *                              or breaks dom0's own kernel (see fuzz_allowed()).
 *   hv-fuzz-dom0 census        one line of what guests must give back when they go (the
 *                              create/destroy cycles test, hardening-cycles.py): the
 *                              hypervisor's free pages, the domains it still holds (dying
 *                              ones included), dom0's event channels in use, by kind, and
 *                              dom0's stage-2 table pages as the 'q' debug key shows them
 *                              (Tern; "?" where the key does not show them, as on Xen).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define __XEN_TOOLS__ 1
#include <xen/xen.h>
#include <xen/domctl.h>
#include <xen/event_channel.h>
#include <xen/memory.h>
#include <xen/platform.h>
#include <xen/sched.h>
#include <xen/sysctl.h>
#include <xen/vcpu.h>
#include <xen/sys/privcmd.h>

static int privcmd = -1;

/* One hypercall: its return value, or -errno as the kernel reports a negative one. */
long hcall(unsigned long nr, unsigned long a0, unsigned long a1, unsigned long a2, unsigned long a3,
           unsigned long a4)
{
    privcmd_hypercall_t h = {.op = nr, .arg = {a0, a1, a2, a3, a4}};
    long rc = ioctl(privcmd, IOCTL_PRIVCMD_HYPERCALL, &h);

    return rc < 0 ? -errno : rc;
}

/* Memory the hypervisor reads and writes: locked, so it is never paged out under a call. */
void *hcall_buffer(size_t n)
{
    void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED || mlock(p, n)) {
        perror("hcall buffer");
        exit(2);
    }
    memset(p, 0, n);
    return p;
}

static void pin_to_cpu(int cpu)
{
    cpu_set_t set;

    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof(set), &set)) {
        perror("sched_setaffinity");
        exit(2);
    }
}

/* ------------------------------------------------------------------ selfpause */

static long getvcpucontext(struct xen_domctl *op, domid_t dom, unsigned int vcpu,
                           struct vcpu_guest_context *ctx)
{
    memset(op, 0, sizeof(*op));
    op->cmd = XEN_DOMCTL_getvcpucontext;
    op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    op->domain = dom;
    op->u.vcpucontext.vcpu = vcpu;
    set_xen_guest_handle(op->u.vcpucontext.ctxt, ctx);
    return hcall(__HYPERVISOR_domctl, (unsigned long)op, 0, 0, 0, 0);
}

/* In a child pinned to cpu: N rounds over every vCPU; one line per (target, answer). */
static void selfpause_child(int cpu, int ncpus, long rounds)
{
    struct xen_domctl *op = hcall_buffer(4096);
    struct vcpu_guest_context *ctx = hcall_buffer(4096);
    long first[64];
    int differ = 0;

    pin_to_cpu(cpu);
    for (int v = 0; v < ncpus; v++)
        first[v] = getvcpucontext(op, 0, v, ctx);
    long self = getvcpucontext(op, DOMID_SELF, cpu, ctx);

    for (long r = 1; r < rounds; r++)
        for (int v = 0; v < ncpus; v++)
            differ += getvcpucontext(op, 0, v, ctx) != first[v];
    for (int v = 0; v < ncpus; v++)
        printf("SELFPAUSE cpu%d %s vcpu%d: %s\n", cpu, v == cpu ? "own" : "other", v,
               first[v] == 0 ? "0" : strerror((int)-first[v]));
    printf("SELFPAUSE cpu%d DOMID_SELF: %s\n", cpu, self == 0 ? "0" : strerror((int)-self));
    printf("SELFPAUSE cpu%d answers-changed=%d\n", cpu, differ);
    fflush(stdout);
    exit(0);
}

static int selfpause(long rounds)
{
    int ncpus = (int)sysconf(_SC_NPROCESSORS_ONLN), status, bad = 0;

    if (ncpus > 64)
        ncpus = 64;
    for (int cpu = 0; cpu < ncpus; cpu++)
        if (fork() == 0)
            selfpause_child(cpu, ncpus, rounds);
    for (int cpu = 0; cpu < ncpus; cpu++) {
        wait(&status);
        bad += !WIFEXITED(status) || WEXITSTATUS(status);
    }
    printf("SELFPAUSE done children-failed=%d\n", bad);
    return bad ? 1 : 0;
}

/* ------------------------------------------------------------------ fuzz */

#define SCRATCH_SIZE (64 * 1024)
#define HOLE_SIZE    (1024 * 1024)
#define MAX_BATCH    8
#define RC_BUCKETS   130 /* 0..127: -errno; 128: 0; 129: anything else */

static uint64_t rng;
static uint8_t *scratch;
static uint64_t hole; /* PROT_NONE: a pointer here faults */

static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static const unsigned long known_nr[] = {
    __HYPERVISOR_platform_op, __HYPERVISOR_memory_op,
    __HYPERVISOR_multicall,   __HYPERVISOR_xen_version,
    __HYPERVISOR_console_io,  __HYPERVISOR_grant_table_op,
    __HYPERVISOR_vm_assist,   __HYPERVISOR_vcpu_op,
    __HYPERVISOR_sched_op,    __HYPERVISOR_event_channel_op,
    __HYPERVISOR_physdev_op,  __HYPERVISOR_hvm_op,
    __HYPERVISOR_sysctl,      __HYPERVISOR_domctl,
    __HYPERVISOR_domctl,      __HYPERVISOR_domctl,
    __HYPERVISOR_xsm_op,      __HYPERVISOR_argo_op,
    __HYPERVISOR_dm_op,       __HYPERVISOR_hypfs_op,
};
#define NR_KNOWN (sizeof(known_nr) / sizeof(known_nr[0]))

static uint64_t rnd_domid(void)
{
    static const uint64_t ids[] = {0, DOMID_SELF, DOMID_IO, DOMID_XEN, DOMID_INVALID, 1, 2};

    return rnd() % 2 ? ids[rnd() % (sizeof(ids) / sizeof(ids[0]))] : rnd() & 0xffff;
}

/* One argument word.  Never a kernel address (a hypercall writing there would corrupt
 * dom0's kernel, which no hypervisor can prevent), never a frame of dom0's RAM. */
static uint64_t rnd_arg(void)
{
    uint64_t v;

    switch (rnd() % 10) {
    case 0:
        return rnd() % 16;
    case 1:
        return rnd() % 4096;
    case 2:
        return (uintptr_t)scratch + rnd() % SCRATCH_SIZE;
    case 3:
        return (uintptr_t)scratch + (rnd() % 64) * 8;
    case 4:
        return rnd() % 2 ? hole + rnd() % HOLE_SIZE : 0x00ff000000000000UL | (rnd() >> 16);
    case 5:
        return rnd_domid();
    case 6:
        return 0x100000 + rnd() % 0x100000; /* 4-8 GiB: no RAM, no device on QEMU virt */
    case 7:
        return rnd() % 64;
    case 8: {
        static const uint64_t edges[] = {0xffffffffUL, 0x80000000UL, 0x7fffffffUL,
                                         0x7fffffffffffffffUL, 0x10000UL};
        return edges[rnd() % (sizeof(edges) / sizeof(edges[0]))];
    }
    default:
        v = rnd();
        return v >> 63 ? v >> 1 : v; /* bit 63 clear: a user address at most */
    }
}

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

static void scramble(uint64_t around)
{
    uint64_t *w = (uint64_t *)scratch, base = (uintptr_t)scratch;

    for (int i = 0; i < 8; i++)
        w[rnd() % (SCRATCH_SIZE / 8)] = rnd_arg();
    if (around >= base && around < base + SCRATCH_SIZE) {
        uint64_t off = (around - base) & ~7UL;

        for (uint64_t i = 0; i < 16 && off + i * 8 < SCRATCH_SIZE; i++)
            w[off / 8 + i] = rnd_arg();
    }
}

/* Where the call's structure sits in scratch (NULL if elsewhere). */
static void *in_scratch(uint64_t p, size_t len)
{
    uint64_t base = (uintptr_t)scratch;

    if (p < base || p + len > base + SCRATCH_SIZE)
        return NULL;
    return (void *)(uintptr_t)p;
}

struct call {
    uint64_t nr, a[5];
};

/* domctl/sysctl/platform_op: a plausible header (current interface version, most of the
 * time) at the pointer. */
static void make_control(struct call *c, uint32_t version, unsigned max_cmd, bool domain)
{
    uint32_t *h;

    c->a[0] = (uintptr_t)scratch + (rnd() % 32) * 8;
    scramble(c->a[0]);
    h = in_scratch(c->a[0], 16);
    h[0] = rnd() % 8 ? rnd() % max_cmd : (uint32_t)rnd();
    h[1] = rnd() % 10 ? version : (uint32_t)rnd();
    if (domain)
        *(uint16_t *)&h[2] = (uint16_t)rnd_domid();
}

/* What may be issued.  Left out, with the reason:
 *  - stops dom0 or the machine: SCHEDOP_shutdown, _remote_shutdown, _shutdown_code
 *    (changes dom0's poweroff into a reboot), _watchdog (Xen reboots when it expires),
 *    destroydomain/pausedomain of dom0, XEN_SYSCTL_debug_keys (Xen: 'R' reboots),
 *    cpupool_op/cpu_hotplug (takes pCPUs from dom0), monitor/vm_event ops and
 *    setdebugging (dom0's vCPUs wait for a monitor that does not exist);
 *  - blocks the calling vCPU for good: SCHEDOP_block, _poll;
 *  - breaks dom0's kernel state it owns: closing/resetting/rebinding its event channels,
 *    moving its runstate area, max_mem on dom0;
 *  - harness: CONSOLEIO_write would put random bytes on the serial line the test reads;
 *  - resources dom0 keeps: populate/increase_reservation/exchange and the paging pool are
 *    clamped (a few pages per call), so guests can still be created afterwards. */
static bool fuzz_allowed(struct call *c)
{
    int cmd = (int)c->a[0];
    uint32_t *h;

    switch (c->nr) {
    case __HYPERVISOR_sched_op:
        return cmd == SCHEDOP_yield || cmd > SCHEDOP_watchdog + 1;
    case __HYPERVISOR_console_io:
        return cmd != CONSOLEIO_write;
    case __HYPERVISOR_event_channel_op:
        return cmd != EVTCHNOP_close && cmd != EVTCHNOP_reset && cmd != EVTCHNOP_bind_vcpu;
    case __HYPERVISOR_vcpu_op:
        return cmd != VCPUOP_register_runstate_memory_area;
    case __HYPERVISOR_memory_op: {
        struct xen_memory_reservation *r = in_scratch(c->a[1], sizeof(*r));
        unsigned op =
            c->a[0] & 0x3f; /* the sub-op bits (xen/memory.h: the rest is the restart extent) */

        if (op == XENMEM_increase_reservation || op == XENMEM_populate_physmap) {
            if (!r)
                return false;
            r->nr_extents %= 8;
            r->extent_order = 0;
        }
        if (op == XENMEM_exchange)
            return false;
        return true;
    }
    case __HYPERVISOR_domctl: {
        uint16_t dom;

        if (!(h = in_scratch(c->a[0], sizeof(struct xen_domctl))))
            return true;
        dom = *(uint16_t *)&h[2];
        switch (h[0]) {
        case XEN_DOMCTL_destroydomain:
        case XEN_DOMCTL_pausedomain:
        case XEN_DOMCTL_max_mem:
            return dom != 0 && dom != DOMID_SELF;
        case XEN_DOMCTL_monitor_op:
        case XEN_DOMCTL_vm_event_op:
        case XEN_DOMCTL_setdebugging:
        case XEN_DOMCTL_debug_op:
        case XEN_DOMCTL_shadow_op:
            return false;
        case XEN_DOMCTL_set_paging_mempool_size:
            ((struct xen_domctl *)h)->u.paging_mempool.size %= 1UL << 20;
            return true;
        default:
            return true;
        }
    }
    case __HYPERVISOR_sysctl:
        if (!(h = in_scratch(c->a[0], 8)))
            return true;
        return h[0] != XEN_SYSCTL_debug_keys && h[0] != XEN_SYSCTL_cpupool_op &&
               h[0] != XEN_SYSCTL_cpu_hotplug;
    default:
        return true;
    }
}

static void fuzz_pick(struct call *c, bool in_batch)
{
    do {
        unsigned k = rnd() % 10;

        if (k < 8)
            c->nr = known_nr[rnd() % NR_KNOWN];
        else if (k < 9)
            c->nr = rnd() % 64;
        else
            c->nr = rnd();
        if (in_batch && c->nr == __HYPERVISOR_multicall)
            c->nr = __HYPERVISOR_xen_version;
        c->a[0] = rnd() % 2 ? rnd() % 16 : rnd() % 3 ? rnd() % 48 : rnd_arg();
        for (int i = 1; i < 5; i++)
            c->a[i] = rnd_arg();
        if (c->nr == __HYPERVISOR_grant_table_op)
            c->a[2] = rnd_count();
        scramble(c->a[1]);
        if (c->nr == __HYPERVISOR_domctl)
            make_control(c, XEN_DOMCTL_INTERFACE_VERSION, 96, true);
        else if (c->nr == __HYPERVISOR_sysctl)
            make_control(c, XEN_SYSCTL_INTERFACE_VERSION, 32, false);
        else if (c->nr == __HYPERVISOR_platform_op)
            make_control(c, XENPF_INTERFACE_VERSION, 64, false);
    } while (!fuzz_allowed(c));
}

static void fuzz_batch(struct call *c)
{
    unsigned n = rnd() % (MAX_BATCH + 1);
    struct multicall_entry *e = (struct multicall_entry *)(scratch + SCRATCH_SIZE / 2);
    struct call sub[MAX_BATCH];

    for (unsigned i = 0; i < n; i++)
        fuzz_pick(&sub[i], true);
    for (unsigned i = 0; i < n; i++) {
        e[i].op = sub[i].nr;
        e[i].result = 0;
        for (int j = 0; j < 5; j++)
            e[i].args[j] = sub[i].a[j];
        e[i].args[5] = 0;
    }
    c->a[0] = (uintptr_t)e;
    c->a[1] = rnd() % 8 ? n : rnd_count();
}

static void fuzz_child(int cpu, long calls, unsigned long seed, int fd)
{
    unsigned long count[RC_BUCKETS] = {0};
    char line[4096];
    int len;

    pin_to_cpu(cpu);
    rng = (seed + 1000 * (unsigned long)cpu) * 0x9e3779b97f4a7c15UL + 1;
    scratch = hcall_buffer(SCRATCH_SIZE);
    hole = (uintptr_t)mmap(NULL, HOLE_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (long i = 0; i < calls; i++) {
        struct call c;
        long rc;

        fuzz_pick(&c, false);
        if (c.nr == __HYPERVISOR_multicall)
            fuzz_batch(&c);
        rc = hcall(c.nr, c.a[0], c.a[1], c.a[2], c.a[3], c.a[4]);
        count[rc == 0 ? 128 : rc < 0 && rc > -128 ? -rc : 129]++;
    }
    /* One line to the parent: the counts. */
    len = 0;
    for (int b = 0; b < RC_BUCKETS; b++)
        len += snprintf(line + len, sizeof(line) - len, "%lu ", count[b]);
    line[len - 1] = '\n';
    if (write(fd, line, len) != len)
        exit(1);
    exit(0);
}

/* Domains the campaign created (a random createdomain may succeed): destroyed again. */
static int fuzz_cleanup(void)
{
    struct xen_sysctl *op = hcall_buffer(4096);
    struct xen_domctl_getdomaininfo *info = hcall_buffer(64 * sizeof(*info));
    struct xen_domctl *dop = hcall_buffer(4096);
    int n = 0;

    memset(op, 0, sizeof(*op));
    op->cmd = XEN_SYSCTL_getdomaininfolist;
    op->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    op->u.getdomaininfolist.first_domain = 1;
    op->u.getdomaininfolist.max_domains = 64;
    set_xen_guest_handle(op->u.getdomaininfolist.buffer, info);
    if (hcall(__HYPERVISOR_sysctl, (unsigned long)op, 0, 0, 0, 0))
        return -1;
    for (uint32_t i = 0; i < op->u.getdomaininfolist.num_domains; i++) {
        if (info[i].domain == 0)
            continue;
        memset(dop, 0, sizeof(*dop));
        dop->cmd = XEN_DOMCTL_destroydomain;
        dop->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
        dop->domain = info[i].domain;
        printf("FUZZ destroying d%u (created by the campaign): %ld\n", info[i].domain,
               hcall(__HYPERVISOR_domctl, (unsigned long)dop, 0, 0, 0, 0));
        n++;
    }
    return n;
}

static int fuzz(long calls, unsigned long seed)
{
    int ncpus = (int)sysconf(_SC_NPROCESSORS_ONLN), status, failed = 0, pipefd[2];
    unsigned long total[RC_BUCKETS] = {0};
    char line[4096];
    FILE *in;

    if (pipe(pipefd)) {
        perror("pipe");
        return 2;
    }
    printf("FUZZ start calls=%ld seed=%lu processes=%d\n", calls, seed, ncpus);
    for (int cpu = 0; cpu < ncpus; cpu++)
        if (fork() == 0) {
            close(pipefd[0]);
            fuzz_child(cpu, calls / ncpus + (cpu < calls % ncpus), seed, pipefd[1]);
        }
    close(pipefd[1]);
    in = fdopen(pipefd[0], "r");
    while (fgets(line, sizeof(line), in)) {
        char *p = line;

        for (int b = 0; b < RC_BUCKETS; b++)
            total[b] += strtoul(p, &p, 10);
    }
    for (int cpu = 0; cpu < ncpus; cpu++) {
        wait(&status);
        if (!WIFEXITED(status) || WEXITSTATUS(status)) {
            failed++;
            printf("FUZZ a process ended with status %#x\n", status);
        }
    }
    unsigned long sum = 0;
    printf("FUZZ rc");
    for (int b = 0; b < RC_BUCKETS; b++) {
        sum += total[b];
        if (!total[b])
            continue;
        if (b == 128)
            printf(" 0=%lu", total[b]);
        else if (b == 129)
            printf(" other=%lu", total[b]);
        else
            printf(" -%d=%lu", b, total[b]);
    }
    printf("\n");
    printf("FUZZ done calls=%lu processes-failed=%d cleaned=%d\n", sum, failed, fuzz_cleanup());
    return failed ? 1 : 0;
}

/* ------------------------------------------------------------------ census */

/* dom0's stage-2 table pages from Tern's 'q' debug key output, read back from the console
 * ring (XEN_SYSCTL_readconsole, not cleared); -1 if it does not show them. */
static long dom0_p2m_tables(struct xen_sysctl *op)
{
    static const size_t size = 1 << 20;
    char *ring = hcall_buffer(size + 1), *p, *last = NULL;
    long n = -1;

    memset(op, 0, sizeof(*op));
    op->cmd = XEN_SYSCTL_debug_keys;
    op->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    ring[0] = 'q'; /* in locked memory, as every buffer the hypervisor reads */
    set_xen_guest_handle(op->u.debug_keys.keys, ring);
    op->u.debug_keys.nr_keys = 1;
    if (hcall(__HYPERVISOR_sysctl, (unsigned long)op, 0, 0, 0, 0))
        goto out;
    memset(op, 0, sizeof(*op));
    op->cmd = XEN_SYSCTL_readconsole;
    op->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    set_xen_guest_handle(op->u.readconsole.buffer, ring);
    op->u.readconsole.count = size;
    if (hcall(__HYPERVISOR_sysctl, (unsigned long)op, 0, 0, 0, 0))
        goto out;
    ring[op->u.readconsole.count] = 0;
    for (p = ring; (p = strstr(p, "Domain 0: ")); p++)
        last = p;
    if (last && (p = strstr(last, "p2m_tables=")) && !memchr(last, '\n', p - last))
        n = strtol(p + strlen("p2m_tables="), NULL, 10);
out:
    munmap(ring, size + 1);
    return n;
}

static int census(void)
{
    static const char *const kind[] = {"closed", "unbound", "interdomain", "pirq", "virq", "ipi"};
    struct xen_sysctl *op = hcall_buffer(4096);
    struct xen_domctl_getdomaininfo *info = hcall_buffer(1024 * sizeof(*info));
    struct evtchn_status *st = hcall_buffer(4096);
    unsigned long by_kind[6] = {0}, in_use = 0, other = 0;
    unsigned int dying = 0;
    long rc;

    memset(op, 0, sizeof(*op));
    op->cmd = XEN_SYSCTL_physinfo;
    op->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    if ((rc = hcall(__HYPERVISOR_sysctl, (unsigned long)op, 0, 0, 0, 0))) {
        fprintf(stderr, "census: XEN_SYSCTL_physinfo: %s\n", strerror((int)-rc));
        return 1;
    }
    uint64_t free_pages = op->u.physinfo.free_pages;

    memset(op, 0, sizeof(*op));
    op->cmd = XEN_SYSCTL_getdomaininfolist;
    op->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    op->u.getdomaininfolist.first_domain = 0;
    op->u.getdomaininfolist.max_domains = 1024;
    set_xen_guest_handle(op->u.getdomaininfolist.buffer, info);
    if ((rc = hcall(__HYPERVISOR_sysctl, (unsigned long)op, 0, 0, 0, 0))) {
        fprintf(stderr, "census: XEN_SYSCTL_getdomaininfolist: %s\n", strerror((int)-rc));
        return 1;
    }
    uint32_t domains = op->u.getdomaininfolist.num_domains;

    for (uint32_t i = 0; i < domains; i++)
        dying += !!(info[i].flags & XEN_DOMINF_dying);
    /* Ports from 1 up to the first one the hypervisor calls invalid (its allocated range). */
    for (evtchn_port_t port = 1; port < 65536; port++) {
        memset(st, 0, sizeof(*st));
        st->dom = DOMID_SELF;
        st->port = port;
        if (hcall(__HYPERVISOR_event_channel_op, EVTCHNOP_status, (unsigned long)st, 0, 0, 0))
            break;
        if (st->status == EVTCHNSTAT_closed)
            continue;
        in_use++;
        if (st->status < 6)
            by_kind[st->status]++;
        else
            other++;
    }
    long p2m = dom0_p2m_tables(op);

    printf("CENSUS free_pages=%llu domains=%u dying=%u dom0_evtchns=%lu",
           (unsigned long long)free_pages, domains, dying, in_use);
    for (int k = 1; k < 6; k++)
        printf(" %s=%lu", kind[k], by_kind[k]);
    printf(" other=%lu", other);
    if (p2m < 0)
        printf(" dom0_p2m_tables=?\n");
    else
        printf(" dom0_p2m_tables=%ld\n", p2m);
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    privcmd = open("/dev/xen/privcmd", O_RDWR);
    if (privcmd < 0) {
        perror("/dev/xen/privcmd");
        return 2;
    }
    if (argc == 3 && !strcmp(argv[1], "selfpause"))
        return selfpause(strtol(argv[2], NULL, 0));
    if (argc == 4 && !strcmp(argv[1], "fuzz"))
        return fuzz(strtol(argv[2], NULL, 0), strtoul(argv[3], NULL, 0));
    if (argc == 2 && !strcmp(argv[1], "census"))
        return census();
    fprintf(stderr, "usage: hv-fuzz-dom0 selfpause ROUNDS | fuzz CALLS SEED | census\n");
    return 2;
}
