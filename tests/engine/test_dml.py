"""INSERT, UPDATE, DELETE, MERGE, TRUNCATE, SELECT INTO and table variables, with SQL Server's semantics,
row counts and error texts."""

from __future__ import annotations

from decimal import Decimal

import pytest


@pytest.fixture
def colours(tsql):
    tsql.run("CREATE TABLE colours (id int NOT NULL PRIMARY KEY, name varchar(10) NOT NULL)")
    tsql.run("INSERT INTO colours VALUES (1, 'red'), (2, 'green'), (3, 'blue')")
    return tsql


def _count(outcome) -> int | None:
    counted = [d.row_count for d in outcome.done if d.row_count is not None]
    return counted[-1] if counted else None


# --- INSERT ----------------------------------------------------------------------------------------


def test_insert_defaults_identity_and_default_values(tsql) -> None:
    tsql.run("CREATE TABLE d (id int IDENTITY(10, 5), c varchar(5) DEFAULT 'x', n int NULL)")
    tsql.run("INSERT INTO d DEFAULT VALUES; INSERT INTO d (n) VALUES (DEFAULT); INSERT INTO d VALUES (DEFAULT, 3)")
    assert tsql.rows("SELECT id, c, n FROM d ORDER BY id") == [(10, "x", None), (15, "x", None), (20, "x", 3)]


def test_insert_values_constants_keep_their_literal_types(tsql) -> None:
    # Constants in VALUES are typed on their own (no query is bound for them); converted to a string
    # column, each must read as the same literal inserted through a SELECT (whose type shows in how
    # it converts: money with 2 decimals, float in its short form, a numeric with its scale).
    literals = ["-2147483648", "2147483648", "5", "300", "1.50", "1e3", "$2.5", "-$2.5", "N'n'", "'v'", "NULL"]
    tsql.run("CREATE TABLE lit (k int, v nvarchar(40))")
    tsql.run("INSERT INTO lit VALUES " + ", ".join(f"({i}, {lit})" for i, lit in enumerate(literals)))
    for i, lit in enumerate(literals):
        tsql.run(f"INSERT INTO lit SELECT {100 + i}, {lit}")
    stored = tsql.rows("SELECT v FROM lit WHERE k < 100 ORDER BY k")
    assert stored == tsql.rows("SELECT v FROM lit WHERE k >= 100 ORDER BY k")
    assert [v for (v,) in stored[:8]] == ["-2147483648", "2147483648", "5", "300", "1.50", "1000", "2.50", "-2.50"]
    assert tsql.error("CREATE TABLE i (v int); INSERT INTO i VALUES (2147483648)").number == 8115


def test_insert_values_mixes_constants_expressions_and_defaults(tsql) -> None:
    tsql.run("CREATE TABLE m (a int, b varchar(10) DEFAULT 'dflt', c decimal(5, 2))")
    tsql.run("DECLARE @x int = 7; INSERT INTO m VALUES (1, 'one', -1.5), (@x * 2, DEFAULT, NULL), (-3, UPPER('t'), 2)")
    assert tsql.rows("SELECT a, b, c FROM m ORDER BY a") == [
        (-3, "T", Decimal("2.00")),
        (1, "one", Decimal("-1.50")),
        (14, "dflt", None),
    ]
    assert tsql.error("INSERT INTO m VALUES (1, 'x', 1234.5)").number == 8115


def test_insert_select_counts_and_top(colours) -> None:
    colours.run("CREATE TABLE #t (id int, name varchar(10))")
    outcome = colours.run("INSERT INTO #t SELECT id, name FROM colours WHERE id > 1")
    assert _count(outcome) == 2
    assert colours.scalar("INSERT TOP (1) INTO #t SELECT id, name FROM colours; SELECT @@ROWCOUNT") == 1
    assert colours.scalar("SELECT COUNT(*) FROM #t") == 3


def test_insert_with_cte_and_subquery_values(colours) -> None:
    colours.run("CREATE TABLE #t (a int, b varchar(20))")
    colours.run("WITH c AS (SELECT id, name FROM colours WHERE id = 2) INSERT INTO #t SELECT id, name FROM c")
    colours.run("INSERT INTO #t VALUES (1 + 2, (SELECT name FROM colours WHERE id = 3))")
    assert colours.rows("SELECT a, b FROM #t ORDER BY a") == [(2, "green"), (3, "blue")]


