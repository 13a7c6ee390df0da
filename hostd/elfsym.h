/*
 * ELF64 symbol lookup for `vhctl vcpu create --entry SYMBOL`: vhd resolves
 * the symbol in the ADU's image (see scen.c for which file that is).  Only
 * what is needed: the little-endian ELF64 header, the section headers, the
 * .symtab and its string table.  No libelf.
 */
#ifndef VHD_ELFSYM_H
#define VHD_ELFSYM_H

#include <stddef.h>
#include <stdint.h>

#define VHD_ELF_ENOFILE (-1)   /* cannot read the file */
#define VHD_ELF_EFORMAT (-2)   /* not a little-endian ELF64 or truncated */
#define VHD_ELF_ENOSYMTAB (-3) /* stripped: no .symtab */
#define VHD_ELF_ENOSYM (-4)    /* no defined symbol of that name */

/*
 * Look `name` up in the symbol table of the ELF64 file at `path`.  Returns 0
 * and sets *value, or a negative VHD_ELF_E* code.
 */
int vhd_elf_lookup(const char *path, const char *name, uint64_t *value);
/* Same, on an image already in memory. */
int vhd_elf_lookup_mem(const uint8_t *img, size_t size, const char *name, uint64_t *value);
const char *vhd_elf_strerror(int err);

#endif /* VHD_ELFSYM_H */
