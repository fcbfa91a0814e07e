/* tern-memhog: a process that allocates memory at a steady pace and holds it (the demand in
 * tests/system/memory-balloond-tern.py; a static arm64 program in the harness's guest).
 *
 *   tern-memhog TOTAL_MIB STEP_MIB STEP_MS
 *
 * Every STEP_MS it allocates STEP_MIB more anonymous memory and writes every page of it (no
 * swap in the guest: nothing can reclaim it), until TOTAL_MIB; then prints
 * "hog-done N MiB in S s" and holds the memory until killed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int arg(const char *s, long lo, long hi, long *v)
{
    char *end;

    *v = strtol(s, &end, 10);
    return *end || end == s || *v < lo || *v > hi ? -1 : 0;
}

int main(int argc, char **argv)
{
    long total, step, ms, done = 0;
    double t0 = now_s();

    if (argc != 4 || arg(argv[1], 1, 1 << 20, &total) < 0 || arg(argv[2], 1, 1 << 20, &step) < 0 ||
        arg(argv[3], 0, 3600000, &ms) < 0) {
        fprintf(stderr, "usage: tern-memhog TOTAL_MIB STEP_MIB STEP_MS\n");
        return 2;
    }
    while (done < total) {
        long n = step < total - done ? step : total - done;
        char *p =
            mmap(NULL, (size_t)n << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

        if (p == MAP_FAILED) {
            perror("tern-memhog: mmap");
            return 1;
        }
        memset(p, 0x5a, (size_t)n << 20);
        done += n;
        if (done < total)
            usleep((useconds_t)ms * 1000);
    }
    printf("hog-done %ld MiB in %.1f s\n", done, now_s() - t0);
    fflush(stdout);
    for (;;)
        pause();
}
