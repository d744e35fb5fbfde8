"""Database catalog views: sys.objects, sys.tables, sys.columns, sys.indexes, the constraint
views, the module views (sys.sql_modules, sys.procedures, sys.parameters), sys.types,
sys.database_principals, INFORMATION_SCHEMA..., computed from the catalog of the database a
query names (``otherdb.sys.tables`` reads otherdb's), with SQL Server's ids and metadata rules.

The catalog procedures (catalog_procs) read the same facts through the helpers here, so a
driver's SQLForeignKeys and an ORM's sys.foreign_keys query can never disagree.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from .. import sqltypes
from ..sqltypes import SqlType, TypeError_, parse_type
from . import modules, sequences
from .catalog import Catalog, ColumnDef, IndexDef, ObjectRow, TableDef
from .storage import DEFAULT_COLLATION, quote
from .system import Registry, SystemView, columns

if TYPE_CHECKING:
    from .session import EngineSession

INT, SMALLINT, TINYINT, BIT = sqltypes.INT, sqltypes.SMALLINT, sqltypes.TINYINT, sqltypes.BIT
SYSNAME, DATETIME = sqltypes.SYSNAME, sqltypes.DATETIME
CHAR1, CHAR2 = SqlType("char", length=1), SqlType("char", length=2)
NV60, NV128, NVMAX = sqltypes.nvarchar(60), sqltypes.nvarchar(128), sqltypes.NVARCHAR_MAX
VARIANT = sqltypes.SQL_VARIANT

# name -> (system_type_id, max_length, precision, scale) as sys.types lists the system types
SYSTEM_TYPES: dict[str, tuple[int, int, int, int]] = {
    "image": (34, 16, 0, 0),
    "text": (35, 16, 0, 0),
    "uniqueidentifier": (36, 16, 0, 0),
    "date": (40, 3, 10, 0),
    "time": (41, 5, 16, 7),
    "datetime2": (42, 8, 27, 7),
    "datetimeoffset": (43, 10, 34, 7),
    "tinyint": (48, 1, 3, 0),
    "smallint": (52, 2, 5, 0),
    "int": (56, 4, 10, 0),
    "smalldatetime": (58, 4, 16, 0),
    "real": (59, 4, 24, 0),
    "money": (60, 8, 19, 4),
    "datetime": (61, 8, 23, 3),
    "float": (62, 8, 53, 0),
    "sql_variant": (98, 8016, 0, 0),
    "ntext": (99, 16, 0, 0),
    "bit": (104, 1, 1, 0),
    "decimal": (106, 17, 38, 38),
    "numeric": (108, 17, 38, 38),
    "smallmoney": (122, 4, 10, 4),
    "bigint": (127, 8, 19, 0),
    "varbinary": (165, 8000, 0, 0),
    "varchar": (167, 8000, 0, 0),
    "binary": (173, 8000, 0, 0),
    "char": (175, 8000, 0, 0),
    "timestamp": (189, 8, 0, 0),
    "nvarchar": (231, 8000, 0, 0),
    "nchar": (239, 8000, 0, 0),
    "xml": (241, -1, 0, 0),
}
SYSNAME_USER_TYPE = 256

OBJECT_TYPES = {
    "U": "USER_TABLE",
    "V": "VIEW",
    "P": "SQL_STORED_PROCEDURE",
    "FN": "SQL_SCALAR_FUNCTION",
    "IF": "SQL_INLINE_TABLE_VALUED_FUNCTION",
    "TF": "SQL_TABLE_VALUED_FUNCTION",
    "PK": "PRIMARY_KEY_CONSTRAINT",
    "UQ": "UNIQUE_CONSTRAINT",
    "F": "FOREIGN_KEY_CONSTRAINT",
    "C": "CHECK_CONSTRAINT",
    "D": "DEFAULT_CONSTRAINT",
    "SO": "SEQUENCE_OBJECT",
    "TR": "SQL_TRIGGER",
}

# Referential actions as sys.foreign_keys numbers and names them.
NO_ACTION, CASCADE, SET_NULL, SET_DEFAULT = 0, 1, 2, 3
ACTION_NAMES = ("NO_ACTION", "CASCADE", "SET_NULL", "SET_DEFAULT")

# The fixed database principals every database has: (name, principal_id, type, default schema).
FIXED_PRINCIPALS: tuple[tuple[str, int, str, str | None], ...] = (
    ("public", 0, "R", None),
    ("dbo", 1, "S", "dbo"),
    ("guest", 2, "S", "guest"),
    ("INFORMATION_SCHEMA", 3, "S", None),
    ("sys", 4, "S", None),
    ("db_owner", 16384, "R", None),
    ("db_accessadmin", 16385, "R", None),
    ("db_securityadmin", 16386, "R", None),
    ("db_ddladmin", 16387, "R", None),
    ("db_backupoperator", 16389, "R", None),
    ("db_datareader", 16390, "R", None),
    ("db_datawriter", 16391, "R", None),
    ("db_denydatareader", 16392, "R", None),
    ("db_denydatawriter", 16393, "R", None),
)
PRINCIPAL_NAMES = {principal_id: name for name, principal_id, _, _ in FIXED_PRINCIPALS}
# System objects (the catalog views themselves) carry the build's date, as in the resource database.
SYSTEM_OBJECT_DATE = dt.datetime(2022, 10, 8, 6, 0, 0)


def column_metadata(st: SqlType) -> tuple[int, int, int, int]:
    """(system_type_id, max_length, precision, scale) of a column of this type."""
    type_id = SYSTEM_TYPES.get(st.name, SYSTEM_TYPES["sql_variant"])[0]
    length = st.byte_length()
    if st.family == "decimal":
        return type_id, length, st.precision or 18, st.scale or 0
    if st.name in ("time", "datetime2", "datetimeoffset"):
        scale = 7 if st.scale is None else st.scale
        base = {"time": 8, "datetime2": 19, "datetimeoffset": 26}[st.name]
        return type_id, length, base + (scale + 1 if scale else 0), scale
    if st.name == "sql_variant":
        return type_id, 8016, 0, 0
    _, _, precision, scale = SYSTEM_TYPES.get(st.name, (0, 0, 0, 0))
    return type_id, length, precision, scale


def _when(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _catalog(session: EngineSession) -> Catalog:
    cat = session._catalog(session.database)
    if session.database.lower() == "tempdb":
        return with_temp_tables(cat, session._catalog("temp"))
    return cat


def temp_table_name(name: str, object_id: int) -> str:
    """A local temp table's name in tempdb: padded with underscores to 116 characters, then a number."""
    return name.ljust(116, "_") + f"{object_id & 0xFFFFFFFFFFFF:012X}"


def with_temp_tables(cat: Catalog, temp: Catalog) -> Catalog:
    """tempdb's catalog with the session's own #temp tables (SQLite keeps them per connection)."""
    tables = dict(cat.tables)
    by_id = dict(cat.by_id)
    objects = list(cat.objects)
    for row in temp.objects:
        name = temp_table_name(row.name, row.object_id) if row.type == "U" and row.name.startswith("#") else row.name
        objects.append(replace(row, name=name))
        table = temp.by_id.get(row.object_id)
        if table is not None:
            renamed = replace(table, name=name)
            by_id[row.object_id] = renamed
            tables[(table.schema.lower(), name.lower())] = renamed
    return replace(cat, tables=tables, by_id=by_id, objects=tuple(objects))


# --- facts shared by the views and the catalog procedures ------------------------------------


def definition_of(row: ObjectRow) -> dict[str, Any]:
    """The JSON detail a constraint's catalog row carries ({} for other objects)."""
    if not row.definition or not row.definition.startswith("{"):
        return {}
    return json.loads(row.definition)


# SQL Server names unnamed constraints PK__table__<16 hex digits>; the catalog keeps no flag.
_SYSTEM_NAME = re.compile(r"^(PK|UQ|DF|CK|FK)__.+__[0-9A-F]{8}(?:[0-9A-F]{8})?$")


def is_system_named(name: str) -> bool:
    return bool(_SYSTEM_NAME.match(name))


def system_named(row: ObjectRow) -> bool:
    """Whether SQL Server made up the constraint's name (the catalog says; older rows by their shape)."""
    detail = definition_of(row)
    return bool(detail["system_named"]) if "system_named" in detail else is_system_named(row.name)


def constraint_flags(row: ObjectRow) -> tuple[bool, bool]:
    """(is_disabled, is_not_trusted) of a CHECK or FOREIGN KEY constraint (NOCHECK makes both true)."""
    detail = definition_of(row)
    return bool(detail.get("disabled")), bool(detail.get("not_trusted") or detail.get("disabled"))


def key_index(table: TableDef, name: str) -> IndexDef | None:
    """The index that enforces a PRIMARY KEY or UNIQUE constraint (it has the constraint's name)."""
    return next((i for i in table.indexes if i.name.lower() == name.lower()), None)


def column_ids(table: TableDef, names: Sequence[str]) -> tuple[ColumnDef, ...]:
    found = (table.column(n) for n in names)
    return tuple(c for c in found if c is not None)


@dataclass(frozen=True, slots=True)
class ForeignKey:
    """A FOREIGN KEY constraint with its tables, columns and the key it references resolved."""

    row: ObjectRow
    table: TableDef
    columns: tuple[ColumnDef, ...]
    referenced: TableDef | None
    referenced_columns: tuple[ColumnDef, ...]
    key: IndexDef | None  # the referenced table's unique index the constraint relies on
    delete_action: int
    update_action: int
    not_for_replication: bool


