"""TYPE_INFO and data values (MS-TDS 2.2.5.4-2.2.5.5), in both directions.

`column_codec` picks the wire type for a declared `SqlType` at a client's TDS
version (older clients get SQL Server's down-level forms: date/time types as
nvarchar before 7.3, (max) types as text/ntext/image before 7.2) and builds one
encoder per column, once per result shape.  `decode_type_info` and
`value_decoder` read what a peer sends: RPC parameters on the server, result
columns on the client.

Python values: bit -> bool, integers -> int, real/float -> float,
decimal/numeric/money -> Decimal, strings -> str, binaries -> bytes,
date/time/datetime types -> datetime.date/time/datetime (aware for
datetimeoffset), uniqueidentifier -> uuid.UUID.
"""

from __future__ import annotations

import datetime as dt
import functools
import struct
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import IntEnum
from typing import Any

from .. import sqltypes
from ..sqltypes import DECIMAL_CONTEXT, MAX, DateTime7, SqlType, Time7, tick_of
from . import collation as coll
from .errors import ProtocolError
from .wire import I16, I32, U8, U16, U32, U64, Reader, decode_ucs2, encode_ucs2


class TypeCode(IntEnum):
    NULL = 0x1F
    INT1 = 0x30
    BIT = 0x32
    INT2 = 0x34
    INT4 = 0x38
    DATETIM4 = 0x3A
    FLT4 = 0x3B
    MONEY = 0x3C
    DATETIME = 0x3D
    FLT8 = 0x3E
    MONEY4 = 0x7A
    INT8 = 0x7F
    GUID = 0x24
    INTN = 0x26
    DECIMAL = 0x37
    NUMERIC = 0x3F
    BITN = 0x68
    DECIMALN = 0x6A
    NUMERICN = 0x6C
    FLTN = 0x6D
    MONEYN = 0x6E
    DATETIMN = 0x6F
    DATEN = 0x28
    TIMEN = 0x29
    DATETIME2N = 0x2A
    DATETIMEOFFSETN = 0x2B
    CHAR = 0x2F
    VARCHAR = 0x27
    BINARY = 0x2D
    VARBINARY = 0x25
    BIGVARBIN = 0xA5
    BIGVARCHR = 0xA7
    BIGBINARY = 0xAD
    BIGCHAR = 0xAF
    NVARCHAR = 0xE7
    NCHAR = 0xEF
    XML = 0xF1
    UDT = 0xF0
    TEXT = 0x23
    IMAGE = 0x22
    NTEXT = 0x63
    SSVARIANT = 0x62


_FIXED_SIZE = {
    TypeCode.NULL: 0,
    TypeCode.INT1: 1,
    TypeCode.BIT: 1,
    TypeCode.INT2: 2,
    TypeCode.INT4: 4,
    TypeCode.DATETIM4: 4,
    TypeCode.FLT4: 4,
    TypeCode.MONEY: 8,
    TypeCode.DATETIME: 8,
    TypeCode.FLT8: 8,
    TypeCode.MONEY4: 4,
    TypeCode.INT8: 8,
}
_BYTELEN = {
    TypeCode.GUID,
    TypeCode.INTN,
    TypeCode.BITN,
    TypeCode.FLTN,
    TypeCode.MONEYN,
    TypeCode.DATETIMN,
    TypeCode.CHAR,
    TypeCode.VARCHAR,
    TypeCode.BINARY,
    TypeCode.VARBINARY,
}
_USHORTLEN = {
    TypeCode.BIGVARBIN,
    TypeCode.BIGVARCHR,
    TypeCode.BIGBINARY,
    TypeCode.BIGCHAR,
    TypeCode.NVARCHAR,
    TypeCode.NCHAR,
}
_LONGLEN = {TypeCode.TEXT, TypeCode.IMAGE, TypeCode.NTEXT}
_COLLATED = {
    TypeCode.BIGVARCHR,
    TypeCode.BIGCHAR,
    TypeCode.NVARCHAR,
    TypeCode.NCHAR,
    TypeCode.TEXT,
    TypeCode.NTEXT,
}
_SCALED = {TypeCode.TIMEN, TypeCode.DATETIME2N, TypeCode.DATETIMEOFFSETN}

PLP_NULL = 0xFFFFFFFFFFFFFFFF
PLP_UNKNOWN_LENGTH = 0xFFFFFFFFFFFFFFFE
USHORT_MAX = 0xFFFF
TEXTPTR = b"\x00" * 16
TEXT_TIMESTAMP = b"\x00" * 8

TDS_7_2 = 0x72000000
TDS_7_3 = 0x73000000

EPOCH_1900 = dt.date(1900, 1, 1)
EPOCH_0001 = dt.date(1, 1, 1)
DAY_TICKS_300 = 300 * 86400
_TEN = Decimal(10)


@dataclass(frozen=True, slots=True)
class WireType:
    """TYPE_INFO as it travels: a type code and the fields that code carries."""

    code: int
    size: int = 0
    precision: int = 0
    scale: int = 0
    collation: bytes = b""

    @property
    def is_plp(self) -> bool:
        return (self.code in _USHORTLEN and self.size == USHORT_MAX) or self.code in (
            TypeCode.XML,
            TypeCode.UDT,
        )

    @property
    def is_long(self) -> bool:
        return self.code in _LONGLEN


class ValueError_(ValueError):
    """A value that does not fit its declared type (SQL Server's 8115/8152 family)."""


# --- TYPE_INFO ---------------------------------------------------------------------------


