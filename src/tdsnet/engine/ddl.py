"""Tables: CREATE TABLE and DROP TABLE, indexes, and a table's SQLite storage, always derived from the catalog.

A table is stored as a plain SQLite table (each column with its affinity, collation, NOT NULL and DEFAULT;
computed columns as generated columns), one SQLite unique index per PRIMARY KEY/UNIQUE constraint or
index, and triggers (`constraints`) for CHECK and FOREIGN KEY constraints and rowversion columns.
Since all of it follows from the catalog rows, ALTER TABLE changes the rows and rebuilds the storage by
SQLite's documented procedure (create, copy, drop, rename), keeping the object_id.

Storage affinity per type family: integers INTEGER, floats REAL, binaries BLOB, everything else TEXT
(exact decimals, ISO dates) with a collation that compares it as SQL Server does.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import weakref
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from ..sqltypes import SqlType, TypeError_, parse_type
from . import catalog, constraints, errors, functions, storage
from .catalog import ColumnDef, IndexColumn, IndexDef, TableDef
from .compiler import (
    Compiling,
    Context,
    Source,
    SourceColumn,
    annotate,
    call,
    prepare,
    qualify_tree,
    rewrite,
    sqlite_sql,
    table_name,
    type_hint,
    type_of,
)
from .ddl_syntax import KeyText, index_options, read_keys
from .results import Result, StatementDone
from .storage import quote

if TYPE_CHECKING:
    from .batch import Statement
    from .session import EngineSession, Frame


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


def display_database(db: str) -> str:
    """The database a message names: temp tables live in SQLite's temp schema, tempdb to SQL Server."""
    return "tempdb" if db == "temp" else db


# --- compiling a table's own expressions ---------------------------------------------------------

SELF = "__tdsnet_self"


class TableContext:
    """The compiler's view while a table's expressions (computed columns, CHECK) compile: the table
    itself, which may not exist yet, answers to the name `SELF`; everything else is the session's."""

    def __init__(self, ctx: Context, source: Source) -> None:
        self.ctx = ctx
        self.source = source
        self.database = ctx.database

    def resolve_table(self, catalog_name: str | None, schema: str | None, name: str) -> Source | None:
        if name.lower() == SELF:
            return self.source
        return self.ctx.resolve_table(catalog_name, schema, name)

    def resolve_module(self, catalog_name: str | None, schema: str | None, name: str) -> Any:
        return self.ctx.resolve_module(catalog_name, schema, name)

    def variable_type(self, name: str) -> SqlType | None:
        return None

    def __getattr__(self, name: str) -> Any:  # what else the session's context offers (sequences...)
        return getattr(self.ctx, name)


def row_source(db: str, storage_name: str, display: str, columns: Sequence[ColumnDef]) -> Source:
    cols = tuple(SourceColumn(c.name, c.type, c.nullable, c.identity, c.computed_sql is not None) for c in columns)
    return Source(db, storage_name, display, cols)


@dataclass(frozen=True, slots=True)
class RowExpression:
    """An expression over one row of a table, compiled for SQLite."""

    sql: str
    type: SqlType | None
    nullable: bool
    columns: tuple[str, ...]  # the table's columns it reads, as declared


def compile_row_expression(
    node: exp.Expression, source: Source, ctx: Context, prefix: str = "", generated: bool = False
) -> RowExpression:
    """``node`` over the columns of ``source``, rewritten for SQLite with each column as ``prefix."col"``
    (NEW in a trigger) or bare (a generated column, which may only call deterministic functions)."""
    if node.find(exp.Select, exp.Subquery) is not None:
        raise errors.SqlError(
            1046, 15, 1, "Subqueries are not allowed in this context. Only scalar expressions are allowed."
        )
    state = Compiling(TableContext(ctx, source))
    select = exp.select(exp.alias_(node.copy(), "__v")).from_(exp.to_table(SELF))
    prepare(select, state)
    qualified = qualify_tree(select, state)
    annotate(qualified, state)
    typed = qualified.expressions[0]
    st, nullable = type_of(typed), bool(typed.meta.get("tds_nullable", True))
    rewritten = rewrite(qualified, state)
    value = rewritten.expressions[0]
    value = value.this if isinstance(value, exp.Alias) else value
    names: list[str] = []
    for column in value.find_all(exp.Column):
        declared = source.column(column.name)
        name = declared.name if declared is not None else column.name
        if name not in names:
            names.append(name)
        column.set("this", exp.to_identifier(name, quoted=True))
        column.set("table", exp.to_identifier(prefix) if prefix else None)
    if generated:
        value = _deterministic(value)
    return RowExpression(sqlite_sql(value), st, nullable, tuple(names))


def _deterministic(tree: exp.Expression) -> exp.Expression:
    """Integer overflow checks in the form SQLite accepts in a generated column: the session's checks are
    registered non-deterministic (so a constant one is not raised before its CASE branch is taken)."""
    for node in list(tree.find_all(exp.Case)):
        ifs = node.args.get("ifs") or []
        raised = ifs[0].args.get("true") if len(ifs) == 1 else None
        if isinstance(raised, exp.Anonymous) and str(raised.this) == "tsql_overflow":
            checked = call("tsql_generated_integer", node.args["default"], raised.expressions[0])
            if node is tree:
                tree = checked
            else:
                node.replace(checked)
    for node in tree.find_all(exp.Anonymous):
        if str(node.this) == "tsql_integer_result":
            node.set("this", "tsql_generated_integer")
    return tree


