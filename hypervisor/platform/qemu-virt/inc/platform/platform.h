/*
 * QEMU `virt` board: what the hypervisor needs to know about the machine.
 * A real board is another folder beside this one with the same header.
 */
#ifndef PLATFORM_PLATFORM_H
#define PLATFORM_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

#define PLATFORM_NAME "qemu-virt"
#define PLATFORM_UART_BASE 0x10000000UL
#define PLATFORM_TIMEBASE_HZ 10000000UL

/* Harts are numbered 0..N-1 and map 1:1 onto CPUs. */
static inline uint32_t platform_cpu_of_hart(unsigned long hart)
{
    return (uint32_t)hart;
}

static inline unsigned long platform_hart_of_cpu(uint32_t cpu)
{
    return cpu;
}

static inline uint64_t platform_ns_per_tick(void)
{
    return 1000000000UL / PLATFORM_TIMEBASE_HZ;
}

/*
 * True when the CPUs are emulated one after another (QEMU TCG round robin,
 * as with -icount), so the scheduler helps the emulator switch CPUs at RT
 * releases (see sched.c).  A real board returns false; on QEMU virt,
 * platform_init() finds out (emu.c).
 */
extern int qemu_virt_serialised;
static inline int platform_cpus_serialised(void)
{
    return qemu_virt_serialised;
}
/* Boot CPU, before the scheduler starts: learn what the board needs. */
void platform_init(void);

void platform_console_init(void);
void platform_console_putc(char c);
/* Write what the console UART takes without waiting (at most len bytes);
 * returns how many it took. */
size_t platform_console_write(const uint8_t *buf, size_t len);
/* A received byte, or -1 when none is waiting. */
int platform_console_getc(void);
/* Let the UART raise its receive interrupt. */
void platform_console_rx_enable(void);
/* Route the console UART's receive interrupt to `cpu` (and enable it). */
void platform_console_rx_irq(uint32_t cpu);
/* Claim / complete the pending external interrupt of `cpu` (0: none). */
uint32_t platform_irq_claim(uint32_t cpu);
void platform_irq_complete(uint32_t cpu, uint32_t irq);

#endif /* PLATFORM_PLATFORM_H */
