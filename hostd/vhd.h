/*
 * vhd internals: the daemon, its targets, their calls and streams, and the
 * local clients.  Everything runs on one libuv loop, so nothing is locked;
 * the rule instead is ownership: a target owns its connection, calls,
 * consoles and fan-out; a client owns its streams; a stream is linked into
 * both and is freed by whichever side goes first (vhd_stream_end).
 *
 * Module map: main.c (options, signals, shutdown), api.c (local sockets,
 * request dispatch), client.c (one local connection: framing, bounded
 * output), target.c (state machine, hello, heartbeat, reconnect), conn.c
 * (unix/tcp/serial transport), serial.c (termios), linkio.c (frames <->
 * channels), rpc.c (call ids, timeouts, retries), fanout.c (shared stats
 * subscription), console.c (per-ADU scrollback), qemu.c (QEMU supervision),
 * scen.c/elfsym.c (symbols), backoff.c, apiframe.c, spec.c, log.c.
 */
#ifndef VHD_H
#define VHD_H

#include <stdint.h>
#include <sys/types.h>
#include <uv.h>

#include <mgmt/link.h>

#include "apiframe.h"
#include "backoff.h"
#include "list.h"
#include "scen.h"
#include "spec.h"
#include "vh.pb-c.h"
#include "vhd.pb-c.h"

#define VHD_NCONSOLES 64
#define VHD_SCROLLBACK (64 * 1024)
/* Output to a local client (client.c).  What counts is the bytes libuv still
 * holds for it because the kernel's socket buffer is full: a stream message
 * is skipped (and counted in that stream's next Gap) once they reach the
 * client's budget, VHD_CLIENT_QUEUE_BYTES plus VHD_CLIENT_QUEUE_PER_STREAM
 * for each of its streams, at most VHD_CLIENT_QUEUE_MAX.  Answers, replays
 * and stream ends are never skipped; past VHD_CLIENT_HARD_BYTES held, or
 * VHD_CLIENT_HARD_WRITES writes not completed, the client is dropped. */
#define VHD_CLIENT_QUEUE_BYTES (256u * 1024)
#define VHD_CLIENT_QUEUE_PER_STREAM (16u * 1024)
#define VHD_CLIENT_QUEUE_MAX (8u * 1024 * 1024)
#define VHD_CLIENT_QUEUE_WRITES 16384   /* also skip past this many writes not completed */
#define VHD_CLIENT_HARD_BYTES (32u * 1024 * 1024)
#define VHD_CLIENT_HARD_WRITES 65536
#define VHD_TICK_MS 100
#define VHD_ATTEMPT_MS 1000        /* per attempt of a call before a retry */
#define VHD_DEFAULT_TIMEOUT_MS 5000
#define VHD_HEARTBEAT_MS 1000

struct vhd;
struct vhd_client;
struct vhd_target;

/* --- streams (console attaches and stats subscriptions of clients) ------ */

enum vhd_stream_kind { VHD_STREAM_STATS, VHD_STREAM_CONSOLE };

struct vhd_stream {
    struct vhd_list tlink; /* in the target's fan-out or console list */
    struct vhd_list clink; /* in the client's list */
    struct vhd_client *c;
    struct vhd_target *t;
    enum vhd_stream_kind kind;
    uint32_t id;           /* the client's request id */
    int adu;               /* console: ADU id (channel - LINK_CH_CONSOLE0) */
    char adu_name[16];
    uint32_t rate_hz;      /* stats: what this client asked for */
    uint64_t last_ns;      /* stats: when it last got one */
    uint64_t skipped;      /* messages dropped since the last delivered */
};

/* Send a stream message (droppable: a full client gets a gap marker later). */
void vhd_stream_send(struct vhd_stream *s, Vhd__ClientResponse *m);
/* End a stream: tell the client (if still there) and free it. */
void vhd_stream_end(struct vhd_stream *s, int status, const char *reason);

/* --- console scrollback (console.c) ------------------------------------- */

struct vhd_ring {
    uint8_t *buf; /* VHD_SCROLLBACK bytes, allocated on first output */
    size_t head;  /* next write position */
    size_t len;   /* bytes held */
};

void vhd_ring_put(struct vhd_ring *r, const uint8_t *p, size_t n);
/* Copy out the held bytes, oldest first; returns the count (<= cap). */
size_t vhd_ring_read(const struct vhd_ring *r, uint8_t *out, size_t cap);
void vhd_ring_free(struct vhd_ring *r);

/* --- calls to a target (rpc.c) ------------------------------------------ */

struct vhd_call;
typedef void (*vhd_call_done_fn)(struct vhd_call *call, const Vh__Response *r, int status,
                                 const char *detail);

