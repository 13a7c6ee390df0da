#!/usr/bin/env python3
"""Tests of `vhctl campaign` against vhd, with targets that are vh in QEMU
(spawned by the campaign, started by vhd) or vh-fake-target (the host build
of the agent, started here).

Usage: test_campaign.py BUILD_DIR CASE   (CASE: see CASES below, or "all")

Each case starts its own vhd (and fake targets) in a private temporary
directory, bounds every step with a timeout and stops what it started; the
QEMUs are vhd's, stopped by vhd when the campaign removes its targets or
when vhd exits.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import vhtestlib as vt  # noqa: E402
from vhtestlib import Fail, check, wait_for  # noqa: E402

BUILD = vt.build_dir()
FAKE, VHD, VHCTL, _ = vt.tools(BUILD)
EXAMPLE_CASES = ["create-rt", "refuse-over-reservation", "console-echo", "migrate-and-destroy"]
FAKE_CASES = ["create-rt", "refuse-over-reservation", "console-echo", "migrate-and-reserve"]


class Env:
    def __init__(self):
        self.dir = vt.tmpdir("vh-campaign-")
        self.sock = os.path.join(self.dir, "vhd.sock")
        self.out = os.path.join(self.dir, "out")
        self.procs = []
        self.fakes = {}

    def start_fake(self, name):
        path = os.path.join(self.dir, name + ".sock")
        p = vt.start_fake(FAKE, path, os.path.join(self.dir, name + ".log"), 300, boot_id=7,
                          what="the socket of " + name)
        self.procs.append(p)
        self.fakes[name] = p
        return "unix:" + path

    def start_vhd(self, targets=()):
        args = [VHD, "-v", "--socket", self.sock]
        for name, spec in targets:
            args += ["--target", "%s=%s" % (name, spec)]
        self.vhd = subprocess.Popen(args, stderr=open(os.path.join(self.dir, "vhd.log"), "w"))
        self.procs.append(self.vhd)
        wait_for(lambda: os.path.exists(self.sock), 10, "vhd's socket")

    def ctl(self, *args, timeout=10):
        return vt.vhctl(VHCTL, self.sock, args, check_rc=None, timeout=timeout)

    def qemu_pids(self):
        """Pids of the QEMUs vhd started, from its log."""
        log = open(os.path.join(self.dir, "vhd.log")).read()
        return [int(p) for p in re.findall(r"started QEMU pid (\d+)", log)]

    def campaign(self, *args, timeout=90):
        env = dict(os.environ, VH_CAMPAIGN_DIR=self.dir)
        return vt.vhctl(VHCTL, self.sock, ("campaign",) + args, check_rc=None, timeout=timeout,
                        env=env)

    def close(self):
        vt.stop_all(reversed(self.procs))
        shutil.rmtree(self.dir, ignore_errors=True)


def junit(path):
    root = ET.parse(path).getroot()
    check(root.tag == "testsuites", "JUnit root is <testsuites>")
    return {s.get("name"): {c.get("name"): c for c in s.findall("testcase")}
            for s in root.findall("testsuite")}


def check_tap(path, want):
    lines = open(path).read().splitlines()
    check(lines[0] == "TAP version 13", "TAP version line: %r" % lines[:1])
    m = re.fullmatch(r"1\.\.(\d+)", lines[1])
    check(m and int(m.group(1)) == want, "TAP plan 1..%d: %r" % (want, lines[1]))
    n, in_yaml, results = 0, False, []
    for ln in lines[2:]:
        if in_yaml:
            in_yaml = ln != "  ..."
            continue
        if ln == "  ---":
            in_yaml = True
            continue
        m = re.fullmatch(r"(ok|not ok) (\d+) - ([^#]+)", ln)
        check(m, "malformed TAP line: %r" % ln)
        n += 1
        check(int(m.group(2)) == n, "TAP numbers in order: %r" % ln)
        results.append((m.group(1), m.group(3)))
    check(n == want and not in_yaml, "TAP has %d results, plan %d" % (n, want))
    return results


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def check_reports(e, r, targets, cases):
    """Every report of a campaign in which every case passed."""
    suites = junit(os.path.join(e.out, "junit.xml"))
    check(sorted(suites) == targets, "a testsuite per target: %r" % list(suites))
    for t, got in suites.items():
        check(list(got) == cases, "%s lists every case: %r" % (t, list(got)))
        check(all(len(c) == 0 for c in got.values()), "all passed in JUnit")
    n = len(targets) * len(cases)
    res = check_tap(os.path.join(e.out, "results.tap"), n)
    check(all(ok == "ok" for ok, _ in res), "all ok in TAP")
    sig = [ln for ln in r.stdout.splitlines() if ln.startswith("<LAVA_SIGNAL_TESTCASE")]
    check(len(sig) == n and all("RESULT=pass" in s for s in sig), "LAVA signals: %r" % sig)
    check(any("MEASUREMENT=" in s and "UNITS=us" in s for s in sig), "a measurement: %r" % sig)
    for t in targets:
        d = os.path.join(e.out, t, "create-rt")
        for f in ("stats.csv", "stats.json", "console-ctl.log"):
            check(os.path.exists(os.path.join(d, f)), "artifact %s/%s" % (d, f))
        svgs = [f for f in os.listdir(d) if f.startswith("hist-vcpu") and f.endswith(".svg")]
        check(svgs, "a histogram in " + d)
        ET.parse(os.path.join(d, svgs[0]))  # well-formed SVG
    summary = open(os.path.join(e.out, "summary.md")).read()
    check("create-rt/stats.csv" in summary and "PASS" in summary, "summary links artifacts")
    ET.parse(os.path.join(e.out, "summary.html"))
    # The campaign cleaned up: the spawned targets are gone from vhd.
    tl = e.ctl("target", "list")
    check(not any(t in tl.stdout for t in targets), "spawned targets removed: " + tl.stdout)


def case_example(e):
    """The shipped example as it is: two QEMU targets the campaign spawns."""
    docs = os.path.join(HERE, "..", "..", "docs", "campaigns", "jitter-smoke.yaml")
    check(open(docs).read() == open(os.path.join(HERE, "example.yaml")).read(),
          "docs/campaigns/jitter-smoke.yaml is a copy of tests/campaign/example.yaml")
    e.start_vhd()
    t0 = time.monotonic()
    r = e.campaign("run", docs, "--out", e.out, "--report", "junit,tap,lava", "--parallel", "2",
                   timeout=150)
    print("campaign ran in %.1fs:\n%s" % (time.monotonic() - t0, r.stdout))
    check(r.returncode == 0, "example passes: exit %d\n%s\n%s" % (r.returncode, r.stdout, r.stderr))
    check_reports(e, r, ["emu1", "emu2"], EXAMPLE_CASES)
    for t in ("emu1", "emu2"):
        log = open(os.path.join(e.out, t, "console-echo", "console-shell.log")).read()
        check("echo: hello vh" in log, "console log of the case: %r" % log[-200:])
    pids = e.qemu_pids()
    check(len(pids) == 2, "vhd started one QEMU per target: %r" % pids)
    wait_for(lambda: not any(alive(p) for p in pids), 10, "vhd to stop the QEMUs")


def case_fake(e):
    """The same campaign on two simulated targets: the fast variant."""
    e.start_fake("fake1")
    e.start_fake("fake2")
    e.start_vhd()
    shutil.copy(os.path.join(HERE, "fake.yaml"), e.dir)
    r = e.campaign("run", os.path.join(e.dir, "fake.yaml"), "--out", e.out, "--report",
                   "junit,tap,lava", "--parallel", "2")
    check(r.returncode == 0, "fake example passes: exit %d\n%s\n%s" % (r.returncode, r.stdout,
                                                                       r.stderr))
    check_reports(e, r, ["fake1", "fake2"], FAKE_CASES)
    for t in ("fake1", "fake2"):
        log = open(os.path.join(e.out, t, "console-echo", "console-ctl.log")).read()
        check("echo: hello" in log, "console log of the case: %r" % log[-200:])


def case_failing(e):
    e.start_fake("fake1")
    e.start_vhd()
    r = e.campaign("run", os.path.join(HERE, "failing.yaml"), "--out", e.out)
    check(r.returncode == 1, "exit 1 on a failed case: %d\n%s%s" % (r.returncode, r.stdout,
                                                                   r.stderr))
    cases = junit(os.path.join(e.out, "junit.xml"))["fake1"]
    check(len(cases["create"]) == 0 and len(cases["still-fine"]) == 0, "the others pass")
    f = cases["too-strict"].find("failure")
    check(f is not None, "too-strict failed")
    msg = f.get("message")
    check(re.search(r"jitter\.min < 10ns: measured \d+\.\d+us \(VCPU \d+\), bound < 0\.010us",
                    msg), "measured value and bound in the message: " + msg)
    check("misses" not in msg, "only the failing check is reported: " + msg)
    res = check_tap(os.path.join(e.out, "results.tap"), 3)
    check([ok for ok, _ in res] == ["ok", "not ok", "ok"], "TAP results: %r" % res)
    check("FAIL" in r.stdout and "measured" in r.stdout, "progress shows the failure")


def check_lost(out, code, stdout, stderr, live, doomed_name):
    """live's cases pass; doomed's first passes, the rest are errors with the reason."""
    check(code == 1, "exit 1: %d\n%s%s" % (code, stdout, stderr))
    suites = junit(os.path.join(out, "junit.xml"))
    check(all(len(c) == 0 for c in suites[live].values()), "%s's cases pass: %s" % (live, stdout))
    doomed = suites[doomed_name]
    check(len(doomed["first"]) == 0, "%s's first case passed: %s" % (doomed_name, stdout))
    why = "target '%s' unavailable" % doomed_name
    for name in ("long-wait", "after", "last"):
        el = doomed[name].find("error")
        check(el is not None, "%s/%s is an ERROR: %s" % (doomed_name, name, stdout))
        check(why in el.get("message"), "with the reason: %s" % el.get("message"))
    check(("not run: " + why) in doomed["last"].find("error").get("message"),
          "remaining cases not run")
    return doomed["long-wait"].find("error").get("message")


def wait_created(e, target, what):
    """Until the campaign's first case has made its RT-VCPU on target (seen
    through vhd, not through the campaign's progress lines, which a busy
    machine may deliver late)."""
    end = time.monotonic() + 60
    while True:
        check(time.monotonic() < end, "%s's first case never created its RT-VCPU" % target)
        q = e.ctl("-t", target, "vcpu", "list")
        if what(q.stdout):
            return
        time.sleep(0.1)


def case_killed(e):
    a = e.start_fake("alive")
    d = e.start_fake("doomed")
    e.start_vhd([("alive", a), ("doomed", d)])
    env = dict(os.environ, VH_CAMPAIGN_DIR=e.dir)
    p = subprocess.Popen([VHCTL, "-s", e.sock, "campaign", "run",
                          os.path.join(HERE, "killed.yaml"), "--out", e.out],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    e.procs.append(p)
    wait_created(e, "doomed", lambda out: " RT " in out)
    e.fakes["doomed"].kill()
    out, err = p.communicate(timeout=60)
    check_lost(e.out, p.returncode, out, err, "alive", "doomed")


def case_killed_qemu(e):
    """The same on two QEMU targets the campaign spawns: the test kills
    emu2's QEMU; vhd starts a new one, which is a new boot."""
    e.start_vhd()
    p = subprocess.Popen([VHCTL, "-s", e.sock, "campaign", "run",
                          os.path.join(HERE, "killed-qemu.yaml"), "--out", e.out],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    e.procs.append(p)
    # RT-App's own RT-VCPU has a 10ms period; the campaign's has 100ms.
    wait_created(e, "emu2", lambda out: re.search(r" RT .* 100ms ", out))
    tl = json.loads(e.ctl("-o", "json", "target", "list").stdout)
    pid = [t.get("qemu_pid") for t in tl["targets"] if t["name"] == "emu2"][0]
    check(pid and pid in e.qemu_pids(), "emu2's QEMU pid from vhd: %r %r" % (pid, e.qemu_pids()))
    os.kill(pid, signal.SIGKILL)
    out, err = p.communicate(timeout=90)
    print(out)
    msg = check_lost(e.out, p.returncode, out, err, "emu1", "emu2")
    check(any(w in msg for w in ("rebooted", "link down", "hello", "did not answer")),
          "the reason says what happened: " + msg)
    pids = e.qemu_pids()
    check(len(pids) == 3, "vhd restarted emu2's QEMU once: %r" % pids)
    wait_for(lambda: not any(alive(q) for q in pids), 10, "vhd to stop the QEMUs")


def case_malformed(e):
    e.start_fake("fake1")
    e.start_vhd([("board1", "unix:" + os.path.join(e.dir, "fake1.sock"))])
    path = os.path.join(HERE, "malformed.yaml")
    r = e.campaign("run", path, "--out", e.out)
    check(r.returncode == 2, "exit 2: %d %s" % (r.returncode, r.stderr))
    want = path + ":7:63: unknown key 'budgte' in a create step; expected one of:"
    check(r.stderr.startswith(want) and "did you mean 'budget'" in r.stderr,
          "line-numbered error:\n%s\nwant:\n%s" % (r.stderr, want))
    check(not os.path.exists(e.out), "nothing ran (no --out directory)")
    check("change by client" not in open(os.path.join(e.dir, "vhd.log")).read(),
          "vhd saw no change")
    bad = {
        "period: 10\n": ":7:46: period: '10' has no unit; use e.g. 10ms",
        "period: [1]\n": ":7:46: period is a list; expected a duration such as 10ms",
        "budget: 1ms\n": ":7:17: a create step has no 'period'; expected 'period: ...' in it",
        "stats: {window: 1s}\n      - assert: [\"jitter.max < 5\"]\n":
            ":9:18: check 'jitter.max < 5': jitter needs a unit",
        "wait: 2 s\n": ":8:15: wait: '2 s' has an unknown unit ' s'; use ns, us, ms or s",
        "stats: {window: 1s}\n      - assert: [\"misses = 0\"]\n":
            ":9:18: check 'misses = 0' has no comparison",
        "migrate: {vcpu: last, cpu: 1}\n": ":8:25: vcpu: last has no create step before it",
    }
    for i, (frag, msg) in enumerate(bad.items()):
        if frag.startswith("period") or frag.startswith("budget"):
            step = "      - create: {adu: ctl, entry: 1, %s}\n" % frag.strip()
            if frag.startswith("budget"):
                step = "      - create: {adu: ctl, entry: 1, budget: 1ms}\n"
            body = step
        elif frag.startswith("migrate"):
            body = "      - wait: 1s\n      - " + frag
        else:
            body = "      - create: {adu: ctl, entry: 1, period: 2ms, budget: 1ms}\n      - " + frag
        text = "name: x\ntargets:\n  - name: b\ncases:\n  - name: c\n    steps:\n" + body
        f = os.path.join(e.dir, "bad%d.yaml" % i)
        open(f, "w").write(text)
        r = e.campaign("check", f)
        check(r.returncode == 2 and r.stderr.startswith(f + msg),
              "%r:\n%s\ngot: %s\nwant: %s" % (frag, text, r.stderr, f + msg))
    f = os.path.join(e.dir, "badentry.yaml")
    step = '      - create: {adu: ctl, entry: "rt spawn", period: 2ms, budget: 1ms}\n'
    open(f, "w").write("name: x\ntargets:\n  - name: b\ncases:\n  - name: c\n    steps:\n" + step)
    r = e.campaign("check", f)
    check(r.returncode == 2 and r.stderr.startswith(f + ":7:35: entry 'rt spawn' is neither an "
                                                    "address nor a symbol"), "entry: " + r.stderr)
    for f in ("example.yaml", "fake.yaml", "killed-qemu.yaml", "../../docs/campaigns/board.yaml"):
        r = e.campaign("check", os.path.join(HERE, f))
        check(r.returncode == 0 and "well-formed" in r.stdout, "%s checks: %s" % (f, r.stderr))


CASES = {"example": case_example, "fake": case_fake, "failing": case_failing,
         "killed": case_killed, "killed-qemu": case_killed_qemu, "malformed": case_malformed}


def run(name):
    e = Env()
    try:
        CASES[name](e)
    except (Fail, subprocess.TimeoutExpired) as ex:
        raise Fail("%s\n(kept nothing; vhd log was in %s)" % (ex, e.dir)) from ex
    finally:
        e.close()


if __name__ == "__main__":
    sys.exit(vt.main(CASES, run))
