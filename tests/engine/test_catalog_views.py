"""Catalog views as SQL Server documents them: sys.indexes and the constraint views, the module
views, sys.database_principals and INFORMATION_SCHEMA, all consistent with OBJECT_ID()."""

from __future__ import annotations

import pytest

from tdsnet.engine.catalog_views import is_system_named, stored_text

SCHEMA = """
CREATE TABLE dbo.parent (
    id int IDENTITY(10, 5) CONSTRAINT pk_parent PRIMARY KEY,
    code varchar(10) NOT NULL CONSTRAINT uq_parent_code UNIQUE,
    qty int CONSTRAINT df_qty DEFAULT 0 CONSTRAINT ck_qty CHECK (qty >= 0),
    price decimal(10, 2) DEFAULT (1.5),
    created datetime DEFAULT GETDATE(),
    CONSTRAINT ck_parent CHECK (qty < 1000 AND code <> 'x')
);
CREATE TABLE dbo.child (
    id int NOT NULL,
    parent_id int NOT NULL,
    a int,
    b int,
    CONSTRAINT pk_child PRIMARY KEY (id),
    CONSTRAINT fk_child_parent FOREIGN KEY (parent_id) REFERENCES dbo.parent (id) ON DELETE CASCADE,
    CONSTRAINT uq_child_ab UNIQUE (a, b)
);
CREATE TABLE dbo.heap (x int, y int);
CREATE UNIQUE INDEX ix_heap_y ON dbo.heap (y DESC) INCLUDE (x) WHERE y > 0;
CREATE INDEX ix_child_b ON dbo.child (b);
"""


@pytest.fixture
def db(tsql):
    tsql.run(SCHEMA)
    return tsql


def ids(tsql, *names: str) -> list[int]:
    return [tsql.scalar(f"SELECT OBJECT_ID('{name}')") for name in names]


# --- sys.indexes, sys.index_columns ---------------------------------------------------------------


def test_indexes_list_heaps_clustered_and_nonclustered(db) -> None:
    parent, heap = ids(db, "dbo.parent", "dbo.heap")
    rows = db.rows(
        "SELECT object_id, name, index_id, type, type_desc, is_unique, is_primary_key, is_unique_constraint,"
        " has_filter, filter_definition FROM sys.indexes"
        f" WHERE object_id IN ({parent}, {heap}) ORDER BY object_id, index_id"
    )
    assert rows == [
        (parent, "pk_parent", 1, 1, "CLUSTERED", True, True, False, False, None),
        (parent, "uq_parent_code", 2, 2, "NONCLUSTERED", True, False, True, False, None),
        (heap, None, 0, 0, "HEAP", False, False, False, False, None),
        (heap, "ix_heap_y", 2, 2, "NONCLUSTERED", True, False, False, True, "([y]>(0))"),
    ]


def test_indexes_defaults_of_a_plain_index(db) -> None:
    row = db.rows(
        "SELECT data_space_id, ignore_dup_key, fill_factor, is_padded, is_disabled, is_hypothetical,"
        " allow_row_locks, allow_page_locks, compression_delay, optimize_for_sequential_key"
        " FROM sys.indexes WHERE name = 'ix_child_b'"
    )
    assert row == [(1, False, 0, False, False, False, True, True, None, False)]
    assert db.scalar("SELECT index_id FROM sys.indexes WHERE name = 'ix_child_b'") == 3


def test_index_columns_key_ordinals_and_included_columns(db) -> None:
    rows = db.rows(
        "SELECT i.name, c.name, ic.index_column_id, ic.key_ordinal, ic.is_descending_key, ic.is_included_column"
        " FROM sys.index_columns ic"
        " JOIN sys.indexes i ON i.object_id = ic.object_id AND i.index_id = ic.index_id"
        " JOIN sys.columns c ON c.object_id = ic.object_id AND c.column_id = ic.column_id"
        " WHERE ic.object_id IN (OBJECT_ID('dbo.heap'), OBJECT_ID('dbo.child'))"
        " ORDER BY i.name, ic.index_column_id"
    )
    assert rows == [
        ("ix_child_b", "b", 1, 1, False, False),
        ("ix_heap_y", "y", 1, 1, True, False),
        ("ix_heap_y", "x", 2, 0, False, True),
        ("pk_child", "id", 1, 1, False, False),
        ("uq_child_ab", "a", 1, 1, False, False),
        ("uq_child_ab", "b", 2, 2, False, False),
    ]


