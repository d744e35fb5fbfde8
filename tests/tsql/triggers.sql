-- Triggers: AFTER and INSTEAD OF DML triggers, the inserted and deleted tables, UPDATE() and
-- COLUMNS_UPDATED(), @@ROWCOUNT and @@TRANCOUNT inside a trigger, ROLLBACK and errors in a trigger,
-- nesting and recursion, ENABLE/DISABLE, OUTPUT, and the catalog views. Cases that write run in a
-- transaction they roll back, or on tables of their own.
CREATE TABLE t_basic (id int PRIMARY KEY, qty int NOT NULL)
CREATE TABLE t_basic_log (seq int IDENTITY(1,1), action varchar(10), id int, old_qty int, new_qty int)
GO
CREATE TRIGGER trg_basic ON t_basic AFTER INSERT, UPDATE, DELETE
AS
BEGIN
    SET NOCOUNT ON
    INSERT INTO t_basic_log (action, id, old_qty, new_qty)
    SELECT CASE WHEN d.id IS NULL THEN 'INSERT' WHEN i.id IS NULL THEN 'DELETE' ELSE 'UPDATE' END,
           COALESCE(i.id, d.id), d.qty, i.qty
    FROM inserted AS i FULL OUTER JOIN deleted AS d ON i.id = d.id
END
GO
CREATE TABLE t_fire (id int)
CREATE TABLE t_fire_log (n int)
GO
CREATE TRIGGER trg_fire ON t_fire AFTER UPDATE
AS
    INSERT INTO t_fire_log (n) SELECT COUNT(*) FROM inserted
GO
CREATE TABLE t_rc (id int)
GO
CREATE TRIGGER trg_rc ON t_rc AFTER INSERT
AS
    SELECT @@ROWCOUNT AS rows_in_statement
GO
CREATE TABLE t_cols (a int, b int, c int)
GO
CREATE TRIGGER trg_cols ON t_cols AFTER INSERT, UPDATE
AS
BEGIN
    DECLARE @cols varchar(3) = ''
    IF UPDATE(a) SET @cols = @cols + 'a'
    IF UPDATE(b) SET @cols = @cols + 'b'
    IF UPDATE(c) SET @cols = @cols + 'c'
    SELECT @cols AS updated_columns
END
GO
CREATE TABLE t_mask (a int, b int, c int)
GO
CREATE TRIGGER trg_mask ON t_mask AFTER UPDATE
AS
BEGIN
    SELECT COLUMNS_UPDATED() AS mask,
           CASE WHEN (COLUMNS_UPDATED() & 2) = 2 THEN 'b set' ELSE 'b not set' END AS b_test
END
GO
CREATE TABLE t_ident (id int IDENTITY(1,1), v int)
CREATE TABLE t_ident_side (id int IDENTITY(100,1), main_id int)
GO
CREATE TRIGGER trg_ident ON t_ident AFTER INSERT
AS
    INSERT INTO t_ident_side (main_id) SELECT id FROM inserted
GO
CREATE TABLE t_tran (id int)
GO
CREATE TRIGGER trg_tran ON t_tran AFTER INSERT
AS
    SELECT @@TRANCOUNT AS trancount
GO
CREATE TABLE t_guard (id int, qty int)
GO
CREATE TRIGGER trg_guard ON t_guard AFTER INSERT, UPDATE
AS
IF EXISTS (SELECT * FROM inserted WHERE qty < 0)
BEGIN
    RAISERROR('Quantity cannot be negative.', 16, 1)
    ROLLBACK TRANSACTION
END
GO
CREATE TABLE t_guard2 (id int, qty int)
GO
CREATE TRIGGER trg_guard2 ON t_guard2 AFTER INSERT
AS
IF EXISTS (SELECT * FROM inserted WHERE qty < 0)
    ROLLBACK TRANSACTION
GO
CREATE TABLE t_warn (id int)
GO
CREATE TRIGGER trg_warn ON t_warn AFTER INSERT
AS
    RAISERROR('Inserted, with a warning.', 16, 1)
GO
CREATE TABLE t_div (id int)
GO
CREATE TRIGGER trg_div ON t_div AFTER INSERT
AS
BEGIN
    DECLARE @x int
    SET @x = 1 / 0
END
GO
CREATE TABLE t_throw (id int)
GO
CREATE TRIGGER trg_throw ON t_throw AFTER INSERT
AS
    THROW 50001, 'No rows may be added.', 1
GO
CREATE TABLE t_outer (id int)
CREATE TABLE t_inner (id int)
GO
CREATE TRIGGER trg_outer ON t_outer AFTER INSERT
AS
    INSERT INTO t_inner (id) SELECT id FROM inserted
