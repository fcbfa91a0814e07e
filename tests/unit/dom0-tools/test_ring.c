/* Console ring copy: wrap-around, full rings and corrupt indexes from a hostile guest. */
#include <string.h>
#include "ring.h"
#include "suites.h"

static struct xencons_interface intf;

START_TEST(test_read_wrap)
{
    char buf[4096];

    memset(&intf, 0, sizeof(intf));
    intf.out_cons = intf.out_prod = 2040;
    memcpy(intf.out + 2040, "abcdefgh", 8);
    memcpy(intf.out, "ijkl", 4);
    intf.out_prod += 12;
    ck_assert_uint_eq(tern_cons_read_output(&intf, buf, sizeof(buf)), 12);
    ck_assert(!memcmp(buf, "abcdefghijkl", 12));
    ck_assert_uint_eq(intf.out_cons, intf.out_prod);
    ck_assert_uint_eq(tern_cons_read_output(&intf, buf, sizeof(buf)), 0);
}
END_TEST

START_TEST(test_read_corrupt_index)
{
    char buf[8192];

    memset(&intf, 0, sizeof(intf));
    intf.out_prod = 100000; /* far more than the 2 KiB ring ahead */
    ck_assert_uint_eq(tern_cons_read_output(&intf, buf, sizeof(buf)), sizeof(intf.out));
    ck_assert_uint_eq(intf.out_cons, 100000);
}
END_TEST

START_TEST(test_write_full)
{
    char in[2000];

    memset(&intf, 0, sizeof(intf));
    memset(in, 'x', sizeof(in));
    intf.in_cons = intf.in_prod = 0xfffffff0u; /* indexes wrap at 2^32 */
    ck_assert_uint_eq(tern_cons_write_input(&intf, in, sizeof(in)), sizeof(intf.in));
    ck_assert_uint_eq(tern_cons_write_input(&intf, in, 1), 0);
    intf.in_cons += 10;
    ck_assert_uint_eq(tern_cons_write_input(&intf, "hello world", 11), 10);
    intf.in_cons = intf.in_prod + 5000; /* consumer ahead of producer: corrupt */
    ck_assert_uint_eq(tern_cons_write_input(&intf, "a", 1), 0);
}
END_TEST

Suite *ring_suite(void)
{
    Suite *s = suite_create("console-ring");
    TCase *tc = tcase_create("ring");

    tcase_add_test(tc, test_read_wrap);
    tcase_add_test(tc, test_read_corrupt_index);
    tcase_add_test(tc, test_write_full);
    suite_add_tcase(s, tc);
    return s;
}
