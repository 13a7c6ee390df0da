/*
 * BareOS applications that probe their environment:
 *   hostile  loads a word from addr= (default: the first byte past the end
 *            of its RAM per the DTB), then from addr2= if given, and reports
 *            whether it could.  Under vh the load must fault in the
 *            hypervisor, which stops this guest; natively the fault arrives
 *            here and is reported.
 *   hcall    times 1000 null hypercalls with rdtime (only under vh).
 */
#include "bareos.h"
#include "kprintf.h"
#include "riscv.h"
#include "vhcall.h"

#define HCALL_ROUNDS 1000u

static void hostile_read(uint64_t addr)
{
    uint64_t value = 0, cause = 0, tval = 0;

    kprintf("hostile: reading 0x%lx\n", (unsigned long)addr);
    if (probe_load64(addr, &value, &cause, &tval))
        kprintf("hostile: read 0x%lx - isolation broken\n", (unsigned long)value);
    else
        kprintf("hostile: load faulted: scause %lu stval 0x%lx\n",
                (unsigned long)cause, (unsigned long)tval);
}

void app_hostile(unsigned long hartid)
{
    const char *val;
    size_t len;
    uint64_t ram_end = g_boot.fdt.mem_base + g_boot.fdt.mem_size;

    (void)hartid;
    hostile_read(args_get_hex("addr", ram_end));
    if (args_find("addr2", &val, &len))
        hostile_read(args_get_hex("addr2", 0));
    hart_halt(); /* idle: wfi with interrupts off */
}

void app_hcall(unsigned long hartid)
{
    uint64_t start, elapsed;
    long err = 0;

    (void)hartid;
    if (!vh_present()) {
        kprintf("hcall: not under vh\n");
        return;
    }
    start = rdtime();
    for (unsigned int i = 0; i < HCALL_ROUNDS && err == 0; i++)
        err = vh_hc_null();
    elapsed = rdtime() - start;
    if (err != 0) {
        kprintf("hcall: null failed: %s\n", vh_strerror(err));
        return;
    }
    kprintf("hcall: null round trip avg %lu ticks (%u calls)\n",
            (unsigned long)(elapsed / HCALL_ROUNDS), HCALL_ROUNDS);
}
