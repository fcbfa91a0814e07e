/* SPDX-License-Identifier: MIT */
/*
 * dom0-side hypercall fuzzer and probes (issue 13), a static arm64 program run in dom0.
 * Every call goes through /dev/xen/privcmd (IOCTL_PRIVCMD_HYPERCALL), as libxc's do.
 *
 *   hv-fuzz-dom0 selfpause N   each dom0 vCPU (one process pinned per CPU) reads its own
 *                              and the other vCPUs' contexts (XEN_DOMCTL_getvcpucontext)
 *                              N times, at the same time: prints one line per distinct
 *                              answer.  Tern used to pause all of dom0 here and hang.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define __XEN_TOOLS__ 1
#include <xen/xen.h>
#include <xen/domctl.h>
#include <xen/sys/privcmd.h>

static int privcmd = -1;

/* One hypercall: its return value, or -errno as the kernel reports a negative one. */
long hcall(unsigned long nr, unsigned long a0, unsigned long a1, unsigned long a2, unsigned long a3,
           unsigned long a4)
{
    privcmd_hypercall_t h = {.op = nr, .arg = {a0, a1, a2, a3, a4}};
    long rc = ioctl(privcmd, IOCTL_PRIVCMD_HYPERCALL, &h);

    return rc < 0 ? -errno : rc;
}

/* Memory the hypervisor reads and writes: locked, so it is never paged out under a call. */
void *hcall_buffer(size_t n)
{
    void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED || mlock(p, n)) {
        perror("hcall buffer");
        exit(2);
    }
    memset(p, 0, n);
    return p;
}

static void pin_to_cpu(int cpu)
{
    cpu_set_t set;

    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof(set), &set)) {
        perror("sched_setaffinity");
        exit(2);
    }
}

/* ------------------------------------------------------------------ selfpause */

static long getvcpucontext(struct xen_domctl *op, domid_t dom, unsigned int vcpu,
                           struct vcpu_guest_context *ctx)
{
    memset(op, 0, sizeof(*op));
    op->cmd = XEN_DOMCTL_getvcpucontext;
    op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    op->domain = dom;
    op->u.vcpucontext.vcpu = vcpu;
    set_xen_guest_handle(op->u.vcpucontext.ctxt, ctx);
    return hcall(__HYPERVISOR_domctl, (unsigned long)op, 0, 0, 0, 0);
}

/* In a child pinned to cpu: N rounds over every vCPU; one line per (target, answer). */
static void selfpause_child(int cpu, int ncpus, long rounds)
{
    struct xen_domctl *op = hcall_buffer(4096);
    struct vcpu_guest_context *ctx = hcall_buffer(4096);
    long first[64];
    int differ = 0;

    pin_to_cpu(cpu);
    for (int v = 0; v < ncpus; v++)
        first[v] = getvcpucontext(op, 0, v, ctx);
    long self = getvcpucontext(op, DOMID_SELF, cpu, ctx);

    for (long r = 1; r < rounds; r++)
        for (int v = 0; v < ncpus; v++)
            differ += getvcpucontext(op, 0, v, ctx) != first[v];
    for (int v = 0; v < ncpus; v++)
        printf("SELFPAUSE cpu%d %s vcpu%d: %s\n", cpu, v == cpu ? "own" : "other", v,
               first[v] == 0 ? "0" : strerror((int)-first[v]));
    printf("SELFPAUSE cpu%d DOMID_SELF: %s\n", cpu, self == 0 ? "0" : strerror((int)-self));
    printf("SELFPAUSE cpu%d answers-changed=%d\n", cpu, differ);
    fflush(stdout);
    exit(0);
}

static int selfpause(long rounds)
{
    int ncpus = (int)sysconf(_SC_NPROCESSORS_ONLN), status, bad = 0;

    if (ncpus > 64)
        ncpus = 64;
    for (int cpu = 0; cpu < ncpus; cpu++)
        if (fork() == 0)
            selfpause_child(cpu, ncpus, rounds);
    for (int cpu = 0; cpu < ncpus; cpu++) {
        wait(&status);
        bad += !WIFEXITED(status) || WEXITSTATUS(status);
    }
    printf("SELFPAUSE done children-failed=%d\n", bad);
    return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    privcmd = open("/dev/xen/privcmd", O_RDWR);
    if (privcmd < 0) {
        perror("/dev/xen/privcmd");
        return 2;
    }
    if (argc == 3 && !strcmp(argv[1], "selfpause"))
        return selfpause(strtol(argv[2], NULL, 0));
    fprintf(stderr, "usage: hv-fuzz-dom0 selfpause ROUNDS\n");
    return 2;
}
