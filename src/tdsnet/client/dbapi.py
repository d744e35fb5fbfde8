"""The DB-API 2.0 driver: `tdsnet.connect(...)`, connections and cursors, on the shared codec.

    conn = tdsnet.connect("Server=127.0.0.1,1433;UID=sa;PWD=...;TrustServerCertificate=yes")
    cur = conn.cursor()
    cur.execute("SELECT name FROM sys.databases WHERE database_id > ?", [4])
    conn.commit()

Choices, where DB-API leaves them open:
- paramstyle is qmark (``?`` with a sequence); a mapping binds ``:name`` markers instead.
  Parameters travel as sp_executesql with typed values; without parameters a statement is a
  plain SQL batch.
- autocommit is off by default, as DB-API asks: the first request after a commit begins a
  transaction with a TDS transaction manager request (as the ODBC driver does), and
  commit()/rollback() end it the same way.
- A result is streamed: execute() returns once the first result set's columns are known (or the
  response ended); rows are read as they are fetched.  Errors raise where they are reached: in
  execute() for the statements before the first result set, in nextset() or fetch*() after it.
  Only one response is read at a time per connection (no MARS): a new request on the
  connection first discards what another cursor left unread.
- rowcount: the row count of the last statement without a result set, or of the current result
  set once it has been read to its end (-1 before).
- Messages (PRINT, RAISERROR below severity 11, "Changed database context") are collected on
  cursor.messages and connection.messages as (Warning, ServerMessage) pairs.
- Leaving a `with connect(...)` block commits (rolls back on an exception) and closes.
- Connection.timeout is the command timeout in seconds (0 waits forever, the default unless the
  connection string has Command Timeout=); on expiry the driver sends ATTENTION and raises
  OperationalError with SqlClient's "Execution Timeout Expired" text.
"""

from __future__ import annotations

import collections
import datetime as dt
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from ..sqltypes import SqlType
from ..tds import client as tds
from ..tds import requests, tokens
from ..tds.errors import ProtocolError
from . import errors as e
from .config import ClientConfig, load_config, read_file
from .connector import Connected, connect_to
from .connstr import ConnectionSettings, parse_connection_string, quote_value
from .errors import (
    DatabaseError,
    DataError,
    Error,
    IntegrityError,
    InterfaceError,
    InternalError,
    NotSupportedError,
    OperationalError,
    ProgrammingError,
    Warning,
)
from .params import SqlParam, bind, rpc_param
from .session import ConnectionClosed, Session

apilevel = "2.0"
threadsafety = 1  # threads may share the module, not connections
paramstyle = "qmark"

EXECUTION_TIMEOUT = (
    "Execution Timeout Expired.  The timeout period elapsed prior to completion of the operation or the server "
    "is not responding."
)
CANCELLED = (
    "A severe error occurred on the current command.  The results, if any, should be discarded.\n"
    "Operation cancelled by user."
)
TRANSPORT_ERROR = "A transport-level error has occurred when receiving results from the server."
ATTENTION_GRACE = 30.0  # seconds to wait for DONE(ATTN) before giving the connection up


# --- connect -----------------------------------------------------------------------------------------


def connect(
    connection_string: str | None = None,
    *,
    autocommit: bool = False,
    config: ClientConfig | str | os.PathLike[str] | None = None,
    cafile: str | os.PathLike[str] | None = None,
    **keywords: Any,
) -> Connection:
    """Connect with a SqlClient/ODBC connection string and/or keywords (which win):

    connect("Server=tcp:db,1433;Database=app", user_id="sa", password="...", trust_server_certificate=True)

    ``config`` is a client configuration (or the path of a TOML file) instead of the configured
    files; ``cafile`` trusts the CA certificates in that file instead of the system's.
    """
    settings = settings_from(connection_string, keywords)
    _refuse_unsupported(settings)
    client_config = _client_config(config)
    connected = connect_to(settings, client_config, None if cafile is None else os.fspath(cafile))
    return Connection(connected, settings, autocommit)


