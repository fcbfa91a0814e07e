/* SPDX-License-Identifier: MIT */
/*
 * What arch-neutral code (hypervisor/common/) needs from the arch (hypervisor/arch/arm64,
 * drivers/, lib/).  One line of contract each; the host unit tests implement all of them
 * as a fake (tests/unit/hypervisor/fake_arch.c: guest memory = a host buffer, p2m = a
 * table, kick = a counter), so common/ compiles and runs unchanged on the host.
 *
 * Calling context: common code runs in hypercall context on the current vCPU's pCPU with
 * IRQs masked at EL2 (no preemption inside a hypercall), or from an arch IRQ handler
 * (console_input_char).  Hooks that may fail return 0 or a negative Xen errno
 * (hv/errno.h); none of them crashes on guest-controlled input.
 *
 * Guest memory: hv/guest_access.h (copy_from_guest_va, copy_to_guest_va, map_guest_frame,
 * unmap_guest_frame) is the other half of this contract.
 */
#ifndef HV_ARCH_HOOKS_H
#define HV_ARCH_HOOKS_H

#include <hv/types.h>

struct domain;
struct vcpu;

#define INVALID_MFN ((mfn_t)~0ULL)
#define INVALID_GFN ((gfn_t)~0ULL)

/* ------------------------------------------------------------------ stage-2 (p2m) */

/* Stage-2 entry types (Xen's p2m_type_t subset).  RAM = the domain's own memory; GRANT =
 * a frame of another domain mapped by GNTTABOP_map_grant_ref; FOREIGN = a frame of
 * another domain mapped by the privileged domain (XENMAPSPACE_gmfn_foreign).  All are
 * Normal Inner/Outer WB Inner-Shareable; *_RO entries are not writable by the guest. */
enum p2m_type {
    P2M_INVALID = 0, /* nothing mapped (p2m_lookup only) */
    P2M_RAM_RW,
    P2M_RAM_RO,
    P2M_GRANT_RW,
    P2M_GRANT_RO,
    P2M_FOREIGN_RW,
    P2M_MMIO, /* device memory passed through (p2m_lookup only: common never maps it) */
};

/* Map gfn -> mfn in d's stage-2 with type, replacing any previous entry, TLBs flushed on
 * return.  0; -EINVAL if gfn is beyond d's IPA size; -ENOMEM if no table page. */
int p2m_map(struct domain *d, gfn_t gfn, mfn_t mfn, unsigned int type);
/* Remove d's stage-2 entry for gfn (TLBs flushed on return); 0 also if none was there.
 * Never frees the frame: ownership is the caller's business. */
int p2m_unmap(struct domain *d, gfn_t gfn);
/* As p2m_unmap, but the TLBs are NOT flushed: the guest may still reach the frame through
 * a stale entry until p2m_flush_vmid(d), so the frame must not be freed or reused before
 * it (common/page_release.c batches them). */
int p2m_unmap_noflush(struct domain *d, gfn_t gfn);
/* Invalidate every stage-1 and stage-2 TLB entry of d's VMID on all pCPUs. */
void p2m_flush_vmid(struct domain *d);
/* The frame mapped at gfn in d's stage-2, INVALID_MFN if none; *type (if type != NULL)
 * receives its enum p2m_type (P2M_INVALID when none). */
mfn_t p2m_lookup(struct domain *d, gfn_t gfn, unsigned int *type);
/* The highest gfn ever mapped in d's stage-2 (XENMEM_maximum_gpfn; as Xen's
 * p2m->max_mapped_gfn it never goes down), 0 if none. */
gfn_t p2m_max_mapped_gfn(struct domain *d);
/* Hypervisor pages holding d's stage-2 tables (the 'q' debug key shows them: they grow
 * as blocks are split and are given back only with the domain). */
unsigned long p2m_table_pages(struct domain *d);

/* ------------------------------------------------------------------ memory */

/* 2^order contiguous hypervisor-owned pages, mapped in the hypervisor, contents
 * undefined; NULL when out of memory.  Used for shared_info, grant frames, and common
 * code's own objects (struct domain, vcpu, event-channel buckets). */
void *alloc_xenheap_pages(unsigned int order);
void free_xenheap_pages(void *va, unsigned int order);
/* Frame number of a xenheap page, and back (xenheap pages only). */
mfn_t virt_to_mfn(const void *va);
void *mfn_to_virt(mfn_t mfn);

/* One zero-filled 4 KiB page of RAM assigned to d (owner recorded in the arch's frame
 * table); INVALID_MFN when none is free.  Accounting (d->tot_pages) is done by common
 * code (common/memory.c), which calls these and only these for domain RAM. */
