/* tern top: xentop's header, row and state formats, growing widths, sorting, CPU(%), the
 * options, and the xenstore number parser (dom0-tools/top). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenctrl.h>
#include "../../../dom0-tools/top/topfmt.h"
#include "../../../dom0-tools/top/topkeys.h"
#include "capture.h"
#include "suites.h"

/* xentop 4.17's batch header with its default widths, byte for byte. */
static const char xentop_header[] =
    "      NAME  STATE   CPU(sec) CPU(%)     MEM(k) MEM(%)  MAXMEM(k) MAXMEM(%) VCPUS NETS "
    "NETTX(k) NETRX(k) VBDS   VBD_OO   VBD_RD   VBD_WR  VBD_RSECT  VBD_WSECT SSID\n";

static struct tern_dom_stats guest(uint32_t id, const char *name)
{
    struct tern_dom_stats d = {.domid = id,
                               .flags = XEN_DOMINF_blocked,
                               .cpu_ns = 12500000000ull,
                               .cur_kb = 131072,
                               .max_kb = 132096,
                               .vcpus = 1,
                               .online_vcpus = 1,
                               .target_kb = 131072,
                               .guest_used_kb = 40000,
                               .guest_cached_kb = 20000,
                               .guest_avail_kb = 80000};

    snprintf(d.name, sizeof(d.name), "%s", name);
    return d;
}

static int count_fields(const char *line)
{
    int n = 0;

    for (const char *p = line; *p && *p != '\n';) {
        while (*p == ' ')
            p++;
        if (!*p || *p == '\n')
            break;
        n++;
        while (*p && *p != ' ' && *p != '\n')
            p++;
    }
    return n;
}

START_TEST(test_header_is_xentops)
{
    struct tern_stats s = {0};
    struct top_opts o = {0};
    unsigned w[TOP_NFIELDS];
    FILE *f = capture();

    top_widths(&s, &o, w);
    top_print_header(f, w);
    ck_assert_str_eq(done(f), xentop_header);
    ck_assert_int_eq(count_fields(xentop_header), TOP_NFIELDS);
}
END_TEST

START_TEST(test_row_format)
{
    struct tern_dom_stats d = guest(1, "guest");
    struct tern_stats s = {.tot_kb = 2097152, .n = 1, .doms = &d};
    struct top_opts o = {0};
    unsigned w[TOP_NFIELDS];
    FILE *f = capture();

    d.cpu_pct = 3.25;
    d.vbds = 1; /* a disk whose backend gives no counters: '-' as xentop */
    top_widths(&s, &o, w);
    top_print_row(f, &s, &d, w, false);
    ck_assert_str_eq(done(f), "     guest --b---         12    3.2     131072    6.2     132096"
                              "       6.3     1    0        0        0    1        -        -"
                              "        -          -          -    0\n");
    ck_assert_int_eq(count_fields(capture_buf), TOP_NFIELDS);
    /* the header's columns end where the row's do */
    ck_assert_uint_eq(strlen(capture_buf), strlen(xentop_header));
    /* tern-blkback's counters (summed over the disks by stats_read.c): the figures */
    d.vbd_counters = true;
    d.vbd_oo = 1;
    d.vbd_rd = 22;
    d.vbd_wr = 333;
    d.vbd_rsect = 4444;
    d.vbd_wsect = 55555;
    top_widths(&s, &o, w);
    f = capture();
    top_print_row(f, &s, &d, w, false);
    ck_assert_str_eq(done(f), "     guest --b---         12    3.2     131072    6.2     132096"
                              "       6.3     1    0        0        0    1        1       22"
                              "      333       4444      55555    0\n");
    ck_assert_int_eq(count_fields(capture_buf), TOP_NFIELDS);
}
END_TEST

