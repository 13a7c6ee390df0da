/*
 * The board's PLIC, used only for the console UART's receive interrupt,
 * routed to one CPU's supervisor context (context 2*hart+1 on virt).
 */
#include <platform/platform.h>

#define PLIC_BASE 0x0c000000UL
#define PLIC_PRIO(irq) ((volatile uint32_t *)(PLIC_BASE + 4UL * (irq)))
#define PLIC_ENABLE(ctx) ((volatile uint32_t *)(PLIC_BASE + 0x2000UL + 0x80UL * (ctx)))
#define PLIC_THRESHOLD(ctx) ((volatile uint32_t *)(PLIC_BASE + 0x200000UL + 0x1000UL * (ctx)))
#define PLIC_CLAIM(ctx) ((volatile uint32_t *)(PLIC_BASE + 0x200004UL + 0x1000UL * (ctx)))
#define UART_IRQ 10u

static unsigned long s_context(uint32_t cpu)
{
    return 2UL * platform_hart_of_cpu(cpu) + 1;
}

void platform_console_rx_irq(uint32_t cpu)
{
    unsigned long ctx = s_context(cpu);
    *PLIC_PRIO(UART_IRQ) = 1;
    PLIC_ENABLE(ctx)[UART_IRQ / 32] |= 1u << (UART_IRQ % 32);
    *PLIC_THRESHOLD(ctx) = 0;
    platform_console_rx_enable();
}

uint32_t platform_irq_claim(uint32_t cpu)
{
    return *PLIC_CLAIM(s_context(cpu));
}

void platform_irq_complete(uint32_t cpu, uint32_t irq)
{
    if (irq != 0) {
        *PLIC_CLAIM(s_context(cpu)) = irq;
    }
}
