"""The catalog procedures ODBC and JDBC drivers call (sp_datatype_info and friends).

Their result sets follow the ODBC catalog function they serve (SQLGetTypeInfo...), as
SQL Server's own procedures return them; drivers size parameters from them, so pyodbc
binds long strings and 7-digit datetimes correctly only when these answers are right.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .. import sqltypes
from .results import Result, ResultSet, StatementDone
from .system import Registry, columns

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


def register(registry: Registry) -> None:
    registry.procedure("sp_datatype_info", sp_datatype_info)
    registry.procedure("sp_datatype_info_100", sp_datatype_info)
