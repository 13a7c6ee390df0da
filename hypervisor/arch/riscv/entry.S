/*
 * Boot, trap entry and guest resume.
 *
 * sscratch holds the running VCPU's frame (struct vcpu_regs) while a guest
 * runs and zero while the hypervisor runs, so the vector tells the two
 * apart with one instruction.  Traps from the hypervisor itself only come
 * from bugs or from a guarded guest access (hlvx), which has a fixup.
 */
#include <arch/regs.h>
#include <arch/csr.h>

#define SBI_EXT_TIME 0x54494D45
#define VH_SBI_EXT 0x0A005648

#define STACK_SHIFT 14
#define MAX_CPUS 8

.option arch, +h

.section .text.entry, "ax"
.global _start
_start:
    csrw sie, zero
    csrw sscratch, zero
    li t0, MAX_CPUS
    bgeu a0, t0, park
    /*
     * Only the first hart here boots.  OpenSBI 1.1 (QEMU's -bios default)
     * marks a hart START_PENDING before it stores the start address, so a
     * stopped hart woken meanwhile may come here, to the boot address,
     * instead of secondary_entry: it must not clear the BSS or boot again.
     * It was being started anyway: it goes on as a secondary.
     */
    la t0, boot_claimed
    li t1, 1
    amoswap.w.aqrl t1, t1, (t0)
    bnez t1, secondary_entry
    la t0, __bss_start
    la t1, __bss_end
1:  bgeu t0, t1, 2f
    sd zero, 0(t0)
    addi t0, t0, 8
    j 1b
2:  call set_stack
    call boot_main
    j park

.global secondary_entry
secondary_entry:
    csrw sie, zero
    csrw sscratch, zero
    call set_stack
    call secondary_main
    j park

/* sp = top of this hart's stack; stvec = trap_entry. a0 = hart id. */
set_stack:
    la sp, cpu_stacks
    addi t0, a0, 1
    slli t0, t0, STACK_SHIFT
    add sp, sp, t0
    la t0, trap_entry
    csrw stvec, t0
    ret

park:
    wfi
    j park

.section .data
.align 2
boot_claimed:
    .word 0                            /* in .data: the BSS clear must not reset it */

.text
.align 4
.global trap_entry
trap_entry:
    csrrw sp, sscratch, sp
    beqz sp, hs_trap
    sd x5, REGS_X(5)(sp)
    sd x6, REGS_X(6)(sp)
    /*
     * Fast path: the calls a guest makes most and that need no scheduling
     * decision (vh's null hypercall, SBI set_timer) are answered here with
     * two scratch registers, without the full frame.
     */
    csrr t0, scause
    addi t0, t0, -EXC_ECALL_VS
    bnez t0, trap_slow
    li t0, SBI_EXT_TIME
    beq a7, t0, fast_set_timer
    beqz a7, fast_set_timer            /* legacy set_timer */
    li t0, VH_SBI_EXT
    bne a7, t0, trap_slow
    bnez a6, trap_slow                 /* VH_HC_NULL is 0 */
    li a1, 0
fast_return:
    li a0, 0
    csrr t0, sepc
    addi t0, t0, 4
    csrw sepc, t0
    ld x5, REGS_X(5)(sp)
    ld x6, REGS_X(6)(sp)
    csrrw sp, sscratch, sp
    sret
fast_set_timer:
    csrw CSR_VSTIMECMP, a0
    j fast_return

