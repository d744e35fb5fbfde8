-- Batches: variables, control flow, TRY...CATCH, THROW, RAISERROR, PRINT, WAITFOR.
-- Setup: a read-only table of five numbers.
CREATE TABLE nums (n int NOT NULL PRIMARY KEY, word varchar(10) NOT NULL)
INSERT INTO nums (n, word) VALUES (1, 'one'), (2, 'two'), (3, 'three'), (4, 'four'), (5, 'five')
GO
CREATE PROCEDURE dbo.fails
AS
    DECLARE @x int
    SET @x = 1 / 0
GO

-- case: declared variable starts as NULL
DECLARE @i int
SELECT @i
-- expect: NULL
-- expect type: int
GO

-- case: declare with an initialiser
DECLARE @i int = 42
SELECT @i
-- expect: 42
GO

-- case: declare several variables in one statement
DECLARE @a int = 1, @b varchar(5) = 'xy', @c decimal(5,2) = 3.14159
SELECT @a, @b, @c
-- expect rows:
-- 1, 'xy', 3.14
-- expect types: int, varchar(5), decimal(5,2)
GO

-- case: initialiser may use an earlier variable of the same statement
DECLARE @a int = 5, @b int = 10
DECLARE @c int = @a * @b
SELECT @c
-- expect: 50
GO

-- case: varchar without a length declares varchar(1)
DECLARE @v varchar
SET @v = 'abc'
SELECT @v
-- expect: 'a'
-- expect type: varchar(1)
GO

-- case: assignment converts to the variable's type
DECLARE @i int
SET @i = 7.9
SELECT @i
-- expect: 7
GO

-- case: assignment to a short varchar truncates silently
DECLARE @s varchar(3)
SET @s = 'abcdef'
SELECT @s
-- expect: 'abc'
GO

-- case: compound assignment operators
DECLARE @i int = 10, @s varchar(10) = 'ab'
SET @i += 5
SET @i *= 2
SET @i -= 4
SET @i /= 3
SET @s += 'cd'
SELECT @i, @s
-- expect rows:
-- 8, 'abcd'
GO

-- case: SELECT assigns several variables at once
DECLARE @a int, @b varchar(10)
SELECT @a = n, @b = word FROM nums WHERE n = 3
SELECT @a, @b
-- expect rows:
-- 3, 'three'
GO

-- case: SELECT assignment from many rows keeps the last row
DECLARE @v int
SELECT @v = n FROM nums ORDER BY n
SELECT @v
-- expect: 5
GO

-- case: SELECT assignment from no rows leaves the variable unchanged
DECLARE @v int = 99
SELECT @v = n FROM nums WHERE n > 100
SELECT @v
-- expect: 99
GO

-- case: SET from an empty scalar subquery assigns NULL
DECLARE @v int = 99
SET @v = (SELECT n FROM nums WHERE n > 100)
SELECT @v
-- expect: NULL
GO

-- case: SET from a subquery with several rows is error 512
DECLARE @v int
SET @v = (SELECT n FROM nums)
-- expect error: 512, severity 16, 'Subquery returned more than 1 value. This is not permitted when the subquery follows =, !=, <, <= , >, >= or when the subquery is used as an expression.'
GO

-- case: a SELECT that assigns returns no result set
DECLARE @v int
SELECT @v = 1
-- expect rowcount: 1
-- expect result sets: 0
GO

-- case: mixing assignment and retrieval in one SELECT is error 141
DECLARE @v int
SELECT @v = n, word FROM nums
-- expect error: 141, severity 15, 'A SELECT statement that assigns a value to a variable must not be combined with data-retrieval operations.'
GO

-- case: a variable declared twice is error 134
DECLARE @x int
DECLARE @x int
-- expect error: 134, severity 15
GO

-- case: an undeclared variable is error 137
SELECT @nosuch
-- expect error: 137, severity 15, 'Must declare the scalar variable "@nosuch".'
GO

-- case: a variable declared inside a block is visible for the rest of the batch
IF 1 = 1
BEGIN
    DECLARE @inner int = 5
END
SELECT @inner
-- expect: 5
GO

-- case: a declaration in a branch that does not run still declares, without the initial value
IF 1 = 0
BEGIN
    DECLARE @skipped int = 5
END
SELECT @skipped
-- expect: NULL
GO

-- case: IF takes the true branch
IF 1 = 1 SELECT 'yes' ELSE SELECT 'no'
-- expect: 'yes'
GO

-- case: IF with an unknown condition takes the ELSE branch
DECLARE @n int
IF @n = 1 SELECT 'equal' ELSE SELECT 'else'
-- expect: 'else'
GO

