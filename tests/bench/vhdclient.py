"""A minimal client of vhd's local API, for benchmarks that need more than one vhctl does.

vhd's API (hostd/apiframe.h, proto/vhd.proto) frames each message as a 4-byte big-endian length followed
by one protobuf message.  This module encodes the few requests the benchmark sends (target add, target
list, stats subscribe) and decodes responses only as far as their top-level fields, by hand: the
protobuf wire format needed here is varints and length-delimited fields, nothing else.  One Client is
one connection; many may be open at once and polled together with select().
"""
import select
import socket
import struct
import time

# vhd.proto field numbers (ClientRequest / ClientResponse)
REQ_ID, REQ_TARGET = 1, 2
REQ_TARGET_LIST, REQ_TARGET_ADD, REQ_STATS_SUBSCRIBE = 10, 11, 18
RSP_ID, RSP_STATUS, RSP_DETAIL = 1, 2, 3
RSP_TARGETS, RSP_STATS, RSP_GAP, RSP_STREAM_END, RSP_EVENT = 10, 14, 15, 16, 19
LINK_UP = 3


def _varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _field_varint(num, v):
    return _varint(num << 3) + _varint(v)


def _field_bytes(num, b):
    if isinstance(b, str):
        b = b.encode()
    return _varint(num << 3 | 2) + _varint(len(b)) + b


def decode(buf):
    """Top-level fields of one protobuf message: {field number: [value, ...]} with ints for varints and
    fixed fields, bytes for length-delimited ones.  Raises ValueError on a malformed message."""
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
        elif wt == 2:
            ln = varint()
            v = bytes(buf[i:i + ln])
            i += ln
        elif wt == 1:
            v = struct.unpack_from("<Q", buf, i)[0]
            i += 8
        elif wt == 5:
            v = struct.unpack_from("<I", buf, i)[0]
            i += 4
        else:
            raise ValueError("wire type %d" % wt)
        out.setdefault(num, []).append(v)
    return out


def req_target_add(rid, name, spec):
    return _field_varint(REQ_ID, rid) + _field_bytes(REQ_TARGET_ADD, _field_bytes(1, name) + _field_bytes(2, spec))


def req_target_list(rid):
    return _field_varint(REQ_ID, rid) + _field_bytes(REQ_TARGET_LIST, b"")


def req_stats_subscribe(rid, target, rate_hz):
    return (_field_varint(REQ_ID, rid) + _field_bytes(REQ_TARGET, target) +
            _field_bytes(REQ_STATS_SUBSCRIBE, _field_varint(1, rate_hz)))


def target_states(rsp):
    """{name: LinkState} from a decoded response to req_target_list."""
    states = {}
    for tl in rsp.get(RSP_TARGETS, []):
        for ts in decode(tl).get(1, []):
            f = decode(ts)
            states[f.get(1, [b"?"])[0].decode(errors="replace")] = f.get(3, [0])[0]
    return states


class Client:
    """One connection to vhd's socket."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.rx = bytearray()

    def fileno(self):
        return self.sock.fileno()

    def send(self, msg):
        self.sock.sendall(struct.pack(">I", len(msg)) + msg)

    def read(self):
        """Read what is there (one recv; call when select says readable) and return the whole messages
        received, raw.  Raises EOFError when vhd closed the connection."""
        d = self.sock.recv(1 << 18)
        if not d:
            raise EOFError("vhd closed the connection")
        self.rx += d
        msgs = []
        while len(self.rx) >= 4:
            ln = struct.unpack_from(">I", self.rx, 0)[0]
            if len(self.rx) < 4 + ln:
                break
            msgs.append(bytes(self.rx[4:4 + ln]))
            del self.rx[:4 + ln]
        return msgs

    def call(self, msg, rid, timeout=10.0):
        """Send one request and wait for the response carrying its id (others are dropped)."""
        self.send(msg)
        return self.wait_ids({rid}, timeout).get(rid)

    def wait_ids(self, ids, timeout=10.0):
        """Wait for the first response of each id in ids: {id: decoded response}."""
        got, end = {}, time.time() + timeout
        while len(got) < len(ids) and time.time() < end:
            r, _, _ = select.select([self.sock], [], [], max(0.0, end - time.time()))
            if not r:
                break
            for m in self.read():
                f = decode(m)
                rid = f.get(RSP_ID, [0])[0]
                if rid in ids and rid not in got:
                    got[rid] = f
        return got

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass
