"""Queries SQLite cannot run as written: TOP PERCENT/WITH TIES, OFFSET/FETCH, APPLY, grouping sets,
recursive CTEs, PIVOT/UNPIVOT, quantified comparisons, and the errors SQL Server finds in a query."""

from __future__ import annotations

from decimal import Decimal

import pytest

DATA = """
CREATE TABLE emp (id int NOT NULL PRIMARY KEY, name varchar(20) NOT NULL, dept varchar(10) NULL,
                  salary int NOT NULL, manager_id int NULL, score float NULL, photo varbinary(10) NULL);
INSERT INTO emp VALUES
    (1, 'Ann', 'eng', 100, NULL, 0.1, 0x01), (2, 'Bob', 'eng', 80, 1, 0.30000000000000004, NULL),
    (3, 'Cid', 'ops', 80, 1, NULL, 0xFF00), (4, 'Dee', 'ops', 60, 3, 1e300, NULL),
    (5, 'Eve', NULL, 50, 3, -2.5, NULL), (6, 'Fay', 'eng', 80, 2, 3.0, NULL);
CREATE TABLE dept (code varchar(10) NOT NULL PRIMARY KEY, title varchar(30) NOT NULL);
INSERT INTO dept VALUES ('eng', 'Engineering'), ('ops', 'Operations'), ('hr', 'People');
CREATE TABLE sales (yr int NOT NULL, region char(1) NOT NULL, amount int NOT NULL);
INSERT INTO sales VALUES (2020, 'N', 10), (2020, 'S', 20), (2021, 'N', 30), (2021, 'S', 40);
"""


@pytest.fixture
def db(tsql):
    tsql.run(DATA)
    return tsql


def error_of(tsql, sql: str) -> tuple[int, str]:
    error = tsql.error(sql)
    return error.number, error.text


# --- TOP and OFFSET/FETCH -----------------------------------------------------------------------


def test_top_with_ties_and_percent(db) -> None:
    assert db.rows("SELECT TOP (2) WITH TIES id FROM emp ORDER BY salary DESC") == [(1,), (2,), (3,), (6,)]
    assert db.rows("SELECT TOP (40) PERCENT id FROM emp ORDER BY id") == [(1,), (2,), (3,)]
    assert db.rows("DECLARE @p float = 50; SELECT TOP (@p) PERCENT id FROM emp ORDER BY id DESC") == [
        (6,),
        (5,),
        (4,),
    ]
    assert db.rows("SELECT TOP 1 WITH TIES salary FROM emp ORDER BY salary") == [(50,)]


def test_top_with_ties_on_distinct_and_output_names(db) -> None:
    outcome = db.run("SELECT DISTINCT TOP (2) WITH TIES salary AS pay FROM emp ORDER BY pay DESC")
    assert outcome.rows == [(100,), (80,)]
    assert [c.name for c in outcome.columns] == ["pay"]


def test_top_errors(db) -> None:
    assert error_of(db, "SELECT TOP 2 WITH TIES id FROM emp")[0] == 1062
    assert error_of(db, "SELECT TOP (120) PERCENT id FROM emp ORDER BY id")[0] == 1031
    assert error_of(db, "DECLARE @n int = -1; SELECT TOP (@n) id FROM emp")[0] == 1014


def test_offset_fetch(db) -> None:
    assert db.rows("SELECT id FROM emp ORDER BY id OFFSET 2 ROWS FETCH NEXT 2 ROWS ONLY") == [(3,), (4,)]
    assert db.rows(
        "DECLARE @s int = 1, @t int = 2; SELECT id FROM emp ORDER BY id OFFSET @s ROWS FETCH FIRST @t ROWS ONLY"
    ) == [(2,), (3,)]
    assert error_of(db, "DECLARE @s int = -1; SELECT id FROM emp ORDER BY id OFFSET @s ROWS")[0] == 10742
    assert error_of(db, "SELECT id FROM emp ORDER BY id OFFSET 1 ROWS FETCH NEXT 0 ROWS ONLY")[0] == 10744


# --- APPLY ----------------------------------------------------------------------------------------


