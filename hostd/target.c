/*
 * One target: connect, exchange Hello, heartbeat, notice loss and reconnect
 * with exponential backoff and jitter, notice reboots (a new boot id) and
 * recover from them: calls in flight fail with UNAVAILABLE, the stats
 * subscription is made again.  One 100 ms tick drives heartbeats, the
 * reconnect schedule, call retries and deadlines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "vhd.h"
#include "vhd_api.h"

#define VHD__RECONNECT_BASE_MS 100
#define VHD__RECONNECT_MAX_MS 5000
#define VHD__DEAD_MIN_MS 5000

uint64_t vhd_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static const char *vhd__state_name(Vhd__LinkState s)
{
    static const char *const n[] = {"down", "connecting", "hello", "up", "stopped"};
    return (unsigned)s < 5 ? n[s] : "?";
}

static void vhd__set_state(struct vhd_target *t, Vhd__LinkState s)
{
    if (t->state != s)
        vhd_debug("target %s: %s -> %s", t->name, vhd__state_name(t->state), vhd__state_name(s));
    t->state = s;
}

static void vhd__schedule_retry(struct vhd_target *t)
{
    uint64_t ms = vhd_backoff_next(&t->backoff);
    t->retry_at_ns = vhd_now_ns() + ms * 1000000ull;
    vhd__set_state(t, VHD__LINK_STATE__LINK_DOWN);
    vhd_debug("target %s: next attempt in %llu ms", t->name, (unsigned long long)ms);
}

static void vhd__connect(struct vhd_target *t)
{
    vhd__set_state(t, VHD__LINK_STATE__LINK_CONNECTING);
    int rc = vhd_conn_open(t);
    if (rc < 0) {
        snprintf(t->last_error, sizeof(t->last_error), "%s", uv_strerror(rc));
        vhd__schedule_retry(t);
    }
}

void vhd_target_connected(struct vhd_target *t)
{
    link_rx_init(&t->rx, &t->ctr);
    t->connects++;
    t->last_error[0] = 0;
    t->last_rx_ns = vhd_now_ns();
    vhd__set_state(t, VHD__LINK_STATE__LINK_HELLO);
    vhd_debug("target %s: connected, sending hello", t->name);
    vhd_target_send_hello(t);
}

void vhd_target_lost(struct vhd_target *t, const char *why)
{
    if (!t->conn)
        return;
    int was_up = t->state == VHD__LINK_STATE__LINK_UP;
    snprintf(t->last_error, sizeof(t->last_error), "%s", why);
    vhd_conn_close(t->conn);
    t->conn = NULL;
    t->up_since_ns = 0;
    if (was_up) {
        vhd_warn("target %s: link lost: %s", t->name, why);
        vhd_fanout_event(&t->fan, VHD__TARGET_EVENT_KIND__EV_LINK_DOWN, t->boot_id, why);
    } else {
        vhd_debug("target %s: connect failed: %s", t->name, why);
    }
    t->fan.call_id = 0;
    if (!t->stopping)
        vhd__schedule_retry(t);
}

/* The target's Hello: (re)establish the session, noticing a reboot. */
static void vhd__on_hello(struct vhd_target *t, const Vh__Hello *h)
{
    int rebooted = t->have_boot && h->boot_id != t->boot_id;
    uint64_t old = t->boot_id;
    snprintf(t->build_id, sizeof(t->build_id), "%s", h->build_id);
    snprintf(t->scenario, sizeof(t->scenario), "%s", h->scenario);
    t->proto_version = h->protocol_version;
    t->peer_hb_ms = h->heartbeat_ms;
    t->boot_id = h->boot_id;
    t->have_boot = 1;
    if (t->state == VHD__LINK_STATE__LINK_HELLO && t->connects > 1)
        t->reconnects++;
    vhd__set_state(t, VHD__LINK_STATE__LINK_UP);
    t->up_since_ns = vhd_now_ns();
    vhd_backoff_reset(&t->backoff);
    if (h->protocol_version != VH__VERSION__PROTOCOL_VERSION)
        vhd_warn("target %s: protocol version %u, vhd speaks %u", t->name, h->protocol_version,
                 VH__VERSION__PROTOCOL_VERSION);
    if (rebooted) {
        char why[160];
        t->reboots++;
        snprintf(why, sizeof(why), "target '%s' rebooted (boot id %016llx -> %016llx); "
                 "the call was lost and may or may not have taken effect", t->name,
                 (unsigned long long)old, (unsigned long long)h->boot_id);
        vhd_warn("target %s: rebooted (boot id %016llx -> %016llx)", t->name,
                 (unsigned long long)old, (unsigned long long)h->boot_id);
        vhd_rpc_fail_all(t, VH__STATUS__UNAVAILABLE, why);
        memset(t->adu_name, 0, sizeof(t->adu_name));
        vhd_fanout_event(&t->fan, VHD__TARGET_EVENT_KIND__EV_REBOOTED, h->boot_id, why);
    } else {
        vhd_fanout_event(&t->fan, VHD__TARGET_EVENT_KIND__EV_LINK_UP, h->boot_id, "link up");
    }
    vhd_info("target %s: up (build %s, boot id %016llx, scenario '%s')", t->name, t->build_id,
             (unsigned long long)t->boot_id, t->scenario);
    t->fan.call_id = 0;
    vhd_fanout_sync(t);
    vhd_rpc_resend_all(t);
    vhd_api_refresh_adus(t);
}

