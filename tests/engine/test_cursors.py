"""T-SQL cursors: DECLARE/OPEN/FETCH/CLOSE/DEALLOCATE, the fetch orientations, what each cursor type sees,
cursor variables, @@FETCH_STATUS/@@CURSOR_ROWS/CURSOR_STATUS, WHERE CURRENT OF and SQL Server's errors."""

from __future__ import annotations

import pytest


@pytest.fixture
def people(tsql):
    tsql.run("CREATE TABLE people (id int PRIMARY KEY, name varchar(20), age int)")
    tsql.run("INSERT people VALUES (1, 'Ada', 36), (2, 'Brian', 52), (3, 'Cleo', 19), (4, 'Dan', 41)")
    return tsql


def _fetched(outcome) -> list:
    """The rows of a batch's FETCH result sets, None for a fetch that returned no row."""
    return [rows[0] if rows else None for _, rows in outcome.result_sets]


# --- the loop ---------------------------------------------------------------------------------------


def test_fetch_loop_into_variables(people) -> None:
    outcome = people.run("""
        DECLARE @name varchar(20), @total int = 0, @age int
        DECLARE c CURSOR FOR SELECT name, age FROM people ORDER BY id
        OPEN c
        FETCH NEXT FROM c INTO @name, @age
        WHILE @@FETCH_STATUS = 0
        BEGIN
            SET @total = @total + @age
            PRINT @name
            FETCH NEXT FROM c INTO @name, @age
        END
        CLOSE c
        DEALLOCATE c
        SELECT @total, @@FETCH_STATUS""")
    assert [m.text for m in outcome.messages] == ["Ada", "Brian", "Cleo", "Dan"]
    assert outcome.rows == [(148, -1)]


def test_fetch_without_into_returns_a_row_each(people) -> None:
    outcome = people.run("""
        DECLARE c CURSOR LOCAL FOR SELECT id, name FROM people WHERE id <= 2 ORDER BY id
        OPEN c
        FETCH NEXT FROM c
        FETCH NEXT FROM c
        FETCH NEXT FROM c""")
    assert _fetched(outcome) == [(1, "Ada"), (2, "Brian"), None]
    assert [c.name for c in outcome.result_sets[0][0]] == ["id", "name"]


def test_rowcount_after_declare_fetch_and_close(people) -> None:
    rows = people.rows("""
        DECLARE @a int, @b int, @c int
        DECLARE c CURSOR LOCAL FOR SELECT id FROM people
        SET @a = @@ROWCOUNT
        OPEN c
        FETCH NEXT FROM c INTO @b
        SET @b = @@ROWCOUNT
        CLOSE c
        SELECT @a, @b, @@ROWCOUNT""")
    assert rows == [(1, 1, 0)]


# --- scrolling ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("declaration", ["SCROLL CURSOR", "CURSOR SCROLL", "CURSOR STATIC", "CURSOR KEYSET"])
def test_scroll_orientations(people, declaration) -> None:
    outcome = people.run(f"""
        DECLARE s {declaration} FOR SELECT id FROM people ORDER BY id
        OPEN s
        FETCH LAST FROM s
        FETCH PRIOR FROM s
        FETCH ABSOLUTE 1 FROM s
        FETCH RELATIVE 2 FROM s
        FETCH RELATIVE -1 FROM s
        FETCH ABSOLUTE -1 FROM s
        FETCH NEXT FROM s
        FETCH PRIOR FROM s
        FETCH FIRST FROM s
        FETCH ABSOLUTE 0 FROM s
        DEALLOCATE s""")
    assert _fetched(outcome) == [(4,), (3,), (1,), (3,), (2,), (4,), None, (4,), (1,), None]


def test_prior_first_and_relative_before_the_first_fetch(people) -> None:
    outcome = people.run("""
        DECLARE s CURSOR LOCAL SCROLL FOR SELECT id FROM people ORDER BY id
        OPEN s
        FETCH PRIOR FROM s
        FETCH RELATIVE 0 FROM s
        FETCH NEXT FROM s
        DECLARE @n int = 2
        FETCH RELATIVE @n FROM s""")
    assert _fetched(outcome) == [None, None, (1,), (3,)]


def test_forward_only_cursors_fetch_next_only(people) -> None:
    for declaration in ("CURSOR", "CURSOR FORWARD_ONLY STATIC", "CURSOR FAST_FORWARD"):
        error = people.error(f"DECLARE f {declaration} LOCAL FOR SELECT id FROM people OPEN f FETCH LAST FROM f")
        assert (error.number, error.text) == (
            16911,
            "fetch: The fetch type last cannot be used with forward only cursors.",
        )


def test_absolute_on_a_dynamic_cursor_is_16925(people) -> None:
    error = people.error("DECLARE d CURSOR LOCAL DYNAMIC FOR SELECT id FROM people OPEN d FETCH ABSOLUTE 2 FROM d")
    assert (error.number, error.text) == (16925, "The fetch type Absolute cannot be used with dynamic cursors.")


# --- what the cursor sees -----------------------------------------------------------------------------------


