/* tern-consoled: the xenconsoled role. For every guest it maps the console ring page
 * (HVM_PARAM_CONSOLE_PFN, advertised in /local/domain/N/console/ring-ref), binds the console
 * event channel, appends the output to TERN_CONSOLE_LOGDIR/<name>.log and relays it to
 * attached `tern console` clients, whose input goes into the ring.
 *
 * It also applies on_poweroff/on_reboot/on_crash when a guest shuts down (the role xl's
 * per-domain monitor process has), since it is the dom0 daemon watching domains anyway.
 *
 * Everything is event driven, from one poll(): xenstore watches on @introduceDomain and
 * @releaseDomain (a domain appeared, shut down or died: re-read the domain list), a watch on
 * a domain's console/ directory while its nodes are not written yet, the console event
 * channels (output to drain), the listening socket and attached clients. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <xenevtchn.h>
#include <xenforeignmemory.h>
#include "../tern/devices_changes.h"
#include "../tern/tern.h"
#include "ring.h"
#include "events.h"

/* Watches drive everything; this timeout is only a safety net that re-reads the domain list
 * if an event was ever lost (e.g. xenstored restarted and forgot our watches). Long enough
 * to cost nothing, short enough that a guest left shut down gets its action eventually. */
#define FALLBACK_SCAN_MS 30000
#define MAX_DOMAINS      1024
#define MAX_CLIENTS      8
#define MAX_POLL         (2 + MAX_CLIENTS * 64)

struct client {
    int fd;
};

struct dom {
    uint32_t domid;
    char name[64];
    struct xencons_interface *intf;
    evtchn_port_t local_port;
    int logfd;
    struct client clients[MAX_CLIENTS];
    bool seen;
    bool watching; /* console/ watched: nodes not (all) written yet */
    bool reported; /* an attach error was logged once */
    struct dom *next;
};

static struct tern_ctx ctx;
static xenevtchn_handle *xce;
static xenforeignmemory_handle *fmem;
static struct dom *doms;
static int listen_fd = -1;
static bool foreground;

static void logmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logmsg(const char *fmt, ...)
{
    va_list al;

    fputs("tern-consoled: ", stderr);
    va_start(al, fmt);
    vfprintf(stderr, fmt, al);
    va_end(al);
    fputc('\n', stderr);
}

static struct dom *find_dom(uint32_t domid)
{
    for (struct dom *d = doms; d; d = d->next)
        if (d->domid == domid)
            return d;
    return NULL;
}

