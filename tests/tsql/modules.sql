-- Modules: procedures and functions; EXEC with positional and named arguments, defaults, OUTPUT
-- parameters and return status.
CREATE TABLE nums (n int NOT NULL PRIMARY KEY)
INSERT INTO nums VALUES (1), (2), (3), (4), (5), (6)
GO
CREATE PROCEDURE dbo.add_two @a int, @b int = 10
AS
    SELECT @a + @b AS total
GO
CREATE PROCEDURE dbo.out_param @x int, @doubled int OUTPUT
AS
    SET @doubled = @x * 2
GO
CREATE PROCEDURE dbo.ret_status @v int
AS
BEGIN
    IF @v < 0 RETURN -1
    RETURN @v * 10
END
GO
CREATE PROCEDURE dbo.no_return
AS
    SELECT 1 AS one
GO
CREATE PROCEDURE dbo.two_results
AS
BEGIN
    SELECT 1 AS a
    SELECT 'x' AS b, 2 AS c
END
GO
CREATE PROCEDURE dbo.defaults @a int = 1, @b varchar(5) = 'dflt', @c int = NULL
AS
    SELECT @a, @b, @c
GO
CREATE PROCEDURE dbo.nest_inner
AS
    SELECT @@NESTLEVEL
GO
CREATE PROCEDURE dbo.nest_outer
AS
BEGIN
    SELECT @@NESTLEVEL
    EXEC dbo.nest_inner
END
GO
CREATE PROCEDURE dbo.countdown @n int
AS
BEGIN
    IF @n <= 0 RETURN 0
    DECLARE @m int = @n - 1, @r int
    EXEC @r = dbo.countdown @m
    RETURN @r + @n
END
GO
CREATE PROCEDURE dbo.forever
AS
    EXEC dbo.forever
GO
CREATE PROCEDURE dbo.makes_temp
AS
BEGIN
    CREATE TABLE #made_inside (id int)
    INSERT INTO #made_inside VALUES (1)
END
GO
CREATE PROCEDURE dbo.reads_caller_temp
AS
    SELECT COUNT(*) FROM #from_caller
GO
CREATE PROCEDURE dbo.nocount_inside
AS
    SET NOCOUNT ON
GO
CREATE PROCEDURE dbo.inout @v int OUTPUT
AS
    SET @v = @v + 1
GO
CREATE FUNCTION dbo.squared (@n int)
RETURNS int
AS
BEGIN
    RETURN @n * @n
END
GO
CREATE FUNCTION dbo.greet (@name nvarchar(20), @greeting nvarchar(10) = N'Hello')
RETURNS nvarchar(40)
AS
BEGIN
    RETURN @greeting + N', ' + @name
END
GO
CREATE FUNCTION dbo.evens (@max int)
RETURNS TABLE
AS
RETURN (SELECT n FROM dbo.nums WHERE n % 2 = 0 AND n <= @max)
GO
CREATE FUNCTION dbo.upto (@n int)
RETURNS @t TABLE (i int)
AS
BEGIN
    DECLARE @i int = 1
    WHILE @i <= @n
    BEGIN
        INSERT INTO @t VALUES (@i)
        SET @i = @i + 1
    END
    RETURN
END
GO

-- case: EXEC with positional arguments
EXEC dbo.add_two 1, 2
-- expect: 3
-- expect columns: total
GO

-- case: EXECUTE with named arguments in any order
EXECUTE dbo.add_two @b = 5, @a = 100
-- expect: 105
GO

-- case: a parameter default is used when the argument is left out
EXEC dbo.add_two 1
-- expect: 11
GO

-- case: the DEFAULT keyword takes the parameter default
EXEC dbo.add_two 5, DEFAULT
-- expect: 15
GO

-- case: positional arguments then named ones
EXEC dbo.defaults 7, @c = 9
-- expect rows:
-- 7, 'dflt', 9
GO

-- case: every parameter defaulted
EXEC dbo.defaults
-- expect rows:
-- 1, 'dflt', NULL
GO

-- case: a procedure call as the first statement needs no EXEC
dbo.no_return
-- expect: 1
GO

-- case: procedure name without the schema
EXEC add_two 2, 2
-- expect: 4
GO

-- case: procedure name in a variable
DECLARE @proc nvarchar(100) = N'dbo.no_return'
EXEC @proc
-- expect: 1
GO

-- case: arguments convert to the parameter type
EXEC dbo.add_two '5', 1
-- expect: 6
GO

