/* The absent-device map (hypervisor/platform/qemu-virt/absent.c) and its
 * lookup (hypervisor/core/vdev_map.c): which guest-physical accesses read
 * as an empty slot, and with which value. */
#include <criterion/criterion.h>

#include <core/vdev.h>
#include <vh/config.h>

static int find(uint64_t gpa, uint32_t width)
{
    return vdev_absent_find(platform_absent_map, platform_absent_count, gpa, width);
}

static const char *name_at(uint64_t gpa)
{
    int i = find(gpa, 4);
    return i < 0 ? "(none)" : platform_absent_map[i].name;
}

Test(vdev, map_is_sorted_and_disjoint)
{
    cr_assert(platform_absent_count > 0 && platform_absent_count <= 32);
    for (uint32_t i = 1; i < platform_absent_count; i++) {
        const struct platform_absent *p = &platform_absent_map[i - 1], *q = &platform_absent_map[i];
        cr_assert(p->base + p->size <= q->base, "%s overlaps %s", p->name, q->name);
    }
}

Test(vdev, virtio_slots_each_their_own_region)
{
    cr_assert_str_eq(name_at(0x10001000), "virtio-mmio@10001000");
    cr_assert_str_eq(name_at(0x10001ffc), "virtio-mmio@10001000");
    cr_assert_str_eq(name_at(0x10002000), "virtio-mmio@10002000");
    cr_assert_str_eq(name_at(0x10008070), "virtio-mmio@10008000");
    cr_assert_eq(find(0x10009000, 4), -1);
}

Test(vdev, board_devices_found)
{
    cr_assert_str_eq(name_at(0x20000000), "cfi-flash@20000000");
    cr_assert_str_eq(name_at(0x23fffff0), "cfi-flash@22000000");
    cr_assert_str_eq(name_at(0x30000000), "pci-ecam@30000000");
    cr_assert_str_eq(name_at(0x3ffffffc), "pci-ecam@30000000");
    cr_assert_str_eq(name_at(0x40000000), "pci-mmio@40000000");
    cr_assert_str_eq(name_at(0x7ffffffc), "pci-mmio@40000000");
    cr_assert_str_eq(name_at(0x101000), "rtc@101000");
    cr_assert_str_eq(name_at(0x10100008), "fw-cfg@10100000");
    cr_assert_str_eq(name_at(VH_GUEST_TEST_GPA), "test@100000");
}

Test(vdev, hypervisor_and_wild_addresses_not_absent)
{
    static const uint64_t stop[] = {0x0, 0x1000, 0x2000000, 0x200bff8, 0xc000000, 0xc200004,
                                    0x10000000, 0x10000005, 0x24000000, 0x80000000,
                                    0x84000000, 0xffffffff, 0x100000000ULL};
    for (unsigned i = 0; i < sizeof stop / sizeof stop[0]; i++) {
        cr_assert_eq(find(stop[i], 1), -1, "0x%llx must stop the ADU", (unsigned long long)stop[i]);
    }
}

Test(vdev, access_straddling_a_region_end_not_claimed)
{
    cr_assert_eq(find(0x10008ffc, 8), -1);
    cr_assert_neq(find(0x10008ff8, 8), -1);
    cr_assert_eq(find(0x7ffffffc, 8), -1);
    cr_assert_eq(find(0x10001000, 0), -1);
}

Test(vdev, fill_values_per_width)
{
    cr_assert_eq(vdev_fill_value(PLATFORM_FILL_ZERO, 8), 0);
    cr_assert_eq(vdev_fill_value(PLATFORM_FILL_ONES, 1), 0xff);
    cr_assert_eq(vdev_fill_value(PLATFORM_FILL_ONES, 2), 0xffff);
    cr_assert_eq(vdev_fill_value(PLATFORM_FILL_ONES, 4), 0xffffffffULL);
    cr_assert_eq(vdev_fill_value(PLATFORM_FILL_ONES, 8), UINT64_MAX);
    int ecam = find(0x30000000, 4), virtio = find(0x10001000, 4);
    cr_assert_eq(platform_absent_map[ecam].fill, PLATFORM_FILL_ONES, "empty ECAM: vendor 0xffff");
    cr_assert_eq(platform_absent_map[virtio].fill, PLATFORM_FILL_ZERO, "virtio magic 0: no device");
}
