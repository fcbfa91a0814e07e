/* Unit tests: the daemon's tree, permissions, transactions, watches, limits and persistence,
 * driven through the request dispatcher with in-memory clients (harness.c). */
#define _GNU_SOURCE /* memmem */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "../../../xenstore-lite/daemon/conn.h"
#include "../../../xenstore-lite/daemon/daemon.h"
#include "../../../xenstore-lite/daemon/mutate.h"
#include "../../../xenstore-lite/daemon/persist.h"

static char out[XENSTORE_PAYLOAD_MAX + 1];
static size_t olen;
static char ep[256], et[64];

static void setup(void)
{
    tc_reset();
}

/* ------------------------------------------------------------------ tree */

START_TEST(write_read_directory)
{
    struct tc *c = tc_new(0);

    ck_assert_int_eq(tc_write(c, 0, "/a/b/c", "hello"), 0);
    ck_assert_int_eq(tc_read(c, 0, "/a/b/c", out), 0);
    ck_assert_str_eq(out, "hello");
    ck_assert_int_eq(tc_read(c, 0, "/a/b", out), 0); /* parents created empty */
    ck_assert_str_eq(out, "");
    ck_assert_int_eq(tc_write(c, 0, "/a/x", "1"), 0);
    ck_assert_int_eq(tc_dir(c, 0, "/a", out, &olen), 0);
    ck_assert_uint_eq(olen, 4); /* "b\0x\0", creation order */
    ck_assert(memcmp(out, "b\0x\0", 4) == 0);
    ck_assert_int_eq(tc_dir(c, 0, "/a/x", out, &olen), 0);
    ck_assert_uint_eq(olen, 0);
    ck_assert_int_eq(tc_read(c, 0, "/nope", out), ENOENT);
    ck_assert_int_eq(tc_dir(c, 0, "/nope", out, &olen), ENOENT);
}
END_TEST

START_TEST(binary_values_and_overwrite)
{
    struct tc *c = tc_new(0);
    char buf[16] = "/v\0a\0b";

    ck_assert_uint_eq(tc_req(c, XS_WRITE, 0, buf, 6, out, NULL), XS_WRITE);
    ck_assert_uint_eq(tc_req(c, XS_READ, 0, "/v", 3, out, &olen), XS_READ);
    ck_assert_uint_eq(olen, 3);
    ck_assert(memcmp(out, "a\0b", 3) == 0);
    ck_assert_int_eq(tc_write(c, 0, "/v", ""), 0);
    ck_assert_uint_eq(tc_req(c, XS_READ, 0, "/v", 3, out, &olen), XS_READ);
    ck_assert_uint_eq(olen, 0);
}
END_TEST

START_TEST(mkdir_rm)
{
    struct tc *c = tc_new(0);

    ck_assert_int_eq(tc_write(c, 0, "/m", "keep"), 0);
    ck_assert_int_eq(tc_mkdir(c, 0, "/m"), 0); /* existing: no change */
    ck_assert_int_eq(tc_read(c, 0, "/m", out), 0);
    ck_assert_str_eq(out, "keep");
    ck_assert_int_eq(tc_mkdir(c, 0, "/m/n/o"), 0);
    ck_assert_int_eq(tc_rm(c, 0, "/m"), 0);
    ck_assert_int_eq(tc_read(c, 0, "/m/n/o", out), ENOENT);
    ck_assert_int_eq(tc_rm(c, 0, "/m"), 0);        /* absent, parent exists */
    ck_assert_int_eq(tc_rm(c, 0, "/m/n"), ENOENT); /* parent absent too */
    ck_assert_int_eq(tc_rm(c, 0, "/"), EINVAL);
    ck_assert_int_eq(tc_dir(c, 0, "/", out, &olen), 0);
    ck_assert(memcmp(out, "tool\0", 5) == 0 && olen == 5);
}
END_TEST

START_TEST(malformed_requests)
{
    struct tc *c = tc_new(0);

    ck_assert_int_eq(tc_read(c, 0, "a//b", out), EINVAL);
    ck_assert_int_eq(tc_read(c, 0, "/a/", out), EINVAL);
    ck_assert_int_eq(tc_write(c, 0, "/bad char", "x"), EINVAL);
    /* READ without terminating NUL, with two strings, empty */
    ck_assert_uint_eq(tc_req(c, XS_READ, 0, "/tool", 5, out, NULL), XS_ERROR);
    ck_assert_str_eq(out, "EINVAL");
    ck_assert_uint_eq(tc_req(c, XS_READ, 0, "/a\0/b", 6, out, NULL), XS_ERROR);
    ck_assert_uint_eq(tc_req(c, XS_READ, 0, "", 0, out, NULL), XS_ERROR);
    ck_assert_uint_eq(tc_req(c, XS_WRITE, 0, "/nonul", 6, out, NULL), XS_ERROR);
    /* unknown and server-only types */
    ck_assert_uint_eq(tc_req(c, 99, 0, "", 0, out, NULL), XS_ERROR);
    ck_assert_str_eq(out, "ENOSYS");
    ck_assert_uint_eq(tc_req(c, XS_WATCH_EVENT, 0, "", 0, out, NULL), XS_ERROR);
    ck_assert_str_eq(out, "ENOSYS");
    ck_assert_uint_eq(tc_req(c, 20, 0, "", 0, out, NULL), XS_ERROR);
    /* unknown transaction */
    ck_assert_int_eq(tc_read(c, 42, "/tool", out), ENOENT);
}
END_TEST

