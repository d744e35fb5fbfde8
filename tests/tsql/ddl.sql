-- DDL: tables, constraints, identity, computed columns, ALTER TABLE, indexes, views, schemas,
-- sequences, databases, temp tables, table variables, IDENTITY_INSERT, DROP ... IF EXISTS.
-- Each case creates objects with names of its own (or temp tables), so the cases do not depend on each other.
-- Setup batches are independent: one that fails leaves the others (and the cases without it) working.
CREATE TABLE existing_table (id int)
GO
CREATE SEQUENCE seq_basic AS int START WITH 10 INCREMENT BY 5
GO
CREATE SEQUENCE seq_default
GO
CREATE SEQUENCE seq_col START WITH 1
GO
CREATE SEQUENCE seq_cycle AS tinyint START WITH 1 MINVALUE 1 MAXVALUE 2 CYCLE
GO
CREATE SEQUENCE seq_end AS int START WITH 1 MAXVALUE 1
GO
CREATE SEQUENCE seq_restart START WITH 1
GO

-- case: IDENTITY with a seed and an increment
CREATE TABLE id_seed (id int IDENTITY(100, 5) NOT NULL, v char(1))
INSERT INTO id_seed (v) VALUES ('a'), ('b'), ('c')
SELECT id FROM id_seed ORDER BY id
-- expect rows:
-- 100
-- 105
-- 110
GO

-- case: IDENTITY with a negative increment
CREATE TABLE id_negative (id int IDENTITY(1, -1), v char(1))
INSERT INTO id_negative (v) VALUES ('a'), ('b'), ('c')
SELECT MIN(id), MAX(id) FROM id_negative
-- expect rows:
-- -1, 1
GO

-- case: IDENT_SEED, IDENT_INCR and IDENT_CURRENT
CREATE TABLE id_funcs (id bigint IDENTITY(10, 10), v char(1))
INSERT INTO id_funcs (v) VALUES ('a'), ('b')
SELECT IDENT_SEED('id_funcs'), IDENT_INCR('id_funcs'), IDENT_CURRENT('id_funcs')
-- expect rows:
-- 10., 10., 20.
-- expect types: numeric(38,0), numeric(38,0), numeric(38,0)
GO

-- case: IDENTITY column is NOT NULL and skips values after a failed insert
CREATE TABLE id_gap (id int IDENTITY(1,1), v int CHECK (v > 0))
INSERT INTO id_gap (v) VALUES (1)
INSERT INTO id_gap (v) VALUES (-1)
INSERT INTO id_gap (v) VALUES (2)
SELECT id FROM id_gap ORDER BY id
-- expect error: 547
-- expect rows:
-- 1
-- 3
GO

-- case: two IDENTITY columns is error 2744
CREATE TABLE id_two (a int IDENTITY, b int IDENTITY)
-- expect error: 2744, severity 16
GO

-- case: IDENTITY on a varchar column is error 2749
CREATE TABLE id_varchar (a varchar(10) IDENTITY)
-- expect error: 2749, severity 16
GO

-- case: explicit value for an identity column without IDENTITY_INSERT is error 544
CREATE TABLE id_explicit (id int IDENTITY(1,1), v char(1))
INSERT INTO id_explicit (id, v) VALUES (5, 'a')
-- expect error: 544, severity 16, 'Cannot insert explicit value for identity column in table ''id_explicit'' when IDENTITY_INSERT is set to OFF.'
GO

-- case: SET IDENTITY_INSERT ON allows explicit values and moves the identity on
CREATE TABLE id_insert (id int IDENTITY(1,1), v char(1))
SET IDENTITY_INSERT id_insert ON
INSERT INTO id_insert (id, v) VALUES (50, 'a')
SET IDENTITY_INSERT id_insert OFF
INSERT INTO id_insert (v) VALUES ('b')
SELECT id, v FROM id_insert ORDER BY id
-- expect rows:
-- 50, 'a'
-- 51, 'b'
GO

