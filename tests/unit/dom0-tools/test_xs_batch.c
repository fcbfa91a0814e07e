/* Pipelined xenstore batches: request encoding, reply parsing, and a whole run against a
 * fake xenstored on a unix socket (XENSTORED_PATH): transaction id on every request, the
 * failing request named, commit retried on EAGAIN, reads answered in order. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <xen/io/xs_wire.h>
#include "suites.h"
#include "xs_batch.h"

START_TEST(test_encode)
{
    struct tern_xs_batch b;
    struct xs_permissions p[2] = {{.id = 0, .perms = XS_PERM_NONE},
                                  {.id = 7, .perms = XS_PERM_READ}};
    struct xsd_sockmsg h;
    size_t off = 0;

    tern_xs_batch_init(&b);
    tern_xs_batch_write(&b, "/a", "v1");
    tern_xs_batch_write(&b, "/b", NULL);
    tern_xs_batch_perms(&b, "/b", p, 2);
    tern_xs_batch_read(&b, "/c");
    ck_assert_int_eq(b.err, 0);
    ck_assert_uint_eq(b.count, 4);
    tern_xs_batch_set_tx(&b, 99);
    memcpy(&h, b.buf, sizeof(h));
    ck_assert_uint_eq(h.type, XS_WRITE);
    ck_assert_uint_eq(h.req_id, 0);
    ck_assert_uint_eq(h.tx_id, 99);
    ck_assert_uint_eq(h.len, 5);
    ck_assert_mem_eq(b.buf + sizeof(h), "/a\0v1", 5);
    off = sizeof(h) + h.len;
    memcpy(&h, b.buf + off, sizeof(h));
    ck_assert_uint_eq(h.type, XS_MKDIR);
    ck_assert_uint_eq(h.req_id, 1);
    off += sizeof(h) + h.len;
    memcpy(&h, b.buf + off, sizeof(h));
    ck_assert_uint_eq(h.type, XS_SET_PERMS);
    ck_assert_uint_eq(h.len, 9);
    ck_assert_mem_eq(b.buf + off + sizeof(h), "/b\0n0\0r7\0", 9);
    off += sizeof(h) + h.len;
    memcpy(&h, b.buf + off, sizeof(h));
    ck_assert_uint_eq(h.type, XS_READ);
    ck_assert_uint_eq(h.tx_id, 99);
    ck_assert_uint_eq(off + sizeof(h) + h.len, b.len);
    tern_xs_batch_free(&b);
}
END_TEST

START_TEST(test_parse_reply)
{
    char buf[64];
    struct xsd_sockmsg h = {.type = XS_ERROR, .req_id = 3, .len = 7};
    uint32_t type, id, plen;
    const char *payload;

    memcpy(buf, &h, sizeof(h));
    memcpy(buf + sizeof(h), "ENOENT", 7);
    ck_assert_int_eq(tern_xs_parse_reply(buf, sizeof(h) + 3, &type, &id, &payload, &plen), 0);
    ck_assert_int_eq(tern_xs_parse_reply(buf, sizeof(h) + 7, &type, &id, &payload, &plen),
                     (long)sizeof(h) + 7);
    ck_assert_uint_eq(id, 3);
    ck_assert_int_eq(tern_xs_error_errno(payload, plen), ENOENT);
    ck_assert_int_eq(tern_xs_error_errno("EAGAIN", 6), EAGAIN);
    ck_assert_int_eq(tern_xs_error_errno("EWHAT", 6), EIO);
    h.len = XENSTORE_PAYLOAD_MAX + 1;
    memcpy(buf, &h, sizeof(h));
    ck_assert_int_lt(tern_xs_parse_reply(buf, sizeof(buf), &type, &id, &payload, &plen), 0);
}
END_TEST

/* ---- a fake xenstored: one connection, requests answered in order */
struct fake {
    int listen_fd;
    int eagain_commits; /* how many commits to refuse with EAGAIN */
    int commits, aborts, requests, bad_tx;
};

static void reply(int fd, uint32_t type, uint32_t id, const char *p, uint32_t len)
{
    struct xsd_sockmsg h = {.type = type, .req_id = id, .len = len};

    ck_assert_int_eq(write(fd, &h, sizeof(h)), (ssize_t)sizeof(h));
    ck_assert_int_eq(write(fd, p, len), (ssize_t)len);
}

static int read_full(int fd, void *buf, size_t len)
{
    for (size_t got = 0; got < len;) {
        ssize_t n = read(fd, (char *)buf + got, len - got);

        if (n <= 0)
            return -1;
        got += (size_t)n;
    }
    return 0;
}