def test_cross_and_outer_apply(db) -> None:
    cross = (
        "SELECT d.code, x.name FROM dept d CROSS APPLY (SELECT TOP 1 name FROM emp WHERE emp.dept = "
        "d.code ORDER BY salary DESC, id) AS x ORDER BY d.code"
    )
    assert db.rows(cross) == [("eng", "Ann"), ("ops", "Cid")]
    outer = db.run(
        "SELECT d.code, x.name FROM dept d OUTER APPLY (SELECT TOP 1 name FROM emp WHERE emp.dept = "
        "d.code ORDER BY salary, id) AS x ORDER BY d.code"
    )
    assert outer.rows == [("eng", "Bob"), ("hr", None), ("ops", "Dee")]
    assert outer.columns[1].nullable


def test_apply_keeps_types_and_collation(db) -> None:
    rows = db.rows(
        "SELECT e.id, x.score, x.photo, x.n FROM emp e CROSS APPLY (SELECT e.score AS score, e.photo AS photo, "
        "(SELECT COUNT(*) FROM emp i WHERE i.manager_id = e.id) AS n) AS x WHERE x.n >= 0 ORDER BY e.id"
    )
    assert rows[1][1] == 0.30000000000000004 and rows[3][1] == 1e300
    assert rows[0][2] == b"\x01" and rows[2][2] == b"\xff\x00" and rows[1][2] is None
    assert [r[3] for r in rows] == [2, 1, 2, 0, 0, 0]
    applied = "SELECT d.code FROM dept d CROSS APPLY (SELECT d.title AS t) AS x WHERE x.t = 'PEOPLE'"
    assert db.rows(applied) == [("hr",)]  # the default collation ignores case, after APPLY too


def test_apply_over_values_and_uncorrelated(db) -> None:
    unpivot = (
        "SELECT v.k, v.val FROM (SELECT 1 AS a, 2 AS b) AS t CROSS APPLY (VALUES ('a', t.a), ('b', t.b)) "
        "AS v(k, val) ORDER BY v.k"
    )
    assert db.rows(unpivot) == [("a", 1), ("b", 2)]
    assert db.rows("SELECT COUNT(*) FROM dept CROSS APPLY (SELECT code AS c FROM dept) AS x") == [(9,)]


def test_apply_inline_function_and_string_split(db) -> None:
    db.run("CREATE FUNCTION dbo.reports (@id int) RETURNS TABLE AS RETURN SELECT id FROM emp WHERE manager_id = @id")
    assert db.rows("SELECT e.id, r.id FROM emp e CROSS APPLY dbo.reports(e.id) AS r ORDER BY e.id, r.id") == [
        (1, 2),
        (1, 3),
        (2, 6),
        (3, 4),
        (3, 5),
    ]
    split = "SELECT d.code, s.value FROM dept d CROSS APPLY STRING_SPLIT(d.title, 'e') AS s WHERE d.code = 'hr'"
    assert db.rows(split) == [("hr", "P"), ("hr", "opl"), ("hr", "")]


def test_string_split(db) -> None:
    outcome = db.run("SELECT value FROM STRING_SPLIT('a,b,,c', ',')")
    assert outcome.rows == [("a",), ("b",), ("",), ("c",)]
    assert str(outcome.columns[0].type) == "varchar(6)"
    assert db.rows("SELECT value, ordinal FROM STRING_SPLIT(N'x y', N' ', 1) ORDER BY ordinal DESC") == [
        ("y", 2),
        ("x", 1),
    ]


# --- grouping -------------------------------------------------------------------------------------


def test_rollup_cube_grouping_sets(db) -> None:
    rollup = (
        "SELECT yr, region, SUM(amount), GROUPING(yr), GROUPING(region) FROM sales GROUP BY ROLLUP (yr, "
        "region) ORDER BY GROUPING(yr), yr, GROUPING(region), region"
    )
    assert db.rows(rollup) == [
        (2020, "N", 10, 0, 0),
        (2020, "S", 20, 0, 0),
        (2020, None, 30, 0, 1),
        (2021, "N", 30, 0, 0),
        (2021, "S", 40, 0, 0),
        (2021, None, 70, 0, 1),
        (None, None, 100, 1, 1),
    ]
    assert db.scalar("SELECT COUNT(*) FROM (SELECT yr, region FROM sales GROUP BY CUBE (yr, region)) AS c") == 9
    sets = "SELECT yr, region, SUM(amount) FROM sales GROUP BY GROUPING SETS ((yr), (region), ()) ORDER BY yr, region"
    assert db.rows(sets) == [(None, None, 100), (None, "N", 40), (None, "S", 60), (2020, None, 30), (2021, None, 70)]
    grouping_id = (
        "SELECT GROUPING_ID(yr, region), SUM(amount) FROM sales GROUP BY ROLLUP (yr, region) HAVING "
        "GROUPING_ID(yr, region) > 0 ORDER BY 1, 2"
    )
    assert db.rows(grouping_id) == [(1, 30), (1, 70), (3, 100)]
    assert str(db.run("SELECT GROUPING(yr) FROM sales GROUP BY yr").columns[0].type) == "tinyint"


def test_column_not_in_group_by(db) -> None:
    assert error_of(db, "SELECT dept, name FROM emp GROUP BY dept") == (
        8120,
        "Column 'emp.name' is invalid in the select list because it is not contained in either an aggregate "
        "function or the GROUP BY clause.",
    )
    assert error_of(db, "SELECT name, COUNT(*) FROM emp")[0] == 8120
    assert error_of(db, "SELECT dept FROM emp GROUP BY dept HAVING salary > 1")[0] == 8121
    assert db.rows("SELECT salary / 50, COUNT(*) FROM emp GROUP BY salary / 50 ORDER BY salary / 50") == [
        (1, 5),
        (2, 1),
    ]
    assert db.rows("SELECT id, SUM(salary) OVER (PARTITION BY dept) FROM emp WHERE id <= 2") == [(1, 180), (2, 180)]


# --- CTEs, PIVOT, subqueries ----------------------------------------------------------------------


def test_recursive_cte_and_maxrecursion(db) -> None:
    assert db.rows(
        "WITH n AS (SELECT 1 AS x UNION ALL SELECT x + 1 FROM n WHERE x < 5) SELECT SUM(x), COUNT(*) FROM n"
    ) == [(15, 5)]
    assert (
        db.scalar(
            "WITH n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 200) SELECT MAX(x) FROM "
            "n OPTION (MAXRECURSION 0)"
        )
        == 200
    )
    error = db.error("WITH n AS (SELECT 1 AS x UNION ALL SELECT x + 1 FROM n) SELECT x FROM n OPTION (MAXRECURSION 10)")
    assert (error.number, error.text) == (
        530,
        "The statement terminated. The maximum recursion 10 has been exhausted before statement completion.",
    )
    assert (
        db.error("WITH n AS (SELECT 1 AS x UNION ALL SELECT x + 1 FROM n WHERE x < 200) SELECT MAX(x) FROM n").number
        == 530
    )


def test_pivot_and_unpivot(db) -> None:
    pivot = db.run(
        "SELECT yr, [N], [S] FROM (SELECT yr, region, amount FROM sales) AS s PIVOT (SUM(amount) FOR "
        "region IN ([N], [S])) AS p ORDER BY yr"
    )
    assert pivot.rows == [(2020, 10, 20), (2021, 30, 40)]
    assert [c.name for c in pivot.columns] == ["yr", "N", "S"]
    unpivot = db.run("SELECT k, v FROM (SELECT 1 AS a, 2 AS b) AS s UNPIVOT (v FOR k IN (a, b)) AS u ORDER BY k")
    assert unpivot.rows == [("a", 1), ("b", 2)]
    assert str(unpivot.columns[0].type) == "nvarchar(128)"


def test_quantified_comparisons(db) -> None:
    assert db.scalar("SELECT COUNT(*) FROM emp WHERE salary > ALL (SELECT salary FROM emp WHERE dept = 'ops')") == 1
    assert db.scalar("SELECT COUNT(*) FROM emp WHERE salary = ANY (SELECT salary FROM emp WHERE dept = 'ops')") == 4
    assert db.scalar("SELECT COUNT(*) FROM emp WHERE salary < SOME (SELECT salary FROM emp WHERE dept = 'ops')") == 2
    # a NULL among the values makes > ALL unknown unless some value is not smaller
    assert db.scalar("SELECT COUNT(*) FROM emp WHERE id > ALL (SELECT manager_id FROM emp)") == 0
    assert (
        db.scalar("SELECT COUNT(*) FROM emp WHERE id <> ALL (SELECT manager_id FROM emp WHERE manager_id IS NOT NULL)")
        == 3
    )


def test_scalar_subquery_with_several_rows_is_512(db) -> None:
    assert error_of(db, "SELECT (SELECT id FROM emp)")[0] == 512
    assert error_of(db, "DECLARE @v int; SET @v = (SELECT id FROM emp WHERE salary = 80)")[0] == 512
    assert db.rows(
        "SELECT name, (SELECT title FROM dept WHERE code = e.dept) FROM emp AS e WHERE id IN (2, 5) ORDER BY id"
    ) == [
        ("Bob", "Engineering"),
        ("Eve", None),
    ]
    assert db.scalar("SELECT (SELECT TOP 1 id FROM emp ORDER BY id DESC)") == 6


