/*
 * SBI calls from S-mode (or VS-mode under vh): the generic ecall and the
 * helpers BareOS uses (BASE, TIME, IPI, HSM, SRST).
 */
#ifndef BAREOS_SBI_H
#define BAREOS_SBI_H

#include <stdint.h>

#define SBI_EXT_BASE 0x10UL
#define SBI_EXT_TIME 0x54494D45UL
#define SBI_EXT_IPI 0x735049UL
#define SBI_EXT_HSM 0x48534DUL
#define SBI_EXT_SRST 0x53525354UL

#define SBI_SRST_SHUTDOWN 0u
#define SBI_SRST_COLD_REBOOT 1u
#define SBI_SRST_WARM_REBOOT 2u

#define SBI_ERR_ALREADY_AVAILABLE (-6L)

struct sbiret {
    long error;
    long value;
};

struct sbiret sbi_ecall(unsigned long ext, unsigned long fid, unsigned long a0,
                        unsigned long a1, unsigned long a2, unsigned long a3,
                        unsigned long a4, unsigned long a5);

long sbi_set_timer(uint64_t stime_value);
long sbi_send_ipi(unsigned long hart_mask, unsigned long hart_mask_base);
long sbi_hart_start(unsigned long hartid, unsigned long start_addr,
                    unsigned long opaque);
long sbi_system_reset(uint32_t reset_type, uint32_t reason);
/* Implementation id (BASE fid 1); 0 if the call fails. */
unsigned long sbi_get_impl_id(void);
/* BASE probe_extension: nonzero if the extension is available. */
long sbi_probe_extension(unsigned long eid);

#endif /* BAREOS_SBI_H */
