/* xl.cfg parser, libxlu's grammar: statements `key = value` or `key += value` (append to
 * the key's list, or join strings), each ended by a newline or ';'; values are "strings",
 * 'strings', integers or [ lists of strings and numbers ] (which may span lines and end
 * with a ','); '#' starts a comment.  Each key is one row in key_rules[] with its type and
 * how it is applied. Errors name file:line. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "config.h"
#include "cpumap.h"

#define MAX_LIST   TERN_MAX_DEVICES
#define MAX_STRING 1024

/* V_STRING_OR_LIST is a rule's type only (xl's cpus=: one string or a list of them). */
enum vtype { V_STRING, V_NUMBER, V_LIST, V_STRING_OR_LIST };

struct value {
    enum vtype type;
    char str[MAX_STRING];
    long long num;
    char items[MAX_LIST][MAX_STRING / 4];
    unsigned int nr_items;
};

struct parser {
    const char *file;
    const char *p;
    int line;
    char *err;
    size_t errlen;
};

static int perr(struct parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int perr(struct parser *ps, const char *fmt, ...)
{
    va_list al;
    int n = snprintf(ps->err, ps->errlen, "%s:%d: ", ps->file, ps->line);

    va_start(al, fmt);
    if (n >= 0 && (size_t)n < ps->errlen)
        vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, al);
    va_end(al);
    return -1;
}

static const char *const action_names[] = {
    [TERN_ACTION_DESTROY] = "destroy",
    [TERN_ACTION_RESTART] = "restart",
    [TERN_ACTION_RENAME_RESTART] = "rename-restart",
    [TERN_ACTION_PRESERVE] = "preserve",
    [TERN_ACTION_COREDUMP_DESTROY] = "coredump-destroy",
    [TERN_ACTION_COREDUMP_RESTART] = "coredump-restart",
    [TERN_ACTION_SOFT_RESET] = "soft-reset",
};

const char *tern_action_name(enum tern_action a)
{
    return (unsigned)a < sizeof(action_names) / sizeof(action_names[0]) ? action_names[a] : "?";
}

int tern_action_parse(const char *s, enum tern_action *a)
{
    for (unsigned i = 0; i < sizeof(action_names) / sizeof(action_names[0]); i++) {
        if (!strcmp(s, action_names[i])) {
            *a = (enum tern_action)i;
            return 0;
        }
    }
    return -1;
}

int tern_parse_size_kb(const char *s, uint64_t default_unit_bytes, uint64_t *kb)
{
    char *end;
    unsigned long long v;
    uint64_t mult = default_unit_bytes;

    if (!isdigit((unsigned char)*s))
        return -1;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno)
        return -1;
    switch (tolower((unsigned char)*end)) {
    case '\0':
        break;
    case 'b':
        mult = 1;
        break;
    case 'k':
        mult = 1ULL << 10;
        break;
    case 'm':
        mult = 1ULL << 20;
        break;
    case 'g':
        mult = 1ULL << 30;
        break;
    case 't':
        mult = 1ULL << 40;
        break;
    default:
        return -1;
    }
    if (*end && end[1] && !(tolower((unsigned char)end[1]) == 'b' && !end[2]))
        return -1;
    if (v > (UINT64_MAX >> 10) / mult)
        return -1;
    *kb = v * mult >> 10;
    return 0;
}

void tern_config_init(struct tern_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->memory_mib = 128; /* xl's default */
    cfg->vcpus = 1;
    cfg->on_poweroff = TERN_ACTION_DESTROY;
    cfg->on_reboot = TERN_ACTION_RESTART;
    cfg->on_crash = TERN_ACTION_DESTROY;
}

/* ---------------------------------------------------------------- key table */

typedef int apply_fn(struct tern_config *cfg, const struct value *v, char *err, size_t errlen);

static int set_str(char *dst, size_t size, const struct value *v, char *err, size_t errlen)
{
    if (strlen(v->str) >= size) {
        snprintf(err, errlen, "value too long (max %zu characters)", size - 1);
        return -1;
    }
    strcpy(dst, v->str);
    return 0;
}

static int apply_name(struct tern_config *cfg, const struct value *v, char *err, size_t errlen)
{
    if (!v->str[0]) {
        snprintf(err, errlen, "name must not be empty");
        return -1;
    }
    for (const char *c = v->str; *c; c++) {
        if (!isalnum((unsigned char)*c) && !strchr("-_.", *c)) {
            snprintf(err, errlen, "name '%s': only letters, digits, '-', '_' and '.' allowed",
                     v->str);
            return -1;
        }
    }
    if (!strcmp(v->str, "Domain-0")) {
        snprintf(err, errlen, "name 'Domain-0' is reserved for dom0");
        return -1;
    }
    return set_str(cfg->name, sizeof(cfg->name), v, err, errlen);
}