START_TEST(reply_echoes_ids)
{
    struct tc *c = tc_new(0);
    uint32_t tx;

    tc_read(c, 0, "/tool", out);
    ck_assert_uint_eq(tc_last_req_id(c), 1001);
    ck_assert_int_eq(tc_tx_start(c, &tx), 0);
    tc_read(c, tx, "/tool", out);
    ck_assert_uint_eq(tc_last_tx_id(c), tx);
    tc_read(c, 0, "/nope", out); /* errors echo too */
    ck_assert_uint_eq(tc_last_req_id(c), 1004);
}
END_TEST

START_TEST(directory_part)
{
    struct tc *c = tc_new(0);
    char path[64];

    /* 300 children of 19 chars: more than one 4 KiB reply */
    for (int i = 0; i < 300; i++) {
        snprintf(path, sizeof(path), "/d/child-%012d", i);
        ck_assert_int_eq(tc_write(c, 0, path, ""), 0);
    }
    unsigned int off = 0, names = 0, parts = 0;
    char gen0[32] = "";
    for (;;) {
        char req[64];
        int l = snprintf(req, sizeof(req), "/d%c%u", 0, off) + 1;
        ck_assert_uint_eq(tc_req(c, XS_DIRECTORY_PART, 0, req, (size_t)l, out, &olen),
                          XS_DIRECTORY_PART);
        ck_assert(olen <= XENSTORE_PAYLOAD_MAX);
        if (!parts)
            strcpy(gen0, out);
        ck_assert_str_eq(out, gen0); /* generation unchanged while listing */
        size_t p = strlen(out) + 1;
        bool end = false;
        parts++;
        while (p < olen) {
            if (out[p] == '\0') {
                end = true;
                break;
            }
            off += (unsigned int)strlen(out + p) + 1;
            p += strlen(out + p) + 1;
            names++;
        }
        if (end)
            break;
    }
    ck_assert_uint_eq(names, 300);
    ck_assert_uint_ge(parts, 2);
    /* the whole list does not fit one reply */
    ck_assert_int_eq(tc_dir(c, 0, "/d", out, &olen), E2BIG);
}
END_TEST

START_TEST(domain_path_and_control)
{
    struct tc *c = tc_new(0), *u = tc_new(3);

    ck_assert_uint_eq(tc_req(c, XS_GET_DOMAIN_PATH, 0, "7", 2, out, &olen), XS_GET_DOMAIN_PATH);
    ck_assert_str_eq(out, "/local/domain/7");
    ck_assert_uint_eq(olen, strlen("/local/domain/7") + 1);
    ck_assert_uint_eq(tc_req(c, XS_GET_DOMAIN_PATH, 0, "x", 2, out, NULL), XS_ERROR);
    ck_assert_uint_eq(tc_req(c, XS_IS_DOMAIN_INTRODUCED, 0, "9", 2, out, NULL),
                      XS_IS_DOMAIN_INTRODUCED);
    ck_assert_str_eq(out, "F");
    ck_assert_uint_eq(tc_req(c, XS_CONTROL, 0, "check", 6, out, NULL), XS_CONTROL);
    ck_assert_str_eq(out, "OK");
    /* privileged-only requests */
    ck_assert_uint_eq(tc_req(u, XS_CONTROL, 0, "check", 6, out, NULL), XS_ERROR);
    ck_assert_str_eq(out, "EACCES");
    ck_assert_uint_eq(tc_req(u, XS_INTRODUCE, 0, "4\0001\0002", 6, out, NULL), XS_ERROR);
    ck_assert_str_eq(out, "EACCES");
    ck_assert_uint_eq(tc_req(u, XS_RELEASE, 0, "4", 2, out, NULL), XS_ERROR);
    ck_assert_uint_eq(tc_req(c, XS_RELEASE, 0, "4", 2, out, NULL), XS_ERROR);
    ck_assert_str_eq(out, "ENOENT");
}
END_TEST

/* ------------------------------------------------------------------ permissions */

START_TEST(perms_default_and_explicit)
{
    struct tc *d0 = tc_new(0), *u = tc_new(5);
    const char *p1[] = {"n0", "r5"};

    ck_assert_int_eq(tc_write(d0, 0, "/secret", "s"), 0);
    ck_assert_int_eq(tc_read(u, 0, "/secret", out), EACCES);
    ck_assert_int_eq(tc_write(u, 0, "/secret", "x"), EACCES);
    ck_assert_int_eq(tc_setperms(d0, 0, "/secret", p1, 2), 0);
    ck_assert_int_eq(tc_read(u, 0, "/secret", out), 0);
    ck_assert_int_eq(tc_write(u, 0, "/secret", "x"), EACCES);
    ck_assert_int_eq(tc_getperms(d0, 0, "/secret", out, &olen), 0);
    ck_assert(olen == 6 && memcmp(out, "n0\0r5\0", 6) == 0);
    /* an absent node under an unreadable parent: EACCES, not ENOENT */
    ck_assert_int_eq(tc_read(u, 0, "/tool/nothing", out), EACCES);
    ck_assert_int_eq(tc_read(u, 0, "/secret/nothing", out), ENOENT);
    ck_assert_int_eq(tc_setperms(d0, 0, "/secret", (const char *[]){"x0"}, 1), EINVAL);
}
END_TEST

