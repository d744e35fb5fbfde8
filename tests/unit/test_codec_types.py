"""Round-trip properties of every type codec: a value encoded for a column (and as an RPC
parameter) decodes to the same value, at every TDS version that carries the type natively."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tdsnet import sqltypes
from tdsnet.sqltypes import SqlType, parse_type
from tdsnet.tds import datatypes as d
from tdsnet.tds import requests, tokens
from tdsnet.tds.wire import Reader

VERSIONS = [0x71000001, 0x72090002, 0x730B0003, 0x74000004]


def roundtrip(st_type: SqlType, value, nullable: bool = True, version: int = 0x74000004):
    wt, encode = d.column_codec(st_type, nullable, version)
    info = d.encode_type_info(wt)
    read = Reader(info + encode(value))
    decoded_type = d.decode_type_info(read)
    result = d.value_decoder(decoded_type)(read)
    assert read.remaining == 0
    return result


def param_roundtrip(st_type: SqlType, value, version: int = 0x74000004):
    encoded = requests.encode_param(requests.RpcParam("@p", value, st_type), version)
    request = requests.encode_rpc(requests.RpcRequest([requests.RpcCall("sp_x", [])]), version)
    request += encoded
    decoded = requests.decode_rpc(request, version)
    return decoded.calls[0].params[0].value


def both(st_type: SqlType, value, version: int = 0x74000004):
    return roundtrip(st_type, value, True, version), param_roundtrip(st_type, value, version)


ints = {
    "tinyint": st.integers(0, 255),
    "smallint": st.integers(-(2**15), 2**15 - 1),
    "int": st.integers(-(2**31), 2**31 - 1),
    "bigint": st.integers(-(2**63), 2**63 - 1),
}


@pytest.mark.parametrize("name", list(ints))
@given(data=st.data())
def test_integers(name, data) -> None:
    value = data.draw(st.one_of(st.none(), ints[name]))
    st_type = parse_type(name)
    assert both(st_type, value) == (value, value)
    if value is not None:
        assert roundtrip(st_type, value, nullable=False) == value


@given(st.one_of(st.none(), st.booleans()))
def test_bit(value) -> None:
    assert both(sqltypes.BIT, value) == (value, value)


@given(st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False)))
def test_float(value) -> None:
    assert both(sqltypes.FLOAT, value) == (value, value)


@given(st.one_of(st.none(), st.floats(width=32, allow_nan=False, allow_infinity=False)))
def test_real(value) -> None:
    assert both(sqltypes.REAL, value) == (value, value)


@given(st.data())
def test_decimal(data) -> None:
    precision = data.draw(st.integers(1, 38))
    scale = data.draw(st.integers(0, precision))
    digits = data.draw(st.integers(-(10**precision) + 1, 10**precision - 1))
    value = Decimal(digits).scaleb(-scale, sqltypes.DECIMAL_CONTEXT)
    for name in ("decimal", "numeric"):
        st_type = SqlType(name, precision=precision, scale=scale)
        assert both(st_type, value) == (value, value)
        assert both(st_type, None) == (None, None)


@given(st.integers(-(2**63), 2**63 - 1))
def test_money(scaled) -> None:
    value = Decimal(scaled).scaleb(-4)
    assert both(sqltypes.MONEY, value) == (value, value)
    small = Decimal(scaled % 2**31 - 2**30).scaleb(-4)
    assert both(sqltypes.SMALLMONEY, small) == (small, small)


text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)
latin = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=300)


@pytest.mark.parametrize("version", VERSIONS)
@given(value=st.one_of(st.none(), text))
def test_unicode_strings(version, value) -> None:
    for type_text in ("nvarchar(300)", "nvarchar(max)", "ntext"):
        assert both(parse_type(type_text), value, version) == (value, value)


@pytest.mark.parametrize("version", VERSIONS)
@given(value=st.one_of(st.none(), latin))
def test_single_byte_strings(version, value) -> None:
    for type_text in ("varchar(300)", "varchar(max)", "text"):
        assert both(parse_type(type_text), value, version) == (value, value)
    padded = None if value is None else value.ljust(300)
    assert both(parse_type("char(300)"), value, version) == (padded, padded)


@pytest.mark.parametrize("version", VERSIONS)
@given(value=st.one_of(st.none(), st.binary(max_size=9000)))
def test_binaries(version, value) -> None:
    for type_text in ("varbinary(max)", "image"):
        assert both(parse_type(type_text), value, version) == (value, value)
    short = None if value is None else value[:300]
    assert both(parse_type("varbinary(300)"), short, version) == (short, short)


dates = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))


@given(st.one_of(st.none(), dates))
def test_date(value) -> None:
    assert both(sqltypes.DATE, value) == (value, value)


def _rounded(value: dt.datetime, scale: int) -> dt.datetime:
    """SQL Server's rounding of a datetime to ``scale`` fractional digits (past midnight rolls over)."""
    unit = 10 ** (6 - scale) if scale < 6 else 1
    micros = (value.microsecond + unit // 2) // unit * unit
    return value.replace(microsecond=0) + dt.timedelta(microseconds=micros)


@given(st.one_of(st.none(), st.times()), st.integers(0, 7))
def test_time(value, scale) -> None:
    st_type = SqlType("time", scale=scale)
    got = both(st_type, value)
    if value is None:
        assert got == (None, None)
        return
    expected = _rounded(dt.datetime.combine(dt.date(2000, 1, 1), value), scale).time()  # wraps at midnight
    assert got == (expected, expected)


@given(
    st.one_of(
        st.none(),
        st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 30, 23, 59)),
    ),
    st.integers(0, 7),
)
def test_datetime2(value, scale) -> None:
    st_type = SqlType("datetime2", scale=scale)
    got = both(st_type, value)
    if value is None:
        assert got == (None, None)
        return
    expected = _rounded(value, scale)
    assert got == (expected, expected)


