-- Semantics: collation, three-valued logic, ANSI_NULLS, integer division, CAST/CONVERT styles,
-- TRY_CAST/TRY_CONVERT, PARSE/TRY_PARSE, @@ROWCOUNT, identity functions, @@ERROR, @@TRANCOUNT,
-- XACT_STATE, SET options.  The database collation is SQL_Latin1_General_CP1_CI_AS (case-insensitive,
-- accent-sensitive).  The datetime used below is 2020-01-02 03:04:05.123.
CREATE TABLE words (w varchar(10) NOT NULL)
INSERT INTO words VALUES ('apple'), ('APPLE'), ('apple  '), ('Banana')
CREATE TABLE ident_main (id int IDENTITY(1,1), v int)
CREATE TABLE ident_audit (id int IDENTITY(1000,1), main_id int)
GO
CREATE TRIGGER trg_ident_main ON ident_main AFTER INSERT
AS
    INSERT INTO ident_audit (main_id) SELECT id FROM inserted
GO

-- case: string equality ignores case
SELECT CASE WHEN 'abc' = 'ABC' THEN 'equal' ELSE 'different' END
-- expect: 'equal'
GO

-- case: string equality ignores trailing spaces
SELECT CASE WHEN 'abc' = 'abc   ' THEN 'equal' ELSE 'different' END
-- expect: 'equal'
GO

-- case: leading spaces matter
SELECT CASE WHEN 'abc' = '   abc' THEN 'equal' ELSE 'different' END
-- expect: 'different'
GO

-- case: accents matter
SELECT CASE WHEN N'café' = N'cafe' THEN 'equal' ELSE 'different' END
-- expect: 'different'
GO

-- case: LEN ignores trailing spaces and DATALENGTH does not
SELECT LEN('abc   '), DATALENGTH('abc   '), LEN('   abc'), DATALENGTH(N'abc ')
-- expect rows:
-- 3, 6, 6, 8
GO

-- case: LIKE ignores trailing spaces of the matched expression
SELECT CASE WHEN 'abc   ' LIKE 'abc' THEN 'match' ELSE 'no match' END
-- expect: 'match'
GO

-- case: LIKE counts trailing spaces of the pattern
SELECT CASE WHEN 'abc' LIKE 'abc ' THEN 'match' ELSE 'no match' END
-- expect: 'no match'
GO

-- case: LIKE ignores case
SELECT CASE WHEN 'ABC' LIKE 'a%c' THEN 'match' ELSE 'no match' END
-- expect: 'match'
GO

-- case: a case-sensitive COLLATE clause
SELECT CASE WHEN 'abc' = 'ABC' COLLATE Latin1_General_CS_AS THEN 'equal' ELSE 'different' END
-- expect: 'different'
GO

-- case: an accent-insensitive COLLATE clause
SELECT CASE WHEN N'café' = N'cafe' COLLATE Latin1_General_CI_AI THEN 'equal' ELSE 'different' END
-- expect: 'equal'
GO

-- case: WHERE matches all case and trailing-space variants
SELECT COUNT(*) FROM words WHERE w = 'Apple'
-- expect: 3
GO

-- case: DISTINCT and GROUP BY fold case and trailing spaces
SELECT COUNT(DISTINCT w), (SELECT COUNT(*) FROM (SELECT w FROM words GROUP BY w) AS g) FROM words
-- expect rows:
-- 2, 2
GO

-- case: ORDER BY is case-insensitive
SELECT TOP 1 w FROM words ORDER BY w DESC
-- expect: 'Banana'
GO

-- case: comparisons of letters ignore case
SELECT CASE WHEN 'a' < 'B' THEN 'less' ELSE 'not less' END
-- expect: 'less'
GO

-- case: REPLACE and CHARINDEX ignore case
SELECT REPLACE('ABCabc', 'b', 'x'), CHARINDEX('C', 'abc')
-- expect rows:
-- 'AxCaxc', 3
GO

