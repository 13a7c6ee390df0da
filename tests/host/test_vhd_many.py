#!/usr/bin/env python3
"""vhd with many fake targets and one API client following all of them.

Usage: test_vhd_many.py BUILD_DIR CASE   (CASE: see CASES below, or "all")

  follow64, follow256  one client subscribed to every target's statistics at
                       10 Hz reads for a few seconds: not one sample skipped
                       (no Gap), no stream ended, every target delivered.
  stuck                two clients that stop reading while following 64
                       targets at 100 Hz: vhd's memory stays bounded, a
                       reading client beside them loses nothing, and when
                       one reads again it gets Gap markers counting what it
                       missed (and is not dropped); the other is still
                       stuck when vhd stops.
  stuck_small          the same with 8 targets at 50 Hz and no memory figure
                       (for vhd under valgrind: VHD_WRAP).
  flood                a client that sends requests and never reads the
                       answers is dropped; vhd's memory stays bounded.

The fake targets are vh-fake-target processes (the real management agent
over a simulated hypervisor), as in tests/bench/manytargets.py; the client
is tests/lib's hand-written API client.  Every wait is bounded; each case
stops what it started.
"""
import json
import os
import shlex
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import vhtestlib as vt  # noqa: E402
from vhtestlib import Fail, check, wait_for  # noqa: E402

BUILD = vt.build_dir()
FAKE, VHD, VHCTL, _ = vt.tools(BUILD)
WRAP = shlex.split(os.environ.get("VHD_WRAP", ""))  # e.g. "valgrind -q --error-exitcode=99"
VHD_MAX_CMDLINE_TARGETS = 32  # the rest are added through the API, as `vhctl target add` does