def test_index_views_declare_sql_servers_types(db) -> None:
    columns = {c.name: str(c.type) for c in db.run("SELECT * FROM sys.indexes").columns}
    assert columns["type"] == "tinyint"
    assert columns["type_desc"] == "nvarchar(60)"
    assert columns["filter_definition"] == "nvarchar(max)"
    assert columns["fill_factor"] == "tinyint"
    names = [c.name for c in db.run("SELECT * FROM sys.index_columns").columns]
    assert names[-1] == "column_store_order_ordinal"


# --- key, foreign key, default and check constraints ----------------------------------------------


def test_key_constraints_point_at_their_indexes(db) -> None:
    rows = db.rows(
        "SELECT k.name, k.type, k.type_desc, k.parent_object_id, k.unique_index_id, i.name, k.is_system_named"
        " FROM sys.key_constraints k"
        " JOIN sys.indexes i ON i.object_id = k.parent_object_id AND i.index_id = k.unique_index_id"
        " WHERE k.parent_object_id = OBJECT_ID('dbo.child') ORDER BY k.name"
    )
    child = ids(db, "dbo.child")[0]
    assert rows == [
        ("pk_child", "PK", "PRIMARY_KEY_CONSTRAINT", child, 1, "pk_child", False),
        ("uq_child_ab", "UQ", "UNIQUE_CONSTRAINT", child, 2, "uq_child_ab", False),
    ]
    assert db.scalar("SELECT object_id FROM sys.key_constraints WHERE name = 'pk_child'") == ids(db, "pk_child")[0]


def test_generated_constraint_names_are_system_named(db) -> None:
    rows = db.rows("SELECT name, is_system_named FROM sys.default_constraints ORDER BY parent_column_id")
    assert rows[0] == ("df_qty", False)
    assert rows[1][0].startswith("DF__parent__price__") and rows[1][1] is True
    assert is_system_named("PK__Orders__3213E83F0A9D95DB")
    assert is_system_named("DF__parent__price__3B75D760")
    assert not is_system_named("pk_orders")


def test_foreign_keys_and_their_columns(db) -> None:
    parent, child, fk = ids(db, "dbo.parent", "dbo.child", "fk_child_parent")
    row = db.rows(
        "SELECT object_id, parent_object_id, referenced_object_id, key_index_id, is_disabled, is_not_trusted,"
        " delete_referential_action, delete_referential_action_desc,"
        " update_referential_action, update_referential_action_desc, type, is_system_named"
        " FROM sys.foreign_keys"
    )
    assert row == [(fk, child, parent, 1, False, False, 1, "CASCADE", 0, "NO_ACTION", "F ", False)]
    columns = db.rows(
        "SELECT fkc.constraint_column_id, pc.name, rc.name FROM sys.foreign_key_columns fkc"
        " JOIN sys.columns pc ON pc.object_id = fkc.parent_object_id AND pc.column_id = fkc.parent_column_id"
        " JOIN sys.columns rc ON rc.object_id = fkc.referenced_object_id AND rc.column_id = fkc.referenced_column_id"
        f" WHERE fkc.constraint_object_id = {fk}"
    )
    assert columns == [(1, "parent_id", "id")]


def test_composite_foreign_key_follows_the_referenced_key(tsql) -> None:
    tsql.run(
        "CREATE TABLE g (k1 int NOT NULL, k2 nvarchar(5) NOT NULL, CONSTRAINT pk_g PRIMARY KEY (k2, k1));"
        "CREATE TABLE gref (id int PRIMARY KEY, k1 int, k2 nvarchar(5),"
        " CONSTRAINT fk_g FOREIGN KEY (k2, k1) REFERENCES g (k2, k1) ON UPDATE CASCADE ON DELETE SET NULL)"
    )
    rows = tsql.rows(
        "SELECT fkc.constraint_column_id, pc.name, rc.name FROM sys.foreign_key_columns fkc"
        " JOIN sys.columns pc ON pc.object_id = fkc.parent_object_id AND pc.column_id = fkc.parent_column_id"
        " JOIN sys.columns rc ON rc.object_id = fkc.referenced_object_id AND rc.column_id = fkc.referenced_column_id"
        " ORDER BY 1"
    )
    assert rows == [(1, "k2", "k2"), (2, "k1", "k1")]
    actions = tsql.rows("SELECT update_referential_action_desc, delete_referential_action_desc FROM sys.foreign_keys")
    assert actions == [("CASCADE", "SET_NULL")]


