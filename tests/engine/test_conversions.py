"""CAST, CONVERT and their TRY_ forms through the engine, with SQL Server's conversion rules.

Expectations come from SQL Server's documentation (CAST and CONVERT, the data type pages,
DATEFORMAT) or its well-known behaviour: truncation against rounding, the date/time styles,
datetime's 1/300 s precision, and the error numbers and texts of failed conversions.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import pytest

from conftest import Runner, check, check_error
from tdsnet.engine import functions
from tdsnet.engine.errors import SqlError

D = Decimal
UTC = dt.UTC


def offset(hours: int, minutes: int = 0) -> dt.timezone:
    return dt.timezone(dt.timedelta(hours=hours, minutes=minutes))


# --- numbers ---------------------------------------------------------------------------------------

NUMBERS = [
    # CAST and CONVERT: numeric -> int truncates, numeric -> numeric rounds (documented example)
    ("CAST(10.6496 AS int)", 10, "int"),
    ("CAST(-10.6496 AS int)", -10, "int"),
    ("CAST(10.6496 AS numeric)", D("11"), "numeric(18,0)"),
    ("CAST(-10.6496 AS numeric)", D("-11"), "numeric(18,0)"),
    ("CAST(10.3496847 AS money)", D("10.3497"), "money"),  # fewer decimals round
    ("CAST(2.5 AS decimal(2,0))", D("3"), "decimal(2,0)"),  # half away from zero
    ("CAST(-2.5 AS decimal(2,0))", D("-3"), "decimal(2,0)"),
    ("CAST(1.95 AS decimal(2,1))", D("2.0"), "decimal(2,1)"),
    ("CAST(1.5 AS decimal(5,2))", D("1.50"), "decimal(5,2)"),
    ("CAST(2.5 AS decimal)", D("3"), "decimal(18,0)"),
    # float -> int truncates, float -> numeric rounds, money -> int rounds
    ("CAST(2.7e0 AS int)", 2, "int"),
    ("CAST(-2.7e0 AS int)", -2, "int"),
    ("CAST(2.5e0 AS decimal(2,0))", D("3"), "decimal(2,0)"),
    ("CAST(CAST(2.5 AS money) AS int)", 3, "int"),
    ("CAST(CAST(-2.5 AS money) AS int)", -3, "int"),
    ("CAST(1.23456 AS money)", D("1.2346"), "money"),
    # datetime -> numbers: days since 1900-01-01, rounded to int
    ("CAST(CAST('1900-01-02 12:00' AS datetime) AS float)", 1.5, "float"),
    ("CAST(CAST('1900-01-02 12:00' AS datetime) AS int)", 2, "int"),
    ("CAST(CAST('1900-01-02 11:59' AS datetime) AS int)", 1, "int"),
    # strings -> numbers
    ("CAST('1.5' AS decimal(5,2))", D("1.50"), "decimal(5,2)"),
    ("CAST(' 12 ' AS int)", 12, "int"),
    ("CAST('+5' AS int)", 5, "int"),
    ("CAST('-5' AS smallint)", -5, "smallint"),
    ("CAST('' AS int)", 0, "int"),  # an empty string is 0
    ("CAST('1e3' AS float)", 1000.0, "float"),
    ("CAST('' AS float)", 0.0, "float"),
    ("CAST('$1,234.56' AS money)", D("1234.5600"), "money"),
    ("CAST('-$5' AS money)", D("-5.0000"), "money"),
    ("CAST('' AS money)", D("0.0000"), "money"),
    # bit: any nonzero number is 1; 'true' and 'false' are accepted
    ("CAST(2 AS bit)", True, "bit"),
    ("CAST(-1 AS bit)", True, "bit"),
    ("CAST(0.5 AS bit)", True, "bit"),
    ("CAST(0 AS bit)", False, "bit"),
    ("CAST('true' AS bit)", True, "bit"),
    ("CAST('FALSE' AS bit)", False, "bit"),
    ("CAST('0' AS bit)", False, "bit"),
    # real keeps single precision
    ("CAST(CAST(0.1 AS real) AS float)", 0.10000000149011612, "float"),
    # binary <-> int: big-endian, the rightmost bytes
    ("CAST(1 AS binary(4))", b"\x00\x00\x00\x01", "binary(4)"),
    ("CAST(CAST(1 AS smallint) AS varbinary(10))", b"\x00\x01", "varbinary(10)"),
    ("CAST(0x0102 AS int)", 258, "int"),
    ("CAST(0x0000000000000100 AS int)", 256, "int"),
    # documented round trip: decimal -> varbinary -> decimal
    ("CAST(CAST(CAST(193.57 AS decimal(5,2)) AS varbinary(20)) AS decimal(10,5))", D("193.57000"), "decimal(10,5)"),
]


@pytest.mark.parametrize(("expression", "expected", "type_name"), NUMBERS)
def test_numeric_conversions(shared: Runner, expression: str, expected: Any, type_name: str) -> None:
    check(shared, expression, expected, type_name)


NUMBER_ERRORS = [
    # documented: CAST('1.5' AS int) fails, text names the source type
    ("CAST('1.5' AS int)", 245, "Conversion failed when converting the varchar value '1.5' to data type int."),
    ("CAST(N'abc' AS int)", 245, "Conversion failed when converting the nvarchar value 'abc' to data type int."),
    ("CAST('abc' AS bit)", 245, "Conversion failed when converting the varchar value 'abc' to data type bit."),
    ("CAST('300' AS tinyint)", 244, None),
    ("CAST('3000000000' AS int)", 248, "The conversion of the varchar value '3000000000' overflowed an int column."),
    ("CAST(300 AS tinyint)", 220, "Arithmetic overflow error for data type tinyint, value = 300."),
    ("CAST(40000 AS smallint)", 220, "Arithmetic overflow error for data type smallint, value = 40000."),
    (
        "CAST(CAST(3000000000 AS bigint) AS int)",
        8115,
        "Arithmetic overflow error converting expression to data type int.",
    ),
    ("CAST(1000 AS decimal(3,0))", 8115, "Arithmetic overflow error converting int to data type numeric."),
    ("CAST(123.45 AS decimal(4,2))", 8115, "Arithmetic overflow error converting numeric to data type numeric."),
    ("CAST(1e10 AS int)", 8115, None),
    ("CAST('abc' AS decimal(5,2))", 8114, "Error converting data type varchar to numeric."),
    ("CAST('1e3' AS decimal(5,0))", 8114, "Error converting data type varchar to numeric."),
    ("CAST('' AS decimal(5,0))", 8114, "Error converting data type varchar to numeric."),  # documented
    ("CAST('abc' AS float)", 8114, "Error converting data type varchar to float."),
    ("CAST(N'abc' AS float)", 8114, "Error converting data type nvarchar to float."),
    ("CAST('abc' AS money)", 235, "Cannot convert a char value to money. The char value has incorrect syntax."),
    ("CAST(CAST('2024-01-02' AS date) AS int)", 529, "Explicit conversion from data type date to int is not allowed."),
    ("CAST(SYSDATETIME() AS int)", 529, "Explicit conversion from data type datetime2 to int is not allowed."),
    ("CAST(NEWID() AS int)", 529, "Explicit conversion from data type uniqueidentifier to int is not allowed."),
]


@pytest.mark.parametrize(("sql", "number", "text"), NUMBER_ERRORS)
def test_numeric_conversion_errors(shared: Runner, sql: str, number: int, text: str | None) -> None:
    check_error(shared, sql, number, text)


# --- to character data -----------------------------------------------------------------------------

TO_STRING = [
    ("CAST(1.5 AS varchar(10))", "1.5", "varchar(10)"),
    ("CAST(1.50 AS varchar(10))", "1.50", "varchar(10)"),  # a decimal keeps its scale
    ("CAST(-0.5 AS nvarchar(10))", "-0.5", "nvarchar(10)"),
    ("CAST(123 AS varchar(2))", "*", "varchar(2)"),  # documented: an int too long shows *
    ("CAST(123 AS char(2))", "* ", "char(2)"),
    ("CAST(CAST(1 AS bit) AS varchar(5))", "1", "varchar(5)"),
    ("CAST('abc' AS varchar(2))", "ab", "varchar(2)"),  # strings truncate
    ("CAST('abc' AS char(5))", "abc  ", "char(5)"),
    ("CAST(N'abc' AS nchar(4))", "abc ", "nchar(4)"),
    # float style 0: six significant digits, three-digit exponents
    ("CAST(1234567e0 AS varchar(30))", "1.23457e+006", "varchar(30)"),
    ("CAST(123456.7e0 AS varchar(30))", "123457", "varchar(30)"),
    ("CAST(0.1e0 AS varchar(30))", "0.1", "varchar(30)"),
    ("CAST(1e0 / 3 AS varchar(30))", "0.333333", "varchar(30)"),
    ("CAST(0.00001e0 AS varchar(30))", "1e-005", "varchar(30)"),
    # float styles 1 and 2: 8 and 16 digits, always scientific
    ("CONVERT(varchar(30), 1234.5e0, 1)", "1.2345000e+003", "varchar(30)"),
    ("CONVERT(varchar(30), 1234.5e0, 2)", "1.234500000000000e+003", "varchar(30)"),
    # money styles (documented): 0 two decimals, 1 commas, 2 four decimals
    ("CAST(CAST(4235.98 AS money) AS varchar(30))", "4235.98", "varchar(30)"),
    ("CONVERT(varchar(30), CAST(3510.92 AS money), 1)", "3,510.92", "varchar(30)"),
    ("CONVERT(varchar(30), CAST(4235.9819 AS money), 2)", "4235.9819", "varchar(30)"),
    ("CONVERT(varchar(30), CAST(1234567.891 AS money), 0)", "1234567.89", "varchar(30)"),
    ("CONVERT(varchar(30), CAST(1234567.891 AS money), 1)", "1,234,567.89", "varchar(30)"),
    # binary styles (documented example H)
    ("CONVERT(char(8), 0x4E616d65, 0)", "Name    ", "char(8)"),
    ("CONVERT(char(8), 0x4E616d65, 1)", "0x4E616D", "char(8)"),
    ("CONVERT(char(8), 0x4E616d65, 2)", "4E616D65", "char(8)"),
    ("CONVERT(varchar(30), 0x0A0b, 1)", "0x0A0B", "varchar(30)"),
    # uniqueidentifier
    (
        "CAST(CAST('6f9619ff-8b86-d011-b42d-00c04fc964ff' AS uniqueidentifier) AS char(36))",
        "6F9619FF-8B86-D011-B42D-00C04FC964FF",
        "char(36)",
    ),
    # a NULL style is NULL
    ("CONVERT(varchar(10), 1, NULL)", None, "varchar(10)"),
    ("CAST(NULL AS varchar(10))", None, "varchar(10)"),
]


@pytest.mark.parametrize(("expression", "expected", "type_name"), TO_STRING)
def test_conversions_to_character_data(shared: Runner, expression: str, expected: Any, type_name: str) -> None:
    check(shared, expression, expected, type_name)


def test_too_short_for_a_number_is_an_error(shared: Runner) -> None:
    check_error(
        shared,
        "CAST(123 AS nvarchar(2))",
        8115,
        "Arithmetic overflow error converting expression to data type nvarchar.",
    )
    check_error(
        shared, "CAST(123.45 AS varchar(2))", 8115, "Arithmetic overflow error converting numeric to data type varchar."
    )
    check_error(
        shared,
        "CAST(NEWID() AS varchar(10))",
        8170,
        "Insufficient result space to convert uniqueidentifier value to varchar.",
    )


# --- dates and times as character data -------------------------------------------------------------

DT = "CAST('2019-08-23 13:39:17.090' AS datetime)"

# documented example J: every style of a datetime value
DATE_STYLES = [
    (0, "Aug 23 2019  1:39PM"),
    (1, "08/23/19"),
    (2, "19.08.23"),
    (3, "23/08/19"),
    (4, "23.08.19"),
    (5, "23-08-19"),
    (6, "23 Aug 19"),
    (7, "Aug 23, 19"),
    (8, "13:39:17"),
    (9, "Aug 23 2019  1:39:17:090PM"),
    (10, "08-23-19"),
    (11, "19/08/23"),
    (12, "190823"),
    (13, "23 Aug 2019 13:39:17:090"),
    (14, "13:39:17:090"),
    (20, "2019-08-23 13:39:17"),
    (21, "2019-08-23 13:39:17.090"),
    (22, "08/23/19  1:39:17 PM"),
    (23, "2019-08-23"),
    (24, "13:39:17"),
    (25, "2019-08-23 13:39:17.090"),
    (100, "Aug 23 2019  1:39PM"),
    (101, "08/23/2019"),
    (102, "2019.08.23"),
    (103, "23/08/2019"),
    (104, "23.08.2019"),
    (105, "23-08-2019"),
    (106, "23 Aug 2019"),
    (107, "Aug 23, 2019"),
    (108, "13:39:17"),
    (109, "Aug 23 2019  1:39:17:090PM"),
    (110, "08-23-2019"),
    (111, "2019/08/23"),
    (112, "20190823"),
    (114, "13:39:17:090"),
    (120, "2019-08-23 13:39:17"),
    (121, "2019-08-23 13:39:17.090"),
    (126, "2019-08-23T13:39:17.090"),
    (127, "2019-08-23T13:39:17.090"),
]


@pytest.mark.parametrize(("style", "expected"), DATE_STYLES)
def test_datetime_styles(shared: Runner, style: int, expected: str) -> None:
    check(shared, f"CONVERT(nvarchar(30), {DT}, {style})", expected, "nvarchar(30)")


TEMPORAL_TEXT = [
    # CAST uses style 0 for datetime and smalldatetime, 121 for the other types (documented example G)
    ("CAST(CAST('2006-04-18 09:58:04.570' AS datetime) AS nvarchar(30))", "Apr 18 2006  9:58AM"),
    ("CAST(CAST('2024-01-02 03:04:05.997' AS datetime) AS varchar(30))", "Jan  2 2024  3:04AM"),
    ("CAST(CAST('2024-01-02 13:04' AS smalldatetime) AS varchar(30))", "Jan  2 2024  1:04PM"),
    ("CAST(CAST('2010-07-20 13:44:31.5879025' AS datetime2) AS varchar(30))", "2010-07-20 13:44:31.5879025"),
    ("CAST(CAST('2010-07-20 13:44:31.58' AS datetime2(2)) AS varchar(30))", "2010-07-20 13:44:31.58"),
    ("CAST(CAST('2024-01-02' AS date) AS varchar(20))", "2024-01-02"),
    ("CAST(CAST('13:04:05.5' AS time) AS varchar(20))", "13:04:05.5000000"),
    ("CAST(CAST('13:04:05.5' AS time(2)) AS varchar(20))", "13:04:05.50"),
    ("CAST(CAST('2024-01-02 10:00 +05:00' AS datetimeoffset) AS varchar(40))", "2024-01-02 10:00:00.0000000 +05:00"),
    # documented example O: datetime2 in style 126 keeps its seven digits
    ("CONVERT(varchar(30), CAST('2010-07-20 13:44:31.5879025' AS datetime2), 126)", "2010-07-20T13:44:31.5879025"),
    ("CONVERT(varchar(30), CAST('2012-11-07 18:26:20.000' AS datetime), 126)", "2012-11-07T18:26:20"),  # no .000
    ("CONVERT(varchar(40), CAST('2024-01-02 10:00 +05:00' AS datetimeoffset), 127)", "2024-01-02T05:00:00Z"),
    ("CONVERT(varchar(40), CAST('2024-01-02 10:00 +05:00' AS datetimeoffset), 126)", "2024-01-02T10:00:00+05:00"),
    ("CONVERT(varchar(10), CAST('2024-01-02 10:00' AS datetime), 120)", "2024-01-02"),  # truncation drops parts
    ("CONVERT(varchar(30), CAST('2024-01-02 10:00' AS smalldatetime), 120)", "2024-01-02 10:00:00"),
]


@pytest.mark.parametrize(("expression", "expected"), TEMPORAL_TEXT)
def test_temporal_to_character_data(shared: Runner, expression: str, expected: str) -> None:
    check(shared, expression, expected)


def test_invalid_style_is_error_281(shared: Runner) -> None:
    check_error(
        shared,
        "CONVERT(varchar(30), GETDATE(), 999)",
        281,
        "999 is not a valid style number when converting from datetime to a character string.",
    )
    check_error(shared, "CONVERT(varchar(30), GETDATE(), 15)", 281)


# --- character data to dates and times -------------------------------------------------------------

FROM_STRING = [
    # the forms SQL Server reads
    ("CAST('2024-01-02' AS date)", dt.date(2024, 1, 2), "date"),
    ("CAST('20240102' AS datetime)", dt.datetime(2024, 1, 2), "datetime"),
    ("CAST('240102' AS date)", dt.date(2024, 1, 2), "date"),
    ("CAST('2024' AS datetime)", dt.datetime(2024, 1, 1), "datetime"),
    ("CAST('1/2/2024' AS date)", dt.date(2024, 1, 2), "date"),  # DATEFORMAT mdy
    ("CAST('1/2/24' AS date)", dt.date(2024, 1, 2), "date"),
    ("CAST('1/2/49' AS date)", dt.date(2049, 1, 2), "date"),  # two digit year cutoff 2049
    ("CAST('1/2/50' AS date)", dt.date(1950, 1, 2), "date"),
    ("CAST('Jan 2 2024 3:04PM' AS datetime)", dt.datetime(2024, 1, 2, 15, 4), "datetime"),
    ("CAST('January 2, 2024' AS date)", dt.date(2024, 1, 2), "date"),
    ("CAST('2 Jan 2024' AS date)", dt.date(2024, 1, 2), "date"),
    ("CAST('20240102 10:00' AS datetime2)", dt.datetime(2024, 1, 2, 10, 0), "datetime2(7)"),
    ("CAST('2024-01-02T10:00:00.1234567' AS datetime2(3))", dt.datetime(2024, 1, 2, 10, 0, 0, 123000), "datetime2(3)"),
    ("CAST('2024-01-02T10:00:00.1235' AS datetime2(3))", dt.datetime(2024, 1, 2, 10, 0, 0, 124000), "datetime2(3)"),
    ("CAST('10:00 PM' AS time)", dt.time(22, 0), "time(7)"),
    ("CAST('10:00' AS datetime)", dt.datetime(1900, 1, 1, 10, 0), "datetime"),  # the date part defaults
    ("CAST('12:30:20:1' AS datetime)", dt.datetime(1900, 1, 1, 12, 30, 20), "datetime"),  # a colon: milliseconds
    ("CAST('12:30:20.1' AS datetime)", dt.datetime(1900, 1, 1, 12, 30, 20, 100000), "datetime"),  # a period: tenths
    # datetime rounds to .000, .003 or .007 (the datetime page's table)
    ("CAST('1998-01-01 23:59:59.999' AS datetime)", dt.datetime(1998, 1, 2), "datetime"),
    ("CAST('1998-01-01 23:59:59.998' AS datetime)", dt.datetime(1998, 1, 1, 23, 59, 59, 997000), "datetime"),
    ("CAST('1998-01-01 23:59:59.995' AS datetime)", dt.datetime(1998, 1, 1, 23, 59, 59, 997000), "datetime"),
    ("CAST('1998-01-01 23:59:59.994' AS datetime)", dt.datetime(1998, 1, 1, 23, 59, 59, 993000), "datetime"),
    ("CAST('1998-01-01 23:59:59.992' AS datetime)", dt.datetime(1998, 1, 1, 23, 59, 59, 993000), "datetime"),
    ("CAST('1998-01-01 23:59:59.991' AS datetime)", dt.datetime(1998, 1, 1, 23, 59, 59, 990000), "datetime"),
    # smalldatetime rounds to the minute: 29.998 seconds down, 29.999 up
    ("CAST('2000-05-08 12:35:29.998' AS smalldatetime)", dt.datetime(2000, 5, 8, 12, 35), "smalldatetime"),
    ("CAST('2000-05-08 12:35:29.999' AS smalldatetime)", dt.datetime(2000, 5, 8, 12, 36), "smalldatetime"),
    # datetimeoffset
    (
        "CAST('2024-01-02 10:00 +05:00' AS datetimeoffset)",
        dt.datetime(2024, 1, 2, 10, 0, tzinfo=offset(5)),
        "datetimeoffset(7)",
    ),
    ("CAST('2024-01-02T10:00:00Z' AS datetimeoffset)", dt.datetime(2024, 1, 2, 10, 0, tzinfo=UTC), "datetimeoffset(7)"),
    ("CAST('2024-01-02 10:00' AS datetimeoffset)", dt.datetime(2024, 1, 2, 10, 0, tzinfo=UTC), "datetimeoffset(7)"),
    (
        "CAST(CAST('2024-01-02 10:00 +05:00' AS datetimeoffset) AS datetime2)",
        dt.datetime(2024, 1, 2, 10, 0),
        "datetime2(7)",
    ),
    # between the types
    ("CAST(CAST('10:00' AS time) AS datetime)", dt.datetime(1900, 1, 1, 10, 0), "datetime"),
    ("CAST(CAST('2024-01-02 10:00' AS datetime) AS date)", dt.date(2024, 1, 2), "date"),
    ("CAST(CAST('2024-01-02 10:00:30.5' AS datetime2) AS time(0))", dt.time(10, 0, 31), "time(0)"),
    ("CAST(1 AS datetime)", dt.datetime(1900, 1, 2), "datetime"),
    ("CAST(2.5 AS datetime)", dt.datetime(1900, 1, 3, 12, 0), "datetime"),
    ("CAST(-1 AS smalldatetime)", None, None),  # placeholder replaced below
]
FROM_STRING.pop()  # smalldatetime before 1900 is an error, tested separately


@pytest.mark.parametrize(("expression", "expected", "type_name"), FROM_STRING)
def test_conversions_to_temporal_types(shared: Runner, expression: str, expected: Any, type_name: str) -> None:
    check(shared, expression, expected, type_name)


STYLE_INPUT = [
    ("CONVERT(datetime, '23/10/2016', 103)", dt.datetime(2016, 10, 23)),
    ("CONVERT(datetime, '10/23/2016', 101)", dt.datetime(2016, 10, 23)),
    ("CONVERT(date, '23.10.2016', 104)", dt.date(2016, 10, 23)),
    ("CONVERT(date, '23-10-2016', 105)", dt.date(2016, 10, 23)),
    ("CONVERT(date, '10-23-2016', 110)", dt.date(2016, 10, 23)),
    ("CONVERT(date, '2016/10/23', 111)", dt.date(2016, 10, 23)),
    ("CONVERT(date, '20161023', 112)", dt.date(2016, 10, 23)),
    ("CONVERT(date, '23/10/16', 3)", dt.date(2016, 10, 23)),
    ("CONVERT(datetime, '2016-10-23 11:02:07', 120)", dt.datetime(2016, 10, 23, 11, 2, 7)),
    ("CONVERT(datetime2, '2016-10-23 11:02:07.1234567', 121)", dt.datetime(2016, 10, 23, 11, 2, 7, 123456)),
    # documented example G: ISO 8601 input
    ("CONVERT(datetime, '2006-04-25T15:50:59.997', 126)", dt.datetime(2006, 4, 25, 15, 50, 59, 997000)),
    ("CAST('2006-04-25T15:50:59.997' AS datetime)", dt.datetime(2006, 4, 25, 15, 50, 59, 997000)),
    ("CONVERT(datetime, '23 Oct 2016 11:02:07:577', 113)", dt.datetime(2016, 10, 23, 11, 2, 7, 577000)),
    ("CONVERT(datetime, 'Oct 23 2016 11:02AM', 100)", dt.datetime(2016, 10, 23, 11, 2)),
    # binary from character data (documented example H)
    ("CONVERT(binary(8), 'Name', 0)", b"Name\x00\x00\x00\x00"),
    ("CONVERT(binary(4), '0x4E616D65', 1)", b"Name"),
    ("CONVERT(binary(4), '4E616D65', 2)", b"Name"),
    ("CONVERT(varbinary(10), '0x0a0B', 1)", b"\n\x0b"),
    ("CAST(CAST(0x41 AS nvarchar) AS varbinary)", b"A\x00"),  # documented: 0x4100
]


@pytest.mark.parametrize(("expression", "expected"), STYLE_INPUT)
def test_styles_reading_character_data(shared: Runner, expression: str, expected: Any) -> None:
    check(shared, expression, expected)


TEMPORAL_ERRORS = [
    ("CAST('abc' AS date)", 241, "Conversion failed when converting date and/or time from character string."),
    ("CAST('2024-02-30' AS date)", 241, "Conversion failed when converting date and/or time from character string."),
    (
        "CAST('2024-01-02 10:00:00.1234' AS datetime)",
        241,
        "Conversion failed when converting date and/or time from character string.",
    ),
    (
        "CAST('2024-02-30' AS datetime)",
        242,
        "The conversion of a varchar data type to a datetime data type resulted in an out-of-range value.",
    ),
    (
        "CAST(N'31/12/2017' AS datetime)",
        242,
        "The conversion of a nvarchar data type to a datetime data type resulted in an out-of-range value.",
    ),
    (
        "CAST('1752-12-31' AS datetime)",
        242,
        "The conversion of a varchar data type to a datetime data type resulted in an out-of-range value.",
    ),
    (
        "CAST('2079-06-07' AS smalldatetime)",
        242,
        "The conversion of a varchar data type to a smalldatetime data type resulted in an out-of-range value.",
    ),
    (
        "CAST(CAST('1700-01-01' AS datetime2) AS datetime)",
        242,
        "The conversion of a datetime2 data type to a datetime data type resulted in an out-of-range value.",
    ),
    (
        "CAST(CAST('1899-12-31' AS date) AS smalldatetime)",
        242,
        "The conversion of a date data type to a smalldatetime data type resulted in an out-of-range value.",
    ),
    ("CAST(1 AS date)", 529, "Explicit conversion from data type int to date is not allowed."),
    (
        "CAST(CAST('2024-01-02' AS date) AS time)",
        529,
        "Explicit conversion from data type date to time is not allowed.",
    ),
    ("CAST(CAST('10:00' AS time) AS date)", 529, "Explicit conversion from data type time to date is not allowed."),
    ("CAST(-1 AS smalldatetime)", 8115, "Arithmetic overflow error converting expression to data type smalldatetime."),
    ("CAST(3000000 AS datetime)", 8115, "Arithmetic overflow error converting expression to data type datetime."),
    ("CONVERT(varbinary(4), '4E616D6', 2)", 8114, "Error converting data type varchar to varbinary."),
]


@pytest.mark.parametrize(("sql", "number", "text"), TEMPORAL_ERRORS)
def test_temporal_conversion_errors(shared: Runner, sql: str, number: int, text: str) -> None:
    check_error(shared, sql, number, text)


def test_dateformat_decides_day_and_month_order(tsql: Any) -> None:
    """Under DATEFORMAT dmy, yyyy-mm-dd reads as ydm for datetime and smalldatetime only;
    the ISO 8601 form with T and the unseparated form are never ambiguous."""
    tsql.run("SET DATEFORMAT dmy")
    row = tsql.rows(
        "SELECT CAST('2024-01-02' AS datetime), CAST('2024-01-02' AS smalldatetime), CAST('2024-01-02' AS date),"
        " CAST('2024-01-02' AS datetime2), CAST('02/01/2024' AS date), CAST('2024-01-02T00:00:00' AS datetime),"
        " CAST('20240102' AS datetime)"
    )[0]
    feb1, jan2 = dt.datetime(2024, 2, 1), dt.datetime(2024, 1, 2)
    assert row == (feb1, feb1, jan2.date(), jan2, jan2.date(), jan2, jan2)
    tsql.run("SET DATEFORMAT ymd")
    assert tsql.scalar("SELECT CAST('24/01/02' AS date)") == dt.date(2024, 1, 2)
    tsql.run("SET DATEFORMAT mdy")
    assert tsql.scalar("SELECT ISDATE('13/01/2024')") == 0
    tsql.run("SET DATEFORMAT dmy")
    assert tsql.scalar("SELECT ISDATE('13/01/2024')") == 1


# --- uniqueidentifier ------------------------------------------------------------------------------

GUID = uuid.UUID("6f9619ff-8b86-d011-b42d-00c04fc964ff")


def test_uniqueidentifier_conversions(shared: Runner) -> None:
    check(shared, "CAST('6F9619FF-8B86-D011-B42D-00C04FC964FF' AS uniqueidentifier)", GUID, "uniqueidentifier")
    check(shared, "CAST('{6F9619FF-8B86-D011-B42D-00C04FC964FF}' AS uniqueidentifier)", GUID, "uniqueidentifier")
    # documented: characters past the 36 a uniqueidentifier has are cut off
    check(shared, "CAST('6F9619FF-8B86-D011-B42D-00C04FC964FFwrong' AS uniqueidentifier)", GUID, "uniqueidentifier")
    check(shared, "CAST(CAST(CAST(NULL AS uniqueidentifier) AS varbinary(16)) AS uniqueidentifier)", None)
    check_error(
        shared,
        "CAST('xyz' AS uniqueidentifier)",
        8169,
        "Conversion failed when converting from a character string to uniqueidentifier.",
    )
    check_error(
        shared,
        "CAST(1 AS uniqueidentifier)",
        529,
        "Explicit conversion from data type int to uniqueidentifier is not allowed.",
    )
    round_trip = (
        "CAST(CAST(CAST('6F9619FF-8B86-D011-B42D-00C04FC964FF' AS uniqueidentifier) AS binary(16)) AS uniqueidentifier)"
    )
    check(shared, round_trip, GUID, "uniqueidentifier")


# --- TRY_CAST / TRY_CONVERT ------------------------------------------------------------------------

TRY = [
    ("TRY_CAST('abc' AS int)", None, "int"),
    ("TRY_CAST('12' AS int)", 12, "int"),
    ("TRY_CONVERT(date, '2024-02-30')", None, "date"),
    ("TRY_CAST(300 AS tinyint)", None, "tinyint"),
    ("TRY_CAST('1.5' AS decimal(2,1))", D("1.5"), "decimal(2,1)"),
    ("TRY_CAST(123.45 AS decimal(4,2))", None, "decimal(4,2)"),
    ("TRY_CONVERT(datetime, '23/10/2016', 103)", dt.datetime(2016, 10, 23), "datetime"),
    ("TRY_CONVERT(datetime, '23/10/2016', 101)", None, "datetime"),
    ("TRY_CAST('xyz' AS uniqueidentifier)", None, "uniqueidentifier"),
    ("TRY_CAST(NULL AS int)", None, "int"),
]


@pytest.mark.parametrize(("expression", "expected", "type_name"), TRY)
def test_try_conversions(shared: Runner, expression: str, expected: Any, type_name: str) -> None:
    check(shared, expression, expected, type_name)


def test_try_conversion_of_a_forbidden_conversion_is_still_an_error(shared: Runner) -> None:
    """TRY_CAST and TRY_CONVERT fail when the conversion is explicitly not permitted."""
    check_error(shared, "TRY_CAST(1 AS date)", 529, "Explicit conversion from data type int to date is not allowed.")
    check_error(shared, "TRY_CONVERT(date, 4)", 529)


def test_conversions_store_into_columns(tsql: Any) -> None:
    tsql.run("CREATE TABLE c (d datetime, m money, i int, s smalldatetime)")
    tsql.run("INSERT INTO c VALUES ('2024-01-02 23:59:59.999', '$1,234.5', 12.9, '2024-01-02 10:00:29.999')")
    assert tsql.rows("SELECT d, m, i, s FROM c") == [
        (dt.datetime(2024, 1, 3), D("1234.5000"), 12, dt.datetime(2024, 1, 2, 10, 1))
    ]


# --- PARSE / TRY_PARSE: the functions the compiler is to call ----------------------------------------


def test_parse_reads_the_culture(tsql: Any) -> None:
    """PARSE has its own syntax (expression AS type USING culture); its implementation is
    tsql_parse(value, type, culture).  Documented examples: 'Monday, 13 December 2010' as
    datetime2 in en-US, '€345,98' as money in de-DE."""
    tsql.run("SELECT 1")
    functions.CURRENT.session = tsql.session
    try:
        assert functions.tsql_parse("Monday, 13 December 2010", "datetime2", "en-US") == "2010-12-13 00:00:00.0000000"
        assert functions.tsql_parse("€345,98", "money", "de-DE") == "345.9800"
        assert functions.tsql_parse("1,234.5", "decimal(10,2)", "en-US") == "1234.50"
        assert functions.tsql_parse("13/12/2010", "date", "en-GB") == "2010-12-13"
        assert functions.tsql_try_parse("abc", "int", "en-US") is None
        with pytest.raises(SqlError) as failure:
            functions.tsql_parse("abc", "int", "en-US")
        assert failure.value.number == 9819
        assert failure.value.message == "Error converting string value 'abc' into data type int using culture 'en-US'."
        with pytest.raises(SqlError) as failure:
            functions.tsql_try_parse("1", "int", "xx-yy")
        assert failure.value.number == 9818
    finally:
        functions.CURRENT.session = None
