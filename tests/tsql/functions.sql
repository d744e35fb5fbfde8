-- Functions: string, date, math, conversion, aggregate, system and metadata functions.
-- The cases run in database corpus_functions as sa (a sysadmin mapped to dbo).
CREATE TABLE fruit (
    id int IDENTITY(1,1) NOT NULL CONSTRAINT PK_fruit PRIMARY KEY,
    name varchar(10) NOT NULL,
    label nvarchar(20) NULL,
    price decimal(6,2) NULL,
    notes nvarchar(max) NULL
)
INSERT INTO fruit (name, price) VALUES ('apple', 1.50), ('banana', 0.25), ('cherry', NULL)
CREATE TABLE stats (x int NOT NULL)
INSERT INTO stats VALUES (2), (4), (4), (4), (5), (5), (7), (9)
GO
CREATE VIEW v_fruit AS SELECT name FROM fruit
GO
CREATE PROCEDURE p_fruit AS SELECT name FROM fruit
GO

-- case: LEN and DATALENGTH of NULL and empty strings
SELECT LEN(NULL), LEN(''), DATALENGTH(''), DATALENGTH(NULL)
-- expect rows:
-- NULL, 0, 0, NULL
GO

-- case: SUBSTRING
SELECT SUBSTRING('abcdef', 2, 3), SUBSTRING('abcdef', 5, 10), SUBSTRING('abc', 5, 2)
-- expect rows:
-- 'bcd', 'ef', ''
GO

-- case: SUBSTRING counts positions before the first character
SELECT SUBSTRING('abc', 0, 2), SUBSTRING('abc', -1, 3)
-- expect rows:
-- 'a', 'a'
GO

-- case: SUBSTRING of nvarchar and varbinary
SELECT SUBSTRING(N'héllo', 2, 3), SUBSTRING(0x0102030405, 2, 2)
-- expect rows:
-- 'éll', 0x0203
GO

-- case: LEFT and RIGHT
SELECT LEFT('abcdef', 3), RIGHT('abcdef', 2), LEFT('abc', 10), RIGHT('abc  ', 2)
-- expect rows:
-- 'abc', 'ef', 'abc', '  '
GO

-- case: CHARINDEX
SELECT CHARINDEX('b', 'abcb'), CHARINDEX('b', 'abcb', 3), CHARINDEX('z', 'abc'), CHARINDEX('cd', 'abcdef')
-- expect rows:
-- 2, 4, 0, 3
GO

-- case: CHARINDEX with NULL is NULL
SELECT CHARINDEX(NULL, 'abc'), CHARINDEX('a', NULL)
-- expect rows:
-- NULL, NULL
GO

-- case: PATINDEX
SELECT PATINDEX('%c%', 'abcd'), PATINDEX('%[0-9]%', 'ab12'), PATINDEX('b%', 'abc'), PATINDEX('%', 'abc')
-- expect rows:
-- 3, 3, 0, 1
GO

-- case: REPLACE
SELECT REPLACE('abcabc', 'bc', 'X'), REPLACE('aaa', 'a', ''), REPLACE('abc', 'b', NULL)
-- expect rows:
-- 'aXaX', '', NULL
GO

-- case: STUFF (documented example)
SELECT STUFF('abcdef', 2, 3, 'ijklmn')
-- expect: 'aijklmnef'
GO

-- case: STUFF deletes with an empty string and is NULL past the end
SELECT STUFF('abcdef', 1, 2, ''), STUFF('abc', 5, 1, 'x'), STUFF('abc', 0, 1, 'x')
-- expect rows:
-- 'cdef', NULL, NULL
GO

-- case: REPLICATE
SELECT REPLICATE('ab', 3), REPLICATE('a', 0), REPLICATE('a', -1)
-- expect rows:
-- 'ababab', '', NULL
GO

-- case: REVERSE
SELECT REVERSE('abc'), REVERSE(N'xyz'), REVERSE('')
-- expect rows:
-- 'cba', 'zyx', ''
GO

-- case: LTRIM, RTRIM and TRIM
SELECT '[' + LTRIM('  a  ') + ']', '[' + RTRIM('  a  ') + ']', '[' + TRIM('  a  ') + ']'
-- expect rows:
-- '[a  ]', '[  a]', '[a]'
GO

-- case: TRIM of given characters (documented example)
SELECT TRIM('.,! ' FROM '     #     test    .')
-- expect: '#     test'
GO

