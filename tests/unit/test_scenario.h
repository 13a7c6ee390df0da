/*
 * Helpers shared by the vhscen unit tests: a scratch directory with dummy
 * guest images, loading a scenario from a string, and looking for a message
 * that contains all of several substrings.
 */
#ifndef VH_TEST_SCENARIO_H
#define VH_TEST_SCENARIO_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario.h"

static char tdir[64];
static struct vhs_scenario scen;
static struct vhs_options topt;

/* A file of `size` bytes named `name` in the scratch directory. */
static inline void make_file(const char *name, size_t size)
{
    char path[256];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", tdir, name);
    f = fopen(path, "wb");
    for (size_t i = 0; f && i < size && i < 4096; i++)
        fputc((int)(i * 7 + 1) & 0xff, f);
    if (f && size > 4096) { /* the rest sparse: fast to make */
        fseek(f, (long)size - 1, SEEK_SET);
        fputc(0, f);
    }
    if (f)
        fclose(f);
}

static inline void setup(void)
{
    char arg[512], why[256];

    snprintf(tdir, sizeof(tdir), "/tmp/vhscen-test-XXXXXX");
    if (!mkdtemp(tdir))
        abort();
    make_file("guest.bin", 64 * 1024);
    make_file("big.bin", 13 * 1024 * 1024);
    make_file("empty.bin", 0);
    vhs_options_init(&topt);
    snprintf(arg, sizeof(arg), "bareos=%s/guest.bin", tdir);
    vhs_options_add_image(&topt, arg, why, sizeof(why));
    memset(&scen, 0, sizeof(scen));
}

static inline void teardown(void)
{
    char cmd[128];

    vhs_free(&scen);
    vhs_options_free(&topt);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", tdir);
    if (system(cmd))
        fprintf(stderr, "cannot remove %s\n", tdir);
}

/* Load `text` as if it were the file DIR/test.vhs; returns the error count. */
static inline unsigned load(const char *text)
{
    char path[256];

    vhs_free(&scen);
    snprintf(path, sizeof(path), "%s/test.vhs", tdir);
    return vhs_load_text(&scen, path, text, &topt);
}

/* Index of the first message containing every one of the NULL-ended
 * substrings, or -1. */
static inline int find_msg(const char *first, ...)
{
    for (unsigned i = 0; i < scen.diag.n; i++) {
        const char *m = scen.diag.msg[i], *sub = first;
        va_list ap;
        int ok = 1;
        va_start(ap, first);
        for (; sub && ok; sub = va_arg(ap, const char *))
            ok = strstr(m, sub) != NULL;
        va_end(ap);
        if (ok)
            return (int)i;
    }
    return -1;
}

static inline void dump_msgs(void)
{
    vhs_print_diag(&scen, stderr);
}

#define ADU_OK "[adu a]\nmemory = 16M\nimage = bareos\n"

/* Assert some message holds all the substrings (names the ADU and field). */
#define assert_msg(...)                                                          \
    do {                                                                         \
        if (find_msg(__VA_ARGS__, NULL) < 0)                                     \
            dump_msgs();                                                         \
        cr_assert(find_msg(__VA_ARGS__, NULL) >= 0, "no message with: %s",       \
                  #__VA_ARGS__);                                                 \
    } while (0)

#endif /* VH_TEST_SCENARIO_H */
