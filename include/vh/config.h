/*
 * vh scenario configuration as the hypervisor sees it.
 *
 * A scenario is written as text (scenarios/NAME.vhs) and checked at build
 * time by the host tool vhcfg, which emits a C file defining
 * `const struct vh_cfg vh_cfg` plus the guest images and device trees it
 * embeds.  The hypervisor trusts this struct: every check (overlaps, sizes,
 * reservations, device names) happens in vhcfg, where an error can name the
 * ADU and field.  Shared by the hypervisor (target) and vhcfg/vhd (host).
 */
#ifndef VH_CONFIG_H
#define VH_CONFIG_H

#include <stdint.h>

#define VH_MAX_CPUS 8
#define VH_MAX_ADUS 8
#define VH_MAX_BE_VCPUS 8 /* per ADU */
#define VH_NAME_LEN 16

/* Guest physical layout every ADU sees (the QEMU virt board's). */
#define VH_GUEST_RAM_GPA 0x80000000ULL
#define VH_GUEST_IMAGE_OFFSET 0x200000ULL /* image at RAM + 2 MiB, as OpenSBI does */
#define VH_GUEST_UART_GPA 0x10000000ULL
#define VH_GUEST_UART_SIZE 0x100ULL
#define VH_GUEST_TEST_GPA 0x100000ULL /* sifive_test: reset/poweroff */
#define VH_GUEST_TEST_SIZE 0x1000ULL

/* Devices an ADU may own (scenario key `devices`). */
#define VH_DEVICE_MAP(X)                                                         \
    X(UART, "uart", "16550 console, emulated per ADU")                           \
    X(RESET, "reset", "sifive_test reset/poweroff of this ADU only")

enum vh_device_bit {
#define VH__DEV_BIT(id, name, text) VH_DEVB_##id,
    VH_DEVICE_MAP(VH__DEV_BIT)
#undef VH__DEV_BIT
    VH_DEVB_COUNT
};
#define VH_DEV(id) (1u << VH_DEVB_##id)

/* Capabilities (scenario key `caps`). */
#define VH_CAP_MAP(X)                                                            \
    X(MANAGE, "manage", "may send management RPCs over inter-ADU messaging")     \
    X(RESERVE, "reserve", "may change its own RT reservation by hypercall")

enum vh_cap_bit {
#define VH__CAP_BIT(id, name, text) VH_CAPB_##id,
    VH_CAP_MAP(VH__CAP_BIT)
#undef VH__CAP_BIT
    VH_CAPB_COUNT
};
#define VH_CAP(id) (1u << VH_CAPB_##id)

struct vh_cfg_adu {
    char name[VH_NAME_LEN];
    uint64_t ram_hpa;   /* host physical base, 2 MiB aligned (vhcfg places it) */
    uint64_t ram_size;  /* multiple of 2 MiB; seen at VH_GUEST_RAM_GPA */
    uint64_t entry_gpa; /* where VCPU 0 starts */
    const uint8_t *image; /* pristine copy, loaded at RAM + VH_GUEST_IMAGE_OFFSET */
    uint64_t image_size;
    const uint8_t *dtb; /* this ADU's device tree, passed in a1 */
    uint64_t dtb_size;
    uint64_t dtb_gpa;
    uint32_t n_be_vcpus;                     /* VCPU 0 boots; others by SBI HSM */
    uint32_t be_priority[VH_MAX_BE_VCPUS];   /* weight, 1..16 */
    uint32_t be_affinity[VH_MAX_BE_VCPUS];   /* mask of physical CPUs */
    uint32_t reserve_ppm;                    /* RT share of the whole machine */
    uint32_t devices;                        /* VH_DEV() bits */
    uint32_t caps;                           /* VH_CAP() bits */
    uint32_t msg_send_mask;                  /* ADU ids it may send to */
    uint32_t msg_depth;                      /* receive queue slots */
    uint32_t msg_size;                       /* largest message, bytes */
};

#define VH_TIMER_ADVANCE_AUTO 0xffffffffu
#define VH_TRACE_SPANS 1u /* per-path costs in the log every second */
#define VH_TRACE_LATE 2u  /* the event ring dumped at the first late release */

struct vh_cfg {
    char name[VH_NAME_LEN];
    uint32_t ncpus;
    uint32_t nadus;
    uint64_t quantum_ns;       /* best-effort quantum */
    uint32_t rt_limit_ppm;     /* sum of ADU reservations stays <= this */
    uint32_t cpu_limit_ppm;    /* EDF admission bound per CPU (after margin) */
    uint32_t hv_margin_ppm;    /* per-CPU share kept for hypervisor overhead */
    uint32_t console_escape;   /* unused for now */
    uint32_t timer_advance_ns; /* fixed RT timer advance (0: off), or VH_TIMER_ADVANCE_AUTO */
    uint32_t trace;            /* VH_TRACE_* bits (0: off) */
    uint32_t trace_late_ns;    /* with VH_TRACE_LATE: a release this late dumps the trace */
    struct vh_cfg_adu adu[VH_MAX_ADUS];
};

#endif /* VH_CONFIG_H */
