/* tern network-stats' output for one vif (dom0-tools/tern/cmd_netstats.c): the row, a
 * multi-queue vif's per-queue lines under the table's columns, and the JSON with "queues".
 * --switches: the switch files of a directory, by name, and their rows. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "capture.h"
#include "netstats.h"
#include "suites.h"

static struct netstats_vif two_queues(void)
{
    struct netstats_vif v = {.devid = 0,
                             .mac = "00:16:3e:00:00:11",
                             .st = {2730, 180234, 0, 0, 5831, 8773658, 0},
                             .qtx = {493, 2237},
                             .qrx = {1856, 3975},
                             .nq = 2};

    return v;
}

/* The column (0-based) just past the end of word in line. */
static long end_of(const char *line, const char *word)
{
    const char *p = strstr(line, word);

    ck_assert_ptr_nonnull(p);
    return (long)(p - line) + (long)strlen(word);
}

START_TEST(test_queue_lines)
{
    struct netstats_vif v = two_queues();
    const char *text, *q0, *q1;
    char header[256];
    FILE *f = capture();

    netstats_print_header(f);
    netstats_print_vif(f, &v);
    text = done(f);
    ck_assert_str_eq(text,
                     "Idx Mac Addr.         TX-packets     TX-bytes TX-drops TX-spoof RX-packets"
                     "     RX-bytes RX-drops\n"
                     "0   00:16:3e:00:00:11       2730       180234        0        0       5831"
                     "      8773658        0\n"
                     "      queue 0                493"
                     "                                      1856\n"
                     "      queue 1               2237"
                     "                                      3975\n");
    /* the queue's packets stand right under the TX-packets and RX-packets headings */
    snprintf(header, sizeof(header), "%.*s", (int)(strchr(text, '\n') - text), text);
    q0 = strstr(text, "      queue 0");
    q1 = strstr(text, "      queue 1");
    ck_assert_ptr_nonnull(q0);
    ck_assert_ptr_nonnull(q1);
    ck_assert_int_eq(end_of(q0, "493"), end_of(header, "TX-packets"));
    ck_assert_int_eq(end_of(q0, "1856"), end_of(header, "RX-packets"));
    ck_assert_int_eq(end_of(q1, "3975"), end_of(header, "RX-packets"));
}
END_TEST

/* One queue (its figures are the row's) or none (a backend before multi-queue): the row only. */
START_TEST(test_single_queue_row_only)
{
    struct netstats_vif v = two_queues();
    const char *row = "0   00:16:3e:00:00:11       2730       180234        0        0       5831"
                      "      8773658        0\n";
    FILE *f;

    for (unsigned nq = 0; nq < 2; nq++) {
        v.nq = nq;
        f = capture();
        netstats_print_vif(f, &v);
        ck_assert_str_eq(done(f), row);
    }
    f = capture();
    netstats_print_missing(f, 3);
    ck_assert_str_eq(done(f), "3   -                          -            -        -        -"
                              "          -            -        -\n");
}
END_TEST

/* --json: the object tern-netback writes, its keys unchanged, "queues" added when known. */
START_TEST(test_json)
{
    struct netstats_vif v = two_queues();
    uint64_t tx[NB_MAX_QUEUES], rx[NB_MAX_QUEUES];
    const char *old = "{\"domid\":5,\"devid\":0,\"mac\":\"00:16:3e:00:00:11\","
                      "\"tx\":{\"packets\":2730,\"bytes\":180234,\"drops\":0,\"spoofed\":0},"
                      "\"rx\":{\"packets\":5831,\"bytes\":8773658,\"drops\":0}";
    char buf[NB_STATS_FILE_MAX], want[NB_STATS_FILE_MAX];

    snprintf(want, sizeof(want),
             "%s,\"queues\":[{\"tx_packets\":493,\"rx_packets\":1856},"
             "{\"tx_packets\":2237,\"rx_packets\":3975}]}",
             old);
    ck_assert_int_eq(netstats_json_vif(buf, sizeof(buf), 5, &v), (int)strlen(want));
    ck_assert_str_eq(buf, want);
    ck_assert_int_eq(nb_stats_parse_queues(buf, tx, rx, NB_MAX_QUEUES), 2);
    ck_assert_uint_eq(rx[1], 3975);
    v.nq = 0;
    snprintf(want, sizeof(want), "%s}", old);
    ck_assert_int_eq(netstats_json_vif(buf, sizeof(buf), 5, &v), (int)strlen(want));
    ck_assert_str_eq(buf, want);
    strcpy(v.mac, "not a mac");
    ck_assert_int_eq(netstats_json_vif(buf, sizeof(buf), 5, &v), -1);
}
END_TEST

