/* SPDX-License-Identifier: MIT */
/*
 * vCPU execution and scheduling.  Each pCPU has a run queue of the vCPUs assigned to it
 * (dom0's vCPU n is pinned to pCPU n; a domU's vCPUs go to the least loaded pCPUs) and a
 * policy behind the ops table of hv/scheduler.h picks which one runs.  The mechanism
 * here: every return to a guest passes leave_hypervisor(), which runs the scheduler when
 * the loaded vCPU cannot go on (blocked in WFI / SCHEDOP_block, paused, offline,
 * shutting down) or when something asked for it (a vCPU of this pCPU was woken, the time
 * slice ended, a yield), and switches contexts (context.c) through the trap frame at the
 * top of this pCPU's stack: a vCPU's registers are always restored into that one frame,
 * so no stack switching is needed.
 *
 * Time: the EL2 physical timer (CNTHP, PPI 26) ends time slices when more than one vCPU
 * is runnable here, and wakes a descheduled vCPU blocked with its virtual timer armed.
 * A blocked vCPU with nothing else to run stays loaded while the pCPU waits in WFI, so
 * its own timer and interrupts wake it as directly as before multiplexing.
 */
#include <hv/arch.h>
#include <hv/arch_toolstack.h>
#include <hv/domain.h>
#include <hv/event.h>
#include <hv/lib.h>
#include <hv/sched.h>
#include <hv/watchdog.h>
#include <asm/context.h>
#include <asm/gic.h>
#include <asm/p2m.h>
#include <asm/percpu.h>
#include <asm/regs.h>
#include <asm/sysregs.h>
#include <asm/vcpu.h>
#include <asm/vgic.h>

#define HYP_TIMER_PPI 26  /* EL2 physical timer (CNTHP) */
#define SLICE_HZ      100 /* 10 ms time slices */
/* Watchdog (docs/hypervisor/hardening.md): with more than one pCPU, each one's CNTHP
 * fires at least every WATCHDOG_PERIOD_S and checks that no other pCPU has been in one
 * guest trap for WATCHDOG_LIMIT_S or more. */
#define WATCHDOG_PERIOD_S 1
#define WATCHDOG_LIMIT_S  10
#define PSR_I_BIT         (1UL << 7)

struct pcpu pcpus[NR_CPUS];
unsigned int nr_pcpus = 1;
extern char boot_stacks[];

void enter_guest(struct cpu_user_regs *regs) __attribute__((noreturn));

void cpu_early_init(unsigned int id)
{
    pcpus[id].id = id;
    pcpus[id].mpidr = READ_SYSREG(mpidr_el1) & 0xff00ffffffUL;
    WRITE_SYSREG(tpidr_el2, (uintptr_t)&pcpus[id]);
}

struct vcpu *current_vcpu(void)
{
    return this_pcpu()->vcpu;
}

static struct vcpu *vcpu_of(struct sched_entity *e)
{
    return e ? (struct vcpu *)((char *)e - offsetof(struct vcpu, sched)) : NULL;
}

static struct cpu_user_regs *top_frame(void)
{
    return (struct cpu_user_regs *)(boot_stacks + (smp_processor_id() + 1) * STACK_SIZE) - 1;
}

/* ------------------------------------------------------------------ run state */

static bool domain_may_run(const struct domain *d)
{
    return !d->pause_count && !d->is_shutting_down && !d->is_dying;
}

/* Its domain may run and it is not paused alone (vcpu_pause). */
static bool vcpu_may_run(const struct vcpu *v)
{
    return !v->pause_count && domain_may_run(v->domain);
}

/* A blocked vCPU has something to take: an event upcall or a fired SCHEDOP_poll port
 * (vcpu_wake_pending, which consumes the poll wake-up), a virtual interrupt, or (while
 * not loaded, its timer stopped) a virtual timer deadline that passed. */
static bool vcpu_should_wake(struct vcpu *v)
{
    uint64_t deadline;

    if (vcpu_wake_pending(v) || vgic_vcpu_pending(v))
        return true;
    return !v->arch.running && vcpu_context_timer_due(v, &deadline);
}

/* Called by the vCPU's own pCPU only (under its run queue lock): a wake-up found here is
 * latched by clearing v->blocked, since vcpu_wake_pending() reports a poll once. */
