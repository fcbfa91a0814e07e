/* tern-netback: the dom0 network backend for every guest's vif devices (docs/netback.md).
 *
 * One thread follows xenstore (a watch on /local/domain/0/backend/vif, and one per vif on its
 * frontend's state), the event channels of all connected vifs (one libxenevtchn handle) and
 * the TAP port of each switch, in one poll loop; the switches and rings are in nb.h.
 *
 * Unless -f, it becomes a daemon made of two processes: a small supervisor that restarts the
 * backend whenever it dies, and the backend itself (pid in /run/tern-netback.pid). A new
 * backend re-adopts the connected vifs and attaches to the (persistent) TAP interfaces again. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "../console/events.h"
#include "dom0port.h"
#include "nb.h"
#include "path.h"
#include "pktport.h"

#define PIDFILE        "/run/tern-netback.pid"
#define LOGFILE        "/var/log/tern/netback.log"
#define TOKEN_BACKEND  "tern-netback:backend"
#define TOKEN_FRONTEND "tern-netback:frontend:" /* followed by "D/N" */
#define STATS_MS       1000
/* A safety net in case a watch event was lost (e.g. xenstored restarted). */
#define FALLBACK_SCAN_MS 30000
#define MAX_POLL         (2 + 16)
#define HOLD_RETRY_MS    1

uint64_t nb_now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void nb_log(const char *fmt, ...)
{
    va_list al;

    fputs("tern-netback: ", stderr);
    va_start(al, fmt);
    vfprintf(stderr, fmt, al);
    va_end(al);
    fputc('\n', stderr);
}

static void xs_events(struct nb_daemon *d)
{
    char **ev;

    /* One event per loop turn: a vif's update is several synchronous xenstore round trips
     * (tens of ms each under load), and the events and TAP frames of every other vif wait
     * meanwhile. The watch fd stays readable while events are queued. */
    if ((ev = xs_check_watch(d->tc->xsh))) {
        const char *path = ev[XS_WATCH_PATH], *token = ev[XS_WATCH_TOKEN];
        struct nb_vif_path vp;
        unsigned domid, devid;

        if (!strncmp(token, TOKEN_FRONTEND, strlen(TOKEN_FRONTEND))) {
            if (sscanf(token + strlen(TOKEN_FRONTEND), "%u/%u", &domid, &devid) == 2)
                nb_vif_update(d, domid, devid);
        } else if (!strcmp(token, TOKEN_BACKEND)) {
            /* Each xenstore round trip stalls every vif's traffic (one thread): publishing a
             * vif's features came back as ten events, each re-reading the device. */
            if (nb_vif_path_parse(path, &vp) < 0)
                nb_vif_scan(d);
            else if (!nb_vif_node_is_ours(vp.node))
                nb_vif_update(d, vp.domid, vp.devid);
        }
        free(ev);
    }
}

static void evtchn_events(struct nb_daemon *d)
{
    xenevtchn_port_or_error_t port = xenevtchn_pending(d->xce);
    struct nb_queue *q;

    if (port < 0)
        return;
    d->prof.evtchn++;
    xenevtchn_unmask(d->xce, (evtchn_port_t)port);
    q = nb_queue_by_port(d, (evtchn_port_t)port);
    if (q) {
        /* split event channels: the TX one says requests came, the RX one buffers */
        if ((evtchn_port_t)port == q->local_port)
            nb_ring_tx(d, q);
        if ((evtchn_port_t)port == q->local_rx_port)
            nb_ring_rx_flush(d, q);
    }
}

/* Whether a TX queue of a vif on br is held by br's full dom0 port (NULL: on any switch). */
static bool port_held(const struct nb_daemon *d, const struct nb_bridge *br)
{
    for (const struct nb_vif *v = d->vifs; v; v = v->next)
        for (unsigned i = 0; i < v->nq; i++)
            if (v->q[i].tx_port_held && (!br || v->br == br))
                return true;
    return false;
}

/* Poll timeout: the next stats write, the earliest refill of a vif held by its rate (in
 * either direction), or HOLD_RETRY_MS while dom0's full port holds a queue: POLLOUT on the
 * port says when it has room, and this retry covers a wake-up that does not come (the kernel
 * wakes writers only while the socket's send buffer is less than half used). */
static int timeout_ms(struct nb_daemon *d)
{
    uint64_t now = nb_now_us(), wait = STATS_MS * 1000ull;

    if (port_held(d, NULL))
        wait = HOLD_RETRY_MS * 1000ull;
    for (struct nb_vif *v = d->vifs; v; v = v->next)
        for (unsigned i = 0; i < v->nq; i++) {
            if (v->q[i].tx_held) {
                uint64_t w = nb_bucket_wait(&v->bucket, now);

                if (w < wait)
                    wait = w;
            }
            if (v->q[i].rx_held) {
                uint64_t w = nb_bucket_wait(&v->rx_bucket, now);

                if (w < wait)
                    wait = w;
            }
        }
    return (int)((wait + 999) / 1000);
}