static void write_all(int fd, const char *buf, size_t len)
{
    while (len) {
        ssize_t n = write(fd, buf, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        buf += n;
        len -= (size_t)n;
    }
}

static void console_watch(struct dom *d, bool on);

static void drop_client(struct client *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}

static void drain(struct dom *d)
{
    char buf[2048];
    size_t n;

    if (!d->intf)
        return; /* not attached (yet) */
    while ((n = tern_cons_read_output(d->intf, buf, sizeof(buf))) > 0) {
        if (d->logfd >= 0)
            write_all(d->logfd, buf, n);
        for (int i = 0; i < MAX_CLIENTS; i++) {
            if (d->clients[i].fd >= 0 &&
                send(d->clients[i].fd, buf, n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 && errno != EAGAIN)
                drop_client(&d->clients[i]);
        }
    }
    xenevtchn_notify(xce, d->local_port);
}

static void detach(struct dom *d)
{
    struct dom **pp;

    if (d->intf)
        drain(d);
    if (d->watching)
        console_watch(d, false);
    for (int i = 0; i < MAX_CLIENTS; i++)
        drop_client(&d->clients[i]);
    if (d->intf)
        xenforeignmemory_unmap(fmem, d->intf, 1);
    if (d->local_port)
        xenevtchn_unbind(xce, d->local_port);
    if (d->logfd >= 0)
        close(d->logfd);
    for (pp = &doms; *pp != d; pp = &(*pp)->next)
        ;
    *pp = d->next;
    free(d);
}

/* Starts (on) or stops watching a domain's console/ directory. */
static void console_watch(struct dom *d, bool on)
{
    char path[64], token[64];

    tern_cw_console_watch(d->domid, path, sizeof(path), token, sizeof(token));
    if (on ? xs_watch(ctx.xsh, path, token) : xs_unwatch(ctx.xsh, path, token))
        d->watching = on;
    else if (on)
        logmsg("watch %s: %s", path, strerror(errno));
}

/* Starts tracking a domain (not attached yet). */
static struct dom *track(uint32_t domid)
{
    struct dom *d = calloc(1, sizeof(*d));

    if (!d)
        return NULL;
    d->domid = domid;
    d->logfd = -1;
    for (int i = 0; i < MAX_CLIENTS; i++)
        d->clients[i].fd = -1;
    d->next = doms;
    doms = d;
    return d;
}

/* Maps the ring, binds the event channel and opens the log once the domain's console nodes
 * are there; until then its console/ directory is watched. */
static void try_attach(struct dom *d)
{
    char *ref, *port, *name, path[256];
    xen_pfn_t gfn;
    int lp;

    if (d->intf)
        return; /* attached: a rescan costs no xenstore request per domain */
    ref = tern_xs_read(&ctx, XBT_NULL, "/local/domain/%u/console/ring-ref", d->domid);
    port = tern_xs_read(&ctx, XBT_NULL, "/local/domain/%u/console/port", d->domid);
    name = tern_xs_read(&ctx, XBT_NULL, "/local/domain/%u/name", d->domid);
    if (!ref || !port || !name) {
        if (!d->watching)
            console_watch(d, true); /* not (yet) fully created */
        goto out;
    }
    snprintf(d->name, sizeof(d->name), "%s", name);
    gfn = strtoull(ref, NULL, 10);
    d->intf = xenforeignmemory_map(fmem, d->domid, PROT_READ | PROT_WRITE, 1, &gfn, NULL);
    if (!d->intf) {
        if (!d->reported)
            logmsg("map console ring gfn %#llx of domain %u: %s", (unsigned long long)gfn, d->domid,
                   strerror(errno));
        d->reported = true;
        goto out;
    }
    lp = xenevtchn_bind_interdomain(xce, d->domid, (evtchn_port_t)strtoul(port, NULL, 10));
    if (lp < 0) {
        if (!d->reported)
            logmsg("bind console event channel %s of domain %u: %s", port, d->domid,
                   strerror(errno));
        d->reported = true;
        xenforeignmemory_unmap(fmem, d->intf, 1);
        d->intf = NULL;
        goto out;
    }
    d->local_port = (evtchn_port_t)lp;
    if (d->watching)
        console_watch(d, false);
    snprintf(path, sizeof(path), "%s/%s.log", TERN_CONSOLE_LOGDIR, d->name);
    d->logfd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (d->logfd < 0)
        logmsg("open %s: %s", path, strerror(errno));
    drain(d);
out:
    free(ref);
    free(port);
    free(name);
}

/* on_poweroff / on_reboot / on_crash for a domain that has shut down. */
static void reap(uint32_t domid, unsigned reason)
{
    const char *key = reason == SHUTDOWN_reboot  ? "on_reboot"
                      : reason == SHUTDOWN_crash ? "on_crash"
                                                 : "on_poweroff";
    char *action = tern_xs_read(&ctx, XBT_NULL, "/libxl/%u/%s", domid, key);
    char *cfgpath = tern_xs_read(&ctx, XBT_NULL, "/libxl/%u/config", domid);
    bool restart = action && !strcmp(action, "restart") && cfgpath && cfgpath[0];
    struct dom *d = find_dom(domid);
    static struct tern_dev_changes changes;
    char err[512];

    if (action && !strcmp(action, "preserve"))
        goto out;
    /* Devices attached or detached while it ran go with it into its next life (read before
     * the destroy removes /libxl/<domid>). */
    if (restart && tern_dev_changes_read(&ctx, domid, &changes) < 0) {
        logmsg("restart of domain %u: reading its device changes: %s", domid, strerror(errno));
        changes.n = 0;
    }
    if (d)
        detach(d); /* our mapping of the ring must go before the domain can be freed */
    if (tern_domain_destroy(&ctx, domid, 10000, err, sizeof(err)) < 0)
        logmsg("%s of domain %u: %s", key, domid, err);
    if (restart) {
        struct tern_config cfg;
        uint32_t newid;

        tern_config_init(&cfg);
        if (tern_config_load(&cfg, cfgpath, NULL, 0, err, sizeof(err), NULL) < 0 ||
            tern_dev_changes_apply(&cfg, &changes, err, sizeof(err)) < 0 ||
            tern_domain_create(&ctx, &cfg, false, &newid, err, sizeof(err)) < 0) {
            logmsg("restart of domain %u: %s", domid, err);
        } else {
            if (!tern_dev_changes_write(&ctx, newid, &changes))
                logmsg("domain %u: keeping its device changes: %s", newid, strerror(errno));
            /* Attach the new domain now rather than on its @introduceDomain event: it is
             * already running and must not wait for a console. */
            struct dom *nd = find_dom(newid) ? NULL : track(newid);

            if (nd) {
                nd->seen = true; /* the scan that called us must not drop it */
                try_attach(nd);
            }
            logmsg("domain %u rebooted as domain %u", domid, newid);
        }
    }
out:
    free(action);
    free(cfgpath);
}

static void scan(void)
{
    static xc_domaininfo_t info[MAX_DOMAINS];
    int n = xc_domain_getinfolist(ctx.xch, 1, MAX_DOMAINS, info);

    if (n < 0)
        return;
    for (struct dom *d = doms; d; d = d->next)
        d->seen = false;
    for (int i = 0; i < n; i++) {
        struct dom *d = find_dom(info[i].domain);

        if (info[i].flags & XEN_DOMINF_dying)
            continue;
        if (info[i].flags & XEN_DOMINF_shutdown) {
            if (d)
                drain(d);
            reap(info[i].domain,
                 (info[i].flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask);
            continue;
        }
        if (!d)
            d = track(info[i].domain);
        if (!d)
            continue;
        d->seen = true;
        try_attach(d);
    }
    for (struct dom *d = doms, *next; d; d = next) {
        next = d->next;
        if (!d->seen)
            detach(d);
    }
}

static void accept_client(void)
{
    int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
    char line[32] = "";
    struct dom *d;
    size_t len = 0;

    if (fd < 0)
        return;
    /* Request: "<domid>\n". A short blocking read with a timeout keeps this simple. */
    struct timeval tv = {.tv_sec = 2};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    while (len < sizeof(line) - 1 && read(fd, line + len, 1) == 1 && line[len] != '\n')
        len++;
    line[len] = '\0';
    d = find_dom((uint32_t)strtoul(line, NULL, 10));
    if (!d || !d->intf) {
        scan(); /* a domain created a moment ago whose event is still queued */
        d = find_dom((uint32_t)strtoul(line, NULL, 10));
    }
    if (!d || !d->intf) {
        dprintf(fd, "ERR no console for domain '%s': %s\n", line, strerror(ENOENT));
        close(fd);
        return;
    }
    for (int i = 0; i < MAX_CLIENTS; i++) {
        if (d->clients[i].fd < 0) {
            d->clients[i].fd = fd;
            dprintf(fd, "OK\n");
            return;
        }
    }
    dprintf(fd, "ERR too many clients on domain %u: %s\n", d->domid, strerror(EBUSY));
    close(fd);
}

static void client_input(struct dom *d, struct client *c)
{
    char buf[1024];
    ssize_t n = read(c->fd, buf, sizeof(buf));

    if (n <= 0) {
        drop_client(c);
        return;
    }
    /* Input beyond the 1 KiB ring is dropped, as a serial line would. */
    tern_cons_write_input(d->intf, buf, (size_t)n);
    xenevtchn_notify(xce, d->local_port);
}

static int setup_socket(void)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};

    mkdir("/run/tern", 0755);
    unlink(TERN_CONSOLE_SOCKET);
    listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", TERN_CONSOLE_SOCKET);
    if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
        listen(listen_fd, 16) < 0) {
        logmsg("listen on %s: %s", TERN_CONSOLE_SOCKET, strerror(errno));
        return -1;
    }
    chmod(TERN_CONSOLE_SOCKET, 0600);
    return 0;
}

