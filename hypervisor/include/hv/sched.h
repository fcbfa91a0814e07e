/* SPDX-License-Identifier: MIT */
/*
 * struct domain and struct vcpu: the arch-neutral part, as in Xen's xen/sched.h.
 *
 * Ownership: common code (hypervisor/common/) owns the fields here; arch code owns
 * struct arch_domain / struct arch_vcpu (asm/domain.h), embedded as ->arch.  Both sides
 * add fields here additively; nothing outside common/ and arch/ touches them directly.
 */
#ifndef HV_SCHED_H
#define HV_SCHED_H

#include <hv/types.h>
#include <hv/event.h>
#include <hv/grant_table.h>
#include <hv/ratelimit.h>
#include <hv/spinlock.h>
#include <hv/scheduler.h>
#include <asm/domain.h>

#include <xen/xen.h>
#include <xen/hvm/params.h>
#include <xen/vcpu.h>

#define MAX_VIRT_CPUS 8 /* per domain, for now */

struct domain;
struct xen_domctl_createdomain;

struct vcpu {
    unsigned int vcpu_id;
    struct domain *domain;

    /* Guest-registered vcpu_info (VCPUOP_register_vcpu_info), or the slot in shared_info
     * for vCPUs < XEN_LEGACY_MAX_VCPUS until one is registered.  Hypervisor VA. */
    struct vcpu_info *vcpu_info;

    bool online;        /* started (boot vCPU, or PSCI CPU_ON) and not CPU_OFF */
    bool blocked;       /* WFI / SCHEDOP_block: waiting for an interrupt or event */
    uint64_t poll_mask; /* SCHEDOP_poll: ports being polled (bit per port < 64) */

    /* --- common/ (domain.c, vcpu.c, event_channel.c, sched_op.c) --- */
    struct vcpu_info dummy_vcpu_info;  /* events land here until the vCPU registers one */
    void *vcpu_info_page;              /* mapping of the registered vcpu_info's frame */
    bool vcpu_info_registered;         /* VCPUOP_register_vcpu_info done (once only) */
    vaddr_t runstate_guest;            /* VCPUOP_register_runstate_memory_area VA, or 0 */
    int poll_evtchn;                   /* SCHEDOP_poll: 0 none, >0 that port, -1 any */
    bool poll_woken;                   /* a polled port fired (vcpu_wake_pending) */
    uint32_t virq_to_evtchn[NR_VIRQS]; /* bound VIRQ ports (global VIRQs: vCPU 0's) */
    struct sched_entity sched;         /* run queue entry (hv/scheduler.h; arch queues it) */
    unsigned int pause_count;          /* vcpu_pause() nesting: not run while > 0 */
    /* Runstate (common/vcpu.c): changed by the arch on every switch and wake-up, copied
     * to runstate_guest when the vCPU is switched in (Linux's steal time). */
    struct vcpu_runstate_info runstate;

    struct arch_vcpu arch;
};

struct domain {
    domid_t domain_id;
    bool is_privileged; /* dom0: may use domctl/sysctl and act on other domains */
    bool is_dying;
    unsigned int max_vcpus;
    struct vcpu *vcpu[MAX_VIRT_CPUS];

    /* The shared_info page (Xen's struct shared_info), hypervisor VA and its frame. */
    struct shared_info *shared_info;
    mfn_t shared_info_mfn;

    /* Pages owned by the domain: exact accounting (XENMEM_current_reservation). */
    uint64_t tot_pages;
    uint64_t max_pages;
    /* XENMEM_claim_pages: pages of the free pool kept for this domain (common/claim.c). */
    uint64_t outstanding_pages;

    /* SCHEDOP_shutdown: reason (SHUTDOWN_*) once the guest asked, else -1. */
    int shutdown_code;

    /* --- common/ (domain.c, memory.c, hvm.c) --- */
    struct domain *next_in_list;       /* domain list, sorted by domid */
    spinlock_t domain_lock;            /* tot_pages, physmap changes, vcpu_info maps */
    gfn_t shared_info_gfn;             /* where the guest mapped shared_info, or INVALID_GFN */
    bool is_shutting_down;             /* SCHEDOP_shutdown / domain_begin_shutdown done */
    unsigned long vm_assist;           /* VMASST_TYPE_* bits enabled */
    uint8_t handle[16];                /* xen_domain_handle_t (XENVER_guest_handle) */
    uint64_t hvm_param[HVM_NR_PARAMS]; /* HVMOP_{get,set}_param */

    /* --- common/domctl.c (toolstack) --- */
    unsigned int controller_pause_count; /* pausedomain/unpausedomain; domctl-made: 1 */
    unsigned int pause_count;            /* all pausers; 0 -> 1 calls arch domain_pause */
    /* XEN_DOMCTL_createdomain's config, valid only during arch_domain_create() (NULL
     * otherwise, and for domains the arch builds itself): arch validates ->arch
     * (gic_version, nr_spis...) and writes back what it chose. */
    struct xen_domctl_createdomain *create_config;
    uint8_t gpaddr_bits;          /* guest physical address size (arch sets; 0 = 40) */
    int64_t time_offset_s;        /* XEN_DOMCTL_settimeoffset */
    uint64_t paging_mempool_size; /* XEN_DOMCTL_set_paging_mempool_size (bytes) */

    struct ratelimit warn_limit;      /* guest-triggered warnings (gprintk, hv/lib.h) */
    struct sched_params sched_params; /* weight, cap (XEN_DOMCTL_scheduler_op) */

    struct evtchn_domain evtchn; /* common/event_channel.c */
    struct grant_domain grant;   /* common/grant_table.c */
    struct arch_domain arch;     /* arch/arm64 */
};

/* The vCPU running on this physical CPU (arch provides it). */
struct vcpu *current_vcpu(void);
#define current (current_vcpu())

/* v's runstate becomes state (RUNSTATE_*) at now_ns (nanoseconds of the counter): the
 * time since the last change goes to the old state.  Caller: v's pCPU (rq lock). */
void vcpu_runstate_change(struct vcpu *v, int state, uint64_t now_ns);
/* Copy v's runstate to its registered area (Xen's update_runstate_area); v is the vCPU
 * loaded on this pCPU, so its guest's translation is the live one. */
void vcpu_runstate_publish(struct vcpu *v);

/* Domain lookup by id (common/domain.c).  NULL when there is no such domain. */
struct domain *domain_lookup(domid_t id);

#endif /* HV_SCHED_H */