def test_insert_exec(tsql) -> None:
    tsql.run("CREATE PROCEDURE two AS SELECT 1 AS a, 'x' AS b UNION ALL SELECT 2, 'y'")
    tsql.run("CREATE TABLE #t (id int IDENTITY, a int, b varchar(5))")
    outcome = tsql.run("INSERT INTO #t (a, b) EXEC two")
    assert _count(outcome) == 2
    assert not outcome.result_sets
    tsql.run("INSERT INTO #t (a, b) EXEC ('SELECT 3, ''z''')")
    assert tsql.rows("SELECT id, a, b FROM #t ORDER BY id") == [(1, 1, "x"), (2, 2, "y"), (3, 3, "z")]
    error = tsql.error("INSERT INTO #t (a) EXEC two")
    assert error.number == 213


def test_insert_column_count_errors(tsql) -> None:
    tsql.run("CREATE TABLE t (a int, b int)")
    assert tsql.error("INSERT INTO t (a) VALUES (1, 2)").number == 110
    assert tsql.error("INSERT INTO t (a, b) VALUES (1)").number == 109
    error = tsql.error("INSERT INTO t VALUES (1)")
    assert (error.number, error.severity) == (213, 16)
    assert tsql.error("INSERT INTO t (a, a) VALUES (1, 2)").number == 264


def test_output_inserted_and_into(tsql) -> None:
    tsql.run("CREATE TABLE t (id int IDENTITY(100, 10), name varchar(10))")
    outcome = tsql.run("INSERT INTO t (name) OUTPUT INSERTED.* VALUES ('a'), ('b')")
    assert outcome.rows == [(100, "a"), (110, "b")]
    assert [c.name for c in outcome.columns] == ["id", "name"]
    rows = tsql.rows(
        "DECLARE @ids TABLE (id int, name varchar(10))\n"
        "INSERT INTO t (name) OUTPUT inserted.id, inserted.name INTO @ids VALUES ('c')\n"
        "SELECT id, name FROM @ids"
    )
    assert rows == [(120, "c")]


# --- constraint errors -----------------------------------------------------------------------------


def test_duplicate_keys_are_2627_and_2601_with_the_value(tsql) -> None:
    tsql.run("CREATE TABLE k (id int CONSTRAINT PK_k PRIMARY KEY, code varchar(5) CONSTRAINT UQ_k UNIQUE, n int)")
    tsql.run("CREATE UNIQUE INDEX IX_k_n ON k (n)")
    tsql.run("INSERT INTO k VALUES (1, 'abc', 1)")
    outcome = tsql.execute("INSERT INTO k VALUES (1, 'x', 2)")
    error = outcome.errors[0]
    assert (error.number, error.severity, error.state) == (2627, 14, 1)
    assert error.text == (
        "Violation of PRIMARY KEY constraint 'PK_k'. Cannot insert duplicate key in object 'dbo.k'. "
        "The duplicate key value is (1)."
    )
    assert [(m.number, m.severity, m.text) for m in outcome.messages[1:]] == [
        (3621, 0, "The statement has been terminated.")
    ]
    assert tsql.error("INSERT INTO k VALUES (2, 'ABC', 2)").text.endswith("The duplicate key value is (ABC).")
    error = tsql.error("INSERT INTO k VALUES (3, 'y', 1)")
    assert (error.number, error.text) == (
        2601,
        "Cannot insert duplicate key row in object 'dbo.k' with unique index 'IX_k_n'. The duplicate key value is (1).",
    )
    tsql.run("INSERT INTO k VALUES (4, 'z', 4)")
    assert tsql.error("UPDATE k SET code = 'abc' WHERE id = 4").number == 2627
    assert tsql.scalar("SELECT COUNT(*) FROM k") == 2


def test_unique_allows_one_null_primary_key_none(tsql) -> None:
    tsql.run("CREATE TABLE u (id int PRIMARY KEY, v int CONSTRAINT UQ_u UNIQUE)")
    tsql.run("INSERT INTO u VALUES (1, NULL)")
    error = tsql.error("INSERT INTO u VALUES (2, NULL)")
    assert error.number == 2627 and error.text.endswith("The duplicate key value is (<NULL>).")
    tsql.run("INSERT INTO u VALUES (2, 5)")
    assert tsql.error("UPDATE u SET v = NULL WHERE id = 2").number == 2627
    error = tsql.error("INSERT INTO u VALUES (NULL, 7)")
    assert error.number == 515
    assert error.text.startswith("Cannot insert the value NULL into column 'id', table 'master.dbo.u'")


