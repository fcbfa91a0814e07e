/* Unit tests: xs_wire helpers, path syntax, permission strings and the access rule. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../../xenstore-lite/proto/path.h"
#include "../../../xenstore-lite/proto/perms.h"
#include "../../../xenstore-lite/proto/wire.h"

START_TEST(error_names)
{
    ck_assert_str_eq(xsl_err_name(ENOENT), "ENOENT");
    ck_assert_str_eq(xsl_err_name(EAGAIN), "EAGAIN");
    ck_assert_str_eq(xsl_err_name(E2BIG), "E2BIG");
    ck_assert_int_eq(xsl_err_from_name("EACCES", 6), EACCES);
    ck_assert_int_eq(xsl_err_from_name("EQUOTA", 6), EINVAL);
    ck_assert_str_eq(xsl_type_name(XS_DIRECTORY_PART), "DIRECTORY_PART");
    ck_assert_str_eq(xsl_type_name(99), "UNKNOWN");
}
END_TEST

START_TEST(strings)
{
    const char buf[] = "a\0bc\0d";
    const char *argv[4];

    ck_assert_uint_eq(xsl_count_strings(buf, sizeof(buf) - 1), 2);
    ck_assert_uint_eq(xsl_split(buf, sizeof(buf) - 1, argv, 4), 2);
    ck_assert_str_eq(argv[1], "bc");
    ck_assert(xsl_onearg("abc", 4));
    ck_assert(!xsl_onearg("a\0b", 4));
    ck_assert(!xsl_onearg("abc", 3));
    ck_assert(!xsl_onearg("", 0));
}
END_TEST

START_TEST(numbers)
{
    unsigned long v;
    ck_assert(xsl_parse_uint("65535", 65535, &v) && v == 65535);
    ck_assert(!xsl_parse_uint("65536", 65535, &v));
    ck_assert(!xsl_parse_uint("", 10, &v));
    ck_assert(!xsl_parse_uint("1x", 10, &v));
    ck_assert(!xsl_parse_uint("-1", 10, &v));
    ck_assert(!xsl_parse_uint("99999999999999999999999", UINT32_MAX, &v));
}
END_TEST

START_TEST(path_syntax)
{
    ck_assert(xsl_path_valid("/", 2048));
    ck_assert(xsl_path_valid("/a/b-c_d@e/0", 2048));
    ck_assert(!xsl_path_valid("a", 2048));
    ck_assert(!xsl_path_valid("/a/", 2048));
    ck_assert(!xsl_path_valid("/a//b", 2048));
    ck_assert(!xsl_path_valid("/a b", 2048));
    ck_assert(!xsl_path_valid("/a.b", 2048));
    /* the quota counts characters after /local/domain/<id>/ */
    ck_assert(xsl_path_valid("/local/domain/12/abcd", 4));
    ck_assert(!xsl_path_valid("/local/domain/12/abcde", 4));
    ck_assert(!xsl_path_valid("/abcde", 4));
}
END_TEST

START_TEST(path_canon_and_family)
{
    char out[XSL_PATH_BUF];

    ck_assert(xsl_path_canon("device/vif", 7, out, sizeof(out)));
    ck_assert_str_eq(out, "/local/domain/7/device/vif");
    ck_assert(xsl_path_canon("/abs", 7, out, sizeof(out)));
    ck_assert_str_eq(out, "/abs");
    ck_assert(xsl_path_canon("@releaseDomain", 7, out, sizeof(out)));
    ck_assert_str_eq(out, "@releaseDomain");
    ck_assert(!xsl_path_canon("x", 7, out, 10));
    ck_assert(xsl_path_is_child("/a/b", "/a"));
    ck_assert(xsl_path_is_child("/a", "/a"));
    ck_assert(!xsl_path_is_child("/ab", "/a"));
    ck_assert(xsl_path_is_child("/anything", "/"));
    ck_assert_uint_eq(xsl_path_parent_len("/a/b"), 2);
    ck_assert_uint_eq(xsl_path_parent_len("/a"), 1);
    ck_assert_uint_eq(xsl_path_parent_len("/"), 0);
    ck_assert_str_eq(xsl_path_base("/a/bc"), "bc");
}
END_TEST

START_TEST(perm_strings)
{
    const char s[] = "w3\0r5\0b7\0n0";
    struct xsl_perm p[4];
    char buf[16];

    ck_assert_int_eq(xsl_perms_parse(s, 4, p), 0);
    ck_assert_uint_eq(p[0].id, 3);
    ck_assert_uint_eq(p[0].perms, XSL_PERM_WRITE);
    ck_assert_uint_eq(p[2].perms, XSL_PERM_READ | XSL_PERM_WRITE);
    ck_assert_uint_eq(p[3].perms, XSL_PERM_NONE);
    xsl_perm_format(&p[2], buf);
    ck_assert_str_eq(buf, "b7");
    ck_assert_int_eq(xsl_perms_parse("x1", 1, p), EINVAL);
    ck_assert_int_eq(xsl_perms_parse("r", 1, p), EINVAL);
    ck_assert_int_eq(xsl_perms_parse("r1a", 1, p), EINVAL);
}
END_TEST

START_TEST(access_rule)
{
    struct xsl_perm p[] = {{3, XSL_PERM_NONE}, {5, XSL_PERM_READ}, {6, XSL_PERM_WRITE}};
    struct xsl_who dom0 = {0, true, -1}, owner = {3, false, -1}, r = {5, false, -1},
                   w = {6, false, -1}, other = {9, false, -1}, tgt = {8, false, 3};
    const uint32_t all = XSL_PERM_READ | XSL_PERM_WRITE | XSL_PERM_OWNER;

    ck_assert_uint_eq(xsl_perm_for(p, 3, &dom0), all);
    ck_assert_uint_eq(xsl_perm_for(p, 3, &owner), all);
    ck_assert_uint_eq(xsl_perm_for(p, 3, &r), XSL_PERM_READ);
    ck_assert_uint_eq(xsl_perm_for(p, 3, &w), XSL_PERM_WRITE);
    ck_assert_uint_eq(xsl_perm_for(p, 3, &other), XSL_PERM_NONE);
    /* a device model with SET_TARGET 3 acts as its target */
    ck_assert_uint_eq(xsl_perm_for(p, 3, &tgt), all);
    p[0].perms = XSL_PERM_READ;
    ck_assert_uint_eq(xsl_perm_for(p, 3, &other), XSL_PERM_READ);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("xenstore-lite proto");
    TCase *tc = tcase_create("proto");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, error_names);
    tcase_add_test(tc, strings);
    tcase_add_test(tc, numbers);
    tcase_add_test(tc, path_syntax);
    tcase_add_test(tc, path_canon_and_family);
    tcase_add_test(tc, perm_strings);
    tcase_add_test(tc, access_rule);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
