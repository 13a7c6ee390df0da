/*
 * BareOS boot: the boot hart reads the DTB, picks the application named by
 * app= in the bootargs (default demo), prints the banner, starts the other
 * harts through SBI HSM if the application wants them, and runs it.  The
 * other harts arrive in secondary_main and run the same application, or
 * stop if it is a single-hart one.
 */
#include "bareos.h"
#include "kprintf.h"
#include "lib.h"
#include "riscv.h"
#include "sbi.h"
#include "uart.h"
#include "vhcall.h"

struct boot_info g_boot;
static const struct app *current_app;

static void set_env_name(void)
{
    struct vh_info info;
    char name[sizeof info.adu_name + 1];

    g_boot.under_vh = vh_present();
    if (!g_boot.under_vh) {
        ksnprintf(g_boot.env, sizeof g_boot.env, "native");
        return;
    }
    memset(&info, 0, sizeof info);
    if (vh_hc_info(&info) != 0) {
        ksnprintf(g_boot.env, sizeof g_boot.env, "vh:?");
        return;
    }
    memcpy(name, info.adu_name, sizeof info.adu_name);
    name[sizeof info.adu_name] = '\0';
    ksnprintf(g_boot.env, sizeof g_boot.env, "vh:%s", name);
}

static void read_dtb(unsigned long hartid, unsigned long dtb)
{
    if (!fdt_parse((const void *)(uintptr_t)dtb, &g_boot.fdt)) {
        kprintf("BareOS: no valid DTB at 0x%lx, assuming one cpu\n", dtb);
        memset(&g_boot.fdt, 0, sizeof g_boot.fdt);
    }
    if (g_boot.fdt.ncpus == 0) {
        g_boot.fdt.ncpus = 1;
        g_boot.fdt.hartids[0] = hartid;
    }
    if (g_boot.fdt.timebase_hz == 0)
        g_boot.fdt.timebase_hz = 10000000u;
}

static const struct app *choose_app(void)
{
    const char *name;
    size_t len;
    const struct app *a;

    if (!args_find("app", &name, &len))
        return app_default();
    a = app_find(name, len);
    if (a == NULL) {
        kprintf("BareOS: unknown app '%.*s', running %s\n", (int)len, name,
                app_default()->name);
        a = app_default();
    }
    return a;
}

static void start_other_harts(unsigned long self)
{
    uint32_t n = g_boot.fdt.ncpus < FDT_MAX_CPUS ? g_boot.fdt.ncpus : FDT_MAX_CPUS;

    for (uint32_t i = 0; i < n; i++) {
        unsigned long id = (unsigned long)g_boot.fdt.hartids[i];
        if (id == self)
            continue;
        long err = sbi_hart_start(id, (unsigned long)(uintptr_t)secondary_entry, 0);
        if (err != 0 && err != SBI_ERR_ALREADY_AVAILABLE)
            kprintf("BareOS: hart_start(%lu) failed: %ld\n", id, err);
    }
}

void boot_main(unsigned long hartid, unsigned long dtb)
{
    uart_init();
    g_boot.boot_hart = hartid;
    read_dtb(hartid, dtb);
    args_init(g_boot.fdt.bootargs);
    set_env_name();
    current_app = choose_app();

    kprintf("BareOS: app=%s hart=%lu cpus=%u env=%s\n", current_app->name,
            hartid, g_boot.fdt.ncpus, g_boot.env);

    __atomic_store_n(&boot_done, 1u, __ATOMIC_RELEASE);
    if (current_app->all_harts)
        start_other_harts(hartid);
    current_app->run(hartid);
    hart_halt();
}

void secondary_main(unsigned long hartid)
{
    if (current_app == NULL || !current_app->all_harts)
        hart_halt();
    current_app->run(hartid);
    hart_halt();
}
