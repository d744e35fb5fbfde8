"""A batch's response as sqlcmd needs it: every event, in order.

Why not the DB-API cursor alone: sqlcmd prints "(n rows affected)" for every statement that counts
rows (the cursor keeps only the last count between result sets), and it goes on printing the
results that follow an error in the same batch (the cursor reports the error and drops the rest of
the response, so the connection stays usable for DB-API callers).  So this module reads the
response's events through the driver's `Cursor.stream` and hands out sqlcmd's own event types.
Everything else (connecting, timeouts, ATTENTION on cancel, transport errors) is the driver's.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ...client import Connection, Cursor
from ...client import errors as client_errors
from ...client.errors import ServerMessage
from ...tds import tokens


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """A result column as the formatter sizes it."""

    name: str
    type_name: str
    length: int | None  # characters or bytes; -1 for (max); None where the type has none
    precision: int | None
    scale: int | None
    nullable: bool
    lob: bool  # text, ntext, image, xml


@dataclass(frozen=True, slots=True)
class ResultStart:
    columns: tuple[ColumnSpec, ...]


@dataclass(frozen=True, slots=True)
class RowEvent:
    values: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class DoneEvent:
    """The end of a statement: its row count when it has one."""

    count: int | None
    error: bool


@dataclass(frozen=True, slots=True)
class MessageEvent:
    message: ServerMessage


Event = ResultStart | RowEvent | DoneEvent | MessageEvent


class BatchStream:
    """Runs batches on one connection and yields their events; cancel() may come from another thread."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._cursor: Cursor = connection.cursor()

    def events(self, batch: str) -> Iterator[Event]:
        """The batch's events; raises the driver's OperationalError on a timeout, a cancel or a broken
        connection (after the events before it)."""
        for raw in self._cursor.stream(batch):
            event = _translate(raw)
            if event is not None:
                yield event

    def cancel(self) -> None:
        self._cursor.cancel()


def _translate(event: Any) -> Event | None:
    if isinstance(event, tokens.Metadata):
        return ResultStart(tuple(_column(column) for column in event.columns))
    if isinstance(event, tokens.Row):
        return RowEvent(tuple(event.values))
    if isinstance(event, tokens.Done):
        return DoneEvent(event.row_count if event.has_count and not event.error else None, event.error)
    if isinstance(event, tokens.ServerMessage):
        return MessageEvent(client_errors.as_message(event))
    return None


def _column(column: tokens.ColumnInfo) -> ColumnSpec:
    sql_type = column.type
    return ColumnSpec(
        column.name,
        sql_type.name,
        sql_type.length,
        sql_type.precision,
        sql_type.scale,
        column.nullable,
        sql_type.is_lob,
    )
