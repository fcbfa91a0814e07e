/* tern-netback: the TAP port (see tap.h). */
#define _GNU_SOURCE
#include "tap.h"

#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int set_up(const char *name)
{
    struct ifreq ifr;
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = -1;

    if (s < 0)
        return -1;
    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
    if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
        ifr.ifr_flags |= IFF_UP;
        rc = ioctl(s, SIOCSIFFLAGS, &ifr);
    }
    close(s);
    return rc;
}

/* Big TCP frames (IPv4 and IPv6) both ways and checksums left to the other side: dom0's
 * stack sends the switch 64 KiB TCP frames instead of 1514-byte ones (and takes them), each
 * with a virtio_net_hdr saying so. A kernel that refuses TSO6 still gets TSO4 (dom0 then cuts
 * IPv6 TCP itself); without any, the TAP still works, one wire frame at a time. */
static bool set_offload(int fd)
{
    int hdr = (int)sizeof(struct virtio_net_hdr);

    if (ioctl(fd, TUNSETVNETHDRSZ, &hdr) < 0)
        return false;
    return ioctl(fd, TUNSETOFFLOAD, (unsigned long)(TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6)) == 0 ||
           ioctl(fd, TUNSETOFFLOAD, (unsigned long)(TUN_F_CSUM | TUN_F_TSO4)) == 0;
}

int nb_tap_open(const char *name, bool *gso, char *err, size_t errlen)
{
    struct ifreq ifr;
    const char *step = "open /dev/net/tun (is the tun module loaded?)";
    int fd;

    if (strlen(name) >= IFNAMSIZ) {
        snprintf(err, errlen, "interface name '%s' is longer than %d characters", name,
                 IFNAMSIZ - 1);
        return -1;
    }
    fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        goto fail;
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
    step = "TUNSETIFF";
    if (ioctl(fd, TUNSETIFF, &ifr) < 0)
        goto fail;
    /* The interface outlives a killed backend, so dom0's address on it survives the
     * restart (the new backend attaches to it again). */
    step = "TUNSETPERSIST";
    if (ioctl(fd, TUNSETPERSIST, 1) < 0)
        goto fail;
    *gso = set_offload(fd);
    if (!*gso) {
        /* frames without a header from here on: the TAP as it was before offloads */
        ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
        close(fd);
        step = "reopen /dev/net/tun without IFF_VNET_HDR";
        fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0 || ioctl(fd, TUNSETIFF, &ifr) < 0)
            goto fail;
    }
    step = "set the interface up";
    if (set_up(name) < 0)
        goto fail;
    return fd;
fail:
    snprintf(err, errlen, "TAP %s: %s: %s", name, step, strerror(errno));
    if (fd >= 0)
        close(fd);
    return -1;
}

int nb_tap_steer(const char *name, uint64_t cpu_mask, char *err, size_t errlen)
{
    char path[96], mask[40];
    int len, q;

    /* the file takes the mask in hex, in comma-separated groups of 32 bits */
    len = cpu_mask >> 32 ? snprintf(mask, sizeof(mask), "%" PRIx64 ",%08" PRIx64 "\n",
                                    cpu_mask >> 32, cpu_mask & 0xffffffffu)
                         : snprintf(mask, sizeof(mask), "%" PRIx64 "\n", cpu_mask);
    /* every receive queue: a TAP has one, a veth one per CPU (which one a frame takes
     * depends on its sender's queue choice) */
    for (q = 0;; q++) {
        int fd, rc;

        snprintf(path, sizeof(path), "/sys/class/net/%s/queues/rx-%d/rps_cpus", name, q);
        fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0 && q > 0 && errno == ENOENT)
            return 0;
        if (fd < 0) {
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
            return -1;
        }
        rc = write(fd, mask, (size_t)len) == len ? 0 : -1;
        if (rc < 0)
            snprintf(err, errlen, "write %s to %s: %s", mask, path, strerror(errno));
        close(fd);
        if (rc < 0)
            return -1;
    }
}
