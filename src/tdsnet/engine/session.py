"""A session's T-SQL: the batch interpreter, variables, SET options, transactions,
RPC calls (sp_executesql, sp_prepare/sp_execute...) and the store connection.

`execute_batch`, `execute_rpc` and `execute_transaction_request` are generators
of `results`.  `needs_worker` tells the instance whether a request may run on
the event loop (nothing in it touches the store or waits) or must go to a
worker thread, where ATTENTION can interrupt it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlglot import exp
from sqlglot.tokens import Token, TokenType

from .. import sqltypes
from ..sqltypes import SqlType, TypeError_, parse_type
from . import (
    assignments,
    batch,
    bulkload,
    catalog,
    cursors,
    ddl,
    ddl_statements,
    dml,
    dmlexec,
    errors,
    functions,
    identity,
    languages,
    modules,
    object_functions,
    properties,
    quoting,
    raiserror,
    schemas,
    selectinto,
    sequences,
    storage,
    system,
    tablevars,
    textsize,
    triggers,
    udf,
    values,
)
from .batch import Block, Break, Continue, If, Node, Statement, TryCatch, While
from .compiler import Plan, Source, SourceColumn, compile_expression, compile_query, table_name
from .dialect import parse_one
from .errors import SqlError
from .results import (
    EnvChange,
    EnvKind,
    Message,
    OutputParameter,
    ProcedureDone,
    Result,
    ResultSet,
    ReturnStatus,
    StatementDone,
)
from .storage import quote

if TYPE_CHECKING:
    from . import Engine

CHUNK = 512
_NO_TEXTSIZE = 2147483647
_descriptors = itertools.count(1)
_sessions = itertools.count(1)  # a session's own plan scope (#temp tables), never reused as an spid is


@dataclass(frozen=True, slots=True)
class PreparedCall:
    """A handle from sp_prepexecrpc: executing it calls this procedure again."""

    procedure: str


@dataclass(slots=True)
class SessionInfo:
    """Who the session is, as the instance established at login."""

    spid: int
    login: str
    principal_id: int = 1
    sid: bytes = b"\x01"
    is_sysadmin: bool = False
    host_name: str = ""
    program_name: str = ""
    client_interface: str = ""
    language: str = "us_english"
    login_time: dt.datetime = field(default_factory=dt.datetime.now)
    original_login: str = ""


@dataclass(slots=True)
class SessionOptions:
    nocount: bool = False
    xact_abort: bool = False
    ansi_nulls: bool = True
    ansi_padding: bool = True
    ansi_warnings: bool = True
    arithabort: bool = True
    concat_null_yields_null: bool = True
    quoted_identifier: bool = True
    implicit_transactions: bool = False
    cursor_close_on_commit: bool = False
    ansi_null_dflt_on: bool = True
    numeric_roundabort: bool = False
    dateformat: str = "mdy"
    datefirst: int = 7
    language: str = "us_english"
    textsize: int = 2147483647
    lock_timeout: int = -1
    isolation_level: int = 2  # READ COMMITTED
    rowcount: int = 0
    deadlock_priority: int = 0
    identity_insert: str | None = None  # "db.storage" of the table with IDENTITY_INSERT ON
    fmtonly: bool = False  # result sets are metadata only; data is neither read nor changed
    noexec: bool = False  # statements are not run (until SET NOEXEC OFF)
    parseonly: bool = False

    @property
    def bits(self) -> int:
        """@@OPTIONS."""
        flags = [
            (self.implicit_transactions, 2),
            (self.cursor_close_on_commit, 4),
            (self.ansi_warnings, 8),
            (self.ansi_padding, 16),
            (self.ansi_nulls, 32),
            (self.arithabort, 64),
            (self.quoted_identifier, 256),
            (self.nocount, 512),
            (self.ansi_null_dflt_on, 1024),
            (self.concat_null_yields_null, 4096),
            (self.numeric_roundabort, 8192),
            (self.xact_abort, 16384),
        ]
        return sum(bit for on, bit in flags if on)


ISOLATION_NAMES = {
    "READ UNCOMMITTED": 1,
    "READ COMMITTED": 2,
    "REPEATABLE READ": 3,
    "SERIALIZABLE": 4,
    "SNAPSHOT": 5,
}
_ON_OFF_OPTIONS = {
    "NOCOUNT",
    "XACT_ABORT",
    "ANSI_NULLS",
    "ANSI_PADDING",
    "ANSI_WARNINGS",
    "ARITHABORT",
    "CONCAT_NULL_YIELDS_NULL",
    "QUOTED_IDENTIFIER",
    "IMPLICIT_TRANSACTIONS",
    "CURSOR_CLOSE_ON_COMMIT",
    "ANSI_NULL_DFLT_ON",
    "NUMERIC_ROUNDABORT",
    "FMTONLY",
    "NOEXEC",
    "PARSEONLY",
}
_IGNORED_OPTIONS = {
    "ANSI_DEFAULTS",
    "ANSI_NULL_DFLT_OFF",
    "SHOWPLAN_ALL",
    "SHOWPLAN_TEXT",
    "SHOWPLAN_XML",
    "STATISTICS",
    "FORCEPLAN",
    "NO_BROWSETABLE",
    "REMOTE_PROC_TRANSACTIONS",
    "QUERY_GOVERNOR_COST_LIMIT",
    "CONTEXT_INFO",
}


# --- parsed batches ----------------------------------------------------------------------------


@dataclass(slots=True)
class ParsedBatch:
    block: Block
    declared: dict[str, SqlType]
    parameters: list[tuple[str, SqlType, bool]]  # sp_executesql definitions: name, type, output
    inline: bool | None = None
    literals: tuple[tuple[str, SqlType, Any], ...] = ()  # an auto-parameterized text's values (engine.autoparam)
    candidate: Any = None  # a template of this text that engine.autoparam has yet to judge


def parse_batch(text: str, parameters: str = "") -> ParsedBatch:
    """Parse and check a whole batch before any of it runs, as SQL Server compiles a batch: a syntax
    error, a variable declared twice or a statement that is not T-SQL fails it all."""
    block = batch.parse(text)
    ddl_statements.check_batch(block)
    params = parse_parameter_definitions(parameters)
    declared = {name: st for name, st, _ in params}
    _call_without_exec(block)
    for stmt in batch.statements(block, conditions=True):
        _compile_check(stmt)
        if stmt.keyword == "DECLARE":
            for name, st, _ in _declarations(stmt):
                if name in declared:
                    raise errors.already_declared(f"@{name}").at(stmt.line)
                declared[name] = st
    return ParsedBatch(block, declared, params)


# Statements parsed with the batch (the rest parse when they run: their handlers read them their own way).
_PARSED_WITH_BATCH = frozenset({"SELECT", "WITH", "PRINT", "CONDITION"})


# T-SQL statements that start with a word the batch does not split at (they answer "not supported").
_OTHER_STATEMENTS = frozenset({"ENABLE", "DISABLE", "SEND", "RECEIVE", "GET", "MOVE", "ADD", "LINENO", "CONDITION"})


def _compile_check(stmt: Statement) -> None:
    keyword = stmt.keyword
    if keyword not in _HANDLERS and keyword not in batch.STARTERS and keyword not in _OTHER_STATEMENTS:
        raise errors.syntax_error(stmt.tokens[0].text, stmt.line)
    if keyword not in _PARSED_WITH_BATCH or (keyword == "WITH" and dmlexec.is_write(stmt)):
        return
    if keyword == "PRINT":
        _parse_expression_statement(stmt, 1)
    elif keyword == "CONDITION":
        _condition_tree(stmt)
    else:
        _parse(stmt)


def _call_without_exec(block: Block) -> None:
    """A batch may start with a procedure's name and its arguments: EXEC is implied."""
    first = block.statements[0] if block.statements else None
    if not isinstance(first, Statement) or first.keyword in _HANDLERS or first.keyword in batch.STARTERS:
        return
    if first.tokens[0].token_type not in (TokenType.VAR, TokenType.IDENTIFIER):
        return
    implied = Token(TokenType.EXECUTE, "EXEC", first.line)
    block.statements[0] = Statement("EXEC", "EXEC " + first.text, first.line, [implied, *first.tokens])


_PARAM_DEF = re.compile(
    r"\s*@(?P<name>[\w@#$]+)\s+(?:AS\s+)?(?P<type>[a-z_][a-z0-9_ ]*?(?:\s*\([^)]*\))?)"
    r"(?:\s*=\s*(?P<default>(?:N?'(?:[^']|'')*'|[^,]+?)))?"
    r"(?P<output>\s+(?:OUTPUT|OUT))?\s*(?:,|$)",
    re.IGNORECASE,
)


def parse_parameter_definitions(text: str) -> list[tuple[str, SqlType, bool]]:
    """'@p1 int, @p2 nvarchar(10) OUTPUT' as sp_executesql and sp_prepare take them."""
    result: list[tuple[str, SqlType, bool]] = []
    text = (text or "").strip()
    pos = 0
    while pos < len(text):
        match = _PARAM_DEF.match(text, pos)
        if not match or match.end() == pos:
            raise errors.syntax_error(text[pos : pos + 20].strip() or text, 1)
        try:
            st = parse_type(match.group("type").strip())
        except TypeError_ as exc:
            raise SqlError(2715, 16, 3, str(exc)) from None
        result.append((match.group("name").lower(), st, bool(match.group("output"))))
        pos = match.end()
    return result


def _declarations(stmt: Statement) -> list[tuple[str, SqlType, exp.Expression | None]]:
    if cursors.declares_cursor(stmt):
        cursors.check(stmt)  # a syntax error in its query fails the batch
        return []  # DECLARE name CURSOR: cursors declares it when it runs
    tree = _parse(stmt)
    if not isinstance(tree, exp.Declare):
        raise errors.syntax_error(stmt.word(1), stmt.line)
    found = []
    for item in tree.expressions:
        targets = item.this if isinstance(item.this, list) else [item.this]
        kind = item.args.get("kind")
        if isinstance(kind, exp.Schema) or cursors.is_cursor_type(kind):
            continue  # a table variable or a cursor variable: tablevars and cursors declare them when it runs
        if kind is None:
            raise errors.not_supported("cursor variables")
        try:
            st = parse_type(kind.sql(dialect="tsql"))
        except TypeError_ as exc:
            raise SqlError(2715, 16, 3, str(exc)) from None
        default = item.args.get("default")  # False when there is no initialiser
        for target in targets:
            found.append((target.name.lower(), st, default if isinstance(default, exp.Expression) else None))
    return found


def _parse(stmt: Statement) -> exp.Expression:
    if stmt.parsed is None:
        stmt.parsed = parse_one(assignments.expand(stmt.text, stmt.tokens), stmt.line - 1)
    return stmt.parsed  # type: ignore[return-value]


# --- execution state ---------------------------------------------------------------------------


@dataclass(slots=True)
class Variable:
    type: SqlType
    value: Any = None


@dataclass(slots=True)
class Frame:
    variables: dict[str, Variable] = field(default_factory=dict)
    declared: dict[str, SqlType] = field(default_factory=dict)
    procedure: str = ""
    in_procedure: bool = False
    try_depth: int = 0
    errors: list[SqlError] = field(default_factory=list)
    line_offset: int = 0  # a procedure's body starts this many lines into its CREATE text
    returns: SqlType | None = None  # a scalar function's: its RETURN value converts to this
    in_function: bool = False  # a user function's body: EXEC is error 557
    tables: dict[str, Any] = field(default_factory=dict)  # table variables by name (tablevars)
    cursors: dict[str, Any] | None = None  # LOCAL cursors by name, cursor variables by @name (cursors)
    trigger: Any = None  # the triggers.Firing whose body runs in this frame (its inserted and deleted)


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


class _Goto(Exception):
    def __init__(self, label: str) -> None:
        super().__init__(label)
        self.label = label


class _Return(Exception):
    def __init__(self, value: Any) -> None:
        super().__init__(value)
        self.value = value


class _Compiled(Exception):
    """compile_only's statement has its plan: it stops here."""


class _Uncompiled(Exception):
    """compile_only's statement was about to touch the store before it had a plan: it stops here."""


def batch_frame(parsed: ParsedBatch, **kwargs: Any) -> Frame:
    """The frame a batch runs in: its declarations, and the values of its auto-parameterized literals."""
    frame = Frame(declared=dict(parsed.declared), **kwargs)
    for name, st, value in parsed.literals:
        frame.variables[name] = Variable(st, value)
    return frame


class BatchAborted(Exception):
    """The batch ends here (the error was reported already)."""


class Cancelled(Exception):
    """ATTENTION arrived: stop and let the instance acknowledge it."""


@dataclass(slots=True)
class IdentityCounter:
    next_value: int
    increment: int
    last: int | None = None


