"""CHECK, FOREIGN KEY and rowversion, enforced by SQLite triggers derived from the catalog.

SQLite's own CHECK and FOREIGN KEY constraints do not say which statement or constraint failed, cannot
be switched off (NOCHECK CONSTRAINT), and foreign keys act on DROP TABLE (which the table rebuild of
ALTER TABLE does); so these constraints are triggers.  A violated one calls `tsql_fail`, which raises
SQL Server's 547 with its text.  (Keys are SQLite unique indexes.)

Trigger names tell what they enforce, so each can be dropped with its constraint:
``__tdsnet_<constraint object_id>_<event>`` (CHECK, FOREIGN KEY) and ``__tdsnet_rv<table>_<event>``
(rowversion).  They live in the table's database and name other tables without a database, as SQLite
requires.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ..sqltypes import SqlType
from . import errors, functions, values
from .catalog import Catalog, ColumnDef, ObjectRow, TableDef
from .storage import quote

if TYPE_CHECKING:
    from .compiler import Context

PREFIX = "__tdsnet_"
FIRST_ROWVERSION = 2000  # @@DBTS of a new database


# --- catalog facts ------------------------------------------------------------------------------


def detail(row: ObjectRow) -> dict[str, Any]:
    if not row.definition or not row.definition.startswith("{"):
        return {}
    return json.loads(row.definition)


def enabled(row: ObjectRow) -> bool:
    return not detail(row).get("disabled")


def referenced_table(cat: Catalog, row: ObjectRow) -> TableDef | None:
    """The table a FOREIGN KEY references (by id; rows of earlier versions name its storage only)."""
    info = detail(row)
    found = cat.by_id.get(int(info.get("referenced_object_id") or 0))
    if found is not None:
        return found
    storage = str(info.get("references", "")).lower()
    return next((t for t in cat.by_id.values() if t.storage_name.lower() == storage), None)


def foreign_keys_of(cat: Catalog, table: TableDef) -> list[ObjectRow]:
    """The FOREIGN KEY constraints of ``table`` (it is the referencing side)."""
    return [o for o in cat.objects if o.type == "F" and o.parent_object_id == table.object_id]


def references_to(cat: Catalog, table: TableDef) -> list[ObjectRow]:
    """The FOREIGN KEY constraints that reference ``table``."""
    found = []
    for row in cat.objects:
        if row.type == "F":
            target = referenced_table(cat, row)
            if target is not None and target.object_id == table.object_id:
                found.append(row)
    return found


def related_foreign_keys(cat: Catalog, table: TableDef) -> list[ObjectRow]:
    seen = {r.object_id: r for r in foreign_keys_of(cat, table) + references_to(cat, table)}
    return list(seen.values())


def constraints_of(cat: Catalog, table: TableDef, kind: str) -> list[ObjectRow]:
    return [o for o in cat.objects if o.type == kind and o.parent_object_id == table.object_id]


# --- trigger names ------------------------------------------------------------------------------


def constraint_trigger_prefix(object_id: int) -> str:
    return f"{PREFIX}{object_id}_"


def rowversion_trigger_prefix(table: TableDef) -> str:
    return f"{PREFIX}rv{table.object_id}_"


def drop_triggers(con: sqlite3.Connection, db: str, prefix: str) -> None:
    names = [
        row[0]
        for row in con.execute(
            f"SELECT name FROM {quote(db)}.sqlite_master WHERE type = 'trigger' AND substr(name, 1, ?) = ?",
            (len(prefix), prefix),
        )
    ]
    for name in names:
        con.execute(f"DROP TRIGGER IF EXISTS {quote(db)}.{quote(name)}")


def drop_table_triggers(con: sqlite3.Connection, db: str, storage: str) -> None:
    names = [
        row[0]
        for row in con.execute(
            f"SELECT name FROM {quote(db)}.sqlite_master WHERE type = 'trigger' AND tbl_name = ?"
            " AND substr(name, 1, ?) = ?",
            (storage, len(PREFIX), PREFIX),
        )
    ]
    for name in names:
        con.execute(f"DROP TRIGGER IF EXISTS {quote(db)}.{quote(name)}")


def _trigger(db: str, name: str, timing: str, table: TableDef, when: str, body: str) -> str:
    condition = f" WHEN {when}" if when else ""
    return (
        f"CREATE TRIGGER IF NOT EXISTS {quote(db)}.{quote(name)} {timing} ON {quote(table.storage_name)}"
        f" FOR EACH ROW{condition} BEGIN {body}; END"
    )


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _fail(number: int, state: int, message: str) -> str:
    return f"SELECT tsql_fail({number}, 16, {state}, {_literal(message)})"


def _display(table: TableDef) -> str:
    return f"{table.schema}.{table.name}"


def _database(db: str) -> str:
    return "tempdb" if db == "temp" else db


# --- all the triggers of a table ----------------------------------------------------------------


def create_table_triggers(con: sqlite3.Connection, db: str, cat: Catalog, table: TableDef, ctx: Context) -> None:
    """Every trigger that lives on ``table``: its keys, CHECKs, both sides of the foreign keys it takes
    part in, its rowversion column."""
    for row in constraints_of(cat, table, "C"):
        if enabled(row):
            create_check_triggers(con, db, table, row, ctx)
    for row in foreign_keys_of(cat, table):
        parent = referenced_table(cat, row)
        same = parent is not None and parent.object_id == table.object_id
        create_foreign_key_triggers(con, db, cat, row, parent_side=same, child_side=True)
    for row in references_to(cat, table):
        if row.parent_object_id != table.object_id:
            create_foreign_key_triggers(con, db, cat, row, parent_side=True, child_side=False)
    for column in table.columns:
        if column.rowversion:
            create_rowversion_triggers(con, db, table, column)


# --- keys ---------------------------------------------------------------------------------------
# Unique keys are SQLite unique indexes; the DML layer names the key and its value when one fails.


def key_text(pairs: Sequence[tuple[SqlType | None, Any]]) -> str:
    """A key value as SQL Server's duplicate key messages show it: (1, abc, <NULL>)."""
    parts = []
    for st, value in pairs:
        if value is None:
            parts.append("<NULL>")
            continue
        python = functions.python_value(value, st)
        parts.append(values.to_text(python, st))
    return ", ".join(parts)


