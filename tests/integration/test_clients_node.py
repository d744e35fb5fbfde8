"""[core] acceptance with tedious 19 on Node 20, with encrypt true (trusting the certificate)
and 'strict' (TDS 8.0, the certificate given as a CA): every type as a typed parameter, as a
literal and as NULL, read back; 208 for a missing table; the connection still usable.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from decimal import Decimal
from typing import Any

import pytest

from harness import Server, node_clients_ready
from probes import run_node_plan as run_plan
from typecases import (
    CASES,
    Case,
    create_table_sql,
    insert_literals_sql,
    insert_nulls_sql,
    select_sql,
)

pytestmark = [
    pytest.mark.clients,
    pytest.mark.skipif(
        not node_clients_ready(),
        reason="node and tedious are not installed (make test installs them)",
    ),
]

# tedious sends decimals as JS numbers (parseFloat, at most a 64-bit magnitude): the parameter
# row uses values a double holds exactly; the literal row still carries the full precision.
JS_EXACT = {
    "c_decimal": Decimal("12345.6789"),
    "c_numeric": Decimal("12345.0123456789"),
    "c_money": Decimal("922337.5807"),
    "c_smallmoney": Decimal("-214748.3648"),
}

TEDIOUS_TYPES = {
    "bit": "Bit",
    "tinyint": "TinyInt",
    "smallint": "SmallInt",
    "int": "Int",
    "bigint": "BigInt",
    "real": "Real",
    "float": "Float",
    "money": "Money",
    "smallmoney": "SmallMoney",
    "char": "Char",
    "varchar": "VarChar",
    "nchar": "NChar",
    "nvarchar": "NVarChar",
    "text": "Text",
    "ntext": "NText",
    "binary": "Binary",
    "varbinary": "VarBinary",
    "image": "Image",
    "date": "Date",
    "time": "Time",
    "datetime": "DateTime",
    "smalldatetime": "SmallDateTime",
    "datetime2": "DateTime2",
    "datetimeoffset": "DateTimeOffset",
    "uniqueidentifier": "UniqueIdentifier",
    "decimal": "Decimal",
    "numeric": "Numeric",
}


def config(server: Server, encrypt: str) -> dict:
    return {
        "server": server.host,
        "port": server.port,
        "user": "sa",
        "password": server.sa_password,
        "encrypt": "strict" if encrypt == "strict" else True,
        "ca": str(server.certificate) if encrypt == "strict" else None,
    }


def _instant(value: dt.datetime | dt.date | dt.time) -> tuple[str, float]:
    """A value as tedious presents it: a JS Date (UTC, milliseconds) and the rest in seconds."""
    if isinstance(value, dt.time):
        value = dt.datetime.combine(dt.date(1970, 1, 1), value)
    elif not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    millis, rest = divmod(value.microsecond, 1000)
    text = value.strftime("%Y-%m-%dT%H:%M:%S") + f".{millis:03d}Z"
    if value.year < 1000:
        text = f"{value.year:04d}" + text[len(str(value.year)) :] if len(str(value.year)) < 4 else text
    return text, rest / 1_000_000


def param(case: Case, value: Any) -> dict:
    base = case.sql_type.split("(")[0]
    options: dict[str, Any] = {}
    if "(" in case.sql_type:
        args = case.sql_type.split("(")[1].rstrip(")").split(",")
        if base in ("decimal", "numeric"):
            options = {"precision": int(args[0]), "scale": int(args[1])}
        elif base in ("time", "datetime2", "datetimeoffset"):
            options = {"scale": int(args[0])}
        elif args[0] != "max" and base != "binary":
            # (tedious writes a Binary parameter's declared length even when the value is
            # shorter, which corrupts the stream; without it, the value's own length is used.)
            options = {"length": int(args[0])}
    return {
        "name": case.column,
        "type": TEDIOUS_TYPES[base],
        "value": to_json(value),
        "options": options,
    }


def to_json(value: Any) -> Any:
    if isinstance(value, bool | int | float | str) or value is None:
        return (
            {"$bigint": str(value)}
            if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53
            else value
        )
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return {"$hex": value.hex()}
    if isinstance(value, uuid.UUID):
        return str(value).upper()
    text, ns = _instant(value)
    return {"$date": text, "ns": ns}


def matches(case: Case, got: Any, want: Any) -> bool:
    """Compare tedious's view of a column with the expected Python value."""
    if want is None:
        return got is None
    if isinstance(want, bool):
        return got is want
    if isinstance(want, int):
        return str(got) == str(want) if case.sql_type == "bigint" else got == want
    if isinstance(want, float | Decimal):
        return isinstance(got, int | float) and math.isclose(got, float(want), rel_tol=1e-12)
    if isinstance(want, bytes):
        return got == {"$hex": want.hex()}
    if isinstance(want, uuid.UUID):
        return isinstance(got, str) and got.upper() == str(want).upper()
    if isinstance(want, dt.date | dt.time):
        text, ns = _instant(want)
        return got["$date"] == text and math.isclose(got.get("ns", 0) or 0, ns, abs_tol=1e-9)
    return got == want


@pytest.mark.parametrize("encrypt", ["true", "strict"])
def test_tedious_roundtrip(server: Server, encrypt: str) -> None:
    table = f"types_tedious_{encrypt}"
    names = ", ".join(c.column for c in CASES)
    values = [JS_EXACT.get(c.column, c.value) for c in CASES]
    steps = [
        {"sql": f"DROP TABLE IF EXISTS {table}"},
        {"sql": create_table_sql(table)},
        {
            "sql": f"INSERT INTO {table} (id, {names}) VALUES (1, {', '.join('@' + c.column for c in CASES)})",
            "params": [param(c, v) for c, v in zip(CASES, values, strict=True)],
        },
        {"sql": insert_literals_sql(table, 2)},
        {"sql": insert_nulls_sql(table, 3)},
        {"sql": select_sql(table)},
        {"sql": "SELECT net_transport, encrypt_option FROM sys.dm_exec_connections WHERE session_id = @@SPID"},
        {"sql": "SELECT * FROM no_such_table"},
        {"sql": "SELECT 40 + 2 AS answer"},
    ]
    results = run_plan({"config": config(server, encrypt), "steps": steps})
    assert not isinstance(results, dict), results
    for step, result in zip(steps[:5], results[:5], strict=True):
        assert result["error"] is None, (step["sql"][:80], result["error"])
    rows = results[5]["rows"]
    assert [r[0] for r in rows] == [1, 2, 3]
    problems = []
    for row, expected_values in zip(rows, (values, [c.result for c in CASES], [None] * len(CASES)), strict=True):
        for index, (case, sent) in enumerate(zip(CASES, expected_values, strict=True), 1):
            # char/nchar/binary come back padded to their length, whichever row they were sent in.
            padded = sent is case.value or (row[0] == 1 and case.column in ("c_char", "c_nchar", "c_binary"))
            want = case.result if padded and case.result != case.value else sent
            if not matches(case, row[index], want):
                problems.append((row[0], case.column, row[index], want))
    assert problems == []
    assert results[6]["rows"] == [["TCP", "TRUE"]]
    assert results[7]["error"]["number"] == 208
    assert "Invalid object name 'no_such_table'" in results[7]["error"]["message"]
    assert results[8]["rows"] == [[42]]