/* The file dir/file holding text, written as tern-netback writes its files. */
static void put_file(const char *dir, const char *file, const char *text)
{
    char path[128];

    snprintf(path, sizeof(path), "%s/%s", dir, file);
    ck_assert_int_eq(nb_stats_write(path, text), 0);
}

/* Every switch file, by name; one that does not parse, or names another switch, is there
 * with ok false; other files (vifs', temporaries) are not switches. */
START_TEST(test_read_switches)
{
    char dir[] = "/tmp/test_netstats.XXXXXX", json[NB_STATS_FILE_MAX], path[128];
    struct nb_switch_stats st = {10, 6000, 1, 20, 2};
    struct netstats_switch sw[4];
    static const char *files[] = {"switch-xenbr0.json", "switch-xenbr1.json",     "switch-lab.json",
                                  "switch-other.json",  "switch-xenbr0.json.tmp", "3.0.json"};

    ck_assert_int_eq(netstats_read_switches("/nonexistent/tern", sw, 4), -1);
    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_int_eq(netstats_read_switches(dir, sw, 4), 0);
    ck_assert_int_gt(nb_switch_stats_json(json, sizeof(json), "xenbr0", "veth", &st), 0);
    put_file(dir, "switch-xenbr0.json", json);
    put_file(dir, "switch-xenbr0.json.tmp", json); /* a write under way */
    put_file(dir, "3.0.json", "{}");               /* a vif's */
    put_file(dir, "switch-other.json", json);      /* names xenbr0 */
    put_file(dir, "switch-xenbr1.json", "{\"switch\":\"xenbr1\",\"dom0_port\":\"tap\"");
    ck_assert_int_gt(nb_switch_stats_json(json, sizeof(json), "lab", "tap", &st), 0);
    put_file(dir, "switch-lab.json", json);
    ck_assert_int_eq(netstats_read_switches(dir, sw, 4), 4);
    ck_assert_str_eq(sw[0].name, "lab");
    ck_assert(sw[0].ok);
    ck_assert_str_eq(sw[0].kind, "tap");
    ck_assert_str_eq(sw[1].name, "other");
    ck_assert(!sw[1].ok);
    ck_assert_str_eq(sw[2].name, "xenbr0");
    ck_assert(sw[2].ok);
    ck_assert_str_eq(sw[2].kind, "veth");
    ck_assert_uint_eq(sw[2].st.to_dom0_bytes, 6000);
    ck_assert_str_eq(sw[3].name, "xenbr1");
    ck_assert(!sw[3].ok);
    ck_assert_int_eq(netstats_read_switches(dir, sw, 2), 2); /* the first max, by name */
    ck_assert_str_eq(sw[1].name, "other");
    for (unsigned i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        unlink(path);
    }
    ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

START_TEST(test_switch_rows)
{
    struct netstats_switch sw = {
        .name = "xenbr0", .kind = "veth", .st = {123456, 98765432, 7, 4321, 2, 9}, .ok = true};
    FILE *f = capture();

    netstats_print_switch_header(f);
    netstats_print_switch(f, &sw);
    sw.ok = false;
    snprintf(sw.name, sizeof(sw.name), "lab");
    netstats_print_switch(f, &sw);
    ck_assert_str_eq(done(f), "Switch          Port   To-dom0-pkts   To-dom0-bytes To-dom0-drops"
                              " From-dom0-pkts From-dom0-bad  To-dom0-held\n"
                              "xenbr0          veth         123456        98765432             7"
                              "           4321             2             9\n"
                              "lab             -                 -               -             -"
                              "              -             -             -\n");
}
END_TEST

Suite *netstats_suite(void)
{
    Suite *s = suite_create("netstats");
    TCase *tc = tcase_create("format");

    tcase_add_test(tc, test_queue_lines);
    tcase_add_test(tc, test_single_queue_row_only);
    tcase_add_test(tc, test_json);
    tcase_add_test(tc, test_read_switches);
    tcase_add_test(tc, test_switch_rows);
    suite_add_tcase(s, tc);
    return s;
}