def tsql_fail(number: int, severity: int, state: int, message: str) -> None:
    raise errors.SqlError(number, severity, state, message)


# --- CHECK ---------------------------------------------------------------------------------------


def create_check_triggers(con: sqlite3.Connection, db: str, table: TableDef, row: ObjectRow, ctx: Context) -> None:
    """A CHECK constraint fails when its expression is false (not when it is unknown)."""
    compiled = compile_check(table, row, ctx, "NEW", db)
    info = detail(row)
    column = f", column '{info['column']}'" if info.get("column") else ""

    def message(statement: str) -> str:
        return (
            f'The {statement} statement conflicted with the CHECK constraint "{row.name}". The conflict occurred in '
            f'database "{_database(db)}", table "{_display(table)}"{column}.'
        )

    prefix = constraint_trigger_prefix(row.object_id)
    when = f"NOT ({compiled.sql})"
    con.execute(_trigger(db, prefix + "i", "AFTER INSERT", table, when, _fail(547, 0, message("INSERT"))))
    of = f" OF {', '.join(quote(c) for c in compiled.columns)}" if compiled.columns else ""
    con.execute(_trigger(db, prefix + "u", f"AFTER UPDATE{of}", table, when, _fail(547, 0, message("UPDATE"))))


def compile_check(table: TableDef, row: ObjectRow, ctx: Context, prefix: str, db: str = "main") -> Any:
    from . import ddl

    source = ddl.row_source(db, ddl.SELF, _display(table), table.columns)
    node = ddl.parse_expression(str(detail(row).get("definition", "")))
    return ddl.compile_row_expression(node, source, ctx, prefix)


def check_violation(con: sqlite3.Connection, db: str, table: TableDef, row: ObjectRow, ctx: Context) -> None:
    """WITH CHECK: the rows already there must satisfy a CHECK being added or enabled (547)."""
    compiled = compile_check(table, row, ctx, "", db)
    found = con.execute(
        f"SELECT 1 FROM {quote(db)}.{quote(table.storage_name)} WHERE NOT ({compiled.sql}) LIMIT 1"
    ).fetchone()
    if found is None:
        return
    info = detail(row)
    column = f", column '{info['column']}'" if info.get("column") else ""
    raise errors.SqlError(
        547,
        16,
        0,
        f'The ALTER TABLE statement conflicted with the CHECK constraint "{row.name}". The conflict occurred in '
        f'database "{_database(db)}", table "{_display(table)}"{column}.',
    )


# --- FOREIGN KEY ---------------------------------------------------------------------------------

NO_ACTION, CASCADE, SET_NULL, SET_DEFAULT = "NO ACTION", "CASCADE", "SET NULL", "SET DEFAULT"
_ACTION = re.compile(r"ON\s+(DELETE|UPDATE)\s+(NO\s+ACTION|CASCADE|SET\s+NULL|SET\s+DEFAULT)", re.IGNORECASE)


def actions(options: str) -> dict[str, str]:
    found = {"DELETE": NO_ACTION, "UPDATE": NO_ACTION}
    for event, action in _ACTION.findall(options or ""):
        found[event.upper()] = " ".join(action.upper().split())
    return found