START_TEST(perms_inherited_and_owner)
{
    struct tc *d0 = tc_new(0), *u = tc_new(5), *v = tc_new(6);
    const char *home[] = {"w5", "r6"};

    ck_assert_int_eq(tc_mkdir(d0, 0, "/local/domain/5"), 0);
    ck_assert_int_eq(tc_setperms(d0, 0, "/local/domain/5", home, 2), 0);
    /* relative path, created by dom5: owned by dom5, rest inherited */
    ck_assert_int_eq(tc_write(u, 0, "data/x", "1"), 0);
    ck_assert_int_eq(tc_getperms(d0, 0, "/local/domain/5/data/x", out, &olen), 0);
    ck_assert(olen == 6 && memcmp(out, "w5\0r6\0", 6) == 0);
    ck_assert_int_eq(tc_read(v, 0, "/local/domain/5/data/x", out), 0);
    ck_assert_int_eq(tc_write(v, 0, "/local/domain/5/data/x", "no"), EACCES);
    /* created by dom0: exact copy of the parent's list */
    ck_assert_int_eq(tc_write(d0, 0, "/local/domain/5/byd0", ""), 0);
    ck_assert_int_eq(tc_getperms(d0, 0, "/local/domain/5/byd0", out, &olen), 0);
    ck_assert(memcmp(out, "w5\0r6\0", 6) == 0);
    /* owner may change perms but not give the node away */
    ck_assert_int_eq(tc_setperms(u, 0, "data/x", (const char *[]){"b5", "n6"}, 2), 0);
    ck_assert_int_eq(tc_read(v, 0, "/local/domain/5/data/x", out), EACCES);
    ck_assert_int_eq(tc_setperms(u, 0, "data/x", (const char *[]){"b6"}, 1), EPERM);
    ck_assert_int_eq(tc_setperms(v, 0, "/local/domain/5/data/x", (const char *[]){"b6"}, 1),
                     EACCES);
    ck_assert_int_eq(tc_setperms(d0, 0, "/local/domain/5/data/x", (const char *[]){"b6"}, 1), 0);
}
END_TEST

START_TEST(set_target_privilege)
{
    struct tc *d0 = tc_new(0), *dm = tc_new(7);
    /* a device model (dom7) targeting dom5 acts with dom5's rights */
    tc_conn(dm)->target = 5;
    ck_assert_int_eq(tc_mkdir(d0, 0, "/local/domain/5"), 0);
    ck_assert_int_eq(tc_setperms(d0, 0, "/local/domain/5", (const char *[]){"n5"}, 1), 0);
    ck_assert_int_eq(tc_write(dm, 0, "/local/domain/5/dm", "x"), 0);
    ck_assert_int_eq(tc_dir(dm, 0, "/local/domain/5", out, &olen), 0);
    tc_conn(dm)->target = -1;
    ck_assert_int_eq(tc_dir(dm, 0, "/local/domain/5", out, &olen), EACCES);
}
END_TEST

/* ------------------------------------------------------------------ transactions */

START_TEST(tx_isolation_and_commit)
{
    struct tc *a = tc_new(0), *b = tc_new(0);
    uint32_t tx;

    ck_assert_int_eq(tc_tx_start(a, &tx), 0);
    ck_assert_uint_ne(tx, 0);
    ck_assert_int_eq(tc_write(a, tx, "/t/x", "1"), 0);
    ck_assert_int_eq(tc_read(a, tx, "/t/x", out), 0); /* sees its own write */
    ck_assert_str_eq(out, "1");
    ck_assert_int_eq(tc_read(b, 0, "/t/x", out), ENOENT); /* others do not */
    ck_assert_int_eq(tc_read(a, 0, "/t/x", out), ENOENT); /* nor outside the tx */
    ck_assert_int_eq(tc_dir(a, tx, "/t", out, &olen), 0);
    ck_assert_int_eq(tc_tx_end(a, tx, true), 0);
    ck_assert_int_eq(tc_read(b, 0, "/t/x", out), 0);
    ck_assert_str_eq(out, "1");
    ck_assert_int_eq(tc_tx_end(a, tx, true), ENOENT); /* gone */
}
END_TEST

START_TEST(tx_abort_and_rm)
{
    struct tc *a = tc_new(0);
    uint32_t tx;

    tc_write(a, 0, "/r/a/b", "1");
    ck_assert_int_eq(tc_tx_start(a, &tx), 0);
    ck_assert_int_eq(tc_rm(a, tx, "/r/a"), 0);
    ck_assert_int_eq(tc_read(a, tx, "/r/a/b", out), ENOENT);
    ck_assert_int_eq(tc_write(a, tx, "/r/a/c", "2"), 0);
    ck_assert_int_eq(tc_read(a, tx, "/r/a/b", out), ENOENT); /* re-created dir is fresh */
    ck_assert_int_eq(tc_dir(a, tx, "/r/a", out, &olen), 0);
    ck_assert(olen == 2 && memcmp(out, "c\0", 2) == 0);
    ck_assert_int_eq(tc_tx_end(a, tx, false), 0);
    ck_assert_int_eq(tc_read(a, 0, "/r/a/b", out), 0);
    ck_assert_int_eq(tc_read(a, 0, "/r/a/c", out), ENOENT);
    /* now commit the same */
    ck_assert_int_eq(tc_tx_start(a, &tx), 0);
    ck_assert_int_eq(tc_rm(a, tx, "/r/a"), 0);
    ck_assert_int_eq(tc_write(a, tx, "/r/a/c", "2"), 0);
    ck_assert_int_eq(tc_tx_end(a, tx, true), 0);
    ck_assert_int_eq(tc_read(a, 0, "/r/a/b", out), ENOENT);
    ck_assert_int_eq(tc_read(a, 0, "/r/a/c", out), 0);
}
END_TEST

START_TEST(tx_conflict_on_read_value)
{
    struct tc *a = tc_new(0), *b = tc_new(0);
    uint32_t tx;

    tc_write(a, 0, "/c/state", "1");
    ck_assert_int_eq(tc_tx_start(a, &tx), 0);
    ck_assert_int_eq(tc_read(a, tx, "/c/state", out), 0);
    ck_assert_int_eq(tc_write(a, tx, "/c/state", "2"), 0);
    ck_assert_int_eq(tc_write(b, 0, "/c/state", "3"), 0);
    ck_assert_int_eq(tc_tx_end(a, tx, true), EAGAIN);
    ck_assert_int_eq(tc_read(b, 0, "/c/state", out), 0);
    ck_assert_str_eq(out, "3");
}
END_TEST