class EngineSession:
    def __init__(self, engine: Engine, info: SessionInfo, database: str) -> None:
        self.engine = engine
        self.info = info
        self.database = engine.database(database).name if engine.database(database) else database
        self.options = SessionOptions(language=info.language)
        self.trancount = 0
        self.bulk_target: bulkload.BulkTarget | None = None  # INSERT BULK's table, until its rows arrive
        self.transaction_descriptor = 0
        self.doomed = False
        self.rowcount = 0
        self.last_error = 0
        self.identity: int | None = None
        self.scope_identity: int | None = None
        self._identity_counter: IdentityCounter | None = None
        self._con: sqlite3.Connection | None = None
        self._attached: set[str] = set()
        self._temp_catalog: catalog.Catalog | None = None
        self.cancel = threading.Event()
        self.prepared: dict[int, ParsedBatch | PreparedCall] = {}
        self._prepared_ids = itertools.count(1)
        self._inline = False
        self._frame: Frame | None = None
        self._savepoints: set[str] = set()  # as written: transaction and savepoint names are case-sensitive
        self.transaction_name = ""  # BEGIN TRAN name of the outermost transaction
        self.nest_level = 0
        self.caught: list[SqlError] = []  # the errors of the CATCH blocks running, innermost last
        self._compiling_only = False  # compile_only: _plan stops the statement once it has its plan
        self._own_scope = next(_sessions)

    # --- public API -----------------------------------------------------------------------------

    def _batch_text(self, text: str) -> str:
        return text if self.options.quoted_identifier else quoting.double_quotes_as_strings(text)

    def needs_worker(self, text: str) -> bool:
        """Whether a batch must leave the event loop (store access, waits, loops)."""
        parsed = self.engine.parse(text, scope=self._plan_scope(text))
        if parsed.inline is None:
            parsed.inline = _inline_node(self, parsed.block)
        return not parsed.inline or (self._con is not None and self._con.in_transaction)

    def execute_batch(self, text: str, inline: bool = False) -> Iterator[Result]:
        try:
            parsed = self.engine.parse(self._batch_text(text), scope=self._plan_scope(text))
        except SqlError as error:  # a syntax error anywhere stops the batch before anything runs
            self.last_error = error.number
            yield self._message(error)
            yield StatementDone("", error=True)
            return
        if parsed.candidate is not None:
            parsed = self.engine.autoparam.resolve(self, parsed, inline)
        yield from self._top(parsed.block, batch_frame(parsed), inline)

    def _plan_scope(self, text: str) -> tuple[object, ...]:
        """What a plan's cache key holds besides the statement (`_plan`, and the variants of writes):
        auto-parameterized templates are judged and kept per scope, so that each of their plans was
        checked against the literal statement's.  A #temp table is the session's own."""
        options = self.options
        return (
            self.database.lower(),
            options.ansi_nulls,
            options.concat_null_yields_null,
            options.rowcount,
            options.identity_insert,
            self._own_scope if "#" in text else None,
        )

    def compile_only(self, stmt: Statement, frame: Frame, inline: bool) -> bool:
        """Compile a statement's plan as running it would, and stop before it runs (engine.autoparam
        compares plans).  False when it does not compile: running it reports the error."""
        self._compiling_only = True
        try:
            with self._running(inline):
                for _ in self._dispatch(stmt, frame):
                    break  # a handler that yields before it has a plan is not compiled
        except _Compiled:
            return True
        except (SqlError, _Uncompiled):
            return False
        finally:
            self._compiling_only = False
        return False

    def execute_rpc(self, name: str, params: Sequence[Any], inline: bool = False) -> Iterator[Result]:
        """One RPC call.  ``params`` are objects with name, value, type, output."""
        with self._running(inline):
            try:
                yield from self._rpc(name, list(params))
            except SqlError as error:
                yield self._message(error)
                yield ProcedureDone(error=True)
            except BatchAborted:
                yield ProcedureDone(error=True)

    def execute_bulk_load(self, columns: Sequence[tuple[str, SqlType]], rows: list[list[Any]]) -> Iterator[Result]:
        """A BULK_LOAD message's rows, after INSERT BULK: all of them or (on an error) none."""
        with self._running(False):
            own = self.trancount == 0  # a batch of its own, unless the client's transaction is open
            try:
                if own:
                    _drain(self._begin())
                yield from bulkload.load(self, self._context(Frame()).resolve_table, columns, rows)
                if own:
                    _drain(self._commit())
            except SqlError as error:
                if own and self.trancount:
                    _drain(self._rollback(None))
                yield self._message(error)
                yield StatementDone("", error=True)

    def execute_transaction_request(self, kind: str, name: str = "", isolation: int = 0) -> Iterator[Result]:
        """The TDS transaction manager's begin/commit/rollback/save."""
        with self._running(False):
            try:
                if kind == "begin":
                    if isolation:
                        self.options.isolation_level = isolation
                    yield from self._begin()
                elif kind == "commit":
                    yield from self._commit()
                elif kind == "rollback":
                    yield from self._rollback(name or None)
                elif kind == "save":
                    self._savepoint(name)
                yield StatementDone("")
            except SqlError as error:
                yield self._message(error)
                yield StatementDone("", error=True)

    def reset(self) -> Iterator[Result]:
        """sp_reset_connection: options back to defaults, open transaction rolled back."""
        if self.trancount:
            yield from self._rollback(None, quiet=True)
        self.options = SessionOptions(language=self.info.language)
        self.prepared.clear()
        self._drop_temp_tables()
        cursors.reset(self)

    def interrupt(self) -> None:
        """ATTENTION, from the event loop's thread: stop what runs."""
        self.cancel.set()
        if self._con is not None:
            self._con.interrupt()

    def close(self) -> None:
        self.engine.applocks.release_all(self.info.spid)
        con = self._con
        self._con = None
        if con is not None:
            try:
                if con.in_transaction:
                    con.execute("ROLLBACK")
                    ddl.after_rollback(self, con)
            except sqlite3.Error:
                pass
            con.close()

    # --- the interpreter ----------------------------------------------------------------------

    def _top(self, block: Block, frame: Frame, inline: bool) -> Iterator[Result]:
        with self._running(inline):
            self._frame = frame
            try:
                yield from self._block(block, frame)
            except (BatchAborted, _Return):
                pass
            except (_Break, _Continue):
                pass
            finally:
                tablevars.release(self, frame)

    class _RunningContext:
        def __init__(self, session: EngineSession, inline: bool) -> None:
            self.session = session
            self.inline = inline

        def __enter__(self) -> None:
            self.previous = getattr(functions.CURRENT, "session", None)
            self.previous_inline = self.session._inline
            functions.CURRENT.session = self.session
            functions.CURRENT.error = None
            self.session._inline = self.inline
            self.session.cancel.clear()

        def __exit__(self, *exc: object) -> None:
            functions.CURRENT.session = self.previous
            self.session._inline = self.previous_inline

    def _running(self, inline: bool) -> EngineSession._RunningContext:
        return EngineSession._RunningContext(self, inline)

    def _block(self, block: Block, frame: Frame, resume: str | None = None) -> Iterator[Result]:
        """Run a block's statements; ``resume`` is a GOTO label to start after."""
        statements = block.statements
        index = 0
        while True:
            try:
                if resume is not None:
                    index, inner = batch.jump_target(block, resume)  # type: ignore[misc]
                    label, resume = resume, None
                    if inner is not None:
                        yield from self._block(inner, frame, label)
                    index += 1
                while index < len(statements):
                    yield from self._node(statements[index], frame)
                    index += 1
                return
            except _Goto as jump:
                if batch.jump_target(block, jump.label) is None:
                    raise
                resume = jump.label

    def _node(self, node: Node, frame: Frame) -> Iterator[Result]:
        if self.cancel.is_set():
            raise Cancelled
        if isinstance(node, Statement):
            yield from self._statement(node, frame)
        elif isinstance(node, Block):
            yield from self._block(node, frame)
        elif isinstance(node, If):
            if self._condition(node.condition, frame):
                yield from self._node(node.then, frame)
            elif node.otherwise is not None:
                yield from self._node(node.otherwise, frame)
        elif isinstance(node, While):
            while self._condition(node.condition, frame):
                try:
                    yield from self._node(node.body, frame)
                except _Break:
                    break
                except _Continue:
                    continue
        elif isinstance(node, TryCatch):
            yield from self._try_catch(node, frame)
        elif isinstance(node, Break):
            raise _Break
        elif isinstance(node, Continue):
            raise _Continue
        elif isinstance(node, batch.Goto):
            raise _Goto(node.label)

    def _try_catch(self, node: TryCatch, frame: Frame) -> Iterator[Result]:
        frame.try_depth += 1
        try:
            yield from self._block(node.body, frame)
        except SqlError as error:
            frame.try_depth -= 1
            frame.errors.append(error)
            self.caught.append(error)
            if self.trancount and (error.dooms_transaction or self.options.xact_abort):
                self.doomed = True  # XACT_STATE() is -1 in the CATCH block
            try:
                yield from self._block(node.handler, frame)
            finally:
                frame.errors.pop()
                self.caught.pop()
            return
        except BaseException:  # BREAK, RETURN, GOTO and cancellation leave the TRY too
            frame.try_depth -= 1
            raise
        frame.try_depth -= 1

    def _statement(self, stmt: Statement, frame: Frame) -> Iterator[Result]:
        if (self.options.noexec or self.options.parseonly) and not _switches_execution(stmt):
            return  # SET NOEXEC / PARSEONLY ON: nothing runs until it is turned off again
        try:
            yield from self._dispatch(stmt, frame)
            self.last_error = 0
        except SqlError as error:
            if not error.line:
                error = error.at(stmt.line + frame.line_offset, error.procedure or frame.procedure)
            self.last_error = error.number
            if frame.try_depth > 0 and 10 < error.severity < 20:
                raise error from None
            for prior in error.prior:
                yield self._message(prior)
            yield self._message(error)
            if dmlexec.terminates(stmt, error):
                yield Message(3621, 0, 0, "The statement has been terminated.", error.line or 1, _bare(error.procedure))
            yield StatementDone("", error=True, in_procedure=frame.in_procedure)
            if self.options.xact_abort and self.trancount and stmt.keyword != "RAISERROR":  # THROW honours it
                yield from self._rollback(None, quiet=True)
                raise BatchAborted from None
            if error.aborts_batch:
                raise BatchAborted from None

    def _message(self, error: SqlError) -> Message:
        return Message(
            error.number, error.severity, error.state, error.message, error.line or 1, _bare(error.procedure)
        )

    def _dispatch(self, stmt: Statement, frame: Frame) -> Iterator[Result]:
        keyword = stmt.keyword
        if bulkload.is_insert_bulk(stmt):
            yield from bulkload.prepare(self, stmt, self._context(frame).resolve_table)
            return
        words = [t.text.upper() for t in stmt.tokens[:16]]
        server_statement = self.engine.registry.find_statement(words)
        if server_statement is not None:
            self._prepare_store_write()
            yield from server_statement.handler(self, stmt.text)
            return
        handler = _HANDLERS.get(keyword)
        if handler is None:
            raise errors.not_supported(f"{keyword} statements")
        yield from handler(self, stmt, frame)

    # --- statements ---------------------------------------------------------------------------

    def _select(self, stmt: Statement, frame: Frame) -> Iterator[Result]:
        if stmt.keyword == "WITH" and dmlexec.is_write(stmt):
            yield from self._dml(stmt, frame)
            return
        tree = _parse(stmt)
        if selectinto.is_into(tree):
            yield from selectinto.execute(self, stmt, tree, frame)
            return
        if not isinstance(tree, exp.Select | exp.SetOperation | exp.Subquery):
            raise errors.not_supported(f"this statement ({type(tree).__name__})")
        plan = self._plan(stmt, frame, lambda: compile_query(tree, self._context(frame)))
        if plan.assignments:
            self._assign_from(plan, frame)
            yield StatementDone(
                "SELECT", None if self.options.nocount else self.rowcount, in_procedure=frame.in_procedure
            )
            return
        yield from self._result(plan, frame)

    def _result(self, plan: Plan, frame: Frame) -> Iterator[Result]:
        if self.options.fmtonly:  # the columns a client asked about, and no rows
            yield ResultSet(plan.columns, iter(()))
            self.rowcount = 0
            return
        cursor = self._execute(plan, frame)
        counter: list = [0]
        yield ResultSet(plan.columns, self._chunks(cursor, plan, counter))
        if len(counter) > 1:  # the query failed after its result set began: rows sent, then the error
            raise counter[1]
        self.rowcount = counter[0]
        yield StatementDone(
            plan.command,
            None if self.options.nocount else counter[0],
            in_procedure=frame.in_procedure,
        )

    def _chunks(self, cursor: sqlite3.Cursor, plan: Plan, counter: list[int]) -> Iterator[list[tuple]]:
        readers = plan.readers if self.options.textsize >= _NO_TEXTSIZE else textsize.limited(plan, self.options)
        limit = self.options.rowcount
        try:
            while True:
                try:
                    rows = self._fetch(cursor, CHUNK)
                    if limit and counter[0] + len(rows) > limit:
                        rows = rows[: limit - counter[0]]
                    chunk = [tuple([read(v) for read, v in zip(readers, row, strict=True)]) for row in rows]
                except SqlError as error:
                    counter.append(error)  # reported by the statement once the rows before it are sent
                    return
                if not rows:
                    return
                counter[0] += len(rows)
                yield chunk
                if limit and counter[0] >= limit:
                    return
        finally:
            cursor.close()

    def _fetch(self, cursor: sqlite3.Cursor, size: int) -> list[tuple]:
        try:
            return cursor.fetchmany(size)
        except sqlite3.Error as exc:
            raise self._store_error(exc) from None

    def _assign_from(self, plan: Plan, frame: Frame) -> None:
        cursor = self._execute(plan, frame)
        last = None
        count = 0
        for rows in iter(lambda: self._fetch(cursor, CHUNK), []):
            last = rows[-1]
            count += len(rows)
        cursor.close()
        self.rowcount = count
        if last is not None:
            for name, read, value in zip(plan.assignments, plan.readers, last, strict=True):
                self._set_variable(frame, name, read(value))

    def _dml(self, stmt: Statement, frame: Frame) -> Iterator[Result]:
        if self.options.fmtonly:
            return  # SET FMTONLY ON: no rows are processed
        yield from dmlexec.execute(self, stmt, frame)

    def _create(self, stmt: Statement, frame: Frame) -> Iterator[Result]:
        kind = stmt.word(1).split(" ")[0]  # sqlglot tokenizes "CLUSTERED INDEX" as one token
        if kind == "DATABASE":
            yield from self._create_database(stmt)
            return
        if kind in ("INDEX", "UNIQUE", "CLUSTERED", "NONCLUSTERED"):
            yield from self._create_index(stmt, frame)
            return
        if kind in ("PROC", "PROCEDURE", "FUNCTION", "VIEW", "OR"):
            yield from self._create_module(stmt, frame)
            return
        if kind in ddl_statements.CREATE:
            yield from ddl_statements.CREATE[kind](self, stmt, frame)
            return
        if kind != "TABLE":
            raise errors.not_supported(f"CREATE {kind}")
        yield from ddl.create_table_statement(self, stmt, frame)

    def _ddl_target(self, table: exp.Table) -> tuple[str, str, str, sqlite3.Connection]:
        name = table_name(table)
        con = self._connection()
        if name.startswith("##"):
            self._attach("tempdb")
            return "tempdb", "dbo", name, con
        if name.startswith("#"):
            return "temp", "dbo", name, con
        db = table.args["catalog"].name if table.args.get("catalog") else self.database
        if self.engine.database(db) is None:
            raise errors.unknown_database(db)
        self._attach(db)
        schema = table.args["db"].name if table.args.get("db") and table.args["db"].name else "dbo"
        return self.engine.database(db).name, schema, name, con  # type: ignore[union-attr]

    def _drop(self, stmt: Statement, frame: Frame) -> Iterator[Result]:
        kind = stmt.word(1)
        if kind == "DATABASE":
            yield from self._drop_database(stmt)
            return
        if kind == "INDEX":
            yield from self._drop_index(stmt)
            return
        if kind in ("PROC", "PROCEDURE", "FUNCTION"):
            yield from self._drop_module(stmt)
            return
        if kind == "VIEW":
            yield from self._drop_view(stmt)
            return
        if kind in ddl_statements.DROP:
            yield from ddl_statements.DROP[kind](self, stmt, frame)
            return
        if kind != "TABLE":
            raise errors.not_supported(f"DROP {kind}")
        tree = _parse(stmt)
        for table in tree.args.get("tables") or [tree.this]:
            db, schema, name, con = self._ddl_target(table)
            found = self._catalog(db).table(schema, name)
            if found is None:
                if tree.args.get("exists"):
                    continue
                raise errors.cannot_drop("table", name if not table.args.get("db") else f"{schema}.{name}")
            if found.type == "V":
                raise errors.wrong_drop("TABLE", name, "view", "VIEW")
            self._in_write(lambda f=found, d=db, c=con: ddl.drop_table(c, d, f.storage_name, f.object_id))
        yield StatementDone("")

    def _alter(self, stmt: Statement, frame: Frame) -> Iterator[Result]:
        kind = stmt.word(1)
        if kind in ("PROC", "PROCEDURE", "FUNCTION", "VIEW"):
            yield from self._create_module(stmt, frame)
            return
        if kind in ddl_statements.ALTER:
            yield from ddl_statements.ALTER[kind](self, stmt, frame)
            return
        if kind == "DATABASE" and stmt.word(2) == "SCOPED":
            yield from dmlexec.scoped_configuration(self, stmt, frame)
            return
        raise errors.not_supported(f"ALTER {kind}")

    def _module_target(
        self, database: str | None, schema: str, verb: str, what: str, name: str
    ) -> tuple[str, catalog.Catalog, int, catalog.ObjectRow | None]:
        """Where CREATE/ALTER PROCEDURE/FUNCTION/VIEW puts its object, and what already has its name."""
        if database is not None:
            raise errors.SqlError(
                166,
                15,
                1,
                f"'{verb} {what}' does not allow specifying the database name as a prefix to the object name.",
            )
        db = self.database
        cat = self._catalog(db)
        schema_id = cat.existing_schema_id(schema)
        clash = next((o for o in cat.objects if o.schema_id == schema_id and o.name.lower() == name.lower()), None)
        return db, cat, schema_id, clash

    def _create_module(self, stmt: Statement, frame: Frame) -> Iterator[Result]:
        if triggers.is_trigger(stmt):  # CREATE OR ALTER TRIGGER
            yield from triggers.create_trigger(self, stmt, frame)
            return
        if modules.is_view(stmt.text):
            yield from self._create_view(stmt, frame)
            return
        spec = modules.parse_module(stmt.text, stmt.line)
        if spec.kind == modules.TABLE_FUNCTION or (
            spec.kind == modules.SCALAR_FUNCTION and modules.inline_return(spec.body) is None
        ):
            udf.check_body(spec.body)
        verb = "ALTER" if spec.alter else "CREATE"
        what = "PROCEDURE" if spec.kind == modules.PROCEDURE else "FUNCTION"
        schema = spec.schema or "dbo"
        db, cat, schema_id, clash = self._module_target(spec.database, schema, verb, what, spec.name)
        existing = cat.module(schema, spec.name)
        con = self._connection()
        if spec.alter or (spec.create_or_alter and existing is not None):
            if existing is None or (existing.kind == modules.PROCEDURE) != (spec.kind == modules.PROCEDURE):
                raise errors.invalid_object(spec.name)
            self._in_write(
                lambda: (
                    catalog.update_definition(con, db, existing.object_id, spec.kind, spec.definition),
                    catalog.touch(con, db),
                )
            )
        elif clash is not None:
            raise errors.object_exists(spec.name)
        else:
            self._in_write(
                lambda: (
                    catalog.add_object(con, db, schema_id, spec.name, spec.kind, definition=spec.definition),
                    catalog.touch(con, db),
                )
            )
        yield StatementDone("")

    def _create_view(self, stmt: Statement, frame: Frame) -> Iterator[Result]:
        spec = modules.parse_view(stmt.text, stmt.line)
        schema = spec.schema or "dbo"
        db, cat, schema_id, clash = self._module_target(
            spec.database, schema, "ALTER" if spec.alter else "CREATE", "VIEW", spec.name
        )
        columns = self._view_columns(spec, frame)
        existing = cat.table(schema, spec.name)
        con = self._connection()
        if spec.alter or (spec.create_or_alter and existing is not None):
            if existing is None or existing.type != "V":
                raise errors.invalid_object(spec.name)
            object_id = existing.object_id

            def write() -> None:
                catalog.update_definition(con, db, object_id, "V", spec.definition)
                catalog.replace_columns(con, db, object_id, columns)
                catalog.touch(con, db)

        elif clash is not None:
            raise errors.object_exists(spec.name)
        else:

            def write() -> None:
                object_id = catalog.add_object(con, db, schema_id, spec.name, "V", definition=spec.definition)
                catalog.add_columns(con, db, object_id, columns)
                catalog.touch(con, db)

        self._in_write(write)
        yield StatementDone("")

    def _view_columns(self, spec: modules.ViewSpec, frame: Frame) -> list[catalog.ColumnDef]:
        """Bind the view's SELECT now, as SQL Server does, to learn its columns' names and types."""
        tree = parse_one(spec.select)
        if not isinstance(tree, exp.Query):
            raise errors.syntax_error(spec.select.split()[0] if spec.select else "", 1)
        limited = tree.args.get("limit") or tree.args.get("offset")
        if isinstance(tree, exp.Select) and tree.args.get("order") and not limited:
            raise errors.order_by_in_derived()
        plan = compile_query(tree, self._context(frame))
        names = [c.name for c in plan.columns]
        if spec.columns is not None:
            if len(spec.columns) != len(names):
                fewer = len(names) < len(spec.columns)
                raise errors.SqlError(
                    8159 if fewer else 8158,
                    16,
                    1,
                    f"'{spec.name}' has {'fewer' if fewer else 'more'} columns than were specified in the column list.",
                )
            names = list(spec.columns)
        seen: set[str] = set()
        for index, name in enumerate(names, 1):
            if not name:
                raise errors.SqlError(
                    4511,
                    16,
                    1,
                    f"Create View or Function failed because no column name was specified for column {index}.",
                )
            if name.lower() in seen:
                raise errors.SqlError(
                    4506,
                    16,
                    1,
                    f"Column names in each view or function must be unique. Column name '{name}' in view or function "
                    f"'{spec.name}' is specified more than once.",
                )
            seen.add(name.lower())
        return [
            catalog.ColumnDef(index, name, column.type, column.nullable)
            for index, (name, column) in enumerate(zip(names, plan.columns, strict=True), 1)
        ]

    def _drop_view(self, stmt: Statement) -> Iterator[Result]:
        exists = stmt.word(2) == "IF" and stmt.word(3) == "EXISTS"
        con = self._connection()
        for parts in _dropped_names(stmt):
            db = parts[-3] if len(parts) > 2 else self.database
            if self.engine.database(db) is None:
                raise errors.unknown_database(db)
            self._attach(db)
            db = self.engine.database(db).name  # type: ignore[union-attr]
            found = self._catalog(db).table(parts[-2] if len(parts) > 1 else "dbo", parts[-1])
            if found is None:
                if exists:
                    continue
                raise errors.cannot_drop("view", ".".join(parts))
            if found.type != "V":
                raise errors.wrong_drop("VIEW", parts[-1], "table", "TABLE")
            self._in_write(lambda d=db, f=found: (catalog.drop_object(con, d, f.object_id), catalog.touch(con, d)))
        yield StatementDone("")

    def _drop_module(self, stmt: Statement) -> Iterator[Result]:
        names = _dropped_names(stmt)
        kind_text = "procedure" if stmt.word(1) in ("PROC", "PROCEDURE") else "function"
        exists = stmt.word(2) == "IF" and stmt.word(3) == "EXISTS"
        con = self._connection()
        for parts in names:
            found = self._find_module(parts)
            if found is None or (found[1].kind == modules.PROCEDURE) != (kind_text == "procedure"):
                if exists:
                    continue
                raise errors.cannot_drop(kind_text, ".".join(parts))
            db, module = found
            self._in_write(lambda d=db, m=module: (catalog.drop_object(con, d, m.object_id), catalog.touch(con, d)))
        yield StatementDone("")

    def _table_for_index(self, table: exp.Table) -> tuple[str, catalog.TableDef]:
        db, schema, name, _con = self._ddl_target(table)
        found = self._catalog(db).table(schema, name)
        if found is None or found.type != "U":
            raise SqlError(
                1088,
                16,
                12,
                f'Cannot find the object "{name}" because it does not exist or you do not have permissions.',
            )
        return db, found

    def _create_index(self, stmt: Statement, frame: Frame) -> Iterator[Result]:
        tree = _parse(stmt)
        index = tree.this
        if not isinstance(index, exp.Index):
            raise errors.syntax_error(stmt.word(2), stmt.line)
        db, table = self._table_for_index(index.args["table"])
        name = index.name
        display = f"{table.schema}.{table.name}"
        if any(i.name.lower() == name.lower() for i in table.indexes):
            raise errors.index_exists(name, display)
        params = index.args.get("params")
        columns = []
        for ordered in params.args.get("columns") or []:
            column = ordered.this if isinstance(ordered, exp.Ordered) else ordered
            columns.append(catalog.IndexColumn(column.name, bool(ordered.args.get("desc"))))
        columns += [catalog.IndexColumn(c.name, included=True) for c in params.args.get("include") or []]
        for column in columns:
            if table.column(column.name) is None:
                raise SqlError(1911, 16, 1, f"Column name '{column.name}' does not exist in the target table or view.")
        kind_text = str(tree.args.get("kind") or "").upper()
        clustered = "NONCLUSTERED" not in kind_text and "CLUSTERED" in kind_text
        existing = next((i for i in table.indexes if i.type == catalog.CLUSTERED), None)
        if clustered and existing is not None:
            raise errors.second_clustered_index(display, existing.name)
        where = params.args.get("where")
        filter_sql = None
        if where is not None:
            filter_sql = ddl.index_filter_sql(where.this, table)
        index_id = 1 if clustered else max([i.index_id for i in table.indexes] + [1]) + 1
        definition = catalog.IndexDef(
            index_id,
            name,
            catalog.CLUSTERED if clustered else catalog.NONCLUSTERED,
            bool(tree.args.get("unique")),
            False,
            False,
            tuple(columns),
            where.this.sql(dialect="tsql") if where is not None else None,
            ddl.index_options(params.args.get("with_storage")),
        )
        con = self._connection()
        try:
            self._in_write(lambda: ddl.create_index(con, db, table, definition, filter_sql))
        except SqlError as error:
            if error.number == 2627:
                raise errors.duplicate_key_in_new_index(display, name) from None
            raise
        yield StatementDone("")

    def _drop_index(self, stmt: Statement) -> Iterator[Result]:
        tree = _parse(stmt)
        on = tree.args.get("cluster")
        for item in tree.args.get("tables") or []:
            if isinstance(on, exp.OnProperty):
                table_node, name = on.this, item.name
            else:  # DROP INDEX table.index
                table_node, name = exp.Table(this=item.args.get("db"), db=item.args.get("catalog")), item.name
            db, table = self._table_for_index(table_node)
            index = next((i for i in table.indexes if i.name.lower() == name.lower()), None)
            if index is None:
                if tree.args.get("exists"):
                    continue
                raise errors.cannot_drop("index", f"{table.name}.{name}")
            if index.is_primary_key or index.is_unique_constraint:
                what = "PRIMARY KEY" if index.is_primary_key else "UNIQUE KEY"
                raise errors.drop_constraint_index(f"{table.schema}.{table.name}.{name}", what)
            con = self._connection()
            self._in_write(lambda t=table, i=index, d=db, c=con: ddl.drop_index(c, d, t, i))
        yield StatementDone("")

    def _create_database(self, stmt: Statement) -> Iterator[Result]:
        name = _identifier(stmt.tokens[2]) if len(stmt.tokens) > 2 else ""
        if not name:
            raise errors.syntax_error("DATABASE", stmt.line)
        if self.trancount:
            raise SqlError(
                226,
                16,
                6,
                "CREATE DATABASE statement not allowed within multi-statement transaction.",
            )
        self.engine.create_database(name)
        yield StatementDone("")

    def _drop_database(self, stmt: Statement) -> Iterator[Result]:
        exists = stmt.word(2) == "IF" and stmt.word(3) == "EXISTS"
        name = _identifier(stmt.tokens[4 if exists else 2]) if len(stmt.tokens) > (4 if exists else 2) else ""
        database = self.engine.database(name)
        if database is None:
            if exists:
                yield StatementDone("")
                return
            raise SqlError(
                3701,
                11,
                1,
                f"Cannot drop the database '{name}', because it does not exist or you do not have permission.",
            )
        if database.database_id <= 4:
            raise SqlError(
                3708,
                16,
                1,
                f"Cannot drop the database '{database.name}' because it is a system database.",
            )
        if self.database.lower() == database.name.lower():
            raise SqlError(
                3702,
                16,
                4,
                f'Cannot drop database "{database.name}" because it is currently in use.',
            )
        if self._con is not None and database.name.lower() in self._attached:
            self._con.execute(f"DETACH DATABASE {quote(database.name)}")
            self._attached.discard(database.name.lower())
        self.engine.drop_database(database.name)
        yield StatementDone("")

    def _use(self, stmt: Statement, frame: Frame) -> Iterator[Result]:
        name = _identifier(stmt.tokens[1]) if len(stmt.tokens) > 1 else ""
        database = self.engine.database(name)
        if database is None:
            raise errors.unknown_database(name)
        old = self.database
        self.database = database.name
        yield EnvChange(EnvKind.DATABASE, database.name, old)
        yield Message(5701, 0, 1, f"Changed database context to '{database.name}'.")

    def _declare(self, stmt: Statement, frame: Frame) -> Iterator[Result]:
        # Declared twice is a compile error (parse_batch); in a loop the declaration runs again.
        if cursors.declare(self, stmt, frame):
            return  # DECLARE name CURSOR
        tablevars.declare(self, _parse(stmt), frame)
        for name, st, default in _declarations(stmt):
            frame.variables.setdefault(name, Variable(st))
            if default is not None:
                self._set_variable(frame, name, self._evaluate(default, frame, stmt, name))
        return
        yield

    def _set(self, stmt: Statement, frame: Frame) -> Iterator[Result]:
        second = stmt.tokens[1] if len(stmt.tokens) > 1 else None
        if second is not None and second.token_type == TokenType.PARAMETER:
            if cursors.is_cursor_assignment(stmt, frame):
                yield from cursors.set_variable(self, stmt, frame)
                return
            tree = _parse(stmt)
            item = tree.expressions[0].this if isinstance(tree, exp.Set) else None
            if not isinstance(item, exp.EQ):
                raise errors.syntax_error(stmt.word(2), stmt.line)
            name = item.this.name.lower()
            self._variable(frame, name)
            self._set_variable(frame, name, self._evaluate(item.expression, frame, stmt))
            self.rowcount = 1
            return
        yield from self._set_option(stmt, frame)

    def _set_option(self, stmt: Statement, frame: Frame) -> Iterator[Result]:
        words = [t.text.upper() for t in stmt.tokens[1:]]
        if not words:
            raise errors.syntax_error("SET", stmt.line)
        option = words[0]
        value = words[-1] if len(words) > 1 else ""
        if option == "TRANSACTION":
            level = " ".join(words[3:]) if len(words) > 3 else ""
            if level not in ISOLATION_NAMES:
                raise errors.syntax_error(words[-1], stmt.line)
            self.options.isolation_level = ISOLATION_NAMES[level]
        elif option == "IDENTITY_INSERT":
            yield from self._set_identity_insert(stmt, words)
        elif option in ("DATEFORMAT",):
            fmt = stmt.tokens[2].text.lower() if len(stmt.tokens) > 2 else ""
            if fmt not in ("mdy", "dmy", "ymd", "ydm", "myd", "dym"):
                raise SqlError(2741, 16, 1, f"SET DATEFORMAT date order '{fmt}' is invalid.")
            self.options.dateformat = fmt
        elif option == "DATEFIRST":
            self.options.datefirst = int(value)
        elif option == "LANGUAGE":
            language = languages.find(stmt.tokens[2].text if len(stmt.tokens) > 2 else "")
            self.options.language = language.name
            self.options.dateformat = language.dateformat
            self.options.datefirst = language.datefirst
            yield Message(5703, 0, 1, f"Changed language setting to {language.name}.", stmt.line, "")
        elif option == "TEXTSIZE":
            number = int(value)
            self.options.textsize = 2147483647 if number in (0, -1) else number
        elif option == "LOCK_TIMEOUT":
            self.options.lock_timeout = int(value)
        elif option == "ROWCOUNT":
            self.options.rowcount = int(value) if value.isdigit() else int(self._variable_value(frame, value))
        elif option == "DEADLOCK_PRIORITY":
            self.options.deadlock_priority = {"LOW": -5, "NORMAL": 0, "HIGH": 5}.get(value, 0)
        elif option in _ON_OFF_OPTIONS or any(w.rstrip(",") in _ON_OFF_OPTIONS for w in words[:-1]):
            if value not in ("ON", "OFF"):
                raise errors.syntax_error(value, stmt.line)
            for word in words[:-1]:
                name = word.rstrip(",")
                if name in _ON_OFF_OPTIONS:
                    setattr(self.options, name.lower(), value == "ON")
        elif option in _IGNORED_OPTIONS:
            pass
        else:
            raise errors.syntax_error(stmt.tokens[1].text, stmt.line)
        self.rowcount = 0  # a SET option resets @@ROWCOUNT

    def _set_identity_insert(self, stmt: Statement, words: list[str]) -> Iterator[Result]:
        text = stmt.text
        match = re.match(r"(?is)\s*SET\s+IDENTITY_INSERT\s+(.+?)\s+(ON|OFF)\s*;?\s*$", text)
        if not match:
            raise errors.syntax_error(words[-1], stmt.line)
        table = parse_one(f"SELECT * FROM {match.group(1)}").find(exp.Table)
        source = dml.resolve_source(table, self._context(self._frame or Frame()))
        if source.table is None or source.table.identity is None:
            raise SqlError(
                8106,
                16,
                1,
                f"Table '{source.display}' does not have the identity property. Cannot perform SET operation.",
            )
        key = f"{source.sqlite_db}.{source.storage}".lower()
        self.options.identity_insert = key if match.group(2).upper() == "ON" else None
        return
        yield

    def _print(self, stmt: Statement, frame: Frame) -> Iterator[Result]:
        tree = _parse_expression_statement(stmt, 1)
        value = self._evaluate(tree, frame, stmt)
        text = "" if value is None else values.to_text(value)
        self.rowcount = 0
        yield Message(0, 0, 1, text, stmt.line, _bare(frame.procedure))

    def _raiserror(self, stmt: Statement, frame: Frame) -> Iterator[Result]:
        text = stmt.text
        match = re.match(r"(?is)\s*RAISERROR\s*\((.*)\)\s*(WITH\s+(.*?))?\s*;?\s*$", text)
        if not match:
            raise errors.syntax_error("RAISERROR", stmt.line)
        if stmt.parsed is None:
            stmt.parsed = parse_one(f"SELECT {match.group(1)}", stmt.line - 1)
        args = self._evaluate_row(stmt, frame)
        if len(args) < 3:
            raise errors.syntax_error(")", stmt.line)
        self.rowcount = 0
        number, severity, state, text = raiserror.raise_error(
            args[0], int(args[1]), int(args[2]), args[3:], match.group(3) or ""
        )
        if int(args[1]) <= 10:
            yield Message(number, severity, state, text, stmt.line, _bare(frame.procedure))
            return
        raise SqlError(number, severity, state, text, stmt.line, frame.procedure)

    def _throw(self, stmt: Statement, frame: Frame) -> Iterator[Result]:
        if len(stmt.tokens) == 1:
            if not frame.errors:
                raise errors.rethrow_outside_catch()
            raise frame.errors[-1]
        args_tree = parse_one("SELECT " + stmt.text[len(stmt.tokens[0].text) :])
        number, message_text, state = [self._evaluate(a, frame) for a in args_tree.expressions]
        if int(number) < 50000:
            raise errors.throw_number_out_of_range()
        raise SqlError(
            int(number),
            16,
            int(state),
            str(message_text),
            stmt.line,
            frame.procedure,
            aborts_batch=True,
        )

    def _return(self, stmt: Statement, frame: Frame) -> Iterator[Result]:
        value = None
        if len(stmt.tokens) > 1:
            value = self._evaluate(_parse_expression_statement(stmt, 1), frame, stmt)
        if frame.returns is not None:
            raise _Return(None if value is None else values.cast(value, frame.returns))
        raise _Return(None if value is None else int(value))
        yield

    def _waitfor(self, stmt: Statement, frame: Frame) -> Iterator[Result]:
        kind = stmt.word(1)
        if kind not in ("DELAY", "TIME") or len(stmt.tokens) < 3:
            raise errors.syntax_error(stmt.word(1), stmt.line)
        value = self._evaluate(_parse_expression_statement(stmt, 2), frame)
        parsed = values.parse_datetime_text(str(value)) if value is not None else None
        if parsed is None:
            raise SqlError(148, 15, 1, f"Incorrect time syntax in time string '{value}' used with WAITFOR.")
        if kind == "DELAY":
            seconds = parsed.hour * 3600 + parsed.minute * 60 + parsed.second + parsed.microsecond / 1e6
        else:
            now = dt.datetime.now()
            target = now.replace(
                hour=parsed.hour,
                minute=parsed.minute,
                second=parsed.second,
                microsecond=parsed.microsecond,
            )
            if target <= now:
                target += dt.timedelta(days=1)
            seconds = (target - now).total_seconds()
        if self.cancel.wait(seconds):
            raise Cancelled
        return
        yield

    def _begin_statement(self, stmt: Statement, frame: Frame) -> Iterator[Result]:
        word = stmt.word(1)
        if word in ("TRAN", "TRANSACTION"):
            named = len(stmt.tokens) > 2 and stmt.tokens[2].token_type != TokenType.SEMICOLON
            yield from self._begin(stmt.tokens[2].text if named else "")
            self.rowcount = 0  # BEGIN and COMMIT TRANSACTION reset @@ROWCOUNT
            yield StatementDone("")
            return
        raise errors.not_supported(f"BEGIN {word}")

    def _commit_statement(self, stmt: Statement, frame: Frame) -> Iterator[Result]:
        yield from self._commit()
        self.rowcount = 0
        yield StatementDone("")

    def _rollback_statement(self, stmt: Statement, frame: Frame) -> Iterator[Result]:
        name = None
        if len(stmt.tokens) > 2 and stmt.word(1) in ("TRAN", "TRANSACTION"):
            name = stmt.tokens[2].text
        elif len(stmt.tokens) > 1 and stmt.word(1) not in ("TRAN", "TRANSACTION", "WORK"):
            name = stmt.tokens[1].text
        yield from self._rollback(name)
        yield StatementDone("")

    def _save_statement(self, stmt: Statement, frame: Frame) -> Iterator[Result]:
        if len(stmt.tokens) < 3:
            raise errors.syntax_error(stmt.word(1), stmt.line)
        self._savepoint(stmt.tokens[2].text)
        yield StatementDone("")

    def _exec(self, stmt: Statement, frame: Frame) -> Iterator[Result]:
        tokens = stmt.tokens[1:]
        if not tokens:
            raise errors.syntax_error(stmt.word(0), stmt.line)
        if tokens[0].token_type == TokenType.L_PAREN:
            text = stmt.text
            inner = parse_one("SELECT " + text[text.index("(") :])
            dynamic = self._evaluate(inner.expressions[0], frame)
            yield from self._nested_batch(str(dynamic or ""), [], frame)
            return
        call = _parse_exec(stmt)
        if frame.in_function:
            raise udf.function_call_not_allowed()
        if call.procedure.startswith("@"):  # EXEC @name: the procedure named by a variable
            call.procedure = str(self._variable_value(frame, call.procedure) or "")
        args = [
            _Arg(
                name,
                self._evaluate(expression, frame) if expression is not None else None,
                None,
                output,
                expression,
                default=expression is None,
            )
            for name, expression, output in call.arguments
        ]
        function = self._scalar_function(call.procedure)
        if function is not None:  # EXEC @result = dbo.f @p = 1: a scalar function's value
            value = self._call_function(*function, self._bind_arguments(function[1].spec, args))
            if call.status_variable:
                self._set_variable(frame, call.status_variable, value)
            return
        status = 0
        for item in self._rpc(call.procedure, args, frame):
            if isinstance(item, OutputParameter):
                target = args[item.ordinal].target_variable() if item.ordinal < len(args) else None
                if target:
                    self._set_variable(frame, target, item.value)
                continue
            if isinstance(item, ReturnStatus):
                status = item.value
            yield item
        if call.status_variable:
            self._set_variable(frame, call.status_variable, status)

    def _rpc(self, written: str, params: list[Any], caller: Frame | None = None) -> Iterator[Result]:
        """A procedure call: the special procedures RPC clients use, system procedures the
        instance registers, or a user procedure (sp_ names fall back to master)."""
        parts = [p.strip('[]"') for p in written.split(".")]
        name = parts[-1].lower()
        special = _SPECIAL_PROCEDURES.get(name)
        if special is not None:
            yield from special(self, params)
            return
        if name in self.engine.registry.procedures and len(parts) <= 2:
            yield from self._system_procedure(name, params)
            return
        found = self._find_module(parts)
        if found is None and name.startswith("sp_") and len(parts) < 3:
            found = self._find_module(["master", parts[-2] if len(parts) > 1 else "dbo", parts[-1]])
        if found is None or found[1].kind != modules.PROCEDURE:
            raise errors.unknown_procedure(".".join(parts))
        yield from self._call_procedure(found[0], found[1], params, caller)

    def _scalar_function(self, written: str) -> tuple[str, catalog.ModuleDef] | None:
        found = self._find_module([p.strip('[]"') for p in written.split(".")])
        return found if found is not None and found[1].kind == modules.SCALAR_FUNCTION else None

    def _function_called(
        self, database: str, schema: str, name: str, args: Sequence[Any]
    ) -> tuple[tuple[str, catalog.ModuleDef], list[Any]]:
        """The function a query calls, and its arguments as Python values of its parameters' types."""
        found = self._find_module([database, schema, name])
        if found is None:
            raise errors.invalid_object(f"{schema}.{name}")
        parameters = found[1].spec.parameters
        return found, [values.reader_for(p.type)(a) for p, a in zip(parameters, args, strict=True)]

    def call_scalar_function(self, database: str, schema: str, name: str, args: Sequence[Any]) -> Any:
        """A multi-statement scalar function for a query (`udf`): storage values in and out."""
        found, arguments = self._function_called(database, schema, name, args)
        spec = found[1].spec
        value = self._call_function(found[0], found[1], arguments)
        return None if value is None else values.storage_value(value, spec.returns or sqltypes.SQL_VARIANT)

    def call_table_function(self, database: str, schema: str, name: str, args: Sequence[Any]) -> str:
        """A multi-statement table-valued function for a query (`apply`): its rows as a JSON array."""
        found, arguments = self._function_called(database, schema, name, args)
        spec = found[1].spec
        table = (spec.returns_table or "@").split()[0][1:].lower()
        rows: list[tuple] = []

        def returned(frame: Frame) -> None:
            source = tablevars.resolve(self, frame, table)
            names = ", ".join(quote(c.name) for c in source.columns)
            rows.extend(self._connection().execute(f"SELECT {names} FROM {source.qualified}").fetchall())

        declare = parse_one(f"DECLARE {spec.returns_table}")

        def setup(frame: Frame) -> None:
            tablevars.declare(self, declare, frame)

        self._call_function(found[0], found[1], arguments, setup, returned)
        return udf.rows_as_json(rows)

    def _call_function(
        self,
        db: str,
        module: catalog.ModuleDef,
        arguments: list[Any],
        setup: Any = None,
        finish: Any = None,
    ) -> Any:
        """Run a user function's body; ``setup`` and ``finish`` see its frame before and after (a
        table-valued function's return table)."""
        spec = module.spec
        frame = Frame(
            in_procedure=True,
            procedure=f"{module.schema}.{spec.name}",
            line_offset=spec.body_line - 1,
            try_depth=1,  # an error ends the function and fails the statement that called it
            returns=spec.returns,
            in_function=True,
        )
        for param, value in zip(spec.parameters, arguments, strict=True):
            frame.variables[param.key] = Variable(param.type, value)
        parsed = self.engine.parse(spec.body)
        frame.declared = {**parsed.declared, **{p.key: p.type for p in spec.parameters}}
        if self.nest_level >= modules.MAX_NESTING:
            raise errors.nesting_exceeded()
        previous, rowcount = self.database, self.rowcount
        self.database = db
        self.nest_level += 1
        try:
            if setup is not None:
                setup(frame)
            for _ in self._block(parsed.block, frame):
                pass  # a function returns no results (CREATE FUNCTION saw to that)
        except _Return as returned:
            if finish is not None:
                finish(frame)
            return returned.value
        finally:
            self.nest_level -= 1
            self.database, self.rowcount = previous, rowcount
            tablevars.release(self, frame)
        raise errors.SqlError(455, 16, 2, "The last statement included within a function must be a return statement.")

    def _system_procedure(self, name: str, params: list[Any]) -> Iterator[Result]:
        positional = [p.value for p in params if not p.name]
        named = {p.name.lower().lstrip("@"): p.value for p in params if p.name}
        self._prepare_store_write()
        status = 0
        for item in self.engine.registry.procedures[name].handler(self, positional, named):
            if isinstance(item, StatementDone):
                item.in_procedure = True
            if isinstance(item, ReturnStatus):
                status = item.value
                continue
            yield item
        yield ReturnStatus(status)
        yield ProcedureDone()

    def _sp_unprepare(self, params: list[Any]) -> Iterator[Result]:
        self.prepared.pop(int(_param_value(params, 0) or 0), None)
        yield ReturnStatus(0)
        yield ProcedureDone()

    def _sp_reset_connection(self, params: list[Any]) -> Iterator[Result]:
        yield from self.reset()
        yield ReturnStatus(0)
        yield ProcedureDone()

    def _find_module(self, parts: list[str]) -> tuple[str, catalog.ModuleDef] | None:
        """(database, module) for [db.][schema.]name, or None."""
        db = parts[-3] if len(parts) > 2 and parts[-3] else self.database
        schema = parts[-2] if len(parts) > 1 and parts[-2] else "dbo"
        database = self.engine.database(db)
        if database is None:
            return None
        module = self._catalog(database.name).module(schema, parts[-1])
        return None if module is None else (database.name, module)

    def _call_procedure(
        self, db: str, module: catalog.ModuleDef, args: list[Any], caller: Frame | None = None
    ) -> Iterator[Result]:
        spec = module.spec
        bound = self._bind_arguments(spec, args)
        frame = Frame(
            in_procedure=True,
            procedure=f"{module.schema}.{spec.name}",
            line_offset=spec.body_line - 1,
            try_depth=caller.try_depth if caller is not None else 0,  # the caller's CATCH takes its errors
        )
        for param, value in zip(spec.parameters, bound, strict=True):
            frame.variables[param.key] = Variable(param.type, value)
        parsed = self.engine.parse(spec.body)
        frame.declared = {**parsed.declared, **{p.key: p.type for p in spec.parameters}}
        if self.nest_level >= modules.MAX_NESTING:
            raise errors.nesting_exceeded()
        status, error = 0, False
        trancount = self.trancount
        previous, self.database = self.database, db
        # SET options and #temp tables a procedure makes end with it.
        options, temp_tables = dataclasses.replace(self.options), self._temp_table_ids()
        self.nest_level += 1
        try:
            yield from self._block(parsed.block, frame)
        except _Return as returned:
            status = returned.value or 0
        except BatchAborted:
            status, error = -6, True
        finally:
            self.nest_level -= 1
            self.database = previous
            self.options = options
            tablevars.release(self, frame)
            self._drop_temp_tables(keep=temp_tables)
        if self.trancount != trancount and not error:
            yield self._message(
                errors.SqlError(
                    266,
                    16,
                    2,
                    "Transaction count after EXECUTE indicates a mismatching number of BEGIN and COMMIT statements. "
                    f"Previous count = {trancount}, current count = {self.trancount}.",
                    procedure=spec.name,
                )
            )
        yield ReturnStatus(status)
        for index, arg in enumerate(args):
            param = _parameter_for(spec, args, index)
            if param is not None and param.output and arg.output:
                yield OutputParameter(index, f"@{param.name}", param.type, frame.variables[param.key].value)
        yield ProcedureDone(error=error)

    def _bind_arguments(self, spec: modules.ModuleSpec, args: list[Any]) -> list[Any]:
        """Values for a module's parameters from positional and @named arguments, as SQL Server binds them."""
        given: dict[str, Any] = {}
        named_seen = False
        for index, arg in enumerate(args):
            if arg.name:
                named_seen = True
                param = next((p for p in spec.parameters if p.key == arg.name.lower().lstrip("@")), None)
                if param is None:
                    raise errors.SqlError(
                        8145,
                        16,
                        2,
                        f"@{arg.name.lstrip('@')} is not a parameter for procedure {spec.name}.",
                    )
            else:
                if named_seen:
                    raise errors.SqlError(
                        119,
                        15,
                        1,
                        f"Must pass parameter number {index + 1} and subsequent parameters as '@name = value'. After "
                        "the form '@name = value' has been used, all subsequent parameters must be passed in the form "
                        "'@name = value'.",
                    )
                if index >= len(spec.parameters):
                    raise errors.SqlError(
                        8144, 16, 2, f"Procedure or function {spec.name} has too many arguments specified."
                    )
                param = spec.parameters[index]
            if arg.output and not param.output:
                raise errors.SqlError(
                    8162,
                    16,
                    2,
                    f'The formal parameter "@{param.name}" was not declared as an OUTPUT parameter, but '
                    "the actual parameter passed in requested output.",
                )
            if not getattr(arg, "default", False):
                given[param.key] = arg.value
        bound = []
        for param in spec.parameters:
            if param.key in given:
                value = given[param.key]
                bound.append(None if value is None else _argument(value, param.type))
            elif param.default is not None:
                bound.append(self._default_value(param))
            elif param.output:
                bound.append(None)
            else:
                raise errors.SqlError(
                    201,
                    16,
                    4,
                    f"Procedure or function '{spec.name}' expects parameter '@{param.name}', which was not supplied.",
                )
        return bound

    def _default_value(self, param: modules.Parameter) -> Any:
        expression = parse_one(f"SELECT {param.default}").expressions[0]
        value = self._evaluate(expression, Frame())
        return None if value is None else values.cast(value, param.type)

    def _sp_executesql(self, params: list[Any]) -> Iterator[Result]:
        if not params:
            raise SqlError(
                201,
                16,
                4,
                "Procedure or function 'sp_executesql' expects parameter '@statement', which was not supplied.",
            )
        statement = params[0].value
        definitions = params[1].value if len(params) > 1 else ""
        yield from self._run_with_parameters(str(statement or ""), str(definitions or ""), params[2:])

    def _run_with_parameters(
        self, text: str, definitions: str, args: list[Any], before: Sequence[Result] = ()
    ) -> Iterator[Result]:
        parsed = self.engine.parse(text, definitions)
        frame = Frame(declared=dict(parsed.declared), in_procedure=True)
        bindings = _bind(parsed.parameters, args)
        for (name, st, _output), value in zip(parsed.parameters, bindings, strict=True):
            frame.variables[name] = Variable(st, values.cast(value, st) if value is not None else None)
        self.nest_level += 1
        error = False
        try:
            yield from self._block(parsed.block, frame)
        except BatchAborted:
            error = True
        except _Return:
            pass
        finally:
            self.nest_level -= 1
            tablevars.release(self, frame)
        yield ReturnStatus(0)
        yield from before
        yield from _outputs(parsed.parameters, args, frame, 2)
        yield ProcedureDone(error=error)

    def _sp_prepare(self, params: list[Any], execute: bool) -> Iterator[Result]:
        if len(params) < 3:
            raise SqlError(
                201,
                16,
                4,
                "Procedure or function 'sp_prepare' expects parameter '@stmt', which was not supplied.",
            )
        definitions, statement = str(params[1].value or ""), str(params[2].value or "")
        parsed = self.engine.parse(statement, definitions)
        handle = next(self._prepared_ids)
        self.prepared[handle] = parsed
        handle_out = OutputParameter(0, params[0].name or "@handle", sqltypes.INT, handle)
        if not execute:
            yield ReturnStatus(0)
            yield handle_out
            yield ProcedureDone()
            return
        yield from self._run_prepared(parsed, params[3:], statement, definitions, before=[handle_out])

    def _sp_execute(self, params: list[Any]) -> Iterator[Result]:
        handle = int(_param_value(params, 0) or 0)
        parsed = self.prepared.get(handle)
        if parsed is None:
            raise SqlError(8179, 16, 4, f"Could not find prepared statement with handle {handle}.")
        if isinstance(parsed, PreparedCall):
            yield from self._prepared_call(parsed.procedure, params[1:], offset=1)
            return
        yield from self._run_prepared(parsed, params[1:])

    def _sp_prepexecrpc(self, params: list[Any]) -> Iterator[Result]:
        """sp_prepexecrpc @handle OUTPUT, N'proc', args...: what ODBC sends for {CALL proc(?, ...)}."""
        if len(params) < 2:
            text = "Procedure or function 'sp_prepexecrpc' expects parameter '@procname', which was not supplied."
            raise SqlError(201, 16, 4, text)
        procedure = str(params[1].value or "")
        handle = next(self._prepared_ids)
        self.prepared[handle] = PreparedCall(procedure)
        handle_out = OutputParameter(0, params[0].name or "@handle", sqltypes.INT, handle)
        yield from self._prepared_call(procedure, params[2:], offset=2, before=handle_out)

    def _prepared_call(
        self, procedure: str, args: list[Any], offset: int, before: OutputParameter | None = None
    ) -> Iterator[Result]:
        """Run a prepared procedure call; its OUTPUT parameters keep their ordinals in the RPC's list."""
        for item in self._rpc(procedure, args):
            if before is not None and isinstance(item, OutputParameter | ProcedureDone):
                yield before
                before = None
            if isinstance(item, OutputParameter):
                yield OutputParameter(item.ordinal + offset, item.name, item.type, item.value)
            else:
                yield item

    def _run_prepared(
        self,
        parsed: ParsedBatch,
        args: list[Any],
        statement: str = "",
        definitions: str = "",
        before: Sequence[Result] = (),
    ) -> Iterator[Result]:
        frame = Frame(declared=dict(parsed.declared), in_procedure=True)
        bindings = _bind(parsed.parameters, args)
        for (name, st, _output), value in zip(parsed.parameters, bindings, strict=True):
            frame.variables[name] = Variable(st, values.cast(value, st) if value is not None else None)
        error = False
        try:
            yield from self._block(parsed.block, frame)
        except BatchAborted:
            error = True
        except _Return:
            pass
        finally:
            tablevars.release(self, frame)
        yield ReturnStatus(0)
        yield from before
        yield from _outputs(parsed.parameters, args, frame, 1)
        yield ProcedureDone(error=error)

    def _nested_batch(self, text: str, args: list[Any], frame: Frame) -> Iterator[Result]:
        parsed = self.engine.parse(self._batch_text(text), scope=self._plan_scope(text))
        inner = batch_frame(parsed, in_procedure=frame.in_procedure, try_depth=frame.try_depth, errors=frame.errors)
        try:
            yield from self._block(parsed.block, inner)
        except _Return:
            pass
        finally:
            tablevars.release(self, inner)

    # --- expressions and variables -------------------------------------------------------------

    def _evaluate_row(self, stmt: Statement, frame: Frame) -> tuple[Any, ...]:
        """The values of the statement's parsed SELECT list, compiled once per statement."""
        tree = stmt.parsed
        plan = self._plan(stmt, frame, lambda: compile_query(tree, self._context(frame)))
        cursor = self._execute(plan, frame)
        row = self._fetch(cursor, 1)
        cursor.close()
        return tuple(read(v) for read, v in zip(plan.readers, row[0], strict=True)) if row else ()

    def _evaluate(
        self, node: exp.Expression, frame: Frame, stmt: Statement | None = None, variant: object = None
    ) -> Any:
        """A scalar expression's value; with ``stmt``, compiled once and kept with its statement."""
        if stmt is None:
            plan = compile_expression(node, self._context(frame))
        else:
            plan = self._plan(stmt, frame, lambda: compile_expression(node, self._context(frame)), ("value", variant))
        cursor = self._execute(plan, frame)
        row = self._fetch(cursor, 1)
        cursor.close()
        return plan.readers[0](row[0][0]) if row else None

    def _condition(self, stmt: Statement, frame: Frame) -> bool:
        tree = _condition_tree(stmt)
        plan = self._plan(stmt, frame, lambda: compile_query(tree, self._context(frame)))
        cursor = self._execute(plan, frame)
        row = self._fetch(cursor, 1)
        cursor.close()
        return bool(row and row[0][0])

    def _variable(self, frame: Frame, name: str) -> Variable:
        """A variable of the frame; one whose DECLARE has not run (a branch not taken) exists, NULL."""
        variable = frame.variables.get(name)
        if variable is None:
            declared = frame.declared.get(name)
            if declared is None:
                raise errors.must_declare(f"@{name}")
            variable = frame.variables[name] = Variable(declared)
        return variable

    def _set_variable(self, frame: Frame, name: str, value: Any) -> None:
        variable = self._variable(frame, name)
        variable.value = (
            None if value is None else values.cast(value, variable.type, dateformat=self.options.dateformat)
        )

    def _variable_value(self, frame: Frame, text: str) -> Any:
        return self._variable(frame, text.lstrip("@").lower()).value

    def _context(self, frame: Frame) -> _Context:
        return _Context(self, frame)

    # --- plans and the store -------------------------------------------------------------------

    def _plan(self, stmt: Statement, frame: Frame, build: Any, variant: object = None) -> Plan:
        """The statement's compiled plan, reused while the catalog it was built on holds."""
        options = self.options
        key = (self.database.lower(), variant, options.ansi_nulls, options.concat_null_yields_null)
        plan = stmt.plans.get(key)
        if plan is None or not self._current(plan):
            plan = build()
            stmt.plans[key] = plan
            self.engine.compile_count += 1
        if self._compiling_only:
            raise _Compiled
        return plan

    def _current(self, plan: Plan) -> bool:
        if not plan.dependencies:
            return True
        con = self._connection()
        for db, version in plan.dependencies:
            if db != "temp":
                self._attach(db)
            if catalog.schema_version(con, db) != version:
                return False
        return True

    def _execute(self, plan: Plan, frame: Frame) -> sqlite3.Cursor:
        params = {}
        for name in plan.variables:
            variable = self._variable(frame, name)
            params[name] = values.storage_value(variable.value, variable.type)
        con = self._eval_connection(plan)
        if plan.touches_store:
            self._ensure_transaction()
            for view in plan.system_views:
                self._materialize(view)
        return self._run_sql(con, plan.sql, params)

    def _run_sql(self, con: sqlite3.Connection, sql: str, params: Any = ()) -> sqlite3.Cursor:
        if self._compiling_only:
            raise _Uncompiled
        deadline = None if self.options.lock_timeout < 0 else time.monotonic() + self.options.lock_timeout / 1000
        functions.CURRENT.error = None
        while True:
            try:
                return con.execute(sql, params)
            except sqlite3.OperationalError as exc:
                if _is_busy(exc) and not self.cancel.is_set():
                    if deadline is not None and time.monotonic() >= deadline:
                        raise errors.lock_timeout() from None
                    if con.in_transaction and "deadlock" in str(exc).lower():
                        raise errors.deadlock(self.info.spid) from None
                    time.sleep(0.005)
                    continue
                raise self._store_error(exc) from None
            except sqlite3.Error as exc:
                raise self._store_error(exc) from None

    def _store_error(self, exc: sqlite3.Error) -> SqlError | Cancelled:
        pending = getattr(functions.CURRENT, "error", None)
        if pending is not None:
            functions.CURRENT.error = None
            return pending
        text = str(exc)
        if "interrupted" in text:
            return Cancelled()
        return store_error(text, self)

    def _eval_connection(self, plan: Plan) -> sqlite3.Connection:
        if not plan.touches_store and self._inline:
            return self.engine.scratch()
        return self._connection()

    def _connection(self) -> sqlite3.Connection:
        if self._con is None:
            con = self.engine.store.connect()
            catalog.install(con, "temp")
            self._con = con
            self._attached = set()
        self._attach(self.database)
        return self._con

    def _attach(self, database: str) -> None:
        lowered = database.lower()
        if lowered in self._attached or lowered == "temp":
            return
        con = self._con
        assert con is not None
        if len(self._attached) >= 9 and not con.in_transaction:
            for other in list(self._attached):
                if other != self.database.lower():
                    con.execute(f"DETACH DATABASE {quote(other)}")
                    self._attached.discard(other)
                    break
        self.engine.store.attach(
            con, self.engine.database(database).name if self.engine.database(database) else database
        )
        self._attached.add(lowered)

    def _catalog(self, db: str) -> catalog.Catalog:
        con = self._connection()
        if db == "temp":
            version = catalog.schema_version(con, "temp")
            if self._temp_catalog is None or self._temp_catalog.version != version:
                self._temp_catalog = catalog.load(con, "temp", version)
            return self._temp_catalog
        self._attach(db)
        return self.engine.catalogs.get(con, db)

    def _ensure_transaction(self) -> None:
        if self._compiling_only:
            raise _Uncompiled
        con = self._connection()
        if (self.trancount or self.options.implicit_transactions) and not con.in_transaction:
            if self.options.implicit_transactions and not self.trancount:
                self.trancount = 1
            con.execute("BEGIN")

    def _in_write(self, action: Any) -> Any:
        """DDL and catalog writes: atomic in their own transaction unless one is open."""
        con = self._connection()
        self._ensure_transaction()
        own = not con.in_transaction
        if own:
            self._run_sql(con, "BEGIN IMMEDIATE")
        else:  # the statement is atomic inside the open transaction too
            con.execute('SAVEPOINT "__tdsnet_write"')
        try:
            result = action()
        except sqlite3.Error as exc:
            ddl.rollback(self, con, "" if own else "__tdsnet_write")
            raise self._store_error(exc) from None
        except BaseException:
            ddl.rollback(self, con, "" if own else "__tdsnet_write")
            raise
        if own:
            con.execute("COMMIT")
        else:
            con.execute('RELEASE "__tdsnet_write"')
            ddl.note_schema_versions(self)
        return result

    def _prepare_store_write(self) -> None:
        """Server statements may touch master: make sure a connection exists."""
        if not self._inline:
            self._connection()

    def next_identity(self) -> int:
        counter = self._identity_counter
        if counter is None:
            raise SqlError(8624, 16, 1, "Internal error: no identity range is open.")
        value = counter.next_value
        counter.last = value
        counter.next_value += counter.increment
        return value

    def _materialize(self, name: str) -> None:
        view = self.engine.registry.views[name.split("|", maxsplit=1)[0]]
        database = name.split("|")[1] if "|" in name else self.database
        con = self._connection()
        table = f"temp.{quote(name)}"
        cols = ", ".join(f"{quote(c.name)} {ddl.storage_clause(c.type, None)}" for c in view.columns)
        con.execute(f"CREATE TEMP TABLE IF NOT EXISTS {quote(name)} ({cols})")
        con.execute(f"DELETE FROM {table}")
        previous = self.database
        self.database = database
        try:
            rows = [
                tuple(values.storage_value(v, c.type) for v, c in zip(row, view.columns, strict=True))
                for row in view.rows(self)
            ]
        finally:
            self.database = previous
        if rows:
            marks = ", ".join("?" for _ in view.columns)
            con.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)

    def _temp_table_ids(self) -> set[int] | None:
        return None if self._con is None else {t.object_id for t in self._catalog("temp").tables.values()}

    def _drop_temp_tables(self, keep: set[int] | None = None) -> None:
        """Drop the session's #temp tables (those not in ``keep``, the ones a procedure made)."""
        if self._con is None:
            return
        cat = self._catalog("temp")
        for table in [t for t in cat.tables.values() if keep is None or t.object_id not in keep]:
            self._in_write(lambda t=table: ddl.drop_table(self._con, "temp", t.storage_name, t.object_id))

    # --- transactions --------------------------------------------------------------------------

    def _begin(self, name: str = "") -> Iterator[Result]:
        self.trancount += 1
        if self.trancount == 1:
            self.transaction_descriptor = next(_descriptors)
            self.doomed = False
            self.transaction_name = name
            yield EnvChange(EnvKind.BEGIN_TRANSACTION, self.transaction_descriptor, 0)

    def _commit(self) -> Iterator[Result]:
        if self.trancount == 0:
            raise errors.no_transaction_commit()
        if self.doomed:
            raise errors.uncommittable_transaction()
        self.trancount -= 1
        if self.trancount == 0:
            self._savepoints.clear()
            self.engine.applocks.release_all(self.info.spid, "Transaction")
            if self._con is not None and self._con.in_transaction:
                try:
                    self._run_sql(self._con, "COMMIT")
                except SqlError:
                    self.trancount = 1
                    raise
            descriptor, self.transaction_descriptor = self.transaction_descriptor, 0
            yield EnvChange(EnvKind.COMMIT_TRANSACTION, 0, descriptor)

    def _rollback(self, name: str | None, quiet: bool = False) -> Iterator[Result]:
        if self.trancount == 0:
            if quiet:
                return
            raise errors.no_transaction_rollback()
        con = self._con
        if name and name != self.transaction_name:
            if name not in self._savepoints:
                raise SqlError(
                    6401, 16, 1, f"Cannot roll back {name}. No transaction or savepoint of that name was found."
                )
            if con is not None and con.in_transaction:
                tablevars.rolled_back(self, lambda: con.execute(f"ROLLBACK TO {quote(name.lower())}"))
                ddl.after_rollback(self)
            return
        self.trancount = 0
        self.doomed = False
        self._savepoints.clear()
        self.engine.applocks.release_all(self.info.spid, "Transaction")
        if con is not None and con.in_transaction:
            tablevars.rolled_back(self, lambda: con.execute("ROLLBACK"))
            ddl.after_rollback(self)
        descriptor, self.transaction_descriptor = self.transaction_descriptor, 0
        yield EnvChange(EnvKind.ROLLBACK_TRANSACTION, 0, descriptor)

    def _savepoint(self, name: str) -> None:
        if self.trancount == 0:
            raise SqlError(628, 16, 0, "Cannot issue SAVE TRANSACTION when there is no active transaction.")
        con = self._connection()
        self._ensure_transaction()
        con.execute(f"SAVEPOINT {quote(name.lower())}")
        self._savepoints.add(name)

    # --- what the engine asks the session ------------------------------------------------------

    def system_variable(self, name: str) -> Any:
        server = self.engine.server
        simple = {
            "SPID": self.info.spid,
            "ROWCOUNT": self.rowcount,
            "ERROR": self.last_error,
            "TRANCOUNT": self.trancount,
            "LANGUAGE": self.options.language,
            "LANGID": 0,
            "OPTIONS": self.options.bits,
            "MAX_PRECISION": 38,
            "DATEFIRST": self.options.datefirst,
            "LOCK_TIMEOUT": self.options.lock_timeout,
            "TEXTSIZE": self.options.textsize,
            "SERVERNAME": server.server_name,
            "SERVICENAME": server.service_name,
            "VERSION": version_string(server),
            "NESTLEVEL": self.nest_level,
            "PROCID": 0,
            "IDENTITY": Decimal(self.identity) if self.identity is not None else None,  # numeric(38,0)
            "FETCH_STATUS": cursors.fetch_status(self),
            "MAX_CONNECTIONS": 32767,
            "MICROSOFTVERSION": (system.PRODUCT_MAJOR << 24) | system.PRODUCT_BUILD,
            "CONNECTIONS": 0,
            "DBTS": b"\x00" * 8,
            "REMSERVER": None,
            "CURSOR_ROWS": cursors.cursor_rows(self),
        }
        if name in simple:
            return values.dynamic_storage(simple[name])
        return 0

    def system_function(self, name: str, args: Sequence[Any]) -> Any:
        handler = self.engine.registry.functions.get(name)
        if handler is not None:
            return values.dynamic_storage(handler(self, list(args)))
        return values.dynamic_storage(builtin_session_function(self, name, list(args)))


