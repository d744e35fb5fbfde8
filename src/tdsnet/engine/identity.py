"""IDENTITY columns: the values an INSERT hands out, and IDENT_CURRENT, IDENT_SEED, IDENT_INCR.

Each table's last value lives in ``__tdsnet_identity`` beside its rows.  An INSERT takes the
table's write lock, reads the last value, and hands out seed, seed + increment... through
``tsql_identity()``; when it ends, the last value handed out is written back whether the INSERT
succeeded or not, because SQL Server does not give identity values back (a failed INSERT leaves a
gap).  Explicit values under IDENTITY_INSERT move the identity on when they go past it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from . import object_functions
from .compiler import Source
from .storage import quote

if TYPE_CHECKING:
    from .session import EngineSession

NAMES = frozenset({"IDENT_CURRENT", "IDENT_SEED", "IDENT_INCR"})


@dataclass(slots=True)
class Counter:
    """The values one statement hands out (the session's ``next_identity`` reads it)."""

    next_value: int
    increment: int
    last: int | None = None


def _object_id(target: Source) -> int:
    assert target.table is not None
    return target.table.object_id


def _key(db: str, table: Any) -> tuple[str, int, str] | None:
    """A table as `LastValues` knows it (None for a #temp table: its session's own, and brief)."""
    if db.lower() == "temp":
        return None
    return db.lower(), table.object_id, table.create_date


def _key_of(target: Source) -> tuple[str, int, str] | None:
    return _key(target.sqlite_db, target.table)


def begin(session: EngineSession, target: Source) -> None:
    """Open the target's range; the caller holds the write lock."""
    table = target.table
    assert table is not None and table.identity is not None
    con = session._connection()
    db = quote(target.sqlite_db)
    # Take the write lock before reading, so that no other session hands out the same values.
    session._run_sql(
        con, f"UPDATE {db}.__tdsnet_identity SET last_value = last_value WHERE object_id = ?", (table.object_id,)
    )
    row = con.execute(
        f"SELECT last_value FROM {quote(target.sqlite_db)}.__tdsnet_identity WHERE object_id = ?",
        (table.object_id,),
    ).fetchone()
    column = table.identity
    last = session.engine.last_values.further(_key_of(target), row[0] if row else None, column.increment)
    start = column.seed if last is None else last + column.increment
    session._identity_counter = Counter(start, column.increment)


def end(session: EngineSession, target: Source, succeeded: bool) -> int | None:
    """Write back the last value handed out (and return it); @@IDENTITY and SCOPE_IDENTITY() follow a
    successful INSERT."""
    last = take(session)
    if last is None:
        return None
    keep(session, target, last)
    if succeeded:
        session.identity = session.scope_identity = last
    return last


def take(session: EngineSession) -> int | None:
    """Close the open range: the last value it handed out."""
    counter = session._identity_counter
    session._identity_counter = None
    return counter.last if counter is not None else None


def keep(session: EngineSession, target: Source, last: int) -> None:
    """Record values as used, even when the statement that used them is rolled back."""
    session.engine.last_values.remember(_key_of(target), last)
    session._connection().execute(
        f"UPDATE {quote(target.sqlite_db)}.__tdsnet_identity SET last_value = ? WHERE object_id = ?",
        (last, _object_id(target)),
    )


def move_on(session: EngineSession, target: Source) -> None:
    """After explicit values (IDENTITY_INSERT ON): the identity continues past the highest one given
    (the lowest, for a negative increment), as SQL Server's does."""
    table = target.table
    assert table is not None and table.identity is not None
    column = table.identity
    pick = "max" if column.increment > 0 else "min"
    db = quote(target.sqlite_db)
    session._connection().execute(
        f"UPDATE {db}.__tdsnet_identity SET last_value = "
        f"CASE WHEN last_value IS NULL THEN (SELECT {pick}({quote(column.name)}) FROM {target.qualified}) "
        f"ELSE {pick}(last_value, coalesce((SELECT {pick}({quote(column.name)}) FROM {target.qualified}), "
        "last_value)) END WHERE object_id = ?",
        (table.object_id,),
    )


def reset(session: EngineSession, target: Source) -> None:
    """TRUNCATE TABLE: the next value is the seed again."""
    if target.table is None or target.table.identity is None:
        return
    session.engine.last_values.forget(_key_of(target))
    session._connection().execute(
        f"UPDATE {quote(target.sqlite_db)}.__tdsnet_identity SET last_value = NULL WHERE object_id = ?",
        (_object_id(target),),
    )


def call(session: EngineSession, name: str, args: list[Any]) -> Decimal | None:
    """IDENT_CURRENT('table'), IDENT_SEED('table'), IDENT_INCR('table'): numeric(38,0), NULL when the
    table has no identity (or does not exist)."""
    if not args or args[0] is None:
        return None
    found = object_functions.find_object(session, object_functions.name_parts(str(args[0])))
    if found is None:
        return None
    db, row = found
    table = session._catalog(db).by_id.get(row.object_id)
    column = table.identity if table is not None else None
    if column is None:
        return None
    if name == "IDENT_SEED":
        return Decimal(column.seed)
    if name == "IDENT_INCR":
        return Decimal(column.increment)
    last = (
        session._connection()
        .execute(f"SELECT last_value FROM {quote(db)}.__tdsnet_identity WHERE object_id = ?", (row.object_id,))
        .fetchone()
    )
    value = session.engine.last_values.further(_key(db, table), last[0] if last else None, column.increment)
    return Decimal(column.seed if value is None else value)
