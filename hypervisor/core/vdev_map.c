/* The absent-device region lookup: see vdev.h.  Pure, no hypervisor state. */
#include <core/vdev.h>

int vdev_absent_find(const struct platform_absent *map, uint32_t n, uint64_t gpa,
                     uint32_t width)
{
    uint32_t lo = 0, hi = n;
    while (lo < hi) { /* first region whose end lies above gpa */
        uint32_t mid = lo + (hi - lo) / 2;
        if (map[mid].base + map[mid].size <= gpa) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo == n || gpa < map[lo].base || width == 0 ||
        width > map[lo].base + map[lo].size - gpa) {
        return -1;
    }
    return (int)lo;
}

uint64_t vdev_fill_value(uint8_t fill, uint32_t width)
{
    if (fill == 0 || width == 0) {
        return 0;
    }
    return width >= 8 ? UINT64_MAX : (1ULL << (width * 8)) - 1;
}
