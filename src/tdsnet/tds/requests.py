"""Client requests: SQL batch (2.2.6.7), RPC (2.2.6.6), transaction manager (2.2.6.9),
and the ALL_HEADERS block in front of them (2.2.5.3), both directions.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from enum import IntEnum, IntFlag
from typing import Any

from ..sqltypes import SqlType
from . import datatypes as dtypes
from .errors import ProtocolError
from .tokens import Done, Metadata, Row, TokenReader
from .wire import U8, U16, U32, U64, Reader, b_varchar, decode_ucs2, encode_ucs2, us_varchar

TDS_7_2 = 0x72000000


class HeaderType(IntEnum):
    QUERY_NOTIFICATIONS = 1
    TRANSACTION_DESCRIPTOR = 2
    TRACE_ACTIVITY = 3


class ProcId(IntEnum):
    """Well-known stored procedures an RPC request can name by number."""

    SP_CURSOR = 1
    SP_CURSOROPEN = 2
    SP_CURSORPREPARE = 3
    SP_CURSOREXECUTE = 4
    SP_CURSORPREPEXEC = 5
    SP_CURSORUNPREPARE = 6
    SP_CURSORFETCH = 7
    SP_CURSOROPTION = 8
    SP_CURSORCLOSE = 9
    SP_EXECUTESQL = 10
    SP_PREPARE = 11
    SP_EXECUTE = 12
    SP_PREPEXEC = 13
    SP_PREPEXECRPC = 14
    SP_UNPREPARE = 15


class RpcOption(IntFlag):
    WITH_RECOMPILE = 0x01
    NO_METADATA = 0x02
    REUSE_METADATA = 0x04


class ParamStatus(IntFlag):
    BY_REF = 0x01  # an OUTPUT parameter
    DEFAULT = 0x02
    ENCRYPTED = 0x08


class TmRequest(IntEnum):
    GET_DTC_ADDRESS = 0
    PROPAGATE_XACT = 1
    BEGIN_XACT = 5
    PROMOTE_XACT = 6
    COMMIT_XACT = 7
    ROLLBACK_XACT = 8
    SAVE_XACT = 9


class IsolationLevel(IntEnum):
    UNCHANGED = 0
    READ_UNCOMMITTED = 1
    READ_COMMITTED = 2
    REPEATABLE_READ = 3
    SERIALIZABLE = 4
    SNAPSHOT = 5


@dataclass(slots=True)
class Headers:
    transaction_descriptor: int = 0
    outstanding_requests: int = 1


@dataclass(slots=True)
class SqlBatch:
    text: str
    headers: Headers = field(default_factory=Headers)


@dataclass(slots=True)
class RpcParam:
    name: str
    value: Any
    type: SqlType
    status: int = 0

    @property
    def output(self) -> bool:
        return bool(self.status & ParamStatus.BY_REF)

    @property
    def default(self) -> bool:
        return bool(self.status & ParamStatus.DEFAULT)


@dataclass(slots=True)
class RpcCall:
    """One procedure call; an RPC request message may carry several."""

    name: str
    params: list[RpcParam] = field(default_factory=list)
    options: int = 0
    proc_id: int | None = None


@dataclass(slots=True)
class RpcRequest:
    calls: list[RpcCall]
    headers: Headers = field(default_factory=Headers)


@dataclass(slots=True)
class TransactionManagerRequest:
    request: int
    headers: Headers = field(default_factory=Headers)
    isolation_level: int = 0
    name: str = ""
    begin_new: bool = False
    new_isolation_level: int = 0
    new_name: str = ""
    payload: bytes = b""


_PROC_NAMES = {p.value: p.name.lower() for p in ProcId}


def proc_name(proc_id: int) -> str:
    return _PROC_NAMES.get(proc_id, f"proc#{proc_id}")


# --- ALL_HEADERS --------------------------------------------------------------------------------


def decode_headers(reader: Reader) -> Headers:
    start = reader.pos
    total = reader.u32()
    if total < 4 or total > reader.remaining + 4:
        raise ProtocolError(f"ALL_HEADERS length {total} out of range", "MS-TDS 2.2.5.3")
    headers = Headers()
    end = start + total
    while reader.pos < end:
        length = reader.u32()
        if length < 6 or reader.pos - 4 + length > end:
            raise ProtocolError(f"header length {length} out of range", "MS-TDS 2.2.5.3")
        kind = reader.u16()
        data = Reader(reader.take(length - 6))
        if kind == HeaderType.TRANSACTION_DESCRIPTOR:
            headers.transaction_descriptor = data.u64()
            headers.outstanding_requests = data.u32()
    return headers


def encode_headers(headers: Headers) -> bytes:
    body = struct.pack(
        "<IHQI",
        18,
        HeaderType.TRANSACTION_DESCRIPTOR,
        headers.transaction_descriptor,
        headers.outstanding_requests,
    )
    return U32.pack(len(body) + 4) + body


# ALL_HEADERS as every client sends it: 22 bytes, one 18-byte transaction descriptor header.
_USUAL_HEADERS = struct.Struct("<IIHQI")
_USUAL = (_USUAL_HEADERS.size, 18, HeaderType.TRANSACTION_DESCRIPTOR)


def _read_headers(reader: Reader, tds_version: int) -> Headers:
    """7.2+ requests start with ALL_HEADERS; 7.1 ones may or may not."""
    if tds_version >= TDS_7_2 or _looks_like_headers(reader):
        return _usual_headers(reader) or decode_headers(reader)
    return Headers()


def _usual_headers(reader: Reader) -> Headers | None:
    """The usual ALL_HEADERS read in one step (what `decode_headers` reads from it); None otherwise."""
    if reader.remaining < _USUAL_HEADERS.size:
        return None
    total, length, kind, descriptor, outstanding = _USUAL_HEADERS.unpack_from(reader.buf, reader.pos)
    if (total, length, kind) != _USUAL:
        return None
    reader.pos += total
    return Headers(descriptor, outstanding)


def _looks_like_headers(reader: Reader) -> bool:
    if reader.remaining < 22:
        return False
    total, first = struct.unpack_from("<II", reader.buf, reader.pos)
    return 22 <= total <= reader.remaining and 6 <= first <= total - 4


# --- SQL batch ---------------------------------------------------------------------------------


def decode_sql_batch(payload: bytes, tds_version: int) -> SqlBatch:
    reader = Reader(payload)
    headers = _read_headers(reader, tds_version)
    if reader.remaining % 2:
        raise ProtocolError("SQL batch text has an odd number of bytes", "text is UCS-2")
    return SqlBatch(decode_ucs2(reader.take(reader.remaining)), headers)


def encode_sql_batch(batch: SqlBatch, tds_version: int) -> bytes:
    prefix = encode_headers(batch.headers) if tds_version >= TDS_7_2 else b""
    return prefix + encode_ucs2(batch.text)


# --- RPC ---------------------------------------------------------------------------------------

_BATCH_FLAGS = (0xFF, 0x80, 0xFE)


def decode_rpc(payload: bytes, tds_version: int) -> RpcRequest:
    reader = Reader(payload)
    headers = _read_headers(reader, tds_version)
    calls = [_decode_call(reader)]
    while reader.remaining:
        flag = reader.u8()
        if flag not in _BATCH_FLAGS:
            raise ProtocolError(f"unexpected byte {flag:#04x} between RPC calls")
        if reader.remaining:
            calls.append(_decode_call(reader))
    return RpcRequest(calls, headers)


def _decode_call(reader: Reader) -> RpcCall:
    length = reader.u16()
    if length == 0xFFFF:
        proc_id = reader.u16()
        name, pid = proc_name(proc_id), proc_id
    else:
        name, pid = reader.ucs2(length), None
    options = reader.u16()
    call = RpcCall(name, [], options, pid)
    while reader.remaining and reader.buf[reader.pos] not in _BATCH_FLAGS:
        call.params.append(_decode_param(reader))
    return call


def _decode_param(reader: Reader) -> RpcParam:
    name = reader.b_varchar()
    status = reader.u8()
    if status & ParamStatus.ENCRYPTED:
        raise ProtocolError("encrypted parameters (Always Encrypted) are not supported")
    if reader.remaining and reader.buf[reader.pos] == TVP_TYPE:
        reader.pos += 1
        return RpcParam(name, _decode_table_value(reader), TABLE_TYPE, status)
    wt = dtypes.decode_type_info(reader)
    decode = dtypes.long_param_decoder(wt) if wt.is_long else dtypes.value_decoder(wt)
    return RpcParam(name, decode(reader), dtypes.sql_type_of(wt), status)


TVP_TYPE = 0xF3
TABLE_TYPE = SqlType("table")
_TVP_ORDER_UNIQUE, _TVP_COLUMN_ORDERING, _TVP_ROW, _TVP_END = 0x10, 0x11, 0x01, 0x00


@dataclass(frozen=True, slots=True)
class TableValue:
    """A table-valued parameter (MS-TDS 2.2.5.5.5): its table type's name, columns and rows."""

    type_name: str  # schema.type as the client named it
    columns: list[tuple[str, SqlType]]
    rows: list[list[Any]]


