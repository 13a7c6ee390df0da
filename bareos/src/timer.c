/*
 * BareOS timers: one-shot deadlines through SBI TIME set_timer, waited for
 * with wfi.  The interrupt handler masks STIE and flags the hart; the next
 * set_timer call clears the pending bit.  The wait loop checks the flag
 * with interrupts masked and then executes wfi, which still wakes on a
 * pending interrupt, so a wake-up can never be lost.
 */
#include "bareos.h"
#include "riscv.h"
#include "sbi.h"

static volatile uint32_t timer_fired[BAREOS_MAX_HARTS];

void timer_interrupt(void)
{
    csr_clear(sie, SIE_STIE);
    timer_fired[hart_id()] = 1;
}

uint64_t ms_to_ticks(uint64_t ms)
{
    uint64_t hz = g_boot.fdt.timebase_hz ? g_boot.fdt.timebase_hz : 10000000u;
    return ms * (hz / 1000u);
}

void timer_sleep_until(uint64_t deadline)
{
    unsigned long hart = hart_id();

    timer_fired[hart] = 0;
    sbi_set_timer(deadline);
    csr_set(sie, SIE_STIE);
    for (;;) {
        csr_clear(sstatus, SSTATUS_SIE);
        if (timer_fired[hart])
            break;
        wfi();
        csr_set(sstatus, SSTATUS_SIE); /* the pending interrupt is taken here */
    }
    csr_set(sstatus, SSTATUS_SIE);
}

void timer_sleep_ms(uint64_t ms)
{
    timer_sleep_until(rdtime() + ms_to_ticks(ms));
}
