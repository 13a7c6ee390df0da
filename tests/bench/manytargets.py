"""make bench, part 6: vhd serving statistics from many targets.

N host-side fake targets (build/mgmt-agent/vh-fake-target: the real management agent over a simulated
hypervisor, speaking the board's wire protocol on a Unix socket) are all added to one vhd.  Once every
link is up, vhd's CPU time (utime + stime from /proc/PID/stat) and memory (VmRSS, VmHWM) are measured
over a window, three ways:

- idle: links up, nobody subscribed (vhd only keeps the links);
- 1 client: one API connection subscribed to every target's statistics at RATE Hz;
- N clients: one connection per target, one subscription each (as N `vhctl stats --follow -t T`).

The clients are this process, through vhdclient (vhd's framing and protobuf by hand), so vhctl's own
start-up and output formatting are not part of the load.  The functions take the run.py module as `b`
for its process helpers (start, kill, Vhd, proc_cpu, log) and paths.
"""
import os
import selectors
import subprocess
import time

import vhdclient as vc


from vhtestlib import proc_mem_kb  # noqa: E402,F401 (tests/lib, on the path through vhdclient)


def start_fakes(b, n, d):
    fake = os.path.join(b.BUILD, "mgmt-agent", "vh-fake-target")
    procs, targets = [], []
    for i in range(n):
        path = os.path.join(d, "f%d.sock" % i)
        procs.append(b.start([fake, "--listen", "unix:" + path, "--tick-ms", "0", "--boot-id", str(i + 1)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        targets.append(("f%d" % i, "unix:" + path))
    end = time.time() + 20
    while time.time() < end and not all(os.path.exists(s[5:]) for _, s in targets):
        time.sleep(0.1)
    return procs, targets


def add_and_wait(sock, targets, total, t0, timeout=60):
    """Add targets through the admin socket, then wait until total links are up.
    Returns (number up, seconds from t0 to get there, first refusal or "")."""
    c = vc.Client(sock)
    note = ""
    try:
        ids = set()
        for k, (name, spec) in enumerate(targets):
            c.send(vc.req_target_add(1000 + k, name, spec))
            ids.add(1000 + k)
        for r in c.wait_ids(ids, 30).values():
            if r.get(vc.RSP_STATUS, [0])[0] != 0 and not note:
                note = "target add: %s" % r.get(vc.RSP_DETAIL, [b""])[0].decode(errors="replace")[:80]
        up, end = 0, time.time() + timeout
        while time.time() < end:
            r = c.call(vc.req_target_list(7), 7, 10) or {}
            up = sum(1 for s in vc.target_states(r).values() if s == vc.LINK_UP)
            if up >= total:
                break
            time.sleep(0.1)
        return up, time.time() - t0, note
    finally:
        c.close()


def drain(sel, until, on_msg):
    """Read every registered connection until time `until`, calling on_msg(decoded response) for each."""
    while time.time() < until:
        for key, _ in sel.select(max(0.0, until - time.time())):
            try:
                msgs = key.fileobj.read()
            except (EOFError, OSError):
                sel.unregister(key.fileobj)
                continue
            for m in msgs:
                on_msg(vc.decode(m), len(m))


def follow(sock, names, per_client, rate, warmup, window, pid):
    """Subscribe to every target in names (per_client subscriptions per connection), read for warmup
    then window seconds; measure vhd (pid) over the window.  Returns a result dict."""
    clients, sel = [], selectors.DefaultSelector()
    res = dict(clients=0, stats=0, bytes=0, gaps=0, ends=0, refused=0)

    def on_answer(f, _):  # during the warm-up: the subscriptions' answers
        res["refused"] += vc.RSP_STATUS in f and f[vc.RSP_STATUS][0] != 0

    def on_sample(f, size):
        if vc.RSP_STATS in f:
            res["stats"] += 1
            res["bytes"] += 4 + size
        res["gaps"] += sum(vc.decode(g).get(1, [0])[0] for g in f.get(vc.RSP_GAP, []))
        res["ends"] += vc.RSP_STREAM_END in f

    try:
        for k in range(0, len(names), per_client):
            c = vc.Client(sock)
            clients.append(c)
            sel.register(c, selectors.EVENT_READ)
            for j, name in enumerate(names[k:k + per_client]):
                c.send(vc.req_stats_subscribe(1 + j, name, rate))
        res["clients"] = len(clients)
        drain(sel, time.time() + warmup, on_answer)
        c0, p0, s0, t0 = proc_cpu(pid), time.process_time(), proc_run_ns(pid), time.time()
        drain(sel, t0 + window, on_sample)
        c1, p1, s1, t1 = proc_cpu(pid), time.process_time(), proc_run_ns(pid), time.time()
        res.update(secs=t1 - t0, vhd_cpu=100.0 * (c1 - c0) / (t1 - t0), client_cpu=100.0 * (p1 - p0) / (t1 - t0),
                   vhd_sched=100.0 * (s1 - s0) / 1e9 / (t1 - t0))
        res["rss"], res["hwm"] = proc_mem_kb(pid)
        return res
    finally:
        sel.close()
        for c in clients:
            c.close()


def idle(window, pid):
    c0, s0, t0 = proc_cpu(pid), proc_run_ns(pid), time.time()
    time.sleep(window)
    c1, s1, t1 = proc_cpu(pid), proc_run_ns(pid), time.time()
    rss, hwm = proc_mem_kb(pid)
    return dict(clients=0, stats=0, bytes=0, gaps=0, ends=0, refused=0, secs=t1 - t0, rss=rss, hwm=hwm,
                vhd_cpu=100.0 * (c1 - c0) / (t1 - t0), vhd_sched=100.0 * (s1 - s0) / 1e9 / (t1 - t0), client_cpu=0.0)


def proc_cpu(pid):
    with open("/proc/%d/stat" % pid) as f:
        s = f.read().rsplit(")", 1)[1].split()
    return (int(s[11]) + int(s[12])) / os.sysconf("SC_CLK_TCK")


def proc_run_ns(pid):
    """Time on CPU in ns from /proc/PID/schedstat (exact, where utime/stime count whole clock ticks)."""
    try:
        with open("/proc/%d/schedstat" % pid) as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 0


def table(rows):
    """Markdown rows for measure()'s results."""
    out = ["| targets | clients | rate per target | stats samples received /s (expected) | KiB/s to clients | "
           "samples skipped by vhd | vhd CPU % (utime+stime) | vhd CPU % (schedstat) | vhd RSS MiB | "
           "vhd peak RSS MiB | client CPU % |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        rate = "-" if not r["rate"] else "%d Hz" % r["rate"]
        recv = "-" if not r["rate"] else "%.0f (%d)" % (r["stats"] / r["secs"], r["n"] * r["rate"])
        kib = "-" if not r["rate"] else "%.0f" % (r["bytes"] / 1024.0 / r["secs"])
        out.append("| %d | %s | %s | %s | %s | %s | %.1f | %.2f | %.1f | %.1f | %.1f |" % (
            r["n"], r["mode"], rate, recv, kib, "-" if not r["rate"] else str(r["gaps"]), r["vhd_cpu"],
            r["vhd_sched"], r["rss"] / 1024.0, r["hwm"] / 1024.0, r["client_cpu"]))
    return out


def measure(b, n, rate, window, warmup=2.0):
    """All three ways for n fake targets.  Returns (rows, notes): rows of dicts with a 'mode' key."""
    d = os.path.join(b.TMP, "fake%d" % n)
    os.makedirs(d, exist_ok=True)
    b.log("part 6: %d fake targets" % n)
    fakes, targets = start_fakes(b, n, d)
    t_fakes = time.time()
    rows, notes = [], []
    try:
        # vhd takes at most 32 --target options; the rest go through the API, as `vhctl target add` does.
        t_vhd = time.time()
        v = b.Vhd(["%s=%s" % t for t in targets[:32]], name="vhd-fake%d" % n)
        try:
            end = time.time() + 20
            while not os.path.exists(v.sock) and time.time() < end:
                time.sleep(0.1)
            up, secs, note = add_and_wait(v.sock, targets[32:], n, t_vhd, 60)
            notes.append("%d targets: %d links up %.1f s after vhd started%s" % (
                n, up, secs, "; " + note if note else ""))
            names = [t[0] for t in targets]
            pid = v.proc.pid
            rows.append(dict(idle(window, pid), mode="none (idle)", n=n, rate=0))
            b.log("  idle: vhd %.1f%% CPU" % rows[-1]["vhd_cpu"])
            for mode, per in (("1 client", n), ("%d clients" % n, 1)):
                r = follow(v.sock, names, per, rate, warmup, window, pid)
                r.update(mode=mode, n=n, rate=rate)
                rows.append(r)
                b.log("  %s: %.0f stats/s, vhd %.1f%% CPU, RSS %.1f MiB" % (
                    mode, r["stats"] / r["secs"], r["vhd_cpu"], r["rss"] / 1024.0))
                if r["refused"] or r["ends"]:
                    notes.append("%d targets, %s: %d subscriptions refused, %d streams ended by vhd" % (
                        n, mode, r["refused"], r["ends"]))
                time.sleep(1)  # let vhd drop the subscriptions before the next mode
            fns = sum(proc_run_ns(p.pid) for p in fakes if p.poll() is None)
            notes.append("%d targets: the %d fake-target processes (the load generator) used %.2f CPU-seconds "
                         "in all over %.0f s (schedstat)" % (n, n, fns / 1e9, time.time() - t_fakes))
        finally:
            v.stop()
    except OSError as e:
        notes.append("%d targets: failed: %s" % (n, e))
    finally:
        for p in fakes:
            b.kill(p, 1)
    return rows, notes
