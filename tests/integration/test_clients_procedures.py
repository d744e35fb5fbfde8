"""[engine] acceptance with each client: a stored procedure with an OUTPUT parameter and a return
status called as RPC, a transaction rolled back on error, RAISERROR at severity 10 (a message) and
16 (an error), and TRY...CATCH catching 8134.

The ODBC wrappers (mssql-python, pyodbc) have no way to read OUTPUT parameters, so with them the
procedure is called through the ODBC call escape (which the driver sends as RPC) and its result set
is checked instead.  pymssql raises every message above severity 6 as an exception (also against
SQL Server), so it is not used for the severity-10 case.
"""

from __future__ import annotations

import contextlib
import subprocess
from pathlib import Path

import pytest

from harness import JTDS_JAR, Server, compile_java, odbc_driver_path
from probes import run_node_plan

pytestmark = pytest.mark.clients

PROCEDURES = (
    "CREATE OR ALTER PROCEDURE dbo.addup @a int, @b int, @sum int OUTPUT AS BEGIN SET @sum = @a + @b; RETURN 42 END",
    "CREATE OR ALTER PROCEDURE dbo.multiply @a int, @b int AS SELECT @a * @b AS product",
)
CATCH = "BEGIN TRY SELECT 1 / 0 END TRY BEGIN CATCH SELECT ERROR_NUMBER(), ERROR_SEVERITY() END CATCH"


@pytest.fixture(scope="module")
def prepared(server: Server) -> Server:
    pymssql = pytest.importorskip("pymssql")
    with contextlib.closing(
        pymssql.connect(server=server.host, port=server.port, user="sa", password=server.sa_password, autocommit=True)
    ) as conn:
        cursor = conn.cursor()
        for procedure in PROCEDURES:
            cursor.execute(procedure)
        cursor.execute(
            "IF OBJECT_ID('dbo.ledger') IS NULL CREATE TABLE dbo.ledger (id int PRIMARY KEY, who varchar(20))"
        )
    return server


def _rollback_case(conn, cursor, marker: str, error_type: type[BaseException]) -> None:
    """Inside a transaction: an insert, then a failing statement, then rollback: the insert is gone."""
    cursor.execute(f"DELETE FROM dbo.ledger WHERE who = '{marker}'")
    conn.commit()
    cursor.execute(f"INSERT INTO dbo.ledger VALUES ({abs(hash(marker)) % 10**8}, '{marker}')")
    with pytest.raises(error_type):
        cursor.execute(f"INSERT INTO dbo.ledger VALUES ({abs(hash(marker)) % 10**8}, '{marker}')")  # 2627
        cursor.fetchall()
    conn.rollback()
    cursor.execute(f"SELECT COUNT(*) FROM dbo.ledger WHERE who = '{marker}'")
    assert cursor.fetchone()[0] == 0


# --- ODBC Driver 18 ----------------------------------------------------------------------------------


@pytest.fixture(params=["mssql_python", "pyodbc"])
def odbc(request: pytest.FixtureRequest, prepared: Server):
    module = pytest.importorskip(request.param)
    if odbc_driver_path() is None:
        pytest.skip("ODBC Driver 18 is not installed")
    if request.param == "pyodbc":
        conn = module.connect(prepared.odbc(Driver=f"{{{odbc_driver_path()}}}"), autocommit=False)
    else:
        conn = module.connect(prepared.odbc(), autocommit=False)
    yield module, conn
    conn.close()


def test_odbc(odbc) -> None:
    module, conn = odbc
    cursor = conn.cursor()
    cursor.execute("{CALL dbo.multiply(?, ?)}", (6, 7))
    assert cursor.fetchone()[0] == 42
    conn.commit()
    _rollback_case(conn, cursor, f"odbc-{module.__name__}", module.Error)
    cursor.execute(CATCH)
    assert tuple(cursor.fetchone()) == (8134, 16)
    if module.__name__ == "pyodbc":  # SQL_SUCCESS_WITH_INFO: the message, and no exception
        cursor.execute("RAISERROR('just a note', 10, 1); SELECT 1")
        assert any("just a note" in m[1] for m in cursor.messages)
    with pytest.raises(module.Error, match="a real error"):
        cursor.execute("RAISERROR('a real error', 16, 1)")
    conn.rollback()


# --- pymssql ------------------------------------------------------------------------------------------------


def test_pymssql(prepared: Server) -> None:
    pymssql = pytest.importorskip("pymssql")
    with contextlib.closing(
        pymssql.connect(server=prepared.host, port=prepared.port, user="sa", password=prepared.sa_password)
    ) as conn:
        cursor = conn.cursor()
        result = cursor.callproc("dbo.addup", (6, 7, pymssql.output(int)))
        assert result[2] == 13
        assert cursor.returnvalue == 42
        conn.commit()
        _rollback_case(conn, cursor, "pymssql", pymssql.Error)
        cursor.execute(CATCH)
        assert cursor.fetchone() == (8134, 16)
        with pytest.raises(pymssql.Error, match="a real error"):
            cursor.execute("RAISERROR('a real error', 16, 1)")


# --- pytds ---------------------------------------------------------------------------------------------------


def test_pytds(prepared: Server) -> None:
    pytds = pytest.importorskip("pytds")
    with contextlib.closing(
        pytds.connect(prepared.host, port=prepared.port, user="sa", password=prepared.sa_password, autocommit=False)
    ) as conn:
        cursor = conn.cursor()
        result = cursor.callproc("dbo.addup", (6, 7, pytds.output(param_type="int")))
        assert result[2] == 13
        assert cursor.get_proc_return_status() == 42
        conn.commit()
        _rollback_case(conn, cursor, "pytds", pytds.Error)
        cursor.execute(CATCH)
        assert tuple(cursor.fetchone()) == (8134, 16)
        cursor.execute("RAISERROR('just a note', 10, 1)")
        assert any("just a note" in str(m) for m in cursor.messages)
        with pytest.raises(pytds.Error, match="a real error"):
            cursor.execute("RAISERROR('a real error', 16, 1)")


