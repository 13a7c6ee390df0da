/*
 * What vhd knows about a scenario: its file (scenarios/NAME.vhs,
 * tests/qemu/scenarios/NAME.vhs or tests/bench/scenarios/NAME.vhs under
 * the source tree, the first found), the hypervisor
 * image the build made of it (BUILD/target/scenarios/vh-NAME.elf), its CPU
 * count and, per ADU, the ELF image whose symbols `--entry SYMBOL` names
 * (`image = bareos` is BUILD/target/bareos/bareos.elf).  Parsing uses the
 * vhscen library (hypervisor/tools/vhcfg).
 */
#ifndef VHD_SCEN_H
#define VHD_SCEN_H

#include <stddef.h>

#define VHD_SCEN_MAX_ADUS 8
#define VHD_PATH_MAX 512

struct vhd_scen_info {
    char file[VHD_PATH_MAX];      /* the .vhs */
    char hv_elf[VHD_PATH_MAX];    /* the hypervisor image QEMU boots */
    unsigned ncpus;
    unsigned nadus;
    char adu[VHD_SCEN_MAX_ADUS][16];
    char image[VHD_SCEN_MAX_ADUS][VHD_PATH_MAX]; /* ELF with symbols, "" if unknown */
};

/*
 * Find and read scenario `name`.  Returns 0, or -1 with a sentence in why[]
 * (no such scenario: where it looked; a broken one: the first message).
 */
int vhd_scen_load(const char *source_dir, const char *build_dir, const char *name,
                  struct vhd_scen_info *out, char *why, size_t why_len);

/* The hypervisor image the build makes of scenario `name`:
 * BUILD/target/scenarios/vh-NAME.elf, into out[cap]. */
void vhd_scen_elf_path(const char *build_dir, const char *name, char *out, size_t cap);

/* Index of ADU `adu` in `s`, or -1. */
int vhd_scen_find_adu(const struct vhd_scen_info *s, const char *adu);

#endif /* VHD_SCEN_H */
