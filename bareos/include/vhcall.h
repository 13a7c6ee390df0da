/*
 * vh hypercall library: one thin wrapper per VH_HC_* function of
 * <vh/abi.h>.  Each returns the hypercall's error code (0 or a negative
 * VH_E* value) and passes results out through pointers, which may be NULL
 * when the caller does not want them.  vh_present() tells whether BareOS
 * runs under vh at all (SBI BASE get_impl_id == VH_SBI_IMPL_ID); the other
 * calls must only be made when it is true.
 */
#ifndef BAREOS_VHCALL_H
#define BAREOS_VHCALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <vh/abi.h>

bool vh_present(void);

long vh_hc_null(void);
long vh_hc_info(struct vh_info *info);
long vh_rt_create(const struct vh_rt_params *params, long *id_out);
long vh_rt_wait(uint64_t *next_release);
long vh_rt_exit(void);
long vh_rt_query(long id, struct vh_rt_info *info);
long vh_rt_set(long id, const struct vh_rt_params *params);
long vh_rt_migrate(long id, long cpu);
long vh_rt_destroy(long id);
long vh_reserve_set(uint32_t reserve_ppm);
long vh_be_affinity(uint32_t be_vcpu, uint64_t cpu_mask);
long vh_rt_stats(long id, struct vh_rt_stats *stats);
long vh_msg_send(uint32_t dest_adu, const void *buf, size_t len);
long vh_msg_recv(void *buf, size_t cap, uint32_t flags, size_t *len_out,
                 uint32_t *src_out);
long vh_msg_query(uint32_t *pending_out, uint32_t *free_out);
long vh_console_put(const char *buf, size_t len);

#endif /* BAREOS_VHCALL_H */
