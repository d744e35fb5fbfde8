-- SELECT: TOP, OFFSET/FETCH, DISTINCT, joins, APPLY, grouping, subqueries, CTEs, set operators,
-- window functions, CASE, SELECT INTO.
CREATE TABLE emp (
    id int NOT NULL PRIMARY KEY,
    name varchar(20) NOT NULL,
    dept varchar(10) NULL,
    salary int NOT NULL,
    manager_id int NULL
)
INSERT INTO emp VALUES
    (1, 'Ann', 'eng', 100, NULL),
    (2, 'Bob', 'eng', 80, 1),
    (3, 'Cid', 'ops', 80, 1),
    (4, 'Dee', 'ops', 60, 3),
    (5, 'Eve', NULL, 50, 3),
    (6, 'Fay', 'eng', 80, 2)
CREATE TABLE dept (code varchar(10) NOT NULL PRIMARY KEY, title varchar(30) NOT NULL)
INSERT INTO dept VALUES ('eng', 'Engineering'), ('ops', 'Operations'), ('hr', 'People')
CREATE TABLE sales (yr int NOT NULL, region char(1) NOT NULL, amount int NOT NULL)
INSERT INTO sales VALUES (2020, 'N', 10), (2020, 'S', 20), (2021, 'N', 30), (2021, 'S', 40)
CREATE TABLE empty_t (id int NULL, v int NULL)
GO

-- case: TOP n with ORDER BY
SELECT TOP 2 id, salary FROM emp ORDER BY salary DESC, id
-- expect rows:
-- 1, 100
-- 2, 80
GO

-- case: TOP with a parenthesised variable
DECLARE @n int = 3
SELECT TOP (@n) id FROM emp ORDER BY id
-- expect rows:
-- 1
-- 2
-- 3
GO

-- case: TOP WITH TIES includes rows equal to the last one
SELECT TOP (2) WITH TIES id, salary FROM emp ORDER BY salary DESC
-- expect rows unordered:
-- 1, 100
-- 2, 80
-- 3, 80
-- 6, 80
GO

-- case: TOP PERCENT rounds the row count up
SELECT TOP (40) PERCENT id FROM emp ORDER BY id
-- expect rows:
-- 1
-- 2
-- 3
GO

-- case: TOP 0 returns no rows but a result set
SELECT TOP 0 id, name FROM emp
-- expect rows:
-- expect columns: id, name
GO

-- case: OFFSET and FETCH page through ordered rows
SELECT id FROM emp ORDER BY id OFFSET 2 ROWS FETCH NEXT 2 ROWS ONLY
-- expect rows:
-- 3
-- 4
GO

-- case: OFFSET without FETCH skips rows
SELECT id FROM emp ORDER BY id OFFSET 4 ROWS
-- expect rows:
-- 5
-- 6
GO

-- case: OFFSET with variables and FETCH FIRST
DECLARE @skip int = 1, @take int = 2
SELECT id FROM emp ORDER BY id DESC OFFSET @skip ROWS FETCH FIRST @take ROWS ONLY
-- expect rows:
-- 5
-- 4
GO

-- case: DISTINCT removes duplicates
SELECT DISTINCT salary FROM emp ORDER BY salary
-- expect rows:
-- 50
-- 60
-- 80
-- 100
GO

-- case: DISTINCT keeps one NULL and NULL sorts first
SELECT DISTINCT dept FROM emp ORDER BY dept
-- expect rows:
-- NULL
-- 'eng'
-- 'ops'
GO

-- case: COUNT DISTINCT ignores NULL
SELECT COUNT(DISTINCT dept), COUNT(dept), COUNT(*) FROM emp
-- expect rows:
-- 2, 5, 6
GO

-- case: ORDER BY DESC puts NULL last
SELECT dept FROM emp WHERE id IN (1, 3, 5) ORDER BY dept DESC
-- expect rows:
-- 'ops'
-- 'eng'
-- NULL
GO

