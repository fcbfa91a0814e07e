/* <xen/arch-arm.h> on its own (without <xen/xen.h>, which picks the host's arch header), so
 * the Arm guest memory map is usable by host-built unit tests too. */
#ifndef TERN_GUEST_ARCH_ARM_H
#define TERN_GUEST_ARCH_ARM_H

#define __XEN_TOOLS__ 1
#include <stdint.h>
#ifndef xen_mk_ullong
#define xen_mk_ullong(x) x##ULL /* as <xen/xen.h> defines it for C */
#endif
#include <xen/arch-arm.h>
#include <xen/device_tree_defs.h>

#endif