START_TEST(test_no_limit_and_long_names)
{
    struct tern_dom_stats d = guest(0, "a-rather-long-domain-name");
    struct tern_stats s = {.tot_kb = 2097152, .n = 1, .doms = &d};
    struct top_opts o = {.full_name = true};
    unsigned w[TOP_NFIELDS];
    FILE *f;

    d.max_kb = TERN_STATS_NO_LIMIT;
    o.full_name = false;
    top_widths(&s, &o, w);
    f = capture();
    top_print_row(f, &s, &d, w, false);
    ck_assert(strncmp(done(f), "a-rather-l --b---", 17) == 0); /* cut at 10 */
    ck_assert_ptr_nonnull(strstr(capture_buf, "  no limit       n/a"));
    o.full_name = true;
    top_widths(&s, &o, w);
    ck_assert_uint_eq(w[TOP_NAME], strlen("a-rather-long-domain-name"));
    f = capture();
    top_print_header(f, w);
    ck_assert(strncmp(done(f), "                     NAME  STATE", 32) == 0);
}
END_TEST

START_TEST(test_widths_grow)
{
    struct tern_dom_stats d = guest(3, "g");
    struct tern_stats s = {.tot_kb = 1024, .n = 1, .doms = &d};
    struct top_opts o = {0};
    unsigned w[TOP_NFIELDS];

    d.vbd_counters = true;
    d.vbds = 1;
    d.vbd_rd = 123456789;                /* 9 digits > 8 */
    d.net_rx_bytes = 1024ull * 99999999; /* 99999999 KiB + 1: 9 digits */
    top_widths(&s, &o, w);
    ck_assert_uint_eq(w[TOP_VBD_RD], 9);
    ck_assert_uint_eq(w[TOP_NET_RX], 9);
    ck_assert_uint_eq(w[TOP_NET_TX], 8);
    ck_assert_uint_eq(w[TOP_VBD_RSECT], 10);
}
END_TEST

START_TEST(test_states)
{
    char st[7];

    top_state(XEN_DOMINF_running, st);
    ck_assert_str_eq(st, "-----r");
    top_state(XEN_DOMINF_paused | XEN_DOMINF_blocked, st);
    ck_assert_str_eq(st, "--b-p-");
    top_state(XEN_DOMINF_shutdown | (SHUTDOWN_crash << XEN_DOMINF_shutdownshift), st);
    ck_assert_str_eq(st, "-s-c--");
    top_state(XEN_DOMINF_dying | XEN_DOMINF_shutdown, st);
    ck_assert_str_eq(st, "ds----");
}
END_TEST

START_TEST(test_cpu_pct)
{
    struct tern_dom_stats a[2] = {guest(0, "Domain-0"), guest(1, "g")};
    struct tern_dom_stats b[3] = {guest(0, "Domain-0"), guest(1, "g"), guest(2, "new")};
    struct tern_stats prev = {.mono_ns = 1000000000ull, .n = 2, .doms = a};
    struct tern_stats cur = {.mono_ns = 3000000000ull, .n = 3, .doms = b};

    ck_assert(tern_cpu_pct(1500000000ull, 1000000000ull, 1000000000ull) == 50.0);
    ck_assert(tern_cpu_pct(1, 2, 1000) == 0.0); /* a counter that went back */
    ck_assert(tern_cpu_pct(5, 1, 0) == 0.0);
    b[0].cpu_ns = a[0].cpu_ns + 3000000000ull; /* 3 s of CPU in 2 s: 150 % */
    b[1].cpu_ns = a[1].cpu_ns;
    tern_stats_cpu_pct(&cur, &prev);
    ck_assert(b[0].cpu_pct == 150.0);
    ck_assert(b[1].cpu_pct == 0.0);
    ck_assert(b[2].cpu_pct == 0.0); /* no previous sample */
    tern_stats_cpu_pct(&cur, NULL);
    ck_assert(b[0].cpu_pct == 0.0);
}
END_TEST