-- case: IDENTITY_INSERT ON still needs a column list (error 8101)
CREATE TABLE id_nolist (id int IDENTITY(1,1), v char(1))
SET IDENTITY_INSERT id_nolist ON
INSERT INTO id_nolist VALUES (5, 'a')
-- expect error: 8101, severity 16
GO

-- case: IDENTITY_INSERT on a table without identity is error 8106
CREATE TABLE id_none (id int)
SET IDENTITY_INSERT id_none ON
-- expect error: 8106, severity 16
GO

-- case: PRIMARY KEY rejects duplicates with error 2627
CREATE TABLE pk_dup (id int CONSTRAINT PK_pk_dup PRIMARY KEY, v char(1))
INSERT INTO pk_dup VALUES (1, 'a')
INSERT INTO pk_dup VALUES (1, 'b')
-- expect error: 2627, severity 14, state 1, 'Violation of PRIMARY KEY constraint ''PK_pk_dup''. Cannot insert duplicate key in object ''dbo.pk_dup''. The duplicate key value is (1).'
GO

-- case: composite PRIMARY KEY
CREATE TABLE pk_pair (a int, b int, CONSTRAINT PK_pk_pair PRIMARY KEY (a, b))
INSERT INTO pk_pair VALUES (1, 1), (1, 2)
INSERT INTO pk_pair VALUES (1, 2)
-- expect error: 2627, 'Violation of PRIMARY KEY constraint ''PK_pk_pair''. Cannot insert duplicate key in object ''dbo.pk_pair''. The duplicate key value is (1, 2).'
GO

-- case: PRIMARY KEY columns are NOT NULL
CREATE TABLE pk_null (id int PRIMARY KEY)
INSERT INTO pk_null VALUES (NULL)
-- expect error: 515, severity 16
GO

-- case: a second PRIMARY KEY is error 8110
CREATE TABLE pk_two (a int PRIMARY KEY, b int PRIMARY KEY)
-- expect error: 8110, severity 16
GO

-- case: UNIQUE constraint allows one NULL only
CREATE TABLE uq_null (v int CONSTRAINT UQ_uq_null UNIQUE)
INSERT INTO uq_null VALUES (NULL)
INSERT INTO uq_null VALUES (NULL)
-- expect error: 2627, severity 14, 'Violation of UNIQUE KEY constraint ''UQ_uq_null''. Cannot insert duplicate key in object ''dbo.uq_null''. The duplicate key value is (<NULL>).'
GO

-- case: UNIQUE constraint on a string column
CREATE TABLE uq_name (name varchar(10) CONSTRAINT UQ_uq_name UNIQUE)
INSERT INTO uq_name VALUES ('abc')
INSERT INTO uq_name VALUES ('ABC')
-- expect error: 2627, 'Violation of UNIQUE KEY constraint ''UQ_uq_name''. Cannot insert duplicate key in object ''dbo.uq_name''. The duplicate key value is (ABC).'
GO

-- case: CHECK constraint rejects a row with error 547
CREATE TABLE ck_qty (qty int CONSTRAINT CK_ck_qty CHECK (qty > 0))
INSERT INTO ck_qty VALUES (0)
-- expect error: 547, severity 16, 'The INSERT statement conflicted with the CHECK constraint "CK_ck_qty". The conflict occurred in database "corpus_ddl", table "dbo.ck_qty", column ''qty''.'
GO

-- case: CHECK constraint accepts NULL
CREATE TABLE ck_null (qty int CHECK (qty > 0))
INSERT INTO ck_null VALUES (NULL)
SELECT COUNT(*) FROM ck_null
-- expect: 1
GO

-- case: table-level CHECK across columns on UPDATE
CREATE TABLE ck_range (lo int, hi int, CONSTRAINT CK_ck_range CHECK (lo <= hi))
INSERT INTO ck_range VALUES (1, 5)
UPDATE ck_range SET lo = 9
-- expect error: 547, 'The UPDATE statement conflicted with the CHECK constraint "CK_ck_range". The conflict occurred in database "corpus_ddl", table "dbo.ck_range".'
GO

