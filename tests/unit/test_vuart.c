/* The virtual 16550 (hypervisor/core/vuart.c): register behaviour seen by
 * polled drivers, whole tagged lines out, input queue. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include <core/adu.h>
#include <core/console.h>

static char last_tag[32], last_line[256];
static int lines;

void console_line(int adu_id, const char *tag, const char *text, size_t len)
{
    (void)adu_id;
    snprintf(last_tag, sizeof last_tag, "%s", tag);
    snprintf(last_line, sizeof last_line, "%.*s", (int)len, text);
    lines++;
}

static struct vh_cfg_adu cfg = {.name = "ctl"};
static struct adu a;

static void setup(void)
{
    memset(&a, 0, sizeof a);
    a.cfg = &cfg;
    lines = 0;
}

TestSuite(vuart, .init = setup);

Test(vuart, lines_are_tagged_and_whole)
{
    const char *s = "hello\r\n";
    for (const char *p = s; *p; p++) {
        vuart_write(&a, 0, (uint8_t)*p);
    }
    cr_assert_eq(lines, 1);
    cr_assert_str_eq(last_tag, "ctl");
    cr_assert_str_eq(last_line, "hello");
}

Test(vuart, lsr_reports_transmitter_ready_and_data)
{
    cr_assert_eq(vuart_read(&a, 5) & 0x60, 0x60);
    cr_assert_eq(vuart_read(&a, 5) & 1, 0);
    cr_assert(vuart_rx_push(&a, 'x'));
    cr_assert_eq(vuart_read(&a, 5) & 1, 1);
    cr_assert_eq(vuart_read(&a, 0), 'x');
    cr_assert_eq(vuart_read(&a, 5) & 1, 0);
}

Test(vuart, divisor_latch_does_not_print)
{
    vuart_write(&a, 3, 0x80); /* DLAB */
    vuart_write(&a, 0, 0x01);
    vuart_write(&a, 1, 0x00);
    cr_assert_eq(vuart_read(&a, 0), 0x01);
    vuart_write(&a, 3, 0x03);
    vuart_write(&a, 0, '\n');
    cr_assert_eq(lines, 1);
    cr_assert_str_eq(last_line, "");
}

Test(vuart, long_lines_are_split_not_lost)
{
    for (int i = 0; i < VUART_LINE + 5; i++) {
        vuart_putc(&a, 'a');
    }
    cr_assert_eq(lines, 1);
    cr_assert_eq(strlen(last_line), VUART_LINE);
    vuart_flush(&a);
    cr_assert_eq(lines, 2);
    cr_assert_eq(strlen(last_line), 5);
}

Test(vuart, rx_queue_bounded)
{
    int n = 0;
    while (vuart_rx_push(&a, 'y')) {
        n++;
    }
    cr_assert_eq(n, VUART_RX - 1);
}