-- case: ORDER BY a column alias and by ordinal
SELECT name AS who, salary * 2 AS doubled FROM emp WHERE id <= 3 ORDER BY doubled DESC, 1
-- expect rows:
-- 'Ann', 200
-- 'Bob', 160
-- 'Cid', 160
GO

-- case: column aliases in three forms
SELECT 1 AS a, b = 2, 3 c, 4 'd'
-- expect rows:
-- 1, 2, 3, 4
-- expect columns: a, b, c, d
GO

-- case: an expression without an alias has no column name
SELECT 1 + 1, id FROM emp WHERE id = 1
-- expect rows:
-- 2, 1
-- expect columns: '', id
GO

-- case: inner join drops unmatched rows
SELECT e.name, d.title FROM emp AS e INNER JOIN dept AS d ON e.dept = d.code WHERE d.code = 'ops' ORDER BY e.id
-- expect rows:
-- 'Cid', 'Operations'
-- 'Dee', 'Operations'
GO

-- case: inner join row count
SELECT COUNT(*) FROM emp e JOIN dept d ON e.dept = d.code
-- expect: 5
GO

-- case: left join keeps unmatched left rows with NULLs
SELECT e.name, d.title FROM emp e LEFT JOIN dept d ON e.dept = d.code WHERE e.id >= 4 ORDER BY e.id
-- expect rows:
-- 'Dee', 'Operations'
-- 'Eve', NULL
-- 'Fay', 'Engineering'
GO

-- case: right join keeps unmatched right rows
SELECT d.code, COUNT(e.id) FROM emp e RIGHT JOIN dept d ON e.dept = d.code GROUP BY d.code ORDER BY d.code
-- expect rows:
-- 'eng', 3
-- 'hr', 0
-- 'ops', 2
GO

-- case: full join keeps unmatched rows of both sides
SELECT e.name, d.code FROM emp e FULL OUTER JOIN dept d ON e.dept = d.code WHERE e.id IS NULL OR d.code IS NULL
-- expect rows unordered:
-- 'Eve', NULL
-- NULL, 'hr'
GO

-- case: cross join is the cartesian product
SELECT COUNT(*) FROM emp CROSS JOIN dept
-- expect: 18
GO

-- case: self join
SELECT e.name, m.name FROM emp e LEFT JOIN emp m ON e.manager_id = m.id WHERE e.id IN (1, 4) ORDER BY e.id
-- expect rows:
-- 'Ann', NULL
-- 'Dee', 'Cid'
GO

-- case: join condition in ON versus WHERE for outer joins
SELECT d.code, e.name FROM dept d LEFT JOIN emp e ON e.dept = d.code AND e.salary > 90 ORDER BY d.code
-- expect rows:
-- 'eng', 'Ann'
-- 'hr', NULL
-- 'ops', NULL
GO

-- case: CROSS APPLY runs a correlated TOP per row
SELECT d.code, x.name FROM dept d CROSS APPLY (SELECT TOP 1 name FROM emp WHERE emp.dept = d.code ORDER BY salary DESC, id) AS x ORDER BY d.code
-- expect rows:
-- 'eng', 'Ann'
-- 'ops', 'Cid'
GO

-- case: OUTER APPLY keeps rows without a match
SELECT d.code, x.name FROM dept d OUTER APPLY (SELECT TOP 1 name FROM emp WHERE emp.dept = d.code ORDER BY salary, id) AS x ORDER BY d.code
-- expect rows:
-- 'eng', 'Bob'
-- 'hr', NULL
-- 'ops', 'Dee'
GO

-- case: CROSS APPLY over VALUES unpivots columns
SELECT v.k, v.val FROM (SELECT 1 AS a, 2 AS b) AS t CROSS APPLY (VALUES ('a', t.a), ('b', t.b)) AS v(k, val) ORDER BY v.k
-- expect rows:
-- 'a', 1
-- 'b', 2
GO

