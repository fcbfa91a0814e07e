/* tern-consoled's event plumbing that needs no hypervisor (events.c, unit-tested): which
 * work a xenstore watch event asks for, and finding a rival console daemon. */
#ifndef TERN_CONSOLE_EVENTS_H
#define TERN_CONSOLE_EVENTS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Watch tokens. @introduceDomain / @releaseDomain (a domain appeared, shut down or died)
 * share one; a domain whose console nodes are not written yet gets a watch on them. */
#define TERN_CW_TOKEN_DOMAINS "tern-consoled:domains"
#define TERN_CW_TOKEN_CONSOLE "tern-consoled:console:" /* followed by the domid */

enum tern_cw_action {
    TERN_CW_IGNORE, /* not ours (or malformed): nothing to do */
    TERN_CW_SCAN,   /* re-read the domain list: attach, reap or detach */
    TERN_CW_ATTACH, /* try to attach one domain's console (its nodes changed) */
};

struct tern_cw_event {
    enum tern_cw_action action;
    uint32_t domid; /* TERN_CW_ATTACH */
};

/* Classifies a watch event (path, token) through the token table. */
struct tern_cw_event tern_cw_classify(const char *path, const char *token);
/* The token and path of a domain's console watch. */
void tern_cw_console_watch(uint32_t domid, char *path, size_t pathlen, char *token,
                           size_t tokenlen);

/* The pid of a process other than self whose /proc/<pid>/comm is comm (proc_root is /proc,
 * or a test directory), or 0 if none. */
pid_t tern_find_process(const char *proc_root, const char *comm, pid_t self);

#endif
