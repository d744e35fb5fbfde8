"""The batch interpreter: compilation of a whole batch, control flow, variables, messages, errors
across procedure calls, RAISERROR, user functions that run statements, and the SET options that
change what statements mean."""

from __future__ import annotations

import datetime as dt

import pytest

from tdsnet.engine import results as r
from tdsnet.engine.raiserror import format_message


@pytest.fixture
def nums(tsql):
    tsql.run("CREATE TABLE nums (n int NOT NULL PRIMARY KEY); INSERT INTO nums VALUES (1), (2), (3)")
    return tsql


# --- the batch as a whole -------------------------------------------------------------------------


def test_a_syntax_error_anywhere_stops_the_batch_before_it_runs(tsql) -> None:
    outcome = tsql.execute("SELECT 'first'\nSELECT 2\nSELECT FROM WHERE")
    assert outcome.result_sets == []
    assert [(e.number, e.line, e.text) for e in outcome.errors] == [
        (156, 3, "Incorrect syntax near the keyword 'WHERE'.")
    ]


def test_go_inside_a_batch_is_a_syntax_error(tsql) -> None:
    outcome = tsql.execute("PRINT 'before'; GO")
    assert [(e.number, e.text) for e in outcome.errors] == [(102, "Incorrect syntax near 'GO'.")]
    assert not [m for m in outcome.messages if m.number == 0]


def test_a_variable_declared_twice_is_134_before_anything_runs(tsql) -> None:
    outcome = tsql.execute("SELECT 1\nDECLARE @x int\nDECLARE @x int")
    assert outcome.result_sets == [] and outcome.errors[0].number == 134


def test_a_procedure_name_alone_starts_a_batch(tsql) -> None:
    tsql.run("CREATE PROCEDURE dbo.one AS SELECT 1")
    assert tsql.scalar("dbo.one") == 1
    assert tsql.scalar("DECLARE @p nvarchar(20) = N'dbo.one'; EXEC @p") == 1


def test_statements_after_print_and_begin_are_separate(tsql) -> None:
    outcome = tsql.execute("PRINT 'one'\nRAISERROR('two', 10, 1)\nPRINT 'three'\nBEGIN\nPRINT 'four'\nEND")
    assert [m.text for m in outcome.messages] == ["one", "two", "three", "four"]
    assert [m.line for m in outcome.messages] == [1, 2, 3, 5]


# --- control flow ----------------------------------------------------------------------------------


def test_if_else_with_strings_that_look_like_keywords(tsql) -> None:
    assert tsql.scalar("DECLARE @n int\nIF @n = 1 SELECT 'equal' ELSE SELECT 'else'") == "else"
    assert tsql.scalar("IF 1 = 1 SELECT 'end' ELSE SELECT 'begin'") == "end"


def test_goto(tsql) -> None:
    assert tsql.scalar("DECLARE @i int = 0\nGOTO skip\nSET @i = 100\nskip:\nSET @i = @i + 1\nSELECT @i") == 1
    loop = """
        DECLARE @i int = 0
        again:
        SET @i += 1
        IF @i < 5 GOTO again
        WHILE 1 = 1 BEGIN IF @i > 7 GOTO done; SET @i += 1 END
        done:
        SELECT @i"""
    assert tsql.scalar(loop) == 8
    assert (
        tsql.scalar(
            "DECLARE @i int = 1\nGOTO inner\nSET @i = 5\nBEGIN\nSET @i = 10\ninner:\nSET @i += 1\nEND\nSELECT @i"
        )
        == 2
    )


def test_goto_label_errors(tsql) -> None:
    assert tsql.error("GOTO nowhere").number == 133
    assert tsql.error("here:\nhere:\nSELECT 1").number == 132


