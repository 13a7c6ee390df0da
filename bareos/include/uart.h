/*
 * Polling driver for the ns16550a console UART at 0x10000000.
 */
#ifndef BAREOS_UART_H
#define BAREOS_UART_H

#include <stddef.h>

#define UART_BASE 0x10000000UL

void uart_init(void);
void uart_putc(char c);
void uart_write(const char *s, size_t len);
/* Returns the next received byte, or -1 if none is waiting. */
int uart_getc(void);

#endif /* BAREOS_UART_H */
