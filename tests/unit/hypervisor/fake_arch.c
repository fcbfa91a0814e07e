/* SPDX-License-Identifier: MIT */
/* The fake arch of the host unit tests (see fake_arch.h and hv/arch_hooks.h). */
#include <stdlib.h>
#include <string.h>

#include <hv/arch_toolstack.h>
#include <hv/errno.h>
#include <hv/guest_access.h>

#include "fake_arch.h"

#define XENHEAP_OWNER ((struct domain *)1)
#define P2M_CAP       8192

struct fake_p2m {
    unsigned int n;
    gfn_t max_gfn;
    struct {
        gfn_t gfn;
        mfn_t mfn;
        unsigned int type;
    } e[P2M_CAP];
};

static uint8_t machine[FAKE_FRAMES][PAGE_SIZE] __attribute__((aligned(4096)));
static struct domain *owner[FAKE_FRAMES];
/* Unmapped from a p2m without a TLB flush since: a guest may still reach it. */
static bool stale[FAKE_FRAMES];
static int live_maps;

struct vcpu *fake_current;
char fake_console[4096];
size_t fake_console_len;
unsigned int fake_flushes;
unsigned int fake_page_tlb_flushes, fake_vmid_flushes, fake_stale_frees;
int fake_alloc_fail_after = -1;

struct vcpu *current_vcpu(void)
{
    return fake_current;
}

unsigned int fake_free_frames(void)
{
    unsigned int i, n = 0;

    for (i = 0; i < FAKE_FRAMES; i++)
        n += owner[i] == NULL;
    return n;
}

int fake_live_maps(void)
{
    return live_maps;
}

/* ------------------------------------------------------------------ memory */

static bool mfn_valid(mfn_t mfn)
{
    return mfn >= FAKE_MFN_BASE && mfn < FAKE_MFN_BASE + FAKE_FRAMES;
}

void *mfn_to_virt(mfn_t mfn)
{
    return mfn_valid(mfn) ? machine[mfn - FAKE_MFN_BASE] : NULL;
}

mfn_t virt_to_mfn(const void *va)
{
    return FAKE_MFN_BASE + ((const uint8_t *)va - &machine[0][0]) / PAGE_SIZE;
}

void *alloc_xenheap_pages(unsigned int order)
{
    unsigned int n = 1U << order, i, j;

    for (i = 0; i + n <= FAKE_FRAMES; i++) {
        for (j = 0; j < n && !owner[i + j]; j++)
            ;
        if (j == n) {
            for (j = 0; j < n; j++)
                owner[i + j] = XENHEAP_OWNER;
            memset(machine[i], 0xa5, n * PAGE_SIZE); /* contents undefined */
            return machine[i];
        }
    }
    return NULL;
}

void free_xenheap_pages(void *va, unsigned int order)
{
    mfn_t mfn = virt_to_mfn(va);
    unsigned int j;

    for (j = 0; j < (1U << order); j++)
        owner[mfn - FAKE_MFN_BASE + j] = NULL;
}

unsigned long avail_domheap_pages(void)
{
    return fake_free_frames();
}

mfn_t alloc_domheap_page(struct domain *d)
{
    unsigned int i;

    if (fake_alloc_fail_after == 0)
        return INVALID_MFN;
    if (fake_alloc_fail_after > 0)
        fake_alloc_fail_after--;
    for (i = 0; i < FAKE_FRAMES; i++)
        if (!owner[i]) {
            owner[i] = d;
            memset(machine[i], 0, PAGE_SIZE);
            return FAKE_MFN_BASE + i;
        }
    return INVALID_MFN;
}

void free_domheap_page(struct domain *d, mfn_t mfn)
{
    if (mfn_valid(mfn) && owner[mfn - FAKE_MFN_BASE] == d) {
        if (stale[mfn - FAKE_MFN_BASE])
            fake_stale_frees++; /* freed while a stale TLB entry may map it */
        owner[mfn - FAKE_MFN_BASE] = NULL;
    } else
        abort(); /* common code freed a page it does not own: a bug */
}

bool mfn_owned_by(const struct domain *d, mfn_t mfn)
{
    return mfn_valid(mfn) && owner[mfn - FAKE_MFN_BASE] == d;
}

mfn_t arch_max_mfn(void)
{
    return FAKE_MFN_BASE + FAKE_FRAMES;
}

void arch_flush_dcache(const void *va, size_t len, bool invalidate)
{
    fake_flushes++;
}

/* ------------------------------------------------------------------ p2m */

static int p2m_find(struct fake_p2m *p, gfn_t gfn)
{
    unsigned int i;

    for (i = 0; i < p->n; i++)
        if (p->e[i].gfn == gfn)
            return (int)i;
    return -1;
}

int p2m_map(struct domain *d, gfn_t gfn, mfn_t mfn, unsigned int type)
{
    struct fake_p2m *p = d->arch.p2m;
    int i = p2m_find(p, gfn);

    if (gfn >= (1UL << 36))
        return -EINVAL; /* beyond a 48-bit IPA space */
    if (i < 0) {
        if (p->n == P2M_CAP)
            return -ENOMEM;
        i = (int)p->n++;
    }
    p->e[i].gfn = gfn;
    p->e[i].mfn = mfn;
    p->e[i].type = type;
    if (gfn > p->max_gfn)
        p->max_gfn = gfn;
    return 0;
}