START_TEST(test_sort)
{
    struct tern_dom_stats d[3] = {guest(0, "Domain-0"), guest(5, "alpha"), guest(7, "Beta")};
    struct tern_stats s = {.n = 3, .doms = d};
    struct top_opts o = {.sort = TOP_NAME};
    const struct tern_dom_stats *order[3];

    top_sort(&s, &o, order);
    ck_assert_str_eq(order[0]->name, "alpha");
    ck_assert_str_eq(order[1]->name, "Beta");
    ck_assert_str_eq(order[2]->name, "Domain-0");
    o.dom0_first = true;
    top_sort(&s, &o, order);
    ck_assert_str_eq(order[0]->name, "Domain-0");
    ck_assert_str_eq(order[1]->name, "alpha");
    o.dom0_first = false;
    o.sort = TOP_MEM;
    d[2].cur_kb = 999999;
    top_sort(&s, &o, order);
    ck_assert_str_eq(order[0]->name, "Beta"); /* largest first */
    ck_assert_uint_eq(order[1]->domid, 0);    /* ties by domid */
}
END_TEST

START_TEST(test_batch_screen)
{
    struct tern_dom_stats d[2] = {guest(0, "Domain-0"), guest(1, "guest")};
    struct tern_stats s = {.tot_kb = 2097152, .free_kb = 1048576, .ncpus = 2, .n = 2, .doms = d};
    struct top_opts o = {.batch = true, .memory = true};
    FILE *f = capture();
    const char *out;

    snprintf(s.version, sizeof(s.version), "4.17.7");
    d[1].guest_cached_kb = TERN_STATS_UNKNOWN;
    top_print(f, &s, &o, 0);
    out = done(f);
    ck_assert(strncmp(out, xentop_header, strlen(xentop_header)) == 0); /* no summary */
    ck_assert_ptr_nonnull(strstr(out, "Memory:  target    131072k  used     40000k  cache"
                                      "          -  avail     80000k  balloon -\n"));
    o.batch = false;
    o.memory = false;
    f = capture();
    top_print(f, &s, &o, 0);
    out = done(f);
    ck_assert_ptr_nonnull(strstr(out, "2 domains: 0 running, 2 blocked, 0 paused, 0 crashed, 0 "
                                      "dying, 0 shutdown \n"));
    ck_assert_ptr_nonnull(strstr(out, "Mem: 2097152k total, 1048576k used, 1048576k free    "
                                      "CPUs: 2 @ 0MHz\n"));
}
END_TEST

static int parse(const char *line, struct top_opts *o, char *err)
{
    char copy[128], *argv[16];
    int argc = 0;

    snprintf(copy, sizeof(copy), "%s", line);
    for (char *t = strtok(copy, " "); t && argc < 15; t = strtok(NULL, " "))
        argv[argc++] = t;
    argv[argc] = NULL;
    return top_parse_args(argc, argv, o, err, 160);
}

START_TEST(test_args)
{
    struct top_opts o;
    char err[160];

    ck_assert_int_eq(parse("top", &o, err), 0);
    ck_assert_uint_eq(o.delay_s, 3);
    ck_assert_uint_eq(o.iterations, 0);
    ck_assert(!o.batch);
    ck_assert_int_eq(parse("top -b -d 1 -i 2 -m -z", &o, err), 0);
    ck_assert(o.batch && o.memory && o.dom0_first);
    ck_assert_uint_eq(o.delay_s, 1);
    ck_assert_uint_eq(o.iterations, 2);
    ck_assert_int_eq(parse("top --batch --delay=4 --iterations=1", &o, err), 0);
    ck_assert_uint_eq(o.delay_s, 4);
    ck_assert_int_eq(parse("top -h", &o, err), 1);
    ck_assert_int_eq(parse("top -d 0", &o, err), -1);
    ck_assert_ptr_nonnull(strstr(err, "-d: '0'"));
    ck_assert_int_eq(parse("top -d 2x", &o, err), -1);
    ck_assert_int_eq(parse("top -i -1", &o, err), -1);
    ck_assert_ptr_nonnull(strstr(err, "-i: '-1'"));
    ck_assert_int_eq(parse("top -q", &o, err), -1);
    ck_assert_ptr_nonnull(strstr(err, "unknown option"));
    ck_assert_int_eq(parse("top -n", &o, err), -1);
    ck_assert_ptr_nonnull(strstr(err, "no per-device lines yet (per vif: tern network-stats"));
    ck_assert_int_eq(parse("top -x", &o, err), -1);
    ck_assert_ptr_nonnull(strstr(err, "no per-device lines yet (per disk: tern block-stats"));
    ck_assert_int_eq(parse("top extra", &o, err), -1);
}
END_TEST

