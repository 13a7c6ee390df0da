/*
 * The SBI that guests see (v1.0 + DBCN from 2.0): BASE, TIME, IPI, RFENCE,
 * HSM, SRST, DBCN, the legacy console calls, and vh's own hypercalls.
 * Everything acts only on the calling ADU: a guest names harts of its own
 * ADU (its BE-VCPUs), and reset or power-off restart or stop only it.
 * Returns true when the scheduler must decide again.
 */
#include <arch/csr.h>
#include <arch/sbi.h>
#include <core/adu.h>
#include <core/arch.h>
#include <core/console.h>
#include <core/cpu.h>
#include <core/hcall.h>
#include <core/sched.h>
#include <core/vuart.h>

bool vsbi_handle(struct cpu *c, struct vcpu *v);

static void ret(struct vcpu *v, long err, unsigned long val)
{
    arch_vcpu_set_ret(v, err, val);
}

static bool sbi_base(struct vcpu *v, unsigned long fid, unsigned long a0)
{
    static const unsigned long exts[] = {SBI_EXT_BASE, SBI_EXT_TIME, SBI_EXT_IPI,
                                         SBI_EXT_RFENCE, SBI_EXT_HSM, SBI_EXT_SRST,
                                         SBI_EXT_DBCN, VH_SBI_EXT, SBI_EXT_LEGACY_PUTCHAR,
                                         SBI_EXT_LEGACY_GETCHAR, SBI_EXT_LEGACY_SET_TIMER};
    unsigned long val = 0;
    switch (fid) {
    case 0: val = 2UL << 24; break; /* spec 2.0 (for DBCN) */
    case 1: val = VH_SBI_IMPL_ID; break;
    case 2: val = VH_SBI_IMPL_VERSION; break;
    case 3:
        for (unsigned i = 0; i < sizeof exts / sizeof exts[0]; i++) {
            val |= exts[i] == a0;
        }
        break;
    case 4: case 5: case 6: val = 0; break;
    default: ret(v, SBI_ERR_NOT_SUPPORTED, 0); return false;
    }
    ret(v, SBI_SUCCESS, val);
    return false;
}

/* The BE-VCPUs of v's ADU named by an SBI hart mask. */
static uint32_t hart_mask(const struct vcpu *v, unsigned long mask, unsigned long base)
{
    uint32_t n = v->adu->cfg->n_be_vcpus;
    uint32_t all = (1u << n) - 1;
    if (base == (unsigned long)-1) {
        return all;
    }
    if (base >= n) {
        return 0;
    }
    return (uint32_t)(mask << base) & all;
}

static bool sbi_ipi(struct vcpu *v, unsigned long a0, unsigned long a1)
{
    uint32_t m = hart_mask(v, a0, a1);
    for (uint32_t i = 0; m != 0; i++, m >>= 1) {
        if (m & 1) {
            struct vcpu *t = v->adu->be[i];
            arch_vcpu_irq_post(t, VH_VIRQ_SOFT);
            if (t != v) {
                sched_be_wake(t);
                sched_kick_vcpu(t);
            }
        }
    }
    ret(v, SBI_SUCCESS, 0);
    return false;
}

static bool sbi_rfence(struct vcpu *v, unsigned long a0, unsigned long a1)
{
    uint32_t m = hart_mask(v, a0, a1);
    for (uint32_t i = 0; m != 0; i++, m >>= 1) {
        if (m & 1) {
            struct vcpu *t = v->adu->be[i];
            atomic_or32(&t->pending, VCPU_PEND_FENCE);
            if (t != v) {
                sched_kick_vcpu(t);
            }
        }
    }
    ret(v, SBI_SUCCESS, 0);
    return false;
}