@given(
    st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30)),
    st.integers(-14 * 60, 14 * 60),
)
def test_datetimeoffset(value, minutes) -> None:
    aware = value.replace(tzinfo=dt.timezone(dt.timedelta(minutes=minutes)))
    for result in both(sqltypes.DATETIMEOFFSET, aware):
        assert result == aware and result.utcoffset() == aware.utcoffset()


@given(st.datetimes(min_value=dt.datetime(1753, 1, 1), max_value=dt.datetime(9999, 12, 31, 23, 59, 59)))
def test_datetime_rounds_to_three_hundredths(value) -> None:
    days, ticks = d.datetime_parts(value)
    for result in both(sqltypes.DATETIME, value):
        assert d.datetime_parts(result) == (days, ticks)
        assert result.microsecond % 1000 == 0 and (result.microsecond // 1000) % 10 in (0, 3, 7)


@given(st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2079, 6, 6, 23, 58)))
def test_smalldatetime_rounds_to_minutes(value) -> None:
    for result in both(sqltypes.SMALLDATETIME, value):
        assert result.second == 0 and result.microsecond == 0
        assert abs((result - value).total_seconds()) <= 30


@given(st.one_of(st.none(), st.uuids()))
def test_uniqueidentifier(value) -> None:
    assert both(sqltypes.UNIQUEIDENTIFIER, value) == (value, value)


def test_seventh_digit_survives() -> None:
    value = sqltypes.DateTime7.of(dt.datetime(2024, 5, 6, 7, 8, 9, 123456), 7)
    for result in both(sqltypes.DATETIME2, value):
        assert sqltypes.tick_of(result) == 7 and result == value
    clock = sqltypes.Time7.of(dt.time(1, 2, 3, 999999), 9)
    for result in both(sqltypes.TIME, clock):
        assert sqltypes.tick_of(result) == 9


@given(
    st.one_of(
        st.integers(-(2**63), 2**63 - 1),
        st.floats(allow_nan=False, allow_infinity=False),
        latin,
        st.binary(max_size=100),
        dates,
        st.uuids(),
        st.booleans(),
    )
)
def test_sql_variant(value) -> None:
    assert roundtrip(sqltypes.SQL_VARIANT, value) == value


@pytest.mark.parametrize("version", [0x71000001, 0x72090002])
def test_downlevel_dates_travel_as_sql_server_text(version) -> None:
    moment = sqltypes.DateTime7.of(dt.datetime(2024, 1, 2, 3, 4, 5, 678901), 2)
    assert roundtrip(SqlType("datetime2", scale=7), moment, True, version) == "2024-01-02 03:04:05.6789012"
    assert roundtrip(sqltypes.DATE, dt.date(2024, 1, 2), True, version) == "2024-01-02"
    offset = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=-8)))
    assert roundtrip(SqlType("datetimeoffset", scale=0), offset, True, version) == "2024-01-02 03:04:05 -08:00"


def test_result_shape_rows_with_nbcrow_and_row() -> None:
    columns = [
        sqltypes.Column("a", sqltypes.INT),
        sqltypes.Column("b", sqltypes.nvarchar(10)),
        sqltypes.Column("c", sqltypes.DATE),
    ]
    for version in VERSIONS:
        shape = tokens.ResultShape(columns, version)
        reader = tokens.TokenReader(version)
        payload = shape.colmetadata + shape.encode_rows([(1, "x", dt.date(2020, 1, 1)), (None, None, None)])
        events = reader.read(payload)
        rows = [e.values for e in events if isinstance(e, tokens.Row)]
        expected_date = dt.date(2020, 1, 1) if version >= 0x730B0003 else "2020-01-01"
        assert rows == [[1, "x", expected_date], [None, None, None]]
        assert payload.count(b"\xd2") >= (1 if version >= 0x730B0003 else 0)
