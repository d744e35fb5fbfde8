"""The DB-API 2.0 driver against a real tdsnet server: every [core] type round-trips (plain, TLS and
TDS 8.0 strict), results, messages, transactions, cancel, timeouts, procedures."""

from __future__ import annotations

import threading
import time
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import tdsnet
from conftest import at
from harness import Server
from tdsnet import client
from tdsnet.client import SqlParam
from tdsnet.tds import tokens
from typecases import CASES, create_table_sql, insert_literals_sql, insert_nulls_sql, select_sql


def _mismatches(rows: list[tuple]) -> list:
    problems = []
    for row in rows:
        for index, case in enumerate(CASES, 1):
            want = None if row[0] == 3 else case.result
            if row[index] != want or type(row[index]) is not type(want):
                problems.append((row[0], case.column, repr(row[index])[:60], repr(want)[:60]))
    return problems


@pytest.mark.parametrize("encrypt", ["no", "yes", "strict", "strict-pinned"])
def test_every_type_round_trips(server: Server, encrypt: str) -> None:
    extra: dict[str, Any] = {"cafile": server.certificate} if encrypt == "strict" else {}
    if encrypt == "strict-pinned":
        extra = {"server_certificate": server.certificate}
    with tdsnet.connect(at(server, Encrypt=encrypt.split("-", maxsplit=1)[0]), **extra) as conn:
        assert conn.encryption == ("login" if encrypt == "no" else "full")
        cursor = conn.cursor()
        cursor.execute("SELECT encrypt_option FROM sys.dm_exec_connections WHERE session_id = @@SPID")
        assert cursor.fetchone() == ("FALSE" if encrypt == "no" else "TRUE",)
        table = f"types_tdsnet_{encrypt.replace('-', '_')}"
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(create_table_sql(table))
        names = ", ".join(c.column for c in CASES)
        marks = ", ".join("?" for _ in CASES)
        cursor.execute(f"INSERT INTO {table} (id, {names}) VALUES (?, {marks})", [1] + [c.value for c in CASES])
        assert cursor.rowcount == 1
        cursor.execute(insert_literals_sql(table, 2))
        cursor.execute(insert_nulls_sql(table, 3))
        cursor.execute(select_sql(table))
        rows = cursor.fetchall()
        assert [r[0] for r in rows] == [1, 2, 3]
        assert _mismatches(rows) == []
        cursor.execute(
            f"SELECT id FROM {table} WHERE c_nvarchar = ? AND c_guid = ?", [CASES[15].value, CASES[-1].value]
        )
        assert cursor.fetchall() == [(1,), (2,)]


def test_description_and_type_objects(server: Server) -> None:
    with tdsnet.connect(at(server)) as conn:
        cursor = conn.execute("SELECT CAST(1 AS int) AS i, N'x' AS s, CAST(1.5 AS decimal(9,2)) AS d, 0x01 AS b")
        names = [d[0] for d in cursor.description]
        codes = [d[1] for d in cursor.description]
        assert names == ["i", "s", "d", "b"]
        assert codes[0] == client.NUMBER and codes[1] == client.STRING and codes[3] == client.BINARY
        assert codes[2] == "decimal" and cursor.description[2][4:6] == (9, 2)
        assert cursor.fetchall() == [(1, "x", Decimal("1.50"), b"\x01")]
        assert cursor.rowcount == 1


def test_parameters_qmark_named_and_typed(server: Server) -> None:
    with tdsnet.connect(at(server)) as conn:
        cursor = conn.cursor()
        cursor.execute("SELECT ? + 1, ?, '?' AS literal", [41, None])
        assert cursor.fetchone() == (42, None, "?")
        cursor.execute("SELECT :a * :b, :a", {"a": 6, "b": 7})
        assert cursor.fetchone() == (42, 6)
        cursor.execute("DROP TABLE IF EXISTS typed_params")
        cursor.execute("CREATE TABLE typed_params (id int, bin varbinary(max), txt varchar(20))")
        cursor.execute(
            "INSERT INTO typed_params VALUES (?, ?, ?)",
            [1, SqlParam(None, "varbinary(max)"), SqlParam("abc", "varchar(20)")],
        )
        cursor.execute("SELECT bin, txt FROM typed_params")
        assert cursor.fetchall() == [(None, "abc")]
        with pytest.raises(client.ProgrammingError, match="2 parameter marker"):
            cursor.execute("SELECT ?, ?", [1])