def _decode_table_value(reader: Reader) -> TableValue:
    reader.b_varchar()  # the database name, which must be empty
    schema, type_name = reader.b_varchar(), reader.b_varchar()
    count = reader.u16()
    wires: list[dtypes.WireType] = []
    names: list[str] = []
    for _ in range(0 if count == 0xFFFF else count):
        reader.u32()  # user type
        reader.u16()  # flags
        wires.append(dtypes.decode_type_info(reader))
        names.append(reader.b_varchar())
    while (token := reader.u8()) != _TVP_END:
        if token == _TVP_ORDER_UNIQUE:
            reader.skip(reader.u16() * 3)
        elif token == _TVP_COLUMN_ORDERING:
            reader.skip(reader.u16() * 2)
        else:
            raise ProtocolError(f"unexpected token {token:#04x} in a table-valued parameter's metadata")
    decoders = [dtypes.value_decoder(wt) for wt in wires]
    rows: list[list[Any]] = []
    while (token := reader.u8()) != _TVP_END:
        if token != _TVP_ROW:
            raise ProtocolError(f"unexpected token {token:#04x} in a table-valued parameter's rows")
        rows.append([decode(reader) for decode in decoders])
    columns = [(name, dtypes.sql_type_of(wt)) for name, wt in zip(names, wires, strict=True)]
    return TableValue(f"{schema}.{type_name}" if schema else type_name, columns, rows)


