-- Types: literal types, data type precedence, and the precision, scale and length of results.
-- Decimal rules are from "Precision, scale, and length (Transact-SQL)"; an int operand counts as decimal(10,0).
CREATE TABLE typed (
    ti tinyint, si smallint, i int, bi bigint, b bit,
    d52 decimal(5,2), d102 decimal(10,2), n183 numeric(18,3), d38 decimal(38,2),
    m money, sm smallmoney, f float, r real,
    c5 char(5), vc10 varchar(10), nc5 nchar(5), nvc10 nvarchar(10), vcmax varchar(max), nvcmax nvarchar(max),
    vc5000 varchar(5000), nvc3000 nvarchar(3000),
    dt datetime, d date, dt2 datetime2, t time, vb4 varbinary(4)
)
INSERT INTO typed VALUES (
    10, 300, 1000, 5000000000, 1,
    12.34, 100.50, 1.125, 2.00,
    2.5, 1.25, 0.5, 0.25,
    'ab', 'xyz', N'ab', N'xyz', 'big', N'big',
    'v', N'n',
    '2020-01-02T03:04:05.123', '2020-01-02', '2020-01-02T03:04:05.123456', '03:04:05', 0x0102
)
GO

-- case: integer literal is int
SELECT 42
-- expect: 42
-- expect type: int
GO

-- case: integer literal beyond int is numeric(10,0)
SELECT 3000000000
-- expect: 3000000000.
-- expect type: numeric(10,0)
GO

-- case: 2147483648 is numeric, 2147483647 is int
SELECT 2147483647, 2147483648
-- expect rows:
-- 2147483647, 2147483648.
-- expect types: int, numeric(10,0)
GO

-- case: negative literal below int range is numeric
SELECT -2147483648
-- expect: -2147483648.
-- expect type: numeric(10,0)
GO

-- case: long integer literal precision follows its digits
SELECT 12345678901234567890
-- expect: 12345678901234567890.
-- expect type: numeric(20,0)
GO

-- case: decimal literal keeps its digits as precision and scale
SELECT 1.50
-- expect: 1.50
-- expect type: numeric(3,2)
GO

-- case: decimal literal with no integer digits
SELECT .5, 0.5
-- expect rows:
-- 0.5, 0.5
-- expect types: numeric(1,1), numeric(1,1)
GO

-- case: decimal literal with more digits
SELECT 123.456
-- expect: 123.456
-- expect type: numeric(6,3)
GO

-- case: exponent literal is float
SELECT 1.5E2
-- expect: 150e0
-- expect type: float
GO

-- case: money literal
SELECT $12.5
-- expect: 12.5000
-- expect type: money
GO

-- case: string literal is varchar of its length
SELECT 'abc'
-- expect: 'abc'
-- expect type: varchar(3)
GO

-- case: N string literal is nvarchar of its length
SELECT N'x'
-- expect: 'x'
-- expect type: nvarchar(1)
GO

-- case: binary literal is varbinary of its length
SELECT 0x0102AB
-- expect: 0x0102AB
-- expect type: varbinary(3)
GO

-- case: NULL literal is int
SELECT NULL
-- expect: NULL
-- expect type: int
GO

-- case: int divided by int is int and truncates
SELECT 7 / 2
-- expect: 3
-- expect type: int
GO

-- case: int division truncates toward zero
SELECT -7 / 2, 7 / -2
-- expect rows:
-- -3, -3
-- expect types: int, int
GO

-- case: modulo takes the sign of the dividend
SELECT 7 % 3, -7 % 3, 7 % -3
-- expect rows:
-- 1, -1, 1
GO

-- case: tinyint plus tinyint stays tinyint
SELECT ti + ti FROM typed
-- expect: 20
-- expect type: tinyint
GO

-- case: tinyint overflow is error 8115
SELECT CAST(200 AS tinyint) + CAST(100 AS tinyint)
-- expect error: 8115, severity 16, 'Arithmetic overflow error converting expression to data type tinyint.'
GO

-- case: smallint plus int is int
SELECT si + i FROM typed
-- expect: 1300
-- expect type: int
GO

-- case: int plus bigint is bigint
SELECT i + bi FROM typed
-- expect: 5000001000
-- expect type: bigint
GO

-- case: int overflow is error 8115
SELECT 2147483647 + 1
-- expect error: 8115, severity 16, state 2, 'Arithmetic overflow error converting expression to data type int.'
GO

-- case: bit in arithmetic converts to int
SELECT b + 1 FROM typed
-- expect: 2
-- expect type: int
GO

