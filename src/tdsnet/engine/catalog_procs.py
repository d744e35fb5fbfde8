"""The catalog procedures ODBC and JDBC drivers call (sp_datatype_info, sp_tables, sp_columns,
sp_pkeys, sp_fkeys, sp_statistics, sp_special_columns... and their _100 forms).

Their result sets follow the ODBC catalog function they serve (SQLGetTypeInfo, SQLTables,
SQLColumns...), as SQL Server's own procedures return them; drivers size parameters from
them, so pyodbc binds long strings and 7-digit datetimes correctly only when these answers
are right. The facts come from the same helpers as the catalog views (catalog_views).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .. import sqltypes
from ..sqltypes import Column, SqlType
from . import system
from .catalog import ColumnDef, IndexDef, TableDef
from .catalog_views import (
    CASCADE,
    NO_ACTION,
    SET_DEFAULT,
    SET_NULL,
    Module,
    column_default,
    column_metadata,
    foreign_keys,
    sql_modules,
)
from .errors import SqlError
from .results import Result, ResultSet, StatementDone
from .storage import DEFAULT_COLLATION, quote
from .system import Registry, columns

if TYPE_CHECKING:
    from .session import EngineSession

SMALLINT, INT = sqltypes.SMALLINT, sqltypes.INT
V32 = sqltypes.varchar(32)

TYPE_INFO_COLUMNS = columns(
    ("TYPE_NAME", sqltypes.SYSNAME, False),
    ("DATA_TYPE", SMALLINT, False),
    ("PRECISION", INT),
    ("LITERAL_PREFIX", V32),
    ("LITERAL_SUFFIX", V32),
    ("CREATE_PARAMS", V32),
    ("NULLABLE", SMALLINT, False),
    ("CASE_SENSITIVE", SMALLINT, False),
    ("SEARCHABLE", SMALLINT, False),
    ("UNSIGNED_ATTRIBUTE", SMALLINT),
    ("MONEY", SMALLINT, False),
    ("AUTO_INCREMENT", SMALLINT),
    ("LOCAL_TYPE_NAME", sqltypes.SYSNAME),
    ("MINIMUM_SCALE", SMALLINT),
    ("MAXIMUM_SCALE", SMALLINT),
    ("SQL_DATA_TYPE", SMALLINT, False),
    ("SQL_DATETIME_SUB", SMALLINT),
    ("NUM_PREC_RADIX", INT),
    ("INTERVAL_PRECISION", SMALLINT),
    ("USERTYPE", SMALLINT),
)

Q = "'"
N = "N'"
# name, ODBC type, precision, prefix, suffix, create params, searchable, unsigned, money,
# auto-increment, min scale, max scale, SQL_DATA_TYPE, datetime sub, radix, usertype.
# Within one ODBC type the preferred SQL Server type comes first, as drivers read the first row.
_TYPES: list[tuple[Any, ...]] = [
    ("bigint", -5, 19, None, None, None, 2, 0, 0, 0, 0, 0, -5, None, 10, 0),
    ("bigint identity", -5, 19, None, None, None, 2, 0, 0, 1, 0, 0, -5, None, 10, 0),
    ("binary", -2, 8000, "0x", None, "length", 2, None, 0, None, None, None, -2, None, None, 3),
    ("timestamp", -2, 8, "0x", None, None, 2, None, 0, None, None, None, -2, None, None, 80),
    ("bit", -7, 1, None, None, None, 2, None, 0, None, 0, 0, -7, None, None, 16),
    ("char", 1, 8000, Q, Q, "length", 3, None, 0, None, None, None, 1, None, None, 1),
    ("date", 91, 10, Q, Q, None, 3, None, 0, None, None, None, 9, 1, None, 0),
    ("datetime2", 93, 27, Q, Q, "scale", 3, None, 0, None, 0, 7, 9, 3, None, 0),
    ("datetime", 93, 23, Q, Q, None, 3, None, 0, None, 3, 3, 9, 3, None, 12),
    ("smalldatetime", 93, 16, Q, Q, None, 3, None, 0, None, 0, 0, 9, 3, None, 22),
    ("datetimeoffset", -155, 34, Q, Q, "scale", 3, None, 0, None, 0, 7, -155, 0, None, 0),
    ("decimal", 3, 38, None, None, "precision,scale", 2, 0, 0, 0, 0, 38, 3, None, 10, 24),
    ("money", 3, 19, "$", None, None, 2, 0, 1, 0, 4, 4, 3, None, 10, 11),
    ("smallmoney", 3, 10, "$", None, None, 2, 0, 1, 0, 4, 4, 3, None, 10, 21),
    ("float", 6, 53, None, None, None, 2, 0, 0, 0, None, None, 6, None, 2, 8),
    ("image", -4, 2147483647, "0x", None, None, 0, None, 0, None, None, None, -4, None, None, 20),
    ("int", 4, 10, None, None, None, 2, 0, 0, 0, 0, 0, 4, None, 10, 7),
    ("int identity", 4, 10, None, None, None, 2, 0, 0, 1, 0, 0, 4, None, 10, 7),
    ("nchar", -8, 4000, N, Q, "length", 3, None, 0, None, None, None, -8, None, None, 0),
    ("ntext", -10, 1073741823, N, Q, None, 1, None, 0, None, None, None, -10, None, None, 0),
    ("numeric", 2, 38, None, None, "precision,scale", 2, 0, 0, 0, 0, 38, 2, None, 10, 25),
    ("nvarchar", -9, 4000, N, Q, "max length", 3, None, 0, None, None, None, -9, None, None, 0),
    ("sysname", -9, 128, N, Q, None, 3, None, 0, None, None, None, -9, None, None, 18),
    ("real", 7, 24, None, None, None, 2, 0, 0, 0, None, None, 7, None, 2, 23),
    ("smallint", 5, 5, None, None, None, 2, 0, 0, 0, 0, 0, 5, None, 10, 6),
    ("sql_variant", -150, 8000, None, None, None, 2, None, 0, None, 0, 0, -150, None, 10, 0),
    ("text", -1, 2147483647, Q, Q, None, 1, None, 0, None, None, None, -1, None, None, 19),
    ("time", -154, 16, Q, Q, "scale", 3, None, 0, None, 0, 7, -154, 0, None, 0),
    ("tinyint", -6, 3, None, None, None, 2, 1, 0, 0, 0, 0, -6, None, 10, 5),
    ("uniqueidentifier", -11, 36, Q, Q, None, 2, None, 0, None, None, None, -11, None, None, 0),
    (
        "varbinary",
        -3,
        8000,
        "0x",
        None,
        "max length",
        2,
        None,
        0,
        None,
        None,
        None,
        -3,
        None,
        None,
        4,
    ),
    ("varchar", 12, 8000, Q, Q, "max length", 3, None, 0, None, None, None, 12, None, None, 2),
    ("xml", -152, 0, N, Q, None, 0, None, 0, None, None, None, -152, None, None, 0),
]
# ODBC 2 numbers the date/time types differently.
_ODBC2 = {91: 9, 92: 10, 93: 11}


def _type_info_rows(data_type: int | None, odbc_version: int) -> list[tuple[Any, ...]]:
    rows = []
    for (
        name,
        odbc_type,
        precision,
        prefix,
        suffix,
        params,
        searchable,
        unsigned,
        money,
        auto,
        lo,
        hi,
        sql_type,
        sub,
        radix,
        user,
    ) in _TYPES:
        odbc = _ODBC2.get(odbc_type, odbc_type) if odbc_version == 2 else odbc_type
        if data_type not in (None, 0) and odbc != data_type:
            continue
        case_sensitive = 0
        rows.append(
            (
                name,
                odbc,
                precision,
                prefix,
                suffix,
                params,
                1,
                case_sensitive,
                searchable,
                unsigned,
                money,
                auto,
                name,
                lo,
                hi,
                sql_type,
                sub,
                radix,
                None,
                user,
            )
        )
    order = {name: i for i, (name, *_rest) in enumerate(_TYPES)}
    rows.sort(key=lambda r: (r[1], order[r[0]]))
    return rows


def sp_datatype_info(session: Any, args: list[Any], named: dict[str, Any]) -> Iterator[Result]:
    data_type = named.get("data_type", args[0] if args else None)
    odbc_version = int(named.get("odbcver", args[1] if len(args) > 1 else 2) or 2)
    rows = _type_info_rows(int(data_type) if data_type is not None else None, odbc_version)
    yield ResultSet(TYPE_INFO_COLUMNS, [rows])
    yield StatementDone("SELECT", len(rows), in_procedure=True)


# --- shared plumbing ------------------------------------------------------------------------------


def _bind(proc: str, args: list[Any], named: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """Positional and @named arguments by parameter name, with SQL Server's errors for extras."""
    if len(args) > len(names):
        raise SqlError(8144, 16, 2, f"Procedure or function {proc} has too many arguments specified.")
    values: dict[str, Any] = dict.fromkeys(names)
    values.update(zip(names, args, strict=False))
    for key, value in named.items():
        if key not in names:
            raise SqlError(8145, 16, 2, f"@{key} is not a parameter for procedure {proc}.")
        values[key] = value
    return values


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _flag(value: Any, default: bool = True) -> bool:
    """A bit argument (@fUsePattern) that may arrive as a bool, a number or text."""
    if value is None:
        return default
    if isinstance(value, str):
        return value.strip() not in ("", "0")
    return bool(value)


