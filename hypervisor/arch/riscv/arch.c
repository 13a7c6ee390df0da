/*
 * RISC-V arch hooks (core/arch.h): per-CPU virtualisation set-up, time and
 * timer (Sstc), IPIs through SBI, and a VCPU's virtual-supervisor state.
 *
 * The guest's own timer is passed through (henvcfg.STCE): it writes
 * vstimecmp itself, so its ticks cost no exit.  FP registers are swapped
 * lazily: saved only when dirty, loaded only when another VCPU's state sits
 * in the registers.
 */
#include <arch/csr.h>
#include <arch/sbi.h>
#include <core/adu.h>
#include <core/arch.h>
#include <core/console.h>
#include <core/cpu.h>
#include <core/lib.h>
#include <core/trace.h>
#include <core/vcpu.h>
#include <platform/platform.h>

/* Exceptions handled by the guest itself: misaligned, illegal, breakpoint,
 * access faults, ecall from VU, page faults. */
#define HEDELEG_GUEST 0xb1fdUL
#define HIDELEG_GUEST (HVIP_VSSIP | HVIP_VSTIP | HVIP_VSEIP)

void arch_fp_save(uint64_t *f);
void arch_fp_load(const uint64_t *f);
extern char secondary_entry[];

static struct vcpu *fp_owner[VH_MAX_CPUS];
/* VCPU whose virtual-supervisor CSRs this CPU holds. */
static struct vcpu *loaded[VH_MAX_CPUS];

struct cpu *this_cpu(void)
{
    struct cpu *c;
    __asm__ volatile("mv %0, tp" : "=r"(c));
    return c;
}

uint64_t arch_time_now(void)
{
    return csr_read(CSR_TIME);
}

uint64_t arch_cycles(void)
{
    return csr_read(CSR_CYCLE);
}

void arch_timer_arm(uint64_t at)
{
    csr_write(CSR_STIMECMP, at);
}

void arch_ipi_send(uint32_t cpu)
{
    cpus[cpu].kick = 1;
    trace_event(this_cpu(), TE_IPI, NULL, cpu);
    sbi_call(SBI_EXT_IPI, 0, 1UL << platform_hart_of_cpu(cpu), 0, 0);
}

int arch_cpu_start(uint32_t cpu)
{
    struct sbiret r = sbi_call(SBI_EXT_HSM, 0, platform_hart_of_cpu(cpu),
                               (unsigned long)secondary_entry, 0);
    return r.error == 0 ? 0 : VH_ENOENT;
}

void arch_cpu_init(struct cpu *c)
{
    __asm__ volatile("mv tp, %0" ::"r"(c));
    csr_write(CSR_HEDELEG, HEDELEG_GUEST);
    csr_write(CSR_HIDELEG, HIDELEG_GUEST);
    csr_write(CSR_HCOUNTEREN, 7);
    csr_write(CSR_HENVCFG, HENVCFG_STCE);
    csr_write(CSR_HVIP, 0);
    csr_write(CSR_HTIMEDELTA, 0);
    csr_write(CSR_HGATP, 0);
    csr_write(CSR_STIMECMP, UINT64_MAX);
    csr_write(CSR_SIE, SIP_SSIP | SIP_STIP | SIP_SEIP);
    __asm__ volatile(".option push\n.option arch, +h\nhfence.gvma zero, zero\n.option pop" ::: "memory");
}

void arch_cpu_wait(void)
{
    __asm__ volatile("wfi" ::: "memory");
}

uint32_t arch_irq_pending_take(void)
{
    unsigned long sip = csr_read(CSR_SIP);
    uint32_t f = 0;
    if (sip & SIP_SSIP) {
        csr_clear(CSR_SIP, SIP_SSIP);
        f |= VH_IRQF_IPI;
    }
    if (sip & SIP_STIP) {
        f |= VH_IRQF_TIMER;
    }
    if (sip & SIP_SEIP) {
        f |= VH_IRQF_EXT;
    }
    return f;
}

__attribute__((noreturn)) void arch_halt(void)
{
    csr_write(CSR_SIE, 0);
    for (;;) {
        __asm__ volatile("wfi");
    }
}

void arch_vcpu_reset(struct vcpu *v, uint64_t entry, uint64_t a0, uint64_t a1)
{
    struct vcpu_arch *ar = &v->arch;
    struct cpu *keep = ar->regs.cpu;
    memset(ar, 0, sizeof *ar);
    ar->regs.cpu = keep;
    ar->regs.x[REG_A0] = a0;
    ar->regs.x[REG_A1] = a1;
    ar->regs.sepc = entry;
    ar->regs.sstatus = SSTATUS_SPP | SSTATUS_FS_CLEAN;
    ar->regs.hstatus = HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_VTW | HSTATUS_VSXL_64;
    ar->vsstatus = 2UL << 32; /* UXL = 64 */
    ar->vstimecmp = UINT64_MAX;
    ar->hgatp = v->adu->hgatp;
    ar->fp_cpu = -1;
    ar->last_cpu = -1;
    ar->hfence_cpu = -1;
}