GO
CREATE TRIGGER trg_inner ON t_inner AFTER INSERT
AS
    SELECT TRIGGER_NESTLEVEL() AS trigger_level, @@NESTLEVEL AS nest_level
GO
CREATE TABLE t_rec (id int, n int)
GO
CREATE TRIGGER trg_rec ON t_rec AFTER UPDATE
AS
    UPDATE t_rec SET n = n + 1 WHERE id IN (SELECT id FROM inserted)
GO
CREATE TABLE BaseTable
    (PrimaryKey int PRIMARY KEY IDENTITY(1,1),
     Color nvarchar(10) NOT NULL,
     Material nvarchar(10) NOT NULL,
     ComputedCol AS (Color + Material))
GO
CREATE VIEW InsteadView
AS SELECT PrimaryKey, Color, Material, ComputedCol
FROM BaseTable
GO
CREATE TRIGGER InsteadTrigger ON InsteadView
INSTEAD OF INSERT
AS
BEGIN
    INSERT INTO BaseTable
        SELECT Color, Material
        FROM inserted
END
GO
CREATE TABLE t_keep (id int)
GO
CREATE TRIGGER trg_keep ON t_keep INSTEAD OF DELETE
AS
    SELECT COUNT(*) AS not_deleted FROM deleted
GO
CREATE TABLE t_iou (id int, v int)
GO
CREATE TRIGGER trg_iou ON t_iou INSTEAD OF UPDATE
AS
    SELECT d.v AS old_v, i.v AS new_v FROM inserted AS i JOIN deleted AS d ON i.id = d.id
GO
CREATE TABLE t_upper (id int, name varchar(10))
GO
CREATE TRIGGER trg_upper ON t_upper INSTEAD OF INSERT
AS
    INSERT INTO t_upper (id, name) SELECT id, UPPER(name) FROM inserted
GO
CREATE TABLE t_temp (id int)
GO
CREATE TRIGGER trg_temp ON t_temp AFTER INSERT
AS
BEGIN
    SELECT id INTO #made_in_trigger FROM inserted
    SELECT COUNT(*) AS copied FROM #made_in_trigger
END
GO
CREATE TABLE t_merge (id int PRIMARY KEY, v int)
CREATE TABLE t_merge_log (action varchar(10), n int)
GO
CREATE TRIGGER trg_merge ON t_merge AFTER INSERT, UPDATE, DELETE
AS
    INSERT INTO t_merge_log (action, n)
    SELECT CASE WHEN EXISTS (SELECT * FROM inserted) AND EXISTS (SELECT * FROM deleted) THEN 'UPDATE'
                WHEN EXISTS (SELECT * FROM inserted) THEN 'INSERT'
                ELSE 'DELETE' END,
           (SELECT COUNT(*) FROM inserted) + (SELECT COUNT(*) FROM deleted)
GO
CREATE TABLE t_def (id int)
GO
CREATE TRIGGER trg_def ON t_def AFTER DELETE AS SELECT 1 AS deleted_something
GO

-- case: AFTER INSERT trigger reads the inserted rows
BEGIN TRANSACTION
INSERT INTO t_basic (id, qty) VALUES (1, 10), (2, 20)
SELECT action, id, old_qty, new_qty FROM t_basic_log ORDER BY id
ROLLBACK
-- expect rows:
-- 'INSERT', 1, NULL, 10
-- 'INSERT', 2, NULL, 20
GO

-- case: AFTER UPDATE trigger reads the old rows in deleted and the new ones in inserted
BEGIN TRANSACTION
INSERT INTO t_basic (id, qty) VALUES (1, 10)
DELETE FROM t_basic_log
UPDATE t_basic SET qty = qty + 5 WHERE id = 1
SELECT action, id, old_qty, new_qty FROM t_basic_log
ROLLBACK
-- expect rows:
-- 'UPDATE', 1, 10, 15
GO

-- case: AFTER DELETE trigger reads the deleted rows
BEGIN TRANSACTION
INSERT INTO t_basic (id, qty) VALUES (1, 10), (2, 20)
DELETE FROM t_basic_log
DELETE FROM t_basic WHERE qty > 15
SELECT action, id, old_qty, new_qty FROM t_basic_log
ROLLBACK
-- expect rows:
-- 'DELETE', 2, 20, NULL
GO

-- case: a trigger fires once per statement, not once per row
BEGIN TRANSACTION
INSERT INTO t_fire (id) VALUES (1), (2), (3)
UPDATE t_fire SET id = id + 1
SELECT COUNT(*), MAX(n) FROM t_fire_log
ROLLBACK
-- expect rows:
-- 1, 3
GO

