/* SPDX-License-Identifier: MIT */
/*
 * The C library subset the hypervisor and Debian's static libfdt.a use (checked with
 * `nm libfdt.a | grep ' U '`).  Byte loops (small, safe with -mstrict-align), but for
 * memcpy of 16 bytes or more: 8-byte words (64 bytes a turn when src and dst are aligned
 * alike), made of two aligned source words when they are not (unit test:
 * tests/unit/hypervisor/test_string.c).
 */
#include <hv/lib.h>

void *memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (n >= 16) {
        uint64_t *d8;
        size_t w, shift;

        while ((uintptr_t)d & 7) { /* bytes up to dst's first 8-byte boundary */
            *d++ = *s++;
            n--;
        }
        d8 = (uint64_t *)d;
        w = n / 8;
        shift = ((uintptr_t)s & 7) * 8;
        if (shift == 0) {
            const uint64_t *s8 = (const uint64_t *)s;

            /* 64 bytes a turn (ldp/stp pairs): a page is 64 turns, not 512 (grant copy,
             * guest copies).  Each block is read whole before it is written, so memmove's
             * forward case (dst below src, overlapping) stays correct. */
            for (; w >= 8; w -= 8, d8 += 8, s8 += 8) {
                uint64_t a0 = s8[0], a1 = s8[1], a2 = s8[2], a3 = s8[3];
                uint64_t a4 = s8[4], a5 = s8[5], a6 = s8[6], a7 = s8[7];

                d8[0] = a0, d8[1] = a1, d8[2] = a2, d8[3] = a3;
                d8[4] = a4, d8[5] = a5, d8[6] = a6, d8[7] = a7;
            }
            while (w--)
                *d8++ = *s8++;
        } else {
            /* src and dst 8-byte aligned differently (a packet's data at any offset): aligned
             * words from src, each output word made of two (little-endian), so the hypervisor
             * (built -mstrict-align) never makes an unaligned access.  Only words holding a
             * byte of the source are read: none beyond its page.  Each source word is read
             * before the output word that ends at it is written (memmove's forward case). */
            const uint64_t *s8 = (const uint64_t *)((uintptr_t)s & ~(uintptr_t)7);
            uint64_t lo = *s8++;

            for (; w; w--) {
                uint64_t hi = *s8++;

                *d8++ = (lo >> shift) | (hi << (64 - shift));
                lo = hi;
            }
        }
        s += n & ~(size_t)7;
        d = (unsigned char *)d8;
        n &= 7;
    }
    while (n--)
        *d++ = *s++;
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (d == s || n == 0)
        return dst;
    if (d < s || d >= s + n)
        return memcpy(dst, src, n);
    while (n--)
        d[n] = s[n];
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;

    if (c == 0 && (((uintptr_t)d | n) & 7) == 0) {
        uint64_t *d8 = dst;
        for (size_t i = 0; i < n / 8; i++)
            d8[i] = 0;
        return dst;
    }
    while (n--)
        *d++ = (unsigned char)c;
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;

    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return x[i] - y[i];
    return 0;
}

void *memchr(const void *s, int c, size_t n)
{
    const unsigned char *p = s;

    for (size_t i = 0; i < n; i++)
        if (p[i] == (unsigned char)c)
            return (void *)(p + i);
    return NULL;
}

size_t strlen(const char *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b || !*a)
            return (unsigned char)*a - (unsigned char)*b;
    }
    return 0;
}

char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (!*s)
            return NULL;
    }
}

char *strrchr(const char *s, int c)
{
    const char *last = NULL;

    for (;; s++) {
        if (*s == (char)c)
            last = s;
        if (!*s)
            return (char *)last;
    }
}

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    return 99;
}

unsigned long strtoul(const char *s, char **end, int base)
{
    unsigned long v = 0;

    while (*s == ' ' || *s == '\t')
        s++;
    if ((base == 0 || base == 16) && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
        base = 16;
    } else if (base == 0) {
        base = s[0] == '0' ? 8 : 10;
    }
    for (int d; (d = digit_value(*s)) < base; s++)
        v = v * base + d;
    if (end)
        *end = (char *)s;
    return v;
}

/* libfdt.a was built with -fstack-protector-strong. */
uintptr_t __stack_chk_guard = 0x5445524e5f534350UL;

void __stack_chk_fail(void)
{
    panic("stack smashing detected");
}