def test_self_referencing_foreign_key(tsql) -> None:
    tsql.run("CREATE TABLE tree (id int PRIMARY KEY, parent int REFERENCES tree (id))")
    tree = ids(tsql, "dbo.tree")[0]
    row = tsql.rows("SELECT parent_object_id, referenced_object_id, key_index_id FROM sys.foreign_keys")
    assert row == [(tree, tree, 1)]


def test_default_constraints_and_sys_columns_agree(db) -> None:
    rows = db.rows(
        "SELECT c.name, d.name, d.parent_column_id, d.definition, d.type"
        " FROM sys.columns c JOIN sys.default_constraints d ON d.object_id = c.default_object_id"
        " WHERE c.object_id = OBJECT_ID('dbo.parent') ORDER BY c.column_id"
    )
    assert [(r[0], r[2], r[3], r[4]) for r in rows] == [
        ("qty", 3, "((0))", "D "),
        ("price", 4, "((1.5))", "D "),
        ("created", 5, "(getdate())", "D "),
    ]
    assert rows[0][1] == "df_qty"
    assert db.scalar("SELECT COUNT(*) FROM sys.columns WHERE default_object_id <> 0") == 3


def test_check_constraints_keep_sql_servers_text(db) -> None:
    rows = db.rows(
        "SELECT name, parent_column_id, definition, is_disabled, is_not_trusted FROM sys.check_constraints"
        " ORDER BY name"
    )
    assert rows == [
        ("ck_parent", 0, "([qty]<(1000) AND [code]<>'x')", False, False),
        ("ck_qty", 3, "([qty]>=(0))", False, False),
    ]


def test_identity_columns(db) -> None:
    rows = db.rows(
        "SELECT name, column_id, is_identity, seed_value, increment_value, last_value, is_not_for_replication"
        " FROM sys.identity_columns"
    )
    assert rows == [("id", 1, True, 10, 5, None, False)]
    names = [c.name for c in db.run("SELECT * FROM sys.identity_columns").columns]
    assert names[21:27] == [
        "rule_object_id",
        "seed_value",
        "increment_value",
        "last_value",
        "is_not_for_replication",
        "is_computed",
    ]
    types = {c.name: str(c.type) for c in db.run("SELECT * FROM sys.identity_columns").columns}
    assert types["seed_value"] == "sql_variant"


def test_computed_columns_shape(db) -> None:
    assert db.rows("SELECT * FROM sys.computed_columns") == []
    names = [c.name for c in db.run("SELECT * FROM sys.computed_columns").columns]
    assert names[21:26] == ["rule_object_id", "definition", "uses_database_collation", "is_persisted", "is_computed"]


def test_sys_columns_has_sql_server_2022_columns(db) -> None:
    names = [c.name for c in db.run("SELECT * FROM sys.columns").columns]
    assert names[12:15] == ["is_identity", "is_computed", "is_filestream"]
    assert names[-6:] == [
        "graph_type",
        "graph_type_desc",
        "is_data_deletion_filter_column",
        "ledger_view_column_type",
        "ledger_view_column_type_desc",
        "is_dropped_ledger_column",
    ]
    assert "encryption_type" in names


# --- objects, system objects and their columns -----------------------------------------------------