static long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void watch_events(void)
{
    char **ev;

    while ((ev = xs_check_watch(ctx.xsh))) {
        struct tern_cw_event w = tern_cw_classify(ev[XS_WATCH_PATH], ev[XS_WATCH_TOKEN]);
        struct dom *d;

        free(ev);
        switch (w.action) {
        case TERN_CW_SCAN:
            scan();
            break;
        case TERN_CW_ATTACH:
            d = find_dom(w.domid);
            if (d)
                try_attach(d);
            break;
        case TERN_CW_IGNORE:
            break;
        }
    }
}

static void loop(void)
{
    int xs_fd = xs_fileno(ctx.xsh);
    long last_scan = now_ms();

    for (;;) {
        struct pollfd pfd[MAX_POLL];
        struct client *owner_c[MAX_POLL];
        struct dom *owner_d[MAX_POLL];
        int n = 0, rc;

        pfd[n++] = (struct pollfd){.fd = xenevtchn_fd(xce), .events = POLLIN};
        pfd[n++] = (struct pollfd){.fd = listen_fd, .events = POLLIN};
        pfd[n++] = (struct pollfd){.fd = xs_fd, .events = POLLIN};
        for (struct dom *d = doms; d; d = d->next) {
            for (int i = 0; i < MAX_CLIENTS && n < MAX_POLL; i++) {
                if (d->clients[i].fd < 0)
                    continue;
                owner_c[n] = &d->clients[i];
                owner_d[n] = d;
                pfd[n++] = (struct pollfd){.fd = d->clients[i].fd, .events = POLLIN};
            }
        }
        rc = poll(pfd, (nfds_t)n, FALLBACK_SCAN_MS);
        if (rc < 0 && errno != EINTR) {
            logmsg("poll: %s", strerror(errno));
            return;
        }
        /* The safety net runs by the clock, so a steady stream of other wakeups cannot
         * postpone it indefinitely. */
        if (now_ms() - last_scan >= FALLBACK_SCAN_MS) {
            scan();
            last_scan = now_ms();
        }
        if (rc <= 0)
            continue;
        if (pfd[0].revents & POLLIN) {
            int port = xenevtchn_pending(xce);

            if (port >= 0) {
                for (struct dom *d = doms; d; d = d->next)
                    if (d->intf && d->local_port == (evtchn_port_t)port)
                        drain(d);
                xenevtchn_unmask(xce, (evtchn_port_t)port);
            }
        }
        for (int i = 3; i < n; i++)
            if (pfd[i].revents && owner_c[i]->fd == pfd[i].fd)
                client_input(owner_d[i], owner_c[i]);
        if (pfd[2].revents & POLLIN)
            watch_events();
        if (pfd[1].revents & POLLIN)
            accept_client();
    }
}