def encode_type_info(wt: WireType) -> bytes:
    code = wt.code
    if code in _FIXED_SIZE:
        return U8.pack(code)
    if code in (TypeCode.DECIMALN, TypeCode.NUMERICN):
        return bytes((code, wt.size, wt.precision, wt.scale))
    if code == TypeCode.DATEN:
        return U8.pack(code)
    if code in _SCALED:
        return bytes((code, wt.scale))
    if code in _BYTELEN:
        return bytes((code, wt.size))
    if code in _USHORTLEN:
        head = U8.pack(code) + U16.pack(wt.size)
        return head + wt.collation if code in _COLLATED else head
    if code in _LONGLEN:
        head = U8.pack(code) + U32.pack(wt.size)
        return head + wt.collation if code in _COLLATED else head
    if code == TypeCode.SSVARIANT:
        return U8.pack(code) + U32.pack(wt.size)
    if code == TypeCode.XML:
        return bytes((code, 0))
    raise ValueError(f"cannot encode TYPE_INFO for type code {code:#04x}")


def decode_type_info(reader: Reader) -> WireType:
    code = reader.u8()
    if code in _FIXED_SIZE:
        return WireType(code, _FIXED_SIZE[code])
    if code in (TypeCode.DECIMALN, TypeCode.NUMERICN, TypeCode.DECIMAL, TypeCode.NUMERIC):
        size, precision, scale = reader.u8(), reader.u8(), reader.u8()
        if not 1 <= precision <= 38 or scale > precision:
            raise ProtocolError(f"decimal precision {precision} scale {scale} out of range")
        return WireType(_decimal_n(code), size, precision, scale)
    if code == TypeCode.DATEN:
        return WireType(code, 3)
    if code in _SCALED:
        scale = reader.u8()
        if scale > 7:
            raise ProtocolError(f"fractional seconds scale {scale} out of range (0-7)")
        return WireType(code, 0, 0, scale)
    if code in _BYTELEN:
        return WireType(code, reader.u8())
    if code in _USHORTLEN:
        size = reader.u16()
        collation = reader.take(5) if code in _COLLATED else b""
        return WireType(code, size, collation=collation)
    if code in _LONGLEN:
        size = reader.u32()
        collation = reader.take(5) if code in _COLLATED else b""
        return WireType(code, size, collation=collation)
    if code == TypeCode.SSVARIANT:
        return WireType(code, reader.u32())
    if code == TypeCode.XML:
        if reader.u8():  # schema present: dbname, owning schema, collection name
            reader.b_varchar()
            reader.b_varchar()
            reader.us_varchar()
        return WireType(code, USHORT_MAX)
    if code == TypeCode.UDT:
        size = reader.u16()
        for _ in range(3):
            reader.b_varchar()
        reader.us_varchar()
        return WireType(code, size)
    raise ProtocolError(f"unknown data type {code:#04x}")


def _decimal_n(code: int) -> int:
    return TypeCode.NUMERICN if code in (TypeCode.NUMERIC, TypeCode.NUMERICN) else TypeCode.DECIMALN


def sql_type_of(wt: WireType) -> SqlType:
    """The declared type a wire type stands for."""
    code, size = wt.code, wt.size
    simple = {
        TypeCode.INT1: sqltypes.TINYINT,
        TypeCode.BIT: sqltypes.BIT,
        TypeCode.INT2: sqltypes.SMALLINT,
        TypeCode.INT4: sqltypes.INT,
        TypeCode.INT8: sqltypes.BIGINT,
        TypeCode.FLT4: sqltypes.REAL,
        TypeCode.FLT8: sqltypes.FLOAT,
        TypeCode.MONEY: sqltypes.MONEY,
        TypeCode.MONEY4: sqltypes.SMALLMONEY,
        TypeCode.DATETIME: sqltypes.DATETIME,
        TypeCode.DATETIM4: sqltypes.SMALLDATETIME,
        TypeCode.BITN: sqltypes.BIT,
        TypeCode.GUID: sqltypes.UNIQUEIDENTIFIER,
        TypeCode.DATEN: sqltypes.DATE,
        TypeCode.SSVARIANT: sqltypes.SQL_VARIANT,
        TypeCode.NULL: sqltypes.INT,
    }
    if code in simple:
        return simple[code]
    if code == TypeCode.INTN:
        return {1: sqltypes.TINYINT, 2: sqltypes.SMALLINT, 4: sqltypes.INT}.get(size, sqltypes.BIGINT)
    if code == TypeCode.FLTN:
        return sqltypes.REAL if size == 4 else sqltypes.FLOAT
    if code == TypeCode.MONEYN:
        return sqltypes.SMALLMONEY if size == 4 else sqltypes.MONEY
    if code == TypeCode.DATETIMN:
        return sqltypes.SMALLDATETIME if size == 4 else sqltypes.DATETIME
    if code in (TypeCode.DECIMALN, TypeCode.NUMERICN):
        name = "numeric" if code == TypeCode.NUMERICN else "decimal"
        return SqlType(name, precision=wt.precision, scale=wt.scale)
    if code in _SCALED:
        name = {TypeCode.TIMEN: "time", TypeCode.DATETIME2N: "datetime2"}.get(code, "datetimeoffset")
        return SqlType(name, scale=wt.scale)
    names = {
        TypeCode.BIGVARCHR: "varchar",
        TypeCode.BIGCHAR: "char",
        TypeCode.NVARCHAR: "nvarchar",
        TypeCode.NCHAR: "nchar",
        TypeCode.BIGVARBIN: "varbinary",
        TypeCode.BIGBINARY: "binary",
        TypeCode.VARCHAR: "varchar",
        TypeCode.CHAR: "char",
        TypeCode.VARBINARY: "varbinary",
        TypeCode.BINARY: "binary",
    }
    if code in names:
        if size == USHORT_MAX and code in _USHORTLEN:
            return SqlType(names[code], length=MAX)
        chars = size // 2 if code in (TypeCode.NVARCHAR, TypeCode.NCHAR) else size
        return SqlType(names[code], length=max(chars, 1))
    long_names = {TypeCode.TEXT: "text", TypeCode.NTEXT: "ntext", TypeCode.IMAGE: "image"}
    if code in long_names:
        return SqlType(long_names[code], length=MAX)
    if code == TypeCode.XML:
        return SqlType("xml", length=MAX)
    return sqltypes.VARBINARY_MAX


