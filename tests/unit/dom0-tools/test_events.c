/* tern-consoled's event plumbing: watch event dispatch by token, console watch naming, and
 * finding a rival console daemon in a /proc-like directory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "suites.h"
#include "events.h"

START_TEST(test_classify)
{
    struct tern_cw_event ev;
    char path[64], token[64];

    ev = tern_cw_classify("@introduceDomain", TERN_CW_TOKEN_DOMAINS);
    ck_assert_int_eq(ev.action, TERN_CW_SCAN);
    ev = tern_cw_classify("@releaseDomain", TERN_CW_TOKEN_DOMAINS);
    ck_assert_int_eq(ev.action, TERN_CW_SCAN);
    tern_cw_console_watch(17, path, sizeof(path), token, sizeof(token));
    ck_assert_str_eq(path, "/local/domain/17/console");
    ev = tern_cw_classify("/local/domain/17/console/ring-ref", token);
    ck_assert_int_eq(ev.action, TERN_CW_ATTACH);
    ck_assert_uint_eq(ev.domid, 17);
    /* Not ours, malformed or out of range: ignored. */
    ck_assert_int_eq(tern_cw_classify("/x", "other").action, TERN_CW_IGNORE);
    ck_assert_int_eq(tern_cw_classify("/x", TERN_CW_TOKEN_DOMAINS "x").action, TERN_CW_IGNORE);
    ck_assert_int_eq(tern_cw_classify("/x", TERN_CW_TOKEN_CONSOLE).action, TERN_CW_IGNORE);
    ck_assert_int_eq(tern_cw_classify("/x", TERN_CW_TOKEN_CONSOLE "12a").action, TERN_CW_IGNORE);
    ck_assert_int_eq(tern_cw_classify("/x", TERN_CW_TOKEN_CONSOLE "-1").action, TERN_CW_IGNORE);
    ck_assert_int_eq(tern_cw_classify("/x", TERN_CW_TOKEN_CONSOLE "32752").action, TERN_CW_IGNORE);
    ck_assert_int_eq(tern_cw_classify(NULL, TERN_CW_TOKEN_DOMAINS).action, TERN_CW_IGNORE);
}
END_TEST

static void fake_proc(const char *root, const char *pid, const char *comm, char state)
{
    char path[256];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", root, pid);
    ck_assert_int_eq(mkdir(path, 0755), 0);
    snprintf(path, sizeof(path), "%s/%s/comm", root, pid);
    f = fopen(path, "w");
    fprintf(f, "%s\n", comm);
    fclose(f);
    snprintf(path, sizeof(path), "%s/%s/stat", root, pid);
    f = fopen(path, "w");
    fprintf(f, "%s (%s) %c 1 1 1\n", pid, comm, state);
    fclose(f);
}

START_TEST(test_find_process)
{
    char root[] = "/tmp/tern-test-proc-XXXXXX";
    char cmd[128];

    ck_assert_ptr_nonnull(mkdtemp(root));
    fake_proc(root, "1", "init", 'S');
    fake_proc(root, "42", "xenconsoled", 'S');
    fake_proc(root, "50", "tern-consoled", 'R');
    fake_proc(root, "60", "tern-consoled", 'Z');
    snprintf(cmd, sizeof(cmd), "%s/self", root);
    ck_assert_int_eq(mkdir(cmd, 0755), 0); /* not a pid: skipped */
    ck_assert_int_eq(tern_find_process(root, "xenconsoled", 1), 42);
    ck_assert_int_eq(tern_find_process(root, "xenconsoled", 42), 0);   /* ourselves */
    ck_assert_int_eq(tern_find_process(root, "tern-consoled", 50), 0); /* only a zombie left */
    ck_assert_int_eq(tern_find_process(root, "tern-consoled", 1), 50);
    ck_assert_int_eq(tern_find_process(root, "xenstored", 1), 0);
    ck_assert_int_eq(tern_find_process("/nonexistent-proc", "init", 0), 0);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

Suite *events_suite(void)
{
    Suite *s = suite_create("consoled-events");
    TCase *tc = tcase_create("events");

    tcase_add_test(tc, test_classify);
    tcase_add_test(tc, test_find_process);
    suite_add_tcase(s, tc);
    return s;
}