static bool entity_runnable(struct sched_entity *e, void *arg)
{
    struct vcpu *v = vcpu_of(e);

    if (!vcpu_may_run(v))
        return false;
    if (!v->online)
        return v->arch.power_on;
    if (v->blocked && vcpu_should_wake(v))
        v->blocked = false;
    return !v->blocked;
}

/* vCPUs that keep this pCPU on: online or asked to come online. */
static bool rq_has_live_vcpu(struct pcpu *p)
{
    bool live = false;

    spin_lock(&p->rq.lock);
    for (struct sched_entity *e = p->rq.head; e && !live; e = e->next)
        live = vcpu_of(e)->online || vcpu_of(e)->arch.power_on;
    spin_unlock(&p->rq.lock);
    return live;
}

/* ------------------------------------------------------------------ pCPUs */

/* Start pCPU p through the host's PSCI if it is off (it then runs its run queue). */
static int pcpu_start(struct pcpu *p)
{
    extern char secondary_entry[];
    int rc;

    if (p->up)
        return 0;
    p->up = true;
    /* Stopped by CPU_OFF a moment ago: the host answers ALREADY_ON until it is done. */
    while ((rc = psci_host_cpu_on(p->mpidr, (paddr_t)secondary_entry, p->id)) == -4)
        ;
    if (rc) {
        printk("pCPU%u (MPIDR %lx) did not start: host PSCI error %d\n", p->id, p->mpidr, rc);
        p->up = false;
    }
    return rc;
}

/* Make pCPU p run its scheduler soon (it may be this one). */
static void pcpu_poke(struct pcpu *p)
{
    p->resched = true;
    dsb_ish();
    if (p == this_pcpu())
        return;
    if (p->up)
        gic_send_sgi(p->mpidr, SGI_KICK);
    else
        pcpu_start(p);
}

/* ------------------------------------------------------------------ hypervisor timer */

static uint64_t slice_ticks(void)
{
    return READ_SYSREG(cntfrq_el0) / SLICE_HZ;
}

/* Arm CNTHP for the earliest of: the end of the running vCPU's slice (only when another
 * vCPU here is runnable) and the virtual-timer deadline of each descheduled blocked vCPU. */
static void hyp_timer_program(struct pcpu *p)
{
    uint64_t deadline = ~0UL, t;
    unsigned int runnable;

    if (!p->hyp_timer_enabled) {
        gic_ppi_enable(HYP_TIMER_PPI);
        p->hyp_timer_enabled = true;
    }
    spin_lock(&p->rq.lock);
    runnable = scheduler->nr_runnable(&p->rq, entity_runnable, NULL);
    if (runnable > 1)
        deadline = p->slice_end;
    for (struct sched_entity *e = p->rq.head; e; e = e->next) {
        struct vcpu *v = vcpu_of(e);

        /* Only future deadlines of vCPUs that may run: a passed one made its vCPU
         * runnable already, and a paused or shut-down domain's timer must not fire
         * again and again (an interrupt storm that starves the pCPU). */
        if (!v->arch.running && v->online && v->blocked && vcpu_may_run(v) &&
            !vcpu_context_timer_due(v, &t))
            deadline = MIN(deadline, t);
    }
    spin_unlock(&p->rq.lock);
    if (nr_pcpus > 1)
        deadline =
            MIN(deadline, READ_SYSREG(cntpct_el0) + READ_SYSREG(cntfrq_el0) * WATCHDOG_PERIOD_S);
    if (deadline == ~0UL) {
        WRITE_SYSREG(cnthp_ctl_el2, 0);
    } else {
        WRITE_SYSREG(cnthp_cval_el2, deadline);
        WRITE_SYSREG(cnthp_ctl_el2, 1); /* ENABLE, not masked */
    }
    isb();
}

/* Another pCPU stuck in one guest's trap (hv/watchdog.h): say which, once. */
static void watchdog_check_others(struct pcpu *self, uint64_t now)
{
    uint64_t limit = READ_SYSREG(cntfrq_el0) * WATCHDOG_LIMIT_S;

    for (unsigned int i = 0; i < nr_pcpus; i++) {
        struct watchdog_cpu *w = &pcpus[i].wd;

        if (&pcpus[i] == self || !pcpus[i].up || !watchdog_stuck(w, now, limit))
            continue;
        printk("WATCHDOG: CPU%u stuck in the hypervisor for %us or more: d%uv%u, trap ESR %lx "
               "(EC %#lx)%s%lu\n",
               i, WATCHDOG_LIMIT_S, w->domid, w->vcpu, w->esr, ESR_EC(w->esr),
               ESR_EC(w->esr) == EC_HVC64 ? ", hypercall " : ", x16 ", w->nr);
    }
}

