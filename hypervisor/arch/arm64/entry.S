/* SPDX-License-Identifier: MIT */
/*
 * EL2 exception vectors (Arm ARM D1.10.2: VBAR_EL2 + 0x000 current EL SP0, 0x200 current
 * EL SPx, 0x400 lower EL AArch64, 0x600 lower EL AArch32).  Every entry saves a full
 * struct cpu_user_regs on the EL2 stack and calls C with a pointer to it.
 */
#define FRAME_SIZE (34 * 8)

.macro save_frame
    sub     sp, sp, #FRAME_SIZE
    stp     x0, x1, [sp, #16 * 0]
    stp     x2, x3, [sp, #16 * 1]
    stp     x4, x5, [sp, #16 * 2]
    stp     x6, x7, [sp, #16 * 3]
    stp     x8, x9, [sp, #16 * 4]
    stp     x10, x11, [sp, #16 * 5]
    stp     x12, x13, [sp, #16 * 6]
    stp     x14, x15, [sp, #16 * 7]
    stp     x16, x17, [sp, #16 * 8]
    stp     x18, x19, [sp, #16 * 9]
    stp     x20, x21, [sp, #16 * 10]
    stp     x22, x23, [sp, #16 * 11]
    stp     x24, x25, [sp, #16 * 12]
    stp     x26, x27, [sp, #16 * 13]
    stp     x28, x29, [sp, #16 * 14]
    mrs     x0, elr_el2
    mrs     x1, spsr_el2
    stp     x30, xzr, [sp, #16 * 15]
    stp     x0, x1, [sp, #16 * 16]
.endm

.macro vector label
    .balign 0x80
    b       \label
.endm

    .section .text
    .balign 2048
    .global hyp_vectors
hyp_vectors:
    vector  hyp_bad             /* current EL, SP0 */
    vector  hyp_bad
    vector  hyp_bad
    vector  hyp_bad
    vector  hyp_sync            /* current EL, SPx */
    vector  hyp_irq
    vector  hyp_bad
    vector  hyp_bad
    vector  guest_sync_entry    /* lower EL, AArch64 */
    vector  guest_irq_entry
    vector  hyp_bad
    vector  guest_serror_entry
    vector  hyp_bad             /* lower EL, AArch32: never enabled (HCR_EL2.RW = 1) */
    vector  hyp_bad
    vector  hyp_bad
    vector  hyp_bad

hyp_bad:
    save_frame
    mov     x0, sp
    mov     x1, #0
    bl      hyp_fatal_trap
hyp_sync:
    save_frame
    mov     x0, sp
    mov     x1, #1
    bl      hyp_fatal_trap

hyp_irq:
    save_frame
    mov     x0, sp
    bl      do_irq
    b       restore_frame

guest_sync_entry:
    save_frame
    mov     x0, sp
    bl      guest_sync_trap
    b       return_to_guest
guest_irq_entry:
    save_frame
    mov     x0, sp
    bl      do_irq
    b       return_to_guest
guest_serror_entry:
    save_frame
    mov     x0, sp
    bl      guest_serror_trap
    b       return_to_guest

/* enter_guest(regs): first entry of a vCPU; regs sits at the top of this CPU's stack. */
    .global enter_guest
enter_guest:
    mov     sp, x0
return_to_guest:
    mov     x0, sp
    bl      leave_hypervisor
restore_frame:
    ldp     x0, x1, [sp, #16 * 16]
    msr     elr_el2, x0
    msr     spsr_el2, x1
    ldp     x0, x1, [sp, #16 * 0]
    ldp     x2, x3, [sp, #16 * 1]
    ldp     x4, x5, [sp, #16 * 2]
    ldp     x6, x7, [sp, #16 * 3]
    ldp     x8, x9, [sp, #16 * 4]
    ldp     x10, x11, [sp, #16 * 5]
    ldp     x12, x13, [sp, #16 * 6]
    ldp     x14, x15, [sp, #16 * 7]
    ldp     x16, x17, [sp, #16 * 8]
    ldp     x18, x19, [sp, #16 * 9]
    ldp     x20, x21, [sp, #16 * 10]
    ldp     x22, x23, [sp, #16 * 11]
    ldp     x24, x25, [sp, #16 * 12]
    ldp     x26, x27, [sp, #16 * 13]
    ldp     x28, x29, [sp, #16 * 14]
    ldr     x30, [sp, #16 * 15]
    add     sp, sp, #FRAME_SIZE
    eret
    dsb     nsh
    isb
