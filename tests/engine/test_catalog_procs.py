"""The ODBC/JDBC catalog procedures (sp_tables, sp_columns[_100], sp_pkeys, sp_fkeys,
sp_statistics[_100], sp_special_columns[_100], sp_stored_procedures, sp_server_info, sp_helpdb)
with the result-set shapes and ODBC codes SQL Server's own procedures return."""

from __future__ import annotations

import pytest

from tdsnet.engine.catalog_procs import like_pattern

SCHEMA = """
CREATE TABLE dbo.parent (
    id int IDENTITY PRIMARY KEY,
    code nvarchar(20) NOT NULL CONSTRAINT uq_parent_code UNIQUE,
    note nvarchar(max),
    amount decimal(9, 2) DEFAULT 0,
    created datetime NOT NULL,
    d date,
    t time(3),
    dt2 datetime2,
    dto datetimeoffset(2),
    flag bit,
    raw varbinary(16),
    big bigint
);
CREATE TABLE dbo.pair (k1 int NOT NULL, k2 nvarchar(5) NOT NULL, v int, CONSTRAINT pk_pair PRIMARY KEY (k2, k1));
CREATE TABLE dbo.child (
    id int NOT NULL CONSTRAINT pk_child PRIMARY KEY,
    parent_id int CONSTRAINT fk_child_parent REFERENCES dbo.parent (id) ON DELETE CASCADE,
    k1 int,
    k2 nvarchar(5),
    a int NOT NULL,
    b int,
    CONSTRAINT fk_child_pair FOREIGN KEY (k2, k1) REFERENCES dbo.pair (k2, k1) ON DELETE SET NULL
);
CREATE INDEX ix_child_b ON dbo.child (b DESC, a) INCLUDE (k1);
CREATE TABLE dbo.keyless (a int NOT NULL, b int, c int NOT NULL, d int NOT NULL);
CREATE UNIQUE INDEX ux_keyless_b ON dbo.keyless (b);
CREATE UNIQUE INDEX ux_keyless_cd ON dbo.keyless (c, d);
INSERT INTO dbo.child (id, a) VALUES (1, 1), (2, 2), (3, 3);
"""


@pytest.fixture
def db(tsql):
    tsql.run(SCHEMA)
    return tsql


def names(outcome) -> list[str]:
    return [c.name for c in outcome.columns]


def by_column(rows: list[tuple], column: int = 3) -> dict[str, tuple]:
    return {r[column]: r for r in rows}


# --- sp_tables ---------------------------------------------------------------------------------


def test_sp_tables_shape_and_a_table(db) -> None:
    outcome = db.run("EXEC sp_tables @table_name = 'parent'")
    assert names(outcome) == ["TABLE_QUALIFIER", "TABLE_OWNER", "TABLE_NAME", "TABLE_TYPE", "REMARKS"]
    assert [str(c.type) for c in outcome.columns] == [
        "nvarchar(128)",
        "nvarchar(128)",
        "nvarchar(128)",
        "varchar(32)",
        "varchar(254)",
    ]
    assert outcome.rows == [("master", "dbo", "parent", "TABLE", None)]


def test_sp_tables_wildcards_owner_and_types(db) -> None:
    db.run("CREATE VIEW dbo.pv AS SELECT id FROM dbo.parent")
    rows = db.rows("EXEC sp_tables @table_name = 'p%', @table_owner = 'dbo'")
    assert rows == [
        ("master", "dbo", "pair", "TABLE", None),
        ("master", "dbo", "parent", "TABLE", None),
        ("master", "dbo", "pv", "VIEW", None),
    ]
    assert db.rows("EXEC sp_tables 'p%', 'dbo', NULL, '''VIEW'''") == [("master", "dbo", "pv", "VIEW", None)]
    both = db.rows("EXEC sp_tables 'p%', 'dbo', 'master', '''TABLE'', ''VIEW'''")
    assert [r[2] for r in both] == ["pair", "parent", "pv"]
    assert [r[2] for r in db.rows("EXEC sp_tables 'pa_r'")] == ["pair"]
    assert db.rows("EXEC sp_tables 'pa_r', @fUsePattern = 0") == []


