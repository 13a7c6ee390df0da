/*
 * Virtual 16550 UART, one per ADU: registers emulated on trapped accesses,
 * output collected into lines and written tagged with the ADU's name.
 */
#ifndef CORE_VUART_H
#define CORE_VUART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VUART_LINE 240
#define VUART_RX 64

struct vuart {
    uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
    char line[VUART_LINE];
    uint32_t len;
    uint8_t rx[VUART_RX];
    volatile uint32_t rx_head, rx_tail;
};

struct adu;

/* Emulate a read of register `off` (0..7). */
uint8_t vuart_read(struct adu *a, uint32_t off);
/* Emulate a write of `val` to register `off`. */
void vuart_write(struct adu *a, uint32_t off, uint8_t val);
/* Guest output through SBI DBCN/legacy console. */
void vuart_putc(struct adu *a, char ch);
/* Write n bytes from a guest's console call (callers bound n: the work is
 * done with the ADU's lock held). */
#define VUART_PUTS_MAX 64
void vuart_puts(struct adu *a, const char *p, size_t n);
/* Flush a partial line (at stop/reset). */
void vuart_flush(struct adu *a);
/* Queue input for the ADU; false when its buffer is full. */
bool vuart_rx_push(struct adu *a, uint8_t ch);

#endif /* CORE_VUART_H */