def encode_rpc(request: RpcRequest, tds_version: int) -> bytes:
    out = bytearray(encode_headers(request.headers) if tds_version >= TDS_7_2 else b"")
    for index, call in enumerate(request.calls):
        if index:
            out.append(0xFF if tds_version >= TDS_7_2 else 0x80)
        if call.proc_id is not None:
            out += U16.pack(0xFFFF) + U16.pack(call.proc_id)
        else:
            out += us_varchar(call.name)
        out += U16.pack(call.options)
        for param in call.params:
            out += encode_param(param, tds_version)
    return bytes(out)


def encode_param(param: RpcParam, tds_version: int) -> bytes:
    wt = dtypes.wire_type(param.type, True, tds_version)
    encode = dtypes.long_param_encoder(wt) if wt.is_long else dtypes.value_encoder(wt)
    value = encode(param.value)
    return b_varchar(param.name) + U8.pack(param.status) + dtypes.encode_type_info(wt) + value


# --- transaction manager -----------------------------------------------------------------------


def decode_transaction_manager(payload: bytes, tds_version: int) -> TransactionManagerRequest:
    reader = Reader(payload)
    headers = decode_headers(reader)
    kind = reader.u16()
    request = TransactionManagerRequest(kind, headers)
    if kind == TmRequest.BEGIN_XACT:
        request.isolation_level = reader.u8()
        request.name = reader.b_varchar()
    elif kind in (TmRequest.COMMIT_XACT, TmRequest.ROLLBACK_XACT):
        request.name = reader.b_varchar()
        flags = reader.u8() if reader.remaining else 0
        request.begin_new = bool(flags & 0x01)
        if request.begin_new:
            request.new_isolation_level = reader.u8()
            request.new_name = reader.b_varchar()
    elif kind == TmRequest.SAVE_XACT:
        request.name = reader.b_varchar()
    else:
        request.payload = reader.take(reader.remaining)
    return request


def encode_transaction_manager(request: TransactionManagerRequest, tds_version: int) -> bytes:
    out = bytearray(encode_headers(request.headers))
    out += U16.pack(request.request)
    if request.request == TmRequest.BEGIN_XACT:
        out += U8.pack(request.isolation_level) + b_varchar(request.name)
    elif request.request in (TmRequest.COMMIT_XACT, TmRequest.ROLLBACK_XACT):
        out += b_varchar(request.name)
        if request.begin_new:
            out += b"\x01" + U8.pack(request.new_isolation_level) + b_varchar(request.new_name)
        else:
            out += b"\x00"
    elif request.request == TmRequest.SAVE_XACT:
        out += b_varchar(request.name)
    else:
        out += request.payload
    return bytes(out)


def descriptor_bytes(descriptor: int) -> bytes:
    return U64.pack(descriptor)


# --- BULK_LOAD ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BulkLoad:
    """A BULK_LOAD message: the rows INSERT BULK announced, in the client's own column types."""

    columns: list[tuple[str, SqlType]]
    rows: list[list[Any]]


def decode_bulk_load(payload: bytes, tds_version: int) -> BulkLoad:
    """COLMETADATA, then ROW (or NBCROW) tokens, then DONE: the token stream a server sends, read
    the other way round."""
    reader = TokenReader(tds_version)
    columns: list[tuple[str, SqlType]] = []
    rows: list[list[Any]] = []
    for event in reader.read(payload):
        if isinstance(event, Metadata) and not columns:
            columns = [(c.name, c.type) for c in event.columns]
        elif isinstance(event, Row) and columns:
            rows.append(event.values)
        elif not isinstance(event, Done):
            raise ProtocolError(f"unexpected {type(event).__name__} in bulk load data")
    if not columns:
        raise ProtocolError("bulk load data without COLMETADATA")
    return BulkLoad(columns, rows)


Request = SqlBatch | RpcRequest | TransactionManagerRequest | BulkLoad