def _generated_integer(value: Any, type_name: str) -> Any:
    if value is None:
        return None
    if isinstance(value, float) or not _INTEGER_RANGES[type_name][0] <= value <= _INTEGER_RANGES[type_name][1]:
        raise errors.arithmetic_overflow(type_name)
    return value


_INTEGER_RANGES = {
    "tinyint": (0, 255),
    "smallint": (-(2**15), 2**15 - 1),
    "int": (-(2**31), 2**31 - 1),
    "bigint": (-(2**63), 2**63 - 1),
}


def parse_expression(text: str) -> exp.Expression:
    from .dialect import parse_one

    select = parse_one(f"SELECT {text}")
    return select.expressions[0]


def expression_sql(node: exp.Expression, ctx: Context) -> tuple[str, SqlType | None]:
    """A default: a constant expression (no columns), typed and rewritten for SQLite."""
    state = Compiling(ctx)
    select = exp.select(exp.alias_(node.copy(), "__v"))
    prepare(select, state)
    qualified = qualify_tree(select, state)
    annotate(qualified, state)
    rewritten = rewrite(qualified, state)
    value = rewritten.expressions[0]
    value = value.this if isinstance(value, exp.Alias) else value
    return sqlite_sql(value), type_of(value)


# --- what CREATE TABLE asks for ----------------------------------------------------------------


@dataclass(slots=True)
class ConstraintSpec:
    """A constraint before it is written: its catalog row's kind, name and JSON detail."""

    kind: str  # PK, UQ, F, C, D
    name: str
    detail: dict[str, Any]
    index_columns: tuple[IndexColumn, ...] = ()  # PK and UQ: the key of the index that enforces it
    clustered: bool | None = None  # PK and UQ: as written (None: the default)
    fill_factor: int = 0  # PK and UQ: WITH (FILLFACTOR = n)
    reference: exp.Expression | None = None  # F: the REFERENCES clause, resolved once all columns are known


@dataclass(slots=True)
class TableSpec:
    """What CREATE TABLE (or ALTER TABLE ADD) asks for, before it is written anywhere."""

    schema: str
    name: str
    columns: list[ColumnDef] = field(default_factory=list)
    constraints: list[ConstraintSpec] = field(default_factory=list)
    checks: list[tuple[ConstraintSpec, exp.Expression]] = field(default_factory=list)
    computed: dict[str, exp.Expression] = field(default_factory=dict)
    clustering: list[bool | None] = field(default_factory=list)  # CLUSTERED/NONCLUSTERED per key, in text order

    @property
    def display(self) -> str:
        return f"{self.schema}.{self.name}"

    def column(self, name: str) -> ColumnDef | None:
        return next((c for c in self.columns if c.name.lower() == name.lower()), None)


def build_table(tree: exp.Create, schema: str, name: str, ctx: Context, keys: KeyText | None = None) -> TableSpec:
    body = tree.this
    if not isinstance(body, exp.Schema):
        raise errors.not_supported("CREATE TABLE without a column list")
    spec = TableSpec(schema, name, clustering=list(keys.clustering) if keys else [])
    for item in body.expressions:
        if isinstance(item, exp.ColumnDef):
            add_column(item, len(spec.columns) + 1, spec)
        else:
            add_table_constraint(item, spec)
    add_keys(spec, keys)
    if not spec.columns:
        raise errors.SqlError(4924, 16, 1, "A table must have at least one column.")
    finish(spec, ctx, None)
    return spec


def finish(spec: TableSpec, ctx: Context, existing: TableDef | None, db: str = "") -> None:
    """Checks that need every column: computed column types, CHECK expressions, keys, foreign keys.
    ``existing`` is the table ALTER TABLE adds to (its constraints count for the key rules)."""
    identities = [c for c in spec.columns if c.identity]
    if len(identities) > 1:
        raise errors.SqlError(
            2744,
            16,
            2,
            f"Multiple identity columns specified for table '{spec.name}'. Only one identity column per table "
            "is allowed.",
        )
    _type_computed(spec, ctx)
    _check_keys(spec, existing)
    source = row_source("main", SELF, spec.display, spec.columns)
    for constraint, node in spec.checks:
        compiled = compile_row_expression(node, source, ctx)
        column = constraint.detail.get("column")
        others = [c for c in compiled.columns if not column or c.lower() != str(column).lower()]
        if column and others:
            raise errors.SqlError(
                8141,
                16,
                0,
                f"Column CHECK constraint for column '{column}' references another column, table '{spec.name}'.",
            )
        if not column and len(compiled.columns) == 1:
            constraint.detail["column"] = compiled.columns[0]  # SQL Server files it under its one column
    for constraint in spec.constraints:
        if constraint.kind == "F":
            _resolve_reference(constraint, spec, ctx, existing, db)


def add_column(item: exp.ColumnDef, column_id: int, spec: TableSpec) -> ColumnDef:
    name = item.name
    if spec.column(name) is not None:
        raise errors.SqlError(
            2705,
            16,
            3,
            f"Column names in each table must be unique. Column name '{name}' in "
            f"table '{spec.display}' is specified more than once.",
        )
    kind = item.args.get("kind")
    st: SqlType | None = _declared_type(kind) if kind is not None else None
    rowversion = kind is not None and kind.sql(dialect="tsql").lower() in ("rowversion", "timestamp")
    column = ColumnDef(column_id, name, st or SqlType("int"), True, rowversion=rowversion)
    explicit_null = False
    for constraint in item.args.get("constraints") or []:
        column, explicit_null = _column_option(constraint, column, spec, explicit_null)
    if column.computed_sql is None and st is None:
        raise errors.syntax_error(name)
    if column.identity:
        check_identity_type(column)
        column = replace(column, nullable=False)
    if rowversion:
        column = replace(column, nullable=False)
    spec.columns.append(column)
    return column


