"""ALTER TABLE and sp_rename.

    ALTER TABLE t ADD column_definition | table_constraint | CONSTRAINT d DEFAULT x FOR c [WITH VALUES] [, ...]
    ALTER TABLE t [WITH CHECK | WITH NOCHECK] ADD ...
    ALTER TABLE t DROP [CONSTRAINT] [IF EXISTS] name [, ...] | COLUMN [IF EXISTS] c [, ...]
    ALTER TABLE t ALTER COLUMN c type [COLLATE x] [NULL | NOT NULL]
    ALTER TABLE t [WITH CHECK | WITH NOCHECK] {CHECK | NOCHECK} CONSTRAINT {ALL | name [, ...]}

Each form changes the catalog rows first; then the table's storage is rebuilt from them when its SQLite
shape changed (columns, defaults, keys), or only its triggers are (CHECK and FOREIGN KEY constraints).
All of it runs in one transaction, so a failure (a row that breaks a new CHECK, a value that does not
convert) leaves the table as it was.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from . import batch, catalog, constraints, ddl, ddl_syntax, errors, functions
from .catalog import ColumnDef, IndexDef, ObjectRow, TableDef
from .ddl_syntax import Tokens
from .results import Message, Result, StatementDone
from .storage import quote

if TYPE_CHECKING:
    from .compiler import Context
    from .session import EngineSession, Frame


@dataclass(slots=True)
class _Alter:
    """One ALTER TABLE statement, resolved to its table."""

    session: EngineSession
    con: sqlite3.Connection
    db: str
    table: TableDef
    ctx: Context
    check: bool | None = None  # WITH CHECK / WITH NOCHECK
    notes: list[Result] = field(default_factory=list)

    @property
    def display(self) -> str:
        return f"{self.table.schema}.{self.table.name}"

    def fresh(self) -> TableDef:
        """The table as this transaction's catalog rows have it now."""
        return ddl.fresh_catalog(self.con, self.db).by_id[self.table.object_id]


def alter_table(session: EngineSession, stmt: batch.Statement, frame: Frame) -> Iterator[Result]:
    tokens = Tokens(stmt, 2)
    parts = tokens.qualified()
    table_node = exp.Table(
        this=exp.to_identifier(parts[-1]),
        db=exp.to_identifier(parts[-2]) if len(parts) > 1 and parts[-2] else None,
        catalog=exp.to_identifier(parts[-3]) if len(parts) > 2 and parts[-3] else None,
    )
    if parts[-1].startswith("#"):
        table_node.set("this", exp.to_identifier(parts[-1].lstrip("#")))
        table_node.this.set("temporary", not parts[-1].startswith("##"))
        table_node.this.set("global_", parts[-1].startswith("##"))
    db, schema, name, con = session._ddl_target(table_node)
    found = session._catalog(db).table(schema, name)
    if found is None or found.type != "U":
        raise errors.SqlError(
            4902,
            16,
            1,
            f'Cannot find the object "{name}" because it does not exist or you do not have permissions.',
        )
    work = _Alter(session, con, db, found, session._context(frame))
    if tokens.accept("WITH", "CHECK"):
        work.check = True
    elif tokens.accept("WITH", "NOCHECK"):
        work.check = False
    action = tokens.word()
    if action == "ADD":
        tokens.pos += 1
        session._in_write(lambda: _add(work, tokens))
    elif action == "DROP":
        tokens.pos += 1
        session._in_write(lambda: _drop(work, tokens))
    elif action == "ALTER" and tokens.word(1) == "COLUMN":
        tokens.pos += 2
        session._in_write(lambda: _alter_column(work, tokens))
    elif action in ("CHECK", "NOCHECK") and tokens.word(1) == "CONSTRAINT":
        tokens.pos += 2
        session._in_write(lambda: _switch_constraints(work, tokens, action == "CHECK"))
    elif action in ("ENABLE", "DISABLE") and tokens.word(1) == "TRIGGER":
        from . import triggers

        triggers.alter_table_switch(session, db, found, tokens)
    else:
        raise errors.not_supported(f"ALTER TABLE ... {action}")
    yield from work.notes
    yield StatementDone("")


# --- ADD ------------------------------------------------------------------------------------------


_CONSTRAINT_WORDS = ("CONSTRAINT", "PRIMARY", "PRIMARY KEY", "UNIQUE", "FOREIGN", "CHECK", "DEFAULT")


