/*
 * Trap dispatch for traps from guests (trap_handle) and from the
 * hypervisor itself (hs_trap_handle).  Handlers decide; the scheduler is
 * asked what runs next only when something may have changed.
 */
#include <arch/csr.h>
#include <arch/insn.h>
#include <core/adu.h>
#include <core/arch.h>
#include <core/console.h>
#include <core/cpu.h>
#include <core/lib.h>
#include <core/mgmt.h>
#include <core/sched.h>
#include <core/trace.h>
#include <core/vdev.h>
#include <core/vuart.h>
#include <vh/abi.h>

#define INSN_WFI 0x10500073u

int arch_guest_fetch16(uint64_t gva, uint16_t *out);
extern char guest_fetch_insn[], guest_fetch_fixup[];
bool vsbi_handle(struct cpu *c, struct vcpu *v);

/* Report what a guest did wrong and stop its ADU. */
static void guest_fatal(struct vcpu *v, const char *what, uint64_t addr)
{
    char why[160];
    vh_snprintf(why, sizeof why, "%s 0x%lx at pc 0x%lx (%s-VCPU %u on cpu %u)", what, addr,
                v->arch.regs.sepc, v->kind == VCPU_RT ? "RT" : "BE", v->index, this_cpu()->id);
    adu_stop(v->adu, why);
}

static int fetch_insn(uint64_t pc, uint32_t *insn)
{
    uint16_t lo, hi;
    if (arch_guest_fetch16(pc, &lo) != 0) {
        return -1;
    }
    if (insn_len(lo) == 2) {
        *insn = lo;
        return 0;
    }
    if (arch_guest_fetch16(pc + 2, &hi) != 0) {
        return -1;
    }
    *insn = (uint32_t)lo | ((uint32_t)hi << 16);
    return 0;
}

/* Emulate an access to the ADU's virtual UART. */
static bool mmio_uart(struct vcpu *v, uint64_t gpa, bool store)
{
    struct vcpu_regs *r = &v->arch.regs;
    uint32_t insn;
    struct mem_access m;
    if (fetch_insn(r->sepc, &insn) != 0 || insn_decode_mem(insn, &m) != 0 || m.store != store) {
        return false;
    }
    uint32_t off = (uint32_t)(gpa - VH_GUEST_UART_GPA);
    if (off > 7) {
        off = 7; /* registers beyond the 16550's eight read as scratch */
    }
    if (store) {
        vuart_write(v->adu, off, (uint8_t)(m.reg ? r->x[m.reg] : 0));
    } else if (m.reg != 0) {
        r->x[m.reg] = insn_extend(vuart_read(v->adu, off), m.width, m.sign);
    }
    r->sepc += m.len;
    return true;
}

/* The reset device or an absent one (core/vdev.c); false: nothing there. */
static bool mmio_vdev(struct vcpu *v, uint64_t gpa, bool store)
{
    struct vcpu_regs *r = &v->arch.regs;
    uint32_t insn;
    struct mem_access m;
    if (fetch_insn(r->sepc, &insn) != 0 || insn_decode_mem(insn, &m) != 0 || m.store != store) {
        return false;
    }
    uint64_t val = store && m.reg ? r->x[m.reg] : 0;
    int res = vdev_mmio(v, gpa, m.width, store, &val);
    if (res == VDEV_DONE) {
        if (!store && m.reg != 0) {
            r->x[m.reg] = insn_extend(val, m.width, m.sign);
        }
        r->sepc += m.len;
    }
    return res != VDEV_UNCLAIMED; /* VDEV_RESTARTED: the VCPU is already reset or stopped */
}

static void guest_page_fault(struct vcpu *v, uint64_t cause)
{
    uint64_t gpa = (csr_read(CSR_HTVAL) << 2) | (csr_read(CSR_STVAL) & 3);
    bool store = cause == EXC_STORE_GUEST_PAGE;
    const struct vh_cfg_adu *cfg = v->adu->cfg;
    if (cause != EXC_INST_GUEST_PAGE && (cfg->devices & VH_DEV(UART)) &&
        gpa >= VH_GUEST_UART_GPA && gpa < VH_GUEST_UART_GPA + VH_GUEST_UART_SIZE) {
        if (mmio_uart(v, gpa, store)) {
            return;
        }
    }
    if (cause != EXC_INST_GUEST_PAGE && mmio_vdev(v, gpa, store)) {
        return;
    }
    static const char *const what[] = {"instruction fetch from", "load from", "", "store to"};
    char desc[64];
    vh_snprintf(desc, sizeof desc, "%s guest-physical address outside its memory:",
                what[cause - EXC_INST_GUEST_PAGE]);
    guest_fatal(v, desc, gpa);
}

/* Deliver an exception to the guest's own handler, as hardware would. */
static void inject_exception(struct vcpu *v, uint64_t cause, uint64_t tval)
{
    struct vcpu_regs *r = &v->arch.regs;
    uint64_t vsstatus = csr_read(CSR_VSSTATUS);
    bool from_s = (r->sstatus & SSTATUS_SPP) != 0;
    vsstatus &= ~(SSTATUS_SPP | SSTATUS_SPIE | SSTATUS_SIE);
    vsstatus |= (from_s ? SSTATUS_SPP : 0) | ((csr_read(CSR_VSSTATUS) & SSTATUS_SIE) ? SSTATUS_SPIE : 0);
    csr_write(CSR_VSSTATUS, vsstatus);
    csr_write(CSR_VSEPC, r->sepc);
    csr_write(CSR_VSCAUSE, cause);
    csr_write(CSR_VSTVAL, tval);
    r->sepc = csr_read(CSR_VSTVEC) & ~3UL;
    r->sstatus |= SSTATUS_SPP; /* the handler runs in VS-mode */
}

