/*
 * vhctl internals: the connection to vhd, the global options and the verb
 * handlers.  Every handler returns a process exit code (VHCTL_E*), printing
 * its own message on stderr ("vhctl: what was wrong; what would be right").
 */
#ifndef VHCTL_H
#define VHCTL_H

#include <stdint.h>

#include "apiframe.h"
#include "vh.pb-c.h"
#include "vhd.pb-c.h"

/* Exit codes (also in --help and vhctl(1)). */
#define VHCTL_OK 0
#define VHCTL_EOTHER 1
#define VHCTL_EUSAGE 2
#define VHCTL_EREFUSED 3     /* admission refused */
#define VHCTL_ENOTFOUND 4
#define VHCTL_EUNAVAIL 5     /* target (or vhd) unavailable */
#define VHCTL_ETIMEOUT 6
#define VHCTL_EPERM 7

struct vhctl {
    const char *sock;
    const char *target;      /* NULL: vhd's first */
    int json;
    uint64_t timeout_ns;
    int fd;
    struct vhd_framer fr;
    uint32_t next_id;
    const char *verb;        /* for messages: "vcpu create" */
};

/* --- connection (conn.c) -------------------------------------------------- */
int vhctl_connect(struct vhctl *v);
void vhctl_disconnect(struct vhctl *v);
/* Send rq (id and target filled in). Returns 0 or an exit code. */
int vhctl_send(struct vhctl *v, Vhd__ClientRequest *rq);
/* Next response within timeout_ms (-1: forever): 1 got, 0 timeout, <0 an
 * exit code (connection lost). */
int vhctl_recv(struct vhctl *v, Vhd__ClientResponse **out, int timeout_ms);
/* Send and wait for the answer to it; returns 0 with *out or an exit code
 * (the message printed).  An answer with a status other than OK is
 * printed and mapped to an exit code, *out is still set then. */
int vhctl_call(struct vhctl *v, Vhd__ClientRequest *rq, Vhd__ClientResponse **out);
/* Forward a vh.Request to the target; as vhctl_call. */
int vhctl_forward(struct vhctl *v, Vh__Request *fw, Vhd__ClientResponse **out);
int vhctl_exit_for_status(int status);
/* Print "vhctl: <verb>: <detail>" for a failed response; returns the exit code. */
int vhctl_report(struct vhctl *v, const Vhd__ClientResponse *r);
int vhctl_timeout_ms(const struct vhctl *v);

/* --- messages and argument helpers (util.c) --------------------------------- */
void vhctl_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Closest of the NULL-terminated words to `w` (NULL if none is close). */
const char *vhctl_suggest(const char *w, const char *const *words);
/* "unknown verb 'lst'; did you mean 'list'?" and the choices. */
int vhctl_unknown(const char *what, const char *w, const char *const *words);
int vhctl_parse_u32(const char *opt, const char *s, uint32_t *out);
int vhctl_parse_u64(const char *opt, const char *s, uint64_t *out);
int vhctl_parse_percent(const char *opt, const char *s, uint32_t *ppm);
const char *vhctl_status_name(int status);

/* --- verbs -------------------------------------------------------------------- */
int vhctl_cmd_target(struct vhctl *v, int argc, char **argv);
int vhctl_cmd_status(struct vhctl *v, int argc, char **argv);
int vhctl_cmd_adu(struct vhctl *v, int argc, char **argv);
int vhctl_cmd_vcpu(struct vhctl *v, int argc, char **argv);
int vhctl_cmd_stats(struct vhctl *v, int argc, char **argv);
int vhctl_cmd_console(struct vhctl *v, int argc, char **argv);
int vhctl_cmd_link(struct vhctl *v, int argc, char **argv);
int vhctl_cmd_campaign(struct vhctl *v, int argc, char **argv); /* campaign_run.c */

/* 1 if argv holds -h/--help (the verb then prints its help). */
int vhctl_wants_help(int argc, char **argv);

#endif /* VHCTL_H */