_ACTION = re.compile(r"ON\s+(DELETE|UPDATE)\s+(NO\s+ACTION|CASCADE|SET\s+NULL|SET\s+DEFAULT)", re.IGNORECASE)
_ACTIONS = {"NO ACTION": NO_ACTION, "CASCADE": CASCADE, "SET NULL": SET_NULL, "SET DEFAULT": SET_DEFAULT}


def _actions(options: str) -> dict[str, int]:
    found = {"DELETE": NO_ACTION, "UPDATE": NO_ACTION}
    for event, action in _ACTION.findall(options or ""):
        found[event.upper()] = _ACTIONS[" ".join(action.upper().split())]
    return found


def _referenced_key(table: TableDef | None, names: Sequence[str]) -> IndexDef | None:
    """The unique index whose key is exactly the referenced columns (the primary key first)."""
    if table is None:
        return None
    wanted = sorted(n.lower() for n in names)
    candidates = [i for i in table.indexes if i.is_unique and sorted(c.name.lower() for c in i.key_columns) == wanted]
    candidates.sort(key=lambda i: (not i.is_primary_key, not i.is_unique_constraint, i.index_id))
    return candidates[0] if candidates else None


def foreign_keys(cat: Catalog) -> list[ForeignKey]:
    by_storage = {t.storage_name.lower(): t for t in cat.by_id.values()}
    found = []
    for row in cat.objects:
        table = cat.by_id.get(row.parent_object_id)
        if row.type != "F" or table is None:
            continue
        detail = definition_of(row)
        referenced = by_storage.get(str(detail.get("references", "")).lower())
        ref_names = detail.get("referenced_columns") or []
        actions = _actions(detail.get("options", ""))
        found.append(
            ForeignKey(
                row,
                table,
                column_ids(table, detail.get("columns") or []),
                referenced,
                column_ids(referenced, ref_names) if referenced else (),
                _referenced_key(referenced, ref_names),
                actions["DELETE"],
                actions["UPDATE"],
                "NOT FOR REPLICATION" in str(detail.get("options", "")).upper(),
            )
        )
    return found


def default_objects(cat: Catalog) -> dict[tuple[int, str], ObjectRow]:
    """DEFAULT constraints by (table object_id, lower-case column name)."""
    found = {}
    for row in cat.objects:
        if row.type == "D":
            column = str(definition_of(row).get("column", ""))
            found[(row.parent_object_id, column.lower())] = row
    return found


def column_default(cat: Catalog, table: TableDef, col: ColumnDef) -> str | None:
    """A column's default as SQL Server shows it (sys.default_constraints.definition)."""
    row = default_objects(cat).get((table.object_id, col.name.lower()))
    if row is not None:
        return stored_text(str(definition_of(row).get("definition", "")))
    return stored_text(f"({col.default_sql})") if col.default_sql is not None else None


def schema_name(cat: Catalog, schema_id: int) -> str:
    return cat.schema_names.get(schema_id, "dbo")


def system_view_ids(session: EngineSession) -> dict[str, int]:
    """Negative object ids for the registry's views, as SQL Server gives its system objects."""
    return {key: -(100 + index) for index, key in enumerate(sorted(session.engine.registry.views))}


# --- definitions as SQL Server stores them ------------------------------------------------------
# SQL Server keeps a default, check or computed column definition re-generated from its parse
# tree: [bracketed] names, numbers in parentheses, lower-case built-ins, IN as OR chains and no
# blanks around operators: CHECK (qty >= 0) is stored as ([qty]>=(0)), DEFAULT 0 as ((0)).


class _Verbatim(Exception):
    """An expression outside the subset rendered here: the stored text is shown as it is."""


_ARITHMETIC = {exp.Mul: "*", exp.Div: "/", exp.Mod: "%", exp.Add: "+", exp.Sub: "-"}
_BITWISE = {exp.BitwiseAnd: "&", exp.BitwiseOr: "|", exp.BitwiseXor: "^"}
_COMPARISON = {exp.EQ: "=", exp.NEQ: "<>", exp.GT: ">", exp.GTE: ">=", exp.LT: "<", exp.LTE: "<="}
_DATEPART_FUNCTIONS = {"dateadd", "datediff", "datediff_big", "datename", "datepart", "datetrunc"}


def stored_text(text: str) -> str:
    """``text`` (an expression in parentheses) in SQL Server's stored form, or as it is."""
    from .dialect import parse_one

    try:
        node = parse_one(f"SELECT {text}").expressions[0]
        return f"({_render(_unparen(node))})"
    except Exception:  # _Verbatim, or a definition the parser does not take: show it as stored
        return text


def _unparen(node: exp.Expression) -> exp.Expression:
    while isinstance(node, exp.Paren):
        node = node.this
    return node


def _bracket(name: str) -> str:
    return "[" + name.replace("]", "]]") + "]"


def _render(node: exp.Expression) -> str:
    if isinstance(node, exp.Paren):
        return f"({_render(_unparen(node))})"
    if isinstance(node, exp.Column):
        if node.table:
            raise _Verbatim
        return _bracket(node.name)
    if isinstance(node, exp.Literal):
        return "'" + node.this.replace("'", "''") + "'" if node.is_string else f"({node.this})"
    if isinstance(node, exp.National):
        return "N'" + node.this.replace("'", "''") + "'"
    if isinstance(node, exp.Null):
        return "NULL"
    if isinstance(node, exp.Neg):
        inner = _unparen(node.this)
        if isinstance(inner, exp.Literal) and not inner.is_string:
            return f"(-{inner.this})"
        return "-" + _operand(inner)
    if isinstance(node, exp.CurrentTimestamp):
        return "getdate()"
    if isinstance(node, exp.Anonymous):
        return _function(node)
    if isinstance(node, exp.Cast | exp.Convert):
        return _convert(node)
    return _render_predicate(node)


def _render_predicate(node: exp.Expression) -> str:
    kind = type(node)
    if kind in _ARITHMETIC or kind in _BITWISE:
        op = _ARITHMETIC.get(kind) or _BITWISE[kind]
        return _operand(node.left) + op + _operand(node.right)
    if kind in _COMPARISON:
        return _render(_unparen(node.left)) + _COMPARISON[kind] + _render(_unparen(node.right))
    if isinstance(node, exp.And | exp.Or):
        return _logical(node)
    if isinstance(node, exp.Not):
        inner = _unparen(node.this)
        if isinstance(inner, exp.Is):
            return _render(_unparen(inner.this)) + " IS NOT NULL"
        return "NOT " + _render(inner)
    if isinstance(node, exp.Is) and isinstance(node.expression, exp.Null):
        return _render(_unparen(node.this)) + " IS NULL"
    if isinstance(node, exp.Like):
        negate = " not" if node.args.get("negate") else ""
        return f"{_render(_unparen(node.this))}{negate} like {_render(_unparen(node.expression))}"
    if isinstance(node, exp.In) and not node.args.get("query"):
        left = _render(_unparen(node.this))
        return " OR ".join(f"{left}={_render(_unparen(v))}" for v in reversed(node.expressions))
    if isinstance(node, exp.Between):
        value = _render(_unparen(node.this))
        low, high = _render(_unparen(node.args["low"])), _render(_unparen(node.args["high"]))
        return f"{value}>={low} AND {value}<={high}"
    raise _Verbatim


def _operand(node: exp.Expression) -> str:
    """An operand of arithmetic: SQL Server parenthesizes nested operators."""
    inner = _unparen(node)
    text = _render(inner)
    return f"({text})" if type(inner) in _ARITHMETIC or type(inner) in _BITWISE else text


def _logical(node: exp.And | exp.Or) -> str:
    word = " AND " if isinstance(node, exp.And) else " OR "
    parts = []
    for side in (node.left, node.right):
        inner = _unparen(side)
        text = _render(inner)
        needs = isinstance(node, exp.And) and isinstance(inner, exp.Or | exp.In | exp.Between)
        parts.append(f"({text})" if needs else text)
    return word.join(parts)


def _function(node: exp.Anonymous) -> str:
    name = str(node.this).lower()
    args = list(node.expressions)
    rendered = [_render(_unparen(a)) for a in args]
    if name in _DATEPART_FUNCTIONS and args and isinstance(args[0], exp.Column | exp.Var):
        rendered[0] = args[0].name.lower()
    return f"{name}({','.join(rendered)})"


def _type_text(node: exp.Expression) -> str:
    try:
        st = parse_type(node.sql(dialect="tsql"))
    except TypeError_:
        raise _Verbatim from None
    if st.family == "decimal":
        return f"[{st.name}]({st.precision},{st.scale})"
    if st.name in ("time", "datetime2", "datetimeoffset"):
        return f"[{st.name}]({st.scale})"
    if st.length is not None and not st.is_lob:
        return f"[{st.name}]({'max' if st.is_max else st.length})"
    return f"[{st.name}]"


def _convert(node: exp.Cast | exp.Convert) -> str:
    if isinstance(node, exp.Cast):
        kind, value, style = node.args["to"], node.this, None
    else:
        kind, value, style = node.this, node.expression, node.args.get("style")
    parts = [_type_text(kind), _render(_unparen(value))]
    if style is not None:
        parts.append(_render(_unparen(style)))
    return f"CONVERT({','.join(parts)})"


# --- sys.schemas, sys.objects and friends ------------------------------------------------------

SCHEMA_COLUMNS = columns(("name", SYSNAME, False), ("schema_id", INT, False), ("principal_id", INT))


def schema_owner(schema_id: int, cat: Catalog | None = None) -> int:
    """The principal owning a schema: as CREATE SCHEMA ... AUTHORIZATION recorded it; the system schemas
    belong to their namesakes."""
    if schema_id in PRINCIPAL_NAMES:
        return schema_id
    return cat.schema_owners.get(schema_id, 1) if cat is not None else 1


def _schemas(session: EngineSession) -> Iterator[Sequence[Any]]:
    cat = _catalog(session)
    for schema_id, name in sorted(cat.schema_names.items()):
        yield name, schema_id, schema_owner(schema_id, cat)


OBJECT_COLUMNS = columns(
    ("name", SYSNAME, False),
    ("object_id", INT, False),
    ("principal_id", INT),
    ("schema_id", INT, False),
    ("parent_object_id", INT, False),
    ("type", CHAR2),
    ("type_desc", NV60),
    ("create_date", DATETIME, False),
    ("modify_date", DATETIME, False),
    ("is_ms_shipped", BIT, False),
    ("is_published", BIT, False),
    ("is_schema_published", BIT, False),
)


def _object_row(row: ObjectRow) -> tuple[Any, ...]:
    return (
        row.name,
        row.object_id,
        None,
        row.schema_id,
        row.parent_object_id,
        row.type.ljust(2),
        OBJECT_TYPES.get(row.type, row.type),
        _when(row.create_date),
        _when(row.modify_date),
        False,
        False,
        False,
    )


def _objects(session: EngineSession, kinds: tuple[str, ...] = ()) -> Iterator[Sequence[Any]]:
    for row in _catalog(session).objects:
        if not kinds or row.type in kinds:
            yield _object_row(row)


def _system_object_rows(session: EngineSession) -> Iterator[tuple[Any, ...]]:
    for key, object_id in system_view_ids(session).items():
        schema, name = key.split(".", 1)
        yield (
            name,
            object_id,
            None,
            4 if schema == "sys" else 3,
            0,
            "V ",
            "VIEW",
            SYSTEM_OBJECT_DATE,
            SYSTEM_OBJECT_DATE,
            True,
            False,
            False,
        )


def _all_objects(session: EngineSession) -> Iterator[Sequence[Any]]:
    yield from _objects(session)
    yield from _system_object_rows(session)


TABLE_COLUMNS = (
    *OBJECT_COLUMNS,
    *columns(
        ("lob_data_space_id", INT, False),
        ("filestream_data_space_id", INT),
        ("max_column_id_used", INT, False),
        ("lock_on_bulk_load", BIT, False),
        ("uses_ansi_nulls", BIT),
        ("is_replicated", BIT),
        ("has_replication_filter", BIT),
        ("is_merge_published", BIT),
        ("is_sync_tran_subscribed", BIT),
        ("has_unchecked_assembly_data", BIT, False),
        ("text_in_row_limit", INT),
        ("large_value_types_out_of_row", BIT),
        ("is_tracked_by_cdc", BIT),
        ("lock_escalation", TINYINT),
        ("lock_escalation_desc", NV60),
        ("is_filetable", BIT),
        ("is_memory_optimized", BIT),
        ("durability", TINYINT),
        ("durability_desc", NV60),
        ("temporal_type", TINYINT),
        ("temporal_type_desc", NV60),
        ("history_table_id", INT),
        ("is_remote_data_archive_enabled", BIT),
        ("is_external", BIT, False),
        ("history_retention_period", INT),
        ("history_retention_period_unit", INT),
        ("history_retention_period_unit_desc", sqltypes.nvarchar(10)),
        ("is_node", BIT),
        ("is_edge", BIT),
        ("data_retention_period", INT),
        ("data_retention_period_unit", INT),
        ("data_retention_period_unit_desc", sqltypes.nvarchar(10)),
        ("ledger_type", TINYINT),
        ("ledger_type_desc", NV60),
        ("ledger_view_id", INT),
        ("is_dropped_ledger_table", BIT),
    ),
)


def _tables(session: EngineSession) -> Iterator[Sequence[Any]]:
    cat = _catalog(session)
    for row in cat.objects:
        if row.type != "U":
            continue
        table = cat.by_id[row.object_id]
        yield (
            *_object_row(row),
            0,
            None,
            max((c.column_id for c in table.columns), default=0),
            False,
            True,
            False,
            False,
            False,
            False,
            False,
            0,
            False,
            False,
            0,
            "TABLE",
            False,
            False,
            0,
            "SCHEMA_AND_DATA",
            0,
            "NON_TEMPORAL_TABLE",
            None,
            False,
            False,
            None,
            None,
            None,
            False,
            False,
            -1,
            -1,
            "INFINITE",
            0,
            "NON_LEDGER_TABLE",
            None,
            False,
        )


VIEW_COLUMNS = (
    *OBJECT_COLUMNS,
    *columns(
        ("is_replicated", BIT),
        ("has_replication_filter", BIT),
        ("has_opaque_metadata", BIT, False),
        ("has_unchecked_assembly_data", BIT, False),
        ("with_check_option", BIT, False),
        ("is_date_correlation_view", BIT, False),
        ("is_tracked_by_cdc", BIT),
        ("has_snapshot", BIT),
        ("ledger_view_type", TINYINT),
        ("ledger_view_type_desc", NV60),
        ("is_dropped_ledger_view", BIT, False),
    ),
)
_VIEW_TAIL = (False, False, False, False, False, False, False, False, 0, "NON_LEDGER_VIEW", False)


def _views(session: EngineSession) -> Iterator[Sequence[Any]]:
    cat = _catalog(session)
    checked = _view_check_options(cat)
    for row in cat.objects:
        if row.type == "V":
            tail = (*_VIEW_TAIL[:4], row.object_id in checked, *_VIEW_TAIL[5:])
            yield (*_object_row(row), *tail)


def _system_views(session: EngineSession) -> Iterator[Sequence[Any]]:
    for row in _system_object_rows(session):
        yield (*row, *_VIEW_TAIL)


def _all_views(session: EngineSession) -> Iterator[Sequence[Any]]:
    yield from _views(session)
    yield from _system_views(session)


# --- sys.columns and the views that extend it ----------------------------------------------------
# sys.identity_columns and sys.computed_columns repeat sys.columns' columns, but with is_computed
# after their own ones (as in SQL Server), so the three lists are assembled from parts.

_COLUMN_HEAD = columns(
    ("object_id", INT, False),
    ("name", SYSNAME),
    ("column_id", INT, False),
    ("system_type_id", TINYINT, False),
    ("user_type_id", INT, False),
    ("max_length", SMALLINT, False),
    ("precision", TINYINT, False),
    ("scale", TINYINT, False),
    ("collation_name", SYSNAME),
    ("is_nullable", BIT),
    ("is_ansi_padded", BIT, False),
    ("is_rowguidcol", BIT, False),
    ("is_identity", BIT, False),
)
_IS_COMPUTED = columns(("is_computed", BIT, False))
_COLUMN_MIDDLE = columns(
    ("is_filestream", BIT, False),
    ("is_replicated", BIT),
    ("is_non_sql_subscribed", BIT),
    ("is_merge_published", BIT),
    ("is_dts_replicated", BIT),
    ("is_xml_document", BIT, False),
    ("xml_collection_id", INT, False),
    ("default_object_id", INT, False),
    ("rule_object_id", INT, False),
)
_COLUMN_TAIL = columns(
    ("is_sparse", BIT),
    ("is_column_set", BIT),
    ("generated_always_type", TINYINT),
    ("generated_always_type_desc", NV60),
    ("encryption_type", INT),
    ("encryption_type_desc", sqltypes.nvarchar(64)),
    ("encryption_algorithm_name", SYSNAME),
    ("column_encryption_key_id", INT),
    ("column_encryption_key_database_name", SYSNAME),
    ("is_hidden", BIT),
    ("is_masked", BIT),
    ("graph_type", INT),
    ("graph_type_desc", NV60),
    ("is_data_deletion_filter_column", BIT),
    ("ledger_view_column_type", INT),
    ("ledger_view_column_type_desc", NV60),
    ("is_dropped_ledger_column", BIT),
)
_TAIL_VALUES = (False, False, 0, "NOT_APPLICABLE", None, None, None, None, None, False, False)
_TAIL_VALUES += (None, None, False, None, None, False)

COLUMN_COLUMNS = (*_COLUMN_HEAD, *_IS_COMPUTED, *_COLUMN_MIDDLE, *_COLUMN_TAIL)
IDENTITY_COLUMNS = (
    *_COLUMN_HEAD,
    *_COLUMN_MIDDLE,
    *columns(
        ("seed_value", VARIANT),
        ("increment_value", VARIANT),
        ("last_value", VARIANT),
        ("is_not_for_replication", BIT),
    ),
    *_IS_COMPUTED,
    *_COLUMN_TAIL,
)
COMPUTED_COLUMNS = (
    *_COLUMN_HEAD,
    *_COLUMN_MIDDLE,
    *columns(("definition", NVMAX), ("uses_database_collation", BIT), ("is_persisted", BIT, False)),
    *_IS_COMPUTED,
    *_COLUMN_TAIL,
)


