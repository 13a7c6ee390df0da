/*
 * Durations on vhctl's command line: a number with a unit, e.g. 10ms,
 * 500us, 2s, 1000ns, 1.5ms (also µs).  A bare number is refused: the unit
 * is where mistakes of a factor 1000 hide.
 */
#ifndef VHCTL_DURATION_H
#define VHCTL_DURATION_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parse `text` as the value of option `opt` (used in messages, e.g.
 * "--period").  Returns 0 with *ns set, or -1 with a sentence in why[]:
 *   "--period: '10' has no unit; use e.g. 10ms"
 */
int vhctl_parse_duration(const char *opt, const char *text, uint64_t *ns, char *why,
                         size_t why_len);

/* Format ns with the largest unit that keeps it readable ("1.5ms"). */
void vhctl_format_duration(uint64_t ns, char *out, size_t cap);

#endif /* VHCTL_DURATION_H */
