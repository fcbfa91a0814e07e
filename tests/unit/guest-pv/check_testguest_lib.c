/* Host unit tests for the test guest's pure parts: formatting, result lines, ring math. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <tg/format.h>
#include <tg/report.h>
#include <tg/ring.h>

START_TEST(test_format_numbers)
{
    char buf[64];

    tg_snprintf(buf, sizeof(buf), "%d|%5d|%-4d|%05d|%ld", -42, 7, 3, -12, -9000000000L);
    ck_assert_str_eq(buf, "-42|    7|3   |-0012|-9000000000");
    tg_snprintf(buf, sizeof(buf), "%x|%#lx|%08X|%u|%zu", 255u, 0x39001UL, 0xbeefu, 4000000000u,
                (size_t)12);
    ck_assert_str_eq(buf, "ff|0x39001|0000BEEF|4000000000|12");
    const char *volatile none = NULL; /* hidden from -Wformat: %s of NULL is defined here */
    tg_snprintf(buf, sizeof(buf), "%s|%-5s|%c|%%|%s", "ab", "x", 'z', none);
    ck_assert_str_eq(buf, "ab|x    |z|%|(null)");
}
END_TEST

START_TEST(test_format_truncates)
{
    char buf[8];
    int n = tg_snprintf(buf, sizeof(buf), "%s", "0123456789");

    ck_assert_int_eq(n, 10);
    ck_assert_str_eq(buf, "0123456");
    ck_assert_int_eq(tg_snprintf(NULL, 0, "%d", 12345), 5);
}
END_TEST

START_TEST(test_result_line)
{
    struct tg_result r;
    char line[1024];
    tg_result_init(&r);
    tg_result_add_value(&r, "close", 0);
    tg_result_add_value(&r, "double_close", -22);
    tg_result_format(line, sizeof(line), "evtchn_close", &r);
    ck_assert_str_eq(line, "TERN-TEST case=evtchn_close result=PASS detail=\"\" "
                           "value=\"close:0,double_close:-22\"");
}
END_TEST

static void set(struct tg_result *r, enum tg_outcome o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tg_result_set(r, o, fmt, ap);
    va_end(ap);
}

START_TEST(test_result_worst_outcome_and_escaping)
{
    struct tg_result r;
    char line[1024];

    tg_result_init(&r);
    set(&r, TG_FAIL, "first \"failure\" %d", 1);
    set(&r, TG_FAIL, "second failure");
    set(&r, TG_SKIP, "skip does not lower");
    tg_result_format(line, sizeof(line), "c", &r);
    ck_assert_str_eq(line,
                     "TERN-TEST case=c result=FAIL detail=\"first \\\"failure\\\" 1\" value=\"\"");
    set(&r, TG_ERROR, "bad\nsetup");
    tg_result_format(line, sizeof(line), "c", &r);
    ck_assert_str_eq(line, "TERN-TEST case=c result=ERROR detail=\"bad\\x0asetup\" value=\"\"");
}
END_TEST

START_TEST(test_value_list_overflow)
{
    struct tg_result r;
    char line[2048];

    tg_result_init(&r);
    for (int i = 0; i < 200; i++)
        tg_result_add_value(&r, "some_label", -1000 - i);
    ck_assert(r.value_truncated);
    ck_assert_uint_lt(strlen(r.value), TG_VALUE_MAX);
    tg_result_format(line, sizeof(line), "c", &r);
    ck_assert_ptr_nonnull(strstr(line, ",...\""));
}
END_TEST

START_TEST(test_summary)
{
    unsigned counts[4] = {[TG_PASS] = 5, [TG_SKIP] = 1, [TG_FAIL] = 2, [TG_ERROR] = 0};
    char line[128];

    tg_summary_format(line, sizeof(line), counts);
    ck_assert_str_eq(line, "TERN-TEST-SUMMARY total=8 pass=5 fail=2 skip=1 error=0");
}
END_TEST

START_TEST(test_ring_math)
{
    /* free-running indexes across the 2^32 wrap */
    ck_assert_uint_eq(tg_ring_used(5, 0xfffffffe), 7);
    ck_assert(tg_ring_sane(5, 0xfffffffe, 1024));
    ck_assert(!tg_ring_sane(0, 2000, 1024)); /* consumer ahead of producer: corrupt */
    ck_assert(!tg_ring_sane(2000, 0, 1024)); /* more than a ring's worth: corrupt */
    ck_assert_uint_eq(tg_ring_space(1024, 0, 1024), 0);
    ck_assert_uint_eq(tg_ring_space(1030, 1020, 1024), 1014);
    ck_assert_uint_eq(tg_ring_idx(1030, 1024), 6);
    ck_assert_uint_eq(tg_ring_contig(1020, 100, 1024), 4);
    ck_assert_uint_eq(tg_ring_contig(1024, 100, 1024), 100);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("testguest-lib");
    TCase *tc = tcase_create("core");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_format_numbers);
    tcase_add_test(tc, test_format_truncates);
    tcase_add_test(tc, test_result_line);
    tcase_add_test(tc, test_result_worst_outcome_and_escaping);
    tcase_add_test(tc, test_value_list_overflow);
    tcase_add_test(tc, test_summary);
    tcase_add_test(tc, test_ring_math);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