-- case: NULL = NULL is unknown
SELECT CASE WHEN NULL = NULL THEN 'true' WHEN NOT (NULL = NULL) THEN 'false' ELSE 'unknown' END
-- expect: 'unknown'
GO

-- case: NULL <> 1 is unknown
DECLARE @n int
SELECT CASE WHEN @n <> 1 THEN 'true' WHEN NOT (@n <> 1) THEN 'false' ELSE 'unknown' END
-- expect: 'unknown'
GO

-- case: TRUE OR UNKNOWN is TRUE and FALSE AND UNKNOWN is FALSE
DECLARE @n int
SELECT
    CASE WHEN 1 = 1 OR @n = 1 THEN 'true' ELSE 'not true' END,
    CASE WHEN NOT (1 = 0 AND @n = 1) THEN 'false' ELSE 'not false' END,
    CASE WHEN 1 = 1 AND @n = 1 THEN 'true' WHEN NOT (1 = 1 AND @n = 1) THEN 'false' ELSE 'unknown' END
-- expect rows:
-- 'true', 'false', 'unknown'
GO

-- case: IS NULL and IS NOT NULL
DECLARE @n int
SELECT CASE WHEN @n IS NULL THEN 1 ELSE 0 END, CASE WHEN 5 IS NOT NULL THEN 1 ELSE 0 END
-- expect rows:
-- 1, 1
GO

-- case: NULL in arithmetic and concatenation yields NULL
SELECT NULL + 1, 'a' + NULL, NULL * 0
-- expect rows:
-- NULL, NULL, NULL
GO

-- case: IN with NULL in the list
SELECT CASE WHEN 1 IN (NULL, 1) THEN 'true' ELSE 'not true' END, CASE WHEN 2 NOT IN (1, NULL) THEN 'true' ELSE 'not true' END
-- expect rows:
-- 'true', 'not true'
GO

-- case: WHERE column = NULL finds nothing with ANSI_NULLS ON
SELECT COUNT(*) FROM (VALUES (1), (NULL)) AS v(x) WHERE x = NULL
-- expect: 0
GO

-- case: with ANSI_NULLS OFF a variable compares equal to NULL
SET ANSI_NULLS OFF
DECLARE @n int
SELECT CASE WHEN @n = NULL THEN 'equal' ELSE 'not equal' END
-- expect: 'equal'
GO

-- case: ANSI_NULLS shows in @@OPTIONS
SET ANSI_NULLS OFF
SELECT @@OPTIONS & 32
SET ANSI_NULLS ON
SELECT @@OPTIONS & 32
-- expect: 0
-- expect: 32
GO

-- case: CONCAT_NULL_YIELDS_NULL OFF treats NULL as empty
SET CONCAT_NULL_YIELDS_NULL OFF
SELECT 'a' + NULL + 'b'
-- expect: 'ab'
GO

-- case: integer division then multiplication
SELECT 5 / 2 * 2, 5 * 1.0 / 2
-- expect rows:
-- 4, 2.500000000000
-- expect types: int, decimal(24,12)
GO

-- case: integer division of negative numbers truncates toward zero
SELECT -5 / 2, -5 % 2
-- expect rows:
-- -2, -1
GO

-- case: CONVERT style 0 and 100
DECLARE @d datetime = '2020-01-02T03:04:05.123'
SELECT CONVERT(varchar(30), @d, 0), CONVERT(varchar(30), @d, 100)
-- expect rows:
-- 'Jan  2 2020  3:04AM', 'Jan  2 2020  3:04AM'
GO

-- case: CONVERT style 0 in the afternoon
DECLARE @d datetime = '2020-12-25T15:30:00'
SELECT CONVERT(varchar(30), @d, 0)
-- expect: 'Dec 25 2020  3:30PM'
GO

-- case: CAST of datetime to string uses style 0
DECLARE @d datetime = '2020-01-02T03:04:05.123'
SELECT CAST(@d AS varchar(30))
-- expect: 'Jan  2 2020  3:04AM'
GO

