"""CREATE TABLE and DROP TABLE: SQLite DDL plus the catalog rows that remember
each column's declared type, identity, default and constraints.

Storage affinity per type family: integers INTEGER, floats REAL, binaries BLOB,
everything else TEXT (exact decimals, ISO dates) with a collation that compares
it as SQL Server does.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from dataclasses import dataclass, field, replace

from sqlglot import exp

from ..sqltypes import SqlType, TypeError_, parse_type
from . import catalog, errors, storage
from .catalog import ColumnDef
from .compiler import (
    Compiling,
    Context,
    annotate,
    call,
    prepare,
    qualify_tree,
    rewrite,
    sqlite_sql,
    type_hint,
    type_of,
)
from .storage import quote


def storage_clause(st: SqlType, collation: str | None) -> str:
    family = st.family
    if family == "int":
        return "INTEGER"
    if family == "float":
        return "REAL"
    if family == "binary":
        return "BLOB"
    if family in ("decimal", "money"):
        return f"TEXT COLLATE {storage.DECIMAL_COLLATION}"
    if family == "datetimeoffset":
        return f"TEXT COLLATE {storage.DTO_COLLATION}"
    if family in ("char", "nchar"):
        return f"TEXT COLLATE {collation or storage.DEFAULT_COLLATION}"
    if family == "guid":
        return "TEXT COLLATE NOCASE"
    if family == "variant":
        return ""
    return "TEXT"


def constraint_name(prefix: str, table: str, column: str = "") -> str:
    """SQL Server's generated names: PK__Orders__3213E83F0A9D95DB, DF__Orders__amount__..."""
    middle = f"{table[:8]}__{column[:5]}" if column else table[:8]
    return f"{prefix}__{middle}__{secrets.token_hex(8).upper()}"


@dataclass(slots=True)
class TableSpec:
    """What CREATE TABLE asks for, before it is written anywhere."""

    schema: str
    name: str
    columns: list[ColumnDef] = field(default_factory=list)
    column_extra: list[str] = field(default_factory=list)  # DEFAULT and inline constraints
    constraints: list[tuple[str, str, dict]] = field(default_factory=list)  # (kind, name, detail)
    constraint_sql: list[str] = field(default_factory=list)


def _expression_sql(node: exp.Expression, ctx: Context) -> tuple[str, SqlType | None]:
    """A default or check expression, typed and rewritten for SQLite."""
    state = Compiling(ctx)
    select = exp.select(exp.alias_(node.copy(), "__v"))
    prepare(select, state)
    qualified = qualify_tree(select, state)
    annotate(qualified, state)
    rewritten = rewrite(qualified, state)
    value = rewritten.expressions[0]
    value = value.this if isinstance(value, exp.Alias) else value
    return sqlite_sql(value), type_of(value)


def _check_sql(node: exp.Expression, spec: TableSpec, ctx: Context) -> str:
    """CHECK expressions refer to the table's own columns; type them against a stand-in."""
    del spec, ctx
    return node.sql(dialect="sqlite")


def build_table(tree: exp.Create, schema: str, name: str, ctx: Context) -> TableSpec:
    body = tree.this
    if not isinstance(body, exp.Schema):
        raise errors.not_supported("CREATE TABLE without a column list")
    spec = TableSpec(schema, name)
    column_id = 0
    for item in body.expressions:
        if isinstance(item, exp.ColumnDef):
            column_id += 1
            _add_column(item, column_id, spec, ctx)
        else:
            _add_table_constraint(item, spec, ctx)
    if not spec.columns:
        raise errors.SqlError(4924, 16, 1, "A table must have at least one column.")
    identities = [c for c in spec.columns if c.identity]
    if len(identities) > 1:
        raise errors.SqlError(
            2744,
            16,
            2,
            f"Multiple identity columns specified for table '{name}'. Only one identity column per table is allowed.",
        )
    return spec