gfn_t p2m_max_mapped_gfn(struct domain *d)
{
    return d->arch.p2m->max_gfn;
}

unsigned long p2m_table_pages(struct domain *d)
{
    (void)d;
    return 0; /* the fake p2m is a list, not tables */
}

static int unmap(struct domain *d, gfn_t gfn, bool flush)
{
    struct fake_p2m *p = d->arch.p2m;
    int i = p2m_find(p, gfn);

    if (i >= 0) {
        if (flush)
            fake_page_tlb_flushes++;
        else if (mfn_valid(p->e[i].mfn))
            stale[p->e[i].mfn - FAKE_MFN_BASE] = true;
        p->e[i] = p->e[--p->n];
    }
    return 0;
}

int p2m_unmap(struct domain *d, gfn_t gfn)
{
    return unmap(d, gfn, true);
}

int p2m_unmap_noflush(struct domain *d, gfn_t gfn)
{
    return unmap(d, gfn, false);
}

void p2m_flush_vmid(struct domain *d)
{
    unsigned int i;

    (void)d; /* one VMID-wide flush: conservatively, every stale frame is clean after */
    fake_vmid_flushes++;
    for (i = 0; i < FAKE_FRAMES; i++)
        stale[i] = false;
}

mfn_t p2m_lookup(struct domain *d, gfn_t gfn, unsigned int *type)
{
    struct fake_p2m *p = d->arch.p2m;
    int i = p2m_find(p, gfn);

    if (type)
        *type = i < 0 ? P2M_INVALID : p->e[i].type;
    return i < 0 ? INVALID_MFN : p->e[i].mfn;
}

void fake_populate(struct domain *d, gfn_t gfn, unsigned int n)
{
    unsigned int i;

    for (i = 0; i < n; i++) {
        mfn_t mfn;

        if (d->arch.direct_mapped) {
            mfn = gfn + i;
            if (!mfn_valid(mfn) || owner[mfn - FAKE_MFN_BASE])
                abort();
            owner[mfn - FAKE_MFN_BASE] = d;
            memset(machine[mfn - FAKE_MFN_BASE], 0, PAGE_SIZE);
        } else {
            mfn = alloc_domheap_page(d);
        }
        if (mfn == INVALID_MFN || p2m_map(d, gfn + i, mfn, P2M_RAM_RW))
            abort();
        d->tot_pages++;
    }
    d->max_pages = d->tot_pages > d->max_pages ? d->tot_pages : d->max_pages;
}

void *fake_gpa(struct domain *d, uint64_t gpa)
{
    mfn_t mfn = p2m_lookup(d, gpa >> PAGE_SHIFT, NULL);

    return mfn == INVALID_MFN ? NULL : (uint8_t *)mfn_to_virt(mfn) + (gpa & ~PAGE_MASK);
}

/* ------------------------------------------------------------------ guest access */

void *map_guest_frame(struct domain *d, gfn_t gfn)
{
    unsigned int t;
    mfn_t mfn = p2m_lookup(d, gfn, &t);

    if (mfn == INVALID_MFN || (t != P2M_RAM_RW && t != P2M_RAM_RO) || !mfn_valid(mfn))
        return NULL;
    live_maps++;
    return mfn_to_virt(mfn);
}

void unmap_guest_frame(void *va)
{
    live_maps--;
}

static int guest_copy(vaddr_t gva, void *buf, size_t len, bool to_guest)
{
    struct domain *d = fake_current->domain;

    while (len) {
        size_t off = gva & ~PAGE_MASK, n = PAGE_SIZE - off < len ? PAGE_SIZE - off : len;
        unsigned int t;
        mfn_t mfn = p2m_lookup(d, gva >> PAGE_SHIFT, &t);
        bool writable = t == P2M_RAM_RW || t == P2M_GRANT_RW || t == P2M_FOREIGN_RW;

        if (mfn == INVALID_MFN || !mfn_valid(mfn) || (to_guest && !writable))
            return -EFAULT;
        if (to_guest)
            memcpy((uint8_t *)mfn_to_virt(mfn) + off, buf, n);
        else
            memcpy(buf, (uint8_t *)mfn_to_virt(mfn) + off, n);
        gva += n;
        buf = (uint8_t *)buf + n;
        len -= n;
    }
    return 0;
}

int copy_from_guest_va(void *dst, vaddr_t gva, size_t len)
{
    return guest_copy(gva, dst, len, false);
}

int copy_to_guest_va(vaddr_t gva, const void *src, size_t len)
{
    return guest_copy(gva, (void *)src, len, true);
}

/* ------------------------------------------------------------------ domains, vCPUs */

