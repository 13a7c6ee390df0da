/*
 * Internals of the campaign loader shared by campaign_load.c,
 * campaign_step.c and campaign_assert.c: what the static checks remember
 * while walking the file in order.
 */
#ifndef VHCTL_CAMPAIGN_STEP_H
#define VHCTL_CAMPAIGN_STEP_H

#include "campaign.h"
#include "campaign_yaml.h"

#define CAMP_MAX_NAMES 32

struct camp_check {
    unsigned creates;                           /* create steps so far (file order) */
    char names[CAMP_MAX_NAMES][CAMP_NAME_MAX];  /* `as:` names so far */
    size_t nnames;
    int stats_in_case;                          /* a stats step earlier in this case */
};

/* Parse the step at n into s.  Returns 0 or -1 (error kept in l). */
int campaign_step_parse(struct camp_ld *l, yaml_node_t *n, struct camp_step *s,
                        struct camp_check *ck);
/* assert: ["EXPR", ...] or {vcpu: REF, checks: ["EXPR", ...]}. */
int campaign_assert_parse(struct camp_ld *l, yaml_node_t *n, struct camp_step *s,
                          struct camp_check *ck);
/* Parse one "FIELD OP VALUE[UNIT]"; 0, or -1 with a sentence in why. */
int campaign_assert_expr(const char *text, struct camp_assert *a, char *why, size_t cap);

#endif /* VHCTL_CAMPAIGN_STEP_H */
