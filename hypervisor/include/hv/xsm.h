/* SPDX-License-Identifier: MIT */
/*
 * The inter-domain policy (common/xsm.c): who may bind an event channel to, or map and
 * copy the grants of, which domain.  Xen calls these its XSM hooks; Tern has the two
 * modules a Debian Xen 4.17 on Arm can boot with, chosen on the command line as Xen's:
 *
 *   xsm=silo   (default, as Xen on Arm and Debian's build) an unprivileged domain may
 *              share event channels and grants only with a privileged one (dom0) or
 *              itself;
 *   xsm=dummy  any domain may with any other (Xen's basic policy): driver domains, two
 *              cooperating guests.
 *
 * Each hook returns 0 (allowed) or the errno Xen's module gives; the caller turns a
 * refusal into the hypercall's answer (grant ops: GNTST_permission_denied).  The checks
 * that do not depend on the module (a domU acting on another domain: -EPERM) stay at
 * the call sites.
 */
#ifndef HV_XSM_H
#define HV_XSM_H

#include <hv/sched.h>

struct xsm_ops {
    const char *name;    /* as on the command line */
    const char *summary; /* one line for the boot log */
    /* EVTCHNOP_alloc_unbound: cur makes an unbound port in d for remote_dom (already
     * DOMID_SELF-resolved).  SILO also refuses a remote domain that does not exist. */
    int (*evtchn_unbound)(struct vcpu *cur, const struct domain *d, domid_t remote_dom);
    /* EVTCHNOP_bind_interdomain: ld binds to rd's unbound port offered to it. */
    int (*evtchn_interdomain)(struct vcpu *cur, const struct domain *ld, const struct domain *rd);
    /* GNTTABOP_map_grant_ref: ld maps a grant of rd. */
    int (*grant_mapref)(struct vcpu *cur, const struct domain *ld, const struct domain *rd);
    /* GNTTABOP_copy between src and dst (either may be the caller). */
    int (*grant_copy)(struct vcpu *cur, const struct domain *src, const struct domain *dst);
};

/* The module in force (silo until xsm_select picks another). */
extern const struct xsm_ops *xsm;

/* Pick the module named name[0..len) ("dummy", "silo"); -EINVAL for an unknown name and
 * -EOPNOTSUPP for "flask" (not built in, as a Xen without CONFIG_XSM_FLASK); the module
 * in force is unchanged then. */
int xsm_select(const char *name, size_t len);
/* Log the module in force (boot, after the command line), as Xen's "Initialising XSM". */
void xsm_report(void);

static inline int xsm_evtchn_unbound(struct vcpu *cur, const struct domain *d, domid_t remote)
{
    return xsm->evtchn_unbound(cur, d, remote);
}

static inline int xsm_evtchn_interdomain(struct vcpu *cur, const struct domain *ld,
                                         const struct domain *rd)
{
    return xsm->evtchn_interdomain(cur, ld, rd);
}

static inline int xsm_grant_mapref(struct vcpu *cur, const struct domain *ld,
                                   const struct domain *rd)
{
    return xsm->grant_mapref(cur, ld, rd);
}

static inline int xsm_grant_copy(struct vcpu *cur, const struct domain *src,
                                 const struct domain *dst)
{
    return xsm->grant_copy(cur, src, dst);
}

#endif /* HV_XSM_H */
