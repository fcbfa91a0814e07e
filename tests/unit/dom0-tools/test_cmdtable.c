/* The command table: every xl command the issue lists is present, once, with a handler. */
#include <string.h>
#include "cmdtable.h"
#include "suites.h"

static const char *const required[] = {"create",    "list",    "destroy", "shutdown", "reboot",
                                       "pause",     "unpause", "console", "mem-set",  "mem-max",
                                       "vcpu-list", "info",    "dmesg",   "domid",    "domname",
                                       "uptime",    "help"};

START_TEST(test_required_commands)
{
    const struct tern_cmd *cmd = tern_cmd_find(required[_i]);

    ck_assert_msg(cmd != NULL, "command %s missing", required[_i]);
    ck_assert_ptr_nonnull(cmd->fn);
    ck_assert_ptr_nonnull(cmd->usage);
    ck_assert_ptr_nonnull(cmd->help);
}
END_TEST

START_TEST(test_unique_and_unknown)
{
    for (size_t i = 0; i < tern_cmd_count; i++)
        for (size_t j = i + 1; j < tern_cmd_count; j++)
            ck_assert_str_ne(tern_cmd_table[i].name, tern_cmd_table[j].name);
    ck_assert_ptr_null(tern_cmd_find("frobnicate"));
    ck_assert_ptr_null(tern_cmd_find(""));
    /* Everything that touches domains needs the hypervisor; help does not. */
    ck_assert_uint_eq(tern_cmd_find("help")->needs, 0);
    ck_assert(tern_cmd_find("create")->needs & TERN_NEED_XS);
}
END_TEST

Suite *cmdtable_suite(void)
{
    Suite *s = suite_create("cmdtable");
    TCase *tc = tcase_create("table");

    tcase_add_loop_test(tc, test_required_commands, 0, sizeof(required) / sizeof(required[0]));
    tcase_add_test(tc, test_unique_and_unknown);
    suite_add_tcase(s, tc);
    return s;
}
