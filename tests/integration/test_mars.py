"""MARS (MultipleActiveResultSets / MARS_Connection=yes) with ODBC Driver 18 and pytds: several active
statements on one connection, each in an SMP session of its own, sharing one SQL Server session."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from harness import Server, pyodbc_connect
from rawtds import RawClient

_MANY_ROWS = (
    "WITH n AS (SELECT 1 AS i UNION ALL SELECT i + 1 FROM n WHERE i < 20000)"
    " SELECT i, REPLICATE('x', 50) FROM n OPTION (MAXRECURSION 0)"
)


def _connect(server: Server, encrypt: str = "yes") -> Any:
    # strict (TDS 8.0) validates the certificate: the client is given the server's own
    pinned = {"ServerCertificate": str(server.certificate)} if encrypt == "strict" else {}
    return pyodbc_connect(server, Encrypt=encrypt, MARS_Connection="yes", **pinned)


@pytest.mark.parametrize("encrypt", ["no", "yes", "strict"])
def test_two_statements_active_at_once(server: Server, encrypt: str) -> None:
    conn = _connect(server, encrypt)
    try:
        rows = conn.cursor()
        # more rows than the client's SMP window admits before it reads them
        rows.execute(_MANY_ROWS)
        first = rows.fetchmany(10)
        other = conn.cursor()
        other.execute("SELECT @@SPID, 'second'")
        spid, text = other.fetchone()
        rest = rows.fetchall()
        assert [r[0] for r in first + rest] == list(range(1, 20001))
        assert text == "second"
        same = conn.cursor().execute("SELECT @@SPID").fetchone()[0]
        assert same == spid  # one SQL Server session behind every statement
    finally:
        conn.close()


def test_statements_share_the_session_state(server: Server) -> None:
    conn = _connect(server)
    try:
        a, b = conn.cursor(), conn.cursor()
        a.execute("CREATE TABLE #mars (v int); INSERT INTO #mars VALUES (1), (2), (3)")
        a.execute("SELECT v FROM #mars ORDER BY v")
        assert a.fetchone()[0] == 1
        b.execute("INSERT INTO #mars VALUES (4)")  # while a's result is still open
        assert [r[0] for r in a.fetchall()] == [2, 3]
        assert b.execute("SELECT COUNT(*) FROM #mars").fetchone()[0] == 4
        with pytest.raises(Exception) as failed:
            b.execute("SELECT * FROM no_such_table_for_mars")
        assert "208" in str(failed.value) or "Invalid object name" in str(failed.value)
        assert a.execute("SELECT 7").fetchone()[0] == 7
    finally:
        conn.close()


def test_cancel_on_one_statement_leaves_the_others(server: Server) -> None:
    conn = _connect(server)
    try:
        waiting, other = conn.cursor(), conn.cursor()
        canceller = threading.Timer(0.3, waiting.cancel)
        canceller.start()
        started = time.monotonic()
        try:
            waiting.execute("WAITFOR DELAY '00:00:10'")
        except Exception as exc:  # without MARS the driver reports the cancel; with it, it just returns
            assert "cancel" in str(exc).lower()
        canceller.join(10)  # SQLCancel must be over before the statement is used or freed (it crashed the driver)
        assert not canceller.is_alive()
        assert time.monotonic() - started < 3  # ATTENTION on its SMP session stopped the wait
        assert other.execute("SELECT 5").fetchone()[0] == 5
        assert waiting.execute("SELECT 6").fetchone()[0] == 6
    finally:
        conn.close()


@pytest.mark.parametrize("asked", [False, True])
def test_prelogin_agrees_to_mars_only_when_asked(server: Server, asked: bool) -> None:
    client = RawClient(server.host, server.port)
    try:
        assert client.prelogin(mars=asked).mars is asked
    finally:
        client.close()


def test_pytds_with_mars(server: Server) -> None:
    pytds = pytest.importorskip("pytds")
    conn = pytds.connect(
        server.host, port=server.port, user="sa", password=server.sa_password, autocommit=True, use_mars=True
    )
    try:
        rows, other = conn.cursor(), conn.cursor()
        rows.execute(_MANY_ROWS)
        first = rows.fetchone()
        other.execute("SELECT 'other', @@SPID")
        assert other.fetchone()[0] == "other"
        assert [r[0] for r in [first, *rows.fetchall()]] == list(range(1, 20001))
    finally:
        conn.close()
