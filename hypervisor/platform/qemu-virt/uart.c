/* The board's ns16550a console UART, polled. */
#include <platform/platform.h>

#define REG(off) ((volatile uint8_t *)(PLATFORM_UART_BASE + (off)))
#define RBR 0
#define THR 0
#define IER 1
#define FCR 2
#define LCR 3
#define LSR 5
#define LSR_DR 0x01
#define LSR_THRE 0x20

void platform_console_init(void)
{
    *REG(IER) = 0;
    *REG(LCR) = 0x03; /* 8N1 */
    *REG(FCR) = 0x07; /* FIFOs on, cleared */
}

void platform_console_rx_enable(void)
{
    *REG(4) = 0x0b;   /* MCR: DTR, RTS, OUT2 (interrupt line) */
    *REG(IER) = 0x01; /* received data available */
}

void platform_console_putc(char c)
{
    while ((*REG(LSR) & LSR_THRE) == 0) {
    }
    *REG(THR) = (uint8_t)c;
}

#define TX_FIFO 16
size_t platform_console_write(const uint8_t *buf, size_t len)
{
    size_t n = 0;
    /* THRE: the transmit FIFO is empty, so it takes 16 bytes now. */
    while (n < len && (*REG(LSR) & LSR_THRE) != 0) {
        size_t end = n + (len - n < TX_FIFO ? len - n : TX_FIFO);
        while (n < end) {
            *REG(THR) = buf[n++];
        }
    }
    return n;
}

int platform_console_getc(void)
{
    if ((*REG(LSR) & LSR_DR) == 0) {
        return -1;
    }
    return *REG(RBR);
}