# --- tdsnet's own driver ------------------------------------------------------------------------------------


def test_tdsnet_driver(prepared: Server) -> None:
    import tdsnet
    from tdsnet import client

    text = f"Server={prepared.host},{prepared.port};UID=sa;PWD={prepared.sa_password};TrustServerCertificate=yes"
    with contextlib.closing(tdsnet.connect(text)) as conn:
        cursor = conn.cursor()
        result = cursor.callproc("dbo.addup", (6, 7, client.SqlParam(None, "int", output=True)))
        assert result[2] == 13
        conn.commit()
        _rollback_case(conn, cursor, "tdsnet", client.Error)
        cursor.execute(CATCH)
        assert tuple(cursor.fetchone()) == (8134, 16)
        cursor.execute("RAISERROR('just a note', 10, 1)")
        assert any("just a note" in str(m) for m in cursor.messages)
        with pytest.raises(client.Error, match="a real error"):
            cursor.execute("RAISERROR('a real error', 16, 1)")


# --- tedious --------------------------------------------------------------------------------------------------


def test_tedious(prepared: Server) -> None:
    from harness import node_clients_ready

    if not node_clients_ready():
        pytest.skip("node and tedious are not installed (make test installs them)")
    plan = {
        "config": {
            "server": prepared.host,
            "port": prepared.port,
            "user": "sa",
            "password": prepared.sa_password,
            "encrypt": True,
        },
        "steps": [
            {
                "procedure": "dbo.addup",
                "params": [{"name": "a", "type": "Int", "value": 6}, {"name": "b", "type": "Int", "value": 7}],
                "outputs": [{"name": "sum", "type": "Int"}],
            },
            {
                "sql": "BEGIN TRAN; INSERT INTO dbo.ledger VALUES (777001, 'tedious'); "
                "INSERT INTO dbo.ledger VALUES (777001, 'tedious')"
            },
            {"sql": "IF @@TRANCOUNT > 0 ROLLBACK; SELECT COUNT(*) FROM dbo.ledger WHERE who = 'tedious'"},
            {"sql": CATCH},
            {"sql": "RAISERROR('just a note', 10, 1)"},
            {"sql": "RAISERROR('a real error', 16, 1)"},
        ],
    }
    proc, failed, rolled_back, caught, note, error = run_node_plan(plan)
    assert proc["outputs"] == {"sum": 13} and proc["returnStatus"] == 42
    assert failed["error"]["number"] == 2627
    assert rolled_back["rows"] == [[0]]
    assert caught["rows"] == [[8134, 16]]
    assert note["error"] is None and any("just a note" in m for m in note["infos"])
    assert error["error"]["number"] == 50000 and error["error"]["class"] == 16


# --- jTDS ------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def jtds_calls(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return compile_java(tmp_path_factory.mktemp("jtdscalls"), "JtdsCalls.java")


def test_jtds(prepared: Server, jtds_calls: Path) -> None:
    url = f"jdbc:jtds:sqlserver://{prepared.host}:{prepared.port}/master"
    completed = subprocess.run(
        ["java", "-cp", f"{JTDS_JAR}:{jtds_calls}", "JtdsCalls", url, "sa", prepared.sa_password],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert completed.stdout.splitlines() == [
        "sum 13",
        "status 42",
        "rolled back 0",
        "caught 8134 16",
        "warning just a note",
        "error 50000 a real error",
    ]


# --- parse once ------------------------------------------------------------------------------------------------


def _counter(cursor, name: str) -> int:
    cursor.execute(f"SELECT cntr_value FROM sys.dm_os_performance_counters WHERE counter_name = '{name}'")
    return int(cursor.fetchone()[0])


@pytest.mark.parametrize("client", ["pytds", "odbc"])
def test_repeated_statements_are_parsed_once(prepared: Server, client: str) -> None:
    """SQL Compilations/sec counts T-SQL texts parsed: executing the same sp_executesql (pytds) or
    prepared statement (ODBC's sp_prepexec then sp_execute) again adds batch requests, not parses."""
    if client == "pytds":
        pytds = pytest.importorskip("pytds")
        conn = pytds.connect(prepared.host, port=prepared.port, user="sa", password=prepared.sa_password)
    else:
        pyodbc = pytest.importorskip("pyodbc")
        if odbc_driver_path() is None:
            pytest.skip("ODBC Driver 18 is not installed")
        conn = pyodbc.connect(prepared.odbc(Driver=f"{{{odbc_driver_path()}}}"))
    with contextlib.closing(conn):
        cursor = conn.cursor()
        statement = f"SELECT COUNT(*) FROM dbo.ledger WHERE id > {'%s' if client == 'pytds' else '?'} /* {client} */"
        cursor.execute(statement, (0,))
        cursor.fetchall()
        for name in ("SQL Compilations/sec", "Batch Requests/sec"):
            _counter(cursor, name)  # the counter queries themselves are parsed once, here
        compiled, batches = _counter(cursor, "SQL Compilations/sec"), _counter(cursor, "Batch Requests/sec")
        for value in range(1, 21):
            cursor.execute(statement, (value,))
            cursor.fetchall()
        assert _counter(cursor, "Batch Requests/sec") - batches >= 21
        assert _counter(cursor, "SQL Compilations/sec") == compiled