START_TEST(tx_conflict_on_absence_and_directory)
{
    struct tc *a = tc_new(0), *b = tc_new(0);
    uint32_t tx;

    ck_assert_int_eq(tc_tx_start(a, &tx), 0);
    ck_assert_int_eq(tc_read(a, tx, "/n/x", out), ENOENT);
    tc_write(b, 0, "/n/x", "appeared");
    ck_assert_int_eq(tc_tx_end(a, tx, true), EAGAIN);

    tc_mkdir(a, 0, "/dd");
    ck_assert_int_eq(tc_tx_start(a, &tx), 0);
    ck_assert_int_eq(tc_dir(a, tx, "/dd", out, &olen), 0);
    tc_write(b, 0, "/dd/new", "");
    ck_assert_int_eq(tc_tx_end(a, tx, true), EAGAIN);
}
END_TEST

START_TEST(tx_disjoint_never_conflict)
{
    struct tc *a = tc_new(0), *b = tc_new(0);
    uint32_t ta, tb;

    tc_write(a, 0, "/local/domain/1/state", "1");
    tc_write(a, 0, "/local/domain/2/state", "1");
    ck_assert_int_eq(tc_tx_start(a, &ta), 0);
    ck_assert_int_eq(tc_tx_start(b, &tb), 0);
    ck_assert_int_eq(tc_read(a, ta, "/local/domain/1/state", out), 0);
    ck_assert_int_eq(tc_read(b, tb, "/local/domain/2/state", out), 0);
    ck_assert_int_eq(tc_write(a, ta, "/local/domain/1/state", "2"), 0);
    ck_assert_int_eq(tc_write(b, tb, "/local/domain/2/state", "2"), 0);
    /* both create siblings under a shared parent: still no conflict */
    ck_assert_int_eq(tc_write(a, ta, "/shared/a", "a"), 0);
    ck_assert_int_eq(tc_write(b, tb, "/shared/b", "b"), 0);
    ck_assert_int_eq(tc_tx_end(a, ta, true), 0);
    /* an unrelated plain write meanwhile */
    ck_assert_int_eq(tc_write(a, 0, "/local/domain/3/x", "y"), 0);
    ck_assert_int_eq(tc_tx_end(b, tb, true), 0);
    ck_assert_int_eq(tc_dir(a, 0, "/shared", out, &olen), 0);
    ck_assert(olen == 4 && memcmp(out, "a\0b\0", 4) == 0);
    ck_assert_int_eq(tc_read(a, 0, "/local/domain/2/state", out), 0);
    ck_assert_str_eq(out, "2");
}
END_TEST

START_TEST(tx_blind_write_after_own_write_no_conflict)
{
    struct tc *a = tc_new(0), *b = tc_new(0);
    uint32_t tx;

    ck_assert_int_eq(tc_tx_start(a, &tx), 0);
    ck_assert_int_eq(tc_write(a, tx, "/bw", "mine"), 0);
    ck_assert_int_eq(tc_read(a, tx, "/bw", out), 0); /* reads its own value only */
    tc_write(b, 0, "/bw", "theirs");
    ck_assert_int_eq(tc_tx_end(a, tx, true), 0);
    ck_assert_int_eq(tc_read(a, 0, "/bw", out), 0);
    ck_assert_str_eq(out, "mine");
}
END_TEST

START_TEST(tx_nested_start_is_ebusy)
{
    struct tc *a = tc_new(0);
    uint32_t tx;

    ck_assert_int_eq(tc_tx_start(a, &tx), 0);
    ck_assert_uint_eq(tc_req(a, XS_TRANSACTION_START, tx, "", 1, out, NULL), XS_ERROR);
    ck_assert_str_eq(out, "EBUSY");
    ck_assert_uint_eq(tc_req(a, XS_TRANSACTION_END, tx, "X", 2, out, NULL), XS_ERROR);
    ck_assert_str_eq(out, "EINVAL");
}
END_TEST

/* ------------------------------------------------------------------ watches */

START_TEST(watch_fires_on_register_and_descendants)
{
    struct tc *a = tc_new(0), *b = tc_new(0);

    ck_assert_int_eq(tc_watch(a, "/w", "tok"), 0);
    ck_assert(tc_event(a, ep, et));
    ck_assert_str_eq(ep, "/w");
    ck_assert_str_eq(et, "tok");
    ck_assert(!tc_event(a, ep, et));
    tc_write(b, 0, "/w/x/y", "1");
    ck_assert(tc_event(a, ep, et));
    ck_assert_str_eq(ep, "/w/x/y");
    tc_write(b, 0, "/wother", "1"); /* not a descendant */
    ck_assert(!tc_event(a, ep, et));
    tc_setperms(b, 0, "/w/x", (const char *[]){"r0"}, 1);
    ck_assert(tc_event(a, ep, et));
    ck_assert_str_eq(ep, "/w/x");
    /* removal of a subtree: the removed root, plus exact watches on removed descendants */
    ck_assert_int_eq(tc_watch(a, "/w/x/y", "deep"), 0);
    ck_assert(tc_event(a, ep, et));
    tc_rm(b, 0, "/w/x");
    ck_assert_int_eq(tc_nevents(a), 2);
    ck_assert(tc_event(a, ep, et));
    ck_assert_str_eq(ep, "/w/x/y");
    ck_assert_str_eq(et, "deep");
    ck_assert(tc_event(a, ep, et));
    ck_assert_str_eq(ep, "/w/x");
    ck_assert_str_eq(et, "tok");
    ck_assert_int_eq(tc_watch(a, "/w", "tok"), EEXIST);
    ck_assert_int_eq(tc_unwatch(a, "/w", "tok"), 0);
    ck_assert_int_eq(tc_unwatch(a, "/w", "tok"), ENOENT);
    tc_write(b, 0, "/w/z", "1");
    ck_assert(!tc_event(a, ep, et));
}
END_TEST

