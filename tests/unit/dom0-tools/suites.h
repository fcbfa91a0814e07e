/* Check suites of the dom0-tools unit tests (one per file). */
#ifndef TERN_DOM0_TOOLS_SUITES_H
#define TERN_DOM0_TOOLS_SUITES_H

#include <check.h>

Suite *config_suite(void);
Suite *cmdtable_suite(void);
Suite *guest_suite(void);
Suite *ring_suite(void);
Suite *ctrl_suite(void);
Suite *events_suite(void);
Suite *xs_batch_suite(void);
Suite *devspec_suite(void);
Suite *devices_suite(void);
Suite *balloon_suite(void);
Suite *top_suite(void);
Suite *sched_suite(void);
Suite *netstats_suite(void);

#endif
