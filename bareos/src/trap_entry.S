/*
 * BareOS trap vector (stvec, direct mode).  BareOS has no user mode, so a
 * trap always arrives on the current hart's kernel stack: save every
 * register, sepc and sstatus in a struct trap_frame there, call
 * trap_handler(frame) and restore (the handler may change sepc).
 */
#include "bareos_config.h"

#define FRAME_SEPC (32 * 8)
#define FRAME_SSTATUS (33 * 8)

    .text
    .balign 4
    .globl trap_vector
trap_vector:
    addi sp, sp, -BAREOS_TRAP_FRAME_SIZE
    .irp n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    sd x\n, (\n * 8)(sp)
    .endr
    addi t0, sp, BAREOS_TRAP_FRAME_SIZE
    sd t0, (2 * 8)(sp)
    csrr t0, sepc
    sd t0, FRAME_SEPC(sp)
    csrr t0, sstatus
    sd t0, FRAME_SSTATUS(sp)

    mv a0, sp
    call trap_handler

    ld t0, FRAME_SEPC(sp)
    csrw sepc, t0
    ld t0, FRAME_SSTATUS(sp)
    csrw sstatus, t0
    .irp n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    ld x\n, (\n * 8)(sp)
    .endr
    addi sp, sp, BAREOS_TRAP_FRAME_SIZE
    sret
