-- DML: INSERT, UPDATE, DELETE, MERGE, TRUNCATE, OUTPUT and @@ROWCOUNT.
-- Cases change only temp tables and table variables they create themselves.
CREATE TABLE colours (id int NOT NULL PRIMARY KEY, name varchar(10) NOT NULL)
INSERT INTO colours VALUES (1, 'red'), (2, 'green'), (3, 'blue')
GO
CREATE PROCEDURE dbo.two_rows
AS
    SELECT 10 AS id, 'ten' AS name
    UNION ALL
    SELECT 20, 'twenty'
GO

-- case: multi-row VALUES inserts every row
CREATE TABLE #t (a int, b varchar(5))
INSERT INTO #t VALUES (1, 'x'), (2, 'y'), (3, 'z')
-- expect rowcount: 3
GO

-- case: @@ROWCOUNT after a multi-row insert
CREATE TABLE #t (a int)
INSERT INTO #t VALUES (1), (2), (3)
SELECT @@ROWCOUNT
-- expect: 3
GO

-- case: INSERT with a column list in another order
CREATE TABLE #t (a int, b varchar(5))
INSERT INTO #t (b, a) VALUES ('x', 1)
SELECT a, b FROM #t
-- expect rows:
-- 1, 'x'
GO

-- case: omitted columns get NULL or their default
CREATE TABLE #t (a int, b varchar(5) NULL, c int DEFAULT 7)
INSERT INTO #t (a) VALUES (1)
SELECT a, b, c FROM #t
-- expect rows:
-- 1, NULL, 7
GO

-- case: DEFAULT keyword in VALUES
CREATE TABLE #t (a int, c int DEFAULT 7)
INSERT INTO #t VALUES (1, DEFAULT)
SELECT a, c FROM #t
-- expect rows:
-- 1, 7
GO

-- case: INSERT DEFAULT VALUES with identity and defaults
CREATE TABLE #t (id int IDENTITY(1,1), c varchar(5) DEFAULT 'dflt', n int NULL)
INSERT INTO #t DEFAULT VALUES
INSERT INTO #t DEFAULT VALUES
SELECT id, c, n FROM #t ORDER BY id
-- expect rows:
-- 1, 'dflt', NULL
-- 2, 'dflt', NULL
GO