-- case: GROUP BY with aggregates and a NULL group
SELECT dept, COUNT(*), SUM(salary), MIN(name), MAX(salary) FROM emp GROUP BY dept ORDER BY dept
-- expect rows:
-- NULL, 1, 50, 'Eve', 50
-- 'eng', 3, 260, 'Ann', 100
-- 'ops', 2, 140, 'Cid', 80
GO

-- case: HAVING filters groups
SELECT dept FROM emp GROUP BY dept HAVING COUNT(*) > 2
-- expect: 'eng'
GO

-- case: GROUP BY an expression
SELECT salary / 50, COUNT(*) FROM emp GROUP BY salary / 50 ORDER BY salary / 50
-- expect rows:
-- 1, 5
-- 2, 1
GO

-- case: aggregates over no rows
SELECT COUNT(*), COUNT(v), SUM(v), MAX(v), AVG(v) FROM empty_t
-- expect rows:
-- 0, 0, NULL, NULL, NULL
GO

-- case: GROUP BY over no rows returns no rows
SELECT id, COUNT(*) FROM empty_t GROUP BY id
-- expect rows:
GO

-- case: column not in GROUP BY is error 8120
SELECT dept, name FROM emp GROUP BY dept
-- expect error: 8120, severity 16, 'Column ''emp.name'' is invalid in the select list because it is not contained in either an aggregate function or the GROUP BY clause.'
GO

-- case: ROLLUP adds a grand total
SELECT yr, SUM(amount) FROM sales GROUP BY ROLLUP (yr) ORDER BY GROUPING(yr), yr
-- expect rows:
-- 2020, 30
-- 2021, 70
-- NULL, 100
GO

-- case: ROLLUP of two columns with GROUPING
SELECT yr, region, SUM(amount), GROUPING(yr), GROUPING(region) FROM sales GROUP BY ROLLUP (yr, region) ORDER BY GROUPING(yr), yr, GROUPING(region), region
-- expect rows:
-- 2020, 'N', 10, 0, 0
-- 2020, 'S', 20, 0, 0
-- 2020, NULL, 30, 0, 1
-- 2021, 'N', 30, 0, 0
-- 2021, 'S', 40, 0, 0
-- 2021, NULL, 70, 0, 1
-- NULL, NULL, 100, 1, 1
GO

-- case: CUBE produces every combination
SELECT COUNT(*) FROM (SELECT yr, region, SUM(amount) AS total FROM sales GROUP BY CUBE (yr, region)) AS c
-- expect: 9
GO

-- case: CUBE subtotals by the second column
SELECT region, SUM(amount) FROM sales GROUP BY CUBE (yr, region) HAVING GROUPING(yr) = 1 AND GROUPING(region) = 0 ORDER BY region
-- expect rows:
-- 'N', 40
-- 'S', 60
GO

-- case: GROUPING SETS
SELECT yr, region, SUM(amount) FROM sales GROUP BY GROUPING SETS ((yr), (region)) ORDER BY yr, region
-- expect rows:
-- NULL, 'N', 40
-- NULL, 'S', 60
-- 2020, NULL, 30
-- 2021, NULL, 70
GO

-- case: GROUPING_ID of the grand total
SELECT GROUPING_ID(yr, region), SUM(amount) FROM sales GROUP BY ROLLUP (yr, region) HAVING GROUPING_ID(yr, region) = 3
-- expect rows:
-- 3, 100
GO

-- case: scalar subquery in the select list
SELECT name, (SELECT title FROM dept WHERE code = e.dept) FROM emp AS e WHERE id IN (2, 5) ORDER BY id
-- expect rows:
-- 'Bob', 'Engineering'
-- 'Eve', NULL
GO

-- case: scalar subquery with several rows is error 512
SELECT (SELECT id FROM emp)
-- expect error: 512, severity 16
GO

