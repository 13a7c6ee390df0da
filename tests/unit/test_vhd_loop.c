/*
 * vhd on a real libuv loop, in libuv's test style: count callbacks, run the
 * loop, assert the counts and that the loop closes with nothing left open.
 *   - local sockets: an oversize and a malformed client are dropped, a good
 *     client on the same daemon keeps being served;
 *   - stats fan-out: a client that does not read gets a gap marker with the
 *     count it missed, while a reading client gets every sample.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "vhd.h"

/* --- a raw test client: a uv pipe with a framer ---------------------------------- */

struct tclient {
    uv_pipe_t pipe;
    uv_connect_t conn;
    struct vhd_framer fr;
    unsigned responses, eofs, stats, gaps;
    uint64_t gap_sum;
    uint32_t last_id;
    void (*on_msg)(struct tclient *c, const Vhd__ClientResponse *r);
    void (*on_eof)(struct tclient *c);
};

static void t_alloc(uv_handle_t *h, size_t hint, uv_buf_t *b)
{
    (void)h;
    (void)hint;
    static char buf[65536];
    *b = uv_buf_init(buf, sizeof(buf));
}

static void t_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
    struct tclient *c = s->data;
    if (n < 0) {
        c->eofs++;
        uv_read_stop(s);
        if (c->on_eof)
            c->on_eof(c);
        return;
    }
    vhd_framer_feed(&c->fr, (const uint8_t *)b->base, (size_t)n);
    const uint8_t *msg;
    size_t len;
    while (vhd_framer_next(&c->fr, &msg, &len) == 1) {
        Vhd__ClientResponse *r = vhd__client_response__unpack(NULL, len, msg);
        cr_assert_not_null(r);
        c->responses++;
        c->last_id = r->id;
        if (r->result_case == VHD__CLIENT_RESPONSE__RESULT_STATS)
            c->stats++;
        if (r->result_case == VHD__CLIENT_RESPONSE__RESULT_GAP) {
            c->gaps++;
            c->gap_sum += r->gap->skipped;
        }
        if (c->on_msg)
            c->on_msg(c, r);
        vhd__client_response__free_unpacked(r, NULL);
    }
}

static void t_write_raw(struct tclient *c, const void *p, size_t n)
{
    uv_buf_t b = uv_buf_init((char *)p, (unsigned)n);
    cr_assert_eq(uv_try_write((uv_stream_t *)&c->pipe, &b, 1), (int)n);
}

static void t_send_list(struct tclient *c, uint32_t id)
{
    Vhd__ClientRequest rq = VHD__CLIENT_REQUEST__INIT;
    Vhd__TargetListReq tl = VHD__TARGET_LIST_REQ__INIT;
    uint8_t buf[64];
    rq.id = id;
    rq.call_case = VHD__CLIENT_REQUEST__CALL_TARGET_LIST;
    rq.target_list = &tl;
    size_t n = vhd__client_request__pack(&rq, buf + 4);
    vhd_frame_put_len(buf, (uint32_t)n);
    t_write_raw(c, buf, n + 4);
}

static void t_close(struct tclient *c)
{
    if (!uv_is_closing((uv_handle_t *)&c->pipe))
        uv_close((uv_handle_t *)&c->pipe, NULL);
    vhd_framer_free(&c->fr);
}

/* --- local sockets ------------------------------------------------------------------ */

static struct vhd d;
static struct tclient good, oversize, malformed;
static unsigned connects;
static char sock_path[64];

static void api_on_eof(struct tclient *c)
{
    (void)c;
    if (oversize.eofs && malformed.eofs)
        t_send_list(&good, 2); /* the daemon still serves the good client */
}

static void api_on_msg(struct tclient *c, const Vhd__ClientResponse *r)
{
    cr_assert_eq(r->result_case, VHD__CLIENT_RESPONSE__RESULT_TARGETS);
    if (r->id == 2) {
        t_close(c);
        t_close(&oversize);
        t_close(&malformed);
        vhd_shutdown(&d);
    }
}

static void api_connected(uv_connect_t *req, int status)
{
    struct tclient *c = req->data;
    cr_assert_eq(status, 0);
    connects++;
    uv_read_start((uv_stream_t *)&c->pipe, t_alloc, t_read);
    if (c == &good) {
        t_send_list(c, 1);
    } else if (c == &oversize) {
        uint8_t len[4];
        vhd_frame_put_len(len, 1u << 20);
        t_write_raw(c, len, 4);
    } else {
        static const uint8_t junk[] = {0, 0, 0, 5, 0xff, 0xff, 0xff, 0xff, 0xff};
        t_write_raw(c, junk, sizeof(junk));
    }
}

static void api_connect(uv_loop_t *loop, struct tclient *c)
{
    memset(c, 0, sizeof(*c));
    vhd_framer_init(&c->fr, 0);
    uv_pipe_init(loop, &c->pipe, 0);
    c->pipe.data = c;
    c->conn.data = c;
    c->on_msg = api_on_msg;
    c->on_eof = api_on_eof;
    uv_pipe_connect(&c->conn, &c->pipe, sock_path, api_connected);
}

