/* tern disk create PATH SIZE | tern disk info PATH: thin-provisioned raw images (sparse
 * files: blocks are allocated as the guest writes and freed again by its discards). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cmdtable.h"
#include "devspec.h"
#include "tern.h"

static int disk_create(int argc, char **argv)
{
    uint64_t bytes;
    int fd;

    if (argc != 4)
        return tern_usage_error("disk");
    if (tern_parse_bytes(argv[3], &bytes) < 0 || bytes == 0 || bytes % 512)
        return tern_error("disk create: size '%s' is not a positive multiple of 512 bytes "
                          "(units K, M, G, T)",
                          argv[3]);
    fd = open(argv[2], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return tern_error("disk create: %s: %s", argv[2], strerror(errno));
    if (ftruncate(fd, (off_t)bytes) < 0) {
        int e = errno;

        close(fd);
        unlink(argv[2]);
        return tern_error("disk create: %s: size %llu: %s", argv[2], (unsigned long long)bytes,
                          strerror(e));
    }
    if (close(fd) < 0)
        return tern_error("disk create: %s: %s", argv[2], strerror(errno));
    return 0;
}

static int disk_info(int argc, char **argv)
{
    struct stat st;

    if (argc != 3)
        return tern_usage_error("disk");
    if (stat(argv[2], &st) < 0)
        return tern_error("disk info: %s: %s", argv[2], strerror(errno));
    if (!S_ISREG(st.st_mode))
        return tern_error("disk info: %s: not a regular file", argv[2]);
    printf("format : raw\n");
    printf("virtual_size : %llu\n", (unsigned long long)st.st_size);
    printf("allocated_size : %llu\n", (unsigned long long)st.st_blocks * 512);
    return 0;
}

static const struct {
    const char *name;
    int (*fn)(int argc, char **argv);
} disk_cmds[] = {
    {"create", disk_create},
    {"info", disk_info},
};

int cmd_disk(struct tern_ctx *ctx, int argc, char **argv)
{
    (void)ctx;
    if (argc < 2)
        return tern_usage_error("disk");
    for (size_t i = 0; i < sizeof(disk_cmds) / sizeof(disk_cmds[0]); i++)
        if (!strcmp(argv[1], disk_cmds[i].name))
            return disk_cmds[i].fn(argc, argv);
    tern_error("disk: unknown subcommand '%s'", argv[1]);
    return tern_usage_error("disk");
}
