/* tern-memagent: publishes the guest's memory figures to its xenstore data/ directory
 * every second (see meminfo.h for the keys), so dom0's tern-balloond can size its balloon.
 *
 *   tern-memagent [-i SECONDS] [-1]     -1: publish once and exit (for tests)
 *
 * Static and dependency-free so any guest's init can start it. It never exits on a failed
 * write (xenstored may restart); it reports the first failure of a run of failures. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "meminfo.h"
#include "xenbus.h"

static int read_text(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n;

    if (fd < 0)
        return -1;
    n = read(fd, buf, size - 1);
    close(fd);
    if (n < 0)
        return -1;
    buf[n] = '\0';
    return 0;
}

static int publish(int fd, uint32_t *req_id)
{
    char text[4096], err[128];
    struct agent_meminfo mi;
    struct agent_kv kv[AGENT_NR_KEYS];
    uint64_t uptime = 0;

    if (read_text("/proc/meminfo", text, sizeof(text)) < 0 || agent_meminfo_parse(text, &mi) < 0) {
        fprintf(stderr, "tern-memagent: /proc/meminfo: no MemTotal/MemAvailable\n");
        return -1;
    }
    if (read_text("/proc/uptime", text, sizeof(text)) == 0)
        uptime = strtoull(text, NULL, 10);
    agent_meminfo_keys(&mi, uptime, kv);
    for (int i = 0; i < AGENT_NR_KEYS; i++) {
        if (agent_xs_write(fd, ++*req_id, kv[i].key, kv[i].value, err, sizeof(err)) < 0) {
            fprintf(stderr, "tern-memagent: write %s: %s\n", kv[i].key,
                    err[0] ? err : strerror(errno));
            return -1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    unsigned interval = 1;
    int once = 0, opt, fd, failing = 0;
    uint32_t req_id = 0;

    while ((opt = getopt(argc, argv, "i:1")) != -1) {
        switch (opt) {
        case 'i':
            interval = (unsigned)strtoul(optarg, NULL, 10);
            if (!interval || interval > 3600) {
                fprintf(stderr, "tern-memagent: -i: 1..3600 seconds\n");
                return 2;
            }
            break;
        case '1':
            once = 1;
            break;
        default:
            fprintf(stderr, "usage: tern-memagent [-i SECONDS] [-1]\n");
            return 2;
        }
    }
    fd = agent_xenbus_open();
    if (fd < 0) {
        fprintf(stderr, "tern-memagent: /dev/xen/xenbus: %s\n", strerror(errno));
        return 1;
    }
    for (;;) {
        int rc = publish(fd, &req_id);

        if (once)
            return rc < 0;
        if (rc < 0 && !failing)
            fprintf(stderr, "tern-memagent: will retry every %u s\n", interval);
        failing = rc < 0;
        if (rc < 0) {
            /* Start again from a fresh device: a half-read answer would skew the next. */
            close(fd);
            fd = agent_xenbus_open();
            if (fd < 0)
                return 1;
        }
        sleep(interval);
    }
}
