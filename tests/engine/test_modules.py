"""Stored procedures, user functions and views: created, called, altered, dropped, with SQL Server's errors."""

from __future__ import annotations

import pytest

PEOPLE = """
CREATE TABLE people (id int PRIMARY KEY, name nvarchar(40), age int);
INSERT people VALUES (1, N'Ada', 36), (2, N'Brian', 52), (3, N'Cleo', 19);
"""


@pytest.fixture
def people(tsql):
    tsql.run(PEOPLE)
    return tsql


# --- procedures --------------------------------------------------------------------------------


def test_procedure_with_output_and_return_status(people) -> None:
    people.run("""
        CREATE PROCEDURE dbo.older_than @age int, @count int OUTPUT AS
        BEGIN
            SELECT name FROM people WHERE age > @age ORDER BY id;
            SET @count = @@ROWCOUNT;
            RETURN 7;
        END""")
    outcome = people.run("DECLARE @n int, @rc int; EXEC @rc = older_than 30, @n OUTPUT; SELECT @n, @rc")
    assert outcome.result_sets[0][1] == [("Ada",), ("Brian",)]
    assert outcome.rows == [(2, 7)]


def test_named_arguments_and_defaults(people) -> None:
    people.run("CREATE PROC p @a int, @b nvarchar(10) = N'dflt' AS SELECT @a, @b")
    assert people.rows("EXEC p @b = N'x', @a = 1") == [(1, "x")]
    assert people.rows("EXEC p 2") == [(2, "dflt")]
    assert people.rows("EXEC p 3, DEFAULT") == [(3, "dflt")]


@pytest.mark.parametrize(
    ("call", "number"),
    [
        ("EXEC p", 201),  # expects parameter '@a', which was not supplied
        ("EXEC p 1, 2, 3", 8144),  # too many arguments
        ("EXEC p @zz = 1", 8145),  # not a parameter
        ("EXEC nosuch", 2812),  # could not find stored procedure
        ("EXEC p @a = 1, 2", 119),  # positional after named
    ],
)
def test_binding_errors(tsql, call: str, number: int) -> None:
    tsql.run("CREATE PROC p @a int, @b int = 0 AS SELECT @a + @b")
    assert tsql.error(call).number == number


def test_error_inside_procedure_names_it_and_its_line(tsql) -> None:
    tsql.run("CREATE PROC broken AS\nBEGIN\n  SELECT 1;\n  SELECT * FROM nowhere;\nEND")
    error = tsql.error("EXEC broken")
    assert (error.number, error.procedure, error.line) == (208, "broken", 4)


def test_alter_and_drop_procedure(tsql) -> None:
    tsql.run("CREATE PROC p AS SELECT 1")
    assert tsql.error("CREATE PROC p AS SELECT 2").number == 2714
    tsql.run("ALTER PROC p AS SELECT 2")
    assert tsql.scalar("EXEC p") == 2
    tsql.run("CREATE OR ALTER PROC p AS SELECT 3")
    assert tsql.scalar("EXEC p") == 3
    tsql.run("DROP PROCEDURE p")
    assert tsql.error("DROP PROCEDURE p").number == 3701
    tsql.run("DROP PROCEDURE IF EXISTS p")


def test_recursion_stops_at_32_levels(tsql) -> None:
    tsql.run("CREATE PROC r @n int AS BEGIN SET @n = @n + 1; EXEC r @n END")
    assert tsql.error("EXEC r 0").number == 217


# --- scalar functions --------------------------------------------------------------------------


def test_scalar_function_is_typed_by_its_return_type(people) -> None:
    people.run("CREATE FUNCTION dbo.initial(@s nvarchar(40)) RETURNS nchar(1) AS BEGIN RETURN LEFT(@s, 1) END")
    outcome = people.run("SELECT dbo.initial(name) AS i FROM people ORDER BY id")
    assert outcome.rows == [("A",), ("B",), ("C",)]
    assert str(outcome.columns[0].type) == "nchar(1)"


def test_scalar_function_arguments_convert_to_parameter_types(tsql) -> None:
    tsql.run("CREATE FUNCTION dbo.half(@x int) RETURNS decimal(10,2) AS BEGIN RETURN @x / 2.0 END")
    assert str(tsql.scalar("SELECT dbo.half('7')")) == "3.50"


def test_scalar_function_defaults_need_the_default_keyword(tsql) -> None:
    tsql.run("CREATE FUNCTION dbo.f(@x int = 5) RETURNS int AS BEGIN RETURN @x * 2 END")
    assert tsql.scalar("SELECT dbo.f(DEFAULT)") == 10
    assert tsql.error("SELECT dbo.f()").number == 313
    assert tsql.error("SELECT dbo.f(1, 2)").number == 8144