-- case: CONVERT styles 1 and 101
DECLARE @d datetime = '2020-01-02T03:04:05.123'
SELECT CONVERT(varchar(10), @d, 1), CONVERT(varchar(10), @d, 101)
-- expect rows:
-- '01/02/20', '01/02/2020'
GO

-- case: CONVERT styles 3 and 103
DECLARE @d datetime = '2020-01-02T03:04:05.123'
SELECT CONVERT(varchar(10), @d, 3), CONVERT(varchar(10), @d, 103)
-- expect rows:
-- '02/01/20', '02/01/2020'
GO

-- case: CONVERT style 112
DECLARE @d datetime = '2020-01-02T03:04:05.123'
SELECT CONVERT(varchar(8), @d, 112)
-- expect: '20200102'
GO

-- case: CONVERT styles 120 and 121
DECLARE @d datetime = '2020-01-02T03:04:05.123'
SELECT CONVERT(varchar(30), @d, 120), CONVERT(varchar(30), @d, 121)
-- expect rows:
-- '2020-01-02 03:04:05', '2020-01-02 03:04:05.123'
GO

-- case: CONVERT style 126
DECLARE @d datetime = '2020-01-02T03:04:05.123'
SELECT CONVERT(varchar(30), @d, 126)
-- expect: '2020-01-02T03:04:05.123'
GO

-- case: CONVERT style 126 drops zero milliseconds
DECLARE @d datetime = '2012-11-07T18:26:20.000'
SELECT CONVERT(varchar(30), @d, 126)
-- expect: '2012-11-07T18:26:20'
GO

-- case: CONVERT style 127 of a datetime
DECLARE @d datetime = '2020-01-02T03:04:05.123'
SELECT CONVERT(varchar(30), @d, 127)
-- expect: '2020-01-02T03:04:05.123'
GO

-- case: CONVERT style 127 reads a Z time zone
SELECT CONVERT(datetime, '2020-01-02T03:04:05.123Z', 127)
-- expect: datetime '2020-01-02 03:04:05.123'
GO

-- case: CONVERT style 108 gives the time
DECLARE @d datetime = '2020-01-02T03:04:05.123'
SELECT CONVERT(varchar(8), @d, 108)
-- expect: '03:04:05'
GO

-- case: CONVERT from a string with style 103 reads day first
SELECT CONVERT(date, '02/01/2020', 103), CONVERT(date, '02/01/2020', 101)
-- expect rows:
-- date '2020-01-02', date '2020-02-01'
GO

-- case: CONVERT from a string with style 112
SELECT CONVERT(datetime, '20200102', 112)
-- expect: datetime '2020-01-02 00:00:00'
GO

-- case: CONVERT from a string with style 126
SELECT CONVERT(datetime, '2006-04-25T15:50:59.997', 126)
-- expect: datetime '2006-04-25 15:50:59.997'
GO

-- case: date, datetime2 and time convert to strings in style 121
SELECT CAST(CAST('2020-01-02' AS date) AS varchar(20)), CAST(CAST('2020-01-02T03:04:05.123' AS datetime2(3)) AS varchar(30)), CAST(CAST('03:04:05' AS time(0)) AS varchar(20))
-- expect rows:
-- '2020-01-02', '2020-01-02 03:04:05.123', '03:04:05'
GO

-- case: money styles 0, 1 and 2
DECLARE @m money = 1234567.891
SELECT CONVERT(varchar(20), @m, 0), CONVERT(varchar(20), @m, 1), CONVERT(varchar(20), @m, 2)
-- expect rows:
-- '1234567.89', '1,234,567.89', '1234567.8910'
GO

-- case: binary to character styles 0, 1 and 2 (documented examples)
SELECT CONVERT(char(8), 0x4E616d65, 0), CONVERT(char(8), 0x4E616d65, 1), CONVERT(char(8), 0x4E616d65, 2)
-- expect rows:
-- 'Name    ', '0x4E616D', '4E616D65'
GO