# --- choosing the wire type for a declared type ----------------------------------------------

_FIXED_FOR = {
    "tinyint": TypeCode.INT1,
    "bit": TypeCode.BIT,
    "smallint": TypeCode.INT2,
    "int": TypeCode.INT4,
    "bigint": TypeCode.INT8,
    "real": TypeCode.FLT4,
    "float": TypeCode.FLT8,
    "money": TypeCode.MONEY,
    "smallmoney": TypeCode.MONEY4,
    "datetime": TypeCode.DATETIME,
    "smalldatetime": TypeCode.DATETIM4,
}
_NULLABLE_FOR = {
    "tinyint": (TypeCode.INTN, 1),
    "smallint": (TypeCode.INTN, 2),
    "int": (TypeCode.INTN, 4),
    "bigint": (TypeCode.INTN, 8),
    "bit": (TypeCode.BITN, 1),
    "real": (TypeCode.FLTN, 4),
    "float": (TypeCode.FLTN, 8),
    "money": (TypeCode.MONEYN, 8),
    "smallmoney": (TypeCode.MONEYN, 4),
    "datetime": (TypeCode.DATETIMN, 8),
    "smalldatetime": (TypeCode.DATETIMN, 4),
    "uniqueidentifier": (TypeCode.GUID, 16),
}
_VAR_FOR = {
    "varchar": TypeCode.BIGVARCHR,
    "char": TypeCode.BIGCHAR,
    "nvarchar": TypeCode.NVARCHAR,
    "nchar": TypeCode.NCHAR,
    "varbinary": TypeCode.BIGVARBIN,
    "binary": TypeCode.BIGBINARY,
}
_MAX_TO_LOB = {"varchar": "text", "nvarchar": "ntext", "varbinary": "image"}
_DOWNLEVEL_DATE_CHARS = {"date": 10, "time": 8, "datetime2": 19, "datetimeoffset": 26}


def downlevel_type(st: SqlType, tds_version: int) -> SqlType:
    """The type a client of this TDS version actually receives for a declared type."""
    if tds_version < TDS_7_3 and st.name in _DOWNLEVEL_DATE_CHARS:
        scale = st.scale or 0
        extra = (scale + 1) if scale and st.name != "date" else 0
        return sqltypes.nvarchar(_DOWNLEVEL_DATE_CHARS[st.name] + extra)
    if tds_version < TDS_7_2 and st.is_max and st.name in _MAX_TO_LOB:
        return SqlType(_MAX_TO_LOB[st.name], MAX)
    if st.name == "xml" and tds_version < TDS_7_2:
        return SqlType("ntext", MAX)
    return st


def wire_type(st: SqlType, nullable: bool = True, tds_version: int = 0x74000004) -> WireType:
    """The TYPE_INFO SQL Server sends for a column of this declared type."""
    st = downlevel_type(st, tds_version)
    name = st.name
    if not nullable and name in _FIXED_FOR:
        return WireType(_FIXED_FOR[name], _FIXED_SIZE[_FIXED_FOR[name]])
    if name in _NULLABLE_FOR:
        code, size = _NULLABLE_FOR[name]
        return WireType(code, size)
    if st.family == "decimal":
        code = TypeCode.NUMERICN if name == "numeric" else TypeCode.DECIMALN
        precision = st.precision or 18
        return WireType(code, sqltypes.decimal_storage_size(precision), precision, st.scale or 0)
    if name == "date":
        return WireType(TypeCode.DATEN, 3)
    if name in ("time", "datetime2", "datetimeoffset"):
        code = {"time": TypeCode.TIMEN, "datetime2": TypeCode.DATETIME2N}.get(name, TypeCode.DATETIMEOFFSETN)
        return WireType(code, 0, 0, 7 if st.scale is None else st.scale)
    if name in _VAR_FOR:
        code = _VAR_FOR[name]
        collation = coll.DEFAULT_BYTES if code in _COLLATED else b""
        if st.is_max:
            return WireType(code, USHORT_MAX, collation=collation)
        size = (st.length or 1) * (2 if st.is_unicode else 1)
        return WireType(code, size, collation=collation)
    if name in ("text", "ntext", "image"):
        code = {"text": TypeCode.TEXT, "ntext": TypeCode.NTEXT}.get(name, TypeCode.IMAGE)
        size = 0x7FFFFFFF if name != "ntext" else 0x7FFFFFFE
        return WireType(code, size, collation=coll.DEFAULT_BYTES if code in _COLLATED else b"")
    if name == "xml":
        return WireType(TypeCode.XML, USHORT_MAX)
    if name == "sql_variant":
        return WireType(TypeCode.SSVARIANT, 8016)
    raise ValueError(f"no wire type for {st}")


# --- value encoding ----------------------------------------------------------------------------

Encoder = Callable[[Any], bytes]
Decoder = Callable[[Reader], Any]


def _null_bytelen(value: Any) -> bytes:
    return b"\x00"


def _struct_encoder(st: struct.Struct, prefix: bytes | None) -> Encoder:
    pack = st.pack
    if prefix is None:
        return pack
    return lambda v: b"\x00" if v is None else prefix + pack(v)


def _int_encoder(size: int, fixed: bool) -> Encoder:
    fmt = {1: "<B", 2: "<h", 4: "<i", 8: "<q"}[size]
    return _struct_encoder(struct.Struct(fmt), None if fixed else bytes((size,)))


def _float_encoder(size: int, fixed: bool) -> Encoder:
    st = struct.Struct("<f" if size == 4 else "<d")
    return _struct_encoder(st, None if fixed else bytes((size,)))