def _add(work: _Alter, tokens: Tokens) -> None:
    table = work.fresh()
    spec = ddl.TableSpec(table.schema, table.name, columns=list(table.columns))
    added: list[ColumnDef] = []
    with_values: set[str] = set()
    next_id = max((c.column_id for c in table.columns), default=0) + 1
    for start, end in tokens.split_top_level():
        text = tokens.text_between(start, end)
        words = text.split()
        if not words:
            raise tokens.error()
        if words[0].upper() in _CONSTRAINT_WORDS or words[0].upper().startswith("PRIMARY"):
            if not _default_for(work, spec, text):
                _parse_constraint(spec, text, work.session)
            continue
        if len(words) > 2 and [w.upper() for w in words[-2:]] == ["WITH", "VALUES"]:
            text = text[: text.upper().rstrip().rfind("WITH")]
            with_values.add(words[0].strip("[]").lower())
        column = _parse_column(spec, text, next_id)
        added.append(column)
        next_id += 1
    ddl.finish(spec, work.ctx, table, work.db)
    added = [next(c for c in spec.columns if c.column_id == a.column_id) for a in added]
    _check_addable(work, table, added)
    defaults_changed = _apply_defaults_for(spec, table)
    con, db = work.con, work.db
    catalog.replace_columns(con, db, table.object_id, spec.columns)
    schema_id = _schema_id(work)
    ids = ddl.write_constraints(con, db, schema_id, table.object_id, spec.constraints, table.indexes)
    if work.check is False:
        for object_id in ids:
            _update_detail(con, db, object_id, {"not_trusted": True})
    _unique_keys_hold(work, table, spec, before=True)
    if added or defaults_changed or any(c.kind in ("PK", "UQ") for c in spec.constraints):
        copy = {c.name.lower(): quote(c.name) for c in table.columns if c.computed_sql is None}
        for column in added:
            value = _initial_value(work, column, column.name.lower() in with_values)
            if value is not None:
                copy[column.name.lower()] = value
        _set_identity(work, added)
        ddl.rebuild(con, db, table.object_id, work.ctx, copy)
        for column in added:
            if column.rowversion:
                storage_name = quote(table.storage_name)
                con.execute(f"UPDATE {quote(db)}.{storage_name} SET {quote(column.name)} = {quote(column.name)}")
    _unique_keys_hold(work, table, spec, before=False)
    _new_constraints_hold(work, ids)
    catalog.touch(con, db)


def _schema_id(work: _Alter) -> int:
    cat = ddl.fresh_catalog(work.con, work.db)
    return next(o.schema_id for o in cat.objects if o.object_id == work.table.object_id)


def _parse_column(spec: ddl.TableSpec, text: str, column_id: int) -> ColumnDef:
    from .dialect import parse_one

    keys = ddl_syntax.read_keys(f"({text})")
    tree = parse_one(f"CREATE TABLE __tdsnet_add {keys.text}")
    spec.clustering = list(keys.clustering)
    item = tree.this.expressions[0]
    if not isinstance(item, exp.ColumnDef):
        raise errors.syntax_error(text.split(maxsplit=1)[0])
    return ddl.add_column(item, column_id, spec)


def _parse_constraint(spec: ddl.TableSpec, text: str, session: EngineSession) -> None:
    from .dialect import parse_one

    del session
    keys = ddl_syntax.read_keys(f"(__tdsnet_column int, {text})")
    if keys.keys:
        ddl.add_keys(spec, keys)
        return
    tree = parse_one(f"CREATE TABLE __tdsnet_add {keys.text}")
    ddl.add_table_constraint(tree.this.expressions[1], spec)


def _default_for(work: _Alter, spec: ddl.TableSpec, text: str) -> bool:
    """ADD [CONSTRAINT d] DEFAULT x FOR c [WITH VALUES]: sqlglot has no table-level DEFAULT; read it here."""
    stmt = batch.Statement("ADD", text, 1, batch.tokenize(text))
    tokens = Tokens(stmt)
    name = tokens.name() if tokens.accept("CONSTRAINT") else ""
    if not tokens.accept("DEFAULT"):
        return False
    start = tokens.pos
    depth = 0
    while not tokens.at_end() and not (depth == 0 and tokens.word() == "FOR"):
        depth += tokens.word() == "("
        depth -= tokens.word() == ")"
        tokens.pos += 1
    expression = tokens.text_between(start, tokens.pos)
    tokens.expect("FOR")
    column_name = tokens.name()
    tokens.accept("WITH", "VALUES")
    if not tokens.at_end() or not expression:
        raise tokens.error()
    column = spec.column(column_name)
    if column is None:
        raise errors.invalid_column(column_name)
    cat = ddl.fresh_catalog(work.con, work.db)
    taken = any(
        o.type == "D"
        and o.parent_object_id == work.table.object_id
        and str(constraints.detail(o).get("column", "")).lower() == column.name.lower()
        for o in cat.objects
    )
    if taken or column.default_sql is not None or column.identity or column.computed_sql is not None:
        raise errors.SqlError(1781, 16, 0, "Column already has a DEFAULT bound to it.").follow(
            errors.SqlError(1750, 16, 0, "Could not create constraint or index. See previous errors.")
        )
    definition = ddl.parse_expression(expression)
    system = not name
    cname = name or ddl.constraint_name("DF", spec.name, column.name)
    detail = {"column": column.name, "definition": f"({definition.sql(dialect='tsql')})", "system_named": system}
    spec.constraints.append(ddl.ConstraintSpec("D", cname, detail))
    return True


