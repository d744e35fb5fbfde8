-- Transactions: BEGIN/COMMIT/ROLLBACK/SAVE, nesting and @@TRANCOUNT, 3902/3903, XACT_ABORT,
-- doomed transactions (3930) and savepoints.  Cases work on temp tables of their own.
CREATE TABLE committed_rows (id int NOT NULL PRIMARY KEY)
GO
CREATE PROCEDURE dbo.leaves_open
AS
    BEGIN TRANSACTION
GO
CREATE PROCEDURE dbo.rolls_back
AS
    ROLLBACK TRANSACTION
GO

-- case: BEGIN and COMMIT move @@TRANCOUNT
SELECT @@TRANCOUNT
BEGIN TRANSACTION
SELECT @@TRANCOUNT
COMMIT TRANSACTION
SELECT @@TRANCOUNT
-- expect: 0
-- expect: 1
-- expect: 0
GO

-- case: committed work stays
CREATE TABLE #t (id int PRIMARY KEY)
BEGIN TRAN
INSERT INTO #t VALUES (1), (2)
COMMIT
SELECT COUNT(*) FROM #t
-- expect: 2
GO

-- case: rolled back work is undone
CREATE TABLE #t (id int PRIMARY KEY)
INSERT INTO #t VALUES (1)
BEGIN TRAN
INSERT INTO #t VALUES (2)
UPDATE #t SET id = 10 WHERE id = 1
ROLLBACK
SELECT id FROM #t
-- expect: 1
GO

-- case: nested BEGIN TRANSACTION increments @@TRANCOUNT and COMMIT decrements it
BEGIN TRAN
BEGIN TRAN
SELECT @@TRANCOUNT
COMMIT
SELECT @@TRANCOUNT
COMMIT
SELECT @@TRANCOUNT
-- expect: 2
-- expect: 1
-- expect: 0
GO

