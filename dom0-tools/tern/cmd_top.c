/* tern top: xentop's table (dom0-tools/top/topfmt.c) from stats_read.c's samples, in batch
 * mode (-b: print every -d seconds, -i times) or on the terminal with xentop's keys. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include "cmdtable.h"
#include "../top/stats_read.h"
#include "../top/topfmt.h"
#include "../top/topkeys.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

/* The next sample, its CPU(%) from the previous one (which it replaces). */
static int sample(struct tern_ctx *ctx, struct tern_stats *prev, struct tern_stats *cur)
{
    char err[160];

    if (tern_stats_read(ctx, cur, err, sizeof(err)) < 0)
        return tern_error("top: %s", err);
    tern_stats_cpu_pct(cur, prev->doms ? prev : NULL);
    return 0;
}

static void sleep_s(unsigned s)
{
    struct timespec ts = {.tv_sec = s};

    while (!stop_requested && nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

static int run_batch(struct tern_ctx *ctx, const struct top_opts *o)
{
    struct tern_stats prev = {0}, cur;
    int rc = 0;

    for (unsigned k = 1; !stop_requested; k++) {
        if (sample(ctx, &prev, &cur)) {
            rc = 1;
            break;
        }
        top_print(stdout, &cur, o, time(NULL));
        fflush(stdout);
        tern_stats_free(&prev);
        prev = cur;
        if (o->iterations && k >= o->iterations)
            break;
        sleep_s(o->delay_s);
    }
    tern_stats_free(&prev);
    return rc;
}

/* ---------------------------------------------------------------- interactive */

static void draw(const struct top_screen *s, const struct tern_stats *st)
{
    struct winsize ws = {0};
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    unsigned rows, row = 0;

    if (!m)
        return;
    top_print(m, st, &s->opts, time(NULL));
    fclose(m);
    rows = ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 1 ? ws.ws_row : 24;
    fputs("\033[H\033[2J", stdout);
    for (char *line = text, *nl; line && *line && row + 1 < rows; line = nl ? nl + 1 : NULL) {
        nl = strchr(line, '\n');
        if (row == 3) /* the column header, reversed as xentop's */
            fputs("\033[7m", stdout);
        fwrite(line, 1, nl ? (size_t)(nl - line) : strlen(line), stdout);
        fputs(row == 3 ? "\033[0m\r\n" : "\r\n", stdout);
        row++;
    }
    free(text);
    printf("\033[%u;3H", rows);
    if (s->prompting)
        printf("Delay(sec): %s", s->prompt);
    else
        fputs("\033[7mD\033[0melay  \033[7mV\033[0mCPUs  \033[7mR\033[0mepeat header  "
              "\033[7mS\033[0mort order  \033[7mM\033[0memory  \033[7mQ\033[0muit",
              stdout);
    fflush(stdout);
}

static int run_screen(struct tern_ctx *ctx, const struct top_opts *o)
{
    struct top_screen s = {.opts = *o};
    struct tern_stats prev = {0}, cur = {0};
    struct termios saved, raw;
    unsigned shown = 0;
    int rc = 0;

    if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved) < 0)
        return tern_error("top: standard input is not a terminal (use -b for batch mode)");
    raw = saved;
    raw.c_lflag &= ~(ICANON | ECHO);
    raw.c_cc[VMIN] = 0;
    raw.c_cc[VTIME] = 0;
    tcsetattr(STDIN_FILENO, TCSANOW, &raw);
    while (!s.quit && !stop_requested) {
        struct timespec t0, t1;
        struct pollfd pfd = {.fd = STDIN_FILENO, .events = POLLIN};
        long wait_ms;

        if (sample(ctx, &prev, &cur)) {
            rc = 1;
            break;
        }
        tern_stats_free(&prev);
        prev = cur;
        draw(&s, &prev);
        if (o->iterations && ++shown >= o->iterations)
            break;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (wait_ms = (long)s.opts.delay_s * 1000; wait_ms > 0 && !s.quit && !stop_requested;) {
            char buf[16];
            ssize_t n;

            if (poll(&pfd, 1, (int)wait_ms) > 0 && (n = read(STDIN_FILENO, buf, sizeof(buf))) > 0) {
                top_keys_feed(&s, buf, (size_t)n);
                draw(&s, &prev); /* answer a key at once, from the same sample */
            }
            clock_gettime(CLOCK_MONOTONIC, &t1);
            wait_ms = (long)s.opts.delay_s * 1000 -
                      ((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000);
        }
    }
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    fputs("\r\n", stdout);
    tern_stats_free(&prev);
    return rc;
}

int cmd_top(struct tern_ctx *ctx, int argc, char **argv)
{
    struct sigaction sa = {.sa_handler = on_signal};
    struct top_opts o;
    char err[160];
    int r = top_parse_args(argc, argv, &o, err, sizeof(err));

    if (r == 1) {
        const struct tern_cmd *cmd = tern_cmd_find("top");

        printf("Usage: tern top %s\n\n%s\n", cmd->usage, cmd->help);
        return 0;
    }
    if (r < 0) {
        tern_error("top: %s", err);
        return tern_usage_error("top");
    }
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    return o.batch ? run_batch(ctx, &o) : run_screen(ctx, &o);
}