def _apply_defaults_for(spec: ddl.TableSpec, table: TableDef) -> bool:
    """A DEFAULT ... FOR on an existing column becomes that column's default."""
    changed = False
    for constraint in spec.constraints:
        if constraint.kind != "D":
            continue
        name = str(constraint.detail["column"]).lower()
        if table.column(name) is None:
            continue
        definition = str(constraint.detail["definition"])[1:-1]
        spec.columns[:] = [replace(c, default_sql=definition) if c.name.lower() == name else c for c in spec.columns]
        changed = True
    return changed


def _check_addable(work: _Alter, table: TableDef, added: list[ColumnDef]) -> None:
    """4901: a NOT NULL column without a default only goes into an empty table."""
    for column in added:
        if column.nullable or column.default_sql is not None or column.identity or column.rowversion:
            continue
        if column.computed_sql is not None:
            continue
        if _has_rows(work.con, work.db, table):
            raise errors.SqlError(
                4901,
                16,
                1,
                "ALTER TABLE only allows columns to be added that can contain nulls, or have a DEFAULT definition "
                "specified, or the column being added is an identity or timestamp column, or alternatively if none "
                "of the previous conditions are satisfied the table must be empty to allow addition of this column. "
                f"Column '{column.name}' cannot be added to non-empty table '{table.name}' because it does not "
                "satisfy these conditions.",
            )


def _has_rows(con: sqlite3.Connection, db: str, table: TableDef) -> bool:
    return con.execute(f"SELECT 1 FROM {quote(db)}.{quote(table.storage_name)} LIMIT 1").fetchone() is not None


def _initial_value(work: _Alter, column: ColumnDef, with_values: bool) -> str | None:
    """What an added column holds in the rows already there (None: NULL, or computed)."""
    if column.computed_sql is not None or column.rowversion:
        return None
    if column.identity:
        return f"{column.seed} + (ROW_NUMBER() OVER (ORDER BY rowid) - 1) * {column.increment}"
    if column.default_sql is not None and (with_values or not column.nullable):
        return ddl.default_sql(column, work.display, work.ctx)
    return None


def _set_identity(work: _Alter, added: list[ColumnDef]) -> None:
    """An identity column added to a table with rows numbers them; its current value follows."""
    for column in added:
        if not column.identity:
            continue
        count = work.con.execute(f"SELECT COUNT(*) FROM {quote(work.db)}.{quote(work.table.storage_name)}").fetchone()[
            0
        ]
        last = column.seed + (count - 1) * column.increment if count else None
        work.con.execute(
            f"INSERT OR REPLACE INTO {quote(work.db)}.__tdsnet_identity (object_id, last_value) VALUES (?, ?)",
            (work.table.object_id, last),
        )


def _unique_keys_hold(work: _Alter, table: TableDef, spec: ddl.TableSpec, before: bool) -> None:
    """New PRIMARY KEY and UNIQUE constraints over the rows already there: 1505 on a duplicate key."""
    current = table if before else work.fresh()
    fresh = work.fresh()
    for constraint in spec.constraints:
        if constraint.kind not in ("PK", "UQ"):
            continue
        index = next((i for i in fresh.indexes if i.name.lower() == constraint.name.lower()), None)
        if index is None or (before and any(current.column(c.name) is None for c in index.key_columns)):
            continue
        duplicate = ddl.duplicate_key(work.con, work.db, current, index)
        if duplicate is not None:
            raise errors.SqlError(
                1505,
                16,
                1,
                "The CREATE UNIQUE INDEX statement terminated because a duplicate key was found for the object name "
                f"'{work.display}' and the index name '{index.name}'. The duplicate key value is ({duplicate}).",
            ).follow(errors.SqlError(1750, 16, 0, "Could not create constraint or index. See previous errors."))


def _new_constraints_hold(work: _Alter, ids: list[int]) -> None:
    """The triggers of new CHECK and FOREIGN KEY constraints; WITH CHECK (the default for new constraints),
    the rows already there must satisfy them."""
    cat = ddl.fresh_catalog(work.con, work.db)
    table = cat.by_id[work.table.object_id]
    for row in (o for o in cat.objects if o.object_id in ids):
        if row.type == "F":
            if work.check is not False:
                constraints.foreign_key_violation(work.con, work.db, cat, row)
            constraints.create_foreign_key_triggers(work.con, work.db, cat, row)
        elif row.type == "C":
            if work.check is not False:
                constraints.check_violation(work.con, work.db, table, row, work.ctx)
            constraints.create_check_triggers(work.con, work.db, table, row, work.ctx)