def _column_parts(
    object_id: int, column_id: int, name: str, st: SqlType, nullable: bool, extra: tuple[bool, int]
) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """(head, middle) values of one column; ``extra`` is (is_identity, default_object_id)."""
    type_id, length, precision, scale = column_metadata(st)
    collation = DEFAULT_COLLATION if st.is_string else None
    padded = st.is_string or st.family in ("binary", "variant")
    identity, default_id = extra
    head = (object_id, name, column_id, type_id, type_id, length, precision, scale, collation, nullable, padded)
    head += (False, identity)
    middle = (False, False, False, False, False, False, 0, default_id, 0)
    return head, middle


def _user_columns(session: EngineSession) -> Iterator[tuple[TableDef, ColumnDef, tuple[Any, ...], tuple[Any, ...]]]:
    cat = _catalog(session)
    defaults = default_objects(cat)
    for table in sorted(cat.by_id.values(), key=lambda t: t.object_id):
        for col in table.columns:
            default = defaults.get((table.object_id, col.name.lower()))
            extra = (col.identity, default.object_id if default else 0)
            head, middle = _column_parts(table.object_id, col.column_id, col.name, col.type, col.nullable, extra)
            if col.collation and col.type.is_string:
                head = (*head[:8], col.collation, *head[9:])
            if col.rowversion:  # binary(8) to expressions, timestamp to the catalog
                timestamp = SYSTEM_TYPES["timestamp"][0]
                head = (*head[:3], timestamp, timestamp, *head[5:])
            yield table, col, head, middle


def _columns(session: EngineSession) -> Iterator[Sequence[Any]]:
    for _table, col, head, middle in _user_columns(session):
        yield (*head, col.computed_sql is not None, *middle, *_TAIL_VALUES)
    for object_id, column_id, column in function_columns(session):
        head, middle = _column_parts(object_id, column_id, column.name, column.type, column.nullable, (False, 0))
        yield (*head, False, *middle, *_TAIL_VALUES)


def function_columns(session: EngineSession) -> Iterator[tuple[int, int, Any]]:
    """The result columns of inline table-valued functions: their SELECT, bound with the parameters' types."""
    from .compiler import compile_query
    from .dialect import parse_one
    from .errors import SqlError
    from .session import Frame

    for module in _catalog(session).modules.values():
        if module.kind != modules.INLINE_FUNCTION:
            continue
        frame = Frame(declared={p.key: p.type for p in module.spec.parameters})
        try:
            plan = compile_query(parse_one(modules.inline_select(module.spec.body)), session._context(frame))
        except SqlError:
            continue  # a function whose tables have gone has no columns to show
        for column_id, column in enumerate(plan.columns, start=1):
            yield module.object_id, column_id, column


def _system_columns(session: EngineSession) -> Iterator[Sequence[Any]]:
    registry = session.engine.registry.views
    for key, object_id in system_view_ids(session).items():
        for column_id, column in enumerate(registry[key].columns, start=1):
            head, middle = _column_parts(object_id, column_id, column.name, column.type, column.nullable, (False, 0))
            yield (*head, False, *middle, *_TAIL_VALUES)


def _all_columns(session: EngineSession) -> Iterator[Sequence[Any]]:
    yield from _columns(session)
    yield from _system_columns(session)


def identity_values(session: EngineSession) -> dict[int, Any]:
    """Each table's last identity value (it changes with every INSERT, so it is read, not snapshotted)."""
    con = session._connection()
    databases = [session.database] + (["temp"] if session.database.lower() == "tempdb" else [])
    found: dict[int, Any] = {}
    for db in databases:
        found.update(con.execute(f"SELECT object_id, last_value FROM {quote(db)}.__tdsnet_identity").fetchall())
    return found


def _identity_columns(session: EngineSession) -> Iterator[Sequence[Any]]:
    last = identity_values(session)
    for table, col, head, middle in _user_columns(session):
        if col.identity:
            value = last.get(table.object_id)
            if value is not None and col.type.family == "decimal":
                value = Decimal(value)
            identity = (_variant(col.seed, col.type), _variant(col.increment, col.type), value, False)
            yield (*head, *middle, *identity, col.computed_sql is not None, *_TAIL_VALUES)


def _variant(value: int, st: SqlType) -> Any:
    """A number as a sql_variant of the column's type (a decimal identity's seed is decimal)."""
    return Decimal(value) if st.family == "decimal" else value


def _computed_columns(session: EngineSession) -> Iterator[Sequence[Any]]:
    for _table, col, head, middle in _user_columns(session):
        if col.computed_sql is not None:
            computed = (stored_text(f"({col.computed_sql})"), True, col.persisted)
            yield (*head, *middle, *computed, True, *_TAIL_VALUES)


TYPE_COLUMNS = columns(
    ("name", SYSNAME, False),
    ("system_type_id", TINYINT, False),
    ("user_type_id", INT, False),
    ("schema_id", INT, False),
    ("principal_id", INT),
    ("max_length", SMALLINT, False),
    ("precision", TINYINT, False),
    ("scale", TINYINT, False),
    ("collation_name", SYSNAME),
    ("is_nullable", BIT),
    ("is_user_defined", BIT, False),
    ("is_assembly_type", BIT, False),
    ("default_object_id", INT, False),
    ("rule_object_id", INT, False),
    ("is_table_type", BIT, False),
)


def _types(session: EngineSession) -> Iterator[Sequence[Any]]:
    strings = ("char", "varchar", "nchar", "nvarchar", "text", "ntext", "sysname")
    for name, (type_id, length, precision, scale) in sorted(SYSTEM_TYPES.items(), key=lambda i: i[1][0]):
        collation = DEFAULT_COLLATION if name in strings else None
        yield (name, type_id, type_id, 4, None, length, precision, scale, collation, True, False, False, 0, 0, False)
    yield (
        "sysname",
        231,
        SYSNAME_USER_TYPE,
        4,
        None,
        256,
        0,
        0,
        DEFAULT_COLLATION,
        False,
        False,
        False,
        0,
        0,
        False,
    )


# --- indexes and constraints -------------------------------------------------------------------

INDEX_COLUMNS = columns(
    ("object_id", INT, False),
    ("name", SYSNAME),
    ("index_id", INT, False),
    ("type", TINYINT, False),
    ("type_desc", NV60),
    ("is_unique", BIT),
    ("data_space_id", INT),
    ("ignore_dup_key", BIT),
    ("is_primary_key", BIT),
    ("is_unique_constraint", BIT),
    ("fill_factor", TINYINT, False),
    ("is_padded", BIT),
    ("is_disabled", BIT),
    ("is_hypothetical", BIT),
    ("is_ignored_in_optimization", BIT),
    ("allow_row_locks", BIT),
    ("allow_page_locks", BIT),
    ("has_filter", BIT),
    ("filter_definition", NVMAX),
    ("compression_delay", INT),
    ("suppress_dup_key_messages", BIT),
    ("auto_created", BIT),
    ("optimize_for_sequential_key", BIT),
)
INDEX_TYPES = {0: "HEAP", 1: "CLUSTERED", 2: "NONCLUSTERED"}


def table_indexes(table: TableDef) -> list[IndexDef | None]:
    """A table's indexes in index_id order, with None for the heap when nothing is clustered."""
    found: list[IndexDef | None] = sorted(table.indexes, key=lambda i: i.index_id)
    if not any(i.type == 1 for i in table.indexes):
        found.insert(0, None)
    return found


def _index_row(table: TableDef, index: IndexDef | None) -> tuple[Any, ...]:
    if index is None:
        heap = (table.object_id, None, 0, 0, "HEAP", False, 1, False, False, False, 0, False, False, False)
        return (*heap, False, True, True, False, None, None, False, False, False)
    filtered = index.filter is not None
    return (
        *(table.object_id, index.name, index.index_id, index.type, INDEX_TYPES[index.type], index.is_unique),
        *(1, False, index.is_primary_key, index.is_unique_constraint, index.fill_factor, False, False, False),
        *(False, True, True, filtered, stored_text(f"({index.filter})") if filtered else None),
        *(None, False, False, False),
    )


def _indexes(session: EngineSession) -> Iterator[Sequence[Any]]:
    cat = _catalog(session)
    for table in sorted(cat.by_id.values(), key=lambda t: t.object_id):
        if table.type != "U":
            continue
        for index in table_indexes(table):
            yield _index_row(table, index)


INDEX_COLUMN_COLUMNS = columns(
    ("object_id", INT, False),
    ("index_id", INT, False),
    ("index_column_id", INT, False),
    ("column_id", INT, False),
    ("key_ordinal", TINYINT, False),
    ("partition_ordinal", TINYINT, False),
    ("is_descending_key", BIT),
    ("is_included_column", BIT),
    ("column_store_order_ordinal", TINYINT, False),
)


def _index_column_rows(table: TableDef, index: IndexDef) -> Iterator[tuple[Any, ...]]:
    """Key columns numbered by key_ordinal; included columns have key_ordinal 0."""
    ordinal = 0
    for position, item in enumerate(index.columns, start=1):
        col = table.column(item.name)
        if col is None:
            continue
        ordinal += not item.included
        key = 0 if item.included else ordinal
        yield (table.object_id, index.index_id, position, col.column_id, key, 0, item.descending, item.included, 0)


