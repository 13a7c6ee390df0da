/*
 * Each ADU's device tree, as its guest sees the machine (vhs_adu_dtb).
 *
 * The tree mirrors what the hypervisor emulates for that ADU: its RAM at
 * VH_GUEST_RAM_GPA, one CPU per BE-VCPU (each with its local interrupt
 * controller), the 16550 UART if the ADU owns `uart`, and the sifive_test
 * device with syscon reboot/poweroff nodes if it owns `reset`.  phandles:
 * CPU N's interrupt controller is N + 1, the test device follows them.
 */
#include <stdlib.h>

#include "fdt.h"
#include "scen_internal.h"

#define TIMEBASE_HZ 10000000u
#define UART_CLOCK_HZ 3686400u

static void reg64(struct fdt *f, uint64_t base, uint64_t size)
{
    uint32_t cells[4] = {(uint32_t)(base >> 32), (uint32_t)base,
                         (uint32_t)(size >> 32), (uint32_t)size};

    fdt_prop_cells(f, "reg", cells, 4);
}

static void dtb_root_props(struct fdt *f, const struct vhs_scenario *s,
                           const struct vh_cfg_adu *c)
{
    char model[2 * VH_NAME_LEN + 8];

    snprintf(model, sizeof(model), "vh,%s-%s", s->cfg.name, c->name);
    fdt_prop_u32(f, "#address-cells", 2);
    fdt_prop_u32(f, "#size-cells", 2);
    fdt_prop_str(f, "compatible", "riscv-virtio");
    fdt_prop_str(f, "model", model);
}

static void dtb_chosen(struct fdt *f, const struct vhs_adu *a)
{
    fdt_begin_node(f, "chosen");
    if (a->bootargs)
        fdt_prop_str(f, "bootargs", a->bootargs);
    if (a->cfg->devices & VH_DEV(UART))
        fdt_prop_str(f, "stdout-path", "/soc/serial@10000000");
    fdt_end_node(f);
}

static void dtb_memory(struct fdt *f, const struct vh_cfg_adu *c)
{
    fdt_begin_node(f, "memory@80000000");
    fdt_prop_str(f, "device_type", "memory");
    reg64(f, VH_GUEST_RAM_GPA, c->ram_size);
    fdt_end_node(f);
}

static void dtb_cpu(struct fdt *f, unsigned n)
{
    char name[16];

    snprintf(name, sizeof(name), "cpu@%u", n);
    fdt_begin_node(f, name);
    fdt_prop_str(f, "device_type", "cpu");
    fdt_prop_u32(f, "reg", n);
    fdt_prop_str(f, "status", "okay");
    fdt_prop_str(f, "compatible", "riscv");
    fdt_prop_str(f, "riscv,isa", "rv64imafdc");
    fdt_prop_str(f, "mmu-type", "riscv,sv39");
    fdt_begin_node(f, "interrupt-controller");
    fdt_prop_u32(f, "#interrupt-cells", 1);
    fdt_prop_empty(f, "interrupt-controller");
    fdt_prop_str(f, "compatible", "riscv,cpu-intc");
    fdt_prop_u32(f, "phandle", n + 1);
    fdt_end_node(f);
    fdt_end_node(f);
}

static void dtb_cpus(struct fdt *f, const struct vh_cfg_adu *c)
{
    fdt_begin_node(f, "cpus");
    fdt_prop_u32(f, "#address-cells", 1);
    fdt_prop_u32(f, "#size-cells", 0);
    fdt_prop_u32(f, "timebase-frequency", TIMEBASE_HZ);
    for (unsigned n = 0; n < c->n_be_vcpus; n++)
        dtb_cpu(f, n);
    fdt_end_node(f);
}

static void dtb_soc(struct fdt *f, const struct vh_cfg_adu *c, uint32_t test_ph)
{
    static const char *const test_compat[] = {"sifive,test1", "sifive,test0",
                                              "syscon"};

    fdt_begin_node(f, "soc");
    fdt_prop_u32(f, "#address-cells", 2);
    fdt_prop_u32(f, "#size-cells", 2);
    fdt_prop_str(f, "compatible", "simple-bus");
    fdt_prop_empty(f, "ranges");
    if (c->devices & VH_DEV(UART)) {
        fdt_begin_node(f, "serial@10000000");
        fdt_prop_str(f, "compatible", "ns16550a");
        reg64(f, VH_GUEST_UART_GPA, VH_GUEST_UART_SIZE);
        fdt_prop_u32(f, "clock-frequency", UART_CLOCK_HZ);
        fdt_end_node(f);
    }
    if (c->devices & VH_DEV(RESET)) {
        fdt_begin_node(f, "test@100000");
        fdt_prop_strs(f, "compatible", test_compat, 3);
        reg64(f, VH_GUEST_TEST_GPA, VH_GUEST_TEST_SIZE);
        fdt_prop_u32(f, "phandle", test_ph);
        fdt_end_node(f);
    }
    fdt_end_node(f);
}

/* /reboot or /poweroff: a syscon write of `value` to the test device. */
static void dtb_syscon(struct fdt *f, const char *node, const char *compat,
                       uint32_t test_ph, uint32_t value)
{
    fdt_begin_node(f, node);
    fdt_prop_str(f, "compatible", compat);
    fdt_prop_u32(f, "regmap", test_ph);
    fdt_prop_u32(f, "offset", 0);
    fdt_prop_u32(f, "value", value);
    fdt_end_node(f);
}

int vhs_adu_dtb(const struct vhs_scenario *s, unsigned idx, uint8_t **blob,
                size_t *len)
{
    const struct vhs_adu *a = &s->adu[idx];
    const struct vh_cfg_adu *c = a->cfg;
    uint32_t test_ph = c->n_be_vcpus + 1;
    struct fdt f;

    fdt_init(&f);
    fdt_begin_node(&f, "");
    dtb_root_props(&f, s, c);
    dtb_chosen(&f, a);
    dtb_memory(&f, c);
    dtb_cpus(&f, c);
    dtb_soc(&f, c, test_ph);
    if (c->devices & VH_DEV(RESET)) {
        dtb_syscon(&f, "reboot", "syscon-reboot", test_ph, 0x7777);
        dtb_syscon(&f, "poweroff", "syscon-poweroff", test_ph, 0x5555);
    }
    fdt_end_node(&f);
    return fdt_finish(&f, blob, len);
}