-- case: character to binary styles 0 and 1 (documented examples)
SELECT CONVERT(binary(8), 'Name', 0), CONVERT(binary(4), '0x4E616D65', 1)
-- expect rows:
-- 0x4E616D6500000000, 0x4E616D65
GO

-- case: numeric to int truncates and to numeric rounds (documented example)
SELECT CAST(10.6496 AS int), CAST(-10.6496 AS int), CAST(10.6496 AS numeric), CAST(-10.6496 AS numeric)
-- expect rows:
-- 10, -10, 11., -11.
GO

-- case: rounding into money (documented example)
SELECT CAST(10.3496847 AS money)
-- expect: 10.3497
GO

-- case: decimal to string keeps the scale
SELECT CAST(1.50 AS varchar(10)), CAST(0.5 AS varchar(10)), CAST(-12 AS varchar(10))
-- expect rows:
-- '1.50', '0.5', '-12'
GO

-- case: float to string with style 0 uses up to six digits
SELECT CAST(123.456E0 AS varchar(30)), CAST(0.5E0 AS varchar(30)), CAST(1234567.0E0 AS varchar(30))
-- expect rows:
-- '123.456', '0.5', '1.23457e+006'
GO

-- case: int to a too-short char is an asterisk
SELECT CAST(123 AS char(2)), CAST(123 AS varchar(2))
-- expect rows:
-- '* ', '*'
GO

-- case: decimal to a too-short varchar is error 8115
SELECT CAST(12.345 AS varchar(4))
-- expect error: 8115, severity 16
GO

-- case: string to int ignores surrounding spaces
SELECT CAST(' 42 ' AS int), CAST('-7' AS int), CAST('+3' AS int)
-- expect rows:
-- 42, -7, 3
GO

-- case: decimal string to int is error 245
SELECT CAST('1.5' AS int)
-- expect error: 245, severity 16, 'Conversion failed when converting the varchar value ''1.5'' to data type int.'
GO

-- case: bad date string is error 241
SELECT CAST('not a date' AS datetime)
-- expect error: 241, severity 16, 'Conversion failed when converting date and/or time from character string.'
GO

-- case: out-of-range date string is error 242
SELECT CAST('2020-02-30' AS datetime)
-- expect error: 242, severity 16, 'The conversion of a varchar data type to a datetime data type resulted in an out-of-range value.'
GO

-- case: TRY_CAST returns NULL when the conversion fails
SELECT TRY_CAST('abc' AS int), TRY_CAST('12' AS int), TRY_CAST(300 AS tinyint)
-- expect rows:
-- NULL, 12, NULL
GO

-- case: TRY_CONVERT with a style
SELECT TRY_CONVERT(date, '2020-13-01'), TRY_CONVERT(date, '01/02/2020', 103)
-- expect rows:
-- NULL, date '2020-02-01'
GO

-- case: TRY_CAST of a conversion that is not allowed is an error
SELECT TRY_CAST(4 AS xml)
-- expect error: 529, severity 16, 'Explicit conversion from data type int to xml is not allowed.'
GO

-- case: PARSE a date with a culture (documented example)
SELECT PARSE('Monday, 13 December 2010' AS datetime2 USING 'en-US')
-- expect: datetime '2010-12-13 00:00:00'
-- expect type: datetime2(7)
GO

-- case: PARSE money with a German culture (documented example)
SELECT PARSE(N'€345,98' AS money USING 'de-DE')
-- expect: 345.9800
GO

-- case: TRY_PARSE returns NULL when parsing fails (documented example)
SELECT TRY_PARSE('Jabberwokkie' AS datetime2 USING 'en-US')
-- expect: NULL
GO

-- case: PARSE of a number
SELECT PARSE('1,234.5' AS decimal(10,2) USING 'en-US'), TRY_PARSE('12x' AS int)
-- expect rows:
-- 1234.50, NULL
GO

