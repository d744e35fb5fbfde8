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


def test_outer_join_columns_are_nullable(tsql) -> None:
    """A NOT NULL column on the outer side of a join can be NULL: COLMETADATA must say so, or the
    NULL cannot be sent at all."""
    tsql.run("CREATE TABLE oa (id int NOT NULL); CREATE TABLE ob (id int NOT NULL, f bit NOT NULL)")
    tsql.run("INSERT oa VALUES (1)")
    left = tsql.run("SELECT oa.id, ob.f FROM oa LEFT JOIN ob ON ob.id = oa.id")
    assert left.rows == [(1, None)]
    assert [c.nullable for c in left.columns] == [False, True]
    right = tsql.run("SELECT oa.id, ob.f FROM ob RIGHT JOIN oa ON ob.id = oa.id")
    assert [c.nullable for c in right.columns] == [False, True]
    full = tsql.run("SELECT oa.id, ob.f FROM oa FULL JOIN ob ON ob.id = oa.id")
    assert [c.nullable for c in full.columns] == [True, True]


def test_negative_integer_literals_are_int(tsql) -> None:
    assert tsql.type_of("-123") == "int"
    assert tsql.type_of("SIGN(-5)") == "int"
    assert tsql.rows("SELECT 1 WHERE 901578250 = -123") == []  # no conversion of the column, no 8115


def test_metadata_function_arguments(tsql) -> None:
    tsql.run("CREATE TABLE t2 (a int, b int)")
    assert tsql.scalar("SELECT COL_NAME(OBJECT_ID('t2'), 2)") == "b"
    assert tsql.scalar("SELECT OBJECT_ID('sys.tables')") < 0


def test_empty_binary_literal(tsql) -> None:
    """pymssql writes b"" as 0x."""
    assert tsql.rows("SELECT 0x, DATALENGTH(0x), 0x0A") == [(b"", 0, b"\n")]
