/* Scheduler tools: xl's CPU list syntax and bitmap printing, the vcpu-list and
 * sched-credit lines, the xl.cfg keys, and libxenctrl's affinity / credit encoding over
 * the fake hypercall back end. */
#define __XEN_TOOLS__ 1
#include <errno.h>
#include <string.h>
#include <xenctrl.h>
#include "config.h"
#include "cpumap.h"
#include "suites.h"
#include "tern/fake.h"

static uint64_t parse_ok(const char *s, unsigned int max)
{
    char err[160] = "";
    uint64_t m = 0xdead;

    ck_assert_msg(tern_cpumap_parse(s, max, &m, err, sizeof(err)) == 0, "%s: %s", s, err);
    return m;
}

static const char *parse_err(const char *s, unsigned int max)
{
    static char err[160];
    uint64_t m = 0x77;

    err[0] = '\0';
    ck_assert_int_eq(tern_cpumap_parse(s, max, &m, err, sizeof(err)), -1);
    ck_assert_uint_eq(m, 0x77); /* untouched */
    return err;
}

START_TEST(cpu_lists)
{
    ck_assert_uint_eq(parse_ok("1", 2), 2);
    ck_assert_uint_eq(parse_ok("0-3", 8), 0xf);
    ck_assert_uint_eq(parse_ok("0-7,^2-3", 8), 0xf3);
    ck_assert_uint_eq(parse_ok("1,3,5", 8), 0x2a);
    ck_assert_uint_eq(parse_ok("all", 2), TERN_CPUMAP_ALL);
    ck_assert_uint_eq(parse_ok("all,^0", 2), TERN_CPUMAP_ALL & ~1ULL);
    ck_assert_uint_eq(parse_ok("63", 64), 1ULL << 63);
    ck_assert_str_eq(parse_err("2", 2), "CPU 2 does not exist (2 CPUs)");
    ck_assert_str_eq(parse_err("3-1", 8), "invalid pcpu range: 3-1");
    ck_assert_str_eq(parse_err("x", 8), "invalid pcpu range: x");
    ck_assert_str_eq(parse_err("1-", 8), "invalid pcpu range: 1-");
    ck_assert_str_eq(parse_err("-1", 8), "invalid pcpu range: -1");
    ck_assert_str_eq(parse_err("^all", 8), "can't combine \"^\" and \"all\"");
    ck_assert_str_eq(parse_err("", 8), "empty CPU list");
    ck_assert_str_eq(parse_err("1 ", 8), "invalid pcpu range: 1 ");
}
END_TEST

static const char *fmt(uint64_t m, unsigned int n)
{
    static char out[128];

    tern_cpumap_format(m, n, out, sizeof(out));
    return out;
}

START_TEST(cpu_map_printing)
{
    /* xl's print_bitmap */
    ck_assert_str_eq(fmt(3, 2), "all");
    ck_assert_str_eq(fmt(~0ULL, 2), "all");
    ck_assert_str_eq(fmt(0, 2), "none");
    ck_assert_str_eq(fmt(1, 2), "0");
    ck_assert_str_eq(fmt(2, 2), "1");
    ck_assert_str_eq(fmt(0x0e, 4), "1-3");
    ck_assert_str_eq(fmt(0x2d, 8), "0,2-3,5");
    ck_assert_str_eq(fmt(0xf0, 8), "4-7");
    ck_assert_str_eq(fmt(0x81, 8), "0,7");
    ck_assert_str_eq(fmt(0x100, 8), "none"); /* beyond the host's CPUs */
    ck_assert_str_eq(fmt(~0ULL, 64), "all");
}
END_TEST

START_TEST(lines_as_xl)
{
    xc_vcpuinfo_t vi = {.vcpu = 1, .online = 1, .running = 1, .cpu = 0, .cpu_time = 12345678901};
    char line[256];

    tern_vcpu_line(line, sizeof(line), "guest", 3, &vi, 1, 3, 2);
    ck_assert_str_eq(
        line, "guest                                3     1    0   r--      12.3  0 / all\n");
    vi.running = 0;
    vi.blocked = 1;
    tern_vcpu_line(line, sizeof(line), "Domain-0", 0, &vi, 3, 2, 2);
    ck_assert_str_eq(
        line, "Domain-0                             0     1    0   -b-      12.3  all / 1\n");
    vi.online = 0;
    tern_vcpu_line(line, sizeof(line), "g", 12, &vi, 2, 0, 2);
    ck_assert_str_eq(
        line, "g                                   12     1    -   --p      12.3  1 / none\n");

    tern_sched_credit_line(line, sizeof(line), NULL, 0, 0, 0);
    ck_assert_str_eq(line, "Name                                ID Weight  Cap\n");
    tern_sched_credit_line(line, sizeof(line), "Domain-0", 0, 256, 0);
    ck_assert_str_eq(line, "Domain-0                             0    256    0\n");
    tern_sched_credit_line(line, sizeof(line), "hog", 5, 65535, 25);
    ck_assert_str_eq(line, "hog                                  5  65535   25\n");
}
END_TEST