def test_not_null_and_truncation_texts(tsql) -> None:
    tsql.run("CREATE TABLE n (id int NOT NULL, name varchar(3) NOT NULL)")
    assert tsql.error("INSERT INTO n (id) VALUES (1)").text == (
        "Cannot insert the value NULL into column 'name', table 'master.dbo.n'; column does not allow nulls. "
        "INSERT fails."
    )
    tsql.run("INSERT INTO n VALUES (1, 'abc')")
    assert tsql.error("UPDATE n SET name = NULL").text.endswith("UPDATE fails.")
    error = tsql.error("INSERT INTO n VALUES (2, 'abcdef')")
    assert (error.number, error.text) == (
        2628,
        "String or binary data would be truncated in table 'master.dbo.n', column 'name'. Truncated value: 'abc'.",
    )


# --- identity --------------------------------------------------------------------------------------


def test_identity_gap_after_failure_and_negative_increment(tsql) -> None:
    tsql.run("CREATE TABLE g (id int IDENTITY(1, 1), v int UNIQUE)")
    tsql.run("INSERT INTO g (v) VALUES (1)")
    tsql.execute("INSERT INTO g (v) VALUES (1)")
    tsql.run("INSERT INTO g (v) VALUES (2)")
    assert tsql.rows("SELECT id FROM g ORDER BY id") == [(1,), (3,)]
    tsql.run("CREATE TABLE neg (id int IDENTITY(0, -5), v int)")
    tsql.run("INSERT INTO neg (v) VALUES (1), (2), (3)")
    assert tsql.rows("SELECT id FROM neg ORDER BY id") == [(-10,), (-5,), (0,)]
    assert tsql.rows("SELECT IDENT_SEED('neg'), IDENT_INCR('neg'), IDENT_CURRENT('neg')") == [
        (Decimal(0), Decimal(-5), Decimal(-10))
    ]


def test_identity_insert(tsql) -> None:
    tsql.run("CREATE TABLE ii (id int IDENTITY(1, 1), v char(1))")
    assert tsql.error("INSERT INTO ii (id, v) VALUES (5, 'a')").number == 544
    tsql.run("SET IDENTITY_INSERT ii ON")
    assert tsql.error("INSERT INTO ii VALUES (5, 'a')").number == 8101
    tsql.run("INSERT INTO ii (id, v) VALUES (50, 'a')")
    tsql.run("SET IDENTITY_INSERT ii OFF")
    tsql.run("INSERT INTO ii (v) VALUES ('b')")
    assert tsql.rows("SELECT id FROM ii ORDER BY id") == [(50,), (51,)]
    assert tsql.scalar("SELECT SCOPE_IDENTITY()") == Decimal(51)


# --- UPDATE ----------------------------------------------------------------------------------------


def test_update_from_join_and_correlated_subquery(colours) -> None:
    colours.run("CREATE TABLE #t (id int, label varchar(10))")
    colours.run("INSERT INTO #t VALUES (1, NULL), (3, NULL), (9, NULL)")
    outcome = colours.run("UPDATE t SET label = c.name FROM #t AS t JOIN colours AS c ON c.id = t.id")
    assert _count(outcome) == 2
    assert colours.rows("SELECT id, label FROM #t ORDER BY id") == [(1, "red"), (3, "blue"), (9, None)]
    colours.run("UPDATE #t SET label = (SELECT name FROM colours WHERE colours.id = #t.id + 1)")
    assert colours.rows("SELECT id, label FROM #t ORDER BY id") == [(1, "green"), (3, None), (9, None)]


def test_update_top_rowcount_and_variables(tsql) -> None:
    tsql.run("CREATE TABLE #t (a int)")
    tsql.run("INSERT INTO #t VALUES (1), (1), (1)")
    assert tsql.scalar("UPDATE TOP (2) #t SET a = 5; SELECT SUM(a) FROM #t") == 11
    tsql.run("SET ROWCOUNT 1; UPDATE #t SET a = 0; SET ROWCOUNT 0")
    assert tsql.scalar("SELECT COUNT(*) FROM #t WHERE a = 0") == 1
    rows = tsql.rows(
        "DECLARE @old int, @new int\nUPDATE #t SET @old = a, @new = a = a + 100 WHERE a = 1\nSELECT @old, @new"
    )
    assert rows == [(1, 101)]
    assert tsql.scalar("UPDATE #t SET a += 1 WHERE a = 101; SELECT a FROM #t WHERE a > 100") == 102


