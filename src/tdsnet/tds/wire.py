"""Reading and writing MS-TDS's primitive fields.

Integers are little-endian unless a name says ``be``.  Strings on the wire are
UCS-2 (UTF-16LE) with a byte (B_) or ushort (US_) character count in front.
Every read checks bounds and raises `ProtocolError`: a decoder built on `Reader`
cannot raise anything else for short or malformed input.
"""

from __future__ import annotations

import struct

from .errors import ProtocolError

U8 = struct.Struct("<B")
U16 = struct.Struct("<H")
U16BE = struct.Struct(">H")
U32 = struct.Struct("<I")
U32BE = struct.Struct(">I")
I32 = struct.Struct("<i")
U64 = struct.Struct("<Q")
I64 = struct.Struct("<q")
I16 = struct.Struct("<h")


class Reader:
    """A bounds-checked cursor over a message payload."""

    __slots__ = ("buf", "end", "pos")

    def __init__(self, buf: bytes | bytearray | memoryview, pos: int = 0, end: int | None = None) -> None:
        self.buf = buf
        self.pos = pos
        self.end = len(buf) if end is None else end

    @property
    def remaining(self) -> int:
        return self.end - self.pos

    def _need(self, n: int) -> int:
        pos = self.pos
        if n < 0 or pos + n > self.end:
            raise ProtocolError(f"truncated input: needed {n} bytes at offset {pos}, {self.end - pos} left")
        self.pos = pos + n
        return pos

    def _unpack(self, st: struct.Struct) -> int:
        return st.unpack_from(self.buf, self._need(st.size))[0]

    def u8(self) -> int:
        return self._unpack(U8)

    def u16(self) -> int:
        return self._unpack(U16)

    def u16be(self) -> int:
        return self._unpack(U16BE)

    def i16(self) -> int:
        return self._unpack(I16)

    def u32(self) -> int:
        return self._unpack(U32)

    def u32be(self) -> int:
        return self._unpack(U32BE)

    def i32(self) -> int:
        return self._unpack(I32)

    def u64(self) -> int:
        return self._unpack(U64)

    def i64(self) -> int:
        return self._unpack(I64)

    def take(self, n: int) -> bytes:
        start = self._need(n)
        return bytes(self.buf[start : start + n])

    def skip(self, n: int) -> None:
        self._need(n)

    def ucs2(self, chars: int) -> str:
        return decode_ucs2(self.take(chars * 2))

    def b_varchar(self) -> str:
        return self.ucs2(self.u8())

    def us_varchar(self) -> str:
        return self.ucs2(self.u16())

    def b_varbyte(self) -> bytes:
        return self.take(self.u8())

    def us_varbyte(self) -> bytes:
        return self.take(self.u16())

    def l_varbyte(self) -> bytes:
        return self.take(self.u32())


def decode_ucs2(data: bytes) -> str:
    """UTF-16LE as clients send it; unpaired surrogates survive instead of failing."""
    if len(data) % 2:
        raise ProtocolError(f"UCS-2 text of odd length ({len(data)} bytes)")
    return data.decode("utf-16-le", "surrogatepass")


def encode_ucs2(text: str) -> bytes:
    return text.encode("utf-16-le", "surrogatepass")


def b_varchar(text: str) -> bytes:
    data = encode_ucs2(text)
    return U8.pack(len(data) // 2) + data


def us_varchar(text: str) -> bytes:
    data = encode_ucs2(text)
    return U16.pack(len(data) // 2) + data


def b_varbyte(data: bytes) -> bytes:
    return U8.pack(len(data)) + data


def us_varbyte(data: bytes) -> bytes:
    return U16.pack(len(data)) + data