def _odbc_version(value: Any) -> int:
    return int(value) if value not in (None, "") else 2


def _check_qualifier(session: EngineSession, qualifier: str | None) -> None:
    if qualifier is not None and qualifier.lower() != session.database.lower():
        raise SqlError(
            15250,
            16,
            1,
            "The database name component of the object qualifier must be the name of the current database.",
        )


def like_pattern(pattern: str) -> re.Pattern[str]:
    """A LIKE pattern (% _ [set] [^set]) as a case-insensitive regular expression."""
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        end = pattern.find("]", i + 2) if ch == "[" else -1
        if ch == "%":
            out.append(".*")
        elif ch == "_":
            out.append(".")
        elif end > 0:
            body = pattern[i + 1 : end]
            negate = body.startswith("^") and len(body) > 1
            body = body[1:] if negate else body
            out.append("[" + ("^" if negate else "") + "".join("\\" + c if c in "\\]^[" else c for c in body) + "]")
            i = end
        else:
            out.append(re.escape(ch))
        i += 1
    return re.compile("".join(out), re.IGNORECASE | re.DOTALL)


def _matcher(pattern: str | None, use_pattern: bool) -> Callable[[str], bool]:
    if pattern is None:
        return lambda _name: True
    if not use_pattern:
        return lambda name: name.lower() == pattern.lower()
    regex = like_pattern(pattern)
    return lambda name: regex.fullmatch(name) is not None


def _has_wildcard(text: str | None) -> bool:
    return text is not None and any(c in text for c in "%_[")


@dataclass(frozen=True, slots=True)
class _Relation:
    """A table or view sp_tables/sp_columns list: a user object, or one of the system views."""

    schema: str
    name: str
    kind: str  # TABLE or VIEW
    columns: tuple[ColumnDef, ...]
    table: TableDef | None  # None for a system view


def _relations(session: EngineSession) -> list[_Relation]:
    cat = session._catalog(session.database)
    found = [
        _Relation(t.schema, t.name, "TABLE" if t.type == "U" else "VIEW", t.columns, t) for t in cat.by_id.values()
    ]
    for key, view in session.engine.registry.views.items():
        schema, name = key.split(".", 1)
        cols = tuple(ColumnDef(i, c.name, c.type, c.nullable) for i, c in enumerate(view.columns, start=1))
        found.append(_Relation("sys" if schema == "sys" else "INFORMATION_SCHEMA", name, "VIEW", cols, None))
    return found