def test_update_output_deleted_and_inserted(tsql) -> None:
    tsql.run("CREATE TABLE #t (id int, v int)")
    tsql.run("INSERT INTO #t VALUES (1, 10)")
    outcome = tsql.run("UPDATE #t SET v = v + 1 OUTPUT DELETED.v, INSERTED.v WHERE id = 1")
    assert outcome.rows == [(10, 11)]
    assert [c.name for c in outcome.columns] == ["v", "v"]


def test_update_errors(tsql) -> None:
    tsql.run("CREATE TABLE e (id int IDENTITY, v int)")
    assert tsql.error("UPDATE e SET id = 5").number == 8102
    assert tsql.error("UPDATE e SET v = 1, v = 2").number == 264
    assert tsql.error("UPDATE e SET nosuch = 1").number == 207


# --- DELETE ----------------------------------------------------------------------------------------


def test_delete_forms(colours) -> None:
    colours.run("CREATE TABLE #t (id int, name varchar(5))")
    colours.run("INSERT INTO #t VALUES (1, 'a'), (2, 'b'), (50, 'c'), (51, 'd'), (52, 'e')")
    assert _count(colours.run("DELETE t FROM #t AS t JOIN colours AS c ON c.id = t.id")) == 2
    assert colours.run("DELETE FROM #t OUTPUT DELETED.* WHERE id = 50").rows == [(50, "c")]
    colours.run("DELETE #t WHERE id = 51")
    colours.run("DELETE TOP (1) FROM #t")
    assert colours.scalar("SELECT COUNT(*) FROM #t") == 0


# --- MERGE -----------------------------------------------------------------------------------------


def test_merge_actions_output_and_count(tsql) -> None:
    tsql.run("CREATE TABLE #target (id int PRIMARY KEY, v varchar(5))")
    tsql.run("INSERT INTO #target VALUES (1, 'old'), (2, 'old')")
    outcome = tsql.run(
        "MERGE #target AS t USING (VALUES (2, 'new'), (3, 'new')) AS s (id, v) ON t.id = s.id\n"
        "WHEN MATCHED THEN UPDATE SET v = s.v\n"
        "WHEN NOT MATCHED BY TARGET THEN INSERT (id, v) VALUES (s.id, s.v)\n"
        "WHEN NOT MATCHED BY SOURCE THEN DELETE\n"
        "OUTPUT $action, INSERTED.id, DELETED.id, s.v;"
    )
    assert sorted(outcome.rows, key=str) == sorted(
        [("UPDATE", 2, 2, "new"), ("INSERT", 3, None, "new"), ("DELETE", None, 1, None)], key=str
    )
    assert _count(outcome) == 3
    assert tsql.rows("SELECT id, v FROM #target ORDER BY id") == [(2, "new"), (3, "new")]


def test_merge_conditions_and_errors(tsql) -> None:
    tsql.run("CREATE TABLE #m (id int PRIMARY KEY, v int)")
    tsql.run("INSERT INTO #m VALUES (1, 10), (2, 20)")
    tsql.run(
        "MERGE #m AS t USING (VALUES (1, 0), (2, 5)) AS s (id, delta) ON t.id = s.id\n"
        "WHEN MATCHED AND s.delta = 0 THEN DELETE\n"
        "WHEN MATCHED THEN UPDATE SET v = t.v + s.delta;"
    )
    assert tsql.rows("SELECT id, v FROM #m") == [(2, 25)]
    error = tsql.error(
        "MERGE #m AS t USING (VALUES (2, 1), (2, 2)) AS s (id, v) ON t.id = s.id WHEN MATCHED THEN UPDATE SET v = s.v;"
    )
    assert error.number == 8672
    error = tsql.error(
        "MERGE #m AS t USING (VALUES (9)) AS s (id) ON t.id = s.id WHEN NOT MATCHED THEN INSERT (id) VALUES (s.id)"
    )
    assert (error.number, error.severity) == (10713, 15)
    assert tsql.rows("SELECT id, v FROM #m") == [(2, 25)]


# --- TRUNCATE, SELECT INTO, table variables --------------------------------------------------------


