/*
 * Writing a conformance case (tests/guest/<name>.c), in the manner of XTF:
 *
 *   static void run(void)
 *   {
 *       tg_expect_rc("bad_port", evtchn_close(0x7fffffff), XEN_ERR(EINVAL));
 *   }
 *   TG_CASE(evtchn_close, "EVTCHNOP_close: valid, double, out of range", run);
 *
 * The runner calls every compiled-in case in name order and prints one TERN-TEST line for
 * it (tg/report.h).  tg_expect_rc() records "label:rc" in the value list, which an oracle
 * file compares, and fails the case when rc differs from what Xen's documentation and
 * sources say; tg_value() records without judging.  tg_skip() for what this environment
 * cannot test, tg_error() for failures of the test's own setup.
 */
#ifndef TG_TEST_H
#define TG_TEST_H

#include "report.h"
#include "xen.h"

#define TG_NEEDS_PEER (1U << 0) /* only run with tern.role=a|b (two-guest runs) */
#define TG_SOLO       (1U << 1) /* only run without a peer */
#define TG_EXPLICIT   (1U << 2) /* only run when tern.cases= names it (benchmarks) */

struct tg_case {
    const char *name;
    const char *summary;
    void (*run)(void);
    unsigned flags;
};

#define TG_CASE_FLAGS(id, summary_, fn_, flags_)                                                   \
    static const struct tg_case tg_case_##id                                                       \
        __attribute__((used, section(".tg_cases." #id), aligned(8))) = {#id, summary_, fn_,        \
                                                                        flags_}
#define TG_CASE(id, summary_, fn_) TG_CASE_FLAGS(id, summary_, fn_, TG_SOLO)

/* What the runner learnt at boot, for the cases. */
struct tg_env {
    domid_t self; /* from xenstore "domid", else DOMID_SELF */
    bool self_known;
    domid_t peer; /* tern.peer=<domid> on the command line */
    bool peer_known;
    char role; /* 'a', 'b' or 0 */
    const void *fdt;
    uint64_t gnttab_region; /* /hypervisor reg[0] */
    uint32_t evtchn_ppi;
    uint64_t store_port, console_port;
};
extern struct tg_env tg_env;

void tg_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tg_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tg_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tg_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tg_value(const char *label, long v);
bool tg_expect_rc(const char *label, long got, long want);
/* Expect one of two results (where Xen's answer legitimately depends on configuration). */
bool tg_expect_rc2(const char *label, long got, long want1, long want2);
bool tg_check(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