def test_sys_objects_lists_constraints_under_their_tables(db) -> None:
    rows = db.rows(
        "SELECT o.name, o.type, o.type_desc FROM sys.objects o"
        " WHERE o.parent_object_id = OBJECT_ID('dbo.child') ORDER BY o.name"
    )
    assert rows == [
        ("fk_child_parent", "F ", "FOREIGN_KEY_CONSTRAINT"),
        ("pk_child", "PK", "PRIMARY_KEY_CONSTRAINT"),
        ("uq_child_ab", "UQ", "UNIQUE_CONSTRAINT"),
    ]


def test_all_objects_adds_the_system_views(db) -> None:
    row = db.rows(
        "SELECT o.object_id, o.schema_id, o.type, o.is_ms_shipped FROM sys.all_objects o WHERE o.name = 'indexes'"
    )
    assert len(row) == 1
    object_id, schema_id, kind, shipped = row[0]
    assert object_id < 0 and schema_id == 4 and kind == "V " and shipped is True
    assert db.scalar("SELECT COUNT(*) FROM sys.objects WHERE object_id < 0") == 0
    system = db.scalar("SELECT COUNT(*) FROM sys.system_objects")
    assert db.scalar("SELECT COUNT(*) FROM sys.all_objects") == db.scalar("SELECT COUNT(*) FROM sys.objects") + system


def test_all_views_and_all_columns_are_consistent(db) -> None:
    view_id = db.scalar("SELECT object_id FROM sys.all_views WHERE name = 'foreign_keys' AND schema_id = 4")
    assert view_id == db.scalar("SELECT object_id FROM sys.system_views WHERE name = 'foreign_keys'")
    columns = db.rows(
        "SELECT c.name, c.column_id FROM sys.all_columns c JOIN sys.all_views v ON v.object_id = c.object_id"
        " WHERE v.name = 'foreign_keys' AND v.schema_id = 4 ORDER BY c.column_id"
    )
    assert columns[0] == ("name", 1)
    assert ("referenced_object_id", 13) in columns
    user = db.scalar("SELECT COUNT(*) FROM sys.columns")
    system = db.scalar("SELECT COUNT(*) FROM sys.system_columns")
    assert db.scalar("SELECT COUNT(*) FROM sys.all_columns") == user + system
    schemas = db.rows("SELECT DISTINCT schema_id FROM sys.system_views ORDER BY schema_id")
    assert schemas == [(3,), (4,)]


def test_schemas_belong_to_their_principals(tsql) -> None:
    rows = tsql.rows(
        "SELECT s.name, p.name FROM sys.schemas s JOIN sys.database_principals p ON p.principal_id = s.principal_id"
    )
    owners = dict(rows)
    assert owners["dbo"] == "dbo"
    assert owners["guest"] == "guest"
    assert owners["sys"] == "sys"
    assert owners["INFORMATION_SCHEMA"] == "INFORMATION_SCHEMA"
    assert owners["db_datareader"] == "db_datareader"


def test_database_principals(tsql) -> None:
    rows = tsql.rows(
        "SELECT name, principal_id, type, type_desc, default_schema_name, owning_principal_id, is_fixed_role"
        " FROM sys.database_principals ORDER BY principal_id"
    )
    assert rows[:5] == [
        ("public", 0, "R", "DATABASE_ROLE", None, 1, False),
        ("dbo", 1, "S", "SQL_USER", "dbo", None, False),
        ("guest", 2, "S", "SQL_USER", "guest", None, False),
        ("INFORMATION_SCHEMA", 3, "S", "SQL_USER", None, None, False),
        ("sys", 4, "S", "SQL_USER", None, None, False),
    ]
    roles = {r[0]: r[1] for r in rows[5:]}
    assert roles == {
        "db_owner": 16384,
        "db_accessadmin": 16385,
        "db_securityadmin": 16386,
        "db_ddladmin": 16387,
        "db_backupoperator": 16389,
        "db_datareader": 16390,
        "db_datawriter": 16391,
        "db_denydatareader": 16392,
        "db_denydatawriter": 16393,
    }
    assert all(r[6] for r in rows[5:])
    sid = tsql.scalar("SELECT sid FROM sys.database_principals WHERE name = 'db_owner'")
    assert sid == bytes.fromhex("01050000000000090400000000000000000000000000000000400000")
    assert tsql.scalar("SELECT sid FROM sys.database_principals WHERE name = 'dbo'") == b"\x01"
    assert tsql.scalar("SELECT USER_ID()") == tsql.scalar(
        "SELECT principal_id FROM sys.database_principals WHERE name = USER_NAME()"
    )


