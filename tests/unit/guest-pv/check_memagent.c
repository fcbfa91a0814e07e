/* Host unit tests for tern-memagent: /proc/meminfo parsing, the published keys, and the
 * xs_wire exchange (against a socketpair standing in for the xenbus device). */
#include <check.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <xen/io/xs_wire.h>
#include "meminfo.h"
#include "xenbus.h"

static const char sample[] = "MemTotal:         112244 kB\n"
                             "MemFree:           60000 kB\n"
                             "MemAvailable:      80500 kB\n"
                             "Buffers:             100 kB\n"
                             "Cached:            20000 kB\n"
                             "SwapCached:            7 kB\n"
                             "SwapTotal:          4096 kB\n"
                             "SwapFree:           1024 kB\n"
                             "Committed_AS:      33333 kB\n"
                             "CmaTotal:          65536 kB\n"
                             "CmaFree:           61000 kB\n";

static const char *value_of(struct agent_kv *kv, const char *key)
{
    for (int i = 0; i < AGENT_NR_KEYS; i++)
        if (!strcmp(kv[i].key, key))
            return kv[i].value;
    return NULL;
}

START_TEST(test_parse_and_keys)
{
    struct agent_meminfo mi;
    struct agent_kv kv[AGENT_NR_KEYS];

    ck_assert_int_eq(agent_meminfo_parse(sample, &mi), 0);
    ck_assert_uint_eq(mi.total, 112244);
    ck_assert_uint_eq(mi.cached, 20000); /* not SwapCached */
    agent_meminfo_keys(&mi, 42, kv);
    ck_assert_str_eq(value_of(kv, "data/meminfo_total"), "112244");
    ck_assert_str_eq(value_of(kv, "data/meminfo_free"), "80500"); /* MemAvailable, as XenServer */
    ck_assert_str_eq(value_of(kv, "data/meminfo_used"), "31744");
    ck_assert_str_eq(value_of(kv, "data/meminfo_cached"), "20100");
    ck_assert_str_eq(value_of(kv, "data/meminfo_swap_free"), "1024");
    ck_assert_str_eq(value_of(kv, "data/meminfo_committed"), "33333");
    ck_assert_str_eq(value_of(kv, "data/meminfo_cma_total"), "65536");
    ck_assert_str_eq(value_of(kv, "data/meminfo_cma_free"), "61000");
    ck_assert_str_eq(value_of(kv, "data/tern_agent_uptime"), "42");
}
END_TEST

START_TEST(test_parse_needs_available)
{
    struct agent_meminfo mi;

    ck_assert_int_eq(agent_meminfo_parse("MemTotal: 5 kB\nMemFree: 4 kB\n", &mi), -1);
    ck_assert_int_eq(agent_meminfo_parse("", &mi), -1);
}
END_TEST

START_TEST(test_publish_due)
{
    /* Regular publication every interval; between, only when MemAvailable moved enough. */
    ck_assert_int_eq(agent_publish_due(100000, 100000, 999, 1000), 0);
    ck_assert_int_eq(agent_publish_due(100000, 100000, 1000, 1000), 1);
    ck_assert_int_eq(agent_publish_due(100000, 100000 - AGENT_NUDGE_KB + 1, 200, 1000), 0);
    ck_assert_int_eq(agent_publish_due(100000, 100000 - AGENT_NUDGE_KB, 200, 1000), 1);
    ck_assert_int_eq(agent_publish_due(100000, 100000 + AGENT_NUDGE_KB, 200, 1000), 1);
    ck_assert_int_eq(agent_publish_due(0, AGENT_NUDGE_KB - 1, 0, 1000), 0);
}
END_TEST

START_TEST(test_write_msg)
{
    char buf[128];
    struct xsd_sockmsg hdr;
    size_t n = agent_xs_write_msg(buf, sizeof(buf), 7, "data/x", "12");

    ck_assert_uint_eq(n, sizeof(hdr) + 7 + 2);
    memcpy(&hdr, buf, sizeof(hdr));
    ck_assert_uint_eq(hdr.type, XS_WRITE);
    ck_assert_uint_eq(hdr.req_id, 7);
    ck_assert_uint_eq(hdr.tx_id, 0);
    ck_assert_uint_eq(hdr.len, 9);
    ck_assert_int_eq(memcmp(buf + sizeof(hdr),
                            "data/x\0"
                            "12",
                            9),
                     0);
    ck_assert_uint_eq(agent_xs_write_msg(buf, 20, 7, "data/x", "12"), 0); /* too small */
}
END_TEST

static void answer(int fd, uint32_t type, const char *payload, size_t len)
{
    struct xsd_sockmsg hdr = {.type = type, .len = (uint32_t)len};
    char req[256];

    ck_assert_int_gt(read(fd, req, sizeof(req)), 0);
    ck_assert_int_eq(write(fd, &hdr, sizeof(hdr)), (int)sizeof(hdr));
    ck_assert_int_eq(write(fd, payload, len), (int)len);
}

START_TEST(test_write_exchange)
{
    int sv[2];
    char err[64];

    signal(SIGPIPE, SIG_IGN);
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    if (fork() == 0) {
        answer(sv[1], XS_WRITE, "OK", 3);
        answer(sv[1], XS_ERROR, "EACCES", 7);
        _exit(0);
    }
    ck_assert_int_eq(agent_xs_write(sv[0], 1, "data/meminfo_free", "5", err, sizeof(err)), 0);
    ck_assert_int_eq(agent_xs_write(sv[0], 2, "data/meminfo_free", "5", err, sizeof(err)), -1);
    ck_assert_str_eq(err, "EACCES");
    close(sv[1]);
    ck_assert_int_eq(agent_xs_write(sv[0], 3, "data/meminfo_free", "5", err, sizeof(err)), -1);
    close(sv[0]);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("memagent");
    TCase *tc = tcase_create("core");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_parse_and_keys);
    tcase_add_test(tc, test_parse_needs_available);
    tcase_add_test(tc, test_publish_due);
    tcase_add_test(tc, test_write_msg);
    tcase_add_test(tc, test_write_exchange);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
