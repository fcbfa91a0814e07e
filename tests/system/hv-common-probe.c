/* SPDX-License-Identifier: MIT */
/*
 * dom0-side probe of the hypervisor's common hypercalls through Linux's own drivers, as a
 * backend or the toolstack uses them: event-channel loopback (/dev/xen/evtchn), a grant
 * dom0 gives itself and maps back (/dev/xen/gntalloc + /dev/xen/gntdev: balloon,
 * GNTTABOP_map/unmap with an IPA host_addr), GNTTABOP_copy, and privcmd hypercalls.
 * One "PASS|FAIL what" line per check, then "HV-COMMON-PROBE fails=N".  Run by
 * tests/system/hv-common-dom0.py on Tern and on real Xen: the lines must match.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xen/xen.h>
#include <xen/grant_table.h>
#include <xen/version.h>
#include <xen/sys/evtchn.h>
#include <xen/sys/gntalloc.h>
#include <xen/sys/gntdev.h>
#include <xen/sys/privcmd.h>

static int fails;

static void check(int ok, const char *what)
{
    printf("%s %s\n", ok ? "PASS" : "FAIL", what);
    fails += !ok;
}

/* The next pending port on the evtchn device, or -1 after a second. */
static int next_event(int ev)
{
    struct pollfd pf = {.fd = ev, .events = POLLIN};
    uint32_t port;

    if (poll(&pf, 1, 1000) <= 0 || read(ev, &port, sizeof(port)) != sizeof(port))
        return -1;
    write(ev, &port, sizeof(port)); /* unmask it again */
    return (int)port;
}

static void probe_evtchn(void)
{
    int ev = open("/dev/xen/evtchn", O_RDWR);
    struct ioctl_evtchn_bind_unbound_port bu = {.remote_domain = 0};
    struct ioctl_evtchn_bind_interdomain bi = {.remote_domain = 0};
    struct ioctl_evtchn_notify no;
    struct ioctl_evtchn_unbind ub;
    int a, b;

    a = ioctl(ev, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &bu);
    bi.remote_port = a;
    b = ioctl(ev, IOCTL_EVTCHN_BIND_INTERDOMAIN, &bi);
    check(a > 0 && b > 0 && a != b, "evtchn: alloc_unbound + loopback bind_interdomain");
    check(next_event(ev) == b, "evtchn: the new interdomain port starts pending");
    no.port = b;
    check(ioctl(ev, IOCTL_EVTCHN_NOTIFY, &no) == 0, "evtchn: send");
    check(next_event(ev) == a, "evtchn: the send arrives on the peer port");
    no.port = a;
    ioctl(ev, IOCTL_EVTCHN_NOTIFY, &no);
    check(next_event(ev) == b, "evtchn: and back");
    ub.port = b;
    check(ioctl(ev, IOCTL_EVTCHN_UNBIND, &ub) == 0, "evtchn: close");
    no.port = a;
    check(ioctl(ev, IOCTL_EVTCHN_NOTIFY, &no) == 0 && next_event(ev) == -1,
          "evtchn: send on a port whose peer closed is dropped");
    close(ev);
}

static void probe_grants(void)
{
    int ga = open("/dev/xen/gntalloc", O_RDWR), gd = open("/dev/xen/gntdev", O_RDWR);
    struct ioctl_gntalloc_alloc_gref ag = {.domid = 0, .flags = GNTALLOC_FLAG_WRITABLE, .count = 1};
    struct ioctl_gntdev_map_grant_ref mg = {.count = 1};
    struct ioctl_gntdev_unmap_grant_ref ug = {.count = 1};
    struct ioctl_gntdev_grant_copy_segment seg = {.flags = GNTCOPY_dest_gref, .len = 16};
    struct ioctl_gntdev_grant_copy gc = {.count = 1, .segments = &seg};
    char msg[16] = "grant-copied";
    char *src, *dst;

    check(ioctl(ga, IOCTL_GNTALLOC_ALLOC_GREF, &ag) == 0, "gnttab: gntalloc grants a page");
    src = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ga, ag.index);
    check(src != MAP_FAILED, "gnttab: the granter maps its page");
    if (src == MAP_FAILED)
        return;
    strcpy(src, "from the granter");
    mg.refs[0].domid = 0;
    mg.refs[0].ref = ag.gref_ids[0];
    check(ioctl(gd, IOCTL_GNTDEV_MAP_GRANT_REF, &mg) == 0, "gnttab: gntdev takes the ref");
    dst = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, gd, mg.index);
    check(dst != MAP_FAILED, "gnttab: map_grant_ref");
    if (dst != MAP_FAILED) {
        check(strcmp(dst, "from the granter") == 0, "gnttab: the mapper reads the data");
        strcpy(dst + 100, "from the mapper");
        check(strcmp(src + 100, "from the mapper") == 0, "gnttab: the granter sees writes");
        check(munmap(dst, 4096) == 0, "gnttab: unmap_grant_ref");
    }
    ug.index = mg.index;
    check(ioctl(gd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &ug) == 0, "gnttab: gntdev releases the ref");

    seg.source.virt = msg;
    seg.dest.foreign.ref = ag.gref_ids[0];
    seg.dest.foreign.domid = 0;
    seg.dest.foreign.offset = 200;
    check(ioctl(gd, IOCTL_GNTDEV_GRANT_COPY, &gc) == 0 && seg.status == GNTST_okay &&
              strcmp(src + 200, msg) == 0,
          "gnttab: copy into a granted page");
    seg.dest.foreign.ref = 999999;
    ioctl(gd, IOCTL_GNTDEV_GRANT_COPY, &gc);
    check(seg.status == GNTST_bad_gntref, "gnttab: copy to a bad ref gives GNTST_bad_gntref");
    seg.dest.foreign.ref = ag.gref_ids[0];
    seg.dest.foreign.domid = 77; /* no such domain */
    ioctl(gd, IOCTL_GNTDEV_GRANT_COPY, &gc);
    check(seg.status == GNTST_bad_domain,
          "gnttab: copy to a missing domain gives GNTST_bad_domain");
}

static void probe_privcmd(void)
{
    int pc = open("/dev/xen/privcmd", O_RDWR);
    struct privcmd_hypercall h = {.op = __HYPERVISOR_xen_version, .arg = {XENVER_version}};
    long v = ioctl(pc, IOCTL_PRIVCMD_HYPERCALL, &h);

    check(v == ((4 << 16) | 17), "privcmd: xen_version is 4.17");
    h = (struct privcmd_hypercall){.op = 47};
    v = ioctl(pc, IOCTL_PRIVCMD_HYPERCALL, &h);
    check(v == -1 && errno == ENOSYS, "privcmd: an unknown hypercall gives ENOSYS");
    h = (struct privcmd_hypercall){.op = __HYPERVISOR_xen_version, .arg = {XENVER_pagesize}};
    check(ioctl(pc, IOCTL_PRIVCMD_HYPERCALL, &h) == 4096, "privcmd: XENVER_pagesize");
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    probe_evtchn();
    probe_grants();
    probe_privcmd();
    printf("HV-COMMON-PROBE fails=%d\n", fails);
    return fails != 0;
}
