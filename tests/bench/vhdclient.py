"""A minimal client of vhd's local API, for benchmarks that need more than one vhctl does.

vhd's API (hostd/apiframe.h, proto/vhd.proto) frames each message as a 4-byte big-endian length followed
by one protobuf message.  This module encodes the few requests the benchmark sends (target add, target
list, stats subscribe) and decodes responses only as far as their top-level fields, by hand: the
protobuf wire format needed here is varints and length-delimited fields, nothing else.  One Client is
one connection; many may be open at once and polled together with select().
"""
import os
import select
import socket
import struct
import sys
import time

# vhd.proto field numbers (ClientRequest / ClientResponse)
# The client protocol's field numbers and codec are the tests' own (tests/lib).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from vhtestlib import (LINK_UP, REQ_ID, REQ_STATS_SUBSCRIBE, REQ_TARGET, REQ_TARGET_ADD,  # noqa: E402,F401
                       REQ_TARGET_LIST, RSP_DETAIL, RSP_EVENT, RSP_GAP, RSP_ID, RSP_STATS, RSP_STATUS,
                       RSP_STREAM_END, RSP_TARGETS, req_stats_subscribe, req_target_add, req_target_list,
                       target_states)
from vhtestlib import pb_bytes as _field_bytes  # noqa: E402,F401
from vhtestlib import pb_decode as decode  # noqa: E402,F401
from vhtestlib import pb_uint as _field_varint  # noqa: E402,F401
from vhtestlib import pb_varint as _varint  # noqa: E402,F401


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
