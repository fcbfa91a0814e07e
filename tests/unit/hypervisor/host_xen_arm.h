/* SPDX-License-Identifier: MIT */
/*
 * Host unit tests only (passed with -include): make Xen's public headers describe the
 * Arm ABI on an x86-64 host.  <xen/xen.h> picks arch-arm.h by __aarch64__; every other
 * type is LP64 like aarch64 (the layouts are pinned in tests/abi).  The macro is set only
 * while the Xen headers are read; their include guards keep later includes no-ops.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define __XEN_INTERFACE_VERSION__ 0x00040e00
#define __XEN_TOOLS__             1 /* domctl.h, sysctl.h (common/domctl.c, sysctl.c) */
#pragma push_macro("__x86_64__")
#pragma push_macro("__i386__")
#undef __x86_64__
#undef __i386__
#define __aarch64__ 1
#include <xen/xen.h>
#include <xen/event_channel.h>
#include <xen/grant_table.h>
#include <xen/memory.h>
#include <xen/vcpu.h>
#include <xen/sched.h>
#include <xen/version.h>
#include <xen/features.h>
#include <xen/platform.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>
#include <xen/errno.h>
#include <xen/domctl.h>
#include <xen/sysctl.h>
#undef __aarch64__
#pragma pop_macro("__i386__")
#pragma pop_macro("__x86_64__")