# --- DROP -----------------------------------------------------------------------------------------


def _drop(work: _Alter, tokens: Tokens) -> None:
    columns: list[str] = []
    names: list[tuple[str, bool]] = []
    kind = "CONSTRAINT"
    while True:
        if tokens.accept("COLUMN"):
            kind = "COLUMN"
        elif tokens.accept("CONSTRAINT"):
            kind = "CONSTRAINT"
        exists = tokens.accept("IF", "EXISTS")
        name = tokens.name()
        if kind == "COLUMN":
            if not exists or work.table.column(name) is not None:
                columns.append(name)
        else:
            names.append((name, exists))
        if not tokens.accept(","):
            break
    if not tokens.at_end():
        raise tokens.error()
    for name, exists in names:
        _drop_constraint(work, name, exists)
    if columns:
        _drop_columns(work, columns)
    catalog.touch(work.con, work.db)


def _drop_constraint(work: _Alter, name: str, exists: bool) -> None:
    cat = ddl.fresh_catalog(work.con, work.db)
    table = cat.by_id[work.table.object_id]
    row = next(
        (
            o
            for o in cat.objects
            if o.parent_object_id == table.object_id
            and o.type in ("PK", "UQ", "F", "C", "D")
            and o.name.lower() == name.lower()
        ),
        None,
    )
    if row is None:
        if exists:
            return
        raise errors.SqlError(3728, 16, 1, f"'{name}' is not a constraint.").follow(_could_not_drop())
    con, db = work.con, work.db
    if row.type in ("PK", "UQ"):
        index = next((i for i in table.indexes if i.name.lower() == row.name.lower()), None)
        for fk in constraints.references_to(cat, table):
            if index is not None and _relies_on(cat, fk, index):
                child = cat.by_id.get(fk.parent_object_id)
                raise errors.SqlError(
                    3725,
                    16,
                    0,
                    f"The constraint '{row.name}' is being referenced by table '{child.name if child else ''}', "
                    f"foreign key constraint '{fk.name}'.",
                ).follow(_could_not_drop())
        catalog.drop_object(con, db, row.object_id)
        if index is not None:
            catalog.drop_index(con, db, table.object_id, index.index_id)
            if not _drop_sqlite_index(con, db, table, index):
                _rebuild_same(work)  # a table of an earlier version keeps its keys inside its SQLite table
        return
    constraints.drop_triggers(con, db, constraints.constraint_trigger_prefix(row.object_id))
    catalog.drop_object(con, db, row.object_id)
    if row.type == "D":
        column = str(constraints.detail(row).get("column", "")).lower()
        columns = [replace(c, default_sql=None) if c.name.lower() == column else c for c in table.columns]
        catalog.replace_columns(con, db, table.object_id, columns)
        _rebuild_same(work)


def _relies_on(cat: catalog.Catalog, fk: ObjectRow, index: IndexDef) -> bool:
    names = sorted(str(n).lower() for n in constraints.detail(fk).get("referenced_columns") or [])
    return names == sorted(c.name.lower() for c in index.key_columns)


def _drop_sqlite_index(con: sqlite3.Connection, db: str, table: TableDef, index: IndexDef) -> bool:
    name = ddl.sqlite_index_name(table.storage_name, index.name)
    found = con.execute(
        f"SELECT 1 FROM {quote(db)}.sqlite_master WHERE type = 'index' AND name = ?", (name,)
    ).fetchone()
    if found is None:
        return False
    con.execute(f"DROP INDEX {quote(db)}.{quote(name)}")
    return True


def _rebuild_same(work: _Alter) -> None:
    table = work.fresh()
    copy = {c.name.lower(): quote(c.name) for c in table.columns if c.computed_sql is None}
    ddl.rebuild(work.con, work.db, table.object_id, work.ctx, copy)


def _could_not_drop() -> errors.SqlError:
    return errors.SqlError(3727, 16, 0, "Could not drop constraint. See previous errors.")


def dependents(cat: catalog.Catalog, table: TableDef, column: str) -> list[tuple[str, str]]:
    """What depends on a column, as 5074 names it: ('object', name), ('index', name), ('column', name)."""
    lowered = column.lower()
    found: list[tuple[str, str]] = []
    for row in cat.objects:
        info = constraints.detail(row)
        if row.parent_object_id == table.object_id:
            named = [str(info.get("column", ""))] + [str(c) for c in info.get("columns") or []]
            if row.type == "C":
                named += _columns_of(str(info.get("definition", "")))
            if lowered in (n.lower() for n in named):
                found.append(("object", row.name))
        elif row.type == "F":
            parent = constraints.referenced_table(cat, row)
            referenced = [str(c).lower() for c in info.get("referenced_columns") or []]
            if parent is not None and parent.object_id == table.object_id and lowered in referenced:
                found.append(("object", row.name))
    for index in table.indexes:
        if index.is_primary_key or index.is_unique_constraint:
            continue
        if lowered in (c.name.lower() for c in index.columns):
            found.append(("index", index.name))
    for other in table.columns:
        if other.computed_sql is not None and lowered in (c.lower() for c in _columns_of(other.computed_sql)):
            found.append(("column", other.name))
    return found


