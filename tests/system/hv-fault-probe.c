/* SPDX-License-Identifier: MIT */
/*
 * hv-fault-probe: provoke, from dom0 userspace, the guest faults the hypervisor must
 * answer with an error rather than a crash (tests/system/hypervisor-faults.py).
 *
 *   hv-fault-probe hypercall NR   HYPERVISOR call NR through /dev/xen/privcmd; prints
 *                                 "hypercall NR: rc=R errno=E"
 *   hv-fault-probe devmem PADDR   reads PADDR through /dev/mem; prints "devmem PADDR: SIGBUS"
 *                                 or "devmem PADDR: value V"
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

/* Linux's include/uapi/xen/privcmd.h (its header pulls in kernel-internal ones). */
struct privcmd_hypercall {
    uint64_t op;
    uint64_t arg[5];
};
#define IOCTL_PRIVCMD_HYPERCALL _IOC(_IOC_NONE, 'P', 0, sizeof(struct privcmd_hypercall))

static sigjmp_buf env;

static void on_fault(int sig)
{
    siglongjmp(env, sig);
}

static int probe_hypercall(unsigned long nr)
{
    struct privcmd_hypercall call = {.op = nr};
    int fd = open("/dev/xen/privcmd", O_RDWR);
    long rc;

    if (fd < 0) {
        perror("open /dev/xen/privcmd");
        return 2;
    }
    errno = 0;
    rc = ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &call);
    printf("hypercall %lu: rc=%ld errno=%d\n", nr, rc, rc < 0 ? errno : 0);
    close(fd);
    return 0;
}

static int probe_devmem(unsigned long pa)
{
    long pagesz = sysconf(_SC_PAGESIZE);
    int fd = open("/dev/mem", O_RDONLY | O_SYNC);
    volatile uint32_t *p;
    int sig;

    if (fd < 0) {
        perror("open /dev/mem");
        return 2;
    }
    p = mmap(NULL, pagesz, PROT_READ, MAP_SHARED, fd, pa & ~(pagesz - 1));
    if (p == MAP_FAILED) {
        perror("mmap /dev/mem");
        return 2;
    }
    signal(SIGBUS, on_fault);
    signal(SIGSEGV, on_fault);
    sig = sigsetjmp(env, 1);
    if (sig)
        printf("devmem %#lx: %s\n", pa, sig == SIGBUS ? "SIGBUS" : "SIGSEGV");
    else
        printf("devmem %#lx: value %#x\n", pa, p[(pa & (pagesz - 1)) / 4]);
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc == 3 && !strcmp(argv[1], "hypercall"))
        return probe_hypercall(strtoul(argv[2], NULL, 0));
    if (argc == 3 && !strcmp(argv[1], "devmem"))
        return probe_devmem(strtoul(argv[2], NULL, 0));
    fprintf(stderr, "usage: hv-fault-probe hypercall NR | devmem PADDR\n");
    return 2;
}
