/*
 * Entry of the test guest: an arm64 Linux Image (Documentation/arm64/booting.rst), so any
 * Xen-ABI domain builder loads it as it loads Linux: at RAM base + text_offset, entered at
 * EL1h with the MMU off, x0 = device tree physical address.
 */
    .section .text.head, "ax"
    .globl _start
_start:
    b       entry                   /* code0 */
    .long   0                       /* code1 */
    .quad   0                       /* text_offset: linked at the RAM base (GUEST_RAM0_BASE) */
    .quad   _end - _start           /* image_size, BSS included */
    .quad   0x2                     /* flags: little endian, 4 KiB pages */
    .quad   0, 0, 0                 /* res2..res4 */
    .ascii  "ARM\x64"               /* magic */
    .long   0                       /* res5 (no PE header) */

entry:
    msr     daifset, #0xf           /* everything masked until the vectors are in place */
    mov     x19, x0                 /* device tree */
    adrp    x1, boot_stack_top
    add     x1, x1, :lo12:boot_stack_top
    mov     sp, x1
    /* FP/SIMD access at EL1/EL0 allowed (CPACR_EL1.FPEN = 0b11); the code is built with
     * -mgeneral-regs-only, this only keeps a stray instruction from trapping. */
    mov     x1, #(3 << 20)
    msr     cpacr_el1, x1
    adrp    x1, exception_vectors
    add     x1, x1, :lo12:exception_vectors
    msr     vbar_el1, x1
    isb
    /* Clear BSS (8-byte granules; the linker script aligns both ends). */
    adrp    x1, __bss_start
    add     x1, x1, :lo12:__bss_start
    adrp    x2, __bss_end
    add     x2, x2, :lo12:__bss_end
1:  cmp     x1, x2
    b.hs    2f
    str     xzr, [x1], #8
    b       1b
2:  mov     x0, x19
    bl      arch_mmu_init
    mov     x0, x19
    bl      guest_main
3:  wfi
    b       3b

    .section .bss.stack, "aw", %nobits
    .balign 16
boot_stack:
    .skip   32768
boot_stack_top:
