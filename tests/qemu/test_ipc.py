#!/usr/bin/env python3
"""Inter-ADU messaging integration tests: BareOS ADUs exchanging messages
through vh in QEMU (-icount shift=3,sleep=off); the stats-* cases run the
same scenarios under vhd and check vh's per-channel counters as
`vhctl stats` shows them.

usage: test_ipc.py pingpong|bad|flood|stats-pingpong|stats-bad|stats-flood
"""
import os
import re
import subprocess
import sys
import time

import vhtest as t

PING = re.compile(r"ping: sent (\d+) received (\d+) lost (\d+) duplicated (\d+) out of order (\d+) "
                  r"foreign (\d+) full (\d+)")
RT = re.compile(r"rtapp: rt \d+ .*releases (\d+) .*misses (\d+) overruns (\d+)")
FLOOD = re.compile(r"flood: attempts (\d+) sent (\d+) full (\d+) other (\d+)")


def no_panic(r):
    t.check(not any("PANIC" in l for l in r.out), "no hypervisor panic", r)


def ping_summary(r, tag):
    for line in r.tagged(tag):
        m = PING.search(line)
        if m:
            return [int(x) for x in m.groups()]
    return None


def pingpong():
    r = t.Run(t.qemu_cmd(t.scenario_elf("ipc-pingpong"), 2))
    r.wait_line(r"\[[ac]\] ping: done", 120, count=2)
    r.stop()
    no_panic(r)
    for ping, pong, how in (("a", "b", "blocking receive"), ("c", "d", "notification + wfi")):
        s = ping_summary(r, ping)
        t.check(s is not None, "ping %s finished (%s)" % (ping, how), r)
        if s is None:
            continue
        sent, received, lost, dup, ooo, foreign, _ = s
        t.check(sent == 200 and received == 200 and lost == 0,
                "%s: 200 sent, 200 echoed back, none lost (%s)" % (ping, how), r)
        t.check(dup == 0 and ooo == 0 and foreign == 0, "%s: no duplicates, order kept" % ping, r)
        t.check(any("pong: ready (%s)" % how in l for l in r.tagged(pong)), "%s waits by %s" % (pong, how), r)
        t.check(any("pong: first message" in l and "woke the receiver" in l for l in r.tagged(pong)),
                "the message wakes %s" % pong, r)
    # b parks in its receive before a sends (a waits 50 ms first), and a
    # waits for each echo in a blocking receive: the exchange finishing
    # shows a blocking receive wakes when its message arrives.


def bad():
    r = t.Run(t.qemu_cmd(t.scenario_elf("ipc-bad"), 1))
    r.wait_line(r"\[mgr\] msgbad: done", 120)
    r.wait_line(r"\[bad\] msgbad: done", 10)
    r.stop()
    no_panic(r)
    want = [("send to a non-permitted ADU", "EPERM"),
            ("send to a nonexistent ADU", "ENOENT"),
            ("send from a bad pointer", "EFAULT"),
            ("send with a length past the end of RAM", "EFAULT"),
            ("send from a buffer straddling the start of RAM", "EFAULT"),
            ("send an oversize message", "EMSGSIZE"),
            ("send a message over the 4 KiB limit", "EMSGSIZE"),
            ("receive into a bad pointer", "EFAULT"),
            ("receive with a capacity past the end of RAM", "EFAULT"),
            ("receive with unknown flags", "EINVAL"),
            ("receive from an empty queue", "ENOMSG"),
            ("send a valid message", "OK"),
            ("management RPC", "OK")]
    for tag in ("bad", "mgr"):
        lines = r.tagged(tag)
        for what, code in want:
            t.check("msgbad: %s: %s" % (what, code) in lines, "%s: %s -> %s" % (tag, what, code), r)
    t.check(any(re.search(r"\[vh\] ADU 'bad': message to other refused \(EPERM\)", l) for l in r.out),
            "the refusal is in vh's log, with its reason", r)
    t.check(any(re.search(r"management response: \d+ bytes from 0xffff, status 7$", l) for l in r.tagged("bad")),
            "without the manage capability the agent answers PERMISSION_DENIED", r)
    t.check(any(re.search(r"management response: \d+ bytes from 0xffff, status 0$", l) for l in r.tagged("mgr")),
            "with it the agent answers OK", r)
    t.check(len([l for l in r.tagged("sink") if "first message (16 bytes from ADU 0)" in l]) == 1,
            "only the valid message reached the sink", r)