void vhd_target_on_control(struct vhd_target *t, const uint8_t *p, size_t n)
{
    Vh__LinkControl *lc = vh__link_control__unpack(NULL, n, p);
    if (!lc) {
        t->ctr.rx_dropped++;
        return;
    }
    if (lc->msg_case == VH__LINK_CONTROL__MSG_HELLO && lc->hello)
        vhd__on_hello(t, lc->hello);
    else if (lc->msg_case == VH__LINK_CONTROL__MSG_HEARTBEAT && lc->heartbeat) {
        t->heartbeats_rx++;
        if (lc->heartbeat->counters) {
            Vh__LinkCounters tmp = *lc->heartbeat->counters;
            tmp.base = t->remote.base;
            t->remote = tmp;
        }
    } else if (lc->msg_case == VH__LINK_CONTROL__MSG_BYE) {
        vhd_info("target %s: said bye; waiting for its hello", t->name);
        vhd__set_state(t, VHD__LINK_STATE__LINK_HELLO);
        t->fan.call_id = 0;
    }
    vh__link_control__free_unpacked(lc, NULL);
}

static void vhd__tick_link(struct vhd_target *t, uint64_t now)
{
    uint64_t ms = 1000000ull;
    if (t->state == VHD__LINK_STATE__LINK_DOWN && now >= t->retry_at_ns && !t->stopping) {
        vhd__connect(t);
        return;
    }
    if (t->state == VHD__LINK_STATE__LINK_HELLO && now - t->last_hello_tx_ns >= 1000 * ms)
        vhd_target_send_hello(t);
    if (t->state != VHD__LINK_STATE__LINK_UP)
        return;
    if (now - t->last_hb_tx_ns >= VHD_HEARTBEAT_MS * ms)
        vhd_target_send_heartbeat(t);
    uint64_t dead_ms = t->peer_hb_ms ? 5ull * t->peer_hb_ms : VHD__DEAD_MIN_MS;
    if (dead_ms < VHD__DEAD_MIN_MS)
        dead_ms = VHD__DEAD_MIN_MS;
    if (t->peer_hb_ms && now - t->last_rx_ns > dead_ms * ms)
        vhd_target_lost(t, "no heartbeat from the target");
}

static void vhd__tick(uv_timer_t *tm)
{
    struct vhd_target *t = tm->data;
    uint64_t now = vhd_now_ns();
    vhd__tick_link(t, now);
    vhd_rpc_tick(t, now);
    if (t->state == VHD__LINK_STATE__LINK_UP)
        vhd_fanout_sync(t);
}

/* A qemu: target's scenario.  Without its .vhs vhd still boots the image
 * the build made of it (its CPU count and symbols unknown: a warning);
 * without that image either there is nothing to boot: -1 with why[]. */
static int vhd__target_load_scen(struct vhd_target *t, char *why, size_t wl)
{
    char elf[VHD_PATH_MAX + 96];
    t->scen = calloc(1, sizeof(*t->scen));
    if (!t->scen) {
        snprintf(why, wl, "out of memory");
        return -1;
    }
    if (vhd_scen_load(t->d->source_dir, t->d->build_dir, t->spec.scenario, t->scen, why, wl) == 0)
        return 0;
    free(t->scen);
    t->scen = NULL;
    vhd_scen_elf_path(t->d->build_dir, t->spec.scenario, elf, sizeof(elf));
    if (access(elf, R_OK) != 0) {
        size_t n = strlen(why);
        snprintf(why + n, wl - n, "; no image %s either (see --source-dir, --build-dir)", elf);
        return -1;
    }
    vhd_warn("target %s: %s", t->name, why);
    return 0;
}

static struct vhd_target *vhd__target_new(struct vhd *d, const char *name, const char *spec)
{
    struct vhd_target *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->d = d;
    snprintf(t->name, sizeof(t->name), "%s", name);
    snprintf(t->spec_text, sizeof(t->spec_text), "%s", spec);
    vhd_list_init(&t->calls);
    vhd_list_init(&t->attaches);
    vhd_fanout_init(&t->fan);
    vh__link_counters__init(&t->remote);
    link_rx_init(&t->rx, &t->ctr);
    t->next_call_id = 1;
    t->next_op_id = ((uint64_t)uv_os_getpid() << 32) ^ (vhd_now_ns() & 0xffffffffu);
    vhd_backoff_init(&t->backoff, VHD__RECONNECT_BASE_MS, VHD__RECONNECT_MAX_MS,
                     vhd_now_ns() ^ (uintptr_t)t);
    return t;
}