def _matching(session: EngineSession, name: str | None, owner: str | None, use_pattern: bool) -> list[_Relation]:
    """Objects by name and owner patterns; an unqualified exact name resolves as OBJECT_ID does (dbo)."""
    relations = _relations(session)
    if owner is None and name is not None and not (use_pattern and _has_wildcard(name)):
        exact = [r for r in relations if r.schema.lower() == "dbo" and r.name.lower() == name.lower()]
        if exact:
            return exact
    by_name, by_owner = _matcher(name, use_pattern), _matcher(owner, use_pattern)
    return [r for r in relations if by_name(r.name) and by_owner(r.schema)]


def _find_table(session: EngineSession, name: str | None, owner: str | None) -> TableDef | None:
    """One user table or view, as OBJECT_ID('[owner.]name') finds it (no wildcards)."""
    if name is None:
        return None
    return session._catalog(session.database).table(owner or "dbo", name)


def _result(cols: tuple[Column, ...], rows: list[tuple[Any, ...]]) -> Iterator[Result]:
    yield ResultSet(cols, [rows])
    yield StatementDone("SELECT", len(rows), in_procedure=True)


# --- ODBC type descriptions (SQLColumns, SQLSpecialColumns) -------------------------------------


@dataclass(frozen=True, slots=True)
class OdbcType:
    """How sp_columns describes a column's type to ODBC."""

    data_type: int
    type_name: str
    precision: int | None
    length: int | None
    scale: int | None
    radix: int | None
    sql_data_type: int
    datetime_sub: int | None
    octet_length: int | None
    ss_data_type: int


# name -> (ODBC type, precision, length, scale, radix, SS_DATA_TYPE nullable, SS_DATA_TYPE not null)
_FIXED: dict[str, tuple[int, int, int, int | None, int | None, int, int]] = {
    "bit": (-7, 1, 1, None, None, 50, 50),
    "tinyint": (-6, 3, 1, 0, 10, 38, 48),
    "smallint": (5, 5, 2, 0, 10, 38, 52),
    "int": (4, 10, 4, 0, 10, 38, 56),
    "bigint": (-5, 19, 8, 0, 10, 108, 108),
    "real": (7, 24, 4, None, 2, 109, 59),
    "float": (6, 53, 8, None, 2, 109, 62),
    "money": (3, 19, 21, 4, 10, 110, 60),
    "smallmoney": (3, 10, 12, 4, 10, 110, 122),
    "uniqueidentifier": (-11, 36, 16, None, None, 0, 0),
    "sql_variant": (-150, 8000, 8000, 0, 10, 0, 0),
}
# name -> (ODBC type, SS_DATA_TYPE); lengths come from the declared type.
_SIZED = {
    "char": (1, 47),
    "varchar": (12, 39),
    "nchar": (-8, 47),
    "nvarchar": (-9, 39),
    "binary": (-2, 45),
    "varbinary": (-3, 37),
}
# The long types: (ODBC type, precision, length, SS_DATA_TYPE)
_LONG = {
    "text": (-1, 2147483647, 2147483647, 35),
    "ntext": (-10, 1073741823, 2147483646, 35),
    "image": (-4, 2147483647, 2147483647, 34),
}
# ODBC 2 numbers the date/time types differently (SQL_DATE 9, SQL_TIME 10, SQL_TIMESTAMP 11).
_TIMESTAMP = {2: 11}
_DATE = {2: 9}


def odbc_type(st: SqlType, identity: bool, nullable: bool, odbc_version: int, new_types: bool) -> OdbcType:
    """sp_columns' description; ``new_types`` is the _100 procedures' view of date/time/datetime2/
    datetimeoffset/xml (the older procedures show those as nvarchar/ntext for old clients)."""
    name = st.name
    type_name = name if not identity else f"{name}{'()' if st.family == 'decimal' else ''} identity"
    if name in _FIXED:
        code, precision, length, scale, radix, ss_null, ss_not_null = _FIXED[name]
        return OdbcType(
            code, type_name, precision, length, scale, radix, code, None, None, ss_null if nullable else ss_not_null
        )
    if st.family == "decimal":
        code = 3 if name == "decimal" else 2
        p, s = st.precision or 18, st.scale or 0
        return OdbcType(code, type_name, p, p + 2, s, 10, code, None, None, 106 if code == 3 else 108)
    if name in _SIZED:
        return _sized(st, type_name, new_types)
    if name in _LONG or (name == "xml" and not new_types):
        code, precision, length, ss = _LONG.get(name, _LONG["ntext"])
        return OdbcType(code, type_name, precision, length, None, None, code, None, length, ss)
    if name == "xml":
        return OdbcType(-152, type_name, 0, 0, None, None, -152, None, 0, 0)
    return _temporal(st, type_name, nullable, odbc_version, new_types)


def _sized(st: SqlType, type_name: str, new_types: bool) -> OdbcType:
    code, ss = _SIZED[st.name]
    wide = st.is_unicode
    if st.is_max:  # the _100 procedures report (max) types with size 0, as ODBC drivers expect
        precision = 0 if new_types else (1073741823 if wide else 2147483647)
        length = 0 if new_types else (2147483646 if wide else 2147483647)
    else:
        precision = st.length or 1
        length = precision * 2 if wide else precision
    return OdbcType(code, type_name, precision, length, None, None, code, None, length, ss)


def _temporal(st: SqlType, type_name: str, nullable: bool, odbc_version: int, new_types: bool) -> OdbcType:
    name = st.name
    _, _, precision, scale = column_metadata(st)
    if name in ("datetime", "smalldatetime"):
        code = _TIMESTAMP.get(odbc_version, 93)
        ss = 111 if nullable else (61 if name == "datetime" else 58)
        return OdbcType(code, type_name, precision, 16, scale, None, 9, 3, None, ss)
    if not new_types:  # date, time, datetime2, datetimeoffset as character data
        return OdbcType(-9, type_name, precision, precision * 2, None, None, -9, None, precision * 2, 39)
    if name == "date":
        return OdbcType(_DATE.get(odbc_version, 91), type_name, 10, 6, None, None, 9, 1, None, 0)
    if name == "datetime2":
        return OdbcType(_TIMESTAMP.get(odbc_version, 93), type_name, precision, 16, scale, None, 9, 3, None, 0)
    code, length = (-154, 12) if name == "time" else (-155, 20)
    return OdbcType(code, type_name, precision, length, scale, None, code, 0, None, 0)