# --- helpers ------------------------------------------------------------------------------------


def version_string(server: Any) -> str:
    return (
        f"Microsoft SQL Server 2022 ({server.product_level}) - {system.PRODUCT_VERSION} (X64) \n"
        f"\ttdsnet {_package_version()} on SQLite {sqlite3.sqlite_version}\n"
        f"\t{server.edition} on {server.platform}"
    )


def _package_version() -> str:
    from .. import __version__

    return __version__


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc)
    return "locked" in text or "busy" in text


_NOT_NULL = re.compile(r"NOT NULL constraint failed: (?:[^.]+\.)?(.+)\.([^.]+)$")
_UNIQUE = re.compile(r"UNIQUE constraint failed: (.+)$")


def store_error(text: str, session: EngineSession) -> SqlError:
    """SQLite's complaint as SQL Server's error."""
    match = _NOT_NULL.search(text)
    if match:
        table, column = match.group(1), match.group(2)
        return errors.null_not_allowed(column, f"{session.database}.{table}")
    match = _UNIQUE.search(text)
    if match:
        first = match.group(1).split(",")[0].strip()
        table = first.rsplit(".", 1)[0] if "." in first else first
        return SqlError(
            2627,
            14,
            1,
            f"Violation of PRIMARY KEY or UNIQUE KEY constraint. Cannot insert duplicate key in object '{table}'.",
        )
    if "FOREIGN KEY constraint failed" in text:
        return SqlError(547, 16, 0, "The statement conflicted with a FOREIGN KEY constraint.")
    if "CHECK constraint failed" in text:
        name = text.split(":", 1)[1].strip() if ":" in text else ""
        return SqlError(547, 16, 0, f'The statement conflicted with the CHECK constraint "{name}".')
    if "no such table" in text:
        return errors.invalid_object(text.split(":", 1)[-1].strip())
    if text == "integer overflow":  # SQLite's sum() (and abs()) past 64 bits: a bigint total
        return errors.arithmetic_overflow("bigint")
    return SqlError(8624, 16, 1, f"Internal Query Processor Error: {text}")


