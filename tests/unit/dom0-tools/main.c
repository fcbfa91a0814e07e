/* dom0-tools unit tests: config parser, command table, domain builder pieces, console ring
 * and libxenctrl's hypercall encoding (against the fake back ends). */
#include <stdlib.h>
#include "suites.h"

int main(void)
{
    SRunner *sr = srunner_create(config_suite());
    int failed;

    srunner_add_suite(sr, cmdtable_suite());
    srunner_add_suite(sr, guest_suite());
    srunner_add_suite(sr, ring_suite());
    srunner_add_suite(sr, ctrl_suite());
    srunner_add_suite(sr, events_suite());
    srunner_add_suite(sr, xs_batch_suite());
    srunner_add_suite(sr, devspec_suite());
    srunner_add_suite(sr, devices_suite());
    srunner_add_suite(sr, balloon_suite());
    srunner_add_suite(sr, top_suite());
    srunner_add_suite(sr, sched_suite());
    srunner_add_suite(sr, netstats_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