struct vhd_call {
    struct vhd_list link;
    struct vhd_target *t;
    uint32_t call_id;
    uint64_t op_id;           /* mutations: same on every retry */
    uint8_t *req;             /* packed vh.Request */
    size_t req_len;
    uint64_t deadline_ns;
    uint64_t retry_ns;        /* when to send again if unanswered */
    unsigned attempts;
    vhd_call_done_fn done;
    struct vhd_client *c;     /* owner, NULL for internal calls or when gone */
    uint32_t req_id;          /* the owner's request id */
    void *ctx;
    char ctx_str[16];
};

/* Queue a call (sent now if the link is up).  Returns the call or NULL (no
 * memory).  `done` runs exactly once, with r or with status/detail. */
struct vhd_call *vhd_rpc_call(struct vhd_target *t, Vh__Request *req, int mutation,
                              uint32_t timeout_ms, vhd_call_done_fn done);
/* A response arrived: returns 1 if a call took it. */
int vhd_rpc_on_response(struct vhd_target *t, const Vh__Response *r);
void vhd_rpc_tick(struct vhd_target *t, uint64_t now_ns);
void vhd_rpc_resend_all(struct vhd_target *t);
void vhd_rpc_fail_all(struct vhd_target *t, int status, const char *detail);
void vhd_rpc_forget_client(struct vhd_target *t, struct vhd_client *c);
/* Whether a forwarded request changes the target. */
int vhd_rpc_is_mutation(const Vh__Request *req);

/* --- stats fan-out (fanout.c) ------------------------------------------- */

struct vhd_fanout {
    struct vhd_list subs;     /* vhd_stream.tlink */
    uint32_t call_id;         /* the target subscription, 0: none */
    uint32_t rate_hz;         /* what it was made with */
    uint64_t published, delivered, skipped;
};

void vhd_fanout_init(struct vhd_fanout *f);
/* Deliver one sample to every subscriber (per-client rate, bounded queue). */
void vhd_fanout_publish(struct vhd_fanout *f, const Vh__Stats *st, uint64_t now_ns);
void vhd_fanout_add(struct vhd_target *t, struct vhd_stream *s);
void vhd_fanout_remove(struct vhd_target *t, struct vhd_stream *s);
/* Make the target subscription match the subscribers (after link up). */
void vhd_fanout_sync(struct vhd_target *t);
/* A response on the subscription's call id: returns 1 if it was ours. */
int vhd_fanout_on_response(struct vhd_target *t, const Vh__Response *r);
void vhd_fanout_event(struct vhd_fanout *f, Vhd__TargetEventKind kind, uint64_t boot_id,
                      const char *detail);

/* --- targets (target.c, conn.c, linkio.c) ------------------------------- */

struct vhd_conn;

struct vhd_target {
    struct vhd_list link;      /* in vhd.targets */
    struct vhd *d;
    char name[32];
    char spec_text[256];
    struct vhd_spec spec;
    Vhd__LinkState state;
    struct vhd_conn *conn;
    uv_timer_t tick;           /* heartbeats, retries, call timeouts */
    uint64_t retry_at_ns;      /* DOWN: when to connect again */
    struct vhd_backoff backoff;
    char last_error[160];
    int stopping;

    struct link_rx rx;
    struct link_counters ctr;      /* ours */
    Vh__LinkCounters remote;       /* target's, from its heartbeat */
    uint64_t heartbeats_rx, text_bytes, ncalls, retries, timeouts;
    uint32_t reconnects, reboots, connects;

    char build_id[64];
    uint64_t boot_id;
    int have_boot;
    char scenario[64];
    uint32_t proto_version, peer_hb_ms;
    uint64_t last_rx_ns, last_hb_tx_ns, last_hello_tx_ns, up_since_ns, hb_seq;

    uint32_t next_call_id;
    uint64_t next_op_id;
    struct vhd_list calls;

    struct vhd_fanout fan;
    struct vhd_ring con[VHD_NCONSOLES];
    struct vhd_ring log;           /* hypervisor log + text outside frames */
    struct vhd_list attaches;      /* console streams */
    char adu_name[VHD_NCONSOLES][16];

    struct vhd_scen_info *scen;    /* NULL until known */
    struct vhd_qemu *qemu;         /* qemu: targets */
    char qemu_sock[108];           /* qemu: the chardev socket */
};

