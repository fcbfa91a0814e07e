/* tern-blkback: the dom0 block backend for every guest's vbd devices (docs/blkback.md).
 *
 * The main thread follows xenstore: one watch on /local/domain/0/backend/vbd (devices the
 * toolstack adds, online=0, tern-resize) and one per device on its frontend's state; each
 * connected ring is served by its own thread (queue.c).
 *
 * Unless -f, it becomes a daemon made of two processes: a small supervisor that restarts
 * the backend whenever it dies (killed, crashed) and the backend itself, whose pid is in
 * /run/tern-blkback.pid. A new backend re-adopts the connected devices and continues each
 * ring from its last answered request, so the guests' I/O goes on. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "../console/events.h"
#include "../tern/tern.h"
#include "paths.h"
#include "queue.h"
#include "vbd.h"

#define PIDFILE "/run/tern-blkback.pid"
#define LOGFILE "/var/log/tern/blkback.log"
/* A safety net in case a watch event was lost (e.g. xenstored restarted). */
#define FALLBACK_SCAN_MS 30000

/* One watch event per loop turn: a device's update is several synchronous xenstore round
 * trips (tens of ms each under load), and a hostile frontend's reconnects queue hundreds of
 * events; draining them all at once kept the loop from its other work (broken rings, the
 * counters files) for seconds. The watch fd stays readable while events are queued. */
static void events(struct tern_ctx *ctx)
{
    char **ev = xs_check_watch(ctx->xsh);
    uint32_t domid = 0, devid = 0;
    int t;

    if (!ev)
        return;
    t = blk_watch_target(ev[XS_WATCH_PATH], ev[XS_WATCH_TOKEN], &domid, &devid);
    free(ev);
    if (t == 1)
        blk_vbd_update(ctx, domid, devid);
    else if (t == 0)
        blk_vbd_scan(ctx);
}

static uint64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int serve(void)
{
    struct tern_ctx ctx;
    struct blk_stats_pace pace = {0};

    signal(SIGPIPE, SIG_IGN);
    if (tern_ctx_open(&ctx, true) < 0)
        return 1;
    if (!xs_watch(ctx.xsh, BLK_BACKEND_ROOT, BLK_TOKEN_BACKEND)) {
        fprintf(stderr, "tern-blkback: watch %s: %s\n", BLK_BACKEND_ROOT, strerror(errno));
        return 1;
    }
    blk_broken_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    blk_stats_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    blk_vbd_scan(&ctx);
    uint64_t last_scan = now_ms();

    for (;;) {
        struct pollfd pfd[3] = {{.fd = xs_fileno(ctx.xsh), .events = POLLIN},
                                {.fd = blk_broken_fd, .events = POLLIN},
                                {.fd = blk_stats_fd, .events = POLLIN}};
        uint64_t n, t = now_ms();
        long stats_in = blk_stats_due_in(&pace, t);
        long timeout =
            t - last_scan >= FALLBACK_SCAN_MS ? 0 : (long)(FALLBACK_SCAN_MS - (t - last_scan));
        int rc;

        if (stats_in >= 0 && stats_in < timeout)
            timeout = stats_in;
        rc = poll(pfd, 3, (int)timeout);
        if (rc < 0 && errno != EINTR) {
            fprintf(stderr, "tern-blkback: poll: %s\n", strerror(errno));
            return 1;
        }
        if (rc > 0 && (pfd[0].revents & POLLIN))
            events(&ctx);
        if (rc > 0 && (pfd[1].revents & POLLIN) && read(blk_broken_fd, &n, sizeof(n)) > 0)
            blk_vbd_scan(&ctx); /* disconnects the devices whose rings broke */
        if (rc > 0 && (pfd[2].revents & POLLIN) && read(blk_stats_fd, &n, sizeof(n)) > 0)
            blk_stats_changed(&pace);
        t = now_ms();
        if (t - last_scan >= FALLBACK_SCAN_MS) {
            blk_vbd_scan(&ctx);
            last_scan = t;
        }
        if (blk_stats_due_in(&pace, t) == 0) {
            blk_vbd_write_stats();
            blk_stats_written(&pace, t);
        }
    }
}

static void write_pid(pid_t pid)
{
    FILE *f = fopen(PIDFILE, "w");

    if (f) {
        fprintf(f, "%d\n", (int)pid);
        fclose(f);
    }
}

static volatile sig_atomic_t stopping;
static volatile pid_t child;

static void on_term(int sig)
{
    stopping = 1;
    if (child > 0)
        kill(child, SIGTERM);
}

/* The supervisor: runs the backend, and again whenever it dies of anything but our stop. */
static int supervise(void)
{
    struct sigaction sa = {.sa_handler = on_term};

    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    while (!stopping) {
        pid_t pid = fork();
        int status;

        if (pid < 0) {
            fprintf(stderr, "tern-blkback: fork: %s\n", strerror(errno));
            sleep(1);
            continue;
        }
        if (pid == 0) {
            signal(SIGTERM, SIG_DFL);
            signal(SIGINT, SIG_DFL);
            _exit(serve());
        }
        child = pid;
        write_pid(pid);
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
        child = 0;
        if (stopping)
            break;
        fprintf(stderr, "tern-blkback: backend %d %s %d: restarting it\n", (int)pid,
                WIFSIGNALED(status) ? "killed by signal" : "exited with",
                WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
        /* no busy loop if it dies at once (e.g. xenstored gone) */
        struct timespec ts = {.tv_nsec = 200 * 1000 * 1000};

        nanosleep(&ts, NULL);
    }
    unlink(PIDFILE);
    return 0;
}

int main(int argc, char **argv)
{
    bool foreground = false;
    pid_t rival;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--foreground")) {
            foreground = true;
        } else if (!strcmp(argv[i], "--persistent=on")) {
            blk_persistent = true;
        } else if (!strcmp(argv[i], "--persistent=off")) {
            blk_persistent = false;
        } else {
            fprintf(stderr, "Usage: tern-blkback [-f] [--persistent=on|off]\n");
            return 2;
        }
    }
    rival = tern_find_process("/proc", "tern-blkback", getpid());
    if (rival) {
        fprintf(stderr, "tern-blkback: another tern-blkback is running (pid %d)\n", (int)rival);
        return 1;
    }
    if (foreground)
        return serve();
    pid_t pid = fork();

    if (pid < 0) {
        fprintf(stderr, "tern-blkback: fork: %s\n", strerror(errno));
        return 1;
    }
    if (pid > 0)
        return 0;
    setsid();
    mkdir("/var/log/tern", 0755);
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    int logfd = open(LOGFILE, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        dup2(logfd >= 0 ? logfd : null, STDERR_FILENO);
        close(null);
    }
    if (logfd >= 0)
        close(logfd);
    setvbuf(stderr, NULL, _IOLBF, 0);
    return supervise();
}
