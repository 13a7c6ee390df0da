#!/usr/bin/env python3
"""Inter-ADU messaging integration tests: BareOS ADUs exchanging messages
through vh in QEMU (-icount shift=3,sleep=off).

usage: test_ipc.py pingpong|bad|flood
"""
import re
import sys

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


TESTS = {"pingpong": pingpong, "bad": bad, "flood": flood}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in TESTS:
        t.fail("usage: test_ipc.py %s" % "|".join(TESTS))
    TESTS[sys.argv[1]]()
    t.done()
