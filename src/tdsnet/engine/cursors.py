"""T-SQL cursors: DECLARE CURSOR, OPEN, FETCH, CLOSE, DEALLOCATE, cursor variables, CURSOR_STATUS(),
@@FETCH_STATUS, @@CURSOR_ROWS and UPDATE/DELETE ... WHERE CURRENT OF.

    DECLARE name [INSENSITIVE] [SCROLL] CURSOR FOR select [FOR {READ ONLY | UPDATE [OF column, ...]}]
    DECLARE name CURSOR [LOCAL | GLOBAL] [FORWARD_ONLY | SCROLL] [STATIC | KEYSET | DYNAMIC | FAST_FORWARD]
        [READ_ONLY | SCROLL_LOCKS | OPTIMISTIC] [TYPE_WARNING] FOR select [FOR UPDATE [OF column, ...]]
    DECLARE @c CURSOR;  SET @c = CURSOR [options] FOR select;  SET @c = @other | name

What a cursor sees, by type (SQL Server's sensitivity, as far as one SQLite connection honours it):

* STATIC and INSENSITIVE: the rows as they were at OPEN, copied then; read-only.
* KEYSET (and SCROLL without a type, ISO or T-SQL syntax): the rows' keys (their rowids) are fixed at
  OPEN; each FETCH reads the row's current values, and a row deleted since is @@FETCH_STATUS -2.
* DYNAMIC, FAST_FORWARD and the default (FORWARD_ONLY, which SQL Server runs as dynamic): over one
  table without ORDER BY or TOP, each FETCH finds the next qualifying row by rowid, so rows changed,
  deleted or inserted after OPEN are seen as SQL Server's dynamic cursor sees them.  With ORDER BY or
  TOP the keys are fixed at OPEN and each FETCH reads the row again, skipping rows that were deleted or
  no longer qualify (rows inserted after OPEN are not seen: a documented difference).
* A query over more than one table, or with GROUP BY, DISTINCT, aggregates, UNION, a view or a function,
  cannot be keyed by one table's rows: its cursor is STATIC (SQL Server converts such cursors too).

Only keyed cursors that are not READ_ONLY can be used in WHERE CURRENT OF.  LOCAL cursors and cursor
variables belong to the frame (batch, procedure, trigger) that declared them and end with it; GLOBAL
cursors (the default, as CURSOR_DEFAULT GLOBAL) end with the session.  Not supported: cursor OUTPUT
parameters of procedures, SCROLL_LOCKS/OPTIMISTIC concurrency checks (accepted, no locks are held),
CURSOR_CLOSE_ON_COMMIT.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlglot import exp
from sqlglot.tokens import Token, TokenType

from .. import sqltypes
from ..sqltypes import Column
from . import batch, dml, dmlexec, errors, system
from .compiler import Compiling, compile_query, resolve_source, rewrite, set_type, sqlite_sql
from .dialect import parse_one
from .errors import SqlError
from .results import Result, ResultSet, StatementDone

if TYPE_CHECKING:
    from .batch import Statement
    from .session import EngineSession, Frame

ROW_VARIABLE = "__tdsnet_cursor_row"  # the current row's rowid, for WHERE CURRENT OF
_KEY_VARIABLE = "__tdsnet_cursor_key"
_FETCH_KINDS = ("NEXT", "PRIOR", "FIRST", "LAST", "ABSOLUTE", "RELATIVE")
_OPTIONS = frozenset(
    {
        "LOCAL",
        "GLOBAL",
        "FORWARD_ONLY",
        "SCROLL",
        "STATIC",
        "KEYSET",
        "DYNAMIC",
        "FAST_FORWARD",
        "READ_ONLY",
        "SCROLL_LOCKS",
        "OPTIMISTIC",
        "TYPE_WARNING",
        "INSENSITIVE",
    }
)


# --- declarations ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Declaration:
    """What DECLARE CURSOR (or SET @c = CURSOR) says: its options and its SELECT."""

    scope: str  # LOCAL or GLOBAL
    scroll: bool
    kind: str  # STATIC, KEYSET, DYNAMIC or FAST_FORWARD
    read_only: bool
    update_columns: tuple[str, ...] | None  # FOR UPDATE OF (None: any column)
    select: str
    line: int


@dataclass(slots=True)
class CursorPlan:
    """A cursor's query compiled: its result columns, and the SQL of each way of reading it."""

    columns: tuple[Column, ...]
    readers: tuple[Callable[[Any], Any], ...]
    static_sql: str
    keyed: dict[str, str] | None  # snapshot, refetch, requalify, next, prior, first, last
    table: Any  # the Source the rows are keyed by
    variables: tuple[str, ...]
    system_views: tuple[str, ...]
    dependencies: tuple[tuple[str, int], ...]
    ordered: bool  # ORDER BY or TOP: a dynamic cursor keeps its keys from OPEN


