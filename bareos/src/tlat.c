/*
 * tlat: timer-to-first-instruction latency (the method of the Jailhouse
 * paper's interrupt latency, with the timer as the interrupt source).
 *
 * A one-shot timer is programmed at a known time T (SBI set_timer, which
 * under vh is a fast path writing vstimecmp, or timer=csr: stimecmp
 * directly, Sstc).  A dedicated trap vector reads the clock as its first
 * act; latency = that - T.  rdtime has 100 ns resolution, so the vector
 * also reads rdcycle, which under QEMU -icount counts virtual nanoseconds
 * on the same clock (offset calibrated at start); without icount rdcycle
 * is host time and only the rdtime figures mean anything.
 *
 * bootargs: app=tlat n=1000 (samples) delta=1000 (us between samples)
 *           mode=wfi|spin (wait in wfi or busy) timer=sbi|csr
 * prints: tlat: <mode> <timer> samples N time avg A ns sd S ns min .. max ..
 *         tlat: <mode> <timer> samples N cycle avg A ns ... (A/8 instructions)
 */
#include "bareos.h"
#include "kprintf.h"
#include "lib.h"
#include "riscv.h"
#include "sbi.h"

volatile uint64_t tlat_stamp_time, tlat_stamp_cycle;
void tlat_vector(void);
void app_tlat(unsigned long hartid);

__asm__(".section .text\n"
        ".balign 4\n"
        ".globl tlat_vector\n"
        "tlat_vector:\n"
        "    csrw sscratch, t0\n"
        "    rdtime t0\n"
        "    addi sp, sp, -16\n"
        "    sd t1, 0(sp)\n"
        "    rdcycle t1\n"
        "    sd t2, 8(sp)\n"
        "    la t2, tlat_stamp_time\n"
        "    sd t0, 0(t2)\n"
        "    la t2, tlat_stamp_cycle\n"
        "    sd t1, 0(t2)\n"
        "    li t0, 0x20\n"
        "    csrc sie, t0\n" /* STIE off: one interrupt per sample */
        "    ld t1, 0(sp)\n"
        "    ld t2, 8(sp)\n"
        "    addi sp, sp, 16\n"
        "    csrr t0, sscratch\n"
        "    sret\n");

static inline uint64_t rdcycle(void)
{
    uint64_t c;
    __asm__ volatile("rdcycle %0" : "=r"(c));
    return c;
}

struct acc {
    uint64_t n;
    int64_t min, max, sum;
    uint64_t sumsq;
};

static void acc_add(struct acc *a, int64_t v)
{
    if (a->n == 0 || v < a->min)
        a->min = v;
    if (a->n == 0 || v > a->max)
        a->max = v;
    a->sum += v;
    a->sumsq += (uint64_t)(v * v);
    a->n++;
}

/* Values in ns; prints avg/sd with one decimal and avg in instructions (8 ns). */
static void acc_print(const char *tag, const char *what, const struct acc *a)
{
    if (a->n == 0)
        return;
    int64_t n = (int64_t)a->n;
    int64_t avg10 = a->sum * 10 / n;
    uint64_t var = a->sumsq / a->n - (uint64_t)((a->sum / n) * (a->sum / n));
    uint64_t sd10 = isqrt64(var * 100);
    int64_t ins10 = a->sum * 10 / 8 / n;
    kprintf("tlat: %s samples %lu %s avg %ld.%ld ns sd %lu.%lu ns min %ld ns max %ld ns "
            "(avg %ld.%ld instructions at 8 ns)\n",
            tag, (unsigned long)a->n, what, (long)(avg10 / 10), (long)(avg10 < 0 ? -avg10 % 10 : avg10 % 10),
            (unsigned long)(sd10 / 10), (unsigned long)(sd10 % 10), (long)a->min, (long)a->max,
            (long)(ins10 / 10), (long)(ins10 < 0 ? -ins10 % 10 : ins10 % 10));
}

static bool arg_is(const char *key, const char *want)
{
    const char *v;
    size_t len;
    return args_find(key, &v, &len) && len == strlen(want) && strncmp(v, want, len) == 0;
}

void app_tlat(unsigned long hartid)
{
    uint64_t n = args_get_u64("n", 1000);
    uint64_t delta = args_get_u64("delta", 1000) * 10; /* us -> ticks */
    bool spin = arg_is("mode", "spin");
    bool csr = arg_is("timer", "csr");
    char tag[24];
    struct acc t = {0}, c = {0};

    (void)hartid;
    ksnprintf(tag, sizeof tag, "%s %s", spin ? "spin" : "wfi", csr ? "csr" : "sbi");
    /* rdcycle vs rdtime: catch a tick edge, read the cycle counter right after. */
    uint64_t t0 = rdtime(), t1;
    while ((t1 = rdtime()) == t0)
        ;
    int64_t offset = (int64_t)rdcycle() - (int64_t)(t1 * 100);
    kprintf("tlat: %s (%s): %lu samples, %lu us apart; rdcycle - rdtime*100 = %ld ns\n", tag, g_boot.env,
            (unsigned long)n, (unsigned long)(delta / 10), (long)offset);

    unsigned long old_sie = csr_read(sie);
    unsigned long old_stvec = csr_read(stvec);
    unsigned long old_scratch = csr_read(sscratch);
    csr_clear(sstatus, SSTATUS_SIE);
    csr_write(sie, 0);
    csr_write(stvec, (uintptr_t)tlat_vector);
    for (uint64_t i = 0; i < n; i++) {
        uint64_t target = rdtime() + delta;
        tlat_stamp_time = 0;
        if (csr)
            __asm__ volatile("csrw 0x14d, %0" ::"r"(target) : "memory"); /* stimecmp */
        else
            sbi_set_timer(target);
        csr_set(sie, SIE_STIE);
        csr_set(sstatus, SSTATUS_SIE);
        while (tlat_stamp_time == 0) {
            if (!spin)
                wfi();
        }
        csr_clear(sstatus, SSTATUS_SIE);
        acc_add(&t, ((int64_t)tlat_stamp_time - (int64_t)target) * 100);
        acc_add(&c, (int64_t)tlat_stamp_cycle - offset - (int64_t)(target * 100));
    }
    csr_write(stvec, old_stvec);
    csr_write(sscratch, old_scratch);
    if (csr)
        __asm__ volatile("csrw 0x14d, %0" ::"r"(~0UL) : "memory");
    else
        sbi_set_timer(~0UL);
    csr_write(sie, old_sie);
    csr_set(sstatus, SSTATUS_SIE);
    acc_print(tag, "time", &t);
    acc_print(tag, "cycle", &c);
    kprintf("tlat: done\n");
}