# --- sp_tables ------------------------------------------------------------------------------------

SYSNAME = sqltypes.SYSNAME
V254 = sqltypes.varchar(254)
TABLES_COLUMNS = columns(
    ("TABLE_QUALIFIER", SYSNAME),
    ("TABLE_OWNER", SYSNAME),
    ("TABLE_NAME", SYSNAME),
    ("TABLE_TYPE", V32),
    ("REMARKS", V254),
)
TABLE_TYPES = ("SYSTEM TABLE", "TABLE", "VIEW")


def _table_types(text: str | None) -> set[str] | None:
    """\"'TABLE','VIEW'\" (quotes doubled or not) as a set of type names; None for all."""
    if text is None:
        return None
    quoted = re.findall(r"'+([^',]+?)'+", text)
    names = quoted or [part.strip().strip("'\"") for part in text.split(",")]
    return {n.strip().upper() for n in names if n.strip()}


def sp_tables(session: EngineSession, args: list[Any], named: dict[str, Any]) -> Iterator[Result]:
    p = _bind("sp_tables", args, named, ("table_name", "table_owner", "table_qualifier", "table_type", "fusepattern"))
    name, owner, qualifier = _text(p["table_name"]), _text(p["table_owner"]), _text(p["table_qualifier"])
    kinds = _table_types(_text(p["table_type"]))
    special = _enumeration(session, name, owner, qualifier, kinds)
    if special is not None:
        yield from _result(TABLES_COLUMNS, special)
        return
    _check_qualifier(session, qualifier)
    found = _matching(session, name, owner, _flag(p["fusepattern"]))
    rows = [(session.database, r.schema, r.name, r.kind, None) for r in found if kinds is None or r.kind in kinds]
    rows.sort(key=lambda r: (r[3], r[1].lower(), r[2].lower()))
    yield from _result(TABLES_COLUMNS, rows)


def _enumeration(
    session: EngineSession, name: str | None, owner: str | None, qualifier: str | None, kinds: set[str] | None
) -> list[tuple[Any, ...]] | None:
    """SQLTables' catalog, schema and table-type listings ('%' in one argument, '' in the others)."""
    if qualifier == "%" and owner == "" and name == "":
        return [
            (d.name, None, None, None, None) for d in sorted(session.engine.databases.values(), key=lambda d: d.name)
        ]
    if owner == "%" and qualifier == "" and name == "":
        owners = sorted({r.schema for r in _relations(session)}, key=str.lower)
        return [(None, o, None, None, None) for o in owners]
    if kinds == {"%"} and qualifier == "" and owner == "" and name == "":
        return [(None, None, None, kind, None) for kind in TABLE_TYPES]
    return None


# --- sp_columns, sp_columns_100 -----------------------------------------------------------------

COLUMNS_COLUMNS = columns(
    ("TABLE_QUALIFIER", SYSNAME),
    ("TABLE_OWNER", SYSNAME),
    ("TABLE_NAME", SYSNAME),
    ("COLUMN_NAME", SYSNAME),
    ("DATA_TYPE", SMALLINT),
    ("TYPE_NAME", SYSNAME),
    ("PRECISION", INT),
    ("LENGTH", INT),
    ("SCALE", SMALLINT),
    ("RADIX", SMALLINT),
    ("NULLABLE", SMALLINT),
    ("REMARKS", V254),
    ("COLUMN_DEF", sqltypes.nvarchar(4000)),
    ("SQL_DATA_TYPE", SMALLINT),
    ("SQL_DATETIME_SUB", SMALLINT),
    ("CHAR_OCTET_LENGTH", INT),
    ("ORDINAL_POSITION", INT),
    ("IS_NULLABLE", V254),
)
SS_DATA_TYPE = columns(("SS_DATA_TYPE", sqltypes.TINYINT))
COLUMNS_100_EXTRA = columns(
    ("SS_IS_SPARSE", SMALLINT),
    ("SS_IS_COLUMN_SET", SMALLINT),
    ("SS_IS_COMPUTED", SMALLINT),
    ("SS_IS_IDENTITY", SMALLINT),
    ("SS_UDT_CATALOG_NAME", SYSNAME),
    ("SS_UDT_SCHEMA_NAME", SYSNAME),
    ("SS_UDT_ASSEMBLY_TYPE_NAME", sqltypes.NVARCHAR_MAX),
    ("SS_XML_SCHEMACOLLECTION_CATALOG_NAME", SYSNAME),
    ("SS_XML_SCHEMACOLLECTION_SCHEMA_NAME", SYSNAME),
    ("SS_XML_SCHEMACOLLECTION_NAME", SYSNAME),
)


def _column_rows(session: EngineSession, p: dict[str, Any], new_types: bool) -> list[tuple[Any, ...]]:
    name, owner, qualifier = _text(p["table_name"]), _text(p["table_owner"]), _text(p["table_qualifier"])
    _check_qualifier(session, qualifier)
    use_pattern = _flag(p.get("fusepattern"))
    odbc_version = _odbc_version(p["odbcver"])
    wanted = _matcher(_text(p["column_name"]), use_pattern)
    cat = session._catalog(session.database)
    rows = []
    for rel in _matching(session, name, owner, use_pattern):
        for col in rel.columns:
            if not wanted(col.name):
                continue
            t = odbc_type(col.type, col.identity, col.nullable, odbc_version, new_types)
            default = column_default(cat, rel.table, col) if rel.table is not None else None
            head = (session.database, rel.schema, rel.name, col.name, t.data_type, t.type_name, t.precision, t.length)
            head += (t.scale, t.radix, int(col.nullable), None, default, t.sql_data_type, t.datetime_sub)
            head += (t.octet_length, col.column_id, "YES" if col.nullable else "NO")
            extra = (0, 0, int(col.computed_sql is not None), int(col.identity), None, None, None, None, None, None)
            rows.append((*head, *(extra if new_types else ()), t.ss_data_type))
    rows.sort(key=lambda r: (r[1].lower(), r[2].lower(), r[16]))
    return rows


