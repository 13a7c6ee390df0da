/*
 * BareOS core: boot information shared by all harts, traps and timers,
 * bootargs, and the application table.
 */
#ifndef BAREOS_H
#define BAREOS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bareos_config.h"
#include "fdt.h"

/* Filled by the boot hart before any other hart runs C code. */
struct boot_info {
    struct fdt_info fdt;
    unsigned long boot_hart;
    bool under_vh;
    char env[24]; /* "native" or "vh:NAME" */
};
extern struct boot_info g_boot;

/* Entry points (start.S). */
void secondary_entry(void);
void boot_main(unsigned long hartid, unsigned long dtb);
void secondary_main(unsigned long hartid);
extern volatile uint32_t boot_done;

/* Traps (trap.c). */
struct trap_frame {
    uint64_t regs[32];
    uint64_t sepc;
    uint64_t sstatus;
};
void trap_handler(struct trap_frame *tf);
void timer_interrupt(void);
/*
 * Load a 64-bit word from addr; a fault is caught.  Returns true and sets
 * *value if the load worked, otherwise false with *cause and *tval set.
 */
bool probe_load64(uint64_t addr, uint64_t *value, uint64_t *cause,
                  uint64_t *tval);
/* Stop this hart for good (interrupts off, wfi forever). */
__attribute__((noreturn)) void hart_halt(void);

/* Timer (timer.c): all sleeping is timer interrupt + wfi. */
uint64_t ms_to_ticks(uint64_t ms);
void timer_sleep_until(uint64_t deadline);
void timer_sleep_ms(uint64_t ms);

/* Bootargs (args.c): space separated key=value words. */
void args_init(const char *bootargs);
/* Points *val at the value of key (not NUL-terminated); false if absent. */
bool args_find(const char *key, const char **val, size_t *len);
uint64_t args_get_u64(const char *key, uint64_t def); /* decimal or 0x.. */
uint64_t args_get_hex(const char *key, uint64_t def); /* hex, 0x optional */

/* Applications (apps.c, apps_probe.c). */
struct app {
    const char *name;
    bool all_harts; /* the boot hart starts every DTB cpu to run it */
    void (*run)(unsigned long hartid);
};
const struct app *app_find(const char *name, size_t len);
const struct app *app_default(void);
void app_hostile(unsigned long hartid);
void app_hcall(unsigned long hartid);
void app_rtapp(unsigned long hartid);

#endif /* BAREOS_H */