-- case: FOREIGN KEY rejects an orphan with error 547
CREATE TABLE fk_parent (id int PRIMARY KEY)
CREATE TABLE fk_child (id int, parent_id int CONSTRAINT FK_fk_child_parent REFERENCES fk_parent (id))
INSERT INTO fk_parent VALUES (1)
INSERT INTO fk_child VALUES (1, 2)
-- expect error: 547, severity 16, 'The INSERT statement conflicted with the FOREIGN KEY constraint "FK_fk_child_parent". The conflict occurred in database "corpus_ddl", table "dbo.fk_parent", column ''id''.'
GO

-- case: FOREIGN KEY accepts NULL
CREATE TABLE fkn_parent (id int PRIMARY KEY)
CREATE TABLE fkn_child (id int, parent_id int REFERENCES fkn_parent (id))
INSERT INTO fkn_child VALUES (1, NULL)
SELECT COUNT(*) FROM fkn_child
-- expect: 1
GO

-- case: deleting a referenced row is error 547 with NO ACTION
CREATE TABLE fkd_parent (id int PRIMARY KEY)
CREATE TABLE fkd_child (id int, parent_id int CONSTRAINT FK_fkd FOREIGN KEY REFERENCES fkd_parent (id))
INSERT INTO fkd_parent VALUES (1)
INSERT INTO fkd_child VALUES (1, 1)
DELETE FROM fkd_parent WHERE id = 1
-- expect error: 547, 'The DELETE statement conflicted with the REFERENCE constraint "FK_fkd". The conflict occurred in database "corpus_ddl", table "dbo.fkd_child", column ''parent_id''.'
GO

-- case: ON DELETE CASCADE deletes the children
CREATE TABLE fkc_parent (id int PRIMARY KEY)
CREATE TABLE fkc_child (id int, parent_id int REFERENCES fkc_parent (id) ON DELETE CASCADE)
INSERT INTO fkc_parent VALUES (1), (2)
INSERT INTO fkc_child VALUES (10, 1), (11, 1), (12, 2)
DELETE FROM fkc_parent WHERE id = 1
SELECT id FROM fkc_child
-- expect: 12
GO

-- case: ON DELETE SET NULL clears the reference
CREATE TABLE fks_parent (id int PRIMARY KEY)
CREATE TABLE fks_child (id int, parent_id int NULL REFERENCES fks_parent (id) ON DELETE SET NULL)
INSERT INTO fks_parent VALUES (1)
INSERT INTO fks_child VALUES (10, 1)
DELETE FROM fks_parent
SELECT id, parent_id FROM fks_child
-- expect rows:
-- 10, NULL
GO

-- case: ON DELETE SET DEFAULT uses the column default
CREATE TABLE fkdf_parent (id int PRIMARY KEY)
INSERT INTO fkdf_parent VALUES (0), (1)
CREATE TABLE fkdf_child (id int, parent_id int DEFAULT 0 REFERENCES fkdf_parent (id) ON DELETE SET DEFAULT)
INSERT INTO fkdf_child VALUES (10, 1)
DELETE FROM fkdf_parent WHERE id = 1
SELECT parent_id FROM fkdf_child
-- expect: 0
GO

-- case: ON UPDATE CASCADE changes the children
CREATE TABLE fku_parent (code varchar(5) PRIMARY KEY)
CREATE TABLE fku_child (id int, code varchar(5) REFERENCES fku_parent (code) ON UPDATE CASCADE)
INSERT INTO fku_parent VALUES ('a')
INSERT INTO fku_child VALUES (1, 'a')
UPDATE fku_parent SET code = 'b'
SELECT code FROM fku_child
-- expect: 'b'
GO

-- case: FOREIGN KEY to a missing table is error 1767
CREATE TABLE fk_bad (id int REFERENCES no_such_table (id))
-- expect error: 1767, severity 16
-- expect error: 1750
GO

-- case: DROP TABLE referenced by a FOREIGN KEY is error 3726
CREATE TABLE fkdrop_parent (id int PRIMARY KEY)
CREATE TABLE fkdrop_child (parent_id int CONSTRAINT FK_fkdrop REFERENCES fkdrop_parent (id))
DROP TABLE fkdrop_parent
-- expect error: 3726, severity 16, 'Could not drop object ''fkdrop_parent'' because it is referenced by a FOREIGN KEY constraint.'
GO

