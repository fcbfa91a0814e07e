/*
 * libFuzzer target: the xs_wire decoder (framing over a byte stream) and the request
 * dispatcher of tern-xenstored, with several clients at once (two privileged, two
 * unprivileged domains) so watches, transactions and permissions interact.
 *
 * Input: a sequence of records [ctl][len][bytes...]: ctl selects the client (low 2 bits) and
 * an action (feed bytes / kill and reconnect the client); len (1 byte) bytes are fed to the
 * client's transport in whatever pieces they come, so messages split across reads and
 * malformed headers are exercised.  Each input starts from a fresh daemon state.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../../xenstore-lite/daemon/conn.h"
#include "../../../xenstore-lite/daemon/daemon.h"
#include "../../../xenstore-lite/daemon/util.h"

#define NCLIENTS 4

static const uint32_t domids[NCLIENTS] = {0, 0, 5, 7};

struct feed {
    struct conn *c;
    const uint8_t *data;
    size_t len;
};

static struct feed feeds[NCLIENTS];

static struct feed *feed_of(struct conn *c)
{
    for (int i = 0; i < NCLIENTS; i++)
        if (feeds[i].c == c)
            return &feeds[i];
    return NULL;
}

static ssize_t f_read(struct conn *c, void *buf, size_t len)
{
    struct feed *f = feed_of(c);
    if (!f || f->len == 0)
        return 0;
    if (len > f->len)
        len = f->len;
    memcpy(buf, f->data, len);
    f->data += len;
    f->len -= len;
    return (ssize_t)len;
}

static ssize_t f_write(struct conn *c, const void *buf, size_t len)
{
    /* Accept everything, sometimes only part of it, to exercise backlog handling. */
    return len > 512 ? (ssize_t)(len / 2) : (ssize_t)len;
}

static const struct conn_ops ops = {.read = f_read, .write = f_write};

static void connect_client(int i)
{
    feeds[i].c = conn_new(&ops, -1, domids[i]);
    if (i == 3)
        feeds[i].c->target = 5; /* a device model for domain 5 */
}

static void reset(void)
{
    xsl_quiet = 1;
    for (int i = 0; i < NCLIENTS; i++)
        if (feeds[i].c)
            conn_kill(feeds[i].c, NULL);
    conn_reap();
    memset(feeds, 0, sizeof(feeds));
    if (xsd.tree.tab)
        store_free(&xsd.tree);
    limits_default(&xsd.lim);
    xsd.lim.entries = 64; /* small quotas: reach the limits quickly */
    xsd.lim.watches = 8;
    xsd.lim.transactions = 4;
    xsd.lim.trans_nodes = 64;
    xsd.lim.memory = 64 * 1024;
    xsd.intro_perms.n = xsd.release_perms.n = 1;
    daemon_init_tree();
    xsd.tree.changed = daemon_tree_changed;
    for (int i = 0; i < NCLIENTS; i++)
        connect_client(i);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    reset();
    while (size >= 2) {
        int i = data[0] & 3, action = data[0] >> 6;
        size_t len = data[1];
        data += 2;
        size -= 2;
        if (len > size)
            len = size;
        if (action == 3) {
            conn_kill(feeds[i].c, NULL);
        } else if (!feeds[i].c->dead) {
            feeds[i].data = data;
            feeds[i].len = len;
            conn_handle_input(feeds[i].c);
            while (feeds[i].c->pending && !feeds[i].c->dead)
                conn_handle_input(feeds[i].c);
            feeds[i].len = 0;
        }
        for (int k = 0; k < NCLIENTS; k++)
            if (!feeds[k].c->dead)
                conn_flush(feeds[k].c);
        bool dead[NCLIENTS];
        for (int k = 0; k < NCLIENTS; k++)
            dead[k] = feeds[k].c->dead; /* cut off (e.g. oversized message) */
        conn_reap();
        for (int k = 0; k < NCLIENTS; k++)
            if (dead[k])
                connect_client(k);
        data += len;
        size -= len;
    }
    return 0;
}