-- case: IN with a subquery
SELECT name FROM emp WHERE dept IN (SELECT code FROM dept WHERE title LIKE 'O%') ORDER BY id
-- expect rows:
-- 'Cid'
-- 'Dee'
GO

-- case: NOT IN with a NULL in the subquery matches nothing
SELECT COUNT(*) FROM dept WHERE code NOT IN (SELECT dept FROM emp)
-- expect: 0
GO

-- case: NOT EXISTS finds departments without employees
SELECT code FROM dept d WHERE NOT EXISTS (SELECT * FROM emp e WHERE e.dept = d.code)
-- expect: 'hr'
GO

-- case: correlated subquery against the group average
SELECT name FROM emp AS e WHERE salary > (SELECT AVG(salary) FROM emp AS i WHERE i.dept = e.dept) ORDER BY id
-- expect rows:
-- 'Ann'
-- 'Cid'
GO

-- case: ALL and ANY comparisons
SELECT
    (SELECT COUNT(*) FROM emp WHERE salary > ALL (SELECT salary FROM emp WHERE dept = 'ops')),
    (SELECT COUNT(*) FROM emp WHERE salary = ANY (SELECT salary FROM emp WHERE dept = 'ops'))
-- expect rows:
-- 1, 4
GO

-- case: derived table
SELECT MAX(total) FROM (SELECT dept, SUM(salary) AS total FROM emp GROUP BY dept) AS t
-- expect: 260
GO

-- case: derived table column without a name is error 8155
SELECT * FROM (SELECT 1) AS d
-- expect error: 8155, severity 16, 'No column name was specified for column 1 of ''d''.'
GO

-- case: ORDER BY in a derived table without TOP is error 1033
SELECT * FROM (SELECT id FROM emp ORDER BY id) AS d
-- expect error: 1033, severity 15
GO

-- case: VALUES as a derived table
SELECT SUM(a * b) FROM (VALUES (1, 2), (3, 4), (5, 6)) AS v(a, b)
-- expect: 44
GO

-- case: simple CTE
WITH eng AS (SELECT id, name FROM emp WHERE dept = 'eng')
SELECT COUNT(*) FROM eng
-- expect: 3
GO

-- case: CTE with column names referenced twice
WITH totals (dept, total) AS (SELECT dept, SUM(salary) FROM emp WHERE dept IS NOT NULL GROUP BY dept)
SELECT a.dept, b.dept FROM totals a JOIN totals b ON a.total < b.total
-- expect rows:
-- 'ops', 'eng'
GO

-- case: several CTEs, the second using the first
WITH a AS (SELECT id FROM emp WHERE salary >= 80), b AS (SELECT id FROM a WHERE id > 1)
SELECT COUNT(*) FROM b
-- expect: 3
GO

-- case: recursive CTE counts
WITH n AS (SELECT 1 AS x UNION ALL SELECT x + 1 FROM n WHERE x < 5)
SELECT SUM(x), COUNT(*) FROM n
-- expect rows:
-- 15, 5
GO

-- case: recursive CTE walks a hierarchy
WITH chain AS (
    SELECT id, name, 0 AS lvl FROM emp WHERE manager_id IS NULL
    UNION ALL
    SELECT e.id, e.name, c.lvl + 1 FROM emp e JOIN chain c ON e.manager_id = c.id
)
SELECT name, lvl FROM chain ORDER BY lvl, name
-- expect rows:
-- 'Ann', 0
-- 'Bob', 1
-- 'Cid', 1
-- 'Dee', 2
-- 'Eve', 2
-- 'Fay', 2
GO

-- case: recursion beyond MAXRECURSION is error 530
WITH n AS (SELECT 1 AS x UNION ALL SELECT x + 1 FROM n)
SELECT x FROM n OPTION (MAXRECURSION 10)
-- expect error: 530, severity 16, 'The statement terminated. The maximum recursion 10 has been exhausted before statement completion.'
GO