-- case: TRUNCATE TABLE referenced by a FOREIGN KEY is error 4712
CREATE TABLE fktr_parent (id int PRIMARY KEY)
CREATE TABLE fktr_child (parent_id int CONSTRAINT FK_fktr REFERENCES fktr_parent (id))
TRUNCATE TABLE fktr_parent
-- expect error: 4712, severity 16, 'Cannot truncate table ''fktr_parent'' because it is being referenced by a FOREIGN KEY constraint.'
GO

-- case: DEFAULT constraint with a name
CREATE TABLE df_named (id int, status varchar(10) CONSTRAINT DF_df_named_status DEFAULT 'new')
INSERT INTO df_named (id) VALUES (1)
SELECT status FROM df_named
-- expect: 'new'
GO

-- case: DEFAULT from a function
CREATE TABLE df_func (id int, created datetime DEFAULT GETDATE())
INSERT INTO df_func (id) VALUES (1)
SELECT CASE WHEN ABS(DATEDIFF(second, created, GETDATE())) < 60 THEN 'recent' ELSE 'wrong' END FROM df_func
-- expect: 'recent'
GO

-- case: explicit NULL overrides a default
CREATE TABLE df_null (id int, v int NULL DEFAULT 5)
INSERT INTO df_null VALUES (1, NULL)
SELECT v FROM df_null
-- expect: NULL
GO

-- case: computed column
CREATE TABLE cc_basic (price decimal(6,2), qty int, total AS price * qty)
INSERT INTO cc_basic (price, qty) VALUES (2.50, 4)
SELECT total FROM cc_basic
-- expect: 10.00
-- expect type: decimal(17,2)
GO

-- case: persisted computed column follows updates
CREATE TABLE cc_persisted (a int, doubled AS a * 2 PERSISTED)
INSERT INTO cc_persisted (a) VALUES (5)
UPDATE cc_persisted SET a = 7
SELECT doubled FROM cc_persisted
-- expect: 14
GO

-- case: inserting into a computed column is error 271
CREATE TABLE cc_insert (a int, b AS a + 1)
INSERT INTO cc_insert (a, b) VALUES (1, 2)
-- expect error: 271, severity 16, 'The column "b" cannot be modified because it is either a computed column or is the result of a UNION operator.'
GO

-- case: ALTER TABLE ADD a nullable column
CREATE TABLE alt_add (id int)
INSERT INTO alt_add VALUES (1)
ALTER TABLE alt_add ADD note varchar(10) NULL
SELECT id, note FROM alt_add
-- expect rows:
-- 1, NULL
GO

-- case: ALTER TABLE ADD NOT NULL with DEFAULT fills existing rows
CREATE TABLE alt_default (id int)
INSERT INTO alt_default VALUES (1), (2)
ALTER TABLE alt_default ADD flag int NOT NULL CONSTRAINT DF_alt_default_flag DEFAULT 7
SELECT SUM(flag) FROM alt_default
-- expect: 14
GO

-- case: ALTER TABLE ADD NULL column WITH VALUES fills existing rows
CREATE TABLE alt_values (id int)
INSERT INTO alt_values VALUES (1)
ALTER TABLE alt_values ADD flag int NULL DEFAULT 3 WITH VALUES
SELECT flag FROM alt_values
-- expect: 3
GO

-- case: ALTER TABLE ADD NOT NULL without default to a non-empty table is error 4901
CREATE TABLE alt_notnull (id int)
INSERT INTO alt_notnull VALUES (1)
ALTER TABLE alt_notnull ADD required int NOT NULL
-- expect error: 4901, severity 16
GO

-- case: ALTER TABLE ADD NOT NULL without default to an empty table works
CREATE TABLE alt_empty (id int)
ALTER TABLE alt_empty ADD required int NOT NULL
SELECT COUNT(*) FROM sys.columns WHERE object_id = OBJECT_ID('alt_empty')
-- expect: 2
GO