-- case: UPPER and LOWER
SELECT UPPER('abc Déf'), LOWER(N'ÀBC')
-- expect rows:
-- 'ABC DÉF', 'àbc'
GO

-- case: CONCAT treats NULL as empty and converts numbers
SELECT CONCAT('a', NULL, 1, 2.50, 'z')
-- expect: 'a12.50z'
GO

-- case: CONCAT of only NULLs is an empty string
SELECT CONCAT(NULL, NULL)
-- expect: ''
GO

-- case: CONCAT result length is the sum of the argument lengths
SELECT CONCAT('ab', 'cde')
-- expect: 'abcde'
-- expect type: varchar(5)
GO

-- case: CONCAT with one argument is error 189
SELECT CONCAT('a')
-- expect error: 189, severity 15, 'The concat function requires 2 to 254 arguments.'
GO

-- case: CONCAT_WS skips NULLs but keeps empty strings
SELECT CONCAT_WS('-', 'a', NULL, 'b', ''), CONCAT_WS(',', NULL, NULL)
-- expect rows:
-- 'a-b-', ''
GO

-- case: STRING_AGG with WITHIN GROUP
SELECT STRING_AGG(name, ', ') WITHIN GROUP (ORDER BY name DESC) FROM fruit
-- expect: 'cherry, banana, apple'
GO

-- case: STRING_AGG skips NULLs
SELECT STRING_AGG(CAST(price AS varchar(10)), '|') WITHIN GROUP (ORDER BY price) FROM fruit
-- expect: '0.25|1.50'
GO

-- case: STRING_AGG per group
SELECT g, STRING_AGG(v, '') WITHIN GROUP (ORDER BY v) FROM (VALUES (1, 'b'), (1, 'a'), (2, 'c')) AS t(g, v) GROUP BY g ORDER BY g
-- expect rows:
-- 1, 'ab'
-- 2, 'c'
GO

-- case: STRING_SPLIT returns a value column and keeps empty strings
SELECT value FROM STRING_SPLIT('a,b,,c', ',')
-- expect rows unordered:
-- 'a'
-- 'b'
-- ''
-- 'c'
-- expect columns: value
GO

-- case: STRING_SPLIT with an ordinal column
SELECT value, ordinal FROM STRING_SPLIT('x y z', ' ', 1) ORDER BY ordinal
-- expect rows:
-- 'x', 1
-- 'y', 2
-- 'z', 3
GO

