"""The type matrix every client round-trips: one column per type of [core] item 4.

Each case names a column, its SQL type, the value to insert (as a Python object and as a
T-SQL literal for clients without parameters) and the value a correct read gives back.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

GUID = uuid.UUID("6F9619FF-8B86-D011-B42D-00C04FC964FF")
TZ = dt.timezone(dt.timedelta(hours=5, minutes=30))
LONG_TEXT = "tdsnet " * 2000  # 14000 characters: past 8000 bytes, so (max) and PLP are exercised
LONG_BYTES = bytes(range(256)) * 40  # 10240 bytes


@dataclass(frozen=True)
class Case:
    column: str
    sql_type: str
    value: Any  # what a client with parameters sends
    literal: str  # the same value written in T-SQL
    expected: Any = None  # what reading it back gives, when not `value` itself

    @property
    def result(self) -> Any:
        return self.value if self.expected is None else self.expected


CASES: list[Case] = [
    Case("c_bit", "bit", True, "1"),
    Case("c_tinyint", "tinyint", 255, "255"),
    Case("c_smallint", "smallint", -32768, "-32768"),
    Case("c_int", "int", 2147483647, "2147483647"),
    Case("c_bigint", "bigint", -9223372036854775808, "-9223372036854775808"),
    Case("c_real", "real", 1.5, "1.5"),
    Case("c_float", "float", 3.141592653589793, "3.141592653589793"),
    Case("c_decimal", "decimal(18,4)", Decimal("12345678901234.5678"), "12345678901234.5678"),
    Case(
        "c_numeric",
        "numeric(38,10)",
        Decimal("1234567890123456789012345678.0123456789"),
        "1234567890123456789012345678.0123456789",
    ),
    Case("c_money", "money", Decimal("922337203685477.5807"), "922337203685477.5807"),
    Case("c_smallmoney", "smallmoney", Decimal("-214748.3648"), "-214748.3648"),
    Case("c_char", "char(10)", "abc", "'abc'", "abc       "),
    Case("c_varchar", "varchar(50)", "hello, world", "'hello, world'"),
    Case("c_varchar_max", "varchar(max)", LONG_TEXT, f"'{LONG_TEXT}'"),
    Case("c_nchar", "nchar(5)", "ñé", "N'ñé'", "ñé   "),
    Case("c_nvarchar", "nvarchar(100)", "Grüße, 世界", "N'Grüße, 世界'"),
    Case("c_nvarchar_max", "nvarchar(max)", "Ω" * 5000, "N'" + "Ω" * 5000 + "'"),
    Case("c_text", "text", "legacy text", "'legacy text'"),
    Case("c_ntext", "ntext", "légacy ntext", "N'légacy ntext'"),
    Case("c_binary", "binary(4)", b"\x01\x02", "0x0102", b"\x01\x02\x00\x00"),
    Case("c_varbinary", "varbinary(50)", b"\x00\xffbin", "0x00FF62696E"),
    Case("c_varbinary_max", "varbinary(max)", LONG_BYTES, "0x" + LONG_BYTES.hex()),
    Case("c_image", "image", b"\x89PNG", "0x89504E47"),
    Case("c_date", "date", dt.date(2024, 2, 29), "'2024-02-29'"),
    Case("c_time", "time(7)", dt.time(23, 59, 58, 123456), "'23:59:58.123456'"),
    Case("c_time0", "time(0)", dt.time(8, 30, 15), "'08:30:15'"),
    Case(
        "c_datetime",
        "datetime",
        dt.datetime(2023, 12, 31, 23, 59, 59, 997000),
        "'2023-12-31 23:59:59.997'",
    ),
    Case("c_smalldatetime", "smalldatetime", dt.datetime(2020, 6, 15, 14, 30), "'2020-06-15 14:30'"),
    Case(
        "c_datetime2",
        "datetime2(7)",
        dt.datetime(1, 1, 1, 0, 0, 0, 1),
        "'0001-01-01 00:00:00.000001'",
    ),
    Case(
        "c_datetime2_3",
        "datetime2(3)",
        dt.datetime(2024, 1, 2, 3, 4, 5, 678000),
        "'2024-01-02 03:04:05.678'",
    ),
    Case(
        "c_dto",
        "datetimeoffset(7)",
        dt.datetime(2024, 7, 4, 12, 0, 0, 500000, tzinfo=TZ),
        "'2024-07-04 12:00:00.5 +05:30'",
    ),
    Case("c_guid", "uniqueidentifier", GUID, f"'{GUID}'"),
]

BY_COLUMN = {case.column: case for case in CASES}


def create_table_sql(table: str, cases: list[Case] = CASES) -> str:
    columns = ",\n  ".join(f"{c.column} {c.sql_type} NULL" for c in cases)
    return f"CREATE TABLE {table} (\n  id int NOT NULL PRIMARY KEY,\n  {columns}\n)"


def insert_literals_sql(table: str, row_id: int, cases: list[Case] = CASES) -> str:
    names = ", ".join(c.column for c in cases)
    literals = ", ".join(c.literal for c in cases)
    return f"INSERT INTO {table} (id, {names}) VALUES ({row_id}, {literals})"


def insert_nulls_sql(table: str, row_id: int) -> str:
    return f"INSERT INTO {table} (id) VALUES ({row_id})"


def select_sql(table: str, cases: list[Case] = CASES) -> str:
    return f"SELECT id, {', '.join(c.column for c in cases)} FROM {table} ORDER BY id"
