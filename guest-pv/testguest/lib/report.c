/* Test outcomes and the TERN-TEST result line; see tg/report.h for the format. */
#include <tg/format.h>
#include <tg/report.h>

static const char *const outcome_names[] = {
    [TG_PASS] = "PASS",
    [TG_SKIP] = "SKIP",
    [TG_FAIL] = "FAIL",
    [TG_ERROR] = "ERROR",
};

void tg_result_init(struct tg_result *r)
{
    r->outcome = TG_PASS;
    r->detail[0] = '\0';
    r->value[0] = '\0';
    r->value_len = 0;
    r->value_truncated = false;
}

const char *tg_outcome_name(enum tg_outcome o)
{
    return (unsigned)o < ARRAY_SIZE(outcome_names) ? outcome_names[o] : "ERROR";
}

void tg_result_set(struct tg_result *r, enum tg_outcome o, const char *fmt, va_list ap)
{
    /* Keep the first explanation of the worst outcome: later ones are usually consequences. */
    if (o < r->outcome || (o == r->outcome && r->detail[0]))
        return;
    r->outcome = o;
    tg_vsnprintf(r->detail, sizeof(r->detail), fmt, ap);
}

void tg_result_add_value(struct tg_result *r, const char *label, long v)
{
    char item[64];
    int n = tg_snprintf(item, sizeof(item), "%s%s:%ld", r->value_len ? "," : "", label, v);

    if (n < 0 || (size_t)n >= sizeof(item) || r->value_len + (size_t)n + 1 > sizeof(r->value)) {
        r->value_truncated = true;
        return;
    }
    for (int i = 0; i <= n; i++)
        r->value[r->value_len + i] = item[i];
    r->value_len += (size_t)n;
}

/* Append s to buf at *len with line-safe escaping. */
static void append_escaped(char *buf, size_t size, size_t *len, const char *s)
{
    for (; *s; s++) {
        char esc[5];
        int n;
        unsigned char c = (unsigned char)*s;

        if (c == '"' || c == '\\')
            n = tg_snprintf(esc, sizeof(esc), "\\%c", c);
        else if (c < 0x20 || c >= 0x7f)
            n = tg_snprintf(esc, sizeof(esc), "\\x%02x", c);
        else
            n = tg_snprintf(esc, sizeof(esc), "%c", c);
        for (int i = 0; i < n; i++) {
            if (*len + 1 < size)
                buf[*len] = esc[i];
            (*len)++;
        }
    }
    if (size)
        buf[*len < size ? *len : size - 1] = '\0';
}

static void append(char *buf, size_t size, size_t *len, const char *s)
{
    int n = tg_snprintf(*len < size ? buf + *len : NULL, *len < size ? size - *len : 0, "%s", s);
    *len += (size_t)n;
}

int tg_result_format(char *buf, size_t size, const char *case_name, const struct tg_result *r)
{
    size_t len = 0;

    append(buf, size, &len, "TERN-TEST case=");
    append(buf, size, &len, case_name);
    append(buf, size, &len, " result=");
    append(buf, size, &len, tg_outcome_name(r->outcome));
    append(buf, size, &len, " detail=\"");
    append_escaped(buf, size, &len, r->detail);
    append(buf, size, &len, "\" value=\"");
    append_escaped(buf, size, &len, r->value);
    if (r->value_truncated)
        append(buf, size, &len, ",...");
    append(buf, size, &len, "\"");
    return (int)len;
}

int tg_summary_format(char *buf, size_t size, const unsigned counts[4])
{
    return tg_snprintf(buf, size, "TERN-TEST-SUMMARY total=%u pass=%u fail=%u skip=%u error=%u",
                       counts[TG_PASS] + counts[TG_FAIL] + counts[TG_SKIP] + counts[TG_ERROR],
                       counts[TG_PASS], counts[TG_FAIL], counts[TG_SKIP], counts[TG_ERROR]);
}
