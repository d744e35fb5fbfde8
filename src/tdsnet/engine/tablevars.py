"""Table variables: DECLARE @t TABLE (...), scoped to the batch or procedure that declares it.

A table variable is a temp table under a name of its own (#A1B2C3D4, as SQL Server's are in
tempdb), known to its frame by its variable name; messages call it dbo.@t.  It is dropped when the
frame ends.  ROLLBACK does not undo what was written to a table variable, so a rollback keeps each
live one's rows (and identity) and puts them back afterwards; one that was declared inside the
rolled-back transaction is created again first.
"""

from __future__ import annotations

import secrets
import sqlite3
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from . import ddl, errors
from .compiler import Source, SourceColumn
from .storage import quote

if TYPE_CHECKING:
    from .session import EngineSession, Frame

SCHEMA_ID = 1  # dbo


@dataclass(slots=True)
class TableVariable:
    name: str  # as declared, without the @
    storage_name: str  # the temp table's catalog name: #A1B2C3D4
    definition: exp.Schema  # the column list, to create it again after a rollback


@dataclass(slots=True)
class _SessionTables:
    live: list[TableVariable]
    dropped: list[str]  # dropped inside a transaction: a rollback would bring them back


_SESSIONS: weakref.WeakKeyDictionary[Any, _SessionTables] = weakref.WeakKeyDictionary()


def _tables(session: EngineSession) -> _SessionTables:
    found = _SESSIONS.get(session)
    if found is None:
        found = _SESSIONS[session] = _SessionTables([], [])
    return found


def declare(session: EngineSession, tree: exp.Expression, frame: Frame) -> None:
    """Create the table variables a DECLARE names (its scalar variables are the session's business)."""
    if not isinstance(tree, exp.Declare):
        return
    for item in tree.expressions:
        kind = item.args.get("kind")
        if not isinstance(kind, exp.Schema):
            continue
        for target in item.this if isinstance(item.this, list) else [item.this]:
            name = target.name.lower()
            if name in frame.tables:
                continue  # a DECLARE in a loop runs again; SQL Server's variable is declared once
            variable = TableVariable(target.name, _new_name(session), kind)
            _create(session, variable, frame)
            frame.tables[name] = variable
            _tables(session).live.append(variable)


def _new_name(session: EngineSession) -> str:
    cat = session._catalog("temp")
    while True:
        name = "#" + secrets.token_hex(4).upper()
        if cat.table("dbo", name) is None:
            return name


def _create(session: EngineSession, variable: TableVariable, frame: Frame | None) -> None:
    from .session import Frame as NewFrame

    tree = exp.Create(
        this=exp.Schema(this=exp.to_table(variable.storage_name), expressions=variable.definition.expressions),
        kind="TABLE",
    )
    ctx = session._context(frame or NewFrame())
    spec = ddl.build_table(tree, "dbo", variable.storage_name, ctx)
    con = session._connection()
    _write(session, lambda: ddl.create_table(con, "temp", spec, SCHEMA_ID, ctx))


def _write(session: EngineSession, action: Callable[[], Any]) -> None:
    """Atomic, in the session's transaction if there is one, without starting one (table variables
    are outside transactions, even with IMPLICIT_TRANSACTIONS ON)."""
    con = session._connection()
    own = not con.in_transaction
    if own:
        session._run_sql(con, "BEGIN IMMEDIATE")
    try:
        action()
    except BaseException:
        if own:
            con.execute("ROLLBACK")
        raise
    if own:
        con.execute("COMMIT")


def resolve(session: EngineSession, frame: Frame, name: str) -> Source:
    """@t in a statement: the frame's table variable, named dbo.@t in messages."""
    variable = frame.tables.get(name.lstrip("@").lower())
    if variable is None:
        raise errors.SqlError(1087, 15, 2, f'Must declare the table variable "{name}".')
    cat = session._catalog("temp")
    table = cat.table("dbo", variable.storage_name)
    if table is None:
        raise errors.SqlError(1087, 15, 2, f'Must declare the table variable "{name}".')
    columns = tuple(
        SourceColumn(c.name, c.type, c.nullable, c.identity, c.computed_sql is not None) for c in table.columns
    )
    return Source("temp", table.storage_name, f"dbo.@{variable.name}", columns, table, dependency=("temp", cat.version))


def release(session: EngineSession, frame: Frame) -> None:
    """The frame ends: its table variables go (and its LOCAL cursors)."""
    if frame.cursors is not None:
        from . import cursors

        cursors.release(session, frame)
    if not frame.tables:
        return
    tables = _tables(session)
    con = session._connection()
    for variable in frame.tables.values():
        if variable in tables.live:
            tables.live.remove(variable)
        table = session._catalog("temp").table("dbo", variable.storage_name)
        if table is None:
            continue
        try:
            _write(session, lambda t=table: ddl.drop_table(con, "temp", t.storage_name, t.object_id))
        except (sqlite3.Error, errors.SqlError):
            continue  # the session's end drops what is left
        if con.in_transaction:
            tables.dropped.append(variable.storage_name)
    frame.tables.clear()


# --- surviving ROLLBACK --------------------------------------------------------------------------


@dataclass(slots=True)
class _Kept:
    variable: TableVariable
    columns: list[str]
    rows: list[tuple]
    last_identity: Any


def rolled_back(session: EngineSession, rollback: Callable[[], Any]) -> None:
    """Run ``rollback`` (a ROLLBACK or ROLLBACK TO), keeping what the live table variables hold."""
    tables = _tables(session)
    kept = [_keep(session, v) for v in tables.live]
    rollback()
    con = session._connection()
    for name in tables.dropped:
        table = session._catalog("temp").table("dbo", name)
        if table is not None:
            ddl.drop_table(con, "temp", table.storage_name, table.object_id)
    tables.dropped.clear()
    for item in kept:
        if item is not None:
            _restore(session, item)


def _keep(session: EngineSession, variable: TableVariable) -> _Kept | None:
    table = session._catalog("temp").table("dbo", variable.storage_name)
    if table is None:
        return None
    con = session._connection()
    columns = [c.name for c in table.columns if c.computed_sql is None]
    names = ", ".join(quote(c) for c in columns)
    rows = con.execute(f"SELECT {names} FROM temp.{quote(table.storage_name)}").fetchall()
    last = con.execute(
        "SELECT last_value FROM temp.__tdsnet_identity WHERE object_id = ?", (table.object_id,)
    ).fetchone()
    return _Kept(variable, columns, rows, last[0] if last else None)


def _restore(session: EngineSession, kept: _Kept) -> None:
    con = session._connection()
    table = session._catalog("temp").table("dbo", kept.variable.storage_name)
    if table is None:
        _create(session, kept.variable, None)
        table = session._catalog("temp").table("dbo", kept.variable.storage_name)
    assert table is not None
    storage = f"temp.{quote(table.storage_name)}"

    def write() -> None:
        con.execute(f"DELETE FROM {storage}")
        if kept.rows:
            marks = ", ".join("?" for _ in kept.columns)
            names = ", ".join(quote(c) for c in kept.columns)
            con.executemany(f"INSERT INTO {storage} ({names}) VALUES ({marks})", kept.rows)
        con.execute(
            "UPDATE temp.__tdsnet_identity SET last_value = ? WHERE object_id = ?",
            (kept.last_identity, table.object_id),
        )

    _write(session, write)
