/* xs_wire over the xenbus device: one request, one answer at a time. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <xen/io/xs_wire.h>
#include "xenbus.h"

int agent_xenbus_open(void)
{
    int fd = open("/dev/xen/xenbus", O_RDWR | O_CLOEXEC);

    if (fd < 0)
        fd = open("/proc/xen/xenbus", O_RDWR | O_CLOEXEC);
    return fd;
}

size_t agent_xs_write_msg(char *buf, size_t size, uint32_t req_id, const char *path,
                          const char *value)
{
    struct xsd_sockmsg hdr = {.type = XS_WRITE, .req_id = req_id, .tx_id = 0};
    size_t plen = strlen(path) + 1, vlen = strlen(value);

    if (plen + vlen > XENSTORE_PAYLOAD_MAX || sizeof(hdr) + plen + vlen > size)
        return 0;
    hdr.len = (uint32_t)(plen + vlen);
    memcpy(buf, &hdr, sizeof(hdr));
    memcpy(buf + sizeof(hdr), path, plen);
    memcpy(buf + sizeof(hdr) + plen, value, vlen);
    return sizeof(hdr) + plen + vlen;
}

static int read_full(int fd, void *buf, size_t len)
{
    for (size_t done = 0; done < len;) {
        ssize_t n = read(fd, (char *)buf + done, len - done);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = EPIPE;
            return -1;
        }
        done += (size_t)n;
    }
    return 0;
}

int agent_xs_write(int fd, uint32_t req_id, const char *path, const char *value, char *err,
                   size_t errlen)
{
    char msg[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX];
    struct xsd_sockmsg hdr;
    size_t len = agent_xs_write_msg(msg, sizeof(msg), req_id, path, value);

    err[0] = '\0';
    if (!len) {
        errno = E2BIG;
        return -1;
    }
    if (write(fd, msg, len) != (ssize_t)len)
        return -1;
    if (read_full(fd, &hdr, sizeof(hdr)) < 0)
        return -1;
    if (hdr.len > XENSTORE_PAYLOAD_MAX) {
        errno = EPROTO;
        return -1;
    }
    if (read_full(fd, msg, hdr.len) < 0)
        return -1;
    if (hdr.type == XS_ERROR) {
        size_t n = hdr.len < errlen ? (size_t)hdr.len : errlen - 1;

        memcpy(err, msg, n);
        err[n] = '\0';
        errno = EIO;
        return -1;
    }
    return 0;
}
