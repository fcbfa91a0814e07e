/* SPDX-License-Identifier: GPL-2.0 OR MIT */
#ifndef TERN_BAD_HVC_H
#define TERN_BAD_HVC_H

#define TERN_BAD_HVC_IMM   0x1234 /* not 0xEA1 (Xen), not 0 (SMCCC) */
#define TERN_BAD_HVC_UNDEF 0x7e57 /* x0 after the undef hook resumed the stub */

#ifndef __ASSEMBLY__
long tern_bad_hvc(void);
extern const u32 tern_bad_hvc_insn[], tern_bad_hvc_resume[];
#endif

#endif