/* The profile's line for the last second, if frames moved (see struct nb_prof). */
static void log_profile(struct nb_daemon *d, struct nb_prof *last, uint64_t us)
{
    struct nb_prof *p = &d->prof;

    if (p->tx_pkts == last->tx_pkts && p->rx_frames == last->rx_frames)
        return;
    /* the veth ports' frames by way: the TX ring, the socket for large frames, lost to a
     * full ring (so far, all switches) */
    for (struct nb_bridge *br = d->bridges; br; br = br->next)
        if (br->pkt)
            nb_log("profile: switch %s: ring=%" PRIu64 " large=%" PRIu64 " full=%" PRIu64
                   " sends=%" PRIu64,
                   br->name, br->pkt->tx_ring, br->pkt->tx_copied, br->pkt->tx_full,
                   br->pkt->sends);
    nb_log("profile: %" PRIu64 " ms: polls=%" PRIu64 " idle_ms=%" PRIu64 " evtchn=%" PRIu64
           " tx_calls=%" PRIu64 " tx_pkts=%" PRIu64 " tx_copies=%" PRIu64 " tx_copy_ms=%" PRIu64
           " notifies=%" PRIu64 " tap_writes=%" PRIu64 " tap_ms=%" PRIu64 " rx_frames=%" PRIu64
           " rx_copies=%" PRIu64 " rx_kib=%" PRIu64 " rx_copy_ms=%" PRIu64 " rx_nobufs=%" PRIu64
           " port_reads=%" PRIu64 " port_read_ms=%" PRIu64 " port_flushes=%" PRIu64
           " port_flush_ms=%" PRIu64,
           us / 1000, p->polls - last->polls, (p->idle_us - last->idle_us) / 1000,
           p->evtchn - last->evtchn, p->tx_calls - last->tx_calls, p->tx_pkts - last->tx_pkts,
           p->tx_copies - last->tx_copies, (p->tx_copy_us - last->tx_copy_us) / 1000,
           p->notifies - last->notifies, p->tap_writes - last->tap_writes,
           (p->tap_us - last->tap_us) / 1000, p->rx_frames - last->rx_frames,
           p->rx_copies - last->rx_copies, (p->rx_bytes - last->rx_bytes) / 1024,
           (p->rx_copy_us - last->rx_copy_us) / 1000, p->rx_nobufs - last->rx_nobufs,
           p->port_reads - last->port_reads, (p->port_read_us - last->port_read_us) / 1000,
           p->port_flushes - last->port_flushes, (p->port_flush_us - last->port_flush_us) / 1000);
    *last = *p;
}

/* A TAP write runs dom0's whole receive path for the frame (tun hands it to the stack in the
 * writer's context): with 64-byte datagrams that is most of the backend's time, and the one
 * backend thread is the bound. With several CPUs in dom0 the backend keeps to one and the
 * TAPs' receive steering (RPS) sends that work to the others, so the rings are served
 * while dom0's stack takes the frames. TERN_NETBACK_RPS=0 turns it off. Returns the mask. */
static uint64_t steer_setup(void)
{
    const char *env = getenv("TERN_NETBACK_RPS");
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    cpu_set_t set;

    if ((env && !strcmp(env, "0")) || n < 2 || n > 64)
        return 0;
    CPU_ZERO(&set);
    CPU_SET(NB_BACKEND_CPU, &set);
    if (sched_setaffinity(0, sizeof(set), &set) < 0) {
        nb_log("keep to CPU %d: %s (no receive steering)", NB_BACKEND_CPU, strerror(errno));
        return 0;
    }
    return (n == 64 ? ~0ull : (1ull << n) - 1) & ~(1ull << NB_BACKEND_CPU);
}

static bool env_is(const char *name, const char *value)
{
    const char *v = getenv(name);

    return v && !strcmp(v, value);
}

/* --dom0-port: the kind of dom0's port on every switch (dom0port.h) */
static const struct nb_dom0port_ops *dom0_port = &nb_dom0port_veth;

