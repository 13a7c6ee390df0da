/*
 * Second-stage (G-stage, Sv39x4) address spaces: each ADU sees only its own
 * RAM at VH_GUEST_RAM_GPA, mapped with 2 MiB pages.  Devices are not mapped:
 * their accesses trap and are emulated or refused, and the hypervisor's own
 * memory is in no ADU's tables.  Tables come from static pools.
 */
#include <arch/csr.h>
#include <core/adu.h>
#include <core/arch.h>
#include <core/lib.h>
#include <vh/abi.h>

#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_U (1UL << 4) /* required on G-stage leaves */
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)
#define PTE_PPN_SHIFT 10
#define MEGA (2UL << 20)
#define GIGA (1UL << 30)

/* Sv39x4 root: 2048 entries (16 KiB, 16 KiB aligned); one level-1 table
 * covers the 1 GiB of guest RAM. */
static uint64_t g_root[VH_MAX_ADUS][2048] __attribute__((aligned(16384)));
static uint64_t g_l1[VH_MAX_ADUS][512] __attribute__((aligned(4096)));

static uint64_t pte_table(const void *next)
{
    return (((uint64_t)(uintptr_t)next >> 12) << PTE_PPN_SHIFT) | PTE_V;
}

static uint64_t pte_leaf(uint64_t hpa)
{
    return ((hpa >> 12) << PTE_PPN_SHIFT) | PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D;
}

int arch_adu_space_init(struct adu *a)
{
    const struct vh_cfg_adu *cfg = a->cfg;
    uint64_t *root = g_root[a->id];
    uint64_t *l1 = g_l1[a->id];
    if (cfg->ram_size > GIGA || (cfg->ram_size % MEGA) != 0 || (cfg->ram_hpa % MEGA) != 0) {
        return VH_EINVAL;
    }
    memset(root, 0, sizeof g_root[0]);
    memset(l1, 0, sizeof g_l1[0]);
    root[VH_GUEST_RAM_GPA / GIGA] = pte_table(l1);
    for (uint64_t off = 0; off < cfg->ram_size; off += MEGA) {
        uint64_t gpa = VH_GUEST_RAM_GPA + off;
        l1[(gpa % GIGA) / MEGA] = pte_leaf(cfg->ram_hpa + off);
    }
    a->hgatp = HGATP_MODE_SV39X4 | ((uint64_t)(a->id + 1) << HGATP_VMID_SHIFT) |
               ((uint64_t)(uintptr_t)root >> 12);
    __asm__ volatile("fence rw, rw" ::: "memory");
    return 0;
}