def test_truncate(tsql) -> None:
    tsql.run("CREATE TABLE tr (id int IDENTITY PRIMARY KEY, v int)")
    tsql.run("CREATE TABLE tr_child (id int REFERENCES tr (id))")
    tsql.run("INSERT INTO tr (v) VALUES (1), (2)")
    error = tsql.error("TRUNCATE TABLE tr")
    assert (error.number, error.text) == (
        4712,
        "Cannot truncate table 'tr' because it is being referenced by a FOREIGN KEY constraint.",
    )
    tsql.run("DROP TABLE tr_child; TRUNCATE TABLE tr; INSERT INTO tr (v) VALUES (3)")
    assert tsql.rows("SELECT id, v FROM tr") == [(1, 3)]


def test_select_into(colours) -> None:
    outcome = colours.run("SELECT id, name, CAST(1.5 AS decimal(4, 2)) AS d INTO #c FROM colours WHERE id < 3")
    assert _count(outcome) == 2 and not outcome.result_sets
    result = colours.run("SELECT id, name, d FROM #c ORDER BY id")
    assert result.rows == [(1, "red", Decimal("1.50")), (2, "green", Decimal("1.50"))]
    assert [str(c.type) for c in result.columns] == ["int", "varchar(10)", "decimal(4,2)"]
    assert colours.error("SELECT 1 AS a INTO #c").number == 2714
    colours.run("CREATE TABLE ids (id int IDENTITY(5, 5), v int)")
    colours.run("INSERT INTO ids (v) VALUES (1), (2)")
    colours.run("SELECT id, v INTO #copy FROM ids")
    colours.run("INSERT INTO #copy (v) VALUES (3)")
    assert colours.rows("SELECT id FROM #copy ORDER BY id") == [(5,), (10,), (15,)]


def test_table_variables_scope_and_rollback(tsql) -> None:
    rows = tsql.rows(
        "DECLARE @t TABLE (id int IDENTITY(1, 1) PRIMARY KEY, v int CHECK (v > 0), d int DEFAULT 9)\n"
        "BEGIN TRAN\n"
        "INSERT INTO @t (v) VALUES (1), (2)\n"
        "ROLLBACK\n"
        "INSERT INTO @t (v) VALUES (3)\n"
        "UPDATE @t SET v = v * 10 WHERE id = 2\n"
        "DELETE FROM @t WHERE id = 1\n"
        "SELECT id, v, d FROM @t ORDER BY id"
    )
    assert rows == [(2, 20, 9), (3, 3, 9)]
    error = tsql.error("SELECT * FROM @t")
    assert (error.number, error.text) == (1087, 'Must declare the table variable "@t".')
    assert tsql.scalar("SELECT COUNT(*) FROM tempdb.sys.tables") == 0


def test_table_variable_declared_in_a_rolled_back_transaction(tsql) -> None:
    rows = tsql.rows(
        "BEGIN TRAN\nDECLARE @t TABLE (id int)\nINSERT INTO @t VALUES (1)\nROLLBACK\nSELECT COUNT(*) FROM @t"
    )
    assert rows == [(1,)]


def test_update_shifting_unique_keys_succeeds_as_in_sql_server(tsql) -> None:
    """SQL Server checks keys when the statement ends; SQLite row by row, so the row order is retried."""
    tsql.run("CREATE TABLE s (id int PRIMARY KEY, v int UNIQUE)")
    tsql.run("INSERT INTO s VALUES (1, 10), (2, 20), (3, 30)")
    tsql.run("UPDATE s SET id = id + 1")
    tsql.run("UPDATE s SET v = v - 10")
    assert tsql.rows("SELECT id, v FROM s ORDER BY id") == [(2, 0), (3, 10), (4, 20)]
    assert tsql.error("UPDATE s SET v = 0").text.endswith("The duplicate key value is (0).")


def test_compound_assignment_names_the_target_column(tsql) -> None:
    tsql.run("CREATE TABLE tgt (code varchar(5) PRIMARY KEY, qty int); CREATE TABLE src (code varchar(5), qty int)")
    tsql.run("INSERT INTO tgt VALUES ('a', 1), ('b', 2); INSERT INTO src VALUES ('b', 20), ('c', 30)")
    tsql.run("UPDATE t SET qty += s.qty FROM tgt AS t JOIN src AS s ON s.code = t.code")
    tsql.run(
        "MERGE tgt USING src ON tgt.code = src.code WHEN MATCHED THEN UPDATE SET qty *= 2 "
        "WHEN NOT MATCHED THEN INSERT (code, qty) VALUES (src.code, src.qty);"
    )
    assert tsql.rows("SELECT code, qty FROM tgt ORDER BY code") == [("a", 1), ("b", 44), ("c", 30)]