def check_identity_type(column: ColumnDef) -> None:
    st = column.type
    if st.family != "int" and not (st.family == "decimal" and not st.scale):
        raise errors.SqlError(
            2749,
            16,
            2,
            f"Identity column '{column.name}' must be of data type int, bigint, smallint, "
            "tinyint, or decimal or numeric with a scale of 0, and constrained to be nonnullable.",
        )


def _column_option(
    constraint: exp.ColumnConstraint, column: ColumnDef, spec: TableSpec, explicit_null: bool
) -> tuple[ColumnDef, bool]:
    kind = constraint.args.get("kind")
    cname = constraint.name or None
    name = column.name
    if isinstance(kind, exp.NotNullColumnConstraint):
        allow = bool(kind.args.get("allow_null"))
        return replace(column, nullable=allow and not column.identity), allow
    if isinstance(kind, exp.AutoIncrementColumnConstraint):  # IDENTITY without (seed, increment) is (1, 1)
        return replace(column, identity=True, nullable=False), explicit_null
    if isinstance(kind, exp.GeneratedAsIdentityColumnConstraint):
        seed = _integer(kind.args.get("start"), 1)
        increment = _integer(kind.args.get("increment"), 1)
        return replace(column, identity=True, seed=seed, increment=increment, nullable=False), explicit_null
    if isinstance(kind, exp.PrimaryKeyColumnConstraint | exp.UniqueColumnConstraint):
        key = "PK" if isinstance(kind, exp.PrimaryKeyColumnConstraint) else "UQ"
        _add_key(spec, cname or "", [IndexColumn(name)], key)
        return (replace(column, nullable=False) if key == "PK" else column), explicit_null
    if isinstance(kind, exp.DefaultColumnConstraint):
        text = kind.this.sql(dialect="tsql")
        system = cname is None
        cname = cname or constraint_name("DF", spec.name, name)
        detail = {"column": name, "definition": f"({text})", "system_named": system}
        spec.constraints.append(ConstraintSpec("D", cname, detail))
        return replace(column, default_sql=text), explicit_null
    if isinstance(kind, exp.ComputedColumnConstraint):
        spec.computed[name.lower()] = kind.this
        nullable = not kind.args.get("not_null")
        persisted = bool(kind.args.get("persisted"))
        return replace(column, computed_sql=kind.this.sql(dialect="tsql"), persisted=persisted, nullable=nullable), (
            explicit_null
        )
    if isinstance(kind, exp.CollateColumnConstraint):
        collation = storage.canonical_collation(kind.this.name)
        if not storage.is_known_collation(collation):
            raise errors.SqlError(448, 16, 1, f"Invalid collation '{kind.this.name}'.")
        return replace(column, collation=collation if column.type.is_string else None), explicit_null
    if isinstance(kind, exp.CheckColumnConstraint):
        add_check(spec, cname, kind.this, name)
        return column, explicit_null
    if isinstance(kind, exp.Reference | exp.ForeignKey):
        reference = kind if isinstance(kind, exp.Reference) else kind.args.get("reference")
        add_foreign_key(spec, cname or "", [name], reference)
        return column, explicit_null
    if isinstance(kind, exp.Properties):  # WITH (FILLFACTOR = n) after the column's key
        keys = [c for c in spec.constraints if c.kind in ("PK", "UQ")]
        if keys:
            keys[-1].fill_factor = index_options(kind.expressions)
        return column, explicit_null
    if isinstance(kind, exp.ClusteredColumnConstraint | exp.NonClusteredColumnConstraint):
        return column, explicit_null
    raise errors.not_supported(f"column option {constraint.sql(dialect='tsql')}")


def _integer(node: exp.Expression | None, default: int) -> int:
    if node is None:
        return default
    if isinstance(node, exp.Neg):
        return -_integer(node.this, default)
    try:
        return int(node.name)
    except ValueError:
        raise errors.syntax_error(node.sql(dialect="tsql")) from None


def _declared_type(kind: exp.Expression) -> SqlType:
    text = kind.sql(dialect="tsql")
    try:
        return parse_type(text)
    except TypeError_ as exc:
        raise errors.SqlError(2715, 16, 6, str(exc)) from None


def add_check(spec: TableSpec, name: str | None, node: exp.Expression, column: str | None = None) -> ConstraintSpec:
    system = not name
    cname = name or constraint_name("CK", spec.name, column or "")
    detail: dict[str, Any] = {"definition": f"({node.sql(dialect='tsql')})", "system_named": system}
    if column:
        detail["column"] = column
    constraint = ConstraintSpec("C", cname, detail)
    spec.constraints.append(constraint)
    spec.checks.append((constraint, node))
    return constraint


def add_foreign_key(spec: TableSpec, name: str, columns: list[str], reference: exp.Expression | None) -> None:
    if reference is None:
        raise errors.syntax_error("REFERENCES")
    system = not name
    cname = name or constraint_name("FK", spec.name, columns[0] if columns else "")
    options = " ".join(str(o) for o in reference.args.get("options") or [])
    detail = {"columns": columns, "options": options, "system_named": system}
    spec.constraints.append(ConstraintSpec("F", cname, detail, reference=reference))