def create_foreign_key_triggers(
    con: sqlite3.Connection,
    db: str,
    cat: Catalog,
    row: ObjectRow,
    parent_side: bool = True,
    child_side: bool = True,
) -> None:
    """The referencing side checks each new key has a referenced row; the referenced side refuses,
    cascades or clears the references when a referenced row goes or changes its key."""
    info = detail(row)
    child = cat.by_id.get(row.parent_object_id)
    parent = referenced_table(cat, row)
    if child is None or parent is None or info.get("disabled"):
        return
    columns = [child.column(c) for c in info.get("columns") or []]
    referenced = [parent.column(c) for c in info.get("referenced_columns") or []]
    if not columns or None in columns or None in referenced or len(columns) != len(referenced):
        return
    pairs = list(zip(columns, referenced, strict=True))
    if child_side:
        _child_triggers(con, db, row, child, parent, pairs)  # type: ignore[arg-type]
    if parent_side:
        _parent_triggers(con, db, row, child, parent, pairs, actions(str(info.get("options", ""))))  # type: ignore[arg-type]


def _child_triggers(
    con: sqlite3.Connection,
    db: str,
    row: ObjectRow,
    child: TableDef,
    parent: TableDef,
    pairs: list[tuple[ColumnDef, ColumnDef]],
) -> None:
    column = f", column '{pairs[0][1].name}'" if len(pairs) == 1 else ""
    kind = "FOREIGN KEY SAME TABLE" if child.object_id == parent.object_id else "FOREIGN KEY"

    def message(statement: str) -> str:
        return (
            f'The {statement} statement conflicted with the {kind} constraint "{row.name}". The conflict '
            f'occurred in database "{_database(db)}", table "{_display(parent)}"{column}.'
        )

    present = " AND ".join(f"NEW.{quote(c.name)} IS NOT NULL" for c, _ in pairs)
    match = " AND ".join(f"{quote(r.name)} = NEW.{quote(c.name)}" for c, r in pairs)
    when = f"{present} AND NOT EXISTS (SELECT 1 FROM {quote(parent.storage_name)} WHERE {match})"
    prefix = constraint_trigger_prefix(row.object_id)
    con.execute(_trigger(db, prefix + "ci", "AFTER INSERT", child, when, _fail(547, 0, message("INSERT"))))
    of = ", ".join(quote(c.name) for c, _ in pairs)
    changed = " OR ".join(f"NEW.{quote(c.name)} IS NOT OLD.{quote(c.name)}" for c, _ in pairs)
    con.execute(
        _trigger(
            db,
            prefix + "cu",
            f"AFTER UPDATE OF {of}",
            child,
            f"({changed}) AND {when}",
            _fail(547, 0, message("UPDATE")),
        )
    )


def _parent_triggers(
    con: sqlite3.Connection,
    db: str,
    row: ObjectRow,
    child: TableDef,
    parent: TableDef,
    pairs: list[tuple[ColumnDef, ColumnDef]],
    rules: dict[str, str],
) -> None:
    column = f", column '{pairs[0][0].name}'" if len(pairs) == 1 else ""
    kind = "SAME TABLE REFERENCE" if child.object_id == parent.object_id else "REFERENCE"

    def message(statement: str) -> str:
        return (
            f'The {statement} statement conflicted with the {kind} constraint "{row.name}". The conflict '
            f'occurred in database "{_database(db)}", table "{_display(child)}"{column}.'
        )

    prefix = constraint_trigger_prefix(row.object_id)
    referencing = " AND ".join(f"{quote(c.name)} = OLD.{quote(r.name)}" for c, r in pairs)
    exists = f"EXISTS (SELECT 1 FROM {quote(child.storage_name)} WHERE {referencing})"
    changed = " OR ".join(f"NEW.{quote(r.name)} IS NOT OLD.{quote(r.name)}" for _, r in pairs)
    of = ", ".join(quote(r.name) for _, r in pairs)
    defaults = _column_defaults(con, db, child)
    for event, timing, tag in (("DELETE", "AFTER DELETE", "pd"), ("UPDATE", f"AFTER UPDATE OF {of}", "pu")):
        rule = rules[event]
        guard = f"({changed}) AND " if event == "UPDATE" else ""
        if rule == NO_ACTION:
            statement, when = _fail(547, 0, message(event)), f"{guard}{exists}"
        elif rule == CASCADE and event == "DELETE":
            statement, when = f"DELETE FROM {quote(child.storage_name)} WHERE {referencing}", ""
        else:
            values_of = {
                CASCADE: lambda c, r: f"NEW.{quote(r.name)}",
                SET_NULL: lambda c, r: "NULL",
                SET_DEFAULT: lambda c, r: defaults.get(c.name.lower()) or "NULL",
            }[rule]
            sets = ", ".join(f"{quote(c.name)} = {values_of(c, r)}" for c, r in pairs)
            statement = f"UPDATE {quote(child.storage_name)} SET {sets} WHERE {referencing}"
            when = guard[:-5] if guard else ""
        con.execute(_trigger(db, prefix + tag, timing, parent, when, statement))


