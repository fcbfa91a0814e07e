/*
 * One binary for Xen's client tools: xenstore-read, -write, -rm, -exists, -list, -ls,
 * -chmod, -watch (and -control), chosen by the name it runs under ("xenstore-read") or its
 * first argument ("tern-xenstore read").  Options, output and exit status follow Xen's
 * xenstore_client.c; several keys are handled in one transaction, retried on EAGAIN.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <xenstore.h>

#include "escape.h"

struct opts {
    bool prefix, tidy, upto, recurse, raw, flat;
    int nr_watches;
    int width;
};

struct mode {
    const char *name;
    const char *flags; /* option letters it accepts */
    const char *usage;
    int min_args;
    int (*run)(struct xs_handle *h, xs_transaction_t t, char **args, int n, const struct opts *o);
    bool (*in_tx)(int nargs); /* run inside a transaction? */
};

/* Output is buffered so a retried transaction prints once. */
static char *outbuf;
static size_t outlen, outcap;

static void out(const void *d, size_t n)
{
    if (outlen + n > outcap) {
        outcap = (outlen + n) * 2 + 256;
        outbuf = realloc(outbuf, outcap);
        if (!outbuf)
            err(1, "malloc");
    }
    memcpy(outbuf + outlen, d, n);
    outlen += n;
}

static void outs(const char *s)
{
    out(s, strlen(s));
}

static int do_read(struct xs_handle *h, xs_transaction_t t, char **a, int n, const struct opts *o)
{
    for (int i = 0; i < n; i++) {
        unsigned int len;
        char *v = xs_read(h, t, a[i], &len);
        if (!v) {
            warnx("couldn't read path %s", a[i]);
            return 1;
        }
        if (o->prefix) {
            outs(a[i]);
            outs(": ");
        }
        if (o->raw) {
            out(v, len);
        } else {
            char *e = xsl_escape(v, len);
            outs(e);
            outs("\n");
            free(e);
        }
        free(v);
    }
    return 0;
}

static int do_write(struct xs_handle *h, xs_transaction_t t, char **a, int n, const struct opts *o)
{
    for (int i = 0; i + 1 < n; i += 2) {
        char *buf = malloc(strlen(a[i + 1]) + 1);
        size_t len;
        if (!buf)
            err(1, "malloc");
        if (o->raw) {
            strcpy(buf, a[i + 1]);
            len = strlen(buf);
        } else {
            len = xsl_unescape(a[i + 1], buf);
        }
        bool ok = xs_write(h, t, a[i], buf, (unsigned int)len);
        free(buf);
        if (!ok) {
            warnx("could not write path %s", a[i]);
            return 1;
        }
    }
    return 0;
}

static int rm_one(struct xs_handle *h, xs_transaction_t t, const char *path)
{
    if (!xs_rm(h, t, path)) {
        warn("could not remove path %s", path);
        return 1;
    }
    return 0;
}

static int do_rm(struct xs_handle *h, xs_transaction_t t, char **a, int n, const struct opts *o)
{
    for (int i = 0; i < n; i++) {
        char *p = strdup(a[i]), *slash;
        if (!p || rm_one(h, t, p)) {
            free(p);
            return 1;
        }
        /* -t: also remove parents left empty and valueless */
        while (o->tidy && (slash = strrchr(p, '/')) && slash != p) {
            unsigned int len, num;
            *slash = '\0';
            char *v = xs_read(h, t, p, &len);
            char **kids = v && len == 0 ? xs_directory(h, t, p, &num) : NULL;
            bool empty = kids && num == 0;
            free(v);
            free(kids);
            if (!empty || rm_one(h, t, p))
                break;
        }
        free(p);
    }
    return 0;
}

static int do_exists(struct xs_handle *h, xs_transaction_t t, char **a, int n, const struct opts *o)
{
    for (int i = 0; i < n; i++) {
        char *v = xs_read(h, t, a[i], NULL);
        if (!v)
            return 1;
        free(v);
    }
    return 0;
}

static int do_list(struct xs_handle *h, xs_transaction_t t, char **a, int n, const struct opts *o)
{
    for (int i = 0; i < n; i++) {
        unsigned int num;
        char **kids = xs_directory(h, t, a[i], &num);
        if (!kids) {
            warnx("could not list path %s", a[i]);
            return 1;
        }
        for (unsigned int k = 0; k < num; k++) {
            if (o->prefix) {
                outs(a[i]);
                outs("/");
            }
            outs(kids[k]);
            outs("\n");
        }
        free(kids);
    }
    return 0;
}

/* xenstore-ls: an indented tree, values quoted and cut to the terminal width, -p adds
 * the permissions after a dotted leader, -f prints full paths. */