def _bit_encoder(fixed: bool) -> Encoder:
    if fixed:
        return lambda v: b"\x01" if v else b"\x00"
    return lambda v: b"\x00" if v is None else (b"\x01\x01" if v else b"\x01\x00")


def to_decimal(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError) as exc:
        raise ValueError_(f"cannot convert {value!r} to numeric") from exc


def decimal_to_int(value: Any, precision: int, scale: int) -> int:
    """The scaled integer of a decimal value, rounded half up as SQL Server rounds."""
    number = to_decimal(value)
    if not number.is_finite():
        raise ValueError_("Arithmetic overflow error converting numeric to data type numeric.")
    scaled = int(number.scaleb(scale, DECIMAL_CONTEXT).quantize(Decimal(1), ROUND_HALF_UP, DECIMAL_CONTEXT))
    if abs(scaled) >= 10**precision:
        raise ValueError_("Arithmetic overflow error converting numeric to data type numeric.")
    return scaled


def _decimal_encoder(wt: WireType) -> Encoder:
    size, precision, scale = wt.size, wt.precision, wt.scale
    mag_len = size - 1
    head = bytes((size,))

    def encode(v: Any) -> bytes:
        if v is None:
            return b"\x00"
        scaled = decimal_to_int(v, precision, scale)
        sign = b"\x01" if scaled >= 0 else b"\x00"
        return head + sign + abs(scaled).to_bytes(mag_len, "little")

    return encode


def money_to_int(value: Any, size: int) -> int:
    scaled = decimal_to_int(value, 19, 4)
    limit = 2**31 if size == 4 else 2**63
    if not -limit <= scaled < limit:
        raise ValueError_("Arithmetic overflow error converting expression to data type money.")
    return scaled


def _money_encoder(size: int, fixed: bool) -> Encoder:
    prefix = b"" if fixed else bytes((size,))
    if size == 4:
        return lambda v: b"\x00" if v is None else prefix + I32.pack(money_to_int(v, 4))

    def encode(v: Any) -> bytes:
        if v is None:
            return b"\x00"
        scaled = money_to_int(v, 8)
        return prefix + struct.pack("<iI", scaled >> 32, scaled & 0xFFFFFFFF)

    return encode