-- case: a trigger fires for a statement that affects no rows
BEGIN TRANSACTION
UPDATE t_fire SET id = 0 WHERE id < 0
SELECT n FROM t_fire_log
ROLLBACK
-- expect rows:
-- 0
GO

-- case: @@ROWCOUNT at the start of a trigger is the row count of the statement that fired it
BEGIN TRANSACTION
INSERT INTO t_rc (id) VALUES (1), (2), (3)
ROLLBACK
-- expect: 3
-- expect columns: rows_in_statement
GO

-- case: a SELECT in a trigger sends its rows to the client
BEGIN TRANSACTION
INSERT INTO t_rc (id) SELECT 1
ROLLBACK
-- expect: 1
GO

-- case: UPDATE() is true for every column on INSERT
BEGIN TRANSACTION
INSERT INTO t_cols (a, b, c) VALUES (1, 2, 3)
ROLLBACK
-- expect: 'abc'
GO

-- case: UPDATE() is true only for the columns an UPDATE sets
BEGIN TRANSACTION
INSERT INTO t_cols (a, b, c) VALUES (1, 2, 3)
UPDATE t_cols SET b = 20
ROLLBACK
-- expect: 'abc'
-- expect: 'b'
GO

-- case: COLUMNS_UPDATED has a bit per set column, the first column in the lowest bit
BEGIN TRANSACTION
INSERT INTO t_mask (a, b, c) VALUES (1, 2, 3)
UPDATE t_mask SET b = 20, c = 30
ROLLBACK
-- expect rows:
-- 0x06, 'b set'
-- expect columns: mask, b_test
GO

-- case: COLUMNS_UPDATED tested with a mask
BEGIN TRANSACTION
INSERT INTO t_mask (a, b, c) VALUES (1, 2, 3)
UPDATE t_mask SET a = 10
ROLLBACK
-- expect rows:
-- 0x01, 'b not set'
GO

-- case: SCOPE_IDENTITY is the statement's identity value and @@IDENTITY the trigger's
INSERT INTO t_ident (v) VALUES (1)
SELECT SCOPE_IDENTITY(), @@IDENTITY, IDENT_CURRENT('t_ident_side')
-- expect rows:
-- 1., 100., 100.
GO

-- case: @@TRANCOUNT is 1 inside the trigger of an autocommitted statement
INSERT INTO t_tran (id) VALUES (1)
-- expect: 1
GO

-- case: @@TRANCOUNT inside a trigger counts the caller's transactions
BEGIN TRANSACTION
BEGIN TRANSACTION
INSERT INTO t_tran (id) VALUES (2)
ROLLBACK
-- expect: 2
GO

-- case: ROLLBACK TRANSACTION in a trigger ends the batch with 3609
INSERT INTO t_guard (id, qty) VALUES (1, -5)
SELECT 'not reached'
-- expect error: 50000, severity 16, procedure trg_guard, 'Quantity cannot be negative.'
-- expect error: 3609, severity 16, 'The transaction ended in the trigger. The batch has been aborted.'
-- expect result sets: 0
GO

-- case: ROLLBACK TRANSACTION in a trigger ends the caller's transaction too
BEGIN TRANSACTION
INSERT INTO t_guard (id, qty) VALUES (2, 5)
UPDATE t_guard SET qty = -1
SELECT 'not reached'
-- expect error: 50000, 'Quantity cannot be negative.'
-- expect error: 3609
-- expect result sets: 0
GO

-- case: 3609 goes to the CATCH block, after the rollback
BEGIN TRY
    INSERT INTO t_guard2 (id, qty) VALUES (1, 5)
    INSERT INTO t_guard2 (id, qty) VALUES (2, -5)
END TRY
BEGIN CATCH
    SELECT ERROR_NUMBER(), @@TRANCOUNT
END CATCH
SELECT id FROM t_guard2
-- expect rows:
-- 3609, 0
-- expect rows:
-- 1
GO

-- case: RAISERROR in a trigger without ROLLBACK leaves the statement done
INSERT INTO t_warn (id) VALUES (1)
SELECT COUNT(*) FROM t_warn
-- expect error: 50000, severity 16, procedure trg_warn, 'Inserted, with a warning.'
-- expect: 1
GO

-- case: an error in a trigger ends the batch
INSERT INTO t_div (id) VALUES (1)
SELECT 'not reached'
-- expect error: 8134, severity 16, procedure trg_div, line 5, 'Divide by zero error encountered.'
-- expect result sets: 0
GO