def _columns_of(text: str) -> list[str]:
    try:
        return [c.name for c in ddl.parse_expression(text).find_all(exp.Column)]
    except errors.SqlError:
        return []


def _dependency_error(work: _Alter, column: str, found: list[tuple[str, str]], verb: str) -> errors.SqlError:
    error = None
    for kind, name in found:
        this = errors.SqlError(5074, 16, 1, f"The {kind} '{name}' is dependent on column '{column}'.")
        error = this if error is None else error.follow(this)
    final = errors.SqlError(
        4922, 16, 9, f"ALTER TABLE {verb} COLUMN {column} failed because one or more objects access this column."
    )
    return final if error is None else error.follow(final)


def _drop_columns(work: _Alter, names: list[str]) -> None:
    cat = ddl.fresh_catalog(work.con, work.db)
    table = cat.by_id[work.table.object_id]
    dropped: set[str] = set()
    for name in names:
        column = table.column(name)
        if column is None:
            raise errors.SqlError(
                4924,
                16,
                1,
                f"ALTER TABLE DROP COLUMN failed because column '{name}' does not exist in table '{table.name}'.",
            )
        found = [d for d in dependents(cat, table, column.name) if d[1].lower() not in dropped]
        if found:
            raise _dependency_error(work, column.name, found, "DROP")
        dropped.add(column.name.lower())
    remaining = [c for c in table.columns if c.name.lower() not in dropped]
    if not remaining:
        raise errors.SqlError(
            4923,
            16,
            1,
            f"ALTER TABLE DROP COLUMN failed because '{names[-1]}' is the only data column in table '{table.name}'. "
            "A table must have at least one data column.",
        )
    con, db = work.con, work.db
    catalog.replace_columns(con, db, table.object_id, remaining)
    if table.identity is not None and table.identity.name.lower() in dropped:
        con.execute(f"DELETE FROM {quote(db)}.__tdsnet_identity WHERE object_id = ?", (table.object_id,))
    copy = {c.name.lower(): quote(c.name) for c in remaining if c.computed_sql is None}
    ddl.rebuild(con, db, table.object_id, work.ctx, copy)


# --- ALTER COLUMN ---------------------------------------------------------------------------------


def _alter_column(work: _Alter, tokens: Tokens) -> None:
    from .dialect import parse_one

    name = tokens.name()
    text = tokens.rest()
    if not text:
        raise tokens.error()
    first = text.split()[0].upper()
    if first in ("ADD", "DROP"):
        raise errors.not_supported(f"ALTER COLUMN ... {first} (ROWGUIDCOL, PERSISTED, SPARSE, MASKED)")
    tree = parse_one(f"CREATE TABLE __tdsnet_alter ({quote(name)} {text})")
    item = tree.this.expressions[0]
    cat = ddl.fresh_catalog(work.con, work.db)
    table = cat.by_id[work.table.object_id]
    column = table.column(name)
    if column is None:
        raise errors.SqlError(
            4924,
            16,
            1,
            f"ALTER TABLE ALTER COLUMN failed because column '{name}' does not exist in table '{table.name}'.",
        )
    if column.computed_sql is not None or column.rowversion:
        what = "COMPUTED" if column.computed_sql is not None else "timestamp"
        raise errors.SqlError(4928, 16, 1, f"Cannot alter column '{column.name}' because it is '{what}'.")
    spec = ddl.TableSpec(table.schema, table.name)
    wanted = ddl.add_column(item, column.column_id, spec)
    if spec.constraints or wanted.identity or wanted.computed_sql is not None:
        raise errors.syntax_error(text.split()[0])
    new = replace(
        column, type=wanted.type, nullable=wanted.nullable and not column.identity, collation=wanted.collation
    )
    if new.identity:
        ddl.check_identity_type(new)
    _check_alterable(work, cat, table, column, new)
    con, db = work.con, work.db
    if not new.nullable and column.nullable:
        has_null = con.execute(
            f"SELECT 1 FROM {quote(db)}.{quote(table.storage_name)} WHERE {quote(column.name)} IS NULL LIMIT 1"
        ).fetchone()
        if has_null is not None:
            raise errors.null_not_allowed(column.name, f"{_database(db)}.{work.display}", "UPDATE")
    catalog.replace_columns(con, db, table.object_id, [new if c is column else c for c in table.columns])
    copy = {c.name.lower(): quote(c.name) for c in table.columns if c.computed_sql is None}
    copy[column.name.lower()] = _converted(column, new, work.display)
    try:
        ddl.rebuild(con, db, table.object_id, work.ctx, copy)
    except sqlite3.Error:
        pending = getattr(functions.CURRENT, "error", None)
        if pending is not None and pending.number == 2628:  # ALTER COLUMN reports the short form
            functions.CURRENT.error = errors.string_truncated()
        raise
    catalog.touch(con, db)