-- case: QUOTENAME with brackets and other quote characters
SELECT QUOTENAME('abc'), QUOTENAME('a]b'), QUOTENAME('abc', '"'), QUOTENAME('it''s', ''''), QUOTENAME('abc', 'x')
-- expect rows:
-- '[abc]', '[a]]b]', '"abc"', '''it''''s''', NULL
-- expect types: nvarchar(258), nvarchar(258), nvarchar(258), nvarchar(258), nvarchar(258)
GO

-- case: ASCII, CHAR, UNICODE and NCHAR
SELECT ASCII('A'), CHAR(66), UNICODE(N'é'), NCHAR(233), CHAR(300)
-- expect rows:
-- 65, 'B', 233, 'é', NULL
GO

-- case: SPACE
SELECT '[' + SPACE(3) + ']'
-- expect: '[   ]'
GO

-- case: STR pads to the length and rounds
SELECT STR(123.45, 6, 1), STR(1.5), STR(12345, 3)
-- expect rows:
-- ' 123.5', '         2', '***'
GO

-- case: FORMAT numbers with a culture
SELECT FORMAT(1234.5, 'N2', 'en-US'), FORMAT(1234.5, 'N2', 'de-DE'), FORMAT(1234.5, 'C', 'en-US'), FORMAT(123, '00000')
-- expect rows:
-- '1,234.50', '1.234,50', '$1,234.50', '00123'
GO

-- case: FORMAT dates
SELECT FORMAT(CAST('2020-01-02' AS date), 'yyyy-MM-dd'), FORMAT(CAST('2020-01-02' AS date), 'D', 'en-US'), FORMAT(CAST('2020-01-02T15:04:05' AS datetime), 'HH:mm')
-- expect rows:
-- '2020-01-02', 'Thursday, January 2, 2020', '15:04'
GO

-- case: FORMAT returns nvarchar
SELECT FORMAT(1, 'D3')
-- expect: '001'
-- expect type: nvarchar(4000)
GO

-- case: TRANSLATE (documented example)
SELECT TRANSLATE('2*[3+4]/{7-2}', '[]{}', '()()')
-- expect: '2*(3+4)/(7-2)'
GO

-- case: SOUNDEX and DIFFERENCE (documented example)
SELECT SOUNDEX('Smith'), SOUNDEX('Smythe'), DIFFERENCE('Smith', 'Smythe')
-- expect rows:
-- 'S530', 'S530', 4
GO

-- case: STRING_ESCAPE for JSON
SELECT STRING_ESCAPE('a"b\c', 'json')
-- expect: 'a\"b\\c'
GO

-- case: ISNULL and COALESCE
SELECT ISNULL(NULL, 'x'), COALESCE(NULL, NULL, 3), COALESCE(1, 2)
-- expect rows:
-- 'x', 3, 1
GO

-- case: COALESCE of only NULL constants is error 4127
SELECT COALESCE(NULL, NULL)
-- expect error: 4127, severity 16, 'At least one of the arguments to COALESCE must be an expression that is not the NULL constant.'
GO

-- case: NULLIF
SELECT NULLIF(1, 1), NULLIF(1, 2), NULLIF('a', 'A')
-- expect rows:
-- NULL, 1, NULL
GO

-- case: IIF
SELECT IIF(1 > 2, 'yes', 'no'), IIF(NULL = NULL, 'yes', 'no')
-- expect rows:
-- 'no', 'no'
GO

-- case: CHOOSE
SELECT CHOOSE(2, 'a', 'b', 'c'), CHOOSE(4, 'a', 'b'), CHOOSE(0, 'a')
-- expect rows:
-- 'b', NULL, NULL
GO

-- case: NEWID is a uniqueidentifier and differs each call
SELECT NEWID(), CASE WHEN NEWID() <> NEWID() THEN 'different' END
-- expect rows:
-- *, 'different'
-- expect types: uniqueidentifier, varchar(9)
GO

-- case: NEWID as a string has the 8-4-4-4-12 form
SELECT CASE WHEN CAST(NEWID() AS char(36)) LIKE
    '[0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F]-[0-9A-F][0-9A-F][0-9A-F][0-9A-F]-[0-9A-F][0-9A-F][0-9A-F][0-9A-F]-[0-9A-F][0-9A-F][0-9A-F][0-9A-F]-[0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F]'
    THEN 'guid' END
-- expect: 'guid'
GO

-- case: ABS (documented example)
SELECT ABS(-1.0), ABS(0.0), ABS(1.0), ABS(-5)
-- expect rows:
-- 1.0, 0.0, 1.0, 5
GO

-- case: ABS of the smallest int is error 8115 (documented example)
DECLARE @i int = -2147483648
SELECT ABS(@i)
-- expect error: 8115, severity 16, state 2, 'Arithmetic overflow error converting expression to data type int.'
GO

-- case: ROUND keeps the type (documented examples)
SELECT ROUND(123.9994, 3), ROUND(123.9995, 3), ROUND(123.4545, 2), ROUND(123.45, -2)
-- expect rows:
-- 123.9990, 124.0000, 123.4500, 100.00
GO

-- case: ROUND with truncation (documented example)
SELECT ROUND(150.75, 0), ROUND(150.75, 0, 1)
-- expect rows:
-- 151.00, 150.00
GO

-- case: ROUND that needs another digit overflows (documented example)
SELECT ROUND(748.58, -3)
-- expect error: 8115, severity 16
GO

-- case: ROUND of negative length beyond the digits is 0 (documented example)
SELECT ROUND(748.58, -4)
-- expect: 0.00
GO

-- case: CEILING of money (documented example)
SELECT CEILING($123.45), CEILING($-123.45), CEILING($0.0)
-- expect rows:
-- 124.0000, -123.0000, 0.0000
-- expect types: money, money, money
GO

-- case: FLOOR (documented example)
SELECT FLOOR(123.45), FLOOR(-123.45), FLOOR($123.45)
-- expect rows:
-- 123., -124., 123.0000
GO

-- case: POWER keeps the type of its first argument (documented example)
SELECT POWER(CAST(2.0 AS float), -100.0), POWER(2, -100.0), POWER(2.0, -100.0), POWER(2, 10)
-- expect rows:
-- 7.88860905221012e-31, 0, 0.0, 1024
GO

-- case: SQRT and SQUARE return float
SELECT SQRT(16), SQUARE(3)
-- expect rows:
-- 4e0, 9e0
-- expect types: float, float
GO

-- case: SQRT of a negative number is error 3623
SELECT SQRT(-1)
-- expect error: 3623, severity 16, 'An invalid floating point operation occurred.'
GO

-- case: SIGN
SELECT SIGN(-5), SIGN(0), SIGN(7), SIGN(-5.5)
-- expect rows:
-- -1, 0, 1, -1.0
GO

-- case: PI, EXP and LOG
SELECT PI(), EXP(0), LOG(EXP(1)), LOG10(1000), LOG(8, 2)
-- expect rows:
-- 3.141592653589793e0, 1e0, 1e0, 3e0, 3e0
GO

-- case: RAND is in [0, 1) and a seed repeats the value
SELECT CASE WHEN RAND() >= 0 AND RAND() < 1 THEN 'in range' END, CASE WHEN RAND(7) = RAND(7) THEN 'repeatable' END
-- expect rows:
-- 'in range', 'repeatable'
GO

-- case: RAND returns float
SELECT RAND(1)
-- expect: *
-- expect type: float
GO

-- case: GETDATE family types
SELECT GETDATE(), CURRENT_TIMESTAMP, GETUTCDATE(), SYSDATETIME(), SYSUTCDATETIME(), SYSDATETIMEOFFSET()
-- expect rows:
-- *, *, *, *, *, *
-- expect types: datetime, datetime, datetime, datetime2(7), datetime2(7), datetimeoffset(7)
GO

-- case: GETDATE and SYSDATETIME agree
SELECT CASE WHEN ABS(DATEDIFF(millisecond, GETDATE(), SYSDATETIME())) < 2000 THEN 'close' END,
    CASE WHEN ABS(DATEDIFF(second, GETUTCDATE(), SYSUTCDATETIME())) < 2 THEN 'close' END
-- expect rows:
-- 'close', 'close'
GO

-- case: DATEADD of a string literal returns datetime
SELECT DATEADD(day, 1, '2020-02-28')
-- expect: datetime '2020-02-29 00:00:00'
-- expect type: datetime
GO

-- case: DATEADD month to a shorter month takes its last day
SELECT DATEADD(month, 1, CAST('2020-01-31' AS date)), DATEADD(month, 1, CAST('20060830' AS date))
-- expect rows:
-- date '2020-02-29', date '2006-09-30'
-- expect types: date, date
GO

-- case: DATEADD year from 29 February
SELECT DATEADD(year, 1, CAST('2020-02-29' AS date))
-- expect: date '2021-02-28'
GO

-- case: DATEADD with negative hours keeps datetime2 precision
SELECT DATEADD(hour, -5, CAST('2020-01-01T02:00:00' AS datetime2(0)))
-- expect: datetime '2019-12-31 21:00:00'
-- expect type: datetime2(0)
GO

-- case: DATEADD with abbreviations
SELECT DATEADD(dd, 10, CAST('2020-01-01' AS date)), DATEADD(mi, 90, CAST('2020-01-01T00:00:00' AS datetime))
-- expect rows:
-- date '2020-01-11', datetime '2020-01-01 01:30:00'
GO

-- case: DATEADD past the largest date is error 517
SELECT DATEADD(year, 1, CAST('9999-06-01' AS date))
-- expect error: 517, severity 16
GO

-- case: DATEDIFF counts boundaries crossed
SELECT DATEDIFF(day, '2020-01-01', '2020-12-31'), DATEDIFF(year, '2019-12-31', '2020-01-01'), DATEDIFF(month, '2020-01-31', '2020-02-01'), DATEDIFF(day, '2020-01-02', '2020-01-01')
-- expect rows:
-- 365, 1, 1, -1
-- expect types: int, int, int, int
GO

-- case: DATEDIFF week always uses Sunday boundaries
SET DATEFIRST 1
SELECT DATEDIFF(week, '2020-01-04', '2020-01-05'), DATEDIFF(week, '2020-01-05', '2020-01-06')
-- expect rows:
-- 1, 0
GO

-- case: DATEDIFF of seconds and milliseconds
SELECT DATEDIFF(second, '2020-01-01T00:00:00', '2020-01-01T01:00:00'), DATEDIFF(millisecond, '2020-01-01T00:00:00', '2020-01-01T00:00:01.5')
-- expect rows:
-- 3600, 1500
GO

-- case: DATEDIFF overflow is error 535
SELECT DATEDIFF(millisecond, '1900-01-01', '2020-01-01')
-- expect error: 535, severity 16
GO

-- case: DATEDIFF_BIG returns bigint
SELECT DATEDIFF_BIG(millisecond, '1900-01-01', '2020-01-01')
-- expect: 3786825600000
-- expect type: bigint
GO

-- case: DATEPART of each part
DECLARE @d datetime2(3) = '2020-03-01T13:14:15.678'
SELECT DATEPART(year, @d), DATEPART(quarter, @d), DATEPART(month, @d), DATEPART(dayofyear, @d), DATEPART(day, @d),
    DATEPART(hour, @d), DATEPART(minute, @d), DATEPART(second, @d), DATEPART(millisecond, @d)
-- expect rows:
-- 2020, 1, 3, 61, 1, 13, 14, 15, 678
GO

-- case: DATEPART week, weekday and iso_week
SELECT DATEPART(week, CAST('2020-01-05' AS date)), DATEPART(weekday, CAST('2020-01-05' AS date)), DATEPART(iso_week, CAST('2021-01-01' AS date))
-- expect rows:
-- 2, 1, 53
GO

-- case: DATEPART of a time zone offset
SELECT DATEPART(tzoffset, CAST('2020-01-02T03:04:05+05:30' AS datetimeoffset))
-- expect: 330
GO

-- case: YEAR, MONTH and DAY
SELECT YEAR('2020-03-04'), MONTH('2020-03-04'), DAY('2020-03-04')
-- expect rows:
-- 2020, 3, 4
GO

-- case: DATENAME
SELECT DATENAME(month, CAST('2020-03-15' AS date)), DATENAME(weekday, CAST('2020-01-05' AS date)), DATENAME(year, CAST('2020-03-15' AS date))
-- expect rows:
-- 'March', 'Sunday', '2020'
-- expect types: nvarchar(30), nvarchar(30), nvarchar(30)
GO

-- case: DATEFROMPARTS
SELECT DATEFROMPARTS(2020, 2, 29)
-- expect: date '2020-02-29'
-- expect type: date
GO

-- case: DATEFROMPARTS of an invalid date is error 289
SELECT DATEFROMPARTS(2021, 2, 29)
-- expect error: 289, severity 16, 'Cannot construct data type date, some of the arguments have values which are not valid.'
GO

-- case: DATEFROMPARTS with a NULL argument is NULL
SELECT DATEFROMPARTS(2020, NULL, 1)
-- expect: NULL
GO

-- case: DATETIME2FROMPARTS and TIMEFROMPARTS
SELECT DATETIME2FROMPARTS(2020, 1, 2, 3, 4, 5, 5, 1), TIMEFROMPARTS(3, 4, 5, 0, 0)
-- expect rows:
-- datetime '2020-01-02 03:04:05.5', time '03:04:05'
-- expect types: datetime2(1), time(0)
GO

-- case: DATETIMEFROMPARTS
SELECT DATETIMEFROMPARTS(2020, 1, 2, 3, 4, 5, 0)
-- expect: datetime '2020-01-02 03:04:05'
-- expect type: datetime
GO

-- case: EOMONTH
SELECT EOMONTH('2020-02-10'), EOMONTH('2020-01-15', 1), EOMONTH(CAST('2020-03-31' AS date), -1)
-- expect rows:
-- date '2020-02-29', date '2020-02-29', date '2020-02-29'
-- expect types: date, date, date
GO

-- case: ISDATE
SELECT ISDATE('2020-02-29'), ISDATE('2020-02-30'), ISDATE('abc'), ISDATE(NULL)
-- expect rows:
-- 1, 0, 0, 0
GO

-- case: TODATETIMEOFFSET and SWITCHOFFSET
SELECT TODATETIMEOFFSET(CAST('2020-01-02T03:04:05' AS datetime2(0)), '+05:00'),
    SWITCHOFFSET(CAST('2020-01-02T03:04:05+00:00' AS datetimeoffset(0)), '+02:00')
-- expect rows:
-- datetime '2020-01-02 03:04:05 +05:00', datetime '2020-01-02 05:04:05 +02:00'
GO

-- case: ISNUMERIC accepts currency symbols and signs
SELECT ISNUMERIC('12'), ISNUMERIC('abc'), ISNUMERIC('$'), ISNUMERIC('1e5'), ISNUMERIC('-'), ISNUMERIC('')
-- expect rows:
-- 1, 0, 1, 1, 1, 0
GO

-- case: SUM and COUNT with DISTINCT
SELECT SUM(x), SUM(DISTINCT x), COUNT(DISTINCT x) FROM stats
-- expect rows:
-- 40, 27, 5
GO

-- case: AVG, MIN and MAX
SELECT AVG(x), MIN(x), MAX(x), AVG(CAST(x AS float)) FROM stats
-- expect rows:
-- 5, 2, 9, 5e0
GO

-- case: population and sample variance and deviation
SELECT VARP(x), STDEVP(x), VAR(x) FROM stats
-- expect rows:
-- 4e0, 2e0, 4.571428571428571e0
-- expect types: float, float, float
GO

-- case: aggregates ignore NULL
SELECT COUNT(price), SUM(price), AVG(price) FROM fruit
-- expect rows:
-- 2, 1.75, 0.875000
GO

-- case: HASHBYTES
SELECT HASHBYTES('SHA2_256', 'abc'), HASHBYTES('MD5', 'abc')
-- expect rows:
-- 0xBA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD, 0x900150983CD24FB0D6963F7D28E17F72
GO

-- case: SQL_VARIANT_PROPERTY reports a literal's type
SELECT SQL_VARIANT_PROPERTY(1.50, 'BaseType'), SQL_VARIANT_PROPERTY(1.50, 'Precision'), SQL_VARIANT_PROPERTY(1.50, 'Scale'), SQL_VARIANT_PROPERTY('abc', 'BaseType'), SQL_VARIANT_PROPERTY('abc', 'MaxLength')
-- expect rows:
-- 'numeric', 3, 2, 'varchar', 3
GO

-- case: DB_NAME and DB_ID
SELECT DB_NAME(), DB_NAME(1), DB_ID('master'), DB_ID('tempdb'), DB_ID('model'), DB_ID('msdb'), DB_ID('no_such_db')
-- expect rows:
-- 'corpus_functions', 'master', 1, 2, 3, 4, NULL
-- expect types: nvarchar(128), nvarchar(128), int, int, int, int, int
GO

-- case: DB_ID of the current database matches DB_NAME
SELECT CASE WHEN DB_ID() = DB_ID(DB_NAME()) AND DB_ID() > 4 THEN 'user database' END
-- expect: 'user database'
GO

-- case: OBJECT_ID with and without a type
SELECT
    CASE WHEN OBJECT_ID('dbo.fruit') > 0 THEN 'found' END,
    CASE WHEN OBJECT_ID('fruit', 'U') = OBJECT_ID('dbo.fruit') THEN 'same' END,
    OBJECT_ID('fruit', 'V'),
    CASE WHEN OBJECT_ID('v_fruit', 'V') IS NOT NULL THEN 'view' END,
    OBJECT_ID('no_such_object')
-- expect rows:
-- 'found', 'same', NULL, 'view', NULL
GO

-- case: OBJECT_ID with a three-part name
SELECT CASE WHEN OBJECT_ID('corpus_functions.dbo.fruit') = OBJECT_ID('fruit') THEN 'same' END
-- expect: 'same'
GO

-- case: system objects have negative object ids
SELECT CASE WHEN OBJECT_ID('sys.objects') < 0 THEN 'negative' END
-- expect: 'negative'
GO

-- case: OBJECT_NAME and OBJECT_SCHEMA_NAME
SELECT OBJECT_NAME(OBJECT_ID('dbo.fruit')), OBJECT_SCHEMA_NAME(OBJECT_ID('dbo.fruit')), OBJECT_NAME(-999999)
-- expect rows:
-- 'fruit', 'dbo', NULL
GO

-- case: OBJECT_NAME with a database id
SELECT OBJECT_NAME(OBJECT_ID('dbo.fruit'), DB_ID())
-- expect: 'fruit'
GO

-- case: SCHEMA_NAME and SCHEMA_ID
SELECT SCHEMA_NAME(), SCHEMA_ID(), SCHEMA_ID('dbo'), SCHEMA_ID('guest'), SCHEMA_ID('INFORMATION_SCHEMA'), SCHEMA_ID('sys'), SCHEMA_NAME(4), SCHEMA_ID('no_such_schema')
-- expect rows:
-- 'dbo', 1, 1, 2, 3, 4, 'sys', NULL
GO

-- case: TYPE_NAME and TYPE_ID
SELECT TYPE_NAME(56), TYPE_NAME(231), TYPE_NAME(167), TYPE_ID('bigint'), TYPE_ID('datetime2'), TYPE_ID('uniqueidentifier'), TYPE_ID('sysname'), TYPE_ID('no_such_type')
-- expect rows:
-- 'int', 'nvarchar', 'varchar', 127, 42, 36, 256, NULL
GO

-- case: login and user names of sa
SELECT SUSER_SNAME(), SUSER_NAME(), SYSTEM_USER, ORIGINAL_LOGIN(), USER_NAME(), CURRENT_USER, SESSION_USER
-- expect rows:
-- 'sa', 'sa', 'sa', 'sa', 'dbo', 'dbo', 'dbo'
GO

-- case: principal ids and sid of sa
SELECT SUSER_ID(), USER_ID(), SUSER_SID(), USER_NAME(1), SUSER_SNAME(0x01)
-- expect rows:
-- 1, 1, 0x01, 'dbo', 'sa'
GO

-- case: HOST_NAME and APP_NAME types
SELECT HOST_NAME(), APP_NAME()
-- expect rows:
-- *, *
-- expect types: nvarchar(128), nvarchar(128)
GO

-- case: IS_SRVROLEMEMBER and IS_MEMBER
SELECT IS_SRVROLEMEMBER('sysadmin'), IS_SRVROLEMEMBER('no_such_role'), IS_MEMBER('db_owner'), IS_MEMBER('public')
-- expect rows:
-- 1, NULL, 1, 1
GO

-- case: HAS_PERMS_BY_NAME for sa
SELECT HAS_PERMS_BY_NAME(NULL, NULL, 'VIEW SERVER STATE'), HAS_PERMS_BY_NAME('dbo.fruit', 'OBJECT', 'SELECT'), HAS_PERMS_BY_NAME(DB_NAME(), 'DATABASE', 'CREATE TABLE')
-- expect rows:
-- 1, 1, 1
GO

-- case: COL_LENGTH in bytes
SELECT COL_LENGTH('fruit', 'name'), COL_LENGTH('dbo.fruit', 'label'), COL_LENGTH('fruit', 'id'), COL_LENGTH('fruit', 'notes'), COL_LENGTH('fruit', 'no_such_column')
-- expect rows:
-- 10, 40, 4, -1, NULL
-- expect types: smallint, smallint, smallint, smallint, smallint
GO

-- case: COL_NAME
SELECT COL_NAME(OBJECT_ID('fruit'), 1), COL_NAME(OBJECT_ID('fruit'), 2)
-- expect rows:
-- 'id', 'name'
GO

-- case: COLUMNPROPERTY
SELECT
    COLUMNPROPERTY(OBJECT_ID('fruit'), 'id', 'IsIdentity'),
    COLUMNPROPERTY(OBJECT_ID('fruit'), 'name', 'AllowsNull'),
    COLUMNPROPERTY(OBJECT_ID('fruit'), 'label', 'AllowsNull'),
    COLUMNPROPERTY(OBJECT_ID('fruit'), 'price', 'Precision'),
    COLUMNPROPERTY(OBJECT_ID('fruit'), 'price', 'Scale'),
    COLUMNPROPERTY(OBJECT_ID('fruit'), 'name', 'Precision'),
    COLUMNPROPERTY(OBJECT_ID('fruit'), 'no_such_column', 'AllowsNull')
-- expect rows:
-- 1, 0, 1, 6, 2, 10, NULL
GO

-- case: OBJECTPROPERTY
SELECT
    OBJECTPROPERTY(OBJECT_ID('fruit'), 'IsUserTable'),
    OBJECTPROPERTY(OBJECT_ID('fruit'), 'IsTable'),
    OBJECTPROPERTY(OBJECT_ID('fruit'), 'TableHasIdentity'),
    OBJECTPROPERTY(OBJECT_ID('fruit'), 'TableHasPrimaryKey'),
    OBJECTPROPERTY(OBJECT_ID('fruit'), 'IsView'),
    OBJECTPROPERTY(OBJECT_ID('v_fruit'), 'IsView'),
    OBJECTPROPERTY(OBJECT_ID('p_fruit'), 'IsProcedure'),
    OBJECTPROPERTY(OBJECT_ID('fruit'), 'NoSuchProperty')
-- expect rows:
-- 1, 1, 1, 1, 0, 1, 1, NULL
GO

-- case: SERVERPROPERTY values
SELECT SERVERPROPERTY('EngineEdition'), SERVERPROPERTY('Collation'), SERVERPROPERTY('IsIntegratedSecurityOnly'), SERVERPROPERTY('NoSuchProperty')
-- expect rows:
-- 3, 'SQL_Latin1_General_CP1_CI_AS', 0, NULL
-- expect types: sql_variant, sql_variant, sql_variant, sql_variant
GO

-- case: SERVERPROPERTY version and edition
SELECT
    CASE WHEN CAST(SERVERPROPERTY('ProductVersion') AS nvarchar(128)) LIKE '1[0-9].%' THEN 'version' END,
    CASE WHEN CAST(SERVERPROPERTY('Edition') AS nvarchar(128)) LIKE '%Edition%' THEN 'edition' END,
    CASE WHEN CAST(SERVERPROPERTY('ProductLevel') AS nvarchar(128)) LIKE '[CRS][TP]%' THEN 'level' END
-- expect rows:
-- 'version', 'edition', 'level'
GO

-- case: @@SERVERNAME is SERVERPROPERTY ServerName
SELECT CASE WHEN @@SERVERNAME = CAST(SERVERPROPERTY('ServerName') AS nvarchar(128)) THEN 'same' END
-- expect: 'same'
GO

-- case: default instance names
SELECT @@SERVICENAME, SERVERPROPERTY('InstanceName')
-- expect rows:
-- 'MSSQLSERVER', NULL
GO

-- case: DATABASEPROPERTYEX
SELECT
    DATABASEPROPERTYEX('master', 'Status'),
    DATABASEPROPERTYEX('master', 'Updateability'),
    DATABASEPROPERTYEX('master', 'UserAccess'),
    DATABASEPROPERTYEX('master', 'Collation'),
    DATABASEPROPERTYEX('master', 'Recovery'),
    DATABASEPROPERTYEX('no_such_db', 'Status')
-- expect rows:
-- 'ONLINE', 'READ_WRITE', 'MULTI_USER', 'SQL_Latin1_General_CP1_CI_AS', 'SIMPLE', NULL
GO

-- case: @@VERSION starts with the product name
SELECT CASE WHEN @@VERSION LIKE 'Microsoft SQL Server%' THEN 'sql server' END
-- expect: 'sql server'
GO

-- case: @@LANGUAGE, @@LANGID, @@MAX_PRECISION and @@DATEFIRST
SELECT @@LANGUAGE, @@LANGID, @@MAX_PRECISION, @@DATEFIRST
-- expect rows:
-- 'us_english', 0, 38, 7
GO

-- case: @@MAX_PRECISION and @@DATEFIRST are tinyint and @@LANGID is smallint
SELECT @@MAX_PRECISION, @@DATEFIRST, @@LANGID
-- expect rows:
-- 38, 7, 0
-- expect types: tinyint, tinyint, smallint
GO

-- case: @@SPID, @@NESTLEVEL, @@MAX_CONNECTIONS and @@LOCK_TIMEOUT
SELECT CASE WHEN @@SPID > 0 THEN 'spid' END, @@NESTLEVEL, @@MAX_CONNECTIONS, @@LOCK_TIMEOUT
-- expect rows:
-- 'spid', 0, 32767, -1
GO

-- case: @@OPTIONS is an int bit mask
SELECT @@OPTIONS & 32
-- expect: 32
-- expect type: int
GO

-- case: SESSIONPROPERTY
SELECT SESSIONPROPERTY('ANSI_NULLS'), SESSIONPROPERTY('QUOTED_IDENTIFIER'), SESSIONPROPERTY('NUMERIC_ROUNDABORT')
-- expect rows:
-- 1, 1, 0
GO

-- case: GREATEST and LEAST
SELECT GREATEST(1, 5, 3), LEAST('b', 'a', 'c'), GREATEST(1, NULL, 2)
-- expect rows:
-- 5, 'a', 2
GO

-- case: unknown function is error 195
SELECT NO_SUCH_FUNCTION(1)
-- expect error: 195, severity 15, '''NO_SUCH_FUNCTION'' is not a recognized built-in function name.'
GO

-- case: wrong argument count is error 174
SELECT LEN()
-- expect error: 174, severity 15, 'The len function requires 1 argument(s).'
GO

-- case: wrong argument type is error 8116
SELECT SUBSTRING(123, 1, 1)
-- expect error: 8116, severity 16, 'Argument data type int is invalid for argument 1 of substring function.'
GO

-- case: SUSER_ID, SUSER_NAME, SUSER_SID and SUSER_SNAME look up the login they are given
SELECT SUSER_ID('no_such_login'), SUSER_NAME(1), SUSER_SNAME(SUSER_SID('sa')), SUSER_SID('no_such_login'), SUSER_NAME(987654)
-- expect rows:
-- NULL, 'sa', 'sa', NULL, NULL
GO