def _argument(value: Any, st: SqlType) -> Any:
    """An argument converted to its parameter's type: 8114 where it does not convert."""
    try:
        return values.cast(value, st)
    except SqlError as error:
        if error.number in (245, 241, 8114, 8115):
            raise errors.conversion_error(values.source_name(value), st.name) from None
        raise


def _bare(procedure: str) -> str:
    """A procedure as messages name it: without its schema (ERROR_PROCEDURE() keeps it)."""
    return procedure.rsplit(".", 1)[-1]


@dataclass(slots=True)
class _Arg:
    name: str | None
    value: Any
    type: SqlType | None
    output: bool
    expression: exp.Expression | None = None
    default: bool = False  # EXEC p DEFAULT

    def target_variable(self) -> str | None:
        if isinstance(self.expression, exp.Parameter):
            return self.expression.name.lower()
        return None


@dataclass(slots=True)
class _ExecCall:
    procedure: str
    arguments: list[tuple[str | None, exp.Expression | None, bool]]
    status_variable: str | None = None


def _parse_exec(stmt: Statement) -> _ExecCall:
    """EXEC [@status =] proc [arg [, ...]] where arg is [@name =] value [OUTPUT]."""
    text = stmt.text
    match = re.match(r"(?is)\s*EXEC(?:UTE)?\s+(?:@(\w+)\s*=\s*)?([\w.\[\]#$@]+)\s*(.*?)\s*;?\s*$", text)
    if not match:
        raise errors.syntax_error(stmt.word(1), stmt.line)
    status, procedure, rest = (
        match.group(1),
        match.group(2).replace("[", "").replace("]", ""),
        match.group(3),
    )
    arguments: list[tuple[str | None, exp.Expression | None, bool]] = []
    if rest:
        for written in _split_arguments(rest):
            output = bool(re.search(r"(?i)\s+OUT(PUT)?\s*$", written))
            part = re.sub(r"(?i)\s+OUT(PUT)?\s*$", "", written)
            named = re.match(r"(?s)\s*@(\w+)\s*=\s*(.*)$", part)
            name = named.group(1) if named else None
            value_text = named.group(2) if named else part
            if value_text.strip().upper() == "DEFAULT":
                arguments.append((name, None, output))
                continue
            expression = parse_one(f"SELECT {value_text}").expressions[0]
            arguments.append((name, expression, output))
    return _ExecCall(procedure, arguments, status.lower() if status else None)


