"""Helpers shared by the host-side Python tests (tests/host, tests/tui, tests/campaign).

A test script puts this directory on sys.path relative to itself:

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
    import vhtestlib as vt

What is here: the failure type and check(), bounded waits, the paths of the
built tools, starting the fake target and stopping processes, vhctl runs,
the case runner every script's main() uses, and a small client of vhd's
local API (vhd's framing, protobuf encoded and decoded by hand: varints and
length-delimited fields are all these messages need) for tests that need
more than vhctl does.  Nothing here depends on tests/qemu/vhtest.py.
"""
import collections
import json
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time


class Fail(Exception):
    """A test assertion failed; the message says what was expected."""


def check(cond, msg):
    if not cond:
        raise Fail(msg)


def wait_for(pred, timeout, what, interval=0.05):
    """Poll pred() until it is true; Fail after timeout seconds."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return
        time.sleep(interval)
    raise Fail("timed out waiting for " + what)


# --- the built tools ------------------------------------------------------------------

Tools = collections.namedtuple("Tools", "fake vhd vhctl vhtop")


def build_dir(argv=None):
    """The build tree: the script's first argument, else $VH_BUILD, else ./build."""
    argv = sys.argv if argv is None else argv
    return argv[1] if len(argv) > 1 else os.environ.get("VH_BUILD", "build")


def tools(build):
    return Tools(fake=os.path.join(build, "mgmt-agent", "vh-fake-target"),
                 vhd=os.path.join(build, "hostd", "vhd"),
                 vhctl=os.path.join(build, "cli", "vhctl"),
                 vhtop=os.path.join(build, "tui", "vhtop"))


def tmpdir(prefix):
    """A private directory for one case's sockets and logs."""
    return tempfile.mkdtemp(prefix=prefix)


# --- processes ------------------------------------------------------------------------

def start_fake(fake, sock, log, tick_ms, boot_id=None, what="the fake target's socket", **kw):
    """Start vh-fake-target listening on the Unix socket `sock` (stderr to the file `log`,
    other Popen arguments in kw); returns the Popen once the socket exists."""
    args = [fake, "--listen", "unix:" + sock]
    if boot_id is not None:
        args += ["--boot-id", str(boot_id)]
    p = subprocess.Popen(args + ["--tick-ms", str(tick_ms)], stderr=open(log, "w"), **kw)
    try:
        wait_for(lambda: os.path.exists(sock), 5, what)
    except Fail:
        stop(p, grace=0)
        raise
    return p


def stop(p, sig=signal.SIGTERM, grace=10):
    """Stop p if it still runs: sig, up to grace seconds, then SIGKILL (grace 0: SIGKILL)."""
    if p.poll() is not None:
        return
    if grace:
        p.send_signal(sig)
        try:
            p.wait(grace)
            return
        except subprocess.TimeoutExpired:
            pass
    p.kill()
    p.wait(30)


def stop_vhd_cleanly(p, timeout):
    """SIGTERM a running vhd and check it exits 0 within timeout seconds."""
    if p is None or p.poll() is not None:
        return
    p.send_signal(signal.SIGTERM)
    try:
        rc = p.wait(timeout)
    except subprocess.TimeoutExpired:
        raise Fail("vhd did not stop on SIGTERM")
    check(rc == 0, "vhd exited %d after SIGTERM" % rc)


def stop_all(procs, sig=signal.SIGTERM, grace=10):
    """stop() each in turn; with grace 0, SIGKILL them all first, then reap them."""
    if grace:
        for p in procs:
            stop(p, sig, grace)
        return
    procs = [p for p in procs if p.poll() is None]
    for p in procs:
        p.kill()
    for p in procs:
        p.wait(30)


def proc_mem_kb(pid):
    """(VmRSS, VmHWM) of pid in KiB."""
    rss = hwm = 0
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1])
    return rss, hwm


def vhctl(prog, sock, args, check_rc=0, timeout=20, stdin=None, env=None):
    """Run `vhctl -s sock ARGS...`; with check_rc not None, Fail on another exit code."""
    r = subprocess.run([prog, "-s", sock] + list(args), capture_output=True, text=True,
                       input=stdin, timeout=timeout, env=env)
    if check_rc is not None and r.returncode != check_rc:
        raise Fail("vhctl %s: exit %d, want %d\nstdout: %s\nstderr: %s" % (
            " ".join(args), r.returncode, check_rc, r.stdout, r.stderr))
    return r


def read_json_lines(p, n, timeout, pred=lambda o: True):
    """Read JSON lines from p.stdout until n objects satisfying pred came."""
    got, end = [], time.monotonic() + timeout
    while len([o for o in got if pred(o)]) < n:
        left = end - time.monotonic()
        check(left > 0, "timed out reading the stats stream; got %r" % got[-3:])
        if not select.select([p.stdout], [], [], left)[0]:
            continue
        line = p.stdout.readline()
        check(line, "stats stream ended early (exit %r)" % p.poll())
        got.append(json.loads(line))
    return got


def main(cases, run_one, argv=None):
    """Run the cases named on the command line (after BUILD_DIR; none or "all": every
    case, in order) with run_one(name); print "ok: NAME" or "FAIL: NAME: why" and stop
    at the first failure.  Returns the exit code."""
    argv = sys.argv if argv is None else argv
    names = argv[2:] or ["all"]
    if names == ["all"]:
        names = list(cases)
    for n in names:
        try:
            run_one(n)
        except Fail as ex:
            print("FAIL: %s: %s" % (n, ex))
            return 1
        print("ok: " + n)
    return 0


# --- vhd's local API by hand (proto/vhd.proto) ------------------------------------------

