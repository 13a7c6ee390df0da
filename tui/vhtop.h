/*
 * vhtop internals: the application state (connection, model, requests in
 * flight, the stats subscription) and the screen state, and the functions
 * the modules offer each other:
 *   app.c    talking to vhd: refresh requests, the stats stream, events,
 *            synchronous calls for the actions
 *   view.c   drawing the screen (curses)
 *   form.c   the action forms and prompts (curses)
 *   batch.c  -b: plain-text snapshots
 *   main.c   options and the main loop
 * Single-threaded; nothing here is called from a signal handler.
 */
#ifndef VHTOP_H
#define VHTOP_H

#include <stdint.h>

#include "conn.h"
#include "model.h"

struct vhtop_opts {
    const char *sock;
    const char *target;     /* NULL: vhd's first target */
    double delay_s;         /* refresh period */
    int batch;
    long count;             /* -n: snapshots (0: unlimited) */
    int color;              /* 0: --no-color */
};

/* Refresh requests, at most one of each in flight. */
enum vhtop_query { VHTOP_Q_TARGETS, VHTOP_Q_STATUS, VHTOP_Q_ADUS, VHTOP_Q_VCPUS, VHTOP_Q_LINK,
                   VHTOP_NQUERY };

struct vhtop_app {
    struct vhtop_opts o;
    char target[64];            /* asked for ("": vhd's first) */
    char shown[64];             /* the name vhd answers with */
    struct vhtop_conn conn;
    struct vhtop_model m;
    uint32_t pending[VHTOP_NQUERY];
    uint64_t pending_ns[VHTOP_NQUERY];
    uint32_t sub_id;            /* stats subscription request (0: none) */
    uint32_t sub_rate_hz;
    Vhd__ClientResponse *latest; /* newest stats sample not yet taken */
    int sample_due;             /* a tick found no sample: take the next at once */
    uint64_t next_connect_ns;
    uint64_t next_tick_ns;      /* next refresh */
    int ever_connected;
    char sub_err[256];          /* why the subscription ended, if it did */
    char event[256];            /* last link event, shown in the header */
    uint64_t event_ns;
    int link_down;              /* an EV_LINK_DOWN not yet followed by EV_LINK_UP */
    int admin_refused;          /* vhd said PERMISSION_DENIED to an action */
};

/* --- app.c ------------------------------------------------------------------------ */
uint64_t vhtop_now_ns(void);
void vhtop_app_init(struct vhtop_app *a, const struct vhtop_opts *o);
void vhtop_app_fini(struct vhtop_app *a);
/* Connect to vhd when not connected and the retry time has come; a new
 * connection subscribes to the stats and asks for everything. */
void vhtop_app_connect(struct vhtop_app *a);
/* Ask for what the screen shows (one request of each kind at a time). */
void vhtop_app_refresh(struct vhtop_app *a);
/* The socket is readable: read and handle every whole message. */
void vhtop_app_readable(struct vhtop_app *a);
/* Time-driven work: (re)connect, and once per refresh period take the
 * newest sample and ask for the rest.  Returns ms until it is due again. */
int vhtop_app_tick(struct vhtop_app *a);
/* Take the newest stats sample into the model; 1 if there was one. */
int vhtop_app_take_sample(struct vhtop_app *a);
/* Change the refresh period (re-subscribes at the matching rate). */
void vhtop_app_set_delay(struct vhtop_app *a, double s);
/* Show another target. */
void vhtop_app_switch_target(struct vhtop_app *a, const char *name);
/* 1 when actions can be offered (admin socket, not refused). */
int vhtop_app_admin(const struct vhtop_app *a);
const char *vhtop_app_admin_hint(const struct vhtop_app *a);
/*
 * Send rq and wait up to timeout_ms for its answer, handling whatever else
 * arrives meanwhile.  Returns 0 with *out (caller frees), or -1 with a
 * sentence in why[] (no answer, connection lost).
 */
int vhtop_app_call(struct vhtop_app *a, Vhd__ClientRequest *rq, int timeout_ms,
                   Vhd__ClientResponse **out, char *why, size_t cap);
/*
 * Forward fw to the target and describe the outcome in msg[]: vhd's or the
 * target's detail verbatim.  Returns the vh status (OK = 0), or -1 when
 * there was no answer.  *out, if not NULL, receives the response.
 */
int vhtop_app_forward(struct vhtop_app *a, Vh__Request *fw, char *msg, size_t cap,
                      Vhd__ClientResponse **out);

/* --- screen (view.c, form.c) -------------------------------------------------------- */
struct vhtop_ui {
    int sel;                    /* row of the selection among the shown VCPUs */
    uint32_t sel_id;            /* selected VCPU id (kept across re-sorting) */
    int have_sel;               /* sel_id was chosen by the user */
    int top;                    /* first VCPU row shown */
    enum vhtop_sort sort;
    char filter[VHTOP_NAME_LEN];
    int help;
    int color, utf8;
    char msg[512];              /* last action's answer, on the bottom line */
    int msg_err;
    int quit;
};

void vhtop_view_init(struct vhtop_ui *u, int want_color);
void vhtop_view_draw(struct vhtop_app *a, struct vhtop_ui *u);
/* Index of the selected VCPU in a->m.vcpus, or -1. */
int vhtop_view_selected(struct vhtop_app *a, struct vhtop_ui *u);
void vhtop_view_move(struct vhtop_app *a, struct vhtop_ui *u, int delta);

/* Wait for a key, a message from vhd or the next tick (handling the
 * latter two); returns the key or ERR (then redraw and call again). */
int vhtop_ui_wait_key(struct vhtop_app *a);
/* Handle one key; actions open their forms here. */
void vhtop_form_key(struct vhtop_app *a, struct vhtop_ui *u, int key);

/* --- batch.c --------------------------------------------------------------------------- */
/* Print one snapshot of the model to stdout. */
void vhtop_batch_print(struct vhtop_app *a, int utf8);
int vhtop_batch_run(struct vhtop_app *a);

#endif /* VHTOP_H */
