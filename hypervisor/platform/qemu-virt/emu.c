/*
 * How QEMU runs this board's CPUs (platform_cpus_serialised()).
 *
 * With -icount QEMU runs all CPUs in one thread, one after another (its
 * round robin), and counts time in instructions: a CPU's release waits
 * while another CPU is emulated, and the scheduler helps (sched.c).
 * Without -icount (`make demo`, the vhtop tests) each CPU has a host
 * thread and they run in parallel, timed by the host clock; the round-robin
 * helps would only park CPUs and delay the management agent there.
 *
 * Under -icount the cycle counter counts the same virtual nanoseconds as
 * the time base (one tick = platform_ns_per_tick() of them, exactly);
 * without it, it counts the host's cycles, which do not keep that step.
 */
#include <core/arch.h>
#include <platform/platform.h>

int qemu_virt_serialised = 1;

#define PROBE_TICKS 1000 /* 100 us of the 10 MHz time base */
#define SLACK_NS 200     /* the two counters are read apart */

void platform_init(void)
{
    uint64_t t0 = arch_time_now(), c0 = arch_cycles(), t1;
    while ((t1 = arch_time_now()) - t0 < PROBE_TICKS) {
    }
    uint64_t ns = (t1 - t0) * platform_ns_per_tick(), cycles = arch_cycles() - c0;
    qemu_virt_serialised = cycles + SLACK_NS >= ns && cycles <= ns + SLACK_NS;
}