-- case: int divided by decimal literal is decimal(17,6)
SELECT 1 / 3.0
-- expect: 0.333333
-- expect type: decimal(17,6)
GO

-- case: decimal literal divided by int is decimal(13,12)
SELECT 1.0 / 3
-- expect: 0.333333333333
-- expect type: decimal(13,12)
GO

-- case: int times decimal uses decimal(10,0) for the int
SELECT 3 * 1.5
-- expect: 4.5
-- expect type: decimal(13,1)
GO

-- case: int plus decimal
SELECT 1 + 1.5
-- expect: 2.5
-- expect type: decimal(12,1)
GO

-- case: decimal plus decimal precision and scale
SELECT d52 + d102 FROM typed
-- expect: 112.84
-- expect type: decimal(11,2)
GO

-- case: decimal minus decimal keeps the larger scale
SELECT 1.50 - 2.5
-- expect: -1.00
-- expect type: decimal(4,2)
GO

-- case: decimal times decimal adds precisions and scales
SELECT d52 * d52 FROM typed
-- expect: 152.2756
-- expect type: decimal(11,4)
GO

-- case: decimal divided by decimal
SELECT d52 / d52 FROM typed
-- expect: 1.00000000
-- expect type: decimal(13,8)
GO

-- case: numeric divided by int
SELECT n183 / i FROM typed
-- expect: 0.00112500000000
-- expect type: decimal(29,14)
GO

-- case: decimal modulo
SELECT 5.5 % 2
-- expect: 1.5
-- expect type: decimal(2,1)
GO

-- case: decimal(38) addition is capped at precision 38
SELECT CAST(1 AS decimal(38,0)) + CAST(1 AS decimal(38,0))
-- expect: 2.
-- expect type: decimal(38,0)
GO

-- case: multiplication beyond 38 digits keeps a small scale
SELECT d38 * d38 FROM typed
-- expect: 4.0000
-- expect type: decimal(38,4)
GO

-- case: multiplication beyond 38 digits with a small integral part (documented example)
SELECT CAST(0.0000009000 AS decimal(30,20)) * CAST(1.0000000000 AS decimal(30,20))
-- expect: 0.00000090000000000
-- expect type: decimal(38,17)
GO

-- case: multiplication beyond 38 digits with a large integral part rounds to scale 6 (documented example)
SELECT CAST(0.0000009000 AS decimal(30,10)) * CAST(1.0000000000 AS decimal(30,10))
-- expect: 0.000001
-- expect type: decimal(38,6)
GO

-- case: division of wide decimals is decimal(38,6)
SELECT CAST(10 AS decimal(38,10)) / CAST(4 AS decimal(38,10))
-- expect: 2.500000
-- expect type: decimal(38,6)
GO

-- case: money plus int is money
SELECT m + i FROM typed
-- expect: 1002.5000
-- expect type: money
GO

-- case: money times money is money
SELECT m * m FROM typed
-- expect: 6.2500
-- expect type: money
GO

-- case: smallmoney plus money is money
SELECT sm + m FROM typed
-- expect: 3.7500
-- expect type: money
GO

-- case: float plus int is float
SELECT f + i FROM typed
-- expect: 1000.5e0
-- expect type: float
GO

-- case: real plus int is real
SELECT r + i FROM typed
-- expect: 1000.25e0
-- expect type: real
GO

-- case: real plus float is float
SELECT r + f FROM typed
-- expect: 0.75e0
-- expect type: float
GO

-- case: float plus decimal is float
SELECT f + d52 FROM typed
-- expect: 12.84e0
-- expect type: float
GO

-- case: varchar concatenation adds lengths
SELECT 'abc' + 'de'
-- expect: 'abcde'
-- expect type: varchar(5)
GO

-- case: nvarchar plus varchar is nvarchar
SELECT N'abc' + 'de'
-- expect: 'abcde'
-- expect type: nvarchar(5)
GO

-- case: varchar columns concatenate to the sum of their lengths
SELECT vc10 + vc10 FROM typed
-- expect: 'xyzxyz'
-- expect type: varchar(20)
GO

-- case: char plus varchar is varchar and keeps the char padding
SELECT c5 + vc10 FROM typed
-- expect: 'ab   xyz'
-- expect type: varchar(15)
GO

-- case: char plus char is char
SELECT c5 + c5 FROM typed
-- expect: 'ab   ab   '
-- expect type: char(10)
GO

-- case: nchar plus nvarchar is nvarchar
SELECT nc5 + nvc10 FROM typed
-- expect: 'ab   xyz'
-- expect type: nvarchar(15)
GO