def test_sp_tables_lists_the_system_views_as_views(db) -> None:
    rows = db.rows("EXEC sp_tables @table_name = 'foreign_keys'")
    assert rows == [("master", "sys", "foreign_keys", "VIEW", None)]
    rows = db.rows("EXEC sp_tables @table_owner = 'INFORMATION_SCHEMA', @table_name = 'TABLES'")
    assert rows == [("master", "INFORMATION_SCHEMA", "tables", "VIEW", None)]
    everything = db.rows("EXEC sp_tables")
    kinds = [r[3] for r in everything]
    assert kinds == sorted(kinds)
    assert ("master", "dbo", "child", "TABLE", None) in everything


def test_sp_tables_enumerations(db) -> None:
    databases = db.rows("EXEC sp_tables @table_name = '', @table_owner = '', @table_qualifier = '%'")
    assert ("master", None, None, None, None) in databases
    assert ("tempdb", None, None, None, None) in databases
    owners = [r[1] for r in db.rows("EXEC sp_tables @table_name = '', @table_owner = '%', @table_qualifier = ''")]
    assert {"dbo", "sys", "INFORMATION_SCHEMA"} <= set(owners)
    types = db.rows("EXEC sp_tables '', '', '', '%'")
    assert [r[3] for r in types] == ["SYSTEM TABLE", "TABLE", "VIEW"]


def test_sp_tables_rejects_another_database_as_qualifier(db) -> None:
    error = db.error("EXEC sp_tables @table_name = 'parent', @table_qualifier = 'tempdb'")
    assert (error.number, error.severity) == (15250, 16)
    assert "must be the name of the current database" in error.text


def test_arguments_are_checked_like_sql_servers(db) -> None:
    error = db.error("EXEC sp_tables @bogus = 1")
    assert (error.number, error.text) == (8145, "@bogus is not a parameter for procedure sp_tables.")
    error = db.error("EXEC sp_pkeys 'a', 'b', 'c', 'd'")
    assert (error.number, error.text) == (8144, "Procedure or function sp_pkeys has too many arguments specified.")


# --- sp_columns, sp_columns_100 -------------------------------------------------------------------

COLUMNS = [
    "TABLE_QUALIFIER",
    "TABLE_OWNER",
    "TABLE_NAME",
    "COLUMN_NAME",
    "DATA_TYPE",
    "TYPE_NAME",
    "PRECISION",
    "LENGTH",
    "SCALE",
    "RADIX",
    "NULLABLE",
    "REMARKS",
    "COLUMN_DEF",
    "SQL_DATA_TYPE",
    "SQL_DATETIME_SUB",
    "CHAR_OCTET_LENGTH",
    "ORDINAL_POSITION",
    "IS_NULLABLE",
]


def test_sp_columns_shape(db) -> None:
    outcome = db.run("EXEC sp_columns @table_name = 'parent'")
    assert names(outcome) == [*COLUMNS, "SS_DATA_TYPE"]
    types = {c.name: str(c.type) for c in outcome.columns}
    assert types["DATA_TYPE"] == "smallint"
    assert types["PRECISION"] == "int"
    assert types["COLUMN_DEF"] == "nvarchar(4000)"
    assert types["SS_DATA_TYPE"] == "tinyint"
    assert [r[16] for r in outcome.rows] == list(range(1, 13))


