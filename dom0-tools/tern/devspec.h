/* Device specs of xl's configuration syntax: disks (xl-disk-configuration(5)), vifs
 * (xl-network-configuration(5)), vdev names and their device numbers, vif rates. Pure
 * parsing, no I/O. */
#ifndef TERN_DEVSPEC_H
#define TERN_DEVSPEC_H

#include <stddef.h>
#include <stdint.h>

#define TERN_MAX_DEVICES 16

/* Our per-disk `cache=` key (the backend's node tern-cache). */
enum tern_cache {
    TERN_CACHE_WRITEBACK, /* dom0 page cache; flushes become fdatasync */
    TERN_CACHE_NONE,      /* O_DIRECT */
};

struct tern_disk {
    char target[256];
    char vdev[16];
    int devid;    /* from vdev (tern_vdev_devid) */
    int readonly; /* access=r */
    int cdrom;    /* devtype=cdrom */
    int discard;  /* -1 default (on for rw disks, as libxl), 0, 1 */
    int direct_io_safe;
    char format[16];      /* only raw is served */
    char backendtype[16]; /* accepted, not acted on */
    char script[128];     /* accepted, not acted on (no hotplug scripts) */
    enum tern_cache cache;
};

struct tern_vif {
    int devid;    /* -1 = its position among the config's vifs (set at create) */
    char mac[18]; /* "" = generated at create time */
    char bridge[64];
    char ip[64];
    char script[128]; /* accepted and ignored: there are no hotplug scripts */
    char vifname[32];
    char model[16];
    char type[8];
    unsigned int mtu;                 /* 0 = default */
    uint64_t rate_bytes_per_interval; /* 0 = no rate */
    uint32_t rate_interval_us;
};

/* Parses a disk spec, positional (target, format, vdev, access, empty = default) and/or
 * key=value; `target=` takes the rest of the spec, commas included. */
int tern_disk_parse(const char *spec, struct tern_disk *disk, char *err, size_t errlen);
/* Parses a vif spec (key=value list). */
int tern_vif_parse(const char *spec, struct tern_vif *vif, char *err, size_t errlen);
/* xl's rate syntax RATE/s[@INTERVAL] (e.g. 10Mb/s@20ms; default interval 50 ms) into
 * bytes per interval and the interval in microseconds. */
int tern_rate_parse(const char *spec, uint64_t *bytes_per_interval, uint32_t *interval_us,
                    char *err, size_t errlen);
/* The xenstore device number of a vdev name as libxl computes it: xvdX[N] (202<<8 |
 * disk<<4 | part, or 1<<28 | disk<<8 | part beyond 15 disks/partitions), hdX[N], sdX[N],
 * dNpM, or a plain number. -1 if the name is not valid. */
int tern_vdev_devid(const char *vdev);
/* "xx:xx:xx:xx:xx:xx" with a unicast first octet; 0 if valid, else err says why. */
int tern_mac_check(const char *mac, char *err, size_t errlen);
/* A MAC in Xen's 00:16:3e prefix made from seed (stable: the same domain name and device
 * get the same address on every create). */
void tern_mac_generate(const char *seed, unsigned int devid, char out[18]);
/* Size with an optional unit suffix K/M/G/T (powers of 1024; plain number = bytes). */
int tern_parse_bytes(const char *s, uint64_t *bytes);

#endif