/* CNTHP fired (irq.c): end of slice, a descheduled vCPU's timer is due, watchdog tick. */
void hyp_timer_interrupt(void)
{
    struct pcpu *p = this_pcpu();
    uint64_t now = READ_SYSREG(cntpct_el0), t;

    watchdog_check_others(p, now);

    WRITE_SYSREG(cnthp_ctl_el2, 0); /* level drops; re-armed by the next scheduler pass */
    isb();
    if (p->vcpu && now >= p->slice_end)
        p->rotate = true;
    spin_lock(&p->rq.lock);
    for (struct sched_entity *e = p->rq.head; e; e = e->next) {
        struct vcpu *v = vcpu_of(e);

        if (!v->arch.running && v->blocked && vcpu_may_run(v) && vcpu_context_timer_due(v, &t))
            scheduler->wake(&p->rq, e);
    }
    spin_unlock(&p->rq.lock);
    p->resched = true;
}

/* ------------------------------------------------------------------ accounting */

static void account_start(struct vcpu *v)
{
    if (!v->arch.run_counting) {
        v->arch.run_since = READ_SYSREG(cntpct_el0);
        v->arch.run_counting = true;
    }
}

static void account_stop(struct vcpu *v)
{
    if (v->arch.run_counting) {
        v->arch.run_ticks += READ_SYSREG(cntpct_el0) - v->arch.run_since;
        v->arch.run_counting = false;
    }
}

uint64_t arch_vcpu_runtime_ns(const struct vcpu *v)
{
    uint64_t t = v->arch.run_ticks, f = READ_SYSREG(cntfrq_el0);

    if (v->arch.run_counting) /* read from another pCPU: a close estimate */
        t += READ_SYSREG(cntpct_el0) - v->arch.run_since;
    return f ? (t / f) * 1000000000UL + (t % f) * 1000000000UL / f : 0;
}

/* ------------------------------------------------------------------ context switch */

static void switch_to(struct pcpu *p, struct vcpu *prev, struct vcpu *next,
                      struct cpu_user_regs *regs)
{
    if (prev) {
        account_stop(prev);
        vcpu_context_save(prev, regs);
        p->vcpu = NULL;
        dsb_ish();
        prev->arch.running = false; /* domain_pause() waits for this */
        dsb_ish();
    }
    if (!next)
        return;
    if (!next->online && next->arch.power_on) {
        /* PSCI CPU_ON / first start: consumed here, by the pCPU that owns the vCPU. */
        vgic_vcpu_reset(next);
        vcpu_context_reset(next, next->arch.on_entry, next->arch.on_ctx);
        next->online = true;
        next->blocked = false;
        dsb_ish();
        next->arch.power_on = false;
    }
    next->arch.running = true;
    p->vcpu = next;
    vcpu_context_restore(next, regs);
    p->slice_end = READ_SYSREG(cntpct_el0) + slice_ticks();
}

/* Wait for an interrupt with IRQs masked at EL2 (WFI still wakes on a masked pending IRQ,
 * Arm ARM D1.16.2), then take it in a short unmasked window: no lost wake-up. */
static void pcpu_wait(struct pcpu *p)
{
    hyp_timer_program(p);
    if (!p->resched) {
        wfi();
        local_irq_enable();
        isb();
        local_irq_disable();
    }
}

/* Nothing to run on a secondary pCPU and nothing that may come online: give it back to
 * the host (PSCI CPU_OFF); a later vCPU wake-up restarts it (pcpu_start). */
static void pcpu_maybe_off(struct pcpu *p)
{
    if (p->id == 0 || rq_has_live_vcpu(p))
        return;
    p->up = false;
    dsb_sy();
    if (rq_has_live_vcpu(p) || p->resched) { /* raced with a wake-up: stay */
        p->up = true;
        return;
    }
    WRITE_SYSREG(cnthp_ctl_el2, 0);
    p->hyp_timer_enabled = false; /* the redistributor is reset when the pCPU restarts */
    psci_host_cpu_off();
    p->up = true; /* the host refused: stay idle */
}

static bool vcpu_can_continue(struct vcpu *v)
{
    return v->online && !v->blocked && vcpu_may_run(v);
}