def test_sp_columns_describes_types_in_odbc_terms(db) -> None:
    rows = by_column(db.rows("EXEC sp_columns @table_name = 'parent', @ODBCVer = 3"))
    # COLUMN_NAME -> (DATA_TYPE, TYPE_NAME, PRECISION, LENGTH, SCALE, RADIX, NULLABLE)
    described = {name: row[4:11] for name, row in rows.items()}
    assert described["id"] == (4, "int identity", 10, 4, 0, 10, 0)
    assert described["code"] == (-9, "nvarchar", 20, 40, None, None, 0)
    assert described["amount"] == (3, "decimal", 9, 11, 2, 10, 1)
    assert described["created"] == (93, "datetime", 23, 16, 3, None, 0)
    assert described["flag"] == (-7, "bit", 1, 1, None, None, 1)
    assert described["raw"] == (-3, "varbinary", 16, 16, None, None, 1)
    assert described["big"] == (-5, "bigint", 19, 8, 0, 10, 1)
    assert rows["created"][13:15] == (9, 3)  # SQL_DATA_TYPE, SQL_DATETIME_SUB
    assert rows["code"][15] == 40  # CHAR_OCTET_LENGTH
    assert rows["amount"][12] == "((0))"  # COLUMN_DEF as sys.default_constraints has it
    assert rows["code"][17] == "NO" and rows["note"][17] == "YES"
    assert rows["id"][18] == 56 and rows["big"][18] == 108  # SS_DATA_TYPE


def test_sp_columns_odbc_2_and_the_newer_date_types(db) -> None:
    rows = by_column(db.rows("EXEC sp_columns @table_name = 'parent'"))  # ODBCVer defaults to 2
    assert rows["created"][4] == 11
    # sp_columns shows date, time, datetime2 and datetimeoffset to old clients as nvarchar
    assert rows["d"][4:8] == (-9, "date", 10, 20)
    assert rows["dt2"][4:8] == (-9, "datetime2", 27, 54)


def test_sp_columns_column_filter(db) -> None:
    rows = db.rows("EXEC sp_columns @table_name = 'parent', @column_name = 'd%'")
    assert [r[3] for r in rows] == ["d", "dt2", "dto"]
    rows = db.rows("EXEC sp_columns 'child', 'dbo', 'master', 'k_'")
    assert [r[3] for r in rows] == ["k1", "k2"]


def test_sp_columns_100_shape_and_new_types(db) -> None:
    outcome = db.run("EXEC sp_columns_100 @table_name = 'parent', @table_owner = '%', @ODBCVer = 3")
    assert names(outcome) == [
        *COLUMNS,
        "SS_IS_SPARSE",
        "SS_IS_COLUMN_SET",
        "SS_IS_COMPUTED",
        "SS_IS_IDENTITY",
        "SS_UDT_CATALOG_NAME",
        "SS_UDT_SCHEMA_NAME",
        "SS_UDT_ASSEMBLY_TYPE_NAME",
        "SS_XML_SCHEMACOLLECTION_CATALOG_NAME",
        "SS_XML_SCHEMACOLLECTION_SCHEMA_NAME",
        "SS_XML_SCHEMACOLLECTION_NAME",
        "SS_DATA_TYPE",
    ]
    rows = by_column(outcome.rows)
    assert rows["d"][4:9] == (91, "date", 10, 6, None)
    assert rows["t"][4:9] == (-154, "time", 12, 12, 3)
    assert rows["dt2"][4:9] == (93, "datetime2", 27, 16, 7)
    assert rows["dto"][4:9] == (-155, "datetimeoffset", 29, 20, 2)
    assert rows["d"][13:15] == (9, 1)
    assert rows["note"][4:8] == (-9, "nvarchar", 0, 0)  # (max): size 0, as ODBC drivers expect
    assert rows["id"][21] == 1 and rows["code"][21] == 0  # SS_IS_IDENTITY


def test_sp_columns_100_as_jdbc_calls_it(db) -> None:
    # mssql-jdbc: table, schema, catalog, column, @NameScope (2), @ODBCVer (3), all positional
    rows = db.rows("EXEC sp_columns_100 'pair', 'dbo', 'master', NULL, 2, 3")
    assert [(r[3], r[4], r[16]) for r in rows] == [("k1", 4, 1), ("k2", -9, 2), ("v", 4, 3)]