-- case: an argument that does not convert is error 8114
EXEC dbo.add_two 'abc', 1
-- expect error: 8114, severity 16, 'Error converting data type varchar to int.'
GO

-- case: a positional argument after a named one is error 119
EXEC dbo.add_two @a = 1, 2
-- expect error: 119, severity 15
GO

-- case: a missing required parameter is error 201
EXEC dbo.add_two @b = 1
-- expect error: 201, severity 16, state 4, 'Procedure or function ''add_two'' expects parameter ''@a'', which was not supplied.'
GO

-- case: too many arguments is error 8144
EXEC dbo.add_two 1, 2, 3
-- expect error: 8144, severity 16, state 2, 'Procedure or function add_two has too many arguments specified.'
GO

-- case: an unknown parameter name is error 8145
EXEC dbo.add_two @a = 1, @zzz = 2
-- expect error: 8145, severity 16, '@zzz is not a parameter for procedure add_two.'
GO

-- case: a missing procedure is error 2812
EXEC dbo.no_such_procedure
-- expect error: 2812, severity 16, state 62, 'Could not find stored procedure ''dbo.no_such_procedure''.'
GO

-- case: OUTPUT parameter returns a value
DECLARE @r int
EXEC dbo.out_param 21, @r OUTPUT
SELECT @r
-- expect: 42
GO

-- case: OUTPUT parameter passed by name
DECLARE @r int
EXEC dbo.out_param @doubled = @r OUT, @x = 4
SELECT @r
-- expect: 8
GO

-- case: without OUTPUT at the call the variable is unchanged
DECLARE @r int = -1
EXEC dbo.out_param 21, @r
SELECT @r
-- expect: -1
GO

-- case: OUTPUT parameters are input too
DECLARE @v int = 41
EXEC dbo.inout @v OUTPUT
SELECT @v
-- expect: 42
GO

-- case: OUTPUT at the call on a parameter not declared OUTPUT is error 8162
DECLARE @r int
EXEC dbo.add_two @a = @r OUTPUT
-- expect error: 8162, severity 16
GO

-- case: return status with EXEC @rc =
DECLARE @rc int
EXEC @rc = dbo.ret_status 3
SELECT @rc
-- expect: 30
GO

-- case: RETURN with a negative status
DECLARE @rc int
EXEC @rc = dbo.ret_status @v = -5
SELECT @rc
-- expect: -1
GO

-- case: a procedure without RETURN has status 0
DECLARE @rc int = 99
EXEC @rc = dbo.no_return
SELECT @rc
-- expect: 1
-- expect: 0
GO

-- case: a procedure can return several result sets
EXEC dbo.two_results
-- expect: 1
-- expect rows:
-- 'x', 2
-- expect columns: b, c
GO

-- case: @@NESTLEVEL counts procedure nesting
SELECT @@NESTLEVEL
EXEC dbo.nest_outer
-- expect: 0
-- expect: 1
-- expect: 2
GO

-- case: recursive procedure through a variable argument
DECLARE @rc int
EXEC @rc = dbo.countdown 4
SELECT @rc
-- expect: 10
GO

-- case: nesting beyond 32 levels is error 217
EXEC dbo.forever
-- expect error: 217, severity 16, 'Maximum stored procedure, function, trigger, or view nesting level exceeded (limit 32).'
GO

-- case: a temp table created in a procedure is dropped when it ends
EXEC dbo.makes_temp
SELECT OBJECT_ID('tempdb..#made_inside')
-- expect: NULL
GO

-- case: a procedure sees the caller's temp table
CREATE TABLE #from_caller (id int)
INSERT INTO #from_caller VALUES (1), (2)
EXEC dbo.reads_caller_temp
-- expect: 2
GO

-- case: SET options made in a procedure are restored when it ends
EXEC dbo.nocount_inside
SELECT @@OPTIONS & 512
-- expect: 0
GO

-- case: scalar function
SELECT dbo.squared(7)
-- expect: 49
-- expect type: int
GO

-- case: scalar function over a column
SELECT n, dbo.squared(n) FROM nums WHERE n <= 3 ORDER BY n
-- expect rows:
-- 1, 1
-- 2, 4
-- 3, 9
GO