/* Called by entry.S on every return to the guest (and to start a pCPU's first vCPU). */
void leave_hypervisor(struct cpu_user_regs *regs)
{
    struct pcpu *p = this_pcpu();

    watchdog_leave(&p->wd); /* the trap is handled; waiting for work here is not stuck */

    for (;;) {
        struct vcpu *cur = p->vcpu, *next;
        bool rotate;

        if (cur && !p->resched && !p->rotate && vcpu_can_continue(cur))
            break;
        rotate = p->rotate;
        p->resched = p->rotate = false;
        dsb_ish();
        spin_lock(&p->rq.lock);
        next = vcpu_of(
            scheduler->pick(&p->rq, cur ? &cur->sched : NULL, rotate, entity_runnable, NULL));
        spin_unlock(&p->rq.lock);
        if (!next && cur && cur->online && cur->blocked && vcpu_may_run(cur)) {
            /* Only cur could run and it waits: keep it loaded, its timer live. */
            account_stop(cur);
            pcpu_wait(p);
            continue;
        }
        if (next && next == cur && !cur->online) /* CPU_OFF then CPU_ON: restart it */
            switch_to(p, cur, NULL, regs), cur = NULL;
        if (next != cur)
            switch_to(p, cur, next, regs);
        else if (rotate)
            p->slice_end = READ_SYSREG(cntpct_el0) + slice_ticks();
        if (next) {
            next->blocked = false;
            account_start(next);
            hyp_timer_program(p);
            break;
        }
        pcpu_maybe_off(p);
        pcpu_wait(p);
    }
    vgic_flush_lrs(p->vcpu);
}

/* ------------------------------------------------------------------ vCPU life cycle */

/* A pCPU with nothing loaded enters the scheduler through an empty trap frame. */
void pcpu_idle_loop(void)
{
    struct pcpu *p = this_pcpu();
    struct cpu_user_regs *regs = top_frame();

    /* The frame is filled by the first vCPU switched in (leave_hypervisor returns to a
     * guest only with a vCPU loaded). */
    p->vcpu = NULL;
    p->up = true;
    p->hyp_timer_enabled = false;
    enter_guest(regs);
}

void vcpu_boot(struct vcpu *v, uint64_t entry, uint64_t arg)
{
    /* dom0's builder records vCPU n as pcpus[n].vcpu (its pinning); the run queues hold
     * that now and ->vcpu means "loaded": nothing is loaded yet. */
    for (unsigned int i = 0; i < nr_pcpus; i++)
        pcpus[i].vcpu = NULL;
    arch_record_cmdline();
    v->arch.on_entry = entry;
    v->arch.on_ctx = arg;
    v->arch.power_on = true;
    pcpu_idle_loop();
}

int vcpu_request_power_on(struct vcpu *v, uint64_t entry, uint64_t ctx)
{
    struct pcpu *p = &pcpus[v->arch.pcpu];
    int rc;

    v->arch.on_entry = entry;
    v->arch.on_ctx = ctx;
    dsb_ish();
    v->arch.power_on = true;
    dsb_ish();
    spin_lock(&p->rq.lock);
    scheduler->wake(&p->rq, &v->sched);
    spin_unlock(&p->rq.lock);
    p->resched = true;
    if (p->up) {
        if (p != this_pcpu())
            gic_send_sgi(p->mpidr, SGI_KICK);
        return 0;
    }
    rc = pcpu_start(p);
    if (rc)
        v->arch.power_on = false;
    return rc;
}

/* WFI from v: it blocks until it has an interrupt to take (leave_hypervisor). */
void vcpu_wait_for_interrupt(struct vcpu *v)
{
    v->blocked = true;
}

void vcpu_kick(struct vcpu *v)
{
    struct pcpu *p;

    if (!v || v == current_vcpu() || (!v->online && !v->arch.power_on))
        return;
    p = &pcpus[v->arch.pcpu];
    if (!v->arch.running) {
        spin_lock(&p->rq.lock);
        scheduler->wake(&p->rq, &v->sched);
        spin_unlock(&p->rq.lock);
    }
    pcpu_poke(p);
}

void vcpu_enable_event_delivery(struct vcpu *v)
{
    /* Xen on Arm's local_event_delivery_enable: clear the guest's PSTATE.I in the trap
     * frame (v is current: its registers are in this pCPU's frame). */
    top_frame()->cpsr &= ~PSR_I_BIT;
}

