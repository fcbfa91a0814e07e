/* SPDX-License-Identifier: MIT */
/*
 * The fake arch for host unit tests of hypervisor/common: machine memory is a host
 * buffer, each domain's p2m a table, guest virtual addresses equal guest physical ones
 * (identity stage 1), kicks/blocks/yields are counters.
 */
#ifndef FAKE_ARCH_H
#define FAKE_ARCH_H

#include <hv/arch_hooks.h>
#include <hv/domain.h>

#define FAKE_MFN_BASE 0x40000UL /* machine frames start here: mfn != gfn for domUs */
#define FAKE_FRAMES   1024      /* 4 MiB of fake machine RAM */

extern struct vcpu *fake_current;
extern char fake_console[4096];
extern size_t fake_console_len;
extern unsigned int fake_dump_calls; /* arch_dump_execution_state() calls (debug key 'd') */
extern unsigned int fake_rx_resumes; /* console_rx_resume() calls */
extern unsigned int fake_flushes;
/* p2m_unmap's one-IPA TLB flushes, p2m_flush_vmid calls, and domheap frees of a frame
 * unmapped by p2m_unmap_noflush with no p2m_flush_vmid since (must stay 0). */
extern unsigned int fake_page_tlb_flushes, fake_vmid_flushes, fake_stale_frees;
extern int fake_alloc_fail_after; /* >= 0: that many more domheap allocations succeed */
/* Called from vcpu_yield (SCHEDOP_yield): lets a test act while a hypercall is in flight. */
extern void (*fake_yield_hook)(void);

/* Free frames and live map_guest_frame mappings (leak checks). */
unsigned int fake_free_frames(void);
int fake_live_maps(void);
/* Give d n RAM pages mapped at gfn.. (as a domain builder would); tot_pages/max_pages
 * updated.  Direct-mapped domains get gfn == mfn (gfn must be in fake machine RAM). */
void fake_populate(struct domain *d, gfn_t gfn, unsigned int n);
/* Host pointer to d's guest-physical address (NULL if unmapped). */
void *fake_gpa(struct domain *d, uint64_t gpa);

#endif /* FAKE_ARCH_H */
