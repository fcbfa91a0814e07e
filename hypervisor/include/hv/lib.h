/* SPDX-License-Identifier: MIT */
/* Freestanding C library subset (lib/string.c, lib/vsnprintf.c) and fatal-error macros. */
#ifndef HV_LIB_H
#define HV_LIB_H

#include <hv/types.h>
#include <stdarg.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
unsigned long strtoul(const char *s, char **end, int base);

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Log levels, as Xen's loglvl=: messages above the threshold are dropped. */
#define LOG_ERR   1
#define LOG_WARN  2
#define LOG_INFO  3
#define LOG_DEBUG 4
extern int hv_loglvl;

void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void printk_lvl(int lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define dprintk(...) printk_lvl(LOG_DEBUG, __VA_ARGS__)
/* A warning a guest can trigger at will (its faults, bad traps): rate-limited per domain
 * (hv/ratelimit.h), so a guest cannot flood the hypervisor console. */
struct domain;
void gprintk(struct domain *d, int lvl, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A bad boot configuration: say what is wrong and stop the machine. */
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* A broken invariant in our own code: register dump (where available) and halt. */
#define BUG_ON(cond)                                                                               \
    do {                                                                                           \
        if (cond)                                                                                  \
            panic("BUG at %s:%d: %s", __FILE__, __LINE__, #cond);                                  \
    } while (0)
#define BUG() panic("BUG at %s:%d", __FILE__, __LINE__)

#define ROUNDUP(x, a)   (((x) + (a)-1) & ~((uint64_t)(a)-1))
#define ROUNDDOWN(x, a) ((x) & ~((uint64_t)(a)-1))
#define MIN(a, b)       ((a) < (b) ? (a) : (b))
#define MAX(a, b)       ((a) > (b) ? (a) : (b))

#endif /* HV_LIB_H */