def flood():
    r = t.Run(t.qemu_cmd(t.scenario_elf("ipc-flood"), 1))
    r.wait_line(r"\[ctl\] rtapp: done", 200)
    r.wait_line(r"\[flood\] flood: attempts", 10)
    r.stop()
    no_panic(r)
    rt = [RT.search(l) for l in r.tagged("ctl")]
    rt = [m for m in rt if m]
    t.check(rt and int(rt[-1].group(1)) >= 300, "RT-App ran its 300 releases beside the flood", r)
    t.check(rt and all(int(m.group(2)) == 0 and int(m.group(3)) == 0 for m in rt),
            "the RT-VCPU of a third ADU has zero misses and overruns", r)
    fl = [FLOOD.search(l) for l in r.tagged("flood")]
    fl = [m for m in fl if m]
    t.check(fl and int(fl[-1].group(3)) > 0, "the flooder is refused with 'queue full'", r)
    t.check(fl and int(fl[-1].group(2)) > 0 and int(fl[-1].group(4)) == 0, "it still gets messages through", r)
    t.check(any("pong: received" in l for l in r.tagged("sink")), "the sink keeps receiving", r)
    if fl:
        print("flood: %s attempts, %s delivered, %s refused full" % fl[-1].group(1, 2, 3))


# ---- the channel counters through vhd and vhctl stats -----------------------

def channels(d):
    """{(src, dst): counters} of one `vhctl stats` sample, or None."""
    rc, out, err = d.ctl("stats", "--count", "1", timeout=30)
    if rc != 0 or not out or "ipc_channels" not in out[0]:
        return None
    return {(c["src"], c["dst"]): c for c in out[0]["ipc_channels"]}


def wait_channels(d, pred, seconds):
    """Sample until pred(channels) holds or time is up; the last sample."""
    end, ch = time.time() + seconds, None
    while time.time() < end:
        ch = channels(d)
        if ch is not None and pred(ch):
            break
        time.sleep(1)
    return ch or {}


def show(ch):
    for (src, dst), c in sorted(ch.items()):
        print("  %-7s -> %-7s %-3s sent %d received %d refused perm %d full %d size %d fault %d" % (
            src, dst, "yes" if c["permitted"] else "no", c["sent"], c["received"],
            c["refused_perm"], c["refused_full"], c["refused_size"], c["refused_fault"]))


def counts(c, **want):
    """Do counters c have the values in want (sent=1, ...)?"""
    return c is not None and all(c.get(k) == v for k, v in want.items())


def under_vhd(scenario, body):
    d = t.Vhd(scenario)
    try:
        if t.check(d.wait_up(90), "vhd reaches the %s scenario" % scenario):
            body(d)
    finally:
        d.stop()
        if t._failures:
            print(d.log_tail()[-1500:])


def console_text(d, adu):
    """What ADU adu printed: its console channel, and its lines from before
    vhd connected (text mode, kept in vhd's log console with their tag)."""
    text = ""
    for name in (adu, "log"):
        p = subprocess.run([os.path.join(t.BUILD, "cli", "vhctl"), "-s", d.sock, "console", name],
                           input="", capture_output=True, text=True, timeout=30)
        text += p.stdout if name == adu else "".join(
            l[len(adu) + 3:] + "\n" for l in p.stdout.splitlines() if l.startswith("[%s] " % adu))
    return text


