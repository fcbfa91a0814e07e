/*
 * xsl-bench: xenstore request rates through the xs_* API, for comparing xenstore daemons on
 * the same machine with the same client.  One request/reply per operation (no pipelining):
 *   write     WRITE of a fresh key
 *   read      READ of an existing key
 *   directory DIRECTORY of a 64-entry node
 *   txn       TRANSACTION_START, READ, WRITE, TRANSACTION_END (commit), counted as one
 *   watch     WRITE by one connection until the WATCH_EVENT reaches another
 *   read_par, write_par  the same READ / WRITE from 4 client processes at once (aggregate
 *             rate: how much the daemon serves when clients queue up)
 * usage: xsl-bench [-p DAEMON_PID] [N]
 * prints "FIGURE xsbench_<what>_ops_s=<rate>" lines; with -p also the CPU time the daemon
 * (all its threads, from /proc/PID/task/N/schedstat) and the client spent per operation,
 * "xsbench_<what>_daemon_us_op" and "xsbench_<what>_client_us_op".  Under QEMU
 * "-icount shift=0" one guest nanosecond is one instruction, so these are k-instructions.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <xenstore.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static long daemon_pid;

/* CPU time in seconds of every thread of process pid (schedstat: ns on the CPU). */
static double proc_cpu(long pid)
{
    char dir[64], file[128];
    double sum = 0;
    struct dirent *e;
    DIR *d;

    snprintf(dir, sizeof(dir), "/proc/%ld/task", pid);
    d = opendir(dir);
    if (!d)
        return -1;
    while ((e = readdir(d))) {
        unsigned long long ns;
        FILE *f;
        if (e->d_name[0] == '.')
            continue;
        snprintf(file, sizeof(file), "%s/%.32s/schedstat", dir, e->d_name);
        f = fopen(file, "r");
        if (f && fscanf(f, "%llu", &ns) == 1)
            sum += (double)ns * 1e-9;
        if (f)
            fclose(f);
    }
    closedir(d);
    return sum;
}

/* This process and its reaped children, in seconds of CPU. */
static double self_cpu(void)
{
    struct timespec t;
    struct rusage ru;
    double s;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    s = (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
    getrusage(RUSAGE_CHILDREN, &ru);
    return s + (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
           ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) * 1e-6;
}

static double cpu0_daemon, cpu0_client;

static double start(void)
{
    if (daemon_pid)
        cpu0_daemon = proc_cpu(daemon_pid);
    cpu0_client = self_cpu();
    return now();
}

static void figure(const char *what, int n, double secs)
{
    printf("FIGURE xsbench_%s_ops_s=%.0f\n", what, n / secs);
    if (daemon_pid) {
        printf("FIGURE xsbench_%s_daemon_us_op=%.2f\n", what,
               (proc_cpu(daemon_pid) - cpu0_daemon) * 1e6 / n);
        printf("FIGURE xsbench_%s_client_us_op=%.2f\n", what, (self_cpu() - cpu0_client) * 1e6 / n);
    }
    fflush(stdout);
}

static void die(const char *what)
{
    perror(what);
    exit(1);
}

/* K processes, each doing n/K reads or writes on its own connection; aggregate ops/s. */
static void parallel(const char *what, int n, int k, bool write)
{
    double t0 = start();

    for (int p = 0; p < k; p++) {
        if (fork() == 0) {
            struct xs_handle *h = xs_open(0);
            char path[64];
            unsigned int len;
            if (!h)
                _exit(1);
            for (int i = 0; i < n / k; i++) {
                snprintf(path, sizeof(path), "/bench/k/%d", (p * (n / k) + i) % n);
                if (write ? !xs_write(h, XBT_NULL, path, "p", 1)
                          : !(free(xs_read(h, XBT_NULL, path, &len)), true))
                    _exit(1);
            }
            xs_close(h);
            _exit(0);
        }
    }
    int status, failed = 0;
    while (wait(&status) > 0)
        failed |= !WIFEXITED(status) || WEXITSTATUS(status);
    if (failed)
        die(what);
    figure(what, (n / k) * k, now() - t0);
}

int main(int argc, char **argv)
{
    int n;
    struct xs_handle *h, *w;
    char path[64], val[32];
    unsigned int len, num;
    double t0;

    if (argc > 2 && strcmp(argv[1], "-p") == 0) {
        daemon_pid = atol(argv[2]);
        argc -= 2;
        argv += 2;
    }
    n = argc > 1 ? atoi(argv[1]) : 2000;
    h = xs_open(0);
    w = xs_open(0);
    if (!h || !w)
        die("xs_open");
    xs_rm(h, XBT_NULL, "/bench");

    t0 = start();
    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof(path), "/bench/k/%d", i);
        snprintf(val, sizeof(val), "v%d", i);
        if (!xs_write(h, XBT_NULL, path, val, (unsigned int)strlen(val)))
            die("xs_write");
    }
    figure("write", n, now() - t0);

    t0 = start();
    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof(path), "/bench/k/%d", i);
        char *v = xs_read(h, XBT_NULL, path, &len);
        if (!v)
            die("xs_read");
        free(v);
    }
    figure("read", n, now() - t0);

    for (int i = 0; i < 64; i++) {
        snprintf(path, sizeof(path), "/bench/dir/entry%d", i);
        if (!xs_write(h, XBT_NULL, path, "", 0))
            die("xs_write");
    }
    t0 = start();
    for (int i = 0; i < n; i++) {
        char **d = xs_directory(h, XBT_NULL, "/bench/dir", &num);
        if (!d || num != 64)
            die("xs_directory");
        free(d);
    }
    figure("directory", n, now() - t0);

    t0 = start();
    for (int i = 0; i < n; i++) {
        xs_transaction_t t = xs_transaction_start(h);
        if (!t)
            die("xs_transaction_start");
        snprintf(path, sizeof(path), "/bench/t/%d/state", i % 16);
        free(xs_read(h, t, path, &len));
        if (!xs_write(h, t, path, "4", 1))
            die("xs_write (txn)");
        if (!xs_transaction_end(h, t, false))
            die("xs_transaction_end");
    }
    figure("txn", n, now() - t0);

    if (!xs_watch(w, "/bench/w", "tok"))
        die("xs_watch");
    free(xs_read_watch(w, &num)); /* the registration event */
    t0 = start();
    for (int i = 0; i < n; i++) {
        snprintf(val, sizeof(val), "%d", i);
        if (!xs_write(h, XBT_NULL, "/bench/w/x", val, (unsigned int)strlen(val)))
            die("xs_write (watch)");
        char **ev = xs_read_watch(w, &num);
        if (!ev)
            die("xs_read_watch");
        free(ev);
    }
    figure("watch", n, now() - t0);

    fflush(stdout);
    parallel("read_par", n, 4, false);
    parallel("write_par", n, 4, true);

    xs_rm(h, XBT_NULL, "/bench");
    /* requests sent, for per-request system-call counts */
    printf("FIGURE xsbench_requests=%d\n", 2 + n + n + 64 + n + 4 * n + 1 + n + 2 * ((n / 4) * 4));
    xs_close(w);
    xs_close(h);
    return 0;
}