static void *fake_daemon(void *arg)
{
    struct fake *f = arg;
    int fd = accept(f->listen_fd, NULL, NULL);
    struct xsd_sockmsg h;
    char body[4200];
    uint32_t tx = 0;

    while (fd >= 0 && read_full(fd, &h, sizeof(h)) == 0 && read_full(fd, body, h.len) == 0) {
        body[h.len] = '\0';
        if (h.type == XS_TRANSACTION_START) {
            tx = 40 + (uint32_t)f->commits + (uint32_t)f->aborts + (uint32_t)f->eagain_commits;
            char txt[16];
            int n = snprintf(txt, sizeof(txt), "%u", tx);
            reply(fd, h.type, h.req_id, txt, (uint32_t)n + 1);
        } else if (h.type == XS_TRANSACTION_END) {
            if (body[0] == 'F') {
                f->aborts++;
                reply(fd, h.type, h.req_id, "OK", 3);
            } else if (f->eagain_commits > 0) {
                f->eagain_commits--;
                reply(fd, XS_ERROR, h.req_id, "EAGAIN", 7);
            } else {
                f->commits++;
                reply(fd, h.type, h.req_id, "OK", 3);
            }
        } else {
            f->requests++;
            if (h.tx_id != tx)
                f->bad_tx++;
            if (!strcmp(body, "/bad"))
                reply(fd, XS_ERROR, h.req_id, "EACCES", 7);
            else if (!strcmp(body, "/missing"))
                reply(fd, XS_ERROR, h.req_id, "ENOENT", 7);
            else if (h.type == XS_READ)
                reply(fd, h.type, h.req_id, "val", 3);
            else
                reply(fd, h.type, h.req_id, "OK", 3);
        }
    }
    if (fd >= 0)
        close(fd);
    return NULL;
}

static char sock_path[108];

static void start_fake(struct fake *f, pthread_t *th)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};

    snprintf(sock_path, sizeof(sock_path), "/tmp/tern-test-xs-%d.sock", (int)getpid());
    unlink(sock_path);
    snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", sock_path);
    f->listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
    ck_assert_int_eq(bind(f->listen_fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
    ck_assert_int_eq(listen(f->listen_fd, 4), 0);
    setenv("XENSTORED_PATH", sock_path, 1);
    ck_assert_int_eq(pthread_create(th, NULL, fake_daemon, f), 0);
}

static void stop_fake(struct fake *f, pthread_t th)
{
    pthread_join(th, NULL);
    close(f->listen_fd);
    unlink(sock_path);
    unsetenv("XENSTORED_PATH");
}

START_TEST(test_run_transaction)
{
    struct fake f = {.eagain_commits = 1};
    struct tern_xs_batch b;
    pthread_t th;
    int failed;

    start_fake(&f, &th);
    tern_xs_batch_init(&b);
    for (int i = 0; i < 200; i++) /* more than fits in one socket write of replies */
        tern_xs_batch_write(&b, "/local/domain/5/data", "x");
    ck_assert_int_eq(tern_xs_batch_run(&b, true, &failed), 0);
    stop_fake(&f, th);
    ck_assert_int_eq(f.commits, 1); /* committed on the second try */
    ck_assert_int_eq(f.requests, 400);
    ck_assert_int_eq(f.bad_tx, 0);
    ck_assert_int_eq(failed, -1);
    tern_xs_batch_free(&b);
}
END_TEST

START_TEST(test_run_failure)
{
    struct fake f = {0};
    struct tern_xs_batch b;
    pthread_t th;
    int failed;

    start_fake(&f, &th);
    tern_xs_batch_init(&b);
    tern_xs_batch_write(&b, "/ok", "1");
    tern_xs_batch_write(&b, "/bad", "1");
    tern_xs_batch_write(&b, "/ok2", "1");
    ck_assert_int_eq(tern_xs_batch_run(&b, true, &failed), -EACCES);
    stop_fake(&f, th);
    ck_assert_int_eq(failed, 1);
    ck_assert_str_eq(b.paths[failed], "/bad");
    ck_assert_int_eq(f.aborts, 1);
    ck_assert_int_eq(f.commits, 0);
    tern_xs_batch_free(&b);
}
END_TEST

START_TEST(test_run_reads)
{
    struct fake f = {0};
    struct tern_xs_batch b;
    pthread_t th;
    int failed;

    start_fake(&f, &th);
    tern_xs_batch_init(&b);
    tern_xs_batch_read(&b, "/x");
    tern_xs_batch_read(&b, "/missing");
    tern_xs_batch_rm(&b, "/missing");
    /* ENOENT answers a read, and a removal of nothing is done. */
    ck_assert_int_eq(tern_xs_batch_run(&b, false, &failed), 0);
    stop_fake(&f, th);
    ck_assert_str_eq(b.replies[0].value, "val");
    ck_assert_int_eq(b.replies[1].err, ENOENT);
    ck_assert_int_eq(b.replies[2].err, ENOENT);
    ck_assert_int_eq(f.commits + f.aborts, 0);
    tern_xs_batch_free(&b);
    /* ENOENT for a write is an error. */
    start_fake(&f, &th);
    tern_xs_batch_init(&b);
    tern_xs_batch_write(&b, "/missing", "1");
    ck_assert_int_eq(tern_xs_batch_run(&b, false, &failed), -ENOENT);
    stop_fake(&f, th);
    ck_assert_int_eq(failed, 0);
    tern_xs_batch_free(&b);
    /* No daemon: the caller is told to fall back. */
    setenv("XENSTORED_PATH", "/nonexistent/socket", 1);
    tern_xs_batch_init(&b);
    tern_xs_batch_read(&b, "/x");
    ck_assert_int_eq(tern_xs_batch_run(&b, false, &failed), -ENOTCONN);
    tern_xs_batch_free(&b);
    unsetenv("XENSTORED_PATH");
}
END_TEST

Suite *xs_batch_suite(void)
{
    Suite *s = suite_create("xs-batch");
    TCase *tc = tcase_create("xs-batch");

    tcase_add_test(tc, test_encode);
    tcase_add_test(tc, test_parse_reply);
    tcase_add_test(tc, test_run_transaction);
    tcase_add_test(tc, test_run_failure);
    tcase_add_test(tc, test_run_reads);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}