-- case: PARSE of text that is not a number is error 9819
SELECT PARSE('abc' AS int)
-- expect error: 9819, severity 16
GO

-- case: @@ROWCOUNT after SELECT
SELECT w FROM words
SELECT @@ROWCOUNT
-- expect rows unordered:
-- 'apple'
-- 'APPLE'
-- 'apple  '
-- 'Banana'
-- expect: 4
GO

-- case: @@ROWCOUNT after an assignment is 1 and after PRINT is 0
DECLARE @v int
SET @v = 5
SELECT @@ROWCOUNT
PRINT 'x'
SELECT @@ROWCOUNT
-- expect: 1
-- expect: 0
GO

-- case: a SET option resets @@ROWCOUNT to 0 and @@ROWCOUNT is int
SELECT 1 UNION ALL SELECT 2
SET NOCOUNT OFF
SELECT @@ROWCOUNT
-- expect rows unordered:
-- 1
-- 2
-- expect: 0
-- expect type: int
GO

-- case: SCOPE_IDENTITY and @@IDENTITY are NULL in a new session
SELECT SCOPE_IDENTITY(), @@IDENTITY
-- expect rows:
-- NULL, NULL
-- expect types: numeric(38,0), numeric(38,0)
GO

-- case: SCOPE_IDENTITY ignores the trigger and @@IDENTITY does not
INSERT INTO ident_main (v) VALUES (1)
SELECT
    CASE WHEN SCOPE_IDENTITY() = IDENT_CURRENT('ident_main') THEN 'main' END,
    CASE WHEN @@IDENTITY = IDENT_CURRENT('ident_audit') THEN 'audit' END,
    CASE WHEN @@IDENTITY >= 1000 AND SCOPE_IDENTITY() < 1000 THEN 'different' END
-- expect rows:
-- 'main', 'audit', 'different'
GO

-- case: SCOPE_IDENTITY after a multi-row insert is the last value
CREATE TABLE #ids (id int IDENTITY(5, 5), v int)
INSERT INTO #ids (v) VALUES (1), (2), (3)
SELECT SCOPE_IDENTITY(), @@IDENTITY
-- expect rows:
-- 15., 15.
GO

-- case: IDENT_CURRENT of a table without rows is the seed
CREATE TABLE ident_fresh (id int IDENTITY(7, 1))
SELECT IDENT_CURRENT('ident_fresh')
-- expect: 7.
GO

-- case: @@ERROR after an error and after a success
DECLARE @x int
SET @x = 1 / 0
SELECT @@ERROR
SELECT @@ERROR
-- expect error: 8134
-- expect: 8134
-- expect: 0
GO

-- case: @@ERROR is 0 after a successful statement
SELECT 1
SELECT @@ERROR
-- expect: 1
-- expect: 0
GO

-- case: @@TRANCOUNT and XACT_STATE outside and inside a transaction
SELECT @@TRANCOUNT, XACT_STATE()
BEGIN TRANSACTION
SELECT @@TRANCOUNT, XACT_STATE()
ROLLBACK
-- expect rows:
-- 0, 0
-- expect rows:
-- 1, 1
-- expect types: int, smallint
GO

-- case: SET NOCOUNT ON suppresses row counts
SET NOCOUNT ON
CREATE TABLE #nc (a int)
INSERT INTO #nc VALUES (1), (2)
-- expect rowcount: none
GO

-- case: SET NOCOUNT shows in @@OPTIONS
SET NOCOUNT ON
SELECT @@OPTIONS & 512
SET NOCOUNT OFF
SELECT @@OPTIONS & 512
-- expect: 512
-- expect: 0
GO

-- case: SET XACT_ABORT shows in @@OPTIONS
SET XACT_ABORT ON
SELECT @@OPTIONS & 16384
-- expect: 16384
GO