-- case: THROW in a trigger ends the batch
BEGIN TRANSACTION
INSERT INTO t_throw (id) VALUES (1)
SELECT 'not reached'
-- expect error: 50001, severity 16, state 1, procedure trg_throw, 'No rows may be added.'
-- expect result sets: 0
GO

-- case: a trigger's insert fires the next table's trigger, one level deeper
BEGIN TRANSACTION
INSERT INTO t_outer (id) VALUES (1)
ROLLBACK
-- expect rows:
-- 2, 2
-- expect columns: trigger_level, nest_level
GO

-- case: TRIGGER_NESTLEVEL is 0 outside triggers
SELECT TRIGGER_NESTLEVEL()
-- expect: 0
GO

-- case: a trigger's own update does not fire it again while RECURSIVE_TRIGGERS is OFF
BEGIN TRANSACTION
INSERT INTO t_rec (id, n) VALUES (1, 0)
UPDATE t_rec SET n = 10
SELECT n FROM t_rec
ROLLBACK
-- expect: 11
GO

-- case: INSTEAD OF INSERT on a view inserts into the base table (documented example)
INSERT INTO InsteadView (PrimaryKey, Color, Material, ComputedCol)
VALUES (999, N'Blue', N'Plastic', N'XXXXXX')
SELECT PrimaryKey, Color, Material, ComputedCol FROM BaseTable
-- expect rows:
-- 1, N'Blue', N'Plastic', N'BluePlastic'
GO

-- case: INSTEAD OF DELETE runs instead of the delete
BEGIN TRANSACTION
INSERT INTO t_keep (id) VALUES (1), (2)
DELETE FROM t_keep
SELECT COUNT(*) FROM t_keep
ROLLBACK
-- expect: 2
-- expect columns: not_deleted
-- expect: 2
GO

-- case: INSTEAD OF UPDATE sees the old and new values and the row keeps its old one
BEGIN TRANSACTION
INSERT INTO t_iou (id, v) VALUES (1, 5)
UPDATE t_iou SET v = 6
SELECT v FROM t_iou
ROLLBACK
-- expect rows:
-- 5, 6
-- expect: 5
GO

-- case: an INSTEAD OF trigger's insert into its own table goes to the table
BEGIN TRANSACTION
INSERT INTO t_upper (id, name) VALUES (1, 'abc')
SELECT id, name FROM t_upper
ROLLBACK
-- expect rows:
-- 1, 'ABC'
GO

-- case: a table has one INSTEAD OF trigger per action
EXEC ('CREATE TRIGGER trg_keep_again ON t_keep INSTEAD OF DELETE AS SELECT 1')
-- expect error: 2111, severity 16, 'Cannot create trigger ''trg_keep_again'' on table ''t_keep'' because an INSTEAD OF DELETE trigger already exists on this object.'
GO

-- case: AFTER triggers cannot be created on views
EXEC ('CREATE TRIGGER trg_view_after ON InsteadView AFTER INSERT AS SELECT 1')
-- expect error: 340, severity 16
GO

-- case: CREATE TRIGGER on a table that does not exist
EXEC ('CREATE TRIGGER trg_nothing ON no_such_table AFTER INSERT AS SELECT 1')
-- expect error: 8197, severity 16, 'The object ''no_such_table'' does not exist or is invalid for this operation.'
GO