def _add_column(item: exp.ColumnDef, column_id: int, spec: TableSpec, ctx: Context) -> None:
    name = item.name
    if any(c.name.lower() == name.lower() for c in spec.columns):
        raise errors.SqlError(
            2705,
            16,
            3,
            f"Column names in each table must be unique. Column name '{name}' in "
            f"table '{spec.schema}.{spec.name}' is specified more than once.",
        )
    kind = item.args.get("kind")
    computed_sql = None
    nullable = True
    explicit_null = False
    identity = False
    seed, increment = 1, 1
    default_sql = None
    collation = None
    constraint_sql: list[str] = []
    st: SqlType | None = _declared_type(kind) if kind is not None else None
    for constraint in item.args.get("constraints") or []:
        ckind = constraint.args.get("kind")
        cname = constraint.name or None
        if isinstance(ckind, exp.NotNullColumnConstraint):
            nullable = bool(ckind.args.get("allow_null"))
            explicit_null = nullable
        elif isinstance(ckind, exp.AutoIncrementColumnConstraint):
            identity, nullable = True, False  # IDENTITY without (seed, increment) is (1, 1)
        elif isinstance(ckind, exp.GeneratedAsIdentityColumnConstraint):
            identity = True
            seed = int(ckind.args["start"].name) if ckind.args.get("start") else 1
            increment = int(ckind.args["increment"].name) if ckind.args.get("increment") else 1
            nullable = False
        elif isinstance(ckind, exp.PrimaryKeyColumnConstraint):
            nullable = False
            cname = cname or constraint_name("PK", spec.name)
            spec.constraints.append(("PK", cname, {"columns": [name]}))
            constraint_sql.append(f"CONSTRAINT {quote(cname)} PRIMARY KEY")
        elif isinstance(ckind, exp.UniqueColumnConstraint):
            cname = cname or constraint_name("UQ", spec.name)
            spec.constraints.append(("UQ", cname, {"columns": [name]}))
            constraint_sql.append(f"CONSTRAINT {quote(cname)} UNIQUE")
        elif isinstance(ckind, exp.DefaultColumnConstraint):
            default_sql = ckind.this.sql(dialect="tsql")
            cname = cname or constraint_name("DF", spec.name, name)
            spec.constraints.append(("D", cname, {"column": name, "definition": f"({default_sql})"}))
        elif isinstance(ckind, exp.ComputedColumnConstraint):
            computed_sql = ckind.this.sql(dialect="tsql")
        elif isinstance(ckind, exp.CollateColumnConstraint):
            collation = storage.canonical_collation(ckind.this.name)
            if not storage.is_known_collation(collation):
                raise errors.SqlError(448, 16, 1, f"Invalid collation '{ckind.this.name}'.")
        elif isinstance(ckind, exp.CheckColumnConstraint):
            cname = cname or constraint_name("CK", spec.name, name)
            definition = ckind.this.sql(dialect="tsql")
            spec.constraints.append(("C", cname, {"column": name, "definition": f"({definition})"}))
            constraint_sql.append(f"CONSTRAINT {quote(cname)} CHECK ({_check_sql(ckind.this, spec, ctx)})")
        elif isinstance(ckind, exp.Reference):
            cname = cname or constraint_name("FK", spec.name, name)
            constraint_sql.append(_reference_sql(cname, [name], ckind, spec, ctx))
        elif isinstance(ckind, exp.ClusteredColumnConstraint | exp.NonClusteredColumnConstraint):
            continue
        else:
            raise errors.not_supported(f"column option {constraint.sql(dialect='tsql')}")
    if computed_sql is not None:
        st = st or _computed_type(computed_sql, ctx)
    if st is None:
        raise errors.syntax_error(name)
    if identity and st.family not in ("int", "decimal"):
        raise errors.SqlError(
            2749,
            16,
            2,
            f"Identity column '{name}' must be of data type int, bigint, smallint, "
            "tinyint, or decimal or numeric with a scale of 0, and constrained to be nonnullable.",
        )
    if explicit_null and identity:
        nullable = False
    column = ColumnDef(
        column_id,
        name,
        st,
        nullable,
        identity,
        seed,
        increment,
        default_sql,
        computed_sql,
        collation if st.is_string else None,
    )
    spec.columns.append(column)
    parts: list[str] = []
    if default_sql is not None:
        value_sql, value_type = _expression_sql(_parse_expression(default_sql), ctx)
        stored = (
            call(
                "tsql_store",
                exp.Literal.string("__default__"),
                exp.Literal.string(str(st)),
                exp.Literal.string(spec.name),
                exp.Literal.string(name),
                type_hint(value_type),
            )
            .sql(dialect="sqlite")
            .replace("'__default__'", value_sql, 1)
        )
        parts.append(f"DEFAULT ({stored})")
    parts += constraint_sql
    spec.column_extra.append(" ".join(parts))


