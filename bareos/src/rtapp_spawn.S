/*
 * rtapp_spawn: entry point for RT-VCPUs that a host creates by symbol
 * (`vhctl vcpu create ctl --entry rtapp_spawn ...`), which come without a
 * stack.  vh enters with a0 = arg, a1 = first release, sp = 0.  Take the
 * next free RT-App slot, run on its stack, and become an RT-App job; past
 * the last slot, idle in wfi.
 */
#define RTAPP_MAX 8
#define RTAPP_STACK 4096

.section .text
.global rtapp_spawn
.type rtapp_spawn, @function
rtapp_spawn:
    la t0, rtapp_next_slot
    li t1, 1
    amoadd.w t2, t1, (t0)
    li t1, RTAPP_MAX
    bgeu t2, t1, 2f
    la sp, rtapp_stacks
    addi t3, t2, 1
    slli t3, t3, 12
    add sp, sp, t3
    mv a0, t2
    tail rtapp_job
2:  wfi
    j 2b
