"""DML triggers: AFTER and INSTEAD OF, inserted/deleted, UPDATE() and COLUMNS_UPDATED(), nesting and recursion,
ROLLBACK and errors inside triggers, identity functions, the catalog views and the DDL around them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tdsnet.engine import batch, dml, dmlparse
from tdsnet.engine.session import Frame


@pytest.fixture
def audited(tsql):
    tsql.run("CREATE TABLE items (id int PRIMARY KEY, qty int, note varchar(20))")
    tsql.run("CREATE TABLE audit (seq int IDENTITY(1,1), action char(1), id int, old_qty int, new_qty int)")
    tsql.run("""
        CREATE TRIGGER items_audit ON items AFTER INSERT, UPDATE, DELETE AS
        BEGIN
            SET NOCOUNT ON
            INSERT audit (action, id, old_qty, new_qty)
            SELECT CASE WHEN d.id IS NULL THEN 'I' WHEN i.id IS NULL THEN 'D' ELSE 'U' END,
                   COALESCE(i.id, d.id), d.qty, i.qty
            FROM inserted i FULL JOIN deleted d ON i.id = d.id
        END""")
    return tsql


def _audit(tsql) -> list[tuple]:
    return tsql.rows("SELECT action, id, old_qty, new_qty FROM audit ORDER BY seq")


# --- AFTER triggers -------------------------------------------------------------------------------


def test_inserted_and_deleted_hold_the_statement_rows(audited) -> None:
    audited.run("INSERT items VALUES (1, 10, 'a'), (2, 20, 'b')")
    audited.run("UPDATE items SET qty = qty + 1 WHERE id = 2")
    audited.run("DELETE items WHERE id = 1")
    assert _audit(audited) == [("I", 1, None, 10), ("I", 2, None, 20), ("U", 2, 20, 21), ("D", 1, 10, None)]


def test_trigger_fires_once_per_statement_even_for_no_rows(tsql) -> None:
    tsql.run("CREATE TABLE t (id int); CREATE TABLE fired (n int)")
    tsql.run("CREATE TRIGGER t_u ON t AFTER UPDATE AS INSERT fired SELECT COUNT(*) FROM inserted")
    tsql.run("INSERT t VALUES (1), (2); UPDATE t SET id = id + 1; UPDATE t SET id = 0 WHERE id > 100")
    assert tsql.rows("SELECT n FROM fired ORDER BY n") == [(0,), (2,)]


def test_rowcount_at_trigger_start_and_after_the_statement(tsql) -> None:
    tsql.run("CREATE TABLE t (id int); CREATE TABLE seen (n int)")
    tsql.run("CREATE TRIGGER t_i ON t AFTER INSERT AS BEGIN INSERT seen VALUES (@@ROWCOUNT); SELECT 1 FROM seen END")
    outcome = tsql.run("INSERT t VALUES (1), (2), (3); SELECT @@ROWCOUNT")
    assert outcome.rows == [(3,)]
    assert tsql.scalar("SELECT n FROM seen") == 3


def test_trigger_result_sets_reach_the_client(tsql) -> None:
    tsql.run("CREATE TABLE t (id int)")
    tsql.run("CREATE TRIGGER t_i ON t AFTER INSERT AS SELECT id * 10 AS tenfold FROM inserted")
    outcome = tsql.run("INSERT t VALUES (4)")
    assert outcome.result_sets[0][1] == [(40,)]
    assert outcome.result_sets[0][0][0].name == "tenfold"


def test_update_function_and_columns_updated(tsql) -> None:
    tsql.run("CREATE TABLE t (a int, b int, c int); CREATE TABLE log (what varchar(20))")
    tsql.run("""
        CREATE TRIGGER t_u ON t AFTER INSERT, UPDATE AS
        BEGIN
            IF UPDATE(b) INSERT log VALUES ('b')
            IF UPDATE([c]) OR UPDATE(a) INSERT log VALUES ('a or c')
            IF (COLUMNS_UPDATED() & 4) = 4 INSERT log VALUES ('bit c')
            SELECT COLUMNS_UPDATED()
        END""")
    inserted = tsql.run("INSERT t VALUES (1, 2, 3)")
    assert inserted.rows == [(b"\x07",)]
    tsql.run("DELETE log")
    updated = tsql.run("UPDATE t SET b = 5")
    assert updated.rows == [(b"\x02",)]
    assert tsql.rows("SELECT what FROM log") == [("b",)]


def test_update_of_an_unknown_column_fails_create(tsql) -> None:
    tsql.run("CREATE TABLE t (a int)")
    assert tsql.error("CREATE TRIGGER t_u ON t AFTER UPDATE AS IF UPDATE(nope) PRINT 1").number == 207


def test_scope_identity_ignores_the_trigger(tsql) -> None:
    tsql.run("CREATE TABLE main_t (id int IDENTITY(1,1), v int); CREATE TABLE side (id int IDENTITY(100,1), x int)")
    tsql.run("CREATE TRIGGER main_i ON main_t AFTER INSERT AS INSERT side (x) SELECT id FROM inserted")
    assert tsql.rows("INSERT main_t (v) VALUES (7); SELECT SCOPE_IDENTITY(), @@IDENTITY") == [
        (Decimal(1), Decimal(100))
    ]


def test_trancount_inside_a_trigger_is_at_least_one(tsql) -> None:
    tsql.run("CREATE TABLE t (id int)")
    tsql.run("CREATE TRIGGER t_i ON t AFTER INSERT AS SELECT @@TRANCOUNT, XACT_STATE()")
    assert tsql.rows("INSERT t VALUES (1)") == [(1, 1)]
    assert tsql.run("BEGIN TRAN; INSERT t VALUES (2); COMMIT").result_sets[0][1] == [(1, 1)]
    assert tsql.scalar("SELECT @@TRANCOUNT") == 0


def test_temp_tables_made_in_a_trigger_end_with_it(tsql) -> None:
    tsql.run("CREATE TABLE t (id int)")
    tsql.run("CREATE TRIGGER t_i ON t AFTER INSERT AS BEGIN SELECT * INTO #copy FROM inserted; SELECT 1 END")
    tsql.run("INSERT t VALUES (1)")
    tsql.run("INSERT t VALUES (2)")
    assert tsql.scalar("SELECT OBJECT_ID('tempdb..#copy')") is None


# --- ROLLBACK and errors ---------------------------------------------------------------------------


@pytest.fixture
def guarded(tsql):
    tsql.run("CREATE TABLE stock (id int, qty int)")
    tsql.run("""
        CREATE TRIGGER stock_check ON stock AFTER INSERT, UPDATE AS
        IF EXISTS (SELECT * FROM inserted WHERE qty < 0)
        BEGIN
            RAISERROR('negative stock', 16, 1)
            ROLLBACK TRANSACTION
        END""")
    return tsql


def test_rollback_in_trigger_ends_the_batch_with_3609(guarded) -> None:
    outcome = guarded.execute("INSERT stock VALUES (1, 5); INSERT stock VALUES (2, -1); SELECT 'not reached'")
    assert [(m.number, m.text) for m in outcome.errors] == [
        (50000, "negative stock"),
        (3609, "The transaction ended in the trigger. The batch has been aborted."),
    ]
    assert outcome.errors[0].procedure == "stock_check"
    assert not outcome.result_sets
    assert guarded.rows("SELECT id FROM stock") == [(1,)]
    assert guarded.scalar("SELECT @@TRANCOUNT") == 0


def test_rollback_in_trigger_rolls_back_the_user_transaction(guarded) -> None:
    guarded.execute("BEGIN TRAN; INSERT stock VALUES (1, 5); INSERT stock VALUES (2, -1)")
    assert guarded.scalar("SELECT COUNT(*) FROM stock") == 0
    assert guarded.scalar("SELECT @@TRANCOUNT") == 0


def test_3609_can_be_caught(guarded) -> None:
    outcome = guarded.execute(
        "BEGIN TRY INSERT stock VALUES (2, -1) END TRY BEGIN CATCH SELECT ERROR_NUMBER() END CATCH"
    )
    assert outcome.rows == [(50000,)]  # RAISERROR inside the trigger goes to the caller's CATCH first
    guarded.run("""
        CREATE TRIGGER stock_quiet ON stock AFTER DELETE AS ROLLBACK""")
    caught = guarded.execute("BEGIN TRY DELETE stock END TRY BEGIN CATCH SELECT ERROR_NUMBER(), @@TRANCOUNT END CATCH")
    assert caught.rows == [(3609, 0)]


def test_runtime_error_in_trigger_rolls_back_and_aborts(tsql) -> None:
    tsql.run("CREATE TABLE t (id int)")
    tsql.run("CREATE TRIGGER t_i ON t AFTER INSERT AS BEGIN SELECT 1 / 0; SELECT 'after' END")
    outcome = tsql.execute("INSERT t VALUES (1); SELECT 'next'")
    assert [m.number for m in outcome.errors] == [8134]
    assert outcome.errors[0].procedure == "t_i"
    assert not outcome.result_sets
    assert tsql.scalar("SELECT COUNT(*) FROM t") == 0


def test_raiserror_alone_does_not_undo_the_statement(tsql) -> None:
    tsql.run("CREATE TABLE t (id int)")
    tsql.run("CREATE TRIGGER t_i ON t AFTER INSERT AS RAISERROR('just saying', 16, 1)")
    outcome = tsql.execute("INSERT t VALUES (1); SELECT COUNT(*) FROM t")
    assert [m.number for m in outcome.errors] == [50000]
    assert outcome.rows == [(1,)]


def test_throw_in_trigger_rolls_back_the_transaction(tsql) -> None:
    tsql.run("CREATE TABLE t (id int)")
    tsql.run("CREATE TRIGGER t_i ON t AFTER INSERT AS THROW 50001, 'no inserts', 1")
    outcome = tsql.execute("BEGIN TRAN; INSERT t VALUES (1); SELECT 'no'")
    assert [(m.number, m.text) for m in outcome.errors] == [(50001, "no inserts")]
    assert tsql.rows("SELECT @@TRANCOUNT, (SELECT COUNT(*) FROM t)") == [(0, 0)]


def test_caught_error_inside_trigger_is_3616(tsql) -> None:
    tsql.run("CREATE TABLE t (id int)")
    tsql.run("""
        CREATE TRIGGER t_i ON t AFTER INSERT AS
        BEGIN TRY SELECT 1 / 0 END TRY BEGIN CATCH SELECT XACT_STATE() END CATCH""")
    outcome = tsql.execute("INSERT t VALUES (1)")
    assert outcome.rows == [(-1,)]
    assert [m.number for m in outcome.errors] == [3616]
    assert tsql.scalar("SELECT COUNT(*) FROM t") == 0


# --- nesting and recursion ---------------------------------------------------------------------------


def test_nested_triggers_and_nesting_level(tsql) -> None:
    tsql.run("CREATE TABLE a (x int); CREATE TABLE b (x int)")
    tsql.run("CREATE TRIGGER a_i ON a AFTER INSERT AS INSERT b SELECT x FROM inserted")
    tsql.run("CREATE TRIGGER b_i ON b AFTER INSERT AS SELECT TRIGGER_NESTLEVEL(), @@NESTLEVEL")
    assert tsql.rows("INSERT a VALUES (1)") == [(2, 2)]
    assert tsql.scalar("SELECT TRIGGER_NESTLEVEL()") == 0


def test_nested_triggers_option_off_stops_after_triggers_inside_triggers(tsql) -> None:
    tsql.run("CREATE TABLE a (x int); CREATE TABLE b (x int)")
    tsql.run("CREATE TRIGGER a_i ON a AFTER INSERT AS INSERT b SELECT x FROM inserted")
    tsql.run("CREATE TRIGGER b_i ON b AFTER INSERT AS SELECT 'b fired'")
    tsql.engine.nested_triggers = False
    assert tsql.run("INSERT a VALUES (1)").result_sets == []
    assert tsql.scalar("SELECT COUNT(*) FROM b") == 1


def test_direct_recursion_needs_recursive_triggers(tsql) -> None:
    tsql.run("CREATE TABLE r (id int, n int)")
    tsql.run("INSERT r VALUES (1, 0)")
    tsql.run("""
        CREATE TRIGGER r_u ON r AFTER UPDATE AS
        IF (SELECT n FROM inserted) < 5 UPDATE r SET n = n + 1""")
    tsql.run("UPDATE r SET n = 1")
    assert tsql.scalar("SELECT n FROM r") == 2  # the trigger's own UPDATE does not fire it again
    tsql.run("ALTER DATABASE CURRENT SET RECURSIVE_TRIGGERS ON")
    assert tsql.scalar("SELECT DATABASEPROPERTYEX(DB_NAME(), 'IsRecursiveTriggersEnabled')") == 1
    tsql.run("UPDATE r SET n = 1")
    assert tsql.scalar("SELECT n FROM r") == 5
    tsql.run("ALTER DATABASE CURRENT SET RECURSIVE_TRIGGERS OFF")


def test_endless_indirect_recursion_stops_at_32_levels(tsql) -> None:
    tsql.run("CREATE TABLE a (x int); CREATE TABLE b (x int)")
    tsql.run("CREATE TRIGGER a_i ON a AFTER INSERT AS INSERT b SELECT x FROM inserted")
    tsql.run("CREATE TRIGGER b_i ON b AFTER INSERT AS INSERT a SELECT x FROM inserted")
    error = tsql.error("INSERT a VALUES (1)")
    assert error.number == 217
    assert tsql.rows("SELECT (SELECT COUNT(*) FROM a), (SELECT COUNT(*) FROM b)") == [(0, 0)]


# --- INSTEAD OF ----------------------------------------------------------------------------------------


def test_instead_of_insert_on_a_view_writes_the_base_table(tsql) -> None:
    tsql.run("""
        CREATE TABLE base (id int IDENTITY(1,1) PRIMARY KEY, color nvarchar(10) NOT NULL,
                           material nvarchar(10) NOT NULL, combined AS (color + material))""")
    tsql.run("CREATE VIEW v AS SELECT id, color, material, combined FROM base")
    tsql.run("""
        CREATE TRIGGER v_i ON v INSTEAD OF INSERT AS
        INSERT base (color, material) SELECT color, material FROM inserted""")
    outcome = tsql.run("INSERT v (id, color, material, combined) VALUES (999, N'Red', N'Wood', N'ignored')")
    assert outcome.done[-1].row_count == 1
    assert tsql.rows("SELECT id, combined FROM base") == [(1, "RedWood")]


def test_instead_of_on_a_table_replaces_the_statement(tsql) -> None:
    tsql.run("CREATE TABLE t (id int PRIMARY KEY, v int)")
    tsql.run("INSERT t VALUES (1, 1), (2, 2)")
    tsql.run("""
        CREATE TRIGGER t_d ON t INSTEAD OF DELETE AS
        UPDATE t SET v = -v WHERE id IN (SELECT id FROM deleted)""")
    tsql.run("""
        CREATE TRIGGER t_u ON t INSTEAD OF UPDATE AS
        UPDATE t SET v = i.v * 100 FROM t JOIN inserted i ON t.id = i.id""")
    tsql.run("DELETE t WHERE id = 1")
    tsql.run("UPDATE t SET v = 3 WHERE id = 2")
    # The INSTEAD OF DELETE trigger's UPDATE goes to the (other) INSTEAD OF UPDATE trigger; each trigger's
    # own statement against t goes to the table.
    assert tsql.rows("SELECT id, v FROM t ORDER BY id") == [(1, -100), (2, 300)]


def test_instead_of_delete_and_update_on_a_view(tsql) -> None:
    tsql.run("CREATE TABLE base (id int, v int); INSERT base VALUES (1, 10), (2, 20)")
    tsql.run("CREATE VIEW v AS SELECT id, v * 2 AS doubled FROM base")
    tsql.run("CREATE TRIGGER v_d ON v INSTEAD OF DELETE AS DELETE base WHERE id IN (SELECT id FROM deleted)")
    tsql.run("""
        CREATE TRIGGER v_u ON v INSTEAD OF UPDATE AS
        SELECT d.doubled, i.doubled FROM inserted i JOIN deleted d ON i.id = d.id""")
    assert tsql.rows("UPDATE v SET doubled = 7 WHERE id = 2") == [(40, 7)]
    tsql.run("DELETE v WHERE doubled = 20")
    assert tsql.rows("SELECT id FROM base") == [(2,)]


def test_one_instead_of_trigger_per_action(tsql) -> None:
    tsql.run("CREATE TABLE t (id int)")
    tsql.run("CREATE TRIGGER t1 ON t INSTEAD OF INSERT AS SELECT 1")
    error = tsql.error("CREATE TRIGGER t2 ON t INSTEAD OF INSERT, UPDATE AS SELECT 2")
    assert (error.number, error.text) == (
        2111,
        "Cannot create trigger 't2' on table 't' because an INSTEAD OF INSERT trigger already exists on this object.",
    )


def test_after_trigger_on_a_view_is_340(tsql) -> None:
    tsql.run("CREATE TABLE t (id int)")
    tsql.run("CREATE VIEW v AS SELECT id FROM t")
    assert tsql.error("CREATE TRIGGER v_a ON v AFTER INSERT AS SELECT 1").number == 340


# --- DDL, the catalog, OUTPUT ------------------------------------------------------------------------


def test_catalog_views_and_properties(audited) -> None:
    audited.run("CREATE TRIGGER items_io ON items INSTEAD OF DELETE AS SELECT 1")
    rows = audited.rows(
        "SELECT name, is_instead_of_trigger, is_disabled, OBJECT_NAME(parent_id) FROM sys.triggers ORDER BY name"
    )
    assert rows == [("items_audit", False, False, "items"), ("items_io", True, False, "items")]
    events = audited.rows(
        "SELECT type, type_desc FROM sys.trigger_events WHERE object_id = OBJECT_ID('items_audit') ORDER BY type"
    )
    assert events == [(1, "INSERT"), (2, "UPDATE"), (3, "DELETE")]
    assert audited.rows("""
        SELECT OBJECTPROPERTY(OBJECT_ID('items_audit'), 'IsTrigger'),
               OBJECTPROPERTY(OBJECT_ID('items_audit'), 'ExecIsAfterTrigger'),
               OBJECTPROPERTY(OBJECT_ID('items_io'), 'ExecIsInsteadOfTrigger'),
               OBJECTPROPERTY(OBJECT_ID('items_io'), 'ExecIsUpdateTrigger'),
               OBJECTPROPERTY(OBJECT_ID('items'), 'HasInsertTrigger'),
               OBJECTPROPERTY(OBJECT_ID('items'), 'TableDeleteTriggerCount')""") == [(1, 1, 1, 0, 1, 2)]
    assert audited.scalar("SELECT type FROM sys.objects WHERE name = 'items_audit'") == "TR"
    definition = audited.scalar("SELECT OBJECT_DEFINITION(OBJECT_ID('items_io'))")
    assert definition == "CREATE TRIGGER items_io ON items INSTEAD OF DELETE AS SELECT 1"
    assert audited.scalar("SELECT COUNT(*) FROM sys.sql_modules WHERE object_id = OBJECT_ID('items_io')") == 1
    helped = audited.run("EXEC sp_helptrigger 'items'")
    assert [r[0] for r in helped.rows] == ["items_audit", "items_io"]


def test_disable_enable_and_alter(audited) -> None:
    audited.run("DISABLE TRIGGER items_audit ON items")
    audited.run("INSERT items VALUES (1, 1, 'x')")
    assert _audit(audited) == []
    assert audited.scalar("SELECT is_disabled FROM sys.triggers") is True
    audited.run("ENABLE TRIGGER ALL ON items")
    audited.run("INSERT items VALUES (2, 2, 'y')")
    audited.run("ALTER TABLE items DISABLE TRIGGER ALL")
    audited.run("INSERT items VALUES (3, 3, 'z')")
    audited.run("ALTER TABLE items ENABLE TRIGGER items_audit")
    assert [r[1] for r in _audit(audited)] == [2]
    audited.run("ALTER TRIGGER items_audit ON items AFTER INSERT AS INSERT audit (action, id) VALUES ('X', 0)")
    audited.run("INSERT items VALUES (4, 4, 'w')")
    assert _audit(audited)[-1] == ("X", 0, None, None)
    assert audited.error("DISABLE TRIGGER nosuch ON items").number == 3701


def test_create_or_alter_drop_and_drop_with_table(tsql) -> None:
    tsql.run("CREATE TABLE t (id int)")
    tsql.run("CREATE OR ALTER TRIGGER t_i ON t AFTER INSERT AS SELECT 1")
    tsql.run("CREATE OR ALTER TRIGGER t_i ON t AFTER INSERT AS SELECT 2")
    assert tsql.scalar("INSERT t VALUES (1)") == 2
    assert tsql.error("CREATE TRIGGER t_i ON t AFTER INSERT AS SELECT 3").number == 2714
    tsql.run("DROP TRIGGER t_i")
    assert tsql.error("DROP TRIGGER t_i").number == 3701
    tsql.run("DROP TRIGGER IF EXISTS t_i")
    tsql.run("CREATE TRIGGER t_j ON t AFTER INSERT AS SELECT 4")
    tsql.run("DROP TABLE t")
    assert tsql.scalar("SELECT COUNT(*) FROM sys.triggers") == 0


def test_create_trigger_errors(tsql) -> None:
    assert tsql.error("CREATE TRIGGER x ON nosuch AFTER INSERT AS SELECT 1").number == 8197
    tsql.run("CREATE TABLE t (id int)")
    assert tsql.error("CREATE TRIGGER x ON t AFTER INSERT SELECT 1").number in (102, 156)
    ddl = tsql.error("CREATE TRIGGER x ON DATABASE FOR CREATE_TABLE AS SELECT 1")
    assert (ddl.number, "'DDL triggers'" in ddl.text) == (40517, True)
    logon = tsql.error("CREATE TRIGGER x ON ALL SERVER FOR LOGON AS SELECT 1")
    assert (logon.number, "'LOGON triggers'" in logon.text) == (40517, True)
    clr = tsql.error("CREATE TRIGGER x ON t AFTER INSERT AS EXTERNAL NAME a.b.c")
    assert (clr.number, "'CLR triggers'" in clr.text) == (40517, True)
    assert tsql.error("CREATE TRIGGER other.x ON t AFTER INSERT AS SELECT 1").number in (2103, 2760)


def test_output_and_triggers(audited) -> None:
    error = audited.error("INSERT items OUTPUT inserted.id VALUES (1, 1, 'a')")
    assert error.number == 334
    audited.run("DECLARE @ids TABLE (id int); INSERT items OUTPUT inserted.id INTO @ids VALUES (2, 2, 'b')")
    assert audited.error("DELETE audit OUTPUT deleted.seq INTO items (id)").number == 331


def test_pseudo_tables_are_read_only_and_private(tsql) -> None:
    tsql.run("CREATE TABLE t (id int)")
    tsql.run("CREATE TRIGGER t_d ON t AFTER INSERT AS DELETE FROM inserted")
    assert tsql.error("INSERT t VALUES (1)").number == 286
    tsql.run("DROP TRIGGER t_d")
    tsql.run("CREATE TRIGGER t_e ON t AFTER INSERT AS EXEC('SELECT * FROM inserted')")
    assert tsql.error("INSERT t VALUES (1)").number == 208


def test_merge_fires_each_action_trigger(tsql) -> None:
    tsql.run("CREATE TABLE t (id int PRIMARY KEY, v int); INSERT t VALUES (1, 1), (2, 2)")
    tsql.run("CREATE TABLE log (what varchar(10), n int)")
    tsql.run("""
        CREATE TRIGGER t_all ON t AFTER INSERT, UPDATE, DELETE AS
        INSERT log SELECT CASE WHEN EXISTS (SELECT * FROM deleted) AND EXISTS (SELECT * FROM inserted) THEN 'update'
                               WHEN EXISTS (SELECT * FROM inserted) THEN 'insert' ELSE 'delete' END, @@ROWCOUNT""")
    tsql.run("""
        MERGE t USING (VALUES (1, 10), (3, 30)) AS s (id, v) ON t.id = s.id
        WHEN MATCHED THEN UPDATE SET v = s.v
        WHEN NOT MATCHED THEN INSERT VALUES (s.id, s.v)
        WHEN NOT MATCHED BY SOURCE THEN DELETE;""")
    assert tsql.rows("SELECT what, n FROM log ORDER BY what") == [("delete", 1), ("insert", 1), ("update", 1)]


def test_triggers_see_tables_changed_by_alter_table(tsql) -> None:
    tsql.run("CREATE TABLE t (a int)")
    tsql.run("CREATE TRIGGER t_i ON t AFTER INSERT AS SELECT * FROM inserted")
    assert tsql.rows("INSERT t VALUES (1)") == [(1,)]
    tsql.run("ALTER TABLE t ADD b varchar(5)")
    assert tsql.rows("INSERT t VALUES (2, 'x')") == [(2, "x")]


def test_a_table_without_triggers_keeps_the_direct_form(tsql) -> None:
    """Triggers are looked up when a plan is made: a table without them keeps the one-statement form."""
    tsql.run("CREATE TABLE t (id int)")

    def plan() -> dml.WritePlan:
        stmt = batch.parse("INSERT t (id) SELECT id FROM t").statements[0]
        return dml.compile_insert(dmlparse.parse(stmt), tsql.session._context(Frame()), False, 0)

    assert plan().triggers is None and not plan().rows_first
    tsql.run("CREATE TRIGGER t_i ON t AFTER INSERT AS SELECT 1")
    assert plan().triggers is not None and plan().rows_first
    tsql.run("DROP TRIGGER t_i")
    assert plan().triggers is None and not plan().rows_first