-- case: MAXRECURSION 0 allows deep recursion
WITH n AS (SELECT 1 AS x UNION ALL SELECT x + 1 FROM n WHERE x < 200)
SELECT MAX(x) FROM n OPTION (MAXRECURSION 0)
-- expect: 200
GO

-- case: default recursion limit of 100 is error 530
WITH n AS (SELECT 1 AS x UNION ALL SELECT x + 1 FROM n WHERE x < 200)
SELECT MAX(x) FROM n
-- expect error: 530, 'The statement terminated. The maximum recursion 100 has been exhausted before statement completion.'
GO

-- case: UNION removes duplicates
SELECT COUNT(*) FROM (SELECT salary FROM emp UNION SELECT 80) AS u
-- expect: 4
GO

-- case: UNION ALL keeps duplicates
SELECT COUNT(*) FROM (SELECT salary FROM emp UNION ALL SELECT 80) AS u
-- expect: 7
GO

-- case: EXCEPT
SELECT code FROM dept EXCEPT SELECT dept FROM emp
-- expect: 'hr'
GO

-- case: INTERSECT
SELECT dept FROM emp INTERSECT SELECT code FROM dept ORDER BY 1
-- expect rows:
-- 'eng'
-- 'ops'
GO

-- case: EXCEPT treats NULLs as equal
SELECT COUNT(*) FROM (SELECT dept FROM emp EXCEPT SELECT CAST(NULL AS varchar(10))) AS x
-- expect: 2
GO

-- case: UNION takes column names from the first query
SELECT 1 AS first_name UNION SELECT 2 AS second_name ORDER BY 1
-- expect rows:
-- 1
-- 2
-- expect columns: first_name
GO

-- case: ORDER BY applies to the whole UNION
SELECT name FROM emp WHERE id < 3 UNION ALL SELECT title FROM dept ORDER BY 1 DESC
-- expect rows:
-- 'People'
-- 'Operations'
-- 'Engineering'
-- 'Bob'
-- 'Ann'
GO

-- case: UNION with different column counts is error 205
SELECT 1, 2 UNION SELECT 3
-- expect error: 205, severity 16, 'All queries combined using a UNION, INTERSECT or EXCEPT operator must have an equal number of expressions in their target lists.'
GO

-- case: ROW_NUMBER
SELECT id, ROW_NUMBER() OVER (ORDER BY salary DESC, id) FROM emp ORDER BY id
-- expect rows:
-- 1, 1
-- 2, 2
-- 3, 3
-- 4, 5
-- 5, 6
-- 6, 4
-- expect types: int, bigint
GO

-- case: RANK and DENSE_RANK with ties
SELECT salary, RANK() OVER (ORDER BY salary DESC), DENSE_RANK() OVER (ORDER BY salary DESC) FROM emp ORDER BY salary DESC, id
-- expect rows:
-- 100, 1, 1
-- 80, 2, 2
-- 80, 2, 2
-- 80, 2, 2
-- 60, 5, 3
-- 50, 6, 4
GO

-- case: ROW_NUMBER with PARTITION BY
SELECT id, ROW_NUMBER() OVER (PARTITION BY dept ORDER BY id) FROM emp WHERE dept IS NOT NULL ORDER BY id
-- expect rows:
-- 1, 1
-- 2, 2
-- 3, 1
-- 4, 2
-- 6, 3
GO

-- case: NTILE puts the larger groups first
SELECT id, NTILE(4) OVER (ORDER BY id) FROM emp ORDER BY id
-- expect rows:
-- 1, 1
-- 2, 1
-- 3, 2
-- 4, 2
-- 5, 3
-- 6, 4
GO

-- case: LAG and LEAD with offsets and defaults
SELECT id, LAG(salary) OVER (ORDER BY id), LEAD(salary, 2, 0) OVER (ORDER BY id) FROM emp ORDER BY id
-- expect rows:
-- 1, NULL, 80
-- 2, 100, 60
-- 3, 80, 50
-- 4, 80, 80
-- 5, 60, 0
-- 6, 50, 0
GO