# ClientRequest / ClientResponse field numbers
REQ_ID, REQ_TARGET = 1, 2
REQ_TARGET_LIST, REQ_TARGET_ADD, REQ_STATS_SUBSCRIBE = 10, 11, 18
RSP_ID, RSP_STATUS, RSP_DETAIL, RSP_TARGET = 1, 2, 3, 4
RSP_TARGETS, RSP_STATS, RSP_GAP, RSP_STREAM_END, RSP_EVENT = 10, 14, 15, 16, 19
LINK_UP = 3


def pb_varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | 0x80 if n else b)
        if not n:
            return bytes(out)


def pb_uint(num, v):
    return pb_varint(num << 3) + pb_varint(v)


def pb_bytes(num, b):
    b = b.encode() if isinstance(b, str) else b
    return pb_varint(num << 3 | 2) + pb_varint(len(b)) + b


def pb_decode(buf):
    """Top-level fields of one message: {field number: [value, ...]}, ints for varint and
    fixed fields, bytes for length-delimited ones.  Raises ValueError if malformed."""
    out, i, n = {}, 0, len(buf)

    def varint():
        nonlocal i
        v = shift = 0
        while True:
            if i >= n:
                raise ValueError("truncated varint")
            b = buf[i]
            i += 1
            v |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                return v

    while i < n:
        key = varint()
        num, wt = key >> 3, key & 7
        if wt == 0:
            v = varint()
        elif wt == 1 or wt == 5:
            w = 8 if wt == 1 else 4
            if i + w > n:
                raise ValueError("truncated fixed field")
            v = int.from_bytes(buf[i:i + w], "little")
            i += w
        elif wt == 2:
            ln = varint()
            if i + ln > n:
                raise ValueError("truncated field %d" % num)
            v = bytes(buf[i:i + ln])
            i += ln
        else:
            raise ValueError("wire type %d" % wt)
        out.setdefault(num, []).append(v)
    return out


def req_target_list(rid):
    return pb_uint(REQ_ID, rid) + pb_bytes(REQ_TARGET_LIST, b"")


def req_target_add(rid, name, spec):
    return pb_uint(REQ_ID, rid) + pb_bytes(REQ_TARGET_ADD, pb_bytes(1, name) + pb_bytes(2, spec))


def req_stats_subscribe(rid, target, rate_hz):
    return (pb_uint(REQ_ID, rid) + pb_bytes(REQ_TARGET, target) +
            pb_bytes(REQ_STATS_SUBSCRIBE, pb_uint(1, rate_hz)))


def target_states(rsp):
    """{name: LinkState} from a decoded TargetList answer."""
    states = {}
    for tl in rsp.get(RSP_TARGETS, []):
        for ts in pb_decode(tl).get(1, []):
            f = pb_decode(ts)
            states[f.get(1, [b""])[0].decode()] = f.get(3, [0])[0]
    return states


def gap_skipped(rsp):
    """Messages a Gap answer says this client missed (0 if it is not a Gap)."""
    return sum(pb_decode(g).get(1, [0])[0] for g in rsp.get(RSP_GAP, []))


def frame(body):
    """vhd's framing: a 4-byte big-endian length, then the message."""
    return struct.pack(">I", len(body)) + body


def recv_frame(s, timeout=5):
    """One whole framed message from socket s (blocking up to timeout per read)."""
    s.settimeout(timeout)
    hdr = b""
    while len(hdr) < 4:
        chunk = s.recv(4 - len(hdr))
        check(chunk, "connection closed")
        hdr += chunk
    n = struct.unpack(">I", hdr)[0]
    body = b""
    while len(body) < n:
        chunk = s.recv(n - len(body))
        check(chunk, "connection closed")
        body += chunk
    return body


def closed(s, timeout=5):
    """Whether the peer closed s (read within timeout returns EOF or a reset)."""
    s.settimeout(timeout)
    try:
        return s.recv(1) == b""
    except ConnectionResetError:
        return True


class ApiClient:
    """One connection to vhd's socket; reads are non-blocking and buffered, so many
    messages can be taken per call and the connection polled with select()."""

    def __init__(self, path, rcvbuf=None):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.connect(path)
        self.buf = bytearray()

    def fileno(self):
        return self.sock.fileno()

    def send(self, body):
        self.sock.setblocking(True)
        self.sock.sendall(frame(body))

    def read(self, timeout=0.0):
        """Wait up to timeout for data, then return every whole message received (decoded).
        Raises EOFError when vhd closed the connection."""
        out = []
        if not select.select([self.sock], [], [], timeout)[0]:
            return out
        self.sock.setblocking(False)
        while True:
            try:
                chunk = self.sock.recv(1 << 20)
            except BlockingIOError:
                break
            if not chunk:
                if not self.buf:
                    raise EOFError("vhd closed the connection")
                break
            self.buf += chunk
        while len(self.buf) >= 4:
            n = struct.unpack(">I", self.buf[:4])[0]
            if len(self.buf) < 4 + n:
                break
            out.append(pb_decode(bytes(self.buf[4:4 + n])))
            del self.buf[:4 + n]
        return out

    def wait_ids(self, ids, timeout):
        """{id: answer} for the first answer to each request id in ids; Fail on timeout.
        Other messages that come meanwhile are dropped."""
        got, end = {}, time.monotonic() + timeout
        while set(ids) - set(got):
            left = end - time.monotonic()
            check(left > 0, "no answer to requests %r" % sorted(set(ids) - set(got))[:8])
            for m in self.read(left):
                rid = m.get(RSP_ID, [0])[0]
                if rid in ids and rid not in got:
                    got[rid] = m
        return got

    def close(self):
        self.sock.close()
