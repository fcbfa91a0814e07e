/* CPU maps as xl reads and prints them (cpus=, vcpu-pin, vcpu-list) and the lines of
 * `tern sched-credit` / `tern vcpu-list` (cmd_sched.c, cmd_vcpu.c).  Pure: unit-tested. */
#ifndef TERN_CPUMAP_H
#define TERN_CPUMAP_H

#include <stddef.h>
#include <stdint.h>
#include <xenctrl.h>

#define TERN_CPUMAP_ALL (~0ULL) /* "all": every CPU the host has */

/* xl's CPU range list: comma-separated "all", "N", "N-M", "^N", "^N-M" (removing).
 * max_cpus bounds the CPU numbers (64 for a config read before the host is known).
 * "all" sets every bit.  Returns 0, or -1 with err naming the bad item. */
int tern_cpumap_parse(const char *s, unsigned int max_cpus, uint64_t *mask, char *err,
                      size_t errlen);
/* xl's print_bitmap over nr_cpus CPUs: "all", "none", or ranges "0,2-3". */
void tern_cpumap_format(uint64_t mask, unsigned int nr_cpus, char *out, size_t size);
/* Between a 64-bit mask and libxenctrl's byte map of size bytes. */
uint64_t tern_cpumap_from_bytes(const uint8_t *map, int size);
void tern_cpumap_to_bytes(uint64_t mask, uint8_t *map, int size);

/* One `vcpu-list` line (xl's print_vcpuinfo), with its newline. */
void tern_vcpu_line(char *out, size_t size, const char *name, uint32_t domid,
                    const xc_vcpuinfo_t *vi, uint64_t hard, uint64_t soft, unsigned int nr_cpus);
/* `sched-credit` lines: the header (name NULL) or a domain's line, with newline. */
void tern_sched_credit_line(char *out, size_t size, const char *name, uint32_t domid,
                            unsigned int weight, unsigned int cap);

#endif
