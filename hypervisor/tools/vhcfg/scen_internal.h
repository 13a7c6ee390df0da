/*
 * Internals shared by the vhscen sources (not part of the API): message
 * helpers, value parsers and the phases of vhs_load().
 *
 * vhs_load runs in three phases: scen_lex (scenario.c) splits the text into
 * sections and keys, rejecting unknown and duplicate ones; scen_fields
 * (scen_fields.c) converts each value into s->cfg; scen_check
 * (scen_check.c) checks the scenario as a whole, opens the images and
 * places the ADUs in the RAM pool.
 */
#ifndef VH_SCEN_INTERNAL_H
#define VH_SCEN_INTERNAL_H

#include "scenario.h"

#define MIB (1024ULL * 1024ULL)
#define PPM_100 1000000u

/* Message helpers: each formats "what is wrong; what would be right". */
__attribute__((format(printf, 3, 4))) void scen_err_file(struct vhs_scenario *s,
                                                         unsigned line,
                                                         const char *fmt, ...);
__attribute__((format(printf, 3, 4))) void scen_err_machine(struct vhs_scenario *s,
                                                            const char *key,
                                                            const char *fmt, ...);
__attribute__((format(printf, 4, 5))) void scen_err_adu(struct vhs_scenario *s,
                                                        const struct vhs_adu *a,
                                                        const char *key,
                                                        const char *fmt, ...);

/* Line of `key` in a section, or 0 if it was not given. */
unsigned scen_key_line(const struct vhs_keys *k, const char *key);
/* Value of `key`, or NULL if it was not given. */
const char *scen_key_value(const struct vhs_keys *k, const char *key);

/* Known keys, for the lexer (unknown-key check and suggestions). */
extern const char *const scen_machine_keys[];
extern const char *const scen_adu_keys[];

/*
 * Value parsers.  Each returns NULL on success or a short description of
 * what is wrong with the text ("missing unit", ...).
 */
const char *scen_parse_u64(const char *text, uint64_t *out);
const char *scen_parse_size(const char *text, uint64_t *out);
const char *scen_parse_time_ns(const char *text, uint64_t *out);
const char *scen_parse_ppm(const char *text, uint32_t *out);
const char *scen_parse_cpuset(const char *text, uint32_t *mask);

/* Split `text` at `sep` into trimmed, malloc'd items[] (free with
 * scen_free_items); returns the count, or -1 (nothing to free) if an item
 * is empty or there are more than `max`. */
int scen_split(const char *text, char sep, char **items, int max);
void scen_free_items(char **items, int n);

/* "16 MiB", "3 KiB", "123 bytes" into buf. */
const char *scen_fmt_size(uint64_t bytes, char *buf, size_t len);
/* "30.125%" into buf. */
const char *scen_fmt_ppm(uint32_t ppm, char *buf, size_t len);

/* Is `name` a valid ADU/machine name ([a-z0-9_-], 1..15 chars)? */
int scen_valid_name(const char *name);

char *scen_strdup(const char *text);

/* Phases of vhs_load. */
void scen_lex(struct vhs_scenario *s, const char *text);
void scen_fields(struct vhs_scenario *s, const struct vhs_options *opt);
void scen_check(struct vhs_scenario *s, const struct vhs_options *opt);

#endif /* VH_SCEN_INTERNAL_H */