def test_static_cursor_keeps_the_rows_of_open(people) -> None:
    outcome = people.run("""
        DECLARE s CURSOR LOCAL STATIC FOR SELECT name FROM people WHERE id <= 2 ORDER BY id
        OPEN s
        UPDATE people SET name = 'Changed'
        DELETE people WHERE id = 2
        FETCH NEXT FROM s
        FETCH NEXT FROM s
        SELECT @@CURSOR_ROWS""")
    assert _fetched(outcome)[:2] == [("Ada",), ("Brian",)]
    assert outcome.rows == [(2,)]


def test_keyset_cursor_sees_updates_and_reports_deleted_rows(people) -> None:
    outcome = people.run("""
        DECLARE k CURSOR LOCAL KEYSET FOR SELECT id, name FROM people ORDER BY id
        OPEN k
        UPDATE people SET name = 'Ada 2' WHERE id = 1
        DELETE people WHERE id = 2
        INSERT people VALUES (5, 'Eve', 20)
        DECLARE @seen varchar(100) = ''
        FETCH NEXT FROM k
        FETCH NEXT FROM k
        SET @seen = CAST(@@FETCH_STATUS AS varchar)
        FETCH NEXT FROM k
        FETCH NEXT FROM k
        FETCH NEXT FROM k
        SELECT @seen, @@FETCH_STATUS, @@CURSOR_ROWS""")
    assert _fetched(outcome)[:-1] == [(1, "Ada 2"), None, (3, "Cleo"), (4, "Dan"), None]
    assert outcome.rows == [("-2", -1, 4)]


def test_dynamic_cursor_sees_rows_inserted_after_open(people) -> None:
    outcome = people.run("""
        DECLARE d CURSOR LOCAL FOR SELECT id FROM people WHERE age > 30
        OPEN d
        FETCH NEXT FROM d
        INSERT people VALUES (9, 'Zed', 60)
        UPDATE people SET age = 10 WHERE id = 2
        FETCH NEXT FROM d
        FETCH NEXT FROM d
        FETCH NEXT FROM d
        SELECT @@CURSOR_ROWS""")
    assert _fetched(outcome)[:-1] == [(1,), (4,), (9,), None]
    assert outcome.rows == [(-1,)]


def test_queries_over_several_tables_are_static(people) -> None:
    outcome = people.run("""
        DECLARE j CURSOR LOCAL FOR SELECT p.name, q.name FROM people p JOIN people q ON q.id = p.id + 1 ORDER BY p.id
        OPEN j
        DELETE people WHERE id = 2
        FETCH NEXT FROM j""")
    assert _fetched(outcome) == [("Ada", "Brian")]


def test_variables_in_the_query_are_read_at_open(people) -> None:
    outcome = people.run("""
        DECLARE @min int = 40
        DECLARE c CURSOR LOCAL STATIC FOR SELECT id FROM people WHERE age > @min ORDER BY id
        SET @min = 50
        OPEN c
        FETCH NEXT FROM c
        FETCH NEXT FROM c""")
    assert _fetched(outcome) == [(2,), None]


# --- WHERE CURRENT OF -------------------------------------------------------------------------------------------


def test_update_and_delete_where_current_of(people) -> None:
    people.run("""
        DECLARE @id int, @age int
        DECLARE u CURSOR FOR SELECT id, age FROM people ORDER BY id FOR UPDATE OF age
        OPEN u
        FETCH NEXT FROM u INTO @id, @age
        WHILE @@FETCH_STATUS = 0
        BEGIN
            IF @age < 20 DELETE people WHERE CURRENT OF u
            ELSE UPDATE people SET age = age + 1 WHERE CURRENT OF u
            FETCH NEXT FROM u INTO @id, @age
        END
        CLOSE u
        DEALLOCATE u""")
    assert people.rows("SELECT id, age FROM people ORDER BY id") == [(1, 37), (2, 53), (4, 42)]


def test_where_current_of_errors(people) -> None:
    read_only = people.error(
        "DECLARE r CURSOR LOCAL STATIC FOR SELECT id FROM people OPEN r FETCH NEXT FROM r "
        "UPDATE people SET age = 0 WHERE CURRENT OF r"
    )
    assert (read_only.number, read_only.text) == (16929, "The cursor is READ ONLY.")
    no_row = people.error("DECLARE n CURSOR LOCAL FOR SELECT id FROM people OPEN n DELETE people WHERE CURRENT OF n")
    assert no_row.number == 16930
    other_column = people.error(
        "DECLARE o CURSOR LOCAL FOR SELECT id FROM people FOR UPDATE OF age OPEN o FETCH NEXT FROM o "
        "UPDATE people SET name = 'x' WHERE CURRENT OF o"
    )
    assert other_column.number == 16932
    people.run("CREATE TABLE other (id int)")
    other_table = people.error(
        "DECLARE t CURSOR LOCAL FOR SELECT id FROM people OPEN t FETCH NEXT FROM t DELETE other WHERE CURRENT OF t"
    )
    assert other_table.number == 16933
    assert people.scalar("SELECT COUNT(*) FROM people") == 4


# --- cursor variables and scope -------------------------------------------------------------------------------


