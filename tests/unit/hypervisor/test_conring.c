/* SPDX-License-Identifier: MIT */
/* The console ring (common/conring.c) through XEN_SYSCTL_readconsole as dom0 issues it. */
#ifndef __XEN_TOOLS__
#define __XEN_TOOLS__ 1
#endif
#include <hv/console.h>

#include <xen/sysctl.h>

#include "th.h"

#define BUF_GPA (SCRATCH(dom0) + 1024)

static long readconsole(struct xen_sysctl_readconsole *rc, char *out)
{
    struct xen_sysctl op = {.cmd = XEN_SYSCTL_readconsole,
                            .interface_version = XEN_SYSCTL_INTERFACE_VERSION};
    long r;

    op.u.readconsole = *rc;
    op.u.readconsole.buffer.q = BUF_GPA;
    gput(dom0, SCRATCH(dom0), &op, sizeof(op));
    r = hc(dom0->vcpu[0], __HYPERVISOR_sysctl, SCRATCH(dom0), 0, 0);
    gget(dom0, SCRATCH(dom0), &op, sizeof(op));
    *rc = op.u.readconsole;
    if (r == 0 && out) {
        gget(dom0, BUF_GPA, out, rc->count);
        out[rc->count] = '\0';
    }
    return r;
}

START_TEST(conring_read_clear_incremental)
{
    struct xen_sysctl_readconsole r = {.count = 512, .clear = 1};
    char out[600];
    uint32_t idx;

    readconsole(&r, NULL); /* start from an empty ring */
    conring_put("hello ", 6);
    conring_put("world", 5);
    r = (struct xen_sysctl_readconsole){.count = 512};
    ck_assert_int_eq(readconsole(&r, out), 0);
    ck_assert_str_eq(out, "hello world");
    idx = r.index;
    /* Without clear the same bytes come again; a small buffer gets the first ones. */
    r = (struct xen_sysctl_readconsole){.count = 5};
    ck_assert_int_eq(readconsole(&r, out), 0);
    ck_assert_str_eq(out, "hello");
    /* Incremental from the index returned: only what came since. */
    conring_put("!", 1);
    r = (struct xen_sysctl_readconsole){.count = 512, .incremental = 1, .index = idx};
    ck_assert_int_eq(readconsole(&r, out), 0);
    ck_assert_str_eq(out, "!");
    ck_assert_uint_eq(r.index, idx + 1);
    /* Clear: the next read is empty. */
    r = (struct xen_sysctl_readconsole){.count = 512, .clear = 1};
    ck_assert_int_eq(readconsole(&r, out), 0);
    r = (struct xen_sysctl_readconsole){.count = 512};
    ck_assert_int_eq(readconsole(&r, out), 0);
    ck_assert_uint_eq(r.count, 0);
    /* xl dmesg after xl dmesg -c: incremental reads from index 0, before the clear, start
     * at the clear (Xen uses an index only between the consumer and the producer). */
    r = (struct xen_sysctl_readconsole){.count = 512, .incremental = 1, .index = 0};
    ck_assert_int_eq(readconsole(&r, out), 0);
    ck_assert_uint_eq(r.count, 0);
    conring_put("new", 3);
    r = (struct xen_sysctl_readconsole){.count = 512, .incremental = 1, .index = 0};
    ck_assert_int_eq(readconsole(&r, out), 0);
    ck_assert_str_eq(out, "new");
}
END_TEST

START_TEST(conring_keeps_the_last_16k)
{
    struct xen_sysctl_readconsole r = {.count = 512, .clear = 1};
    static char big[20000], out[20000];

    readconsole(&r, NULL);
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = 'a' + i % 26;
    conring_put(big, sizeof(big));
    r = (struct xen_sysctl_readconsole){.count = 16384};
    ck_assert_int_eq(readconsole(&r, out), 0);
    ck_assert_uint_eq(r.count, 16384);
    ck_assert(!memcmp(out, big + sizeof(big) - 16384, 16384));
    /* An incremental index older than the ring is clamped to the oldest byte kept. */
    r = (struct xen_sysctl_readconsole){.count = 10, .incremental = 1, .index = 0};
    ck_assert_int_eq(readconsole(&r, out), 0);
    ck_assert(!memcmp(out, big + sizeof(big) - 16384, 10));
}
END_TEST

START_TEST(conring_bad_buffer)
{
    struct xen_sysctl op = {.cmd = XEN_SYSCTL_readconsole,
                            .interface_version = XEN_SYSCTL_INTERFACE_VERSION};

    conring_put("x", 1);
    op.u.readconsole.count = 16;
    op.u.readconsole.buffer.q = BAD_GVA;
    gput(dom0, SCRATCH(dom0), &op, sizeof(op));
    ck_assert_int_eq(hc(dom0->vcpu[0], __HYPERVISOR_sysctl, SCRATCH(dom0), 0, 0), -EFAULT);
    /* domUs may not read it (sysctl is dom0's). */
    ck_assert_int_eq(hc(domu->vcpu[0], __HYPERVISOR_sysctl, SCRATCH(domu), 0, 0), -EPERM);
}
END_TEST

TCase *tcase_conring(void)
{
    TCase *tc = tcase_create("conring");

    tcase_add_checked_fixture(tc, th_setup, th_teardown);
    tcase_add_test(tc, conring_read_clear_incremental);
    tcase_add_test(tc, conring_keeps_the_last_16k);
    tcase_add_test(tc, conring_bad_buffer);
    return tc;
}
