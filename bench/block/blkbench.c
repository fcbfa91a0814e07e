/*
 * blkbench: direct-I/O figures of one block device, run inside a domU (static arm64).
 *   blkbench DEV MIB RANDOPS
 * seqwrite: MIB MiB in 1 MiB O_DIRECT writes from offset 0, then fdatasync;
 * seqread:  the same MIB MiB in 1 MiB O_DIRECT reads;
 * randread: RANDOPS 4 KiB O_DIRECT reads at random 4 KiB-aligned offsets in those MIB MiB.
 * Prints "BLKBENCH name=value" lines (MiB/s, IOPS, seconds; CLOCK_MONOTONIC of the guest).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MIB (1024 * 1024)

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fail(const char *what)
{
    perror(what);
    printf("BLKBENCH error=%s\n", what);
    return 1;
}

int main(int argc, char **argv)
{
    long mib, ops;
    uint8_t *buf;
    uint64_t rng = 0x9e3779b97f4a7c15ull;
    double t;
    int fd;

    if (argc != 4 || (mib = atol(argv[2])) <= 0 || (ops = atol(argv[3])) <= 0) {
        fprintf(stderr, "usage: blkbench DEV MIB RANDOPS\n");
        return 2;
    }
    fd = open(argv[1], O_RDWR | O_DIRECT);
    if (fd < 0)
        return fail("open");
    if (posix_memalign((void **)&buf, 4096, MIB))
        return fail("alloc");
    memset(buf, 0xa5, MIB);

    t = now();
    for (long i = 0; i < mib; i++)
        if (pwrite(fd, buf, MIB, (off_t)i * MIB) != MIB)
            return fail("pwrite");
    if (fdatasync(fd) < 0)
        return fail("fdatasync");
    t = now() - t;
    printf("BLKBENCH seqwrite_mibs=%.2f seqwrite_s=%.3f\n", mib / t, t);

    t = now();
    for (long i = 0; i < mib; i++)
        if (pread(fd, buf, MIB, (off_t)i * MIB) != MIB)
            return fail("pread");
    t = now() - t;
    printf("BLKBENCH seqread_mibs=%.2f seqread_s=%.3f\n", mib / t, t);

    t = now();
    for (long i = 0; i < ops; i++) {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        if (pread(fd, buf, 4096, (off_t)(rng % ((uint64_t)mib * 256)) * 4096) != 4096)
            return fail("pread4k");
    }
    t = now() - t;
    printf("BLKBENCH randread_iops=%.1f randread_s=%.3f\n", ops / t, t);
    close(fd);
    return 0;
}