def _database(db: str) -> str:
    return ddl.display_database(db)


def _converted(old: ColumnDef, new: ColumnDef, display: str) -> str:
    """An old value in the column's new type (CAST's rules; too long a string is an error, as SQL Server's is)."""
    if old.type == new.type:
        return quote(old.name)
    return (
        f"tsql_store({quote(old.name)}, '{new.type}', '{display.replace(chr(39), chr(39) * 2)}', "
        f"'{new.name.replace(chr(39), chr(39) * 2)}', '{old.type}')"
    )


def _check_alterable(work: _Alter, cat: catalog.Catalog, table: TableDef, old: ColumnDef, new: ColumnDef) -> None:
    """Keys, indexes, CHECKs and computed columns pin a column's type (a longer string is fine)."""
    found = [d for d in dependents(cat, table, old.name) if not _is_default(cat, table, d)]
    if not found:
        return
    widening = (
        old.type.name == new.type.name
        and old.type.length is not None
        and new.type.length is not None
        and (new.type.is_max or (not old.type.is_max and new.type.length >= old.type.length))
    )
    in_key = any(old.name.lower() in (c.name.lower() for c in i.key_columns) for i in table.indexes if i.is_primary_key)
    if old.type == new.type or widening:
        if in_key and new.nullable:
            raise _dependency_error(work, old.name, found, "ALTER")
        return
    raise _dependency_error(work, old.name, found, "ALTER")


def _is_default(cat: catalog.Catalog, table: TableDef, dependency: tuple[str, str]) -> bool:
    return any(o.type == "D" and o.parent_object_id == table.object_id and o.name == dependency[1] for o in cat.objects)


# --- CHECK / NOCHECK CONSTRAINT -------------------------------------------------------------------


def _switch_constraints(work: _Alter, tokens: Tokens, enable: bool) -> None:
    cat = ddl.fresh_catalog(work.con, work.db)
    table = cat.by_id[work.table.object_id]
    eligible = [o for o in cat.objects if o.parent_object_id == table.object_id and o.type in ("C", "F")]
    if tokens.accept("ALL"):
        chosen = eligible
    else:
        chosen = []
        while True:
            name = tokens.name()
            row = next((o for o in eligible if o.name.lower() == name.lower()), None)
            if row is None:
                raise errors.SqlError(4917, 16, 0, f"Constraint '{name}' does not exist.").follow(
                    errors.SqlError(4916, 16, 0, "Could not enable or disable the constraint. See previous errors.")
                )
            chosen.append(row)
            if not tokens.accept(","):
                break
    if not tokens.at_end():
        raise tokens.error()
    con, db = work.con, work.db
    for row in chosen:
        constraints.drop_triggers(con, db, constraints.constraint_trigger_prefix(row.object_id))
        if not enable:
            _update_detail(con, db, row.object_id, {"disabled": True, "not_trusted": True})
            continue
        trusted = work.check is True
        _update_detail(con, db, row.object_id, {"disabled": False, **({"not_trusted": False} if trusted else {})})
    catalog.touch(con, db)
    if not enable:
        return
    cat = ddl.fresh_catalog(con, db)
    table = cat.by_id[table.object_id]
    for original in chosen:
        row = next(o for o in cat.objects if o.object_id == original.object_id)
        if row.type == "C":
            if work.check:
                constraints.check_violation(con, db, table, row, work.ctx)
            constraints.create_check_triggers(con, db, table, row, work.ctx)
        else:
            if work.check:
                constraints.foreign_key_violation(con, db, cat, row)
            constraints.create_foreign_key_triggers(con, db, cat, row)


def _update_detail(con: sqlite3.Connection, db: str, object_id: int, changes: dict[str, Any]) -> None:
    row = con.execute(f"SELECT definition FROM {quote(db)}.__tdsnet_objects WHERE object_id = ?", (object_id,))
    found = row.fetchone()
    detail = json.loads(found[0]) if found and found[0] and found[0].startswith("{") else {}
    detail.update(changes)
    con.execute(
        f"UPDATE {quote(db)}.__tdsnet_objects SET definition = ?, modify_date = ? WHERE object_id = ?",
        (json.dumps(detail), catalog.now_text(), object_id),
    )


# --- sp_rename --------------------------------------------------------------------------------------

CAUTION = "Caution: Changing any part of an object name could break scripts and stored procedures."


