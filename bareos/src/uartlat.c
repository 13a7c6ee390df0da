/*
 * uartlat: cost of one trapped, emulated MMIO access: times n reads of the
 * console UART's line status register (LSR).  Under vh each read traps to
 * the hypervisor, which decodes the load and emulates the virtual 16550;
 * natively it is QEMU's device model.  Also times, for comparison, op=sbi
 * (SBI BASE get_spec_version: OpenSBI natively, vh's SBI under vh) and
 * op=hcall (vh's null hypercall, under vh only).
 *
 * bootargs: app=uartlat n=1000 op=lsr,sbi,hcall (any subset, comma separated)
 * prints:   uartlat: lsr n 1000 total T ticks: avg A ns (I instructions at 8 ns)
 */
#include "bareos.h"
#include "kprintf.h"
#include "lib.h"
#include "riscv.h"
#include "sbi.h"
#include "uart.h"
#include "vhcall.h"

void app_uartlat(unsigned long hartid);

static bool op_wanted(const char *name)
{
    const char *v;
    size_t len, nlen = strlen(name);
    if (!args_find("op", &v, &len))
        return true;
    for (size_t i = 0; i < len;) {
        size_t j = i;
        while (j < len && v[j] != ',')
            j++;
        if (j - i == nlen && strncmp(v + i, name, nlen) == 0)
            return true;
        i = j + 1;
    }
    return false;
}

static void report(const char *op, uint64_t n, uint64_t ticks)
{
    uint64_t ns100 = ticks * 100 * 100 / n; /* hundredths of a ns per op */
    uint64_t ins10 = ticks * 100 * 10 / 8 / n;
    kprintf("uartlat: %s n %lu total %lu ticks: avg %lu.%02lu ns (%lu.%lu instructions at 8 ns)\n", op,
            (unsigned long)n, (unsigned long)ticks, (unsigned long)(ns100 / 100), (unsigned long)(ns100 % 100),
            (unsigned long)(ins10 / 10), (unsigned long)(ins10 % 10));
}

void app_uartlat(unsigned long hartid)
{
    uint64_t n = args_get_u64("n", 1000);
    uint64_t start, ticks;
    uint32_t sink = 0;

    (void)hartid;
    if (n == 0)
        n = 1;
    kprintf("uartlat: %s, %lu rounds\n", g_boot.env, (unsigned long)n);
    if (op_wanted("lsr")) {
        start = rdtime();
        for (uint64_t i = 0; i < n; i++)
            sink += *(volatile uint8_t *)(UART_BASE + 5);
        ticks = rdtime() - start;
        report("lsr", n, ticks);
    }
    if (op_wanted("sbi")) {
        start = rdtime();
        for (uint64_t i = 0; i < n; i++)
            sink += (uint32_t)sbi_ecall(0x10, 0, 0, 0, 0, 0, 0, 0).value; /* BASE get_spec_version */
        ticks = rdtime() - start;
        report("sbi", n, ticks);
    }
    if (op_wanted("hcall") && vh_present()) {
        start = rdtime();
        for (uint64_t i = 0; i < n; i++)
            sink += (uint32_t)vh_hc_null();
        ticks = rdtime() - start;
        report("hcall", n, ticks);
    }
    kprintf("uartlat: done (%u)\n", (unsigned)(sink & 1));
}