def test_sp_columns_of_a_view(db) -> None:
    db.run("CREATE VIEW dbo.pv AS SELECT id, code FROM dbo.parent")
    rows = db.rows("EXEC sp_columns @table_name = 'pv', @ODBCVer = 3")
    assert [(r[2], r[3], r[4]) for r in rows] == [("pv", "id", 4), ("pv", "code", -9)]


# --- sp_pkeys, sp_fkeys ----------------------------------------------------------------------------


def test_sp_pkeys(db) -> None:
    outcome = db.run("EXEC sp_pkeys @table_name = 'pair'")
    assert names(outcome) == ["TABLE_QUALIFIER", "TABLE_OWNER", "TABLE_NAME", "COLUMN_NAME", "KEY_SEQ", "PK_NAME"]
    assert outcome.rows == [
        ("master", "dbo", "pair", "k2", 1, "pk_pair"),
        ("master", "dbo", "pair", "k1", 2, "pk_pair"),
    ]
    assert db.rows("EXEC sp_pkeys 'keyless'") == []
    assert db.rows("EXEC sp_pkeys 'pair', 'sys'") == []


def test_sp_fkeys_by_primary_key_table(db) -> None:
    outcome = db.run("EXEC sp_fkeys @pktable_name = 'pair'")
    assert names(outcome)[-3:] == ["FK_NAME", "PK_NAME", "DEFERRABILITY"]
    assert outcome.rows == [
        ("master", "dbo", "pair", "k2", "master", "dbo", "child", "k2", 1, 1, 2, "fk_child_pair", "pk_pair", 7),
        ("master", "dbo", "pair", "k1", "master", "dbo", "child", "k1", 2, 1, 2, "fk_child_pair", "pk_pair", 7),
    ]


def test_sp_fkeys_by_foreign_key_table(db) -> None:
    rows = db.rows("EXEC sp_fkeys @fktable_name = 'child'")
    assert {(r[2], r[3], r[7], r[9], r[10], r[11]) for r in rows} == {
        ("parent", "id", "parent_id", 1, 0, "fk_child_parent"),  # ON DELETE CASCADE: DELETE_RULE 0
        ("pair", "k2", "k2", 1, 2, "fk_child_pair"),
        ("pair", "k1", "k1", 1, 2, "fk_child_pair"),
    }
    assert db.rows("EXEC sp_fkeys 'parent', NULL, NULL, 'child'")[0][11] == "fk_child_parent"
    assert db.rows("EXEC sp_fkeys 'parent', NULL, NULL, 'pair'") == []


def test_sp_fkeys_needs_a_table(db) -> None:
    error = db.error("EXEC sp_fkeys")
    assert (error.number, error.text) == (15252, "The primary key or foreign key table name must be given.")


# --- sp_statistics, sp_special_columns ------------------------------------------------------------


def test_sp_statistics_table_row_then_indexes(db) -> None:
    outcome = db.run("EXEC sp_statistics @table_name = 'child'")
    assert names(outcome) == [
        "TABLE_QUALIFIER",
        "TABLE_OWNER",
        "TABLE_NAME",
        "NON_UNIQUE",
        "INDEX_QUALIFIER",
        "INDEX_NAME",
        "TYPE",
        "SEQ_IN_INDEX",
        "COLUMN_NAME",
        "COLLATION",
        "CARDINALITY",
        "PAGES",
        "FILTER_CONDITION",
    ]
    rows = [r[3:11] for r in outcome.rows]
    assert rows == [
        (None, None, None, 0, None, None, None, 3),
        (0, "child", "pk_child", 1, 1, "id", "A", 3),
        (1, "child", "ix_child_b", 3, 1, "b", "D", 3),
        (1, "child", "ix_child_b", 3, 2, "a", "A", 3),
    ]


def test_sp_statistics_unique_only_and_index_pattern(db) -> None:
    rows = db.rows("EXEC sp_statistics 'child', @is_unique = 'Y'")
    assert [r[5] for r in rows] == [None, "pk_child"]
    rows = db.rows("EXEC sp_statistics_100 'child', NULL, NULL, 'ix%', 'N', 'Q'")
    assert [r[5] for r in rows] == [None, "ix_child_b", "ix_child_b"]