static void ls_tree(struct xs_handle *h, const char *path, int depth, const struct opts *o)
{
    static const char tag[] = " = \"...\"";
    const int taglen = (int)sizeof(tag) - 1, desired = o->flat ? 0 : 60;
    unsigned int num;
    char **kids = xs_directory(h, XBT_NULL, path, &num);

    if (!kids) {
        if (depth && errno == ENOENT)
            return; /* vanished while we walked */
        err(1, "xs_directory (%s)", path);
    }
    for (unsigned int i = 0; i < num; i++) {
        char child[XENSTORE_ABS_PATH_MAX + 1024];
        int w = 0;
        unsigned int len;

        snprintf(child, sizeof(child), "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/",
                 kids[i]);
        if (o->flat) {
            w = printf("%s", child);
        } else {
            w = printf("%*s", depth, "");
            w += printf("%.*s", o->width - taglen - w > 0 ? o->width - taglen - w : 0, kids[i]);
        }
        char *v = xs_read(h, XBT_NULL, child, &len);
        if (!v) {
            printf(":\n");
        } else {
            char *e = xsl_escape(v, len);
            if (o->width < w + (int)len + taglen) {
                printf(" = \"%.*s\\...\"", o->width - taglen - w > 0 ? o->width - taglen - w : 0,
                       e);
            } else {
                w += printf(" = \"%s\"", e);
                if (o->prefix) {
                    putchar(' ');
                    for (w++; w < (desired < o->width ? desired : o->width); w++)
                        putchar((w & 1) ? '.' : ' ');
                }
            }
            free(e);
            free(v);
        }
        if (o->prefix) {
            unsigned int np;
            struct xs_permissions *p = xs_get_permissions(h, XBT_NULL, child, &np);
            if (!p) {
                warn("\ncould not access permissions for %s", kids[i]);
            } else {
                static const char letter[4] = {'n', 'r', 'w', 'b'};
                fputs("  (", stdout);
                for (unsigned int k = 0; k < np; k++)
                    printf("%s%c%u", k ? "," : "", letter[p[k].perms & 3], p[k].id);
                putchar(')');
                free(p);
            }
        }
        putchar('\n');
        ls_tree(h, child, depth + 1, o);
    }
    free(kids);
}

static int do_ls(struct xs_handle *h, xs_transaction_t t, char **a, int n, const struct opts *o)
{
    if (n == 0)
        ls_tree(h, "/", 0, o);
    for (int i = 0; i < n; i++)
        ls_tree(h, a[i], 0, o);
    return 0;
}

static void chmod_path(struct xs_handle *h, xs_transaction_t t, char *path,
                       struct xs_permissions *p, int np, bool upto, bool recurse)
{
    if (!path[0])
        return;
    if (!xs_set_permissions(h, t, path, p, (unsigned int)np))
        err(1, "Error occurred setting permissions on '%s'", path);
    if (upto) {
        char *slash = strrchr(path, '/');
        if (!slash)
            errx(1, "Unable to locate path separator '/' in '%s'", path);
        *slash = '\0';
        chmod_path(h, t, path, p, np, true, false);
        *slash = '/';
    }
    if (recurse) {
        unsigned int num;
        char **kids = xs_directory(h, t, path, &num);
        for (unsigned int i = 0; kids && i < num; i++) {
            char child[XENSTORE_ABS_PATH_MAX + 1024];
            snprintf(child, sizeof(child), "%s/%s", path, kids[i]);
            chmod_path(h, t, child, p, np, false, true);
        }
        free(kids);
    }
}

static int do_chmod(struct xs_handle *h, xs_transaction_t t, char **a, int n, const struct opts *o)
{
    int np = n - 1;
    struct xs_permissions *p = calloc((size_t)(np > 0 ? np : 1), sizeof(*p));
    char *path = strdup(a[0]);

    if (!p || !path)
        err(1, "malloc");
    for (int i = 0; i < np; i++) {
        const char *s = a[i + 1];
        p[i].id = (unsigned int)atoi(s + 1);
        switch (s[0]) {
        case 'n':
            p[i].perms = XS_PERM_NONE;
            break;
        case 'r':
            p[i].perms = XS_PERM_READ;
            break;
        case 'w':
            p[i].perms = XS_PERM_WRITE;
            break;
        case 'b':
            p[i].perms = XS_PERM_READ | XS_PERM_WRITE;
            break;
        default:
            errx(1, "Invalid permission specification: '%c'", s[0]);
        }
    }
    chmod_path(h, t, path, p, np, o->upto, o->recurse);
    free(p);
    free(path);
    return 0;
}

static int do_watch(struct xs_handle *h, xs_transaction_t t, char **a, int n, const struct opts *o)
{
    for (int i = 0; i < n; i++)
        if (!xs_watch(h, a[i], a[i]))
            errx(1, "Unable to add watch on %s\n", a[i]);
    for (int count = 0; o->nr_watches == -1 || count < o->nr_watches; count++) {
        unsigned int num;
        char **v = xs_read_watch(h, &num);
        if (!v) {
            if (errno == ECONNRESET || errno == EIO)
                err(1, "xs_read_watch");
            continue;
        }
        printf("%s\n", v[XS_WATCH_PATH]);
        fflush(stdout);
        free(v);
    }
    return 0;
}