def test_insert_through_a_view_and_exec_of_sp_executesql(tsql) -> None:
    tsql.run("CREATE TABLE vb (id int, v varchar(5))")
    tsql.run("EXEC ('CREATE VIEW vv AS SELECT id, v FROM vb')")
    tsql.run("INSERT INTO vv VALUES (1, 'x')")
    tsql.run("INSERT INTO vv (id, v) EXEC sp_executesql N'SELECT @a, ''y''', N'@a int', @a = 2")
    assert tsql.rows("SELECT id, v FROM vb ORDER BY id") == [(1, "x"), (2, "y")]


def test_verbose_truncation_warnings_off_is_8152(tsql) -> None:
    tsql.run("CREATE TABLE tw (v varchar(2))")
    tsql.run("ALTER DATABASE SCOPED CONFIGURATION SET VERBOSE_TRUNCATION_WARNINGS = OFF")
    error = tsql.error("INSERT INTO tw VALUES ('abc')")
    assert (error.number, error.text) == (8152, "String or binary data would be truncated.")
    tsql.run("ALTER DATABASE SCOPED CONFIGURATION SET VERBOSE_TRUNCATION_WARNINGS = ON")
    assert tsql.error("INSERT INTO tw VALUES ('abc')").number == 2628


def test_failed_write_in_a_transaction_leaves_the_rest(tsql) -> None:
    tsql.run("CREATE TABLE ft (id int PRIMARY KEY)")
    outcome = tsql.execute("BEGIN TRAN; INSERT INTO ft VALUES (1); INSERT INTO ft VALUES (1), (2); COMMIT")
    assert [m.number for m in outcome.errors] == [2627]
    assert tsql.rows("SELECT id FROM ft") == [(1,)]
    assert tsql.scalar("SELECT @@TRANCOUNT") == 0


def test_entity_framework_shapes(tsql) -> None:
    """EF Core's batched insert (MERGE ... ON 1=0 with the source's position in OUTPUT) and its
    concurrency check (OUTPUT 1)."""
    tsql.run("CREATE TABLE [Blogs] ([Id] int IDENTITY PRIMARY KEY, [Name] nvarchar(50))")
    rows = tsql.rows(
        "DECLARE @p0 nvarchar(50) = N'a', @p1 nvarchar(50) = N'b';\n"
        "DECLARE @inserted0 TABLE ([Id] int, [_Position] [int]);\n"
        "MERGE [Blogs] USING (VALUES (@p0, 0), (@p1, 1)) AS i ([Name], _Position) ON 1=0\n"
        "WHEN NOT MATCHED THEN INSERT ([Name]) VALUES (i.[Name])\n"
        "OUTPUT INSERTED.[Id], i._Position INTO @inserted0;\n"
        "SELECT [i].[Id] FROM @inserted0 i ORDER BY [i].[_Position];"
    )
    assert rows == [(1,), (2,)]
    assert tsql.rows("UPDATE [Blogs] SET [Name] = N'q' OUTPUT 1 WHERE [Id] = 2;") == [(1,)]
    assert tsql.rows("INSERT INTO [Blogs] ([Name]) OUTPUT INSERTED.[Id], 1 VALUES (N'c');") == [(3, 1)]
    assert tsql.rows("DELETE FROM [Blogs] OUTPUT 1 WHERE [Id] = 99;") == []


def test_update_set_default_and_limits(tsql) -> None:
    tsql.run("CREATE TABLE dd (id int, s varchar(5) DEFAULT 'zz', n int)")
    tsql.run("INSERT INTO dd VALUES (1, 'a', 2)")
    tsql.run("UPDATE dd SET s = DEFAULT, n = DEFAULT")
    assert tsql.rows("SELECT id, s, n FROM dd") == [(1, "zz", None)]
    values = ", ".join(f"({i}, 'x', 0)" for i in range(1001))
    assert tsql.error(f"INSERT INTO dd VALUES {values}").number == 10738
    error = tsql.error("DECLARE @t int = 0; UPDATE dd SET @t = @t + n")
    assert error.number == 40517 and "running total" in error.text
