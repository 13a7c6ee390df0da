/*
 * Boot: the first hart sets up the CPUs, the ADUs from the scenario, then
 * starts the other harts; every CPU then enters the scheduler.
 */
#include <core/adu.h>
#include <core/arch.h>
#include <core/console.h>
#include <core/cpu.h>
#include <core/lib.h>
#include <core/fdt.h>
#include <core/mgmt.h>
#include <core/rt.h>
#include <core/sched.h>
#include <core/trace.h>
#include <platform/platform.h>

extern const struct vh_cfg vh_cfg;
extern uint64_t vh_boot_time;

struct cpu cpus[VH_MAX_CPUS];
uint32_t cpu_count;

void boot_main(unsigned long hartid, unsigned long dtb);
void secondary_main(unsigned long hartid);

static struct cpu *cpu_setup(uint32_t id, uint64_t stack_top)
{
    struct cpu *c = &cpus[id];
    c->id = id;
    c->stack_top = stack_top;
    c->sleep_min = UINT64_MAX;
    c->t_kind = CPU_T_HV;
    c->t_mark = arch_time_now();
    arch_cpu_init(c);
    c->online = 1;
    return c;
}

static uint64_t current_sp(void)
{
    uint64_t sp;
    __asm__ volatile("mv %0, sp" : "=r"(sp));
    return sp;
}

/* Stack tops are 16 KiB aligned: round the live sp up. */
static uint64_t stack_top_of_sp(void)
{
    return (current_sp() + 0x3fff) & ~0x3fffULL;
}

/*
 * A boot id that differs on every boot, so hosts notice resets: the
 * board's random seed from the device tree (QEMU fills /chosen/rng-seed,
 * even under -icount), mixed with the time.
 */
static uint64_t make_boot_id(unsigned long dtb)
{
    uint64_t id = 0x9e3779b97f4a7c15ULL ^ arch_time_now();
    uint32_t len = 0;
    const uint8_t *seed = fdt_top_prop((const void *)dtb, "chosen", "rng-seed", &len);
    for (uint32_t i = 0; seed != NULL && i < len; i++) {
        id = (id ^ seed[i]) * 0x100000001b3ULL;
    }
    return id;
}

void boot_main(unsigned long hartid, unsigned long dtb)
{
    uint32_t self = platform_cpu_of_hart(hartid);
    struct cpu *c = cpu_setup(self, stack_top_of_sp());
    platform_console_init();
    platform_init();
    vh_log("vh %s: scenario '%s', %u CPU(s), %u ADU(s), quantum %lu us%s", VH_VERSION,
           vh_cfg.name, vh_cfg.ncpus, vh_cfg.nadus, vh_cfg.quantum_ns / 1000,
           platform_cpus_serialised() && vh_cfg.ncpus > 1 ? " (CPUs emulated one after another)"
                                                           : "");
    if (self >= vh_cfg.ncpus) {
        vh_panic("booted on hart %lu, but the scenario has only %u CPU(s)", hartid, vh_cfg.ncpus);
    }
    cpu_count = vh_cfg.ncpus;
    vh_boot_time = arch_time_now();
    mgmt_init(make_boot_id(dtb));
    sched_init(vh_cfg.quantum_ns / platform_ns_per_tick(), platform_ns_per_tick(),
               vh_cfg.timer_advance_ns);
    trace_init(vh_cfg.trace, vh_cfg.trace_late_ns);
    rt_init();
    adu_init_all();
    for (uint32_t i = 0; i < cpu_count; i++) {
        if (i != self && arch_cpu_start(i) != 0) {
            vh_panic("cannot start CPU %u: the scenario wants %u CPUs (run QEMU with -smp %u)", i,
                     cpu_count, cpu_count);
        }
    }
    sched_idle(c);
}

void secondary_main(unsigned long hartid)
{
    struct cpu *c = cpu_setup(platform_cpu_of_hart(hartid), stack_top_of_sp());
    mgmt_cpu_online(c);
    sched_idle(c);
}
