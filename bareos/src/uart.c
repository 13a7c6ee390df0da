/*
 * Polling ns16550a driver for the console UART at UART_BASE: transmit waits
 * for LSR.THRE, receive checks LSR.DR.  No interrupts are used.  Natively
 * the firmware has already set the line parameters; under vh the UART is
 * emulated and needs none.
 */
#include <stdint.h>

#include "uart.h"

#define UART_RBR 0 /* receive buffer (read)     */
#define UART_THR 0 /* transmit holding (write)  */
#define UART_IER 1 /* interrupt enable          */
#define UART_LSR 5 /* line status               */

#define LSR_DR 0x01u   /* data ready                 */
#define LSR_THRE 0x20u /* transmit holding register empty */

static inline uint8_t uart_read_reg(unsigned int reg)
{
    return *(volatile uint8_t *)(UART_BASE + reg);
}

static inline void uart_write_reg(unsigned int reg, uint8_t val)
{
    *(volatile uint8_t *)(UART_BASE + reg) = val;
}

void uart_init(void)
{
    uart_write_reg(UART_IER, 0);
}

void uart_putc(char c)
{
    while ((uart_read_reg(UART_LSR) & LSR_THRE) == 0)
        ;
    uart_write_reg(UART_THR, (uint8_t)c);
}

void uart_write(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n')
            uart_putc('\r');
        uart_putc(s[i]);
    }
}

int uart_getc(void)
{
    if ((uart_read_reg(UART_LSR) & LSR_DR) == 0)
        return -1;
    return uart_read_reg(UART_RBR);
}