def _parse_expression(text: str) -> exp.Expression:
    from .dialect import parse_one

    select = parse_one(f"SELECT {text}")
    return select.expressions[0]


def _computed_type(definition: str, ctx: Context) -> SqlType | None:
    del definition, ctx
    return None


def _declared_type(kind: exp.Expression) -> SqlType:
    text = kind.sql(dialect="tsql")
    try:
        return parse_type(text)
    except TypeError_ as exc:
        raise errors.SqlError(2715, 16, 6, str(exc).replace(": ", ": ", 1)) from None


def _add_table_constraint(item: exp.Expression, spec: TableSpec, ctx: Context) -> None:
    name = item.name if isinstance(item, exp.Constraint) else ""
    parts = item.expressions if isinstance(item, exp.Constraint) else [item]
    for part in parts:
        if isinstance(part, exp.PrimaryKeyColumnConstraint | exp.PrimaryKey | exp.UniqueColumnConstraint):
            continue
        if isinstance(part, exp.ClusteredColumnConstraint | exp.NonClusteredColumnConstraint):
            columns = [o.this.name if isinstance(o, exp.Ordered) else o.name for o in part.this]
            unique = any(isinstance(p, exp.UniqueColumnConstraint) for p in parts)
            _key(spec, name, columns, "UQ" if unique else "PK")
            return
    first = parts[0] if parts else None
    if isinstance(first, exp.PrimaryKeyColumnConstraint | exp.PrimaryKey):
        columns = [e.name for e in (first.expressions if isinstance(first, exp.PrimaryKey) else [])]
        _key(spec, name, columns or _schema_columns(first), "PK")
    elif isinstance(first, exp.UniqueColumnConstraint):
        _key(spec, name, _schema_columns(first), "UQ")
    elif isinstance(first, exp.CheckColumnConstraint):
        cname = name or constraint_name("CK", spec.name)
        definition = first.this.sql(dialect="tsql")
        spec.constraints.append(("C", cname, {"definition": f"({definition})"}))
        spec.constraint_sql.append(f"CONSTRAINT {quote(cname)} CHECK ({_check_sql(first.this, spec, ctx)})")
    elif isinstance(first, exp.ForeignKey):
        columns = [e.name for e in first.expressions]
        cname = name or constraint_name("FK", spec.name, columns[0] if columns else "")
        reference = first.args.get("reference")
        sql = _reference_sql(cname, columns, reference, spec, ctx)
        spec.constraint_sql.append(
            sql.replace("REFERENCES", f"FOREIGN KEY ({', '.join(quote(c) for c in columns)}) REFERENCES", 1)
        )
    else:
        raise errors.not_supported(f"table constraint {item.sql(dialect='tsql')}")


def _schema_columns(node: exp.Expression) -> list[str]:
    inner = node.this if isinstance(node.this, exp.Schema) else node
    return [e.name for e in getattr(inner, "expressions", [])]


def _key(spec: TableSpec, name: str, columns: list[str], kind: str) -> None:
    cname = name or constraint_name(kind, spec.name)
    wanted = {c.lower() for c in columns}
    known = {c.name.lower() for c in spec.columns}
    for col_name in columns:
        if col_name.lower() not in known:
            raise errors.SqlError(1911, 16, 1, f"Column name '{col_name}' does not exist in the target table or view.")
    if kind == "PK":  # key columns of a primary key are NOT NULL
        spec.columns[:] = [replace(c, nullable=False) if c.name.lower() in wanted else c for c in spec.columns]
    spec.constraints.append((kind, cname, {"columns": columns}))
    clause = "PRIMARY KEY" if kind == "PK" else "UNIQUE"
    spec.constraint_sql.append(f"CONSTRAINT {quote(cname)} {clause} ({', '.join(quote(c) for c in columns)})")