-- case: ALTER TABLE DROP COLUMN
CREATE TABLE alt_drop (a int, b int, c int)
ALTER TABLE alt_drop DROP COLUMN b
SELECT * FROM alt_drop
-- expect rows:
-- expect columns: a, c
GO

-- case: ALTER TABLE DROP COLUMN with a constraint on it is an error
CREATE TABLE alt_dropdf (a int, b int CONSTRAINT DF_alt_dropdf_b DEFAULT 1)
ALTER TABLE alt_dropdf DROP COLUMN b
-- expect error: 5074, severity 16
-- expect error: 4922, severity 16
GO

-- case: ALTER TABLE ALTER COLUMN widens a varchar
CREATE TABLE alt_widen (v varchar(3))
INSERT INTO alt_widen VALUES ('abc')
ALTER TABLE alt_widen ALTER COLUMN v varchar(10)
UPDATE alt_widen SET v = v + 'defg'
SELECT v FROM alt_widen
-- expect: 'abcdefg'
-- expect type: varchar(10)
GO

-- case: ALTER COLUMN to NOT NULL over NULL values fails
CREATE TABLE alt_nn (v int NULL)
INSERT INTO alt_nn VALUES (NULL)
ALTER TABLE alt_nn ALTER COLUMN v int NOT NULL
-- expect error: 515, severity 16
GO

-- case: ALTER COLUMN changes the type of existing values
CREATE TABLE alt_type (v varchar(10))
INSERT INTO alt_type VALUES ('42')
ALTER TABLE alt_type ALTER COLUMN v int
SELECT v + 1 FROM alt_type
-- expect: 43
GO

-- case: ALTER TABLE ADD CONSTRAINT CHECK checks existing rows
CREATE TABLE alt_ck (v int)
INSERT INTO alt_ck VALUES (-1)
ALTER TABLE alt_ck ADD CONSTRAINT CK_alt_ck CHECK (v >= 0)
-- expect error: 547, 'The ALTER TABLE statement conflicted with the CHECK constraint "CK_alt_ck". The conflict occurred in database "corpus_ddl", table "dbo.alt_ck", column ''v''.'
GO

-- case: ALTER TABLE WITH NOCHECK ADD CONSTRAINT skips existing rows
CREATE TABLE alt_nock (v int)
INSERT INTO alt_nock VALUES (-1)
ALTER TABLE alt_nock WITH NOCHECK ADD CONSTRAINT CK_alt_nock CHECK (v >= 0)
INSERT INTO alt_nock VALUES (-2)
-- expect error: 547
GO

-- case: ALTER TABLE ADD CONSTRAINT PRIMARY KEY and DROP CONSTRAINT
CREATE TABLE alt_pk (id int NOT NULL)
ALTER TABLE alt_pk ADD CONSTRAINT PK_alt_pk PRIMARY KEY (id)
INSERT INTO alt_pk VALUES (1)
ALTER TABLE alt_pk DROP CONSTRAINT PK_alt_pk
INSERT INTO alt_pk VALUES (1)
SELECT COUNT(*) FROM alt_pk
-- expect: 2
GO

-- case: ALTER TABLE ADD FOREIGN KEY constraint
CREATE TABLE altfk_parent (id int PRIMARY KEY)
CREATE TABLE altfk_child (parent_id int)
ALTER TABLE altfk_child ADD CONSTRAINT FK_altfk FOREIGN KEY (parent_id) REFERENCES altfk_parent (id)
INSERT INTO altfk_child VALUES (5)
-- expect error: 547
GO