def settings_from(connection_string: str | None, keywords: Mapping[str, Any]) -> ConnectionSettings:
    """A connection string with keyword arguments appended (later keys win), parsed."""
    parts = [connection_string] if connection_string else []
    for key, value in keywords.items():
        if value is not None:
            parts.append(f"{key.replace('_', ' ')}={quote_value(_keyword_text(value))}")
    return parse_connection_string(";".join(parts))


def _keyword_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    return str(getattr(value, "value", value))  # an enum such as EncryptOption.STRICT


def _client_config(config: ClientConfig | str | os.PathLike[str] | None) -> ClientConfig:
    if config is None:
        return load_config()
    if isinstance(config, ClientConfig):
        return config
    return read_file(Path(config))


def _refuse_unsupported(settings: ConnectionSettings) -> None:
    """Keywords SqlClient accepts for features tdsnet's client does not have: say so clearly."""
    refusals = [
        (
            settings.integrated_security,
            "Integrated Security (Windows authentication) is not supported; use a SQL login.",
        ),
        (settings.multiple_active_result_sets, "MultipleActiveResultSets (MARS) is not supported."),
        (settings.user_instance, "User Instance is not supported."),
        (settings.attach_db_filename is not None, "AttachDBFilename is not supported."),
        (settings.column_encryption, "Column Encryption Setting=Enabled (Always Encrypted) is not supported."),
        (
            settings.authentication not in (None, "SqlPassword"),
            f"Authentication={settings.authentication} is not supported; use SqlPassword.",
        ),
    ]
    for refused, text in refusals:
        if refused:
            raise NotSupportedError(text)


# --- type objects and constructors (DB-API 2.0) --------------------------------------------------


class DBAPITypeObject:
    """Compares equal to every type code (a SQL Server type name) of its group."""

    def __init__(self, *names: str) -> None:
        self.names = frozenset(names)

    def __eq__(self, other: object) -> bool:
        return other in self.names if isinstance(other, str) else NotImplemented

    def __hash__(self) -> int:
        return hash(self.names)

    def __repr__(self) -> str:
        return f"DBAPITypeObject{tuple(sorted(self.names))}"


STRING = DBAPITypeObject("char", "varchar", "nchar", "nvarchar", "text", "ntext", "xml", "sysname")
BINARY = DBAPITypeObject("binary", "varbinary", "image", "timestamp", "rowversion", "sql_variant")
NUMBER = DBAPITypeObject(
    "bit", "tinyint", "smallint", "int", "bigint", "real", "float", "decimal", "numeric", "money", "smallmoney"
)
DATETIME = DBAPITypeObject("date", "time", "datetime", "datetime2", "smalldatetime", "datetimeoffset")
ROWID = DBAPITypeObject("uniqueidentifier")

Date = dt.date
Time = dt.time
Timestamp = dt.datetime
Binary = bytes


def DateFromTicks(ticks: float) -> dt.date:
    return dt.date.fromtimestamp(ticks)


def TimeFromTicks(ticks: float) -> dt.time:
    return dt.datetime.fromtimestamp(ticks).time()


