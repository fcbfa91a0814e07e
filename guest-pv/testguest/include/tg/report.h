/*
 * Test outcomes and the machine-readable result line (pure code, host-testable).
 *
 * Every case ends in exactly one line:
 *   TERN-TEST case=<name> result=PASS|FAIL|SKIP|ERROR detail="<text>" value="<label:rc,...>"
 * `value` lists what the hypervisor returned at each recorded step, in order; it is what an
 * oracle file pins.  `detail` is free text (may contain run-dependent numbers such as domids)
 * and is never compared.  Outcomes are ordered PASS < SKIP < FAIL < ERROR: a case keeps the
 * worst one reported (as in XTF: an error in the test's own setup outranks a failure).
 */
#ifndef TG_REPORT_H
#define TG_REPORT_H

#include "types.h"

enum tg_outcome {
    TG_PASS = 0,
    TG_SKIP,
    TG_FAIL,
    TG_ERROR,
};

#define TG_DETAIL_MAX 200
#define TG_VALUE_MAX  600

struct tg_result {
    enum tg_outcome outcome;
    char detail[TG_DETAIL_MAX];
    char value[TG_VALUE_MAX];
    size_t value_len;
    bool value_truncated;
};

void tg_result_init(struct tg_result *r);
const char *tg_outcome_name(enum tg_outcome o);
/* Raise the outcome to `o` (never lowers it); the first detail given for the worst outcome
 * is kept. */
void tg_result_set(struct tg_result *r, enum tg_outcome o, const char *fmt, va_list ap);
/* Append "label:value" to the value list. */
void tg_result_add_value(struct tg_result *r, const char *label, long v);
/* Format the result line (without newline) into buf; returns its length. Quotes, backslashes
 * and control characters in detail are escaped so the line stays one parseable line. */
int tg_result_format(char *buf, size_t size, const char *case_name, const struct tg_result *r);
/* Summary line: "TERN-TEST-SUMMARY total=N pass=P fail=F skip=S error=E". */
int tg_summary_format(char *buf, size_t size, const unsigned counts[4]);

#endif