def sp_rename(session: EngineSession, positional: list[Any], named: dict[str, Any]) -> Iterator[Result]:
    """sp_rename 'old', 'new' [, 'OBJECT' | 'COLUMN' | 'INDEX']: tables, views, procedures, constraints,
    columns and indexes."""
    from .session import Frame

    values = [*positional, None, None, None]
    old = named.get("objname", values[0])
    new = named.get("newname", values[1])
    kind = str(named.get("objtype", values[2]) or "").upper()
    if not old or not new:
        raise errors.SqlError(
            15600, 16, 1, "An invalid parameter or option was specified for procedure 'sys.sp_rename'."
        )
    parts = [p.strip("[]") for p in _split_name(str(old))]
    new_name = str(new).strip("[]")
    ctx = session._context(session._frame or Frame())
    con = session._connection()
    db = session.database
    if kind == "COLUMN":
        session._in_write(lambda: _rename_column(session, con, db, parts, new_name, ctx))
    elif kind == "INDEX":
        session._in_write(lambda: _rename_index(session, con, db, parts, new_name, ctx))
    elif kind in ("", "OBJECT"):
        session._in_write(lambda: _rename_object(session, con, db, parts, new_name, ctx))
    else:
        raise errors.not_supported(f"sp_rename of a {kind.lower()}")
    yield Message(15477, 10, 1, CAUTION)


def _split_name(text: str) -> list[str]:
    parts, current, bracket = [], "", False
    for ch in text:
        if ch == "[":
            bracket = True
        elif ch == "]":
            bracket = False
        if ch == "." and not bracket:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return parts


def _ambiguous(kind: str) -> errors.SqlError:
    return errors.SqlError(
        15248, 11, 1, f"Either the parameter @objname is ambiguous or the claimed @objtype ({kind}) is wrong."
    )


def _find_table(session: EngineSession, db: str, parts: list[str]) -> TableDef | None:
    cat = session._catalog(db)
    schema = parts[-2] if len(parts) > 1 and parts[-2] else "dbo"
    return cat.table(schema, parts[-1])


def _rename_object(
    session: EngineSession, con: sqlite3.Connection, db: str, parts: list[str], new: str, ctx: Context
) -> None:
    cat = ddl.fresh_catalog(con, db)
    schema_id = cat.schema_id(parts[-2] if len(parts) > 1 and parts[-2] else "dbo")
    row = next(
        (o for o in cat.objects if o.schema_id == schema_id and o.name.lower() == parts[-1].lower()),
        None,
    )
    if row is None:
        raise _ambiguous("OBJECT")
    if any(o.schema_id == schema_id and o.name.lower() == new.lower() and o is not row for o in cat.objects):
        raise errors.SqlError(
            15335,
            11,
            1,
            f"Error: The new name '{new}' is already in use as a OBJECT name and would cause a duplicate that is not "
            "permitted.",
        )
    con.execute(
        f"UPDATE {quote(db)}.__tdsnet_objects SET name = ?, modify_date = ? WHERE object_id = ?",
        (new, catalog.now_text(), row.object_id),
    )
    table = cat.by_id.get(row.object_id)
    if table is not None and table.type == "U":
        from . import schemas

        schemas.retarget_references(con, db, cat, table, catalog.storage_name(table.schema, new))
        ddl.restore_storage(con, db, table, ctx, table.storage_name)
    elif row.type in ("PK", "UQ"):
        parent = cat.by_id[row.parent_object_id]
        index = next(i for i in parent.indexes if i.name.lower() == row.name.lower())
        _rename_index_rows(con, db, parent, index, new)
    elif row.type in ("C", "F"):
        constraints.drop_triggers(con, db, constraints.constraint_trigger_prefix(row.object_id))
        fresh = ddl.fresh_catalog(con, db)
        renamed = next(o for o in fresh.objects if o.object_id == row.object_id)
        parent = fresh.by_id[renamed.parent_object_id]
        if renamed.type == "C" and constraints.enabled(renamed):
            constraints.create_check_triggers(con, db, parent, renamed, ctx)
        elif renamed.type == "F":
            constraints.create_foreign_key_triggers(con, db, fresh, renamed)
    catalog.touch(con, db)
    del session


def _rename_index(
    session: EngineSession, con: sqlite3.Connection, db: str, parts: list[str], new: str, ctx: Context
) -> None:
    del ctx
    if len(parts) < 2:
        raise _ambiguous("INDEX")
    table = _find_table(session, db, parts[:-1])
    index = None if table is None else next((i for i in table.indexes if i.name.lower() == parts[-1].lower()), None)
    if table is None or index is None:
        raise _ambiguous("INDEX")
    if index.is_primary_key or index.is_unique_constraint:
        cat = ddl.fresh_catalog(con, db)
        row = next(o for o in cat.objects if o.parent_object_id == table.object_id and o.name == index.name)
        con.execute(f"UPDATE {quote(db)}.__tdsnet_objects SET name = ? WHERE object_id = ?", (new, row.object_id))
    _rename_index_rows(con, db, table, index, new)
    catalog.touch(con, db)