@dataclass(slots=True)
class Cursor:
    name: str
    declaration: Declaration
    statement: Statement  # the DECLARE (or SET), whose plans cache the compiled query
    is_open: bool = False
    plan: CursorPlan | None = None
    mode: str = "static"  # static, keyset, requalify (dynamic with fixed keys) or dynamic
    rows: list[Any] = field(default_factory=list)  # static: the rows; keyset and requalify: the keys
    position: int = -1  # in ``rows``: -1 before the first, len(rows) after the last
    current: Any = None  # the current row's rowid (keyed modes)
    after_last: bool = False  # dynamic: past the end
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def updatable(self) -> bool:
        d = self.declaration
        return not d.read_only and self.mode != "static" and d.kind not in ("STATIC", "FAST_FORWARD")


@dataclass(slots=True)
class _SessionCursors:
    globals: dict[str, Cursor] = field(default_factory=dict)
    frames: list[Any] = field(default_factory=list)  # frames holding LOCAL cursors or cursor variables
    fetch_status: int = -1
    last_opened: Cursor | None = None


_SESSIONS: weakref.WeakKeyDictionary[Any, _SessionCursors] = weakref.WeakKeyDictionary()


def _state(session: EngineSession) -> _SessionCursors:
    found = _SESSIONS.get(session)
    if found is None:
        found = _SESSIONS[session] = _SessionCursors()
    return found


def declares_cursor(stmt: Statement) -> bool:
    """DECLARE name [INSENSITIVE] [SCROLL] CURSOR ...: a cursor, not variables."""
    tokens = stmt.tokens
    if len(tokens) < 3 or tokens[1].token_type == TokenType.PARAMETER:
        return False
    return any(batch.upper(t) == "CURSOR" for t in tokens[2:5])


def is_cursor_type(kind: Any) -> bool:
    """DECLARE @c CURSOR: sqlglot's type of a cursor variable."""
    return isinstance(kind, exp.DataType) and str(kind.args.get("kind") or "").upper() == "CURSOR"


def _declaration(stmt: Statement, start: int, iso: list[str]) -> Declaration:
    """Options and query from the token after CURSOR on (``iso``: INSENSITIVE/SCROLL before CURSOR)."""
    tokens = [t for t in stmt.tokens if t.token_type != TokenType.SEMICOLON]
    options: list[str] = []
    pos = start
    while pos < len(tokens) and batch.upper(tokens[pos]) != "FOR":
        word = batch.upper(tokens[pos])
        if word not in _OPTIONS or word in options or (iso and word != "INSENSITIVE"):
            raise _syntax(tokens[pos])
        options.append(word)
        pos += 1
    if pos + 1 >= len(tokens):
        raise errors.syntax_error("", stmt.line)
    end, read_only, for_update, columns = _for_clause(tokens, pos + 1)
    first, last = tokens[pos + 1], tokens[end - 1]
    base = stmt.tokens[0].start
    select = stmt.text[first.start - base : last.end + 1 - base]
    declaration = _options(iso + options, select, first.line, read_only, columns)
    if for_update and declaration.read_only and not read_only:
        raise SqlError(16957, 16, 1, "FOR UPDATE cannot be specified on a READ ONLY cursor.")
    return declaration


def _for_clause(tokens: list[Token], start: int) -> tuple[int, bool, bool, tuple[str, ...] | None]:
    """The trailing FOR READ ONLY | FOR UPDATE [OF columns]: (where the query ends, read only, for update,
    the columns)."""
    depth = 0
    for index in range(start, len(tokens)):
        kind = tokens[index].token_type
        depth += 1 if kind == TokenType.L_PAREN else -1 if kind == TokenType.R_PAREN else 0
        if depth or batch.upper(tokens[index]) != "FOR" or index + 1 >= len(tokens):
            continue
        following = batch.upper(tokens[index + 1])
        if following == "READ" and index + 2 < len(tokens) and batch.upper(tokens[index + 2]) == "ONLY":
            return index, True, False, None
        if following == "UPDATE":
            rest = tokens[index + 2 :]
            if not rest:
                return index, False, True, None
            if batch.upper(rest[0]) != "OF":
                raise _syntax(rest[0])
            names = tuple(t.text for t in rest[1:] if t.token_type != TokenType.COMMA)
            if not names:
                raise errors.syntax_error("", rest[0].line)
            return index, False, True, names
    return len(tokens), False, False, None