static int serve(void)
{
    struct tern_ctx tc;
    struct nb_daemon d = {.tc = &tc};
    uint64_t last_stats = 0, last_scan;
    struct nb_prof last_prof = {0};
    const char *prof_env = getenv("TERN_NETBACK_PROFILE");

    signal(SIGPIPE, SIG_IGN);
    if (tern_ctx_open(&tc, true) < 0)
        return 1;
    d.profile = prof_env && *prof_env == '1';
    d.dport = dom0_port;
    d.rps_mask = steer_setup();
    d.irq_pin = d.rps_mask && !env_is("TERN_NETBACK_IRQ_PIN", "0");
    d.no_hold = env_is("TERN_NETBACK_HOLD", "0");
    d.xgt = xengnttab_open(NULL, 0);
    d.xce = xenevtchn_open(NULL, 0);
    d.txbuf = malloc((size_t)NB_TX_BATCH * NB_TX_MAX);
    d.tapbuf = malloc(NB_FRAME_MAX);
    if (!d.xgt || !d.xce || !d.txbuf || !d.tapbuf) {
        nb_log("open /dev/xen/gntdev and /dev/xen/evtchn: %s", strerror(errno));
        return 1;
    }
    if (!xs_watch(tc.xsh, NB_BACKEND_ROOT, TOKEN_BACKEND)) {
        nb_log("watch %s: %s", NB_BACKEND_ROOT, strerror(errno));
        return 1;
    }
    nb_bridge_get(&d, NB_DEFAULT_BRIDGE); /* dom0's interface exists before any guest */
    nb_vif_scan(&d);
    last_scan = nb_now_us();
    for (bool unflushed = false;;) {
        struct pollfd pfd[MAX_POLL];
        struct nb_bridge *tapbr[MAX_POLL];
        nfds_t n = 2;
        uint64_t now;
        int rc;

        pfd[0] = (struct pollfd){.fd = xs_fileno(tc.xsh), .events = POLLIN};
        pfd[1] = (struct pollfd){.fd = xenevtchn_fd(d.xce), .events = POLLIN};
        for (struct nb_bridge *br = d.bridges; br && n < MAX_POLL; br = br->next)
            if (br->tap_fd >= 0) {
                /* POLLOUT: a slot of its TX ring came free (queues held by it go on) */
                short out = port_held(&d, br) ? POLLOUT : 0;

                tapbr[n] = br;
                pfd[n++] = (struct pollfd){.fd = br->tap_fd, .events = POLLIN | out};
            }
        now = d.profile ? nb_now_us() : 0;
        /* frames a dom0 port could not hand over yet: back in 1 ms to try again */
        rc = poll(pfd, n, unflushed ? 1 : timeout_ms(&d));
        d.prof.polls++;
        if (d.profile)
            d.prof.idle_us += nb_now_us() - now;
        if (rc < 0 && errno != EINTR) {
            nb_log("poll: %s", strerror(errno));
            return 1;
        }
        if (rc > 0) {
            if (pfd[1].revents & POLLIN)
                evtchn_events(&d);
            for (nfds_t i = 2; i < n; i++)
                if (pfd[i].revents & POLLIN)
                    nb_bridge_tap_read(&d, tapbr[i]);
            if (pfd[0].revents & POLLIN)
                xs_events(&d);
        }
        now = nb_now_us();
        for (struct nb_vif *v = d.vifs; v; v = v->next) {
            for (unsigned i = 0; i < v->nq; i++) {
                if ((v->q[i].tx_held && nb_bucket_wait(&v->bucket, now) == 0) ||
                    (v->q[i].tx_port_held && nb_bridge_room(v->br, 1)))
                    nb_ring_tx(&d, &v->q[i]);
                if (v->q[i].rxq_count)
                    nb_ring_rx_flush(&d, &v->q[i]);
            }
            nb_vif_close_broken(&d, v);
        }
        /* what this turn sent dom0 (all vifs' frames) leaves in one go per port */
        unflushed = nb_bridge_flush(&d);
        if (now - last_stats >= STATS_MS * 1000ull) {
            if (d.profile)
                log_profile(&d, &last_prof, now - last_stats);
            nb_vif_write_stats(&d);
            nb_bridge_write_stats(&d, NB_SWITCH_STATS_DIR);
            last_stats = now;
        }
        if (now - last_scan >= FALLBACK_SCAN_MS * 1000ull) {
            nb_vif_scan(&d);
            last_scan = now;
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
    (void)sig;
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
            nb_log("fork: %s", strerror(errno));
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
        nb_log("backend %d %s %d: restarting it", (int)pid,
               WIFSIGNALED(status) ? "killed by signal" : "exited with",
               WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
        struct timespec ts = {.tv_nsec = 200 * 1000 * 1000}; /* no busy loop */

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
        if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--foreground"))
            foreground = true;
        else if (!strncmp(argv[i], "--dom0-port=", 12) && nb_dom0port_find(argv[i] + 12))
            dom0_port = nb_dom0port_find(argv[i] + 12);
        else {
            fprintf(stderr, "Usage: tern-netback [-f] [--dom0-port=tap|veth]\n");
            return 2;
        }
    }
    rival = tern_find_process("/proc", "tern-netback", getpid());
    if (rival) {
        fprintf(stderr, "tern-netback: another tern-netback is running (pid %d)\n", (int)rival);
        return 1;
    }
    if (foreground)
        return serve();
    pid_t pid = fork();

    if (pid < 0) {
        fprintf(stderr, "tern-netback: fork: %s\n", strerror(errno));
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
