/* tern-consoled: the xenconsoled role. For every guest it maps the console ring page
 * (HVM_PARAM_CONSOLE_PFN, advertised in /local/domain/N/console/ring-ref), binds the console
 * event channel, appends the output to TERN_CONSOLE_LOGDIR/<name>.log and relays it to
 * attached `tern console` clients, whose input goes into the ring.
 *
 * It also applies on_poweroff/on_reboot/on_crash when a guest shuts down (the role xl's
 * per-domain monitor process has), since it is the dom0 daemon watching domains anyway.
 * Domains are found by polling the domain list (SCAN_MS); events drive the data path. */
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
#include "../tern/tern.h"
#include "ring.h"

#define SCAN_MS     200
#define MAX_DOMAINS 1024
#define MAX_CLIENTS 8
#define MAX_POLL    (2 + MAX_CLIENTS * 64)

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

static void attach(uint32_t domid)
{
    char *ref = tern_xs_read(&ctx, XBT_NULL, "/local/domain/%u/console/ring-ref", domid);
    char *port = tern_xs_read(&ctx, XBT_NULL, "/local/domain/%u/console/port", domid);
    char *name = tern_xs_read(&ctx, XBT_NULL, "/local/domain/%u/name", domid);
    char path[256];
    struct dom *d = NULL;
    xen_pfn_t gfn;
    int lp;

    if (!ref || !port || !name)
        goto out; /* not (yet) fully created */
    d = calloc(1, sizeof(*d));
    if (!d)
        goto out;
    d->domid = domid;
    d->logfd = -1;
    for (int i = 0; i < MAX_CLIENTS; i++)
        d->clients[i].fd = -1;
    snprintf(d->name, sizeof(d->name), "%s", name);
    gfn = strtoull(ref, NULL, 10);
    d->intf = xenforeignmemory_map(fmem, domid, PROT_READ | PROT_WRITE, 1, &gfn, NULL);
    if (!d->intf) {
        logmsg("map console ring gfn %#llx of domain %u: %s", (unsigned long long)gfn, domid,
               strerror(errno));
        goto fail;
    }
    lp = xenevtchn_bind_interdomain(xce, domid, (evtchn_port_t)strtoul(port, NULL, 10));
    if (lp < 0) {
        logmsg("bind console event channel %s of domain %u: %s", port, domid, strerror(errno));
        goto fail;
    }
    d->local_port = (evtchn_port_t)lp;
    snprintf(path, sizeof(path), "%s/%s.log", TERN_CONSOLE_LOGDIR, d->name);
    d->logfd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (d->logfd < 0)
        logmsg("open %s: %s", path, strerror(errno));
    d->next = doms;
    doms = d;
    drain(d);
    goto out;
fail:
    if (d->intf)
        xenforeignmemory_unmap(fmem, d->intf, 1);
    free(d);
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
    char err[512];

    if (action && !strcmp(action, "preserve"))
        goto out;
    if (d)
        detach(d); /* our mapping of the ring must go before the domain can be freed */
    if (tern_domain_destroy(&ctx, domid, 10000, err, sizeof(err)) < 0)
        logmsg("%s of domain %u: %s", key, domid, err);
    if (restart) {
        struct tern_config cfg;
        uint32_t newid;

        tern_config_init(&cfg);
        if (tern_config_load(&cfg, cfgpath, NULL, 0, err, sizeof(err), NULL) < 0 ||
            tern_domain_create(&ctx, &cfg, false, &newid, err, sizeof(err)) < 0)
            logmsg("restart of domain %u: %s", domid, err);
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
        if (!d) {
            attach(info[i].domain);
            d = find_dom(info[i].domain);
        }
        if (d)
            d->seen = true;
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
    if (!d) {
        scan();
        d = find_dom((uint32_t)strtoul(line, NULL, 10));
    }
    if (!d) {
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

static void loop(void)
{
    long last_scan = 0;

    for (;;) {
        struct pollfd pfd[MAX_POLL];
        struct client *owner_c[MAX_POLL];
        struct dom *owner_d[MAX_POLL];
        int n = 0, rc;

        if (now_ms() - last_scan >= SCAN_MS) {
            scan();
            last_scan = now_ms();
        }
        pfd[n++] = (struct pollfd){.fd = xenevtchn_fd(xce), .events = POLLIN};
        pfd[n++] = (struct pollfd){.fd = listen_fd, .events = POLLIN};
        for (struct dom *d = doms; d; d = d->next) {
            for (int i = 0; i < MAX_CLIENTS && n < MAX_POLL; i++) {
                if (d->clients[i].fd < 0)
                    continue;
                owner_c[n] = &d->clients[i];
                owner_d[n] = d;
                pfd[n++] = (struct pollfd){.fd = d->clients[i].fd, .events = POLLIN};
            }
        }
        rc = poll(pfd, (nfds_t)n, SCAN_MS);
        if (rc < 0 && errno != EINTR) {
            logmsg("poll: %s", strerror(errno));
            return;
        }
        if (rc <= 0)
            continue;
        if (pfd[0].revents & POLLIN) {
            int port = xenevtchn_pending(xce);

            if (port >= 0) {
                for (struct dom *d = doms; d; d = d->next)
                    if (d->local_port == (evtchn_port_t)port)
                        drain(d);
                xenevtchn_unmask(xce, (evtchn_port_t)port);
            }
        }
        for (int i = 2; i < n; i++)
            if (pfd[i].revents && owner_c[i]->fd == pfd[i].fd)
                client_input(owner_d[i], owner_c[i]);
        if (pfd[1].revents & POLLIN)
            accept_client();
    }
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

        if (null >= 0) {
            dup2(null, STDIN_FILENO);
            dup2(null, STDOUT_FILENO);
            dup2(null, STDERR_FILENO);
            close(null);
        }
    }
    loop();
    return 1;
}
