/*
 * QEMU virt's devices that vh gives to no ADU, from QEMU 7.2's memory map
 * (hw/riscv/virt.c).  A read returns what the real board returns for an
 * empty slot or bus:
 * - virtio-mmio: all zeros (MagicValue 0 and DeviceID 0 mean "no device";
 *   QEMU's own empty transports answer DeviceID 0 as well);
 * - PCIe (ECAM, port I/O, MMIO windows): all ones, as a host bridge answers
 *   a config read of an empty bus (vendor ID 0xffff) or a master abort;
 * - the rest (flash banks, RTC, fw_cfg, platform bus, the test device for
 *   ADUs without `reset`): all zeros, which no driver takes for its device.
 * Writes are ignored.  Not listed, so an access still stops the ADU: the
 * debug/boot ROM area (a fetch or read there is a wild pointer), the CLINT,
 * PLIC/APLIC and IMSIC (the hypervisor's interrupt hardware), the UART for
 * ADUs that do not own it, and RAM outside the ADU's own.
 */
#include <platform/absent.h>

#define Z PLATFORM_FILL_ZERO
#define ONES PLATFORM_FILL_ONES
#define VIRTIO(n) {0x10000000ULL + (n) * 0x1000ULL, 0x1000, "virtio-mmio@1000" #n "000", Z}

const struct platform_absent platform_absent_map[] = {
    {0x00100000, 0x1000, "test@100000", Z},
    {0x00101000, 0x1000, "rtc@101000", Z},
    {0x03000000, 0x10000, "pci-pio@3000000", ONES},
    {0x04000000, 0x2000000, "platform-bus@4000000", Z},
    VIRTIO(1), VIRTIO(2), VIRTIO(3), VIRTIO(4), VIRTIO(5), VIRTIO(6), VIRTIO(7), VIRTIO(8),
    {0x10100000, 0x1000, "fw-cfg@10100000", Z},
    {0x20000000, 0x2000000, "cfi-flash@20000000", Z},
    {0x22000000, 0x2000000, "cfi-flash@22000000", Z},
    {0x30000000, 0x10000000, "pci-ecam@30000000", ONES},
    {0x40000000, 0x40000000, "pci-mmio@40000000", ONES},
};

const uint32_t platform_absent_count = sizeof platform_absent_map / sizeof platform_absent_map[0];

_Static_assert(sizeof platform_absent_map / sizeof platform_absent_map[0] <= 32,
               "one bit per region in a 32-bit mask per ADU");
