#!/usr/bin/env python3
"""Management plane end to end against vh in QEMU: vhd with a qemu: target,
driven by vhctl; plus a burst of garbage on the raw UART that changes nothing.

usage: test_mgmt.py vhctl|garbage|stream|units
"""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

import vhtest as t


def vhctl_flow():
    d = t.Vhd("mgmt")
    try:
        t.check(d.wait_up(90), "vhd says hello to the target over its UART")
        rc, out, err = d.ctl("adu", "list")
        names = [a.get("name") for a in (out[0].get("adus", []) if out else [])]
        t.check(rc == 0 and names == ["ctl", "echo"], "adu list shows ctl and echo: %s %s" % (names, err))
        rc, out, err = d.ctl("vcpu", "list")
        t.check(rc == 0 and out and len(out[0].get("vcpus", [])) >= 3, "vcpu list: BE and RT-App's RT-VCPU")
        rc, out, err = d.ctl("vcpu", "create", "ctl", "--entry", "rtapp_spawn", "--period", "5ms",
                             "--budget", "500us", "--dry-run")
        t.check(rc == 0 and out and out[0].get("admitted") is True, "dry run by symbol passes: %s %s" % (out, err))
        rc, out, err = d.ctl("vcpu", "create", "ctl", "--entry", "rtapp_spawn", "--period", "5ms", "--budget", "500us")
        vid = out[0].get("vcpu_id") if out else None
        t.check(rc == 0 and vid is not None, "create by symbol: %s %s" % (out, err))
        rc, out, err = d.ctl("vcpu", "migrate", str(vid), "1")
        t.check(rc == 0, "migrate it to CPU 1: %s" % err)
        rc, out, err = d.ctl("vcpu", "list")
        cpu = [v.get("cpu") for v in out[0]["vcpus"] if v.get("id") == vid] if out else []
        t.check(cpu == [1], "it is on CPU 1 now: %s" % cpu)
        rc, out, err = d.ctl("adu", "reserve", "ctl", "25")
        t.check(rc == 0, "reservation change accepted: %s" % err)
        rc, out, err = d.ctl("adu", "reserve", "ctl", "95")
        t.check(rc == 3 and "would sum to" in err, "over-limit reservation refused with its reason, exit 3: %d %s" % (rc, err))
        rc, out, err = d.ctl("vcpu", "create", "ctl", "--entry", "rtapp_spawn", "--period", "5ms", "--budget", "4ms")
        t.check(rc == 3 and "reservation" in err, "over-reservation creation refused, exit 3: %d %s" % (rc, err))
        rc, out, err = d.ctl("stats", "--follow", "--count", "3", "--rate", "5", timeout=30)
        rel = [sum(v.get("releases", 0) for v in s.get("vcpus", [])) for s in out]
        t.check(rc == 0 and len(rel) == 3 and rel[0] < rel[-1], "stats stream: releases grow %s" % rel)
        p = subprocess.run([os.path.join(t.BUILD, "cli", "vhctl"), "-s", d.sock, "console", "echo"],
                           input="hello vh\n", capture_output=True, text=True, timeout=30)
        t.check("echo: hello vh" in p.stdout, "console input reaches the ADU, its echo comes back: %r" % p.stdout[-300:])
        rc, out, err = d.ctl("-s", d.sock + ".ro", "adu", "reserve", "ctl", "20")
        # (-s given twice: the last one wins)
        t.check(rc == 7, "a read-only client is refused a change (exit 7): %d %s" % (rc, err))
        # The target goes away and comes back (vhd restarts QEMU): the stream resumes by itself.
        rc, out, err = d.ctl("status")
        boot1 = out[0].get("boot_id") if out else None
        follow = subprocess.Popen([os.path.join(t.BUILD, "cli", "vhctl"), "-s", d.sock, "-o", "json", "stats",
                                   "--follow", "--rate", "2", "--count", "14"], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        time.sleep(2)
        qemu = subprocess.run(["pgrep", "-f", "qemu-system-riscv64.*vh-mgmt.elf.*%s" % os.path.basename(d.dir)],
                              capture_output=True, text=True).stdout.split()
        for pid in qemu:
            os.kill(int(pid), signal.SIGKILL)
        t.check(len(qemu) == 1, "found vhd's QEMU to kill: %s" % qemu)
        try:
            fout, ferr = follow.communicate(timeout=90)
        except subprocess.TimeoutExpired:
            follow.kill()
            fout, ferr = follow.communicate()
        lines = [json.loads(l) for l in fout.splitlines() if l.startswith("{")]
        t.check(len(lines) >= 10, "stats --follow carried on across the reset (%d samples) %s" % (len(lines), ferr[-300:]))
        rc, out, err = d.ctl("status")
        boot2 = out[0].get("boot_id") if out else None
        t.check(boot1 and boot2 and boot1 != boot2, "a new boot id after the restart: %s -> %s" % (boot1, boot2))
    finally:
        d.stop()
        if not t._failures:
            print(d.log_tail()[-600:])


def garbage():
    """Garbage on the raw UART before a host connects: counted, nothing acted on."""
    dirn = tempfile.mkdtemp(prefix="vhgarb-")
    path = os.path.join(dirn, "uart")
    q = subprocess.Popen(["qemu-system-riscv64", "-M", "virt", "-cpu", "rv64", "-smp", "2", "-m", "512M",
                          "-display", "none", "-monitor", "none", "-bios", "default",
                          "-kernel", t.scenario_elf("mgmt"), "-chardev",
                          "socket,id=s0,path=%s,server=on,wait=on" % path, "-serial", "chardev:s0"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        end = time.time() + 10
        while not os.path.exists(path) and time.time() < end:
            time.sleep(0.05)
        s = socket.socket(socket.AF_UNIX)
        s.connect(path)
        import threading
        seen = []

        def reader():  # keep reading: QEMU stalls its output to a peer that does not
            while True:
                try:
                    data = s.recv(65536)
                except OSError:
                    return
                if not data:
                    return
                seen.append(data)
        threading.Thread(target=reader, daemon=True).start()
        time.sleep(3)
        import random
        rnd = random.Random(7)
        burst = bytes(rnd.randrange(256) for _ in range(4000)) + b"\x7e\x02\x00\x7e" + b"\x7e" * 10
        s.sendall(burst)
        time.sleep(4)  # let the target take it all in (16-byte FIFO)
        s.shutdown(socket.SHUT_RDWR)
        s.close()
        # Now a host connects through vhd: everything works, and the state is untouched.
        d = t.Vhd("mgmt", spec="unix:" + path)
        try:
            t.check(d.wait_up(90), "a host still connects after the garbage")
            rc, out, err = d.ctl("adu", "list")
            t.check(rc == 0 and out and all(a.get("reserve_ppm") == 300000 or a.get("name") == "echo"
                                             for a in out[0].get("adus", [])), "reservations unchanged")
            rc, out, err = d.ctl("vcpu", "list")
            rts = [v for v in out[0]["vcpus"] if v.get("kind") == "rt"] if out else []
            t.check(rc == 0 and len(rts) == 1, "no RT-VCPU appeared or vanished: %d" % len(rts))
            end = time.time() + 45
            while True:  # the target's counters come with its heartbeats
                rc, out, err = d.ctl("link", "stats")
                if (rc == 0 and out and out[0].get("heartbeats_rx", 0) > 0) or time.time() > end:
                    break
                time.sleep(0.5)
            print("link stats after garbage:", out)
            tc = out[0].get("target", {}) if out else {}
            bad = tc.get("rx_resyncs", 0) + tc.get("rx_crc_errors", 0) + tc.get("rx_oversize", 0)
            t.check(rc == 0 and bad > 0, "the target counted the garbage (resyncs/CRC/oversize: %d)" % bad)
        finally:
            d.stop()
    finally:
        q.kill()
        q.wait()


# RT-App's summary line (bareos/src/rtapp.c; tests/bench/run.py reads it too).
SUMMARY = re.compile(r"rtapp: rt (\d+) \(vcpu (\d+), cpu (-?\d+)\): releases (\d+) jitter avg ([\d.]+) us "
                     r"sd ([\d.]+) us min ([\d.]+) us max ([\d.]+) us misses (\d+) overruns (\d+) "
                     r"p99 (<=|>=)?([\d.]+) us")
WINDOW_RELEASES = 2000  # per measurement window: 20 s of emulated time
# Bounds of "within noise" (see stream() for how they were chosen), in us.
AVG_NOISE_US = 0.2
P99_NOISE_US = 0.2
MAX_NOISE_US = 1.0
MAX_FLOOR_US = 50.0  # a job next to the stream's agent work: up to 23 us measured


def summaries(path):
    """RT-App's latest summary per slot in a console log: {slot: dict}.  Host-created RT-VCPUs take
    the next free slot each (rtapp_spawn); a destroyed one's slot keeps printing its last figures
    and VCPU ids are reused, so a window's RT-VCPU is known by its slot."""
    with open(path, errors="replace") as f:
        text = f.read()
    out = {}
    for m in SUMMARY.finditer(text):
        out[int(m.group(1))] = dict(vcpu=int(m.group(2)), cpu=int(m.group(3)), releases=int(m.group(4)),
                                    avg=float(m.group(5)), sd=float(m.group(6)), min=float(m.group(7)),
                                    max=float(m.group(8)), misses=int(m.group(9)), overruns=int(m.group(10)),
                                    p99=float(m.group(12)), p99_exact=not m.group(11))
    return out


def rt_window(d, con, label):
    """One measurement window: the host creates an RT-VCPU running RT-App's job (period 10 ms, budget
    1 ms, 20 us of work), RT-App reports its jitter on the console (followed into `con` through vhd)
    until it has WINDOW_RELEASES releases, then it is destroyed.  Each window has a VCPU (and an
    RT-App slot) of its own, so its figures cover that window only.  Returns RT-App's summary."""
    old = set(summaries(con))
    rc, out, err = d.ctl("vcpu", "create", "ctl", "--entry", "rtapp_spawn", "--period", "10ms",
                         "--budget", "1ms")
    vid = out[0].get("vcpu_id") if rc == 0 and out else None
    if not t.check(vid is not None, "%s: the host creates the measured RT-VCPU %s" % (label, err.strip())):
        return None
    s, end = None, time.time() + 40
    while time.time() < end and not (s and s["releases"] >= WINDOW_RELEASES):
        time.sleep(0.3)
        new = [v for k, v in summaries(con).items() if k not in old and v["vcpu"] == vid]
        s = new[0] if new else None
    rc, _, err = d.ctl("vcpu", "destroy", str(vid))
    t.check(rc == 0, "%s: RT-VCPU %d destroyed %s" % (label, vid, err.strip()))
    t.check(s is not None and s["releases"] >= WINDOW_RELEASES,
            "%s: RT-App reported %d releases of RT-VCPU %d" % (label, WINDOW_RELEASES, vid))
    return s


def stream_rate(path):
    """Messages the target produced per emulated second (seq and uptime of the first and last received),
    the count received, and the agent's dropped count."""
    msgs = []
    with open(path, errors="replace") as f:
        for line in f:
            if line.startswith("{") and '"seq"' in line:
                msgs.append(json.loads(line))
    if len(msgs) < 2:
        return 0.0, len(msgs), 0
    a, b = msgs[0], msgs[-1]
    secs = (b["uptime_ns"] - a["uptime_ns"]) / 1e9
    return (b["seq"] - a["seq"]) / secs if secs > 0 else 0.0, len(msgs), sum(m.get("dropped", 0) for m in msgs)


def fmt(s):
    return ("releases %d avg %.2f sd %.2f min %.1f p99 %s%.1f max %.1f misses %d overruns %d" %
            (s["releases"], s["avg"], s["sd"], s["min"], "" if s["p99_exact"] else "~", s["p99"], s["max"],
             s["misses"], s["overruns"]))


def stream():
    """RT jitter with a 100 Hz statistics stream to the host against without, asserted.

    One CPU (tests/qemu/scenarios/mgmt-one.vhs): the agent's work for the host runs on the CPU of the
    measured RT-VCPUs, and QEMU has no second CPU to interleave with theirs.  QEMU runs with
    -icount shift=3,sleep=off (`qemu:mgmt-one,nosleep`), so the target's timing does not depend on the
    host's load; vhd's Hello then announces heartbeat_ms = 0, and the agent keeps its session although
    emulated time runs far ahead of vhd's heartbeats (it falls back to text mode otherwise).  Windows
    alternate quiet, stream, quiet, stream, each with an RT-VCPU of its own; each stream window is
    compared with the worse quiet one.

    Bounds, from RT-App's figures over ~40 runs (idle host and beside a `make -j2`): the average is
    0.57-0.67 us and the p99 0.6-0.8 us with or without the stream, so both may be at most 0.2 us (two
    0.1 us ticks of rdtime) above the worse quiet window's.  The maximum is one job in ~2000.  Without
    the stream it is 4.8-6.2 us unless a host frame (vhd's heartbeat, a call) reaches the target just
    before a release, which under load cost single jobs up to 143 us, with or without the stream.  With
    the stream, agent work next to a release cost single jobs up to 23 us in the windows that passed.
    So the stream's maximum may be 1 us above the quiet one's or up to MAX_FLOOR_US (twice that 23 us).
    Misses and overruns must be 0.

    Every stream window is compared.  Until the agent's stats message was written in one pass
    (mgmt-agent/src/wire.c) one message cost ~580 us, longer than the agent's 500 us guard, and in
    about one stream window in ten the stream's 10 ms ticks locked just ahead of the 10 ms releases:
    every job of the window started 80-240 us late.  Agent work is now budgeted per kind of unit from
    what that kind has cost (core/mgmt.c), so a unit never starts where it could run into a release."""
    d = t.Vhd("mgmt-one", extra=",nosleep")
    con = os.path.join(d.dir, "ctl.console")
    side = []
    try:
        t.check(d.wait_up(60), "vhd reaches the target (qemu:mgmt-one,nosleep)")
        vhctl = [os.path.join(t.BUILD, "cli", "vhctl"), "-s", d.sock]
        side.append(subprocess.Popen(vhctl + ["console", "ctl"], stdin=subprocess.PIPE,
                                     stdout=open(con, "w"), stderr=subprocess.STDOUT))
        quiet, busy, rates = [], [], []
        for k in range(2):
            q = rt_window(d, con, "quiet %d" % (k + 1))
            st = os.path.join(d.dir, "stats%d.json" % k)
            follow = subprocess.Popen(vhctl + ["-o", "json", "stats", "--follow", "--rate", "100"],
                                      stdout=open(st, "w"), stderr=subprocess.STDOUT)
            side.append(follow)
            end = time.time() + 20
            while time.time() < end and os.path.getsize(st) == 0:
                time.sleep(0.1)
            b = rt_window(d, con, "stream %d" % (k + 1))
            follow.terminate()
            follow.wait(10)
            rates.append(stream_rate(st))
            time.sleep(1)  # vhd ends the target's subscription once its last subscriber is gone
            if q is None or b is None:
                return
            quiet.append(q)
            busy.append(b)
        for k in range(2):
            print("RT jitter (RT-App, us) without a stats stream, window %d: %s" % (k + 1, fmt(quiet[k])))
            print("RT jitter (RT-App, us) with a 100 Hz stats stream, window %d: %s" % (k + 1, fmt(busy[k])))
            print("  stream: %.1f messages per emulated second produced, %d received by vhctl, %d dropped"
                  % rates[k])
        ref = dict(avg=max(q["avg"] for q in quiet), p99=max(q["p99"] for q in quiet),
                   max=max(q["max"] for q in quiet))
        for k, b in enumerate(busy):
            w = "stream window %d" % (k + 1)
            t.check(rates[k][0] >= 90,
                    "%s: the target streamed at 100 Hz of emulated time (%.1f)" % (w, rates[k][0]))
            t.check(b["misses"] == 0 and b["overruns"] == 0,
                    "%s: no RT miss or overrun (%d, %d)" % (w, b["misses"], b["overruns"]))
            t.check(b["avg"] <= ref["avg"] + AVG_NOISE_US,
                    "%s: average jitter %.2f us within %.1f us of without (%.2f)"
                    % (w, b["avg"], AVG_NOISE_US, ref["avg"]))
            t.check(b["p99"] <= ref["p99"] + P99_NOISE_US,
                    "%s: p99 jitter %.1f us within %.1f us of without (%.1f)"
                    % (w, b["p99"], P99_NOISE_US, ref["p99"]))
            t.check(b["max"] <= max(ref["max"], MAX_FLOOR_US) + MAX_NOISE_US,
                    "%s: max jitter %.1f us within %.1f us of without (%.1f) or at most %.0f us"
                    % (w, b["max"], MAX_NOISE_US, ref["max"], MAX_FLOOR_US))
        for q in quiet:
            t.check(q["misses"] == 0 and q["overruns"] == 0, "no RT miss or overrun without the stream either")
        rc, out, _ = d.ctl("status")
        st = out[0] if rc == 0 and out else {}
        t.check(st.get("state") == "up", "the link is up at the end (state %s, %s reconnects)"
                % (st.get("state"), st.get("reconnects")))
        t.check("management link silent" not in d.target_log(),
                "the target never fell back to text mode (heartbeat_ms = 0 in vhd's Hello)")
    finally:
        d.stop(side)


GUARD_NS = 500000  # MGMT_GUARD_NS (hypervisor/core/inc/core/mgmt.h)
STATS_VCPUS = 8    # MGMT_STATS_VCPUS (mgmt-agent/include/mgmt/agent.h)


def units():
    """Every unit of the agent's work fits the guard before a release, measured by vh's tracing.

    tests/qemu/scenarios/mgmt-units.vhs: one CPU with `trace = on`, RT-App's 4 RT-VCPUs and 4 more the
    host creates (9 VCPUs with RT-App's own BE-VCPU), a 100 Hz stats stream and list calls beside it.
    Under -icount the trace's cycles are emulated ns (8 per instruction).  The agent starts a unit only
    where no release is due within GUARD_NS, so the longest unit (a stats message of STATS_VCPUS RT-VCPUs,
    a list answer, a console line, 256 bytes to the UART) must take less; and the stream must still
    report every VCPU, at most STATS_VCPUS per message."""
    d = t.Vhd("mgmt-units", extra=",nosleep")
    side = []
    try:
        t.check(d.wait_up(60), "vhd reaches the target (qemu:mgmt-units,nosleep)")
        vhctl = [os.path.join(t.BUILD, "cli", "vhctl"), "-s", d.sock]
        for k in range(4):
            rc, out, err = d.ctl("vcpu", "create", "ctl", "--entry", "rtapp_spawn", "--period", "10ms",
                                 "--budget", "500us")
            t.check(rc == 0, "the host creates RT-VCPU %d of 4 %s" % (k + 1, err.strip()))
        st = os.path.join(d.dir, "stats.json")
        follow = subprocess.Popen(vhctl + ["-o", "json", "stats", "--follow", "--rate", "100"],
                                  stdout=open(st, "w"), stderr=subprocess.STDOUT)
        side.append(follow)
        end = time.time() + 20
        while time.time() < end and os.path.getsize(st) < 200000:
            time.sleep(0.2)
        for _ in range(5):
            rc, out, _ = d.ctl("vcpu", "list")
            t.check(rc == 0 and out and len(out[0].get("vcpus", [])) == 9, "vcpu list: 9 VCPUs")
        time.sleep(1)
        follow.terminate()
        follow.wait(10)
        msgs = [json.loads(l) for l in open(st, errors="replace") if l.startswith("{") and '"seq"' in l]
        per_msg = max((len(m.get("vcpus", [])) for m in msgs), default=0)
        seen = {v["vcpu_id"] for m in msgs for v in m.get("vcpus", [])}
        t.check(len(msgs) >= 100, "stats messages received (%d)" % len(msgs))
        t.check(0 < per_msg <= STATS_VCPUS, "at most %d VCPUs per message (%d)" % (STATS_VCPUS, per_msg))
        t.check(len(seen) == 9, "every VCPU reported across messages (%d of 9)" % len(seen))
        time.sleep(1.5)  # the next per-second report of the spans
        spans = re.findall(r"trace: span unit n (\d+) avg (\d+) max (\d+) cycles", d.target_log())
        if not t.check(spans, "vh's tracing reports the units of agent work"):
            return
        n, avg, mx = (int(x) for x in spans[-1])
        print("agent units: %d, avg %.1f us, max %.1f us (guard %d us)" % (n, avg / 1e3, mx / 1e3,
                                                                           GUARD_NS // 1000))
        t.check(mx < GUARD_NS, "the longest unit of agent work (%.1f us) fits the %d us guard"
                % (mx / 1e3, GUARD_NS // 1000))
    finally:
        d.stop(side)


TESTS = {"vhctl": vhctl_flow, "garbage": garbage, "stream": stream, "units": units}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in TESTS:
        t.fail("usage: test_mgmt.py %s" % "|".join(TESTS))
    TESTS[sys.argv[1]]()
    t.done()
