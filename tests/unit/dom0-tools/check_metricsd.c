/* tern-metricsd's pure parts: the Prometheus exposition (names, labels, escaping, figures
 * left out when unknown), the history ring and its JSON, and HTTP request parsing. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "history.h"
#include "http.h"
#include "prom.h"

static char *text;
static size_t text_len;

static FILE *capture(void)
{
    free(text);
    text = NULL;
    return open_memstream(&text, &text_len);
}

static struct tern_dom_stats dom(uint32_t id, const char *name)
{
    struct tern_dom_stats d = {.domid = id,
                               .cpu_ns = 2500000000ull,
                               .cur_kb = 131072,
                               .max_kb = 132096,
                               .vcpus = 2,
                               .online_vcpus = 1,
                               .target_kb = 131072,
                               .static_max_kb = 131072,
                               .guest_total_kb = TERN_STATS_UNKNOWN,
                               .guest_avail_kb = TERN_STATS_UNKNOWN,
                               .guest_used_kb = TERN_STATS_UNKNOWN,
                               .guest_cached_kb = TERN_STATS_UNKNOWN};

    snprintf(d.name, sizeof(d.name), "%s", name);
    return d;
}

/* Every line is a comment (# HELP / # TYPE) or "name[{labels}] value". */
static void check_lines(const char *t)
{
    for (const char *l = t; *l;) {
        const char *nl = strchr(l, '\n');

        ck_assert_ptr_nonnull(nl);
        if (*l == '#')
            ck_assert(!strncmp(l, "# HELP tern_", 12) || !strncmp(l, "# TYPE tern_", 12));
        else {
            const char *sp = memrchr(l, ' ', (size_t)(nl - l));

            ck_assert(!strncmp(l, "tern_", 5));
            ck_assert_ptr_nonnull(sp);
            ck_assert(sp[1] == '-' || (sp[1] >= '0' && sp[1] <= '9'));
        }
        l = nl + 1;
    }
}

START_TEST(test_prom_figures)
{
    struct tern_dom_stats d[2] = {dom(0, "Domain-0"), dom(3, "guest")};
    struct tern_stats s = {.tot_kb = 2097152, .free_kb = 1000000, .ncpus = 2, .n = 2, .doms = d};
    struct prom_counters c = {.samples = 7, .sample_errors = 1};
    FILE *f;

    d[0].max_kb = TERN_STATS_NO_LIMIT;
    d[1].guest_used_kb = 40000;
    d[1].guest_cached_kb = 1000;
    snprintf(d[1].balloon_state, sizeof(d[1].balloon_state), "stuck");
    f = capture();
    prom_write(f, &s, &c);
    fclose(f);
    check_lines(text);
    ck_assert_ptr_nonnull(strstr(text, "# TYPE tern_domain_cpu_seconds_total counter\n"));
    ck_assert_ptr_nonnull(strstr(text, "tern_host_memory_total_bytes 2147483648\n"));
    ck_assert_ptr_nonnull(strstr(text, "tern_host_memory_free_bytes 1024000000\n"));
    ck_assert_ptr_nonnull(
        strstr(text, "tern_domain_cpu_seconds_total{domain=\"guest\",domid=\"3\"} 2.5\n"));
    ck_assert_ptr_nonnull(
        strstr(text, "tern_domain_memory_actual_bytes{domain=\"guest\",domid=\"3\"} 134217728\n"));
    ck_assert_ptr_nonnull(
        strstr(text, "tern_domain_guest_memory_used_bytes{domain=\"guest\",domid=\"3\"} "
                     "40960000\n"));
    ck_assert_ptr_nonnull(strstr(
        text, "tern_domain_balloon_state{domain=\"guest\",domid=\"3\",state=\"stuck\"} 1\n"));
    ck_assert_ptr_nonnull(strstr(text, "tern_metricsd_samples_total 7\n"));
    ck_assert_ptr_nonnull(strstr(text, "tern_metricsd_sample_errors_total 1\n"));
    /* unknown figures are left out, not written as 0 */
    ck_assert_ptr_null(strstr(text, "tern_domain_memory_max_bytes{domain=\"Domain-0\""));
    ck_assert_ptr_null(strstr(text, "tern_domain_guest_memory_used_bytes{domain=\"Domain-0\""));
    ck_assert_ptr_null(strstr(text, "tern_domain_guest_memory_total_bytes{"));
    /* one HELP/TYPE per family */
    ck_assert_ptr_null(strstr(strstr(text, "# TYPE tern_domain_vcpus gauge") + 1,
                              "# TYPE tern_domain_vcpus gauge"));
}
END_TEST

