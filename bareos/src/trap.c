/*
 * BareOS trap handling in C.  Interrupts: the supervisor timer (handed to
 * timer.c) and software interrupts (IPIs, just acknowledged).  Exceptions:
 * a load fault inside probe_load64() is caught and skipped; any other
 * exception prints hart, scause, sepc and stval and stops that hart.
 */
#include "bareos.h"
#include "kprintf.h"
#include "riscv.h"

/* Per-hart state of an armed probe_load64(). */
struct probe_state {
    volatile uint32_t active;
    volatile uint32_t faulted;
    volatile uint64_t cause;
    volatile uint64_t tval;
};

static struct probe_state probes[BAREOS_MAX_HARTS];

void hart_halt(void)
{
    csr_write(sie, 0);
    csr_clear(sstatus, SSTATUS_SIE);
    for (;;)
        wfi();
}

static bool is_load_fault(uint64_t cause)
{
    return cause == EXC_LOAD_ACCESS || cause == EXC_LOAD_PAGE ||
           cause == EXC_LOAD_MISALIGNED || cause == EXC_LOAD_GUEST_PAGE;
}

/* Length of the instruction at pc: 2 if compressed, else 4. */
static uint64_t insn_length(uint64_t pc)
{
    uint16_t low = *(const volatile uint16_t *)(uintptr_t)pc;
    return (low & 3u) == 3u ? 4u : 2u;
}

static bool catch_probe_fault(struct trap_frame *tf, uint64_t cause)
{
    struct probe_state *p = &probes[hart_id()];

    if (!p->active || !is_load_fault(cause))
        return false;
    p->faulted = 1;
    p->cause = cause;
    p->tval = csr_read(stval);
    tf->sepc += insn_length(tf->sepc);
    return true;
}

static void handle_interrupt(uint64_t code)
{
    switch (code) {
    case IRQ_S_TIMER:
        timer_interrupt();
        break;
    case IRQ_S_SOFT:
        csr_clear(sip, SIP_SSIP);
        break;
    default:
        kprintf("BareOS: hart %lu unexpected interrupt %lu\n", hart_id(),
                (unsigned long)code);
        csr_clear(sie, 1UL << code);
        break;
    }
}

void trap_handler(struct trap_frame *tf)
{
    uint64_t scause = csr_read(scause);

    if (scause & SCAUSE_INTERRUPT) {
        handle_interrupt(scause & ~SCAUSE_INTERRUPT);
        return;
    }
    if (catch_probe_fault(tf, scause))
        return;
    kprintf("BareOS: hart %lu unexpected exception scause 0x%lx sepc 0x%lx "
            "stval 0x%lx: hart stopped\n",
            hart_id(), (unsigned long)scause, (unsigned long)tf->sepc,
            csr_read(stval));
    hart_halt();
}

bool probe_load64(uint64_t addr, uint64_t *value, uint64_t *cause,
                  uint64_t *tval)
{
    struct probe_state *p = &probes[hart_id()];
    uint64_t v = 0;

    p->faulted = 0;
    p->active = 1;
    compiler_barrier();
    /* A full-size ld, so the handler can skip exactly 4 bytes. */
    __asm__ volatile(".option push\n"
                     ".option norvc\n"
                     "ld %0, 0(%1)\n"
                     ".option pop"
                     : "+r"(v)
                     : "r"((uintptr_t)addr)
                     : "memory");
    compiler_barrier();
    p->active = 0;
    if (p->faulted) {
        *cause = p->cause;
        *tval = p->tval;
        return false;
    }
    *value = v;
    return true;
}
