"""DDL as SQL Server does it: keys and their indexes, CHECK and FOREIGN KEY constraints with their
messages and actions, computed and rowversion columns, ALTER TABLE, sp_rename, schemas, sequences."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tdsnet.engine import Engine, ServerInfo

TSQL = Any  # tests/engine/conftest.py's session helper


def errors_of(tsql: TSQL, sql: str) -> list[tuple[int, str]]:
    return [(m.number, m.text) for m in tsql.execute(sql).errors]


def numbers(tsql: TSQL, sql: str) -> list[int]:
    return [m.number for m in tsql.execute(sql).errors]


# --- keys -----------------------------------------------------------------------------------------


def test_clustering_of_keys_as_written(tsql: TSQL) -> None:
    tsql.run(
        "CREATE TABLE k (id int PRIMARY KEY NONCLUSTERED, u int UNIQUE CLUSTERED,"
        " CONSTRAINT k_x UNIQUE NONCLUSTERED (id DESC), UNIQUE (u, id))"
    )
    rows = tsql.rows(
        "SELECT name, index_id, type_desc, is_primary_key, is_unique_constraint FROM sys.indexes"
        " WHERE object_id = OBJECT_ID('k') ORDER BY index_id"
    )
    assert [r[1:] for r in rows] == [
        (1, "CLUSTERED", False, True),
        (2, "NONCLUSTERED", True, False),
        (3, "NONCLUSTERED", False, True),
        (4, "NONCLUSTERED", False, True),
    ]
    assert rows[2][0] == "k_x"
    descending = tsql.rows(
        "SELECT is_descending_key FROM sys.index_columns WHERE object_id = OBJECT_ID('k') AND index_id = 3"
    )
    assert descending == [(True,)]


def test_table_level_primary_key_with_options(tsql: TSQL) -> None:
    tsql.run(
        "CREATE TABLE p (a int, b int, PRIMARY KEY NONCLUSTERED (a, b) WITH (FILLFACTOR = 80) ON [PRIMARY])"
        " ON [PRIMARY]"
    )
    rows = tsql.rows("SELECT type_desc, is_primary_key FROM sys.indexes WHERE object_id = OBJECT_ID('p')")
    assert rows == [("HEAP", False), ("NONCLUSTERED", True)]
    assert tsql.error("INSERT INTO p VALUES (NULL, 1)").number == 515


def test_two_primary_keys_and_two_clustered_keys(tsql: TSQL) -> None:
    assert tsql.error("CREATE TABLE t (a int PRIMARY KEY, b int PRIMARY KEY)").number == 8110
    error = tsql.error("CREATE TABLE t (a int PRIMARY KEY, b int UNIQUE CLUSTERED)")
    assert error.number == 8112


def test_key_names_generated_or_given(tsql: TSQL) -> None:
    tsql.run("CREATE TABLE n (a int CONSTRAINT pk_n PRIMARY KEY, b int UNIQUE)")
    rows = tsql.rows("SELECT name, is_system_named FROM sys.key_constraints ORDER BY type")
    assert rows[0] == ("pk_n", False)
    assert rows[1][0].startswith("UQ__n__") and rows[1][1] is True


# --- CHECK ----------------------------------------------------------------------------------------


def test_check_messages_name_the_statement_and_column(tsql: TSQL) -> None:
    tsql.run("CREATE TABLE c (lo int, hi int CONSTRAINT ck_hi CHECK (hi < 100), CONSTRAINT ck_range CHECK (lo <= hi))")
    error = tsql.error("INSERT INTO c VALUES (1, 200)")
    assert (error.number, error.severity, error.state) == (547, 16, 0)
    assert error.text == (
        'The INSERT statement conflicted with the CHECK constraint "ck_hi". The conflict occurred in database '
        '"master", table "dbo.c", column \'hi\'.'
    )
    tsql.run("INSERT INTO c VALUES (1, 5), (NULL, 5)")
    error = tsql.error("UPDATE c SET lo = 9")
    assert error.text == (
        'The UPDATE statement conflicted with the CHECK constraint "ck_range". The conflict occurred in database '
        '"master", table "dbo.c".'
    )
    assert tsql.scalar("SELECT COUNT(*) FROM c WHERE lo = 9") == 0


def test_check_follows_sql_server_semantics(tsql: TSQL) -> None:
    tsql.run("CREATE TABLE s (code varchar(5) CHECK (code IN ('a', 'b')), amount decimal(5,2) CHECK (amount > 1.5))")
    tsql.run("INSERT INTO s VALUES ('A  ', 1.51)")  # case-insensitive, trailing spaces ignored, exact decimals
    assert tsql.error("INSERT INTO s VALUES ('c', 2)").number == 547
    assert tsql.error("INSERT INTO s VALUES ('a', 1.5)").number == 547


def test_column_check_on_another_column_is_8141(tsql: TSQL) -> None:
    assert tsql.error("CREATE TABLE t (a int, b int CHECK (a > b))").number == 8141


# --- FOREIGN KEY ----------------------------------------------------------------------------------


@pytest.fixture
def parent(tsql: TSQL) -> TSQL:
    tsql.run("CREATE TABLE parent (id int PRIMARY KEY, code varchar(5) UNIQUE)")
    tsql.run("INSERT INTO parent VALUES (1, 'a'), (2, 'b')")
    return tsql


def test_foreign_key_without_columns_references_the_primary_key(parent: TSQL) -> None:
    parent.run("CREATE TABLE child (pid int CONSTRAINT fk_c FOREIGN KEY REFERENCES parent)")
    row = parent.rows("SELECT referenced_object_id, key_index_id FROM sys.foreign_keys WHERE name = 'fk_c'")
    assert row == [(parent.scalar("SELECT OBJECT_ID('parent')"), 1)]
    error = parent.error("INSERT INTO child VALUES (3)")
    assert error.text == (
        'The INSERT statement conflicted with the FOREIGN KEY constraint "fk_c". The conflict occurred in database '
        '"master", table "dbo.parent", column \'id\'.'
    )
    parent.run("INSERT INTO child VALUES (1), (NULL)")
    error = parent.error("DELETE FROM parent WHERE id = 1")
    assert error.text == (
        'The DELETE statement conflicted with the REFERENCE constraint "fk_c". The conflict occurred in database '
        '"master", table "dbo.child", column \'pid\'.'
    )
    assert parent.error("UPDATE parent SET id = 5 WHERE id = 1").number == 547
    parent.run("UPDATE parent SET id = 6 WHERE id = 2")  # not referenced


def test_referential_actions(parent: TSQL) -> None:
    parent.run(
        "CREATE TABLE child (id int, pid int DEFAULT 2 REFERENCES parent (id) ON DELETE SET DEFAULT,"
        " code varchar(5) REFERENCES parent (code) ON UPDATE CASCADE ON DELETE SET NULL)"
    )
    parent.run("INSERT INTO child VALUES (10, 1, 'a'), (11, 2, 'b')")
    parent.run("UPDATE parent SET code = 'z' WHERE id = 1")
    parent.run("DELETE FROM parent WHERE id = 1")
    assert parent.rows("SELECT id, pid, code FROM child ORDER BY id") == [(10, 2, None), (11, 2, "b")]
    parent.run("CREATE TABLE grandchild (cid int PRIMARY KEY, pid int REFERENCES parent ON DELETE CASCADE)")
    parent.run("INSERT INTO grandchild VALUES (1, 2)")
    parent.run("DELETE FROM child")
    parent.run("DELETE FROM parent")
    assert parent.scalar("SELECT COUNT(*) FROM grandchild") == 0


def test_self_reference_messages(tsql: TSQL) -> None:
    tsql.run("CREATE TABLE emp (id int PRIMARY KEY, boss int CONSTRAINT fk_boss REFERENCES emp (id))")
    tsql.run("INSERT INTO emp VALUES (1, NULL), (2, 1), (3, 3)")
    assert "FOREIGN KEY SAME TABLE constraint" in tsql.error("INSERT INTO emp VALUES (4, 9)").text
    assert "SAME TABLE REFERENCE constraint" in tsql.error("DELETE FROM emp WHERE id = 1").text


def test_foreign_key_errors_at_create(parent: TSQL) -> None:
    assert errors_of(parent, "CREATE TABLE c1 (p int REFERENCES nowhere (id))")[1] == (
        1750,
        "Could not create constraint or index. See previous errors.",
    )
    inline = (
        "CREATE TABLE c2 (p int CONSTRAINT f REFERENCES parent (id), q int CONSTRAINT g FOREIGN KEY REFERENCES parent)"
    )
    parent.run(inline)
    mismatch = "CREATE TABLE c3 (p int, CONSTRAINT f3 FOREIGN KEY (p) REFERENCES parent (code))"
    assert numbers(parent, mismatch) == [1778, 1750]
    no_key = "CREATE TABLE c4 (p varchar(5) REFERENCES parent (code), q int REFERENCES c4 (q))"
    assert numbers(parent, no_key) == [1776, 1750]


def test_drop_table_referenced_by_a_foreign_key(parent: TSQL) -> None:
    parent.run("CREATE TABLE child (pid int REFERENCES parent)")
    error = parent.error("DROP TABLE parent")
    assert (error.number, error.text) == (
        3726,
        "Could not drop object 'parent' because it is referenced by a FOREIGN KEY constraint.",
    )
    parent.run("DROP TABLE child, parent")
    assert parent.scalar("SELECT COUNT(*) FROM sys.foreign_keys") == 0


def test_temp_tables_skip_foreign_keys(parent: TSQL) -> None:
    parent.run("CREATE TABLE #c (pid int REFERENCES parent)")
    parent.run("INSERT INTO #c VALUES (99)")


# --- computed and rowversion columns ---------------------------------------------------------------


def test_computed_columns(tsql: TSQL) -> None:
    tsql.run(
        "CREATE TABLE cc (price decimal(6,2), qty int, total AS price * qty, twice AS qty * 2 PERSISTED,"
        " label AS 'n' + CAST(qty AS varchar(5)))"
    )
    tsql.run("INSERT INTO cc (price, qty) VALUES (2.50, 4)")
    result = tsql.run("SELECT total, twice, label FROM cc")
    assert result.rows == [(Decimal("10.00"), 8, "n4")]
    assert [str(c.type) for c in result.columns] == ["decimal(17,2)", "int", "varchar(6)"]
    rows = tsql.rows("SELECT name, definition, is_persisted FROM sys.computed_columns ORDER BY column_id")
    assert rows == [
        ("total", "([price]*[qty])", False),
        ("twice", "([qty]*(2))", True),
        ("label", "('n'+CONVERT([varchar](5),[qty]))", False),
    ]
    assert tsql.error("UPDATE cc SET total = 1").number == 271
    assert tsql.error("INSERT INTO cc (qty) VALUES (2147483647)").number == 8115


def test_computed_column_rules(tsql: TSQL) -> None:
    assert tsql.error("CREATE TABLE t (a int, b AS a + 1, c AS b + 1)").number == 1759
    assert tsql.error("CREATE TABLE t (a int, b AS GETDATE())").number == 40517


def test_rowversion(tsql: TSQL) -> None:
    tsql.run("CREATE TABLE rv (id int, ver rowversion)")
    tsql.run("INSERT INTO rv (id) VALUES (1), (2)")
    first = dict(tsql.rows("SELECT id, ver FROM rv"))
    assert all(isinstance(v, bytes) and len(v) == 8 for v in first.values()) and first[1] != first[2]
    tsql.run("UPDATE rv SET id = 3 WHERE id = 1")
    assert tsql.scalar("SELECT ver FROM rv WHERE id = 3") > max(first.values())
    assert tsql.error("INSERT INTO rv VALUES (4, 0x01)").number == 273
    row = tsql.rows("SELECT TYPE_NAME(system_type_id), max_length, is_nullable FROM sys.columns WHERE name = 'ver'")
    assert row == [("timestamp", 8, False)]


# --- ALTER TABLE ---------------------------------------------------------------------------------


def test_alter_table_add_columns(tsql: TSQL) -> None:
    tsql.run("CREATE TABLE a (id int PRIMARY KEY)")
    object_id = tsql.scalar("SELECT OBJECT_ID('a')")
    tsql.run("INSERT INTO a VALUES (1), (2)")
    tsql.run("ALTER TABLE a ADD note varchar(10) NULL, flag int NOT NULL CONSTRAINT df_flag DEFAULT 7")
    tsql.run("ALTER TABLE a ADD later int NULL DEFAULT 3 WITH VALUES, seq int IDENTITY(10, 5)")
    assert tsql.rows("SELECT * FROM a ORDER BY id") == [(1, None, 7, 3, 10), (2, None, 7, 3, 15)]
    assert tsql.scalar("SELECT OBJECT_ID('a')") == object_id
    assert tsql.error("INSERT INTO a (id) VALUES (1)").number == 2627  # the key survived the rebuild
    tsql.run("INSERT INTO a (id) VALUES (3)")
    # the failed INSERT used identity value 20 up (SQL Server does not give identity values back)
    assert tsql.rows("SELECT flag, later, seq FROM a WHERE id = 3") == [(7, 3, 25)]
    assert tsql.error("ALTER TABLE a ADD required int NOT NULL").number == 4901
    assert tsql.error("ALTER TABLE a ADD id int").number == 2705


def test_alter_table_drop_column(tsql: TSQL) -> None:
    tsql.run("CREATE TABLE d (a int, b int CONSTRAINT df_b DEFAULT 1, c int, x AS c * 2)")
    tsql.run("CREATE INDEX ix_c ON d (c)")
    assert errors_of(tsql, "ALTER TABLE d DROP COLUMN b") == [
        (5074, "The object 'df_b' is dependent on column 'b'."),
        (4922, "ALTER TABLE DROP COLUMN b failed because one or more objects access this column."),
    ]
    assert numbers(tsql, "ALTER TABLE d DROP COLUMN c") == [5074, 5074, 4922]
    assert tsql.error("ALTER TABLE d DROP COLUMN nothing").number == 4924
    tsql.run("ALTER TABLE d DROP CONSTRAINT df_b; ALTER TABLE d DROP COLUMN b, COLUMN IF EXISTS nothing")
    assert [c.name for c in tsql.run("SELECT * FROM d").columns] == ["a", "c", "x"]
    assert tsql.rows("SELECT column_id FROM sys.columns WHERE object_id = OBJECT_ID('d')") == [(1,), (3,), (4,)]


def test_alter_column(tsql: TSQL) -> None:
    tsql.run("CREATE TABLE ac (v varchar(10), n int NULL)")
    tsql.run("INSERT INTO ac VALUES ('42', NULL), ('7', 1)")
    tsql.run("ALTER TABLE ac ALTER COLUMN v int")
    assert tsql.rows("SELECT v + 1 FROM ac ORDER BY v") == [(8,), (43,)]
    error = tsql.error("ALTER TABLE ac ALTER COLUMN n int NOT NULL")
    assert (error.number, error.text) == (
        515,
        "Cannot insert the value NULL into column 'n', table 'master.dbo.ac'; column does not allow nulls. "
        "UPDATE fails.",
    )
    tsql.run("CREATE TABLE tr (s varchar(10))")
    tsql.run("INSERT INTO tr VALUES ('abcdef')")
    assert tsql.error("ALTER TABLE tr ALTER COLUMN s varchar(3)").number == 8152
    tsql.run("ALTER TABLE tr ALTER COLUMN s nvarchar(20) NOT NULL")
    assert str(tsql.run("SELECT s FROM tr").columns[0].type) == "nvarchar(20)"
    assert tsql.error("ALTER TABLE tr ALTER COLUMN nothing int").number == 4924


def test_alter_column_under_an_index(tsql: TSQL) -> None:
    tsql.run("CREATE TABLE ai (v varchar(5) CONSTRAINT pk_ai PRIMARY KEY)")
    tsql.run("ALTER TABLE ai ALTER COLUMN v varchar(10) NOT NULL")  # a longer string is fine
    assert numbers(tsql, "ALTER TABLE ai ALTER COLUMN v int NOT NULL") == [5074, 4922]


def test_add_and_drop_constraints(tsql: TSQL) -> None:
    tsql.run("CREATE TABLE ad (id int NOT NULL, v int)")
    tsql.run("INSERT INTO ad VALUES (1, -1), (1, 2)")
    assert errors_of(tsql, "ALTER TABLE ad ADD CONSTRAINT pk_ad PRIMARY KEY (id)")[0] == (
        1505,
        "The CREATE UNIQUE INDEX statement terminated because a duplicate key was found for the object name "
        "'dbo.ad' and the index name 'pk_ad'. The duplicate key value is (1).",
    )
    error = tsql.error("ALTER TABLE ad ADD CONSTRAINT ck_v CHECK (v > 0)")
    assert error.text.startswith('The ALTER TABLE statement conflicted with the CHECK constraint "ck_v".')
    tsql.run("ALTER TABLE ad WITH NOCHECK ADD CONSTRAINT ck_v CHECK (v > 0)")
    assert tsql.rows("SELECT is_disabled, is_not_trusted FROM sys.check_constraints") == [(False, True)]
    assert tsql.error("INSERT INTO ad VALUES (3, -3)").number == 547
    tsql.run("ALTER TABLE ad NOCHECK CONSTRAINT ALL")
    assert tsql.rows("SELECT is_disabled, is_not_trusted FROM sys.check_constraints") == [(True, True)]
    tsql.run("INSERT INTO ad VALUES (3, -3)")
    assert tsql.error("ALTER TABLE ad WITH CHECK CHECK CONSTRAINT ck_v").number == 547
    tsql.run("DELETE FROM ad WHERE v < 0; ALTER TABLE ad WITH CHECK CHECK CONSTRAINT ck_v")
    assert tsql.rows("SELECT is_disabled, is_not_trusted FROM sys.check_constraints") == [(False, False)]
    tsql.run("ALTER TABLE ad ADD CONSTRAINT pk_ad PRIMARY KEY (id), CONSTRAINT df_v DEFAULT 5 FOR v")
    tsql.run("INSERT INTO ad (id) VALUES (9)")
    assert tsql.scalar("SELECT v FROM ad WHERE id = 9") == 5
    assert numbers(tsql, "ALTER TABLE ad ADD DEFAULT 6 FOR v") == [1781, 1750]
    assert errors_of(tsql, "ALTER TABLE ad DROP CONSTRAINT nothing") == [
        (3728, "'nothing' is not a constraint."),
        (3727, "Could not drop constraint. See previous errors."),
    ]
    tsql.run("ALTER TABLE ad DROP CONSTRAINT pk_ad, ck_v, df_v")
    tsql.run("INSERT INTO ad (id, v) VALUES (9, -9)")
    assert tsql.scalar("SELECT COUNT(*) FROM sys.objects WHERE parent_object_id = OBJECT_ID('ad')") == 0


def test_a_referenced_key_cannot_be_dropped(parent: TSQL) -> None:
    parent.run("CREATE TABLE child (pid int CONSTRAINT fk_p REFERENCES parent)")
    name = parent.scalar("SELECT name FROM sys.key_constraints WHERE type = 'PK'")
    assert numbers(parent, f"ALTER TABLE parent DROP CONSTRAINT {name}") == [3725, 3727]


def test_add_foreign_key_checks_existing_rows(parent: TSQL) -> None:
    parent.run("CREATE TABLE child (pid int)")
    parent.run("INSERT INTO child VALUES (9)")
    error = parent.error("ALTER TABLE child ADD CONSTRAINT fk FOREIGN KEY (pid) REFERENCES parent (id)")
    assert error.text.startswith('The ALTER TABLE statement conflicted with the FOREIGN KEY constraint "fk".')
    parent.run("ALTER TABLE child WITH NOCHECK ADD CONSTRAINT fk FOREIGN KEY (pid) REFERENCES parent (id)")
    assert parent.error("INSERT INTO child VALUES (8)").number == 547
    parent.run("ALTER TABLE child ADD flag int NULL")  # a rebuild keeps both sides of the constraint
    assert parent.error("INSERT INTO child (pid) VALUES (8)").number == 547
    parent.run("INSERT INTO child (pid) VALUES (1)")
    assert parent.error("DELETE FROM parent WHERE id = 1").number == 547


def test_failed_alter_leaves_the_table_as_it_was(tsql: TSQL) -> None:
    tsql.run("CREATE TABLE f (v varchar(10))")
    tsql.run("INSERT INTO f VALUES ('1'), ('x')")
    assert tsql.error("ALTER TABLE f ALTER COLUMN v int").number == 245
    assert tsql.rows("SELECT v FROM f ORDER BY v") == [("1",), ("x",)]
    tsql.run("BEGIN TRANSACTION; ALTER TABLE f ADD w int NULL; ROLLBACK")
    assert [c.name for c in tsql.run("SELECT * FROM f").columns] == ["v"]


def test_alter_table_of_a_missing_table(tsql: TSQL) -> None:
    assert tsql.error("ALTER TABLE nothing ADD a int").number == 4902
    assert tsql.error("ALTER TABLE nothing SWITCH TO other").number in (4902, 40517)


# --- sp_rename ------------------------------------------------------------------------------------


def test_sp_rename(parent: TSQL) -> None:
    parent.run("CREATE TABLE child (pid int CONSTRAINT fk_p REFERENCES parent, q int CONSTRAINT ck_q CHECK (q > 0))")
    parent.run("CREATE INDEX ix_q ON child (q)")
    outcome = parent.execute("EXEC sp_rename 'child.q', 'qty', 'COLUMN'")
    assert [(m.number, m.severity) for m in outcome.messages] == [(15477, 10)]
    assert parent.scalar("SELECT definition FROM sys.check_constraints") == "([qty]>(0))"
    parent.run("EXEC sp_rename 'child', 'kid'")
    parent.run("EXEC sp_rename 'kid.ix_q', 'ix_qty', 'INDEX'")
    parent.run("EXEC sp_rename 'ck_q', 'ck_qty'")
    assert parent.scalar("SELECT name FROM sys.indexes WHERE object_id = OBJECT_ID('kid') AND index_id = 2") == "ix_qty"
    error = parent.error("INSERT INTO kid (pid, qty) VALUES (1, 0)")
    assert '"ck_qty"' in error.text and '"dbo.kid"' in error.text and "'qty'" in error.text
    assert parent.error("INSERT INTO kid (pid, qty) VALUES (7, 1)").number == 547
    parent.run("INSERT INTO kid (pid, qty) VALUES (1, 1)")
    assert "dbo.kid" in parent.error("DELETE FROM parent WHERE id = 1").text
    parent.run("EXEC sp_rename 'parent.id', 'pid', 'COLUMN'")
    assert parent.rows("SELECT COL_NAME(referenced_object_id, referenced_column_id) FROM sys.foreign_key_columns") == [
        ("pid",)
    ]
    assert parent.error("EXEC sp_rename 'nothing', 'x'").number == 15248


# --- schemas ----------------------------------------------------------------------------------------


def test_schemas(tsql: TSQL) -> None:
    tsql.run("CREATE SCHEMA app AUTHORIZATION dbo")
    assert tsql.rows("SELECT schema_id, principal_id FROM sys.schemas WHERE name = 'app'") == [(5, 1)]
    assert tsql.scalar("SELECT SCHEMA_NAME(SCHEMA_ID('app'))") == "app"
    assert tsql.error("CREATE SCHEMA app").number == 2714
    assert tsql.error("CREATE SCHEMA x AUTHORIZATION nobody").number == 15151
    tsql.run("CREATE TABLE app.t (id int PRIMARY KEY, v int CHECK (v > 0))")
    tsql.run("CREATE TABLE dbo.c (tid int REFERENCES app.t)")
    tsql.run("INSERT INTO app.t VALUES (1, 1)")
    busy = "Cannot drop schema 'app' because it is being referenced by object 't'."
    assert tsql.error("DROP SCHEMA app").text == busy
    tsql.run("ALTER SCHEMA dbo TRANSFER OBJECT::app.t")
    tsql.run("DROP SCHEMA app")
    assert tsql.scalar("SELECT SCHEMA_ID('app')") is None
    assert tsql.rows("SELECT id FROM dbo.t") == [(1,)]
    assert tsql.error("INSERT INTO c VALUES (2)").text.endswith("table \"dbo.t\", column 'id'.")
    assert tsql.error("INSERT INTO t VALUES (1, 1)").number == 2627
    assert tsql.error("INSERT INTO t VALUES (2, 0)").number == 547
    assert tsql.error("DROP SCHEMA app").number == 3701
    tsql.run("DROP SCHEMA IF EXISTS app")
    assert tsql.error("DROP SCHEMA dbo").number == 3708


def test_create_schema_must_start_its_batch(tsql: TSQL) -> None:
    outcome = tsql.execute("SELECT 1\nCREATE SCHEMA late")
    assert [(m.number, m.text) for m in outcome.errors] == [
        (111, "'CREATE SCHEMA' must be the first statement in a query batch.")
    ]
    assert outcome.result_sets == []


def test_create_view_must_start_its_batch(tsql: TSQL) -> None:
    outcome = tsql.execute("PRINT 'x'\nCREATE VIEW v AS SELECT 1 AS one")
    assert [(m.number, m.severity, m.line) for m in outcome.errors] == [(111, 15, 2)]
    tsql.run("CREATE TABLE vt (a int)")
    tsql.run("CREATE VIEW v AS SELECT a FROM vt WHERE a > 0 WITH CHECK OPTION;")
    assert tsql.rows("SELECT with_check_option FROM sys.views") == [(True,)]


# --- sequences ------------------------------------------------------------------------------------


def test_sequence_values(tsql: TSQL) -> None:
    tsql.run("CREATE SEQUENCE s AS int START WITH 10 INCREMENT BY 5")
    assert tsql.rows("SELECT NEXT VALUE FOR s, NEXT VALUE FOR dbo.s") == [(10, 15)]
    assert str(tsql.run("SELECT NEXT VALUE FOR s").columns[0].type) == "int"
    tsql.run("CREATE TABLE st (id int DEFAULT (NEXT VALUE FOR s), v int)")
    tsql.run("INSERT INTO st (v) VALUES (1), (2)")
    assert tsql.rows("SELECT id FROM st ORDER BY v") == [(25,), (30,)]
    tsql.run("ALTER SEQUENCE s RESTART WITH 100 INCREMENT BY -1")
    assert tsql.rows("SELECT NEXT VALUE FOR s UNION ALL SELECT NEXT VALUE FOR s") == [(100,), (99,)]


def test_sequence_defaults_and_bounds(tsql: TSQL) -> None:
    tsql.run("CREATE SEQUENCE big")
    assert tsql.scalar("SELECT NEXT VALUE FOR big") == -(2**63)
    tsql.run("CREATE SEQUENCE down AS smallint INCREMENT BY -1")
    assert tsql.scalar("SELECT NEXT VALUE FOR down") == 2**15 - 1
    tsql.run("CREATE SEQUENCE cyc AS tinyint MINVALUE 1 MAXVALUE 2 CYCLE")
    assert [tsql.scalar("SELECT NEXT VALUE FOR cyc") for _ in range(3)] == [1, 2, 1]
    tsql.run("CREATE SEQUENCE ends AS int START WITH 1 MAXVALUE 1")
    tsql.run("SELECT NEXT VALUE FOR ends")
    error = tsql.error("SELECT NEXT VALUE FOR ends")
    assert (error.number, error.severity) == (11728, 16)
    tsql.run("CREATE SEQUENCE dec AS decimal(20, 0) START WITH 12345678901234567890 MAXVALUE 99999999999999999999")
    assert tsql.scalar("SELECT NEXT VALUE FOR dec") == Decimal("12345678901234567890")
    assert tsql.error("CREATE SEQUENCE bad AS varchar(10)").number == 11702
    assert tsql.error("CREATE SEQUENCE bad INCREMENT BY 0").number == 11700
    assert tsql.error("CREATE SEQUENCE bad AS int START WITH 5 MINVALUE 10").number == 11703
    assert tsql.error("CREATE SEQUENCE big").number == 2714


def test_sys_sequences_and_drop(tsql: TSQL) -> None:
    tsql.run("CREATE SEQUENCE s AS int START WITH 1000 INCREMENT BY 10 NO CACHE")
    row = "SELECT start_value, increment, current_value, is_cached, is_exhausted, last_used_value FROM sys.sequences"
    assert tsql.rows(row) == [(1000, 10, 1000, False, False, None)]
    tsql.run("SELECT NEXT VALUE FOR s, NEXT VALUE FOR s")
    assert tsql.rows(row) == [(1000, 10, 1010, False, False, 1010)]
    assert tsql.rows("SELECT type, type_desc FROM sys.objects WHERE name = 's'") == [("SO", "SEQUENCE_OBJECT")]
    assert tsql.scalar("SELECT OBJECT_ID('s')") is not None
    tsql.run("DROP SEQUENCE s")
    assert tsql.error("SELECT NEXT VALUE FOR s").number == 208
    assert tsql.error("DROP SEQUENCE s").number == 3701
    tsql.run("DROP SEQUENCE IF EXISTS s")


# --- the catalog --------------------------------------------------------------------------------------


def test_identity_last_value(tsql: TSQL) -> None:
    tsql.run("CREATE TABLE i (id bigint IDENTITY(5, 5), v int)")
    query = "SELECT seed_value, increment_value, last_value FROM sys.identity_columns"
    assert tsql.rows(query) == [(5, 5, None)]
    tsql.run("INSERT INTO i (v) VALUES (1), (2)")
    assert tsql.rows(query) == [(5, 5, 10)]


def test_temp_tables_in_tempdb_views(tsql: TSQL) -> None:
    tsql.run("CREATE TABLE #mine (id int, v varchar(3))")
    object_id = tsql.scalar("SELECT OBJECT_ID('tempdb..#mine')")
    name = tsql.scalar(f"SELECT name FROM tempdb.sys.tables WHERE object_id = {object_id}")
    assert name.startswith("#mine___") and len(name) == 128
    assert tsql.scalar(f"SELECT COUNT(*) FROM tempdb.sys.columns WHERE object_id = {object_id}") == 2


def test_rollback_of_ddl_forgets_its_catalog(tsql: TSQL) -> None:
    tsql.run("BEGIN TRANSACTION; CREATE TABLE gone (id int); SELECT * FROM gone; ROLLBACK")
    tsql.run("CREATE TABLE kept (id int)")
    assert tsql.error("SELECT * FROM gone").number == 208
    assert tsql.rows("SELECT * FROM kept") == []
    tsql.run(
        "BEGIN TRAN; CREATE TABLE a1 (x int); SAVE TRAN s; CREATE TABLE a2 (x int); SELECT * FROM a2;"
        " ROLLBACK TRAN s; CREATE TABLE a3 (x int); SELECT * FROM a3; ROLLBACK"
    )
    tsql.run("CREATE TABLE b1 (x int); CREATE TABLE b2 (x int); CREATE TABLE b3 (x int)")
    assert [tsql.error(f"SELECT * FROM a{i}").number for i in (1, 2, 3)] == [208, 208, 208]
    assert tsql.rows("SELECT * FROM b1 UNION ALL SELECT * FROM b2 UNION ALL SELECT * FROM b3") == []


def test_alter_identity_and_rowversion_columns(tsql: TSQL) -> None:
    tsql.run("CREATE TABLE h (name varchar(10))")
    tsql.run("INSERT INTO h VALUES ('a'), ('b')")
    tsql.run("ALTER TABLE h ADD id int IDENTITY(1,1) CONSTRAINT pk_h PRIMARY KEY, ver rowversion")
    tsql.run("INSERT INTO h (name) VALUES ('c')")
    assert tsql.rows("SELECT name, id, DATALENGTH(ver) FROM h ORDER BY id") == [("a", 1, 8), ("b", 2, 8), ("c", 3, 8)]
    assert tsql.error("ALTER TABLE h ALTER COLUMN id varchar(5)").number == 2749
    assert tsql.error("ALTER TABLE h ALTER COLUMN ver int").number == 4928
    assert numbers(tsql, "ALTER TABLE h ADD u int NULL UNIQUE") == [1505, 1750]  # two NULLs are duplicates


def test_database_of_an_earlier_version_opens(tsql: TSQL, tmp_path: Path) -> None:
    session_class = type(tsql)
    data = tmp_path / "data"
    engine = Engine(data, ServerInfo("X"))
    engine.open()
    first = session_class(engine)
    first.run("CREATE DATABASE old; USE old; CREATE TABLE t (id int)")
    first.close()
    engine.close()
    con = sqlite3.connect(data / "old.db")
    con.execute("ALTER TABLE __tdsnet_columns DROP COLUMN is_persisted")
    con.execute("ALTER TABLE __tdsnet_columns DROP COLUMN is_rowversion")
    con.execute("DROP TABLE __tdsnet_sequences")
    con.commit()
    con.close()
    engine = Engine(data, ServerInfo("X"))
    engine.open()
    again = session_class(engine)
    again.run("USE old; CREATE SEQUENCE s; CREATE TABLE c (a int, b AS a + 1 PERSISTED)")
    assert again.rows("USE old; SELECT name FROM sys.tables ORDER BY name") == [("c",), ("t",)]
    again.close()
    engine.close()


def test_columns_of_an_inline_table_valued_function(tsql: TSQL) -> None:
    tsql.run("CREATE TABLE o (id int NOT NULL, c varchar(5))")
    tsql.run("CREATE FUNCTION dbo.f (@x int) RETURNS TABLE AS RETURN SELECT id, c, @x + 1 AS nxt FROM o WHERE id = @x")
    rows = tsql.rows(
        "SELECT name, column_id, TYPE_NAME(system_type_id), max_length, is_nullable FROM sys.columns"
        " WHERE object_id = OBJECT_ID('dbo.f') ORDER BY column_id"
    )
    assert rows == [("id", 1, "int", 4, False), ("c", 2, "varchar", 5, True), ("nxt", 3, "int", 4, True)]


def test_special_columns_name_the_rowversion(tsql: TSQL) -> None:
    tsql.run("CREATE TABLE sv (id int PRIMARY KEY, ver rowversion)")
    rows = tsql.rows("EXEC sp_special_columns @table_name = 'sv', @col_type = 'V'")
    assert rows == [(None, "ver", -2, "timestamp", 8, 8, None, 1)]


def test_index_fill_factor(tsql: TSQL) -> None:
    tsql.run(
        "CREATE TABLE fi (a int PRIMARY KEY WITH (FILLFACTOR = 70), b int,"
        " CONSTRAINT u UNIQUE (b) WITH (FILLFACTOR = 60, PAD_INDEX = ON))"
    )
    tsql.run("CREATE INDEX ix ON fi (a, b) WITH (FILLFACTOR = 50)")
    query = "SELECT fill_factor FROM sys.indexes WHERE object_id = OBJECT_ID('fi') ORDER BY index_id"
    assert tsql.rows(query) == [(70,), (60,), (50,)]
    tsql.run("ALTER TABLE fi ADD c int NULL")
    assert tsql.rows(query) == [(70,), (60,), (50,)]
    assert tsql.error("CREATE UNIQUE INDEX ix2 ON fi (b) WITH (IGNORE_DUP_KEY = ON)").number == 40517


def test_alter_temp_tables(tsql: TSQL) -> None:
    tsql.run("CREATE TABLE #t (id int NOT NULL); CREATE TABLE ##g (id int)")
    tsql.run("INSERT INTO #t VALUES (1)")
    tsql.run("ALTER TABLE #t ADD v int NOT NULL DEFAULT 4, CONSTRAINT pk_t PRIMARY KEY (id)")
    tsql.run("ALTER TABLE ##g ADD b int")
    assert tsql.rows("SELECT * FROM #t") == [(1, 4)]
    assert tsql.error("INSERT INTO #t (id) VALUES (1)").number == 2627
    assert [c.name for c in tsql.run("SELECT * FROM ##g").columns] == ["id", "b"]


def test_alter_table_foreign_key_actions_and_drop_without_constraint(parent: TSQL) -> None:
    parent.run("CREATE TABLE c (pid int NULL); INSERT INTO c VALUES (1)")
    parent.run(
        "ALTER TABLE c ADD CONSTRAINT fk FOREIGN KEY (pid) REFERENCES parent (id) ON DELETE SET NULL ON UPDATE CASCADE"
    )
    parent.run("UPDATE parent SET id = 5 WHERE id = 1")
    assert parent.rows("SELECT pid FROM c") == [(5,)]
    parent.run("DELETE FROM parent WHERE id = 5")
    assert parent.rows("SELECT pid FROM c") == [(None,)]
    actions = "SELECT delete_referential_action_desc, update_referential_action_desc FROM sys.foreign_keys"
    assert parent.rows(actions) == [("SET_NULL", "CASCADE")]
    parent.run("ALTER TABLE c DROP fk\nINSERT INTO c VALUES (77)")
    assert parent.scalar("SELECT COUNT(*) FROM c") == 2