START_TEST(watch_relative_paths)
{
    struct tc *d0 = tc_new(0), *u = tc_new(4);

    tc_mkdir(d0, 0, "/local/domain/4");
    tc_setperms(d0, 0, "/local/domain/4", (const char *[]){"n4"}, 1);
    ck_assert_int_eq(tc_watch(u, "control/shutdown", "t1"), 0);
    ck_assert(tc_event(u, ep, et));
    ck_assert_str_eq(ep, "control/shutdown");
    ck_assert_int_eq(tc_watch(u, "/local/domain/4/memory", "t2"), 0);
    ck_assert(tc_event(u, ep, et));
    ck_assert_str_eq(ep, "/local/domain/4/memory");
    tc_write(d0, 0, "/local/domain/4/control/shutdown", "poweroff");
    ck_assert(tc_event(u, ep, et));
    ck_assert_str_eq(ep, "control/shutdown");
    ck_assert_str_eq(et, "t1");
    tc_write(d0, 0, "/local/domain/4/memory/target", "1");
    ck_assert(tc_event(u, ep, et));
    ck_assert_str_eq(ep, "/local/domain/4/memory/target");
    ck_assert_int_eq(tc_unwatch(u, "control/shutdown", "t1"), 0);
}
END_TEST

START_TEST(watch_respects_read_permission)
{
    struct tc *d0 = tc_new(0), *u = tc_new(4);

    ck_assert_int_eq(tc_watch(u, "/", "all"), 0);
    ck_assert(tc_event(u, ep, et));
    tc_write(d0, 0, "/hidden/deep", "x"); /* n0 inherited from / */
    ck_assert(!tc_event(u, ep, et));
    tc_write(d0, 0, "/open", "x");
    tc_setperms(d0, 0, "/open", (const char *[]){"r0"}, 1);
    ck_assert(tc_event(u, ep, et));
    ck_assert_str_eq(ep, "/open");
}
END_TEST

START_TEST(watch_special_paths)
{
    struct tc *d0 = tc_new(0), *u = tc_new(4);

    ck_assert_int_eq(tc_watch(d0, "@introduceDomain", "i"), 0);
    ck_assert(tc_event(d0, ep, et));
    ck_assert_str_eq(ep, "@introduceDomain");
    ck_assert_int_eq(tc_watch(u, "@releaseDomain", "r"), 0);
    ck_assert(tc_event(u, ep, et)); /* the registration event is always sent */
    ck_assert_int_eq(tc_watch(d0, "@releaseDomain", "r0"), 0);
    ck_assert(tc_event(d0, ep, et));
    extern void watch_fire_special(const char *name);
    watch_fire_special("@releaseDomain");
    ck_assert(tc_event(d0, ep, et));
    ck_assert_str_eq(ep, "@releaseDomain");
    ck_assert(!tc_event(u, ep, et)); /* n0: only the privileged see it */
    ck_assert_int_eq(tc_setperms(d0, 0, "@releaseDomain", (const char *[]){"n0", "r4"}, 2), 0);
    watch_fire_special("@releaseDomain");
    ck_assert(tc_event(u, ep, et));
    ck_assert_int_eq(tc_setperms(u, 0, "@releaseDomain", (const char *[]){"r4"}, 1), EACCES);
}
END_TEST

START_TEST(watch_events_of_transaction_at_commit)
{
    struct tc *a = tc_new(0), *w = tc_new(0);
    uint32_t tx;

    ck_assert_int_eq(tc_watch(w, "/txw", "t"), 0);
    ck_assert(tc_event(w, ep, et));
    ck_assert_int_eq(tc_tx_start(a, &tx), 0);
    tc_write(a, tx, "/txw/a", "1");
    ck_assert(!tc_event(w, ep, et));
    ck_assert_int_eq(tc_tx_end(a, tx, true), 0);
    ck_assert(tc_event(w, ep, et));
    ck_assert_str_eq(ep, "/txw/a");
}
END_TEST

START_TEST(killed_client_cleans_up)
{
    struct tc *a = tc_new(0), *b = tc_new(0);
    uint32_t tx;

    ck_assert_int_eq(tc_watch(a, "/k", "t"), 0);
    ck_assert_int_eq(tc_tx_start(a, &tx), 0);
    tc_write(a, tx, "/k/never", "1");
    tc_kill(a);
    tc_write(b, 0, "/k/x", "1"); /* no event to a dead client, no crash */
    ck_assert_int_eq(tc_read(b, 0, "/k/never", out), ENOENT);
    ck_assert_int_eq(tc_watch(b, "/k", "t"), 0); /* reset watches */
    ck_assert_uint_eq(tc_req(b, XS_RESET_WATCHES, 0, "", 1, out, NULL), XS_RESET_WATCHES);
    tc_write(b, 0, "/k/y", "1");
    ck_assert_int_eq(tc_nevents(b), 1); /* only the registration one */
}
END_TEST

/* The watch index: only the watches on the changed path or an ancestor fire, whatever the
 * number of connections; removed and killed watchers are gone from it. */