def _index_columns(session: EngineSession) -> Iterator[Sequence[Any]]:
    cat = _catalog(session)
    for table in sorted(cat.by_id.values(), key=lambda t: t.object_id):
        for index in sorted(table.indexes, key=lambda i: i.index_id):
            yield from _index_column_rows(table, index)


KEY_CONSTRAINT_COLUMNS = (
    *OBJECT_COLUMNS,
    *columns(("unique_index_id", INT), ("is_system_named", BIT, False), ("is_enforced", BIT)),
)


def _key_constraints(session: EngineSession) -> Iterator[Sequence[Any]]:
    cat = _catalog(session)
    for row in cat.objects:
        table = cat.by_id.get(row.parent_object_id)
        if row.type in ("PK", "UQ") and table is not None:
            index = key_index(table, row.name)
            yield (*_object_row(row), index.index_id if index else None, system_named(row), True)


FOREIGN_KEY_COLUMNS = (
    *OBJECT_COLUMNS,
    *columns(
        ("referenced_object_id", INT),
        ("key_index_id", INT),
        ("is_disabled", BIT, False),
        ("is_not_for_replication", BIT, False),
        ("is_not_trusted", BIT, False),
        ("delete_referential_action", TINYINT),
        ("delete_referential_action_desc", NV60),
        ("update_referential_action", TINYINT),
        ("update_referential_action_desc", NV60),
        ("is_system_named", BIT, False),
    ),
)


def _foreign_keys(session: EngineSession) -> Iterator[Sequence[Any]]:
    for fk in foreign_keys(_catalog(session)):
        yield (
            *_object_row(fk.row),
            fk.referenced.object_id if fk.referenced else None,
            fk.key.index_id if fk.key else None,
            constraint_flags(fk.row)[0],
            fk.not_for_replication,
            constraint_flags(fk.row)[1],
            fk.delete_action,
            ACTION_NAMES[fk.delete_action],
            fk.update_action,
            ACTION_NAMES[fk.update_action],
            system_named(fk.row),
        )


FOREIGN_KEY_COLUMN_COLUMNS = columns(
    ("constraint_object_id", INT, False),
    ("constraint_column_id", INT, False),
    ("parent_object_id", INT, False),
    ("parent_column_id", INT, False),
    ("referenced_object_id", INT, False),
    ("referenced_column_id", INT, False),
)


def _foreign_key_columns(session: EngineSession) -> Iterator[Sequence[Any]]:
    for fk in foreign_keys(_catalog(session)):
        if fk.referenced is None:
            continue
        pairs = zip(fk.columns, fk.referenced_columns, strict=False)
        for position, (col, ref) in enumerate(pairs, start=1):
            yield (
                fk.row.object_id,
                position,
                fk.table.object_id,
                col.column_id,
                fk.referenced.object_id,
                ref.column_id,
            )


DEFAULT_CONSTRAINT_COLUMNS = (
    *OBJECT_COLUMNS,
    *columns(("parent_column_id", INT, False), ("definition", NVMAX), ("is_system_named", BIT, False)),
)


def _parent_column_id(cat: Catalog, row: ObjectRow) -> int:
    table = cat.by_id.get(row.parent_object_id)
    name = definition_of(row).get("column")
    col = table.column(str(name)) if table is not None and name else None
    return col.column_id if col is not None else 0


def _default_constraints(session: EngineSession) -> Iterator[Sequence[Any]]:
    cat = _catalog(session)
    for row in cat.objects:
        if row.type == "D":
            text = stored_text(str(definition_of(row).get("definition", "")))
            yield (*_object_row(row), _parent_column_id(cat, row), text, system_named(row))


CHECK_CONSTRAINT_COLUMNS = (
    *OBJECT_COLUMNS,
    *columns(
        ("is_disabled", BIT, False),
        ("is_not_for_replication", BIT, False),
        ("is_not_trusted", BIT, False),
        ("parent_column_id", INT, False),
        ("definition", NVMAX),
        ("uses_database_collation", BIT),
        ("is_system_named", BIT, False),
    ),
)


def check_definition(row: ObjectRow) -> str:
    return stored_text(str(definition_of(row).get("definition", "")))


def _check_constraints(session: EngineSession) -> Iterator[Sequence[Any]]:
    cat = _catalog(session)
    for row in cat.objects:
        if row.type == "C":
            parent = _parent_column_id(cat, row)
            disabled, untrusted = constraint_flags(row)
            flags = (disabled, False, untrusted, parent, check_definition(row), True, system_named(row))
            yield (*_object_row(row), *flags)


# --- sequences ---------------------------------------------------------------------------------

SEQUENCE_COLUMNS = (
    *OBJECT_COLUMNS,
    *columns(
        ("start_value", VARIANT, False),
        ("increment", VARIANT, False),
        ("minimum_value", VARIANT),
        ("maximum_value", VARIANT),
        ("is_cycling", BIT),
        ("is_cached", BIT),
        ("cache_size", INT),
        ("system_type_id", TINYINT, False),
        ("user_type_id", INT, False),
        ("precision", TINYINT, False),
        ("scale", TINYINT, False),
        ("current_value", VARIANT, False),
        ("is_exhausted", BIT, False),
        ("last_used_value", VARIANT),
    ),
)


def _sequences(session: EngineSession) -> Iterator[Sequence[Any]]:
    cat = _catalog(session)
    found = sequences.load_all(session._connection(), session.database)
    for row in cat.objects:
        seq = found.get(row.object_id)
        if row.type != "SO" or seq is None:
            continue
        st = seq.type
        type_id, _length, precision, scale = column_metadata(st)
        step = None if seq.last is None else seq.last + seq.increment
        exhausted = step is not None and not seq.cycling and not seq.minimum <= step <= seq.maximum
        last = None if seq.last is None else sequences.typed_value(st, seq.last)
        yield (
            *_object_row(row),
            *(sequences.typed_value(st, v) for v in (seq.start, seq.increment, seq.minimum, seq.maximum)),
            *(seq.cycling, seq.cache is not None, seq.cache or None, type_id, type_id, precision, scale),
            *(sequences.typed_value(st, seq.current), exhausted, last),
        )


# --- modules: procedures, functions, views -------------------------------------------------------