-- case: INSERT ... SELECT
CREATE TABLE #t (id int, name varchar(10))
INSERT INTO #t (id, name) SELECT id, name FROM colours WHERE id > 1
SELECT @@ROWCOUNT, (SELECT COUNT(*) FROM #t)
-- expect rows:
-- 2, 2
GO

-- case: INSERT ... SELECT of no rows affects 0 rows
CREATE TABLE #t (id int)
INSERT INTO #t SELECT id FROM colours WHERE id > 100
-- expect rowcount: 0
GO

-- case: INSERT ... EXEC of a procedure
CREATE TABLE #t (id int, name varchar(10))
INSERT INTO #t EXEC dbo.two_rows
SELECT id, name FROM #t ORDER BY id
-- expect rows:
-- 10, 'ten'
-- 20, 'twenty'
GO

-- case: INSERT ... EXEC of a string
CREATE TABLE #t (id int)
INSERT INTO #t EXEC ('SELECT 5 UNION ALL SELECT 6')
SELECT SUM(id) FROM #t
-- expect: 11
GO

-- case: INSERT TOP limits the inserted rows
CREATE TABLE #t (id int)
INSERT TOP (2) INTO #t SELECT id FROM colours
SELECT COUNT(*) FROM #t
-- expect: 2
GO

-- case: INSERT with OUTPUT INSERTED.* returns the new rows
CREATE TABLE #t (id int IDENTITY(1,1), name varchar(10))
INSERT INTO #t (name) OUTPUT INSERTED.* VALUES ('a')
-- expect rows:
-- 1, 'a'
-- expect columns: id, name
GO

-- case: INSERT OUTPUT of the identity values
CREATE TABLE #t (id int IDENTITY(100,10), name varchar(10))
INSERT INTO #t (name) OUTPUT INSERTED.id, INSERTED.name VALUES ('a'), ('b')
-- expect rows unordered:
-- 100, 'a'
-- 110, 'b'
GO

-- case: OUTPUT INTO a table variable
DECLARE @ids TABLE (id int)
CREATE TABLE #t (id int IDENTITY(1,1), name varchar(10))
INSERT INTO #t (name) OUTPUT INSERTED.id INTO @ids VALUES ('a'), ('b'), ('c')
SELECT COUNT(*), SUM(id) FROM @ids
-- expect rows:
-- 3, 6
GO

-- case: INSERT with more values than columns is error 110
CREATE TABLE #t (a int, b int)
INSERT INTO #t (a) VALUES (1, 2)
-- expect error: 110, severity 15
GO

-- case: INSERT with too few values is error 213
CREATE TABLE #t (a int, b int)
INSERT INTO #t VALUES (1)
-- expect error: 213, severity 16, 'Column name or number of supplied values does not match table definition.'
GO

-- case: UPDATE reports its row count
CREATE TABLE #t (a int)
INSERT INTO #t VALUES (1), (2), (3)
UPDATE #t SET a = a * 10 WHERE a >= 2
-- expect rowcount: 2
GO

-- case: @@ROWCOUNT after UPDATE
CREATE TABLE #t (a int)
INSERT INTO #t VALUES (1), (2), (3)
UPDATE #t SET a = 0
SELECT @@ROWCOUNT
-- expect: 3
GO

-- case: UPDATE matching no rows sets @@ROWCOUNT to 0
CREATE TABLE #t (a int)
INSERT INTO #t VALUES (1)
UPDATE #t SET a = 2 WHERE a = 99
SELECT @@ROWCOUNT
-- expect: 0
GO

-- case: UPDATE right-hand sides see the old row
CREATE TABLE #t (a int, b int)
INSERT INTO #t VALUES (1, 2)
UPDATE #t SET a = b, b = a
SELECT a, b FROM #t
-- expect rows:
-- 2, 1
GO

-- case: UPDATE with FROM and JOIN
CREATE TABLE #t (id int, label varchar(10))
INSERT INTO #t VALUES (1, NULL), (3, NULL), (9, NULL)
UPDATE t SET label = c.name FROM #t AS t JOIN colours AS c ON c.id = t.id
SELECT id, label FROM #t ORDER BY id
-- expect rows:
-- 1, 'red'
-- 3, 'blue'
-- 9, NULL
GO

-- case: UPDATE with a correlated subquery
CREATE TABLE #t (id int, label varchar(10))
INSERT INTO #t VALUES (2, NULL), (9, 'keep')
UPDATE #t SET label = (SELECT name FROM colours WHERE colours.id = #t.id)
SELECT id, label FROM #t ORDER BY id
-- expect rows:
-- 2, 'green'
-- 9, NULL
GO

-- case: UPDATE TOP limits the updated rows
CREATE TABLE #t (a int)
INSERT INTO #t VALUES (1), (1), (1)
UPDATE TOP (2) #t SET a = 5
SELECT SUM(a)
FROM #t
-- expect: 11
GO

-- case: UPDATE with OUTPUT of deleted and inserted values
CREATE TABLE #t (id int, v int)
INSERT INTO #t VALUES (1, 10)
UPDATE #t SET v = v + 1 OUTPUT DELETED.v, INSERTED.v WHERE id = 1
-- expect rows:
-- 10, 11
-- expect columns: v, v
GO

-- case: UPDATE setting a variable and a column together
CREATE TABLE #t (v int)
INSERT INTO #t VALUES (5)
DECLARE @old int
UPDATE #t SET @old = v, v = v * 2
SELECT @old, v FROM #t
-- expect rows:
-- 5, 10
GO

-- case: UPDATE of an identity column is error 8102
CREATE TABLE #t (id int IDENTITY(1,1), v int)
INSERT INTO #t (v) VALUES (1)
UPDATE #t SET id = 5
-- expect error: 8102, severity 16, 'Cannot update identity column ''id''.'
GO

-- case: DELETE with WHERE
CREATE TABLE #t (a int)
INSERT INTO #t VALUES (1), (2), (3), (4)
DELETE FROM #t WHERE a % 2 = 0
SELECT @@ROWCOUNT, (SELECT COUNT(*) FROM #t)
-- expect rows:
-- 2, 2
GO

-- case: DELETE without FROM keyword
CREATE TABLE #t (a int)
INSERT INTO #t VALUES (1), (2)
DELETE #t WHERE a = 1
SELECT a FROM #t
-- expect: 2
GO

-- case: DELETE with a join
CREATE TABLE #t (id int)
INSERT INTO #t VALUES (1), (2), (50)
DELETE t FROM #t AS t JOIN colours AS c ON c.id = t.id
SELECT id FROM #t
-- expect: 50
GO

-- case: DELETE TOP
CREATE TABLE #t (a int)
INSERT INTO #t VALUES (1), (1), (1)
DELETE TOP (1) FROM #t
SELECT COUNT(*) FROM #t
-- expect: 2
GO

-- case: DELETE with OUTPUT DELETED.*
CREATE TABLE #t (id int, name varchar(5))
INSERT INTO #t VALUES (1, 'a'), (2, 'b')
DELETE FROM #t OUTPUT DELETED.* WHERE id = 2
-- expect rows:
-- 2, 'b'
GO

-- case: DELETE of all rows reports the count
CREATE TABLE #t (a int)
INSERT INTO #t VALUES (1), (2), (3), (4), (5)
DELETE FROM #t
-- expect rowcount: 5
GO

-- case: MERGE inserts, updates and deletes
CREATE TABLE #target (id int PRIMARY KEY, v varchar(5))
INSERT INTO #target VALUES (1, 'old'), (2, 'old'), (3, 'old')
MERGE #target AS t
USING (VALUES (2, 'new'), (4, 'new')) AS s (id, v)
ON t.id = s.id
WHEN MATCHED THEN UPDATE SET v = s.v
WHEN NOT MATCHED BY TARGET THEN INSERT (id, v) VALUES (s.id, s.v)
WHEN NOT MATCHED BY SOURCE THEN DELETE;
SELECT id, v FROM #target ORDER BY id
-- expect rows:
-- 2, 'new'
-- 4, 'new'
GO

-- case: MERGE row count is the total of all actions
CREATE TABLE #target (id int PRIMARY KEY, v varchar(5))
INSERT INTO #target VALUES (1, 'old'), (2, 'old')
MERGE #target AS t
USING (VALUES (2, 'new'), (3, 'new')) AS s (id, v)
ON t.id = s.id
WHEN MATCHED THEN UPDATE SET v = s.v
WHEN NOT MATCHED THEN INSERT (id, v) VALUES (s.id, s.v);
SELECT @@ROWCOUNT
-- expect: 2
GO

-- case: MERGE OUTPUT with $action
CREATE TABLE #target (id int PRIMARY KEY, v varchar(5))
INSERT INTO #target VALUES (1, 'old'), (2, 'old')
MERGE #target AS t
USING (VALUES (2, 'new'), (3, 'new')) AS s (id, v)
ON t.id = s.id
WHEN MATCHED THEN UPDATE SET v = s.v
WHEN NOT MATCHED BY TARGET THEN INSERT (id, v) VALUES (s.id, s.v)
WHEN NOT MATCHED BY SOURCE THEN DELETE
OUTPUT $action, INSERTED.id, DELETED.id;
-- expect rows unordered:
-- 'UPDATE', 2, 2
-- 'INSERT', 3, NULL
-- 'DELETE', NULL, 1
GO

-- case: MERGE with a conditional WHEN MATCHED
CREATE TABLE #target (id int PRIMARY KEY, v int)
INSERT INTO #target VALUES (1, 10), (2, 20)
MERGE #target AS t
USING (VALUES (1, 0), (2, 5)) AS s (id, delta)
ON t.id = s.id
WHEN MATCHED AND s.delta = 0 THEN DELETE
WHEN MATCHED THEN UPDATE SET v = t.v + s.delta;
SELECT id, v FROM #target
-- expect rows:
-- 2, 25
GO

-- case: MERGE must end with a semicolon
CREATE TABLE #target (id int)
MERGE #target AS t USING (VALUES (1)) AS s (id) ON t.id = s.id
WHEN NOT MATCHED THEN INSERT (id) VALUES (s.id)
-- expect error: 10713, severity 15, 'A MERGE statement must be terminated by a semi-colon (;).'
GO

-- case: MERGE updating a row twice is error 8672
CREATE TABLE #target (id int PRIMARY KEY, v int)
INSERT INTO #target VALUES (1, 0)
MERGE #target AS t
USING (VALUES (1, 1), (1, 2)) AS s (id, v)
ON t.id = s.id
WHEN MATCHED THEN UPDATE SET v = s.v;
-- expect error: 8672, severity 16
GO

-- case: TRUNCATE TABLE removes all rows
CREATE TABLE #t (a int)
INSERT INTO #t VALUES (1), (2)
TRUNCATE TABLE #t
SELECT COUNT(*) FROM #t
-- expect: 0
GO

-- case: TRUNCATE TABLE resets the identity
CREATE TABLE #t (id int IDENTITY(1,1), v int)
INSERT INTO #t (v) VALUES (1), (2), (3)
TRUNCATE TABLE #t
INSERT INTO #t (v) VALUES (9)
SELECT id FROM #t
-- expect: 1
GO

-- case: DELETE does not reset the identity
CREATE TABLE #t (id int IDENTITY(1,1), v int)
INSERT INTO #t (v) VALUES (1), (2), (3)
DELETE FROM #t
INSERT INTO #t (v) VALUES (9)
SELECT id FROM #t
-- expect: 4
GO

-- case: table variables take INSERT, UPDATE and DELETE
DECLARE @t TABLE (id int PRIMARY KEY, v int)
INSERT INTO @t VALUES (1, 1), (2, 2), (3, 3)
UPDATE @t SET v = v * 100 WHERE id = 2
DELETE FROM @t WHERE id = 3
SELECT id, v FROM @t ORDER BY id
-- expect rows:
-- 1, 1
-- 2, 200
GO

-- case: INSERT VALUES with expressions and a subquery
CREATE TABLE #t (a int, b varchar(20))
INSERT INTO #t VALUES (1 + 2, (SELECT name FROM colours WHERE id = 3))
SELECT a, b FROM #t
-- expect rows:
-- 3, 'blue'
GO

-- case: identity values follow the ORDER BY of INSERT ... SELECT
CREATE TABLE #t (id int IDENTITY(1,1), name varchar(10))
INSERT INTO #t (name) SELECT name FROM colours ORDER BY name
SELECT id, name FROM #t ORDER BY id
-- expect rows:
-- 1, 'blue'
-- 2, 'green'
-- 3, 'red'
GO

-- case: @@ROWCOUNT is reset by the next statement
DECLARE @after_insert int
CREATE TABLE #t (a int)
INSERT INTO #t VALUES (1), (2)
SET @after_insert = @@ROWCOUNT
SELECT @after_insert, @@ROWCOUNT
-- expect rows:
-- 2, 1
GO

-- case: SET NOCOUNT ON does not change @@ROWCOUNT
SET NOCOUNT ON
CREATE TABLE #t (a int)
INSERT INTO #t VALUES (1), (2), (3)
SELECT @@ROWCOUNT
-- expect: 3
GO

-- case: a failed INSERT inserts nothing
CREATE TABLE #t (a int PRIMARY KEY)
INSERT INTO #t VALUES (1)
INSERT INTO #t VALUES (2), (1)
SELECT COUNT(*) FROM #t
-- expect error: 2627
-- expect: 1
GO

-- case: UPDATE with CASE
CREATE TABLE #t (a int)
INSERT INTO #t VALUES (1), (2), (3)
UPDATE #t SET a = CASE WHEN a = 2 THEN 20 ELSE a END
SELECT SUM(a) FROM #t
-- expect: 24
GO

-- case: SET ROWCOUNT limits UPDATE
CREATE TABLE #t (a int)
INSERT INTO #t VALUES (0), (0), (0)
SET ROWCOUNT 2
UPDATE #t SET a = 1
SET ROWCOUNT 0
SELECT SUM(a) FROM #t
-- expect: 2
GO

-- case: UPDATE that shifts unique keys succeeds: keys are checked when the statement ends
CREATE TABLE #shift (id int PRIMARY KEY, pos int UNIQUE)
INSERT INTO #shift VALUES (1, 1), (2, 2), (3, 3)
UPDATE #shift SET pos = pos + 1
SELECT id, pos FROM #shift ORDER BY id
-- expect rows:
-- 1, 2
-- 2, 3
-- 3, 4
GO

-- case: UPDATE that swaps primary keys succeeds
CREATE TABLE #swap (id int PRIMARY KEY, name varchar(5))
INSERT INTO #swap VALUES (1, 'a'), (2, 'b'), (3, 'c')
UPDATE #swap SET id = 4 - id
SELECT id, name FROM #swap ORDER BY id
-- expect rows:
-- 1, 'c'
-- 2, 'b'
-- 3, 'a'
GO

-- case: UPDATE that leaves a duplicate key fails and changes nothing
CREATE TABLE #dup (id int PRIMARY KEY, pos int UNIQUE)
INSERT INTO #dup VALUES (1, 1), (2, 2)
UPDATE #dup SET pos = 5
-- expect error: 2627, severity 14
GO