def _options(
    options: list[str], select: str, line: int, read_only: bool, columns: tuple[str, ...] | None
) -> Declaration:
    chosen = set(options)
    kinds = [k for k in ("STATIC", "KEYSET", "DYNAMIC", "FAST_FORWARD") if k in chosen]
    if "INSENSITIVE" in chosen:
        kinds.append("STATIC")
    if len(kinds) > 1 or ("LOCAL" in chosen and "GLOBAL" in chosen) or {"FORWARD_ONLY", "SCROLL"} <= chosen:
        raise _conflict(options)
    # Without a type: forward-only cursors are dynamic, scrollable ones keyset-driven (all FETCH options).
    kind = kinds[0] if kinds else ("KEYSET" if "SCROLL" in chosen else "DYNAMIC")
    if kind == "FAST_FORWARD" and chosen & {"SCROLL", "SCROLL_LOCKS", "OPTIMISTIC"}:
        raise _conflict(options)
    scroll = "SCROLL" in chosen or (bool(kinds) and kind != "FAST_FORWARD" and "FORWARD_ONLY" not in chosen)
    if "INSENSITIVE" in chosen:
        scroll = "SCROLL" in chosen
    fixed_read_only = kind in ("STATIC", "FAST_FORWARD") or "READ_ONLY" in chosen
    scope = "LOCAL" if "LOCAL" in chosen else "GLOBAL"
    return Declaration(scope, scroll, kind, read_only or fixed_read_only, columns, select, line)


def _conflict(options: list[str]) -> SqlError:
    return SqlError(1048, 15, 1, f"Conflicting cursor options {' and '.join(options[-2:])}.")


def _syntax(token: Token) -> SqlError:
    return errors.syntax_error(token.text, token.line)


def check(stmt: Statement) -> Declaration:
    """DECLARE name ... CURSOR FOR select, read (once) and its query's syntax checked, as the batch compiles."""
    if isinstance(stmt.parsed, Declaration):
        return stmt.parsed
    words = [batch.upper(t) for t in stmt.tokens]
    at = words.index("CURSOR", 2)
    iso = words[2:at]
    if any(w not in ("INSENSITIVE", "SCROLL") for w in iso):
        raise _syntax(stmt.tokens[2])
    declaration = _declaration(stmt, at + 1, iso)
    parse_one(declaration.select, declaration.line - 1)
    stmt.parsed = declaration
    return declaration


def declare(session: EngineSession, stmt: Statement, frame: Frame) -> bool:
    """Run a DECLARE: a cursor (True: nothing else to do) or its cursor variables (False: the session
    declares the other variables)."""
    if not declares_cursor(stmt):
        tree = stmt.parsed
        if isinstance(tree, exp.Declare):
            for item in tree.expressions:
                if is_cursor_type(item.args.get("kind")):
                    for target in item.this if isinstance(item.this, list) else [item.this]:
                        _register(session, frame).setdefault("@" + target.name.lower(), None)
        return False
    if getattr(session, "_compiling_only", False):
        return True  # engine.autoparam compiling a batch: a declaration has no plan, and no effect yet
    declaration = check(stmt)
    name = stmt.tokens[1].text
    state = _state(session)
    if declaration.scope == "GLOBAL":
        if name.lower() in state.globals:
            raise _exists(name)
        state.globals[name.lower()] = Cursor(name, declaration, stmt)
    else:
        local = _register(session, frame)
        if name.lower() in local:
            raise _exists(name)
        local[name.lower()] = Cursor(name, declaration, stmt)
    session.rowcount = 1  # DECLARE CURSOR sets @@ROWCOUNT to 1
    return True


def _register(session: EngineSession, frame: Frame) -> dict[str, Any]:
    """The frame's own cursors (LOCAL ones by name, cursor variables by @name)."""
    if frame.cursors is None:
        frame.cursors = {}
        _state(session).frames.append(frame)
    return frame.cursors


def release(session: EngineSession, frame: Frame) -> None:
    """A batch, procedure or trigger ends: its LOCAL cursors and cursor variables go."""
    if frame.cursors is None:
        return
    state = _SESSIONS.get(session)
    if state is not None and frame in state.frames:
        state.frames.remove(frame)
    frame.cursors = None


def reset(session: EngineSession) -> None:
    """sp_reset_connection: every cursor goes."""
    _SESSIONS.pop(session, None)


def _exists(name: str) -> SqlError:
    return SqlError(16915, 16, 1, f"A cursor with the name '{name}' already exists.")


def _missing(name: str) -> SqlError:
    return SqlError(16916, 16, 1, f"A cursor with the name '{name}' does not exist.")


def _not_open() -> SqlError:
    return SqlError(16917, 16, 1, "Cursor is not open.")


# --- finding a cursor ------------------------------------------------------------------------------


def _reference(tokens: list[Token], pos: int) -> tuple[bool, str, int]:
    """[GLOBAL] name | @variable at ``pos``: (global, name or @name, the position after it)."""
    if pos >= len(tokens):
        raise errors.syntax_error("", tokens[-1].line)
    is_global = batch.upper(tokens[pos]) == "GLOBAL" and pos + 1 < len(tokens)
    if is_global:
        pos += 1
    if tokens[pos].token_type == TokenType.PARAMETER:
        if pos + 1 >= len(tokens):
            raise errors.syntax_error("@", tokens[pos].line)
        return False, "@" + tokens[pos + 1].text, pos + 2
    return is_global, tokens[pos].text, pos + 1