class Env:
    def __init__(self, n):
        self.n = n
        self.dir = vt.tmpdir("vhd-many-")
        self.sock = os.path.join(self.dir, "vhd.sock")
        self.procs, self.fakes, self.clients = [], [], []
        self.names = ["f%d" % i for i in range(n)]
        self.vhd = None

    def start(self):
        specs = []
        for i, name in enumerate(self.names):
            path = os.path.join(self.dir, name + ".sock")
            p = subprocess.Popen([FAKE, "--listen", "unix:" + path, "--tick-ms", "0",
                                  "--boot-id", str(i + 1)], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
            self.procs.append(p)
            specs.append("unix:" + path)
        wait_for(lambda: all(os.path.exists(s[5:]) for s in specs), 20,
                 "the sockets of %d fake targets" % self.n)
        args = [VHD, "--socket", self.sock]
        for name, spec in list(zip(self.names, specs))[:VHD_MAX_CMDLINE_TARGETS]:
            args += ["--target", "%s=%s" % (name, spec)]
        self.vhd_log = os.path.join(self.dir, "vhd.log")
        self.vhd = subprocess.Popen(WRAP + args, stderr=open(self.vhd_log, "w"))
        # The socket file appears at bind(), a moment before vhd listens on it.
        wait_for(self.connectable, 30 if WRAP else 10, "vhd's socket")
        c = self.client()
        rest = list(zip(self.names, specs))[VHD_MAX_CMDLINE_TARGETS:]
        for k, (name, spec) in enumerate(rest):
            c.send(vt.req_target_add(1000 + k, name, spec))
        for rid, r in c.wait_ids(set(range(1000, 1000 + len(rest))), 30).items():
            check(r.get(vt.RSP_STATUS, [0])[0] == 0, "target add %d refused: %r" % (rid, r))

        def all_up():
            c.send(vt.req_target_list(7))
            st = vt.target_states(c.wait_ids({7}, 10)[7])
            return sorted(st) == sorted(self.names) and all(
                s == vt.LINK_UP for s in st.values())
        wait_for(all_up, 60, "all %d links up" % self.n, interval=0.2)
        c.close()
        self.clients.remove(c)

    def connectable(self):
        try:
            vt.ApiClient(self.sock).close()
            return True
        except OSError:
            return False

    def client(self, rcvbuf=None):
        c = vt.ApiClient(self.sock, rcvbuf)
        self.clients.append(c)
        return c

    def subscribe_all(self, c, rate_hz):
        """Subscribe c to every target (request id i + 1 for target i); check the answers."""
        for i, name in enumerate(self.names):
            c.send(vt.req_stats_subscribe(i + 1, name, rate_hz))
        got = c.wait_ids(set(range(1, self.n + 1)), 20)
        bad = [r for r in got.values() if r.get(vt.RSP_STATUS, [0])[0] != 0]
        check(not bad, "subscriptions refused: %r" % bad[:3])

    def rss_kb(self):
        return vt.proc_mem_kb(self.vhd.pid)[0]

    def log(self):
        with open(self.vhd_log) as f:
            return f.read()

    def close(self):
        """Stop vhd while the clients are still connected (a stuck one with its
        queue full: vhd frees it on the way out), then the rest."""
        try:
            vt.stop_vhd_cleanly(self.vhd, 60)
        finally:
            for c in self.clients:
                c.close()
            if self.vhd:
                vt.stop(self.vhd, grace=0)
            vt.stop_all(self.procs, grace=0)


class Tally:
    """What one client received, per stream (request id)."""

    def __init__(self):
        self.stats, self.gaps, self.skipped, self.ends, self.other = {}, 0, 0, [], 0

    def add(self, msgs):
        for m in msgs:
            rid = m.get(vt.RSP_ID, [0])[0]
            if vt.RSP_STATS in m:
                self.stats[rid] = self.stats.get(rid, 0) + 1
            elif vt.RSP_GAP in m:
                self.gaps += 1
                self.skipped += vt.gap_skipped(m)
            elif vt.RSP_STREAM_END in m:
                self.ends.append(m)
            else:
                self.other += 1

    def total(self):
        return sum(self.stats.values())


def read_for(clients, secs):
    """Read every (client, tally) pair until secs have passed."""
    end = time.monotonic() + secs
    while time.monotonic() < end:
        for c, t in clients:
            t.add(c.read(0.01))


def follow(n):
    """One client following n targets at 10 Hz loses nothing."""
    def case(e):
        rate, secs, want = 10, 4.0, 10
        c = e.client()
        e.subscribe_all(c, rate)
        read_for([(c, Tally())], 1.0)  # warm-up: every subscription is made on its target
        # At least secs, and until every target delivered `want` samples (a loaded machine
        # may take longer; what must not happen is a Gap).
        t, t0 = Tally(), time.monotonic()
        slow = lambda: [i for i in range(n) if t.stats.get(i + 1, 0) < want]  # noqa: E731
        while time.monotonic() < t0 + secs or slow() and time.monotonic() < t0 + 60:
            read_for([(c, t)], 0.5)
            check(t.gaps == 0, "%d Gap markers, %d samples skipped of %d received (want "
                  "none)" % (t.gaps, t.skipped, t.total()))
            check(not t.ends, "streams ended: %r" % t.ends[:3])
        secs = time.monotonic() - t0
        check(not slow(), "targets with fewer than %d samples in %.0f s: %r" % (
            want, secs, [e.names[i] for i in slow()][:8]))
        print("%d targets at %d Hz: %d samples in %.1f s (nominal %d), none skipped" % (
            n, rate, t.total(), secs, n * rate * secs))
    return case


def stuck(rate, measure_mem):
    """Two clients that stop reading while following every target at rate Hz, one reading
    at 10 Hz beside them."""
    def case(e):
        good, stuck_c, never = e.client(), e.client(rcvbuf=4096), e.client(rcvbuf=4096)
        e.subscribe_all(good, 10)
        e.subscribe_all(stuck_c, rate)
        e.subscribe_all(never, rate)  # never reads: still stuck when vhd stops
        tg, ts = Tally(), Tally()
        read_for([(good, tg), (stuck_c, ts)], 1.0)
        base = e.rss_kb()
        # The stuck clients read nothing now: their kernel buffers fill, then vhd's queues,
        # then vhd skips their samples.  Long enough for an unbounded queue to grow well
        # past the bound checked below.
        peak = base
        behind = lambda: e.log().count("is behind") >= 2  # noqa: E731
        t0 = time.monotonic()
        while (not behind() or measure_mem and time.monotonic() < t0 + 8) and \
                time.monotonic() < t0 + 60:
            read_for([(good, tg)], 0.2)
            peak = max(peak, e.rss_kb())
        check(behind(), "vhd logged that both clients fell behind:\n" + e.log()[-2000:])
        check(tg.gaps == 0 and not tg.ends, "the reading client lost nothing beside the stuck "
              "ones: %d gaps, %d skipped, ends %r" % (tg.gaps, tg.skipped, tg.ends[:2]))
        # Reading again: the stuck client gets what vhd kept, then Gap markers.
        end = time.monotonic() + 30
        while ts.gaps == 0 and time.monotonic() < end:
            ts.add(stuck_c.read(0.1))
        read_for([(stuck_c, ts), (good, tg)], 1.0)
        check(ts.gaps > 0 and ts.skipped > 0, "the stuck client was told what it missed: "
              "%d gaps, %d skipped, %d samples" % (ts.gaps, ts.skipped, ts.total()))
        check(not ts.ends, "its streams go on: %r" % ts.ends[:2])
        n1 = ts.total()
        read_for([(stuck_c, ts)], 2.0)
        check(ts.total() > n1, "samples flow again after the gaps")
        check("not reading its answers" not in e.log(), "no client was dropped:\n" +
              e.log()[-2000:])
        # What unbounded queues would have held: the samples skipped, for both stuck
        # clients, each about 250 bytes plus as much again per queued write in vhd.
        unbounded_kib = 2 * ts.skipped * 500 // 1024
        if measure_mem:
            # vhd keeps at most its per-client budget (VHD_CLIENT_QUEUE_BYTES +
            # VHD_CLIENT_QUEUE_PER_STREAM per stream: 1.25 MiB for 64) for each stuck
            # client; everything else it would have queued is skipped and counted.
            check(unbounded_kib >= 16 * 1024, "enough went by to tell: %d KiB" % unbounded_kib)
            check(peak - base < 8 * 1024, "vhd's RSS grew %d KiB while two clients were stuck "
                  "(unbounded: about %d KiB)" % (peak - base, unbounded_kib))
        print("stuck client: %d gaps, %d samples skipped; vhd RSS %d -> peak %d KiB "
              "(unbounded: about +%d KiB)" % (ts.gaps, ts.skipped, base, peak, unbounded_kib))
    return case


def case_flood(e):
    c = e.client(rcvbuf=4096)
    base = e.rss_kb()
    # Target lists of 64 targets, about 9 KiB each, never read: 8000 of them
    # would be 70 MiB; vhd drops the client at VHD_CLIENT_HARD_BYTES (32 MiB).
    body = vt.frame(vt.req_target_list(5)) * 100
    sent = 0
    try:
        for _ in range(80):
            c.sock.setblocking(True)
            c.sock.settimeout(60)  # generous: a loaded machine may hold vhd up a while
            c.sock.sendall(body)
            sent += 100
    except (BrokenPipeError, ConnectionResetError):
        pass
    wait_for(lambda: "not reading its answers" in e.log(), 20, "vhd to drop the client")
    _, hwm = vt.proc_mem_kb(e.vhd.pid)
    check(WRAP or hwm - base < 48 * 1024, "vhd's peak RSS grew %d KiB (limit 32 MiB of "
          "answers)" % (hwm - base))

    def all_up():
        r = vt.vhctl(VHCTL, e.sock, ["-o", "json", "target", "list"])
        return len([t for t in json.loads(r.stdout)["targets"] if t["state"] == "up"]) == e.n
    wait_for(all_up, 20, "vhd to serve others afterwards, all targets up", interval=0.2)
    print("flooding client dropped after %d requests; vhd peak RSS +%d KiB" % (sent, hwm - base))


CASES = {"follow64": (64, follow(64)), "follow256": (256, follow(256)),
         "stuck": (64, stuck(100, measure_mem=True)),
         "stuck_small": (8, stuck(50, measure_mem=False)),  # for valgrind
         "flood": (64, case_flood)}


def run(name):
    n, case = CASES[name]
    e = Env(n)
    try:
        e.start()
        case(e)
    except BaseException:
        try:
            e.close()
        except (Fail, OSError, subprocess.SubprocessError):
            pass  # the first failure is the one to report
        raise
    e.close()
    shutil.rmtree(e.dir, ignore_errors=True)  # kept when the case failed: vhd's log


if __name__ == "__main__":
    sys.exit(vt.main(CASES, run))
