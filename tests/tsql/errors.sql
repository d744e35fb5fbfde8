-- Errors: SQL Server's numbers, severities, states and texts, and the line numbers it reports.
-- The failing statements below change nothing, so the setup rows stay as they are.
CREATE TABLE errs (
    id int NOT NULL CONSTRAINT PK_errs PRIMARY KEY,
    name varchar(10) NOT NULL,
    code varchar(3) NULL,
    qty int NULL CONSTRAINT CK_errs_qty CHECK (qty >= 0),
    parent_id int NULL CONSTRAINT FK_errs_parent REFERENCES errs (id)
)
CREATE UNIQUE INDEX UX_errs_name ON errs (name)
INSERT INTO errs (id, name) VALUES (1, 'one'), (2, 'two')
GO
CREATE PROCEDURE dbo.needs_arg @a int
AS
    SELECT @a
GO
CREATE PROCEDURE dbo.opens_tran
AS
    BEGIN TRANSACTION
GO
CREATE PROCEDURE dbo.fails_on_line_5
AS
BEGIN
    DECLARE @x int
    SET @x = 1 / 0
END
GO

-- case: 102 incorrect syntax
SELECT * FROM errs WHERE id = = 1
-- expect error: 102, severity 15, state 1, line 1, 'Incorrect syntax near ''=''.'
GO

-- case: 156 incorrect syntax near a keyword
SELECT * FROM WHERE
-- expect error: 156, severity 15, state 1, line 1, 'Incorrect syntax near the keyword ''WHERE''.'
GO

-- case: 207 invalid column name
SELECT no_such_column FROM errs
-- expect error: 207, severity 16, state 1, line 1, 'Invalid column name ''no_such_column''.'
GO

-- case: 208 invalid object name
SELECT * FROM no_such_table
-- expect error: 208, severity 16, state 1, line 1, 'Invalid object name ''no_such_table''.'
GO

-- case: 208 keeps the name as written
SELECT * FROM dbo.no_such_table
-- expect error: 208, severity 16, state 1, 'Invalid object name ''dbo.no_such_table''.'
GO

-- case: 208 from a statement compiled late ends the batch
SELECT 'before'
SELECT * FROM no_such_table
SELECT 'after'
-- expect error: 208, line 2
-- expect: 'before'
GO

-- case: 2627 duplicate primary key, followed by 3621
INSERT INTO errs (id, name) VALUES (1, 'uno')
-- expect error: 2627, severity 14, state 1, line 1, 'Violation of PRIMARY KEY constraint ''PK_errs''. Cannot insert duplicate key in object ''dbo.errs''. The duplicate key value is (1).'
-- expect message: 3621, severity 0, 'The statement has been terminated.'
GO

-- case: 2601 duplicate key in a unique index
INSERT INTO errs (id, name) VALUES (3, 'one')
-- expect error: 2601, severity 14, state 1, 'Cannot insert duplicate key row in object ''dbo.errs'' with unique index ''UX_errs_name''. The duplicate key value is (one).'
GO

-- case: 2601 on UPDATE
UPDATE errs SET name = 'one' WHERE id = 2
-- expect error: 2601, severity 14, 'Cannot insert duplicate key row in object ''dbo.errs'' with unique index ''UX_errs_name''. The duplicate key value is (one).'
GO

-- case: 515 NULL into a NOT NULL column on INSERT
INSERT INTO errs (id, name) VALUES (3, NULL)
-- expect error: 515, severity 16, state 2, 'Cannot insert the value NULL into column ''name'', table ''corpus_errors.dbo.errs''; column does not allow nulls. INSERT fails.'
GO

-- case: 515 NULL into a NOT NULL column on UPDATE
UPDATE errs SET name = NULL WHERE id = 1
-- expect error: 515, severity 16, state 2, 'Cannot insert the value NULL into column ''name'', table ''corpus_errors.dbo.errs''; column does not allow nulls. UPDATE fails.'
GO

-- case: 515 for a NOT NULL column left out of the INSERT
INSERT INTO errs (id) VALUES (3)
-- expect error: 515, severity 16, 'Cannot insert the value NULL into column ''name'', table ''corpus_errors.dbo.errs''; column does not allow nulls. INSERT fails.'
GO