def _find(session: EngineSession, frame: Frame, is_global: bool, name: str) -> Cursor:
    """The cursor a statement names: a cursor variable's, a LOCAL one of the frame, or a GLOBAL one."""
    if name.startswith("@"):
        return _variable_cursor(session, frame, name)
    if not is_global and frame.cursors is not None:
        found = frame.cursors.get(name.lower())
        if found is not None:
            return found
    found = _state(session).globals.get(name.lower())
    if found is None:
        raise _missing(name)
    return found


def _variable_cursor(session: EngineSession, frame: Frame, name: str) -> Cursor:
    key = name.lower()
    if frame.cursors is None or key not in frame.cursors:
        if key[1:] in frame.variables or key[1:] in frame.declared:
            raise SqlError(
                16948,
                16,
                1,
                f"The variable '{name}' is not a cursor variable, but it is used in a place where a cursor variable is "
                "expected.",
            )
        raise errors.must_declare(name)
    found = frame.cursors[key]
    if found is None:
        raise SqlError(16950, 16, 1, f"The variable '{name}' does not currently have a cursor allocated to it.")
    return found


# --- SET @c = CURSOR ... ---------------------------------------------------------------------------


def is_cursor_assignment(stmt: Statement, frame: Frame) -> bool:
    """SET @c = CURSOR ... FOR ... | @other | name, for a cursor variable."""
    if len(stmt.tokens) < 4 or stmt.tokens[1].token_type != TokenType.PARAMETER:
        return False
    if batch.upper(stmt.tokens[4] if len(stmt.tokens) > 4 else stmt.tokens[3]) == "CURSOR":
        return True
    return frame.cursors is not None and "@" + stmt.tokens[2].text.lower() in frame.cursors


def set_variable(session: EngineSession, stmt: Statement, frame: Frame) -> Iterator[Result]:
    if getattr(session, "_compiling_only", False):
        return
    tokens = [t for t in stmt.tokens if t.token_type != TokenType.SEMICOLON]
    name = "@" + tokens[2].text
    if len(tokens) < 5 or tokens[3].token_type != TokenType.EQ:
        raise errors.syntax_error(tokens[-1].text, stmt.line)
    own = frame.cursors if frame.cursors is not None else {}
    if name.lower() not in own:
        _variable_cursor(session, frame, name)  # raises the error that fits
    if batch.upper(tokens[4]) == "CURSOR":
        if not isinstance(stmt.parsed, Declaration):
            stmt.parsed = _declaration(stmt, 5, [])
        cursor = Cursor(name, stmt.parsed, stmt)
    else:
        is_global, other, end = _reference(tokens, 4)
        if end != len(tokens):
            raise _syntax(tokens[end])
        cursor = _find(session, frame, is_global, other)
    _register(session, frame)[name.lower()] = cursor
    return
    yield


# --- OPEN, CLOSE, DEALLOCATE ---------------------------------------------------------------------


def open_statement(session: EngineSession, stmt: Statement, frame: Frame) -> Iterator[Result]:
    cursor = _named(session, stmt, frame)
    if cursor.is_open:
        raise SqlError(16905, 16, 1, "The cursor is already open.")
    plan = _plan(session, cursor, frame)
    cursor.plan = plan
    cursor.params = dmlexec.bind(session, plan.variables, plan.system_views, frame)
    session._ensure_transaction()
    d = cursor.declaration
    if plan.keyed is None or d.kind == "STATIC":
        cursor.mode, sql = "static", plan.static_sql
    elif d.kind == "KEYSET":
        cursor.mode, sql = "keyset", plan.keyed["snapshot"]
    elif plan.ordered:
        cursor.mode, sql = "requalify", plan.keyed["snapshot"]
    else:
        cursor.mode, sql = "dynamic", ""
    rows = dmlexec.fetch_all(session, dmlexec.run_sql(session, sql, cursor.params)) if sql else []
    cursor.rows = rows if cursor.mode == "static" else [r[0] for r in rows]
    cursor.position, cursor.current, cursor.after_last = -1, None, False
    cursor.is_open = True
    _state(session).last_opened = cursor
    yield StatementDone("", in_procedure=frame.in_procedure)


def close_statement(session: EngineSession, stmt: Statement, frame: Frame) -> Iterator[Result]:
    cursor = _named(session, stmt, frame)
    if not cursor.is_open:
        raise _not_open()
    _close(cursor)
    session.rowcount = 0
    yield StatementDone("", in_procedure=frame.in_procedure)


def _close(cursor: Cursor) -> None:
    cursor.is_open = False
    cursor.rows, cursor.position, cursor.current, cursor.after_last = [], -1, None, False