def test_cursor_variables(people) -> None:
    outcome = people.run("""
        DECLARE @c CURSOR, @name varchar(20)
        SELECT CURSOR_STATUS('variable', '@c')
        SET @c = CURSOR FAST_FORWARD FOR SELECT name FROM people WHERE id > 2 ORDER BY id
        OPEN @c
        FETCH NEXT FROM @c INTO @name
        SELECT @name, CURSOR_STATUS('variable', '@c')
        CLOSE @c
        SELECT CURSOR_STATUS('variable', '@c')
        DEALLOCATE @c
        SELECT CURSOR_STATUS('variable', '@c')""")
    assert [rows for _, rows in outcome.result_sets] == [[(-2,)], [("Cleo", 1)], [(-1,)], [(-2,)]]


def test_cursor_variable_takes_a_named_cursor(people) -> None:
    rows = people.rows("""
        DECLARE named CURSOR LOCAL FOR SELECT id FROM people ORDER BY id
        DECLARE @c CURSOR, @id int
        SET @c = named
        OPEN named
        FETCH NEXT FROM @c INTO @id
        SELECT @id""")
    assert rows == [(1,)]


def test_global_cursor_outlives_its_batch_and_local_does_not(people) -> None:
    people.run("DECLARE g CURSOR GLOBAL FOR SELECT id FROM people ORDER BY id OPEN g")
    assert people.scalar("DECLARE @x int FETCH NEXT FROM g INTO @x SELECT @x") == 1
    assert people.scalar("SELECT CURSOR_STATUS('global', 'g')") == 1
    people.run("DECLARE l CURSOR LOCAL FOR SELECT id FROM people")
    assert people.error("OPEN l").number == 16916
    people.run("DEALLOCATE g")
    assert people.scalar("SELECT CURSOR_STATUS('global', 'g')") == -3


def test_local_cursor_of_a_procedure_ends_with_it(people) -> None:
    people.run("""
        CREATE PROCEDURE walk AS
        BEGIN
            DECLARE c CURSOR LOCAL FOR SELECT id FROM people
            OPEN c
            FETCH NEXT FROM c
        END""")
    people.run("EXEC walk")
    people.run("EXEC walk")  # a second declaration: the first one went with the procedure
    assert people.scalar("SELECT CURSOR_STATUS('local', 'c')") == -3


def test_cursor_status_values(people) -> None:
    rows = people.rows("""
        DECLARE e CURSOR LOCAL STATIC FOR SELECT id FROM people WHERE id < 0
        DECLARE f CURSOR LOCAL STATIC FOR SELECT id FROM people
        OPEN e OPEN f
        SELECT CURSOR_STATUS('local', 'e'), CURSOR_STATUS('local', 'f'), CURSOR_STATUS('local', 'nope'),
               CURSOR_STATUS('global', 'f'), @@CURSOR_ROWS""")
    assert rows == [(0, 1, -3, -3, 4)]


# --- errors ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("batch", "number", "text"),
    [
        (
            "DECLARE c CURSOR FOR SELECT 1 DECLARE c CURSOR FOR SELECT 2",
            16915,
            "A cursor with the name 'c' already exists.",
        ),
        ("OPEN nosuch", 16916, "A cursor with the name 'nosuch' does not exist."),
        ("DECLARE c CURSOR LOCAL FOR SELECT 1 OPEN c OPEN c", 16905, "The cursor is already open."),
        ("DECLARE c CURSOR LOCAL FOR SELECT 1 FETCH NEXT FROM c", 16917, "Cursor is not open."),
        ("DECLARE c CURSOR LOCAL FOR SELECT 1 CLOSE c", 16917, "Cursor is not open."),
        (
            "DECLARE @a int DECLARE c CURSOR LOCAL FOR SELECT 1, 2 OPEN c FETCH NEXT FROM c INTO @a",
            16924,
            "Cursorfetch: The number of variables declared in the INTO list must match that of selected columns.",
        ),
        (
            "DECLARE c CURSOR LOCAL STATIC FOR SELECT 1 FOR UPDATE",
            16957,
            "FOR UPDATE cannot be specified on a READ ONLY cursor.",
        ),
        ("DECLARE @c CURSOR OPEN @c", 16950, "The variable '@c' does not currently have a cursor allocated to it."),
        (
            "DECLARE @i int OPEN @i",
            16948,
            "The variable '@i' is not a cursor variable, but it is used in a place where a cursor variable is "
            "expected.",
        ),
    ],
)
def test_cursor_errors(tsql, batch: str, number: int, text: str) -> None:
    error = tsql.error(batch)
    assert (error.number, error.text) == (number, text)
    tsql.run("IF CURSOR_STATUS('global', 'c') >= -1 DEALLOCATE c")


def test_errors_do_not_end_the_batch(tsql) -> None:
    outcome = tsql.execute("OPEN nosuch SELECT 'still here'")
    assert outcome.rows == [("still here",)]


def test_reset_connection_deallocates_global_cursors(people) -> None:
    people.run("DECLARE g CURSOR FOR SELECT id FROM people")
    list(people.session.reset())
    assert people.scalar("SELECT CURSOR_STATUS('global', 'g')") == -3