def sp_columns(session: EngineSession, args: list[Any], named: dict[str, Any]) -> Iterator[Result]:
    names = ("table_name", "table_owner", "table_qualifier", "column_name", "odbcver", "fusepattern")
    p = _bind("sp_columns", args, named, names)
    yield from _result((*COLUMNS_COLUMNS, *SS_DATA_TYPE), _column_rows(session, p, new_types=False))


def sp_columns_100(session: EngineSession, args: list[Any], named: dict[str, Any]) -> Iterator[Result]:
    names = ("table_name", "table_owner", "table_qualifier", "column_name", "namescope", "odbcver", "fusepattern")
    p = _bind("sp_columns_100", args, named, names)
    rows = _column_rows(session, p, new_types=True)
    yield from _result((*COLUMNS_COLUMNS, *COLUMNS_100_EXTRA, *SS_DATA_TYPE), rows)


# --- sp_pkeys, sp_fkeys ---------------------------------------------------------------------------

PKEYS_COLUMNS = columns(
    ("TABLE_QUALIFIER", SYSNAME),
    ("TABLE_OWNER", SYSNAME),
    ("TABLE_NAME", SYSNAME),
    ("COLUMN_NAME", SYSNAME),
    ("KEY_SEQ", SMALLINT),
    ("PK_NAME", SYSNAME),
)


def sp_pkeys(session: EngineSession, args: list[Any], named: dict[str, Any]) -> Iterator[Result]:
    p = _bind("sp_pkeys", args, named, ("table_name", "table_owner", "table_qualifier"))
    _check_qualifier(session, _text(p["table_qualifier"]))
    table = _find_table(session, _text(p["table_name"]), _text(p["table_owner"]))
    primary = next((i for i in table.indexes if i.is_primary_key), None) if table else None
    rows = []
    if table is not None and primary is not None:
        for seq, item in enumerate(primary.key_columns, start=1):
            col = table.column(item.name)
            rows.append((session.database, table.schema, table.name, col.name if col else item.name, seq, primary.name))
    yield from _result(PKEYS_COLUMNS, rows)


FKEYS_COLUMNS = columns(
    ("PKTABLE_QUALIFIER", SYSNAME),
    ("PKTABLE_OWNER", SYSNAME),
    ("PKTABLE_NAME", SYSNAME),
    ("PKCOLUMN_NAME", SYSNAME),
    ("FKTABLE_QUALIFIER", SYSNAME),
    ("FKTABLE_OWNER", SYSNAME),
    ("FKTABLE_NAME", SYSNAME),
    ("FKCOLUMN_NAME", SYSNAME),
    ("KEY_SEQ", SMALLINT),
    ("UPDATE_RULE", SMALLINT),
    ("DELETE_RULE", SMALLINT),
    ("FK_NAME", SYSNAME),
    ("PK_NAME", SYSNAME),
    ("DEFERRABILITY", SMALLINT),
)
# sys.foreign_keys' actions (no action, cascade, set null, set default) as sp_fkeys numbers them.
FKEY_RULES = {NO_ACTION: 1, CASCADE: 0, SET_NULL: 2, SET_DEFAULT: 3}
SQL_NOT_DEFERRABLE = 7


def sp_fkeys(session: EngineSession, args: list[Any], named: dict[str, Any]) -> Iterator[Result]:
    names = ("pktable_name", "pktable_owner", "pktable_qualifier", "fktable_name", "fktable_owner", "fktable_qualifier")
    p = _bind("sp_fkeys", args, named, names)
    if p["pktable_name"] is None and p["fktable_name"] is None:
        raise SqlError(15252, 16, 1, "The primary key or foreign key table name must be given.")
    _check_qualifier(session, _text(p["pktable_qualifier"]))
    _check_qualifier(session, _text(p["fktable_qualifier"]))
    pk_table = _find_table(session, _text(p["pktable_name"]), _text(p["pktable_owner"]))
    fk_table = _find_table(session, _text(p["fktable_name"]), _text(p["fktable_owner"]))
    rows = []
    for fk in foreign_keys(session._catalog(session.database)):
        if fk.referenced is None or (p["pktable_name"] is not None and fk.referenced is not pk_table):
            continue
        if p["fktable_name"] is not None and fk.table is not fk_table:
            continue
        rules = (FKEY_RULES[fk.update_action], FKEY_RULES[fk.delete_action])
        pairs = zip(fk.referenced_columns, fk.columns, strict=False)
        for seq, (ref, col) in enumerate(pairs, start=1):
            pk_side = (session.database, fk.referenced.schema, fk.referenced.name, ref.name)
            fk_side = (session.database, fk.table.schema, fk.table.name, col.name)
            key_name = fk.key.name if fk.key else None
            rows.append((*pk_side, *fk_side, seq, *rules, fk.row.name, key_name, SQL_NOT_DEFERRABLE))
    rows.sort(key=lambda r: (r[5].lower(), r[6].lower(), r[8]))
    yield from _result(FKEYS_COLUMNS, rows)


# --- sp_statistics, sp_special_columns ------------------------------------------------------------

STATISTICS_COLUMNS = columns(
    ("TABLE_QUALIFIER", SYSNAME),
    ("TABLE_OWNER", SYSNAME),
    ("TABLE_NAME", SYSNAME),
    ("NON_UNIQUE", SMALLINT),
    ("INDEX_QUALIFIER", SYSNAME),
    ("INDEX_NAME", SYSNAME),
    ("TYPE", SMALLINT),
    ("SEQ_IN_INDEX", SMALLINT),
    ("COLUMN_NAME", SYSNAME),
    ("COLLATION", sqltypes.SqlType("char", length=1)),
    ("CARDINALITY", INT),
    ("PAGES", INT),
    ("FILTER_CONDITION", sqltypes.varchar(128)),
)
SQL_INDEX_CLUSTERED, SQL_INDEX_OTHER = 1, 3