def add_table_constraint(item: exp.Expression, spec: TableSpec) -> None:
    name = item.name if isinstance(item, exp.Constraint) else ""
    parts = item.expressions if isinstance(item, exp.Constraint) else [item]
    first = parts[0] if parts else None
    if isinstance(first, exp.PrimaryKey):
        _add_key(spec, name, [_index_column(e) for e in first.expressions], "PK")
    elif isinstance(first, exp.PrimaryKeyColumnConstraint | exp.UniqueColumnConstraint):
        key = "PK" if isinstance(first, exp.PrimaryKeyColumnConstraint) else "UQ"
        columns = _key_columns(parts)
        _add_key(spec, name, columns, key)
    elif isinstance(first, exp.CheckColumnConstraint):
        add_check(spec, name or None, first.this)
    elif isinstance(first, exp.ForeignKey):
        add_foreign_key(spec, name, [e.name for e in first.expressions], first.args.get("reference"))
    else:
        raise errors.not_supported(f"table constraint {item.sql(dialect='tsql')}")


def _key_columns(parts: Sequence[exp.Expression]) -> list[IndexColumn]:
    """The key of UNIQUE (a, b) or PRIMARY KEY NONCLUSTERED (a DESC) in sqlglot's shapes."""
    for part in parts:
        inner = part.this if isinstance(part, exp.UniqueColumnConstraint) else part
        if isinstance(inner, exp.ClusteredColumnConstraint | exp.NonClusteredColumnConstraint):
            return [_index_column(o) for o in inner.this]
        if isinstance(inner, exp.Schema):
            return [_index_column(e) for e in inner.expressions]
    return []


def _index_column(node: exp.Expression) -> IndexColumn:
    if isinstance(node, exp.Ordered):
        return IndexColumn(node.this.name, bool(node.args.get("desc")))
    return IndexColumn(node.name)


def add_keys(spec: TableSpec, keys: KeyText | None) -> None:
    """The table-level keys `read_keys` took out of the text."""
    for name, kind, columns, clustered, fill_factor in keys.keys if keys else ():
        spec.clustering.insert(0, clustered)
        _add_key(spec, name, columns, kind)
        spec.constraints[-1].fill_factor = fill_factor


def _add_key(spec: TableSpec, name: str, columns: list[IndexColumn], kind: str) -> None:
    clustered = spec.clustering.pop(0) if spec.clustering else None
    if kind == "PK" and any(c.kind == "PK" for c in spec.constraints):
        raise errors.SqlError(8110, 16, 0, f"Cannot add multiple PRIMARY KEY constraints to table '{spec.name}'.")
    system = not name
    cname = name or constraint_name(kind, spec.name)
    detail = {"columns": [c.name for c in columns], "system_named": system}
    spec.constraints.append(ConstraintSpec(kind, cname, detail, tuple(columns), clustered))


def _check_keys(spec: TableSpec, existing: TableDef | None) -> None:
    """Key columns exist and are not nullable (a PRIMARY KEY makes them NOT NULL); one clustered index."""
    clustered_taken = existing is not None and any(i.type == catalog.CLUSTERED for i in existing.indexes)
    for constraint in spec.constraints:
        if constraint.kind not in ("PK", "UQ"):
            continue
        if constraint.kind == "PK" and existing is not None and any(i.is_primary_key for i in existing.indexes):
            raise errors.SqlError(1779, 16, 0, f"Table '{spec.name}' already has a primary key defined on it.").follow(
                _could_not_create()
            )
        for item in constraint.index_columns:
            column = spec.column(item.name)
            if column is None:
                raise errors.SqlError(
                    1911, 16, 1, f"Column name '{item.name}' does not exist in the target table or view."
                )
            if constraint.kind == "PK" and column.nullable and existing and existing.column(item.name):
                raise errors.SqlError(
                    8111,
                    16,
                    0,
                    f"Cannot define PRIMARY KEY constraint on nullable column in table '{spec.name}'.",
                ).follow(_could_not_create())
        if constraint.kind == "PK":
            wanted = {c.name.lower() for c in constraint.index_columns}
            spec.columns[:] = [replace(c, nullable=False) if c.name.lower() in wanted else c for c in spec.columns]
        clustered = (
            constraint.clustered
            if constraint.clustered is not None
            else (constraint.kind == "PK" and not clustered_taken)
        )
        if clustered and clustered_taken:
            raise errors.SqlError(
                8112, 16, 0, f"Cannot add more than one clustered index for constraints on table '{spec.name}'."
            )
        constraint.clustered = clustered
        clustered_taken = clustered_taken or clustered


def _could_not_create() -> errors.SqlError:
    return errors.SqlError(1750, 16, 0, "Could not create constraint or index. See previous errors.")


def _type_computed(spec: TableSpec, ctx: Context) -> None:
    if not spec.computed:
        return
    plain = [c for c in spec.columns if c.computed_sql is None]
    source = row_source("main", SELF, spec.display, plain)
    typed: list[ColumnDef] = []
    for column in spec.columns:
        node = spec.computed.get(column.name.lower())
        if node is None:
            typed.append(column)
            continue
        for ref in node.find_all(exp.Column):
            other = spec.column(ref.name)
            if other is not None and other.computed_sql is not None:
                raise errors.SqlError(
                    1759,
                    16,
                    0,
                    f"Computed column '{column.name}' in table '{spec.name}' is not allowed to be used in another "
                    "computed-column definition.",
                )
        compiled = compile_row_expression(node, source, ctx)
        st = compiled.type or SqlType("int")
        nullable = column.nullable and (compiled.nullable or not _never_null(node))
        typed.append(replace(column, type=st, nullable=nullable, collation=None))
    spec.columns[:] = typed