int arch_domain_create(struct domain *d)
{
    /* Toolstack-made domains: GICv3 only, as Tern's vGIC. */
    if (d->create_config) {
        struct xen_arch_domainconfig *a = &d->create_config->arch;

        if (a->gic_version == XEN_DOMCTL_CONFIG_GIC_NATIVE)
            a->gic_version = XEN_DOMCTL_CONFIG_GIC_V3;
        if (a->gic_version != XEN_DOMCTL_CONFIG_GIC_V3 || a->tee_type)
            return -EINVAL;
    }
    d->arch.p2m = calloc(1, sizeof(struct fake_p2m));
    d->arch.shutdown_reason = -1;
    /* The tests make dom0 direct-mapped, as Tern's arch does. */
    d->arch.direct_mapped = d->domain_id == 0;
    return d->arch.p2m ? 0 : -ENOMEM;
}

void arch_domain_destroy(struct domain *d)
{
    unsigned int i;

    for (i = 0; i < FAKE_FRAMES; i++)
        if (owner[i] == d)
            owner[i] = NULL;
    free(d->arch.p2m);
    d->arch.p2m = NULL;
}

int arch_vcpu_create(struct vcpu *v)
{
    return 0;
}

void arch_vcpu_destroy(struct vcpu *v)
{
}

bool is_domain_direct_mapped(const struct domain *d)
{
    return d->arch.direct_mapped;
}

void vcpu_kick(struct vcpu *v)
{
    v->arch.kicks++;
    v->blocked = false;
}

void vcpu_block(struct vcpu *v)
{
    v->arch.blocks++;
    v->blocked = true;
}

void (*fake_yield_hook)(void);

void vcpu_yield(struct vcpu *v)
{
    v->arch.yields++;
    if (fake_yield_hook)
        fake_yield_hook();
}

void domain_shutdown(struct domain *d, unsigned int reason)
{
    d->arch.shutdown_reason = (int)reason;
    d->arch.shutdowns++;
}

unsigned int fake_rx_resumes;

void console_rx_resume(void)
{
    fake_rx_resumes++;
}

void console_write(const char *s, size_t n)
{
    if (n > sizeof(fake_console) - fake_console_len)
        n = sizeof(fake_console) - fake_console_len;
    memcpy(fake_console + fake_console_len, s, n);
    fake_console_len += n;
}

/* ------------------------------------------------------------------ toolstack hooks */

void domain_pause(struct domain *d)
{
    /* The real arch waits for every vCPU of d to stop: the caller's own would never. */
    if (fake_current && fake_current->domain == d)
        d->arch.self_paused = true;
    d->arch.paused = true;
}

void vcpu_pause(struct vcpu *v)
{
    if (v == fake_current)
        v->domain->arch.self_paused = true;
    v->arch.vcpu_pauses++;
}

void vcpu_unpause(struct vcpu *v)
{
    v->arch.vcpu_unpauses++;
}

void domain_unpause(struct domain *d)
{
    d->arch.paused = false;
    d->arch.unpauses++;
}

int arch_set_info_guest(struct vcpu *v, const struct vcpu_guest_context *c)
{
    /* AArch64 EL1h or EL1t only (mode bits of PSR). */
    if ((c->user_regs.cpsr & 0x1f) != 0x05 && (c->user_regs.cpsr & 0x1f) != 0x04)
        return -EINVAL;
    v->arch.pc = c->user_regs.pc64;
    v->arch.x0 = c->user_regs.x0;
    v->arch.sctlr = c->sctlr;
    return 0;
}

void arch_get_info_guest(struct vcpu *v, struct vcpu_guest_context *c)
{
    c->user_regs.pc64 = v->arch.pc;
    c->user_regs.x0 = v->arch.x0;
    c->user_regs.cpsr = 0x3c5;
    c->sctlr = v->arch.sctlr;
}

void vcpu_enable_event_delivery(struct vcpu *v)
{
    v->arch.events_enabled++;
}

uint64_t arch_vcpu_runtime_ns(const struct vcpu *v)
{
    return 1000; /* 1 us per vCPU: cpu_time sums them */
}

unsigned int arch_vcpu_pcpu(const struct vcpu *v)
{
    return v->vcpu_id; /* the fake pins vCPU n to pCPU n */
}

void vcpu_sched_affinity_changed(struct vcpu *v)
{
    v->arch.kicks++; /* the real arch pokes v's pCPU */
}

void arch_physinfo(struct xen_sysctl_physinfo *pi)
{
    pi->nr_cpus = 2;
    pi->max_cpu_id = 1;
    pi->cpu_khz = 62500;
    pi->total_pages = FAKE_FRAMES;
    pi->free_pages = fake_free_frames();
    pi->max_mfn = FAKE_MFN_BASE + FAKE_FRAMES - 1;
}

/* printk (hypervisor/lib/console.c on the target): debug-key output is not checked. */
void printk(const char *fmt, ...)
{
    (void)fmt;
}

/* The host tests' p2m holds no grant/foreign entries of real frames: nothing to count. */
void frame_map_get(mfn_t mfn)
{
    (void)mfn;
}

void frame_map_put(mfn_t mfn)
{
    (void)mfn;
}

unsigned long frame_orphans(void)
{
    return 0;
}

unsigned int fake_dump_calls;

/* The 'd' debug key: counted, so a test sees that a key reached its handler. */
void arch_dump_execution_state(void)
{
    fake_dump_calls++;
}