-- case: varchar(max) in a concatenation makes varchar(max)
SELECT vcmax + vc10 FROM typed
-- expect: 'bigxyz'
-- expect type: varchar(max)
GO

-- case: nvarchar plus varchar(max) is nvarchar(max)
SELECT nvc10 + vcmax FROM typed
-- expect: 'xyzbig'
-- expect type: nvarchar(max)
GO

-- case: varchar concatenation is capped at 8000
SELECT vc5000 + vc5000 FROM typed
-- expect: 'vv'
-- expect type: varchar(8000)
GO

-- case: nvarchar concatenation is capped at 4000
SELECT nvc3000 + nvc3000 FROM typed
-- expect: 'nn'
-- expect type: nvarchar(4000)
GO

-- case: concatenation beyond 8000 characters is truncated
SELECT LEN(REPLICATE('a', 5000) + REPLICATE('b', 5000))
-- expect: 8000
GO

-- case: concatenation with varchar(max) is not truncated
SELECT LEN(CAST(REPLICATE('a', 5000) AS varchar(max)) + REPLICATE('b', 5000))
-- expect: 10000
-- expect type: bigint
GO

-- case: string plus int converts the string to int
SELECT '1' + 1
-- expect: 2
-- expect type: int
GO

-- case: non-numeric string plus int is error 245
SELECT 'a' + 1
-- expect error: 245, severity 16, 'Conversion failed when converting the varchar value ''a'' to data type int.'
GO

-- case: string plus string concatenates
SELECT '1' + '1'
-- expect: '11'
GO

-- case: int compared with a string compares as int
SELECT CASE WHEN 10 > '9' THEN 'int' ELSE 'string' END
-- expect: 'int'
GO

-- case: strings compare as strings
SELECT CASE WHEN '10' > '9' THEN 'int' ELSE 'string' END
-- expect: 'string'
GO

-- case: datetime plus int adds days
SELECT CAST('2020-01-31' AS datetime) + 1
-- expect: datetime '2020-02-01 00:00:00'
-- expect type: datetime
GO

-- case: date plus int is an operand type clash
SELECT CAST('2020-01-31' AS date) + 1
-- expect error: 206, severity 16, 'Operand type clash: date is incompatible with int'
GO

-- case: CASE result type follows precedence and the union rule for decimals
SELECT CASE WHEN 1 = 1 THEN 1 ELSE 2.5 END
-- expect: 1.0
-- expect type: numeric(11,1)
GO

-- case: CASE of strings takes the longest length
SELECT CASE WHEN 1 = 1 THEN 'a' ELSE 'abc' END
-- expect: 'a'
-- expect type: varchar(3)
GO

-- case: CASE of int and string converts the string branch to int
SELECT CASE WHEN 1 = 1 THEN 'x' ELSE 1 END
-- expect error: 245, severity 16, 'Conversion failed when converting the varchar value ''x'' to data type int.'
GO

-- case: CASE of varchar and nvarchar is nvarchar
SELECT CASE WHEN 1 = 0 THEN 'abcd' ELSE N'xy' END
-- expect: 'xy'
-- expect type: nvarchar(4)
GO

-- case: COALESCE takes the highest precedence type
SELECT COALESCE(NULL, 1, 2.5)
-- expect: 1.0
-- expect type: numeric(11,1)
GO

-- case: COALESCE result length is the longest argument
SELECT COALESCE(CAST(NULL AS varchar(2)), 'abcd')
-- expect: 'abcd'
-- expect type: varchar(4)
GO

-- case: ISNULL result type is the first argument's type
SELECT ISNULL(CAST(NULL AS varchar(2)), 'abcd')
-- expect: 'ab'
-- expect type: varchar(2)
GO

-- case: ISNULL of int with decimal replacement is int
SELECT ISNULL(CAST(NULL AS int), 2.7)
-- expect: 2
-- expect type: int
GO

-- case: ISNULL with a NULL literal takes the replacement's type
SELECT ISNULL(NULL, 1.5)
-- expect: 1.5
-- expect type: numeric(2,1)
GO

-- case: IIF result type follows precedence
SELECT IIF(1 = 1, 1, 2.5)
-- expect: 1.0
-- expect type: numeric(11,1)
GO

-- case: UNION ALL of int and decimal
SELECT 1 UNION ALL SELECT 2.5
-- expect rows unordered:
-- 1.0
-- 2.5
-- expect type: numeric(11,1)
GO

-- case: UNION ALL of strings takes the longest length
SELECT 'a' AS s UNION ALL SELECT 'abc'
-- expect rows unordered:
-- 'a'
-- 'abc'
-- expect type: varchar(3)
GO