def test_except_with_null_and_set_operation_errors(db) -> None:
    assert db.scalar("SELECT COUNT(*) FROM (SELECT dept FROM emp EXCEPT SELECT CAST(NULL AS varchar(10))) AS x") == 2
    assert error_of(db, "SELECT 1, 2 UNION SELECT 3")[0] == 205


@pytest.mark.parametrize(
    ("sql", "number"),
    [
        ("SELECT * FROM (SELECT 1) AS d", 8155),
        ("WITH c AS (SELECT 1) SELECT * FROM c", 8155),
        ("SELECT * FROM (SELECT id FROM emp ORDER BY id) AS d", 1033),
        ("SELECT id FROM emp WHERE EXISTS (SELECT 1 FROM dept ORDER BY code)", 1033),
        ("SELECT DISTINCT dept FROM emp ORDER BY salary", 145),
        ("SELECT name FROM emp a JOIN emp b ON a.id = b.manager_id", 209),
        ("SELECT x.id FROM emp", 4104),
        ("SELECT id FROM emp WHERE ROW_NUMBER() OVER (ORDER BY id) = 1", 4108),
    ],
)
def test_query_shape_errors(db, sql: str, number: int) -> None:
    assert db.error(sql).number == number


def test_error_line_is_the_column_line(db) -> None:
    assert db.error("SELECT id\nFROM emp\nWHERE no_such_column = 1").line == 3


# --- expressions ----------------------------------------------------------------------------------


def test_money_literals(db) -> None:
    outcome = db.run("SELECT $12.5, -$3, $-1.25, CEILING($123.45)")
    assert outcome.rows == [(Decimal("12.5000"), Decimal("-3.0000"), Decimal("-1.2500"), Decimal("124.0000"))]
    assert [str(c.type) for c in outcome.columns] == ["money"] * 4


def test_integer_arithmetic_types_and_overflow(db) -> None:
    assert db.type_of("CAST(1 AS tinyint) + CAST(2 AS tinyint)") == "tinyint"
    assert db.type_of("CAST(1 AS smallint) * CAST(2 AS tinyint)") == "smallint"
    assert db.type_of("CAST(1 AS bit) + CAST(1 AS bit)") == "int"
    for sql, type_name in [
        ("SELECT CAST(200 AS tinyint) + CAST(100 AS tinyint)", "tinyint"),
        ("SELECT 2147483647 + 1", "int"),
        ("DECLARE @i int = 2147483647; SELECT @i + 1", "int"),
        ("DECLARE @i int = 65536; SELECT @i * @i", "int"),
        ("DECLARE @i bigint = 9223372036854775807; SELECT @i + 1", "bigint"),
        ("SELECT MAX(salary) * 30000000 FROM emp", "int"),
    ]:
        assert error_of(db, sql) == (8115, f"Arithmetic overflow error converting expression to data type {type_name}.")
    assert db.scalar("DECLARE @i int = 2147483646; SELECT @i + 1") == 2147483647


def test_operand_errors_and_conversions(db) -> None:
    assert error_of(db, "SELECT 'a' + 1") == (
        245,
        "Conversion failed when converting the varchar value 'a' to data type int.",
    )
    assert db.rows("SELECT '5' + 1, 2 * '3'") == [(6, 6)]
    assert error_of(db, "SELECT 'a' - 'b'") == (8117, "Operand data type varchar is invalid for subtract operator.")
    assert error_of(db, "SELECT CAST('2020-01-31' AS date) + 1") == (
        206,
        "Operand type clash: date is incompatible with int",
    )
    assert error_of(db, "SELECT SYSDATETIME() - 1")[0] == 206


def test_datetime_arithmetic(db) -> None:
    import datetime as dt

    assert db.scalar("SELECT CAST('2020-01-03' AS datetime) - CAST('2020-01-01 12:00' AS datetime)") == dt.datetime(
        1900, 1, 2, 12
    )
    assert db.scalar("SELECT CAST('2020-01-31' AS datetime) + 1") == dt.datetime(2020, 2, 1)