-- case: session defaults as an ODBC client gets them
SELECT @@OPTIONS & 8, @@OPTIONS & 16, @@OPTIONS & 32, @@OPTIONS & 256, @@OPTIONS & 4096, @@OPTIONS & 2
-- expect rows:
-- 8, 16, 32, 256, 4096, 0
GO

-- case: IMPLICIT_TRANSACTIONS starts a transaction at the first INSERT
CREATE TABLE #it (a int)
SET IMPLICIT_TRANSACTIONS ON
SELECT @@TRANCOUNT, @@OPTIONS & 2
INSERT INTO #it VALUES (1)
SELECT @@TRANCOUNT
ROLLBACK
SET IMPLICIT_TRANSACTIONS OFF
SELECT COUNT(*) FROM #it
-- expect rows:
-- 0, 2
-- expect: 1
-- expect: 0
GO

-- case: QUOTED_IDENTIFIER ON makes double quotes an identifier
SELECT "no_such_column"
-- expect error: 207, severity 16, 'Invalid column name ''no_such_column''.'
GO

-- case: QUOTED_IDENTIFIER OFF makes double quotes a string
SET QUOTED_IDENTIFIER OFF
EXEC ('SELECT "a string"')
-- expect: 'a string'
GO

-- case: quoted identifiers with spaces
CREATE TABLE #q ("my column" int, [other column] int)
INSERT INTO #q VALUES (1, 2)
SELECT "my column" + [other column] FROM #q
-- expect: 3
GO

-- case: SET DATEFORMAT dmy reads day first
SET DATEFORMAT dmy
DECLARE @s varchar(10) = '02/01/2020'
SELECT CAST(@s AS datetime)
-- expect: datetime '2020-01-02 00:00:00'
GO

-- case: SET DATEFORMAT does not change the yyyymmdd format
SET DATEFORMAT dmy
DECLARE @s varchar(10) = '20200102'
SELECT CAST(@s AS date)
-- expect: date '2020-01-02'
GO

-- case: SET DATEFORMAT dmy reads yyyy-mm-dd as year-day-month for datetime but not for date
SET DATEFORMAT dmy
DECLARE @s varchar(10) = '2020-01-02'
SELECT CAST(@s AS datetime), CAST(@s AS date)
-- expect rows:
-- datetime '2020-02-01 00:00:00', date '2020-01-02'
GO

-- case: SET DATEFIRST changes weekday numbers
SET DATEFIRST 1
SELECT @@DATEFIRST, DATEPART(weekday, CAST('2020-01-05' AS date))
-- expect rows:
-- 1, 7
GO

-- case: SET LANGUAGE changes @@LANGUAGE and DATEFIRST
SET LANGUAGE British
SELECT @@LANGUAGE, @@DATEFIRST
-- expect rows:
-- 'British', 1
GO

-- case: SET LANGUAGE changes month and day names
SET LANGUAGE German
SELECT DATENAME(month, CAST('2020-03-15' AS date)), DATENAME(weekday, CAST('2020-01-05' AS date))
-- expect rows:
-- 'März', 'Sonntag'
GO

-- case: SET LANGUAGE British reads dates day first
SET LANGUAGE British
DECLARE @s varchar(10) = '02/01/2020'
SELECT CAST(@s AS datetime)
-- expect: datetime '2020-01-02 00:00:00'
GO

-- case: SET TEXTSIZE limits varchar(max) results
SET TEXTSIZE 5
SELECT CAST('abcdefghij' AS varchar(max)), @@TEXTSIZE
-- expect rows:
-- 'abcde', 5
GO

-- case: SET TEXTSIZE counts bytes for nvarchar(max)
SET TEXTSIZE 4
SELECT CAST(N'abcdef' AS nvarchar(max))
-- expect: 'ab'
GO

-- case: SET TEXTSIZE does not limit varchar(n)
SET TEXTSIZE 2
SELECT CAST('abcdef' AS varchar(10))
-- expect: 'abcdef'
GO
