"""Bulk load (INSERT BULK, then a BULK_LOAD message) with the clients that send it: pytds'
copy_to, tedious' newBulkLoad/execBulkLoad and FreeTDS' freebcp; and table-valued parameters,
read and refused."""

from __future__ import annotations

import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from harness import Server, node_clients_ready
from probes import run_node_plan
from rawtds import connect, errors_in, rows_in
from tdsnet.sqltypes import Column, parse_type
from tdsnet.tds import tokens
from tdsnet.tds.packets import PacketType

TABLE = "CREATE TABLE {} (id int IDENTITY PRIMARY KEY, n int NOT NULL, name nvarchar(20), d decimal(10, 2) DEFAULT 1.5)"


def _pytds(server: Server) -> Any:
    pytds = pytest.importorskip("pytds")
    return pytds.connect(server.host, port=server.port, user="sa", password=server.sa_password, autocommit=True)


def _typed_columns() -> list[Any]:
    from pytds import tds_base
    from pytds.tds_types import DecimalType, IntType, NVarCharType

    nullable = tds_base.Column.fNullable
    return [
        tds_base.Column("id", IntType(), flags=nullable),
        tds_base.Column("n", IntType()),
        tds_base.Column("name", NVarCharType(size=20), flags=nullable),
        tds_base.Column("d", DecimalType(10, 2), flags=nullable),
    ]


def test_pytds_copy_to_loads_typed_rows_in_chunks(server: Server) -> None:
    conn = _pytds(server)
    try:
        cursor = conn.cursor()
        cursor.execute("DROP TABLE IF EXISTS dbo.bulk_pytds; " + TABLE.format("dbo.bulk_pytds"))
        rows = [(0, i, f"name {i}", Decimal(i) / 4) for i in range(5000)]  # more rows than 2,100 parameters
        cursor.copy_to(table_or_view="bulk_pytds", columns=_typed_columns(), data=rows)
        assert cursor.rowcount == 5000
        cursor.execute("SELECT COUNT(*), MIN(id), MAX(id), SUM(n), SUM(d) FROM dbo.bulk_pytds")
        # the identity column's values are generated (no KEEPIDENTITY)
        assert cursor.fetchone() == (5000, 1, 5000, sum(range(5000)), Decimal(sum(range(5000))) / 4)
    finally:
        conn.close()


def test_pytds_copy_to_of_narrow_rows_keeps_to_a_thousand_values_rows(server: Server) -> None:
    # two columns: 2,100 parameters would be 1,050 rows, past VALUES' 1,000-row limit (10738)
    conn = _pytds(server)
    try:
        cursor = conn.cursor()
        cursor.execute("DROP TABLE IF EXISTS dbo.bulk_narrow; CREATE TABLE dbo.bulk_narrow (n int, name nvarchar(10))")
        cursor.copy_to(
            table_or_view="bulk_narrow", columns=_typed_columns()[1:3], data=[(i, f"n{i}") for i in range(2500)]
        )
        cursor.execute("SELECT COUNT(*), SUM(n) FROM dbo.bulk_narrow")
        assert cursor.fetchone() == (2500, sum(range(2500)))
    finally:
        conn.close()


def test_pytds_copy_to_defaults_nulls_and_rolls_back_a_failed_batch(server: Server) -> None:
    conn = _pytds(server)
    try:
        cursor = conn.cursor()
        cursor.execute("DROP TABLE IF EXISTS dbo.bulk_text; " + TABLE.format("dbo.bulk_text"))
        # no columns given: pytds reads them from the table and sends every value as nvarchar(4000)
        cursor.copy_to(table_or_view="bulk_text", data=[("0", "7", "text", None)])
        cursor.execute("SELECT n, name, d FROM dbo.bulk_text")
        assert cursor.fetchall() == [(7, "text", Decimal("1.50"))]  # NULL takes the default without KEEP_NULLS
        cursor.copy_to(table_or_view="bulk_text", data=[("0", "8", "kept", None)], keep_nulls=True)
        cursor.execute("SELECT d FROM dbo.bulk_text WHERE n = 8")
        assert cursor.fetchone() == (None,)
        with pytest.raises(Exception, match="Conversion failed"):
            cursor.copy_to(table_or_view="bulk_text", data=[("0", "9", "good", None), ("0", "x", "bad", None)])
        cursor.execute("SELECT COUNT(*) FROM dbo.bulk_text")
        assert cursor.fetchone() == (2,)  # neither row of the failed batch
        with pytest.raises(Exception, match="Invalid object name"):
            cursor.execute("INSERT BULK dbo.no_such_bulk_table ([a] INT)")
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
    finally:
        conn.close()


@pytest.mark.skipif(not node_clients_ready(), reason="node and tedious are not installed (make test installs them)")
def test_tedious_bulk_load(server: Server) -> None:
    config = {"server": server.host, "port": server.port, "user": "sa", "password": server.sa_password, "encrypt": True}
    columns = [
        {"name": "n", "type": "Int", "options": {"nullable": False}},
        {"name": "name", "type": "NVarChar", "options": {"length": 20, "nullable": True}},
        {"name": "d", "type": "Decimal", "options": {"precision": 10, "scale": 2, "nullable": True}},
    ]
    steps = [
        {"sql": "DROP TABLE IF EXISTS dbo.bulk_tedious; " + TABLE.format("dbo.bulk_tedious")},
        {"bulk": "dbo.bulk_tedious", "columns": columns, "rows": [[i, f"row {i}", i / 2] for i in range(300)]},
        {"bulk": "dbo.bulk_tedious", "columns": columns, "rows": [[1000, None, None]], "options": {"keepNulls": True}},
        {"sql": "SELECT COUNT(*), SUM(n), SUM(d), COUNT(name) FROM dbo.bulk_tedious"},
    ]
    results = run_node_plan({"config": config, "steps": steps})
    assert not isinstance(results, dict), results
    assert [r["error"] for r in results] == [None] * 4
    assert results[1]["rowCount"] == 300 and results[2]["rowCount"] == 1
    count, total, decimals, names = results[3]["rows"][0]
    assert (count, total, Decimal(str(decimals)), names) == (
        301,
        sum(range(300)) + 1000,
        Decimal(sum(range(300))) / 2,
        300,
    )


def test_bulk_data_without_insert_bulk_is_an_error_and_the_session_goes_on(server: Server) -> None:
    client = connect(server.host, server.port, "sa", server.sa_password)
    try:
        shape = tokens.ResultShape([Column("a", parse_type("int"), True)])
        client.send(PacketType.BULK_LOAD, shape.colmetadata + shape.encode_row([1]) + tokens.done(0, 0, 0))
        assert [e.number for e in errors_in(client.events())] == [4804]
        assert rows_in(client.batch("SELECT 5")) == [[5]]
    finally:
        client.close()


def test_a_table_valued_parameter_is_refused_and_the_connection_goes_on(server: Server) -> None:
    pytds = pytest.importorskip("pytds")
    conn = _pytds(server)
    try:
        cursor = conn.cursor()
        table = pytds.TableValuedParam(type_name="dbo.IdList", rows=[(1, "a"), (2, "b")])
        with pytest.raises(pytds.OperationalError, match="'table-valued parameters' is not supported"):
            cursor.execute("SELECT COUNT(*) FROM %s", (table,))
        cursor.execute("SELECT 42")
        assert cursor.fetchone() == (42,)
    finally:
        conn.close()


@pytest.mark.skipif(shutil.which("freebcp") is None, reason="freebcp (freetds-bin) is not installed")
def test_freebcp_copies_in_and_out(server: Server, tmp_path: Path) -> None:
    conn = _pytds(server)
    try:
        conn.cursor().execute("DROP TABLE IF EXISTS dbo.bulk_bcp; CREATE TABLE dbo.bulk_bcp (id int, word varchar(10))")
        source, copy = tmp_path / "in.txt", tmp_path / "out.txt"
        source.write_text("".join(f"{n}\tword {n}\n" for n in range(1, 201)))
        login = ["-S", server.host, "-U", "sa", "-P", server.sa_password, "-c"]
        env = {**os.environ, "TDSPORT": str(server.port), "TDSVER": "7.4"}
        for direction, path in (("in", source), ("out", copy)):
            done = subprocess.run(
                ["freebcp", "master.dbo.bulk_bcp", direction, str(path), *login],
                capture_output=True,
                text=True,
                timeout=60,
                env=env,
            )
            assert done.returncode == 0 and "200 rows copied" in done.stdout, done.stdout + done.stderr
        assert copy.read_text() == source.read_text()
    finally:
        conn.close()