-- case: scalar function needs its schema name
SELECT squared(7)
-- expect error: 195, severity 15, '''squared'' is not a recognized built-in function name.'
GO

-- case: scalar function defaults need the DEFAULT keyword
SELECT dbo.greet(N'Ann', DEFAULT)
-- expect: 'Hello, Ann'
-- expect type: nvarchar(40)
GO

-- case: scalar function with too few arguments is error 313
SELECT dbo.greet(N'Ann')
-- expect error: 313, severity 16, 'An insufficient number of arguments were supplied for the procedure or function dbo.greet.'
GO

-- case: scalar function called with EXEC
DECLARE @r int
EXEC @r = dbo.squared @n = 5
SELECT @r
-- expect: 25
GO

-- case: inline table-valued function
SELECT n FROM dbo.evens(4) ORDER BY n
-- expect rows:
-- 2
-- 4
GO

-- case: inline table-valued function in CROSS APPLY
SELECT x.n, e.n FROM (VALUES (2), (6)) AS x(n) CROSS APPLY dbo.evens(x.n) AS e ORDER BY x.n, e.n
-- expect rows:
-- 2, 2
-- 6, 2
-- 6, 4
-- 6, 6
GO

-- case: multi-statement table-valued function
SELECT COUNT(*), SUM(i) FROM dbo.upto(4)
-- expect rows:
-- 4, 10
GO

-- case: CREATE PROCEDURE must be the first statement in a batch
SELECT 1
CREATE PROCEDURE dbo.not_first AS SELECT 1
-- expect error: 111, severity 15
GO

-- case: CREATE, ALTER and DROP PROCEDURE
EXEC ('CREATE PROCEDURE dbo.p_life AS SELECT ''v1''')
EXEC dbo.p_life
EXEC ('ALTER PROCEDURE dbo.p_life AS SELECT ''v2''')
EXEC dbo.p_life
EXEC ('DROP PROCEDURE dbo.p_life')
SELECT OBJECT_ID('dbo.p_life')
-- expect: 'v1'
-- expect: 'v2'
-- expect: NULL
GO

-- case: CREATE OR ALTER PROCEDURE
EXEC ('CREATE OR ALTER PROCEDURE dbo.p_coa AS SELECT 1')
EXEC ('CREATE OR ALTER PROCEDURE dbo.p_coa AS SELECT 2')
EXEC dbo.p_coa
-- expect: 2
GO

-- case: CREATE PROCEDURE with an existing name is error 2714
EXEC ('CREATE PROCEDURE dbo.add_two AS SELECT 1')
-- expect error: 2714, severity 16, 'There is already an object named ''add_two'' in the database.'
GO

-- case: EXEC of a dropped procedure is error 2812
EXEC ('CREATE PROCEDURE dbo.p_gone AS SELECT 1')
EXEC ('DROP PROCEDURE dbo.p_gone')
EXEC dbo.p_gone
-- expect error: 2812
GO

-- case: DROP PROCEDURE of a missing procedure is error 3701
DROP PROCEDURE dbo.no_such_procedure
-- expect error: 3701, severity 11, 'Cannot drop the procedure ''dbo.no_such_procedure'', because it does not exist or you do not have permission.'
GO

-- case: CREATE, ALTER and DROP FUNCTION
EXEC ('CREATE FUNCTION dbo.f_life () RETURNS int AS BEGIN RETURN 1 END')
EXEC ('ALTER FUNCTION dbo.f_life () RETURNS int AS BEGIN RETURN 2 END')
SELECT dbo.f_life()
EXEC ('DROP FUNCTION dbo.f_life')
SELECT OBJECT_ID('dbo.f_life')
-- expect: 2
-- expect: NULL
GO

-- case: CREATE FUNCTION inline table-valued and use it
EXEC ('CREATE FUNCTION dbo.f_tvf (@k int) RETURNS TABLE AS RETURN SELECT n * @k AS m FROM dbo.nums WHERE n <= 2')
SELECT m FROM dbo.f_tvf(10) ORDER BY m
-- expect rows:
-- 10
-- 20
GO

-- case: a function may not change a table (error 443)
EXEC ('CREATE FUNCTION dbo.f_side () RETURNS int AS BEGIN INSERT INTO dbo.nums VALUES (100); RETURN 1 END')
-- expect error: 443, severity 16
GO

-- case: procedure with a body of several statements and a transaction of its own
EXEC ('CREATE PROCEDURE dbo.p_body @n int AS BEGIN SET NOCOUNT ON; DECLARE @sum int = 0; SELECT @sum = SUM(n) FROM dbo.nums WHERE n <= @n; SELECT @sum AS total; END')
EXEC dbo.p_body 3
-- expect: 6
GO

-- case: procedure parameters are local to the call
EXEC ('CREATE PROCEDURE dbo.p_local @x int AS SET @x = 100')
DECLARE @x int = 1
EXEC dbo.p_local @x
SELECT @x
-- expect: 1
GO