def _row_count(session: EngineSession, table: TableDef) -> int:
    database = session.engine.database(session.database)
    name = database.name if database else session.database
    return (
        session._connection().execute(f"SELECT COUNT(*) FROM {quote(name)}.{quote(table.storage_name)}").fetchone()[0]
    )


def _page_count(session: EngineSession, table: TableDef) -> int | None:
    """Pages of the table's storage (SQLite's dbstat), None where the build lacks it."""
    database = session.engine.database(session.database)
    try:
        row = session._connection().execute(
            "SELECT COUNT(*) FROM dbstat(?) WHERE name = ?", (database.name if database else "main", table.storage_name)
        )
        return row.fetchone()[0]
    except sqlite3.Error:
        return None


def _statistics(session: EngineSession, args: list[Any], named: dict[str, Any], proc: str) -> Iterator[Result]:
    names = ("table_name", "table_owner", "table_qualifier", "index_name", "is_unique", "accuracy")
    p = _bind(proc, args, named, names)
    _check_qualifier(session, _text(p["table_qualifier"]))
    table = _find_table(session, _text(p["table_name"]), _text(p["table_owner"]))
    rows: list[tuple[Any, ...]] = []
    if table is not None and table.type == "U":
        count, pages = _row_count(session, table), _page_count(session, table)
        head = (session.database, table.schema, table.name)
        rows.append((*head, None, None, None, 0, None, None, None, count, pages, None))
        wanted = _matcher(_text(p["index_name"]) or "%", True)
        unique_only = str(p["is_unique"] or "N").upper() == "Y"
        for index in table.indexes:
            if not wanted(index.name) or (unique_only and not index.is_unique):
                continue
            kind = SQL_INDEX_CLUSTERED if index.type == 1 else SQL_INDEX_OTHER
            index_pages = pages if index.type == 1 else None
            for seq, item in enumerate(index.key_columns, start=1):
                order = "D" if item.descending else "A"
                ids = (int(not index.is_unique), table.name, index.name, kind, seq, item.name, order)
                rows.append((*head, *ids, count, index_pages, None))
    rows.sort(key=lambda r: (r[3] is not None, r[3] or 0, r[6], (r[5] or "").lower(), r[7] or 0))
    yield from _result(STATISTICS_COLUMNS, rows)


SPECIAL_COLUMNS = columns(
    ("SCOPE", SMALLINT),
    ("COLUMN_NAME", SYSNAME),
    ("DATA_TYPE", SMALLINT),
    ("TYPE_NAME", SYSNAME),
    ("PRECISION", INT),
    ("LENGTH", INT),
    ("SCALE", SMALLINT),
    ("PSEUDO_COLUMN", SMALLINT),
)
SQL_SCOPE_CURROW, SQL_PC_NOT_PSEUDO = 0, 1


def best_row_identifier(table: TableDef, nullable_ok: bool) -> IndexDef | None:
    """The primary key, else the narrowest unique index (without nullable columns unless allowed)."""
    primary = next((i for i in table.indexes if i.is_primary_key), None)
    if primary is not None:
        return primary

    def usable(index: IndexDef) -> bool:
        cols = [table.column(c.name) for c in index.key_columns]
        return index.filter is None and (nullable_ok or all(c is not None and not c.nullable for c in cols))

    candidates = [i for i in table.indexes if i.is_unique and usable(i)]
    return min(candidates, key=lambda i: (len(i.key_columns), i.index_id), default=None)


def _special_columns(session: EngineSession, args: list[Any], named: dict[str, Any], proc: str) -> Iterator[Result]:
    names = ("table_name", "table_owner", "qualifier", "col_type", "scope", "nullable", "odbcver")
    p = _bind(proc, args, named, names)
    _check_qualifier(session, _text(p["qualifier"]))
    table = _find_table(session, _text(p["table_name"]), _text(p["table_owner"]))
    rows = []
    if table is not None and str(p["col_type"] or "R").upper() == "V":  # what the server updates itself
        for col in table.columns:
            if col.rowversion:
                rows.append((None, col.name, -2, "timestamp", 8, 8, None, SQL_PC_NOT_PSEUDO))
    if table is not None and str(p["col_type"] or "R").upper() == "R":
        index = best_row_identifier(table, str(p["nullable"] or "U").upper() != "O")
        odbc_version = _odbc_version(p["odbcver"])
        for item in index.key_columns if index else ():
            col = table.column(item.name)
            if col is None:
                continue
            t = odbc_type(col.type, col.identity, col.nullable, odbc_version, proc.endswith("_100"))
            rows.append((SQL_SCOPE_CURROW, col.name, t.data_type, t.type_name, t.precision, t.length, t.scale, 1))
    yield from _result(SPECIAL_COLUMNS, rows)


# --- sp_stored_procedures, sp_server_info, sp_helpdb -------------------------------------------

PROCEDURES_COLUMNS = columns(
    ("PROCEDURE_QUALIFIER", SYSNAME),
    ("PROCEDURE_OWNER", SYSNAME),
    ("PROCEDURE_NAME", sqltypes.nvarchar(134)),
    ("NUM_INPUT_PARAMS", INT),
    ("NUM_OUTPUT_PARAMS", INT),
    ("NUM_RESULT_SETS", INT),
    ("REMARKS", V254),
    ("PROCEDURE_TYPE", SMALLINT),
)
SQL_PT_FUNCTION = 2  # what SQL Server reports for every procedure and function