def _split_arguments(text: str) -> list[str]:
    parts, depth, current, quote_open = [], 0, [], False
    for ch in text:
        if ch == "'":
            quote_open = not quote_open
        elif not quote_open:
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
            elif ch == "," and depth == 0:
                parts.append("".join(current))
                current = []
                continue
        current.append(ch)
    if "".join(current).strip():
        parts.append("".join(current))
    return parts


def _dropped_names(stmt: Statement) -> list[list[str]]:
    """The object names of DROP PROCEDURE/FUNCTION [IF EXISTS] a, b.c: each as its dotted parts."""
    tokens = stmt.tokens[2:]
    if len(tokens) >= 2 and tokens[0].text.upper() == "IF" and tokens[1].text.upper() == "EXISTS":
        tokens = tokens[2:]
    names: list[list[str]] = [[]]
    for token in tokens:
        if token.token_type == TokenType.COMMA:
            names.append([])
        elif token.token_type == TokenType.SEMICOLON:
            break
        elif token.token_type != TokenType.DOT:
            names[-1].append(token.text)
    if not all(names):
        raise errors.syntax_error("", stmt.line)
    return names


def _parameter_for(spec: modules.ModuleSpec, args: list[Any], index: int) -> modules.Parameter | None:
    arg = args[index]
    if arg.name:
        return next((p for p in spec.parameters if p.key == arg.name.lower().lstrip("@")), None)
    return spec.parameters[index] if index < len(spec.parameters) else None


