"""Key and NULL violations in SQL Server's words: 515, 2627 and 2601.

SQLite says which rule failed ("UNIQUE constraint failed: dbo.t.a, dbo.t.b", "NOT NULL constraint
failed: dbo.t.a"); SQL Server's message also names the constraint or index, the database and the
duplicate key value.  Given the row being written (which the row form of a write plan knows),
`violation` finds the rest in the catalog.  (CHECK and FOREIGN KEY constraints word their own
547 errors: see `constraints`.)
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from . import catalog, constraints, errors
from .compiler import Source
from .storage import quote

if TYPE_CHECKING:
    from .session import EngineSession

Image = dict[str, Any]  # column name (lower case) -> storage value

_NOT_NULL = re.compile(r"NOT NULL constraint failed: (.+)\.([^.]+)$")
_UNIQUE = re.compile(r"UNIQUE constraint failed: (.+)$")


def is_constraint_error(text: str) -> bool:
    return "constraint failed" in text


def database_name(db: str) -> str:
    return "tempdb" if db.lower() == "temp" else db


def violation(text: str, target: Source, action: str, new: Image | None = None) -> errors.SqlError | None:
    """SQL Server's error for SQLite's constraint failure ``text`` while writing ``target``; None when it
    needs the row written (``new``) to say more and has not got it."""
    match = _NOT_NULL.search(text)
    if match:
        table = match.group(1)
        if target.table is not None and table.lower() == target.table.storage_name.lower():
            table = target.display
        return errors.null_not_allowed(match.group(2), f"{database_name(target.sqlite_db)}.{table}", action)
    match = _UNIQUE.search(text)
    if match and new is not None:
        return _duplicate(match.group(1), target, new)
    return None


def generic(text: str, target: Source, action: str) -> errors.SqlError:
    """What to say when the row that failed could not be found again."""
    if "UNIQUE" in text:
        return errors.SqlError(
            2627,
            14,
            1,
            f"Violation of PRIMARY KEY or UNIQUE KEY constraint. Cannot insert duplicate key in object "
            f"'{target.display}'.",
        )
    return errors.SqlError(
        547,
        16,
        0,
        f"The {action} statement conflicted with a constraint. The conflict occurred in database "
        f'"{database_name(target.sqlite_db)}", table "{target.display}".',
    )


def _duplicate(failed: str, target: Source, new: Image) -> errors.SqlError | None:
    table = target.table
    if table is None:
        return None
    named = re.match(r"index '(.+)'$", failed.strip())
    if named:
        wanted = named.group(1).rsplit(".", 1)[-1].lower()
        index = next((i for i in table.indexes if i.name.lower() == wanted), None)
    else:
        columns = [part.strip().rsplit(".", 1)[-1].lower() for part in failed.split(",")]
        candidates = [i for i in table.indexes if i.is_unique]
        index = next((i for i in candidates if [c.name.lower() for c in i.key_columns] == columns), None) or next(
            (i for i in candidates if {c.name.lower() for c in i.key_columns} == set(columns)), None
        )
    if index is None:
        return None
    return duplicate_error(target, index, [new.get(c.name.lower()) for c in index.key_columns])


def duplicate_error(target: Source, index: catalog.IndexDef, key: list[Any]) -> errors.SqlError:
    types = []
    for column in index.key_columns:
        found = target.column(column.name)
        types.append(found.type if found is not None else None)
    value = constraints.key_text(list(zip(types, key, strict=True)))
    if index.is_primary_key or index.is_unique_constraint:
        return errors.duplicate_key(index.name, "PK" if index.is_primary_key else "UQ", target.display, value)
    return errors.duplicate_index_key(target.display, index.name, value)


def null_key_duplicate(
    session: EngineSession, target: Source, key: tuple[int, ...], image: list[Any], rowid: int | None
) -> errors.SqlError | None:
    """SQL Server's unique keys hold NULL once (SQLite's let NULLs repeat): the row's key, when it has a
    NULL, must not be another row's."""
    values = [image[p] for p in key]
    if all(v is not None for v in values):
        return None
    names = [target.columns[p].name for p in key]
    condition = " AND ".join(f"{quote(n)} IS ?" for n in names)
    sql = f"SELECT 1 FROM {target.qualified} WHERE {condition} AND rowid IS NOT ? LIMIT 1"
    if session._connection().execute(sql, (*values, rowid)).fetchone() is None:
        return None
    table = target.table
    assert table is not None
    wanted = [n.lower() for n in names]
    index = next(i for i in table.indexes if i.is_unique and [c.name.lower() for c in i.key_columns] == wanted)
    return duplicate_error(target, index, values)
