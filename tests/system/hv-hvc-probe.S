/* SPDX-License-Identifier: MIT */
/*
 * A bare-metal "dom0" (arm64 Image) for tests/system/hypervisor-faults.py: checks at EL1
 * that the hypervisor answers guest faults with errors, not crashes.
 *   bit 0: unknown hypercall (HVC #0xEA1, x16 = 61) returns -ENOSYS in x0
 *   bit 1: HVC #0x1234 (not a Xen hypercall) raises an undefined-instruction exception
 *          (EC 0x00) with ELR_EL1 past the HVC, as on Xen 4.17
 *   bit 2: a load from an IPA with no stage-2 mapping raises a data abort (EC 0x25)
 *          with ELR_EL1 at the load
 * The exception handler records EC + 1 in x21 and ELR_EL1 in x24, and resumes at x23.
 * Prints "HVC-PROBE result=<bits>" with CONSOLEIO_write and powers off (PSCI SYSTEM_OFF).
 * Position independent: the hypervisor places it per the Image header.
 */
    .text
    .global _start
_start:
    b       entry
    .long   0
    .quad   0                       /* text_offset */
    .quad   image_end - _start      /* image_size */
    .quad   0xa                     /* LE, 4 KiB, anywhere */
    .quad   0, 0, 0
    .ascii  "ARM\x64"
    .long   0

entry:
    adr     x0, vectors
    msr     vbar_el1, x0
    isb
    mov     x20, #0

    mov     x16, #61                /* no such hypercall */
    hvc     #0xea1
    cmn     x0, #38                 /* -ENOSYS */
    b.ne    1f
    orr     x20, x20, #1
1:  mov     x21, #0
    adr     x23, 11f
bad_hvc:
    hvc     #0x1234
11: cmp     x21, #(0x00 + 1)        /* handler saw EC 0x00: unknown reason (UNDEF) */
    b.ne    2f
    adr     x25, bad_hvc + 4        /* ELR: the HVC's preferred return address */
    cmp     x24, x25
    b.ne    2f
    orr     x20, x20, #2
2:  mov     x21, #0
    adr     x23, 21f
    mov     x1, #0x09050000         /* nothing there on QEMU virt: not mapped for dom0 */
bad_load:
    ldr     w2, [x1]
21: cmp     x21, #(0x25 + 1)        /* data abort, same EL */
    b.ne    3f
    adr     x25, bad_load           /* ELR: the faulting load */
    cmp     x24, x25
    b.ne    3f
    orr     x20, x20, #4
3:  adr     x2, msg
    add     w3, w20, #'0'
    strb    w3, [x2, #(digit - msg)]
    mov     x0, #0                  /* CONSOLEIO_write */
    mov     x1, #(msg_end - msg)
    mov     x16, #18                /* __HYPERVISOR_console_io */
    hvc     #0xea1
    ldr     x0, =0x84000008         /* PSCI SYSTEM_OFF */
    hvc     #0
4:  wfi
    b       4b

sync_handler:                       /* record EC + 1 in x21 and ELR in x24, resume at x23 */
    mrs     x22, esr_el1
    lsr     x22, x22, #26
    add     x21, x22, #1
    mrs     x24, elr_el1
    msr     elr_el1, x23
    eret
    .ltorg

msg:
    .ascii  "HVC-PROBE result="
digit:
    .ascii  "?\n"
msg_end:

    .balign 2048
vectors:
    .rept   4                       /* current EL, SP0 */
    .balign 0x80
    b       .
    .endr
    .balign 0x80                    /* current EL, SPx: synchronous */
    b       sync_handler
    .rept   11
    .balign 0x80
    b       .
    .endr
    .balign 8
image_end:
