#!/usr/bin/env python3
"""End-to-end tests of vhd + vhctl against vh-fake-target.

Usage: test_vhd_e2e.py BUILD_DIR CASE   (CASE: see CASES below, or "all")

Each case starts its own fake target and vhd in a private temporary
directory, bounds every step with a timeout and kills what it started.
VHD_WRAP (e.g. "valgrind -q --error-exitcode=99") runs vhd under a tool.
"""
import json
import os
import shlex
import socket
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import vhtestlib as vt  # noqa: E402
from vhtestlib import check, read_json_lines, wait_for  # noqa: E402

BUILD = vt.build_dir()
FAKE, VHD, VHCTL, _ = vt.tools(BUILD)


class Env:
    def __init__(self):
        self.dir = vt.tmpdir("vhd-e2e-")
        self.sock = os.path.join(self.dir, "vhd.sock")
        self.tsock = os.path.join(self.dir, "target.sock")
        self.procs = []
        self.fake = None
        self.vhd = None

    def start_fake(self, boot_id):
        self.fake = vt.start_fake(FAKE, self.tsock, os.path.join(self.dir, "fake-%d.log" % boot_id),
                                  200, boot_id)
        self.procs.append(self.fake)

    def stop_fake(self):
        self.fake.kill()
        self.fake.wait(5)
        if os.path.exists(self.tsock):
            os.unlink(self.tsock)

    def start_vhd(self):
        self.vhd_log = os.path.join(self.dir, "vhd.log")
        wrap = shlex.split(os.environ.get("VHD_WRAP", ""))
        self.vhd = subprocess.Popen(wrap + [VHD, "-v", "--socket", self.sock, "--target",
                                            "ft=unix:" + self.tsock],
                                    stderr=open(self.vhd_log, "w"))
        self.procs.append(self.vhd)
        wait_for(self.target_up, 20, "vhd to bring the target up")

    def target_up(self):
        r = self.ctl("-o", "json", "target", "list", check_rc=None)
        if r.returncode != 0:
            return False
        t = json.loads(r.stdout)["targets"]
        return len(t) == 1 and t[0]["state"] == "up"

    def ctl(self, *args, sock=None, check_rc=0, stdin=None, timeout=20):
        return vt.vhctl(VHCTL, sock or self.sock, args, check_rc=check_rc, timeout=timeout,
                        stdin=stdin)

    def log(self):
        with open(self.vhd_log) as f:
            return f.read()

    def close(self):
        vt.stop_vhd_cleanly(self.vhd, 30)
        vt.stop_all(self.procs, grace=0)


def case_basic(e):
    r = e.ctl("adu", "list")
    check("ctl" in r.stdout and "gp" in r.stdout, "adu list shows ctl and gp:\n" + r.stdout)
    adus = json.loads(e.ctl("-o", "json", "adu", "list").stdout)["adus"]
    check([a["name"] for a in adus] == ["ctl", "gp"], "json adu names: %r" % adus)
    r = e.ctl("vcpu", "list")
    check(r.stdout.splitlines()[0].split()[:3] == ["ID", "ADU", "KIND"], "vcpu table header")
    r = e.ctl("status")
    check("cpus       4" in r.stdout, "status shows 4 CPUs:\n" + r.stdout)
    st = json.loads(e.ctl("-o", "json", "status").stdout)
    check(st["ncpus"] == 4 and st["boot_id"] == "0000000000000001", "status json: %r" % st)
    create = ["vcpu", "create", "ctl", "--entry", "0x80200000", "--period", "10ms",
              "--budget", "1ms"]
    r = e.ctl(*create, "--dry-run")
    check("would pass" in r.stdout, "dry run passes: " + r.stdout)
    check(len(json.loads(e.ctl("-o", "json", "vcpu", "list").stdout)["vcpus"]) == 4,
          "dry run created nothing")
    r = json.loads(e.ctl("-o", "json", *create).stdout)
    check(r["admitted"] and r["vcpu_id"] > 0, "created: %r" % r)
    vid = r["vcpu_id"]
    vcpus = json.loads(e.ctl("-o", "json", "vcpu", "list").stdout)["vcpus"]
    rt = [v for v in vcpus if v["id"] == vid]
    check(rt and rt[0]["kind"] == "rt" and rt[0]["period_ns"] == 10000000, "listed: %r" % rt)
    target_cpu = (rt[0]["cpu"] + 1) % 4
    e.ctl("vcpu", "migrate", str(vid), str(target_cpu))
    vcpus = json.loads(e.ctl("-o", "json", "vcpu", "list").stdout)["vcpus"]
    check([v["cpu"] for v in vcpus if v["id"] == vid] == [target_cpu], "migrated")
    e.ctl("vcpu", "set", str(vid), "--budget", "2ms")
    e.ctl("adu", "reserve", "ctl", "40")
    adus = json.loads(e.ctl("-o", "json", "adu", "list").stdout)["adus"]
    check(adus[0]["reserve_ppm"] == 400000, "reservation set: %r" % adus[0])
    e.ctl("vcpu", "destroy", str(vid))
    check("change by client" in e.log() and "uid" in e.log(), "changes logged with uid/pid")
    r = e.ctl("link", "stats")
    check("host" in r.stdout and "target" in r.stdout, "link stats table")


def case_refusal(e):
    big = ["vcpu", "create", "ctl", "--entry", "0x80200000", "--period", "10ms", "--budget",
           "9ms", "--cpu", "0"]
    e.ctl(*big)
    r = e.ctl(*big, "--dry-run", check_rc=3)
    check("would be refused" in r.stderr, "dry run refusal: " + r.stderr)
    r = e.ctl(*big, check_rc=3)
    check("refused" in r.stderr and "%" in r.stderr, "refusal with its reason: " + r.stderr)
    r = e.ctl("adu", "reserve", "ctl", "95", check_rc=3)
    check("limit" in r.stderr, "reservation refusal says which limit: " + r.stderr)
    r = e.ctl("vcpu", "lst", check_rc=2)
    check("did you mean 'list'" in r.stderr, "suggestion: " + r.stderr)
    r = e.ctl("vcpu", "create", "ctl", "--entry", "0x1000", "--period", "10", "--budget", "1ms",
              check_rc=2)
    check("'10' has no unit; use e.g. 10ms" in r.stderr, "unit message: " + r.stderr)
    r = e.ctl("-t", "nope", "adu", "list", check_rc=4)
    check("no target 'nope'" in r.stderr, "unknown target: " + r.stderr)


def case_stats(e):
    r = e.ctl("-o", "json", "stats", "--follow", "--count", "3", "--rate", "10")
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    check(len(lines) == 3, "three samples: %d" % len(lines))
    up = [o["uptime_ns"] for o in lines]
    check(up[0] < up[1] < up[2], "numbers change: %r" % up)
    run = [o["vcpus"][0]["run_ns"] for o in lines]
    check(run[0] < run[2], "per-VCPU run time grows: %r" % run)
    r = e.ctl("stats")
    check("CPU" in r.stdout and "IDLE %" in r.stdout, "stats table:\n" + r.stdout)
    # Messaging channels (the fake target's synthetic counters), through vhd.
    chans = [{(c["src"], c["dst"]): c for c in o["ipc_channels"]} for o in lines]
    check(all(set(c) == {("ctl", "gp"), ("gp", "ctl"), ("ctl", "<mgmt>"), ("<mgmt>", "ctl"),
                         ("gp", "<mgmt>"), ("<mgmt>", "gp")} for c in chans),
          "json: the six channels of the fake in every sample: %r" % [sorted(c) for c in chans])
    first, last = chans[0][("ctl", "gp")], chans[-1][("ctl", "gp")]
    check(first["permitted"] and first["src_adu"] == 0 and first["dst_adu"] == 1,
          "ctl -> gp is opened: %r" % first)
    check(first["sent"] < last["sent"] and last["received"] <= last["sent"],
          "ctl -> gp counts grow, received <= sent: %r -> %r" % (first, last))
    gp_mgmt = chans[-1][("gp", "<mgmt>")]
    check(not gp_mgmt["permitted"] and gp_mgmt["dst_adu"] == 65535 and gp_mgmt["sent"] == 1,
          "gp -> agent: not opened, one call counted: %r" % gp_mgmt)
    rows = [l.split() for l in r.stdout.splitlines()]
    head = [i for i, w in enumerate(rows) if w[:3] == ["FROM", "TO", "ALLOWED"]]
    check(head and "REFUSED" in rows[head[0]] and "FAULT" in rows[head[0]],
          "channel table header:\n" + r.stdout)
    body = {(w[0], w[1]): w for w in rows[head[0] + 1:]} if head else {}
    check(body.get(("gp", "<mgmt>"), [None] * 3)[2] == "no" and
          body.get(("ctl", "gp"), [None] * 3)[2] == "yes" and len(body) == 6,
          "channel table rows:\n" + r.stdout)


def case_console(e):
    time.sleep(0.5)
    r = e.ctl("console", "ctl", stdin="hello vh\n", timeout=20)
    check("echo: hello vh" in r.stdout, "console echo: %r" % r.stdout[-300:])
    r = e.ctl("console", "gp", stdin="", timeout=20)
    check("tick" in r.stdout, "scrollback of gp shown first: %r" % r.stdout[:200])
    r = e.ctl("console", "log", stdin="", timeout=20)
    check("[vh]" in r.stdout, "text before the hello is in the log: %r" % r.stdout[:300])
    e.ctl("console", "nosuch", stdin="", check_rc=4)


def case_reboot(e):
    p = subprocess.Popen([VHCTL, "-s", e.sock, "-o", "json", "stats", "--follow", "--rate",
                          "10"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    e.procs.append(p)
    is_stats = lambda o: "seq" in o
    read_json_lines(p, 3, 10, is_stats)
    e.stop_fake()
    e.start_fake(2)
    got = read_json_lines(p, 3, 30, lambda o: is_stats(o) or o.get("event") == "rebooted")
    events = [o for o in got if o.get("event") == "rebooted"]
    check(events and events[0]["boot_id"] == "0000000000000002", "reboot event: %r" % got)
    after = got[got.index(events[0]) + 1:]
    after += read_json_lines(p, 3, 20, is_stats)
    check(len([o for o in after if is_stats(o)]) >= 3, "stream resumed by itself")
    p.terminate()
    p.wait(5)
    check("rebooted (boot id 0000000000000001 -> 0000000000000002)" in e.log(),
          "vhd logged the reboot")


def case_readonly(e):
    ro = e.sock + ".ro"
    check(oct(os.stat(ro).st_mode & 0o777) == "0o666", "read-only socket is 0666")
    check(oct(os.stat(e.sock).st_mode & 0o777) == "0o660", "admin socket is 0660")
    e.ctl("adu", "list", sock=ro)
    r = e.ctl("adu", "reserve", "ctl", "20", sock=ro, check_rc=7)
    check("read-only" in r.stderr, "says why: " + r.stderr)
    e.ctl("vcpu", "create", "ctl", "--entry", "0x80200000", "--period", "10ms", "--budget",
          "1ms", sock=ro, check_rc=7)
    e.ctl("target", "remove", "ft", sock=ro, check_rc=7)
    e.ctl("target", "list", sock=ro)


def raw_request(s, rid):
    # ClientRequest{id: rid, target_list: {}} encoded by hand.
    s.sendall(vt.frame(bytes([0x08, rid, 0x52, 0x00])))


raw_answer, closed = vt.recv_frame, vt.closed


def case_malformed(e):
    good = socket.socket(socket.AF_UNIX)
    good.connect(e.sock)
    raw_request(good, 1)
    check(raw_answer(good)[:2] == bytes([0x08, 1]), "good client answered")
    bad = socket.socket(socket.AF_UNIX)
    bad.connect(e.sock)
    bad.sendall(struct.pack(">I", 5) + b"\xff\xff\xff\xff\xff")
    check(closed(bad), "malformed client dropped")
    big = socket.socket(socket.AF_UNIX)
    big.connect(e.sock)
    big.sendall(struct.pack(">I", 1 << 20))
    check(closed(big), "oversize client dropped")
    raw_request(good, 2)
    check(raw_answer(good)[:2] == bytes([0x08, 2]), "good client still served")
    e.ctl("adu", "list")
    log = e.log()
    check("malformed message" in log and "over the size cap" in log, "reasons logged")


def case_qemu_cmdline(_e):
    r = subprocess.run([VHD, "--dry-run-qemu", "--socket", "/tmp/x/vhd.sock", "--build-dir",
                        "/b", "--target", "q=qemu:demo,smp=2,icount"], capture_output=True,
                       text=True, timeout=10)
    check(r.returncode == 0, "dry run exit %d: %s" % (r.returncode, r.stderr))
    want = ("q: qemu-system-riscv64 -M virt -cpu rv64 -smp 2 -m 512M -display none "
            "-monitor none -bios default -kernel /b/target/scenarios/vh-demo.elf "
            "-chardev socket,id=s0,path=/tmp/x/vhd-")
    check(r.stdout.startswith(want), "command line:\n%s\nwant prefix:\n%s" % (r.stdout, want))
    check(r.stdout.rstrip().endswith("-q.qemu,server=on,wait=on -serial chardev:s0 "
                                     "-icount shift=3"), "tail: " + r.stdout)
    r = subprocess.run([VHD, "--dry-run-qemu", "--target", "q=qemu:demo"], capture_output=True,
                       text=True, timeout=10)
    check("-smp 4 " in r.stdout, "smp from the scenario's cpus: " + r.stdout)
    r = subprocess.run([VHD, "--target", "q=qemu:demo,bogus"], capture_output=True, text=True,
                       timeout=10)
    check(r.returncode == 2 and "unknown option 'bogus'" in r.stderr, "bad spec: " + r.stderr)


CASES = {"basic": case_basic, "refusal": case_refusal, "stats": case_stats,
         "console": case_console, "reboot": case_reboot, "readonly": case_readonly,
         "malformed": case_malformed, "qemu_cmdline": case_qemu_cmdline}
NO_TARGET = {"qemu_cmdline"}


def run(name):
    e = Env()
    try:
        if name not in NO_TARGET:
            e.start_fake(1)
            e.start_vhd()
        CASES[name](e)
    finally:
        e.close()


if __name__ == "__main__":
    sys.exit(vt.main(CASES, run))