def _reference_sql(cname: str, columns: list[str], reference: exp.Reference, spec: TableSpec, ctx: Context) -> str:
    target = reference.this
    table = target.this if isinstance(target, exp.Schema) else target
    ref_columns = [e.name for e in target.expressions] if isinstance(target, exp.Schema) else []
    resolved = ctx.resolve_table(
        table.args["catalog"].name if table.args.get("catalog") else None,
        table.args["db"].name if table.args.get("db") else None,
        table.name,
    )
    same_table = table.name.lower() == spec.name.lower()
    if resolved is None and not same_table:
        raise errors.SqlError(1767, 16, 0, f"Foreign key '{cname}' references invalid table '{table.name}'.")
    storage_name = resolved.storage if resolved else catalog.storage_name(spec.schema, spec.name)
    if not ref_columns and resolved is not None and resolved.table is not None:
        ref_columns = [c.name for c in resolved.columns[:1]]
    options = " ".join(str(o) for o in reference.args.get("options") or [])
    spec.constraints.append(
        (
            "F",
            cname,
            {
                "columns": columns,
                "references": storage_name,
                "referenced_columns": ref_columns,
                "options": options,
            },
        )
    )
    return (
        f"CONSTRAINT {quote(cname)} REFERENCES {quote(storage_name)}"
        f"({', '.join(quote(c) for c in ref_columns)}) {options}".rstrip()
    )


def create_table(con: sqlite3.Connection, db: str, spec: TableSpec, schema_id: int) -> int:
    """Write the SQLite table and its catalog rows (in the caller's transaction)."""
    storage_name = catalog.storage_name(spec.schema, spec.name)
    column_sql = [
        " ".join(
            part
            for part in (
                quote(c.name),
                storage_clause(c.type, c.collation),
                "" if c.nullable else "NOT NULL",
                extra,
            )
            if part
        )
        for c, extra in zip(spec.columns, spec.column_extra, strict=True)
    ]
    body = ",\n  ".join(column_sql + spec.constraint_sql)
    con.execute(f"CREATE TABLE {quote(db)}.{quote(storage_name)} (\n  {body}\n)")
    object_id = catalog.add_object(con, db, schema_id, spec.name, "U")
    catalog.add_columns(con, db, object_id, spec.columns)
    next_index = 2
    for kind, cname, detail in spec.constraints:
        catalog.add_object(con, db, schema_id, cname, kind, parent=object_id, definition=json.dumps(detail))
        if kind in ("PK", "UQ"):  # each key constraint is enforced by an index of the same name
            index_id = 1 if kind == "PK" else next_index
            next_index += kind != "PK"
            columns = tuple(catalog.IndexColumn(c) for c in detail["columns"])
            clustered = catalog.CLUSTERED if kind == "PK" else catalog.NONCLUSTERED
            catalog.add_index(
                con,
                db,
                object_id,
                catalog.IndexDef(index_id, cname, clustered, True, kind == "PK", kind == "UQ", columns),
            )
    return object_id


def index_filter_sql(condition: exp.Expression, table: catalog.TableDef) -> str:
    """A filtered index's WHERE: only the table's own columns and literals (SQLite allows no more)."""
    for column in condition.find_all(exp.Column):
        if table.column(column.name) is None:
            raise errors.invalid_column(column.name)
        column.set("table", None)
    return condition.sql(dialect="sqlite")


def sqlite_index_name(table_storage: str, index: str) -> str:
    """SQLite index names are unique per database, SQL Server's per table."""
    return f"{table_storage}.{index}"


def create_index(
    con: sqlite3.Connection, db: str, table: catalog.TableDef, index: catalog.IndexDef, filter_sql: str | None
) -> None:
    keys = ", ".join(f"{quote(c.name)}{' DESC' if c.descending else ''}" for c in index.key_columns)
    unique = "UNIQUE " if index.is_unique else ""
    where = f" WHERE {filter_sql}" if filter_sql else ""
    name = sqlite_index_name(table.storage_name, index.name)
    con.execute(f"CREATE {unique}INDEX {quote(db)}.{quote(name)} ON {quote(table.storage_name)} ({keys}){where}")
    catalog.add_index(con, db, table.object_id, index)


def drop_index(con: sqlite3.Connection, db: str, table: catalog.TableDef, index: catalog.IndexDef) -> None:
    con.execute(f"DROP INDEX {quote(db)}.{quote(sqlite_index_name(table.storage_name, index.name))}")
    catalog.drop_index(con, db, table.object_id, index.index_id)


def drop_table(con: sqlite3.Connection, db: str, storage_name: str, object_id: int) -> None:
    con.execute(f"DROP TABLE {quote(db)}.{quote(storage_name)}")
    catalog.drop_object(con, db, object_id)