START_TEST(config_keys)
{
    struct tern_config cfg;
    char err[256];

    tern_config_init(&cfg);
    ck_assert_int_eq(tern_config_parse(&cfg, "t.cfg",
                                       "cpu_weight = 512\ncap = 25\ncpus = \"1\"\n"
                                       "cpus_soft = \"0-1\"\n",
                                       err, sizeof(err), NULL),
                     0);
    ck_assert_uint_eq(cfg.cpu_weight, 512);
    ck_assert_uint_eq(cfg.cap, 25);
    ck_assert(cfg.has_cpus && cfg.has_cpus_soft);
    for (unsigned int v = 0; v < 40; v++) { /* one list for every vCPU */
        ck_assert_uint_eq(tern_config_affinity(&cfg.cpus, v), 2);
        ck_assert_uint_eq(tern_config_affinity(&cfg.cpus_soft, v), 3);
    }

    /* xl's per-vCPU form: vCPU i gets the i-th list, vCPUs past the list every CPU */
    tern_config_init(&cfg);
    ck_assert_int_eq(tern_config_parse(&cfg, "t.cfg",
                                       "cpus = [\"2\", \"0-1\", \"all\"]\n"
                                       "cpus_soft = [ '1' ]\n",
                                       err, sizeof(err), NULL),
                     0);
    ck_assert(cfg.has_cpus && cfg.has_cpus_soft);
    ck_assert_uint_eq(tern_config_affinity(&cfg.cpus, 0), 4);
    ck_assert_uint_eq(tern_config_affinity(&cfg.cpus, 1), 3);
    ck_assert_uint_eq(tern_config_affinity(&cfg.cpus, 2), TERN_CPUMAP_ALL);
    ck_assert_uint_eq(tern_config_affinity(&cfg.cpus, 3), TERN_CPUMAP_ALL);
    ck_assert_uint_eq(tern_config_affinity(&cfg.cpus_soft, 0), 2);
    ck_assert_uint_eq(tern_config_affinity(&cfg.cpus_soft, 1), TERN_CPUMAP_ALL);
    ck_assert_int_eq(
        tern_config_parse(&cfg, "t.cfg", "cpus = [\"1\", \"2-x\"]\n", err, sizeof(err), NULL), -1);
    ck_assert_str_eq(err, "t.cfg:1: cpus: vCPU 1: invalid pcpu range: 2-x");
    ck_assert_int_eq(tern_config_parse(&cfg, "t.cfg", "cpus = []\n", err, sizeof(err), NULL), -1);
    ck_assert_str_eq(err, "t.cfg:1: cpus: an empty list (give \"all\" for no pinning)");

    tern_config_init(&cfg);
    ck_assert_uint_eq(cfg.cpu_weight, 0); /* Xen's defaults unless given */
    ck_assert(!cfg.has_cpus && !cfg.has_cpus_soft);
    ck_assert_int_eq(tern_config_parse(&cfg, "t.cfg", "cpu_weight = 0\n", err, sizeof(err), NULL),
                     -1);
    ck_assert_str_eq(err, "t.cfg:1: cpu_weight: cpu_weight 0 out of range [1, 65535]");
    ck_assert_int_eq(
        tern_config_parse(&cfg, "t.cfg", "cpu_weight = 65536\n", err, sizeof(err), NULL), -1);
    ck_assert_int_eq(tern_config_parse(&cfg, "t.cfg", "cap = -1\n", err, sizeof(err), NULL), -1);
    ck_assert_int_eq(tern_config_parse(&cfg, "t.cfg", "cpus = \"1-x\"\n", err, sizeof(err), NULL),
                     -1);
    ck_assert_str_eq(err, "t.cfg:1: cpus: invalid pcpu range: 1-x");
    ck_assert_int_eq(tern_config_parse(&cfg, "t.cfg", "cpus = 3\n", err, sizeof(err), NULL), -1);
    ck_assert_str_eq(err, "t.cfg:1: 'cpus' must be a string or a list, not a number");
}
END_TEST

/* ---------------------------------------------------------------- libxenctrl */

static struct {
    struct xen_domctl domctl;
    struct xen_sysctl sysctl;
    uint8_t hard_in[8], soft_in[8];
    long result;
} fx;

