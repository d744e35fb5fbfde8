"""[core] acceptance with jTDS 1.3.1: LOGIN7 with no PRELOGIN, TDS 7.1 token layouts, the
date/time types in their down-level text form, parameters through prepared statements.
"""

from __future__ import annotations

import shutil
import subprocess
import uuid
from decimal import Decimal
from pathlib import Path

import pytest

from harness import JTDS_JAR, Server, compile_java
from typecases import CASES, Case

pytestmark = [
    pytest.mark.clients,
    pytest.mark.skipif(
        not JTDS_JAR.exists() or shutil.which("javac") is None,
        reason="jTDS (Debian libjtds-java) or javac is not installed",
    ),
]

# What a TDS 7.1 client reads for the types TDS 7.1 lacks: SQL Server sends them as nvarchar.
DOWNLEVEL = {
    "c_date": "2024-02-29",
    "c_time": "23:59:58.1234560",
    "c_time0": "08:30:15",
    "c_datetime2": "0001-01-01 00:00:00.0000010",
    "c_datetime2_3": "2024-01-02 03:04:05.678",
    "c_dto": "2024-07-04 12:00:00.5000000 +05:30",
    # datetime and smalldatetime are TDS 7.1 types: jTDS shows java.sql.Timestamp text.
    "c_datetime": "2023-12-31 23:59:59.997",
    "c_smalldatetime": "2020-06-15 14:30:00.0",
}


def _setter(case: Case) -> tuple[str, str]:
    value = case.value
    if isinstance(value, bool):
        return "boolean", str(value).lower()
    if case.sql_type in ("tinyint", "smallint"):
        return "short", str(value)
    if case.sql_type in ("int", "bigint"):
        return ("int" if case.sql_type == "int" else "long"), str(value)
    if case.sql_type in ("real", "float"):
        return ("float" if case.sql_type == "real" else "double"), repr(value)
    if isinstance(value, Decimal):
        return "decimal", str(value)
    if isinstance(value, bytes):
        return "bytes", value.hex()
    if case.sql_type == "datetime":
        return "timestamp", value.strftime("%Y-%m-%d %H:%M:%S.%f")
    return "string", str(value)


def _expected(case: Case) -> str:
    value = case.result
    if case.column in DOWNLEVEL:
        return DOWNLEVEL[case.column]
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, uuid.UUID):
        return str(value).upper()
    if isinstance(value, float):
        return repr(value)
    return str(value)


@pytest.fixture(scope="module")
def jtds_program(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return compile_java(tmp_path_factory.mktemp("java"), "JtdsRoundTrip.java")


def test_jtds_roundtrip(server: Server, jtds_program: Path, tmp_path: Path) -> None:
    cases_file = tmp_path / "cases.tsv"
    cases_file.write_text(
        "".join("\t".join([c.column, c.sql_type, *_setter(c), c.literal]) + "\n" for c in CASES),
        encoding="utf-8",
    )
    completed = subprocess.run(
        [
            "java",
            "-cp",
            f"{JTDS_JAR}:{jtds_program}",
            "JtdsRoundTrip",
            server.host,
            str(server.port),
            "sa",
            server.sa_password,
            "types_jtds",
            str(cases_file),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    lines = [line.split("\t") for line in completed.stdout.splitlines()]
    values = {(int(row), column): value for row, column, value in (f for f in lines if f[0].isdigit())}
    problems = []
    for row in (1, 2, 3):
        for case in CASES:
            want = "\\N" if row == 3 else _expected(case)
            got = values.get((row, case.column))
            if got != want:
                problems.append((row, case.column, (got or "")[:60], want[:60]))
    assert problems == []
    extra = {f[0]: f[1:] for f in lines if not f[0].isdigit()}
    assert extra["protocol"] == [str(0x71000001)]  # TDS 7.1, answered in the client's own version
    assert extra["error"][0] == "208"
    assert "Invalid object name 'no_such_table'" in extra["error"][1]
    assert extra["after"] == ["42"]
