/* Reads a domain's balloon observation (balloon.h) from the hypervisor and xenstore. */
#ifndef TERN_BALLOON_READ_H
#define TERN_BALLOON_READ_H

#include "balloon.h"
#include "tern.h"

/* Returns 0, or -1 with errno (ESRCH: no such domain). */
int tern_balloon_observe(struct tern_ctx *ctx, uint32_t domid, struct tern_balloon_obs *o);

#endif
