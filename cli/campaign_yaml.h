/*
 * Typed access to a libyaml document for the campaign loader: every
 * helper checks the node's type and value and, on a mistake, keeps the
 * first error as "FILE:LINE:COL: what is wrong; what was expected" (the
 * node's start mark, 1-based) and returns -1.  Later errors are dropped so
 * the user sees the first one, as a compiler would.
 */
#ifndef VHCTL_CAMPAIGN_YAML_H
#define VHCTL_CAMPAIGN_YAML_H

#include <stddef.h>
#include <stdint.h>
#include <yaml.h>

struct camp_ld {
    yaml_document_t doc;
    const char *file;
    char *err;
    size_t errlen;
    int failed;
};

/* Record an error at node n (NULL: the document's start); returns -1. */
int camp_err(struct camp_ld *l, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

yaml_node_t *camp_node(struct camp_ld *l, int id);
/* n must be a mapping whose keys are all in `keys` (NULL-terminated) and
 * unique; `what` names it in messages ("a create step"). */
int camp_map_check(struct camp_ld *l, yaml_node_t *n, const char *what,
                   const char *const *keys);
/* The value of `key` in mapping n, or NULL. */
yaml_node_t *camp_get(struct camp_ld *l, yaml_node_t *n, const char *key);
/* As camp_get, but a missing key is an error at the mapping. */
yaml_node_t *camp_need(struct camp_ld *l, yaml_node_t *n, const char *key, const char *what);

int camp_str(struct camp_ld *l, yaml_node_t *n, const char *what, char *out, size_t cap);
int camp_u64(struct camp_ld *l, yaml_node_t *n, const char *what, uint64_t *out);
int camp_dur(struct camp_ld *l, yaml_node_t *n, const char *what, uint64_t *ns);
int camp_bool(struct camp_ld *l, yaml_node_t *n, const char *what, int *out);
/* Scalar text of n (NULL if n is not a scalar). */
const char *camp_text(const yaml_node_t *n);
const char *camp_type_name(const yaml_node_t *n);

#endif /* VHCTL_CAMPAIGN_YAML_H */
