/* Freestanding string helpers (the compiler may also emit calls to mem*). */
#ifndef TG_LIB_H
#define TG_LIB_H

#include "types.h"

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
/* Parse an unsigned decimal (or 0x hex) number; returns false if s is not one. */
bool parse_ulong(const char *s, size_t len, unsigned long *out);
/* Value of key=... in a space-separated command line, copied into buf. */
bool cmdline_get(const char *cmdline, const char *key, char *buf, size_t size);

#endif