def test_extended_properties_is_empty_but_queryable(tsql) -> None:
    assert tsql.rows("SELECT class, major_id, minor_id, name, value FROM sys.extended_properties") == []


# --- modules: views, procedures, functions ----------------------------------------------------------

MODULES = """
CREATE TABLE dbo.t (a int, b nvarchar(10));
GO
CREATE VIEW dbo.v WITH SCHEMABINDING AS SELECT a, b FROM dbo.t WHERE a > 0 WITH CHECK OPTION
GO
CREATE PROCEDURE dbo.p1 @x int, @y nvarchar(20) = N'a' OUTPUT WITH RECOMPILE AS SELECT @x;
GO
CREATE FUNCTION dbo.f1 (@a int) RETURNS decimal(10, 2) AS BEGIN RETURN @a + 1 END;
GO
CREATE FUNCTION dbo.tvf (@a int) RETURNS TABLE AS RETURN SELECT a FROM dbo.t WHERE a = @a;
"""


@pytest.fixture
def mods(tsql):
    for part in MODULES.split("GO"):
        tsql.run(part)
    return tsql


def test_sql_modules_hold_definitions_and_options(mods) -> None:
    rows = mods.rows(
        "SELECT o.name, m.is_schema_bound, m.is_recompiled, m.uses_ansi_nulls, m.uses_quoted_identifier,"
        " m.execute_as_principal_id FROM sys.sql_modules m JOIN sys.objects o ON o.object_id = m.object_id"
        " ORDER BY o.name"
    )
    assert rows == [
        ("f1", False, False, True, True, None),
        ("p1", False, True, True, True, None),
        ("tvf", False, False, True, True, None),
        ("v", True, False, True, True, None),
    ]
    definition = mods.scalar("SELECT definition FROM sys.sql_modules WHERE object_id = OBJECT_ID('dbo.p1')")
    assert definition.startswith("CREATE PROCEDURE dbo.p1 @x int")
    assert mods.scalar("SELECT COUNT(*) FROM sys.all_sql_modules") == 4


def test_procedures_view(mods) -> None:
    rows = mods.rows("SELECT name, object_id, type, type_desc, is_auto_executed FROM sys.procedures")
    assert rows == [("p1", ids(mods, "dbo.p1")[0], "P ", "SQL_STORED_PROCEDURE", False)]


def test_parameters_include_a_functions_return_value(mods) -> None:
    rows = mods.rows(
        "SELECT OBJECT_NAME(object_id), name, parameter_id, TYPE_NAME(system_type_id), max_length, precision,"
        " scale, is_output, has_default_value FROM sys.parameters ORDER BY 1, parameter_id"
    )
    assert rows == [
        ("f1", "", 0, "decimal", 9, 10, 2, True, False),
        ("f1", "@a", 1, "int", 4, 10, 0, False, False),
        ("p1", "@x", 1, "int", 4, 10, 0, False, False),
        ("p1", "@y", 2, "nvarchar", 40, 0, 0, True, False),
        ("tvf", "@a", 1, "int", 4, 10, 0, False, False),
    ]


def test_views_check_option(mods) -> None:
    assert mods.rows("SELECT name, with_check_option FROM sys.views") == [("v", True)]
    row = mods.rows("SELECT TABLE_NAME, CHECK_OPTION, IS_UPDATABLE FROM INFORMATION_SCHEMA.VIEWS")
    assert row == [("v", "CASCADE", "NO")]
    definition = mods.scalar("SELECT VIEW_DEFINITION FROM INFORMATION_SCHEMA.VIEWS")
    assert definition.startswith("CREATE VIEW dbo.v")
    assert mods.rows("SELECT TABLE_NAME, TABLE_TYPE FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'v'") == [
        ("v", "VIEW")
    ]


