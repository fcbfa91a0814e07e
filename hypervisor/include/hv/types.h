/* SPDX-License-Identifier: MIT */
/*
 * Basic types for hypervisor code.  Freestanding in the aarch64 build; the host
 * unit-test build compiles the same sources against the host's <stdint.h>.
 */
#ifndef HV_TYPES_H
#define HV_TYPES_H

/* The Xen public headers expose the current interface (grant-table v2 structs,
 * XENMAPIDX_grant_table_status...) only when asked; ask before any of them is included. */
#ifndef __XEN_INTERFACE_VERSION__
#define __XEN_INTERFACE_VERSION__ 0x00040e00 /* __XEN_LATEST_INTERFACE_VERSION__ (4.17) */
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t paddr_t;  /* host physical address */
typedef uint64_t gpaddr_t; /* guest (intermediate) physical address */
typedef uint64_t vaddr_t;  /* virtual address (hypervisor or guest stage-1) */
typedef uint64_t gfn_t;    /* guest frame number (gpaddr >> PAGE_SHIFT) */
typedef uint64_t mfn_t;    /* machine frame number (paddr >> PAGE_SHIFT) */
typedef uint16_t domid_t;

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1UL << PAGE_SHIFT)
#define PAGE_MASK  (~(PAGE_SIZE - 1))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif /* HV_TYPES_H */
