"""Log in with a real client and report what happened, the same way for every client.

    outcome = PROBES["pymssql"](host, port, user, password)
    outcome.ok, outcome.number, outcome.endpoint_id

A successful login reports the session's endpoint (from sys.dm_exec_sessions, which every
session has) and whether sys.dm_exec_connections has a row for it (seed 000: sessions that
came in through a Service Broker endpoint have none).  A refused one reports SQL Server's
error number, taken from the client's exception (ODBC's carries only the text).
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from harness import CLIENTS, node_clients_ready, odbc_driver_path

WHO = (
    "SELECT s.endpoint_id, (SELECT COUNT(*) FROM sys.dm_exec_connections c WHERE c.session_id = @@SPID),"
    " (SELECT net_transport FROM sys.dm_exec_connections c WHERE c.session_id = @@SPID)"
    " FROM sys.dm_exec_sessions s WHERE s.session_id = @@SPID"
)
_KNOWN_TEXTS = {
    "Login failed for user": 18456,
    "dedicated administrator connections already exists": 17810,
    "Cannot open database": 4060,
}


@dataclass(frozen=True)
class Outcome:
    ok: bool
    number: int | None = None  # the server's error number when refused
    endpoint_id: int | None = None
    has_connection_row: bool = False
    net_transport: str | None = None
    message: str = ""


def _connected(row: tuple) -> Outcome:
    return Outcome(True, endpoint_id=row[0], has_connection_row=bool(row[1]), net_transport=row[2])


def _refused(message: str, number: int | None = None) -> Outcome:
    if number is None:
        number = next((n for text, n in _KNOWN_TEXTS.items() if text in message), None)
    return Outcome(False, number=number, message=message)


def via_odbc(host: str, port: int, user: str, password: str) -> Outcome:
    mssql_python = pytest.importorskip("mssql_python")
    if odbc_driver_path() is None:
        pytest.skip("ODBC Driver 18 is not installed")
    text = f"Server={host},{port};UID={user};PWD={{{password}}};Encrypt=yes;TrustServerCertificate=yes"
    mssql_python.pooling(enabled=False)  # a pooled connection would skip the login being probed
    try:
        conn = mssql_python.connect(text, timeout=10)
    except mssql_python.Error as exc:
        return _refused(str(exc))
    try:
        cursor = conn.cursor()
        cursor.execute(WHO)
        return _connected(tuple(cursor.fetchone()))
    finally:
        conn.close()


def via_pymssql(host: str, port: int, user: str, password: str) -> Outcome:
    pymssql = pytest.importorskip("pymssql")
    try:
        conn = pymssql.connect(server=host, port=port, user=user, password=password, login_timeout=10)
    except pymssql.OperationalError as exc:
        detail = exc.args[0]
        if isinstance(detail, tuple):
            return _refused(detail[1].decode(errors="replace"), detail[0])
        return _refused(str(detail))
    try:
        cursor = conn.cursor()
        cursor.execute(WHO)
        return _connected(cursor.fetchone())
    finally:
        conn.close()


def via_tedious(host: str, port: int, user: str, password: str) -> Outcome:
    if not node_clients_ready():
        pytest.skip("node and tedious are not installed (make test installs them)")
    plan = {
        "config": {"server": host, "port": port, "user": user, "password": password, "encrypt": True},
        "steps": [{"sql": WHO}],
    }
    result = run_node_plan(plan)
    if isinstance(result, dict) and "connectError" in result:
        error = result["connectError"]
        return _refused(error["message"], error.get("number"))
    return _connected(tuple(result[0]["rows"][0]))


def run_node_plan(plan: dict) -> object:
    """Run a plan with tests/clients/node/run.js (tedious) and return its JSON answer."""
    completed = subprocess.run(
        ["node", str(CLIENTS / "node" / "run.js")],
        input=json.dumps(plan),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


PROBES: dict[str, Callable[[str, int, str, str], Outcome]] = {
    "odbc": via_odbc,
    "pymssql": via_pymssql,
    "tedious": via_tedious,
}


def errorlog_states(text: str, user: str) -> list[int]:
    """The 18456 states the ERRORLOG recorded for a user, in order."""
    pattern = re.compile(r"Error: 18456, Severity: 14, State: (\d+)\.\n[^\n]*Login failed for user '" + re.escape(user))
    return [int(m.group(1)) for m in pattern.finditer(text)]
