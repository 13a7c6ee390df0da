/*
 * ELF64 symbol table lookup (see elfsym.h).  Every offset read from the file is
 * checked against the file size before use: the image is outside input.
 */
#include "elfsym.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int vhd__elf_in(size_t size, uint64_t off, uint64_t len)
{
    return off <= size && len <= size - off;
}

static const Elf64_Shdr *vhd__elf_symtab(const uint8_t *img, size_t size, const Elf64_Ehdr *eh)
{
    if (eh->e_shentsize != sizeof(Elf64_Shdr) ||
        !vhd__elf_in(size, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr)))
        return NULL;
    const Elf64_Shdr *sh = (const Elf64_Shdr *)(img + eh->e_shoff);
    for (unsigned i = 0; i < eh->e_shnum; i++)
        if (sh[i].sh_type == SHT_SYMTAB && sh[i].sh_link < eh->e_shnum)
            return &sh[i];
    return NULL;
}

static int vhd__elf_scan(const uint8_t *img, size_t size, const Elf64_Shdr *st,
                         const Elf64_Shdr *str, const char *name, uint64_t *value)
{
    if (!vhd__elf_in(size, st->sh_offset, st->sh_size) ||
        !vhd__elf_in(size, str->sh_offset, str->sh_size) || st->sh_entsize != sizeof(Elf64_Sym))
        return VHD_ELF_EFORMAT;
    const Elf64_Sym *sym = (const Elf64_Sym *)(img + st->sh_offset);
    const char *strs = (const char *)(img + str->sh_offset);
    size_t n = st->sh_size / sizeof(Elf64_Sym), nlen = strlen(name);
    for (size_t i = 0; i < n; i++) {
        if (sym[i].st_shndx == SHN_UNDEF || sym[i].st_name >= str->sh_size)
            continue;
        const char *s = strs + sym[i].st_name;
        size_t room = str->sh_size - sym[i].st_name;
        if (nlen < room && memcmp(s, name, nlen + 1) == 0) {
            *value = sym[i].st_value;
            return 0;
        }
    }
    return VHD_ELF_ENOSYM;
}

int vhd_elf_lookup_mem(const uint8_t *img, size_t size, const char *name, uint64_t *value)
{
    if (size < sizeof(Elf64_Ehdr))
        return VHD_ELF_EFORMAT;
    Elf64_Ehdr eh;
    memcpy(&eh, img, sizeof(eh));
    if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
        eh.e_ident[EI_DATA] != ELFDATA2LSB)
        return VHD_ELF_EFORMAT;
    if (eh.e_shoff % 8)
        return VHD_ELF_EFORMAT;
    const Elf64_Shdr *st = vhd__elf_symtab(img, size, &eh);
    if (!st)
        return VHD_ELF_ENOSYMTAB;
    const Elf64_Shdr *sh = (const Elf64_Shdr *)(img + eh.e_shoff);
    if (st->sh_offset % 8)
        return VHD_ELF_EFORMAT;
    return vhd__elf_scan(img, size, st, &sh[st->sh_link], name, value);
}

int vhd_elf_lookup(const char *path, const char *name, uint64_t *value)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return VHD_ELF_ENOFILE;
    uint8_t *img = NULL;
    size_t len = 0, cap = 0, n;
    do {
        if (len == cap) {
            cap = cap ? cap * 2 : 65536;
            uint8_t *ni = realloc(img, cap);
            if (!ni) {
                free(img);
                fclose(f);
                return VHD_ELF_ENOFILE;
            }
            img = ni;
        }
        n = fread(img + len, 1, cap - len, f);
        len += n;
    } while (n > 0);
    fclose(f);
    int rc = vhd_elf_lookup_mem(img, len, name, value);
    free(img);
    return rc;
}

const char *vhd_elf_strerror(int err)
{
    switch (err) {
    case VHD_ELF_ENOFILE:
        return "cannot read the image";
    case VHD_ELF_EFORMAT:
        return "not a little-endian ELF64 file";
    case VHD_ELF_ENOSYMTAB:
        return "the image has no symbol table (stripped?)";
    case VHD_ELF_ENOSYM:
        return "no such symbol in the image";
    default:
        return "ELF error";
    }
}
