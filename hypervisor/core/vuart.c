/*
 * Virtual 16550: enough of the register file for polled drivers (BareOS,
 * U-Boot, early Linux consoles).  Output is gathered into lines and
 * written tagged with the ADU's name; input comes from the console router.
 * Each ADU's vuart is touched only by that ADU's VCPUs, under adu->lock
 * for output so lines of its VCPUs stay whole.
 */
#include <core/adu.h>
#include <core/console.h>
#include <core/lib.h>
#include <core/vuart.h>

#define LSR_DR 0x01
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define LCR_DLAB 0x80

void vuart_flush(struct adu *a)
{
    struct vuart *u = &a->vuart;
    if (u->len != 0) {
        console_line((int)a->id, a->cfg->name, u->line, u->len);
        u->len = 0;
    }
}

void vuart_putc(struct adu *a, char ch)
{
    vuart_puts(a, &ch, 1);
}

void vuart_puts(struct adu *a, const char *p, size_t n)
{
    struct vuart *u = &a->vuart;
    spin_lock(&a->lock);
    for (size_t i = 0; i < n; i++) {
        char ch = p[i];
        if (ch == '\n') {
            console_line((int)a->id, a->cfg->name, u->line, u->len);
            u->len = 0;
        } else if (ch != '\r') {
            u->line[u->len++] = ch;
            if (u->len == VUART_LINE) {
                vuart_flush(a);
            }
        }
    }
    spin_unlock(&a->lock);
}

bool vuart_rx_push(struct adu *a, uint8_t ch)
{
    struct vuart *u = &a->vuart;
    uint32_t next = (u->rx_head + 1) % VUART_RX;
    if (next == u->rx_tail) {
        return false;
    }
    u->rx[u->rx_head] = ch;
    u->rx_head = next;
    return true;
}

static uint8_t rx_pop(struct vuart *u)
{
    if (u->rx_tail == u->rx_head) {
        return 0;
    }
    uint8_t ch = u->rx[u->rx_tail];
    u->rx_tail = (u->rx_tail + 1) % VUART_RX;
    return ch;
}

uint8_t vuart_read(struct adu *a, uint32_t off)
{
    struct vuart *u = &a->vuart;
    bool dlab = (u->lcr & LCR_DLAB) != 0;
    switch (off) {
    case 0:
        return dlab ? u->dll : rx_pop(u);
    case 1:
        return dlab ? u->dlm : u->ier;
    case 2:
        return (uint8_t)(0x01 | ((u->fcr & 1) ? 0xc0 : 0)); /* no interrupt pending */
    case 3:
        return u->lcr;
    case 4:
        return u->mcr;
    case 5:
        return (uint8_t)(LSR_THRE | LSR_TEMT | (u->rx_tail != u->rx_head ? LSR_DR : 0));
    case 6:
        return 0xb0; /* DCD, DSR, CTS */
    default:
        return u->scr;
    }
}

void vuart_write(struct adu *a, uint32_t off, uint8_t val)
{
    struct vuart *u = &a->vuart;
    bool dlab = (u->lcr & LCR_DLAB) != 0;
    switch (off) {
    case 0:
        if (dlab) {
            u->dll = val;
        } else {
            vuart_putc(a, (char)val);
        }
        break;
    case 1:
        if (dlab) {
            u->dlm = val;
        } else {
            u->ier = val & 0x0f;
        }
        break;
    case 2:
        u->fcr = val;
        break;
    case 3:
        u->lcr = val;
        break;
    case 4:
        u->mcr = val;
        break;
    case 7:
        u->scr = val;
        break;
    default:
        break; /* LSR/MSR are read-only */
    }
}
