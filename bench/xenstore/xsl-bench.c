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
 * usage: xsl-bench [N]   prints "FIGURE xsbench_<what>_ops_s=<rate>" lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static void figure(const char *what, int n, double secs)
{
    printf("FIGURE xsbench_%s_ops_s=%.0f\n", what, n / secs);
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
    double t0 = now();

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
    int n = argc > 1 ? atoi(argv[1]) : 2000;
    struct xs_handle *h = xs_open(0), *w = xs_open(0);
    char path[64], val[32];
    unsigned int len, num;
    double t0;

    if (!h || !w)
        die("xs_open");
    xs_rm(h, XBT_NULL, "/bench");

    t0 = now();
    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof(path), "/bench/k/%d", i);
        snprintf(val, sizeof(val), "v%d", i);
        if (!xs_write(h, XBT_NULL, path, val, (unsigned int)strlen(val)))
            die("xs_write");
    }
    figure("write", n, now() - t0);

    t0 = now();
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
    t0 = now();
    for (int i = 0; i < n; i++) {
        char **d = xs_directory(h, XBT_NULL, "/bench/dir", &num);
        if (!d || num != 64)
            die("xs_directory");
        free(d);
    }
    figure("directory", n, now() - t0);

    t0 = now();
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
    t0 = now();
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
    xs_close(w);
    xs_close(h);
    return 0;
}
