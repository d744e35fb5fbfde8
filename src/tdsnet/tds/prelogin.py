"""PRELOGIN (MS-TDS 2.2.6.5): option tokens, then the option data they point at.

The message is kept as an ordered list of (option, data) pairs, because a
server reply must carry the options the client sent, in the client's order:
impacket reads the reply by position.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from enum import IntEnum

from .errors import ProtocolError
from .wire import U8, U16BE, U32BE, Reader

TERMINATOR = 0xFF
_OPTION_ENTRY = struct.Struct(">BHH")


class Option(IntEnum):
    VERSION = 0x00
    ENCRYPTION = 0x01
    INSTOPT = 0x02
    THREADID = 0x03
    MARS = 0x04
    TRACEID = 0x05
    FEDAUTHREQUIRED = 0x06
    NONCEOPT = 0x07


class Encryption(IntEnum):
    OFF = 0x00
    ON = 0x01
    NOT_SUP = 0x02
    REQ = 0x03


@dataclass(slots=True)
class PreLogin:
    options: list[tuple[int, bytes]] = field(default_factory=list)

    def get(self, option: int) -> bytes | None:
        for opt, data in self.options:
            if opt == option:
                return data
        return None

    @property
    def version(self) -> tuple[int, int, int, int] | None:
        """(major, minor, build, subbuild) of the sender."""
        data = self.get(Option.VERSION)
        if data is None or len(data) < 6:
            return None
        return (
            data[0],
            data[1],
            U16BE.unpack_from(data, 2)[0],
            struct.unpack_from("<H", data, 4)[0],
        )

    @property
    def encryption(self) -> int | None:
        data = self.get(Option.ENCRYPTION)
        return data[0] if data else None

    @property
    def instance(self) -> str | None:
        """The instance name a client asks for (MBCS, NUL-terminated), or None."""
        data = self.get(Option.INSTOPT)
        if data is None:
            return None
        return data.split(b"\x00", 1)[0].decode("latin-1")

    @property
    def thread_id(self) -> int | None:
        data = self.get(Option.THREADID)
        return U32BE.unpack(data)[0] if data is not None and len(data) == 4 else None

    @property
    def mars(self) -> bool:
        data = self.get(Option.MARS)
        return bool(data and data[0])


def decode(payload: bytes) -> PreLogin:
    """Parse a PRELOGIN payload; raises ProtocolError for anything malformed."""
    reader = Reader(payload)
    entries: list[tuple[int, int, int]] = []
    while True:
        token = reader.u8()
        if token == TERMINATOR:
            break
        offset = reader.u16be()
        length = reader.u16be()
        if offset + length > len(payload):
            raise ProtocolError(f"PRELOGIN option {token:#04x} points past the message ({offset}+{length})")
        entries.append((token, offset, length))
    header_end = reader.pos
    options: list[tuple[int, bytes]] = []
    for token, offset, length in entries:
        if length and offset < header_end:
            raise ProtocolError(f"PRELOGIN option {token:#04x} data overlaps the option list")
        options.append((token, bytes(payload[offset : offset + length])))
    if not options or options[0][0] != Option.VERSION:
        raise ProtocolError("PRELOGIN without VERSION as its first option", "MS-TDS 2.2.6.5")
    return PreLogin(options)


def encode(prelogin: PreLogin) -> bytes:
    head = bytearray()
    body = bytearray()
    offset = len(prelogin.options) * _OPTION_ENTRY.size + 1
    for option, data in prelogin.options:
        head += _OPTION_ENTRY.pack(option, offset + len(body), len(data))
        body += data
    head.append(TERMINATOR)
    return bytes(head + body)


def version_bytes(major: int, minor: int, build: int, subbuild: int = 0) -> bytes:
    return bytes((major, minor)) + U16BE.pack(build) + struct.pack("<H", subbuild)


def encryption_bytes(value: int) -> bytes:
    return U8.pack(value)