static bool sbi_hsm(struct vcpu *v, unsigned long fid, unsigned long a0, unsigned long a1,
                    unsigned long a2)
{
    struct adu *a = v->adu;
    if (fid == 1) { /* hart_stop */
        sched_vcpu_stop(v);
        return true;
    }
    if (fid == 3) {
        ret(v, SBI_ERR_NOT_SUPPORTED, 0);
        return false;
    }
    if (fid > 3 || a0 >= a->cfg->n_be_vcpus) {
        ret(v, fid > 3 ? SBI_ERR_NOT_SUPPORTED : SBI_ERR_INVALID_PARAM, 0);
        return false;
    }
    struct vcpu *t = a->be[a0];
    if (fid == 2) {
        ret(v, SBI_SUCCESS, t->state == VCPU_STOPPED ? 1 : 0);
        return false;
    }
    if (t->state != VCPU_STOPPED || t->cpu >= 0) {
        ret(v, SBI_ERR_ALREADY_AVAILABLE, 0);
        return false;
    }
    if (adu_gpa_to_hva(a, a1, 2) == NULL) {
        ret(v, SBI_ERR_INVALID_ADDRESS, 0);
        return false;
    }
    arch_vcpu_reset(t, a1, a0, a2);
    sched_be_start(t);
    ret(v, SBI_SUCCESS, 0);
    return false;
}

static bool sbi_srst(struct vcpu *v, unsigned long type)
{
    if (type == 0) {
        adu_stop(v->adu, "powered off by the guest (SBI SRST)");
        return true;
    }
    if (type == 1 || type == 2) {
        adu_reset(v->adu);
        return (v->pending & VCPU_PEND_STOP) != 0;
    }
    ret(v, SBI_ERR_INVALID_PARAM, 0);
    return false;
}

static bool sbi_dbcn(struct vcpu *v, unsigned long fid, unsigned long a0, unsigned long a1)
{
    if (fid == 2) {
        vuart_putc(v->adu, (char)a0);
        ret(v, SBI_SUCCESS, 0);
        return false;
    }
    if (fid != 0) {
        ret(v, SBI_ERR_NOT_SUPPORTED, 0);
        return false;
    }
    const char *p = adu_gpa_to_hva(v->adu, a1, a0);
    if (p == NULL) {
        ret(v, SBI_ERR_INVALID_PARAM, 0);
        return false;
    }
    /* A bounded part per call, as the SBI allows (the guest writes the rest). */
    uint64_t n = a0;
    if (hcall_console_waits(this_cpu(), v, p, &n)) {
        return true;
    }
    ret(v, SBI_SUCCESS, n);
    return false;
}

bool vsbi_handle(struct cpu *c, struct vcpu *v)
{
    struct vcpu_regs *r = &v->arch.regs;
    unsigned long ext = r->x[17], fid = r->x[16];
    unsigned long a0 = r->x[10], a1 = r->x[11], a2 = r->x[12];
    r->sepc += 4;
    switch (ext) {
    case VH_SBI_EXT:
        return hcall_dispatch(c, v, fid);
    case SBI_EXT_BASE:
        return sbi_base(v, fid, a0);
    case SBI_EXT_TIME:
    case SBI_EXT_LEGACY_SET_TIMER:
        csr_write(CSR_VSTIMECMP, a0);
        ret(v, SBI_SUCCESS, 0);
        return false;
    case SBI_EXT_IPI:
        return sbi_ipi(v, a0, a1);
    case SBI_EXT_RFENCE:
        return sbi_rfence(v, a0, a1);
    case SBI_EXT_HSM:
        return sbi_hsm(v, fid, a0, a1, a2);
    case SBI_EXT_SRST:
        return sbi_srst(v, a0);
    case SBI_EXT_DBCN:
        return sbi_dbcn(v, fid, a0, a1);
    case SBI_EXT_LEGACY_PUTCHAR:
        vuart_putc(v->adu, (char)a0);
        r->x[10] = 0;
        return false;
    case SBI_EXT_LEGACY_GETCHAR:
        r->x[10] = (unsigned long)-1;
        return false;
    default:
        ret(v, SBI_ERR_NOT_SUPPORTED, 0);
        return false;
    }
}