-- case: running total with a ROWS frame
SELECT id, SUM(salary) OVER (ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM emp ORDER BY id
-- expect rows:
-- 1, 100
-- 2, 180
-- 3, 260
-- 4, 320
-- 5, 370
-- 6, 450
GO

-- case: the default frame with ORDER BY is RANGE and includes ties
SELECT id, SUM(salary) OVER (ORDER BY salary) FROM emp ORDER BY id
-- expect rows:
-- 1, 450
-- 2, 350
-- 3, 350
-- 4, 110
-- 5, 50
-- 6, 350
GO

-- case: moving sum over a sliding ROWS frame
SELECT id, SUM(salary) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM emp ORDER BY id
-- expect rows:
-- 1, 180
-- 2, 260
-- 3, 220
-- 4, 190
-- 5, 190
-- 6, 130
GO

-- case: aggregate over a partition without ORDER BY
SELECT id, SUM(salary) OVER (PARTITION BY dept), COUNT(*) OVER () FROM emp ORDER BY id
-- expect rows:
-- 1, 260, 6
-- 2, 260, 6
-- 3, 140, 6
-- 4, 140, 6
-- 5, 50, 6
-- 6, 260, 6
GO

-- case: FIRST_VALUE and LAST_VALUE with the default frame
SELECT id, FIRST_VALUE(name) OVER (ORDER BY id), LAST_VALUE(name) OVER (ORDER BY id) FROM emp WHERE id <= 3 ORDER BY id
-- expect rows:
-- 1, 'Ann', 'Ann'
-- 2, 'Ann', 'Bob'
-- 3, 'Ann', 'Cid'
GO

-- case: window function in WHERE is error 4108
SELECT id FROM emp WHERE ROW_NUMBER() OVER (ORDER BY id) = 1
-- expect error: 4108, severity 15, 'Windowed functions can only appear in the SELECT or ORDER BY clauses.'
GO

-- case: simple CASE
SELECT id, CASE dept WHEN 'eng' THEN 'E' WHEN 'ops' THEN 'O' ELSE '?' END FROM emp WHERE id IN (1, 3, 5) ORDER BY id
-- expect rows:
-- 1, 'E'
-- 3, 'O'
-- 5, '?'
GO

-- case: searched CASE takes the first true branch
SELECT CASE WHEN 5 > 1 THEN 'first' WHEN 5 > 2 THEN 'second' END
-- expect: 'first'
GO

-- case: CASE without ELSE gives NULL
SELECT CASE WHEN 1 = 2 THEN 'x' END
-- expect: NULL
GO

-- case: simple CASE does not match NULL
SELECT CASE NULL WHEN NULL THEN 'matched' ELSE 'not matched' END
-- expect: 'not matched'
GO

-- case: PIVOT
SELECT yr, [N], [S] FROM (SELECT yr, region, amount FROM sales) AS s
PIVOT (SUM(amount) FOR region IN ([N], [S])) AS p ORDER BY yr
-- expect rows:
-- 2020, 10, 20
-- 2021, 30, 40
GO

-- case: UNPIVOT
SELECT k, v FROM (SELECT 1 AS a, 2 AS b) AS s UNPIVOT (v FOR k IN (a, b)) AS u ORDER BY k
-- expect rows:
-- 'a', 1
-- 'b', 2
GO

-- case: SELECT INTO creates a table with the rows
SELECT id, name INTO #eng FROM emp WHERE dept = 'eng'
SELECT COUNT(*) FROM #eng
-- expect: 3
GO

-- case: SELECT INTO reports its row count
SELECT id INTO #ids FROM emp
-- expect rowcount: 6
-- expect result sets: 0
GO

-- case: SELECT INTO takes the column types of the query
SELECT CAST(1 AS smallint) AS a, 'xy' AS b, 1.50 AS c INTO #typed
SELECT a, b, c FROM #typed
-- expect rows:
-- 1, 'xy', 1.50
-- expect types: smallint, varchar(2), numeric(3,2)
GO

-- case: SELECT INTO an existing table is error 2714
SELECT 1 AS a INTO #twice
SELECT 2 AS a INTO #twice
-- expect error: 2714, severity 16
GO

-- case: LIKE with wildcards, character classes and ESCAPE
SELECT
    CASE WHEN 'abc' LIKE 'a%' THEN 1 ELSE 0 END,
    CASE WHEN 'abc' LIKE '_b_' THEN 1 ELSE 0 END,
    CASE WHEN 'abc' LIKE '[a-b]bc' THEN 1 ELSE 0 END,
    CASE WHEN 'abc' LIKE '[^a]bc' THEN 1 ELSE 0 END,
    CASE WHEN '10%' LIKE '10!%' ESCAPE '!' THEN 1 ELSE 0 END,
    CASE WHEN '100' LIKE '10!%' ESCAPE '!' THEN 1 ELSE 0 END
-- expect rows:
-- 1, 1, 1, 0, 1, 0
GO

-- case: BETWEEN is inclusive
SELECT COUNT(*) FROM emp WHERE salary BETWEEN 60 AND 80
-- expect: 4
GO

-- case: IN with a list
SELECT COUNT(*) FROM emp WHERE name IN ('Ann', 'Eve', 'Zed')
-- expect: 2
GO

-- case: DISTINCT with ORDER BY a column not selected is error 145
SELECT DISTINCT dept FROM emp ORDER BY salary
-- expect error: 145, severity 15, 'ORDER BY items must appear in the select list if SELECT DISTINCT is specified.'
GO

-- case: ambiguous column name is error 209
SELECT name FROM emp a JOIN emp b ON a.id = b.manager_id
-- expect error: 209, severity 16, 'Ambiguous column name ''name''.'
GO

-- case: SELECT star expands in column order
SELECT * FROM dept WHERE code = 'hr'
-- expect rows:
-- 'hr', 'People'
-- expect columns: code, title
GO

-- case: qualified star from one table of a join
SELECT d.* FROM emp e JOIN dept d ON e.dept = d.code WHERE e.id = 1
-- expect rows:
-- 'eng', 'Engineering'
GO

-- case: 'alias' = expression names a column, as alias = expression does
SELECT 'total' = 2 + 3, [the name] = 'x', 'same' = 'other'
-- expect rows:
-- 5, 'x', 'other'
-- expect columns: total, the name, same
GO

-- case: a string after an expression is its alias; adjacent strings are never joined
SELECT 'a' 'w', 1 'n'
-- expect rows:
-- 'a', 1
-- expect columns: w, n
GO

-- case: adjacent strings outside a SELECT list are a syntax error
SELECT 1 WHERE 'a' 'b' = 'ab'
-- expect error: 102, severity 15
GO

-- case: SUM of int is int, and a total past its range is 8115
SELECT SUM(v) FROM (VALUES (2147483647), (1)) AS t(v)
-- expect error: 8115, severity 16, 'Arithmetic overflow error converting expression to data type int.'
GO

-- case: SUM of int within range stays int
SELECT SUM(v) FROM (VALUES (2147483647), (-1)) AS t(v)
-- expect rows:
-- 2147483646
-- expect types: int
GO

-- case: SUM of bigint past 64 bits is 8115 for bigint
SELECT SUM(v) FROM (VALUES (CAST(9223372036854775807 AS bigint)), (1)) AS t(v)
-- expect error: 8115, severity 16, 'Arithmetic overflow error converting expression to data type bigint.'
GO

-- case: SELECT star from a table whose bracketed name has a dot and a column with a space
CREATE TABLE [odd.name] (a int, [b c] int)
INSERT INTO [odd.name] VALUES (1, 2)
SELECT * FROM [odd.name] AS [x.y] WHERE [b c] = 2
-- expect rows:
-- 1, 2
-- expect columns: a, b c
GO
