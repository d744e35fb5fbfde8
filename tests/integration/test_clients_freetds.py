"""FreeTDS at every TDS version: `tsql` from freetds-bin and pymssql with tds_version pinned,
so each version's token layouts (2-byte vs 4-byte user types, 4- vs 8-byte DONE counts,
down-level date/time and (max) types, NBCROW) are answered in the client's own version.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from decimal import Decimal

import pytest

from harness import Server, requires

pytestmark = pytest.mark.clients

VERSIONS = ["7.1", "7.2", "7.3", "7.4"]
PROTOCOL = {"7.1": 0x71000001, "7.2": 0x72090002, "7.3": 0x730B0003, "7.4": 0x74000004}


@requires("tsql")
@pytest.mark.parametrize("version", VERSIONS)
def test_tsql_each_version(server: Server, version: str) -> None:
    script = (
        "SELECT protocol_version, net_transport FROM sys.dm_exec_connections WHERE session_id = @@SPID\ngo\n"
        f"CREATE TABLE tsql_{version.replace('.', '')} (id int, name nvarchar(20), amount money, "
        "big varchar(max), moment datetime2(3))\ngo\n"
        f"INSERT INTO tsql_{version.replace('.', '')} VALUES (1, N'Grüße', 12.3400, "
        "REPLICATE(CAST('x' AS varchar(max)), 9000), '2024-01-02 03:04:05.678')\ngo\n"
        f"SELECT id, name, amount, LEN(big) AS biglen, moment FROM tsql_{version.replace('.', '')}\ngo\n"
        "SELECT * FROM no_such_table\ngo\nSELECT 40 + 2 AS answer\ngo\nexit\n"
    )
    completed = subprocess.run(
        ["tsql", "-H", server.host, "-p", str(server.port), "-U", "sa", "-P", server.sa_password],
        input=script,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "TDSVER": version},
    )
    out = completed.stdout + completed.stderr
    assert f"{PROTOCOL[version]}\tTCP" in out
    assert "1\tGrüße\t12.34" in out
    assert "9000" in out
    # tsql shows datetime2 in FreeTDS's own display format; before TDS 7.3 it is the string
    # SQL Server sends down-level.
    assert ("2024-01-02 03:04:05.678" if version in ("7.1", "7.2") else "Jan  2 2024 03:04AM") in out
    assert "Msg 208" in out and "Invalid object name 'no_such_table'" in out
    assert "\n42\n" in out.replace("\r", "")


@pytest.mark.parametrize("version", VERSIONS)
def test_pymssql_each_version(server: Server, version: str) -> None:
    pymssql = pytest.importorskip("pymssql")
    conn = pymssql.connect(
        server=server.host,
        port=server.port,
        user="sa",
        password=server.sa_password,
        database="master",
        autocommit=True,
        tds_version=version,
    )
    cursor = conn.cursor()
    cursor.execute("SELECT protocol_version FROM sys.dm_exec_connections WHERE session_id = @@SPID")
    assert cursor.fetchall()[0][0] == PROTOCOL[version]
    cursor.execute(
        "SELECT CAST(12.5 AS decimal(10,2)), CAST('2024-05-06' AS date), "
        "CAST('2024-05-06 07:08:09.1234567' AS datetime2(7)), REPLICATE(CAST(N'é' AS nvarchar(max)), 5000), "
        "CAST(NULL AS int), 7"
    )
    decimal_value, day, moment, long_text, nothing, seven = cursor.fetchall()[0]
    assert decimal_value == Decimal("12.50")
    # Before TDS 7.3 the new date/time types travel as strings, as SQL Server sends them.
    if version in ("7.1", "7.2"):
        assert day == "2024-05-06"
        assert moment == "2024-05-06 07:08:09.1234567"
    else:
        assert day == dt.date(2024, 5, 6)
        assert moment == dt.datetime(2024, 5, 6, 7, 8, 9, 123456)  # FreeTDS truncates to microseconds
    assert long_text == "é" * 5000
    assert nothing is None and seven == 7
    conn.close()
