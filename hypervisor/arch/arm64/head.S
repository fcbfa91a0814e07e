/* SPDX-License-Identifier: MIT */
/*
 * Entry at EL2, as QEMU (and any arm64 Image loader) starts us: MMU off, x0 = host DTB.
 * The first 64 bytes are the arm64 Image header (Linux Documentation/arm64/booting.rst),
 * so `-kernel tern.bin` loads us like a kernel.  Secondary CPUs arrive at
 * secondary_entry through PSCI CPU_ON with x0 = their logical CPU number.
 */
#include <asm/config.h>

    .section .text.head, "ax"
    .global _start
_start:
    b       primary_entry
    .long   0
    .quad   0                       /* text_offset */
    .quad   __image_size            /* image_size: BSS included */
    .quad   0xa                     /* flags: little endian, 4 KiB pages, anywhere */
    .quad   0, 0, 0
    .ascii  "ARM\x64"               /* magic */
    .long   0

primary_entry:
    msr     daifset, #0xf
    mov     x19, x0
    mrs     x1, CurrentEL
    cmp     x1, #(2 << 2)
    b.ne    hang                    /* not at EL2: nothing we can do (no console yet) */
    adr     x1, _start
    ldr     x2, =_start
    cmp     x1, x2
    b.ne    hang                    /* loaded where we were not linked */
    ldr     x1, =__bss_start
    ldr     x2, =__bss_end
1:  cmp     x1, x2
    b.hs    2f
    stp     xzr, xzr, [x1], #16
    b       1b
2:  ldr     x1, =boot_stacks + STACK_SIZE
    mov     sp, x1
    mov     x0, x19
    bl      early_pagetables_setup
    bl      el2_mmu_enable
    mov     x0, #0
    bl      cpu_early_init
    mov     x0, x19
    bl      start_hypervisor
hang:
    wfe
    b       hang

    .global secondary_entry
secondary_entry:
    msr     daifset, #0xf
    mov     x19, x0
    ldr     x1, =boot_stacks + STACK_SIZE
    mov     x2, #STACK_SIZE
    madd    x1, x0, x2, x1
    mov     sp, x1
    bl      el2_mmu_enable
    mov     x0, x19
    bl      cpu_early_init
    mov     x0, x19
    bl      start_secondary
    b       hang

/*
 * Stage-1 EL2 translation: identity map built by early_pagetables_setup (mm.c).
 * MAIR attr0 = Device-nGnRE, attr1 = Normal write-back; TCR_EL2: T0SZ = 25 (39-bit VA,
 * walk starts at level 1), inner-shareable WB walks, 4 KiB granule, PS = 40 bits.
 */
el2_mmu_enable:
    ldr     x1, =0xff04
    msr     mair_el2, x1
    ldr     x1, =((1 << 31) | (1 << 23) | (2 << 16) | (3 << 12) | (1 << 10) | (1 << 8) | 25)
    msr     tcr_el2, x1
    ldr     x1, =el2_l1_table
    msr     ttbr0_el2, x1
    ldr     x1, =hyp_vectors
    msr     vbar_el2, x1
    dsb     sy
    tlbi    alle2
    dsb     sy
    isb
    ldr     x1, =(0x30c50830 | (1 << 12) | (1 << 2) | (1 << 0))  /* RES1 | I | C | M */
    msr     sctlr_el2, x1
    isb
    ret

    .section .bss
    .balign 4096
    .global boot_stacks
boot_stacks:
    .skip   STACK_SIZE * NR_CPUS
