"""The token stream (MS-TDS 2.2.7): what a server writes and a client reads.

Writers are plain functions returning bytes, parameterised by the client's TDS
version where layouts differ (7.1 has 2-byte user types and line numbers and
4-byte DONE row counts; 7.2 added transaction ENVCHANGEs and 8-byte counts;
7.3B added NBCROW).  `ResultShape` builds a result's COLMETADATA and its row
encoder once.  `TokenReader` is the client side: bytes in, token events out.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import IntEnum, IntFlag
from typing import Any

from ..sqltypes import Column, SqlType
from . import datatypes as dtypes
from . import rows
from .errors import ProtocolError
from .wire import I32, U8, U16, U32, Reader, b_varchar, encode_ucs2, us_varchar

TDS_7_1 = 0x71000001
TDS_7_2 = 0x72090002
TDS_7_3B = 0x730B0003
TDS_7_4 = 0x74000004


class Token(IntEnum):
    ALTMETADATA = 0x88
    ALTROW = 0xD3
    COLINFO = 0xA5
    COLMETADATA = 0x81
    DONE = 0xFD
    DONEPROC = 0xFE
    DONEINPROC = 0xFF
    ENVCHANGE = 0xE3
    ERROR = 0xAA
    FEATUREEXTACK = 0xAE
    FEDAUTHINFO = 0xEE
    INFO = 0xAB
    LOGINACK = 0xAD
    NBCROW = 0xD2
    OFFSET = 0x78
    ORDER = 0xA9
    RETURNSTATUS = 0x79
    RETURNVALUE = 0xAC
    ROW = 0xD1
    SESSIONSTATE = 0xE4
    SSPI = 0xED
    TABNAME = 0xA4


class DoneStatus(IntFlag):
    FINAL = 0x00
    MORE = 0x01
    ERROR = 0x02
    INXACT = 0x04
    COUNT = 0x10
    ATTN = 0x20
    SRVERROR = 0x100


class EnvChange(IntEnum):
    DATABASE = 1
    LANGUAGE = 2
    CHARSET = 3
    PACKET_SIZE = 4
    UNICODE_SORTING_LOCAL_ID = 5
    UNICODE_SORTING_FLAGS = 6
    SQL_COLLATION = 7
    BEGIN_TRANSACTION = 8
    COMMIT_TRANSACTION = 9
    ROLLBACK_TRANSACTION = 10
    ENLIST_DTC_TRANSACTION = 11
    DEFECT_TRANSACTION = 12
    DATABASE_MIRRORING_PARTNER = 13
    PROMOTE_TRANSACTION = 15
    TRANSACTION_MANAGER_ADDRESS = 16
    TRANSACTION_ENDED = 17
    RESET_CONNECTION_ACK = 18
    USER_INSTANCE = 19
    ROUTING = 20


class ColumnFlags(IntFlag):
    NULLABLE = 0x0001
    CASE_SENSITIVE = 0x0002
    UPDATEABLE_READWRITE = 0x0004
    UPDATEABLE_UNKNOWN = 0x0008
    IDENTITY = 0x0010
    COMPUTED = 0x0020


# DONE's CurCmd values (the statement kind that produced the count).
class CurCmd(IntEnum):
    NONE = 0x00
    SELECT = 0xC1
    INSERT = 0xC3
    DELETE = 0xC4
    UPDATE = 0xC5
    CREATE = 0xC6
    DROP = 0xC7
    EXECUTE = 0xE0
    SET = 0xFD
    BEGIN_TRAN = 0xD4
    COMMIT = 0xD5
    ROLLBACK = 0xD2


_DONE_72 = struct.Struct("<BHHQ")
_DONE_71 = struct.Struct("<BHHI")
_HEAD = struct.Struct("<BH")


def _with_length(token: int, body: bytes) -> bytes:
    return _HEAD.pack(token, len(body)) + body


def done(
    status: int = 0,
    cur_cmd: int = 0,
    row_count: int = 0,
    token: int = Token.DONE,
    tds_version: int = TDS_7_4,
) -> bytes:
    if tds_version >= TDS_7_2:
        return _DONE_72.pack(token, status, cur_cmd, row_count & 0xFFFFFFFFFFFFFFFF)
    return _DONE_71.pack(token, status, cur_cmd, row_count & 0xFFFFFFFF)


def message(
    number: int,
    state: int,
    severity: int,
    text: str,
    server: str = "",
    procedure: str = "",
    line: int = 1,
    tds_version: int = TDS_7_4,
) -> bytes:
    """An ERROR token when severity > 10, else INFO (as SQL Server decides)."""
    token = Token.ERROR if severity > 10 else Token.INFO
    line_bytes = I32.pack(line) if tds_version >= TDS_7_2 else U16.pack(line & 0xFFFF)
    body = (
        I32.pack(number)
        + bytes((state & 0xFF, severity & 0xFF))
        + us_varchar(text[:4000])
        + b_varchar(server[:128])
        + b_varchar(procedure[:128])
        + line_bytes
    )
    return _with_length(token, body)


def env_change_text(kind: int, new: str, old: str = "") -> bytes:
    return _with_length(Token.ENVCHANGE, bytes((kind,)) + b_varchar(new) + b_varchar(old))


def env_change_bytes(kind: int, new: bytes, old: bytes = b"") -> bytes:
    body = bytes((kind, len(new))) + new + bytes((len(old),)) + old
    return _with_length(Token.ENVCHANGE, body)


def login_ack(tds_version: int, program: str, version: tuple[int, int, int]) -> bytes:
    major, minor, build = version
    body = (
        b"\x01"
        + struct.pack(">I", tds_version)
        + b_varchar(program)
        + bytes((major, minor, build >> 8 & 0xFF, build & 0xFF))
    )
    return _with_length(Token.LOGINACK, body)


def feature_ext_ack(features: Sequence[tuple[int, bytes]]) -> bytes:
    out = bytearray((Token.FEATUREEXTACK,))
    for feature, data in features:
        out.append(feature)
        out += U32.pack(len(data)) + data
    out.append(0xFF)
    return bytes(out)


def return_status(value: int) -> bytes:
    return U8.pack(Token.RETURNSTATUS) + I32.pack(value)


def _user_type(tds_version: int) -> bytes:
    return b"\x00\x00\x00\x00" if tds_version >= TDS_7_2 else b"\x00\x00"


def return_value(
    ordinal: int,
    name: str,
    sql_type: SqlType,
    value: Any,
    tds_version: int = TDS_7_4,
    udf: bool = False,
) -> bytes:
    wt, encode = dtypes.column_codec(sql_type, True, tds_version)
    type_info = dtypes.encode_type_info(wt)
    value_bytes = dtypes.long_param_encoder(wt)(value) if wt.is_long else encode(value)
    return (
        bytes((Token.RETURNVALUE,))
        + U16.pack(ordinal)
        + b_varchar(name)
        + (b"\x02" if udf else b"\x01")
        + _user_type(tds_version)
        + U16.pack(ColumnFlags.NULLABLE)
        + type_info
        + value_bytes
    )


# Building a shape's compiled row encoder costs about 0.1 ms plus 50 µs a column; a shape gets it
# once it has sent this many rows (a big result's first chunk), which repays it many times over.
COMPILE_AFTER_ROWS = 500


class ResultShape:
    """COLMETADATA and a row encoder for one result shape at one TDS version.

    `encode_rows` starts as the generic encoder and becomes the one compiled for this shape
    (`rows.compile_rows`, byte for byte the same) after ``compile_after`` rows.
    """

    __slots__ = (
        "_encoders",
        "_inlines",
        "_rows_to_compile",
        "colmetadata",
        "columns",
        "encode_rows",
        "nbcrow",
        "width",
    )

    def __init__(
        self, columns: Sequence[Column], tds_version: int = TDS_7_4, compile_after: int = COMPILE_AFTER_ROWS
    ) -> None:
        self.columns = tuple(columns)
        self.width = len(self.columns)
        self.nbcrow = tds_version >= TDS_7_3B
        parts = [U8.pack(Token.COLMETADATA), U16.pack(self.width)]
        encoders = []
        inlines = []
        user_type = _user_type(tds_version)
        for col in self.columns:
            wt, encode = dtypes.column_codec(col.type, col.nullable, tds_version)
            encoders.append(encode)
            inlines.append(dtypes.inline_form(col.type, wt))
            flags = ColumnFlags.UPDATEABLE_UNKNOWN
            if col.nullable:
                flags |= ColumnFlags.NULLABLE
            if col.identity:
                flags |= ColumnFlags.IDENTITY
            parts += [user_type, U16.pack(flags), dtypes.encode_type_info(wt)]
            if wt.is_long:
                table = encode_ucs2(col.table or "t")
                if tds_version >= TDS_7_2:
                    parts.append(b"\x01")
                parts.append(U16.pack(len(table) // 2) + table)
            parts.append(b_varchar(col.name[:128]))
        self.colmetadata = b"".join(parts)
        self._encoders = tuple(encoders)
        self._inlines = tuple(inlines)
        self._rows_to_compile = compile_after
        self.encode_rows: rows.RowsEncoder = self._encode_rows
        if compile_after <= 0:
            self._compile()

    def _compile(self) -> None:
        compiled = rows.compile_rows(self._encoders, self._inlines, self.nbcrow)
        if compiled is not None:  # None: too wide, the generic encoder stays
            self.encode_rows = compiled

    def encode_row(self, row: Sequence[Any]) -> bytes:
        encoders = self._encoders
        if self.nbcrow and None in row:
            return self._encode_nbcrow(row)
        return b"\xd1" + b"".join([enc(v) for enc, v in zip(encoders, row, strict=True)])

    def _encode_nbcrow(self, row: Sequence[Any]) -> bytes:
        bitmap = bytearray((self.width + 7) // 8)
        values = []
        for index, (enc, v) in enumerate(zip(self._encoders, row, strict=True)):
            if v is None:
                bitmap[index >> 3] |= 1 << (index & 7)
            else:
                values.append(enc(v))
        return b"\xd2" + bytes(bitmap) + b"".join(values)

    def _encode_rows(self, chunk: Sequence[Sequence[Any]]) -> bytes:
        """The generic form of `encode_rows`, until the shape has sent enough rows to compile it."""
        encode = self.encode_row
        parts = [encode(row) for row in chunk]
        left = self._rows_to_compile - len(parts)
        self._rows_to_compile = left
        if left <= 0 < left + len(parts):  # crossed the threshold with this chunk
            self._compile()
        return b"".join(parts)


# --- client side: reading a token stream -------------------------------------------------------


@dataclass(slots=True)
class ColumnInfo:
    """A result column as a client reads it from COLMETADATA."""

    name: str
    wire: dtypes.WireType
    type: SqlType
    flags: int
    decode: dtypes.Decoder

    @property
    def nullable(self) -> bool:
        return bool(self.flags & ColumnFlags.NULLABLE)


@dataclass(slots=True)
class Done:
    token: int
    status: int
    cur_cmd: int
    row_count: int

    @property
    def more(self) -> bool:
        return bool(self.status & DoneStatus.MORE)

    @property
    def has_count(self) -> bool:
        return bool(self.status & DoneStatus.COUNT)

    @property
    def error(self) -> bool:
        return bool(self.status & DoneStatus.ERROR)

    @property
    def attention(self) -> bool:
        return bool(self.status & DoneStatus.ATTN)


@dataclass(slots=True)
class ServerMessage:
    number: int
    state: int
    severity: int
    text: str
    server: str
    procedure: str
    line: int

    @property
    def is_error(self) -> bool:
        return self.severity > 10


@dataclass(slots=True)
class EnvChangeEvent:
    kind: int
    new: str | bytes
    old: str | bytes


@dataclass(slots=True)
class LoginAck:
    interface: int
    tds_version: int
    program: str
    version: tuple[int, int, int]


@dataclass(slots=True)
class ReturnValue:
    ordinal: int
    name: str
    status: int
    type: SqlType
    value: Any


@dataclass(slots=True)
class Metadata:
    columns: list[ColumnInfo] = field(default_factory=list)


@dataclass(slots=True)
class Row:
    values: list[Any]


@dataclass(slots=True)
class ReturnStatus:
    value: int


@dataclass(slots=True)
class FeatureExtAck:
    features: list[tuple[int, bytes]]


_TEXT_ENVCHANGES = {
    EnvChange.DATABASE,
    EnvChange.LANGUAGE,
    EnvChange.CHARSET,
    EnvChange.PACKET_SIZE,
    EnvChange.UNICODE_SORTING_LOCAL_ID,
    EnvChange.UNICODE_SORTING_FLAGS,
    EnvChange.DATABASE_MIRRORING_PARTNER,
    EnvChange.USER_INSTANCE,
}


class TokenReader:
    """Reads a server's token stream; remembers the current result's columns."""

    def __init__(self, tds_version: int = TDS_7_4) -> None:
        self.tds_version = tds_version
        self.columns: list[ColumnInfo] = []

    def read(self, payload: bytes) -> list[Any]:
        """All events of a complete response message."""
        reader = Reader(payload)
        events: list[Any] = []
        while reader.remaining:
            events.append(self.read_token(reader))
        return events

    def read_token(self, reader: Reader) -> Any:
        token = reader.u8()
        if token in (Token.DONE, Token.DONEPROC, Token.DONEINPROC):
            status, cur_cmd = reader.u16(), reader.u16()
            count = reader.u64() if self.tds_version >= TDS_7_2 else reader.u32()
            return Done(token, status, cur_cmd, count)
        if token == Token.ROW:
            return Row([col.decode(reader) for col in self.columns])
        if token == Token.NBCROW:
            return self._nbcrow(reader)
        if token == Token.COLMETADATA:
            return self._colmetadata(reader)
        if token in (Token.INFO, Token.ERROR):
            return self._message(Reader(reader.take(reader.u16())))
        if token == Token.ENVCHANGE:
            return self._env_change(Reader(reader.take(reader.u16())))
        if token == Token.LOGINACK:
            body = Reader(reader.take(reader.u16()))
            interface = body.u8()
            version = body.u32be()
            program = body.b_varchar()
            major, minor, hi, lo = body.take(4)
            return LoginAck(interface, version, program, (major, minor, hi << 8 | lo))
        if token == Token.RETURNSTATUS:
            return ReturnStatus(reader.i32())
        if token == Token.RETURNVALUE:
            return self._return_value(reader)
        if token == Token.FEATUREEXTACK:
            features = []
            while (feature := reader.u8()) != 0xFF:
                features.append((feature, reader.take(reader.u32())))
            return FeatureExtAck(features)
        if token in (Token.ORDER, Token.TABNAME, Token.COLINFO):
            reader.skip(reader.u16())
            return None
        if token == Token.SESSIONSTATE:
            reader.skip(reader.u32())
            return None
        raise ProtocolError(f"unexpected token {token:#04x} in the server's response")

    def _colmetadata(self, reader: Reader) -> Metadata:
        count = reader.u16()
        columns: list[ColumnInfo] = []
        if count == 0xFFFF:
            return Metadata(self.columns)
        for _ in range(count):
            if self.tds_version >= TDS_7_2:
                reader.u32()
            else:
                reader.u16()
            flags = reader.u16()
            wt = dtypes.decode_type_info(reader)
            if wt.is_long:
                parts = reader.u8() if self.tds_version >= TDS_7_2 else 1
                for _ in range(parts):
                    reader.us_varchar()
            name = reader.b_varchar()
            columns.append(ColumnInfo(name, wt, dtypes.sql_type_of(wt), flags, dtypes.value_decoder(wt)))
        self.columns = columns
        return Metadata(columns)

    def _nbcrow(self, reader: Reader) -> Row:
        columns = self.columns
        bitmap = reader.take((len(columns) + 7) // 8)
        values = [None if bitmap[i >> 3] & (1 << (i & 7)) else col.decode(reader) for i, col in enumerate(columns)]
        return Row(values)

    def _message(self, body: Reader) -> ServerMessage:
        number = body.i32()
        state, severity = body.u8(), body.u8()
        text = body.us_varchar()
        server = body.b_varchar()
        procedure = body.b_varchar()
        line = body.i32() if self.tds_version >= TDS_7_2 else body.u16()
        return ServerMessage(number, state, severity, text, server, procedure, line)

    def _env_change(self, body: Reader) -> EnvChangeEvent:
        kind = body.u8()
        if kind in _TEXT_ENVCHANGES:
            new = body.b_varchar()
            old = body.b_varchar() if body.remaining else ""
            return EnvChangeEvent(kind, new, old)
        if kind == EnvChange.ROUTING:
            body.u16()
            return EnvChangeEvent(kind, body.take(body.remaining), b"")
        new_bytes = body.b_varbyte()
        old_bytes = body.b_varbyte() if body.remaining else b""
        return EnvChangeEvent(kind, new_bytes, old_bytes)

    def _return_value(self, reader: Reader) -> ReturnValue:
        ordinal = reader.u16()
        name = reader.b_varchar()
        status = reader.u8()
        if self.tds_version >= TDS_7_2:
            reader.u32()
        else:
            reader.u16()
        reader.u16()
        wt = dtypes.decode_type_info(reader)
        decode = dtypes.long_param_decoder(wt) if wt.is_long else dtypes.value_decoder(wt)
        return ReturnValue(ordinal, name, status, dtypes.sql_type_of(wt), decode(reader))