START_TEST(test_prom_escaping)
{
    struct tern_dom_stats d = dom(9, "a\"b\\c\nd");
    struct tern_stats s = {.n = 1, .doms = &d};
    struct prom_counters c = {0};
    FILE *f = capture();

    prom_write(f, &s, &c);
    fclose(f);
    check_lines(text);
    ck_assert_ptr_nonnull(strstr(text, "{domain=\"a\\\"b\\\\c\\nd\",domid=\"9\"}"));
}
END_TEST

/* tern_vbd_*: one sample per disk with a counters file, labelled domain, domid, devid;
 * a domain without one has none; one HELP/TYPE per family even without any disk. */
START_TEST(test_prom_vbd)
{
    struct tern_dom_stats d[3] = {dom(0, "Domain-0"), dom(3, "guest"), dom(4, "other")};
    struct tern_stats s = {.n = 3, .doms = d};
    struct prom_counters c = {0};
    FILE *f;

    d[1].vbds = 2;
    d[1].vbd_counters = true;
    d[1].nvbd = 2;
    d[1].vbd[0] = (struct tern_vbd_counters){.devid = 51712,
                                             .st = {.rd_req = 10,
                                                    .wr_req = 20,
                                                    .f_req = 3,
                                                    .ds_req = 4,
                                                    .rd_sect = 80,
                                                    .wr_sect = 18446744073709551615ull,
                                                    .errors = 1,
                                                    .oo_req = 2}};
    d[1].vbd[1] = (struct tern_vbd_counters){.devid = 51728, .st = {.rd_req = 5}};
    d[2].vbds = 1; /* a disk without counters: no tern_vbd_ sample */
    f = capture();
    prom_write(f, &s, &c);
    fclose(f);
    check_lines(text);
    ck_assert_ptr_nonnull(strstr(text, "# TYPE tern_vbd_read_requests_total counter\n"));
    ck_assert_ptr_nonnull(strstr(
        text, "tern_vbd_read_requests_total{domain=\"guest\",domid=\"3\",devid=\"51712\"} 10\n"));
    ck_assert_ptr_nonnull(strstr(
        text, "tern_vbd_read_requests_total{domain=\"guest\",domid=\"3\",devid=\"51728\"} 5\n"));
    ck_assert_ptr_nonnull(strstr(
        text, "tern_vbd_write_requests_total{domain=\"guest\",domid=\"3\",devid=\"51712\"} 20\n"));
    ck_assert_ptr_nonnull(strstr(
        text, "tern_vbd_flush_requests_total{domain=\"guest\",domid=\"3\",devid=\"51712\"} 3\n"));
    ck_assert_ptr_nonnull(strstr(
        text, "tern_vbd_discard_requests_total{domain=\"guest\",domid=\"3\",devid=\"51712\"} 4\n"));
    ck_assert_ptr_nonnull(strstr(
        text, "tern_vbd_read_sectors_total{domain=\"guest\",domid=\"3\",devid=\"51712\"} 80\n"));
    ck_assert_ptr_nonnull(strstr(text, "tern_vbd_write_sectors_total{domain=\"guest\",domid=\"3\","
                                       "devid=\"51712\"} 18446744073709551615\n"));
    ck_assert_ptr_nonnull(
        strstr(text, "tern_vbd_errors_total{domain=\"guest\",domid=\"3\",devid=\"51712\"} 1\n"));
    ck_assert_ptr_nonnull(strstr(
        text, "tern_vbd_oo_requests_total{domain=\"guest\",domid=\"3\",devid=\"51712\"} 2\n"));
    ck_assert_ptr_null(strstr(text, "tern_vbd_read_requests_total{domain=\"other\""));
    ck_assert_ptr_null(strstr(text, "tern_vbd_read_requests_total{domain=\"Domain-0\""));
    ck_assert_ptr_null(strstr(strstr(text, "# TYPE tern_vbd_oo_requests_total counter") + 1,
                              "# TYPE tern_vbd_oo_requests_total counter"));
    /* no disk at all: the families are still there, empty */
    s.n = 1;
    f = capture();
    prom_write(f, &s, &c);
    fclose(f);
    check_lines(text);
    ck_assert_ptr_nonnull(strstr(text, "# TYPE tern_vbd_write_sectors_total counter\n"));
    ck_assert_ptr_null(strstr(text, "tern_vbd_write_sectors_total{"));
}
END_TEST

