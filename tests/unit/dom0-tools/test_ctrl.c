/* libxenctrl over the fake hypercall back end: each call issues the right hypercall with
 * Xen 4.17's interface version, and errors come back as -1/errno. */
#define __XEN_TOOLS__ 1
#include <errno.h>
#include <string.h>
#include <xenctrl.h>
#include "suites.h"
#include "tern/fake.h"

static struct {
    unsigned int op;
    struct xen_domctl domctl;
    struct xen_sysctl sysctl;
    int calls;
    int eagain; /* fail this many destroydomain calls with -EAGAIN */
    long result;
} fx;

static long handler(void *opaque, unsigned int op, const uint64_t arg[5])
{
    fx.op = op;
    fx.calls++;
    if (op == __HYPERVISOR_domctl) {
        struct xen_domctl *d = (void *)(uintptr_t)arg[0];

        fx.domctl = *d;
        if (d->cmd == XEN_DOMCTL_destroydomain && fx.eagain-- > 0)
            return -EAGAIN;
        if (d->cmd == XEN_DOMCTL_createdomain)
            d->domain = 42;
    } else if (op == __HYPERVISOR_sysctl) {
        struct xen_sysctl *s = (void *)(uintptr_t)arg[0];

        fx.sysctl = *s;
        if (s->cmd == XEN_SYSCTL_getdomaininfolist) {
            xc_domaininfo_t *info = (void *)(uintptr_t)s->u.getdomaininfolist.buffer.p;

            info[0].domain = 0;
            info[0].tot_pages = 131072;
            info[1].domain = 3;
            info[1].flags = XEN_DOMINF_paused | XEN_DOMINF_shutdown |
                            (SHUTDOWN_crash << XEN_DOMINF_shutdownshift);
            s->u.getdomaininfolist.num_domains = 2;
        }
    }
    return fx.result;
}

static xc_interface *xch;

static void setup(void)
{
    memset(&fx, 0, sizeof(fx));
    tern_fake_hypercall_set(handler, NULL);
    xch = xc_interface_open(NULL, NULL, 0);
    ck_assert_ptr_nonnull(xch);
}

static void teardown(void)
{
    xc_interface_close(xch);
}

START_TEST(test_domctl_encoding)
{
    ck_assert_int_eq(xc_domain_pause(xch, 7), 0);
    ck_assert_uint_eq(fx.op, __HYPERVISOR_domctl);
    ck_assert_uint_eq(fx.domctl.interface_version, XEN_DOMCTL_INTERFACE_VERSION);
    ck_assert_uint_eq(fx.domctl.interface_version, 0x15);
    ck_assert_uint_eq(fx.domctl.cmd, XEN_DOMCTL_pausedomain);
    ck_assert_uint_eq(fx.domctl.domain, 7);
    ck_assert_int_eq(xc_domain_setmaxmem(xch, 5, 132096), 0);
    ck_assert_uint_eq(fx.domctl.cmd, XEN_DOMCTL_max_mem);
    ck_assert_uint_eq(fx.domctl.u.max_mem.max_memkb, 132096);
}
END_TEST

START_TEST(test_create_returns_domid)
{
    struct xen_domctl_createdomain c = {.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap,
                                        .max_vcpus = 2};
    uint32_t domid = 0;

    ck_assert_int_eq(xc_domain_create(xch, &domid, &c), 0);
    ck_assert_uint_eq(domid, 42);
    ck_assert_uint_eq(fx.domctl.u.createdomain.max_vcpus, 2);
}
END_TEST

START_TEST(test_errors_and_retry)
{
    fx.result = -ESRCH;
    errno = 0;
    ck_assert_int_eq(xc_domain_unpause(xch, 9), -1);
    ck_assert_int_eq(errno, ESRCH);
    fx.result = 0;
    fx.eagain = 2;
    fx.calls = 0;
    ck_assert_int_eq(xc_domain_destroy(xch, 9), 0);
    ck_assert_int_eq(fx.calls, 3); /* preempted destroy is repeated */
}
END_TEST

START_TEST(test_getinfo)
{
    xc_dominfo_t info[4];

    ck_assert_int_eq(xc_domain_getinfo(xch, 0, 4, info), 2);
    ck_assert_uint_eq(fx.op, __HYPERVISOR_sysctl);
    ck_assert_uint_eq(fx.sysctl.interface_version, XEN_SYSCTL_INTERFACE_VERSION);
    ck_assert_uint_eq(fx.sysctl.u.getdomaininfolist.max_domains, 4);
    ck_assert_uint_eq(info[0].nr_pages, 131072);
    ck_assert_uint_eq(info[1].domid, 3);
    ck_assert(info[1].paused && info[1].shutdown && info[1].crashed);
    ck_assert_uint_eq(info[1].shutdown_reason, SHUTDOWN_crash);
}
END_TEST

Suite *ctrl_suite(void)
{
    Suite *s = suite_create("xenctrl");
    TCase *tc = tcase_create("fake-hypercalls");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_domctl_encoding);
    tcase_add_test(tc, test_create_returns_domid);
    tcase_add_test(tc, test_errors_and_retry);
    tcase_add_test(tc, test_getinfo);
    suite_add_tcase(s, tc);
    return s;
}