static int do_control(struct xs_handle *h, xs_transaction_t t, char **a, int n,
                      const struct opts *o)
{
    char buf[XENSTORE_PAYLOAD_MAX];
    size_t len = 0;

    for (int i = 1; i < n; i++) {
        size_t l = strlen(a[i]) + 1;
        if (len + l > sizeof(buf))
            errx(1, "arguments too long");
        memcpy(buf + len, a[i], l);
        len += l;
    }
    char *r = xs_control_command(h, a[0], n > 1 ? buf : NULL, (unsigned int)len);
    if (!r) {
        warn("control command %s failed", a[0]);
        return 3;
    }
    if (strcmp(r, "OK") != 0)
        printf("%s\n", r);
    free(r);
    return 0;
}

static bool tx_more_than_one(int n)
{
    return n > 1;
}

static bool tx_more_than_one_pair(int n)
{
    return n > 2;
}

static bool tx_always(int n)
{
    return true;
}

static bool tx_never(int n)
{
    return false;
}

static const struct mode modes[] = {
    {"read", "psR", "[-h] [-p] [-s] [-R] key [...]", 1, do_read, tx_more_than_one},
    {"write", "sR", "[-h] [-s] [-R] key value [...]", 2, do_write, tx_more_than_one_pair},
    {"rm", "st", "[-h] [-s] [-t] key [...]", 1, do_rm, tx_always},
    {"exists", "s", "[-h] [-s] key [...]", 1, do_exists, tx_always},
    {"list", "ps", "[-h] [-p] [-s] key [...]", 1, do_list, tx_always},
    {"ls", "fps", "[-h] [-f] [-p] [-s] [path]", 0, do_ls, tx_never},
    {"chmod", "urs", "[-h] [-u] [-r] [-s] key <mode [modes...]>", 2, do_chmod, tx_always},
    {"watch", "ns", "[-h] [-n NR] [-s] key", 1, do_watch, tx_never},
    {"control", "s", "<command> [args...]", 1, do_control, tx_never},
};

static void usage(const char *prog, const struct mode *m)
{
    if (!m) {
        fprintf(stderr, "Usage: %s <mode> [-h] [...]\nmodes:", prog);
        for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
            fprintf(stderr, " %s", modes[i].name);
        fputc('\n', stderr);
    } else {
        fprintf(stderr, "Usage: %s %s\n", prog, m->usage);
    }
    exit(1);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {{"help", 0, 0, 'h'},   {"flat", 0, 0, 'f'},
                                             {"prefix", 0, 0, 'p'}, {"tidy", 0, 0, 't'},
                                             {"upto", 0, 0, 'u'},   {"recurse", 0, 0, 'r'},
                                             {"number", 1, 0, 'n'}, {"raw", 0, 0, 'R'},
                                             {"socket", 0, 0, 's'}, {0, 0, 0, 0}};
    const char *base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
    const char *name = NULL;
    const struct mode *m = NULL;
    struct opts o = {.nr_watches = -1, .width = 80};
    unsigned long flags = 0;
    int shift = 0, c, ret;
    struct xs_handle *h;
    struct winsize ws;

    if (strncmp(base, "xenstore-", 9) == 0) {
        name = base + 9;
    } else {
        if (argc < 2)
            usage(base, NULL);
        name = argv[1];
        shift = 1;
    }
    for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
        if (strcmp(modes[i].name, name) == 0)
            m = &modes[i];
    if (!m)
        errx(1, "unknown mode %s\n", name);
    argc -= shift;
    argv += shift;
    while ((c = getopt_long(argc, argv, "hfspturn:R", longopts, NULL)) != -1) {
        if (c == 'h' || c == '?' || !strchr(m->flags, c))
            usage(base, m);
        switch (c) {
        case 'f':
            o.flat = true;
            o.width = INT_MAX / 2;
            break;
        case 'p':
            o.prefix = true;
            break;
        case 't':
            o.tidy = true;
            break;
        case 'u':
            o.upto = true;
            break;
        case 'r':
            o.recurse = true;
            break;
        case 'n':
            o.nr_watches = atoi(optarg);
            break;
        case 'R':
            o.raw = true;
            break;
        case 's':
            flags |= XS_OPEN_SOCKETONLY;
            break;
        }
    }
    int nargs = argc - optind;
    if (nargs < m->min_args || (m->run == do_write && nargs % 2))
        usage(base, m);
    if (m->run == do_ls && !o.flat && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col)
        o.width = ws.ws_col - 2;
    h = xs_open(flags);
    if (!h)
        err(1, "xs_open");
    bool tx = m->in_tx(nargs);
    for (;;) {
        xs_transaction_t t = XBT_NULL;
        if (tx && (t = xs_transaction_start(h)) == XBT_NULL)
            errx(1, "couldn't start transaction");
        outlen = 0;
        ret = m->run(h, t, argv + optind, nargs, &o);
        if (tx && !xs_transaction_end(h, t, ret != 0)) {
            if (ret == 0 && errno == EAGAIN)
                continue;
            errx(1, "couldn't end transaction");
        }
        break;
    }
    if (outlen)
        fwrite(outbuf, 1, outlen, stdout);
    free(outbuf);
    xs_close(h);
    return ret;
}