/* Create and start a target; returns 0 or -1 with why[]. */
int vhd_target_add(struct vhd *d, const char *name, const char *spec, char *why, size_t wl);
struct vhd_target *vhd_target_find(struct vhd *d, const char *name);
/* Stop and free (asynchronously: handles close on the loop). */
void vhd_target_remove(struct vhd_target *t, const char *reason);
void vhd_target_forget_client(struct vhd_target *t, struct vhd_client *c);
/* Fill a TargetStatus (strings point into t). */
void vhd_target_status(struct vhd_target *t, Vhd__TargetStatus *st);
/* Connection events, from conn.c. */
void vhd_target_connected(struct vhd_target *t);
void vhd_target_lost(struct vhd_target *t, const char *why);
void vhd_target_data(struct vhd_target *t, const uint8_t *p, size_t n);
/* Frames (linkio.c). */
int vhd_target_send_frame(struct vhd_target *t, uint8_t ch, const uint8_t *p, size_t n);
void vhd_target_on_frame(struct vhd_target *t, const struct link_frame *f);
void vhd_target_send_hello(struct vhd_target *t);
void vhd_target_send_heartbeat(struct vhd_target *t);
void vhd_target_on_control(struct vhd_target *t, const uint8_t *p, size_t n);
/* Console output of ADU id `adu` (console.c). */
void vhd_console_output(struct vhd_target *t, int adu, const uint8_t *p, size_t n);
/* Console: attach a stream (sends scrollback). */
void vhd_console_attach(struct vhd_target *t, struct vhd_stream *s, int scrollback);
int vhd_console_adu_id(struct vhd_target *t, const char *name);

int vhd_conn_open(struct vhd_target *t);
int vhd_conn_write(struct vhd_conn *c, const uint8_t *p, size_t n);
void vhd_conn_close(struct vhd_conn *c);

/* Serial line (serial.c): open DEVICE raw at baud; returns fd or -errno. */
int vhd_serial_open(const char *dev, unsigned baud);

/* QEMU (qemu.c).  The command line for target `name` (also its chardev
 * socket path into sock[]); 0 or -1 if it does not fit. */
struct vhd_qemu_cmd;
int vhd_qemu_command(struct vhd *d, const struct vhd_spec *sp, const struct vhd_scen_info *scen,
                     const char *name, struct vhd_qemu_cmd *cmd, char *sock, size_t sockcap);
int vhd_qemu_start(struct vhd_target *t, char *why, size_t wl);
void vhd_qemu_stop(struct vhd_target *t);
int vhd_qemu_pid(const struct vhd_target *t);
/* Number of QEMUs still running (shutdown waits for 0). */
unsigned vhd_qemu_running(void);

/* --- local clients (client.c, api.c) ------------------------------------ */

struct vhd_client {
    struct vhd_list link;      /* in vhd.clients */
    struct vhd *d;
    uv_pipe_t pipe;
    int readonly;
    unsigned serial;
    uid_t uid;
    pid_t pid;
    struct vhd_framer fr;
    unsigned inflight;         /* writes not yet completed */
    struct vhd_list streams;
    int closing;
    int behind;                /* skipping stream messages (over its budget) */
    uint64_t behind_skipped;   /* stream messages skipped since it fell behind */
    uint64_t behind_logged_ns; /* when "behind" was last logged */
};

/* Wrap an accepted (or socketpair) fd as a client. Returns NULL on failure. */
struct vhd_client *vhd_client_open(struct vhd *d, int fd, int readonly);
/* Accept a connection on a listening socket. */
struct vhd_client *vhd_client_accept(struct vhd *d, uv_stream_t *server, int readonly);
/* Send a response; returns 0, or -1 if the client was dropped. */
int vhd_client_send(struct vhd_client *c, const Vhd__ClientResponse *m);
/* Simple answer: status + detail. */
void vhd_client_reply(struct vhd_client *c, uint32_t id, const char *target, int status,
                      const char *detail);
void vhd_client_drop(struct vhd_client *c, const char *why);
/* A decoded request (api.c). */
void vhd_api_dispatch(struct vhd_client *c, const Vhd__ClientRequest *rq);

struct vhd {
    uv_loop_t *loop;
    struct vhd_list targets;
    struct vhd_list clients;
    uv_pipe_t admin, ro;
    int listening;
    char sock_path[108];
    char ro_path[112];
    char build_dir[VHD_PATH_MAX];
    char source_dir[VHD_PATH_MAX];
    char qemu_bin[VHD_PATH_MAX];
    unsigned next_serial;
    int stopping;
};

void vhd_init(struct vhd *d, uv_loop_t *loop);
/* Listen on PATH (admin, 0660) and PATH.ro (read-only, 0666). */
int vhd_api_listen(struct vhd *d, const char *path);
/* Close listeners, clients and targets (handles close on the loop). */
void vhd_shutdown(struct vhd *d);

uint64_t vhd_now_ns(void);

#endif /* VHD_H */