def test_break_and_goto_leave_try_blocks_cleanly(tsql) -> None:
    batch = """
        DECLARE @i int = 0
        WHILE @i < 3 BEGIN
            SET @i += 1
            BEGIN TRY BREAK END TRY BEGIN CATCH SELECT 'caught' END CATCH
        END
        SELECT 1 / 0"""
    outcome = tsql.execute(batch)
    assert [e.number for e in outcome.errors] == [8134]  # the TRY left by BREAK no longer catches


def test_a_declaration_in_a_branch_not_taken_still_declares(tsql) -> None:
    assert tsql.scalar("IF 1 = 0\nBEGIN\n    DECLARE @skipped int = 5\nEND\nSELECT @skipped") is None


def test_a_declaration_in_a_loop_initialises_each_time(tsql) -> None:
    batch = "DECLARE @i int = 0\nWHILE @i < 3\nBEGIN\nDECLARE @j int = 10\nSET @i += 1\nSET @j += @i\nPRINT @j\nEND"
    assert [m.text for m in tsql.run(batch).messages] == ["11", "12", "13"]


# --- variables -------------------------------------------------------------------------------------


def test_compound_assignment(tsql) -> None:
    batch = """
        DECLARE @i int = 10, @s varchar(10) = 'ab', @b int = 6
        SET @i += 5
        SET @i *= 2
        SET @i -= 4
        SET @i /= 3
        SET @i %= 5
        SET @s += 'cd'
        SET @b &= 3
        SET @b |= 8
        SET @b ^= 1
        SELECT @i, @s, @b"""
    assert tsql.rows(batch) == [(3, "abcd", 11)]
    assert tsql.rows("DECLARE @a int = 1, @b int = 2\nSELECT @a += 10, @b *= 3\nSELECT @a, @b") == [(11, 6)]


def test_select_assignment_counts_rows(nums) -> None:
    outcome = nums.run("DECLARE @v int\nSELECT @v = n FROM nums ORDER BY n\nSELECT @v, @@ROWCOUNT")
    assert outcome.done[0].row_count == 3
    assert outcome.rows == [(3, 3)]


def test_rowcount_after_set_print_and_options(nums) -> None:
    assert nums.rows("DECLARE @v int\nSET @v = 5\nSELECT @@ROWCOUNT") == [(1,)]
    assert nums.rows("SELECT n FROM nums\nPRINT 'x'\nSELECT @@ROWCOUNT") == [(0,)]
    assert nums.rows("SELECT n FROM nums\nSET NOCOUNT OFF\nSELECT @@ROWCOUNT") == [(0,)]


def test_set_from_a_subquery_with_several_rows_is_512(nums) -> None:
    error = nums.error("DECLARE @v int\nSET @v = (SELECT n FROM nums)")
    assert (error.number, error.line) == (512, 2)


# --- errors across calls ---------------------------------------------------------------------------


def test_an_error_in_a_procedure_goes_to_the_callers_catch(tsql) -> None:
    tsql.run("CREATE PROCEDURE dbo.fails\nAS\n    DECLARE @x int\n    SET @x = 1 / 0")
    batch = (
        "BEGIN TRY\n    EXEC dbo.fails\n    SELECT 'not reached'\nEND TRY\nBEGIN CATCH\n    SELECT "
        "ERROR_NUMBER(), ERROR_PROCEDURE(), ERROR_LINE()\nEND CATCH"
    )
    outcome = tsql.run(batch)
    assert outcome.result_sets[-1][1] == [(8134, "dbo.fails", 4)]
    assert len(outcome.result_sets) == 1
    error = tsql.error("EXEC dbo.fails")
    assert (error.number, error.procedure, error.line) == (8134, "fails", 4)


def test_error_functions_inside_a_procedure_called_from_catch(tsql) -> None:
    tsql.run("CREATE PROCEDURE dbo.report AS SELECT ERROR_NUMBER(), ERROR_MESSAGE()")
    outcome = tsql.run("BEGIN TRY\n    RAISERROR('boom', 16, 1)\nEND TRY\nBEGIN CATCH\n    EXEC dbo.report\nEND CATCH")
    assert outcome.rows == [(50000, "boom")]