def test_concatenation(db) -> None:
    assert db.type_of("CAST('ab' AS char(5)) + CAST('c' AS char(2))") == "char(7)"
    assert db.scalar("SELECT LEN(REPLICATE('a', 5000) + REPLICATE('b', 5000))") == 8000
    assert db.scalar("SELECT 'a' + NULL + 'b'") is None
    assert db.scalar("SET CONCAT_NULL_YIELDS_NULL OFF; SELECT 'a' + NULL + 'b'") == "ab"


def test_string_functions(db) -> None:
    assert db.scalar("SELECT TRIM('.,! ' FROM '     #     test    .')") == "#     test"
    assert db.scalar("SELECT TRIM(LEADING 'x' FROM 'xxaxx')") == "axx"
    assert db.rows("SELECT NULLIF(1, 1), NULLIF(1, 2), NULLIF('a', 'A')") == [(None, 1, None)]
    assert db.scalar("SELECT ISNULL(CAST(NULL AS varchar(2)), 'abcd')") == "ab"
    assert (
        db.scalar("SELECT STRING_AGG(name, ',') WITHIN GROUP (ORDER BY salary, name DESC) FROM emp")
        == "Eve,Dee,Fay,Cid,Bob,Ann"
    )
    assert db.rows("SELECT ISJSON('{}', OBJECT), ISJSON('[]', OBJECT)") == [(1, 0)]
    assert db.scalar("SELECT CHECKSUM(*) FROM dept WHERE code = 'hr'") == db.scalar(
        "SELECT CHECKSUM(code, title) FROM dept WHERE code = 'hr'"
    )


def test_function_name_and_arity_errors(db) -> None:
    assert error_of(db, "SELECT No_Such_Function(1)") == (
        195,
        "'No_Such_Function' is not a recognized built-in function name.",
    )
    assert error_of(db, "SELECT CONCAT('a')") == (189, "The concat function requires 2 to 254 arguments.")
    assert error_of(db, "SELECT LEN()") == (174, "The len function requires 1 argument(s).")
    assert error_of(db, "SELECT COALESCE(NULL, NULL)")[0] == 4127


def test_parse_and_try_parse(db) -> None:
    assert db.rows("SELECT PARSE('1,234.5' AS decimal(10,2) USING 'en-US'), TRY_PARSE('12x' AS int)") == [
        (Decimal("1234.50"), None)
    ]
    assert db.scalar("SELECT PARSE(N'€345,98' AS money USING 'de-DE')") == Decimal("345.9800")
    assert db.error("SELECT PARSE('abc' AS int)").number == 9819
    assert db.type_of("TRY_PARSE('1' AS smallint)") == "smallint"


def test_collate_clauses(db) -> None:
    case = "SELECT CASE WHEN 'abc' = 'ABC' COLLATE {} THEN 1 ELSE 0 END"
    assert db.scalar(case.format("Latin1_General_CS_AS")) == 0
    assert db.scalar(case.format("SQL_Latin1_General_CP1_CI_AS")) == 1
    assert db.scalar(case.format("French_CS_AS")) == 0
    assert db.scalar("SELECT CASE WHEN N'café' = N'cafe' COLLATE Latin1_General_CI_AI THEN 1 ELSE 0 END") == 1
    assert db.rows("SELECT name FROM emp WHERE name = 'ann' COLLATE Latin1_General_BIN") == []
    assert db.error("SELECT 1 WHERE 'a' = 'b' COLLATE Klingon").number == 448


def test_ansi_nulls_off(db) -> None:
    assert db.scalar("SELECT COUNT(*) FROM emp WHERE dept = NULL") == 0
    assert db.scalar("SET ANSI_NULLS OFF; DECLARE @n int; SELECT CASE WHEN @n = NULL THEN 1 ELSE 0 END") == 1
    assert db.scalar("SELECT COUNT(*) FROM emp WHERE dept = NULL") == 1
    assert db.scalar("SELECT COUNT(*) FROM emp WHERE dept <> NULL") == 5
    assert db.scalar("SELECT COUNT(*) FROM emp a JOIN emp b ON a.dept = b.dept WHERE a.dept IS NULL") == 0


def test_plans_follow_set_options(db) -> None:
    """The same statement text compiles again when a SET option that changes its meaning changes."""
    batch = "SELECT 'a' + NULL"
    assert db.scalar(batch) is None
    db.run("SET CONCAT_NULL_YIELDS_NULL OFF")
    assert db.scalar(batch) == "a"