def test_sp_special_columns_best_row_identifier(db) -> None:
    outcome = db.run("EXEC sp_special_columns @table_name = 'pair', @ODBCVer = 3")
    assert names(outcome) == [
        "SCOPE",
        "COLUMN_NAME",
        "DATA_TYPE",
        "TYPE_NAME",
        "PRECISION",
        "LENGTH",
        "SCALE",
        "PSEUDO_COLUMN",
    ]
    assert outcome.rows == [(0, "k2", -9, "nvarchar", 5, 10, None, 1), (0, "k1", 4, "int", 10, 4, 0, 1)]


def test_sp_special_columns_without_a_primary_key(db) -> None:
    # the narrowest unique index, unless nullable columns are excluded (@nullable = 'O')
    assert [r[1] for r in db.rows("EXEC sp_special_columns 'keyless'")] == ["b"]
    assert [r[1] for r in db.rows("EXEC sp_special_columns 'keyless', @nullable = 'O'")] == ["c", "d"]
    assert db.rows("EXEC sp_special_columns_100 'keyless', NULL, NULL, 'V', 'T', 'U', 3") == []


# --- sp_stored_procedures, sp_server_info, sp_helpdb ------------------------------------------------


def test_sp_stored_procedures(db) -> None:
    db.run("CREATE PROCEDURE dbo.list_children @parent int AS SELECT id FROM dbo.child WHERE parent_id = @parent")
    db.run("CREATE FUNCTION dbo.twice (@x int) RETURNS int AS BEGIN RETURN @x * 2 END")
    outcome = db.run("EXEC sp_stored_procedures @sp_owner = 'dbo'")
    assert names(outcome) == [
        "PROCEDURE_QUALIFIER",
        "PROCEDURE_OWNER",
        "PROCEDURE_NAME",
        "NUM_INPUT_PARAMS",
        "NUM_OUTPUT_PARAMS",
        "NUM_RESULT_SETS",
        "REMARKS",
        "PROCEDURE_TYPE",
    ]
    assert outcome.rows == [
        ("master", "dbo", "list_children;1", -1, -1, -1, None, 2),
        ("master", "dbo", "twice;0", -1, -1, -1, None, 2),
    ]
    assert ("master", "sys", "sp_tables;1", -1, -1, -1, None, 2) in db.rows("EXEC sp_stored_procedures 'sp_tables'")


def test_sp_sproc_columns_return_value_then_parameters(db) -> None:
    db.run("CREATE PROCEDURE dbo.p1 @x int, @y nvarchar(20) = N'a' OUTPUT AS SELECT @x")
    outcome = db.run("EXEC sp_sproc_columns @procedure_name = 'p1', @ODBCVer = 3")
    assert names(outcome)[:5] == [
        "PROCEDURE_QUALIFIER",
        "PROCEDURE_OWNER",
        "PROCEDURE_NAME",
        "COLUMN_NAME",
        "COLUMN_TYPE",
    ]
    assert names(outcome)[5:] == [*COLUMNS[4:], "SS_DATA_TYPE"]
    # COLUMN_NAME, COLUMN_TYPE (5 return value, 1 input, 2 input/output), DATA_TYPE, TYPE_NAME,
    # PRECISION, LENGTH, NULLABLE, ORDINAL_POSITION, IS_NULLABLE
    rows = [(r[3], r[4], r[5], r[6], r[7], r[8], r[11], r[17], r[18]) for r in outcome.rows]
    assert rows == [
        ("@RETURN_VALUE", 5, 4, "int", 10, 4, 0, 0, "NO"),
        ("@x", 1, 4, "int", 10, 4, 1, 1, "YES"),
        ("@y", 2, -9, "nvarchar", 20, 40, 1, 2, "YES"),
    ]
    assert {r[2] for r in outcome.rows} == {"p1;1"}


