/*
 * BareOS messaging driver: inter-ADU messages through vh, which copies each
 * message from the sender's memory into the receiver's queue (the ADUs
 * share no memory).  Thin layer over the VH_HC_MSG_* hypercalls of
 * vhcall.h; every call returns 0 (or a length) or a negative VH_E* code,
 * printable with vh_errname()/vh_strerror().
 */
#ifndef BAREOS_MSG_H
#define BAREOS_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <vh/abi.h>

/* Send len bytes to ADU `dest` (or VH_MSG_DEST_MGMT).  0, VH_EPERM,
 * VH_EQUEUE_FULL, VH_EMSGSIZE, VH_EFAULT, VH_ENOENT, ... never blocks. */
long msg_send(uint32_t dest, const void *buf, size_t len);
/* Take the oldest message into buf[cap]: its length, with its sender in
 * *src.  block: wait for one; otherwise VH_ENOMSG when none is queued. */
long msg_recv(void *buf, size_t cap, uint32_t *src, bool block);
/* Messages waiting in this ADU's queue (0 on error). */
uint32_t msg_pending(void);
/* Free slots of this ADU's queue (0 on error). */
uint32_t msg_free(void);
/* From now on each arriving message posts a soft interrupt to hart 0
 * (the caller enables SIE_SSIE itself).  0 or a VH_E* code. */
long msg_notify_enable(void);

/* Messaging applications (apps_msg.c), named in apps.c's table. */
void app_ping(unsigned long hartid);
void app_pong(unsigned long hartid);
void app_msgbad(unsigned long hartid);
void app_flood(unsigned long hartid);

#endif /* BAREOS_MSG_H */
