/*
 * vhctl output: aligned text tables and a small streaming JSON writer.
 * Tables collect their rows, then print with each column as wide as its
 * widest cell (numbers right-aligned).  JSON goes to stdout as one object
 * (one per line with --follow); the writer tracks commas and nesting.
 */
#ifndef VHCTL_OUT_H
#define VHCTL_OUT_H

#include <stdint.h>
#include <stdio.h>

#define VHCTL_TABLE_COLS 16

struct vhctl_table {
    unsigned ncols;
    const char *head[VHCTL_TABLE_COLS];
    int right[VHCTL_TABLE_COLS];  /* 1: right-aligned (numbers) */
    unsigned nrows, cap;
    char **cells;                 /* nrows * ncols, malloc'd strings */
};

/* Columns: "NAME" left-aligned, ">NAME" right-aligned. */
void vhctl_table_init(struct vhctl_table *t, unsigned ncols, const char *const *cols);
/* Add one row: ncols printf-formatted cells (each as a separate string). */
void vhctl_table_row(struct vhctl_table *t, ...);
void vhctl_table_print(struct vhctl_table *t, FILE *f);
void vhctl_table_free(struct vhctl_table *t);

/* JSON writer on stdout. */
void vhctl_json_begin(void);           /* { */
void vhctl_json_end(void);             /* } and a newline, flushed */
void vhctl_json_obj(const char *key);  /* "key": {   (key NULL inside an array) */
void vhctl_json_obj_end(void);
void vhctl_json_arr(const char *key);
void vhctl_json_arr_end(void);
void vhctl_json_str(const char *key, const char *v);
void vhctl_json_u64(const char *key, uint64_t v);
void vhctl_json_i64(const char *key, int64_t v);
void vhctl_json_num(const char *key, double v);
void vhctl_json_bool(const char *key, int v);

#endif /* VHCTL_OUT_H */
