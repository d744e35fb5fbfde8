"""Parameters: ? and :name markers outside literals and comments, and SQL Server types from Python values."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from tdsnet.client.errors import InterfaceError, ProgrammingError
from tdsnet.client.params import SqlParam, bind, infer_type, rewrite_named, rewrite_qmark
from tdsnet.tds.requests import ParamStatus

QMARK = [
    ("SELECT ?", "SELECT @P1", 1),
    ("SELECT ?, ? + 1", "SELECT @P1, @P2 + 1", 2),
    ("SELECT '?', ?", "SELECT '?', @P1", 1),
    ("SELECT 'it''s ?', ?", "SELECT 'it''s ?', @P1", 1),
    ('SELECT "col?" FROM t WHERE a = ?', 'SELECT "col?" FROM t WHERE a = @P1', 1),
    ("SELECT [a?]]b] FROM t WHERE a = ?", "SELECT [a?]]b] FROM t WHERE a = @P1", 1),
    ("SELECT ? -- why?\n, ?", "SELECT @P1 -- why?\n, @P2", 2),
    ("SELECT /* a /* nested? */ b? */ ?", "SELECT /* a /* nested? */ b? */ @P1", 1),
    ("SELECT N'?'", "SELECT N'?'", 0),
    ("SELECT 1 -- ?", "SELECT 1 -- ?", 0),
    ("SELECT 'unterminated ?", "SELECT 'unterminated ?", 0),
]


@pytest.mark.parametrize(("text", "rewritten", "count"), QMARK, ids=[q[0] for q in QMARK])
def test_rewrite_qmark(text: str, rewritten: str, count: int) -> None:
    assert rewrite_qmark(text) == (rewritten, count)


NAMED = [
    ("SELECT :a", "SELECT @a", ["a"]),
    ("SELECT :a, :b, :a", "SELECT @a, @b, @a", ["a", "b"]),
    ("GRANT SELECT ON SCHEMA::dbo TO :who", "GRANT SELECT ON SCHEMA::dbo TO @who", ["who"]),
    ("SELECT ':a', :b", "SELECT ':a', @b", ["b"]),
    ("SELECT CONVERT(time, '10:30')", "SELECT CONVERT(time, '10:30')", []),
    ("SELECT :_x1 -- :c", "SELECT @_x1 -- :c", ["_x1"]),
    ("SELECT :1", "SELECT :1", []),
]


@pytest.mark.parametrize(("text", "rewritten", "names"), NAMED, ids=[n[0] for n in NAMED])
def test_rewrite_named(text: str, rewritten: str, names: list[str]) -> None:
    assert rewrite_named(text) == (rewritten, names)


TYPES = [
    (None, "nvarchar(1)"),
    (True, "bit"),
    (0, "int"),
    (-(2**31), "int"),
    (2**31, "bigint"),
    (-(2**63), "bigint"),
    (2**63, "decimal(38,0)"),
    (1.5, "float"),
    (Decimal("12345678901234.5678"), "decimal(18,4)"),
    (Decimal("0.001"), "decimal(4,3)"),
    (Decimal("-5"), "decimal(1,0)"),
    (Decimal("1E+5"), "decimal(6,0)"),
    (Decimal("1234567890123456789012345678.0123456789"), "decimal(38,10)"),
    ("", "nvarchar(4000)"),
    ("x" * 4000, "nvarchar(4000)"),
    ("x" * 4001, "nvarchar(max)"),
    (b"", "varbinary(8000)"),
    (bytearray(8001), "varbinary(max)"),
    (dt.datetime(2024, 1, 2, 3, 4, 5), "datetime2(7)"),
    (dt.datetime(2024, 1, 2, tzinfo=dt.UTC), "datetimeoffset(7)"),
    (dt.date(2024, 1, 2), "date"),
    (dt.time(1, 2, 3), "time(7)"),
    (uuid.UUID("6F9619FF-8B86-D011-B42D-00C04FC964FF"), "uniqueidentifier"),
]


@pytest.mark.parametrize(("value", "sql_type"), TYPES, ids=[t[1] + ":" + repr(t[0])[:20] for t in TYPES])
def test_infer_type(value: object, sql_type: str) -> None:
    assert str(infer_type(value)) == sql_type


@pytest.mark.parametrize("value", [10**38, Decimal("NaN"), Decimal("1" * 39), object(), [1]])
def test_values_sql_server_cannot_take(value: object) -> None:
    with pytest.raises(ProgrammingError):
        infer_type(value)


def test_bind_sequence_and_mapping() -> None:
    bound = bind("SELECT ? + ?, ?", [1, 2**40, SqlParam(None, "varbinary(max)")])
    assert bound.statement == "SELECT @P1 + @P2, @P3"
    assert bound.declaration == "@P1 int, @P2 bigint, @P3 varbinary(max)"
    named = bind("SELECT :x, :y", {"y": "a", "x": SqlParam(5, "tinyint", output=True), "unused": 1})
    assert named.declaration == "@x tinyint OUTPUT, @y nvarchar(4000)"
    assert named.params[0].status == ParamStatus.BY_REF


@pytest.mark.parametrize(
    ("text", "params", "error", "message"),
    [
        ("SELECT ?, ?", [1], ProgrammingError, "contains 2 parameter marker"),
        ("SELECT ?", [1, 2], ProgrammingError, "but 2 parameter"),
        ("SELECT :a, :b", {"a": 1}, ProgrammingError, ":b"),
        ("SELECT ?", "ab", InterfaceError, "a sequence"),
        ("SELECT ?", 5, InterfaceError, "a sequence"),
    ],
)
def test_bind_errors(text: str, params: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        bind(text, params)  # type: ignore[arg-type]