void arch_vcpu_save(struct vcpu *v)
{
    struct vcpu_arch *ar = &v->arch;
    if (v->kind == VCPU_RT) {
        return; /* RT-VCPUs keep no VS state (see arch_vcpu_load) */
    }
    ar->vsstatus = csr_read(CSR_VSSTATUS);
    ar->vsie = csr_read(CSR_VSIE);
    ar->vstvec = csr_read(CSR_VSTVEC);
    ar->vsscratch = csr_read(CSR_VSSCRATCH);
    ar->vsepc = csr_read(CSR_VSEPC);
    ar->vscause = csr_read(CSR_VSCAUSE);
    ar->vstval = csr_read(CSR_VSTVAL);
    ar->vsatp = csr_read(CSR_VSATP);
    ar->vstimecmp = csr_read(CSR_VSTIMECMP);
    ar->hvip = csr_read(CSR_HVIP);
    if ((ar->regs.sstatus & SSTATUS_FS) == SSTATUS_FS_DIRTY) {
        arch_fp_save(ar->f);
        ar->regs.sstatus = (ar->regs.sstatus & ~SSTATUS_FS) | SSTATUS_FS_CLEAN;
    }
}

void arch_vcpu_load(struct vcpu *v)
{
    struct vcpu_arch *ar = &v->arch;
    uint32_t cpu = this_cpu()->id;
    if (loaded[cpu] == v && ar->last_cpu == (int8_t)cpu) {
        /* Its state is still in this CPU's registers: nothing else ran
         * here and it ran nowhere else since (reset clears last_cpu). */
        return;
    }
    struct vcpu *prev = loaded[cpu];
    loaded[cpu] = v;
    ar->last_cpu = (int8_t)cpu;
    if (v->kind == VCPU_RT) {
        /*
         * An RT-VCPU runs a bare job: no VS translation, no VS interrupts,
         * no trap vector of its own (a fault ends in its ADU's stop), no
         * FP.  So it needs only its ADU's G-stage and a clean VS state,
         * which keeps the release path short.
         */
        if (prev == NULL || prev->arch.hgatp != ar->hgatp) {
            csr_write(CSR_HGATP, ar->hgatp);
        }
        csr_write(CSR_VSSTATUS, 2UL << 32);
        csr_write(CSR_VSIE, 0);
        csr_write(CSR_VSTVEC, 0);
        csr_write(CSR_VSATP, 0);
        csr_write(CSR_HVIP, 0);
        return;
    }
    csr_write(CSR_HGATP, ar->hgatp);
    csr_write(CSR_VSSTATUS, ar->vsstatus);
    csr_write(CSR_VSIE, ar->vsie);
    csr_write(CSR_VSTVEC, ar->vstvec);
    csr_write(CSR_VSSCRATCH, ar->vsscratch);
    csr_write(CSR_VSEPC, ar->vsepc);
    csr_write(CSR_VSCAUSE, ar->vscause);
    csr_write(CSR_VSTVAL, ar->vstval);
    csr_write(CSR_VSATP, ar->vsatp);
    csr_write(CSR_VSTIMECMP, ar->vstimecmp);
    csr_write(CSR_HVIP, ar->hvip);
    if (ar->hfence_cpu != (int8_t)cpu) {
        /* Its VS-stage translations may be stale here. */
        __asm__ volatile(".option push\n.option arch, +h\nhfence.vvma zero, zero\n.option pop" ::: "memory");
        ar->hfence_cpu = (int8_t)cpu;
    }
    if ((ar->vsstatus & SSTATUS_FS) != 0 && (fp_owner[cpu] != v || ar->fp_cpu != (int8_t)cpu)) {
        arch_fp_load(ar->f);
        fp_owner[cpu] = v;
        ar->fp_cpu = (int8_t)cpu;
    }
}

/* Apply what other CPUs posted to the VCPU about to run here. */
void arch_apply_pending(struct vcpu *v);

void arch_apply_pending(struct vcpu *v)
{
    if (v->pending & (VCPU_PEND_VSSIP | VCPU_PEND_FENCE)) {
        uint32_t p = atomic_and32(&v->pending, ~(VCPU_PEND_VSSIP | VCPU_PEND_FENCE));
        if (p & VCPU_PEND_VSSIP) {
            csr_set(CSR_HVIP, HVIP_VSSIP);
        }
        if (p & VCPU_PEND_FENCE) {
            __asm__ volatile(".option push\n.option arch, +h\nhfence.vvma zero, zero\n"
                             "fence.i\n.option pop" ::: "memory");
        }
    }
}

__attribute__((noreturn)) void vcpu_resume(struct vcpu_regs *r);

__attribute__((noreturn)) void arch_vcpu_enter(struct vcpu *v)
{
    arch_apply_pending(v);
    vcpu_resume(&v->arch.regs);
}

void arch_vcpu_irq_post(struct vcpu *v, uint32_t virq)
{
    if (virq & VH_VIRQ_SOFT) {
        atomic_or32(&v->pending, VCPU_PEND_VSSIP);
    }
}

uint64_t arch_vcpu_arg(const struct vcpu *v, unsigned n)
{
    return v->arch.regs.x[REG_A0 + n];
}

void arch_vcpu_set_ret(struct vcpu *v, int64_t err, uint64_t value)
{
    v->arch.regs.x[REG_A0] = (uint64_t)err;
    v->arch.regs.x[REG_A1] = value;
}

uint64_t arch_vcpu_timer_deadline(const struct vcpu *v)
{
    return v->arch.vstimecmp;
}