int vhd_target_add(struct vhd *d, const char *name, const char *spec, char *why, size_t wl)
{
    struct vhd_spec sp;
    if (vhd_name_check(name, why, wl) || vhd_spec_parse(spec, &sp, why, wl))
        return -1;
    if (vhd_target_find(d, name)) {
        snprintf(why, wl, "target '%s' exists already; remove it first or pick another name",
                 name);
        return -1;
    }
    struct vhd_target *t = vhd__target_new(d, name, spec);
    if (!t) {
        snprintf(why, wl, "out of memory");
        return -1;
    }
    t->spec = sp;
    if (sp.kind == VHD_SPEC_QEMU) {
        if (vhd__target_load_scen(t, why, wl) || vhd_qemu_start(t, why, wl)) {
            free(t->scen);
            free(t);
            return -1;
        }
    }
    uv_timer_init(d->loop, &t->tick);
    t->tick.data = t;
    uv_timer_start(&t->tick, vhd__tick, VHD_TICK_MS, VHD_TICK_MS);
    vhd_list_add_tail(&d->targets, &t->link);
    vhd_info("target %s: added (%s)", name, spec);
    vhd__connect(t);
    return 0;
}

struct vhd_target *vhd_target_find(struct vhd *d, const char *name)
{
    struct vhd_list *pos, *tmp;
    vhd_list_for_each_safe(pos, tmp, &d->targets)
    {
        struct vhd_target *t = vhd_container_of(pos, struct vhd_target, link);
        if (!name || !*name || strcmp(t->name, name) == 0)
            return t;
    }
    return NULL;
}

static void vhd__target_free(uv_handle_t *h)
{
    struct vhd_target *t = h->data;
    for (unsigned i = 0; i < VHD_NCONSOLES; i++)
        vhd_ring_free(&t->con[i]);
    vhd_ring_free(&t->log);
    free(t->scen);
    free(t);
}

static void vhd__target_end_streams(struct vhd_target *t, const char *reason)
{
    struct vhd_list *pos, *tmp;
    vhd_list_for_each_safe(pos, tmp, &t->fan.subs)
        vhd_stream_end(vhd_container_of(pos, struct vhd_stream, tlink), VH__STATUS__UNAVAILABLE,
                       reason);
    vhd_list_for_each_safe(pos, tmp, &t->attaches)
        vhd_stream_end(vhd_container_of(pos, struct vhd_stream, tlink), VH__STATUS__UNAVAILABLE,
                       reason);
}

void vhd_target_remove(struct vhd_target *t, const char *reason)
{
    char why[128];
    snprintf(why, sizeof(why), "target '%s' %s", t->name, reason);
    t->stopping = 1;
    vhd_info("target %s: %s", t->name, reason);
    vhd__target_end_streams(t, why);
    vhd_rpc_fail_all(t, VH__STATUS__UNAVAILABLE, why);
    if (t->conn) {
        if (t->state == VHD__LINK_STATE__LINK_UP) {
            Vh__LinkControl lc = VH__LINK_CONTROL__INIT;
            Vh__Bye bye = VH__BYE__INIT;
            lc.msg_case = VH__LINK_CONTROL__MSG_BYE;
            lc.bye = &bye;
            uint8_t buf[16];
            size_t n = vh__link_control__pack(&lc, buf);
            vhd_target_send_frame(t, LINK_CH_CONTROL, buf, n);
        }
        vhd_conn_close(t->conn);
        t->conn = NULL;
    }
    vhd_qemu_stop(t);
    t->state = VHD__LINK_STATE__LINK_STOPPED;
    vhd_list_del(&t->link);
    uv_close((uv_handle_t *)&t->tick, vhd__target_free);
}

void vhd_target_forget_client(struct vhd_target *t, struct vhd_client *c)
{
    vhd_rpc_forget_client(t, c);
}

void vhd_target_status(struct vhd_target *t, Vhd__TargetStatus *st)
{
    st->name = t->name;
    st->spec = t->spec_text;
    st->state = t->state;
    st->build_id = t->build_id;
    st->boot_id = t->boot_id;
    st->scenario = t->scenario;
    st->protocol_version = t->proto_version;
    st->reconnects = t->reconnects;
    st->reboots = t->reboots;
    st->last_error = t->last_error;
    st->qemu_pid = vhd_qemu_pid(t);
    st->up_since_ns = t->up_since_ns;
}