_SPECIAL_PROCEDURES: dict[str, Any] = {}


def _param_value(params: list[Any], index: int) -> Any:
    return params[index].value if len(params) > index else None


def _outputs(
    parameters: list[tuple[str, SqlType, bool]], args: list[Any], frame: Frame, first: int
) -> Iterator[Result]:
    """RETURNVALUEs for the OUTPUT parameters the caller passed as OUTPUT; ``first`` is the ordinal of
    the first declared parameter (sp_executesql's own @stmt and @params come before it)."""
    for index, (name, st, output) in enumerate(parameters):
        arg = _matching_arg(args, index, name) if output else None  # a search: only where it can matter
        if arg is not None and arg.output:
            yield OutputParameter(index + first, f"@{name}", st, frame.variables[name].value)


def _matching_arg(args: list[Any], index: int, name: str) -> Any:
    for arg in args:
        if arg.name and arg.name.lower().lstrip("@") == name:
            return arg
    positional = [a for a in args if not a.name]
    return positional[index] if index < len(positional) else None


def _switches_execution(stmt: Statement) -> bool:
    """SET NOEXEC or SET PARSEONLY: what still runs while either is ON."""
    return stmt.keyword == "SET" and stmt.word(1) in ("NOEXEC", "PARSEONLY")


def _drain(results: Iterator[Result]) -> None:
    """Run a transaction step the client did not ask for, without telling it (no ENVCHANGE)."""
    for _ in results:
        pass


