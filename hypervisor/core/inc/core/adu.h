/*
 * ADUs (Application Domain Units): an isolated guest with its memory,
 * devices and VCPUs, created from the scenario at boot.  An ADU can be
 * stopped (fault, power-off) or reset (SRST, reset device) without touching
 * any other ADU.  Lock order: adu->lock before any scheduler lock.
 */
#ifndef CORE_ADU_H
#define CORE_ADU_H

#include <stdint.h>
#include <arch/spinlock.h>
#include <vh/config.h>
#include <core/vuart.h>

struct vcpu;

enum adu_state { ADU_RUNNING = 0, ADU_STOPPED, ADU_RESETTING };

struct adu {
    const struct vh_cfg_adu *cfg;
    uint32_t id;
    volatile uint32_t state;
    uint32_t boots;
    uint64_t hgatp; /* arch: its second-stage root */
    uint32_t reserve_ppm;      /* RT share of the machine */
    uint32_t reserve_used_ppm; /* admitted so far, in machine ppm */
    struct vcpu *be[VH_MAX_BE_VCPUS];
    struct vuart vuart;
    spinlock_t lock;
};

extern struct adu adus[VH_MAX_ADUS];
extern uint32_t adu_count;

/* Create every ADU of the scenario and start its VCPU 0. */
void adu_init_all(void);
/* Copy the pristine image and DTB into the ADU's RAM, reset its VCPUs. */
void adu_load(struct adu *a);
/* Stop an ADU for good (fault, power-off); the reason goes to the log. */
void adu_stop(struct adu *a, const char *why);
/* Restart an ADU from a fresh copy of its image (SRST reboot). */
void adu_reset(struct adu *a);
/* Host address of guest-physical [gpa, gpa+len) inside `a`'s RAM, or NULL. */
void *adu_gpa_to_hva(const struct adu *a, uint64_t gpa, uint64_t len);
struct adu *adu_by_name(const char *name);

#endif /* CORE_ADU_H */
