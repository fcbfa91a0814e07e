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
 * Time: the EL2 physical timer (CNTHP, PPI 26) fires at the policy's deadline (end of
 * slice when another vCPU waits, credit accounting) and wakes a descheduled vCPU blocked
 * with its virtual timer armed.
 *
 * Between pCPUs: a vCPU runs only on the pCPUs of its hard affinity (a pass of the
 * scheduler moves the ones not allowed here away), and an idle pCPU steals a vCPU that
 * waits on a busy one (soft affinity first), as Xen's credit load balancing does.  A
 * vCPU's run queue changes only under the locks of both queues, and whoever acts on a
 * vCPU's queue takes the lock of v->arch.pcpu and checks it did not change (rq_lock_of).
 * Each switch and wake-up updates the vCPU's runstate (common/vcpu.c).
 * A blocked vCPU with nothing else to run stays loaded while the pCPU waits in WFI, so
 * its own timer and interrupts wake it as directly as before multiplexing.
 */
#include <hv/arch.h>
#include <hv/arch_toolstack.h>
#include <hv/cpu_relax.h>
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

#define HYP_TIMER_PPI 26 /* EL2 physical timer (CNTHP) */
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

/* The guest's PSTATE.I: its registers are in this pCPU's frame while it is loaded here. */
static bool vcpu_irqs_masked(struct vcpu *v)
{
    const struct cpu_user_regs *r =
        v->arch.running && v == current_vcpu() ? top_frame() : &v->arch.ctx.regs;

    return r->cpsr & PSR_I_BIT;
}

/* A vCPU blocked in SCHEDOP_poll resumes as on Xen: on a polled port (evtchn code) or a
 * kick (vcpu_kick: a new upcall, a virtual interrupt), both of which set poll_woken; on
 * an upcall it can take (interrupts unmasked; Xen's local_events_need_delivery); or on
 * its timer.  Not on an upcall left pending while it polls with interrupts masked, as a
 * guest waiting on one port does: that would return at once, again and again, and keep
 * its peer off the pCPU.  The poll is over once it resumes. */
static bool vcpu_poll_should_end(struct vcpu *v)
{
    uint64_t deadline;
    bool end = __atomic_exchange_n(&v->poll_woken, false, __ATOMIC_SEQ_CST) ||
               (vcpu_event_pending(v) && !vcpu_irqs_masked(v)) ||
               (!v->arch.running && vcpu_context_timer_due(v, &deadline));

    if (end)
        __atomic_store_n(&v->poll_evtchn, 0, __ATOMIC_SEQ_CST);
    return end;
}

/* A blocked vCPU has something to take: an event upcall or a fired SCHEDOP_poll port
 * (vcpu_wake_pending, which consumes the poll wake-up), a virtual interrupt, or (while
 * not loaded, its timer stopped) a virtual timer deadline that passed. */
static bool vcpu_should_wake(struct vcpu *v)
{
    uint64_t deadline;

    if (__atomic_load_n(&v->poll_evtchn, __ATOMIC_SEQ_CST))
        return vcpu_poll_should_end(v);
    if (vcpu_wake_pending(v) || vgic_vcpu_pending(v))
        return true;
    return !v->arch.running && vcpu_context_timer_due(v, &deadline);
}

/* May v run on pCPU p at all (its hard affinity)? */
static bool vcpu_allowed_on(const struct vcpu *v, const struct pcpu *p)
{
    return (v->sched.hard_affinity >> p->id) & 1;
}

/* Called under the run queue lock of v's pCPU, for that pCPU or (arg) a pCPU that would
 * steal v: a wake-up found here is latched by clearing v->blocked, since
 * vcpu_wake_pending() reports a poll once.  The policy hears of it here too: the waker
 * marks the event (or poll_woken) before its vcpu_kick takes this lock, and a pass of
 * the scheduler in between latches the wake-up first; the kick then finds v runnable,
 * not blocked, and would not tell the policy, so v would miss its boost and wait behind
 * an UNDER vCPU for ms (sched-wake's rare 8 ms boosted ping). */