-- case: ROLLBACK in a nested transaction rolls back everything
CREATE TABLE #t (id int PRIMARY KEY)
BEGIN TRAN
INSERT INTO #t VALUES (1)
BEGIN TRAN
INSERT INTO #t VALUES (2)
ROLLBACK
SELECT @@TRANCOUNT, (SELECT COUNT(*) FROM #t)
-- expect rows:
-- 0, 0
GO

-- case: an inner COMMIT is undone by an outer ROLLBACK
CREATE TABLE #t (id int PRIMARY KEY)
BEGIN TRAN
BEGIN TRAN
INSERT INTO #t VALUES (1)
COMMIT
ROLLBACK
SELECT COUNT(*) FROM #t
-- expect: 0
GO

-- case: named transaction
CREATE TABLE #t (id int PRIMARY KEY)
BEGIN TRANSACTION outer_tx
INSERT INTO #t VALUES (1)
COMMIT TRANSACTION outer_tx
SELECT COUNT(*), @@TRANCOUNT FROM #t
-- expect rows:
-- 1, 0
GO

-- case: ROLLBACK to the outer transaction name rolls back everything
CREATE TABLE #t (id int PRIMARY KEY)
BEGIN TRANSACTION outer_tx
INSERT INTO #t VALUES (1)
BEGIN TRANSACTION inner_tx
INSERT INTO #t VALUES (2)
ROLLBACK TRANSACTION outer_tx
SELECT @@TRANCOUNT, (SELECT COUNT(*) FROM #t)
-- expect rows:
-- 0, 0
GO

-- case: ROLLBACK to an inner transaction name is error 6401
BEGIN TRANSACTION outer_tx
BEGIN TRANSACTION inner_tx
ROLLBACK TRANSACTION inner_tx
SELECT @@TRANCOUNT
ROLLBACK
-- expect error: 6401, severity 16, 'Cannot roll back inner_tx. No transaction or savepoint of that name was found.'
-- expect: 2
GO

-- case: SAVE TRANSACTION and ROLLBACK to the savepoint
CREATE TABLE #t (id int PRIMARY KEY)
BEGIN TRAN
INSERT INTO #t VALUES (1)
SAVE TRANSACTION before_two
INSERT INTO #t VALUES (2)
ROLLBACK TRANSACTION before_two
SELECT @@TRANCOUNT
COMMIT
SELECT id FROM #t
-- expect: 1
-- expect: 1
GO

-- case: rolling back to an earlier savepoint undoes later savepoints too
CREATE TABLE #t (id int PRIMARY KEY)
BEGIN TRAN
SAVE TRAN a
INSERT INTO #t VALUES (1)
SAVE TRAN b
INSERT INTO #t VALUES (2)
ROLLBACK TRAN a
COMMIT
SELECT COUNT(*) FROM #t
-- expect: 0
GO

-- case: work after rolling back to a savepoint can be committed
CREATE TABLE #t (id int PRIMARY KEY)
BEGIN TRAN
SAVE TRAN s
INSERT INTO #t VALUES (1)
ROLLBACK TRAN s
INSERT INTO #t VALUES (3)
COMMIT
SELECT id FROM #t
-- expect: 3
GO

-- case: ROLLBACK to a missing savepoint is error 6401
BEGIN TRAN
ROLLBACK TRAN no_such_savepoint
ROLLBACK
-- expect error: 6401, severity 16, state 1, 'Cannot roll back no_such_savepoint. No transaction or savepoint of that name was found.'
GO

-- case: SAVE TRANSACTION without a transaction is error 628
SAVE TRANSACTION lonely
-- expect error: 628, severity 16
GO

-- case: COMMIT without a transaction is error 3902
COMMIT TRANSACTION
-- expect error: 3902, severity 16, state 1, 'The COMMIT TRANSACTION request has no corresponding BEGIN TRANSACTION.'
GO

-- case: ROLLBACK without a transaction is error 3903
ROLLBACK TRANSACTION
-- expect error: 3903, severity 16, state 1, 'The ROLLBACK TRANSACTION request has no corresponding BEGIN TRANSACTION.'
GO

-- case: a second COMMIT after the last one is error 3902
BEGIN TRAN
COMMIT
COMMIT
SELECT @@TRANCOUNT
-- expect error: 3902
-- expect: 0
GO

-- case: a statement error does not end the transaction
CREATE TABLE #t (id int PRIMARY KEY)
BEGIN TRAN
INSERT INTO #t VALUES (1)
INSERT INTO #t VALUES (1)
SELECT @@TRANCOUNT
COMMIT
SELECT COUNT(*) FROM #t
-- expect error: 2627
-- expect: 1
-- expect: 1
GO

-- case: XACT_ABORT ON aborts the batch at the first error
CREATE TABLE #t (id int PRIMARY KEY)
SET XACT_ABORT ON
BEGIN TRAN
INSERT INTO #t VALUES (1)
INSERT INTO #t VALUES (1)
SELECT 'not reached'
-- expect error: 2627
-- expect result sets: 0
GO

-- case: XACT_ABORT ON rolls the transaction back
SET XACT_ABORT ON
DECLARE @x int
BEGIN TRY
    BEGIN TRAN
    INSERT INTO committed_rows VALUES (1)
    SET @x = 1 / 0
    COMMIT
END TRY
BEGIN CATCH
    SELECT XACT_STATE(), @@TRANCOUNT
    ROLLBACK
END CATCH
SELECT @@TRANCOUNT, (SELECT COUNT(*) FROM committed_rows)
-- expect rows:
-- -1, 1
-- expect rows:
-- 0, 0
GO

-- case: without XACT_ABORT a caught error leaves a committable transaction
CREATE TABLE #t (id int PRIMARY KEY)
BEGIN TRY
    BEGIN TRAN
    INSERT INTO #t VALUES (1)
    INSERT INTO #t VALUES (1)
END TRY
BEGIN CATCH
    SELECT XACT_STATE(), ERROR_NUMBER()
    COMMIT
END CATCH
SELECT COUNT(*), @@TRANCOUNT FROM #t
-- expect rows:
-- 1, 2627
-- expect rows:
-- 1, 0
GO

-- case: a doomed transaction cannot write (error 3930)
CREATE TABLE #t (id int)
SET XACT_ABORT ON
DECLARE @x int, @state smallint
BEGIN TRY
    BEGIN TRAN
    SET @x = 1 / 0
END TRY
BEGIN CATCH
    SET @state = XACT_STATE()
    BEGIN TRY
        INSERT INTO #t VALUES (1)
    END TRY
    BEGIN CATCH
        SELECT @state, ERROR_NUMBER(), ERROR_MESSAGE()
    END CATCH
    ROLLBACK
END CATCH
SELECT @@TRANCOUNT
-- expect rows:
-- -1, 3930, 'The current transaction cannot be committed and cannot support operations that write to the log file. Roll back the transaction.'
-- expect: 0
GO

-- case: a doomed transaction cannot be committed (error 3930)
SET XACT_ABORT ON
DECLARE @x int
BEGIN TRY
    BEGIN TRAN
    SET @x = 1 / 0
END TRY
BEGIN CATCH
    BEGIN TRY
        COMMIT
    END TRY
    BEGIN CATCH
        SELECT ERROR_NUMBER()
    END CATCH
    IF XACT_STATE() <> 0 ROLLBACK
END CATCH
SELECT @@TRANCOUNT
-- expect: 3930
-- expect: 0
GO

-- case: the rollback-and-rethrow pattern
CREATE TABLE #t (id int PRIMARY KEY)
BEGIN TRY
    BEGIN TRAN
    INSERT INTO #t VALUES (1)
    INSERT INTO #t VALUES (1)
    COMMIT
END TRY
BEGIN CATCH
    IF @@TRANCOUNT > 0 ROLLBACK;
    THROW;
END CATCH
-- expect error: 2627, severity 14
GO

-- case: a procedure that leaves a transaction open raises error 266
EXEC dbo.leaves_open
SELECT @@TRANCOUNT
ROLLBACK
-- expect error: 266, severity 16, state 2, 'Transaction count after EXECUTE indicates a mismatching number of BEGIN and COMMIT statements. Previous count = 0, current count = 1.'
-- expect: 1
GO

-- case: a procedure that rolls back the caller's transaction raises error 266
BEGIN TRAN
EXEC dbo.rolls_back
SELECT @@TRANCOUNT
-- expect error: 266, severity 16, 'Transaction count after EXECUTE indicates a mismatching number of BEGIN and COMMIT statements. Previous count = 1, current count = 0.'
-- expect: 0
GO

-- case: DDL is transactional
BEGIN TRAN
CREATE TABLE tx_created (id int)
ROLLBACK
SELECT OBJECT_ID('tx_created')
-- expect: NULL
GO

-- case: table variables ignore ROLLBACK but temp tables do not
CREATE TABLE #t (id int)
DECLARE @t TABLE (id int)
BEGIN TRAN
INSERT INTO #t VALUES (1)
INSERT INTO @t VALUES (1)
ROLLBACK
SELECT (SELECT COUNT(*) FROM #t), (SELECT COUNT(*) FROM @t)
-- expect rows:
-- 0, 1
GO

-- case: an open transaction is rolled back when the session ends
BEGIN TRAN
INSERT INTO committed_rows VALUES (42)
SELECT @@TRANCOUNT
-- expect: 1
GO

-- case: the previous session's open transaction left nothing behind
SELECT COUNT(*) FROM committed_rows WHERE id = 42
-- expect: 0
GO

-- case: BEGIN TRANSACTION resets @@ROWCOUNT
SELECT 1 UNION ALL SELECT 2
BEGIN TRAN
SELECT @@ROWCOUNT
COMMIT
-- expect rows unordered:
-- 1
-- 2
-- expect: 0
GO

-- case: XACT_STATE is 0 with no transaction
SELECT XACT_STATE()
-- expect: 0
GO

-- case: identity values a rolled-back INSERT took are not handed out again
CREATE TABLE tx_ident (id int IDENTITY(5, 5), v int)
BEGIN TRANSACTION
INSERT INTO tx_ident (v) VALUES (1)
ROLLBACK
INSERT INTO tx_ident (v) VALUES (2)
SELECT id, IDENT_CURRENT('tx_ident') FROM tx_ident
-- expect rows:
-- 10, 10.
GO

-- case: sequence values are not given back by a rollback
CREATE SEQUENCE tx_seq START WITH 1
DECLARE @first bigint
BEGIN TRANSACTION
SELECT @first = NEXT VALUE FOR tx_seq
ROLLBACK
SELECT @first, NEXT VALUE FOR tx_seq
-- expect rows:
-- 1, 2
GO

-- case: TRUNCATE TABLE starts the identity at its seed again
CREATE TABLE tx_trunc (id int IDENTITY, v int)
INSERT INTO tx_trunc (v) VALUES (1), (2)
TRUNCATE TABLE tx_trunc
INSERT INTO tx_trunc (v) VALUES (3)
SELECT id FROM tx_trunc
-- expect rows:
-- 1
GO
