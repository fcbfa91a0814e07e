/* tern-netback: dom0's veth pair (see veth.h), over rtnetlink. */
#define _GNU_SOURCE
#include "veth.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define NL_BUF 8192

struct nl_req {
    struct nlmsghdr n;
    struct ifinfomsg i;
    uint8_t attrs[512];
};

struct link_info {
    int ifindex, link; /* link: a veth's peer (IFLA_LINK), 0 if none */
    char kind[16];
    char name[IFNAMSIZ];
};

/* Appends an attribute to r (its fixed size holds every request made here). */
static struct rtattr *add_attr(struct nl_req *r, int type, const void *data, size_t len)
{
    struct nlmsghdr *n = &r->n;
    struct rtattr *a = (struct rtattr *)((uint8_t *)r + NLMSG_ALIGN(n->nlmsg_len));

    a->rta_type = (unsigned short)type;
    a->rta_len = (unsigned short)RTA_LENGTH(len);
    if (len)
        memcpy(RTA_DATA(a), data, len);
    n->nlmsg_len = NLMSG_ALIGN(n->nlmsg_len) + RTA_ALIGN(a->rta_len);
    return a;
}

/* Closes a nest opened by add_attr(r, type, NULL, 0): its length covers what was added since. */
static void end_nest(struct nl_req *r, struct rtattr *nest)
{
    nest->rta_len = (unsigned short)((uint8_t *)r + r->n.nlmsg_len - (uint8_t *)nest);
}

/* What one answer datagram says: 1 (done, *rc set), or 0 (nothing of ours; read on). */
static int nl_parse(const uint8_t *buf, ssize_t n, uint32_t seq, struct link_info *li, int *rc)
{
    for (const struct nlmsghdr *h = (const struct nlmsghdr *)buf; NLMSG_OK(h, (unsigned)n);
         h = NLMSG_NEXT(h, n)) {
        if (h->nlmsg_seq != seq)
            continue; /* not the answer to this request */
        if (h->nlmsg_type == NLMSG_ERROR) {
            *rc = ((const struct nlmsgerr *)NLMSG_DATA(h))->error;
            return 1;
        }
        if (h->nlmsg_type == NLMSG_DONE) {
            *rc = -ENODEV;
            return 1;
        }
        if (h->nlmsg_type == RTM_NEWLINK && li) {
            const struct ifinfomsg *ifi = NLMSG_DATA(h);
            int alen = (int)IFLA_PAYLOAD(h);

            memset(li, 0, sizeof(*li));
            li->ifindex = ifi->ifi_index;
            for (const struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
                if (a->rta_type == IFLA_LINK && RTA_PAYLOAD(a) >= sizeof(int))
                    memcpy(&li->link, RTA_DATA(a), sizeof(int));
                else if (a->rta_type == IFLA_IFNAME)
                    snprintf(li->name, sizeof(li->name), "%.*s", (int)RTA_PAYLOAD(a),
                             (const char *)RTA_DATA(a));
                else if (a->rta_type == IFLA_LINKINFO) {
                    int ilen = (int)RTA_PAYLOAD(a);

                    for (const struct rtattr *b = RTA_DATA(a); RTA_OK(b, ilen);
                         b = RTA_NEXT(b, ilen))
                        if (b->rta_type == IFLA_INFO_KIND)
                            snprintf(li->kind, sizeof(li->kind), "%.*s", (int)RTA_PAYLOAD(b),
                                     (const char *)RTA_DATA(b));
                }
            }
            *rc = 0;
            return 1;
        }
    }
    return 0;
}

/* Sends req and reads the answer: for a request with NLM_F_ACK the error code (0 or -errno),
 * for RTM_GETLINK the link (into *li).  The answer may come in more than one datagram, after
 * messages that are not ours: read until ours (a few reads at most; the socket is new and
 * joins no group, so nothing else should arrive). */
static int nl_talk(struct nlmsghdr *req, struct link_info *li)
{
    static uint8_t buf[NL_BUF];
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE), rc = -EIO;
    struct timeval tv = {.tv_sec = 5};

    if (fd < 0)
        return -errno;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    req->nlmsg_seq = 1;
    if (send(fd, req, req->nlmsg_len, 0) < 0) {
        rc = -errno;
        goto out;
    }
    for (int reads = 0; reads < 16; reads++) {
        ssize_t n = recv(fd, buf, sizeof(buf), 0);

        if (n < 0) {
            rc = -errno;
            break;
        }
        if (nl_parse(buf, n, req->nlmsg_seq, li, &rc))
            break;
    }
