"""Database catalog views: sys.objects, sys.tables, sys.columns, sys.types,
INFORMATION_SCHEMA.TABLES/COLUMNS..., computed from the catalog of the database a query
names (``otherdb.sys.tables`` reads otherdb's), with SQL Server's ids and metadata rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from .. import sqltypes
from ..sqltypes import SqlType
from .storage import DEFAULT_COLLATION
from .system import Registry, SystemView, columns

if TYPE_CHECKING:
    from .session import EngineSession

INT, SMALLINT, TINYINT, BIT = sqltypes.INT, sqltypes.SMALLINT, sqltypes.TINYINT, sqltypes.BIT
SYSNAME, DATETIME = sqltypes.SYSNAME, sqltypes.DATETIME
CHAR2 = SqlType("char", length=2)

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
    _, _, precision, scale = SYSTEM_TYPES.get(st.name, (0, 0, 0, 0))
    return type_id, length, precision, scale


def _when(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _catalog(session: EngineSession) -> Any:
    return session._catalog(session.database)


SCHEMA_COLUMNS = columns(("name", SYSNAME, False), ("schema_id", INT, False), ("principal_id", INT))


def _schemas(session: EngineSession) -> Iterator[Sequence[Any]]:
    cat = _catalog(session)
    for schema_id, name in sorted(cat.schema_names.items()):
        yield name, schema_id, 1


OBJECT_COLUMNS = columns(
    ("name", SYSNAME, False),
    ("object_id", INT, False),
    ("principal_id", INT),
    ("schema_id", INT, False),
    ("parent_object_id", INT, False),
    ("type", CHAR2),
    ("type_desc", sqltypes.nvarchar(60)),
    ("create_date", DATETIME, False),
    ("modify_date", DATETIME, False),
    ("is_ms_shipped", BIT, False),
    ("is_published", BIT, False),
    ("is_schema_published", BIT, False),
)


def _object_row(row: Any) -> tuple[Any, ...]:
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
        ("lock_escalation_desc", sqltypes.nvarchar(60)),
        ("is_filetable", BIT),
        ("is_memory_optimized", BIT),
        ("durability", TINYINT),
        ("durability_desc", sqltypes.nvarchar(60)),
        ("temporal_type", TINYINT),
        ("temporal_type_desc", sqltypes.nvarchar(60)),
        ("history_table_id", INT),
        ("is_remote_data_archive_enabled", BIT),
        ("is_external", BIT, False),
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
            len(table.columns),
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
    ),
)


def _views(session: EngineSession) -> Iterator[Sequence[Any]]:
    for row in _catalog(session).objects:
        if row.type == "V":
            yield (*_object_row(row), False, False, False, False, False, False, False)


COLUMN_COLUMNS = columns(
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
    ("is_computed", BIT, False),
    ("is_filestream", BIT, False),
    ("is_replicated", BIT),
    ("is_non_sql_subscribed", BIT),
    ("is_merge_published", BIT),
    ("is_dts_replicated", BIT),
    ("is_xml_document", BIT, False),
    ("xml_collection_id", INT, False),
    ("default_object_id", INT, False),
    ("rule_object_id", INT, False),
    ("is_sparse", BIT),
    ("is_column_set", BIT),
    ("generated_always_type", TINYINT),
    ("generated_always_type_desc", sqltypes.nvarchar(60)),
    ("is_hidden", BIT),
    ("is_masked", BIT),
)


def _default_ids(cat: Any) -> dict[tuple[int, str], int]:
    import json

    found = {}
    for row in cat.objects:
        if row.type == "D" and row.definition:
            column = json.loads(row.definition).get("column", "")
            found[(row.parent_object_id, column.lower())] = row.object_id
    return found


def _columns(session: EngineSession) -> Iterator[Sequence[Any]]:
    cat = _catalog(session)
    defaults = _default_ids(cat)
    for table in sorted(cat.by_id.values(), key=lambda t: t.object_id):
        for col in table.columns:
            type_id, length, precision, scale = column_metadata(col.type)
            collation = (col.collation or DEFAULT_COLLATION) if col.type.is_string else None
            yield (
                table.object_id,
                col.name,
                col.column_id,
                type_id,
                type_id,
                length,
                precision,
                scale,
                collation,
                col.nullable,
                col.type.is_string or col.type.family == "binary",
                False,
                col.identity,
                col.computed_sql is not None,
                False,
                False,
                False,
                False,
                False,
                False,
                0,
                defaults.get((table.object_id, col.name.lower()), 0),
                0,
                False,
                False,
                0,
                "NOT_APPLICABLE",
                False,
                False,
            )


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
    for name, (type_id, length, precision, scale) in sorted(SYSTEM_TYPES.items(), key=lambda i: i[1][0]):
        collation = (
            DEFAULT_COLLATION if name in ("char", "varchar", "nchar", "nvarchar", "text", "ntext", "sysname") else None
        )
        yield (
            name,
            type_id,
            type_id,
            4,
            None,
            length,
            precision,
            scale,
            collation,
            True,
            False,
            False,
            0,
            0,
            False,
        )
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


SYSTEM_VIEW_COLUMNS = columns(
    ("name", SYSNAME, False),
    ("object_id", INT, False),
    ("schema_id", INT, False),
    ("type", CHAR2),
    ("type_desc", sqltypes.nvarchar(60)),
)


def _system_views(session: EngineSession) -> Iterator[Sequence[Any]]:
    for index, key in enumerate(sorted(session.engine.registry.views)):
        schema, name = key.split(".", 1)
        yield name, -(100 + index), 4 if schema == "sys" else 3, "V ", "VIEW"


# --- INFORMATION_SCHEMA ------------------------------------------------------------------------

NV128 = sqltypes.nvarchar(128)
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


def _is_columns(session: EngineSession) -> Iterator[Sequence[Any]]:
    cat = _catalog(session)
    for table in sorted(cat.by_id.values(), key=lambda t: (t.schema, t.name)):
        for col in table.columns:
            st = col.type
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
            charset = ("iso_1" if not st.is_unicode else "UNICODE") if st.is_string else None
            collation = (col.collation or DEFAULT_COLLATION) if st.is_string else None
            default = f"({col.default_sql})" if col.default_sql is not None else None
            yield (
                session.database,
                table.schema,
                table.name,
                col.name,
                col.column_id,
                default,
                "YES" if col.nullable else "NO",
                st.name,
                chars,
                octets,
                precision,
                radix,
                scale,
                datetime_precision,
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
    for schema_id, name in sorted(_catalog(session).schema_names.items()):
        yield session.database, name, "dbo" if schema_id < 16384 else name, None, None, "iso_1"


def register(registry: Registry) -> None:
    def view(name: str, cols: tuple, rows: Any) -> None:
        registry.view(SystemView(name, cols, rows, server_scoped=False))

    view("sys.schemas", SCHEMA_COLUMNS, _schemas)
    view("sys.objects", OBJECT_COLUMNS, _objects)
    view("sys.all_objects", OBJECT_COLUMNS, _objects)
    view("sys.tables", TABLE_COLUMNS, _tables)
    view("sys.views", VIEW_COLUMNS, _views)
    view("sys.columns", COLUMN_COLUMNS, _columns)
    view("sys.all_columns", COLUMN_COLUMNS, _columns)
    view("sys.types", TYPE_COLUMNS, _types)
    view("sys.system_views", SYSTEM_VIEW_COLUMNS, _system_views)
    view("information_schema.tables", IS_TABLE_COLUMNS, _is_tables)
    view("information_schema.columns", IS_COLUMN_COLUMNS, _is_columns)
    view("information_schema.schemata", IS_SCHEMATA_COLUMNS, _is_schemata)