-- case: dropping a constraint that does not exist is error 3728
CREATE TABLE alt_noconstraint (v int)
ALTER TABLE alt_noconstraint DROP CONSTRAINT CK_nothing
-- expect error: 3728, severity 16, '''CK_nothing'' is not a constraint.'
-- expect error: 3727, severity 16, 'Could not drop constraint. See previous errors.'
GO

-- case: unique index rejects duplicates with error 2601
CREATE TABLE ix_unique (v int)
CREATE UNIQUE INDEX IX_ix_unique_v ON ix_unique (v)
INSERT INTO ix_unique VALUES (1)
INSERT INTO ix_unique VALUES (1)
-- expect error: 2601, severity 14, 'Cannot insert duplicate key row in object ''dbo.ix_unique'' with unique index ''IX_ix_unique_v''. The duplicate key value is (1).'
GO

-- case: nonunique index allows duplicates
CREATE TABLE ix_plain (v int)
CREATE INDEX IX_ix_plain_v ON ix_plain (v)
INSERT INTO ix_plain VALUES (1), (1)
SELECT COUNT(*) FROM ix_plain
-- expect: 2
GO

-- case: creating a unique index over duplicates is error 1505
CREATE TABLE ix_late (v int)
INSERT INTO ix_late VALUES (1), (1)
CREATE UNIQUE INDEX IX_ix_late ON ix_late (v)
-- expect error: 1505, severity 16
GO

-- case: an index name used twice on a table is error 1913
CREATE TABLE ix_twice (v int)
CREATE INDEX IX_same ON ix_twice (v)
CREATE INDEX IX_same ON ix_twice (v)
-- expect error: 1913, severity 16
GO

-- case: DROP INDEX in both forms
CREATE TABLE ix_drop (a int, b int)
CREATE UNIQUE INDEX IX_ix_drop_a ON ix_drop (a)
CREATE UNIQUE INDEX IX_ix_drop_b ON ix_drop (b)
DROP INDEX IX_ix_drop_a ON ix_drop
DROP INDEX ix_drop.IX_ix_drop_b
INSERT INTO ix_drop VALUES (1, 1), (1, 1)
SELECT COUNT(*) FROM ix_drop
-- expect: 2
GO

-- case: dropping an index that does not exist is error 3701
CREATE TABLE ix_missing (a int)
DROP INDEX IX_nothing ON ix_missing
-- expect error: 3701, severity 11
GO

-- case: CREATE VIEW must be the first statement in a batch
SELECT 1
CREATE VIEW v_second AS SELECT 1 AS one
-- expect error: 111, severity 15
GO

-- case: CREATE VIEW and select from it
EXEC ('CREATE VIEW v_simple AS SELECT 1 AS one, ''a'' AS letter')
SELECT one, letter FROM v_simple
-- expect rows:
-- 1, 'a'
GO

-- case: a view reflects its base table
CREATE TABLE vb_base (id int, v int)
INSERT INTO vb_base VALUES (1, 10), (2, 20)
EXEC ('CREATE VIEW v_base AS SELECT id, v * 2 AS doubled FROM vb_base WHERE id > 1')
INSERT INTO vb_base VALUES (3, 30)
SELECT id, doubled FROM v_base ORDER BY id
-- expect rows:
-- 2, 40
-- 3, 60
GO

-- case: ALTER VIEW changes the definition
EXEC ('CREATE VIEW v_alter AS SELECT 1 AS n')
EXEC ('ALTER VIEW v_alter AS SELECT 2 AS n')
SELECT n FROM v_alter
-- expect: 2
GO

-- case: DROP VIEW
EXEC ('CREATE VIEW v_drop AS SELECT 1 AS n')
DROP VIEW v_drop
SELECT OBJECT_ID('v_drop')
-- expect: NULL
GO

-- case: INSERT through a view
CREATE TABLE vi_base (id int, v varchar(5))
EXEC ('CREATE VIEW v_insert AS SELECT id, v FROM vi_base')
INSERT INTO v_insert VALUES (1, 'x')
SELECT v FROM vi_base
-- expect: 'x'
GO

-- case: CREATE SCHEMA and a table in it
EXEC ('CREATE SCHEMA sales_s')
CREATE TABLE sales_s.orders (id int)
INSERT INTO sales_s.orders VALUES (1), (2)
SELECT COUNT(*), OBJECT_SCHEMA_NAME(OBJECT_ID('sales_s.orders')) FROM sales_s.orders
-- expect rows:
-- 2, 'sales_s'
GO

-- case: same table name in two schemas
EXEC ('CREATE SCHEMA other_s')
CREATE TABLE other_s.existing_table (id int, extra int)
SELECT COUNT(*) FROM sys.columns WHERE object_id = OBJECT_ID('other_s.existing_table')
-- expect: 2
GO

-- case: DROP SCHEMA with objects in it is error 3729
EXEC ('CREATE SCHEMA busy_s')
CREATE TABLE busy_s.t (id int)
DROP SCHEMA busy_s
-- expect error: 3729, severity 16, 'Cannot drop schema ''busy_s'' because it is being referenced by object ''t''.'
GO

-- case: CREATE TABLE in a missing schema is error 2760
CREATE TABLE no_such_schema.t (id int)
-- expect error: 2760, severity 16, 'The specified schema name "no_such_schema" either does not exist or you do not have permission to use it.'
GO

-- case: CREATE SCHEMA and DROP SCHEMA
EXEC ('CREATE SCHEMA gone_s')
DROP SCHEMA gone_s
SELECT SCHEMA_ID('gone_s')
-- expect: NULL
GO

-- case: SEQUENCE with NEXT VALUE FOR
SELECT NEXT VALUE FOR seq_basic
SELECT NEXT VALUE FOR seq_basic
-- expect: 10
-- expect: 15
GO

-- case: SEQUENCE defaults to bigint starting at the minimum
SELECT NEXT VALUE FOR seq_default
-- expect: -9223372036854775808
-- expect type: bigint
GO

-- case: SEQUENCE as a column default
CREATE TABLE seq_table (id int DEFAULT (NEXT VALUE FOR seq_col), v char(1))
INSERT INTO seq_table (v) VALUES ('a'), ('b')
SELECT MAX(id) FROM seq_table
-- expect: 2
GO

-- case: SEQUENCE with CYCLE restarts at the minimum
DECLARE @a int, @b int, @c int
SET @a = NEXT VALUE FOR seq_cycle
SET @b = NEXT VALUE FOR seq_cycle
SET @c = NEXT VALUE FOR seq_cycle
SELECT @a, @b, @c
-- expect rows:
-- 1, 2, 1
GO

-- case: exhausted SEQUENCE without CYCLE is error 11728
DECLARE @a int, @b int
SET @a = NEXT VALUE FOR seq_end
SET @b = NEXT VALUE FOR seq_end
-- expect error: 11728, severity 16
GO

-- case: ALTER SEQUENCE RESTART
DECLARE @a bigint
SET @a = NEXT VALUE FOR seq_restart
ALTER SEQUENCE seq_restart RESTART WITH 100
SELECT NEXT VALUE FOR seq_restart
-- expect: 100
GO

-- case: CREATE DATABASE, three-part names and DROP DATABASE
IF DB_ID('corpus_ddl_extra') IS NOT NULL DROP DATABASE corpus_ddl_extra
CREATE DATABASE corpus_ddl_extra
EXEC ('CREATE TABLE corpus_ddl_extra.dbo.remote_t (id int); INSERT INTO corpus_ddl_extra.dbo.remote_t VALUES (7)')
EXEC ('SELECT id FROM corpus_ddl_extra.dbo.remote_t')
SELECT COUNT(*) FROM sys.databases WHERE name = 'corpus_ddl_extra'
DROP DATABASE corpus_ddl_extra
SELECT DB_ID('corpus_ddl_extra')
-- expect: 7
-- expect: 1
-- expect: NULL
GO

-- case: USE switches the current database
USE master
SELECT DB_NAME()
-- expect: 'master'
GO

-- case: USE of a missing database is error 911
USE no_such_database
-- expect error: 911, severity 16, 'Database ''no_such_database'' does not exist. Make sure that the name is entered correctly.'
GO

-- case: CREATE DATABASE with an existing name is error 1801
CREATE DATABASE corpus_ddl
-- expect error: 1801, severity 16, 'Database ''corpus_ddl'' already exists. Choose a different database name.'
GO

-- case: temp table is visible in its session
CREATE TABLE #session_t (id int)
INSERT INTO #session_t VALUES (1)
SELECT COUNT(*) FROM #session_t
SELECT CASE WHEN OBJECT_ID('tempdb..#session_t') IS NOT NULL THEN 'exists' END
-- expect: 1
-- expect: 'exists'
GO

-- case: temp table of another session is not visible
SELECT * FROM #session_t
-- expect error: 208, severity 16, 'Invalid object name ''#session_t''.'
GO

-- case: global temp table
CREATE TABLE ##global_t (id int)
INSERT INTO ##global_t VALUES (5)
SELECT id FROM ##global_t
DROP TABLE ##global_t
-- expect: 5
GO

-- case: DROP TABLE of a temp table
CREATE TABLE #dropped (id int)
DROP TABLE #dropped
SELECT OBJECT_ID('tempdb..#dropped')
-- expect: NULL
GO

-- case: table variable with constraints
DECLARE @t TABLE (id int PRIMARY KEY, v int CHECK (v > 0), d int DEFAULT 9)
INSERT INTO @t (id, v) VALUES (1, 1)
INSERT INTO @t (id, v) VALUES (1, 2)
SELECT id, v, d FROM @t
-- expect error: 2627
-- expect rows:
-- 1, 1, 9
GO

-- case: table variable is not affected by ROLLBACK
DECLARE @t TABLE (id int)
BEGIN TRANSACTION
INSERT INTO @t VALUES (1)
ROLLBACK
SELECT COUNT(*) FROM @t
-- expect: 1
GO

-- case: table variable with an identity column
DECLARE @t TABLE (id int IDENTITY(1,1), v char(1))
INSERT INTO @t (v) VALUES ('a'), ('b')
SELECT MAX(id) FROM @t
-- expect: 2
GO

-- case: CREATE TABLE with an existing name is error 2714
CREATE TABLE existing_table (id int)
-- expect error: 2714, severity 16, state 6, 'There is already an object named ''existing_table'' in the database.'
GO

-- case: duplicate column names are error 2705
CREATE TABLE dup_cols (a int, a int)
-- expect error: 2705, severity 16
GO

-- case: DROP TABLE of a missing table is error 3701
DROP TABLE no_such_table
-- expect error: 3701, severity 11, state 5, 'Cannot drop the table ''no_such_table'', because it does not exist or you do not have permission.'
GO

-- case: DROP TABLE IF EXISTS of a missing table is silent
DROP TABLE IF EXISTS no_such_table
SELECT 'ok'
-- expect: 'ok'
GO

-- case: DROP TABLE IF EXISTS drops an existing table
CREATE TABLE drop_me (id int)
DROP TABLE IF EXISTS drop_me
SELECT OBJECT_ID('drop_me')
-- expect: NULL
GO

-- case: DROP VIEW, PROCEDURE, FUNCTION, SEQUENCE and INDEX IF EXISTS are silent when missing
CREATE TABLE die_t (id int)
DROP VIEW IF EXISTS no_view
DROP PROCEDURE IF EXISTS no_proc
DROP FUNCTION IF EXISTS no_func
DROP SEQUENCE IF EXISTS no_seq
DROP INDEX IF EXISTS no_index ON die_t
DROP SCHEMA IF EXISTS no_schema
SELECT 'ok'
-- expect: 'ok'
GO

-- case: DROP TABLE of several tables
CREATE TABLE multi_a (id int)
CREATE TABLE multi_b (id int)
DROP TABLE multi_a, multi_b
SELECT COUNT(*) FROM sys.tables WHERE name IN ('multi_a', 'multi_b')
-- expect: 0
GO

-- case: rowversion column is eight bytes and changes on update
CREATE TABLE rv (id int, ver rowversion)
INSERT INTO rv (id) VALUES (1)
DECLARE @before binary(8) = (SELECT ver FROM rv)
UPDATE rv SET id = 2
SELECT DATALENGTH(ver), CASE WHEN ver > @before THEN 'newer' ELSE 'same' END FROM rv
-- expect rows:
-- 8, 'newer'
GO

-- case: a new column defaults to NULL when nullability is not given
CREATE TABLE nullable_default (a int)
INSERT INTO nullable_default VALUES (NULL)
SELECT COUNT(*) FROM nullable_default WHERE a IS NULL
-- expect: 1
GO