def test_information_schema_routines(mods) -> None:
    rows = mods.rows(
        "SELECT ROUTINE_NAME, ROUTINE_TYPE, DATA_TYPE, NUMERIC_PRECISION, NUMERIC_SCALE, ROUTINE_BODY,"
        " SQL_DATA_ACCESS, MAX_DYNAMIC_RESULT_SETS FROM INFORMATION_SCHEMA.ROUTINES ORDER BY ROUTINE_NAME"
    )
    assert rows == [
        ("f1", "FUNCTION", "decimal", 10, 2, "SQL", "READS", 0),
        ("p1", "PROCEDURE", None, None, None, "SQL", "MODIFIES", -1),
        ("tvf", "FUNCTION", "TABLE", None, None, "SQL", "READS", 0),
    ]


def test_information_schema_parameters(mods) -> None:
    rows = mods.rows(
        "SELECT SPECIFIC_NAME, ORDINAL_POSITION, PARAMETER_MODE, IS_RESULT, PARAMETER_NAME, DATA_TYPE,"
        " CHARACTER_MAXIMUM_LENGTH, CHARACTER_OCTET_LENGTH FROM INFORMATION_SCHEMA.PARAMETERS"
        " ORDER BY SPECIFIC_NAME, ORDINAL_POSITION"
    )
    assert rows == [
        ("f1", 0, "OUT", "YES", None, "decimal", None, None),
        ("f1", 1, "IN", "NO", "@a", "int", None, None),
        ("p1", 1, "IN", "NO", "@x", "int", None, None),
        ("p1", 2, "INOUT", "NO", "@y", "nvarchar", 20, 40),
        ("tvf", 1, "IN", "NO", "@a", "int", None, None),
    ]


# --- INFORMATION_SCHEMA constraint views -------------------------------------------------------------


def test_table_constraints(db) -> None:
    rows = db.rows(
        "SELECT CONSTRAINT_NAME, TABLE_NAME, CONSTRAINT_TYPE, IS_DEFERRABLE, INITIALLY_DEFERRED"
        " FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS ORDER BY TABLE_NAME, CONSTRAINT_NAME"
    )
    assert rows == [
        ("fk_child_parent", "child", "FOREIGN KEY", "NO", "NO"),
        ("pk_child", "child", "PRIMARY KEY", "NO", "NO"),
        ("uq_child_ab", "child", "UNIQUE", "NO", "NO"),
        ("ck_parent", "parent", "CHECK", "NO", "NO"),
        ("ck_qty", "parent", "CHECK", "NO", "NO"),
        ("pk_parent", "parent", "PRIMARY KEY", "NO", "NO"),
        ("uq_parent_code", "parent", "UNIQUE", "NO", "NO"),
    ]
    types = {c.name: str(c.type) for c in db.run("SELECT * FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS").columns}
    assert types["CONSTRAINT_TYPE"] == "varchar(11)"
    assert types["IS_DEFERRABLE"] == "varchar(2)"


def test_key_column_usage(db) -> None:
    rows = db.rows(
        "SELECT CONSTRAINT_NAME, TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION FROM INFORMATION_SCHEMA.KEY_COLUMN_USAGE"
        " WHERE TABLE_NAME = 'child' ORDER BY CONSTRAINT_NAME, ORDINAL_POSITION"
    )
    assert rows == [
        ("fk_child_parent", "child", "parent_id", 1),
        ("pk_child", "child", "id", 1),
        ("uq_child_ab", "child", "a", 1),
        ("uq_child_ab", "child", "b", 2),
    ]
    catalog = db.rows(
        "SELECT DISTINCT CONSTRAINT_CATALOG, TABLE_CATALOG, CONSTRAINT_SCHEMA FROM INFORMATION_SCHEMA.KEY_COLUMN_USAGE"
    )
    assert catalog == [("master", "master", "dbo")]


def test_referential_constraints(db) -> None:
    rows = db.rows(
        "SELECT CONSTRAINT_NAME, UNIQUE_CONSTRAINT_SCHEMA, UNIQUE_CONSTRAINT_NAME, MATCH_OPTION, UPDATE_RULE,"
        " DELETE_RULE FROM INFORMATION_SCHEMA.REFERENTIAL_CONSTRAINTS"
    )
    assert rows == [("fk_child_parent", "dbo", "pk_parent", "SIMPLE", "NO ACTION", "CASCADE")]