def _bind(parameters: list[tuple[str, SqlType, bool]], args: list[Any]) -> list[Any]:
    """Values for declared parameters from positional or @named arguments."""
    by_name = {a.name.lower().lstrip("@"): a for a in args if a.name}
    positional = [a for a in args if not a.name]
    bound = []
    for index, (name, _st, _output) in enumerate(parameters):
        arg = by_name.get(name) or (positional[index] if index < len(positional) else None)
        if arg is None:
            raise SqlError(
                8178,
                16,
                1,
                f"The parameterized query '({name}...' expects the parameter '@{name}', which was not supplied.",
            )
        bound.append(arg.value)
    known = {name for name, _, _ in parameters}
    for name in by_name:
        if name not in known:
            raise SqlError(8145, 16, 2, f"@{name} is not a parameter for procedure sp_executesql.")
    return bound


def _identifier(token: Any) -> str:
    return token.text


def _condition_tree(stmt: Statement) -> exp.Expression:
    """An IF or WHILE condition as SELECT CASE WHEN <condition> THEN 1 ELSE 0 END."""
    if stmt.parsed is None:
        stmt.parsed = parse_one("SELECT CASE WHEN " + stmt.text + " THEN 1 ELSE 0 END", stmt.line - 1)
    return stmt.parsed  # type: ignore[return-value]