def _never_null(node: exp.Expression) -> bool:
    """Whether SQL Server takes a computed column's expression to be non-nullable: most expressions are
    nullable even over NOT NULL columns (an overflow gives NULL with ANSI_WARNINGS off); a column, a
    constant, or ISNULL/COALESCE with a non-nullable last argument are not."""
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.Anonymous) and str(node.this).upper() == "ISNULL":
        return True
    return isinstance(node, exp.Column | exp.Literal | exp.Coalesce)


def _resolve_reference(
    constraint: ConstraintSpec, spec: TableSpec, ctx: Context, existing: TableDef | None, db: str
) -> None:
    """REFERENCES t [(columns)]: the referenced table and key, checked as SQL Server checks them."""
    reference = constraint.reference
    assert reference is not None
    target = reference.this
    table = target.this if isinstance(target, exp.Schema) else target
    written = [e.name for e in target.expressions] if isinstance(target, exp.Schema) else []
    cname = constraint.name
    database = table.args["catalog"].name if table.args.get("catalog") else None
    schema = table.args["db"].name if table.args.get("db") else None
    same = table.name.lower() == spec.name.lower() and (schema or spec.schema).lower() == spec.schema.lower()
    if database and db and database.lower() != db.lower():
        raise errors.SqlError(
            1763, 16, 0, f"Cross-database foreign key references are not supported. Foreign key '{table.name}'."
        ).follow(_could_not_create())
    resolved = None if same else ctx.resolve_table(database, schema, table_name(table))
    if not same and (resolved is None or resolved.table is None or resolved.table.type != "U"):
        raise errors.SqlError(1767, 16, 0, f"Foreign key '{cname}' references invalid table '{table.name}'.").follow(
            _could_not_create()
        )
    if same:
        columns = spec.columns
        keys = [(c.kind, [i.name for i in c.index_columns]) for c in spec.constraints if c.kind in ("PK", "UQ")]
        keys += [
            ("IX", [i.name for i in ix.key_columns]) for ix in (existing.indexes if existing else ()) if ix.is_unique
        ]
        storage_name, object_id, ref_display = catalog.storage_name(spec.schema, spec.name), 0, spec.display
    else:
        assert resolved is not None and resolved.table is not None
        parent = resolved.table
        columns = list(parent.columns)
        keys = [
            ("PK" if i.is_primary_key else "IX", [c.name for c in i.key_columns]) for i in parent.indexes if i.is_unique
        ]
        storage_name, object_id, ref_display = parent.storage_name, parent.object_id, resolved.display
    if not written:
        primary = next((names for kind, names in keys if kind == "PK"), None)
        if primary is None:
            raise errors.SqlError(
                1773,
                16,
                0,
                f"Foreign key '{cname}' has implicit reference to object '{table.name}' which does not have a primary "
                "key defined on it.",
            ).follow(_could_not_create())
        written = list(primary)
    local = constraint.detail["columns"]
    if len(local) != len(written):
        raise errors.SqlError(
            8139,
            16,
            0,
            f"Number of referencing columns in foreign key differs from number of referenced columns, table "
            f"'{spec.name}'.",
        )
    by_name = {c.name.lower(): c for c in columns}
    for ref in written:
        if ref.lower() not in by_name:
            raise errors.SqlError(
                1770,
                16,
                0,
                f"Foreign key '{cname}' references invalid column '{ref}' in referenced table '{table.name}'.",
            ).follow(_could_not_create())
    wanted = sorted(n.lower() for n in written)
    if not any(sorted(n.lower() for n in names) == wanted for _, names in keys):
        raise errors.SqlError(
            1776,
            16,
            0,
            f"There are no primary or candidate keys in the referenced table '{ref_display}' that match the "
            f"referencing column list in the foreign key '{cname}'.",
        ).follow(_could_not_create())
    for mine, ref in zip(local, written, strict=True):
        _check_reference_types(spec, cname, mine, by_name[ref.lower()], table.name)
    constraint.detail.update(
        {
            "references": storage_name,
            "referenced_object_id": object_id,
            "referenced_columns": [by_name[r.lower()].name for r in written],
        }
    )
    constraint.reference = None


def _check_reference_types(spec: TableSpec, cname: str, mine: str, ref: ColumnDef, parent: str) -> None:
    column = spec.column(mine)
    if column is None:
        raise errors.SqlError(
            1769, 16, 1, f"Foreign key '{cname}' references invalid column '{mine}' in referencing table '{spec.name}'."
        ).follow(_could_not_create())
    if column.type.name != ref.type.name:
        raise errors.SqlError(
            1778,
            16,
            0,
            f"Column '{parent}.{ref.name}' is not the same data type as referencing column '{spec.name}.{mine}' in "
            f"foreign key '{cname}'.",
        ).follow(_could_not_create())
    if column.type != ref.type:
        raise errors.SqlError(
            1753,
            16,
            0,
            f"Column '{parent}.{ref.name}' is not the same length or scale as referencing column '{spec.name}.{mine}' "
            f"in foreign key '{cname}'. Columns participating in a foreign key relationship must be defined with the "
            "same length and scale.",
        ).follow(_could_not_create())