def _column_defaults(con: sqlite3.Connection, db: str, table: TableDef) -> dict[str, str]:
    """Each column's DEFAULT as SQLite stores it (what ON DELETE SET DEFAULT writes)."""
    rows = con.execute(f"PRAGMA {quote(db)}.table_xinfo({quote(table.storage_name)})").fetchall()
    return {row[1].lower(): row[4] for row in rows if row[4] is not None}


def foreign_key_violation(con: sqlite3.Connection, db: str, cat: Catalog, row: ObjectRow) -> None:
    """WITH CHECK: the rows already there must have their referenced rows (547)."""
    info = detail(row)
    child = cat.by_id.get(row.parent_object_id)
    parent = referenced_table(cat, row)
    if child is None or parent is None:
        return
    pairs = list(zip(info.get("columns") or [], info.get("referenced_columns") or [], strict=False))
    present = " AND ".join(f"c.{quote(c)} IS NOT NULL" for c, _ in pairs)
    match = " AND ".join(f"p.{quote(r)} = c.{quote(c)}" for c, r in pairs)
    found = con.execute(
        f"SELECT 1 FROM {quote(db)}.{quote(child.storage_name)} AS c WHERE {present} AND NOT EXISTS"
        f" (SELECT 1 FROM {quote(db)}.{quote(parent.storage_name)} AS p WHERE {match}) LIMIT 1"
    ).fetchone()
    if found is None:
        return
    column = f", column '{pairs[0][1]}'" if len(pairs) == 1 else ""
    raise errors.SqlError(
        547,
        16,
        0,
        f'The ALTER TABLE statement conflicted with the FOREIGN KEY constraint "{row.name}". The conflict occurred '
        f'in database "{_database(db)}", table "{_display(parent)}"{column}.',
    )


# --- rowversion ----------------------------------------------------------------------------------


def create_rowversion_triggers(con: sqlite3.Connection, db: str, table: TableDef, column: ColumnDef) -> None:
    """Every insert and update stamps the row with the database's next rowversion (@@DBTS + 1)."""
    ensure_dbts(con, db)
    name = quote(column.name)
    storage = quote(table.storage_name)
    stamp = (
        "UPDATE __tdsnet_dbts SET value = value + 1; "
        f"UPDATE {storage} SET {name} = (SELECT tsql_cast(value, 'binary(8)', 'bigint') FROM __tdsnet_dbts)"
        " WHERE rowid = NEW.rowid"
    )
    explicit = (
        "Cannot insert an explicit value into a timestamp column. Use INSERT with a column list to exclude the "
        "timestamp column, or insert a DEFAULT into the timestamp column."
    )
    prefix = rowversion_trigger_prefix(table)
    con.execute(_trigger(db, prefix + "x", "BEFORE INSERT", table, f"NEW.{name} IS NOT NULL", _fail(273, 1, explicit)))
    con.execute(_trigger(db, prefix + "i", "AFTER INSERT", table, "", stamp))
    con.execute(_trigger(db, prefix + "u", "AFTER UPDATE", table, f"NEW.{name} IS OLD.{name}", stamp))


def ensure_dbts(con: sqlite3.Connection, db: str) -> None:
    con.execute(f"CREATE TABLE IF NOT EXISTS {quote(db)}.__tdsnet_dbts (value INTEGER NOT NULL)")
    if con.execute(f"SELECT COUNT(*) FROM {quote(db)}.__tdsnet_dbts").fetchone()[0] == 0:
        con.execute(f"INSERT INTO {quote(db)}.__tdsnet_dbts (value) VALUES (?)", (FIRST_ROWVERSION,))


def dbts(con: sqlite3.Connection, db: str) -> int:
    """@@DBTS: the database's last rowversion."""
    try:
        row = con.execute(f"SELECT value FROM {quote(db)}.__tdsnet_dbts").fetchone()
    except sqlite3.OperationalError:
        row = None
    return row[0] if row else FIRST_ROWVERSION


def stamped_columns(table: TableDef) -> Iterator[ColumnDef]:
    return (c for c in table.columns if c.rowversion)


SQLITE_FUNCTIONS = [
    ("tsql_fail", 4, functions.guarded(tsql_fail), False),
]
