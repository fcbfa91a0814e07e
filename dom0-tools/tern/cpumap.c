/* CPU maps in xl's syntax and the sched-credit / vcpu-list lines (cpumap.h). */
#define __XEN_TOOLS__ 1
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cpumap.h"

static int range(const char *s, unsigned long *a, unsigned long *b)
{
    char *end;

    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    *a = *b = strtoul(s, &end, 10);
    if (errno)
        return -1;
    if (*end == '-') {
        const char *t = end + 1;

        if (*t < '0' || *t > '9')
            return -1;
        *b = strtoul(t, &end, 10);
        if (errno || *b < *a)
            return -1;
    }
    return *end ? -1 : 0;
}

int tern_cpumap_parse(const char *s, unsigned int max_cpus, uint64_t *mask, char *err,
                      size_t errlen)
{
    char buf[256], *save = NULL, *item;
    uint64_t m = 0;

    if (max_cpus > 64)
        max_cpus = 64;
    if (strlen(s) >= sizeof(buf)) {
        snprintf(err, errlen, "CPU list too long");
        return -1;
    }
    strcpy(buf, s);
    if (!strtok_r(buf, ",", &save)) {
        snprintf(err, errlen, "empty CPU list");
        return -1;
    }
    strcpy(buf, s);
    save = NULL;
    for (item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        int neg = *item == '^';
        const char *r = item + neg;
        unsigned long a, b;

        if (!strcmp(r, "all")) {
            if (neg) {
                snprintf(err, errlen, "can't combine \"^\" and \"all\"");
                return -1;
            }
            m = TERN_CPUMAP_ALL;
            continue;
        }
        if (range(r, &a, &b) < 0) {
            snprintf(err, errlen, "invalid pcpu range: %s", item);
            return -1;
        }
        if (b >= max_cpus) {
            snprintf(err, errlen, "CPU %lu does not exist (%u CPUs)", b, max_cpus);
            return -1;
        }
        for (unsigned long c = a; c <= b; c++)
            m = neg ? m & ~(1ULL << c) : m | (1ULL << c);
    }
    *mask = m;
    return 0;
}

void tern_cpumap_format(uint64_t mask, unsigned int nr_cpus, char *out, size_t size)
{
    size_t n = 0;
    unsigned int i = 0;
    bool any = false;

    if (nr_cpus > 64)
        nr_cpus = 64;
    if (nr_cpus && (mask | (nr_cpus < 64 ? ~0ULL << nr_cpus : 0)) == ~0ULL) {
        snprintf(out, size, "all");
        return;
    }
    out[0] = '\0';
    while (i < nr_cpus) {
        unsigned int first;

        if (!(mask >> i & 1)) {
            i++;
            continue;
        }
        first = i;
        while (i < nr_cpus && (mask >> i & 1))
            i++;
        if (n < size)
            n += snprintf(out + n, size - n, "%s%u", any ? "," : "", first);
        if (i - 1 > first && n < size)
            n += snprintf(out + n, size - n, "-%u", i - 1);
        any = true;
    }
    if (!any)
        snprintf(out, size, "none");
}

uint64_t tern_cpumap_from_bytes(const uint8_t *map, int size)
{
    uint64_t m = 0;

    for (int i = 0; i < size && i < 8; i++)
        m |= (uint64_t)map[i] << (8 * i);
    return m;
}

void tern_cpumap_to_bytes(uint64_t mask, uint8_t *map, int size)
{
    for (int i = 0; i < size; i++)
        map[i] = i < 8 ? (uint8_t)(mask >> (8 * i)) : 0;
}

void tern_vcpu_line(char *out, size_t size, const char *name, uint32_t domid,
                    const xc_vcpuinfo_t *vi, uint64_t hard, uint64_t soft, unsigned int nr_cpus)
{
    char h[200], s[200];
    int n;

    tern_cpumap_format(hard, nr_cpus, h, sizeof(h));
    tern_cpumap_format(soft, nr_cpus, s, sizeof(s));
    /* xl's columns exactly: the CPU field follows VCPU with no separator. */
    n = snprintf(out, size, "%-32s %5u %5u", name, domid, vi->vcpu);
    if (n < 0 || (size_t)n >= size)
        return;
    if (!vi->online)
        n += snprintf(out + n, size - n, "%5c %3c%cp ", '-', '-', '-');
    else
        n += snprintf(out + n, size - n, "%5u %3c%c- ", vi->cpu, vi->running ? 'r' : '-',
                      vi->blocked ? 'b' : '-');
    if (n < 0 || (size_t)n >= size)
        return;
    snprintf(out + n, size - n, "%9.1f  %s / %s\n", (float)vi->cpu_time / 1e9, h, s);
}

void tern_sched_credit_line(char *out, size_t size, const char *name, uint32_t domid,
                            unsigned int weight, unsigned int cap)
{
    if (!name)
        snprintf(out, size, "%-33s %4s %6s %4s\n", "Name", "ID", "Weight", "Cap");
    else
        snprintf(out, size, "%-33s %4u %6u %4u\n", name, domid, weight, cap);
}
