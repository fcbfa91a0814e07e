/* Host unit tests for the test guest's device-tree reader (guest-pv/testguest/kernel/fdt.c),
 * on a tree shaped like the one libxl builds for a domU (built here with libfdt). */
#include <check.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include <tg/fdt.h>

static char blob[4096];

static void build_domu_tree(void)
{
    fdt32_t irq[3] = {cpu_to_fdt32(1), cpu_to_fdt32(15), cpu_to_fdt32(0xf08)};
    fdt64_t mem[2] = {cpu_to_fdt64(0x40000000), cpu_to_fdt64(0x2000000)};
    fdt64_t gnt[2] = {cpu_to_fdt64(0x38000000), cpu_to_fdt64(0x1000000)};

    ck_assert_int_eq(fdt_create(blob, sizeof(blob)), 0);
    fdt_finish_reservemap(blob);
    fdt_begin_node(blob, "");
    fdt_property_string(blob, "compatible", "xen,xenvm-4.17");
    fdt_begin_node(blob, "chosen");
    fdt_property_string(blob, "bootargs", "tern.role=b tern.peer=3");
    fdt_end_node(blob);
    fdt_begin_node(blob, "cpus");
    fdt_begin_node(blob, "cpu@0");
    fdt_property_u32(blob, "reg", 0);
    fdt_end_node(blob);
    fdt_end_node(blob);
    fdt_begin_node(blob, "memoryx"); /* must not match "memory" */
    fdt_property_u32(blob, "reg", 7);
    fdt_end_node(blob);
    fdt_begin_node(blob, "memory@40000000");
    fdt_property(blob, "reg", mem, sizeof(mem));
    fdt_end_node(blob);
    fdt_begin_node(blob, "hypervisor");
    fdt_property(blob, "reg", gnt, sizeof(gnt));
    fdt_property(blob, "interrupts", irq, sizeof(irq));
    fdt_end_node(blob);
    fdt_end_node(blob);
    ck_assert_int_eq(fdt_finish(blob), 0);
}

START_TEST(test_domu_tree)
{
    uint32_t len = 0;
    const uint8_t *p;

    build_domu_tree();
    ck_assert(fdt_valid(blob));
    ck_assert_uint_eq(fdt_total_size(blob), fdt_totalsize(blob));
    p = fdt_get_prop(blob, "/chosen", "bootargs", &len);
    ck_assert_ptr_nonnull(p);
    ck_assert_str_eq((const char *)p, "tern.role=b tern.peer=3");
    p = fdt_get_prop(blob, "/memory", "reg", &len);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(len, 16);
    ck_assert_uint_eq(fdt64(p), 0x40000000);
    ck_assert_uint_eq(fdt64(p + 8), 0x2000000);
    p = fdt_get_prop(blob, "/hypervisor", "interrupts", &len);
    ck_assert_uint_eq(fdt32(p + 4) + 16, 31);
    p = fdt_get_prop(blob, "/hypervisor", "reg", &len);
    ck_assert_uint_eq(fdt64(p), 0x38000000);
    /* nested path; absent node; absent property; a property of the root */
    p = fdt_get_prop(blob, "/cpus/cpu", "reg", &len);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(fdt32(p), 0);
    ck_assert_ptr_null(fdt_get_prop(blob, "/cpu", "reg", &len));
    ck_assert_ptr_null(fdt_get_prop(blob, "/chosen", "stdout-path", &len));
    ck_assert_ptr_nonnull(fdt_get_prop(blob, "/", "compatible", &len));
}
END_TEST

START_TEST(test_not_a_tree)
{
    static char junk[64];

    ck_assert(!fdt_valid(junk));
    ck_assert(!fdt_valid(NULL));
    ck_assert_ptr_null(fdt_get_prop(junk, "/chosen", "bootargs", NULL));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("testguest-fdt");
    TCase *tc = tcase_create("core");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_domu_tree);
    tcase_add_test(tc, test_not_a_tree);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