def sp_stored_procedures(session: EngineSession, args: list[Any], named: dict[str, Any]) -> Iterator[Result]:
    p = _bind("sp_stored_procedures", args, named, ("sp_name", "sp_owner", "sp_qualifier", "fusepattern"))
    _check_qualifier(session, _text(p["sp_qualifier"]))
    use_pattern = _flag(p["fusepattern"])
    by_name, by_owner = _matcher(_text(p["sp_name"]), use_pattern), _matcher(_text(p["sp_owner"]), use_pattern)
    cat = session._catalog(session.database)
    found = [
        (cat.schema_names.get(o.schema_id, "dbo"), o.name, ";1" if o.type == "P" else ";0")
        for o in cat.objects
        if o.type in ("P", "FN", "IF", "TF")
    ]
    found += [("sys", name, ";1") for name in session.engine.registry.procedures]
    rows = [
        (session.database, owner, name + suffix, -1, -1, -1, None, SQL_PT_FUNCTION)
        for owner, name, suffix in found
        if by_name(name) and by_owner(owner)
    ]
    rows.sort(key=lambda r: (r[1].lower(), r[2].lower()))
    yield from _result(PROCEDURES_COLUMNS, rows)


SPROC_COLUMNS = (
    *columns(
        ("PROCEDURE_QUALIFIER", SYSNAME),
        ("PROCEDURE_OWNER", SYSNAME),
        ("PROCEDURE_NAME", sqltypes.nvarchar(134)),
        ("COLUMN_NAME", SYSNAME),
        ("COLUMN_TYPE", SMALLINT),
    ),
    *COLUMNS_COLUMNS[4:],
)
SPROC_100_EXTRA = (
    *columns(("SS_TYPE_CATALOG_NAME", SYSNAME), ("SS_TYPE_SCHEMA_NAME", SYSNAME)),
    *COLUMNS_100_EXTRA[4:],
)
SQL_PARAM_INPUT, SQL_PARAM_INPUT_OUTPUT, SQL_RETURN_VALUE = 1, 2, 5


def _modules_matching(session: EngineSession, name: str | None, owner: str | None, use_pattern: bool) -> list[Module]:
    """Procedures and functions by name and owner patterns (an exact unqualified name means dbo's)."""
    cat = session._catalog(session.database)
    found = [m for m in sql_modules(cat) if m.row.type != "V"]
    schema = {m.row.object_id: cat.schema_names.get(m.row.schema_id, "dbo") for m in found}
    if owner is None and name is not None and not (use_pattern and _has_wildcard(name)):
        owner = "dbo"
    by_name, by_owner = _matcher(name, use_pattern), _matcher(owner, use_pattern)
    return [m for m in found if by_name(m.row.name) and by_owner(schema[m.row.object_id])]


def _sproc_rows(module: Module, odbc_version: int, new_types: bool) -> Iterator[tuple[Any, ...]]:
    """(COLUMN_NAME, COLUMN_TYPE, ODBC type, nullable, ordinal) per parameter, the return value first."""
    if module.row.type == "P":
        yield (
            "@RETURN_VALUE",
            SQL_RETURN_VALUE,
            odbc_type(sqltypes.INT, False, False, odbc_version, new_types),
            False,
            0,
        )
    elif module.row.type == "FN" and module.returns is not None:
        returns = odbc_type(module.returns, False, True, odbc_version, new_types)
        yield "@RETURN_VALUE", SQL_RETURN_VALUE, returns, True, 0
    for position, param in enumerate(module.parameters, start=1):
        kind = SQL_PARAM_INPUT_OUTPUT if param.output else SQL_PARAM_INPUT
        yield "@" + param.name, kind, odbc_type(param.type, False, True, odbc_version, new_types), True, position


def _sproc_columns(session: EngineSession, args: list[Any], named: dict[str, Any], proc: str) -> Iterator[Result]:
    names = ("procedure_name", "procedure_owner", "procedure_qualifier", "column_name", "odbcver", "fusepattern")
    p = _bind(proc, args, named, names)
    _check_qualifier(session, _text(p["procedure_qualifier"]))
    use_pattern, new_types = _flag(p["fusepattern"]), proc.endswith("_100")
    wanted = _matcher(_text(p["column_name"]), use_pattern)
    cat = session._catalog(session.database)
    rows = []
    for module in _modules_matching(session, _text(p["procedure_name"]), _text(p["procedure_owner"]), use_pattern):
        owner = cat.schema_names.get(module.row.schema_id, "dbo")
        name = module.row.name + (";1" if module.row.type == "P" else ";0")
        for column, kind, t, nullable, position in _sproc_rows(module, _odbc_version(p["odbcver"]), new_types):
            if not wanted(column):
                continue
            head = (session.database, owner, name, column, kind, t.data_type, t.type_name, t.precision, t.length)
            head += (t.scale, t.radix, int(nullable), None, None, t.sql_data_type, t.datetime_sub, t.octet_length)
            extra = (None,) * 8 if new_types else ()
            rows.append((*head, position, "YES" if nullable else "NO", *extra, t.ss_data_type))
    rows.sort(key=lambda r: (r[1].lower(), r[2].lower(), r[17]))
    cols = (*SPROC_COLUMNS, *(SPROC_100_EXTRA if new_types else ()), *SS_DATA_TYPE)
    yield from _result(cols, rows)


SERVER_INFO_COLUMNS = columns(
    ("ATTRIBUTE_ID", INT),
    ("ATTRIBUTE_NAME", sqltypes.varchar(60)),
    ("ATTRIBUTE_VALUE", sqltypes.varchar(255)),
)