-- case: UNION ALL of varchar and nvarchar is nvarchar
SELECT vc10 FROM typed UNION ALL SELECT N'q'
-- expect rows unordered:
-- 'xyz'
-- 'q'
-- expect type: nvarchar(10)
GO

-- case: UNION ALL of smallint and tinyint is smallint
SELECT si FROM typed UNION ALL SELECT ti FROM typed
-- expect rows unordered:
-- 300
-- 10
-- expect type: smallint
GO

-- case: CAST to decimal without precision is decimal(18,0)
SELECT CAST(2.5 AS decimal)
-- expect: 3.
-- expect type: decimal(18,0)
GO

-- case: CAST to varchar without length is varchar(30)
SELECT CAST('abc' AS varchar)
-- expect: 'abc'
-- expect type: varchar(30)
GO

-- case: CAST to nvarchar without length is nvarchar(30)
SELECT CAST(12 AS nvarchar)
-- expect: '12'
-- expect type: nvarchar(30)
GO

-- case: CAST to datetime2 and time without scale uses 7
SELECT CAST('2020-01-02 03:04:05' AS datetime2), CAST('03:04:05' AS time)
-- expect rows:
-- datetime '2020-01-02 03:04:05', time '03:04:05'
-- expect types: datetime2(7), time(7)
GO

-- case: float(24) is real and float(53) is float
SELECT CAST(1 AS float(24)), CAST(1 AS float(53))
-- expect rows:
-- 1e0, 1e0
-- expect types: real, float
GO

-- case: SUM of int is int
SELECT SUM(i) FROM typed
-- expect: 1000
-- expect type: int
GO

-- case: SUM of tinyint and smallint is int
SELECT SUM(ti), SUM(si) FROM typed
-- expect rows:
-- 10, 300
-- expect types: int, int
GO

-- case: SUM of bigint is bigint
SELECT SUM(bi) FROM typed
-- expect: 5000000000
-- expect type: bigint
GO

-- case: SUM of decimal is decimal(38,s)
SELECT SUM(d52) FROM typed
-- expect: 12.34
-- expect type: decimal(38,2)
GO

-- case: AVG of decimal is decimal(38,6)
SELECT AVG(d52) FROM typed
-- expect: 12.340000
-- expect type: decimal(38,6)
GO

-- case: AVG of int is int and truncates
SELECT AVG(v) FROM (VALUES (1), (2)) AS x(v)
-- expect: 1
-- expect type: int
GO

-- case: SUM of money is money and SUM of float is float
SELECT SUM(m), SUM(f) FROM typed
-- expect rows:
-- 2.5000, 0.5e0
-- expect types: money, float
GO

-- case: COUNT is int and COUNT_BIG is bigint
SELECT COUNT(*), COUNT_BIG(*) FROM typed
-- expect rows:
-- 1, 1
-- expect types: int, bigint
GO

-- case: MIN and MAX keep the column type
SELECT MIN(vc10), MAX(d52) FROM typed
-- expect rows:
-- 'xyz', 12.34
-- expect types: varchar(10), decimal(5,2)
GO

-- case: LEN is int, and bigint for max types
SELECT LEN(vc10), LEN(vcmax) FROM typed
-- expect rows:
-- 3, 3
-- expect types: int, bigint
GO

-- case: DATALENGTH counts bytes
SELECT DATALENGTH(i), DATALENGTH(bi), DATALENGTH(nvc10), DATALENGTH(c5), DATALENGTH(vb4) FROM typed
-- expect rows:
-- 4, 8, 6, 5, 2
GO

-- case: comparison of a date with a string converts the string
SELECT CASE WHEN d = '2020-01-02' THEN 'same' ELSE 'different' END FROM typed
-- expect: 'same'
GO

-- case: column types come back as declared
SELECT ti, si, i, bi, b, d52, n183, m, sm, f, r FROM typed
-- expect rows:
-- 10, 300, 1000, 5000000000, 1, 12.34, 1.125, 2.5000, 1.2500, 0.5e0, 0.25e0
-- expect types: tinyint, smallint, int, bigint, bit, decimal(5,2), numeric(18,3), money, smallmoney, float, real
GO

-- case: string and date columns come back as declared
SELECT c5, vc10, nc5, nvc10, dt, d, dt2, t, vb4 FROM typed
-- expect rows:
-- 'ab   ', 'xyz', 'ab   ', 'xyz', datetime '2020-01-02 03:04:05.123', date '2020-01-02', datetime '2020-01-02 03:04:05.123456', time '03:04:05', 0x0102
-- expect types: char(5), varchar(10), nchar(5), nvarchar(10), datetime, date, datetime2(7), time(7), varbinary(4)
GO