def stats_pingpong():
    pairs = [("a", "b"), ("b", "a"), ("c", "d"), ("d", "c")]

    def body(d):
        ch = wait_channels(d, lambda ch: all(ch.get(p, {}).get("received", 0) >= 200 for p in pairs), 120)
        show(ch)
        t.check(sorted(ch) == sorted(pairs), "exactly the four send_to channels are listed: %s" % sorted(ch))
        for p in pairs:
            c = ch.get(p)
            t.check(counts(c, permitted=True, sent=200, received=200),
                    "%s -> %s: 200 messages sent and received: %s" % (p + (c,)))
            t.check(counts(c, refused_perm=0, refused_size=0, refused_fault=0),
                    "%s -> %s: no refusal but for a full queue" % p)
        # The pings count their own 'queue full' retries: the same number as vh's.
        for ping, pong in (("a", "b"), ("c", "d")):
            m = PING.search(console_text(d, ping))
            t.check(m and ch.get((ping, pong)) and int(m.group(7)) == ch[(ping, pong)]["refused_full"],
                    "%s's own count of full refusals matches vh's: %s vs %s" % (
                        ping, m and m.group(7), ch.get((ping, pong), {}).get("refused_full")))
    under_vhd("ipc-pingpong", body)


def stats_bad():
    def done(ch):
        return all(ch.get((a, "<mgmt>"), {}).get("sent", 0) >= 1 and
                   ch.get((a, "sink"), {}).get("received", 0) >= 1 for a in ("bad", "mgr"))

    def body(d):
        ch = wait_channels(d, done, 60)
        show(ch)
        for a in ("bad", "mgr"):
            t.check(counts(ch.get((a, "other")), permitted=False, sent=0, refused_perm=1),
                    "%s -> other: not opened, its one try refused for permission: %s" % (a, ch.get((a, "other"))))
            t.check(counts(ch.get((a, "sink")), permitted=True, sent=1, received=1, refused_perm=0,
                           refused_full=0, refused_size=2, refused_fault=3),
                    "%s -> sink: 1 delivered, 2 oversize, 3 bad buffers: %s" % (a, ch.get((a, "sink"))))
            t.check(counts(ch.get((a, "<mgmt>")), permitted=(a == "mgr"), sent=1, received=1) and
                    counts(ch.get(("<mgmt>", a)), permitted=(a == "mgr"), sent=1, received=1),
                    "%s <-> agent: one RPC and its answer, opened only with manage" % a)
        t.check(not any("other" == src or ("sink", "bad") == (src, dst) for src, dst in ch),
                "channels neither opened nor used are not listed: %s" % sorted(ch))
    under_vhd("ipc-bad", body)


def stats_flood():
    depth = 8  # sink's msg_depth in ipc-flood.vhs

    def body(d):
        first = wait_channels(d, lambda ch: ch.get(("flood", "sink"), {}).get("refused_full", 0) > 0, 60)
        time.sleep(2)
        last = channels(d) or {}
        show(last)
        a, b = first.get(("flood", "sink")), last.get(("flood", "sink"))
        t.check(sorted(last) == [("flood", "sink")], "only flood -> sink is listed: %s" % sorted(last))
        t.check(a and b and a["permitted"] and 0 < a["sent"] < b["sent"] and a["refused_full"] < b["refused_full"],
                "sent and refused-full both grow: %s -> %s" % (a, b))
        t.check(a and b and all(0 <= c["sent"] - c["received"] <= depth for c in (a, b)),
                "received trails sent by at most the queue depth (%d)" % depth)
        t.check(b and counts(b, refused_perm=0, refused_size=0, refused_fault=0), "no other refusal")
    under_vhd("ipc-flood", body)


TESTS = {"pingpong": pingpong, "bad": bad, "flood": flood, "stats-pingpong": stats_pingpong,
         "stats-bad": stats_bad, "stats-flood": stats_flood}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in TESTS:
        t.fail("usage: test_ipc.py %s" % "|".join(TESTS))
    TESTS[sys.argv[1]]()
    t.done()
