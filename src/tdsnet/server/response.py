"""Engine results to TDS tokens, for one response at one TDS version.

The last DONE of a response must have DONE_MORE clear and every earlier one
set, so a DONE is held back until the next token (or the end) shows which it
is.  Result shapes (COLMETADATA plus the row encoder) are built once per
column list and version and shared by every session.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

from ..engine import results as r
from ..sqltypes import Column
from ..tds import datatypes, tokens
from ..tds.tokens import CurCmd, DoneStatus, EnvChange, Token
from ..tds.wire import U64

_CUR_CMD = {
    "SELECT": CurCmd.SELECT,
    "INSERT": CurCmd.INSERT,
    "UPDATE": CurCmd.UPDATE,
    "DELETE": CurCmd.DELETE,
    "MERGE": CurCmd.UPDATE,
}
TDS_7_2 = 0x72090002
# DONE status bits as plain ints: or-ing IntFlag members runs enum's Python-level operators per token.
_MORE, _ERROR, _COUNT, _ATTN = (int(f) for f in (DoneStatus.MORE, DoneStatus.ERROR, DoneStatus.COUNT, DoneStatus.ATTN))
_DONE, _DONEINPROC, _DONEPROC = int(Token.DONE), int(Token.DONEINPROC), int(Token.DONEPROC)


class ShapeCache:
    """ResultShape per (columns, TDS version), shared across sessions.

    A cached plan hands over the same tuple of columns every time, so a second map finds its
    shape by the tuple's identity without hashing every Column; it holds the tuple, so the id
    cannot be reused while the entry lives.  Single dict operations are atomic: hits take no lock.
    """

    def __init__(self, limit: int = 1024) -> None:
        self._shapes: OrderedDict[tuple[tuple[Column, ...], int], tokens.ResultShape] = OrderedDict()
        self._by_identity: dict[tuple[int, int], tuple[tuple[Column, ...], tokens.ResultShape]] = {}
        self._limit = limit
        self._lock = threading.Lock()

    def get(self, columns: Sequence[Column], tds_version: int) -> tokens.ResultShape:
        frozen = type(columns) is tuple  # a list could change after it was cached
        if frozen:
            hit = self._by_identity.get((id(columns), tds_version))
            if hit is not None and hit[0] is columns:
                return hit[1]
        shape = self._by_value(columns, tds_version)
        if frozen:
            if len(self._by_identity) >= self._limit:
                self._by_identity.clear()
            self._by_identity[(id(columns), tds_version)] = (columns, shape)  # type: ignore[assignment]
        return shape

    def _by_value(self, columns: Sequence[Column], tds_version: int) -> tokens.ResultShape:
        key = (tuple(columns), tds_version)
        shape = self._shapes.get(key)
        if shape is not None:
            return shape
        shape = tokens.ResultShape(columns, tds_version)
        with self._lock:
            self._shapes[key] = shape
            if len(self._shapes) > self._limit:
                self._shapes.popitem(last=False)
        return shape


class TokenWriter:
    """Collects one response's tokens; `take` hands over what is ready to send."""

    def __init__(self, tds_version: int, server_name: str, shapes: ShapeCache) -> None:
        self.tds_version = tds_version
        self.server_name = server_name
        self.shapes = shapes
        self.buffer = bytearray()  # the tokens not yet taken (the same object for the whole response)
        self._held_done: tuple[int, int, int, int] | None = None  # token, status, cmd, count
        self.had_error = False

    def __len__(self) -> int:
        return len(self.buffer)

    def take(self) -> bytes:
        data = bytes(self.buffer)
        self.buffer.clear()
        return data

    def _release_done(self, more: bool) -> None:
        if self._held_done is None:
            return
        token, status, cmd, count = self._held_done
        self._held_done = None
        if more:
            status |= _MORE
        self.buffer += tokens.done(status, cmd, count, token, self.tds_version)

    def raw(self, data: bytes) -> None:
        self._release_done(more=True)
        self.buffer += data

    def _done(self, token: int, status: int, cmd: int, count: int) -> None:
        self._release_done(more=True)
        self._held_done = (token, status, cmd, count)

    # --- engine results ----------------------------------------------------------------------

    def add(self, item: r.Result) -> None:
        if isinstance(item, r.StatementDone):  # the most frequent first (the result types are disjoint)
            status = _COUNT if item.row_count is not None else 0
            if item.error:
                status |= _ERROR
                self.had_error = True
            token = _DONEINPROC if item.in_procedure else _DONE
            self._done(token, status, _CUR_CMD.get(item.command, 0), item.row_count or 0)
        elif isinstance(item, r.ResultSet):
            self.result_set(item.columns, item.chunks)
        elif isinstance(item, r.ProcedureDone):
            status = _ERROR if item.error else 0
            self._done(_DONEPROC, status, CurCmd.EXECUTE, 0)
        elif isinstance(item, r.Message):
            self.message(item.number, item.severity, item.state, item.text, item.procedure, item.line)
        elif isinstance(item, r.EnvChange):
            self.env_change(item)
        elif isinstance(item, r.ReturnStatus):
            self.raw(tokens.return_status(item.value))
        elif isinstance(item, r.OutputParameter):
            self.raw(tokens.return_value(item.ordinal, item.name, item.type, item.value, self.tds_version))

    def result_set(self, columns: Sequence[Column], chunks: object, flush: object = None) -> None:
        shape = self.shapes.get(columns, self.tds_version)
        self.raw(shape.colmetadata)
        for chunk in chunks:  # type: ignore[attr-defined]
            self.buffer += shape.encode_rows(chunk)  # looked up per chunk: it is compiled after the first ones
            if flush is not None:
                flush()  # type: ignore[operator]

    def message(self, number: int, severity: int, state: int, text: str, procedure: str = "", line: int = 1) -> None:
        if severity > 10:
            self.had_error = True
        self.raw(tokens.message(number, state, severity, text, self.server_name, procedure, line, self.tds_version))

    def env_change(self, item: r.EnvChange) -> None:
        kind = item.kind
        if kind is r.EnvKind.DATABASE:
            self.raw(tokens.env_change_text(EnvChange.DATABASE, str(item.new), str(item.old)))
        elif kind is r.EnvKind.LANGUAGE:
            self.raw(tokens.env_change_text(EnvChange.LANGUAGE, str(item.new), str(item.old)))
        elif kind is r.EnvKind.PACKET_SIZE:
            self.raw(tokens.env_change_text(EnvChange.PACKET_SIZE, str(item.new), str(item.old)))
        elif self.tds_version < TDS_7_2:
            return  # transaction ENVCHANGEs exist from TDS 7.2
        elif kind is r.EnvKind.BEGIN_TRANSACTION:
            self.raw(tokens.env_change_bytes(EnvChange.BEGIN_TRANSACTION, U64.pack(int(item.new))))
        elif kind is r.EnvKind.COMMIT_TRANSACTION:
            self.raw(tokens.env_change_bytes(EnvChange.COMMIT_TRANSACTION, b"", U64.pack(int(item.old))))
        elif kind is r.EnvKind.ROLLBACK_TRANSACTION:
            self.raw(tokens.env_change_bytes(EnvChange.ROLLBACK_TRANSACTION, b"", U64.pack(int(item.old))))
        elif kind is r.EnvKind.TRANSACTION_ENDED:
            self.raw(tokens.env_change_bytes(EnvChange.TRANSACTION_ENDED, b"", U64.pack(int(item.old))))
        elif kind is r.EnvKind.RESET_CONNECTION:
            self.raw(tokens.env_change_bytes(EnvChange.RESET_CONNECTION_ACK, b"", b""))

    def finish(self, attention: bool = False) -> None:
        """Close the response: the held DONE becomes final, or a final DONE is added."""
        if attention:
            self._release_done(more=True)
            self.buffer += tokens.done(_ATTN, 0, 0, _DONE, self.tds_version)
            return
        if self._held_done is not None:
            self._release_done(more=False)
            return
        status = _ERROR if self.had_error else 0
        self.buffer += tokens.done(status, 0, 0, _DONE, self.tds_version)


del datatypes
