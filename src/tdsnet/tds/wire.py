"""Reading and writing MS-TDS's primitive fields.

Integers are little-endian unless a name says ``be``.  Strings on the wire are
UCS-2 (UTF-16LE) with a byte (B_) or ushort (US_) character count in front.
Every read checks bounds and raises `ProtocolError`: a decoder built on `Reader`
cannot raise anything else for short or malformed input.
"""

from __future__ import annotations

import codecs
import struct
from collections.abc import Callable

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


def _read_number(st: struct.Struct) -> Callable[[Reader], int]:
    """A Reader method for one fixed-size number: `Reader._need`'s check and one unpack, in a single
    call (these run for every field of every request)."""
    size, unpack_from = st.size, st.unpack_from

    def read(self: Reader) -> int:
        pos = self.pos
        if pos + size > self.end:
            raise self._truncated(size)
        self.pos = pos + size
        return unpack_from(self.buf, pos)[0]

    return read


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

    def _truncated(self, n: int) -> ProtocolError:
        pos = self.pos
        return ProtocolError(f"truncated input: needed {n} bytes at offset {pos}, {self.end - pos} left")

    def _need(self, n: int) -> int:
        pos = self.pos
        if n < 0 or pos + n > self.end:
            raise self._truncated(n)
        self.pos = pos + n
        return pos

    u8 = _read_number(U8)
    u16 = _read_number(U16)
    u16be = _read_number(U16BE)
    i16 = _read_number(I16)
    u32 = _read_number(U32)
    u32be = _read_number(U32BE)
    i32 = _read_number(I32)
    u64 = _read_number(U64)
    i64 = _read_number(I64)

    def take(self, n: int) -> bytes:
        pos = self.pos
        end = pos + n
        if n < 0 or end > self.end:
            raise self._truncated(n)
        self.pos = end
        return bytes(self.buf[pos:end])

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


# What bytes.decode / str.encode("utf-16-le") run, without looking the codec up by name each time.
_utf16_decode = codecs.utf_16_le_decode
_utf16_encode = codecs.utf_16_le_encode


def decode_ucs2(data: bytes) -> str:
    """UTF-16LE as clients send it; unpaired surrogates survive instead of failing."""
    if len(data) % 2:
        raise ProtocolError(f"UCS-2 text of odd length ({len(data)} bytes)")
    return _utf16_decode(data, "surrogatepass", True)[0]


def encode_ucs2(text: str) -> bytes:
    return _utf16_encode(text, "surrogatepass")[0]


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
