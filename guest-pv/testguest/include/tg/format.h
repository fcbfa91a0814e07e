/*
 * Bounded formatted output: a small vsnprintf shared by the guest and the host unit tests.
 * Supported: %d %i %u %x %X %p %s %c %% with the l/ll/z length modifiers, '-', '0' and '#' flags
 * and a field width.  Output is always NUL-terminated when size > 0; the return value is
 * the length the full output would have had (as in C99).
 */
#ifndef TG_FORMAT_H
#define TG_FORMAT_H

#include "types.h"

int tg_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int tg_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
