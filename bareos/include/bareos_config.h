/*
 * BareOS build-time limits, shared by C and assembly (macros only).
 * Keep BAREOS_MAX_HARTS and BAREOS_STACK_SIZE in step with bareos.ld.
 */
#ifndef BAREOS_CONFIG_H
#define BAREOS_CONFIG_H

#define BAREOS_MAX_HARTS 8
#define BAREOS_STACK_SIZE 16384
#define BAREOS_TRAP_FRAME_SIZE 272 /* 32 registers + sepc + sstatus */

#endif /* BAREOS_CONFIG_H */