START_TEST(test_numbers)
{
    ck_assert_int_eq(tern_stats_number("131072"), 131072);
    ck_assert_int_eq(tern_stats_number("0"), 0);
    ck_assert_int_eq(tern_stats_number(NULL), TERN_STATS_UNKNOWN);
    ck_assert_int_eq(tern_stats_number(""), TERN_STATS_UNKNOWN);
    ck_assert_int_eq(tern_stats_number("12k"), TERN_STATS_UNKNOWN);
    ck_assert_int_eq(tern_stats_number("-5"), TERN_STATS_UNKNOWN);
    ck_assert_int_eq(tern_stats_number(" 5"), TERN_STATS_UNKNOWN);
    ck_assert_int_eq(tern_stats_number("99999999999999999999"), TERN_STATS_UNKNOWN);
}
END_TEST

static void feed(struct top_screen *s, const char *keys)
{
    top_keys_feed(s, keys, strlen(keys));
}

START_TEST(test_keys)
{
    struct top_screen s = {.opts = {.delay_s = 3, .sort = TOP_NAME}};

    feed(&s, "s");
    ck_assert_int_eq(s.opts.sort, TOP_STATE);
    for (int i = 0; i < TOP_NFIELDS - 1; i++)
        feed(&s, "S");
    ck_assert_int_eq(s.opts.sort, TOP_NAME); /* wraps round */
    feed(&s, "vmr");
    ck_assert(s.opts.vcpus && s.opts.memory && s.opts.repeat_header);
    feed(&s, "VM");
    ck_assert(!s.opts.vcpus && !s.opts.memory);
    feed(&s, "d15\r");
    ck_assert_uint_eq(s.opts.delay_s, 15);
    ck_assert(!s.prompting);
    feed(&s, "d0\r"); /* not a delay: unchanged */
    ck_assert_uint_eq(s.opts.delay_s, 15);
    feed(&s, "d7x\x7f\x7f"
             "2\n"); /* x ignored, backspace twice, then 2 */
    ck_assert_uint_eq(s.opts.delay_s, 2);
    feed(&s, "d9\033"); /* Esc cancels the prompt, and does not quit */
    ck_assert_uint_eq(s.opts.delay_s, 2);
    ck_assert(!s.prompting && !s.quit);
    feed(&s, "\033[A\033[B"); /* cursor keys */
    ck_assert(!s.quit);
    feed(&s, "qv"); /* nothing after quit */
    ck_assert(s.quit && !s.opts.vcpus);
    s.quit = false;
    feed(&s, "\033");
    ck_assert(s.quit);
}
END_TEST

Suite *top_suite(void)
{
    Suite *s = suite_create("top");
    TCase *tc = tcase_create("xentop");

    tcase_add_test(tc, test_header_is_xentops);
    tcase_add_test(tc, test_row_format);
    tcase_add_test(tc, test_no_limit_and_long_names);
    tcase_add_test(tc, test_widths_grow);
    tcase_add_test(tc, test_states);
    tcase_add_test(tc, test_cpu_pct);
    tcase_add_test(tc, test_sort);
    tcase_add_test(tc, test_batch_screen);
    tcase_add_test(tc, test_args);
    tcase_add_test(tc, test_numbers);
    tcase_add_test(tc, test_keys);
    suite_add_tcase(s, tc);
    return s;
}
