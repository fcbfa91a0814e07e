/*
 * tern-xenstored: a xenstored speaking Xen 4.17's xs_wire protocol over a unix socket and
 * domain rings.  Options follow Xen's xenstored (see usage()).
 */
#include "conn.h"
#include "daemon.h"
#include "domain.h"
#include "persist.h"
#include "socket.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>
#include <xen/io/xs_wire.h>

static volatile sig_atomic_t stop;

static void usage(void)
{
    puts("Usage:\n"
         "  tern-xenstored <options>\n\n"
         "  -D, --no-domain-init    do not connect dom0's kernel (xenbus_backend)\n"
         "  -F, --pid-file <file>   write the daemon's pid to <file>\n"
         "  -H, --help              this message\n"
         "  -N, --no-fork           stay in the foreground\n"
         "  -P, --output-pid        print the daemon's pid\n"
         "  -T, --trace-file <file> log to <file>\n"
         "  -E, --entry-nb <nb>     nodes per domain (1000)\n"
         "  -S, --entry-size <size> bytes per node (2048)\n"
         "  -W, --watch-nb <nb>     watches per domain (128)\n"
         "  -t, --transaction <nb>  open transactions per domain (10)\n"
         "  -A, --perm-nb <nb>      permissions per node (5)\n"
         "  -M, --path-max <chars>  relative path length (2048)\n"
         "  -Q, --quota <what>=<nb> transaction-nodes (1024), memory (2621440: output\n"
         "                          backlog per connection), outstanding (20)\n"
         "  -q, --quota-soft <what>=<nb>  accepted, ignored (soft quotas only warn in Xen)\n"
         "  -w, --timeout <what>=<s>      accepted, ignored\n"
         "  -I, --internal-db [on|off]    accepted, ignored (the store is always in memory)\n"
         "  -R, --no-recovery       accepted, ignored\n"
         "  -K, --keep-orphans      accepted, ignored\n"
         "  -V, --verbose           log every request\n\n"
         "Environment: XENSTORED_PATH (socket), XENSTORED_RUNDIR, XENSTORED_ROOTDIR (saved\n"
         "state, default /var/lib/xenstored).");
}

static unsigned int num_arg(const char *opt, const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);

    if (!*s || *end || v < 0 || v > 0x7fffffff) {
        fprintf(stderr, "tern-xenstored: invalid value \"%s\" for %s\n", s, opt);
        exit(2);
    }
    return (unsigned int)v;
}

static void set_quota(const char *arg)
{
    const char *eq = strchr(arg, '=');
    size_t n = eq ? (size_t)(eq - arg) : 0;

    if (!eq) {
        fprintf(stderr, "tern-xenstored: quotas are given as <what>=<nb>\n");
        exit(2);
    }
    if (n == 11 && strncmp(arg, "outstanding", n) == 0)
        xsd.lim.outstanding = num_arg("-Q", eq + 1);
    else if (n == 17 && strncmp(arg, "transaction-nodes", n) == 0)
        xsd.lim.trans_nodes = num_arg("-Q", eq + 1);
    else if (n == 6 && strncmp(arg, "memory", n) == 0)
        xsd.lim.memory = num_arg("-Q", eq + 1);
    else {
        fprintf(stderr, "tern-xenstored: unknown quota \"%s\"\n", arg);
        exit(2);
    }
}

static void on_signal(int sig)
{
    stop = 1;
}

/* Fork; the parent exits once the child is serving (or with its failure). */
static int daemonize(void)
{
    int p[2];
    pid_t pid;
    char c;

    if (pipe(p) != 0)
        return -1;
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid > 0) {
        close(p[1]);
        exit(read(p[0], &c, 1) == 1 && c == 'R' ? 0 : 1);
    }
    close(p[0]);
    setsid();
    return p[1];
}

static void ready(int fd, bool outputpid, const char *pidfile)
{
    if (pidfile) {
        FILE *f = fopen(pidfile, "w");
        if (f) {
            fprintf(f, "%ld\n", (long)getpid());
            fclose(f);
        }
    }
    if (outputpid) {
        printf("%ld\n", (long)getpid());
        fflush(stdout);
    }
    if (fd >= 0) {
        int null = open("/dev/null", O_RDWR);
        if (write(fd, "R", 1) != 1)
            xsl_log("cannot signal readiness");
        close(fd);
        if (null >= 0) {
            dup2(null, 0);
            dup2(null, 1);
            close(null);
        }
    }
}

/* The event loop: epoll over the listening socket, the event channel device and the socket
 * connections; a round costs one epoll_wait plus what the ready connections need. */