def test_constraint_column_usage_includes_check_columns(db) -> None:
    rows = db.rows(
        "SELECT CONSTRAINT_NAME, COLUMN_NAME FROM INFORMATION_SCHEMA.CONSTRAINT_COLUMN_USAGE"
        " WHERE TABLE_NAME = 'parent' ORDER BY CONSTRAINT_NAME, COLUMN_NAME"
    )
    assert rows == [
        ("ck_parent", "code"),
        ("ck_parent", "qty"),
        ("ck_qty", "qty"),
        ("pk_parent", "id"),
        ("uq_parent_code", "code"),
    ]


def test_check_constraints_information_schema(db) -> None:
    rows = db.rows(
        "SELECT CONSTRAINT_SCHEMA, CONSTRAINT_NAME, CHECK_CLAUSE FROM INFORMATION_SCHEMA.CHECK_CONSTRAINTS ORDER BY 2"
    )
    assert rows == [("dbo", "ck_parent", "([qty]<(1000) AND [code]<>'x')"), ("dbo", "ck_qty", "([qty]>=(0))")]


def test_columns_default_matches_sys_default_constraints(db) -> None:
    rows = db.rows(
        "SELECT COLUMN_NAME, COLUMN_DEFAULT FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = 'parent'"
        " ORDER BY ORDINAL_POSITION"
    )
    assert rows == [("id", None), ("code", None), ("qty", "((0))"), ("price", "((1.5))"), ("created", "(getdate())")]


def test_schemata_owners(tsql) -> None:
    rows = dict(tsql.rows("SELECT SCHEMA_NAME, SCHEMA_OWNER FROM INFORMATION_SCHEMA.SCHEMATA"))
    assert rows["dbo"] == "dbo"
    assert rows["guest"] == "guest"
    assert rows["sys"] == "sys"
    assert rows["db_owner"] == "db_owner"


def test_views_follow_drop_table(db) -> None:
    db.run("DROP TABLE dbo.child")
    assert db.rows("SELECT * FROM sys.foreign_keys") == []
    assert db.rows("SELECT name FROM sys.key_constraints WHERE name LIKE '%child%'") == []
    assert db.rows("SELECT * FROM sys.indexes WHERE name = 'ix_child_b'") == []


# --- definitions in SQL Server's stored form ---------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("(0)", "((0))"),
        ("((1.5))", "((1.5))"),
        ("(-1)", "((-1))"),
        ("(GETDATE())", "(getdate())"),
        ("(CURRENT_TIMESTAMP)", "(getdate())"),
        ("(N'abc')", "(N'abc')"),
        ("('it''s')", "('it''s')"),
        ("(qty >= 0)", "([qty]>=(0))"),
        ("(a + b + c)", "(([a]+[b])+[c])"),
        ("(a * (b + c) > 0)", "([a]*([b]+[c])>(0))"),
        ("(UPPER(g) IN ('M', 'F'))", "(upper([g])='F' OR upper([g])='M')"),
        ("(v BETWEEN -40 AND 240)", "([v]>=(-40) AND [v]<=(240))"),
        ("(d <= DATEADD(year, -18, GETDATE()))", "([d]<=dateadd(year,(-18),getdate()))"),
        ("(e IS NOT NULL OR f IS NULL)", "([e] IS NOT NULL OR [f] IS NULL)"),
        ("(c LIKE 'a%')", "([c] like 'a%')"),
        ("(a > 0 AND (b < 5 OR c = 1))", "([a]>(0) AND ([b]<(5) OR [c]=(1)))"),
        ("(CAST(0 AS bit))", "(CONVERT([bit],(0)))"),
        ("(CONVERT(varchar(10), x, 120))", "(CONVERT([varchar](10),[x],(120)))"),
        ("(ISNULL(a, 0))", "(isnull([a],(0)))"),
    ],
)
def test_stored_text(written: str, stored: str) -> None:
    assert stored_text(written) == stored


def test_stored_text_keeps_what_it_cannot_render() -> None:
    assert stored_text("(t.a > (SELECT 1))") == "(t.a > (SELECT 1))"
