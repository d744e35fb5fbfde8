"""TDS packet framing (MS-TDS 2.2.3): the 8-byte header, messages, EOM.

A *message* is one or more packets of the same type; the last carries the EOM
status bit.  `MessageAssembler` turns a byte stream into whole messages;
`packetize` splits a message payload into packets of the negotiated size.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from enum import IntEnum, IntFlag

from .errors import ProtocolError

HEADER = struct.Struct(">BBHHBB")
HEADER_SIZE = 8

MIN_PACKET_SIZE = 512
MAX_PACKET_SIZE = 32767
DEFAULT_PACKET_SIZE = 4096
DEFAULT_MAX_MESSAGE_SIZE = 256 * 1024 * 1024


class PacketType(IntEnum):
    SQL_BATCH = 1
    PRE_TDS7_LOGIN = 2
    RPC = 3
    TABULAR_RESULT = 4
    ATTENTION = 6
    BULK_LOAD = 7
    FEDAUTH_TOKEN = 8
    TRANSACTION_MANAGER = 14
    LOGIN7 = 16
    SSPI = 17
    PRELOGIN = 18


class Status(IntFlag):
    NORMAL = 0x00
    EOM = 0x01
    IGNORE = 0x02
    RESET_CONNECTION = 0x08
    RESET_CONNECTION_SKIP_TRAN = 0x10


# Plain ints for the per-packet tests: an int & IntFlag goes through enum's Python-level operators.
_EOM = int(Status.EOM)
_IGNORE = int(Status.IGNORE)
_RESET_ANY = int(Status.RESET_CONNECTION | Status.RESET_CONNECTION_SKIP_TRAN)
_RESET_SKIP_TRAN = int(Status.RESET_CONNECTION_SKIP_TRAN)
_ATTENTION = int(PacketType.ATTENTION)
_HEAD = struct.Struct(">BBH")  # type, status, length: the part of the header a reader needs


@dataclass(slots=True)
class Message:
    """A reassembled message: the packet type, the first packet's status bits, the payload."""

    type: int
    status: int
    payload: bytes

    @property
    def reset_connection(self) -> bool:
        return bool(self.status & _RESET_ANY)

    @property
    def reset_skip_transaction(self) -> bool:
        return bool(self.status & _RESET_SKIP_TRAN)


class MessageAssembler:
    """Bytes in, whole messages out.

    An ATTENTION packet may arrive while another message is being assembled
    (the client gave up sending it): the partial message is dropped, as is any
    message whose last packet carries the IGNORE bit.
    """

    __slots__ = (
        "_buf",
        "_first_status",
        "_max_message",
        "_max_packet",
        "_parts",
        "_size",
        "_type",
    )

    def __init__(
        self,
        max_packet_size: int = MAX_PACKET_SIZE,
        max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE,
    ) -> None:
        self._buf = bytearray()
        self._parts: list[bytes] = []
        self._size = 0
        self._type: int | None = None
        self._first_status = 0
        self._max_packet = max_packet_size
        self._max_message = max_message_size

    @property
    def pending(self) -> int:
        """Bytes received but not yet part of a whole message."""
        return len(self._buf) + self._size

    def feed(self, data: bytes | bytearray | memoryview) -> list[Message]:
        if self._buf:
            self._buf += data
            data = bytes(self._buf)
            self._buf.clear()
        elif not isinstance(data, bytes):
            data = bytes(data)
        out: list[Message] = []
        pos = 0
        end = len(data)
        while end - pos >= HEADER_SIZE:
            ptype, status, length = _HEAD.unpack_from(data, pos)
            if length < HEADER_SIZE or length > self._max_packet:
                raise ProtocolError(
                    f"invalid packet length {length}",
                    f"a TDS packet is {HEADER_SIZE} to {self._max_packet} bytes",
                )
            if end - pos < length:
                break
            body = data[pos + HEADER_SIZE : pos + length]
            pos += length
            message = self._add_packet(ptype, status, body)
            if message is not None:
                out.append(message)
        if pos < end:
            self._buf += data[pos:]
        return out

    def _add_packet(self, ptype: int, status: int, body: bytes) -> Message | None:
        if ptype == _ATTENTION:
            self._reset()
            return Message(ptype, status, body)
        if self._type is None and status & _EOM:
            # A one-packet message (most requests): what the general path below gives for it.
            if len(body) > self._max_message:
                raise ProtocolError(f"message larger than {self._max_message} bytes")
            return None if status & _IGNORE else Message(ptype, status, body)
        if self._type is None:
            self._type = ptype
            self._first_status = status
        elif ptype != self._type:
            raise ProtocolError(
                f"packet type {ptype} inside a message of type {self._type}",
                "every packet of a message has the same type",
            )
        self._parts.append(body)
        self._size += len(body)
        if self._size > self._max_message:
            raise ProtocolError(f"message larger than {self._max_message} bytes")
        if not status & _EOM:
            return None
        message = Message(self._type, self._first_status, b"".join(self._parts))
        self._reset()
        if status & _IGNORE:
            return None
        return message

    def _reset(self) -> None:
        self._parts = []
        self._size = 0
        self._type = None
        self._first_status = 0


def packetize(
    ptype: int,
    payload: bytes | bytearray | memoryview,
    packet_size: int = DEFAULT_PACKET_SIZE,
    spid: int = 0,
    status: int = 0,
    packet_id: int = 1,
) -> bytes:
    """Split a message payload into packets; the last one carries EOM.

    ``status`` bits (such as RESET_CONNECTION) go on the first packet only.
    """
    chunk = packet_size - HEADER_SIZE
    total = len(payload)
    if total <= chunk:
        # PacketID counts modulo 256 (MS-TDS 2.2.3.1.5): a long response wraps around
        return HEADER.pack(ptype, status | _EOM, total + HEADER_SIZE, spid, packet_id & 0xFF, 0) + bytes(payload)
    pack = HEADER.pack
    view = memoryview(payload)
    parts: list[bytes] = []
    for start in range(0, total, chunk):
        piece = view[start : start + chunk]
        last = start + chunk >= total
        bits = (_EOM if last else 0) | (status if start == 0 else 0)
        parts.append(pack(ptype, bits, len(piece) + HEADER_SIZE, spid, packet_id & 0xFF, 0))
        parts.append(piece.tobytes())
        packet_id += 1
    return b"".join(parts)