trap_slow:
    sd x1, REGS_X(1)(sp)
    sd x3, REGS_X(3)(sp)
    sd x4, REGS_X(4)(sp)
    sd x7, REGS_X(7)(sp)
    sd x8, REGS_X(8)(sp)
    sd x9, REGS_X(9)(sp)
    sd x10, REGS_X(10)(sp)
    sd x11, REGS_X(11)(sp)
    sd x12, REGS_X(12)(sp)
    sd x13, REGS_X(13)(sp)
    sd x14, REGS_X(14)(sp)
    sd x15, REGS_X(15)(sp)
    sd x16, REGS_X(16)(sp)
    sd x17, REGS_X(17)(sp)
    sd x18, REGS_X(18)(sp)
    sd x19, REGS_X(19)(sp)
    sd x20, REGS_X(20)(sp)
    sd x21, REGS_X(21)(sp)
    sd x22, REGS_X(22)(sp)
    sd x23, REGS_X(23)(sp)
    sd x24, REGS_X(24)(sp)
    sd x25, REGS_X(25)(sp)
    sd x26, REGS_X(26)(sp)
    sd x27, REGS_X(27)(sp)
    sd x28, REGS_X(28)(sp)
    sd x29, REGS_X(29)(sp)
    sd x30, REGS_X(30)(sp)
    sd x31, REGS_X(31)(sp)
    csrrw t0, sscratch, zero
    sd t0, REGS_X(2)(sp)
    csrr t0, sepc
    sd t0, REGS_SEPC(sp)
    csrr t0, sstatus
    sd t0, REGS_SSTATUS(sp)
    csrr t0, hstatus
    sd t0, REGS_HSTATUS(sp)
    mv a0, sp
    ld tp, REGS_CPU(sp)
    ld sp, CPU_STACK_TOP(tp)
    call trap_handle
    /* fall through: a0 = frame to resume */

.global vcpu_resume
vcpu_resume:
    ld t0, REGS_SEPC(a0)
    csrw sepc, t0
    ld t0, REGS_SSTATUS(a0)
    csrw sstatus, t0
    ld t0, REGS_HSTATUS(a0)
    csrw hstatus, t0
    csrw sscratch, a0
    ld x1, REGS_X(1)(a0)
    ld x2, REGS_X(2)(a0)
    ld x3, REGS_X(3)(a0)
    ld x4, REGS_X(4)(a0)
    ld x5, REGS_X(5)(a0)
    ld x6, REGS_X(6)(a0)
    ld x7, REGS_X(7)(a0)
    ld x8, REGS_X(8)(a0)
    ld x9, REGS_X(9)(a0)
    ld x11, REGS_X(11)(a0)
    ld x12, REGS_X(12)(a0)
    ld x13, REGS_X(13)(a0)
    ld x14, REGS_X(14)(a0)
    ld x15, REGS_X(15)(a0)
    ld x16, REGS_X(16)(a0)
    ld x17, REGS_X(17)(a0)
    ld x18, REGS_X(18)(a0)
    ld x19, REGS_X(19)(a0)
    ld x20, REGS_X(20)(a0)
    ld x21, REGS_X(21)(a0)
    ld x22, REGS_X(22)(a0)
    ld x23, REGS_X(23)(a0)
    ld x24, REGS_X(24)(a0)
    ld x25, REGS_X(25)(a0)
    ld x26, REGS_X(26)(a0)
    ld x27, REGS_X(27)(a0)
    ld x28, REGS_X(28)(a0)
    ld x29, REGS_X(29)(a0)
    ld x30, REGS_X(30)(a0)
    ld x31, REGS_X(31)(a0)
    ld x10, REGS_X(10)(a0)
    sret

/*
 * Trap taken in HS-mode: build a frame on the hypervisor stack, let
 * hs_trap_handle() apply a fixup or panic, then return into HS-mode.
 */
hs_trap:
    csrrw sp, sscratch, sp
    addi sp, sp, -REGS_SIZE
    sd x1, REGS_X(1)(sp)
    sd x5, REGS_X(5)(sp)
    sd x6, REGS_X(6)(sp)
    sd x7, REGS_X(7)(sp)
    sd x10, REGS_X(10)(sp)
    sd x11, REGS_X(11)(sp)
    sd x12, REGS_X(12)(sp)
    sd x13, REGS_X(13)(sp)
    sd x14, REGS_X(14)(sp)
    sd x15, REGS_X(15)(sp)
    sd x16, REGS_X(16)(sp)
    sd x17, REGS_X(17)(sp)
    sd x28, REGS_X(28)(sp)
    sd x29, REGS_X(29)(sp)
    sd x30, REGS_X(30)(sp)
    sd x31, REGS_X(31)(sp)
    csrr t0, sepc
    sd t0, REGS_SEPC(sp)
    mv a0, sp
    call hs_trap_handle
    ld t0, REGS_SEPC(sp)
    csrw sepc, t0
    ld x1, REGS_X(1)(sp)
    ld x5, REGS_X(5)(sp)
    ld x6, REGS_X(6)(sp)
    ld x7, REGS_X(7)(sp)
    ld x10, REGS_X(10)(sp)
    ld x11, REGS_X(11)(sp)
    ld x12, REGS_X(12)(sp)
    ld x13, REGS_X(13)(sp)
    ld x14, REGS_X(14)(sp)
    ld x15, REGS_X(15)(sp)
    ld x16, REGS_X(16)(sp)
    ld x17, REGS_X(17)(sp)
    ld x28, REGS_X(28)(sp)
    ld x29, REGS_X(29)(sp)
    ld x30, REGS_X(30)(sp)
    ld x31, REGS_X(31)(sp)
    addi sp, sp, REGS_SIZE
    sret

/*
 * int arch_guest_fetch16(uint64_t gva, uint16_t *out): read a guest
 * instruction halfword with the guest's translation.  A fault lands on
 * guest_fetch_fixup (see hs_trap_handle) and returns -1.
 */
.global arch_guest_fetch16
.global guest_fetch_insn
.global guest_fetch_fixup
arch_guest_fetch16:
    mv t1, a1
guest_fetch_insn:
    hlvx.hu t0, (a0)
    sh t0, 0(t1)
    li a0, 0
    ret
guest_fetch_fixup:
    li a0, -1
    ret

/* FP state of a VCPU: f0..f31 then fcsr at a0. */
.option push
.option arch, +d
.global arch_fp_save
arch_fp_save:
    fsd f0, 0(a0)
    fsd f1, 8(a0)
    fsd f2, 16(a0)
    fsd f3, 24(a0)
    fsd f4, 32(a0)
    fsd f5, 40(a0)
    fsd f6, 48(a0)
    fsd f7, 56(a0)
    fsd f8, 64(a0)
    fsd f9, 72(a0)
    fsd f10, 80(a0)
    fsd f11, 88(a0)
    fsd f12, 96(a0)
    fsd f13, 104(a0)
    fsd f14, 112(a0)
    fsd f15, 120(a0)
    fsd f16, 128(a0)
    fsd f17, 136(a0)
    fsd f18, 144(a0)
    fsd f19, 152(a0)
    fsd f20, 160(a0)
    fsd f21, 168(a0)
    fsd f22, 176(a0)
    fsd f23, 184(a0)
    fsd f24, 192(a0)
    fsd f25, 200(a0)
    fsd f26, 208(a0)
    fsd f27, 216(a0)
    fsd f28, 224(a0)
    fsd f29, 232(a0)
    fsd f30, 240(a0)
    fsd f31, 248(a0)
    frcsr t0
    sd t0, 256(a0)
    ret

.global arch_fp_load
arch_fp_load:
    fld f0, 0(a0)
    fld f1, 8(a0)
    fld f2, 16(a0)
    fld f3, 24(a0)
    fld f4, 32(a0)
    fld f5, 40(a0)
    fld f6, 48(a0)
    fld f7, 56(a0)
    fld f8, 64(a0)
    fld f9, 72(a0)
    fld f10, 80(a0)
    fld f11, 88(a0)
    fld f12, 96(a0)
    fld f13, 104(a0)
    fld f14, 112(a0)
    fld f15, 120(a0)
    fld f16, 128(a0)
    fld f17, 136(a0)
    fld f18, 144(a0)
    fld f19, 152(a0)
    fld f20, 160(a0)
    fld f21, 168(a0)
    fld f22, 176(a0)
    fld f23, 184(a0)
    fld f24, 192(a0)
    fld f25, 200(a0)
    fld f26, 208(a0)
    fld f27, 216(a0)
    fld f28, 224(a0)
    fld f29, 232(a0)
    fld f30, 240(a0)
    fld f31, 248(a0)
    ld t0, 256(a0)
    fscsr t0
    ret
.option pop

.bss
.align 12
.global cpu_stacks
cpu_stacks:
    .space (MAX_CPUS << STACK_SHIFT)