# --- writing the catalog -------------------------------------------------------------------------


def write_constraints(
    con: sqlite3.Connection,
    db: str,
    schema_id: int,
    object_id: int,
    specs: Sequence[ConstraintSpec],
    indexes: Sequence[IndexDef],
) -> list[int]:
    """Catalog rows of new constraints (and the index of each key); the new constraints' object ids."""
    taken = [i.index_id for i in indexes]
    ids = []
    for constraint in specs:
        definition = json.dumps(constraint.detail)
        ids.append(catalog.add_object(con, db, schema_id, constraint.name, constraint.kind, object_id, definition))
        if constraint.kind not in ("PK", "UQ"):
            continue
        index_id = 1 if constraint.clustered else max([*taken, 1]) + 1
        taken.append(index_id)
        index = IndexDef(
            index_id,
            constraint.name,
            catalog.CLUSTERED if constraint.clustered else catalog.NONCLUSTERED,
            True,
            constraint.kind == "PK",
            constraint.kind == "UQ",
            constraint.index_columns,
            fill_factor=constraint.fill_factor,
        )
        catalog.add_index(con, db, object_id, index)
    return ids


def create_table(con: sqlite3.Connection, db: str, spec: TableSpec, schema_id: int, ctx: Context) -> int:
    """Write the catalog rows and the SQLite storage of a new table (in the caller's transaction)."""
    if db == "temp":  # SQL Server does not enforce foreign keys on temporary tables
        spec.constraints = [c for c in spec.constraints if c.kind != "F"]
    object_id = catalog.add_object(con, db, schema_id, spec.name, "U")
    catalog.add_columns(con, db, object_id, spec.columns)
    for constraint in spec.constraints:
        if constraint.kind == "F" and not constraint.detail.get("referenced_object_id"):
            constraint.detail["referenced_object_id"] = object_id  # a reference to the table itself
    write_constraints(con, db, schema_id, object_id, spec.constraints, ())
    cat = fresh_catalog(con, db)
    table = cat.by_id[object_id]
    create_storage(con, db, table.storage_name, table, ctx)
    create_indexes(con, db, table)
    constraints.create_table_triggers(con, db, cat, table, ctx)
    for row in constraints.foreign_keys_of(cat, table):
        constraints.create_foreign_key_triggers(con, db, cat, row, parent_side=True)
    return object_id


def fresh_catalog(con: sqlite3.Connection, db: str) -> catalog.Catalog:
    """The catalog as this transaction sees it now (not the shared cache: it may hold uncommitted rows)."""
    return catalog.load(con, db, catalog.schema_version(con, db))


# --- a table's SQLite storage ----------------------------------------------------------------------


def create_storage(con: sqlite3.Connection, db: str, storage_name: str, table: TableDef, ctx: Context) -> None:
    try:
        con.execute(table_sql(db, storage_name, table, ctx))
    except sqlite3.OperationalError as exc:
        if "non-deterministic" in str(exc):
            raise errors.not_supported("computed columns over nondeterministic functions") from None
        raise


def table_sql(db: str, storage_name: str, table: TableDef, ctx: Context) -> str:
    plain = [c for c in table.columns if c.computed_sql is None]
    source = row_source(db, SELF, f"{table.schema}.{table.name}", plain)
    parts = [_column_sql(c, table, source, ctx) for c in table.columns]
    return f"CREATE TABLE {quote(db)}.{quote(storage_name)} (\n  " + ",\n  ".join(parts) + "\n)"


def _column_sql(column: ColumnDef, table: TableDef, source: Source, ctx: Context) -> str:
    parts = [quote(column.name), storage_clause(column.type, column.collation)]
    if column.computed_sql is not None:
        compiled = compile_row_expression(parse_expression(column.computed_sql), source, ctx, generated=True)
        value = call(
            "tsql_cast",
            exp.Literal.string("__value__"),
            type_hint(column.type),
            type_hint(compiled.type),
        ).sql(dialect="sqlite")
        value = value.replace("'__value__'", compiled.sql, 1)
        parts.append(f"GENERATED ALWAYS AS ({value}) {'STORED' if column.persisted else 'VIRTUAL'}")
        return " ".join(p for p in parts if p)
    if not column.nullable and not column.rowversion:  # the database stamps a rowversion after the insert
        parts.append("NOT NULL")
    if column.default_sql is not None:
        parts.append(f"DEFAULT ({default_sql(column, f'{table.schema}.{table.name}', ctx)})")
    return " ".join(p for p in parts if p)


def default_sql(column: ColumnDef, display: str, ctx: Context) -> str:
    """A column's DEFAULT as SQLite evaluates it: the expression converted into the column's type."""
    assert column.default_sql is not None
    node = parse_expression(column.default_sql)
    for ref in node.find_all(exp.Column):
        if ref.find_ancestor(exp.NextValueFor) is not None:
            continue
        raise errors.SqlError(
            128,
            15,
            1,
            f'The name "{ref.name}" is not permitted in this context. Valid expressions are constants, constant '
            "expressions, and (in some contexts) variables. Column names are not permitted.",
        )
    value_sql, value_type = expression_sql(node, ctx)
    stored = call(
        "tsql_store",
        exp.Literal.string("__default__"),
        exp.Literal.string(str(column.type)),
        exp.Literal.string(display),
        exp.Literal.string(column.name),
        type_hint(value_type),
    ).sql(dialect="sqlite")
    return stored.replace("'__default__'", value_sql, 1)


