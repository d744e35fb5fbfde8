"""Collations on the wire (MS-TDS 2.2.5.1.2): five bytes, LCID + flags + version + sort id.

tdsnet stores text in Unicode; a collation on the wire only decides which code
page a varchar/char/text value is encoded in.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

_INFO = struct.Struct("<IB")

# LCID -> Windows code page for non-Unicode data, for the LCIDs clients send.
_LCID_CODEPAGE = {
    0x0409: "cp1252",
    0x0809: "cp1252",
    0x0407: "cp1252",
    0x040C: "cp1252",
    0x0410: "cp1252",
    0x0C0A: "cp1252",
    0x0413: "cp1252",
    0x0416: "cp1252",
    0x0816: "cp1252",
    0x041D: "cp1252",
    0x0406: "cp1252",
    0x0414: "cp1252",
    0x040B: "cp1252",
    0x0415: "cp1250",
    0x0405: "cp1250",
    0x040E: "cp1250",
    0x0419: "cp1251",
    0x0422: "cp1251",
    0x0408: "cp1253",
    0x041F: "cp1254",
    0x040D: "cp1255",
    0x0401: "cp1256",
    0x0425: "cp1257",
    0x042A: "cp1258",
    0x041E: "cp874",
    0x0411: "cp932",
    0x0804: "cp936",
    0x0412: "cp949",
    0x0404: "cp950",
}
# SQL collation sort ids -> code page (the SQL_* collations carry a sort id).
_SORTID_CODEPAGE = {
    30: "cp437",
    31: "cp437",
    32: "cp437",
    33: "cp437",
    34: "cp437",
    40: "cp850",
    41: "cp850",
    42: "cp850",
    43: "cp850",
    44: "cp850",
    49: "cp850",
    51: "cp1252",
    52: "cp1252",
    53: "cp1252",
    54: "cp1252",
    55: "cp850",
    56: "cp850",
    57: "cp850",
    58: "cp850",
    59: "cp850",
    60: "cp850",
    61: "cp850",
    80: "cp1250",
    81: "cp1250",
    82: "cp1250",
    104: "cp1251",
    105: "cp1251",
    106: "cp1251",
    112: "cp1253",
    113: "cp1253",
    114: "cp1253",
    128: "cp1254",
    129: "cp1254",
    130: "cp1254",
    136: "cp1255",
    137: "cp1255",
    138: "cp1255",
    144: "cp1256",
    145: "cp1256",
    146: "cp1256",
    152: "cp1257",
    153: "cp1257",
    154: "cp1257",
    183: "cp1252",
    184: "cp1252",
    185: "cp1252",
    186: "cp1252",
}
_UTF8_FLAG = 0x04  # in the version nibble byte since SQL Server 2019


@dataclass(frozen=True, slots=True)
class Collation:
    name: str
    lcid: int
    flags: int
    version: int
    sort_id: int

    def to_bytes(self) -> bytes:
        info = self.lcid | (self.flags << 20) | (self.version << 28)
        return _INFO.pack(info, self.sort_id)

    @property
    def codec(self) -> str:
        return codec_of(self.to_bytes())


def codec_of(collation: bytes) -> str:
    """The Python codec for non-Unicode data in a wire collation."""
    if len(collation) != 5:
        return "cp1252"
    info, sort_id = _INFO.unpack(collation)
    if collation[3] & _UTF8_FLAG:
        return "utf-8"
    if sort_id:
        return _SORTID_CODEPAGE.get(sort_id, "cp1252")
    return _LCID_CODEPAGE.get(info & 0xFFFFF, "cp1252")


# flags: IgnoreCase 0x1, IgnoreAccent 0x2, IgnoreKana 0x4, IgnoreWidth 0x8 (<< 20 in the dword)
SQL_LATIN1_GENERAL_CP1_CI_AS = Collation("SQL_Latin1_General_CP1_CI_AS", lcid=0x0409, flags=0x0D, version=0, sort_id=52)
DEFAULT = SQL_LATIN1_GENERAL_CP1_CI_AS
DEFAULT_BYTES = DEFAULT.to_bytes()