static void serve(int lfd)
{
    static char listen_tag, evtchn_tag;
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &listen_tag};
    int ep = epoll_create1(EPOLL_CLOEXEC);

    if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev) != 0) {
        xsl_log("epoll: %s", strerror(errno));
        return;
    }
    ev.data.ptr = &evtchn_tag;
    if (domain_evtchn_fd() >= 0 && epoll_ctl(ep, EPOLL_CTL_ADD, domain_evtchn_fd(), &ev) != 0) {
        xsl_log("epoll (event channels): %s", strerror(errno));
        return;
    }
    conn_set_epoll(ep);
    while (!stop) {
        struct epoll_event evs[64];
        int n = epoll_wait(ep, evs, 64, conn_work_pending() ? 0 : -1);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            xsl_log("epoll_wait: %s", strerror(errno));
            break;
        }
        for (int i = 0; i < n; i++) {
            void *p = evs[i].data.ptr;
            if (p == &listen_tag) {
                for (int k = 0; k < 16 && socket_accept(lfd); k++)
                    ;
            } else if (p == &evtchn_tag) {
                domain_handle_events();
            } else {
                struct conn *c = p;
                if (c->dead)
                    continue;
                /* Output goes in conn_service(), after the journal. */
                if (evs[i].events & EPOLLOUT)
                    conn_queue(c);
                if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
                    conn_handle_input(c);
            }
        }
        conn_service(persist_flush);
        conn_reap();
    }
    persist_flush();
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"no-domain-init", no_argument, NULL, 'D'},
                                         {"entry-nb", required_argument, NULL, 'E'},
                                         {"pid-file", required_argument, NULL, 'F'},
                                         {"help", no_argument, NULL, 'H'},
                                         {"no-fork", no_argument, NULL, 'N'},
                                         {"output-pid", no_argument, NULL, 'P'},
                                         {"entry-size", required_argument, NULL, 'S'},
                                         {"trace-file", required_argument, NULL, 'T'},
                                         {"transaction", required_argument, NULL, 't'},
                                         {"perm-nb", required_argument, NULL, 'A'},
                                         {"path-max", required_argument, NULL, 'M'},
                                         {"quota", required_argument, NULL, 'Q'},
                                         {"quota-soft", required_argument, NULL, 'q'},
                                         {"timeout", required_argument, NULL, 'w'},
                                         {"no-recovery", no_argument, NULL, 'R'},
                                         {"internal-db", optional_argument, NULL, 'I'},
                                         {"keep-orphans", no_argument, NULL, 'K'},
                                         {"verbose", no_argument, NULL, 'V'},
                                         {"watch-nb", required_argument, NULL, 'W'},
                                         {NULL, 0, NULL, 0}};
    bool fork_ = true, outputpid = false, dom0 = true;
    const char *pidfile = NULL, *rootdir;
    int opt, lfd, readyfd = -1;

    limits_default(&xsd.lim);
    while ((opt = getopt_long(argc, argv, "DE:F:HI::KNPS:t:A:M:Q:q:T:RVW:w:", opts, NULL)) != -1) {
        switch (opt) {
        case 'D':
            dom0 = false;
            break;
        case 'E':
            xsd.lim.entries = num_arg("-E", optarg);
            break;
        case 'F':
            pidfile = optarg;
            break;
        case 'H':
            usage();
            return 0;
        case 'N':
            fork_ = false;
            break;
        case 'P':
            outputpid = true;
            break;
        case 'S':
            xsd.lim.entry_size = num_arg("-S", optarg);
            break;
        case 't':
            xsd.lim.transactions = num_arg("-t", optarg);
            break;
        case 'A':
            xsd.lim.perms = num_arg("-A", optarg);
            break;
        case 'M':
            xsd.lim.path_max = num_arg("-M", optarg);
            if (xsd.lim.path_max > XENSTORE_REL_PATH_MAX)
                xsd.lim.path_max = XENSTORE_REL_PATH_MAX;
            break;
        case 'W':
            xsd.lim.watches = num_arg("-W", optarg);
            break;
        case 'Q':
            set_quota(optarg);
            break;
        case 'T':
            if (!freopen(optarg, "a", stderr))
                fprintf(stdout, "tern-xenstored: cannot open %s\n", optarg);
            setvbuf(stderr, NULL, _IOLBF, 0);
            break;
        case 'V':
            xsl_verbose = 1;
            break;
        case 'q':
        case 'w':
        case 'I':
        case 'R':
        case 'K':
            break;
        default:
            usage();
            return 2;
        }
    }
    signal(SIGPIPE, SIG_IGN);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    if (fork_) {
        readyfd = daemonize();
        if (readyfd < 0) {
            perror("tern-xenstored: fork");
            return 1;
        }
    }
    /* special paths are readable by dom0 only until SET_PERMS says otherwise ("n0") */
    xsd.intro_perms.n = xsd.release_perms.n = 1;
    rootdir = getenv("XENSTORED_ROOTDIR");
    if (persist_open(rootdir && *rootdir ? rootdir : "/var/lib/xenstored") != 0 &&
        xsd.tree.tab == NULL)
        daemon_init_tree();
    xsd.tree.changed = daemon_tree_changed;
    lfd = socket_listen(socket_path());
    if (lfd < 0)
        return 1;
    xsd.xen = domain_init(dom0);
    if (!xsd.xen)
        xsl_log("no /dev/xen/evtchn: serving %s only", socket_path());
    domain_reconnect_restored();
    ready(readyfd, outputpid, pidfile);
    serve(lfd);
    unlink(socket_path());
    return 0;
}