def test_results_messages_and_rowcounts(server: Server) -> None:
    with tdsnet.connect(at(server), autocommit=True) as conn:
        cursor = conn.cursor()
        cursor.execute(
            "SET NOCOUNT OFF; CREATE TABLE #r (a int); PRINT 'starting'; INSERT #r VALUES (1), (2), (3); "
            "SELECT a FROM #r ORDER BY a; UPDATE #r SET a = a + 10 WHERE a > 1; SELECT COUNT(*) AS n FROM #r; "
            "SELECT a FROM #r WHERE a > 100"
        )
        assert [str(m[1]) for m in cursor.messages] == ["starting"]
        assert cursor.messages[0][0] is client.Warning
        assert cursor.rowcount == -1  # the first result set is not read yet
        assert cursor.fetchmany(2) == [(1,), (2,)]
        assert list(cursor) == [(3,)]
        assert cursor.rowcount == 3
        assert cursor.nextset() is True
        assert cursor.fetchone() == (3,)
        assert cursor.nextset() is True
        assert cursor.fetchall() == [] and cursor.rowcount == 0
        assert cursor.nextset() is None
        cursor.execute("INSERT #r VALUES (4)")
        assert cursor.rowcount == 1 and cursor.description is None
        with pytest.raises(client.ProgrammingError, match="not a query"):
            cursor.fetchone()


def test_errors_carry_sql_servers_numbers_and_leave_the_connection_usable(server: Server) -> None:
    with tdsnet.connect(at(server), autocommit=True) as conn:
        cursor = conn.cursor()
        with pytest.raises(client.ProgrammingError) as caught:
            cursor.execute("SELECT * FROM no_such_table")
        error = caught.value
        assert (error.number, error.class_, error.state) == (208, 16, 1)
        assert str(error) == "Invalid object name 'no_such_table'."
        cursor.execute("SELECT 1 AS a; SELECT 1/0")
        assert cursor.fetchall() == [(1,)]
        with pytest.raises(client.DataError) as divided:
            cursor.nextset()
        assert divided.value.number == 8134
        cursor.execute("CREATE TABLE #k (id int PRIMARY KEY)")
        cursor.execute("INSERT #k VALUES (1)")
        with pytest.raises(client.IntegrityError) as duplicate:
            cursor.execute("INSERT #k VALUES (1)")
        assert duplicate.value.number == 2627
        with pytest.raises(client.DatabaseError) as raised:
            cursor.execute("RAISERROR('custom %d', 16, 5, 42)")
        assert (raised.value.number, raised.value.state, str(raised.value)) == (50000, 5, "custom 42")
        assert conn.execute("SELECT 40 + 2").fetchone() == (42,)


def test_transactions_by_transaction_manager_requests(server: Server) -> None:
    table = f"tx_{uuid.uuid4().hex[:8]}"
    with tdsnet.connect(at(server), autocommit=True) as setup:
        setup.execute(f"CREATE TABLE {table} (a int)")
    conn = tdsnet.connect(at(server))
    assert not conn.autocommit
    cursor = conn.cursor()
    cursor.execute(f"INSERT {table} VALUES (1)")
    assert conn.in_transaction
    assert conn.execute("SELECT @@TRANCOUNT").fetchone() == (1,)
    conn.rollback()
    assert not conn.in_transaction
    assert conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone() == (0,)
    cursor.execute(f"INSERT {table} VALUES (2)")
    conn.commit()
    with tdsnet.connect(at(server), autocommit=True) as other:
        assert other.execute(f"SELECT a FROM {table}").fetchall() == [(2,)]
        assert other.execute("SELECT @@TRANCOUNT").fetchone() == (0,)
    cursor.execute(f"INSERT {table} VALUES (3)")
    conn.autocommit = True  # commits the open transaction
    assert not conn.in_transaction
    conn.commit()  # nothing to commit: a no-op
    conn.close()
    with tdsnet.connect(at(server), autocommit=True) as check:
        assert check.execute(f"SELECT a FROM {table} ORDER BY a").fetchall() == [(2,), (3,)]


def test_context_manager_commits_or_rolls_back(server: Server) -> None:
    table = f"ctx_{uuid.uuid4().hex[:8]}"
    with tdsnet.connect(at(server), autocommit=True) as setup:
        setup.execute(f"CREATE TABLE {table} (a int)")
    with tdsnet.connect(at(server)) as conn:
        conn.execute(f"INSERT {table} VALUES (1)")
    assert conn.closed
    with pytest.raises(RuntimeError), tdsnet.connect(at(server)) as conn:
        conn.execute(f"INSERT {table} VALUES (2)")
        raise RuntimeError("abandon")
    with tdsnet.connect(at(server)) as check:
        assert check.execute(f"SELECT a FROM {table}").fetchall() == [(1,)]
    with pytest.raises(client.InterfaceError, match="closed"):
        conn.cursor()


def test_cancel_sends_attention(server: Server) -> None:
    with tdsnet.connect(at(server), autocommit=True) as conn:
        cursor = conn.cursor()
        started = threading.Event()

        def cancel_soon() -> None:
            started.wait(10)
            time.sleep(0.3)  # let the request reach the server (not a timing assertion)
            cursor.cancel()

        canceller = threading.Thread(target=cancel_soon)
        canceller.start()
        started.set()
        with pytest.raises(client.OperationalError, match="Operation cancelled by user"):
            cursor.execute("WAITFOR DELAY '00:01:00'; SELECT 1")
        canceller.join()
        assert cursor.execute("SELECT 42").fetchone() == (42,)