def test_sp_sproc_columns_100_of_a_function(db) -> None:
    db.run("CREATE FUNCTION dbo.f1 (@when datetime2(3)) RETURNS decimal(10, 2) AS BEGIN RETURN 1 END")
    outcome = db.run("EXEC sp_sproc_columns_100 'f1', NULL, NULL, NULL, 3")
    assert names(outcome)[19:21] == ["SS_TYPE_CATALOG_NAME", "SS_TYPE_SCHEMA_NAME"]
    assert names(outcome)[-1] == "SS_DATA_TYPE" and len(names(outcome)) == 28
    rows = [(r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9]) for r in outcome.rows]
    assert rows == [
        ("f1;0", "@RETURN_VALUE", 5, 3, "decimal", 10, 12, 2),
        ("f1;0", "@when", 1, 93, "datetime2", 23, 16, 3),
    ]
    assert [r[3] for r in db.rows("EXEC sp_sproc_columns 'f1', @column_name = '@w%'")] == ["@when"]


def test_sp_server_info(tsql) -> None:
    outcome = tsql.run("EXEC sp_server_info")
    assert names(outcome) == ["ATTRIBUTE_ID", "ATTRIBUTE_NAME", "ATTRIBUTE_VALUE"]
    table = {r[0]: (r[1], r[2]) for r in outcome.rows}
    assert table[1] == ("DBMS_NAME", "Microsoft SQL Server")
    assert table[2][0] == "DBMS_VER" and table[2][1].endswith(tsql.scalar("SELECT SERVERPROPERTY('ProductVersion')"))
    assert table[18][0] == "COLLATION_SEQ"
    assert table[22] == ("ACCESSIBLE_TABLES", "Y")
    assert table[500][0] == "SYS_SPROC_VERSION"
    assert tsql.rows("EXEC sp_server_info @attribute_id = 11") == [(11, "TABLE_TERM", "table")]


def test_sp_helpdb(tsql) -> None:
    outcome = tsql.run("EXEC sp_helpdb")
    assert names(outcome) == ["name", "db_size", "owner", "dbid", "created", "status", "compatibility_level"]
    listed = {r[0]: r for r in outcome.rows}
    assert {"master", "tempdb", "model", "msdb"} <= set(listed)
    master = listed["master"]
    assert master[2:4] == ("sa", 1) and master[6] == 160
    assert master[1].endswith(" MB") and len(master[1]) == 13
    assert "Status=ONLINE" in master[5] and "Collation=SQL_Latin1_General_CP1_CI_AS" in master[5]


def test_sp_helpdb_for_one_database_lists_its_files(tsql) -> None:
    outcome = tsql.run("EXEC sp_helpdb 'master'")
    assert len(outcome.result_sets) == 2
    assert [r[0] for r in outcome.result_sets[0][1]] == ["master"]
    columns, files = outcome.result_sets[1]
    assert [c.name for c in columns] == [
        "name",
        "fileid",
        "filename",
        "filegroup",
        "size",
        "maxsize",
        "growth",
        "usage",
    ]
    assert files[0][0].rstrip() == "master" and len(files[0][0]) == 128
    assert files[0][3] == "PRIMARY" and files[0][7] == "data only"
    error = tsql.error("EXEC sp_helpdb 'nosuch'")
    assert error.number == 15010 and "The database 'nosuch' does not exist." in error.text


def test_sp_datatype_info_is_still_there(tsql) -> None:
    rows = tsql.rows("EXEC sp_datatype_info 4, 3")
    assert [r[0] for r in rows] == ["int", "int identity"]


# --- LIKE patterns as the procedures read them -----------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "name", "matches"),
    [
        ("p%", "Parent", True),
        ("p_r", "par", True),
        ("p_r", "parr", False),
        ("[pq]air", "qair", True),
        ("[^p]air", "pair", False),
        ("a[%]b", "a%b", True),
        ("a.b", "axb", False),
    ],
)
def test_like_pattern(pattern: str, name: str, matches: bool) -> None:
    assert (like_pattern(pattern).fullmatch(name) is not None) is matches