def TimestampFromTicks(ticks: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(ticks)


# --- connection -----------------------------------------------------------------------------------


class Connection:
    """A logged-in connection to SQL Server (or tdsnet)."""

    Error = Error
    Warning = Warning
    InterfaceError = InterfaceError
    DatabaseError = DatabaseError
    DataError = DataError
    OperationalError = OperationalError
    IntegrityError = IntegrityError
    InternalError = InternalError
    ProgrammingError = ProgrammingError
    NotSupportedError = NotSupportedError

    def __init__(self, connected: Connected, settings: ConnectionSettings, autocommit: bool = False) -> None:
        self._session: Session | None = connected.session
        self.settings = settings
        self.attempts = connected.attempts
        self.transport = connected.target  # tcp:127.0.0.1,1433 / np:\\.\pipe\sql\query / lpc:...
        self.plan = connected.plan
        self.timeout = settings.command_timeout or 0
        self.messages: list[tuple[type, e.ServerMessage]] = []
        self._autocommit = autocommit
        self._active: Cursor | None = None
        logged_in = connected.session.logged_in
        assert logged_in is not None
        self.server_version = logged_in.ack.version
        self.tds_version = logged_in.ack.tds_version

    # --- properties ------------------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        return self._session is None

    @property
    def database(self) -> str:
        return self._live().tds.database

    @property
    def encryption(self) -> str:
        """'none', 'login' or 'full': what the PRELOGIN exchange agreed."""
        return self._live().encryption.value

    @property
    def in_transaction(self) -> bool:
        return self._live().tds.transaction_descriptor != 0

    @property
    def autocommit(self) -> bool:
        return self._autocommit

    @autocommit.setter
    def autocommit(self, value: bool) -> None:
        if value and not self._autocommit and self._session is not None and self.in_transaction:
            self.commit()  # turning autocommit on commits the open transaction (ODBC's rule)
        self._autocommit = bool(value)

    # --- DB-API methods --------------------------------------------------------------------------

    def cursor(self) -> Cursor:
        self._live()
        return Cursor(self)

    def execute(self, operation: str, parameters: Sequence[Any] | Mapping[str, Any] | None = None) -> Cursor:
        """A shortcut: a new cursor, executed."""
        return self.cursor().execute(operation, parameters)

    def commit(self) -> None:
        self._end_transaction(requests.TmRequest.COMMIT_XACT)

    def rollback(self) -> None:
        self._end_transaction(requests.TmRequest.ROLLBACK_XACT)

    def close(self) -> None:
        session, self._session = self._session, None
        if session is None:
            return
        if not session.broken and session.tds.transaction_descriptor:
            try:  # what close() leaves uncommitted is rolled back, as DB-API asks
                self._session = session
                self.rollback()
            except Error:
                pass
            finally:
                self._session = None
        session.close()

    def __enter__(self) -> Connection:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        try:
            if self._session is not None and not self._session.broken:
                if kind is None:
                    self.commit()
                else:
                    self.rollback()
        finally:
            self.close()

    # --- requests --------------------------------------------------------------------------------

    def _live(self) -> Session:
        if self._session is None:
            raise InterfaceError("The connection is closed.")
        if self._session.broken:
            raise OperationalError(f"{TRANSPORT_ERROR} The connection is broken and cannot be used.", class_=20)
        return self._session

    def _begin_request(self, cursor: Cursor | None, implicit_transaction: bool = True) -> Session:
        """Make the connection ready for a request: the previous response read, a transaction begun."""
        session = self._live()
        if self._active is not None and self._active is not cursor:
            self._active._discard()
        self._active = None
        if session.tds.attention_pending:
            Reader(self, None).drain()
        if implicit_transaction and not self._autocommit and not session.tds.transaction_descriptor:
            self._run_simple(session.tds.transaction(requests.TmRequest.BEGIN_XACT))
        self._active = cursor
        return session

    def _run_simple(self, payload: bytes) -> None:
        """Send a request whose response has no rows (a transaction manager request); raise its errors."""
        session = self._live()
        try:
            session.send(payload)
        except ConnectionClosed as error:
            raise _transport_error(session) from error
        reader = Reader(self, None, time.monotonic() + self.timeout if self.timeout else None)
        reader.drain()
        reader.raise_errors()

    def _end_transaction(self, kind: int) -> None:
        session = self._begin_request(None, implicit_transaction=False)
        if not session.tds.transaction_descriptor:
            return
        self._run_simple(session.tds.transaction(kind))

    def _message(self, message: e.ServerMessage) -> None:
        self.messages.append((Warning, message))


# --- reading a response ------------------------------------------------------------------------------


class Reader:
    """Reads one response's events for a cursor (or for the connection itself)."""

    def __init__(self, connection: Connection, cursor: Cursor | None, deadline: float | None = None) -> None:
        self.connection = connection
        self.cursor = cursor
        self.deadline = deadline
        self.errors: list[e.ServerMessage] = []
        self.complete = False

    def next(self) -> Any:
        """The next event, with timeouts, cancellation and broken connections turned into errors."""
        session = self.connection._live()
        try:
            event = session.next_event(self.deadline)
        except TimeoutError:
            self._cancel_for_timeout(session)
            raise OperationalError(EXECUTION_TIMEOUT, number=e.TIMEOUT_NUMBER, class_=11) from None
        except (ConnectionClosed, ProtocolError) as error:
            session.broken = True
            raise _transport_error(session) from error
        if isinstance(event, tokens.ServerMessage):
            self._message(e.as_message(event))
        elif isinstance(event, tds.ResponseComplete):
            self.complete = True
            if event.attention:
                raise OperationalError(CANCELLED, class_=11)
        return event

    def _message(self, message: e.ServerMessage) -> None:
        if message.class_ > 10:
            self.errors.append(message)
            return
        self.connection._message(message)
        if self.cursor is not None:
            self.cursor.messages.append((Warning, message))

    def _cancel_for_timeout(self, session: Session) -> None:
        """ATTENTION, then wait for its acknowledgement; a server that never answers loses the connection."""
        try:
            session.attention()
            grace = time.monotonic() + ATTENTION_GRACE
            while True:
                event = session.next_event(grace)
                if isinstance(event, tds.ResponseComplete) and event.attention:
                    break
        except (TimeoutError, ConnectionClosed, ProtocolError):
            session.close()
        self.complete = True

    def drain(self) -> None:
        """Read to the end of the response, keeping its messages and errors."""
        while not self.complete:
            try:
                self.next()
            except OperationalError as error:
                if error.message != CANCELLED:
                    raise

    def raise_errors(self) -> None:
        if self.errors:
            errors, self.errors = self.errors, []
            raise e.server_error(errors)


def _transport_error(session: Session) -> OperationalError:
    provider = session.channel.provider
    native = e.WSAECONNRESET if provider == e.TCP_PROVIDER else e.ERROR_PIPE_NOT_CONNECTED
    return e.network_error(provider, e.SNI_NATIVE, native, lead=TRANSPORT_ERROR)


# --- cursor -------------------------------------------------------------------------------------------


class Cursor:
    """A DB-API cursor: executes requests and reads their results."""

    def __init__(self, connection: Connection) -> None:
        self.connection: Connection | None = connection
        self.arraysize = 1
        self.description: tuple[tuple[Any, ...], ...] | None = None
        self.rowcount = -1
        self.messages: list[tuple[type, e.ServerMessage]] = []
        self.return_value: int | None = None  # the RETURN status of a procedure call
        self.output_parameters: dict[str, Any] = {}
        self._reader: Reader | None = None
        self._in_rows = False
        self._rows_read = 0
        self._pending_rows: collections.deque[tuple[Any, ...]] = collections.deque()

    # --- executing -----------------------------------------------------------------------------------

    def execute(self, operation: str, parameters: Sequence[Any] | Mapping[str, Any] | None = None) -> Cursor:
        connection = self._connection()
        self._reset()
        session = connection._begin_request(self)
        if parameters is None or (not parameters and "?" not in operation):
            payload = session.tds.batch(operation)
        else:
            bound = bind(operation, parameters)
            payload = session.tds.rpc([_executesql(bound.statement, bound.declaration, bound.params)])
        self._send(session, payload)
        self._seek_result()
        return self

    def executemany(self, operation: str, seq_of_parameters: Sequence[Sequence[Any] | Mapping[str, Any]]) -> Cursor:
        total = 0
        counted = False
        for parameters in seq_of_parameters:
            self.execute(operation, parameters)
            while self.nextset():
                pass
            if self.rowcount >= 0:
                total += self.rowcount
                counted = True
        self.rowcount = total if counted else -1
        return self

    def callproc(self, procname: str, parameters: Sequence[Any] = ()) -> list[Any]:
        """Call a stored procedure by RPC; OUTPUT parameters are `SqlParam(..., output=True)`.  Their values
        (and return_value) are known once every result set of the call has been read."""
        connection = self._connection()
        self._reset()
        session = connection._begin_request(self)
        call = requests.RpcCall(procname, [rpc_param("", value) for value in parameters])
        self._send(session, session.tds.rpc([call]))
        self._seek_result()
        result = list(parameters)
        outputs = list(self.output_parameters.values())
        for index, value in enumerate(parameters):
            if isinstance(value, SqlParam) and value.output and outputs:
                result[index] = outputs.pop(0)
        return result

    def stream(self, operation: str) -> Iterator[Any]:
        """Run a batch and yield every event of its response in order (tokens.Metadata, Row, Done,
        ServerMessage, ReturnStatus, ReturnValue), for tools that show all of it as sqlcmd does: an
        error is an event and the results after it keep coming.  Timeouts, a cancel and a broken
        connection still raise OperationalError."""
        self._reset()
        connection = self._connection()
        session = connection._begin_request(self)
        self._send(session, session.tds.batch(operation))
        reader = self._reader
        assert reader is not None
        try:
            while not reader.complete:
                yield self._next(reader)
        finally:
            reader.errors.clear()  # the caller has seen them as events
            if reader.complete and connection._active is self:
                connection._active = None

    def _send(self, session: Session, payload: bytes) -> None:
        connection = self._connection()
        self._reader = Reader(connection, self)
        self._arm()
        try:
            session.send(payload)
        except ConnectionClosed as error:
            raise _transport_error(session) from error

    # --- results ----------------------------------------------------------------------------------

    def _seek_result(self) -> bool:
        """Read until the next result set's columns (True) or the end of the response (False)."""
        reader = self._reader
        if reader is None:
            return False
        while not reader.complete:
            event = self._next(reader)
            if isinstance(event, tokens.Metadata):
                if reader.errors:  # a statement before this result failed: report it, keep the connection usable
                    self._finish(reader)
                self._start_rows(event)
                return True
            if isinstance(event, tokens.Done) and event.has_count and not event.error:
                self.rowcount = event.row_count
        self._finish(reader)
        return False

    def _next(self, reader: Reader) -> Any:
        event = reader.next()
        if isinstance(event, tokens.ReturnStatus):
            self.return_value = event.value
        elif isinstance(event, tokens.ReturnValue):
            self.output_parameters[event.name or f"@{event.ordinal}"] = event.value
        return event

    def _start_rows(self, metadata: tokens.Metadata) -> None:
        self.description = tuple(_describe(column) for column in metadata.columns)
        self._in_rows = True
        self._rows_read = 0
        self.rowcount = -1

    def _finish(self, reader: Reader) -> None:
        """The response ended (or must end because of errors): read it out, raise its errors."""
        try:
            reader.drain()
        finally:
            self._in_rows = False
            if self.connection is not None and self.connection._active is self:
                self.connection._active = None
        reader.raise_errors()

    def _next_row(self) -> tuple[Any, ...] | None:
        if self._pending_rows:
            return self._pending_rows.popleft()
        reader = self._reader
        while self._in_rows and reader is not None:
            event = self._next(reader)
            if isinstance(event, tokens.Row):
                self._rows_read += 1
                return tuple(event.values)
            if isinstance(event, tokens.Done):
                self._in_rows = False
                self.rowcount = event.row_count if event.has_count else self._rows_read
                if reader.errors:
                    self._finish(reader)
            elif isinstance(event, tds.ResponseComplete):
                self._in_rows = False
                self._finish(reader)
        return None

    def fetchone(self) -> tuple[Any, ...] | None:
        self._check_result()
        return self._next_row()

    def fetchmany(self, size: int | None = None) -> list[tuple[Any, ...]]:
        self._check_result()
        rows = []
        for _ in range(self.arraysize if size is None else size):
            row = self._next_row()
            if row is None:
                break
            rows.append(row)
        return rows

    def fetchall(self) -> list[tuple[Any, ...]]:
        self._check_result()
        rows = []
        while (row := self._next_row()) is not None:
            rows.append(row)
        return rows

    def nextset(self) -> bool | None:
        """Skip to the next result set: True if there is one, None when the response has no more."""
        self._connection()
        self._arm()
        while self._next_row() is not None:
            pass
        self.description = None
        if self._reader is None or self._reader.complete:
            return None
        return True if self._seek_result() else None

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return self

    def __next__(self) -> tuple[Any, ...]:
        row = self.fetchone()
        if row is None:
            raise StopIteration
        return row

    def _arm(self) -> None:
        """The command timeout counts from each call that waits for the server (the caller's own time
        between fetches does not count)."""
        timeout = self.connection.timeout if self.connection is not None else 0
        if self._reader is not None:
            self._reader.deadline = time.monotonic() + timeout if timeout else None

    def _check_result(self) -> None:
        self._connection()
        self._arm()
        if self.description is None and not self._pending_rows:
            raise ProgrammingError("No results.  Previous SQL was not a query.")

    def _discard(self) -> None:
        """Another request needs the connection: drop this cursor's unread rows, keep its messages."""
        reader = self._reader
        self._in_rows = False
        if reader is not None and not reader.complete:
            reader.drain()
            reader.errors.clear()

    def _reset(self) -> None:
        if self.connection is not None and self.connection._active is self:
            self._discard()
        self.description = None
        self.rowcount = -1
        self.messages = []
        self.return_value = None
        self.output_parameters = {}
        self._pending_rows.clear()
        self._reader = None

    # --- the rest of DB-API ----------------------------------------------------------------------

    def cancel(self) -> None:
        """Cancel the running request (from another thread): ATTENTION; the reader raises OperationalError."""
        if self.connection is not None and self.connection._session is not None:
            self.connection._session.attention()

    def setinputsizes(self, sizes: Any) -> None:
        """Accepted and ignored (use SqlParam to give a parameter its type)."""

    def setoutputsize(self, size: int, column: int | None = None) -> None:
        """Accepted and ignored."""

    def close(self) -> None:
        if self.connection is not None and self.connection._active is self and not self.connection.closed:
            try:
                self._discard()
            except Error:
                pass
            self.connection._active = None
        self.connection = None

    def _connection(self) -> Connection:
        if self.connection is None:
            raise InterfaceError("The cursor is closed.")
        if self.connection.closed:
            raise InterfaceError("The connection is closed.")
        return self.connection

    def __enter__(self) -> Cursor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _executesql(statement: str, declaration: str, params: list[requests.RpcParam]) -> requests.RpcCall:
    from ..sqltypes import NVARCHAR_MAX

    head = [requests.RpcParam("", statement, NVARCHAR_MAX), requests.RpcParam("", declaration, NVARCHAR_MAX)]
    return requests.RpcCall("sp_executesql", head + params, proc_id=requests.ProcId.SP_EXECUTESQL)


def _describe(column: tokens.ColumnInfo) -> tuple[Any, ...]:
    """DB-API's 7-tuple: name, type_code, display_size, internal_size, precision, scale, null_ok."""
    sql_type: SqlType = column.type
    display = None
    if sql_type.is_string or sql_type.family == "binary":
        display = -1 if sql_type.is_max or sql_type.is_lob else sql_type.length
    precision = sql_type.precision
    scale = sql_type.scale
    return (column.name, sql_type.name, display, sql_type.byte_length(), precision, scale, column.nullable)


__all__ = [
    "BINARY",
    "DATETIME",
    "NUMBER",
    "ROWID",
    "STRING",
    "Binary",
    "Connection",
    "Cursor",
    "DataError",
    "DatabaseError",
    "Date",
    "DateFromTicks",
    "Error",
    "IntegrityError",
    "InterfaceError",
    "InternalError",
    "NotSupportedError",
    "OperationalError",
    "ProgrammingError",
    "SqlParam",
    "Time",
    "TimeFromTicks",
    "Timestamp",
    "TimestampFromTicks",
    "Warning",
    "apilevel",
    "connect",
    "paramstyle",
    "threadsafety",
]
