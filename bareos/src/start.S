/*
 * BareOS entry points.
 *
 * _start is where OpenSBI or vh enters with a0 = hartid, a1 = DTB.  Any hart
 * may arrive first: an atomic swap on boot_claim elects the boot hart, which
 * clears .bss and calls boot_main.  A hart that loses the race waits until
 * the boot hart sets boot_done and then joins as a secondary.  Harts the
 * boot hart starts through SBI HSM enter at secondary_entry (a0 = hartid,
 * a1 = opaque).  Each hart gets its own stack, indexed by hartid, and keeps
 * its hartid in tp.  Harts with ids beyond BAREOS_MAX_HARTS are parked.
 */
#include "bareos_config.h"

    .section .data
    .balign 4
    .globl boot_claim
boot_claim:
    .word 0
    .globl boot_done
boot_done:
    .word 0

    .section .text.entry, "ax"
    .globl _start
_start:
    csrw sie, zero
    csrci sstatus, 2
    li t0, BAREOS_MAX_HARTS
    bgeu a0, t0, park
    call set_stack
    la t0, boot_claim
    li t1, 1
    amoswap.w.aqrl t1, t1, (t0)
    bnez t1, wait_boot

    /* Boot hart: clear .bss before any C code runs. */
    la t0, __bss_start
    la t1, __bss_end
1:  bgeu t0, t1, 2f
    sd zero, 0(t0)
    addi t0, t0, 8
    j 1b
2:  la t0, trap_vector
    csrw stvec, t0
    call boot_main
    j park

    /* Lost the race: wait for the boot hart, then run as a secondary. */
wait_boot:
    la t0, boot_done
3:  lw t1, 0(t0)
    beqz t1, 3b
    fence r, rw
    j secondary_common

    .text
    .globl secondary_entry
    .balign 4
secondary_entry:
    csrw sie, zero
    csrci sstatus, 2
    li t0, BAREOS_MAX_HARTS
    bgeu a0, t0, park
    call set_stack
secondary_common:
    la t0, trap_vector
    csrw stvec, t0
    call secondary_main
park:
    csrw sie, zero
    csrci sstatus, 2
4:  wfi
    j 4b

/* sp = __stack_top - a0 * BAREOS_STACK_SIZE, tp = a0; uses t0 and t1 only. */
set_stack:
    la sp, __stack_top
    li t0, BAREOS_STACK_SIZE
    mul t1, a0, t0
    sub sp, sp, t1
    mv tp, a0
    ret