def deallocate_statement(session: EngineSession, stmt: Statement, frame: Frame) -> Iterator[Result]:
    tokens = [t for t in stmt.tokens if t.token_type != TokenType.SEMICOLON]
    is_global, name, end = _reference(tokens, 1)
    if end != len(tokens):
        raise _syntax(tokens[end])
    cursor = _find(session, frame, is_global, name)
    state = _state(session)
    if name.startswith("@"):
        frame.cursors[name.lower()] = None  # type: ignore[index]
    elif not is_global and frame.cursors is not None and frame.cursors.get(name.lower()) is cursor:
        del frame.cursors[name.lower()]
    else:
        state.globals.pop(name.lower(), None)
    if not _referenced(state, cursor):
        _close(cursor)
    session.rowcount = 0
    yield StatementDone("", in_procedure=frame.in_procedure)


def _referenced(state: _SessionCursors, cursor: Cursor) -> bool:
    if any(c is cursor for c in state.globals.values()):
        return True
    return any(c is cursor for f in state.frames for c in (f.cursors or {}).values())


def _named(session: EngineSession, stmt: Statement, frame: Frame) -> Cursor:
    """OPEN/CLOSE [GLOBAL] name | @variable."""
    tokens = [t for t in stmt.tokens if t.token_type != TokenType.SEMICOLON]
    is_global, name, end = _reference(tokens, 1)
    if end != len(tokens):
        raise _syntax(tokens[end])
    return _find(session, frame, is_global, name)


# --- compiling the query ----------------------------------------------------------------------------


def _plan(session: EngineSession, cursor: Cursor, frame: Frame) -> CursorPlan:
    declaration = cursor.declaration
    ctx = session._context(frame)
    return session._plan(cursor.statement, frame, lambda: _compile(declaration, ctx), ("cursor",))


def _compile(declaration: Declaration, ctx: Any) -> CursorPlan:
    tree = parse_one(declaration.select, declaration.line - 1)
    if not isinstance(tree, exp.Query):
        raise errors.syntax_error(declaration.select.split()[0] if declaration.select.split() else "", declaration.line)
    if isinstance(tree, exp.Select) and tree.args.get("into"):
        raise errors.keyword_syntax_error("into", declaration.line)
    plan = compile_query(tree, ctx)
    keyed, variables, table, ordered = _keyed(tree, ctx, declaration.kind)
    variables |= set(plan.variables)
    dependencies = set(plan.dependencies)
    if table is not None and table.dependency:
        dependencies.add(table.dependency)
    return CursorPlan(
        plan.columns,
        plan.readers,
        plan.sql,
        keyed,
        table,
        tuple(sorted(variables - {_KEY_VARIABLE})),
        plan.system_views,
        tuple(sorted(dependencies)),
        ordered,
    )


def _keyed(tree: exp.Query, ctx: Any, kind: str) -> tuple[dict[str, str] | None, set[str], Any, bool]:
    """The forms of a query over one table that read it by rowid (None when it is not such a query), the
    variables they read, the table and whether the query orders (or limits) its rows."""
    if kind == "STATIC" or not isinstance(tree, exp.Select) or not _single_table(tree):
        return None, set(), None, False
    table = resolve_source(tree.args["from_"].this, ctx)
    if table.table is None or table.table.type != "U" or table.system_view:
        return None, set(), None, False
    ordered = bool(tree.args.get("order") or tree.args.get("limit") or tree.args.get("offset"))
    forms: dict[str, str] = {}
    variables: set[str] = set()

    def form(name: str, change: Callable[[exp.Select, exp.Expression], None]) -> None:
        state = Compiling(ctx)
        select = dml.bound(tree.copy(), state)
        alias = select.args["from_"].this.alias_or_name
        rowid = dml.rowid_of(alias.lower())
        set_type(rowid, sqltypes.BIGINT, False)
        change(select, rowid)
        forms[name] = sqlite_sql(rewrite(select, state))
        variables.update(state.variables)

    form("snapshot", lambda s, r: s.set("expressions", [exp.alias_(r, "__rid"), *s.expressions]))
    form("refetch", lambda s, r: _by_key(s, r, "=", keep_where=False))
    form("requalify", lambda s, r: _by_key(s, r, "=", keep_where=True))
    for name, operator, descending in (("next", ">", False), ("prior", "<", True)):
        form(name, lambda s, r, o=operator, d=descending: _by_key(s, r, o, keep_where=True, order=d))
    for name, descending in (("first", False), ("last", True)):
        form(name, lambda s, r, d=descending: _by_key(s, r, "", keep_where=True, order=d))
    return forms, variables, table, ordered


