/*
 * BareOS applications and the table that names them (app= in bootargs):
 *   demo   every hart prints "vcpu V tick N" each period= ms (default 500)
 *   spin   every hart busy-loops, printing a line every every= iterations
 *   reset  ticks each period= ms (default 200), then after= ticks (default
 *          5) asks SBI SRST for a cold reboot
 *   echo   echoes each line received on the UART
 *   hostile, hcall   see apps_probe.c
 *   ping, pong, msgbad, flood   messaging, see apps_msg.c
 * All waiting is timer interrupt + wfi.
 */
#include "bareos.h"
#include "kprintf.h"
#include "lib.h"
#include "msg.h"
#include "riscv.h"
#include "sbi.h"
#include "uart.h"

#define ECHO_LINE_MAX 128
#define ECHO_POLL_MS 5

static uint64_t period_ticks(uint64_t default_ms)
{
    uint64_t ms = args_get_u64("period", default_ms);
    return ms_to_ticks(ms != 0 ? ms : 1);
}

static void app_demo(unsigned long hartid)
{
    uint64_t period = period_ticks(500);
    uint64_t next = rdtime();

    for (uint64_t tick = 1;; tick++) {
        next += period;
        timer_sleep_until(next);
        kprintf("vcpu %lu tick %lu\n", hartid, (unsigned long)tick);
    }
}

static void app_spin(unsigned long hartid)
{
    uint64_t every = args_get_u64("every", 2000000);
    uint64_t count = 0;

    if (every == 0)
        every = 1;
    for (;;) {
        for (uint64_t i = 0; i < every; i++) {
            compiler_barrier();
            count++;
        }
        kprintf("spin vcpu %lu count %lu\n", hartid, (unsigned long)count);
    }
}

static void app_reset(unsigned long hartid)
{
    uint64_t period = period_ticks(200);
    uint64_t after = args_get_u64("after", 5);
    uint64_t next = rdtime();

    (void)hartid;
    for (uint64_t tick = 1; tick <= after; tick++) {
        next += period;
        timer_sleep_until(next);
        kprintf("reset: tick %lu\n", (unsigned long)tick);
    }
    kprintf("reset: requesting reset\n");
    long err = sbi_system_reset(SBI_SRST_COLD_REBOOT, 0);
    kprintf("reset: SBI system_reset failed: error %ld\n", err);
}

/* Adds c to the line; on end of line prints it. Returns the new length. */
static size_t echo_take(char *line, size_t len, char c, char *prev)
{
    char last = *prev;

    *prev = c;
    if (c == '\n' && last == '\r')
        return len; /* the \n of a \r\n pair */
    if (c == '\r' || c == '\n') {
        kprintf("echo: %.*s\n", (int)len, line);
        return 0;
    }
    if ((c == '\b' || c == 0x7f) && len > 0)
        return len - 1;
    if (c >= ' ' && c < 0x7f && len < ECHO_LINE_MAX)
        line[len++] = c;
    return len;
}

static void app_echo(unsigned long hartid)
{
    char line[ECHO_LINE_MAX];
    size_t len = 0;
    char prev = 0;

    (void)hartid;
    kprintf("echo: ready\n");
    for (;;) {
        int c = uart_getc();
        if (c < 0) {
            timer_sleep_ms(ECHO_POLL_MS);
            continue;
        }
        len = echo_take(line, len, (char)c, &prev);
    }
}

void app_tlat(unsigned long hartid); void app_uartlat(unsigned long hartid); /* tlat.c, uartlat.c */
static const struct app apps[] = {
    {"demo", true, app_demo},
    {"spin", true, app_spin},
    {"hostile", false, app_hostile},
    {"reset", false, app_reset},
    {"echo", false, app_echo},
    {"hcall", false, app_hcall},
    {"rtapp", false, app_rtapp},
    {"tlat", false, app_tlat},
    {"uartlat", false, app_uartlat},
    {"ping", false, app_ping},
    {"pong", false, app_pong},
    {"msgbad", false, app_msgbad},
    {"flood", false, app_flood},
};

const struct app *app_default(void)
{
    return &apps[0];
}

const struct app *app_find(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof apps / sizeof apps[0]; i++) {
        if (strlen(apps[i].name) == len && strncmp(apps[i].name, name, len) == 0)
            return &apps[i];
    }
    return NULL;
}
