/* SPDX-License-Identifier: MIT */
/*
 * The C string functions hypervisor code uses (implemented in hypervisor/lib for the EL2
 * image; the host libc provides them in the unit tests).  Standard prototypes.
 */
#ifndef HV_STRING_H
#define HV_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *s, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);

#endif /* HV_STRING_H */