def _single_table(tree: exp.Select) -> bool:
    source = tree.args.get("from_")
    if source is None or not isinstance(source.this, exp.Table) or isinstance(source.this.this, exp.Anonymous):
        return False
    if any(tree.args.get(k) for k in ("joins", "group", "having", "distinct", "with", "laterals", "pivots")):
        return False
    return not any(True for _ in tree.find_all(exp.AggFunc, exp.Window))


def _by_key(
    select: exp.Select, rowid: exp.Expression, operator: str, keep_where: bool, order: bool | None = None
) -> None:
    """The row with a given rowid (``=``), or the next (``>``) / previous (``<``) / first / last one; the
    query's own WHERE kept when the row must still qualify."""
    select.set("expressions", [exp.alias_(rowid.copy(), "__rid"), *select.expressions])
    select.set("order", None)
    select.set("limit", None)
    select.set("offset", None)
    conditions = []
    where = select.args.get("where")
    if keep_where and where is not None:
        conditions.append(exp.Paren(this=where.this))
    if operator:
        key = exp.Parameter(this=exp.Var(this=_KEY_VARIABLE))
        set_type(key, sqltypes.BIGINT, False)
        kinds = {"=": exp.EQ, ">": exp.GT, "<": exp.LT}
        conditions.append(kinds[operator](this=rowid.copy(), expression=key))
    select.set("where", exp.Where(this=exp.and_(*conditions)) if conditions else None)
    if order is not None:
        select.set("order", exp.Order(expressions=[exp.Ordered(this=rowid.copy(), desc=order)]))
        select.set("limit", exp.Limit(expression=exp.Literal.number(1)))


# --- FETCH ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Fetch:
    orientation: str
    offset: exp.Expression | None
    is_global: bool
    name: str
    into: list[str] | None


def _parse_fetch(stmt: Statement) -> _Fetch:
    tokens = [t for t in stmt.tokens if t.token_type != TokenType.SEMICOLON]
    pos = 1
    orientation, offset = "NEXT", None
    word = batch.upper(tokens[pos]) if pos < len(tokens) else ""
    if word in _FETCH_KINDS:
        orientation = word
        pos += 1
        if word in ("ABSOLUTE", "RELATIVE"):
            start = pos
            while pos < len(tokens) and batch.upper(tokens[pos]) != "FROM":
                pos += 1
            if pos == start:
                raise errors.syntax_error("FROM", stmt.line)
            base = stmt.tokens[0].start
            text = stmt.text[tokens[start].start - base : tokens[pos - 1].end + 1 - base]
            offset = parse_one("SELECT " + text, stmt.line - 1).expressions[0]
        if pos >= len(tokens) or batch.upper(tokens[pos]) != "FROM":
            raise _syntax(tokens[pos]) if pos < len(tokens) else errors.syntax_error("", stmt.line)
        pos += 1
    elif word == "FROM":
        pos += 1
    is_global, name, pos = _reference(tokens, pos)
    into = None
    if pos < len(tokens):
        if batch.upper(tokens[pos]) != "INTO":
            raise _syntax(tokens[pos])
        into = []
        pos += 1
        while pos + 1 < len(tokens) and tokens[pos].token_type == TokenType.PARAMETER:
            into.append(tokens[pos + 1].text.lower())
            pos += 2
            if pos < len(tokens) and tokens[pos].token_type == TokenType.COMMA:
                pos += 1
        if pos != len(tokens) or not into:
            raise _syntax(tokens[min(pos, len(tokens) - 1)])
    return _Fetch(orientation, offset, is_global, name, into)


def fetch_statement(session: EngineSession, stmt: Statement, frame: Frame) -> Iterator[Result]:
    if not isinstance(stmt.parsed, _Fetch):
        stmt.parsed = _parse_fetch(stmt)
    request: _Fetch = stmt.parsed
    cursor = _find(session, frame, request.is_global, request.name)
    if not cursor.is_open or cursor.plan is None:
        raise _not_open()
    plan = cursor.plan
    if request.into is not None and len(request.into) != len(plan.columns):
        raise SqlError(
            16924,
            16,
            1,
            "Cursorfetch: The number of variables declared in the INTO list must match that of selected columns.",
        )
    _check_orientation(cursor, request.orientation)
    offset = 0
    if request.offset is not None:
        value = session._evaluate(request.offset, frame, stmt)
        offset = int(value) if value is not None else 0
    status, row = _move(session, cursor, request.orientation, offset)
    _state(session).fetch_status = status
    values = tuple(read(v) for read, v in zip(plan.readers, row, strict=True)) if row is not None else None
    session.rowcount = 1  # FETCH sets @@ROWCOUNT to 1
    if request.into is None:
        yield ResultSet(plan.columns, [[values]] if values is not None else [])
        count = None if session.options.nocount else int(values is not None)
        yield StatementDone("SELECT", count, in_procedure=frame.in_procedure)
        return
    if values is not None:
        for name, value in zip(request.into, values, strict=True):
            session._variable(frame, name)
            session._set_variable(frame, name, value)
    yield StatementDone("", in_procedure=frame.in_procedure)