/* wfi: block until the VCPU's own timer or an IPI, unless one is pending. */
static bool guest_wfi(struct cpu *c, struct vcpu *v)
{
    v->arch.regs.sepc += 4;
    if (v->kind == VCPU_RT) {
        return false;
    }
    uint64_t vsie = csr_read(CSR_VSIE);
    uint64_t pend = csr_read(CSR_HVIP) | (v->pending & VCPU_PEND_VSSIP ? HVIP_VSSIP : 0);
    uint64_t wake = (vsie & (1UL << IRQ_S_TIMER)) ? csr_read(CSR_VSTIMECMP) : UINT64_MAX;
    if ((pend & HVIP_VSSIP && vsie & (1UL << IRQ_S_SOFT)) || wake <= arch_time_now()) {
        return false;
    }
    sched_be_block(c, v, wake);
    return true;
}

static bool virtual_instruction(struct cpu *c, struct vcpu *v)
{
    uint32_t insn = (uint32_t)csr_read(CSR_STVAL);
    if (insn == 0 && fetch_insn(v->arch.regs.sepc, &insn) != 0) {
        guest_fatal(v, "unreadable instruction at", v->arch.regs.sepc);
        return true;
    }
    if (insn == INSN_WFI) {
        return guest_wfi(c, v);
    }
    inject_exception(v, EXC_ILLEGAL_INST, insn);
    return false;
}

static bool handle_exception(struct cpu *c, struct vcpu *v, uint64_t cause)
{
    switch (cause) {
    case EXC_ECALL_VS:
        return vsbi_handle(c, v);
    case EXC_INST_GUEST_PAGE:
    case EXC_LOAD_GUEST_PAGE:
    case EXC_STORE_GUEST_PAGE:
        guest_page_fault(v, cause);
        return (v->pending & VCPU_PEND_STOP) != 0;
    case EXC_VIRTUAL_INST:
        return virtual_instruction(c, v);
    default: {
        char desc[48];
        vh_snprintf(desc, sizeof desc, "unhandled exception %lu, stval", cause);
        guest_fatal(v, desc, csr_read(CSR_STVAL));
        return true;
    }
    }
}

void arch_apply_pending(struct vcpu *v);

/* What the trap cost, by kind (tracing on). */
static void trace_trap_done(struct cpu *c, uint64_t cause, uint64_t t0)
{
    if (cause & SCAUSE_IRQ) {
        trace_span(c, TS_IRQ, t0);
    } else if (cause == EXC_ECALL_VS) {
        trace_span(c, TS_SBI, t0);
    } else if (cause == EXC_LOAD_GUEST_PAGE || cause == EXC_STORE_GUEST_PAGE) {
        trace_span(c, TS_MMIO, t0);
    }
}

struct vcpu_regs *trap_handle(struct vcpu_regs *regs);

struct vcpu_regs *trap_handle(struct vcpu_regs *regs)
{
    struct vcpu *v = (struct vcpu *)regs;
    struct cpu *c = regs->cpu;
    uint64_t cause = csr_read(CSR_SCAUSE);
    uint64_t t0 = trace_stamp();
    uint64_t now = arch_time_now();
    bool resched;
    if (trace_on) {
        trace_wake[c->id] = t0;
        trace_event(c, TE_TRAP, v, (cause & 0xffff) | (cause & SCAUSE_IRQ ? TRACE_TRAP_IRQ : 0));
    }
    sched_account(c, now, CPU_T_HV);
    if (cause & SCAUSE_IRQ) {
        if (arch_irq_pending_take() & VH_IRQF_EXT) {
            mgmt_irq(c);
        }
        resched = true;
    } else {
        resched = handle_exception(c, v, cause);
    }
    if (resched || c->kick || (v->pending & (VCPU_PEND_STOP | VCPU_PEND_MIGRATE))) {
        struct vcpu *next = sched_reschedule(c, now);
        if (next == NULL) {
            sched_idle(c);
        }
        v = next;
    }
    if (trace_on) {
        trace_trap_done(c, cause, t0); /* agent work below is its own span */
    }
    if (v->kind != VCPU_RT && mgmt_due(c, now)) {
        mgmt_work(c, now);
        sched_rearm(c, now); /* for the agent's next work, e.g. more output */
    }
    arch_apply_pending(v);
    sched_enter_ready(c, v);
    trace_event(c, TE_ENTER, v, 0);
    return &v->arch.regs;
}

void hs_trap_handle(struct vcpu_regs *frame);

void hs_trap_handle(struct vcpu_regs *frame)
{
    if (frame->sepc == (uint64_t)(uintptr_t)guest_fetch_insn) {
        frame->sepc = (uint64_t)(uintptr_t)guest_fetch_fixup;
        return;
    }
    vh_panic("trap in hypervisor: scause 0x%lx sepc 0x%lx stval 0x%lx", csr_read(CSR_SCAUSE),
             frame->sepc, csr_read(CSR_STVAL));
}
