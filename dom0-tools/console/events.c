/* Watch dispatch and rival-daemon detection for tern-consoled (see events.h). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "events.h"

struct token_row {
    const char *token; /* exact, or a prefix when prefix is set */
    int prefix;
    enum tern_cw_action action;
};

static const struct token_row token_table[] = {
    {TERN_CW_TOKEN_DOMAINS, 0, TERN_CW_SCAN},
    {TERN_CW_TOKEN_CONSOLE, 1, TERN_CW_ATTACH},
};

static int parse_domid(const char *s, uint32_t *out)
{
    char *end;
    unsigned long v;

    if (*s < '0' || *s > '9')
        return -1;
    v = strtoul(s, &end, 10);
    if (*end || v >= 0x7ff0) /* DOMID_FIRST_RESERVED */
        return -1;
    *out = (uint32_t)v;
    return 0;
}

struct tern_cw_event tern_cw_classify(const char *path, const char *token)
{
    struct tern_cw_event ev = {.action = TERN_CW_IGNORE};

    if (!path || !token)
        return ev;
    for (size_t i = 0; i < sizeof(token_table) / sizeof(token_table[0]); i++) {
        const struct token_row *r = &token_table[i];
        size_t n = strlen(r->token);

        if (r->prefix ? strncmp(token, r->token, n) : strcmp(token, r->token))
            continue;
        if (r->action == TERN_CW_ATTACH && parse_domid(token + n, &ev.domid) < 0)
            return ev; /* a malformed token is ignored, not guessed at */
        ev.action = r->action;
        return ev;
    }
    return ev;
}

void tern_cw_console_watch(uint32_t domid, char *path, size_t pathlen, char *token, size_t tokenlen)
{
    snprintf(path, pathlen, "/local/domain/%u/console", domid);
    snprintf(token, tokenlen, "%s%u", TERN_CW_TOKEN_CONSOLE, domid);
}

/* A killed daemon nobody has reaped yet (dom0's init may be a shell) is no rival: its
 * state in /proc/<pid>/stat, after the parenthesised name, is Z. */
static int is_zombie(const char *proc_root, const char *pid)
{
    char path[512], buf[512], *p;
    FILE *f;
    size_t n;

    snprintf(path, sizeof(path), "%s/%s/stat", proc_root, pid);
    f = fopen(path, "r");
    if (!f)
        return 1; /* gone */
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    p = strrchr(buf, ')');
    return p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X');
}

pid_t tern_find_process(const char *proc_root, const char *comm, pid_t self)
{
    DIR *dir = opendir(proc_root);
    struct dirent *de;
    pid_t found = 0;

    if (!dir)
        return 0;
    while (!found && (de = readdir(dir))) {
        char path[512], name[64];
        char *end;
        long pid = strtol(de->d_name, &end, 10);
        FILE *f;

        if (*end || pid <= 0 || pid == self)
            continue;
        snprintf(path, sizeof(path), "%s/%s/comm", proc_root, de->d_name);
        f = fopen(path, "r");
        if (!f)
            continue; /* gone meanwhile, or not a process */
        if (fgets(name, sizeof(name), f)) {
            name[strcspn(name, "\n")] = '\0';
            if (!strcmp(name, comm) && !is_zombie(proc_root, de->d_name))
                found = (pid_t)pid;
        }
        fclose(f);
    }
    closedir(dir);
    return found;
}