out:
    close(fd);
    return rc;
}

static void req_init(struct nl_req *r, int type, int flags)
{
    memset(r, 0, sizeof(*r));
    r->n.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
    r->n.nlmsg_type = (unsigned short)type;
    r->n.nlmsg_flags = (unsigned short)(NLM_F_REQUEST | flags);
    r->i.ifi_family = AF_UNSPEC;
}

/* The link named name (ifindex 0) or numbered ifindex. Returns 0 or -errno (-ENODEV). */
static int get_link(const char *name, int ifindex, struct link_info *li)
{
    struct nl_req r;

    req_init(&r, RTM_GETLINK, 0);
    r.i.ifi_index = ifindex;
    if (name)
        add_attr(&r, IFLA_IFNAME, name, strlen(name) + 1);
    return nl_talk(&r.n, li);
}

static int create_pair(const char *name)
{
    struct nl_req r;
    struct rtattr *linkinfo, *data, *peer;
    struct ifinfomsg peer_ifi = {.ifi_family = AF_UNSPEC};
    char peer_name[IFNAMSIZ + 8];

    req_init(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK);
    add_attr(&r, IFLA_IFNAME, name, strlen(name) + 1);
    linkinfo = add_attr(&r, IFLA_LINKINFO, NULL, 0);
    add_attr(&r, IFLA_INFO_KIND, "veth", 5);
    data = add_attr(&r, IFLA_INFO_DATA, NULL, 0);
    /* VETH_INFO_PEER holds the peer's struct ifinfomsg, then its attributes */
    peer = add_attr(&r, VETH_INFO_PEER, &peer_ifi, sizeof(peer_ifi));
    snprintf(peer_name, sizeof(peer_name), "%s-nb", name);
    if (strlen(peer_name) < IFNAMSIZ)
        add_attr(&r, IFLA_IFNAME, peer_name, strlen(peer_name) + 1);
    end_nest(&r, peer);
    end_nest(&r, data);
    end_nest(&r, linkinfo);
    return nl_talk(&r.n, NULL);
}

static int set_up(int ifindex)
{
    struct nl_req r;

    req_init(&r, RTM_NEWLINK, NLM_F_ACK);
    r.i.ifi_index = ifindex;
    r.i.ifi_flags = IFF_UP;
    r.i.ifi_change = IFF_UP;
    return nl_talk(&r.n, NULL);
}

/* The backend's end carries no traffic of its own: without IPv6 it sends dom0 no router
 * solicitations or address probes. Best effort. */
static void quiet_peer(const char *peer)
{
    char path[96];
    int fd;

    snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", peer);
    fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
        if (write(fd, "1\n", 2) != 2) {
            /* a dom0 without IPv6 on it: nothing to quieten */
        }
        close(fd);
    }
}

int nb_veth_get(const char *name, int *peer_ifindex, char *err, size_t errlen)
{
    struct link_info dom0, peer;
    const char *step = "look it up";
    int rc;

    if (strlen(name) >= IFNAMSIZ) {
        snprintf(err, errlen, "interface name '%s' is longer than %d characters", name,
                 IFNAMSIZ - 1);
        return -1;
    }
    rc = get_link(name, 0, &dom0);
    if (rc == -ENODEV) {
        step = "create the veth pair (is the veth module loaded?)";
        rc = create_pair(name);
        if (rc == 0 || rc == -EEXIST) {
            step = "look it up";
            rc = get_link(name, 0, &dom0);
        }
    }
    if (rc < 0)
        goto fail;
    if (strcmp(dom0.kind, "veth") || dom0.link <= 0) {
        snprintf(err, errlen,
                 "veth %s: the interface exists and is not a veth pair (kind '%s'; a TAP of "
                 "--dom0-port=tap? delete it: ip link delete %s)",
                 name, dom0.kind, name);
        return -1;
    }
    step = "look up its peer";
    rc = get_link(NULL, dom0.link, &peer);
    if (rc < 0)
        goto fail;
    quiet_peer(peer.name);
    step = "set both ends up";
    rc = set_up(peer.ifindex);
    if (rc == 0)
        rc = set_up(dom0.ifindex);
    if (rc < 0)
        goto fail;
    *peer_ifindex = peer.ifindex;
    return 0;
fail:
    snprintf(err, errlen, "veth %s: %s: %s", name, step, strerror(-rc));
    return -1;
}