-- case: datetime rounds milliseconds to .000, .003 or .007
SELECT CAST('2020-01-02 03:04:05.001' AS datetime), CAST('2020-01-02 03:04:05.005' AS datetime)
-- expect rows:
-- datetime '2020-01-02 03:04:05.000', datetime '2020-01-02 03:04:05.007'
GO

-- case: datetime .999 rounds up to the next second
SELECT CAST('1998-01-01 23:59:59.999' AS datetime)
-- expect: datetime '1998-01-02 00:00:00'
GO

-- case: smalldatetime rounds to the minute
SELECT CAST('2020-01-02 03:04:29' AS smalldatetime), CAST('2020-01-02 03:04:30' AS smalldatetime)
-- expect rows:
-- datetime '2020-01-02 03:04:00', datetime '2020-01-02 03:05:00'
-- expect types: smalldatetime, smalldatetime
GO

-- case: decimal to int truncates, decimal to decimal rounds
SELECT CAST(1.99 AS int), CAST(-1.99 AS int), CAST(1.95 AS decimal(2,1)), CAST(2.5 AS decimal(1,0))
-- expect rows:
-- 1, -1, 2.0, 3.
GO

-- case: float to int truncates
SELECT CAST(2.9E0 AS int), CAST(-2.9E0 AS int)
-- expect rows:
-- 2, -2
GO

-- case: money keeps four decimals and rounds
SELECT CAST(1.23456 AS money)
-- expect: 1.2346
-- expect type: money
GO

-- case: decimal overflow in CAST is error 8115
SELECT CAST(123.45 AS decimal(4,2))
-- expect error: 8115, severity 16, 'Arithmetic overflow error converting numeric to data type numeric.'
GO

-- case: int to tinyint overflow is error 220
SELECT CAST(300 AS tinyint)
-- expect error: 220, severity 16, 'Arithmetic overflow error for data type tinyint, value = 300.'
GO

-- case: string that is not a number converted to decimal is error 8114
SELECT CAST('abc' AS decimal(5,2))
-- expect error: 8114, severity 16, 'Error converting data type varchar to numeric.'
GO

-- case: explicit conversion from int to date is not allowed
SELECT CAST(1 AS date)
-- expect error: 529, severity 16, 'Explicit conversion from data type int to date is not allowed.'
GO

-- case: uniqueidentifier from a string
SELECT CAST('6F9619FF-8B86-D011-B42D-00C04FC964FF' AS uniqueidentifier)
-- expect: guid '6F9619FF-8B86-D011-B42D-00C04FC964FF'
-- expect type: uniqueidentifier
GO

-- case: varbinary from a string keeps the bytes
SELECT CAST('AB' AS varbinary(2))
-- expect: 0x4142
-- expect type: varbinary(2)
GO

-- case: bit from a nonzero number is 1
SELECT CAST(5 AS bit), CAST(0 AS bit), CAST('true' AS bit)
-- expect rows:
-- 1, 0, 1
-- expect types: bit, bit, bit
GO

-- case: a sql_variant column keeps each value's base type
CREATE TABLE #variants (k int, v sql_variant)
INSERT INTO #variants VALUES (1, CAST('2020-01-02' AS date)), (2, $2.5), (3, CAST(1.5 AS decimal(5, 2))), (4, 7), (5, N'abc')
SELECT v, SQL_VARIANT_PROPERTY(v, 'BaseType'), SQL_VARIANT_PROPERTY(v, 'Precision'), SQL_VARIANT_PROPERTY(v, 'Scale')
FROM #variants ORDER BY k
-- expect rows:
-- date '2020-01-02', 'date', 10, 0
-- 2.5000, 'money', 19, 4
-- 1.50, 'decimal', 5, 2
-- 7, 'int', 10, 0
-- 'abc', 'nvarchar', 0, 0
GO

-- case: a sql_variant converts and compares as its base type
DECLARE @v sql_variant = CAST('2020-01-02' AS date)
SELECT CAST(@v AS datetime), CASE WHEN @v = CAST('2020-01-02' AS date) THEN 'same' END, CONVERT(varchar(10), CAST($2.5 AS sql_variant))
-- expect rows:
-- datetime '2020-01-02 00:00:00', 'same', '2.50'
GO

-- case: arithmetic on a sql_variant needs a CAST to its base type first
DECLARE @v sql_variant = 5
SELECT @v + 1
-- expect error: 8117, severity 16, 'Operand data type sql_variant is invalid for add operator.'
GO