def _parse_expression_statement(stmt: Statement, skip: int) -> exp.Expression:
    """The expression after the first ``skip`` tokens (PRINT x, RETURN x, WAITFOR DELAY x)."""
    if stmt.parsed is None:
        text = stmt.text
        start = stmt.tokens[skip].start - stmt.tokens[0].start
        stmt.parsed = parse_one("SELECT " + text[start:].rstrip(";"), stmt.line - 1).expressions[0]
    return stmt.parsed  # type: ignore[return-value]


class _Context:
    """The compiler's view of the session: current database, tables, variable types."""

    def __init__(self, session: EngineSession, frame: Frame) -> None:
        self.session = session
        self.frame = frame
        self.database = session.database
        self.options = session.options  # the SET options that change what a statement compiles to

    def variable_type(self, name: str) -> SqlType | None:
        variable = self.frame.variables.get(name)
        if variable is not None:
            return variable.type
        return self.frame.declared.get(name)

    def resolve_table(self, catalog_name: str | None, schema: str | None, name: str) -> Source | None:
        session = self.session
        if name.startswith("@"):
            return tablevars.resolve(session, self.frame, name)
        if self.frame.trigger is not None:  # inserted and deleted, in a trigger's statements
            pseudo = triggers.pseudo_table(self.frame, catalog_name, schema, name)
            if pseudo is not None:
                return pseudo
        if name.startswith("##"):
            catalog_name, schema = "tempdb", "dbo"
        elif name.startswith("#"):
            cat = session._catalog("temp")
            table = cat.table("dbo", name)
            return None if table is None else _source("temp", table, cat.version)
        db = catalog_name or session.database
        database = session.engine.database(db)
        if database is None:
            return None
        lowered_schema = (schema or "").lower()
        if lowered_schema in ("sys", "information_schema"):
            return self._system_view(f"{lowered_schema}.{name.lower()}", database.name)
        cat = session._catalog(database.name)
        table = cat.table(schema or "dbo", name)
        if table is None and not schema:
            view = session.engine.registry.views.get(f"sys.{name.lower()}")
            if view is not None and name.lower().startswith("sys"):
                return self._system_view(f"sys.{name.lower()}", database.name)
            return None
        return None if table is None else _source(database.name, table, cat.version)

    def resolve_module(
        self, catalog_name: str | None, schema: str | None, name: str
    ) -> tuple[catalog.ModuleDef, tuple[str, int]] | None:
        found = self.session._find_module([catalog_name or "", schema or "", name])
        if found is None:
            return None
        return found[1], (found[0], self.session._catalog(found[0]).version)

    def resolve_sequence(self, catalog_name: str | None, schema: str | None, name: str) -> Any:
        return sequences.resolve(self.session, catalog_name, schema, name)

    def _system_view(self, key: str, database: str) -> Source | None:
        view = self.session.engine.registry.views.get(key)
        if view is None:
            return None
        storage_name = key if view.server_scoped else f"{key}|{database.lower()}"
        columns = tuple(SourceColumn(c.name, c.type, c.nullable) for c in view.columns)
        return Source("temp", storage_name, key, columns, system_view=storage_name)


def _source(db: str, table: catalog.TableDef, version: int) -> Source:
    columns = tuple(
        SourceColumn(c.name, c.type, c.nullable, c.identity, c.computed_sql is not None) for c in table.columns
    )
    return Source(
        db,
        table.storage_name,
        f"{table.schema}.{table.name}",
        columns,
        table,
        dependency=(db, version),
    )


def builtin_session_function(session: EngineSession, name: str, args: list[Any]) -> Any:
    info = session.info
    current_error = session.caught[-1] if session.caught else None
    if name == "DB_NAME":
        if not args or args[0] is None:
            return session.database
        database = session.engine.database_by_id(int(args[0]))
        return database.name if database else None
    if name == "DB_ID":
        database = session.engine.database(str(args[0])) if args else session.engine.database(session.database)
        return database.database_id if database else None
    if name in ("SCHEMA_NAME", "SCHEMA_ID"):
        return schemas.lookup(session, name, args)
    if name in ("SUSER_SNAME", "SUSER_NAME", "SYSTEM_USER", "ORIGINAL_LOGIN"):
        return info.original_login or info.login if name == "ORIGINAL_LOGIN" else info.login
    if name in ("USER_NAME", "CURRENT_USER", "SESSION_USER", "USER"):
        return "dbo" if info.is_sysadmin else info.login
    if name in ("USER_ID", "DATABASE_PRINCIPAL_ID"):
        return 1 if info.is_sysadmin else 5
    if name == "SUSER_ID":
        return info.principal_id
    if name == "SUSER_SID":
        return info.sid
    if name == "HOST_NAME":
        return info.host_name
    if name == "APP_NAME":
        return info.program_name
    if name == "SERVERPROPERTY":
        return server_property(session, str(args[0]) if args else "")
    if name == "ERROR_NUMBER":
        return current_error.number if current_error else None
    if name == "ERROR_MESSAGE":
        return current_error.message if current_error else None
    if name == "ERROR_SEVERITY":
        return current_error.severity if current_error else None
    if name == "ERROR_STATE":
        return current_error.state if current_error else None
    if name == "ERROR_LINE":
        return current_error.line if current_error else None
    if name == "ERROR_PROCEDURE":
        return (current_error.procedure or None) if current_error else None
    if name == "XACT_STATE":
        return 0 if session.trancount == 0 else (-1 if session.doomed else 1)
    if name in identity.NAMES:
        return identity.call(session, name, args)
    if name == "SCOPE_IDENTITY":
        return Decimal(session.scope_identity) if session.scope_identity is not None else None
    if name in object_functions.NAMES:
        return object_functions.call(session, name, args)
    if name == "TYPE_NAME":
        return _TYPE_IDS.get(int(args[0])) if args and args[0] is not None else None
    if name == "TYPE_ID":
        wanted = str(args[0]).lower() if args else ""
        return next((i for i, n in _TYPE_IDS.items() if n == wanted), None)
    found = properties.call(session, name, args)
    if found is not properties.MISSING:
        return found
    raise errors.not_supported(f"the function {name}")


_TYPE_IDS = {
    34: "image",
    35: "text",
    36: "uniqueidentifier",
    40: "date",
    41: "time",
    42: "datetime2",
    43: "datetimeoffset",
    48: "tinyint",
    52: "smallint",
    56: "int",
    58: "smalldatetime",
    59: "real",
    60: "money",
    61: "datetime",
    62: "float",
    98: "sql_variant",
    99: "ntext",
    104: "bit",
    106: "decimal",
    108: "numeric",
    122: "smallmoney",
    127: "bigint",
    165: "varbinary",
    167: "varchar",
    173: "binary",
    175: "char",
    189: "timestamp",
    231: "nvarchar",
    239: "nchar",
    241: "xml",
    256: "sysname",
}


def server_property(session: EngineSession, name: str) -> Any:
    server = session.engine.server
    props = {
        "productversion": system.PRODUCT_VERSION,
        "productlevel": server.product_level,
        "productmajorversion": str(system.PRODUCT_MAJOR),
        "productminorversion": str(system.PRODUCT_MINOR),
        "productbuild": str(system.PRODUCT_BUILD),
        "edition": server.edition,
        "editionid": -2117995310,
        "engineedition": server.engine_edition,
        "servername": server.server_name,
        "instancename": server.instance_name or None,
        "machinename": server.machine_name,
        "computernamephysicalnetbios": server.machine_name,
        "collation": storage.DEFAULT_COLLATION,
        "sqlcharsetname": "iso_1",
        "sqlsortordername": "nocase_iso",
        "lcid": 1033,
        "isclustered": 0,
        "isfulltextinstalled": 0,
        "isintegratedsecurityonly": 0,
        "issingleuser": 0,
        "ishadrenabled": 0,
        "isxtpsupported": 0,
        "isadvancedanalyticsinstalled": 0,
        "ispolybaseinstalled": 0,
        "processid": __import__("os").getpid(),
        "resourceversion": system.PRODUCT_VERSION,
        "buildclrversion": "v4.0.30319",
        "productupdatelevel": None,
        "hadrmanagerstatus": None,
        "filestreamconfiguredlevel": 0,
        "filestreamsharename": None,
    }
    props.update({k.lower(): v for k, v in server.extra.items()})
    return props.get(name.lower())


_SPECIAL_PROCEDURES.update(
    {
        "sp_executesql": EngineSession._sp_executesql,
        "sp_prepare": lambda self, params: self._sp_prepare(params, execute=False),
        "sp_prepexec": lambda self, params: self._sp_prepare(params, execute=True),
        "sp_execute": EngineSession._sp_execute,
        "sp_prepexecrpc": EngineSession._sp_prepexecrpc,
        "sp_unprepare": EngineSession._sp_unprepare,
        "sp_reset_connection": EngineSession._sp_reset_connection,
    }
)

_HANDLERS = {
    "SELECT": EngineSession._select,
    "WITH": EngineSession._select,
    "INSERT": EngineSession._dml,
    "UPDATE": EngineSession._dml,
    "DELETE": EngineSession._dml,
    "MERGE": EngineSession._dml,
    "TRUNCATE": dmlexec.truncate,
    "CREATE": EngineSession._create,
    "ALTER": EngineSession._alter,
    "DROP": EngineSession._drop,
    "USE": EngineSession._use,
    "DECLARE": EngineSession._declare,
    "SET": EngineSession._set,
    "PRINT": EngineSession._print,
    "RAISERROR": EngineSession._raiserror,
    "THROW": EngineSession._throw,
    "RETURN": EngineSession._return,
    "WAITFOR": EngineSession._waitfor,
    "BEGIN": EngineSession._begin_statement,
    "COMMIT": EngineSession._commit_statement,
    "ROLLBACK": EngineSession._rollback_statement,
    "SAVE": EngineSession._save_statement,
    "EXEC": EngineSession._exec,
    "EXECUTE": EngineSession._exec,
    "ENABLE": triggers.enable_statement,
    "DISABLE": triggers.enable_statement,
    **cursors.HANDLERS,
}

# Keywords of statements that never touch the store and never wait: safe on the event loop.
_INLINE = {"SELECT", "SET", "DECLARE", "PRINT", "RAISERROR", "THROW", "USE", "BEGIN", "RETURN"}


def _inline_statement(session: EngineSession, stmt: Statement) -> bool:
    keyword = stmt.keyword
    if keyword not in _INLINE and keyword != "CONDITION":
        return False
    words = [t.text.upper() for t in stmt.tokens[:4]]
    if session.engine.registry.find_statement(words) is not None:
        return False
    if keyword == "BEGIN":
        return stmt.word(1) in ("TRAN", "TRANSACTION")
    if keyword == "SET" and stmt.word(1) == "IDENTITY_INSERT":
        return False
    try:
        text = stmt.text
        tree = parse_one(text if keyword != "CONDITION" else f"SELECT CASE WHEN {text} THEN 1 ELSE 0 END")
    except SqlError:
        return False
    if tree.find(exp.Table) is not None and keyword != "USE":
        return False
    if tree.find(exp.NextValueFor) is not None:
        return False
    if keyword == "DECLARE" and tree.find(exp.Schema) is not None:
        return False  # a table variable is a table in the store
    for node in tree.find_all(exp.Anonymous):
        name = str(node.this).upper()
        if system.SESSION_FUNCTIONS.get(name, (None, False))[1]:
            return False
    return True


def _inline_node(session: EngineSession, node: Node) -> bool:
    if isinstance(node, Statement):
        return _inline_statement(session, node)
    if isinstance(node, Block):
        return all(_inline_node(session, n) for n in node.statements)
    if isinstance(node, If):
        return (
            _inline_statement(session, node.condition)
            and _inline_node(session, node.then)
            and (node.otherwise is None or _inline_node(session, node.otherwise))
        )
    return False


__all__ = ["EngineSession", "ParsedBatch", "SessionInfo", "parse_batch"]
