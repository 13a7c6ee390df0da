"""make bench, part 2: the RT-App set-up of part 1 under load.

(a) a best-effort ADU spinning on every CPU (tests/bench/scenarios/bload-cC-rR.vhs);
(b) an ADU flooding another with 4 KiB inter-ADU messages as fast as vh takes them
    (bflood-cC-rR.vhs: BareOS app=flood -> app=pong echo=0);
(c) vhd attached with and without `vhctl stats --follow --rate 100` (bstream-cC.vhs): the measured
    RT-VCPUs are created by the host once the stream runs; RT-App's figures are read from its console
    through vhd (`vhctl console ctl`).
The functions take the run.py module as `b` for its helpers (rt_run, rt_table, Vhd, log, ...).
"""
import os
import re
import subprocess
import time

FLOOD = re.compile(r"\[flood\] flood: attempts (\d+) sent (\d+) full (\d+) other (\d+)")


def changes(b, rows, base):
    """Lines comparing each RT-VCPU with the same one in part 1."""
    out = []
    for c, n, r in rows:
        p1 = base.get((c, n))
        for i in range(n):
            x, y = (p1["s"].get(i) if p1 else None), r["s"].get(i)
            if x and y:
                out.append("- %d CPU(s) %d RT-VCPU(s) #%d: avg %.2f -> %.2f, p99 %s -> %s, max %.1f -> %.1f, "
                           "misses %d -> %d" % (c, n, i + 1, x["avg"], y["avg"], b.fmt_p99(x), b.fmt_p99(y),
                                                x["max"], y["max"], x["misses"], y["misses"]))
    if not out:
        out.append("- (no part-1 run of the same configuration to compare with)")
    return out + [""]


def loaded_runs(b, prefix, configs, n_rel):
    rows = []
    for c, n in configs:
        name = "%s-c%d-r%d" % (prefix, c, n)
        b.log("part 2: %s (%d releases)" % (name, n_rel))
        r = b.rt_run(name, c, n_rel, timeout=300)  # healthy: 5-100 s of host time; more means vh is struggling
        b.log("  %.0f s, %s" % (r["secs"], "done" if r["done"] else "TIMEOUT"))
        rows.append((c, n, r))
    return rows


def flood_table(rows, n_rel):
    """What the flooder achieved in each run (its last report before the run stopped)."""
    out = ["| CPUs | RT-VCPUs | send attempts | sent | refused: queue full | other errors | "
           "sent per emulated s (about) |", "|---|---|---|---|---|---|---|"]
    for c, n, r in rows:
        m = None
        for m in FLOOD.finditer(r["text"]):
            pass
        if not m:
            out.append("| %d | %d | no flood report | | | | |" % (c, n))
            continue
        att, sent, full, other = (int(x) for x in m.groups())
        out.append("| %d | %d | %d | %d | %d | %d | %.0f |" % (c, n, att, sent, full, other,
                                                               sent / (n_rel * 0.010)))
    return out + [""]


def console_summaries(b, path, ids):
    """RT-App's latest summary of each host-created RT-VCPU, {index in ids: summary}, from a console log."""
    try:
        with open(path, errors="replace") as f:
            text = f.read().replace("\r", "")
    except OSError:
        return {}
    # console lines through vhd carry no "[ctl] " tag
    by_vcpu = {v["vcpu"]: v for v in b.summaries(text, tag=None).values()}
    return {k: by_vcpu[vid] for k, vid in enumerate(ids) if vid in by_vcpu}


def rt_via_vhd(b, cpus, n_rt, stream_rate, timeout, releases):
    """vhd with a qemu:bstream-cC,nosleep target (-icount shift=3,sleep=off), RT-App's console attached
    through vhd; with stream_rate, `vhctl stats --follow --rate N` runs too.  The host creates n_rt
    RT-VCPUs (period 10 ms, budget 1 ms, entry rtapp_spawn) and reads RT-App's summaries until each has
    `releases`.  Returns a run dict like rt_run's."""
    scenario = "bstream-c%d" % cpus
    tag = "%s-%d-%s" % (scenario, n_rt, stream_rate)
    v = b.Vhd(["t=qemu:%s,smp=%d,nosleep" % (scenario, cpus)], name="vhd-" + tag)
    con = os.path.join(b.TMP, tag + ".console")
    frames, done, created, ids, s = 0, False, [], [], {}
    t0 = time.time()
    try:
        up = v.wait_up(60, adu="ctl")
        v.spawn("console", "ctl", out=con, stdin=subprocess.PIPE)  # stdin kept open: it follows
        st = None
        if stream_rate:
            st = os.path.join(b.TMP, tag + ".stats")
            v.spawn("-o", "json", "stats", "--follow", "--rate", str(stream_rate), out=st)
        time.sleep(1)
        for _ in range(n_rt if up else 0):
            rc, out, err = v.ctl("vcpu", "create", "ctl", "--entry", b.spawn_entry(), "--period", "10ms",
                                 "--budget", "1ms", timeout=30)
            created.append((out + err).strip())
            m = re.search(r"created VCPU (\d+)", out)
            if m:
                ids.append(int(m.group(1)))
        end = time.time() + timeout
        while ids and time.time() < end:
            s = console_summaries(b, con, ids)
            if len(s) == len(ids) and all(x["releases"] >= releases for x in s.values()):
                done = True
                break
            time.sleep(1)
        if st:
            with open(st, errors="replace") as f:
                frames = sum(1 for line in f if '"seq":' in line)
    finally:
        v.stop()
    return dict(name=scenario, smp=cpus, text="", secs=time.time() - t0, done=done, frames=frames, s=s,
                created=created, panic=False)