-- case: IF without ELSE and a false condition does nothing
IF 1 = 2 SELECT 'never'
SELECT 'after'
-- expect: 'after'
GO

-- case: IF EXISTS with a subquery
IF EXISTS (SELECT * FROM nums WHERE n = 4) SELECT 'found' ELSE SELECT 'missing'
-- expect: 'found'
GO

-- case: nested IF with BEGIN...END blocks
DECLARE @n int = 15, @r varchar(10)
IF @n > 10
BEGIN
    IF @n > 20
        SET @r = 'big'
    ELSE
    BEGIN
        SET @r = 'medium'
    END
END
ELSE
    SET @r = 'small'
SELECT @r
-- expect: 'medium'
GO

-- case: WHILE loop sums numbers
DECLARE @i int = 0, @sum int = 0
WHILE @i < 10
BEGIN
    SET @i = @i + 1
    SET @sum = @sum + @i
END
SELECT @i, @sum
-- expect rows:
-- 10, 55
GO

-- case: WHILE with BREAK
DECLARE @i int = 0
WHILE 1 = 1
BEGIN
    SET @i = @i + 1
    IF @i >= 7 BREAK
END
SELECT @i
-- expect: 7
GO

-- case: WHILE with CONTINUE skips the rest of the body
DECLARE @i int = 0, @odd int = 0
WHILE @i < 10
BEGIN
    SET @i = @i + 1
    IF @i % 2 = 0 CONTINUE
    SET @odd = @odd + @i
END
SELECT @odd
-- expect: 25
GO

-- case: BREAK leaves only the innermost loop
DECLARE @outer int = 0, @inner int, @count int = 0
WHILE @outer < 3
BEGIN
    SET @outer = @outer + 1
    SET @inner = 0
    WHILE 1 = 1
    BEGIN
        SET @inner = @inner + 1
        SET @count = @count + 1
        IF @inner = 2 BREAK
    END
END
SELECT @outer, @count
-- expect rows:
-- 3, 6
GO

-- case: a SELECT inside a loop returns one result set per iteration
DECLARE @i int = 0
WHILE @i < 3
BEGIN
    SET @i = @i + 1
    SELECT @i
END
-- expect: 1
-- expect: 2
-- expect: 3
GO

-- case: RETURN ends the batch
SELECT 1
RETURN
SELECT 2
-- expect: 1
GO

-- case: RETURN inside IF ends the batch
DECLARE @i int = 1
IF @i = 1
BEGIN
    SELECT 'before'
    RETURN
END
SELECT 'after'
-- expect: 'before'
GO

-- case: GOTO jumps to a label
DECLARE @i int = 0
GOTO skip
SET @i = 100
skip:
SET @i = @i + 1
SELECT @i
-- expect: 1
GO

-- case: TRY without an error skips CATCH
BEGIN TRY
    SELECT 'try'
END TRY
BEGIN CATCH
    SELECT 'catch'
END CATCH
-- expect: 'try'
GO

-- case: CATCH receives the error details
DECLARE @x int
BEGIN TRY
    SET @x = 1 / 0
END TRY
BEGIN CATCH
    SELECT ERROR_NUMBER(), ERROR_SEVERITY(), ERROR_STATE(), ERROR_MESSAGE(), ERROR_PROCEDURE()
END CATCH
-- expect rows:
-- 8134, 16, 1, 'Divide by zero error encountered.', NULL
-- expect types: int, int, int, nvarchar(4000), nvarchar(128)
GO

-- case: ERROR_LINE is the line of the failing statement in the batch
DECLARE @x int
BEGIN TRY
    SET @x = 1
    SET @x = 1 / 0
END TRY
BEGIN CATCH
    SELECT ERROR_LINE()
END CATCH
-- expect: 4
GO

-- case: statements after the error inside TRY do not run
DECLARE @x int, @trace varchar(20) = ''
BEGIN TRY
    SET @trace = @trace + 'a'
    SET @x = 1 / 0
    SET @trace = @trace + 'b'
END TRY
BEGIN CATCH
    SET @trace = @trace + 'c'
END CATCH
SET @trace = @trace + 'd'
SELECT @trace
-- expect: 'acd'
GO

-- case: the error caught by CATCH does not reach the client
DECLARE @x int
BEGIN TRY
    SET @x = CAST('abc' AS int)
END TRY
BEGIN CATCH
    SELECT ERROR_NUMBER(), ERROR_MESSAGE()
END CATCH
-- expect rows:
-- 245, 'Conversion failed when converting the varchar value ''abc'' to data type int.'
GO