def test_throw_in_try(tsql) -> None:
    batch = (
        "BEGIN TRY\n    THROW 50001, 'thrown here', 7;\nEND TRY\nBEGIN CATCH\n    SELECT ERROR_NUMBER(), "
        "ERROR_SEVERITY(), ERROR_STATE(), ERROR_MESSAGE()\nEND CATCH"
    )
    assert tsql.rows(batch) == [(50001, 16, 7, "thrown here")]


# --- RAISERROR -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "args", "text"),
    [
        ("<<%7.3s>>", ["abcde"], "<<    abc>>"),
        ("<<%*.*s>>", [7, 3, "abcde"], "<<    abc>>"),
        ("<<%-5d|%05i|%+d>>", [42, 7, 3], "<<42   |00007|+3>>"),
        ("%x %X %o %u", [255, 255, 8, -1], "ff FF 10 4294967295"),
        ("%s and %s", ["one"], "one and (null)"),
        ("100%% %d", [5], "100% 5"),
        ("%I64d %ld %hd", [2**40, 5, 6], "1099511627776 5 6"),
    ],
)
def test_raiserror_formatting(template: str, args: list, text: str) -> None:
    assert format_message(template, args) == text


def test_raiserror_severities(tsql) -> None:
    note = tsql.execute("RAISERROR('just a note', 10, 1)")
    assert [(m.number, m.severity, m.state, m.text) for m in note.messages] == [(50000, 0, 1, "just a note")]
    assert not note.errors
    assert tsql.error("RAISERROR('too severe', 19, 1)").number == 2754
    assert tsql.error("RAISERROR(60000, 16, 1)").number == 18054
    error = tsql.error("RAISERROR(N'<<%d %s>>', 16, 3, 12, N'x')")
    assert (error.number, error.severity, error.state, error.text) == (50000, 16, 3, "<<12 x>>")


# --- multi-statement scalar functions --------------------------------------------------------------


FACTORIAL = """
CREATE FUNCTION dbo.fact (@n int)
RETURNS bigint
AS
BEGIN
    DECLARE @r bigint = 1
    WHILE @n > 1
    BEGIN
        SET @r = @r * @n
        SET @n -= 1
    END
    RETURN @r
END"""


def test_multi_statement_scalar_function(nums) -> None:
    nums.run(FACTORIAL)
    outcome = nums.run("SELECT n, dbo.fact(n + 2) AS f FROM nums ORDER BY n")
    assert outcome.rows == [(1, 6), (2, 24), (3, 120)]
    assert str(outcome.columns[1].type) == "bigint"
    assert nums.scalar("DECLARE @r bigint\nEXEC @r = dbo.fact @n = 5\nSELECT @r") == 120


def test_function_nesting_limit_and_errors(tsql) -> None:
    tsql.run(
        "CREATE FUNCTION dbo.deep (@n int) RETURNS int AS BEGIN IF @n <= 0 RETURN 0; RETURN dbo.deep(@n - 1) + 1 END"
    )
    assert tsql.scalar("SELECT dbo.deep(10)") == 10
    assert tsql.error("SELECT dbo.deep(40)").number == 217
    tsql.run(
        "CREATE FUNCTION dbo.divz (@n int) RETURNS int AS BEGIN DECLARE @x int = 1; SET @x = @n / 0; RETURN @x END"
    )
    assert tsql.rows(
        "BEGIN TRY SELECT dbo.divz(1) END TRY BEGIN CATCH SELECT ERROR_NUMBER(), ERROR_PROCEDURE() END CATCH"
    ) == [(8134, "dbo.divz")]