def _check_orientation(cursor: Cursor, orientation: str) -> None:
    if orientation == "NEXT":
        return
    if not cursor.declaration.scroll:
        raise SqlError(
            16911, 16, 1, f"fetch: The fetch type {orientation.lower()} cannot be used with forward only cursors."
        )
    if orientation == "ABSOLUTE" and cursor.mode in ("dynamic", "requalify"):
        raise SqlError(16925, 16, 1, "The fetch type Absolute cannot be used with dynamic cursors.")


def _move(session: EngineSession, cursor: Cursor, orientation: str, offset: int) -> tuple[int, tuple | None]:
    """Move the cursor; (@@FETCH_STATUS, the row without its rowid)."""
    if cursor.mode == "dynamic":
        return _move_dynamic(session, cursor, orientation, offset)
    total = len(cursor.rows)
    position = cursor.position
    targets = {
        "NEXT": position + 1,
        "PRIOR": position - 1,
        "FIRST": 0,
        "LAST": total - 1,
        "ABSOLUTE": offset - 1 if offset > 0 else total + offset,
        "RELATIVE": position + offset,
    }
    target = targets[orientation]
    if orientation == "ABSOLUTE" and offset == 0:
        target = -1
    if cursor.mode == "requalify":
        return _move_requalify(session, cursor, orientation, target, offset)
    if target < 0 or target >= total:
        cursor.position = -1 if target < 0 else total
        cursor.current = None
        return -1, None
    cursor.position = target
    if cursor.mode == "static":
        return 0, tuple(cursor.rows[target])
    cursor.current = cursor.rows[target]
    row = _read_key(session, cursor, "refetch", cursor.current)
    return (0, row) if row is not None else (-2, None)


def _move_requalify(
    session: EngineSession, cursor: Cursor, orientation: str, target: int, offset: int
) -> tuple[int, tuple | None]:
    """A dynamic cursor whose keys are fixed (ORDER BY, TOP): rows gone or no longer qualifying are skipped."""
    step = -1 if orientation in ("PRIOR", "LAST") or (orientation == "RELATIVE" and offset < 0) else 1
    remaining = abs(offset) if orientation == "RELATIVE" else 1
    if orientation == "RELATIVE" and offset == 0:
        return _refetch_current(session, cursor)
    position = cursor.position if orientation == "RELATIVE" else target - step
    total = len(cursor.rows)
    while remaining:
        position += step
        if position < 0 or position >= total:
            cursor.position, cursor.current = (-1 if position < 0 else total), None
            return -1, None
        row = _read_key(session, cursor, "requalify", cursor.rows[position])
        if row is not None:
            remaining -= 1
            if not remaining:
                cursor.position, cursor.current = position, cursor.rows[position]
                return 0, row
    return -1, None


def _refetch_current(session: EngineSession, cursor: Cursor) -> tuple[int, tuple | None]:
    if cursor.current is None:
        return -1, None
    row = _read_key(session, cursor, "requalify", cursor.current)
    return (0, row) if row is not None else (-2, None)


def _move_dynamic(session: EngineSession, cursor: Cursor, orientation: str, offset: int) -> tuple[int, tuple | None]:
    """A dynamic cursor over one table: each step finds the next qualifying row by rowid."""
    if orientation == "RELATIVE" and offset == 0:
        return _refetch_current(session, cursor)
    if orientation in ("FIRST", "LAST"):
        found = _read_key(session, cursor, orientation.lower(), None, keyed=True)
        return _land(cursor, found, orientation == "LAST")
    forward = orientation == "NEXT" or (orientation == "RELATIVE" and offset > 0)
    for _ in range(abs(offset) if orientation == "RELATIVE" else 1):
        if cursor.current is None:
            before_first = not cursor.after_last
            if forward != before_first:
                return _land(cursor, None, forward)
            found = _read_key(session, cursor, "first" if forward else "last", None, keyed=True)
        else:
            found = _read_key(session, cursor, "next" if forward else "prior", cursor.current, keyed=True)
        status, row = _land(cursor, found, forward)
        if status:
            return status, row
    return 0, row


def _land(cursor: Cursor, found: tuple | None, forward: bool) -> tuple[int, tuple | None]:
    if found is None:
        cursor.current, cursor.after_last = None, forward
        return -1, None
    cursor.current, cursor.after_last = found[0], False
    return 0, tuple(found[1:])


def _read_key(session: EngineSession, cursor: Cursor, form: str, key: Any, keyed: bool = False) -> tuple | None:
    """One row by a keyed form: without its rowid, or (``keyed``) with it first."""
    assert cursor.plan is not None and cursor.plan.keyed is not None
    params = dict(cursor.params)
    params[_KEY_VARIABLE] = key
    found = dmlexec.run_sql(session, cursor.plan.keyed[form], params).fetchone()
    if found is None:
        return None
    return tuple(found) if keyed else tuple(found[1:])