def index_filter_sql(condition: exp.Expression, table: TableDef) -> str:
    """A filtered index's WHERE: only the table's own columns and literals (SQLite allows no more)."""
    for column in condition.find_all(exp.Column):
        if table.column(column.name) is None:
            raise errors.invalid_column(column.name)
        column.set("table", None)
    return condition.sql(dialect="sqlite")


def sqlite_index_name(table_storage: str, index: str) -> str:
    """SQLite index names are unique per database, SQL Server's per table."""
    return f"{table_storage}.{index}"


def _index_sql(db: str, table: TableDef, index: IndexDef) -> str:
    keys = ", ".join(f"{quote(c.name)}{' DESC' if c.descending else ''}" for c in index.key_columns)
    unique = "UNIQUE " if index.is_unique else ""
    where = ""
    if index.filter:
        where = f" WHERE {index_filter_sql(parse_expression(index.filter), table)}"
    name = sqlite_index_name(table.storage_name, index.name)
    return f"CREATE {unique}INDEX {quote(db)}.{quote(name)} ON {quote(table.storage_name)} ({keys}){where}"


def create_indexes(con: sqlite3.Connection, db: str, table: TableDef) -> None:
    for index in table.indexes:
        if index.key_columns:
            con.execute(_index_sql(db, table, index))


def duplicate_key(con: sqlite3.Connection, db: str, table: TableDef, index: IndexDef) -> str | None:
    """The first key value two rows share (NULLs equal, as a unique index sees them), as messages show it."""
    keys = [table.column(c.name) for c in index.key_columns]
    names = ", ".join(quote(c.name) for c in keys if c is not None)
    where = f" WHERE {index_filter_sql(parse_expression(index.filter), table)}" if index.filter else ""
    row = con.execute(
        f"SELECT {names} FROM {quote(db)}.{quote(table.storage_name)}{where}"
        f" GROUP BY {names} HAVING COUNT(*) > 1 LIMIT 1"
    ).fetchone()
    if row is None:
        return None
    return constraints.key_text([(c.type if c else None, v) for c, v in zip(keys, row, strict=False)])


def create_index(
    con: sqlite3.Connection, db: str, table: TableDef, index: IndexDef, filter_sql: str | None = None
) -> None:
    """CREATE INDEX: the catalog row, the SQLite index and, for a unique one, the trigger that enforces it."""
    del filter_sql  # derived from the index's own filter text
    display = f"{table.schema}.{table.name}"
    if index.is_unique:
        duplicate = duplicate_key(con, db, table, index)
        if duplicate is not None:
            raise errors.SqlError(
                1505,
                16,
                1,
                f"The CREATE UNIQUE INDEX statement terminated because a duplicate key was found for the object name "
                f"'{display}' and the index name '{index.name}'. The duplicate key value is ({duplicate}).",
            )
    con.execute(_index_sql(db, table, index))
    catalog.add_index(con, db, table.object_id, index)


def drop_index(con: sqlite3.Connection, db: str, table: TableDef, index: IndexDef) -> None:
    con.execute(f"DROP INDEX IF EXISTS {quote(db)}.{quote(sqlite_index_name(table.storage_name, index.name))}")
    catalog.drop_index(con, db, table.object_id, index.index_id)


# --- DROP TABLE ---------------------------------------------------------------------------------


def drop_table(con: sqlite3.Connection, db: str, storage_name: str, object_id: int) -> None:
    """DROP TABLE: refused while another table's FOREIGN KEY references it (3726)."""
    cat = fresh_catalog(con, db)
    table = cat.by_id.get(object_id)
    if table is not None:
        for row in constraints.references_to(cat, table):
            if row.parent_object_id != object_id:
                raise errors.SqlError(
                    3726,
                    16,
                    1,
                    f"Could not drop object '{_written(table)}' because it is referenced by a FOREIGN KEY constraint.",
                )
        for row in constraints.foreign_keys_of(cat, table):  # their triggers on the referenced tables go too
            constraints.drop_triggers(con, db, constraints.constraint_trigger_prefix(row.object_id))
    con.execute(f"DROP TABLE {quote(db)}.{quote(storage_name)}")
    catalog.drop_object(con, db, object_id)


def _written(table: TableDef) -> str:
    return table.name if table.schema.lower() == "dbo" else f"{table.schema}.{table.name}"


# --- rebuilding a table --------------------------------------------------------------------------


def rebuild(
    con: sqlite3.Connection, db: str, object_id: int, ctx: Context, copy: Mapping[str, str], old_storage: str = ""
) -> TableDef:
    """Re-create a table's storage from its (changed) catalog rows: new table, copy, drop, rename; then its
    indexes and triggers.  ``copy`` gives, per new column name, the SQL over the old table that fills it."""
    cat = fresh_catalog(con, db)
    table = cat.by_id[object_id]
    old = old_storage or table.storage_name
    temporary = f"{table.storage_name}__tdsnet_rebuild"
    create_storage(con, db, temporary, table, ctx)
    targets = [c for c in table.columns if c.computed_sql is None and c.name.lower() in copy]
    if targets:
        names = ", ".join(quote(c.name) for c in targets)
        values = ", ".join(copy[c.name.lower()] for c in targets)
        con.execute(
            f"INSERT INTO {quote(db)}.{quote(temporary)} (rowid, {names})"
            f" SELECT rowid, {values} FROM {quote(db)}.{quote(old)}"
        )
    else:
        con.execute(f"INSERT INTO {quote(db)}.{quote(temporary)} (rowid) SELECT rowid FROM {quote(db)}.{quote(old)}")
    con.execute(f"DROP TABLE {quote(db)}.{quote(old)}")
    rename_storage(con, db, temporary, table.storage_name)
    create_indexes(con, db, table)
    constraints.create_table_triggers(con, db, cat, table, ctx)
    return table