def test_command_timeout_cancels_and_raises(server: Server) -> None:
    with tdsnet.connect(at(server, **{"Command Timeout": 1}), autocommit=True) as conn:
        assert conn.timeout == 1
        with pytest.raises(client.OperationalError) as caught:
            conn.execute("WAITFOR DELAY '00:01:00'")
        assert caught.value.number == -2 and "Execution Timeout Expired" in str(caught.value)
        conn.timeout = 0
        assert conn.execute("SELECT 7").fetchone() == (7,)


def test_a_new_request_discards_unread_rows(server: Server) -> None:
    with tdsnet.connect(at(server), autocommit=True) as conn:
        first = conn.execute("SELECT value FROM (VALUES (1), (2), (3)) AS v(value); PRINT 'after'")
        assert first.fetchone() == (1,)
        second = conn.execute("SELECT 'second'")
        assert second.fetchone() == ("second",)
        assert first.fetchone() is None


@pytest.mark.parametrize("size", [512, 32767])
def test_packet_size(server: Server, size: int) -> None:
    with tdsnet.connect(at(server, **{"Packet Size": size}), autocommit=True) as conn:
        cursor = conn.execute("SELECT net_packet_size FROM sys.dm_exec_connections WHERE session_id = @@SPID")
        assert cursor.fetchone() == (size,)
        text = "é" * 50_000
        assert conn.execute("SELECT ?", [text]).fetchone() == (text,)


def test_callproc_output_parameters_and_return_status(server: Server) -> None:
    name = f"p_{uuid.uuid4().hex[:8]}"
    with tdsnet.connect(at(server), autocommit=True) as conn:
        conn.execute(f"CREATE PROCEDURE {name} @a int, @b int OUTPUT AS BEGIN SET @b = @a * 2; RETURN 7 END")
        cursor = conn.cursor()
        result = cursor.callproc(name, [21, SqlParam(None, "int", output=True)])
        assert result == [21, 42]
        assert cursor.return_value == 7


def test_executemany_adds_up_rowcounts(server: Server) -> None:
    with tdsnet.connect(at(server), autocommit=True) as conn:
        cursor = conn.cursor()
        cursor.execute("CREATE TABLE #m (a int, b nvarchar(10))")
        cursor.executemany("INSERT #m VALUES (?, ?)", [(1, "a"), (2, "b"), (3, None)])
        assert cursor.rowcount == 3
        assert cursor.execute("SELECT COUNT(*) FROM #m").fetchone() == (3,)


def test_database_and_application_name_reach_the_server(server: Server) -> None:
    with tdsnet.connect(at(server, Database="tempdb", App="my report"), autocommit=True) as conn:
        assert conn.database == "tempdb"
        cursor = conn.execute("SELECT DB_NAME(), APP_NAME()")
        assert cursor.fetchone() == ("tempdb", "my report")
        conn.execute("USE master")
        assert conn.database == "master"


def test_connect_takes_keywords(server: Server) -> None:
    conn = tdsnet.connect(
        server=f"{server.host},{server.port}", user_id="sa", password=server.sa_password, trust_server_certificate=True
    )
    assert conn.execute("SELECT SUSER_NAME()").fetchone() == ("sa",)
    conn.close()
    conn.close()  # closing twice is allowed


def test_module_globals() -> None:
    assert (client.apilevel, client.threadsafety, client.paramstyle) == ("2.0", 1, "qmark")
    assert issubclass(client.OperationalError, client.DatabaseError)
    assert issubclass(client.DatabaseError, client.Error)
    assert client.Binary(b"x") == b"x" and client.Date(2024, 1, 2).year == 2024


@pytest.mark.parametrize(
    ("keyword", "message"),
    [
        ("MultipleActiveResultSets=true", "MARS"),
        ("Integrated Security=SSPI", "Integrated Security"),
        ("Authentication=ActiveDirectoryPassword", "ActiveDirectoryPassword is not supported"),
        ("Column Encryption Setting=Enabled", "Always Encrypted"),
    ],
)
def test_unsupported_features_say_so(server: Server, keyword: str, message: str) -> None:
    with pytest.raises(client.NotSupportedError, match=message):
        tdsnet.connect(at(server) + ";" + keyword)


def test_closed_cursor(server: Server, tmp_path: Path) -> None:
    with tdsnet.connect(at(server)) as conn:
        cursor = conn.cursor()
        cursor.close()
        with pytest.raises(client.InterfaceError, match="cursor is closed"):
            cursor.execute("SELECT 1")


def test_stream_yields_every_event_past_an_error(server: Server) -> None:
    """Cursor.stream (what sqlcmd prints from): the results after an error in a batch keep coming."""
    with tdsnet.connect(at(server), autocommit=True) as conn:
        events = list(conn.cursor().stream("SELECT 1 AS a; RAISERROR('in the middle', 16, 1); SELECT 2 AS b"))
        rows = [tuple(e.values) for e in events if isinstance(e, tokens.Row)]
        errors = [e for e in events if isinstance(e, tokens.ServerMessage) and e.is_error]
        assert rows == [(1,), (2,)]
        assert [(e.number, e.text) for e in errors] == [(50000, "in the middle")]
        assert conn.execute("SELECT 3").fetchone() == (3,)  # the connection stays usable