# --- @@FETCH_STATUS, @@CURSOR_ROWS, CURSOR_STATUS() ----------------------------------------------------


def fetch_status(session: EngineSession) -> int:
    state = _SESSIONS.get(session)
    return state.fetch_status if state is not None else -1


def cursor_rows(session: EngineSession) -> int:
    state = _SESSIONS.get(session)
    cursor = state.last_opened if state is not None else None
    if cursor is None or not cursor.is_open:
        return 0
    return -1 if cursor.mode in ("dynamic", "requalify") else len(cursor.rows)


def cursor_status(session: EngineSession, args: list[Any]) -> int | None:
    """CURSOR_STATUS('local' | 'global' | 'variable', name)."""
    if len(args) < 2 or args[0] is None or args[1] is None:
        return None
    scope, name = str(args[0]).lower(), str(args[1]).lower()
    state = _SESSIONS.get(session) or _SessionCursors()
    if scope == "global":
        cursor = state.globals.get(name)
    elif scope in ("local", "variable"):
        key = name if scope == "local" else "@" + name.lstrip("@")
        holder = next((f.cursors for f in reversed(state.frames) if key in (f.cursors or {})), None)
        if holder is None:
            return -3
        cursor = holder[key]
        if cursor is None:
            return -2
    else:
        raise SqlError(16902, 16, 1, f"CURSOR_STATUS: The value of the parameter {args[0]} is invalid.")
    if cursor is None:
        return -3
    if not cursor.is_open:
        return -1
    return 1 if cursor.mode in ("dynamic", "requalify") or cursor.rows else 0


# --- WHERE CURRENT OF ----------------------------------------------------------------------------------

_CURRENT_OF = re.compile(r"(?is)^\s*CURRENT\s+OF\s+(GLOBAL\s+)?(@?[\w#$@]+|\[[^\]]+\])\s*;?\s*$")


def current_of(where: Any) -> tuple[bool, str] | None:
    """WHERE CURRENT OF [GLOBAL] name | @variable: (global, name), or None for any other WHERE."""
    if where is None or where.text.lstrip()[:7].upper() != "CURRENT":
        return None
    match = _CURRENT_OF.match(where.text)
    if match is None:
        return None
    return bool(match.group(1)), match.group(2).strip("[]")


def restrict(select: exp.Select, alias: str, state: Compiling) -> None:
    """The positioned statement's rows: the target's row whose rowid is the cursor's current row."""
    rowid = dml.rowid_of(alias.lower())
    key = exp.Parameter(this=exp.Var(this=ROW_VARIABLE))
    set_type(rowid, sqltypes.BIGINT, False)
    set_type(key, sqltypes.BIGINT, False)
    select.set("where", exp.Where(this=exp.EQ(this=rowid, expression=key)))
    state.variables.add(ROW_VARIABLE)


def position(session: EngineSession, statement: Any, plan: Any, frame: Frame) -> None:
    """Before UPDATE/DELETE ... WHERE CURRENT OF runs: the cursor's current row, checked and bound."""
    from .session import Variable

    found = current_of(statement.where)
    assert found is not None
    cursor = _find(session, frame, *found)
    if not cursor.is_open:
        raise _not_open()
    if not cursor.updatable:
        raise SqlError(16929, 16, 1, "The cursor is READ ONLY.")
    table = cursor.plan.table if cursor.plan is not None else None
    target = plan.target
    if table is None or (table.sqlite_db, table.storage) != (target.sqlite_db, target.storage):
        raise SqlError(
            16933,
            16,
            1,
            "The cursor does not include the table being modified or the table is not updatable through the cursor.",
        )
    allowed = cursor.declaration.update_columns
    if allowed is not None and statement.kind == "UPDATE":
        wanted = {name.lower() for name in allowed}
        if any(a.column is not None and a.column.lower() not in wanted for a in statement.assignments):
            raise SqlError(
                16932,
                16,
                1,
                "The cursor has a FOR UPDATE list and the requested column to be updated is not in this list.",
            )
    if cursor.current is None:
        raise SqlError(16930, 16, 1, "The requested row is not in the fetch buffer.")
    frame.variables[ROW_VARIABLE] = Variable(sqltypes.BIGINT, cursor.current)


# --- registration ---------------------------------------------------------------------------------------

HANDLERS = {
    "OPEN": open_statement,
    "FETCH": fetch_statement,
    "CLOSE": close_statement,
    "DEALLOCATE": deallocate_statement,
}


def register(registry: system.Registry) -> None:
    registry.functions["CURSOR_STATUS"] = cursor_status


system.SESSION_FUNCTIONS["CURSOR_STATUS"] = (sqltypes.SMALLINT, False)