def rename_storage(con: sqlite3.Connection, db: str, old: str, new: str) -> None:
    """ALTER TABLE RENAME without SQLite re-checking other triggers (they are re-created from the catalog)."""
    con.execute("PRAGMA legacy_alter_table = ON")
    try:
        con.execute(f"ALTER TABLE {quote(db)}.{quote(old)} RENAME TO {quote(new)}")
    finally:
        con.execute("PRAGMA legacy_alter_table = OFF")


def restore_storage(con: sqlite3.Connection, db: str, table: TableDef, ctx: Context, old_storage: str) -> None:
    """After a rename (sp_rename, ALTER SCHEMA TRANSFER): the storage under its new name, with its indexes
    and every trigger that names the table re-created."""
    cat = fresh_catalog(con, db)
    current = cat.by_id[table.object_id]
    related = constraints.related_foreign_keys(cat, current)
    for index in table.indexes:
        con.execute(f"DROP INDEX IF EXISTS {quote(db)}.{quote(sqlite_index_name(old_storage, index.name))}")
    constraints.drop_table_triggers(con, db, old_storage)
    for row in related:
        constraints.drop_triggers(con, db, constraints.constraint_trigger_prefix(row.object_id))
    if old_storage != current.storage_name:
        rename_storage(con, db, old_storage, current.storage_name)
    create_indexes(con, db, current)
    constraints.create_table_triggers(con, db, cat, current, ctx)
    for row in related:
        constraints.create_foreign_key_triggers(con, db, cat, row)


# --- statements --------------------------------------------------------------------------------


def create_table_statement(session: EngineSession, stmt: Statement, frame: Frame) -> Iterator[Result]:
    """CREATE TABLE [db.][schema.]name (columns and constraints)."""
    from .dialect import parse_one

    keys = read_keys(stmt.text)
    tree = parse_one(keys.text, stmt.line - 1)
    if not isinstance(tree, exp.Create):
        raise errors.syntax_error(stmt.word(1), stmt.line)
    table = tree.this.this if isinstance(tree.this, exp.Schema) else tree.this
    db, schema, name, con = session._ddl_target(table)
    cat = session._catalog(db)
    if cat.table(schema, name) is not None or _object_named(cat, schema, name):
        raise errors.object_exists(name)
    schema_id = cat.existing_schema_id(schema)
    ctx = session._context(frame)
    spec = build_table(tree, schema, name, ctx, keys)
    session._in_write(lambda: create_table(con, db, spec, schema_id, ctx))
    yield StatementDone("")


def _object_named(cat: catalog.Catalog, schema: str, name: str) -> bool:
    schema_id = cat.schema_id(schema)
    return any(o.schema_id == schema_id and o.name.lower() == name.lower() for o in cat.objects)


SQLITE_FUNCTIONS = [("tsql_generated_integer", 2, functions.guarded(_generated_integer), True)]


# --- snapshots of rolled-back DDL ----------------------------------------------------------------
# The catalog cache and compiled plans are keyed by SQLite's schema_version, which a rollback puts back:
# the next DDL would reach the same number with other contents.  So the versions a transaction's DDL
# reached are noted, and after a rollback the database's snapshots are dropped and its schema_version
# is moved past them.

_NOTED: weakref.WeakKeyDictionary[Any, dict[str, int]] = weakref.WeakKeyDictionary()


def note_schema_versions(session: EngineSession) -> None:
    """Remember the schema_version each database of the session has reached (before a commit is sure)."""
    con = session._con
    if con is None:
        return
    noted = _NOTED.setdefault(session, {})
    for db in [*session._attached, "temp"]:
        try:
            version = catalog.schema_version(con, db)
        except sqlite3.Error:
            continue
        noted[db] = max(version, noted.get(db, 0))


def after_rollback(session: EngineSession, con: sqlite3.Connection | None = None) -> None:
    """A rollback undid DDL: no snapshot or plan of those versions may serve the next ones."""
    noted = _NOTED.pop(session, None)
    con = con or session._con
    if not noted or con is None:
        return
    for db, seen in noted.items():
        try:
            if catalog.schema_version(con, db) >= seen:
                continue  # the rollback undid no schema change here
            con.execute(f"PRAGMA {quote(db)}.schema_version = {seen + 1}")
        except sqlite3.Error:
            pass
        if db == "temp":
            session._temp_catalog = None
        else:
            session.engine.catalogs.forget(db)
    if con.in_transaction:  # ROLLBACK TO a savepoint: the bump itself is uncommitted until the end
        note_schema_versions(session)


def rollback(session: EngineSession, con: sqlite3.Connection, savepoint: str = "") -> None:
    """ROLLBACK (TO ``savepoint``) of a write that may have changed the schema."""
    note_schema_versions(session)
    con.execute(f"ROLLBACK TO {quote(savepoint)}" if savepoint else "ROLLBACK")
    if savepoint:
        con.execute(f"RELEASE {quote(savepoint)}")
    after_rollback(session)