def datetime_parts(value: dt.datetime | dt.date) -> tuple[int, int]:
    """(days since 1900-01-01, 1/300-second ticks) for a datetime, rounded as SQL Server."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    days = (value.date() - EPOCH_1900).days
    micros = ((value.hour * 60 + value.minute) * 60 + value.second) * 1_000_000 + value.microsecond
    ticks = (micros * 300 + 500_000) // 1_000_000
    if ticks >= DAY_TICKS_300:
        days += 1
        ticks -= DAY_TICKS_300
    return days, ticks


def smalldatetime_parts(value: dt.datetime | dt.date) -> tuple[int, int]:
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    days = (value.date() - EPOCH_1900).days
    minutes = value.hour * 60 + value.minute
    if value.second * 1_000_000 + value.microsecond >= 29_999_000:
        minutes += 1
    if minutes >= 1440:
        days += 1
        minutes -= 1440
    if not 0 <= days <= 0xFFFF:
        raise ValueError_("The conversion of a datetime to smalldatetime is out of range.")
    return days, minutes


def _datetime_encoder(size: int, fixed: bool) -> Encoder:
    prefix = b"" if fixed else bytes((size,))
    if size == 4:
        return lambda v: b"\x00" if v is None else prefix + struct.pack("<HH", *smalldatetime_parts(v))
    return lambda v: b"\x00" if v is None else prefix + struct.pack("<iI", *datetime_parts(v))


def time_ticks(value: dt.time | dt.datetime, scale: int) -> int:
    """The time of day in units of 10**-scale seconds (rounded, as SQL Server rounds)."""
    ticks7 = (((value.hour * 60 + value.minute) * 60 + value.second) * 1_000_000 + value.microsecond) * 10
    ticks7 += tick_of(value)
    unit = 10 ** (7 - scale)
    return (ticks7 + unit // 2) // unit


def _date_bytes(value: dt.date) -> bytes:
    return (value.toordinal() - 1).to_bytes(3, "little")


def _clock_and_day(value: dt.time | dt.datetime, scale: int) -> tuple[int, int]:
    """Ticks since midnight at ``scale`` and a day carry: rounding up past midnight moves
    into the next day, as SQL Server rounds (a bare time wraps to 00:00)."""
    ticks = time_ticks(value, scale)
    day = 10**scale * 86400
    return (ticks - day, 1) if ticks >= day else (ticks, 0)


def _datetime_bytes(value: dt.datetime, scale: int, size: int) -> bytes:
    ticks, carry = _clock_and_day(value, scale)
    try:
        day = value.date() + dt.timedelta(days=carry)
    except OverflowError:
        ticks, day = 10**scale * 86400 - 1, value.date()  # 9999-12-31: nothing to carry into
    return ticks.to_bytes(size, "little") + _date_bytes(day)


def _scaled_encoder(code: int, scale: int) -> Encoder:
    tsize = sqltypes.time_storage_size(scale)
    if code == TypeCode.TIMEN:
        head = bytes((tsize,))
        return lambda v: b"\x00" if v is None else head + _clock_and_day(v, scale)[0].to_bytes(tsize, "little")
    if code == TypeCode.DATETIME2N:
        head = bytes((tsize + 3,))

        def encode2(v: Any) -> bytes:
            if v is None:
                return b"\x00"
            if not isinstance(v, dt.datetime):
                v = dt.datetime(v.year, v.month, v.day)
            return head + _datetime_bytes(v, scale, tsize)

        return encode2
    head = bytes((tsize + 5,))

    def encode_offset(v: Any) -> bytes:
        if v is None:
            return b"\x00"
        offset = v.utcoffset() if isinstance(v, dt.datetime) else None
        minutes = int(offset.total_seconds() // 60) if offset is not None else 0
        utc = DateTime7.of(v.replace(tzinfo=None) - (offset or dt.timedelta()), tick_of(v))
        return head + _datetime_bytes(utc, scale, tsize) + I16.pack(minutes)

    return encode_offset


def _guid_encoder() -> Encoder:
    def encode(v: Any) -> bytes:
        if v is None:
            return b"\x00"
        if not isinstance(v, uuid.UUID):
            v = uuid.UUID(str(v))
        return b"\x10" + v.bytes_le

    return encode


def text_codec(wt: WireType) -> str:
    return coll.codec_of(wt.collation) if wt.collation else "cp1252"


def _to_text_bytes(v: Any, unicode: bool, codec: str) -> bytes:
    if not isinstance(v, str):
        v = v.decode("utf-8", "replace") if isinstance(v, bytes | bytearray) else str(v)
    return encode_ucs2(v) if unicode else v.encode(codec, "replace")


def _to_binary(v: Any) -> bytes:
    if isinstance(v, bytes):
        return v
    if isinstance(v, bytearray | memoryview):
        return bytes(v)
    if isinstance(v, str):
        return v.encode("utf-8")
    raise ValueError_(f"cannot convert {type(v).__name__} to binary")


_UNICODE_CODES = (TypeCode.NVARCHAR, TypeCode.NCHAR, TypeCode.NTEXT, TypeCode.XML)
_BINARY_CODES = (TypeCode.BIGVARBIN, TypeCode.BIGBINARY, TypeCode.IMAGE)
_PADDED_CODES = (TypeCode.BIGCHAR, TypeCode.NCHAR, TypeCode.BIGBINARY)


def var_data(wt: WireType) -> Encoder:
    """A var type's data bytes for a non-NULL value: converted, encoded, padded to a fixed length."""
    code = wt.code
    unicode = code in _UNICODE_CODES
    binary = code in _BINARY_CODES
    codec = text_codec(wt)
    pad_to = wt.size if code in _PADDED_CODES else 0
    pad = b"\x00" if binary else (" ".encode("utf-16-le") if unicode else b" ")

    def data_of(v: Any) -> bytes:
        data = _to_binary(v) if binary else _to_text_bytes(v, unicode, codec)
        if pad_to and len(data) < pad_to:
            data += pad * ((pad_to - len(data)) // len(pad))
        return data

    return data_of


def _var_encoder(wt: WireType) -> Encoder:
    code = wt.code
    data_of = var_data(wt)
    if wt.is_plp:
        return lambda v: plp_encode(None if v is None else data_of(v))
    if code in _LONGLEN:

        def encode_long(v: Any) -> bytes:
            if v is None:
                return b"\x00"
            data = data_of(v)
            return b"\x10" + TEXTPTR + TEXT_TIMESTAMP + U32.pack(len(data)) + data

        return encode_long
    limit = wt.size
    u16 = U16.pack

    def encode(v: Any) -> bytes:
        if v is None:
            return b"\xff\xff"
        data = data_of(v)
        if len(data) > limit:
            data = data[:limit]
        return u16(len(data)) + data

    return encode


def plp_encode(data: bytes | None) -> bytes:
    if data is None:
        return U64.pack(PLP_NULL)
    if not data:
        return U64.pack(0) + b"\x00\x00\x00\x00"
    return U64.pack(len(data)) + U32.pack(len(data)) + data + b"\x00\x00\x00\x00"


def value_encoder(wt: WireType) -> Encoder:
    """An encoder for values of one wire type (length prefix included; None is NULL)."""
    code = wt.code
    if code in (TypeCode.INT1, TypeCode.INT2, TypeCode.INT4, TypeCode.INT8):
        return _int_encoder(_FIXED_SIZE[code], True)
    if code == TypeCode.INTN:
        return _int_encoder(wt.size, False)
    if code in (TypeCode.BIT, TypeCode.BITN):
        return _bit_encoder(code == TypeCode.BIT)
    if code in (TypeCode.FLT4, TypeCode.FLT8):
        return _float_encoder(_FIXED_SIZE[code], True)
    if code == TypeCode.FLTN:
        return _float_encoder(wt.size, False)
    if code in (TypeCode.MONEY, TypeCode.MONEY4):
        return _money_encoder(_FIXED_SIZE[code], True)
    if code == TypeCode.MONEYN:
        return _money_encoder(wt.size, False)
    if code in (TypeCode.DATETIME, TypeCode.DATETIM4):
        return _datetime_encoder(_FIXED_SIZE[code], True)
    if code == TypeCode.DATETIMN:
        return _datetime_encoder(wt.size, False)
    if code in (TypeCode.DECIMALN, TypeCode.NUMERICN):
        return _decimal_encoder(wt)
    if code == TypeCode.DATEN:
        return lambda v: b"\x00" if v is None else b"\x03" + _date_bytes(v)
    if code in _SCALED:
        return _scaled_encoder(code, wt.scale)
    if code == TypeCode.GUID:
        return _guid_encoder()
    if code in _USHORTLEN or code in _LONGLEN or code == TypeCode.XML:
        return _var_encoder(wt)
    if code == TypeCode.SSVARIANT:
        return variant_encode
    if code == TypeCode.NULL:
        return _null_bytelen
    raise ValueError(f"no encoder for type code {code:#04x}")


def format_temporal(v: Any, name: str, scale: int) -> str:
    """A date/time value in SQL Server's ISO style (CONVERT style 121 for the new types)."""
    if name == "date":
        return v.isoformat() if not isinstance(v, dt.datetime) else v.date().isoformat()
    frac = ""
    if scale:
        ticks = time_ticks(v, scale) % (10**scale)
        frac = "." + str(ticks).rjust(scale, "0")
    clock = f"{v.hour:02d}:{v.minute:02d}:{v.second:02d}{frac}"
    if name == "time":
        return clock
    text = f"{v.date().isoformat()} {clock}"
    if name == "datetimeoffset":
        offset = v.utcoffset() or dt.timedelta()
        minutes = int(offset.total_seconds() // 60)
        sign = "+" if minutes >= 0 else "-"
        text += f" {sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return text


def column_codec(st: SqlType, nullable: bool = True, tds_version: int = 0x74000004) -> tuple[WireType, Encoder]:
    """The wire type and value encoder for a result column, built once per result shape."""
    wt = wire_type(st, nullable, tds_version)
    encode = value_encoder(wt)
    if st.name in _DOWNLEVEL_DATE_CHARS and downlevel_type(st, tds_version).name == "nvarchar":
        return wt, _as_text(encode, st.name, st.scale or 0)
    return wt, encode


def _as_text(encode: Encoder, name: str, scale: int) -> Encoder:
    """Down-level clients get date/time values as the strings SQL Server sends them."""
    return lambda v: encode(None if v is None else format_temporal(v, name, scale))


@dataclass(frozen=True, slots=True)
class Inline:
    """How a row encoder compiled per result shape (`rows.compile_rows`) writes a non-NULL value
    itself, byte for byte what the column's encoder writes.

    A fixed value is the struct characters ``fmt`` packing ``consts`` (its length prefix, if any)
    and then the value.  A var value is a 2-byte length and ``data(v)`` cut to ``limit`` bytes;
    ``text`` says how a plain str may skip the call to ``data`` ("ascii": an ASCII-only str is
    its own UTF-8 bytes in the column's code page; "ucs2": `encode_ucs2`), ``binary`` that plain
    bytes are their own data.
    """

    fmt: str = ""
    consts: tuple[int, ...] = ()
    data: Encoder | None = None
    limit: int = 0
    text: str = ""
    binary: bool = False


# The struct characters of the fixed-size encoders above: '?' packs a value's truth as 1 or 0,
# which is the BIT encoders' rule.
_INLINE_FIXED = {
    TypeCode.INT1: "B",
    TypeCode.INT2: "h",
    TypeCode.INT4: "i",
    TypeCode.INT8: "q",
    TypeCode.FLT4: "f",
    TypeCode.FLT8: "d",
    TypeCode.BIT: "?",
}
_INLINE_INTN = {1: "B", 2: "h", 4: "i", 8: "q"}
_INLINE_FLTN = {4: "f", 8: "d"}


def inline_form(st: SqlType, wt: WireType) -> Inline | None:
    """The `Inline` form of a result column's values, or None where only its encoder will do."""
    if st.name in _DOWNLEVEL_DATE_CHARS:
        return None  # down-level clients get these as text from a formatting encoder
    code, size = wt.code, wt.size
    if code in _INLINE_FIXED:
        return Inline(_INLINE_FIXED[code])
    if code == TypeCode.INTN and size in _INLINE_INTN:
        return Inline("B" + _INLINE_INTN[size], (size,))
    if code == TypeCode.FLTN and size in _INLINE_FLTN:
        return Inline("B" + _INLINE_FLTN[size], (size,))
    if code == TypeCode.BITN:
        return Inline("B?", (1,))
    if code in _USHORTLEN and not wt.is_plp:
        return Inline(data=var_data(wt), limit=size, text=_inline_text(wt), binary=code == TypeCode.BIGVARBIN)
    return None


def _inline_text(wt: WireType) -> str:
    """How `var_data` encodes a plain str for an unpadded text type ("": only by calling it)."""
    if wt.code == TypeCode.NVARCHAR:
        return "ucs2"
    if wt.code == TypeCode.BIGVARCHR and _ascii_compatible(text_codec(wt)):
        return "ascii"
    return ""


@functools.cache
def _ascii_compatible(codec: str) -> bool:
    """Whether a code page writes every ASCII character as its own byte (the ASCII shortcut holds)."""
    return all(chr(i).encode(codec, "replace") == bytes((i,)) for i in range(128))


# --- value decoding ----------------------------------------------------------------------------


def _read_bytelen(reader: Reader) -> bytes | None:
    size = reader.u8()
    return None if size == 0 else reader.take(size)


def plp_read(reader: Reader) -> bytes | None:
    total = reader.u64()
    if total == PLP_NULL:
        return None
    parts: list[bytes] = []
    while True:
        chunk = reader.u32()
        if chunk == 0:
            break
        parts.append(reader.take(chunk))
    return b"".join(parts)


def decode_decimal(data: bytes, scale: int) -> Decimal:
    if not data:
        raise ProtocolError("empty decimal value")
    magnitude = int.from_bytes(data[1:], "little")
    if data[0] == 0:
        magnitude = -magnitude
    return Decimal(magnitude).scaleb(-scale, DECIMAL_CONTEXT)


def decode_money(data: bytes) -> Decimal:
    if len(data) == 4:
        return Decimal(I32.unpack(data)[0]).scaleb(-4, DECIMAL_CONTEXT)
    if len(data) != 8:
        raise ProtocolError(f"money value of {len(data)} bytes")
    high, low = struct.unpack("<iI", data)
    return Decimal((high << 32) | low).scaleb(-4, DECIMAL_CONTEXT)


def decode_datetime(data: bytes) -> dt.datetime:
    if len(data) == 4:
        days, minutes = struct.unpack("<HH", data)
        return dt.datetime.combine(EPOCH_1900, dt.time()) + dt.timedelta(days=days, minutes=minutes)
    if len(data) != 8:
        raise ProtocolError(f"datetime value of {len(data)} bytes")
    days, ticks = struct.unpack("<iI", data)
    # 1/300 s ticks read as SQL Server shows them: whole milliseconds ending in 0, 3 or 7.
    micros = (ticks * 10 + 1) // 3 * 1000
    try:
        return dt.datetime.combine(EPOCH_1900, dt.time()) + dt.timedelta(days=days, microseconds=micros)
    except OverflowError as exc:
        raise ProtocolError("datetime value out of range") from exc


def decode_time(data: bytes, scale: int) -> dt.time:
    ticks7 = int.from_bytes(data, "little") * 10 ** (7 - scale)
    if ticks7 >= 864_000_000_000:
        raise ProtocolError("time value out of range")
    micros, tick = divmod(ticks7, 10)
    seconds, micro = divmod(micros, 1_000_000)
    return Time7.of(dt.time(seconds // 3600, seconds // 60 % 60, seconds % 60, micro), tick)


def decode_date(data: bytes) -> dt.date:
    days = int.from_bytes(data, "little")
    try:
        return dt.date.fromordinal(days + 1)
    except (ValueError, OverflowError) as exc:
        raise ProtocolError("date value out of range") from exc


def _decode_scaled(code: int, scale: int, data: bytes) -> Any:
    tsize = sqltypes.time_storage_size(scale)
    if code == TypeCode.TIMEN:
        return decode_time(data, scale)
    if len(data) < tsize + 3:
        raise ProtocolError("truncated datetime2/datetimeoffset value")
    clock = decode_time(data[:tsize], scale)
    day = decode_date(data[tsize : tsize + 3])
    value = DateTime7.of(dt.datetime.combine(day, clock), tick_of(clock))
    if code == TypeCode.DATETIME2N:
        return value
    minutes = I16.unpack(data[tsize + 3 : tsize + 5])[0]
    if not -840 <= minutes <= 840:
        raise ProtocolError(f"time zone offset {minutes} minutes out of range")
    zone = dt.timezone(dt.timedelta(minutes=minutes))
    try:
        return DateTime7.of((value + dt.timedelta(minutes=minutes)).replace(tzinfo=zone), tick_of(value))
    except OverflowError as exc:
        raise ProtocolError("datetimeoffset value out of range") from exc


def _fixed_decoder(code: int) -> Decoder:
    size = _FIXED_SIZE[code]
    convert = _bytes_converter(code, size)
    return lambda reader: convert(reader.take(size))


def _bytes_converter(code: int, size: int) -> Callable[[bytes], Any]:
    """How to turn a (non-NULL) value's bytes into a Python value, by type code."""
    if code in (TypeCode.INT1, TypeCode.INT2, TypeCode.INT4, TypeCode.INT8, TypeCode.INTN):
        return lambda b: int.from_bytes(b, "little", signed=len(b) > 1)
    if code in (TypeCode.BIT, TypeCode.BITN):
        return lambda b: b != b"\x00"
    if code in (TypeCode.FLT4, TypeCode.FLT8, TypeCode.FLTN):
        return lambda b: struct.unpack("<f" if len(b) == 4 else "<d", b)[0]
    if code in (TypeCode.MONEY, TypeCode.MONEY4, TypeCode.MONEYN):
        return decode_money
    if code in (TypeCode.DATETIME, TypeCode.DATETIM4, TypeCode.DATETIMN):
        return decode_datetime
    if code == TypeCode.GUID:
        return lambda b: uuid.UUID(bytes_le=b)
    if code == TypeCode.DATEN:
        return decode_date
    return bytes


def _check_size(data: bytes | None, allowed: tuple[int, ...], what: str) -> bytes | None:
    if data is not None and len(data) not in allowed:
        raise ProtocolError(f"{what} value of {len(data)} bytes")
    return data


_ALLOWED_SIZES = {
    TypeCode.INTN: (1, 2, 4, 8),
    TypeCode.BITN: (1,),
    TypeCode.FLTN: (4, 8),
    TypeCode.MONEYN: (4, 8),
    TypeCode.DATETIMN: (4, 8),
    TypeCode.GUID: (16,),
    TypeCode.DATEN: (3,),
}


def value_decoder(wt: WireType) -> Decoder:
    """A decoder reading one value of a wire type (None for NULL)."""
    code = wt.code
    if code in _FIXED_SIZE:
        if code == TypeCode.NULL:
            return lambda reader: None
        return _fixed_decoder(code)
    if code in _ALLOWED_SIZES:
        convert = _bytes_converter(code, wt.size)
        allowed = _ALLOWED_SIZES[code]
        name = TypeCode(code).name

        def decode_n(reader: Reader) -> Any:
            data = _check_size(_read_bytelen(reader), allowed, name)
            return None if data is None else convert(data)

        return decode_n
    if code in (TypeCode.DECIMALN, TypeCode.NUMERICN):
        scale = wt.scale

        def decode_dec(reader: Reader) -> Any:
            data = _read_bytelen(reader)
            return None if data is None else decode_decimal(data, scale)

        return decode_dec
    if code in _SCALED:
        scale = wt.scale

        def decode_scaled(reader: Reader) -> Any:
            data = _read_bytelen(reader)
            return None if data is None else _decode_scaled(code, scale, data)

        return decode_scaled
    if code in (TypeCode.CHAR, TypeCode.VARCHAR, TypeCode.BINARY, TypeCode.VARBINARY):
        is_text = code in (TypeCode.CHAR, TypeCode.VARCHAR)

        def decode_short(reader: Reader) -> Any:
            data = _read_bytelen(reader)
            return None if data is None else (data.decode("cp1252", "replace") if is_text else data)

        return decode_short
    if code in _USHORTLEN or code in _LONGLEN or code in (TypeCode.XML, TypeCode.UDT):
        return _var_decoder(wt)
    if code == TypeCode.SSVARIANT:
        return variant_decode
    raise ProtocolError(f"no decoder for type code {code:#04x}")


def _var_decoder(wt: WireType) -> Decoder:
    code = wt.code
    if code in (TypeCode.NVARCHAR, TypeCode.NCHAR, TypeCode.NTEXT, TypeCode.XML):
        convert: Callable[[bytes], Any] = decode_ucs2
    elif code in (TypeCode.BIGVARCHR, TypeCode.BIGCHAR, TypeCode.TEXT):
        codec = text_codec(wt)

        def convert(b: bytes) -> str:
            return b.decode(codec, "replace")
    else:
        convert = bytes
    if wt.is_plp:

        def decode_plp(reader: Reader) -> Any:
            data = plp_read(reader)
            return None if data is None else convert(data)

        return decode_plp
    if code in _LONGLEN:
        return lambda reader: _read_long(reader, convert)

    def decode_var(reader: Reader) -> Any:
        size = reader.u16()
        return None if size == USHORT_MAX else convert(reader.take(size))

    return decode_var


def _read_long(reader: Reader, convert: Callable[[bytes], Any]) -> Any:
    """text/ntext/image in a ROW: textptr length, textptr, timestamp, 4-byte length, data."""
    ptr_len = reader.u8()
    if ptr_len == 0:
        return None
    reader.skip(ptr_len + 8)
    return convert(reader.take(reader.u32()))


def long_param_decoder(wt: WireType) -> Decoder:
    """text/ntext/image as an RPC parameter: a 4-byte length (0xFFFFFFFF for NULL), data."""
    unicode = wt.code == TypeCode.NTEXT
    codec = text_codec(wt)

    def decode(reader: Reader) -> Any:
        size = reader.u32()
        if size == 0xFFFFFFFF:
            return None
        data = reader.take(size)
        if wt.code == TypeCode.IMAGE:
            return data
        return decode_ucs2(data) if unicode else data.decode(codec, "replace")

    return decode


def long_param_encoder(wt: WireType) -> Encoder:
    """text/ntext/image as an RPC parameter value (no textptr)."""
    unicode = wt.code == TypeCode.NTEXT
    codec = text_codec(wt)

    def encode(v: Any) -> bytes:
        if v is None:
            return b"\xff\xff\xff\xff"
        data = _to_binary(v) if wt.code == TypeCode.IMAGE else _to_text_bytes(v, unicode, codec)
        return U32.pack(len(data)) + data

    return encode


# --- sql_variant (MS-TDS 2.2.5.5.4) ------------------------------------------------------------


def variant_encode(v: Any) -> bytes:
    if v is None:
        return b"\x00\x00\x00\x00"
    base, props = _variant_base(v)
    data = value_encoder(base)(v)
    # Strip the per-type length prefix the plain encoder adds; a variant carries raw bytes.
    if base.code in _USHORTLEN:
        data = data[2:]
    elif base.code not in _FIXED_SIZE:
        data = data[1:]
    body = bytes((base.code, len(props))) + props + data
    return U32.pack(len(body)) + body


def _variant_base(v: Any) -> tuple[WireType, bytes]:
    if isinstance(v, bool):
        return WireType(TypeCode.BIT, 1), b""
    if isinstance(v, int):
        if -(2**31) <= v < 2**31:
            return WireType(TypeCode.INT4, 4), b""
        return WireType(TypeCode.INT8, 8), b""
    if isinstance(v, float):
        return WireType(TypeCode.FLT8, 8), b""
    if isinstance(v, Decimal):
        _, digits, exponent = v.as_tuple()
        scale = max(0, -int(exponent))
        precision = min(38, max(len(digits), scale, 1))
        size = sqltypes.decimal_storage_size(precision)
        return WireType(TypeCode.NUMERICN, size, precision, scale), bytes((precision, scale))
    if isinstance(v, dt.datetime):
        if v.tzinfo is not None:
            return WireType(TypeCode.DATETIMEOFFSETN, 0, 0, 7), b"\x07"
        return WireType(TypeCode.DATETIME2N, 0, 0, 7), b"\x07"
    if isinstance(v, dt.date):
        return WireType(TypeCode.DATEN, 3), b""
    if isinstance(v, dt.time):
        return WireType(TypeCode.TIMEN, 0, 0, 7), b"\x07"
    if isinstance(v, uuid.UUID):
        return WireType(TypeCode.GUID, 16), b""
    if isinstance(v, bytes | bytearray):
        return WireType(TypeCode.BIGVARBIN, 8000), U16.pack(8000)
    return WireType(TypeCode.NVARCHAR, 8000, collation=coll.DEFAULT_BYTES), (coll.DEFAULT_BYTES + U16.pack(8000))


def variant_decode(reader: Reader) -> Any:
    total = reader.u32()
    if total == 0:
        return None
    body = Reader(reader.take(total))
    code = body.u8()
    prop_len = body.u8()
    props = Reader(body.take(prop_len))
    data = body.take(body.remaining)
    if code in _FIXED_SIZE:
        return _bytes_converter(code, 0)(data) if code != TypeCode.NULL else None
    if code in (TypeCode.NUMERICN, TypeCode.DECIMALN):
        props.u8()
        return decode_decimal(data, props.u8())
    if code in _SCALED:
        return _decode_scaled(code, props.u8(), data)
    if code in (TypeCode.NVARCHAR, TypeCode.NCHAR):
        return decode_ucs2(data)
    if code in (TypeCode.BIGVARCHR, TypeCode.BIGCHAR):
        return data.decode(coll.codec_of(props.take(5)), "replace")
    if code in _BYTELEN or code == TypeCode.DATEN:
        return _bytes_converter(code, len(data))(data)
    if code in (TypeCode.BIGVARBIN, TypeCode.BIGBINARY):
        return data
    raise ProtocolError(f"sql_variant base type {code:#04x} not supported")