/* Two console daemons would bind the same console event channels and race for the rings
 * (each eating part of the output): refuse to start next to Debian's xenconsoled or a
 * second tern-consoled. */
static int check_rivals(void)
{
    pid_t pid = tern_find_process("/proc", "xenconsoled", getpid());

    if (pid) {
        logmsg("xenconsoled is running (pid %d): it serves the guest consoles already, and two "
               "console daemons would fight over the same rings and event channels; stop it "
               "first (kill %d) or keep using it",
               (int)pid, (int)pid);
        return -1;
    }
    pid = tern_find_process("/proc", "tern-consoled", getpid());
    if (pid) {
        logmsg("another tern-consoled is running (pid %d)", (int)pid);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--foreground"))
            foreground = true;
        else {
            fprintf(stderr, "Usage: tern-consoled [-f]\n");
            return 2;
        }
    }
    signal(SIGPIPE, SIG_IGN);
    if (check_rivals() < 0)
        return 1;
    if (tern_ctx_open(&ctx, true) < 0)
        return 1;
    xce = xenevtchn_open(NULL, 0);
    fmem = xenforeignmemory_open(NULL, 0);
    if (!xce || !fmem) {
        logmsg("open /dev/xen/evtchn and /dev/xen/privcmd: %s", strerror(errno));
        return 1;
    }
    mkdir("/var/log/tern", 0755);
    mkdir(TERN_CONSOLE_LOGDIR, 0755);
    if (setup_socket() < 0)
        return 1;
    if (!foreground) {
        pid_t pid = fork();
        FILE *f;

        if (pid < 0) {
            logmsg("fork: %s", strerror(errno));
            return 1;
        }
        if (pid > 0) {
            f = fopen("/run/tern-consoled.pid", "w");
            if (f) {
                fprintf(f, "%d\n", pid);
                fclose(f);
            }
            return 0;
        }
        setsid();
        /* A daemon keeps nothing of its caller's terminal. */
        int null = open("/dev/null", O_RDWR | O_CLOEXEC);

        int logfd =
            open("/var/log/tern/consoled.log", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

        if (null >= 0) {
            dup2(null, STDIN_FILENO);
            dup2(null, STDOUT_FILENO);
            dup2(logfd >= 0 ? logfd : null, STDERR_FILENO); /* its messages are kept */
            close(null);
        }
        if (logfd >= 0)
            close(logfd);
    }
    /* Watches first, then the first scan: a domain introduced in between is seen by both,
     * which is harmless; none is missed. */
    if (!xs_watch(ctx.xsh, "@introduceDomain", TERN_CW_TOKEN_DOMAINS) ||
        !xs_watch(ctx.xsh, "@releaseDomain", TERN_CW_TOKEN_DOMAINS)) {
        logmsg("watch @introduceDomain/@releaseDomain: %s", strerror(errno));
        return 1;
    }
    scan();
    loop();
    return 1;
}
