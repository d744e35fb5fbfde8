"""The row encoder compiled per result shape (`tds.rows`) writes exactly the bytes of the generic
one (`ResultShape.encode_row` per row) for every type, NULL pattern and TDS version, and fails
where it fails."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tdsnet import sqltypes
from tdsnet.sqltypes import Column, parse_type
from tdsnet.tds import rows, tokens

VERSIONS = [0x71000001, 0x72090002, 0x730A0003, 0x730B0003, 0x74000004]

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
ascii_text = st.text(st.characters(max_codepoint=127), max_size=60)


class Sub(str):
    """A str subclass: the compiled shortcut for plain str must not take it."""


def _texts() -> st.SearchStrategy:
    return st.one_of(text, ascii_text, ascii_text.map(Sub), st.integers(), st.binary(max_size=20))


def _ints(low: int, high: int) -> st.SearchStrategy:
    return st.one_of(st.integers(low, high), st.booleans())


TYPES: dict[str, st.SearchStrategy] = {
    "tinyint": _ints(0, 255),
    "smallint": _ints(-(2**15), 2**15 - 1),
    "int": _ints(-(2**31), 2**31 - 1),
    "bigint": _ints(-(2**63), 2**63 - 1),
    "bit": st.one_of(st.booleans(), st.integers(0, 2)),
    "real": st.one_of(st.floats(width=32, allow_nan=False), st.integers(-1000, 1000)),
    "float": st.one_of(st.floats(), st.integers(-1000, 1000)),
    "decimal(10,3)": st.decimals(min_value=-9999, max_value=9999, places=3),
    "money": st.decimals(min_value=-9999, max_value=9999, places=4),
    "smallmoney": st.decimals(min_value=-9999, max_value=9999, places=4),
    "datetime": st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(9999, 12, 30)),
    "smalldatetime": st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2079, 6, 5)),
    "date": st.dates(),
    "time(3)": st.times(),
    "datetime2": st.datetimes(max_value=dt.datetime(9999, 12, 30)),
    "datetimeoffset(2)": st.datetimes(
        min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30), timezones=st.just(dt.UTC)
    ),
    "uniqueidentifier": st.uuids(),
    "char(5)": _texts(),
    "varchar(7)": _texts(),
    "varchar(max)": _texts(),
    "nchar(5)": _texts(),
    "nvarchar(7)": _texts(),
    "nvarchar(max)": _texts(),
    "text": _texts(),
    "ntext": _texts(),
    "binary(4)": st.one_of(st.binary(max_size=8), st.binary(max_size=8).map(bytearray)),
    "varbinary(6)": st.one_of(st.binary(max_size=12), st.binary(max_size=8).map(bytearray), ascii_text),
    "varbinary(max)": st.binary(max_size=20),
    "image": st.binary(max_size=20),
    "sql_variant": st.one_of(st.integers(-(2**31), 2**31 - 1), ascii_text, st.binary(max_size=8)),
}


def _outcome(encode, chunk):
    try:
        return encode(chunk)
    except Exception as exc:  # the generic encoder's failure is part of its behaviour
        return type(exc)


@st.composite
def shapes_and_rows(draw):
    names = draw(st.lists(st.sampled_from(sorted(TYPES)), min_size=1, max_size=10))
    columns = [Column(f"c{i}", parse_type(name), draw(st.booleans())) for i, name in enumerate(names)]
    row = st.tuples(*(st.one_of(st.none(), TYPES[name]) for name in names))
    return columns, draw(st.lists(row, max_size=6))


@pytest.mark.parametrize("version", VERSIONS)
@settings(max_examples=300, deadline=None)
@given(case=shapes_and_rows())
def test_compiled_rows_match_the_generic_encoder(version, case) -> None:
    columns, chunk = case
    shape = tokens.ResultShape(columns, version, compile_after=0)
    assert shape.encode_rows != shape._encode_rows  # compiled
    expected = _outcome(shape._encode_rows, chunk)
    assert _outcome(shape.encode_rows, chunk) == expected


@pytest.mark.parametrize("version", VERSIONS)
def test_values_the_fast_paths_must_not_change(version) -> None:
    columns = [
        Column("i", sqltypes.INT, False),
        Column("n", sqltypes.INT),
        Column("b", sqltypes.BIT, False),
        Column("bn", sqltypes.BIT),
        Column("v", parse_type("varchar(4)")),
        Column("nv", parse_type("nvarchar(3)")),
        Column("vb", parse_type("varbinary(2)")),
        Column("m", sqltypes.MONEY),
        Column("g", sqltypes.UNIQUEIDENTIFIER),
    ]
    shape = tokens.ResultShape(columns, version, compile_after=0)
    guid = uuid.UUID(int=7)
    chunk = [
        (1, 2, True, False, "abcdef", "\ud800xyz", b"\x01\x02\x03", Decimal("1.5"), guid),
        (-1, None, 0, 2, "é€ÿ", "ab", bytearray(b"\x09"), None, str(guid)),
        (2**31 - 1, -(2**31), [], [1], 12, 3.5, "zz", 3, None),
        (0, 0, False, None, b"bytes", b"\xff", b"", Decimal(0), guid),
    ]
    assert shape.encode_rows(chunk) == shape._encode_rows(chunk)
    for first in (None, 2**31):  # a NOT NULL int has no NULL; out of range
        bad = [(first, *chunk[0][1:])]
        assert _outcome(shape.encode_rows, bad) == _outcome(shape._encode_rows, bad)
    assert _outcome(shape.encode_rows, [chunk[0][:3]]) is ValueError


def test_compiled_once_a_shape_has_sent_enough_rows() -> None:
    shape = tokens.ResultShape([Column("x", sqltypes.INT, False)], compile_after=3)
    chunk = [(1,), (2,)]
    expected = b"".join(shape.encode_row(row) for row in chunk)
    assert shape.encode_rows(chunk) == expected
    assert shape.encode_rows == shape._encode_rows  # 2 rows sent: still generic
    assert shape.encode_rows(chunk) == expected
    assert shape.encode_rows != shape._encode_rows  # 4 rows sent: compiled
    assert shape.encode_rows(chunk) == expected


def test_one_column_and_too_wide_shapes() -> None:
    one = tokens.ResultShape([Column("x", sqltypes.INT, False)], compile_after=0)
    assert one.encode_rows([(1,), (2,)]) == one._encode_rows([(1,), (2,)])
    wide = [Column(f"c{i}", sqltypes.INT) for i in range(rows.MAX_COMPILED_WIDTH + 1)]
    shape = tokens.ResultShape(wide, compile_after=0)
    assert shape.encode_rows == shape._encode_rows
    row = tuple(range(len(wide)))
    assert shape.encode_rows([row]) == shape.encode_row(row)
