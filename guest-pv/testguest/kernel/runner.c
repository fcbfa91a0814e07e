/*
 * Test runner: every case linked into the .tg_cases section, in name order, one TERN-TEST
 * line each, then the summary line.  Command line (DT /chosen/bootargs, xl's extra=):
 *   tern.cases=<prefix>[,<prefix>...]  run only cases whose name starts with one of these
 *   tern.role=a|b tern.peer=<domid>    two-guest runs: only cases flagged TG_NEEDS_PEER run
 * Cases flagged TG_EXPLICIT (benchmarks) run only when tern.cases= selects them.
 */
#include <tg/console.h>
#include <tg/format.h>
#include <tg/lib.h>
#include <tg/test.h>

extern const struct tg_case __tg_cases_start[], __tg_cases_end[];

struct tg_env tg_env;
static struct tg_result cur;

static void set(enum tg_outcome o, const char *fmt, va_list ap)
{
    tg_result_set(&cur, o, fmt, ap);
}

void tg_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set(TG_FAIL, fmt, ap);
    va_end(ap);
}

void tg_skip(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set(TG_SKIP, fmt, ap);
    va_end(ap);
}

void tg_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set(TG_ERROR, fmt, ap);
    va_end(ap);
}

/* Informational detail for a passing case (kept only while nothing worse is reported). */
void tg_note(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set(TG_PASS, fmt, ap);
    va_end(ap);
}

void tg_value(const char *label, long v)
{
    tg_result_add_value(&cur, label, v);
}

bool tg_expect_rc(const char *label, long got, long want)
{
    tg_value(label, got);
    if (got == want)
        return true;
    tg_fail("%s: got %ld, expected %ld", label, got, want);
    return false;
}

bool tg_expect_rc2(const char *label, long got, long want1, long want2)
{
    tg_value(label, got);
    if (got == want1 || got == want2)
        return true;
    tg_fail("%s: got %ld, expected %ld or %ld", label, got, want1, want2);
    return false;
}

bool tg_check(bool cond, const char *fmt, ...)
{
    if (cond)
        return true;
    va_list ap;
    va_start(ap, fmt);
    set(TG_FAIL, fmt, ap);
    va_end(ap);
    return false;
}

static bool selected(const struct tg_case *c, const char *filter)
{
    bool paired = tg_env.role != 0;

    if ((c->flags & TG_NEEDS_PEER) && !paired)
        return false;
    if ((c->flags & TG_SOLO) && paired)
        return false;
    if (!filter[0])
        return !(c->flags & TG_EXPLICIT);
    for (const char *p = filter; *p;) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);

        if (n && !strncmp(c->name, p, n))
            return true;
        if (!end)
            break;
        p = end + 1;
    }
    return false;
}

void run_all_cases(const char *filter)
{
    unsigned counts[4] = {0};
    char line[TG_DETAIL_MAX + TG_VALUE_MAX + 128];

    for (const struct tg_case *c = __tg_cases_start; c < __tg_cases_end; c++) {
        if (!selected(c, filter))
            continue;
        printk("# case %s: %s\n", c->name, c->summary);
        tg_result_init(&cur);
        c->run();
        tg_result_format(line, sizeof(line), c->name, &cur);
        printk("%s\n", line);
        counts[cur.outcome]++;
    }
    tg_summary_format(line, sizeof(line), counts);
    printk("%s\n", line);
}
