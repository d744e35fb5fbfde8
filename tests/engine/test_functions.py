"""T-SQL built-in scalar functions through the engine: values, result types and errors.

Expectations come from SQL Server's documentation (learn.microsoft.com T-SQL function
pages: most cases below are their documented examples) or from its well-known behaviour.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from decimal import Decimal
from typing import Any

import pytest

from conftest import Runner, check, check_error
from tdsnet.engine import functions

D = Decimal


# --- strings ---------------------------------------------------------------------------------------

STRINGS = [
    # LEN ignores trailing spaces, counts leading ones; bigint for (max)
    ("LEN('abc  ')", 3, "int"),
    ("LEN('  abc')", 5, "int"),
    ("LEN(N'  ab  ')", 4, "int"),
    ("LEN('')", 0, "int"),
    ("LEN(CAST('abc' AS varchar(max)))", 3, "bigint"),
    ("LEN(12345)", 5, "int"),
    ("LEN(N'😀')", 2, "int"),  # a supplementary character is two (UTF-16) characters
    # DATALENGTH counts bytes
    ("DATALENGTH('ab ')", 3, "int"),
    ("DATALENGTH(N'ab')", 4, "int"),
    ("DATALENGTH(CAST('ab' AS char(5)))", 5, "int"),
    ("DATALENGTH(1)", 4, "int"),
    ("DATALENGTH(CAST(1 AS bigint))", 8, "int"),
    ("DATALENGTH(CAST(1 AS decimal(10,2)))", 9, "int"),
    ("DATALENGTH(GETDATE())", 8, "int"),
    ("DATALENGTH(CAST('2024-01-01' AS date))", 3, "int"),
    ("DATALENGTH(0x010203)", 3, "int"),
    ("DATALENGTH(CAST(N'abc' AS nvarchar(max)))", 6, "bigint"),
    # CHARINDEX: 1-based, case-insensitive under the default collation, 0 when not found
    ("CHARINDEX('B', 'abc')", 2, "int"),
    ("CHARINDEX('TEST', 'This is a Test')", 11, "int"),
    ("CHARINDEX('is', 'This is a string', 4)", 6, "int"),
    ("CHARINDEX('is', 'This is a string', 0)", 3, "int"),
    ("CHARINDEX('z', 'abc')", 0, "int"),
    ("CHARINDEX('', 'abc')", 0, "int"),
    ("CHARINDEX('a', CAST('xa' AS varchar(max)))", 2, "bigint"),
    # PATINDEX: LIKE patterns, anchored where there is no %
    ("PATINDEX('%ter%', 'interesting data')", 3, "int"),
    ("PATINDEX('%en_ure%', 'Please ensure the door is locked!')", 8, "int"),
    ("PATINDEX('%[0-9]%', 'ab12')", 3, "int"),
    ("PATINDEX('%[^a-z]%', 'abc1')", 4, "int"),
    ("PATINDEX('b%', 'abc')", 0, "int"),
    ("PATINDEX('a%', 'abc')", 1, "int"),
    ("PATINDEX('%c', 'abc')", 3, "int"),
    ("PATINDEX('%', 'abc')", 1, "int"),
    # SUBSTRING / LEFT / RIGHT
    ("SUBSTRING('abcdef', 2, 3)", "bcd", "varchar(6)"),
    ("SUBSTRING('abc', 0, 2)", "a", "varchar(3)"),
    ("SUBSTRING('abc', -1, 3)", "a", "varchar(3)"),
    ("SUBSTRING('abc', 5, 1)", "", "varchar(3)"),
    ("SUBSTRING(N'abc', 2, 10)", "bc", "nvarchar(3)"),
    ("SUBSTRING(CAST('abc' AS char(3)), 1, 1)", "a", "varchar(3)"),
    ("SUBSTRING(0x010203, 2, 1)", b"\x02", "varbinary(3)"),
    ("LEFT('abcdef', 3)", "abc", "varchar(6)"),
    ("LEFT(N'abc', 10)", "abc", "nvarchar(3)"),
    ("LEFT(12345, 2)", "12", "varchar(11)"),
    ("RIGHT('abcdef', 3)", "def", "varchar(6)"),
    ("RIGHT('abc', 0)", "", "varchar(3)"),
    # REPLACE is case-insensitive under the default collation
    ("REPLACE('abcdefghicde', 'cde', 'xxx')", "abxxxfghixxx", "varchar(8000)"),
    ("REPLACE('ABC', 'b', 'x')", "AxC", "varchar(8000)"),
    ("REPLACE(N'abc', 'b', '')", "ac", "nvarchar(4000)"),
    ("REPLACE('abc', '', 'x')", "abc", "varchar(8000)"),
    # STUFF
    ("STUFF('abcdef', 2, 3, 'ijklmn')", "aijklmnef", None),
    ("STUFF('abc', 2, 1, NULL)", "ac", None),
    ("STUFF('abc', 2, 10, 'x')", "ax", None),
    # REPLICATE, REVERSE, SPACE
    ("REPLICATE('0', 4) + '123'", "0000123", None),
    ("REPLICATE('ab', 3)", "ababab", "varchar(8000)"),
    ("LEN(REPLICATE('a', 9000))", 8000, "int"),
    ("LEN(REPLICATE(CAST('a' AS varchar(max)), 9000))", 9000, "bigint"),
    ("REVERSE('abc')", "cba", "varchar(3)"),
    ("REVERSE(123)", "321", None),
    ("SPACE(3) + 'x'", "   x", None),
    # trimming removes spaces only (or the given characters)
    ("LTRIM('  a  ')", "a  ", "varchar(5)"),
    ("RTRIM('  a  ')", "  a", "varchar(5)"),
    ("TRIM('  a  ')", "a", "varchar(5)"),
    ("LTRIM('xxyza', 'xy')", "za", None),
    ("RTRIM('a.,;', '.,;')", "a", None),
    ("TRIM(CHAR(9) + 'a')", "\ta", None),
    # case
    ("UPPER('abc')", "ABC", "varchar(3)"),
    ("LOWER(N'ÀBC')", "àbc", "nvarchar(3)"),
    # CONCAT treats NULL as '', converts other types; CONCAT_WS skips NULLs
    ("CONCAT('a', NULL, 1, 2.50)", "a12.50", None),
    ("CONCAT('a', 'b')", "ab", "varchar(2)"),
    ("CONCAT(N'a', 'bc')", "abc", "nvarchar(3)"),
    ("CONCAT(NULL, NULL)", "", None),
    ("CONCAT('x', CAST('2024-01-02' AS date))", "x2024-01-02", None),
    ("CONCAT_WS('-', 'a', NULL, 'b', '')", "a-b-", None),
    ("CONCAT_WS(',', NULL, NULL)", "", None),
    # QUOTENAME
    ("QUOTENAME('abc[]def')", "[abc[]]def]", "nvarchar(258)"),
    ("QUOTENAME('abc', '''')", "'abc'", "nvarchar(258)"),
    ("QUOTENAME('a\"b', '\"')", '"a""b"', "nvarchar(258)"),
    ("QUOTENAME('abc', '(')", "(abc)", "nvarchar(258)"),
    ("QUOTENAME('abc', 'x')", None, "nvarchar(258)"),
    ("QUOTENAME(REPLICATE('a', 129))", None, "nvarchar(258)"),
    # CHAR / NCHAR / ASCII / UNICODE (code page 1252 for char)
    ("CHAR(65)", "A", "char(1)"),
    ("CHAR(128)", "€", "char(1)"),
    ("CHAR(256)", None, "char(1)"),
    ("CHAR(-1)", None, "char(1)"),
    ("NCHAR(8364)", "€", "nchar(1)"),
    ("NCHAR(65536)", None, "nchar(1)"),
    ("ASCII('A')", 65, "int"),
    ("ASCII('abc')", 97, "int"),
    ("ASCII('€')", 128, "int"),
    ("ASCII('')", None, "int"),
    ("UNICODE(N'€uro')", 8364, "int"),
    ("UNICODE(N'')", None, "int"),
    # TRANSLATE (documented examples), STRING_ESCAPE, SOUNDEX/DIFFERENCE (documented examples)
    ("TRANSLATE('2*[3+4]/{7-2}', '[]{}', '()()')", "2*(3+4)/(7-2)", "varchar(13)"),
    ("TRANSLATE('[137.4, 72.3]', '[,]', '( )')", "(137.4  72.3)", None),
    ("STRING_ESCAPE('\\   /  \"', 'json')", '\\\\   \\/  \\"', "nvarchar(max)"),
    ("STRING_ESCAPE(CHAR(10) + CHAR(9) + CHAR(1), 'json')", "\\n\\t\\u0001", "nvarchar(max)"),
    ("SOUNDEX('Smith')", "S530", "varchar(4)"),
    ("SOUNDEX('Smythe')", "S530", "varchar(4)"),
    ("SOUNDEX('Green')", "G650", "varchar(4)"),
    ("SOUNDEX('Blotchet-Halls')", "B432", "varchar(4)"),
    ("DIFFERENCE('Green', 'Greene')", 4, "int"),
    ("DIFFERENCE('Blotchet-Halls', 'Greene')", 0, "int"),
    # STR (documented examples): right-aligned, '*' when the number does not fit
    ("STR(123.45, 6, 1)", " 123.5", None),
    ("STR(123.45, 2, 2)", "**", None),
    ("STR(FLOOR(123.45), 8, 3)", " 123.000", None),
    ("STR(2.5)", "         3", "varchar(10)"),
    # NULL in, NULL out
    ("LEN(NULL)", None, "int"),
    ("UPPER(NULL)", None, None),
    ("REPLACE('abc', 'b', NULL)", None, None),
    ("CHARINDEX(NULL, 'abc')", None, "int"),
]


@pytest.mark.parametrize(("expression", "expected", "type_name"), STRINGS)
def test_string_functions(shared: Runner, expression: str, expected: Any, type_name: str | None) -> None:
    check(shared, expression, expected, type_name)


STRING_ERRORS = [
    ("LEFT('abc', -1)", 536, "Invalid length parameter passed to the left function."),
    ("RIGHT('abc', -1)", 536, "Invalid length parameter passed to the right function."),
    ("SUBSTRING('abc', 1, -1)", 537, "Invalid length parameter passed to the LEFT or SUBSTRING function."),
    ("SUBSTRING(123, 1, 1)", 8116, "Argument data type int is invalid for argument 1 of substring function."),
    (
        "TRANSLATE('abc', 'ab', 'x')",
        9828,
        "The second and third arguments of the TRANSLATE built-in function must contain an equal number of characters.",
    ),
    ("LEN('a', 'b')", 174, "The len function requires 1 argument(s)."),
]


@pytest.mark.parametrize(("sql", "number", "text"), STRING_ERRORS)
def test_string_errors(shared: Runner, sql: str, number: int, text: str) -> None:
    check_error(shared, sql, number, text)


def test_replicate_and_space_of_negative_counts_are_null(tsql: Any) -> None:
    assert tsql.rows("SELECT REPLICATE('a', -1), SPACE(-1), STUFF('abc', 0, 1, 'x'), STUFF('abc', 4, 1, 'x')") == [
        (None, None, None, None)
    ]


def test_like_bracket_sets(tsql: Any) -> None:
    rows = tsql.rows(
        "SELECT CASE WHEN 'a[b' LIKE 'a[[]b' THEN 1 ELSE 0 END, CASE WHEN 'a-' LIKE 'a[-]' THEN 1 ELSE 0 END,"
        " CASE WHEN 'abc  ' LIKE 'abc' THEN 1 ELSE 0 END, CASE WHEN 'abc' LIKE 'abc ' THEN 1 ELSE 0 END,"
        " CASE WHEN 'ABC' LIKE 'a_c' THEN 1 ELSE 0 END"
    )
    assert rows == [(1, 1, 1, 0, 1)]


def test_string_agg(tsql: Any) -> None:
    tsql.run("CREATE TABLE fruit (name varchar(10), price decimal(5,2))")
    tsql.run("INSERT INTO fruit VALUES ('apple', 1.50), ('banana', NULL), ('cherry', 0.25)")
    result = tsql.run("SELECT STRING_AGG(CAST(price AS varchar(10)), '|') FROM fruit")
    assert sorted(result.rows[0][0].split("|")) == ["0.25", "1.50"]  # NULLs are skipped
    assert str(result.columns[0].type) == "varchar(max)"
    assert tsql.scalar("SELECT STRING_AGG(name, ', ') FROM fruit WHERE price > 100") is None


# --- numbers ---------------------------------------------------------------------------------------

NUMBERS = [
    # ABS keeps the type
    ("ABS(CAST(-1.5 AS float))", 1.5, "float"),
    ("ABS(-1.50)", D("1.50"), "numeric(3,2)"),
    ("ABS(CAST(-3 AS smallint))", 3, "smallint"),
    ("ABS(CAST(-3 AS bigint))", 3, "bigint"),
    ("ABS(CAST(-2.5 AS money))", D("2.5000"), "money"),
    # ROUND (documented examples): decimal(p,s) keeps p and s; ints give int
    ("ROUND(123.9994, 3)", D("123.9990"), "decimal(7,4)"),
    ("ROUND(123.9995, 3)", D("124.0000"), "decimal(7,4)"),
    ("ROUND(123.4545, 2)", D("123.4500"), "decimal(7,4)"),
    ("ROUND(123.45, -2)", D("100.00"), "decimal(5,2)"),
    ("ROUND(748.58, -1)", D("750.00"), "decimal(5,2)"),
    ("ROUND(748.58, -2)", D("700.00"), "decimal(5,2)"),
    ("ROUND(748.58, -4)", D("0.00"), "decimal(5,2)"),
    ("ROUND(CAST(748.58 AS decimal(6,2)), -3)", D("1000.00"), "decimal(6,2)"),
    ("ROUND(150.75, 0)", D("151.00"), "decimal(5,2)"),
    ("ROUND(150.75, 0, 1)", D("150.00"), "decimal(5,2)"),
    ("ROUND(-2.5, 0)", D("-3.0"), "decimal(2,1)"),  # half away from zero
    ("ROUND(15, -1)", 20, "int"),
    ("ROUND(CAST(14 AS tinyint), -1)", 10, "int"),
    ("ROUND(CAST(15 AS bigint), -1)", 20, "bigint"),
    ("ROUND(2.5e0, 0)", 3.0, "float"),
    ("ROUND(CAST(1.2345 AS money), 2)", D("1.2300"), "money"),
    ("ROUND(CAST(1.2345 AS smallmoney), 2)", D("1.2300"), "money"),
    # CEILING / FLOOR (documented examples)
    ("CEILING(123.45)", D("124"), "decimal(5,0)"),
    ("CEILING(-123.45)", D("-123"), "decimal(5,0)"),
    ("CEILING(0.0)", D("0"), "decimal(1,0)"),
    ("FLOOR(123.45)", D("123"), "decimal(5,0)"),
    ("FLOOR(-123.45)", D("-124"), "decimal(5,0)"),
    ("FLOOR(CAST(123.45 AS money))", D("123.0000"), "money"),
    ("CEILING(CAST(-123.45 AS money))", D("-123.0000"), "money"),
    ("CEILING(1.5e0)", 2.0, "float"),
    ("FLOOR(CAST(7 AS int))", 7, "int"),
    # POWER (documented examples): the first argument's type
    ("POWER(CAST(2.0 AS float), -100.0)", 7.888609052210118e-31, "float"),
    ("POWER(2, -100.0)", 0, "int"),
    ("POWER(2.0, -100.0)", D("0.0"), "decimal(38,1)"),
    ("POWER(2, 10)", 1024, "int"),
    ("POWER(CAST(2 AS bigint), 40)", 1099511627776, "bigint"),
    ("POWER(2, -1)", 0, "int"),
    # float functions
    ("SQRT(16)", 4.0, "float"),
    ("SQUARE(3)", 9.0, "float"),
    ("EXP(0)", 1.0, "float"),
    ("LOG(1)", 0.0, "float"),
    ("LOG(8, 2)", 3.0, "float"),
    ("LOG10(1000)", 3.0, "float"),
    ("PI()", 3.141592653589793, "float"),
    ("SIN(0)", 0.0, "float"),
    ("COS(0)", 1.0, "float"),
    ("ATAN(0)", 0.0, "float"),
    ("ATN2(1, 1)", 0.7853981633974483, "float"),
    ("ASIN(1)", 1.5707963267948966, "float"),
    ("ACOS(1)", 0.0, "float"),
    ("SQRT('16')", 4.0, "float"),
    # DEGREES / RADIANS keep the argument's type: RADIANS(180) is the int 3
    ("DEGREES(PI() / 2)", 90.0, "float"),
    ("RADIANS(180)", 3, "int"),
    ("RADIANS(180e0)", 3.141592653589793, "float"),
    ("RADIANS(180.0)", D("3.1"), "decimal(38,1)"),
    # SIGN
    ("SIGN(CAST(-5 AS int))", -1, "int"),
    ("SIGN(0)", 0, "int"),
    ("SIGN(-5.5)", D("-1.0"), "numeric(2,1)"),
    ("SIGN(CAST(2 AS float))", 1.0, "float"),
    ("SIGN(CAST(-2 AS bigint))", -1, "bigint"),
    ("SIGN(CAST(3 AS money))", D("1.0000"), "money"),
    # NULL
    ("ABS(NULL)", None, "int"),
    ("ROUND(NULL, 1)", None, None),
]


NUMBERS += [
    # GREATEST / LEAST: the arguments' common type; NULLs are ignored
    ("GREATEST(1, 5, 3)", 5, "int"),
    ("GREATEST(1, NULL, 2)", 2, "int"),
    ("LEAST('b', 'a', 'c')", "a", "varchar(1)"),
    ("GREATEST(1, 2.5)", D("2.5"), "decimal(11,1)"),
    ("LEAST(NULL, NULL)", None, None),
    # HASHBYTES: digests of the bytes as stored (standard test vectors for 'abc')
    ("HASHBYTES('MD5', 'abc')", bytes.fromhex("900150983CD24FB0D6963F7D28E17F72"), "varbinary(8000)"),
    ("HASHBYTES('SHA1', 'abc')", bytes.fromhex("A9993E364706816ABA3E25717850C26C9CD0D89D"), "varbinary(8000)"),
    (
        "HASHBYTES('SHA2_256', 'abc')",
        bytes.fromhex("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"),
        "varbinary(8000)",
    ),
    ("DATALENGTH(HASHBYTES('SHA2_512', N'abc'))", 64, "int"),
    ("HASHBYTES('MD5', NULL)", None, "varbinary(8000)"),
]


@pytest.mark.parametrize(("expression", "expected", "type_name"), NUMBERS)
def test_math_functions(shared: Runner, expression: str, expected: Any, type_name: str | None) -> None:
    check(shared, expression, expected, type_name)


NUMBER_ERRORS = [
    ("ROUND(748.58, -3)", 8115, "Arithmetic overflow error converting expression to data type numeric."),
    ("ROUND(2147483647, -1)", 8115, "Arithmetic overflow error converting expression to data type int."),
    (
        "DECLARE @i int = -2147483648; SELECT ABS(@i)",
        8115,
        "Arithmetic overflow error converting expression to data type int.",
    ),
    ("POWER(2, 31)", 8115, "Arithmetic overflow error converting expression to data type int."),
    ("SQRT(-1)", 3623, "An invalid floating point operation occurred."),
    ("LOG(0)", 3623, "An invalid floating point operation occurred."),
    ("LOG10(-1)", 3623, "An invalid floating point operation occurred."),
    ("ASIN(2)", 3623, "An invalid floating point operation occurred."),
    ("ABS(GETDATE())", 8116, "Argument data type datetime is invalid for argument 1 of abs function."),
]


@pytest.mark.parametrize(("sql", "number", "text"), NUMBER_ERRORS)
def test_math_errors(shared: Runner, sql: str, number: int, text: str) -> None:
    check_error(shared, sql, number, text)


def test_variance_and_deviation(tsql: Any) -> None:
    result = tsql.run(
        "SELECT VARP(x), STDEVP(x), VAR(x), STDEV(x) FROM (VALUES (2), (4), (4), (4), (5), (5), (7), (9)) AS t(x)"
    )
    assert result.rows == [(4.0, 2.0, 32 / 7, (32 / 7) ** 0.5)]
    assert [str(c.type) for c in result.columns] == ["float", "float", "float", "float"]
    assert tsql.rows("SELECT VAR(x), VARP(x) FROM (VALUES (1)) AS t(x)") == [(None, 0.0)]


def test_rand_with_a_seed_repeats(tsql: Any) -> None:
    first, second = tsql.rows("SELECT RAND(42), RAND()")[0]
    again = tsql.rows("SELECT RAND(42), RAND()")[0]
    assert (first, second) == again
    assert 0 <= first < 1 and 0 <= second < 1
    assert tsql.type_of("RAND()") == "float"


def test_newid(tsql: Any) -> None:
    assert tsql.type_of("NEWID()") == "uniqueidentifier"
    a, b = tsql.rows("SELECT NEWID(), NEWID()")[0]
    assert a != b and a.version == 4


def test_checksums(tsql: Any) -> None:
    rows = tsql.rows(
        "SELECT CHECKSUM('abc'), CHECKSUM('ABC'), BINARY_CHECKSUM('abc'), BINARY_CHECKSUM('ABC'),"
        " CHECKSUM(1, 'a', NULL), CHECKSUM(1, 'a', NULL), CHECKSUM('abc  ')"
    )
    ci, ci_upper, binary, binary_upper, several, again, padded = rows[0]
    assert ci == ci_upper == padded  # CHECKSUM follows the case-insensitive collation
    assert binary != binary_upper  # BINARY_CHECKSUM does not
    assert several == again and isinstance(several, int) and -(2**31) <= several < 2**31
    assert tsql.type_of("CHECKSUM(1)") == "int" and tsql.type_of("BINARY_CHECKSUM(1)") == "int"


# --- dates and times -------------------------------------------------------------------------------

DT2 = "CAST('2007-01-01 13:10:10.1111111' AS datetime2)"

DATES = [
    # DATEADD (documented examples): the date argument's type, string literals give datetime
    (f"CONVERT(varchar(30), DATEADD(year, 1, {DT2}), 121)", "2008-01-01 13:10:10.1111111", None),
    (f"CONVERT(varchar(30), DATEADD(quarter, 1, {DT2}), 121)", "2007-04-01 13:10:10.1111111", None),
    (f"CONVERT(varchar(30), DATEADD(week, 1, {DT2}), 121)", "2007-01-08 13:10:10.1111111", None),
    (f"CONVERT(varchar(30), DATEADD(weekday, 1, {DT2}), 121)", "2007-01-02 13:10:10.1111111", None),
    (f"CONVERT(varchar(30), DATEADD(millisecond, 1, {DT2}), 121)", "2007-01-01 13:10:10.1121111", None),
    (f"CONVERT(varchar(30), DATEADD(microsecond, 1, {DT2}), 121)", "2007-01-01 13:10:10.1111121", None),
    (f"CONVERT(varchar(30), DATEADD(nanosecond, 49, {DT2}), 121)", "2007-01-01 13:10:10.1111111", None),
    (f"CONVERT(varchar(30), DATEADD(nanosecond, 50, {DT2}), 121)", "2007-01-01 13:10:10.1111112", None),
    (f"CONVERT(varchar(30), DATEADD(nanosecond, 150, {DT2}), 121)", "2007-01-01 13:10:10.1111113", None),
    (f"CONVERT(varchar(30), DATEADD(month, 13, {DT2}), 121)", "2008-02-01 13:10:10.1111111", None),
    (f"CONVERT(varchar(30), DATEADD(minute, 59, {DT2}), 121)", "2007-01-01 14:09:10.1111111", None),
    (f"DATEADD(day, 1, {DT2})", dt.datetime(2007, 1, 2, 13, 10, 10, 111111), "datetime2(7)"),
    ("DATEADD(month, 1, '20060830')", dt.datetime(2006, 9, 30), "datetime"),
    ("DATEADD(month, 1, '20060831')", dt.datetime(2006, 9, 30), "datetime"),
    ("DATEADD(day, 1.9, '20060831')", dt.datetime(2006, 9, 1), "datetime"),  # number truncates
    ("DATEADD(day, 1, CAST('2024-02-28' AS date))", dt.date(2024, 2, 29), "date"),
    ("DATEADD(hour, 2, CAST('23:00' AS time))", dt.time(1, 0), "time(7)"),
    (
        "DATEADD(day, 365, CAST('2000-01-01 01:01:01.111' AS datetime))",
        dt.datetime(2000, 12, 31, 1, 1, 1, 110000),
        "datetime",
    ),
    ("DATEADD(millisecond, 1, CAST('2024-01-01' AS datetime))", dt.datetime(2024, 1, 1), "datetime"),  # 1/300 s
    ("DATEADD(second, 29, CAST('2024-01-01 10:00' AS smalldatetime))", dt.datetime(2024, 1, 1, 10, 0), "smalldatetime"),
    ("DATEADD(second, 30, CAST('2024-01-01 10:00' AS smalldatetime))", dt.datetime(2024, 1, 1, 10, 1), "smalldatetime"),
    (
        "DATEADD(hour, 1, CAST('2024-01-01 10:00 +05:00' AS datetimeoffset(3)))",
        dt.datetime(2024, 1, 1, 11, 0, tzinfo=dt.timezone(dt.timedelta(hours=5))),
        "datetimeoffset(3)",
    ),
    ("DATEADD(day, 1, NULL)", None, "datetime"),
    # DATEDIFF counts boundaries (documented example: each returns 1)
    ("DATEDIFF(year, '2005-12-31 23:59:59.9999999', '2006-01-01 00:00:00.0000000')", 1, "int"),
    ("DATEDIFF(quarter, '2005-12-31 23:59:59.9999999', '2006-01-01 00:00:00.0000000')", 1, "int"),
    ("DATEDIFF(month, '2005-12-31 23:59:59.9999999', '2006-01-01 00:00:00.0000000')", 1, "int"),
    ("DATEDIFF(dayofyear, '2005-12-31 23:59:59.9999999', '2006-01-01 00:00:00.0000000')", 1, "int"),
    ("DATEDIFF(day, '2005-12-31 23:59:59.9999999', '2006-01-01 00:00:00.0000000')", 1, "int"),
    ("DATEDIFF(week, '2005-12-31 23:59:59.9999999', '2006-01-01 00:00:00.0000000')", 1, "int"),
    ("DATEDIFF(hour, '2005-12-31 23:59:59.9999999', '2006-01-01 00:00:00.0000000')", 1, "int"),
    ("DATEDIFF(minute, '2005-12-31 23:59:59.9999999', '2006-01-01 00:00:00.0000000')", 1, "int"),
    ("DATEDIFF(second, '2005-12-31 23:59:59.9999999', '2006-01-01 00:00:00.0000000')", 1, "int"),
    ("DATEDIFF(millisecond, '2005-12-31 23:59:59.9999999', '2006-01-01 00:00:00.0000000')", 1, "int"),
    ("DATEDIFF(microsecond, '2005-12-31 23:59:59.9999999', '2006-01-01 00:00:00.0000000')", 1, "int"),
    ("DATEDIFF(nanosecond, '2005-12-31 23:59:59.9999999', '2006-01-01 00:00:00.0000000')", 100, "int"),
    ("DATEDIFF(day, '2024-03-01', '2024-01-01')", -60, "int"),
    ("DATEDIFF(week, '2024-01-06', '2024-01-07')", 1, "int"),  # Saturday to Sunday
    ("DATEDIFF(week, '2024-01-07', '2024-01-13')", 0, "int"),
    (
        "DATEDIFF(hour, CAST('2024-01-01 10:00 +00:00' AS datetimeoffset),"
        " CAST('2024-01-01 10:00 -02:00' AS datetimeoffset))",
        2,
        "int",
    ),
    ("DATEDIFF_BIG(second, '1900-01-01', '2100-01-01')", 6311433600, "bigint"),
    # DATEPART / DATENAME / YEAR MONTH DAY
    ("DATEPART(year, '12:10:30.123')", 1900, "int"),
    ("DATEPART(month, '12:10:30.123')", 1, "int"),
    ("DATEPART(hour, '12:10:30.123')", 12, "int"),
    ("DATEPART(tzoffset, '2007-05-10 00:00:01.1234567 +05:10')", 310, "int"),
    ("DATEPART(quarter, '2024-08-09')", 3, "int"),
    ("DATEPART(dayofyear, '2024-02-01')", 32, "int"),
    ("DATEPART(weekday, '2024-01-07')", 1, "int"),  # Sunday under DATEFIRST 7
    ("DATEPART(week, '2024-01-07')", 2, "int"),
    ("DATEPART(iso_week, '2024-01-07')", 1, "int"),
    ("DATEPART(millisecond, '2024-01-01 10:00:00.1234567')", 123, "int"),
    ("DATEPART(microsecond, '2024-01-01 10:00:00.1234567')", 123456, "int"),
    ("DATEPART(nanosecond, '2024-01-01 10:00:00.1234567')", 123456700, "int"),
    ("DATEPART(dd, CAST('2024-08-09' AS date))", 9, "int"),
    ("DATENAME(month, '2024-03-05')", "March", "nvarchar(30)"),
    ("DATENAME(weekday, '2024-03-05')", "Tuesday", "nvarchar(30)"),
    ("DATENAME(year, '2024-03-05')", "2024", "nvarchar(30)"),
    ("DATENAME(tzoffset, '2024-01-01 00:00 +05:30')", "+05:30", "nvarchar(30)"),
    ("YEAR(0)", 1900, "int"),
    ("MONTH(0)", 1, "int"),
    ("DAY(0)", 1, "int"),
    ("DAY('2024-01-15')", 15, "int"),
    ("YEAR(CAST('10:00' AS time))", 1900, "int"),
    # the FROMPARTS family
    ("DATEFROMPARTS(2024, 2, 29)", dt.date(2024, 2, 29), "date"),
    ("DATEFROMPARTS(2024, NULL, 29)", None, "date"),
    ("DATETIMEFROMPARTS(2010, 12, 31, 23, 59, 59, 0)", dt.datetime(2010, 12, 31, 23, 59, 59), "datetime"),
    ("DATETIME2FROMPARTS(2011, 8, 15, 14, 23, 44, 5, 1)", dt.datetime(2011, 8, 15, 14, 23, 44, 500000), None),
    ("TIMEFROMPARTS(14, 23, 44, 50, 2)", dt.time(14, 23, 44, 500000), None),
    ("TIMEFROMPARTS(23, 59, 59, 0, 0)", dt.time(23, 59, 59), None),
    ("SMALLDATETIMEFROMPARTS(2010, 12, 31, 23, 59)", dt.datetime(2010, 12, 31, 23, 59), "smalldatetime"),
    (
        "DATETIMEOFFSETFROMPARTS(2011, 8, 15, 14, 30, 0, 5, 12, 30, 1)",
        dt.datetime(2011, 8, 15, 14, 30, 0, 500000, tzinfo=dt.timezone(dt.timedelta(hours=12, minutes=30))),
        None,
    ),
    # EOMONTH (documented examples)
    ("EOMONTH('12/1/2011')", dt.date(2011, 12, 31), "date"),
    ("EOMONTH('2011-12-01', 1)", dt.date(2012, 1, 31), "date"),
    ("EOMONTH('2011-12-01', -1)", dt.date(2011, 11, 30), "date"),
    ("EOMONTH(CAST('2024-02-10 10:00' AS datetime))", dt.date(2024, 2, 29), "date"),
    # DATETRUNC (documented examples) keeps the type; strings give datetime2(7)
    (f"DATETRUNC(year, {DT2})", dt.datetime(2007, 1, 1), "datetime2(7)"),
    ("DATETRUNC(quarter, CAST('2021-12-08 11:30:15.1234567' AS datetime2))", dt.datetime(2021, 10, 1), "datetime2(7)"),
    ("DATETRUNC(week, CAST('2021-12-08 11:30:15.1234567' AS datetime2))", dt.datetime(2021, 12, 5), "datetime2(7)"),
    ("DATETRUNC(iso_week, CAST('2021-12-08 11:30:15.1234567' AS datetime2))", dt.datetime(2021, 12, 6), "datetime2(7)"),
    ("DATETRUNC(hour, CAST('2021-12-08 11:30:15.1234567' AS datetime2))", dt.datetime(2021, 12, 8, 11), "datetime2(7)"),
    (
        "DATETRUNC(millisecond, CAST('2021-12-08 11:30:15.1234567' AS datetime2))",
        dt.datetime(2021, 12, 8, 11, 30, 15, 123000),
        "datetime2(7)",
    ),
    (
        "DATETRUNC(microsecond, CAST('2021-12-08 11:30:15.1234567' AS datetime2))",
        dt.datetime(2021, 12, 8, 11, 30, 15, 123456),
        "datetime2(7)",
    ),
    ("DATETRUNC(month, '1998-03-04')", dt.datetime(1998, 3, 1), "datetime2(7)"),
    (
        "DATETRUNC(minute, CAST('2009-09-11 12:42:12' AS smalldatetime))",
        dt.datetime(2009, 9, 11, 12, 42),
        "smalldatetime",
    ),
    ("DATETRUNC(yyyy, CAST('2021-12-1' AS date))", dt.date(2021, 1, 1), "date"),
    (
        "DATETRUNC(millisecond, CAST('2020-02-02 02:02:02.002' AS datetime))",
        dt.datetime(2020, 2, 2, 2, 2, 2, 3000),
        "datetime",
    ),
    # offsets
    (
        "SWITCHOFFSET(CAST('2024-01-01 10:00 +00:00' AS datetimeoffset), '+05:30')",
        dt.datetime(2024, 1, 1, 15, 30, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30))),
        "datetimeoffset(7)",
    ),
    (
        "SWITCHOFFSET(CAST('2024-01-01 10:00 +02:00' AS datetimeoffset(3)), -60)",
        dt.datetime(2024, 1, 1, 7, 0, tzinfo=dt.timezone(dt.timedelta(hours=-1))),
        "datetimeoffset(3)",
    ),
    (
        "TODATETIMEOFFSET(CAST('2024-01-01 10:00' AS datetime2), '-08:00')",
        dt.datetime(2024, 1, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=-8))),
        "datetimeoffset(7)",
    ),
    (
        "TODATETIMEOFFSET(CAST('2024-01-01 10:00' AS datetime), 120)",
        dt.datetime(2024, 1, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))),
        "datetimeoffset(3)",
    ),
    # ISDATE: datetime's rules (1753 on, three fractional digits, DATEFORMAT)
    ("ISDATE('2024-02-29')", 1, "int"),
    ("ISDATE('2023-02-29')", 0, "int"),
    ("ISDATE('1752-12-31')", 0, "int"),
    ("ISDATE('abc')", 0, "int"),
    ("ISDATE(NULL)", 0, "int"),
    ("ISDATE('2024-01-01 10:00:00.123')", 1, "int"),
    ("ISDATE('2024-01-01 10:00:00.1234')", 0, "int"),
    ("ISDATE(GETDATE())", 1, "int"),
    ("ISDATE(SYSDATETIME())", 0, "int"),  # a datetime2 value is not a datetime
    # ISNUMERIC: anything convertible to a numeric type, money included
    ("ISNUMERIC('12.5')", 1, "int"),
    ("ISNUMERIC('$')", 1, "int"),
    ("ISNUMERIC('-')", 1, "int"),
    ("ISNUMERIC('+')", 1, "int"),
    ("ISNUMERIC('.')", 1, "int"),
    ("ISNUMERIC('1e5')", 1, "int"),
    ("ISNUMERIC('$1,000.50')", 1, "int"),
    ("ISNUMERIC('abc')", 0, "int"),
    ("ISNUMERIC('')", 0, "int"),
    ("ISNUMERIC(NULL)", 0, "int"),
    ("ISNUMERIC(12.5)", 1, "int"),
    ("ISNUMERIC(GETDATE())", 0, "int"),
]


@pytest.mark.parametrize(("expression", "expected", "type_name"), DATES)
def test_date_functions(shared: Runner, expression: str, expected: Any, type_name: str | None) -> None:
    check(shared, expression, expected, type_name)


DATE_ERRORS = [
    ("DATEADD(year, 2147483647, '20060731')", 517, "Adding a value to a 'datetime' column caused an overflow."),
    ("DATEADD(year, -2147483647, '20060731')", 517, "Adding a value to a 'datetime' column caused an overflow."),
    (
        "DATEADD(year, 2147483648, '20060731')",
        8115,
        "Arithmetic overflow error converting expression to data type int.",
    ),
    (
        "DATEADD(day, 1, CAST('12:00' AS time))",
        9810,
        "The datepart day is not supported by date function dateadd for data type time.",
    ),
    (
        "DATEADD(hour, 1, CAST('2024-01-31' AS date))",
        9810,
        "The datepart hour is not supported by date function dateadd for data type date.",
    ),
    (
        "DATEADD(microsecond, 1, GETDATE())",
        9810,
        "The datepart microsecond is not supported by date function dateadd for data type datetime.",
    ),
    (
        "DATEADD(day, 1, '2024-01-01 10:00:00.1234')",
        241,
        "Conversion failed when converting date and/or time from character string.",
    ),
    ("DATEPART(foo, GETDATE())", 155, "'foo' is not a recognized datepart option."),
    (
        "DECLARE @t time = '10:00'; SELECT DATEPART(year, @t)",
        9810,
        "The datepart year is not supported by date function datepart for data type time.",
    ),
    (
        "DATEDIFF(second, '1900-01-01', '2100-01-01')",
        535,
        "The datediff function resulted in an overflow. The number of dateparts separating two date/time instances"
        " is too large. Try to use datediff with a less precise datepart.",
    ),
    (
        "DATEFROMPARTS(2023, 2, 29)",
        289,
        "Cannot construct data type date, some of the arguments have values which are not valid.",
    ),
    (
        "TIMEFROMPARTS(14, 23, 44, 500, 2)",
        289,
        "Cannot construct data type time, some of the arguments have values which are not valid.",
    ),
    (
        "DATETRUNC(year, CAST('12:12:12.1234567' AS time))",
        9810,
        "The datepart year is not supported by date function datetrunc for data type time.",
    ),
    (
        "DATETRUNC(microsecond, CAST('2021-12-12 12:12:12.12345' AS datetime2(3)))",
        9810,
        "The datepart microsecond is not supported by date function datetrunc for data type datetime2.",
    ),
    (
        "DATETRUNC(week, CAST('0001-01-01' AS date))",
        9837,
        "An invalid date value was encountered: The date value is less than the minimum date value allowed for the"
        " data type.",
    ),
    (
        "DATETRUNC(weekday, GETDATE())",
        9810,
        "The datepart weekday is not supported by date function datetrunc for data type datetime.",
    ),
]


@pytest.mark.parametrize(("sql", "number", "text"), DATE_ERRORS)
def test_date_errors(shared: Runner, sql: str, number: int, text: str) -> None:
    check_error(shared, sql, number, text)


def test_datefirst_changes_weekday_week_and_datetrunc(tsql: Any) -> None:
    """DATEDIFF(week) ignores DATEFIRST; DATEPART and DATETRUNC follow it (documented example B)."""
    tsql.run("SET DATEFIRST 1")
    assert tsql.rows("SELECT DATEPART(weekday, '2024-01-07'), DATEPART(week, '2024-01-07')") == [(7, 1)]
    assert tsql.scalar("SELECT DATEDIFF(week, '2024-01-06', '2024-01-07')") == 1
    tsql.run("SET DATEFIRST 6")
    assert tsql.scalar("SELECT DATETRUNC(week, CAST('2021-11-11 11:11:11.1234567' AS datetime2))") == dt.datetime(
        2021, 11, 6
    )
    tsql.run("SET DATEFIRST 3")
    assert tsql.scalar("SELECT DATETRUNC(week, CAST('2021-11-11 11:11:11.1234567' AS datetime2))") == dt.datetime(
        2021, 11, 10
    )


def test_current_date_and_time_functions(tsql: Any) -> None:
    types = {
        "GETDATE()": "datetime",
        "CURRENT_TIMESTAMP": "datetime",
        "GETUTCDATE()": "datetime",
        "SYSDATETIME()": "datetime2(7)",
        "SYSUTCDATETIME()": "datetime2(7)",
        "SYSDATETIMEOFFSET()": "datetimeoffset(7)",
    }
    for expression, type_name in types.items():
        assert tsql.type_of(expression) == type_name, expression
    now, utc, offset = tsql.rows("SELECT GETDATE(), SYSUTCDATETIME(), SYSDATETIMEOFFSET()")[0]
    assert now.microsecond % 1000 == 0 and (now.microsecond // 1000) % 10 in (0, 3, 7)  # datetime's 1/300 s
    assert abs((offset.astimezone(dt.UTC).replace(tzinfo=None) - utc).total_seconds()) < 5
    assert offset.tzinfo is not None


def test_datetime_plus_a_number_adds_days(tsql: Any) -> None:
    rows = tsql.rows("DECLARE @d datetime = '2024-01-01'; SELECT @d + 1, @d - 1.5")
    assert rows == [(dt.datetime(2024, 1, 2), dt.datetime(2023, 12, 30, 12, 0))]


# --- FORMAT ----------------------------------------------------------------------------------------

DAY = "CAST('2024-08-09' AS date)"

FORMATS = [
    # documented example A
    (f"FORMAT({DAY}, 'd', 'en-US')", "8/9/2024"),
    (f"FORMAT({DAY}, 'd', 'en-gb')", "09/08/2024"),
    (f"FORMAT({DAY}, 'd', 'de-de')", "09.08.2024"),
    (f"FORMAT({DAY}, 'd', 'zh-cn')", "2024/8/9"),
    (f"FORMAT({DAY}, 'D', 'en-US')", "Friday, August 9, 2024"),
    (f"FORMAT({DAY}, 'D', 'en-gb')", "09 August 2024"),
    (f"FORMAT({DAY}, 'D', 'de-de')", "Freitag, 9. August 2024"),
    (f"FORMAT({DAY}, 'D', 'zh-cn')", "2024年8月9日"),
    # documented example B: custom formats; '/' is the culture's date separator
    (f"FORMAT({DAY}, 'dd/MM/yyyy', 'en-US')", "09/08/2024"),
    (f"FORMAT({DAY}, 'dd/MM/yyyy', 'de-DE')", "09.08.2024"),
    ("FORMAT(123456789, '###-##-####')", "123-45-6789"),
    # documented example C: money in en-us and de-de
    ("FORMAT(CAST(1.55 AS money), 'N', 'en-us')", "1.55"),
    ("FORMAT(CAST(1.55 AS money), 'G', 'en-us')", "1.5500"),
    ("FORMAT(CAST(1.55 AS money), 'C', 'en-us')", "$1.55"),
    ("FORMAT(CAST(1.0002 AS money), 'N', 'en-us')", "1.00"),
    ("FORMAT(CAST(1.9419 AS money), 'N', 'de-de')", "1,94"),
    ("FORMAT(CAST(1.9419 AS money), 'G', 'de-de')", "1,9419"),
    ("FORMAT(CAST(1.9419 AS money), 'C', 'de-de')", "1,94 €"),
    # documented example D: time is a TimeSpan, whose ':' and '.' must be escaped
    ("FORMAT(CAST('07:35' AS time), N'hh.mm')", None),
    ("FORMAT(CAST('07:35' AS time), N'hh:mm')", None),
    ("FORMAT(CAST('07:35' AS time), N'hh\\.mm')", "07.35"),
    ("FORMAT(CAST('07:35' AS time), N'hh\\:mm')", "07:35"),
    ("FORMAT(CAST('2018-01-01 01:00' AS datetime2), N'hh:mm tt')", "01:00 AM"),
    ("FORMAT(CAST('2018-01-01 01:00' AS datetime2), N'hh:mm t')", "01:00 A"),
    ("FORMAT(CAST('2018-01-01 14:00' AS datetime2), N'hh:mm tt')", "02:00 PM"),
    ("FORMAT(CAST('2018-01-01 14:00' AS datetime2), N'HH:mm')", "14:00"),
    # standard numeric formats (.NET)
    ("FORMAT(1234567.891, 'N2')", "1,234,567.89"),
    ("FORMAT(1234.5, 'N0')", "1,235"),
    ("FORMAT(1234.5, 'F3')", "1234.500"),
    ("FORMAT(1234.5, 'C')", "$1,234.50"),
    ("FORMAT(CAST(42 AS int), 'D5')", "00042"),
    ("FORMAT(CAST(255 AS int), 'X')", "FF"),
    ("FORMAT(CAST(255 AS int), 'x4')", "00ff"),
    ("FORMAT(1234.5, 'E2')", "1.23E+003"),
    ("FORMAT(1.5, 'D')", None),  # D is for integers only
    ("FORMAT(1.5, 'Q')", None),  # not a format .NET knows
    ("FORMAT(1e15, 'G')", "1E+15"),
    ("FORMAT(1.5e0, 'G')", "1.5"),
    ("FORMAT(1234.5, 'N2', 'de-DE')", "1.234,50"),
    # custom numeric formats
    ("FORMAT(1234567.891, '#,##0.00')", "1,234,567.89"),
    ("FORMAT(5, '00000')", "00005"),
    ("FORMAT(1.5, '0.###')", "1.5"),
    ("FORMAT(1, '0.##')", "1"),
    ("FORMAT(0.5, '0%')", "50%"),
    ("FORMAT(1234567890, '#,##0,,')", "1,235"),
    ("FORMAT(-1234, '#,##0;(#,##0)')", "(1,234)"),
    ("FORMAT(CAST(0 AS int), '#')", ""),
    # custom date formats
    ("FORMAT(CAST('2024-08-09 13:05:06.1234567' AS datetime2), 'yyyy-MM-dd HH:mm:ss.fff')", "2024-08-09 13:05:06.123"),
    (f"FORMAT({DAY}, 'MMMM yyyy')", "August 2024"),
    (f"FORMAT({DAY}, 'ddd d MMM yy')", "Fri 9 Aug 24"),
    (f"FORMAT({DAY}, 'dddd', 'fr-FR')", "vendredi"),
    ("FORMAT(CAST('2024-08-09 13:05' AS datetime), 's')", "2024-08-09T13:05:00"),
    ("FORMAT(CAST('2024-08-09 13:05 +02:00' AS datetimeoffset), 'yyyy-MM-dd HH:mm zzz')", "2024-08-09 13:05 +02:00"),
    ("FORMAT(NULL, 'N')", None),
    ("FORMAT(1, NULL)", None),
]


@pytest.mark.parametrize(("expression", "expected"), FORMATS)
def test_format(shared: Runner, expression: str, expected: str | None) -> None:
    check(shared, expression, expected, "nvarchar(4000)")


def test_format_errors(shared: Runner) -> None:
    check_error(
        shared,
        "FORMAT(1, 'N', 'xx-yy')",
        9818,
        "The culture parameter 'xx-yy' provided in the function call is not supported.",
    )
    check_error(
        shared, "FORMAT('abc', 'N')", 8116, "Argument data type varchar is invalid for argument 1 of format function."
    )


# --- JSON ------------------------------------------------------------------------------------------

JSON = (
    '\'{"info":{"type":1,"address":{"town":"Bristol","county":"Avon"},"tags":["Sport", "Water polo"]},"type":"Basic"}\''
)

JSON_CASES = [
    (f"JSON_VALUE({JSON}, '$.info.address.town')", "Bristol", "nvarchar(4000)"),
    (f"JSON_VALUE({JSON}, '$.info.\"address\".county')", "Avon", "nvarchar(4000)"),
    (f"JSON_VALUE({JSON}, '$.info.tags[1]')", "Water polo", "nvarchar(4000)"),
    (f"JSON_VALUE({JSON}, '$.info.type')", "1", "nvarchar(4000)"),
    (f"JSON_VALUE({JSON}, '$.info')", None, "nvarchar(4000)"),  # lax: an object is not a scalar
    (f"JSON_VALUE({JSON}, '$.nothing')", None, "nvarchar(4000)"),
    (f"JSON_QUERY({JSON}, '$.info.tags')", '["Sport", "Water polo"]', "nvarchar(max)"),
    (f"JSON_QUERY({JSON}, '$.type')", None, "nvarchar(max)"),
    ("JSON_QUERY('[1, 2]')", "[1, 2]", "nvarchar(max)"),
    ("ISJSON('{\"a\": 1}')", 1, "int"),
    ("ISJSON('[1, 2')", 0, "int"),
    ("ISJSON('1')", 0, "int"),
    ("ISJSON(NULL)", None, "int"),
]


@pytest.mark.parametrize(("expression", "expected", "type_name"), JSON_CASES)
def test_json_functions(shared: Runner, expression: str, expected: Any, type_name: str) -> None:
    check(shared, expression, expected, type_name)


def test_json_errors(shared: Runner) -> None:
    check_error(
        shared, "JSON_VALUE('{\"a\": 1}', 'strict $.b')", 13608, "Property cannot be found on the specified JSON path."
    )
    check_error(shared, "JSON_VALUE('{\"a\": 1', '$.a')", 13609)


# --- helpers the compiler is to call for syntax it does not handle yet --------------------------------


def test_string_split_and_ordered_string_agg_helpers() -> None:
    """STRING_SPLIT (a table-valued function) and STRING_AGG ... WITHIN GROUP need compiler
    rewrites onto these helpers; here they run on SQLite directly."""
    con = sqlite3.connect(":memory:")
    for name, count, func, deterministic in functions.SQLITE_FUNCTIONS:
        con.create_function(name, count, func, deterministic=deterministic)
    for name, count, aggregate in functions.AGGREGATES:
        con.create_window_function(name, count, aggregate)
    split = "SELECT j.value, j.key + 1 FROM json_each(tsql_split_json('a,b,,c', ',', 'varchar(6)', 'varchar(1)')) j"
    assert con.execute(split).fetchall() == [("a", 1), ("b", 2), ("", 3), ("c", 4)]  # empty strings are kept
    fruit = "(VALUES ('apple', 2), ('Cherry', NULL), ('banana', 1), (NULL, 3))"
    ordered = f"SELECT tsql_string_agg_ordered(column1, ', ', 'varchar(10)', 'varchar(2)', column1, 1) FROM {fruit}"
    assert con.execute(ordered).fetchone() == ("Cherry, banana, apple",)  # NULL values are skipped
    by_number = f"SELECT tsql_string_agg_ordered(column1, '|', 'varchar(10)', 'varchar(1)', column2, 0) FROM {fruit}"
    assert con.execute(by_number).fetchone() == ("Cherry|banana|apple",)  # NULL keys sort first
    con.close()