Test(vhd_api, bad_clients_are_dropped_good_one_served)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    vhd_log_level = VHD_LOG_WARN;
    vhd_init(&d, &loop);
    snprintf(sock_path, sizeof(sock_path), "/tmp/vhd-test-%d.sock", (int)getpid());
    cr_assert_eq(vhd_api_listen(&d, sock_path), 0);
    cr_assert_eq(access(d.ro_path, F_OK), 0, "read-only socket beside the admin one");
    api_connect(&loop, &good);
    api_connect(&loop, &oversize);
    api_connect(&loop, &malformed);
    uv_run(&loop, UV_RUN_DEFAULT);
    cr_assert_eq(connects, 3);
    cr_assert_eq(oversize.eofs, 1, "oversize client dropped");
    cr_assert_eq(malformed.eofs, 1, "malformed client dropped");
    cr_assert_eq(oversize.responses + malformed.responses, 0);
    cr_assert_eq(good.responses, 2, "good client answered before and after");
    cr_assert_eq(good.eofs, 0);
    cr_assert_eq(access(sock_path, F_OK), -1, "socket removed on shutdown");
    cr_assert_eq(uv_loop_close(&loop), 0, "nothing left open");
}

/* --- stats fan-out with a slow client ---------------------------------------------- */

#define PHASE1 3000
#define PHASE2_MAX 20000

static struct vhd_fanout fan;
static struct tclient fast, slow;
static struct vhd_client *cfast, *cslow;
static struct vhd_stream *sfast, *sslow;
static uv_idle_t idle;
static unsigned published;
static Vh__Stats sample;
static Vh__VcpuStats vs[32], *vsp[32];

static void fan_stop(void)
{
    uv_idle_stop(&idle);
    uv_close((uv_handle_t *)&idle, NULL);
    vhd_list_del(&sfast->tlink);
    vhd_list_del(&sslow->tlink);
    vhd_client_drop(cfast, NULL);
    vhd_client_drop(cslow, NULL);
    t_close(&fast);
    t_close(&slow);
}

static unsigned drain_spins;

/* After publishing: wait until both readers have everything, then close. */
static void fan_drain(uv_idle_t *h)
{
    (void)h;
    if ((fast.stats == published && slow.stats + slow.gap_sum == published) ||
        ++drain_spins == PHASE2_MAX)
        fan_stop();
}

static void fan_publish(uv_idle_t *h)
{
    (void)h;
    sample.seq = published;
    vhd_fanout_publish(&fan, &sample, (uint64_t)published * 20000000ull);
    published++;
    if (published == PHASE1)
        uv_read_start((uv_stream_t *)&slow.pipe, t_alloc, t_read);
    /* Once the slow client reads again, its next sample is preceded by the
     * gap marker; a few more samples make sure it went out. */
    if ((published > PHASE1 + 50 && slow.gaps && sslow->skipped == 0) ||
        published == PHASE1 + PHASE2_MAX) {
        uv_idle_stop(&idle); /* start on an active handle keeps the old callback */
        uv_idle_start(&idle, fan_drain);
    }
}

static struct vhd_stream *fan_stream(struct vhd_client *c, uint32_t id)
{
    struct vhd_stream *s = calloc(1, sizeof(*s));
    s->c = c;
    s->kind = VHD_STREAM_STATS;
    s->id = id;
    s->rate_hz = 100; /* samples come every 20 ms: all are due */
    vhd_list_add_tail(&c->streams, &s->clink);
    vhd_list_add_tail(&fan.subs, &s->tlink);
    return s;
}

static void fan_reader(uv_loop_t *loop, struct tclient *c, int fd)
{
    memset(c, 0, sizeof(*c));
    vhd_framer_init(&c->fr, 0);
    uv_pipe_init(loop, &c->pipe, 0);
    c->pipe.data = c;
    cr_assert_eq(uv_pipe_open(&c->pipe, fd), 0);
}

Test(vhd_fanout, slow_client_gets_gap_marker_fast_client_everything)
{
    uv_loop_t loop;
    int fa[2], fs[2];
    uv_loop_init(&loop);
    vhd_log_level = VHD_LOG_WARN;
    vhd_init(&d, &loop);
    vhd_fanout_init(&fan);
    for (int i = 0; i < 32; i++) {
        vh__vcpu_stats__init(&vs[i]);
        vs[i].vcpu_id = (uint32_t)i;
        vs[i].run_ns = 123456789ull * (uint64_t)(i + 1);
        vsp[i] = &vs[i];
    }
    vh__stats__init(&sample);
    sample.n_vcpus = 32;
    sample.vcpus = vsp;
    cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, fa), 0);
    cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, fs), 0);
    cfast = vhd_client_open(&d, fa[0], 1);
    cslow = vhd_client_open(&d, fs[0], 1);
    cr_assert(cfast && cslow);
    sfast = fan_stream(cfast, 7);
    sslow = fan_stream(cslow, 9);
    fan_reader(&loop, &fast, fa[1]);
    fan_reader(&loop, &slow, fs[1]);
    uv_read_start((uv_stream_t *)&fast.pipe, t_alloc, t_read);
    uv_idle_init(&loop, &idle);
    uv_idle_start(&idle, fan_publish);
    uv_run(&loop, UV_RUN_DEFAULT);
    cr_assert_lt(drain_spins, PHASE2_MAX, "slow client caught up: stats %u gaps %u sum %llu skipped %llu inflight %u fast %u", slow.stats, slow.gaps, (unsigned long long)slow.gap_sum, (unsigned long long)sslow->skipped, cslow->inflight, fast.stats);
    cr_assert_eq(fast.gaps, 0, "a reading client loses nothing");
    cr_assert_eq(fast.stats, published);
    cr_assert_geq(slow.gaps, 1, "the slow client was told");
    cr_assert_gt(slow.gap_sum, 0);
    cr_assert_eq(slow.stats + slow.gap_sum, published, "every sample delivered or counted");
    cr_assert_eq(fan.published, published);
    cr_assert_eq(uv_loop_close(&loop), 0, "nothing left open");
}