static int apply_uuid(struct tern_config *cfg, const struct value *v, char *err, size_t errlen)
{
    static const char pat[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";

    for (int i = 0; i < 37; i++) {
        if (pat[i] == 'x' ? !isxdigit((unsigned char)v->str[i]) : v->str[i] != pat[i]) {
            snprintf(err, errlen, "uuid '%s' is not of the form %s", v->str, pat);
            return -1;
        }
    }
    return set_str(cfg->uuid, sizeof(cfg->uuid), v, err, errlen);
}

static int range(long long n, long long lo, long long hi, const char *what, char *err,
                 size_t errlen)
{
    if (n < lo || n > hi) {
        snprintf(err, errlen, "%s %lld out of range [%lld, %lld]", what, n, lo, hi);
        return -1;
    }
    return 0;
}

static int apply_memory(struct tern_config *cfg, const struct value *v, char *err, size_t errlen)
{
    if (range(v->num, 8, 1 << 20, "memory (MiB)", err, errlen) < 0)
        return -1;
    cfg->memory_mib = (uint64_t)v->num;
    return 0;
}

static int apply_maxmem(struct tern_config *cfg, const struct value *v, char *err, size_t errlen)
{
    if (range(v->num, 8, 1 << 20, "maxmem (MiB)", err, errlen) < 0)
        return -1;
    cfg->maxmem_mib = (uint64_t)v->num;
    return 0;
}

/* Ours: the floor tern-balloond never takes the guest below (memory/tern-floor). */
static int apply_mem_floor(struct tern_config *cfg, const struct value *v, char *err, size_t errlen)
{
    if (range(v->num, 8, 1 << 20, "tern_mem_floor (MiB)", err, errlen) < 0)
        return -1;
    cfg->mem_floor_mib = (uint64_t)v->num;
    return 0;
}

static int apply_vcpus(struct tern_config *cfg, const struct value *v, char *err, size_t errlen)
{
    if (range(v->num, 1, 128, "vcpus", err, errlen) < 0)
        return -1;
    cfg->vcpus = (unsigned)v->num;
    return 0;
}

static int apply_maxvcpus(struct tern_config *cfg, const struct value *v, char *err, size_t errlen)
{
    if (range(v->num, 1, 128, "maxvcpus", err, errlen) < 0)
        return -1;
    cfg->maxvcpus = (unsigned)v->num;
    return 0;
}

static int apply_kernel(struct tern_config *cfg, const struct value *v, char *err, size_t errlen)
{
    return set_str(cfg->kernel, sizeof(cfg->kernel), v, err, errlen);
}

static int apply_ramdisk(struct tern_config *cfg, const struct value *v, char *err, size_t errlen)
{
    return set_str(cfg->ramdisk, sizeof(cfg->ramdisk), v, err, errlen);
}

static int apply_cmdline(struct tern_config *cfg, const struct value *v, char *err, size_t errlen)
{
    return set_str(cfg->cmdline, sizeof(cfg->cmdline), v, err, errlen);
}

static int apply_action(enum tern_action *a, const struct value *v, char *err, size_t errlen)
{
    if (tern_action_parse(v->str, a) < 0) {
        snprintf(err, errlen,
                 "'%s' is not an action (destroy, restart, rename-restart, preserve, "
                 "coredump-destroy, coredump-restart, soft-reset)",
                 v->str);
        return -1;
    }
    return 0;
}

static int apply_on_poweroff(struct tern_config *cfg, const struct value *v, char *err,
                             size_t errlen)
{
    return apply_action(&cfg->on_poweroff, v, err, errlen);
}

static int apply_on_reboot(struct tern_config *cfg, const struct value *v, char *err, size_t errlen)
{
    return apply_action(&cfg->on_reboot, v, err, errlen);
}

static int apply_on_crash(struct tern_config *cfg, const struct value *v, char *err, size_t errlen)
{
    return apply_action(&cfg->on_crash, v, err, errlen);
}

static int apply_disk(struct tern_config *cfg, const struct value *v, char *err, size_t errlen)
{
    cfg->nr_disks = 0;
    for (unsigned i = 0; i < v->nr_items; i++) {
        char derr[256];

        if (tern_disk_parse(v->items[i], &cfg->disks[i], derr, sizeof(derr)) < 0) {
            snprintf(err, errlen, "disk %u: %s", i, derr);
            return -1;
        }
        for (unsigned j = 0; j < i; j++) {
            if (cfg->disks[j].devid == cfg->disks[i].devid) {
                snprintf(err, errlen, "disk %u: vdev %s is the same device as disk %u's (%s)", i,
                         cfg->disks[i].vdev, j, cfg->disks[j].vdev);
                return -1;
            }
        }
        cfg->nr_disks++;
    }
    return 0;
}

static int apply_vif(struct tern_config *cfg, const struct value *v, char *err, size_t errlen)
{
    cfg->nr_vifs = 0;
    for (unsigned i = 0; i < v->nr_items; i++) {
        char verr[256];

        if (tern_vif_parse(v->items[i], &cfg->vifs[i], verr, sizeof(verr)) < 0) {
            snprintf(err, errlen, "vif %u: %s", i, verr);
            return -1;
        }
        for (unsigned j = 0; j < i && cfg->vifs[i].mac[0]; j++) {
            if (!strcmp(cfg->vifs[j].mac, cfg->vifs[i].mac)) {
                snprintf(err, errlen, "vif %u: mac %s already used by vif %u", i, cfg->vifs[i].mac,
                         j);
                return -1;
            }
        }
        cfg->nr_vifs++;
    }
    return 0;
}

static int apply_cpu_weight(struct tern_config *cfg, const struct value *v, char *err,
                            size_t errlen)
{
    if (range(v->num, 1, 65535, "cpu_weight", err, errlen) < 0)
        return -1;
    cfg->cpu_weight = (unsigned int)v->num;
    return 0;
}

static int apply_cap(struct tern_config *cfg, const struct value *v, char *err, size_t errlen)
{
    if (range(v->num, 0, 65534, "cap", err, errlen) < 0)
        return -1;
    cfg->cap = (unsigned int)v->num;
    return 0;
}

/* xl's cpus= / cpus_soft=: a string for every vCPU, or a list with one string per vCPU. */
static int parse_affinity(struct tern_affinity *a, const struct value *v, char *err, size_t errlen)
{
    char ierr[200];

    memset(a, 0, sizeof(*a));
    if (v->type == V_STRING) {
        a->n = 1;
        return tern_cpumap_parse(v->str, 64, &a->mask[0], err, errlen);
    }
    if (!v->nr_items) {
        snprintf(err, errlen, "an empty list (give \"all\" for no pinning)");
        return -1;
    }
    for (unsigned int i = 0; i < v->nr_items; i++)
        if (tern_cpumap_parse(v->items[i], 64, &a->mask[i], ierr, sizeof(ierr)) < 0) {
            snprintf(err, errlen, "vCPU %u: %s", i, ierr);
            return -1;
        }
    a->n = v->nr_items;
    a->per_vcpu = 1;
    return 0;
}

uint64_t tern_config_affinity(const struct tern_affinity *a, unsigned int vcpu)
{
    if (!a->per_vcpu)
        return a->mask[0];
    return vcpu < a->n ? a->mask[vcpu] : TERN_CPUMAP_ALL;
}

static int apply_cpus(struct tern_config *cfg, const struct value *v, char *err, size_t errlen)
{
    cfg->has_cpus = 1;
    return parse_affinity(&cfg->cpus, v, err, errlen);
}

static int apply_cpus_soft(struct tern_config *cfg, const struct value *v, char *err, size_t errlen)
{
    cfg->has_cpus_soft = 1;
    return parse_affinity(&cfg->cpus_soft, v, err, errlen);
}

/* Keys xl accepts that have no effect on an Arm PV-style guest here. */
static int apply_ignored(struct tern_config *cfg, const struct value *v, char *err, size_t errlen)
{
    return 0;
}

static const struct key_rule {
    const char *key;
    enum vtype type;
    apply_fn *apply;
} key_rules[] = {
    {"name", V_STRING, apply_name},
    {"uuid", V_STRING, apply_uuid},
    {"memory", V_NUMBER, apply_memory},
    {"maxmem", V_NUMBER, apply_maxmem},
    {"tern_mem_floor", V_NUMBER, apply_mem_floor},
    {"vcpus", V_NUMBER, apply_vcpus},
    {"maxvcpus", V_NUMBER, apply_maxvcpus},
    {"kernel", V_STRING, apply_kernel},
    {"ramdisk", V_STRING, apply_ramdisk},
    {"extra", V_STRING, apply_cmdline},
    {"cmdline", V_STRING, apply_cmdline},
    {"on_poweroff", V_STRING, apply_on_poweroff},
    {"on_reboot", V_STRING, apply_on_reboot},
    {"on_crash", V_STRING, apply_on_crash},
    {"disk", V_LIST, apply_disk},
    {"vif", V_LIST, apply_vif},
    {"cpu_weight", V_NUMBER, apply_cpu_weight},
    {"cap", V_NUMBER, apply_cap},
    {"cpus", V_STRING_OR_LIST, apply_cpus},
    {"cpus_soft", V_STRING_OR_LIST, apply_cpus_soft},
    {"acpi", V_NUMBER, apply_ignored},
    {"type", V_STRING, apply_ignored},
    {"gic_version", V_STRING, apply_ignored},
};

/* ---------------------------------------------------------------- tokenizer */

static void skip_space(struct parser *ps, int newlines)
{
    for (;;) {
        if (*ps->p == '#') {
            while (*ps->p && *ps->p != '\n')
                ps->p++;
        } else if (*ps->p == '\n' && newlines) {
            ps->line++;
            ps->p++;
        } else if (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\r') {
            ps->p++;
        } else {
            return;
        }
    }
}

static int parse_string(struct parser *ps, char *out, size_t size)
{
    char quote = *ps->p++;
    size_t n = 0;

    for (;;) {
        char c = *ps->p++;

        if (c == '\0' || c == '\n')
            return perr(ps, "unterminated string");
        if (c == quote)
            break;
        if (c == '\\' && quote == '"') {
            c = *ps->p++;
            switch (c) {
            case 'n':
                c = '\n';
                break;
            case 't':
                c = '\t';
                break;
            case '\\':
            case '"':
            case '\'':
                break;
            default:
                return perr(ps, "unknown escape '\\%c' in string", c ? c : '0');
            }
        }
        if (n + 1 >= size)
            return perr(ps, "string longer than %zu characters", size - 1);
        out[n++] = c;
    }
    out[n] = '\0';
    return 0;
}

static int parse_value(struct parser *ps, struct value *v)
{
    if (*ps->p == '"' || *ps->p == '\'') {
        v->type = V_STRING;
        return parse_string(ps, v->str, sizeof(v->str));
    }
    if (isdigit((unsigned char)*ps->p) || *ps->p == '-') {
        char *end;

        errno = 0;
        v->num = strtoll(ps->p, &end, 0);
        if (errno || end == ps->p || isalnum((unsigned char)*end) || *end == '.')
            return perr(ps, "malformed number");
        v->type = V_NUMBER;
        snprintf(v->str, sizeof(v->str), "%lld", v->num);
        ps->p = end;
        return 0;
    }
    if (*ps->p == '[') {
        v->type = V_LIST;
        v->nr_items = 0;
        ps->p++;
        for (;;) {
            skip_space(ps, 1);
            if (*ps->p == ']') {
                ps->p++;
                return 0;
            }
            if (*ps->p == '[')
                return perr(ps, "lists inside lists are not supported");
            if (*ps->p != '"' && *ps->p != '\'' && !isdigit((unsigned char)*ps->p))
                return perr(ps, *ps->p ? "expected a string or ']' in list"
                                       : "list not closed with ']'");
            if (v->nr_items == MAX_LIST)
                return perr(ps, "more than %d list items", MAX_LIST);
            if (isdigit((unsigned char)*ps->p)) {
                /* A number is an atom like a string (libxlu): kept as its text. */
                size_t n = 0;

                while (isalnum((unsigned char)*ps->p) || *ps->p == '.') {
                    if (n + 1 >= sizeof(v->items[0]))
                        return perr(ps, "list item too long");
                    v->items[v->nr_items][n++] = *ps->p++;
                }
                v->items[v->nr_items][n] = '\0';
            } else if (parse_string(ps, v->items[v->nr_items], sizeof(v->items[0])) < 0) {
                return -1;
            }
            v->nr_items++;
            skip_space(ps, 1);
            if (*ps->p == ',')
                ps->p++;
            else if (*ps->p != ']')
                return perr(ps, "expected ',' or ']' in list");
        }
    }
    return perr(ps, "expected a value (\"string\", number or [list])");
}

static const char *const type_names[] = {"a string", "a number", "a list", "a string or a list"};

/* One setting of a text: the last `key = value` of that key, with what `key += value`
 * statements appended (libxlu keeps every statement; its readers see the last). */
struct setting {
    char key[64];
    int line; /* of the statement that last changed it */
    struct value *v;
};

#define MAX_SETTINGS 128

/* key += value (libxlu's XLU_OP_ADDITION): lists are concatenated and strings joined;
 * a number is a string of digits there, so 1 += 2 is 12. */
static int append_value(struct parser *ps, const char *key, struct value *prev,
                        const struct value *add)
{
    if ((prev->type == V_LIST) != (add->type == V_LIST))
        return perr(ps, "'%s' += : can't add [list] to \"string\" or vice versa", key);
    if (prev->type == V_LIST) {
        if (prev->nr_items + add->nr_items > MAX_LIST)
            return perr(ps, "more than %d list items", MAX_LIST);
        memcpy(prev->items[prev->nr_items], add->items, add->nr_items * sizeof(add->items[0]));
        prev->nr_items += add->nr_items;
        return 0;
    }
    if (strlen(prev->str) + strlen(add->str) >= sizeof(prev->str))
        return perr(ps, "string longer than %zu characters", sizeof(prev->str) - 1);
    strcat(prev->str, add->str);
    if (prev->type == V_NUMBER && add->type == V_NUMBER) {
        char *end;

        errno = 0;
        prev->num = strtoll(prev->str, &end, 0);
        if (errno || *end)
            return perr(ps, "malformed number");
    } else {
        prev->type = V_STRING;
    }
    return 0;
}

/* One statement: key = value or key += value, ended by a newline, ';' or the end of the
 * text (libxlu's grammar: endstmt is NEWLINE or ';').  Returns 1 when one was read, 0 at
 * the end of the text, -1 on error. */
static int parse_statement(struct parser *ps, char *key, size_t keysize, bool *append,
                           struct value *v, int *line)
{
    size_t n = 0;

    for (;;) {
        skip_space(ps, 1);
        if (*ps->p != ';')
            break;
        ps->p++; /* an empty statement */
    }
    if (!*ps->p)
        return 0;
    *line = ps->line;
    if (!isalpha((unsigned char)*ps->p) && *ps->p != '_')
        return perr(ps, "expected a key name");
    while (isalnum((unsigned char)*ps->p) || *ps->p == '_') {
        if (n + 1 >= keysize)
            return perr(ps, "key name too long");
        key[n++] = *ps->p++;
    }
    key[n] = '\0';
    skip_space(ps, 0);
    *append = ps->p[0] == '+' && ps->p[1] == '=';
    if (*append)
        ps->p++;
    if (*ps->p != '=')
        return perr(ps, "expected '=' or '+=' after '%s'", key);
    ps->p++;
    skip_space(ps, 0);
    memset(v, 0, sizeof(*v));
    if (parse_value(ps, v) < 0)
        return -1;
    skip_space(ps, 0);
    if (*ps->p == ';')
        ps->p++;
    else if (*ps->p && *ps->p != '\n')
        return perr(ps,
                    "unexpected text after the value of '%s' (a statement ends at a "
                    "newline or ';')",
                    key);
    return 1;
}

static int apply_setting(struct parser *ps, struct tern_config *cfg, const struct setting *s,
                         void (*warn)(const char *msg))
{
    const struct key_rule *rule = NULL;
    char aerr[400];

    for (size_t i = 0; i < sizeof(key_rules) / sizeof(key_rules[0]); i++)
        if (!strcmp(key_rules[i].key, s->key))
            rule = &key_rules[i];
    ps->line = s->line;
    if (!rule) {
        if (warn) {
            char msg[200];

            snprintf(msg, sizeof(msg), "%s:%d: warning: unknown key '%s' ignored", ps->file,
                     s->line, s->key);
            warn(msg);
        }
        return 0;
    }
    if (rule->type != s->v->type &&
        !(rule->type == V_STRING_OR_LIST && (s->v->type == V_STRING || s->v->type == V_LIST)))
        return perr(ps, "'%s' must be %s, not %s", s->key, type_names[rule->type],
                    type_names[s->v->type]);
    if (rule->apply(cfg, s->v, aerr, sizeof(aerr)) < 0)
        return perr(ps, "%s: %s", s->key, aerr);
    return 0;
}

/* Read every statement of the text first (so += sees what came before), then apply each
 * setting in the order its key first appeared. */
int tern_config_parse(struct tern_config *cfg, const char *file, const char *text, char *err,
                      size_t errlen, void (*warn)(const char *msg))
{
    struct parser ps = {.file = file, .p = text, .line = 1, .err = err, .errlen = errlen};
    struct setting *set = calloc(MAX_SETTINGS, sizeof(*set));
    struct value *v = malloc(sizeof(*v));
    unsigned int nr = 0, i;
    int rc = -1, r;

    if (!set || !v) {
        snprintf(err, errlen, "%s: out of memory", file);
        goto out;
    }
    for (;;) {
        char key[64];
        bool append = false;
        int line = 0;
        struct setting *s = NULL;

        r = parse_statement(&ps, key, sizeof(key), &append, v, &line);
        if (r < 0)
            goto out;
        if (r == 0)
            break;
        for (i = 0; i < nr && !s; i++)
            if (!strcmp(set[i].key, key))
                s = &set[i];
        if (s && append) {
            if (append_value(&ps, key, s->v, v) < 0)
                goto out;
        } else if (s) {
            memcpy(s->v, v, sizeof(*v));
        } else {
            if (nr == MAX_SETTINGS) {
                perr(&ps, "more than %d different keys", MAX_SETTINGS);
                goto out;
            }
            s = &set[nr];
            s->v = malloc(sizeof(*v));
            if (!s->v) {
                perr(&ps, "out of memory");
                goto out;
            }
            nr++;
            snprintf(s->key, sizeof(s->key), "%s", key);
            memcpy(s->v, v, sizeof(*v));
        }
        s->line = line;
    }
    for (i = 0; i < nr; i++)
        if (apply_setting(&ps, cfg, &set[i], warn) < 0)
            goto out;
    rc = 0;
out:
    for (i = 0; set && i < nr; i++)
        free(set[i].v);
    free(set);
    free(v);
    return rc;
}

int tern_config_validate(const struct tern_config *cfg, char *err, size_t errlen)
{
    const char *f = cfg->path[0] ? cfg->path : "config";

    if (!cfg->name[0]) {
        snprintf(err, errlen, "%s: no 'name' given", f);
        return -1;
    }
    if (!cfg->kernel[0]) {
        snprintf(err, errlen, "%s: no 'kernel' given", f);
        return -1;
    }
    if (cfg->maxmem_mib && cfg->maxmem_mib < cfg->memory_mib) {
        snprintf(err, errlen, "%s: maxmem (%llu) is less than memory (%llu)", f,
                 (unsigned long long)cfg->maxmem_mib, (unsigned long long)cfg->memory_mib);
        return -1;
    }
    if (cfg->mem_floor_mib && cfg->mem_floor_mib > cfg->memory_mib) {
        snprintf(err, errlen, "%s: tern_mem_floor (%llu) is more than memory (%llu)", f,
                 (unsigned long long)cfg->mem_floor_mib, (unsigned long long)cfg->memory_mib);
        return -1;
    }
    if (cfg->maxvcpus && cfg->maxvcpus < cfg->vcpus) {
        snprintf(err, errlen, "%s: maxvcpus (%u) is less than vcpus (%u)", f, cfg->maxvcpus,
                 cfg->vcpus);
        return -1;
    }
    return 0;
}

int tern_config_load(struct tern_config *cfg, const char *path, char *const overrides[],
                     int nr_overrides, char *err, size_t errlen, void (*warn)(const char *msg))
{
    struct stat st;
    char *text;
    ssize_t n;
    size_t off = 0;
    int fd, rc;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if (st.st_size > (1 << 20)) {
        snprintf(err, errlen, "%s: larger than 1 MiB", path);
        close(fd);
        return -1;
    }
    text = malloc((size_t)st.st_size + 1);
    if (!text) {
        close(fd);
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    while (off < (size_t)st.st_size && (n = read(fd, text + off, (size_t)st.st_size - off)) > 0)
        off += (size_t)n;
    close(fd);
    text[off] = '\0';
    if (strlen(text) != off) {
        snprintf(err, errlen, "%s: contains a NUL byte", path);
        free(text);
        return -1;
    }
    if (!realpath(path, cfg->path))
        snprintf(cfg->path, sizeof(cfg->path), "%s", path);
    rc = tern_config_parse(cfg, path, text, err, errlen, warn);
    free(text);
    for (int i = 0; rc == 0 && i < nr_overrides; i++)
        rc = tern_config_parse(cfg, "command line", overrides[i], err, errlen, warn);
    if (rc == 0)
        rc = tern_config_validate(cfg, err, errlen);
    return rc;
}