-- case: 547 CHECK constraint
UPDATE errs SET qty = -1 WHERE id = 1
-- expect error: 547, severity 16, state 0, 'The UPDATE statement conflicted with the CHECK constraint "CK_errs_qty". The conflict occurred in database "corpus_errors", table "dbo.errs", column ''qty''.'
GO

-- case: 547 FOREIGN KEY constraint
INSERT INTO errs (id, name, parent_id) VALUES (3, 'three', 99)
-- expect error: 547, severity 16, state 0, 'The INSERT statement conflicted with the FOREIGN KEY SAME TABLE constraint "FK_errs_parent". The conflict occurred in database "corpus_errors", table "dbo.errs", column ''id''.'
GO

-- case: 2714 object already exists
CREATE TABLE errs (id int)
-- expect error: 2714, severity 16, state 6, line 1, 'There is already an object named ''errs'' in the database.'
GO

-- case: 3701 drop of a missing table
DROP TABLE no_such_table
-- expect error: 3701, severity 11, state 5, 'Cannot drop the table ''no_such_table'', because it does not exist or you do not have permission.'
GO

-- case: 911 missing database
USE no_such_database
-- expect error: 911, severity 16, state 1, 'Database ''no_such_database'' does not exist. Make sure that the name is entered correctly.'
GO

-- case: 8134 divide by zero
SELECT 1 / 0
-- expect error: 8134, severity 16, state 1, line 1, 'Divide by zero error encountered.'
GO

-- case: 8134 also for modulo by zero
DECLARE @x int
SET @x = 5 % 0
-- expect error: 8134, severity 16, state 1, line 2, 'Divide by zero error encountered.'
GO

-- case: 8134 ends only the statement
DECLARE @x int
SET @x = 1 / 0
SELECT 'after'
-- expect error: 8134
-- expect: 'after'
GO

-- case: 8115 arithmetic overflow
SELECT CAST(2147483647 AS int) + 1
-- expect error: 8115, severity 16, state 2, 'Arithmetic overflow error converting expression to data type int.'
GO

-- case: 8115 overflow converting numeric
DECLARE @d decimal(3,1)
SET @d = 123.4
-- expect error: 8115, severity 16, 'Arithmetic overflow error converting numeric to data type numeric.'
GO

-- case: 245 conversion failed
SELECT CAST('abc' AS int)
-- expect error: 245, severity 16, state 1, 'Conversion failed when converting the varchar value ''abc'' to data type int.'
GO

-- case: 245 names nvarchar for Unicode strings
SELECT CAST(N'abc' AS int)
-- expect error: 245, severity 16, state 1, 'Conversion failed when converting the nvarchar value ''abc'' to data type int.'
GO

-- case: 245 in a comparison with a column
SELECT COUNT(*) FROM errs WHERE id = 'one'
-- expect error: 245, severity 16, 'Conversion failed when converting the varchar value ''one'' to data type int.'
GO

-- case: 245 ends the batch
DECLARE @i int
SET @i = CAST('x' AS int)
SELECT 'after'
-- expect error: 245
-- expect result sets: 0
GO

-- case: 8114 error converting data type
SELECT CAST('abc' AS decimal(10,2))
-- expect error: 8114, severity 16, state 5, 'Error converting data type varchar to numeric.'
GO

-- case: 2628 string truncation names the table, column and value
INSERT INTO errs (id, name, code) VALUES (3, 'three', 'abcdef')
-- expect error: 2628, severity 16, state 1, 'String or binary data would be truncated in table ''corpus_errors.dbo.errs'', column ''code''. Truncated value: ''abc''.'
GO

-- case: 8152 string truncation without verbose truncation warnings
ALTER DATABASE SCOPED CONFIGURATION SET VERBOSE_TRUNCATION_WARNINGS = OFF
INSERT INTO errs (id, name, code) VALUES (3, 'three', 'abcdef')
ALTER DATABASE SCOPED CONFIGURATION SET VERBOSE_TRUNCATION_WARNINGS = ON
-- expect error: 8152, severity 16, 'String or binary data would be truncated.'
GO

-- case: 137 undeclared variable
SET @undeclared = 1
-- expect error: 137, severity 15, 'Must declare the scalar variable "@undeclared".'
GO