void vcpu_block(struct vcpu *v)
{
    v->blocked = true; /* leave_hypervisor deschedules it unless it should wake */
}

void vcpu_yield(struct vcpu *v)
{
    this_pcpu()->rotate = true;
}

/* Where a new vCPU runs: dom0's vCPU n on pCPU n; others on the pCPU with the fewest
 * vCPUs, scanning from (domid + vcpu_id) so that equal loads spread. */
static unsigned int place_vcpu(const struct vcpu *v)
{
    unsigned int best = 0, best_nr = ~0u;

    if (is_domain_direct_mapped(v->domain) && v->vcpu_id < nr_pcpus)
        return v->vcpu_id;
    for (unsigned int i = 0; i < nr_pcpus; i++) {
        unsigned int c = (v->domain->domain_id + v->vcpu_id + i) % nr_pcpus;

        if (pcpus[c].rq.nr < best_nr) {
            best = c;
            best_nr = pcpus[c].rq.nr;
        }
    }
    return best;
}

void vcpu_sched_insert(struct vcpu *v)
{
    struct pcpu *p;

    v->arch.pcpu = place_vcpu(v);
    p = &pcpus[v->arch.pcpu];
    spin_lock(&p->rq.lock);
    scheduler->insert(&p->rq, &v->sched);
    spin_unlock(&p->rq.lock);
}

void vcpu_sched_remove(struct vcpu *v)
{
    struct pcpu *p = &pcpus[v->arch.pcpu];

    BUG_ON(v->arch.running);
    spin_lock(&p->rq.lock);
    scheduler->remove(&p->rq, &v->sched);
    spin_unlock(&p->rq.lock);
}

/* ------------------------------------------------------------------ domains */

/* The vCPU running this call can never stop while it waits for itself: callers guard
 * against it (docs/hypervisor/hardening.md); this is the backstop for one that does not. */
static bool pause_would_wait_for_self(const struct vcpu *v)
{
    if (v != current_vcpu())
        return false;
    printk("d%uv%u: pause of the calling vCPU refused (would wait for itself)\n",
           v->domain->domain_id, v->vcpu_id);
    return true;
}

void domain_pause(struct domain *d)
{
    /* d->pause_count is already > 0 (common/domctl.c): no vCPU of d is picked again. */
    dsb_ish();
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        if (d->vcpu[i] && d->vcpu[i]->arch.running)
            pcpu_poke(&pcpus[d->vcpu[i]->arch.pcpu]);
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        if (d->vcpu[i] && !pause_would_wait_for_self(d->vcpu[i]))
            while (d->vcpu[i]->arch.running)
                dsb_ish();
}

void vcpu_pause(struct vcpu *v)
{
    /* v->pause_count > 0 already: its pCPU switches it out on its next scheduler pass
     * (a vCPU kept loaded while it waits in WFI included, vcpu_may_run). */
    dsb_ish();
    if (pause_would_wait_for_self(v))
        return;
    if (v->arch.running)
        pcpu_poke(&pcpus[v->arch.pcpu]);
    while (v->arch.running)
        dsb_ish();
}

void vcpu_unpause(struct vcpu *v)
{
    dsb_ish();
    if (v->online || v->arch.power_on)
        vcpu_kick(v);
}

void domain_unpause(struct domain *d)
{
    dsb_ish();
    for (unsigned int i = 0; i < d->max_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];

        if (v && (v->online || v->arch.power_on))
            vcpu_kick(v);
    }
}

void domain_shutdown(struct domain *d, unsigned int reason)
{
    if (d->is_privileged && d == hardware_domain()) {
        printk("Hardware domain shut down (reason %u): %s\n", reason,
               reason == SHUTDOWN_poweroff ? "powering off" : "restarting");
        if (reason == SHUTDOWN_poweroff)
            machine_power_off();
        machine_restart();
    }
    d->is_shutting_down = true;
    dsb_ish();
    /* Its running vCPUs leave their pCPUs on their next pass through the scheduler. */
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        if (d->vcpu[i] && d->vcpu[i]->arch.running)
            pcpu_poke(&pcpus[d->vcpu[i]->arch.pcpu]);
}

void domain_crash(struct domain *d)
{
    domain_begin_shutdown(d, SHUTDOWN_crash);
}

void machine_halt(void)
{
    local_irq_disable();
    for (;;)
        wfi();
}
