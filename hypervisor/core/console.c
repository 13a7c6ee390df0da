/*
 * Console output.  Lines of the hypervisor and of each ADU go through the
 * management agent (core/mgmt.c), which queues them and writes them from
 * the management CPU as plain tagged text ("[ctl] line") until a host says
 * hello and as framed channels after; either way a line is written whole,
 * never interleaved with another.
 * Before the agent is up (early boot) and on panic, lines go out raw.
 * Lock order: the management lock is a leaf; nothing is taken under it.
 */
#include <arch/spinlock.h>
#include <core/arch.h>
#include <core/console.h>
#include <core/cpu.h>
#include <core/lib.h>
#include <core/mgmt.h>
#include <platform/platform.h>

static spinlock_t raw_lock = SPINLOCK_INIT;

void console_raw(const uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        platform_console_putc((char)buf[i]);
    }
}

static void raw_line(const char *tag, const char *text, size_t len)
{
    spin_lock(&raw_lock);
    platform_console_putc('[');
    console_raw((const uint8_t *)tag, strlen(tag));
    console_raw((const uint8_t *)"] ", 2);
    console_raw((const uint8_t *)text, len);
    console_raw((const uint8_t *)"\r\n", 2);
    spin_unlock(&raw_lock);
}

void console_line(int adu_id, const char *tag, const char *text, size_t len)
{
    if (!mgmt_console_line(adu_id, tag, text, len)) {
        raw_line(tag, text, len);
    }
}

void vh_log(const char *fmt, ...)
{
    char buf[192];
    va_list ap;
    va_start(ap, fmt);
    int n = vh_vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    console_line(-1, "vh", buf, MIN((size_t)n, sizeof buf - 1));
}

__attribute__((noreturn)) void vh_panic(const char *fmt, ...)
{
    char buf[192];
    va_list ap;
    va_start(ap, fmt);
    vh_vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char line[240];
    int m = vh_snprintf(line, sizeof line, "PANIC on cpu %u: %s", this_cpu()->id, buf);
    mgmt_panic_flush();
    raw_line("vh", line, MIN((size_t)m, sizeof line - 1)); /* not through the agent: it may be what broke */
    arch_halt();
}
