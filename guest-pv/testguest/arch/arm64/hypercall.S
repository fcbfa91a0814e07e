/*
 * The one hypercall entry: xen_hypercall(nr, a0, a1, a2, a3, a4).
 * Xen on Arm (arch-arm.h): HVC #0xEA1, number in x16, arguments x0-x4, result in x0; x1-x4
 * and x16 may be clobbered (debug Xen scribbles them), which the C calling convention allows.
 */
    .text
    .globl xen_hypercall
    .type xen_hypercall, %function
xen_hypercall:
    mov     x16, x0
    mov     x0, x1
    mov     x1, x2
    mov     x2, x3
    mov     x3, x4
    mov     x4, x5
    hvc     #0xEA1
    ret
    .size xen_hypercall, . - xen_hypercall