static long handler(void *opaque, unsigned int op, const uint64_t arg[5])
{
    if (op == __HYPERVISOR_sysctl) {
        struct xen_sysctl *s = (void *)(uintptr_t)arg[0];

        fx.sysctl = *s;
        if (s->cmd == XEN_SYSCTL_physinfo) {
            s->u.physinfo.nr_cpus = 2;
            s->u.physinfo.max_cpu_id = 1;
        } else if (s->cmd == XEN_SYSCTL_scheduler_op) {
            s->u.scheduler_op.u.sched_credit.tslice_ms = 30;
        }
        return 0;
    }
    if (op == __HYPERVISOR_domctl) {
        struct xen_domctl *d = (void *)(uintptr_t)arg[0];
        struct xen_domctl_vcpuaffinity *a = &d->u.vcpuaffinity;

        fx.domctl = *d;
        if (d->cmd == XEN_DOMCTL_setvcpuaffinity || d->cmd == XEN_DOMCTL_getvcpuaffinity) {
            uint8_t *h = a->cpumap_hard.bitmap.p;
            uint8_t *s = a->cpumap_soft.bitmap.p;

            if (a->flags & XEN_VCPUAFFINITY_HARD) {
                fx.hard_in[0] = h[0];
                h[0] = 0x02; /* the effective mask */
            }
            if (a->flags & XEN_VCPUAFFINITY_SOFT) {
                fx.soft_in[0] = s[0];
                s[0] = 0x00;
            }
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

START_TEST(xc_affinity)
{
    uint8_t hard[1] = {0x03}, soft[1] = {0x01};

    ck_assert_int_eq(xc_get_cpumap_size(xch), 1);
    ck_assert_int_eq(
        xc_vcpu_setaffinity(xch, 4, 1, hard, soft, XEN_VCPUAFFINITY_HARD | XEN_VCPUAFFINITY_SOFT),
        0);
    ck_assert_uint_eq(fx.domctl.cmd, XEN_DOMCTL_setvcpuaffinity);
    ck_assert_uint_eq(fx.domctl.domain, 4);
    ck_assert_uint_eq(fx.domctl.u.vcpuaffinity.vcpu, 1);
    ck_assert_uint_eq(fx.domctl.u.vcpuaffinity.cpumap_hard.nr_bits, 8);
    ck_assert_uint_eq(fx.hard_in[0], 0x03);
    ck_assert_uint_eq(fx.soft_in[0], 0x01);
    ck_assert_uint_eq(hard[0], 0x02); /* effective masks come back */
    ck_assert_uint_eq(soft[0], 0x00);

    ck_assert_int_eq(xc_vcpu_getaffinity(xch, 4, 0, hard, NULL, XEN_VCPUAFFINITY_HARD), 0);
    ck_assert_uint_eq(fx.domctl.cmd, XEN_DOMCTL_getvcpuaffinity);
    ck_assert_uint_eq(fx.domctl.u.vcpuaffinity.flags, XEN_VCPUAFFINITY_HARD);
    /* a flag without its map; a failure leaves the caller's maps alone */
    errno = 0;
    ck_assert_int_eq(xc_vcpu_getaffinity(xch, 4, 0, hard, NULL, XEN_VCPUAFFINITY_SOFT), -1);
    ck_assert_int_eq(errno, EINVAL);
    fx.result = -EINVAL;
    hard[0] = 0x01;
    ck_assert_int_eq(xc_vcpu_setaffinity(xch, 4, 0, hard, soft, XEN_VCPUAFFINITY_HARD), -1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_uint_eq(hard[0], 0x01);
}
END_TEST

START_TEST(xc_credit)
{
    struct xen_domctl_sched_credit c = {.weight = 512, .cap = 25};
    struct xen_sysctl_credit_schedule p = {0};

    ck_assert_int_eq(xc_sched_credit_domain_set(xch, 3, &c), 0);
    ck_assert_uint_eq(fx.domctl.cmd, XEN_DOMCTL_scheduler_op);
    ck_assert_uint_eq(fx.domctl.u.scheduler_op.sched_id, XEN_SCHEDULER_CREDIT);
    ck_assert_uint_eq(fx.domctl.u.scheduler_op.cmd, XEN_DOMCTL_SCHEDOP_putinfo);
    ck_assert_uint_eq(fx.domctl.u.scheduler_op.u.credit.weight, 512);
    ck_assert_uint_eq(fx.domctl.u.scheduler_op.u.credit.cap, 25);
    ck_assert_int_eq(xc_sched_credit_params_get(xch, 0, &p), 0);
    ck_assert_uint_eq(fx.sysctl.u.scheduler_op.cmd, XEN_SYSCTL_SCHEDOP_getinfo);
    ck_assert_uint_eq(p.tslice_ms, 30);
}
END_TEST

Suite *sched_suite(void)
{
    Suite *s = suite_create("sched");
    TCase *pure = tcase_create("cpumap"), *tc = tcase_create("xenctrl-sched");

    tcase_add_test(pure, cpu_lists);
    tcase_add_test(pure, cpu_map_printing);
    tcase_add_test(pure, lines_as_xl);
    tcase_add_test(pure, config_keys);
    suite_add_tcase(s, pure);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, xc_affinity);
    tcase_add_test(tc, xc_credit);
    suite_add_tcase(s, tc);
    return s;
}
