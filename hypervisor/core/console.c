/*
 * Physical console output: whole tagged lines under one lock, so output of
 * different ADUs and of the hypervisor never interleaves inside a line.
 * The control-channel layer replaces the raw writer with framed channels.
 */
#include <arch/spinlock.h>
#include <core/arch.h>
#include <core/console.h>
#include <core/cpu.h>
#include <core/lib.h>
#include <platform/platform.h>

static spinlock_t console_lock = SPINLOCK_INIT;

static void raw_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        platform_console_putc(s[i]);
    }
}

void console_line(const char *tag, const char *text, size_t len)
{
    spin_lock(&console_lock);
    platform_console_putc('[');
    raw_write(tag, strlen(tag));
    platform_console_putc(']');
    platform_console_putc(' ');
    raw_write(text, len);
    platform_console_putc('\r');
    platform_console_putc('\n');
    spin_unlock(&console_lock);
}

void vh_log(const char *fmt, ...)
{
    char buf[192];
    va_list ap;
    va_start(ap, fmt);
    int n = vh_vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    console_line("vh", buf, MIN((size_t)n, sizeof buf - 1));
}

__attribute__((noreturn)) void vh_panic(const char *fmt, ...)
{
    char buf[192];
    va_list ap;
    va_start(ap, fmt);
    int n = vh_vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char line[240];
    int m = vh_snprintf(line, sizeof line, "PANIC on cpu %u: %s", this_cpu()->id, buf);
    (void)n;
    console_line("vh", line, MIN((size_t)m, sizeof line - 1));
    arch_halt();
}
