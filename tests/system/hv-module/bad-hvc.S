/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * long tern_bad_hvc(void): one HVC whose immediate is neither Xen's hypercall tag
 * (0xEA1, xen/include/public/arch-arm.h) nor SMCCC's 0.  Xen answers it by injecting an
 * undefined-instruction exception; probe.c's undef hook records it and resumes at
 * tern_bad_hvc_resume with x0 = TERN_BAD_HVC_UNDEF.
 *
 * x16/x0 are set up as a valid xen_version(XENVER_version) call so that a hypervisor that
 * ignored the immediate and ran the hypercall is told apart (x0 = version) from one that
 * returned without doing anything (x0 = 0).
 */
#include <linux/linkage.h>
#include "bad-hvc.h"

	.text
SYM_FUNC_START(tern_bad_hvc)
	mov	x16, #17			/* __HYPERVISOR_xen_version */
	mov	x0, #0				/* XENVER_version */
	mov	x1, #0
SYM_INNER_LABEL(tern_bad_hvc_insn, SYM_L_GLOBAL)
	hvc	#TERN_BAD_HVC_IMM
	nop					/* where Xen's ELR_EL1 may point */
SYM_INNER_LABEL(tern_bad_hvc_resume, SYM_L_GLOBAL)
	ret
SYM_FUNC_END(tern_bad_hvc)
