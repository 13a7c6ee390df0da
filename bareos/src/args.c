/*
 * Bootargs: the /chosen/bootargs string is a list of key=value words
 * separated by spaces.  Lookups scan the string each time (it is short);
 * the first occurrence of a key wins.  Numbers are decimal unless they
 * start with 0x; args_get_hex reads hex with or without the 0x.
 */
#include "bareos.h"
#include "lib.h"

static const char *bootargs = "";

void args_init(const char *args)
{
    bootargs = args != NULL ? args : "";
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool args_find(const char *key, const char **val, size_t *len)
{
    size_t klen = strlen(key);
    const char *p = bootargs;

    while (*p != '\0') {
        while (is_space(*p))
            p++;
        const char *word = p;
        while (*p != '\0' && !is_space(*p))
            p++;
        size_t wlen = (size_t)(p - word);
        if (wlen > klen && strncmp(word, key, klen) == 0 && word[klen] == '=') {
            *val = word + klen + 1;
            *len = wlen - klen - 1;
            return true;
        }
    }
    return false;
}

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Parses s[0..len) in base; false if empty or a character is not a digit. */
static bool parse_number(const char *s, size_t len, unsigned int base, uint64_t *out)
{
    uint64_t v = 0;

    if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
        len -= 2;
    }
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++) {
        int d = digit_value(s[i]);
        if (d < 0 || (unsigned int)d >= base)
            return false;
        v = v * base + (unsigned int)d;
    }
    *out = v;
    return true;
}

static uint64_t get_number(const char *key, uint64_t def, unsigned int base)
{
    const char *val;
    size_t len;
    uint64_t v;

    if (args_find(key, &val, &len) && parse_number(val, len, base, &v))
        return v;
    return def;
}

uint64_t args_get_u64(const char *key, uint64_t def)
{
    return get_number(key, def, 10);
}

uint64_t args_get_hex(const char *key, uint64_t def)
{
    return get_number(key, def, 16);
}