-- case: error functions are NULL outside CATCH
SELECT ERROR_NUMBER(), ERROR_MESSAGE(), ERROR_LINE(), ERROR_SEVERITY(), ERROR_STATE()
-- expect rows:
-- NULL, NULL, NULL, NULL, NULL
GO

-- case: nested TRY inside CATCH
DECLARE @x int
BEGIN TRY
    SET @x = 1 / 0
END TRY
BEGIN CATCH
    BEGIN TRY
        SET @x = CAST('x' AS int)
    END TRY
    BEGIN CATCH
        SELECT ERROR_NUMBER()
    END CATCH
    SELECT ERROR_NUMBER()
END CATCH
-- expect: 245
-- expect: 8134
GO

-- case: ERROR_PROCEDURE names the procedure with its schema, ERROR_LINE is the line in the procedure
BEGIN TRY
    EXEC dbo.fails
END TRY
BEGIN CATCH
    SELECT ERROR_NUMBER(), ERROR_PROCEDURE(), ERROR_LINE()
END CATCH
-- expect rows:
-- 8134, 'dbo.fails', 4
GO

-- case: an error in a procedure reaches the client with the procedure's name and line
EXEC dbo.fails
-- expect error: 8134, severity 16, state 1, line 4, procedure fails
GO

-- case: RAISERROR severity 16 goes to CATCH with number 50000
BEGIN TRY
    RAISERROR('custom failure', 16, 3)
END TRY
BEGIN CATCH
    SELECT ERROR_NUMBER(), ERROR_SEVERITY(), ERROR_STATE(), ERROR_MESSAGE()
END CATCH
-- expect rows:
-- 50000, 16, 3, 'custom failure'
GO

-- case: RAISERROR severity 16 reaches the client and the batch continues
RAISERROR('first', 16, 1)
SELECT 'continued'
-- expect error: 50000, severity 16, state 1, line 1, 'first'
-- expect: 'continued'
GO

-- case: RAISERROR substitutes %d and %s
RAISERROR('%d items in %s', 16, 1, 5, 'stock')
-- expect error: 50000, severity 16, state 1, '5 items in stock'
GO

-- case: RAISERROR width and precision
RAISERROR(N'<<%7.3s>>', 16, 1, N'abcde')
-- expect error: 50000, '<<    abc>>'
GO

-- case: RAISERROR width and precision from arguments
RAISERROR(N'<<%*.*s>>', 16, 1, 7, 3, N'abcde')
-- expect error: 50000, '<<    abc>>'
GO

-- case: RAISERROR left-justifies, pads and signs
RAISERROR('[%-5d][%5d][%+d]', 16, 1, 42, 42, 42)
-- expect error: 50000, '[42   ][   42][+42]'
GO

-- case: RAISERROR hexadecimal and unsigned types
RAISERROR('%x %X %u %i', 16, 1, 255, 255, 7, -7)
-- expect error: 50000, 'ff FF 7 -7'
GO

-- case: RAISERROR with a message in a variable
DECLARE @m nvarchar(100) = N'value is %d'
RAISERROR(@m, 16, 1, 12)
-- expect error: 50000, 'value is 12'
GO

-- case: RAISERROR severity 10 is an informational message reported as severity 0
RAISERROR('just a note', 10, 1)
-- expect message: 50000, severity 0, state 1, 'just a note'
GO

-- case: RAISERROR severity 10 inside TRY does not go to CATCH
BEGIN TRY
    RAISERROR('note', 10, 1)
    SELECT 'still in try'
END TRY
BEGIN CATCH
    SELECT 'catch'
END CATCH
-- expect message: 'note'
-- expect: 'still in try'
GO

-- case: RAISERROR WITH NOWAIT still delivers the message
RAISERROR('progress', 0, 1) WITH NOWAIT
-- expect message: 50000, 'progress'
GO

-- case: RAISERROR sets @@ERROR
RAISERROR('x', 16, 1)
SELECT @@ERROR
-- expect error: 50000
-- expect: 50000
GO

-- case: PRINT sends a message with number 0
PRINT 'hello'
-- expect message: 0, severity 0, 'hello'
GO

-- case: PRINT of an expression converts it to a string
DECLARE @i int = 41
PRINT 'next is ' + CAST(@i + 1 AS varchar(10))
-- expect message: 'next is 42'
GO

-- case: PRINT of an integer variable
DECLARE @i int = 7
PRINT @i
-- expect message: '7'
GO

-- case: messages keep their order with PRINT and RAISERROR
PRINT 'one'
RAISERROR('two', 10, 1)
PRINT 'three'
-- expect message: 'one'
-- expect message: 'two'
-- expect message: 'three'
GO

