/* SPDX-License-Identifier: MIT */
/* Test helpers: two domains (dom0 direct-mapped and privileged, domU d1), hypercalls
 * issued as a given vCPU, guest memory poked through the fake arch. */
#ifndef TH_H
#define TH_H

#include <check.h>
#include <string.h>

#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/event.h>
#include <hv/grant_table.h>
#include <hv/hypercall.h>

#include "fake_arch.h"

#define DOM0_RAM_GFN (FAKE_MFN_BASE + FAKE_FRAMES - 64) /* direct-mapped: gfn == mfn */
#define DOMU_RAM_GFN 0x100UL
#define RAM_PAGES    32

extern struct domain *dom0, *domu;
/* Scratch page for hypercall arguments in each domain (its first RAM page). */
#define SCRATCH(d) (((d) == dom0 ? DOM0_RAM_GFN : DOMU_RAM_GFN) << PAGE_SHIFT)
#define BAD_GVA    0xdead0000000UL /* unmapped in every domain */

void th_setup(void);
void th_teardown(void);
long hc(struct vcpu *v, unsigned long nr, uint64_t a0, uint64_t a1, uint64_t a2);
/* Copy to/from guest-physical memory of d. */
void gput(struct domain *d, uint64_t gpa, const void *p, size_t n);
void gget(struct domain *d, uint64_t gpa, void *p, size_t n);

/* Event-channel shortcuts as vCPU v; return the hypercall result, port in *port. */
long ev_alloc_unbound(struct vcpu *v, domid_t dom, domid_t remote, uint32_t *port);
long ev_bind_interdomain(struct vcpu *v, domid_t rdom, uint32_t rport, uint32_t *lport);
long ev_port_op(struct vcpu *v, unsigned int cmd, uint32_t port);
bool ev_pending(struct domain *d, uint32_t port);
void ev_set_mask(struct domain *d, uint32_t port, bool masked);

TCase *tcase_events(void);
TCase *tcase_grants(void);
TCase *tcase_memory(void);
TCase *tcase_misc(void);
TCase *tcase_fuzz(void);
TCase *tcase_toolstack(void);
TCase *tcase_silo(void);
TCase *tcase_sched(void);
TCase *tcase_sched_credit(void);
TCase *tcase_conring(void);
TCase *tcase_hardening(void);
TCase *tcase_sched_ctl(void);
TCase *tcase_xsm(void);
TCase *tcase_string(void);
TCase *tcase_fifo(void);
TCase *tcase_page_release(void);
TCase *tcase_claim(void);

#endif