mfn_t alloc_domheap_page(struct domain *d);
/* Pages in the free pool alloc_domheap_page() takes from (claims: common/claim.c). */
unsigned long avail_domheap_pages(void);
/* Return a page allocated by alloc_domheap_page(d) to the free pool. */
void free_domheap_page(struct domain *d, mfn_t mfn);
/* Grant and foreign stage-2 entries of a frame, counted by the p2m code as it writes and
 * removes them: a domain page so mapped outlives its owner's release of it (an orphan,
 * freed on the last put), as Xen holds a page reference per mapping.  frame_orphans():
 * how many frames wait for their last unmap (debug keys). */
void frame_map_get(mfn_t mfn);
void frame_map_put(mfn_t mfn);
unsigned long frame_orphans(void);
/* True if mfn is RAM assigned to d (by alloc_domheap_page or at dom0 build time).
 * Used for direct-mapped dom0, whose populate_physmap may only bring back its own frames. */
bool mfn_owned_by(const struct domain *d, mfn_t mfn);

/* One past the highest machine frame of RAM (XENMEM_maximum_ram_page). */
mfn_t arch_max_mfn(void);

/* Clean (and with invalidate, also invalidate) the data cache to PoC for [va, va+len)
 * of a hypervisor mapping (GNTTABOP_cache_flush). */
void arch_flush_dcache(const void *va, size_t len, bool invalidate);

/* ------------------------------------------------------------------ domains and vCPUs */

/* Arch part of domain creation, called by domain_create() once the common fields are
 * set (domain_id, is_privileged, max_vcpus): VMID, stage-2 root, vGIC distributor.
 * 0 or -ENOMEM/-EINVAL; on failure nothing is left allocated. */
int arch_domain_create(struct domain *d);
/* Undo arch_domain_create (all vCPUs already destroyed, grants unmapped): free the
 * stage-2 tables and every RAM page still assigned to d (alloc_domheap_page or dom0
 * build); frames of other domains mapped in d's stage-2 (grant, foreign) are not freed.
 * Arch code that assigns RAM outside alloc_domheap_page (dom0 build) sets d->tot_pages
 * and d->max_pages itself. */
void arch_domain_destroy(struct domain *d);
/* Arch part of vCPU creation (v->vcpu_id, v->domain set; v offline): registers, vGIC
 * redistributor, timer.  0 or -ENOMEM. */
int arch_vcpu_create(struct vcpu *v);
void arch_vcpu_destroy(struct vcpu *v);
/* True if d's guest-physical RAM is mapped 1:1 (gfn == mfn): dom0 (XENFEAT_direct_mapped). */
bool is_domain_direct_mapped(const struct domain *d);

/* ------------------------------------------------------------------ scheduling */

/* The vCPU running on this pCPU (declared in hv/sched.h too). */
struct vcpu *current_vcpu(void);
/* v has a new event (evtchn_upcall_pending set, or a polled port pending): wake it if
 * blocked (WFI, SCHEDOP_block/poll) and make it re-evaluate its upcall PPI (IPI its pCPU
 * if it is running elsewhere).  Callable for any vCPU, including current. */
void vcpu_kick(struct vcpu *v);
/* Current vCPU v (SCHEDOP_block/poll): mark it blocked; the arch deschedules it on the
 * way back to the guest unless vcpu_event_pending(v) or a kick arrived meanwhile (no
 * lost wake-ups), and it resumes after the HVC when kicked. */
void vcpu_block(struct vcpu *v);
/* Current vCPU v (SCHEDOP_block, before vcpu_block): unmask its interrupts so the upcall
 * is taken when it resumes (Xen on Arm clears the guest's PSTATE.I). */
void vcpu_enable_event_delivery(struct vcpu *v);
/* Current vCPU v (SCHEDOP_yield): let another runnable vCPU on this pCPU run first. */
void vcpu_yield(struct vcpu *v);
/* Stop every vCPU of d for good (SHUTDOWN_* reason).  Common code has already recorded
 * d->shutdown_code and raised VIRQ_DOM_EXC (common/domain.c domain_begin_shutdown(),
 * which arch code such as PSCI SYSTEM_OFF should call rather than this).  For the
 * hardware domain: poweroff -> power the machine off, reboot -> reset it, crash and
 * watchdog -> reset (as Xen does unless 'noreboot').  Returns (the caller's vCPU does not
 * run again once it leaves the hypervisor). */
void domain_shutdown(struct domain *d, unsigned int reason);
/* The 'd' debug key: print each pCPU's and vCPU's execution state (loaded vCPU, pending
 * scheduler requests, timer deadlines; blocked, polling, pending events and interrupts).
 * Reads other pCPUs' state without their locks: a snapshot that may be torn, for a human. */
void arch_dump_execution_state(void);

/* ------------------------------------------------------------------ console */

/* Write n bytes to the hypervisor's console (UART), synchronously. */
void console_write(const char *s, size_t n);

#endif /* HV_ARCH_HOOKS_H */