-- case: THROW with arguments
BEGIN TRY
    THROW 50001, 'thrown here', 7;
END TRY
BEGIN CATCH
    SELECT ERROR_NUMBER(), ERROR_SEVERITY(), ERROR_STATE(), ERROR_MESSAGE()
END CATCH
-- expect rows:
-- 50001, 16, 7, 'thrown here'
GO

-- case: THROW reaches the client with severity 16
THROW 51000, 'unhandled throw', 1;
-- expect error: 51000, severity 16, state 1, line 1, 'unhandled throw'
GO

-- case: THROW aborts the batch
THROW 51000, 'stop', 1;
SELECT 'not reached'
-- expect error: 51000
-- expect result sets: 0
GO

-- case: THROW without arguments rethrows the caught error
BEGIN TRY
    DECLARE @x int = 0
    SET @x = 1 / @x
END TRY
BEGIN CATCH
    THROW;
END CATCH
-- expect error: 8134, severity 16, state 1, 'Divide by zero error encountered.'
GO

-- case: rethrow keeps the original line number
DECLARE @x int = 0
BEGIN TRY
    SET @x = 1
    SET @x = 1 / 0
END TRY
BEGIN CATCH
    THROW;
END CATCH
-- expect error: 8134, line 4
GO

-- case: THROW without arguments outside CATCH is error 10704
THROW;
-- expect error: 10704, severity 15
GO

-- case: THROW with an error number below 50000 is error 35100
THROW 49999, 'too small', 1;
-- expect error: 35100, severity 16
GO

-- case: THROW message from a variable
DECLARE @msg nvarchar(100) = CONCAT(N'id ', 17, N' is missing');
THROW 50010, @msg, 2;
-- expect error: 50010, state 2, 'id 17 is missing'
GO

-- case: WAITFOR DELAY waits at least the delay
DECLARE @start datetime2 = SYSDATETIME()
WAITFOR DELAY '00:00:00.200'
SELECT CASE WHEN DATEDIFF(millisecond, @start, SYSDATETIME()) >= 150 THEN 'waited' ELSE 'too fast' END
-- expect: 'waited'
GO

-- case: WAITFOR DELAY from a variable
DECLARE @d varchar(12) = '00:00:00.050'
WAITFOR DELAY @d
SELECT 'done'
-- expect: 'done'
GO

-- case: GO is not T-SQL and is a syntax error inside a batch
PRINT 'before'; GO
-- expect error: 102, severity 15, 'Incorrect syntax near ''GO''.'
GO

-- case: a syntax error stops the whole batch before it runs
SELECT 'first'
SELECT FROM WHERE
-- expect error: 156, severity 15
-- expect result sets: 0
GO

-- case: EXEC of a string runs it as a batch of its own
EXEC ('SELECT 6 * 7')
-- expect: 42
GO

-- case: variables are not visible inside EXEC strings
DECLARE @outer int = 1
EXEC ('SELECT @outer')
-- expect error: 137
GO

-- case: sp_executesql with parameters
EXEC sp_executesql N'SELECT @a + @b', N'@a int, @b int', @a = 2, @b = 3
-- expect: 5
GO

-- case: sp_executesql with an OUTPUT parameter
DECLARE @result int
EXEC sp_executesql N'SET @r = @x * 2', N'@x int, @r int OUTPUT', @x = 21, @r = @result OUTPUT
SELECT @result
-- expect: 42
GO

-- case: semicolons are optional between statements
DECLARE @a int; SET @a = 1; SELECT @a;
-- expect: 1
GO

-- case: SET FMTONLY ON returns result sets' columns without rows and changes no data
CREATE TABLE #fmt (a int, b varchar(5))
INSERT INTO #fmt VALUES (1, 'x')
SET FMTONLY ON
SELECT a, b FROM #fmt
INSERT INTO #fmt VALUES (2, 'y')
SET FMTONLY OFF
-- expect rows:
-- expect columns: a, b
GO

-- case: FMTONLY left data alone
SET FMTONLY ON
DELETE FROM nums
SET FMTONLY OFF
SELECT COUNT(*) FROM nums
-- expect rows:
-- 5
GO

-- case: SET NOEXEC ON runs nothing until SET NOEXEC OFF
CREATE TABLE #noexec (a int)
SET NOEXEC ON
INSERT INTO #noexec VALUES (1)
SELECT 1 / 0
SET NOEXEC OFF
SELECT COUNT(*) FROM #noexec
-- expect rows:
-- 0
GO