START_TEST(watch_index_many_connections)
{
    struct tc *c[40], *root = tc_new(0), *w = tc_new(0);
    char p[64];

    ck_assert_int_eq(tc_watch(root, "/", "r"), 0);
    for (int i = 0; i < 40; i++) {
        c[i] = tc_new(0);
        snprintf(p, sizeof(p), "/idx/%d", i);
        ck_assert_int_eq(tc_watch(c[i], p, "t"), 0);
        /* "/idx/1" is no ancestor of "/idx/17": a prefix only at a '/' */
        ck_assert_int_eq(tc_watch(c[i], "/idx/1", "one"), 0);
        ck_assert(tc_event(c[i], ep, et) && tc_event(c[i], ep, et));
    }
    while (tc_event(root, ep, et))
        ;
    ck_assert_int_eq(tc_write(w, 0, "/idx/17/x", "v"), 0);
    for (int i = 0; i < 40; i++)
        ck_assert_int_eq(tc_nevents(c[i]), i == 17);
    ck_assert(tc_event(c[17], ep, et));
    ck_assert_str_eq(ep, "/idx/17/x");
    ck_assert(tc_event(root, ep, et) && !tc_event(root, ep, et));
    ck_assert_int_eq(tc_write(w, 0, "/idx/1", "v"), 0); /* c[1] twice, the others once */
    for (int i = 0; i < 40; i++)
        ck_assert_int_eq(tc_nevents(c[i]), i == 1 ? 2 : 1);
    for (int i = 0; i < 40; i++)
        while (tc_event(c[i], ep, et))
            ck_assert_str_eq(ep, "/idx/1");
    ck_assert_int_eq(tc_unwatch(c[8], "/idx/8", "t"), 0);
    tc_kill(c[9]);
    ck_assert_int_eq(tc_write(w, 0, "/idx/8", "v"), 0);
    ck_assert_int_eq(tc_write(w, 0, "/idx/9", "v"), 0);
    ck_assert_int_eq(tc_nevents(c[8]), 0);
    ck_assert_int_eq(tc_rm(w, 0, "/idx"), 0);
    /* removed nodes fire exact watches: /idx/1 for all, /idx/17 (it existed) for c[17] */
    for (int i = 0; i < 40; i++)
        if (i != 9)
            ck_assert_int_eq(tc_nevents(c[i]), i == 17 || i == 1 ? 2 : 1);
}
END_TEST

/* ------------------------------------------------------------------ limits */

START_TEST(limit_entries)
{
    struct tc *d0 = tc_new(0), *u = tc_new(9);
    char path[64];
    int i, err = 0;

    xsd.lim.entries = 10;
    tc_mkdir(d0, 0, "/local/domain/9");
    tc_setperms(d0, 0, "/local/domain/9", (const char *[]){"n9"}, 1); /* owned: 1 */
    for (i = 0; i < 20 && !err; i++) {
        snprintf(path, sizeof(path), "n%d", i);
        err = tc_write(u, 0, path, "");
    }
    ck_assert_int_eq(err, ENOSPC);
    ck_assert_int_eq(i, 10);                                          /* 9 more fit */
    ck_assert_int_eq(tc_write(d0, 0, "/local/domain/9/byd0", ""), 0); /* dom0 unlimited */
    ck_assert_int_eq(tc_rm(u, 0, "n0"), 0);
    ck_assert_int_eq(tc_write(u, 0, "again", ""), ENOSPC); /* byd0 is owned by 9 too */
    ck_assert_int_eq(tc_rm(u, 0, "n1"), 0);
    ck_assert_int_eq(tc_write(u, 0, "again", ""), 0);
}
END_TEST

START_TEST(limit_watches_transactions_size_perms_path)
{
    struct tc *d0 = tc_new(0), *u = tc_new(9);
    char path[64], big[3000];
    uint32_t tx;
    int i, err = 0;

    xsd.lim.watches = 3;
    for (i = 0; i < 10 && !err; i++) {
        snprintf(path, sizeof(path), "/w%d", i);
        err = tc_watch(u, path, "t");
    }
    ck_assert_int_eq(err, E2BIG);
    ck_assert_int_eq(i, 4);
    for (i = 0, err = 0; i < 20 && !err; i++)
        err = tc_tx_start(u, &tx);
    ck_assert_int_eq(err, ENOSPC);
    ck_assert_int_eq(i, 11);
    for (i = 0, err = 0; i < 20 && !err; i++)
        err = tc_tx_start(d0, &tx); /* dom0 unlimited */
    ck_assert_int_eq(err, 0);

    tc_mkdir(d0, 0, "/local/domain/9");
    tc_setperms(d0, 0, "/local/domain/9", (const char *[]){"n9"}, 1);
    memset(big, 'v', sizeof(big));
    big[2100] = '\0';
    ck_assert_int_eq(tc_write(u, 0, "big", big), ENOSPC);
    big[1000] = '\0';
    ck_assert_int_eq(tc_write(u, 0, "big", big), 0);
    ck_assert_int_eq(
        tc_setperms(u, 0, "big", (const char *[]){"n9", "r1", "r2", "r3", "r4", "r5"}, 6), ENOSPC);
    ck_assert_int_eq(tc_setperms(u, 0, "big", (const char *[]){"n9", "r1", "r2", "r3", "r4"}, 5),
                     0);
    xsd.lim.path_max = 8;
    ck_assert_int_eq(tc_write(u, 0, "12345678", ""), 0);
    ck_assert_int_eq(tc_write(u, 0, "123456789", ""), EINVAL);
}
END_TEST

