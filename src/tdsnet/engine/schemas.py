"""CREATE SCHEMA, DROP SCHEMA and ALTER SCHEMA ... TRANSFER.

Schemas are rows of ``__tdsnet_schemas`` (id, name, owning principal).  A table's storage is named
``schema.table``, so moving a table to another schema renames its SQLite table and re-creates its
indexes and triggers, keeping its object_id; other objects only change their schema_id.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlglot.tokens import TokenType

from . import catalog, ddl, errors
from .catalog_views import FIXED_PRINCIPALS
from .ddl_syntax import Tokens
from .results import Result, StatementDone
from .storage import quote

if TYPE_CHECKING:
    from .batch import Statement
    from .compiler import Context
    from .session import EngineSession, Frame

FIRST_ROLE_ID = 16384  # the fixed roles' schemas (db_owner...) have ids from here on
SYSTEM_SCHEMA_IDS = frozenset(range(1, 5)) | frozenset(range(FIRST_ROLE_ID, FIRST_ROLE_ID + 10))


def _owner(name: str | None) -> int:
    if name is None:
        return 1  # dbo owns what a sysadmin creates
    for principal, principal_id, _kind, _schema in FIXED_PRINCIPALS:
        if principal.lower() == name.lower():
            return principal_id
    raise errors.SqlError(
        15151, 16, 1, f"Cannot find the user '{name}', because it does not exist or you do not have permission."
    )


def create_schema(session: EngineSession, stmt: Statement, frame: Frame) -> Iterator[Result]:
    """CREATE SCHEMA name [AUTHORIZATION owner]."""
    del frame
    tokens = Tokens(stmt, 2)
    name = "" if tokens.word() == "AUTHORIZATION" else tokens.name()
    owner = tokens.name() if tokens.accept("AUTHORIZATION") else None
    name = name or owner or ""
    if not tokens.at_end():
        raise errors.not_supported("CREATE SCHEMA with schema elements (create them after the schema)")
    principal_id = _owner(owner)
    db = session.database
    con = session._connection()
    cat = session._catalog(db)
    if cat.schema_id(name) is not None:
        raise errors.object_exists(name)

    def write() -> None:
        q = quote(db)
        row = con.execute(f"SELECT MAX(schema_id) FROM {q}.__tdsnet_schemas WHERE schema_id < ?", (FIRST_ROLE_ID,))
        schema_id = max((row.fetchone()[0] or 0) + 1, catalog.FIRST_USER_SCHEMA_ID)
        con.execute(
            f"INSERT INTO {q}.__tdsnet_schemas (schema_id, name, principal_id) VALUES (?, ?, ?)",
            (schema_id, name, principal_id),
        )
        catalog.touch(con, db)

    session._in_write(write)
    yield StatementDone("")


def drop_schema(session: EngineSession, stmt: Statement, frame: Frame) -> Iterator[Result]:
    """DROP SCHEMA [IF EXISTS] name: 3729 while an object is in it."""
    del frame
    tokens = Tokens(stmt, 2)
    exists = tokens.accept("IF", "EXISTS")
    name = tokens.name()
    if not tokens.at_end():
        raise tokens.error()
    db = session.database
    cat = session._catalog(db)
    schema_id = cat.schema_id(name)
    if schema_id is None:
        if exists:
            yield StatementDone("")
            return
        raise errors.SqlError(
            3701, 11, 15, f"Cannot drop the schema '{name}', because it does not exist or you do not have permission."
        )
    if schema_id in SYSTEM_SCHEMA_IDS:
        system = cat.schema_names[schema_id]
        raise errors.SqlError(3708, 16, 1, f"Cannot drop the schema '{system}' because it is a system schema.")
    member = next((o for o in cat.objects if o.schema_id == schema_id and o.parent_object_id == 0), None)
    if member is not None:
        raise errors.SqlError(
            3729,
            16,
            1,
            f"Cannot drop schema '{cat.schema_names[schema_id]}' because it is being referenced by object "
            f"'{member.name}'.",
        )
    con = session._connection()

    def write() -> None:
        con.execute(f"DELETE FROM {quote(db)}.__tdsnet_schemas WHERE schema_id = ?", (schema_id,))
        catalog.touch(con, db)

    session._in_write(write)
    yield StatementDone("")


def alter_schema(session: EngineSession, stmt: Statement, frame: Frame) -> Iterator[Result]:
    """ALTER SCHEMA target TRANSFER [OBJECT::]schema.name."""
    tokens = Tokens(stmt, 2)
    target = tokens.name()
    tokens.expect("TRANSFER")
    kind = tokens.word()
    following = tokens.token(1)
    if following is not None and following.token_type == TokenType.DCOLON:
        if kind not in ("OBJECT",):
            raise errors.not_supported(f"ALTER SCHEMA ... TRANSFER {kind}::")
        tokens.pos += 2
    parts = tokens.qualified()
    if not tokens.at_end() or len(parts) > 2:
        raise tokens.error()
    db = session.database
    cat = session._catalog(db)
    target_id = cat.schema_id(target)
    if target_id is None:
        raise errors.SqlError(
            15151, 16, 1, f"Cannot find the schema '{target}', because it does not exist or you do not have permission."
        )
    source_id = cat.schema_id(parts[0] if len(parts) == 2 else "dbo")
    name = parts[-1]
    row = next(
        (
            o
            for o in cat.objects
            if o.schema_id == source_id and o.parent_object_id == 0 and o.name.lower() == name.lower()
        ),
        None,
    )
    if row is None:
        raise errors.SqlError(
            15151,
            16,
            1,
            f"Cannot find the object '{name}', because it does not exist or you do not have permission.",
        )
    if any(o.schema_id == target_id and o.name.lower() == row.name.lower() for o in cat.objects):
        raise errors.SqlError(15530, 16, 1, f'The object with name "{row.name}" already exists.')
    if target_id == source_id:
        yield StatementDone("")
        return
    con = session._connection()
    ctx = session._context(frame)
    session._in_write(lambda: move(con, db, cat, row, target_id, ctx))
    yield StatementDone("")


def move(
    con: sqlite3.Connection, db: str, cat: catalog.Catalog, row: catalog.ObjectRow, schema_id: int, ctx: Context
) -> None:
    """An object and its constraints into another schema; a table's storage follows its new name."""
    q = quote(db)
    con.execute(
        f"UPDATE {q}.__tdsnet_objects SET schema_id = ?, modify_date = ? WHERE object_id = ? OR parent_object_id = ?",
        (schema_id, catalog.now_text(), row.object_id, row.object_id),
    )
    table = cat.by_id.get(row.object_id)
    if table is None or table.type != "U":
        catalog.touch(con, db)
        return
    new_storage = catalog.storage_name(cat.schema_names[schema_id], table.name)
    retarget_references(con, db, cat, table, new_storage)
    ddl.restore_storage(con, db, table, ctx, table.storage_name)


def retarget_references(
    con: sqlite3.Connection, db: str, cat: catalog.Catalog, table: catalog.TableDef, storage: str
) -> None:
    """FOREIGN KEY rows name the table they reference by storage too: keep them pointing at it."""
    from . import constraints

    for row in constraints.references_to(cat, table):
        detail = constraints.detail(row)
        detail["references"] = storage
        detail["referenced_object_id"] = table.object_id
        con.execute(
            f"UPDATE {quote(db)}.__tdsnet_objects SET definition = ? WHERE object_id = ?",
            (json.dumps(detail), row.object_id),
        )


def lookup(session: EngineSession, function: str, args: list[object]) -> object:
    """SCHEMA_NAME([schema_id]) and SCHEMA_ID([name]) over the current database's schemas."""
    cat = session._catalog(session.database)
    if function == "SCHEMA_NAME":
        if not args:
            return "dbo"
        return None if args[0] is None else cat.schema_names.get(int(args[0]))  # type: ignore[call-overload]
    if args and args[0] is None:
        return None
    return cat.schema_id(str(args[0]) if args else "dbo")
