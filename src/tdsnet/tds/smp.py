"""MC-SMP, the Session Multiplex Protocol under MARS: many TDS sessions over one connection (sans-IO).

Once PRELOGIN agrees on MARS, everything the client sends is SMP packets: a 16-byte header (SMID
0x53, flags, session id, length, sequence number, window; little-endian) and, for DATA packets,
one TDS packet.  A SYN opens a session, a FIN closes it, DATA carries the bytes and an ACK only
moves a window.  Flow control counts packets: each side may send DATA numbered up to the highest
window the other side advertised, and advertises its own in every packet it sends.
"""

from __future__ import annotations

import struct
from collections import deque
from dataclasses import dataclass, field
from enum import IntFlag

from .errors import ProtocolError

SMID = 0x53
HEADER = struct.Struct("<BBHIII")  # SMID, FLAGS, SID, LENGTH, SEQNUM, WNDW
HEADER_SIZE = HEADER.size
RECEIVE_WINDOW = 4  # DATA packets a session accepts beyond the last one it has read
MAX_PACKET = HEADER_SIZE + 32767 + 8  # a DATA packet carries one TDS packet of at most 32767 bytes


class Flag(IntFlag):
    SYN = 0x01
    ACK = 0x02
    FIN = 0x04
    DATA = 0x08


_KINDS = {int(f) for f in Flag}


@dataclass(frozen=True, slots=True)
class Packet:
    flags: int
    sid: int
    seqnum: int
    window: int
    data: bytes = b""


class Reader:
    """Cuts the byte stream into SMP packets, checking each header."""

    def __init__(self) -> None:
        self._buf = bytearray()

    def feed(self, data: bytes) -> list[Packet]:
        buf = self._buf
        buf += data
        out: list[Packet] = []
        pos = 0
        while len(buf) - pos >= HEADER_SIZE:
            smid, flags, sid, length, seqnum, window = HEADER.unpack_from(buf, pos)
            if smid != SMID:
                raise ProtocolError(f"SMP packet identifier {smid:#04x}, expected 0x53")
            if flags not in _KINDS:
                raise ProtocolError(f"SMP flags {flags:#04x}")
            if length < HEADER_SIZE or length > MAX_PACKET or (flags != Flag.DATA and length != HEADER_SIZE):
                raise ProtocolError(f"SMP packet length {length}")
            if len(buf) - pos < length:
                break
            out.append(Packet(flags, sid, seqnum, window, bytes(buf[pos + HEADER_SIZE : pos + length])))
            pos += length
        del buf[:pos]  # once per read: many packets in one read cost no more than one
        return out


def _after(a: int, b: int) -> bool:
    """Sequence number a comes after b (32-bit numbers that wrap)."""
    return 0 < (a - b) & 0xFFFFFFFF < 0x80000000


@dataclass(slots=True)
class Session:
    """One multiplexed session's sequence numbers and windows, and the DATA it may not send yet."""

    sid: int
    send_window: int  # the highest SEQNUM the peer accepts
    sent: int = 0  # the last SEQNUM sent
    received: int = 0  # the last SEQNUM received
    receive_window: int = RECEIVE_WINDOW  # the highest SEQNUM advertised to the peer
    waiting: deque[bytes] = field(default_factory=deque)

    def receive(self, packet: Packet) -> None:
        """Account for a packet from the peer (its window, and a DATA packet's number)."""
        if packet.flags == Flag.DATA:
            expected = (self.received + 1) & 0xFFFFFFFF
            if packet.seqnum != expected:
                raise ProtocolError(f"SMP session {self.sid}: DATA {packet.seqnum}, expected {expected}")
            if _after(packet.seqnum, self.receive_window):
                raise ProtocolError(f"SMP session {self.sid}: DATA {packet.seqnum} beyond the window")
            self.received = packet.seqnum
        if _after(packet.window, self.send_window):
            self.send_window = packet.window

    def acknowledgement(self) -> bytes | None:
        """An ACK opening the window again once half of it is used, else None."""
        if (self.receive_window - self.received) & 0xFFFFFFFF > RECEIVE_WINDOW // 2:
            return None
        self.receive_window = (self.received + RECEIVE_WINDOW) & 0xFFFFFFFF
        return self._header(Flag.ACK, HEADER_SIZE, self.sent)

    def send(self, tds_packet: bytes) -> None:
        self.waiting.append(tds_packet)

    def sendable(self) -> list[bytes]:
        """The waiting TDS packets the peer's window admits, framed as DATA packets."""
        out = []
        while self.waiting and not _after((self.sent + 1) & 0xFFFFFFFF, self.send_window):
            self.sent = (self.sent + 1) & 0xFFFFFFFF
            data = self.waiting.popleft()
            out.append(self._header(Flag.DATA, HEADER_SIZE + len(data), self.sent) + data)
        return out

    def fin(self) -> bytes:
        return self._header(Flag.FIN, HEADER_SIZE, self.sent)

    def _header(self, flags: int, length: int, seqnum: int) -> bytes:
        return HEADER.pack(SMID, flags, self.sid, length, seqnum, self.receive_window)
