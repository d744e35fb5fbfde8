"""The engine fixture itself, and a few basics every other engine test leans on."""

from __future__ import annotations

from decimal import Decimal


def test_scalar_and_types(tsql) -> None:
    assert tsql.scalar("SELECT 10 / 3") == 3
    assert tsql.scalar("SELECT 10 / 3.0") == Decimal("3.333333")
    assert tsql.type_of("10 / 3.0") == "decimal(17,6)"
    assert tsql.type_of("N'abc' + 'de'") == "nvarchar(5)"


def test_errors_carry_numbers(tsql) -> None:
    error = tsql.error("SELECT * FROM nosuch")
    assert (error.number, error.severity, error.state) == (208, 16, 1)
    assert error.text == "Invalid object name 'nosuch'."


def test_tables_round_trip(tsql) -> None:
    tsql.run("CREATE TABLE t (id int IDENTITY PRIMARY KEY, name nvarchar(20) NOT NULL)")
    tsql.run("INSERT INTO t (name) VALUES (N'a'), (N'b')")
    assert tsql.rows("SELECT id, name FROM t ORDER BY id") == [(1, "a"), (2, "b")]
    assert tsql.scalar("SELECT SCOPE_IDENTITY()") == Decimal(2)
