/* The balloon position checks shared by `tern mem-set -w` and tern-balloond (balloon.c). */
#include <check.h>
#include <string.h>
#include "balloon.h"
#include "config.h"
#include "suites.h"

START_TEST(test_tolerance)
{
    ck_assert_uint_eq(tern_balloon_tolerance_kb(98304), 2048);    /* 96 MiB: 2 MiB */
    ck_assert_uint_eq(tern_balloon_tolerance_kb(1048576), 10485); /* 1 GiB: 1 % */
    ck_assert(tern_balloon_at_target(98304, 98304 + 2048));
    ck_assert(!tern_balloon_at_target(98304, 112640)); /* the 110 MiB stop */
    ck_assert(tern_balloon_at_target(524288, 524288 - 5000));
}
END_TEST

START_TEST(test_track_states)
{
    struct tern_balloon_track t;

    tern_balloon_track_init(&t, 3000);
    ck_assert_int_eq(tern_balloon_track(&t, 98304, 131072, 0), TERN_BALLOON_MOVING);
    ck_assert_int_eq(tern_balloon_track(&t, 98304, 120000, 2000), TERN_BALLOON_MOVING);
    ck_assert_int_eq(tern_balloon_track(&t, 98304, 112640, 4000), TERN_BALLOON_MOVING);
    /* a page's jitter is no progress */
    ck_assert_int_eq(tern_balloon_track(&t, 98304, 112644, 6000), TERN_BALLOON_MOVING);
    ck_assert_int_eq(tern_balloon_track(&t, 98304, 112640, 7000), TERN_BALLOON_STOPPED);
    ck_assert_uint_eq(t.last_ms, 4000);
    /* a new target restarts the clock */
    ck_assert_int_eq(tern_balloon_track(&t, 65536, 112640, 7100), TERN_BALLOON_MOVING);
    ck_assert_int_eq(tern_balloon_track(&t, 65536, 66000, 7200), TERN_BALLOON_REACHED);
}
END_TEST

START_TEST(test_reasons)
{
    struct tern_balloon_obs o = {.target_kb = 98304, .actual_kb = 112640};
    char why[320];

    tern_balloon_reason(&o, why, sizeof(why));
    ck_assert_ptr_nonnull(strstr(why, "no agent"));
    o.have_agent = true;
    o.guest_avail_kb = 30000; /* no CMA: available, but the allocator says no */
    tern_balloon_reason(&o, why, sizeof(why));
    ck_assert_ptr_null(strstr(why, "cma=0"));
    ck_assert_ptr_nonnull(strstr(why, "29 MiB of them outside its CMA area"));
    o.guest_avail_kb = 68000; /* the 128 MiB Debian guest stopped at 110 MiB */
    o.guest_cma_total_kb = 65536;
    o.guest_cma_free_kb = 63000;
    tern_balloon_reason(&o, why, sizeof(why));
    ck_assert_ptr_nonnull(strstr(why, "61 of the 66 MiB it has available are CMA"));
    ck_assert_ptr_nonnull(strstr(why, "cma=0"));
    o.guest_avail_kb = 4000;
    tern_balloon_reason(&o, why, sizeof(why));
    ck_assert_ptr_nonnull(strstr(why, "no more memory to give"));
    /* growing */
    o = (struct tern_balloon_obs){.target_kb = 262144, .actual_kb = 131072, .maxmem_kb = 132096};
    tern_balloon_reason(&o, why, sizeof(why));
    ck_assert_ptr_nonnull(strstr(why, "maxmem 129 MiB"));
    o.maxmem_kb = 263168;
    o.host_free_kb = 1024;
    tern_balloon_reason(&o, why, sizeof(why));
    ck_assert_ptr_nonnull(strstr(why, "host has only 1 MiB"));
    o.host_free_kb = 1 << 20;
    tern_balloon_reason(&o, why, sizeof(why));
    ck_assert_ptr_nonnull(strstr(why, "memory hotplug"));
    ck_assert_str_eq(tern_balloon_state_name(TERN_BALLOON_STOPPED), "stopped");
}
END_TEST

START_TEST(test_safe_target)
{
    /* the 128 MiB Debian guest: 84 MiB available, 62 of them CMA -> 22 outside, keep 16 */
    struct tern_balloon_obs o = {.actual_kb = 131072,
                                 .have_agent = true,
                                 .guest_avail_kb = 84 * 1024,
                                 .guest_cma_total_kb = 65536,
                                 .guest_cma_free_kb = 62 * 1024};
    char why[400];

    ck_assert_uint_eq(tern_balloon_giveable_kb(&o), 6 * 1024);
    ck_assert_uint_eq(tern_balloon_safe_target(&o, 98304, why, sizeof(why)), 122 * 1024);
    ck_assert_ptr_nonnull(strstr(why, "can give only 6 MiB"));
    ck_assert_ptr_nonnull(strstr(why, "62 MiB of them in its CMA"));
    /* a target it can reach, growing, or no agent: the request stands */
    ck_assert_uint_eq(tern_balloon_safe_target(&o, 126 * 1024, why, sizeof(why)), 126 * 1024);
    ck_assert_str_eq(why, "");
    ck_assert_uint_eq(tern_balloon_safe_target(&o, 262144, why, sizeof(why)), 262144);
    o.have_agent = false;
    ck_assert_uint_eq(tern_balloon_safe_target(&o, 98304, why, sizeof(why)), 98304);
    /* cma=0: 84 MiB available, 68 can go */
    o = (struct tern_balloon_obs){
        .actual_kb = 131072, .have_agent = true, .guest_avail_kb = 84 * 1024};
    ck_assert_uint_eq(tern_balloon_safe_target(&o, 98304, why, sizeof(why)), 98304);
    ck_assert_uint_eq(tern_balloon_safe_target(&o, 32768, why, sizeof(why)), 60 * 1024);
    /* nothing to give */
    o.guest_avail_kb = 10 * 1024;
    ck_assert_uint_eq(tern_balloon_safe_target(&o, 98304, why, sizeof(why)), 131072);
}
END_TEST

START_TEST(test_floor_key)
{
    struct tern_config cfg;
    char err[256];

    tern_config_init(&cfg);
    ck_assert_int_eq(tern_config_parse(&cfg, "t.cfg",
                                       "name='g'\nkernel='/k'\nmemory=768\ntern_mem_floor=200\n",
                                       err, sizeof(err), NULL),
                     0);
    ck_assert_uint_eq(cfg.mem_floor_mib, 200);
    ck_assert_int_eq(tern_config_validate(&cfg, err, sizeof(err)), 0);
    cfg.mem_floor_mib = 800;
    ck_assert_int_eq(tern_config_validate(&cfg, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "tern_mem_floor"));
}
END_TEST

Suite *balloon_suite(void)
{
    Suite *s = suite_create("balloon");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_tolerance);
    tcase_add_test(tc, test_track_states);
    tcase_add_test(tc, test_reasons);
    tcase_add_test(tc, test_safe_target);
    tcase_add_test(tc, test_floor_key);
    suite_add_tcase(s, tc);
    return s;
}