START_TEST(test_history_ring)
{
    struct tern_dom_stats d = dom(1, "g\"q");
    struct tern_stats s = {.tot_kb = 100, .free_kb = 40, .n = 1, .doms = &d};
    struct history h;
    FILE *f;

    ck_assert_int_eq(history_init(&h, 3), 0);
    f = capture();
    history_json(f, &h, 1000);
    fclose(f);
    ck_assert_str_eq(text, "{\"interval_ms\":1000,\"points\":[]}\n");
    for (int i = 1; i <= 5; i++) {
        d.cpu_pct = i;
        ck_assert_int_eq(history_add(&h, &s, 1000 * i), 0);
    }
    ck_assert_uint_eq(h.len, 3);
    f = capture();
    history_json(f, &h, 500);
    fclose(f);
    /* the oldest two are gone; points oldest first */
    ck_assert_ptr_null(strstr(text, "\"t\":2000,"));
    ck_assert_ptr_nonnull(strstr(text, "[{\"t\":3000,"));
    ck_assert(strstr(text, "\"t\":4000,") < strstr(text, "\"t\":5000,"));
    ck_assert_ptr_nonnull(strstr(text, "\"host\":{\"total_kb\":100,\"free_kb\":40}"));
    ck_assert_ptr_nonnull(strstr(text, "{\"domid\":1,\"name\":\"g\\\"q\",\"cpu_pct\":5.00,"
                                       "\"actual_kb\":131072,\"target_kb\":131072,"
                                       "\"used_kb\":null,\"cache_kb\":null}"));
    history_free(&h);
}
END_TEST

static int parse(const char *req, struct http_req *r)
{
    return http_parse(req, strlen(req), r);
}

START_TEST(test_http_parse)
{
    struct http_req r;
    char big[HTTP_MAX_REQUEST + 10];

    ck_assert_int_eq(parse("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", &r), 1);
    ck_assert_str_eq(r.path, "/metrics");
    ck_assert_int_eq(r.head, 0);
    ck_assert_int_eq(parse("HEAD /api/history?x=1 HTTP/1.0\n\n", &r), 1);
    ck_assert_str_eq(r.path, "/api/history");
    ck_assert_int_eq(r.head, 1);
    ck_assert_int_eq(parse("GET /metrics HTTP/1.1\r\nHost: x\r\n", &r), 0); /* more to come */
    ck_assert_int_eq(parse("POST / HTTP/1.1\r\n\r\n", &r), 405);
    ck_assert_int_eq(parse("GET / HTTP/2.0\r\n\r\n", &r), 505);
    ck_assert_int_eq(parse("GET metrics HTTP/1.1\r\n\r\n", &r), 400);
    ck_assert_int_eq(parse("GET  / HTTP/1.1\r\n\r\n", &r), 400);
    ck_assert_int_eq(parse("GET /\x01 HTTP/1.1\r\n\r\n", &r), 400);
    ck_assert_int_eq(parse("\r\n\r\n", &r), 400);
    ck_assert_int_eq(parse("GETTINGLONG / HTTP/1.1\r\n\r\n", &r), 400);
    memset(big, 'a', sizeof(big));
    memcpy(big, "GET /", 5);
    big[sizeof(big) - 1] = '\0';
    ck_assert_int_eq(http_parse(big, HTTP_MAX_REQUEST, &r), 431);
    snprintf(big, sizeof(big), "GET /%0300d HTTP/1.1\r\n\r\n", 0);
    ck_assert_int_eq(parse(big, &r), 414);
}
END_TEST

START_TEST(test_http_header)
{
    FILE *f = capture();

    http_header(f, 405, "text/plain", 12);
    fclose(f);
    ck_assert_str_eq(text, "HTTP/1.1 405 Method Not Allowed\r\nContent-Type: text/plain\r\n"
                           "Content-Length: 12\r\nCache-Control: no-store\r\n"
                           "Connection: close\r\nAllow: GET, HEAD\r\n\r\n");
    ck_assert_str_eq(http_reason(200), "OK");
    ck_assert_str_eq(http_reason(999), "Error");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("metricsd");
    TCase *tc = tcase_create("metricsd");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_prom_figures);
    tcase_add_test(tc, test_prom_escaping);
    tcase_add_test(tc, test_prom_vbd);
    tcase_add_test(tc, test_history_ring);
    tcase_add_test(tc, test_http_parse);
    tcase_add_test(tc, test_http_header);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    free(text);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