START_TEST(limit_transaction_nodes)
{
    struct tc *d0 = tc_new(0), *u = tc_new(9);
    char path[64];
    uint32_t tx;
    int i, err = 0;

    xsd.lim.trans_nodes = 8;
    tc_mkdir(d0, 0, "/local/domain/9");
    tc_setperms(d0, 0, "/local/domain/9", (const char *[]){"n9"}, 1);
    ck_assert_int_eq(tc_tx_start(u, &tx), 0);
    for (i = 0; i < 20 && !err; i++) {
        snprintf(path, sizeof(path), "x%d", i);
        err = tc_write(u, tx, path, "");
    }
    ck_assert_int_eq(err, ENOSPC);
    ck_assert_int_eq(tc_tx_end(u, tx, false), 0);
}
END_TEST

START_TEST(outstanding_throttle)
{
    struct tc *u = tc_new(9);
    struct conn *c = tc_conn(u);

    /* replies not yet delivered count against the outstanding quota */
    c->replies_queued = xsd.lim.outstanding;
    ck_assert(conn_throttled(c));
    c->replies_queued = 0;
    ck_assert(!conn_throttled(c));
}
END_TEST

/* ------------------------------------------------------------------ persistence */

START_TEST(persistence_roundtrip)
{
    char dir[] = "/tmp/xsl-unit-XXXXXX";
    struct xsl_perm p[2] = {{3, XSL_PERM_NONE}, {4, XSL_PERM_READ}};

    ck_assert_ptr_nonnull(mkdtemp(dir));
    store_free(&xsd.tree);
    ck_assert_int_eq(persist_open(dir), 0);
    xsd.tree.changed = daemon_tree_changed;
    mutate_global(
        &(struct txop){.kind = TXOP_WRITE, .owner = -1, .path = "/p/q", .data = "v", .len = 1});
    mutate_global(
        &(struct txop){.kind = TXOP_PERMS, .owner = -1, .path = "/p/q", .data = p, .len = 2});
    mutate_global(
        &(struct txop){.kind = TXOP_WRITE, .owner = -1, .path = "/gone", .data = "", .len = 0});
    mutate_global(&(struct txop){.kind = TXOP_RM, .owner = -1, .path = "/gone"});
    persist_flush();
    /* "restart": drop everything, load again */
    store_free(&xsd.tree);
    ck_assert_int_eq(persist_open(dir), 0);
    xsd.tree.changed = daemon_tree_changed;
    struct tc *c = tc_new(0);
    ck_assert_int_eq(tc_read(c, 0, "/p/q", out), 0);
    ck_assert_str_eq(out, "v");
    ck_assert_int_eq(tc_getperms(c, 0, "/p/q", out, &olen), 0);
    ck_assert(olen == 6 && memcmp(out, "n3\0r4\0", 6) == 0);
    ck_assert_int_eq(tc_read(c, 0, "/gone", out), ENOENT);
    ck_assert_int_eq(tc_read(c, 0, "/tool/xenstored", out), 0);
    ck_assert_uint_eq(store_owned(&xsd.tree, 3), 1);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* A daemon killed right after persist_flush() (the point where replies may go out): a
 * fresh daemon finds the changes.  The child dies by SIGKILL: nothing is saved on exit. */
static void write_then_die(const char *dir, const char *const *paths, int n)
{
    pid_t pid = fork();

    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        store_free(&xsd.tree);
        if (persist_open(dir) != 0)
            _exit(1);
        xsd.tree.changed = daemon_tree_changed;
        for (int i = 0; i < n; i++) {
            mutate_global(&(struct txop){
                .kind = TXOP_WRITE, .owner = -1, .path = paths[i], .data = "kept", .len = 4});
            persist_flush(); /* one batch per change: several records in the journal */
        }
        raise(SIGKILL);
        _exit(2);
    }
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

START_TEST(persistence_survives_kill_after_flush)
{
    char dir[] = "/tmp/xsl-unit-XXXXXX", cmd[128];
    const char *paths[] = {"/k/one", "/k/two", "/k/three"};

    ck_assert_ptr_nonnull(mkdtemp(dir));
    write_then_die(dir, paths, 3);
    store_free(&xsd.tree);
    ck_assert_int_eq(persist_open(dir), 0);
    xsd.tree.changed = daemon_tree_changed;
    struct tc *c = tc_new(0);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(tc_read(c, 0, paths[i], out), 0);
        ck_assert_str_eq(out, "kept");
    }
    /* and again after that restart (its new snapshot + journal) */
    ck_assert_int_eq(tc_write(c, 0, "/k/four", "4"), 0);
    persist_flush();
    store_free(&xsd.tree);
    ck_assert_int_eq(persist_open(dir), 0);
    ck_assert_int_eq(tc_read(tc_new(0), 0, "/k/four", out), 0);
    ck_assert_int_eq(tc_read(tc_new(0), 0, "/k/one", out), 0);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* A batch whose first length field was never written (a kill in the middle of the copy)
 * ends the journal: the batches before it load, it and anything after do not. */
START_TEST(persistence_torn_batch_ends_journal)
{
    char dir[] = "/tmp/xsl-unit-XXXXXX", cmd[128], jpath[160];
    const char *paths[] = {"/t/first", "/t/torn", "/t/after"};

    ck_assert_ptr_nonnull(mkdtemp(dir));
    write_then_die(dir, paths, 3);
    /* Zero the length of the "/t/torn" record: a record header is len(4) kind(1) pad(3)
     * owner(8) plen(4) dlen(4), then the path. */
    snprintf(jpath, sizeof(jpath), "%s/tern-xenstored.journal", dir);
    FILE *f = fopen(jpath, "r+b");
    ck_assert_ptr_nonnull(f);
    static char j[1 << 16];
    size_t n = fread(j, 1, sizeof(j), f);
    char *hit = memmem(j, n, "/t/torn", 7);
    ck_assert_ptr_nonnull(hit);
    ck_assert_int_eq(fseek(f, (long)(hit - j) - 24, SEEK_SET), 0);
    ck_assert_int_eq(fwrite("\0\0\0\0", 1, 4, f), 4);
    fclose(f);
    store_free(&xsd.tree);
    ck_assert_int_eq(persist_open(dir), 0);
    struct tc *c = tc_new(0);
    ck_assert_int_eq(tc_read(c, 0, "/t/first", out), 0);
    ck_assert_int_eq(tc_read(c, 0, "/t/torn", out), ENOENT);
    ck_assert_int_eq(tc_read(c, 0, "/t/after", out), ENOENT);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* ------------------------------------------------------------------ event loop work list */

/* A transport fed from a buffer; its writes check that the journal went first. */
static struct {
    char buf[200 * 64];
    size_t len, off, sent;
    bool journal_done;
} L;

static ssize_t l_read(struct conn *c, void *buf, size_t len)
{
    size_t n = L.len - L.off < len ? L.len - L.off : len;
    memcpy(buf, L.buf + L.off, n);
    L.off += n;
    return (ssize_t)n;
}

static ssize_t l_write(struct conn *c, const void *buf, size_t len)
{
    ck_assert(L.journal_done); /* no reply before the round's journal batch */
    L.sent += len;
    return (ssize_t)len;
}

static void l_journal(void)
{
    L.journal_done = true;
}

static const struct conn_ops l_ops = {.read = l_read, .write = l_write};

static void l_queue(uint32_t type, const char *arg, int n)
{
    memset(&L, 0, sizeof(L));
    for (int i = 0; i < n; i++) {
        char a[32];
        int alen = snprintf(a, sizeof(a), arg, i) + 1;
        struct xsd_sockmsg h = {.type = type, .req_id = (uint32_t)i, .len = (uint32_t)alen};
        if (type == XS_WRITE)
            h.len++; /* value "x" after the path's NUL */
        memcpy(L.buf + L.len, &h, sizeof(h));
        memcpy(L.buf + L.len + sizeof(h), a, (size_t)alen);
        L.buf[L.len + sizeof(h) + (size_t)alen] = 'x';
        L.len += sizeof(h) + h.len;
    }
}

START_TEST(loop_batches_then_journal_then_replies)
{
    const size_t reply = sizeof(struct xsd_sockmsg) + 3; /* "OK" */
    struct conn *c;

    l_queue(XS_WRITE, "/lp/%d", 100);
    c = conn_new(&l_ops, -1, 0);
    conn_handle_input(c); /* one batch (64), the rest left for the next round */
    ck_assert_uint_eq(L.sent, 0);
    ck_assert(c->pending && conn_work_pending());
    conn_service(l_journal); /* the rest, journal, then every reply in one go */
    ck_assert_uint_eq(L.sent, 100 * reply);
    ck_assert(!conn_work_pending());
    L.journal_done = false;
    conn_service(l_journal); /* nothing left: nothing sent */
    ck_assert_uint_eq(L.sent, 100 * reply);
    conn_kill(c, NULL);
    conn_reap();
    ck_assert(!conn_work_pending());
}
END_TEST

START_TEST(loop_stalled_reader_resumes)
{
    struct conn *c;
    int rounds = 0;

    l_queue(XS_READ, "/lp%d", 50);
    c = conn_new(&l_ops, -1, 5); /* unprivileged: at most `outstanding` (20) unread replies */
    conn_handle_input(c);
    ck_assert(c->stalled);
    L.journal_done = true;
    while (conn_work_pending() || c->stalled) {
        conn_service(l_journal);
        ck_assert_int_lt(++rounds, 10);
    }
    ck_assert_int_ge(rounds, 2);
    ck_assert_uint_eq(L.off, L.len);         /* every request read ... */
    ck_assert_uint_eq(c->replies_queued, 0); /* ... and answered */
    ck_assert_uint_eq(c->out_len, 0);
    conn_kill(c, NULL);
    conn_reap();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("xenstore-lite store");
    struct {
        const char *name;
        const TTest *tests[16];
    } groups[] = {
        {"tree",
         {write_read_directory, binary_values_and_overwrite, mkdir_rm, malformed_requests,
          reply_echoes_ids, directory_part, domain_path_and_control}},
        {"permissions",
         {perms_default_and_explicit, perms_inherited_and_owner, set_target_privilege}},
        {"transactions",
         {tx_isolation_and_commit, tx_abort_and_rm, tx_conflict_on_read_value,
          tx_conflict_on_absence_and_directory, tx_disjoint_never_conflict,
          tx_blind_write_after_own_write_no_conflict, tx_nested_start_is_ebusy}},
        {"watches",
         {watch_fires_on_register_and_descendants, watch_relative_paths,
          watch_respects_read_permission, watch_special_paths,
          watch_events_of_transaction_at_commit, killed_client_cleans_up,
          watch_index_many_connections}},
        {"limits",
         {limit_entries, limit_watches_transactions_size_perms_path, limit_transaction_nodes,
          outstanding_throttle}},
        {"persistence",
         {persistence_roundtrip, persistence_survives_kill_after_flush,
          persistence_torn_batch_ends_journal}},
        {"event loop", {loop_batches_then_journal_then_replies, loop_stalled_reader_resumes}},
    };
    SRunner *sr;
    int failed;

    for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
        TCase *tc = tcase_create(groups[g].name);
        tcase_add_checked_fixture(tc, setup, NULL);
        for (int i = 0; groups[g].tests[i]; i++)
            _tcase_add_test(tc, groups[g].tests[i], 0, 0, 0, 1);
        suite_add_tcase(s, tc);
    }
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