def _rename_index_rows(con: sqlite3.Connection, db: str, table: TableDef, index: IndexDef, new: str) -> None:
    con.execute(
        f"UPDATE {quote(db)}.__tdsnet_indexes SET name = ? WHERE object_id = ? AND index_id = ?",
        (new, table.object_id, index.index_id),
    )
    if _drop_sqlite_index(con, db, table, index):
        fresh = ddl.fresh_catalog(con, db).by_id[table.object_id]
        renamed = next(i for i in fresh.indexes if i.index_id == index.index_id)
        ddl.create_indexes(con, db, replace(fresh, indexes=(renamed,)))


def _rename_column(
    session: EngineSession, con: sqlite3.Connection, db: str, parts: list[str], new: str, ctx: Context
) -> None:
    if len(parts) < 2:
        raise _ambiguous("COLUMN")
    table = _find_table(session, db, parts[:-1])
    column = None if table is None else table.column(parts[-1])
    if table is None or column is None:
        raise _ambiguous("COLUMN")
    if table.column(new) is not None and new.lower() != column.name.lower():
        raise errors.SqlError(
            2705,
            16,
            3,
            f"Column names in each table must be unique. Column name '{new}' in table '{table.schema}.{table.name}' "
            "is specified more than once.",
        )
    old = column.name
    renamed = [replace(c, name=new) if c is column else c for c in table.columns]
    renamed = [_renamed_computed(c, old, new) for c in renamed]
    catalog.replace_columns(con, db, table.object_id, renamed)
    for index in table.indexes:
        columns = [c if c.name.lower() != old.lower() else replace(c, name=new) for c in index.columns]
        where = f"({_rename_in(index.filter, old, new)})" if index.filter else None
        con.execute(
            f"UPDATE {quote(db)}.__tdsnet_indexes SET columns = ?, filter = ? WHERE object_id = ? AND index_id = ?",
            (
                json.dumps([[c.name, int(c.descending), int(c.included)] for c in columns]),
                where,
                table.object_id,
                index.index_id,
            ),
        )
    cat = ddl.fresh_catalog(con, db)
    for row in cat.objects:
        changes = _renamed_detail(cat, table, row, old, new)
        if changes:
            _update_detail(con, db, row.object_id, changes)
    copy = {
        c.name.lower(): quote(old if c.column_id == column.column_id else c.name)
        for c in renamed
        if c.computed_sql is None
    }
    related = constraints.related_foreign_keys(cat, table)
    for row in related:
        constraints.drop_triggers(con, db, constraints.constraint_trigger_prefix(row.object_id))
    ddl.rebuild(con, db, table.object_id, ctx, copy)
    fresh = ddl.fresh_catalog(con, db)
    for row in related:
        current = next(o for o in fresh.objects if o.object_id == row.object_id)
        constraints.create_foreign_key_triggers(con, db, fresh, current)
    catalog.touch(con, db)


def _renamed_computed(column: ColumnDef, old: str, new: str) -> ColumnDef:
    if column.computed_sql is None:
        return column
    return replace(column, computed_sql=_rename_in(column.computed_sql, old, new))


def _rename_in(text: str, old: str, new: str) -> str:
    node = ddl.parse_expression(text)
    for ref in node.find_all(exp.Column):
        if ref.name.lower() == old.lower():
            ref.set("this", exp.to_identifier(new))
    return node.sql(dialect="tsql")


def _renamed_detail(cat: catalog.Catalog, table: TableDef, row: ObjectRow, old: str, new: str) -> dict[str, Any]:
    """A constraint's JSON detail with the column's new name (the column it belongs to, its key, the
    definition of a CHECK, the referenced columns of a FOREIGN KEY that references the table)."""
    info = constraints.detail(row)
    changes: dict[str, Any] = {}

    def rename(names: list[str]) -> list[str]:
        return [new if str(n).lower() == old.lower() else n for n in names]

    if row.parent_object_id == table.object_id:
        if str(info.get("column", "")).lower() == old.lower():
            changes["column"] = new
        if info.get("columns"):
            changes["columns"] = rename(info["columns"])
        if row.type == "C" and info.get("definition"):
            changes["definition"] = f"({_rename_in(str(info['definition']), old, new)})"
    if row.type == "F":
        parent = constraints.referenced_table(cat, row)
        if parent is not None and parent.object_id == table.object_id and info.get("referenced_columns"):
            changes["referenced_columns"] = rename(info["referenced_columns"])
    return {k: v for k, v in changes.items() if v != info.get(k)}


def register(registry: Any) -> None:
    registry.procedure("sp_rename", sp_rename)
