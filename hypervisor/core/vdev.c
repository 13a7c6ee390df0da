/*
 * Emulated devices beside the UART (see vdev.h).
 *
 * The sifive_test device of an ADU that owns `reset` acts on that ADU
 * only: FINISHER_RESET (0x7777) restarts it from a fresh copy of its image
 * (adu_reset, as SBI SRST does), FINISHER_PASS (0x5555) and FINISHER_FAIL
 * (0x3333, exit code in the upper 16 bits) stop it.  Reads return 0.
 *
 * An absent device (platform/absent.h) reads as an empty slot and ignores
 * writes; the first access to each region is logged once per ADU, so a
 * guest's probe is visible without flooding the log.  Runs on the trap path
 * of the accessing VCPU; the logged-region masks are updated atomically
 * (VCPUs of one ADU may probe at once).  No lock is held on return.
 */
#include <arch/spinlock.h>
#include <core/adu.h>
#include <core/console.h>
#include <core/lib.h>
#include <core/vcpu.h>
#include <core/vdev.h>

#define TEST_FAIL 0x3333u
#define TEST_PASS 0x5555u
#define TEST_RESET 0x7777u

static volatile uint32_t absent_logged[VH_MAX_ADUS]; /* bit i: region i logged */

static int test_write(struct adu *a, uint64_t off, uint64_t val)
{
    char why[80];
    if (off != 0) {
        return VDEV_DONE;
    }
    switch ((uint32_t)val & 0xffff) {
    case TEST_RESET:
        adu_reset(a);
        return VDEV_RESTARTED;
    case TEST_PASS:
        adu_stop(a, "powered off by the guest (test device)");
        return VDEV_RESTARTED;
    case TEST_FAIL:
        vh_snprintf(why, sizeof why, "powered off by the guest with failure code %lu (test device)",
                    (unsigned long)((val >> 16) & 0xffff));
        adu_stop(a, why);
        return VDEV_RESTARTED;
    default:
        return VDEV_DONE; /* other values do nothing on the real device either */
    }
}

static int absent_access(struct adu *a, int i, uint32_t width, bool store, uint64_t *val)
{
    const struct platform_absent *r = &platform_absent_map[i];
    uint32_t bit = 1u << i;
    if (!(absent_logged[a->id] & bit) && !(atomic_or32(&absent_logged[a->id], bit) & bit)) {
        vh_log("ADU '%s': probes of absent device %s read as empty (%s, writes ignored; "
               "further accesses not logged)",
               a->cfg->name, r->name, r->fill == PLATFORM_FILL_ZERO ? "all zeros" : "all ones");
    }
    if (!store) {
        *val = vdev_fill_value(r->fill, width);
    }
    return VDEV_DONE;
}

int vdev_mmio(struct vcpu *v, uint64_t gpa, uint32_t width, bool store, uint64_t *val)
{
    struct adu *a = v->adu;
    if ((a->cfg->devices & VH_DEV(RESET)) && gpa >= VH_GUEST_TEST_GPA &&
        gpa < VH_GUEST_TEST_GPA + VH_GUEST_TEST_SIZE) {
        if (store) {
            return test_write(a, gpa - VH_GUEST_TEST_GPA, *val);
        }
        *val = 0;
        return VDEV_DONE;
    }
    int i = vdev_absent_find(platform_absent_map, platform_absent_count, gpa, width);
    if (i < 0) {
        return VDEV_UNCLAIMED;
    }
    return absent_access(a, i, width, store, val);
}
