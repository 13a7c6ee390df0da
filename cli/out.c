/*
 * Tables and JSON (see out.h).
 */
#include "out.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void vhctl_table_init(struct vhctl_table *t, unsigned ncols, const char *const *cols)
{
    memset(t, 0, sizeof(*t));
    t->ncols = ncols < VHCTL_TABLE_COLS ? ncols : VHCTL_TABLE_COLS;
    for (unsigned i = 0; i < t->ncols; i++) {
        t->right[i] = cols[i][0] == '>';
        t->head[i] = cols[i] + t->right[i];
    }
}

void vhctl_table_row(struct vhctl_table *t, ...)
{
    if (t->nrows == t->cap) {
        unsigned cap = t->cap ? t->cap * 2 : 16;
        char **nc = realloc(t->cells, (size_t)cap * t->ncols * sizeof(*nc));
        if (!nc)
            return;
        t->cells = nc;
        t->cap = cap;
    }
    va_list ap;
    va_start(ap, t);
    for (unsigned i = 0; i < t->ncols; i++) {
        const char *s = va_arg(ap, const char *);
        t->cells[t->nrows * t->ncols + i] = strdup(s ? s : "");
    }
    va_end(ap);
    t->nrows++;
}

void vhctl_table_print(struct vhctl_table *t, FILE *f)
{
    size_t w[VHCTL_TABLE_COLS];
    for (unsigned c = 0; c < t->ncols; c++) {
        w[c] = strlen(t->head[c]);
        for (unsigned r = 0; r < t->nrows; r++) {
            const char *s = t->cells[r * t->ncols + c];
            w[c] = strlen(s) > w[c] ? strlen(s) : w[c];
        }
    }
    for (unsigned r = 0; r <= t->nrows; r++) {
        for (unsigned c = 0; c < t->ncols; c++) {
            const char *s = r ? t->cells[(r - 1) * t->ncols + c] : t->head[c];
            int last = c + 1 == t->ncols;
            if (t->right[c])
                fprintf(f, "%*s%s", (int)w[c], s, last ? "" : "  ");
            else if (last)
                fprintf(f, "%s", s);
            else
                fprintf(f, "%-*s  ", (int)w[c], s);
        }
        fputc('\n', f);
    }
}

void vhctl_table_free(struct vhctl_table *t)
{
    for (unsigned i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    t->cells = NULL;
    t->nrows = t->cap = 0;
}

/* --- JSON ------------------------------------------------------------------ */

static int vhctl__json_depth;
static int vhctl__json_first[32];

static void vhctl__json_key(const char *key)
{
    if (!vhctl__json_first[vhctl__json_depth])
        fputc(',', stdout);
    vhctl__json_first[vhctl__json_depth] = 0;
    if (key)
        printf("\"%s\":", key);
}

static void vhctl__json_string(const char *s)
{
    fputc('"', stdout);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\')
            printf("\\%c", *p);
        else if (*p < 0x20)
            printf("\\u%04x", *p);
        else
            fputc(*p, stdout);
    }
    fputc('"', stdout);
}

static void vhctl__json_open(const char *key, char c)
{
    if (vhctl__json_depth >= 0)
        vhctl__json_key(key);
    fputc(c, stdout);
    if (vhctl__json_depth < 31)
        vhctl__json_depth++;
    vhctl__json_first[vhctl__json_depth] = 1;
}

static void vhctl__json_close(char c)
{
    fputc(c, stdout);
    if (vhctl__json_depth > 0)
        vhctl__json_depth--;
}

void vhctl_json_begin(void)
{
    vhctl__json_depth = -1;
    vhctl__json_open(NULL, '{');
}

void vhctl_json_end(void)
{
    vhctl__json_close('}');
    fputc('\n', stdout);
    fflush(stdout);
}

void vhctl_json_obj(const char *key) { vhctl__json_open(key, '{'); }
void vhctl_json_obj_end(void) { vhctl__json_close('}'); }
void vhctl_json_arr(const char *key) { vhctl__json_open(key, '['); }
void vhctl_json_arr_end(void) { vhctl__json_close(']'); }

void vhctl_json_str(const char *key, const char *v)
{
    vhctl__json_key(key);
    vhctl__json_string(v);
}

void vhctl_json_u64(const char *key, uint64_t v)
{
    vhctl__json_key(key);
    printf("%llu", (unsigned long long)v);
}

void vhctl_json_i64(const char *key, int64_t v)
{
    vhctl__json_key(key);
    printf("%lld", (long long)v);
}

void vhctl_json_num(const char *key, double v)
{
    vhctl__json_key(key);
    printf("%.3f", v);
}

void vhctl_json_bool(const char *key, int v)
{
    vhctl__json_key(key);
    fputs(v ? "true" : "false", stdout);
}
