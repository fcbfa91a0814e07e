/* Unix socket clients (see socket.h). */
#define _GNU_SOURCE
#include "socket.h"
#include "conn.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

const char *socket_path(void)
{
    static char buf[256];
    const char *p = getenv("XENSTORED_PATH");

    if (p && *p)
        return p;
    p = getenv("XENSTORED_RUNDIR");
    snprintf(buf, sizeof(buf), "%s/socket", p && *p ? p : "/var/run/xenstored");
    return buf;
}

static ssize_t sock_read(struct conn *c, void *buf, size_t len)
{
    ssize_t n = read(c->fd, buf, len);

    if (n > 0)
        return n;
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return 0;
    return -1; /* EOF or error: the client went away */
}

static ssize_t sock_write(struct conn *c, const void *buf, size_t len)
{
    ssize_t n = send(c->fd, buf, len, MSG_NOSIGNAL);

    if (n >= 0)
        return n;
    return (errno == EAGAIN || errno == EINTR) ? 0 : -1;
}

static void sock_close(struct conn *c)
{
    close(c->fd);
    c->fd = -1;
}

static const struct conn_ops sock_ops = {
    .read = sock_read,
    .write = sock_write,
    .close = sock_close,
};

int socket_listen(const char *path)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    int fd;
    char dir[sizeof(addr.sun_path)];

    if (strlen(path) >= sizeof(addr.sun_path)) {
        xsl_log("socket path too long: %s", path);
        return -1;
    }
    strcpy(addr.sun_path, path);
    strcpy(dir, path);
    if (strrchr(dir, '/') && strrchr(dir, '/') != dir) {
        *strrchr(dir, '/') = '\0';
        mkdir(dir, 0755);
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -1;
    unlink(path);
    if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0 || chmod(path, 0600) != 0 ||
        listen(fd, 128) != 0) {
        xsl_log("cannot listen on %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

bool socket_accept(int lfd)
{
    int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

    if (fd < 0)
        return false;
    /* Socket clients are dom0's tools: privileged, acting as domain 0 (as in Xen). */
    conn_new(&sock_ops, fd, 0);
    return true;
}
