/* SPDX-License-Identifier: MIT */
/*
 * The inter-domain policy modules (hv/xsm.h): Xen's dummy module and its SILO module,
 * one table of hooks each, selected once at boot (xsm=).
 *
 * The dummy hooks are Xen's defaults for these four operations: anything goes (the
 * hypercall's own checks still apply).  SILO puts one test in front of each: the
 * caller, or one of the two domains, must be privileged, or the two domains the same.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include <hv/string.h>
#include <hv/xsm.h>

/* ------------------------------------------------------------------ dummy */

static int dummy_evtchn_unbound(struct vcpu *cur, const struct domain *d, domid_t remote)
{
    (void)cur, (void)d, (void)remote;
    return 0;
}

static int dummy_pair(struct vcpu *cur, const struct domain *a, const struct domain *b)
{
    (void)cur, (void)a, (void)b;
    return 0;
}

/* ------------------------------------------------------------------ SILO */

static bool silo_may_talk(struct vcpu *cur, const struct domain *a, const struct domain *b)
{
    return cur->domain->is_privileged || a->is_privileged || b->is_privileged || a == b;
}

static int silo_evtchn_unbound(struct vcpu *cur, const struct domain *d, domid_t remote)
{
    const struct domain *rd = domain_lookup_any(cur, remote);

    if (!rd)
        return -ESRCH;
    return silo_may_talk(cur, d, rd) ? dummy_evtchn_unbound(cur, d, remote) : -EPERM;
}

static int silo_pair(struct vcpu *cur, const struct domain *a, const struct domain *b)
{
    return silo_may_talk(cur, a, b) ? dummy_pair(cur, a, b) : -EPERM;
}

/* ------------------------------------------------------------------ selection */

static const struct xsm_ops xsm_modules[] = {
    {
        .name = "silo",
        .summary = "SILO: domUs may share event channels and grants only with dom0",
        .evtchn_unbound = silo_evtchn_unbound,
        .evtchn_interdomain = silo_pair,
        .grant_mapref = silo_pair,
        .grant_copy = silo_pair,
    },
    {
        .name = "dummy",
        .summary = "dummy: any domain may share event channels and grants with any other",
        .evtchn_unbound = dummy_evtchn_unbound,
        .evtchn_interdomain = dummy_pair,
        .grant_mapref = dummy_pair,
        .grant_copy = dummy_pair,
    },
};

const struct xsm_ops *xsm = &xsm_modules[0];

static bool word_is(const char *name, size_t len, const char *word)
{
    size_t k = 0;

    while (k < len && word[k] && word[k] == name[k])
        k++;
    return k == len && !word[k];
}

int xsm_select(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof(xsm_modules) / sizeof(xsm_modules[0]); i++)
        if (word_is(name, len, xsm_modules[i].name)) {
            xsm = &xsm_modules[i];
            return 0;
        }
    if (word_is(name, len, "flask")) {
        printk("xsm=flask: FLASK is not built into Tern; keeping xsm=%s\n", xsm->name);
        return -EOPNOTSUPP;
    }
    {
        char shown[16]; /* printk has no precision: a bounded copy of the word */
        size_t n = len < sizeof(shown) - 1 ? len : sizeof(shown) - 1;

        memcpy(shown, name, n);
        shown[n] = '\0';
        printk("xsm=%s: unknown module (dummy, silo); keeping xsm=%s\n", shown, xsm->name);
    }
    return -EINVAL;
}

void xsm_report(void)
{
    printk("XSM: xsm=%s, %s\n", xsm->name, xsm->summary);
}