def stream_table(b, rows):
    out = ["| CPUs | RT-VCPUs | stream | samples received | RT-VCPU | CPU | releases | avg us | SD us | min us | "
           "p99 us | max us | misses | overruns |", "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for c, n, rate, r in rows:
        label = "%d Hz" % rate if rate else "none"
        if not r["s"]:
            out.append("| %d | %d | %s | %d | no RT-App output (%s) |" % (c, n, label, r["frames"],
                                                                       "timeout" if not r["done"] else "?"))
        for i, v in sorted(r["s"].items()):
            out.append("| %d | %d | %s | %d | %d | %d | %d | %.2f | %.2f | %.1f | %s | %.1f | %d | %d |" % (
                c, n, label, r["frames"], i + 1, v["cpu"], v["releases"], v["avg"], v["sd"], v["min"],
                b.fmt_p99(v), v["max"], v["misses"], v["overruns"]))
    return out + [""]


def part2_spin(b, md, base, configs, n_rel):
    rows = loaded_runs(b, "bload", configs, n_rel)
    md += ["### (a) a best-effort ADU spinning on every CPU", "",
           "`tests/bench/scenarios/bload-cC-rR.vhs`: ADU `gp` runs BareOS `app=spin` on one BE-VCPU per CPU.", ""]
    md += b.rt_table(rows, paper=False) + ["", "Change against part 1:", ""] + changes(b, rows, base)


def part2_flood(b, md, base, configs, n_rel):
    rows = loaded_runs(b, "bflood", configs, n_rel)
    md += ["### (b) an ADU flooding another with messages", "",
           "`tests/bench/scenarios/bflood-cC-rR.vhs`: ADU `flood` (BareOS `app=flood size=4096`, one BE-VCPU) "
           "sends 4 KiB messages to ADU `sink` (`app=pong echo=0`, blocking receive, a queue of 8 slots of "
           "4 KiB) in a loop without pause. Most sends find the queue full and are refused (`EQUEUE_FULL`); "
           "each accepted one is a 4 KiB copy made by vh in the flooder's hypercall.", ""]
    md += b.rt_table(rows, paper=False) + ["", "What the flooder did (its last report, every 20000 attempts; "
                                           "per emulated second: sent / the run's %.0f s):" % (n_rel / 100.0), ""]
    md += flood_table(rows, n_rel) + ["Change against part 1:", ""] + changes(b, rows, base)


def part2_stream(b, md, configs, n_rel, quick):
    rows = []
    for c, n in configs:
        for rate in ((100,) if quick else (None, 100)):
            b.log("part 2c: %d CPU(s) x %d RT-VCPU(s) under vhd, stream %s" % (c, n, rate))
            # a healthy run takes 15-40 s of host time; the bound keeps a stalled target from eating the budget
            r = rt_via_vhd(b, c, n, rate, 45 if quick else 90, n_rel)
            b.log("  %.0f s, %s, %d samples" % (r["secs"], "done" if r["done"] else "TIMEOUT", r["frames"]))
            rows.append((c, n, rate, r))
    md += ["### (c) vhd attached, with and without a 100 Hz statistics stream", "",
           "`tests/bench/scenarios/bstream-cC.vhs` under vhd (`qemu:bstream-cC,nosleep`: QEMU `-icount "
           "shift=3,sleep=off` as in part 1, so vhd's Hello announces heartbeat_ms = 0 and the target keeps "
           "its session while emulated time runs ahead of the host's): RT-App's reporting "
           "ADU starts with one RT-VCPU of its own; the measured RT-VCPUs are created by the host with "
           "`vhctl vcpu create ctl --entry rtapp_spawn --period 10ms --budget 1ms` once `vhctl console ctl` "
           "and (for '100 Hz') `vhctl stats --follow --rate 100` are attached, so all their releases happen "
           "under the stream. Their figures are RT-App's, read from its console through vhd. With vhd "
           "attached the UART carries framed traffic and the management agent runs, so compare the rows with "
           "and without the stream with each other, not with part 1. The target's time no longer depends on "
           "the host's load, but the instants at which the host's frames (heartbeats, calls, the "
           "subscription) reach it do, and so does the phase of the stream against the releases: single "
           "maxima change from run to run.", ""]
    md += stream_table(b, rows)
    md += ["With sleep=off the target runs faster than real time when idle, so '100 Hz' is in emulated time: "
           "%d releases = %.0f s emulated, i.e. about %d statistics samples while the measured RT-VCPUs run "
           "(the count covers the whole run, from before they were created)." % (n_rel, n_rel / 100.0, n_rel), ""]
    for c, n, rate, r in rows:
        if r["created"] and not all(x.startswith("created") for x in r["created"]):
            md.append("- %d CPU(s) %d RT-VCPU(s) stream %s: vcpu create said: %s" % (c, n, rate,
                                                                                   "; ".join(r["created"])))
    md.append("")


def part2(b, q, md, base):
    n_rel = 200 if q.quick else 1000
    configs = [(1, 1), (1, 2)] if q.quick else [(1, 1), (1, 2), (2, 1), (2, 2)]
    md += ["## 2. Under load", "",
           "The set-up of part 1 (%d releases, period 10 ms, budget 1 ms, 20 us of work per job) with another "
           "ADU loading the machine, %s. Columns as in part 1 (RT-App's own measurement)." %
           (n_rel, ", ".join("%d CPU(s) x %d RT-VCPU(s)" % cn for cn in configs)), ""]
    part2_spin(b, md, base, configs, n_rel)
    part2_flood(b, md, base, configs, n_rel)
    part2_stream(b, md, configs, n_rel, q.quick)
