/*
 * Linux's ioctl interface of the Xen devices (include/uapi/xen/{evtchn,gntdev,privcmd}.h and
 * include/xen/xenbus_dev.h).  Spelled out here because the arm64 sysroot does not carry
 * those uapi headers; the numbers are the generic _IOC encodings, the same on every arch.
 */
#ifndef XSL_DAEMON_XEN_DEV_H
#define XSL_DAEMON_XEN_DEV_H

#include <stdint.h>
#include <sys/ioctl.h>

struct xsl_evtchn_bind_virq {
    unsigned int virq;
};
struct xsl_evtchn_bind_interdomain {
    unsigned int remote_domain, remote_port;
};
struct xsl_evtchn_port {
    unsigned int port;
};
#define XSL_IOCTL_EVTCHN_BIND_VIRQ _IOC(_IOC_NONE, 'E', 0, sizeof(struct xsl_evtchn_bind_virq))
#define XSL_IOCTL_EVTCHN_BIND_INTERDOMAIN                                                          \
    _IOC(_IOC_NONE, 'E', 1, sizeof(struct xsl_evtchn_bind_interdomain))
#define XSL_IOCTL_EVTCHN_UNBIND _IOC(_IOC_NONE, 'E', 3, sizeof(struct xsl_evtchn_port))
#define XSL_IOCTL_EVTCHN_NOTIFY _IOC(_IOC_NONE, 'E', 4, sizeof(struct xsl_evtchn_port))

struct xsl_gntdev_map_one {
    uint32_t count, pad;
    uint64_t index;
    struct {
        uint32_t domid, ref;
    } refs[1];
};
struct xsl_gntdev_unmap {
    uint64_t index;
    uint32_t count, pad;
};
#define XSL_IOCTL_GNTDEV_MAP_GRANT_REF   _IOC(_IOC_NONE, 'G', 0, sizeof(struct xsl_gntdev_map_one))
#define XSL_IOCTL_GNTDEV_UNMAP_GRANT_REF _IOC(_IOC_NONE, 'G', 1, sizeof(struct xsl_gntdev_unmap))

struct xsl_privcmd_hypercall {
    uint64_t op, arg[5];
};
struct xsl_privcmd_mmapbatch_v2 {
    unsigned int num;
    uint16_t dom;
    uint64_t addr;
    const uint64_t *arr;
    int *err;
};
#define XSL_IOCTL_PRIVCMD_HYPERCALL _IOC(_IOC_NONE, 'P', 0, sizeof(struct xsl_privcmd_hypercall))
#define XSL_IOCTL_PRIVCMD_MMAPBATCH_V2                                                             \
    _IOC(_IOC_NONE, 'P', 4, sizeof(struct xsl_privcmd_mmapbatch_v2))

#define XSL_IOCTL_XENBUS_BACKEND_EVTCHN _IOC(_IOC_NONE, 'B', 0, 0)

#define XSL_VIRQ_DOM_EXC             3
#define XSL_GNTTAB_RESERVED_XENSTORE 1

#endif