-- case: 4104 multi-part identifier
SELECT x.id FROM errs
-- expect error: 4104, severity 16, state 1, 'The multi-part identifier "x.id" could not be bound.'
GO

-- case: 201 missing parameter
EXEC dbo.needs_arg
-- expect error: 201, severity 16, state 4, 'Procedure or function ''needs_arg'' expects parameter ''@a'', which was not supplied.'
GO

-- case: 8144 too many arguments
EXEC dbo.needs_arg 1, 2
-- expect error: 8144, severity 16, state 2, 'Procedure or function needs_arg has too many arguments specified.'
GO

-- case: 266 transaction count mismatch
EXEC dbo.opens_tran
ROLLBACK
-- expect error: 266, severity 16, state 2, 'Transaction count after EXECUTE indicates a mismatching number of BEGIN and COMMIT statements. Previous count = 0, current count = 1.'
GO

-- case: 3902 commit without a transaction
COMMIT
-- expect error: 3902, severity 16, state 1, 'The COMMIT TRANSACTION request has no corresponding BEGIN TRANSACTION.'
GO

-- case: 3903 rollback without a transaction
ROLLBACK
-- expect error: 3903, severity 16, state 1, 'The ROLLBACK TRANSACTION request has no corresponding BEGIN TRANSACTION.'
GO

-- case: 50000 from RAISERROR with a message
RAISERROR('custom %s', 16, 5, 'text')
-- expect error: 50000, severity 16, state 5, line 1, 'custom text'
GO

-- case: 50000 from THROW
THROW 50000, 'thrown', 3;
-- expect error: 50000, severity 16, state 3, line 1, 'thrown'
GO

-- case: RAISERROR severity above 18 needs WITH LOG (error 2754)
RAISERROR('too severe', 19, 1)
-- expect error: 2754, severity 16
GO

-- case: RAISERROR of an unknown message number is error 18054
RAISERROR(60000, 16, 1)
-- expect error: 18054, severity 16
GO

-- case: 8117 operand type invalid for an operator
SELECT 'a' - 'b'
-- expect error: 8117, severity 16, 'Operand data type varchar is invalid for subtract operator.'
GO

-- case: the line of a runtime error in a multi-line batch
DECLARE @a int = 1
SET @a = @a + 1

SET @a = @a / 0
-- expect error: 8134, line 4
GO

-- case: comment lines count toward the line number
-- a comment on line 1
/* a block comment
   on lines 2 and 3 */
SELECT 1 / 0
-- expect error: 8134, line 4
GO

-- case: the line of a syntax error
SELECT 1
SELECT 2
SELECT * FROM WHERE
-- expect error: 156, line 3
-- expect result sets: 0
GO

-- case: the line of a missing column
SELECT id
FROM errs
WHERE no_such_column = 1
-- expect error: 207, line 3
GO

-- case: ERROR_LINE in a multi-line batch
BEGIN TRY
    DECLARE @i int
    SET @i = 1
    RAISERROR('on line 4', 16, 1)
END TRY
BEGIN CATCH
    SELECT ERROR_LINE(), ERROR_MESSAGE()
END CATCH
-- expect rows:
-- 4, 'on line 4'
GO

-- case: an error in a procedure reports the procedure's line
EXEC dbo.fails_on_line_5
-- expect error: 8134, severity 16, state 1, line 5, procedure fails_on_line_5
GO

-- case: ERROR_LINE and ERROR_PROCEDURE of an error in a procedure
BEGIN TRY
    EXEC dbo.fails_on_line_5
END TRY
BEGIN CATCH
    SELECT ERROR_LINE(), ERROR_PROCEDURE()
END CATCH
-- expect rows:
-- 5, 'dbo.fails_on_line_5'
GO

-- case: several statement errors in one batch are all reported
INSERT INTO errs (id, name) VALUES (1, 'dup')
SELECT 'between'
UPDATE errs SET qty = -5 WHERE id = 2
-- expect error: 2627, line 1
-- expect error: 547, line 3
-- expect: 'between'
GO

-- case: @@ERROR holds the number of the last error
INSERT INTO errs (id, name) VALUES (1, 'dup')
SELECT @@ERROR
-- expect error: 2627
-- expect: 2627
GO