def server_attributes() -> list[tuple[int, str, str]]:
    """sp_server_info's table (the values of SQL Server 2022 with its default collation)."""
    version = f"{system.PRODUCT_MAJOR}.{system.PRODUCT_MINOR:02d}.{system.PRODUCT_BUILD}"
    yes = "Y"
    return [
        (1, "DBMS_NAME", "Microsoft SQL Server"),
        (2, "DBMS_VER", f"Microsoft SQL Server 2022 - {system.PRODUCT_VERSION}"),
        (10, "OWNER_TERM", "owner"),
        (11, "TABLE_TERM", "table"),
        (12, "MAX_OWNER_NAME_LENGTH", "128"),
        (13, "TABLE_LENGTH", "128"),
        (14, "MAX_QUAL_LENGTH", "128"),
        (15, "COLUMN_LENGTH", "128"),
        (16, "IDENTIFIER_CASE", "MIXED"),
        (17, "TX_ISOLATION", "2"),
        (18, "COLLATION_SEQ", "charset=iso_1 sort_order=nocase_iso charset_num=1 sort_order_num=52"),
        (19, "SAVEPOINT_SUPPORT", yes),
        (20, "MULTI_RESULT_SETS", yes),
        (22, "ACCESSIBLE_TABLES", yes),
        (100, "USERID_LENGTH", "128"),
        (101, "QUALIFIER_TERM", "database"),
        (102, "NAMED_TRANSACTIONS", yes),
        (103, "SPROC_AS_LANGUAGE", yes),
        (104, "ACCESSIBLE_SPROC", yes),
        (105, "MAX_INDEX_COLS", "16"),
        (106, "RENAME_TABLE", yes),
        (107, "RENAME_COLUMN", yes),
        (108, "DROP_COLUMN", yes),
        (109, "INCREASE_COLUMN_LENGTH", yes),
        (110, "DDL_IN_TRANSACTION", yes),
        (111, "DESCENDING_INDEXES", yes),
        (112, "SP_RENAME", yes),
        (113, "REMOTE_SPROC", yes),
        (500, "SYS_SPROC_VERSION", version),
    ]


def sp_server_info(session: EngineSession, args: list[Any], named: dict[str, Any]) -> Iterator[Result]:
    del session
    p = _bind("sp_server_info", args, named, ("attribute_id",))
    wanted = p["attribute_id"]
    rows = [row for row in server_attributes() if wanted is None or row[0] == int(wanted)]
    yield from _result(SERVER_INFO_COLUMNS, rows)


HELPDB_COLUMNS = columns(
    ("name", SYSNAME),
    ("db_size", sqltypes.nvarchar(13)),
    ("owner", SYSNAME),
    ("dbid", SMALLINT),
    ("created", sqltypes.nvarchar(11)),
    ("status", sqltypes.nvarchar(600)),
    ("compatibility_level", sqltypes.TINYINT),
)
HELPDB_FILE_COLUMNS = columns(
    ("name", sqltypes.SqlType("nchar", length=128)),
    ("fileid", SMALLINT),
    ("filename", sqltypes.SqlType("nchar", length=260)),
    ("filegroup", sqltypes.nvarchar(128)),
    ("size", sqltypes.nvarchar(18)),
    ("maxsize", sqltypes.nvarchar(18)),
    ("growth", sqltypes.nvarchar(18)),
    ("usage", sqltypes.varchar(9)),
)
COMPATIBILITY_LEVEL = 160
DATABASE_VERSION = 957  # the on-disk version SQL Server 2022 reports


def _file_size(session: EngineSession, name: str) -> int:
    path = session.engine.store.path_of(name)
    return path.stat().st_size if path.exists() else 0


def _helpdb_row(session: EngineSession, database: Any) -> tuple[Any, ...]:
    megabytes = _file_size(session, database.name) / (1024 * 1024)
    created = dt.datetime.fromisoformat(database.create_date)
    recovery = "SIMPLE" if database.name.lower() in ("master", "tempdb", "msdb") else "FULL"
    status = (
        f"Status=ONLINE, Updateability=READ_WRITE, UserAccess=MULTI_USER, Recovery={recovery}, "
        f"Version={DATABASE_VERSION}, Collation={DEFAULT_COLLATION}, SQLSortOrder=52, "
        "IsAutoCreateStatistics, IsAutoUpdateStatistics"
    )
    when = f"{created:%b} {created.day:>2} {created.year}"
    return (database.name, f"{megabytes:10.2f} MB", "sa", database.database_id, when, status, COMPATIBILITY_LEVEL)


def sp_helpdb(session: EngineSession, args: list[Any], named: dict[str, Any]) -> Iterator[Result]:
    p = _bind("sp_helpdb", args, named, ("dbname",))
    wanted = _text(p["dbname"])
    databases = sorted(session.engine.databases.values(), key=lambda d: d.name.lower())
    if wanted is not None:
        databases = [d for d in databases if d.name.lower() == wanted.lower()]
        if not databases:
            raise SqlError(
                15010,
                16,
                1,
                f"The database '{wanted}' does not exist. Supply a valid database name. "
                "To see available databases, use sys.databases.",
            )
    rows = [_helpdb_row(session, d) for d in databases]
    yield ResultSet(HELPDB_COLUMNS, [rows])
    if wanted is not None:
        database = databases[0]
        path = str(session.engine.store.path_of(database.name))
        size = f"{_file_size(session, database.name) // 1024} KB"
        files = [(database.name.ljust(128), 1, path.ljust(260), "PRIMARY", size, "Unlimited", "65536 KB", "data only")]
        yield ResultSet(HELPDB_FILE_COLUMNS, [files])


def _called_as(
    handler: Callable[..., Iterator[Result]], name: str, session: EngineSession, args: list[Any], named: dict[str, Any]
) -> Iterator[Result]:
    return handler(session, args, named, name)


def register(registry: Registry) -> None:
    registry.procedure("sp_datatype_info", sp_datatype_info)
    registry.procedure("sp_datatype_info_100", sp_datatype_info)
    registry.procedure("sp_tables", sp_tables)
    registry.procedure("sp_columns", sp_columns)
    registry.procedure("sp_columns_100", sp_columns_100)
    registry.procedure("sp_pkeys", sp_pkeys)
    registry.procedure("sp_fkeys", sp_fkeys)
    for name, handler in (
        ("sp_statistics", _statistics),
        ("sp_special_columns", _special_columns),
        ("sp_sproc_columns", _sproc_columns),
    ):  # each procedure and its _100 form, told which one was called
        for called in (name, f"{name}_100"):
            registry.procedure(called, functools.partial(_called_as, handler, called))
    registry.procedure("sp_stored_procedures", sp_stored_procedures)
    registry.procedure("sp_server_info", sp_server_info)
    registry.procedure("sp_helpdb", sp_helpdb)