MODULE_KINDS = ("P", "V", "FN", "IF", "TF")
_EXECUTE_AS = re.compile(r"\bEXEC(?:UTE)?\s+AS\s+(OWNER|SELF|CALLER)\b", re.IGNORECASE)
_CHECK_OPTION = re.compile(r"\bWITH\s+CHECK\s+OPTION\s*;?\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Module:
    """A module's catalog row with what its stored definition says about it."""

    row: ObjectRow
    header: str  # the text before the body, where WITH options live
    body: str
    parameters: tuple[modules.Parameter, ...] = ()
    returns: SqlType | None = None

    def has_option(self, *words: str) -> bool:
        return re.search(r"\b" + r"\s+".join(words) + r"\b", self.header, re.IGNORECASE) is not None

    @property
    def check_option(self) -> bool:
        return self.row.type == "V" and _CHECK_OPTION.search(self.row.definition or "") is not None

    @property
    def execute_as(self) -> int | None:
        """sys.sql_modules.execute_as_principal_id: NULL for CALLER, -2 for OWNER, dbo for SELF."""
        found = _EXECUTE_AS.search(self.header)
        word = found.group(1).upper() if found else "CALLER"
        return {"OWNER": -2, "SELF": 1}.get(word)


def _module(cat: Catalog, row: ObjectRow) -> Module:
    text = row.definition or ""
    if row.type == "V":
        select = modules.view_parts(text)[0]
        at = text.find(select)
        return Module(row, text[:at] if at >= 0 else text, select)
    found = cat.module(schema_name(cat, row.schema_id), row.name)
    if found is None:
        return Module(row, text, "")
    spec = found.spec  # parsed from this very text, so the body is its suffix
    header = text[: len(text) - len(spec.body)] if spec.body and text.endswith(spec.body) else text
    return Module(row, header, spec.body, spec.parameters, spec.returns)


def sql_modules(cat: Catalog) -> list[Module]:
    return [_module(cat, row) for row in cat.objects if row.type in MODULE_KINDS and row.definition]


SQL_MODULE_COLUMNS = columns(
    ("object_id", INT, False),
    ("definition", NVMAX),
    ("uses_ansi_nulls", BIT),
    ("uses_quoted_identifier", BIT),
    ("is_schema_bound", BIT),
    ("uses_database_collation", BIT),
    ("is_recompiled", BIT),
    ("null_on_null_input", BIT),
    ("execute_as_principal_id", INT),
    ("uses_native_compilation", BIT),
    ("inline_type", BIT),
    ("is_inlineable", BIT),
)


def _sql_modules(session: EngineSession) -> Iterator[Sequence[Any]]:
    for module in sql_modules(_catalog(session)):
        bound = module.has_option("SCHEMABINDING")
        scalar = module.row.type == "FN"
        inlineable = scalar and modules.inline_return(module.body) is not None
        yield (
            *(module.row.object_id, module.row.definition, True, True, bound, bound),
            *(module.has_option("RECOMPILE"), module.has_option("RETURNS", "NULL", "ON", "NULL", "INPUT")),
            *(module.execute_as, False, scalar, inlineable),
        )
    for row in _catalog(session).objects:
        if row.type == "TR" and row.definition:  # triggers are modules too (not routines)
            yield row.object_id, row.definition, True, True, False, False, False, False, None, False, False, False


PROCEDURE_COLUMNS = (
    *OBJECT_COLUMNS,
    *columns(
        ("is_auto_executed", BIT, False),
        ("is_execution_replicated", BIT),
        ("is_repl_serializable_skip", BIT),
        ("skips_repl_constraints", BIT),
    ),
)


def _procedures(session: EngineSession) -> Iterator[Sequence[Any]]:
    for row in _catalog(session).objects:
        if row.type == "P":
            yield (*_object_row(row), False, False, False, False)


PARAMETER_COLUMNS = columns(
    ("object_id", INT, False),
    ("name", SYSNAME),
    ("parameter_id", INT, False),
    ("system_type_id", TINYINT, False),
    ("user_type_id", INT, False),
    ("max_length", SMALLINT, False),
    ("precision", TINYINT, False),
    ("scale", TINYINT, False),
    ("is_output", BIT, False),
    ("is_cursor_ref", BIT, False),
    ("has_default_value", BIT, False),
    ("is_xml_document", BIT, False),
    ("default_value", VARIANT),
    ("xml_collection_id", INT, False),
    ("is_readonly", BIT, False),
    ("is_nullable", BIT),
    ("encryption_type", INT),
    ("encryption_type_desc", sqltypes.nvarchar(64)),
    ("encryption_algorithm_name", SYSNAME),
    ("column_encryption_key_id", INT),
    ("column_encryption_key_database_name", SYSNAME),
)


def module_parameters(module: Module) -> Iterator[tuple[int, str, SqlType, bool, bool]]:
    """(parameter_id, name, type, is_output, is_readonly); a scalar function's result is parameter 0."""
    if module.row.type == "FN" and module.returns is not None:
        yield 0, "", module.returns, True, False
    for index, param in enumerate(module.parameters, start=1):
        yield index, "@" + param.name, param.type, param.output, param.readonly


def _parameters(session: EngineSession) -> Iterator[Sequence[Any]]:
    for module in sql_modules(_catalog(session)):
        for parameter_id, name, st, output, readonly in module_parameters(module):
            type_id, length, precision, scale = column_metadata(st)
            # has_default_value stays 0 for T-SQL modules: SQL Server records defaults only for CLR ones.
            head = (module.row.object_id, name, parameter_id, type_id, type_id, length, precision, scale)
            yield (*head, output, False, False, False, None, 0, readonly, True, None, None, None, None, None)


def _view_check_options(cat: Catalog) -> set[int]:
    return {m.row.object_id for m in sql_modules(cat) if m.check_option}


EXTENDED_PROPERTY_COLUMNS = columns(
    ("class", TINYINT, False),
    ("class_desc", NV60),
    ("major_id", INT, False),
    ("minor_id", INT, False),
    ("name", SYSNAME, False),
    ("value", VARIANT),
)


def _extended_properties(session: EngineSession) -> Iterator[Sequence[Any]]:
    """No statement sets extended properties (sp_addextendedproperty) yet: there are none."""
    del session
    return iter(())


# --- principals ------------------------------------------------------------------------------

PRINCIPAL_COLUMNS = columns(
    ("name", SYSNAME, False),
    ("principal_id", INT, False),
    ("type", CHAR1, False),
    ("type_desc", NV60),
    ("default_schema_name", SYSNAME),
    ("create_date", DATETIME, False),
    ("modify_date", DATETIME, False),
    ("owning_principal_id", INT),
    ("sid", SqlType("varbinary", length=85)),
    ("is_fixed_role", BIT, False),
    ("authentication_type", INT, False),
    ("authentication_type_desc", NV60),
    ("default_language_name", SYSNAME),
    ("default_language_lcid", INT),
    ("allow_encrypted_value_modifications", BIT, False),
)


def _principal_sid(database: str, principal_id: int) -> bytes | None:
    if principal_id == 0:  # public: a role SID unique to each database
        return bytes.fromhex("010500000000000904000000") + uuid.uuid5(uuid.NAMESPACE_DNS, database.lower()).bytes
    if principal_id == 1:
        return b"\x01"  # dbo is the owner's login: sa
    if principal_id == 2:
        return b"\x00"
    if principal_id >= 16384:  # fixed roles: S-1-9-4-0-0-0-0-<principal_id>
        return bytes.fromhex("0105000000000009" + "04000000" + "00" * 12) + principal_id.to_bytes(4, "little")
    return None


def _database_principals(session: EngineSession) -> Iterator[Sequence[Any]]:
    database = session.engine.database(session.database)
    created = _when(database.create_date) if database else SYSTEM_OBJECT_DATE
    for name, principal_id, kind, default_schema in FIXED_PRINCIPALS:
        role = kind == "R"
        yield (
            name,
            principal_id,
            kind,
            "DATABASE_ROLE" if role else "SQL_USER",
            default_schema,
            created,
            created,
            1 if role else None,
            _principal_sid(session.database, principal_id),
            principal_id >= 16384,
            1 if principal_id == 1 else 0,
            "INSTANCE" if principal_id == 1 else "NONE",
            None,
            None,
            False,
        )


# --- INFORMATION_SCHEMA ------------------------------------------------------------------------

IS_TABLE_COLUMNS = columns(
    ("TABLE_CATALOG", NV128),
    ("TABLE_SCHEMA", NV128),
    ("TABLE_NAME", SYSNAME, False),
    ("TABLE_TYPE", sqltypes.varchar(10)),
)


def _is_tables(session: EngineSession) -> Iterator[Sequence[Any]]:
    cat = _catalog(session)
    for table in sorted(cat.by_id.values(), key=lambda t: (t.schema, t.name)):
        yield (
            session.database,
            table.schema,
            table.name,
            "BASE TABLE" if table.type == "U" else "VIEW",
        )


IS_COLUMN_COLUMNS = columns(
    ("TABLE_CATALOG", NV128),
    ("TABLE_SCHEMA", NV128),
    ("TABLE_NAME", SYSNAME, False),
    ("COLUMN_NAME", SYSNAME),
    ("ORDINAL_POSITION", INT),
    ("COLUMN_DEFAULT", sqltypes.nvarchar(4000)),
    ("IS_NULLABLE", sqltypes.varchar(3)),
    ("DATA_TYPE", NV128),
    ("CHARACTER_MAXIMUM_LENGTH", INT),
    ("CHARACTER_OCTET_LENGTH", INT),
    ("NUMERIC_PRECISION", TINYINT),
    ("NUMERIC_PRECISION_RADIX", SMALLINT),
    ("NUMERIC_SCALE", INT),
    ("DATETIME_PRECISION", SMALLINT),
    ("CHARACTER_SET_CATALOG", SYSNAME),
    ("CHARACTER_SET_SCHEMA", SYSNAME),
    ("CHARACTER_SET_NAME", SYSNAME),
    ("COLLATION_CATALOG", SYSNAME),
    ("COLLATION_SCHEMA", SYSNAME),
    ("COLLATION_NAME", SYSNAME),
    ("DOMAIN_CATALOG", SYSNAME),
    ("DOMAIN_SCHEMA", SYSNAME),
    ("DOMAIN_NAME", SYSNAME),
)


def _is_column_sizes(st: SqlType) -> tuple[Any, ...]:
    """(chars, octets, precision, radix, scale, datetime precision) of INFORMATION_SCHEMA.COLUMNS."""
    chars = octets = precision = radix = scale = datetime_precision = None
    if st.is_string or st.family == "binary":
        chars = -1 if st.is_max else (2147483647 if st.is_lob else st.length)
        octets = -1 if st.is_max else (2147483647 if st.is_lob else st.byte_length())
        if st.name == "ntext":
            chars = 1073741823
    elif st.family in ("int", "decimal", "money", "float"):
        _, _, precision, scale = column_metadata(st)
        radix = 2 if st.family == "float" else 10
        scale = None if st.family == "float" else scale
    elif st.family in ("date", "time", "datetime", "datetimeoffset"):
        datetime_precision = column_metadata(st)[3]
    return chars, octets, precision, radix, scale, datetime_precision


def _is_columns(session: EngineSession) -> Iterator[Sequence[Any]]:
    cat = _catalog(session)
    for table in sorted(cat.by_id.values(), key=lambda t: (t.schema, t.name)):
        for col in table.columns:
            st = col.type
            charset = ("iso_1" if not st.is_unicode else "UNICODE") if st.is_string else None
            collation = (col.collation or DEFAULT_COLLATION) if st.is_string else None
            yield (
                session.database,
                table.schema,
                table.name,
                col.name,
                col.column_id,
                column_default(cat, table, col),
                "YES" if col.nullable else "NO",
                st.name,
                *_is_column_sizes(st),
                None,
                None,
                charset,
                None,
                None,
                collation,
                None,
                None,
                None,
            )


IS_SCHEMATA_COLUMNS = columns(
    ("CATALOG_NAME", SYSNAME),
    ("SCHEMA_NAME", NV128, False),
    ("SCHEMA_OWNER", NV128),
    ("DEFAULT_CHARACTER_SET_CATALOG", sqltypes.varchar(6)),
    ("DEFAULT_CHARACTER_SET_SCHEMA", sqltypes.varchar(3)),
    ("DEFAULT_CHARACTER_SET_NAME", SYSNAME),
)


def _is_schemata(session: EngineSession) -> Iterator[Sequence[Any]]:
    cat = _catalog(session)
    for schema_id, name in sorted(cat.schema_names.items()):
        owner = PRINCIPAL_NAMES.get(schema_owner(schema_id, cat), "dbo")
        yield session.database, name, owner, None, None, "iso_1"


IS_VIEW_COLUMNS = columns(
    ("TABLE_CATALOG", NV128),
    ("TABLE_SCHEMA", NV128),
    ("TABLE_NAME", SYSNAME, False),
    ("VIEW_DEFINITION", sqltypes.nvarchar(4000)),
    ("CHECK_OPTION", sqltypes.varchar(7)),
    ("IS_UPDATABLE", sqltypes.varchar(2)),
)


def _is_views(session: EngineSession) -> Iterator[Sequence[Any]]:
    cat = _catalog(session)
    checked = _view_check_options(cat)
    for table in sorted(cat.by_id.values(), key=lambda t: (t.schema, t.name)):
        if table.type == "V":
            text = table.definition if table.definition and len(table.definition) <= 4000 else None
            option = "CASCADE" if table.object_id in checked else "NONE"
            yield session.database, table.schema, table.name, text, option, "NO"


IS_TABLE_CONSTRAINT_COLUMNS = columns(
    ("CONSTRAINT_CATALOG", NV128),
    ("CONSTRAINT_SCHEMA", NV128),
    ("CONSTRAINT_NAME", SYSNAME, False),
    ("TABLE_CATALOG", NV128),
    ("TABLE_SCHEMA", NV128),
    ("TABLE_NAME", SYSNAME, False),
    ("CONSTRAINT_TYPE", sqltypes.varchar(11)),
    ("IS_DEFERRABLE", sqltypes.varchar(2), False),
    ("INITIALLY_DEFERRED", sqltypes.varchar(2), False),
)
CONSTRAINT_TYPES = {"PK": "PRIMARY KEY", "UQ": "UNIQUE", "F": "FOREIGN KEY", "C": "CHECK"}


def _is_table_constraints(session: EngineSession) -> Iterator[Sequence[Any]]:
    cat = _catalog(session)
    db = session.database
    for row in cat.objects:
        table = cat.by_id.get(row.parent_object_id)
        if row.type in CONSTRAINT_TYPES and table is not None:
            schema = schema_name(cat, row.schema_id)
            yield db, schema, row.name, db, table.schema, table.name, CONSTRAINT_TYPES[row.type], "NO", "NO"


IS_KEY_COLUMN_USAGE_COLUMNS = columns(
    ("CONSTRAINT_CATALOG", NV128),
    ("CONSTRAINT_SCHEMA", NV128),
    ("CONSTRAINT_NAME", SYSNAME, False),
    ("TABLE_CATALOG", NV128),
    ("TABLE_SCHEMA", NV128),
    ("TABLE_NAME", SYSNAME, False),
    ("COLUMN_NAME", NV128),
    ("ORDINAL_POSITION", INT, False),
)


def key_columns(cat: Catalog) -> Iterator[tuple[ObjectRow, TableDef, ColumnDef, int]]:
    """(constraint, table, column, ordinal) for the columns of each PK, UNIQUE and FOREIGN KEY."""
    fks = {fk.row.object_id: fk for fk in foreign_keys(cat)}
    for row in cat.objects:
        table = cat.by_id.get(row.parent_object_id)
        if table is None:
            continue
        if row.type in ("PK", "UQ"):
            index = key_index(table, row.name)
            names = [c.name for c in index.key_columns] if index else definition_of(row).get("columns") or []
            cols = column_ids(table, names)
        elif row.type == "F":
            cols = fks[row.object_id].columns
        else:
            continue
        for ordinal, col in enumerate(cols, start=1):
            yield row, table, col, ordinal


def _is_key_column_usage(session: EngineSession) -> Iterator[Sequence[Any]]:
    cat = _catalog(session)
    db = session.database
    for row, table, col, ordinal in key_columns(cat):
        yield db, schema_name(cat, row.schema_id), row.name, db, table.schema, table.name, col.name, ordinal


IS_REFERENTIAL_COLUMNS = columns(
    ("CONSTRAINT_CATALOG", NV128),
    ("CONSTRAINT_SCHEMA", NV128),
    ("CONSTRAINT_NAME", SYSNAME, False),
    ("UNIQUE_CONSTRAINT_CATALOG", NV128),
    ("UNIQUE_CONSTRAINT_SCHEMA", NV128),
    ("UNIQUE_CONSTRAINT_NAME", SYSNAME),
    ("MATCH_OPTION", sqltypes.varchar(7)),
    ("UPDATE_RULE", sqltypes.varchar(11)),
    ("DELETE_RULE", sqltypes.varchar(11)),
)


def _is_referential_constraints(session: EngineSession) -> Iterator[Sequence[Any]]:
    cat = _catalog(session)
    db = session.database
    for fk in foreign_keys(cat):
        unique_schema = fk.referenced.schema if fk.referenced else None
        rules = (ACTION_NAMES[fk.update_action].replace("_", " "), ACTION_NAMES[fk.delete_action].replace("_", " "))
        unique = fk.key.name if fk.key else None
        yield (db, schema_name(cat, fk.row.schema_id), fk.row.name, db, unique_schema, unique, "SIMPLE", *rules)


IS_CONSTRAINT_COLUMN_USAGE_COLUMNS = columns(
    ("TABLE_CATALOG", NV128),
    ("TABLE_SCHEMA", NV128),
    ("TABLE_NAME", SYSNAME, False),
    ("COLUMN_NAME", SYSNAME),
    ("CONSTRAINT_CATALOG", NV128),
    ("CONSTRAINT_SCHEMA", NV128),
    ("CONSTRAINT_NAME", SYSNAME, False),
)


def check_columns(table: TableDef, row: ObjectRow) -> list[ColumnDef]:
    """The columns a CHECK constraint's expression refers to, in column order."""
    from .dialect import parse_one

    detail = definition_of(row)
    try:
        node = parse_one(f"SELECT {detail.get('definition', '')}")
        names = {c.name.lower() for c in node.find_all(exp.Column)}
    except Exception:
        names = set()
    if detail.get("column"):
        names.add(str(detail["column"]).lower())
    return [c for c in table.columns if c.name.lower() in names]


def _is_constraint_column_usage(session: EngineSession) -> Iterator[Sequence[Any]]:
    cat = _catalog(session)
    db = session.database
    used: list[tuple[ObjectRow, TableDef, ColumnDef]] = [(r, t, c) for r, t, c, _ in key_columns(cat)]
    for row in cat.objects:
        table = cat.by_id.get(row.parent_object_id)
        if row.type == "C" and table is not None:
            used += [(row, table, col) for col in check_columns(table, row)]
    used.sort(key=lambda u: (u[0].object_id, u[2].column_id))
    for row, table, col in used:
        yield db, table.schema, table.name, col.name, db, schema_name(cat, row.schema_id), row.name


IS_CHECK_CONSTRAINT_COLUMNS = columns(
    ("CONSTRAINT_CATALOG", NV128),
    ("CONSTRAINT_SCHEMA", NV128),
    ("CONSTRAINT_NAME", SYSNAME, False),
    ("CHECK_CLAUSE", sqltypes.nvarchar(4000)),
)


def _is_check_constraints(session: EngineSession) -> Iterator[Sequence[Any]]:
    cat = _catalog(session)
    for row in cat.objects:
        if row.type == "C" and row.parent_object_id in cat.by_id:
            yield session.database, schema_name(cat, row.schema_id), row.name, check_definition(row)


IS_ROUTINE_COLUMNS = columns(
    ("SPECIFIC_CATALOG", NV128),
    ("SPECIFIC_SCHEMA", NV128),
    ("SPECIFIC_NAME", SYSNAME, False),
    ("ROUTINE_CATALOG", NV128),
    ("ROUTINE_SCHEMA", NV128),
    ("ROUTINE_NAME", SYSNAME, False),
    ("ROUTINE_TYPE", sqltypes.nvarchar(20)),
    ("MODULE_CATALOG", SYSNAME),
    ("MODULE_SCHEMA", SYSNAME),
    ("MODULE_NAME", SYSNAME),
    ("UDT_CATALOG", SYSNAME),
    ("UDT_SCHEMA", SYSNAME),
    ("UDT_NAME", SYSNAME),
    ("DATA_TYPE", SYSNAME),
    ("CHARACTER_MAXIMUM_LENGTH", INT),
    ("CHARACTER_OCTET_LENGTH", INT),
    ("COLLATION_CATALOG", SYSNAME),
    ("COLLATION_SCHEMA", SYSNAME),
    ("COLLATION_NAME", SYSNAME),
    ("CHARACTER_SET_CATALOG", SYSNAME),
    ("CHARACTER_SET_SCHEMA", SYSNAME),
    ("CHARACTER_SET_NAME", SYSNAME),
    ("NUMERIC_PRECISION", SMALLINT),
    ("NUMERIC_PRECISION_RADIX", SMALLINT),
    ("NUMERIC_SCALE", SMALLINT),
    ("DATETIME_PRECISION", SMALLINT),
    ("INTERVAL_TYPE", sqltypes.nvarchar(30)),
    ("INTERVAL_PRECISION", SMALLINT),
    ("TYPE_UDT_CATALOG", SYSNAME),
    ("TYPE_UDT_SCHEMA", SYSNAME),
    ("TYPE_UDT_NAME", SYSNAME),
    ("SCOPE_CATALOG", SYSNAME),
    ("SCOPE_SCHEMA", SYSNAME),
    ("SCOPE_NAME", SYSNAME),
    ("MAXIMUM_CARDINALITY", sqltypes.BIGINT),
    ("DTD_IDENTIFIER", SYSNAME),
    ("ROUTINE_BODY", sqltypes.nvarchar(30)),
    ("ROUTINE_DEFINITION", sqltypes.nvarchar(4000)),
    ("EXTERNAL_NAME", SYSNAME),
    ("EXTERNAL_LANGUAGE", sqltypes.nvarchar(30)),
    ("PARAMETER_STYLE", sqltypes.nvarchar(30)),
    ("IS_DETERMINISTIC", sqltypes.nvarchar(10)),
    ("SQL_DATA_ACCESS", sqltypes.nvarchar(30)),
    ("IS_NULL_CALL", sqltypes.nvarchar(10)),
    ("SQL_PATH", SYSNAME),
    ("SCHEMA_LEVEL_ROUTINE", sqltypes.nvarchar(10)),
    ("MAX_DYNAMIC_RESULT_SETS", SMALLINT),
    ("IS_USER_DEFINED_CAST", sqltypes.nvarchar(10)),
    ("IS_IMPLICITLY_INVOCABLE", sqltypes.nvarchar(10)),
    ("CREATED", DATETIME, False),
    ("LAST_ALTERED", DATETIME, False),
)


def _type_facts(st: SqlType | None) -> tuple[Any, ...]:
    """(DATA_TYPE, chars, octets, collation, charset, precision, radix, scale, datetime precision)."""
    if st is None:
        return (None,) * 9
    chars, octets, precision, radix, scale, datetime_precision = _is_column_sizes(st)
    collation = DEFAULT_COLLATION if st.is_string else None
    charset = ("UNICODE" if st.is_unicode else "iso_1") if st.is_string else None
    return st.name, chars, octets, collation, charset, precision, radix, scale, datetime_precision


def _is_routines(session: EngineSession) -> Iterator[Sequence[Any]]:
    cat = _catalog(session)
    db = session.database
    for module in sql_modules(cat):
        row = module.row
        if row.type == "V":
            continue
        function = row.type != "P"
        schema = schema_name(cat, row.schema_id)
        kind, chars, octets, collation, charset, precision, radix, scale, dt_precision = _type_facts(module.returns)
        if row.type in ("IF", "TF"):
            kind = "TABLE"
        text = (row.definition or "")[:4000]
        null_call = (
            ("NO" if module.has_option("RETURNS", "NULL", "ON", "NULL", "INPUT") else "YES") if function else None
        )
        yield (
            *(db, schema, row.name, db, schema, row.name, "FUNCTION" if function else "PROCEDURE"),
            *(None, None, None, None, None, None),
            *(kind, chars, octets, None, None, collation, None, None, charset, precision, radix, scale, dt_precision),
            *(None, None, None, None, None, None, None, None, None, None, "SQL", text, None, None, None),
            *("NO", "READS" if function else "MODIFIES", null_call, None, "YES", 0 if function else -1, "NO", "NO"),
            *(_when(row.create_date), _when(row.modify_date)),
        )


IS_PARAMETER_COLUMNS = columns(
    ("SPECIFIC_CATALOG", NV128),
    ("SPECIFIC_SCHEMA", NV128),
    ("SPECIFIC_NAME", SYSNAME, False),
    ("ORDINAL_POSITION", INT, False),
    ("PARAMETER_MODE", sqltypes.nvarchar(10)),
    ("IS_RESULT", sqltypes.nvarchar(10)),
    ("AS_LOCATOR", sqltypes.nvarchar(10)),
    ("PARAMETER_NAME", SYSNAME),
    ("DATA_TYPE", SYSNAME),
    ("CHARACTER_MAXIMUM_LENGTH", INT),
    ("CHARACTER_OCTET_LENGTH", INT),
    ("COLLATION_CATALOG", SYSNAME),
    ("COLLATION_SCHEMA", SYSNAME),
    ("COLLATION_NAME", SYSNAME),
    ("CHARACTER_SET_CATALOG", SYSNAME),
    ("CHARACTER_SET_SCHEMA", SYSNAME),
    ("CHARACTER_SET_NAME", SYSNAME),
    ("NUMERIC_PRECISION", TINYINT),
    ("NUMERIC_PRECISION_RADIX", SMALLINT),
    ("NUMERIC_SCALE", TINYINT),
    ("DATETIME_PRECISION", SMALLINT),
    ("INTERVAL_TYPE", sqltypes.nvarchar(30)),
    ("INTERVAL_PRECISION", SMALLINT),
    ("USER_DEFINED_TYPE_CATALOG", SYSNAME),
    ("USER_DEFINED_TYPE_SCHEMA", SYSNAME),
    ("USER_DEFINED_TYPE_NAME", SYSNAME),
    ("SCOPE_CATALOG", SYSNAME),
    ("SCOPE_SCHEMA", SYSNAME),
    ("SCOPE_NAME", SYSNAME),
)


def _is_parameters(session: EngineSession) -> Iterator[Sequence[Any]]:
    cat = _catalog(session)
    db = session.database
    for module in sql_modules(cat):
        schema = schema_name(cat, module.row.schema_id)
        for position, name, st, output, _readonly in module_parameters(module):
            result = position == 0
            mode = "OUT" if result else ("INOUT" if output else "IN")
            kind, chars, octets, collation, charset, precision, radix, scale, dt_precision = _type_facts(st)
            yield (
                *(db, schema, module.row.name, position, mode, "YES" if result else "NO", "NO"),
                *(None if result else name, kind, chars, octets, None, None, collation, None, None, charset),
                *(precision, radix, scale, dt_precision, None, None, None, None, None, None, None, None),
            )


def register(registry: Registry) -> None:
    def view(name: str, cols: tuple, rows: Any) -> None:
        registry.view(SystemView(name, cols, rows, server_scoped=False))

    view("sys.schemas", SCHEMA_COLUMNS, _schemas)
    view("sys.objects", OBJECT_COLUMNS, _objects)
    view("sys.all_objects", OBJECT_COLUMNS, _all_objects)
    view("sys.system_objects", OBJECT_COLUMNS, _system_object_rows)
    view("sys.tables", TABLE_COLUMNS, _tables)
    view("sys.views", VIEW_COLUMNS, _views)
    view("sys.system_views", VIEW_COLUMNS, _system_views)
    view("sys.all_views", VIEW_COLUMNS, _all_views)
    view("sys.columns", COLUMN_COLUMNS, _columns)
    view("sys.system_columns", COLUMN_COLUMNS, _system_columns)
    view("sys.all_columns", COLUMN_COLUMNS, _all_columns)
    view("sys.identity_columns", IDENTITY_COLUMNS, _identity_columns)
    view("sys.computed_columns", COMPUTED_COLUMNS, _computed_columns)
    view("sys.sequences", SEQUENCE_COLUMNS, _sequences)
    view("sys.types", TYPE_COLUMNS, _types)
    view("sys.indexes", INDEX_COLUMNS, _indexes)
    view("sys.index_columns", INDEX_COLUMN_COLUMNS, _index_columns)
    view("sys.key_constraints", KEY_CONSTRAINT_COLUMNS, _key_constraints)
    view("sys.foreign_keys", FOREIGN_KEY_COLUMNS, _foreign_keys)
    view("sys.foreign_key_columns", FOREIGN_KEY_COLUMN_COLUMNS, _foreign_key_columns)
    view("sys.default_constraints", DEFAULT_CONSTRAINT_COLUMNS, _default_constraints)
    view("sys.check_constraints", CHECK_CONSTRAINT_COLUMNS, _check_constraints)
    view("sys.extended_properties", EXTENDED_PROPERTY_COLUMNS, _extended_properties)
    view("sys.sql_modules", SQL_MODULE_COLUMNS, _sql_modules)
    view("sys.all_sql_modules", SQL_MODULE_COLUMNS, _sql_modules)
    view("sys.procedures", PROCEDURE_COLUMNS, _procedures)
    view("sys.parameters", PARAMETER_COLUMNS, _parameters)
    view("sys.all_parameters", PARAMETER_COLUMNS, _parameters)
    view("sys.database_principals", PRINCIPAL_COLUMNS, _database_principals)
    view("information_schema.tables", IS_TABLE_COLUMNS, _is_tables)
    view("information_schema.columns", IS_COLUMN_COLUMNS, _is_columns)
    view("information_schema.schemata", IS_SCHEMATA_COLUMNS, _is_schemata)
    view("information_schema.views", IS_VIEW_COLUMNS, _is_views)
    view("information_schema.table_constraints", IS_TABLE_CONSTRAINT_COLUMNS, _is_table_constraints)
    view("information_schema.key_column_usage", IS_KEY_COLUMN_USAGE_COLUMNS, _is_key_column_usage)
    view("information_schema.referential_constraints", IS_REFERENTIAL_COLUMNS, _is_referential_constraints)
    view("information_schema.constraint_column_usage", IS_CONSTRAINT_COLUMN_USAGE_COLUMNS, _is_constraint_column_usage)
    view("information_schema.check_constraints", IS_CHECK_CONSTRAINT_COLUMNS, _is_check_constraints)
    view("information_schema.routines", IS_ROUTINE_COLUMNS, _is_routines)
    view("information_schema.parameters", IS_PARAMETER_COLUMNS, _is_parameters)
