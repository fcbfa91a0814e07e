/* tern console: attach the terminal to a domain's console through tern-consoled's socket
 * (the daemon owns the ring; see dom0-tools/console/). Ctrl-] detaches, as in xl. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>
#include "cmdtable.h"
#include "tern.h"

#define ESCAPE_CHAR 0x1d /* Ctrl-] */
/* With stdin at end of file (a script piping input), detach once the guest has been quiet
 * this long, so `cmds | tern console dom` ends by itself. A terminal never reaches EOF. */
#define EOF_LINGER_MS 2000

int tern_console_attach(uint32_t domid)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    struct termios saved, raw;
    bool tty = isatty(STDIN_FILENO), stdin_open = true;
    char buf[4096], hello[32];
    int fd, rc = 0;
    ssize_t n;

    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", TERN_CONSOLE_SOCKET);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
        return tern_error("console: connect to tern-consoled at %s: %s", TERN_CONSOLE_SOCKET,
                          strerror(errno));
    snprintf(hello, sizeof(hello), "%u\n", domid);
    if (write(fd, hello, strlen(hello)) < 0) {
        close(fd);
        return tern_error("console: domain %u: %s", domid, strerror(errno));
    }
    /* The daemon answers one line: "OK" or "ERR <reason>". */
    for (size_t len = 0; len < sizeof(buf) - 1;) {
        n = read(fd, buf + len, 1);
        if (n <= 0) {
            close(fd);
            return tern_error("console: domain %u: tern-consoled closed the connection", domid);
        }
        len += (size_t)n;
        if (buf[len - 1] == '\n') {
            buf[len - 1] = '\0';
            break;
        }
    }
    if (strcmp(buf, "OK")) {
        close(fd);
        return tern_error("console: domain %u: %s", domid, strncmp(buf, "ERR ", 4) ? buf : buf + 4);
    }
    if (tty && tcgetattr(STDIN_FILENO, &saved) == 0) {
        raw = saved;
        cfmakeraw(&raw);
        tcsetattr(STDIN_FILENO, TCSANOW, &raw);
    } else {
        tty = false;
    }
    for (;;) {
        struct pollfd pfd[2] = {{.fd = fd, .events = POLLIN},
                                {.fd = STDIN_FILENO, .events = POLLIN}};

        int ready = poll(pfd, stdin_open ? 2 : 1, stdin_open ? -1 : EOF_LINGER_MS);

        if (ready == 0)
            break; /* stdin closed and the guest is quiet */
        if (ready < 0) {
            if (errno == EINTR)
                continue;
            rc = tern_error("console: poll: %s", strerror(errno));
            break;
        }
        if (pfd[0].revents) {
            n = read(fd, buf, sizeof(buf));
            if (n <= 0)
                break; /* domain gone or daemon closed */
            if (write(STDOUT_FILENO, buf, (size_t)n) < 0)
                break;
        }
        if (stdin_open && pfd[1].revents) {
            n = read(STDIN_FILENO, buf, sizeof(buf));
            if (n <= 0) {
                stdin_open = false; /* keep showing output until killed or the domain ends */
                continue;
            }
            if (tty && memchr(buf, ESCAPE_CHAR, (size_t)n))
                break;
            if (write(fd, buf, (size_t)n) < 0)
                break;
        }
    }
    if (tty)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    close(fd);
    return rc;
}

int cmd_console(struct tern_ctx *ctx, int argc, char **argv)
{
    long domid;
    int opt;

    optind = 1;
    while ((opt = getopt(argc, argv, "+t:n:")) != -1) {
        if (opt == '?')
            return tern_usage_error("console");
    }
    if (optind != argc - 1)
        return tern_usage_error("console");
    domid = tern_domain_lookup(ctx, argv[optind]);
    if (domid < 0)
        return tern_error("console: domain '%s': %s", argv[optind], strerror(ESRCH));
    return tern_console_attach((uint32_t)domid);
}
