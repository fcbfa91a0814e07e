/* Guest console: the PV console ring (HVM_PARAM_CONSOLE_PFN/EVTCHN), else console_io. */
#ifndef TG_CONSOLE_H
#define TG_CONSOLE_H

#include "types.h"

void console_init(void);
void console_write(const char *s, size_t len);
/* Wait until the backend has consumed everything written so far (bounded by a timeout). */
void console_flush(void);
int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