def test_functions_have_no_side_effects(nums) -> None:
    error = nums.error(
        "EXEC ('CREATE FUNCTION dbo.f_side () RETURNS int AS BEGIN INSERT INTO dbo.nums VALUES (100); RETURN 1 END')"
    )
    assert (error.number, error.text) == (443, "Invalid use of a side-effecting operator 'INSERT' within a function.")
    assert (
        nums.error("EXEC ('CREATE FUNCTION dbo.f_print () RETURNS int AS BEGIN PRINT 1; RETURN 1 END')").number == 443
    )
    nums.run("CREATE PROCEDURE dbo.p AS SELECT 1")
    nums.run("CREATE FUNCTION dbo.f_exec () RETURNS int AS BEGIN EXEC dbo.p; RETURN 1 END")
    assert nums.error("SELECT dbo.f_exec()").number == 557


# --- SET options -----------------------------------------------------------------------------------


def test_set_language(tsql) -> None:
    outcome = tsql.run("SET LANGUAGE British\nSELECT @@LANGUAGE, @@DATEFIRST, CAST('02/01/2020' AS datetime)")
    assert outcome.rows == [("British", 1, dt.datetime(2020, 1, 2))]
    assert [m.number for m in outcome.messages] == [5703]
    german = (
        "SET LANGUAGE German\nSELECT DATENAME(month, CAST('2020-03-15' AS date)), DATENAME(weekday, "
        "CAST('2020-01-05' AS date))"
    )
    assert tsql.rows(german) == [("März", "Sonntag")]
    assert tsql.error("SET LANGUAGE Klingon").number == 2734


def test_set_textsize(tsql) -> None:
    assert tsql.rows(
        "SET TEXTSIZE 5\nSELECT CAST('abcdefghij' AS varchar(max)), CAST('abcdefghij' AS varchar(10)), @@TEXTSIZE"
    ) == [("abcde", "abcdefghij", 5)]
    assert tsql.scalar("SET TEXTSIZE 4\nSELECT CAST(N'abcdef' AS nvarchar(max))") == "ab"


def test_quoted_identifier_off(tsql) -> None:
    assert tsql.scalar('SELECT "a string" FROM (SELECT 1 AS [a string]) AS t') == 1
    assert tsql.scalar("SET QUOTED_IDENTIFIER OFF\nEXEC ('SELECT \"a string\"')") == "a string"


def test_messages_are_results_in_order(tsql) -> None:
    outcome = tsql.execute("PRINT 'a'\nSELECT 1\nRAISERROR('b', 0, 1)")
    kinds = [type(item).__name__ for item in outcome.items if isinstance(item, r.Message | r.ResultSet)]
    assert kinds == ["Message", "ResultSet", "Message"]


UPTO = """
CREATE FUNCTION dbo.upto (@n int)
RETURNS @t TABLE (i int, tenth float, label varchar(10) NOT NULL)
AS
BEGIN
    DECLARE @i int = 1
    WHILE @i <= @n
    BEGIN
        INSERT INTO @t VALUES (@i, @i * 0.1e0, 'L' + CAST(@i AS varchar(5)))
        SET @i = @i + 1
    END
    RETURN
END"""


def test_multi_statement_table_valued_function(nums) -> None:
    nums.run(UPTO)
    assert nums.rows("SELECT COUNT(*), SUM(i) FROM dbo.upto(4)") == [(4, 10)]
    outcome = nums.run("SELECT * FROM dbo.upto(3) AS u WHERE u.label = 'l2'")
    assert outcome.rows == [(2, 0.2, "L2")]
    assert [(c.name, str(c.type), c.nullable) for c in outcome.columns] == [
        ("i", "int", True),
        ("tenth", "float", True),
        ("label", "varchar(10)", False),
    ]
    assert nums.rows("SELECT n.n, u.i FROM nums n CROSS APPLY dbo.upto(n.n) AS u WHERE u.i > 2 ORDER BY 1, 2") == [
        (3, 3)
    ]
    assert nums.scalar("SELECT type FROM sys.objects WHERE name = 'upto'") == "TF"