-- case: CREATE TRIGGER must be the first statement in a batch
SELECT 1
CREATE TRIGGER trg_second ON t_def AFTER INSERT AS SELECT 1
-- expect error: 111, severity 15, '''CREATE TRIGGER'' must be the first statement in a query batch.'
GO

-- case: a temp table made in a trigger is dropped when the trigger ends
BEGIN TRANSACTION
INSERT INTO t_temp (id) VALUES (1), (2)
SELECT OBJECT_ID('tempdb..#made_in_trigger')
ROLLBACK
-- expect: 2
-- expect: NULL
GO

-- case: MERGE fires the trigger of each action it takes
BEGIN TRANSACTION
INSERT INTO t_merge (id, v) VALUES (1, 1), (2, 2)
DELETE FROM t_merge_log
MERGE t_merge AS t
USING (VALUES (1, 10), (3, 30)) AS s (id, v) ON t.id = s.id
WHEN MATCHED THEN UPDATE SET v = s.v
WHEN NOT MATCHED THEN INSERT (id, v) VALUES (s.id, s.v)
WHEN NOT MATCHED BY SOURCE THEN DELETE;
SELECT action, n FROM t_merge_log ORDER BY action
ROLLBACK
-- expect rows:
-- 'DELETE', 1
-- 'INSERT', 1
-- 'UPDATE', 2
GO

-- case: OUTPUT without INTO is refused on a table with a trigger
INSERT INTO t_basic (id, qty) OUTPUT inserted.id VALUES (9, 9)
-- expect error: 334
GO

-- case: OUTPUT INTO a table variable works with a trigger
DECLARE @ids TABLE (id int)
BEGIN TRANSACTION
INSERT INTO t_basic (id, qty) OUTPUT inserted.id INTO @ids VALUES (7, 70)
ROLLBACK
SELECT id FROM @ids
-- expect: 7
GO

-- case: a disabled trigger does not fire
BEGIN TRANSACTION
DISABLE TRIGGER trg_basic ON t_basic
INSERT INTO t_basic (id, qty) VALUES (5, 5)
SELECT COUNT(*) FROM t_basic_log
SELECT is_disabled FROM sys.triggers WHERE name = 'trg_basic'
ROLLBACK
-- expect: 0
-- expect: 1
GO

-- case: ENABLE TRIGGER ALL enables the table's triggers again
BEGIN TRANSACTION
ALTER TABLE t_basic DISABLE TRIGGER ALL
INSERT INTO t_basic (id, qty) VALUES (5, 5)
ENABLE TRIGGER ALL ON t_basic
INSERT INTO t_basic (id, qty) VALUES (6, 6)
SELECT id FROM t_basic_log
ROLLBACK
-- expect: 6
GO

-- case: sys.triggers lists a table's triggers
SELECT name, OBJECT_NAME(parent_id), type, is_instead_of_trigger, is_disabled
FROM sys.triggers WHERE parent_id IN (OBJECT_ID('t_basic'), OBJECT_ID('InsteadView'))
ORDER BY name
-- expect rows:
-- 'InsteadTrigger', 'InsteadView', 'TR', 1, 0
-- 'trg_basic', 't_basic', 'TR', 0, 0
GO

-- case: sys.trigger_events has a row per event
SELECT type, type_desc FROM sys.trigger_events WHERE object_id = OBJECT_ID('trg_basic') ORDER BY type
-- expect rows:
-- 1, 'INSERT'
-- 2, 'UPDATE'
-- 3, 'DELETE'
GO

-- case: sys.objects shows a trigger as TR under its table
SELECT type, type_desc, OBJECT_NAME(parent_object_id) FROM sys.objects WHERE name = 'trg_basic'
-- expect rows:
-- 'TR', 'SQL_TRIGGER', 't_basic'
GO

-- case: OBJECTPROPERTY's trigger properties
SELECT OBJECTPROPERTY(OBJECT_ID('trg_basic'), 'IsTrigger'),
       OBJECTPROPERTY(OBJECT_ID('trg_basic'), 'ExecIsAfterTrigger'),
       OBJECTPROPERTY(OBJECT_ID('trg_basic'), 'ExecIsInsteadOfTrigger'),
       OBJECTPROPERTY(OBJECT_ID('InsteadTrigger'), 'ExecIsInsteadOfTrigger'),
       OBJECTPROPERTY(OBJECT_ID('InsteadTrigger'), 'ExecIsInsertTrigger'),
       OBJECTPROPERTY(OBJECT_ID('InsteadTrigger'), 'ExecIsDeleteTrigger')
-- expect rows:
-- 1, 1, 0, 1, 1, 0
GO

-- case: OBJECT_DEFINITION of a trigger is its CREATE TRIGGER text
SELECT CASE WHEN OBJECT_DEFINITION(OBJECT_ID('trg_def')) LIKE 'CREATE TRIGGER trg_def ON t_def AFTER DELETE%'
            THEN 'definition' END
-- expect: 'definition'
GO

-- case: OBJECT_ID finds a trigger by its type
SELECT CASE WHEN OBJECT_ID('trg_def', 'TR') = OBJECT_ID('trg_def') THEN 'trigger' END, OBJECT_ID('trg_def', 'U')
-- expect rows:
-- 'trigger', NULL
GO

-- case: DROP TRIGGER of a trigger that does not exist
DROP TRIGGER no_such_trigger
-- expect error: 3701, severity 11, 'Cannot drop the trigger ''no_such_trigger'', because it does not exist or you do not have permission.'
GO

-- case: DROP TRIGGER IF EXISTS of a trigger that does not exist
DROP TRIGGER IF EXISTS no_such_trigger
-- expect ok
GO

-- case: DROP TRIGGER drops it
BEGIN TRANSACTION
DROP TRIGGER trg_def
SELECT OBJECT_ID('trg_def')
ROLLBACK
-- expect: NULL
GO
