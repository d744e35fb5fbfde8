"""[core] acceptance with the Python clients: ODBC Driver 18 (mssql-python and pyodbc),
pymssql (FreeTDS), pytds and impacket each log in, create a table with every type, insert a
row with parameters (where the client has them), a row of literals and a row of NULLs, read
them back exactly, get 208 for a missing table and go on working.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from harness import Server, odbc_driver_path
from typecases import (
    CASES,
    Case,
    create_table_sql,
    insert_literals_sql,
    insert_nulls_sql,
    select_sql,
)

pytestmark = pytest.mark.clients


def _mismatches(rows: list[tuple], cases: list[Case], expected_for: Callable[[Case, int], Any]) -> list:
    problems = []
    for row in rows:
        row_id = row[0]
        for index, case in enumerate(cases, 1):
            want = None if row_id == 3 else expected_for(case, row_id)
            if row[index] != want or type(row[index]) is not type(want):
                problems.append((row_id, case.column, row[index], want))
    return problems


def _roundtrip(
    cursor: Any,
    table: str,
    mark: str,
    adapt: Callable[[Case], Any] = lambda c: c.value,
    expected_for: Callable[[Case, int], Any] = lambda c, _row: c.result,
) -> list:
    cursor.execute(f"DROP TABLE IF EXISTS {table}")
    cursor.execute(create_table_sql(table))
    names = ", ".join(c.column for c in CASES)
    marks = ", ".join(mark for _ in CASES)
    cursor.execute(
        f"INSERT INTO {table} (id, {names}) VALUES ({mark}, {marks})",
        tuple([1] + [adapt(c) for c in CASES]),
    )
    cursor.execute(insert_literals_sql(table, 2))
    cursor.execute(insert_nulls_sql(table, 3))
    cursor.execute(select_sql(table))
    rows = [tuple(r) for r in cursor.fetchall()]
    assert [r[0] for r in rows] == [1, 2, 3]
    return _mismatches(rows, CASES, expected_for)


def _error_then_usable(cursor: Any, error_type: type[BaseException], number_text: str = "208") -> None:
    with pytest.raises(error_type) as caught:
        cursor.execute("SELECT * FROM no_such_table")
    assert "Invalid object name 'no_such_table'" in str(caught.value)
    cursor.execute("SELECT 40 + 2")
    assert cursor.fetchall()[0][0] == 42


# --- ODBC Driver 18 ----------------------------------------------------------------------------


@pytest.mark.parametrize("encrypt", ["yes", "no", "strict"])
def test_mssql_python_roundtrip(server: Server, encrypt: str) -> None:
    mssql_python = pytest.importorskip("mssql_python")
    extra = {"ServerCertificate": str(server.certificate)} if encrypt == "strict" else {}
    conn = mssql_python.connect(server.odbc(Encrypt=encrypt, **extra), timeout=10)
    conn.autocommit = True
    cursor = conn.cursor()
    cursor.execute("SELECT encrypt_option FROM sys.dm_exec_connections WHERE session_id = @@SPID")
    assert cursor.fetchall()[0][0] == ("FALSE" if encrypt == "no" else "TRUE")
    assert _roundtrip(cursor, f"types_odbc_{encrypt}", "?") == []
    _error_then_usable(cursor, mssql_python.Error)
    conn.close()


def _datetimeoffset(raw: bytes) -> dt.datetime:
    """pyodbc's documented output converter for SQL_SS_TIMESTAMPOFFSET (-155)."""
    import struct

    year, month, day, hour, minute, second, nanos, tz_hour, tz_minute = struct.unpack("<6hI2h", raw)
    zone = dt.timezone(dt.timedelta(hours=tz_hour, minutes=tz_minute))
    return dt.datetime(year, month, day, hour, minute, second, nanos // 1000, zone)


def test_pyodbc_roundtrip(server: Server) -> None:
    pyodbc = pytest.importorskip("pyodbc")
    driver = odbc_driver_path()
    if driver is None:
        pytest.skip("the ODBC Driver 18 library from the mssql-python wheel was not found")
    pyodbc.native_uuid = True
    conn = pyodbc.connect(f"Driver={{{driver}}};" + server.odbc(), autocommit=True, timeout=10)
    conn.add_output_converter(-155, _datetimeoffset)

    def adapt(case: Case) -> Any:
        # pyodbc binds aware datetimes without their offset; its docs send them as text.
        return str(case.value) if case.column == "c_dto" else case.value

    def expected(case: Case, row: int) -> Any:
        # pyodbc binds time through SQL_TIME_STRUCT, which has no fractional seconds.
        if row == 1 and case.column == "c_time":
            return case.value.replace(microsecond=0)
        return case.result

    cursor = conn.cursor()
    assert _roundtrip(cursor, "types_pyodbc", "?", adapt, expected) == []
    _error_then_usable(cursor, pyodbc.Error)
    conn.close()


# --- FreeTDS -----------------------------------------------------------------------------------


def test_pymssql_roundtrip(server: Server) -> None:
    pymssql = pytest.importorskip("pymssql")
    conn = pymssql.connect(
        server=server.host,
        port=server.port,
        user="sa",
        password=server.sa_password,
        database="master",
        autocommit=True,
    )
    cursor = conn.cursor()

    def expected(case: Case, row: int) -> Any:
        # pymssql interpolates parameters into the SQL text itself, writing datetimes with
        # millisecond precision: the microsecond of datetime2(7) never reaches the server.
        if row == 1 and case.column == "c_datetime2":
            return case.value.replace(microsecond=0)
        return case.result

    assert _roundtrip(cursor, "types_pymssql", "%s", expected_for=expected) == []
    _error_then_usable(cursor, pymssql.Error)
    conn.close()


# --- pytds -------------------------------------------------------------------------------------


def test_pytds_roundtrip(server: Server) -> None:
    pytds = pytest.importorskip("pytds")
    conn = pytds.connect(
        server=server.host,
        port=server.port,
        user="sa",
        password=server.sa_password,
        database="master",
        autocommit=True,
    )

    def adapt(case: Case) -> Any:
        # pytds sends Python bytes as a string unless wrapped (its documented Binary type).
        return pytds.Binary(case.value) if isinstance(case.value, bytes) else case.value

    cursor = conn.cursor()
    assert _roundtrip(cursor, "types_pytds", "%s", adapt) == []
    _error_then_usable(cursor, pytds.Error)
    conn.close()


# --- impacket ----------------------------------------------------------------------------------

# impacket's own row decoder (impacket.tds.MSSQL.parseRow) misreads three encodings that SQL
# Server sends exactly as tdsnet does: MONEY as one int64 (it is two int32 halves), the
# minutes of smalldatetime as 1/300 s ticks, and a NULL char/binary (it reads 0xFFFF bytes).
# Those are read through CONVERT to text instead (still a read of the stored value), and the
# NULL row is left out of impacket's reads.
_IMPACKET_AS_TEXT = {"c_money", "c_smallmoney", "c_smalldatetime", "c_binary"}


def _impacket_expected(case: Case) -> Any:
    value = case.result
    if case.column in _IMPACKET_AS_TEXT:
        return {
            "c_money": "922337203685477.5807",
            "c_smallmoney": "-214748.3648",
            "c_smalldatetime": "2020-06-15 14:30:00",
            "c_binary": "0x01020000",
        }[case.column]
    if isinstance(value, bool):
        return 1
    if isinstance(value, bytes):
        return value.hex().encode()
    if case.sql_type in ("char(10)", "text", "varchar(max)"):
        return value.encode("latin-1")
    if case.sql_type.startswith(("date", "time", "datetimeoffset")) and case.sql_type != "datetime":
        return {
            "c_date": "2024-02-29",
            "c_time": "23:59:58.1234560",
            "c_time0": "08:30:15",
            "c_datetime2": "0001-01-01 00:00:00.0000010",
            "c_datetime2_3": "2024-01-02 03:04:05.678",
            "c_dto": "2024-07-04 12:00:00.5000000 +05:30",
        }[case.column]
    if case.column == "c_datetime":
        return value.replace(microsecond=0)  # impacket drops the 1/300 s fraction itself
    if isinstance(value, uuid.UUID):
        return str(value).upper()
    if case.column == "c_real":
        return 1.5
    if isinstance(value, Decimal | int | float | str):
        return value
    return value


def test_impacket_roundtrip(server: Server) -> None:
    tds = pytest.importorskip("impacket.tds")
    client = tds.MSSQL(server.host, server.port)
    client.connect()
    assert client.login("master", "sa", server.sa_password)
    client.sql_query("DROP TABLE IF EXISTS types_impacket")
    client.sql_query(create_table_sql("types_impacket"))
    client.sql_query(insert_literals_sql("types_impacket", 2))
    problems = []
    for case in CASES:
        column = case.column
        if column in ("c_money", "c_smallmoney"):
            expression = f"CONVERT(varchar(40), {column}, 2)"
        elif column == "c_smalldatetime":
            expression = f"CONVERT(varchar(30), {column}, 120)"
        elif column == "c_binary":
            expression = f"CONVERT(varchar(20), {column}, 1)"
        else:
            expression = column
        rows = client.sql_query(f"SELECT {expression} AS v, 7 AS marker FROM types_impacket WHERE id = 2")
        got = rows[0]["v"] if rows else None
        if got != _impacket_expected(case) or rows[0]["marker"] != 7:
            problems.append((column, got, _impacket_expected(case)))
    assert problems == []
    client.sql_query("SELECT * FROM no_such_table")
    errors = [m for m in client.replies.get(tds.TDS_ERROR_TOKEN, [])]
    assert errors and errors[0]["Number"] == 208
    assert client.sql_query("SELECT 40 + 2 AS v") == [{"v": 42}]
    client.disconnect()