def test_scalar_function_sees_current_data_and_alter(people) -> None:
    people.run("CREATE FUNCTION dbo.headcount() RETURNS int AS BEGIN RETURN (SELECT COUNT(*) FROM people) END")
    assert people.scalar("SELECT dbo.headcount()") == 3
    people.run("INSERT people VALUES (4, N'Dev', 40)")
    assert people.scalar("SELECT dbo.headcount()") == 4
    people.run("ALTER FUNCTION dbo.headcount() RETURNS bigint AS BEGIN RETURN (SELECT SUM(age) FROM people) END")
    assert people.scalar("SELECT dbo.headcount()") == 147


def test_unknown_function(tsql) -> None:
    assert tsql.error("SELECT dbo.nosuch(1)").number == 4121


# --- inline table-valued functions -------------------------------------------------------------


def test_inline_table_function(people) -> None:
    people.run(
        "CREATE FUNCTION dbo.adults(@min int) RETURNS TABLE AS RETURN (SELECT id, name FROM people WHERE age >= @min)"
    )
    assert people.rows("SELECT name FROM dbo.adults(30) ORDER BY id") == [("Ada",), ("Brian",)]
    rows = people.rows("SELECT a.name, p.age FROM dbo.adults(40) AS a JOIN people p ON p.id = a.id")
    assert rows == [("Brian", 52)]


def test_unknown_table_function(tsql) -> None:
    assert tsql.error("SELECT * FROM nosuch(1)").number == 195


# --- views -------------------------------------------------------------------------------------


def test_view_columns_types_and_nesting(people) -> None:
    people.run("CREATE VIEW dbo.grownups AS SELECT id, name, age * 12 AS months FROM people WHERE age >= 21")
    outcome = people.run("SELECT * FROM grownups ORDER BY id")
    assert [c.name for c in outcome.columns] == ["id", "name", "months"]
    assert outcome.rows == [(1, "Ada", 432), (2, "Brian", 624)]
    people.run("CREATE VIEW seniors (who, m) AS SELECT name, months FROM grownups WHERE months > 600")
    assert people.rows("SELECT who, m FROM seniors") == [("Brian", 624)]
    assert people.rows("SELECT COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = 'seniors'") == [
        ("who",),
        ("m",),
    ]


@pytest.mark.parametrize(
    ("sql", "number"),
    [
        ("CREATE VIEW v AS SELECT age + 1 FROM people", 4511),  # no column name
        ("CREATE VIEW v AS SELECT id, id FROM people", 4506),  # duplicate column name
        ("CREATE VIEW v (a) AS SELECT id, name FROM people", 8158),  # more columns than the list
        ("CREATE VIEW v (a, b, c) AS SELECT id, name FROM people", 8159),  # fewer columns
        ("CREATE VIEW v AS SELECT id FROM people ORDER BY id", 1033),  # ORDER BY without TOP
        ("CREATE VIEW v AS SELECT * FROM nowhere", 208),  # names are bound at CREATE
        ("CREATE VIEW other.v AS SELECT 1 AS one", 2760),  # no such schema
        ("CREATE VIEW people AS SELECT 1 AS one", 2714),  # name taken
        ("DROP TABLE v_exists", 3705),
        ("DROP VIEW people", 3705),
        ("DROP VIEW nosuch", 3701),
        ("INSERT v_exists VALUES (1)", 4406),
    ],
)
def test_view_errors(people, sql: str, number: int) -> None:
    people.run("CREATE VIEW v_exists AS SELECT age + 1 AS next_age FROM people")
    assert people.error(sql).number == number


def test_alter_view_and_drop(people) -> None:
    people.run("CREATE VIEW v AS SELECT id FROM people")
    people.run("ALTER VIEW v AS SELECT name FROM people WHERE id = 1")
    assert people.scalar("SELECT name FROM v") == "Ada"
    people.run("CREATE OR ALTER VIEW v AS SELECT TOP (1) age FROM people ORDER BY age")
    assert people.scalar("SELECT * FROM v") == 19
    people.run("DROP VIEW v")
    assert people.error("SELECT * FROM v").number == 208
    people.run("DROP VIEW IF EXISTS v")


def test_catalog_lists_modules(people) -> None:
    people.run("CREATE VIEW v AS SELECT id FROM people")
    people.run("CREATE FUNCTION dbo.f() RETURNS int AS BEGIN RETURN 1 END")
    people.run("CREATE FUNCTION dbo.t() RETURNS TABLE AS RETURN SELECT 1 AS one")
    people.run("CREATE PROC dbo.p AS SELECT 1")
    rows = people.rows("SELECT name, type FROM sys.objects WHERE name IN ('v', 'f', 't', 'p') ORDER BY name")
    assert rows == [("f", "FN"), ("p", "P "), ("t", "IF"), ("v", "V ")]
    assert "SELECT id FROM people" in people.scalar("SELECT OBJECT_DEFINITION(OBJECT_ID('v'))")