static bool entity_runnable(struct sched_entity *e, void *arg)
{
    struct vcpu *v = vcpu_of(e);
    struct pcpu *on = arg ? arg : this_pcpu();

    if (!vcpu_allowed_on(v, on) || !vcpu_may_run(v))
        return false;
    if (!v->online)
        return v->arch.power_on;
    if (v->blocked && vcpu_should_wake(v)) {
        v->blocked = false;
        if (!v->arch.running && e->rq)
            scheduler->wake(e->rq, e);
    }
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

static uint64_t ticks_to_ns(uint64_t t)
{
    uint64_t f = READ_SYSREG(cntfrq_el0);

    return f ? (t / f) * 1000000000UL + (t % f) * 1000000000UL / f : 0;
}

static uint64_t now_ns(void)
{
    return ticks_to_ns(READ_SYSREG(cntpct_el0));
}

/* The state of a vCPU not loaded on a pCPU (Xen: blocked, runnable, else offline, which
 * a paused or capped-out vCPU is). */
static int idle_runstate(struct vcpu *v, bool can_run)
{
    if (can_run)
        return RUNSTATE_runnable;
    return v->online && v->blocked && vcpu_may_run(v) ? RUNSTATE_blocked : RUNSTATE_offline;
}

/* Runstates of p's vCPUs that are not running, after a pass of the scheduler (rq lock). */
static void runstate_refresh(struct pcpu *p, uint64_t ns)
{
    for (struct sched_entity *e = p->rq.head; e; e = e->next) {
        struct vcpu *v = vcpu_of(e);

        if (!v->arch.running)
            vcpu_runstate_change(v, idle_runstate(v, !e->parked && entity_runnable(e, p)), ns);
    }
}

/* Lock the run queue v is on and return its pCPU (v may move until the lock is held). */
static struct pcpu *rq_lock_of(struct vcpu *v)
{
    for (;;) {
        unsigned int id = __atomic_load_n(&v->arch.pcpu, __ATOMIC_ACQUIRE);
        struct pcpu *p = &pcpus[id];

        spin_lock(&p->rq.lock);
        if (v->arch.pcpu == id)
            return p;
        spin_unlock(&p->rq.lock);
    }
}

/* Both run queues, in pCPU order (no deadlock between two pCPUs doing this). */
static void rq_lock_pair(struct pcpu *a, struct pcpu *b)
{
    if (a->id < b->id) {
        spin_lock(&a->rq.lock);
        spin_lock(&b->rq.lock);
    } else {
        spin_lock(&b->rq.lock);
        spin_lock(&a->rq.lock);
    }
}

static void rq_unlock_pair(struct pcpu *a, struct pcpu *b)
{
    spin_unlock(&a->rq.lock);
    spin_unlock(&b->rq.lock);
}

/* Move v (not running) from from's run queue to to's: both locks held. */
static void vcpu_move(struct vcpu *v, struct pcpu *from, struct pcpu *to)
{
    scheduler->remove(&from->rq, &v->sched);
    scheduler->insert(&to->rq, &v->sched);
    __atomic_store_n(&v->arch.pcpu, to->id, __ATOMIC_RELEASE);
}

/* ------------------------------------------------------------------ pCPUs */

/* Start pCPU p through the host's PSCI if it is off (it then runs its run queue).  p is
 * claimed by compare-and-swap, so of two pCPUs waking vCPUs there only one calls CPU_ON:
 * the other would get ALREADY_ON for good below. */
static int pcpu_start(struct pcpu *p)
{
    extern char secondary_entry[];
    bool off = false;
    int rc;

    if (!__atomic_compare_exchange_n(&p->up, &off, true, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
        return 0;
    /* Stopped by CPU_OFF a moment ago: the host answers ALREADY_ON until it is done. */
    while ((rc = psci_host_cpu_on(p->mpidr, (paddr_t)secondary_entry, p->id)) == -4)
        cpu_relax(); /* lets the stopping pCPU run under single-threaded TCG */
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

/* Arm CNTHP for the earliest of: the policy's deadline (end of the running vCPU's slice
 * when another one waits, accounting) and the virtual-timer deadline of each descheduled
 * blocked vCPU. */
static void hyp_timer_program(struct pcpu *p)
{
    uint64_t deadline, t;

    if (!p->hyp_timer_enabled) {
        gic_ppi_enable(HYP_TIMER_PPI);
        p->hyp_timer_enabled = true;
    }
    spin_lock(&p->rq.lock);
    deadline = scheduler->deadline(&p->rq, entity_runnable, p);
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
               "(EC 0x%lx)%s%lu\n",
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
    if (p->vcpu && now >= p->rq.slice_end)
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
    uint64_t t = v->arch.run_ticks;

    if (v->arch.run_counting) /* read from another pCPU: a close estimate */
        t += READ_SYSREG(cntpct_el0) - v->arch.run_since;
    return ticks_to_ns(t);
}

/* ------------------------------------------------------------------ context switch */

static bool vcpu_can_continue(struct vcpu *v)
{
    return v->online && !v->blocked && vcpu_may_run(v) && !v->sched.parked &&
           vcpu_allowed_on(v, this_pcpu());
}

static void switch_to(struct pcpu *p, struct vcpu *prev, struct vcpu *next,
                      struct cpu_user_regs *regs)
{
    if (prev) {
        account_stop(prev);
        vcpu_runstate_change(prev, idle_runstate(prev, vcpu_can_continue(prev)), now_ns());
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
    vcpu_runstate_change(next, RUNSTATE_running, now_ns());
    vcpu_runstate_publish(next); /* its stage-1 translation is the live one now */
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
    bool off = false;

    if (p->id == 0 || rq_has_live_vcpu(p))
        return;
    __atomic_store_n(&p->up, false, __ATOMIC_SEQ_CST);
    dsb_sy();
    /* Raced with a wake-up: stay, unless a waker saw up false and claimed p in pcpu_start
     * meanwhile.  Its CPU_ON gets ALREADY_ON until p is off, so p staying on would hold it
     * spinning with IRQs masked for good: p goes off and that CPU_ON restarts it into its
     * scheduler, which runs the woken vCPU. */
    if ((rq_has_live_vcpu(p) || p->resched) &&
        __atomic_compare_exchange_n(&p->up, &off, true, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
        return;
    WRITE_SYSREG(cnthp_ctl_el2, 0);
    p->hyp_timer_enabled = false; /* the redistributor is reset when the pCPU restarts */
    psci_host_cpu_off();
    p->up = true; /* the host refused: stay idle */
}

/* The pCPU of v's hard affinity to move it to: the least loaded one, soft affinity
 * first.  p itself when there is none (an empty mask is refused by the domctl). */
static struct pcpu *affinity_target(const struct vcpu *v, struct pcpu *p)
{
    struct pcpu *best = p;
    unsigned int best_nr = ~0u;

    for (int soft = 1; soft >= 0 && best == p; soft--) {
        for (unsigned int i = 0; i < nr_pcpus; i++) {
            uint64_t bit = 1UL << i;

            if (!(v->sched.hard_affinity & bit) || (soft && !(v->sched.soft_affinity & bit)))
                continue;
            if (pcpus[i].rq.nr < best_nr) {
                best = &pcpus[i];
                best_nr = pcpus[i].rq.nr;
            }
        }
    }
    return best;
}

/* Move the vCPUs queued here that may not run here (hard affinity changed) to a pCPU
 * they may run on, and make it look at them. */
static void push_disallowed(struct pcpu *p)
{
    for (unsigned int n = 0; n < MAX_VIRT_CPUS * 8; n++) {
        struct vcpu *v = NULL;
        struct pcpu *q;

        spin_lock(&p->rq.lock);
        for (struct sched_entity *e = p->rq.head; e && !v; e = e->next)
            if (!vcpu_of(e)->arch.running && !vcpu_allowed_on(vcpu_of(e), p))
                v = vcpu_of(e);
        spin_unlock(&p->rq.lock);
        if (!v || (q = affinity_target(v, p)) == p)
            return;
        rq_lock_pair(p, q);
        if (v->arch.pcpu == p->id && !v->arch.running && !vcpu_allowed_on(v, p))
            vcpu_move(v, p, q);
        rq_unlock_pair(p, q);
        pcpu_poke(q);
    }
}

/* Load balancing: p is idle; take a vCPU that waits on a busy pCPU and may run here
 * (soft affinity first).  It is returned claimed (->arch.running) for p to switch to. */
static struct vcpu *steal(struct pcpu *p)
{
    for (int soft = 1; soft >= 0; soft--) {
        for (unsigned int k = 1; k < nr_pcpus; k++) {
            struct pcpu *q = &pcpus[(p->id + k) % nr_pcpus];
            struct vcpu *found = NULL;

            if (!q->up || !q->vcpu || !q->rq.nr)
                continue;
            rq_lock_pair(p, q);
            for (struct sched_entity *e = q->rq.head; e && !found; e = e->next) {
                struct vcpu *v = vcpu_of(e);

                if (v == q->vcpu || v->arch.running || e->parked || !q->vcpu)
                    continue;
                if (soft && !((e->soft_affinity >> p->id) & 1))
                    continue;
                if (entity_runnable(e, p))
                    found = v;
            }
            if (found) {
                vcpu_move(found, q, p);
                found->arch.running = true;
            }
            rq_unlock_pair(p, q);
            if (found)
                return found;
        }
    }
    return NULL;
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
        push_disallowed(p);
        spin_lock(&p->rq.lock);
        next = vcpu_of(scheduler->pick(&p->rq, cur ? &cur->sched : NULL, rotate,
                                       READ_SYSREG(cntpct_el0), entity_runnable, p));
        if (next && next != cur)
            next->arch.running = true; /* claimed: no other pCPU steals it now */
        spin_unlock(&p->rq.lock);
        if (!next && nr_pcpus > 1)
            next = steal(p);
        if (!next && cur && cur->online && cur->blocked && vcpu_may_run(cur) &&
            vcpu_allowed_on(cur, p)) {
            /* Only cur could run and it waits: keep it loaded, its timer live. */
            account_stop(cur);
            vcpu_runstate_change(cur, RUNSTATE_blocked, now_ns());
            spin_lock(&p->rq.lock);
            runstate_refresh(p, now_ns());
            spin_unlock(&p->rq.lock);
            p->idle = true;
            pcpu_wait(p);
            p->idle = false;
            continue;
        }
        if (next && next == cur && !cur->online) /* CPU_OFF then CPU_ON: restart it */
            switch_to(p, cur, NULL, regs), cur = NULL;
        if (next != cur) {
            switch_to(p, cur, next, regs);
        } else if (next && next->runstate.state != RUNSTATE_running) {
            vcpu_runstate_change(next, RUNSTATE_running, now_ns()); /* woke in place */
            vcpu_runstate_publish(next);
        }
        spin_lock(&p->rq.lock);
        runstate_refresh(p, now_ns());
        spin_unlock(&p->rq.lock);
        if (next) {
            next->blocked = false;
            account_start(next);
            hyp_timer_program(p);
            break;
        }
        pcpu_maybe_off(p);
        p->idle = true;
        pcpu_wait(p);
        p->idle = false;
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
    sched_ticks_per_ms = READ_SYSREG(cntfrq_el0) / 1000;
    arch_record_cmdline();
    v->arch.on_entry = entry;
    v->arch.on_ctx = arg;
    v->arch.power_on = true;
    pcpu_idle_loop();
}

int vcpu_request_power_on(struct vcpu *v, uint64_t entry, uint64_t ctx)
{
    struct pcpu *p;
    int rc;

    v->arch.on_entry = entry;
    v->arch.on_ctx = ctx;
    dsb_ish();
    v->arch.power_on = true;
    dsb_ish();
    p = rq_lock_of(v); /* coming online is not a wake-up from blocking: no boost */
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

void vcpu_sched_affinity_changed(struct vcpu *v)
{
    struct pcpu *p = rq_lock_of(v);

    spin_unlock(&p->rq.lock);
    pcpu_poke(p); /* a pass of its scheduler moves it if it may not run there */
}

/* WFI from v: it blocks until it has an interrupt to take (leave_hypervisor). */
void vcpu_wait_for_interrupt(struct vcpu *v)
{
    v->blocked = true;
}

/* An idle pCPU other than p on which v may run (it steals v), or NULL. */
static struct pcpu *idle_pcpu_for(const struct vcpu *v, const struct pcpu *p)
{
    for (unsigned int i = 0; i < nr_pcpus; i++) {
        struct pcpu *q = &pcpus[i];

        if (q != p && q->up && q->idle && vcpu_allowed_on(v, q))
            return q;
    }
    return NULL;
}

void vcpu_kick(struct vcpu *v)
{
    struct pcpu *p, *q = NULL;

    if (!v)
        return;
    if (__atomic_load_n(&v->poll_evtchn, __ATOMIC_SEQ_CST)) /* ends a SCHEDOP_poll, as Xen */
        __atomic_store_n(&v->poll_woken, true, __ATOMIC_SEQ_CST);
    if (v == current_vcpu() || (!v->online && !v->arch.power_on))
        return;
    p = rq_lock_of(v);
    if (!v->arch.running) {
        /* Boost only a wake-up from blocking, not an event for a vCPU already runnable. */
        if (v->blocked && v->online && vcpu_may_run(v))
            scheduler->wake(&p->rq, &v->sched);
        /* Runnable from now (steal time), unless the pCPU finds it has nothing to take. */
        if (v->runstate.state == RUNSTATE_blocked && vcpu_may_run(v))
            vcpu_runstate_change(v, RUNSTATE_runnable, now_ns());
        /* Its pCPU is busy with another vCPU: an idle one may take it at once. */
        if (p->vcpu && p->vcpu != v && !p->idle && nr_pcpus > 1)
            q = idle_pcpu_for(v, p);
    }
    spin_unlock(&p->rq.lock);
    pcpu_poke(p);
    if (q)
        pcpu_poke(q);
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
    v->sched.yields++;
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

    /* dom0's vCPU n stays on pCPU n (its physical interrupts go there); a domU's may run
     * anywhere until the toolstack pins it (XEN_DOMCTL_setvcpuaffinity). */
    if (is_domain_direct_mapped(v->domain) && v->vcpu_id < nr_pcpus)
        v->sched.hard_affinity = 1UL << v->vcpu_id;
    else
        v->sched.hard_affinity = nr_pcpus >= 64 ? ~0UL : (1UL << nr_pcpus) - 1;
    v->sched.soft_affinity = ~0UL;
    v->domain->sched_params.nr_units = v->domain->max_vcpus;
    v->sched.params = &v->domain->sched_params;
    v->runstate.state = RUNSTATE_offline;
    v->runstate.state_entry_time = now_ns();
    v->arch.pcpu = place_vcpu(v);
    p = &pcpus[v->arch.pcpu];
    spin_lock(&p->rq.lock);
    scheduler->insert(&p->rq, &v->sched);
    spin_unlock(&p->rq.lock);
}

void vcpu_sched_remove(struct vcpu *v)
{
    struct pcpu *p;

    BUG_ON(v->arch.running);
    p = rq_lock_of(v);
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

/* Wait until v's pCPU has switched it out (context switch clears ->arch.running).  The
 * wait cannot fail, since the caller goes on to change the vCPU's state, but it is not
 * silent: a pCPU that does not answer within a second is reported (with what it was last
 * seen doing) and poked again, once a second, so a stuck machine says where it is stuck. */
static void wait_descheduled(struct vcpu *v)
{
    uint64_t start = now_ns(), next_report = start + 1000000000UL;

    while (__atomic_load_n(&v->arch.running, __ATOMIC_ACQUIRE)) {
        uint64_t now;

        cpu_relax();
        now = now_ns();
        if (now < next_report)
            continue;
        printk("d%uv%u: still running on pCPU %u %lu ms after a pause; poking it again\n",
               v->domain->domain_id, v->vcpu_id, v->arch.pcpu,
               (unsigned long)((now - start) / 1000000UL));
        pcpu_poke(&pcpus[v->arch.pcpu]);
        next_report = now + 1000000000UL;
    }
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
            wait_descheduled(d->vcpu[i]);
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
    wait_descheduled(v);
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

/* ------------------------------------------------------------------ debug key 'd' */

/* Times are printed relative to now, in microseconds (negative: already passed). */
static long us_from_now(uint64_t t, uint64_t now)
{
    uint64_t per_us = READ_SYSREG(cntfrq_el0) / 1000000;

    if (!t || t == ~0UL || !per_us)
        return 0;
    return t >= now ? (long)((t - now) / per_us) : -(long)((now - t) / per_us);
}

void arch_dump_execution_state(void)
{
    uint64_t now = READ_SYSREG(cntpct_el0), t = 0;

    printk("'d' pressed -> dumping execution state (times in us from now; 0 = none)\n");
    for (unsigned int i = 0; i < nr_pcpus; i++) {
        struct pcpu *p = &pcpus[i];
        struct vcpu *v = p->vcpu;

        printk("pCPU%u: up=%d idle=%d resched=%d rotate=%d loaded=%s%u.%u queue=%u "
               "slice_end=%ld acct_next=%ld pri_end=%ld cap_end=%ld trap_since=%ld\n",
               i, p->up, p->idle, p->resched, p->rotate,
               v ? "d" : "none:", v ? v->domain->domain_id : 0, v ? v->vcpu_id : 0, p->rq.nr,
               us_from_now(p->rq.slice_end, now), us_from_now(p->rq.acct_next, now),
               us_from_now(p->rq.pri_end, now), us_from_now(p->rq.cap_end, now),
               us_from_now(p->wd.since, now));
    }
    if (nr_pcpus)
        printk("this pCPU%u: CNTHP ctl=%lx cval=%ld\n", smp_processor_id(),
               READ_SYSREG(cnthp_ctl_el2), us_from_now(READ_SYSREG(cnthp_cval_el2), now));
    for (struct domain *d = domain_first(); d; d = domain_next(d)) {
        for (unsigned int i = 0; i < d->max_vcpus; i++) {
            struct vcpu *v = d->vcpu[i];
            bool vt_due;

            if (!v)
                continue;
            vt_due = !v->arch.running && vcpu_context_timer_due(v, &t);
            printk("d%uv%u: pCPU%u running=%d online=%d power_on=%d blocked=%d paused=%u/%u%s%s "
                   "poll=%d woken=%d upcall=%d irq_masked=%d virq_pending=%d pc=%lx vtimer=%ld%s "
                   "runstate=%d\n",
                   d->domain_id, i, v->arch.pcpu, v->arch.running, v->online, v->arch.power_on,
                   v->blocked, v->pause_count, d->pause_count,
                   d->is_shutting_down ? " shutdown" : "", d->is_dying ? " dying" : "",
                   v->poll_evtchn, v->poll_woken,
                   v->vcpu_info ? v->vcpu_info->evtchn_upcall_pending : -1,
                   v->arch.running ? -1 : (int)vcpu_irqs_masked(v), vgic_vcpu_pending(v),
                   v->arch.running ? 0UL : v->arch.ctx.regs.pc,
                   v->arch.running ? 0L : us_from_now(t, now), vt_due ? " due" : "",
                   v->runstate.state);
        }
    }
}
