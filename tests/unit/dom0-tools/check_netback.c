/* tern-netback unit tests: xl's rate=RATE/s@INTERVAL syntax and the token bucket that
 * enforces it (refill per interval, live rate change, oversized frames, bad input). */
#include <check.h>
#include <stdlib.h>
#include "rate.h"

START_TEST(test_parse_units)
{
    struct nb_rate r;
    const char *why = NULL;

    ck_assert_int_eq(nb_rate_parse("8Mb/s", &r, &why), 0);
    ck_assert_uint_eq(r.interval_us, 50000);
    ck_assert_uint_eq(r.bytes_per_interval, 50000); /* 1 MB/s * 50 ms */
    ck_assert_int_eq(nb_rate_parse("10MB/s@20ms", &r, &why), 0);
    ck_assert_uint_eq(r.interval_us, 20000);
    ck_assert_uint_eq(r.bytes_per_interval, 200000);
    ck_assert_int_eq(nb_rate_parse("1GB/s@100us", &r, &why), 0);
    ck_assert_uint_eq(r.bytes_per_interval, 100000);
    ck_assert_int_eq(nb_rate_parse("800kb/s@1s", &r, &why), 0);
    ck_assert_uint_eq(r.bytes_per_interval, 100000);
    ck_assert_uint_eq(r.interval_us, 1000000);
}
END_TEST

START_TEST(test_parse_errors)
{
    struct nb_rate r;
    const char *why = NULL;
    static const char *bad[] = {
        "",         "Mb/s",      "8Mx/s",  "8Mb",      "8Mb/s@",
        "8Mb/s@5h", "8Mb/s@0ms", "8Mb/sx", "8b/s@1ms", "99999999999999999999GB/s"};

    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        why = NULL;
        ck_assert_msg(nb_rate_parse(bad[i], &r, &why) == -1, "accepted '%s'", bad[i]);
        ck_assert_ptr_nonnull(why);
    }
}
END_TEST

START_TEST(test_bucket)
{
    struct nb_rate r = {.bytes_per_interval = 3000, .interval_us = 1000};
    struct nb_bucket b;

    nb_bucket_init(&b, &r, 0);
    ck_assert_int_eq(nb_bucket_take(&b, 1500, 10), 1);
    ck_assert_int_eq(nb_bucket_take(&b, 1500, 20), 1);
    ck_assert_int_eq(nb_bucket_take(&b, 1, 30), 0);
    ck_assert_uint_eq(nb_bucket_wait(&b, 30), 970);
    ck_assert_int_eq(nb_bucket_take(&b, 1500, 1000), 1); /* refilled */
    /* a frame bigger than one interval's credit passes only from a full bucket */
    ck_assert_int_eq(nb_bucket_take(&b, 5000, 1100), 0);
    ck_assert_int_eq(nb_bucket_take(&b, 5000, 2000), 1);
    ck_assert_int_eq(nb_bucket_take(&b, 1, 2100), 0);
}
END_TEST

START_TEST(test_bucket_live_change)
{
    struct nb_rate fast = {.bytes_per_interval = 100000, .interval_us = 50000};
    struct nb_rate slow = {.bytes_per_interval = 1000, .interval_us = 10000};
    struct nb_rate none = {.bytes_per_interval = 0, .interval_us = 50000};
    struct nb_bucket b;

    nb_bucket_init(&b, &fast, 0);
    ck_assert_int_eq(nb_bucket_take(&b, 50000, 1), 1);
    nb_bucket_set(&b, &slow, 2);
    ck_assert_uint_le(b.credit, 1000);
    ck_assert_uint_eq(nb_bucket_wait(&b, 2), 10000);
    ck_assert_int_eq(nb_bucket_take(&b, 1000, 3), 1);
    ck_assert_int_eq(nb_bucket_take(&b, 1000, 4), 0);
    nb_bucket_set(&b, &none, 5);
    ck_assert_int_eq(nb_bucket_take(&b, 1u << 30, 6), 1);
    ck_assert_uint_eq(nb_bucket_wait(&b, 6), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("netback");
    TCase *tc = tcase_create("rate");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_parse_units);
    tcase_add_test(tc, test_parse_errors);
    tcase_add_test(tc, test_bucket);
    tcase_add_test(tc, test_bucket_live_change);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
