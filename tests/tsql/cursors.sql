-- Cursors: DECLARE CURSOR (ISO and Transact-SQL syntax), OPEN, FETCH and its orientations, CLOSE,
-- DEALLOCATE, @@FETCH_STATUS, @@CURSOR_ROWS, CURSOR_STATUS(), cursor variables, LOCAL and GLOBAL
-- cursors, what STATIC, KEYSET and dynamic cursors see, WHERE CURRENT OF, and the errors.
CREATE TABLE fruit (id int PRIMARY KEY, name varchar(20) NOT NULL, price decimal(5,2) NOT NULL)
INSERT INTO fruit (id, name, price) VALUES
    (1, 'Apple', 1.20), (2, 'Banana', 0.50), (3, 'Blueberry', 4.00), (4, 'Cherry', 3.10), (5, 'Damson', 2.25)
GO
CREATE PROCEDURE dbo.first_fruit
AS
BEGIN
    DECLARE local_fruit CURSOR LOCAL FOR SELECT name FROM fruit ORDER BY id
    OPEN local_fruit
    FETCH NEXT FROM local_fruit
END
GO

-- case: FETCH NEXT in a loop, each fetch a result set (documented example)
DECLARE contact_cursor CURSOR FOR
SELECT name FROM fruit
WHERE name LIKE 'B%'
ORDER BY name
OPEN contact_cursor
FETCH NEXT FROM contact_cursor
WHILE @@FETCH_STATUS = 0
BEGIN
    FETCH NEXT FROM contact_cursor
END
CLOSE contact_cursor
DEALLOCATE contact_cursor
-- expect: 'Banana'
-- expect: 'Blueberry'
-- expect rows: none
GO

-- case: FETCH INTO variables in a loop (documented example)
DECLARE @name varchar(20), @price decimal(5,2)
DECLARE fruit_cursor CURSOR FOR
SELECT name, price FROM fruit WHERE price > 3 ORDER BY name
OPEN fruit_cursor
FETCH NEXT FROM fruit_cursor INTO @name, @price
WHILE @@FETCH_STATUS = 0
BEGIN
    PRINT 'Fruit: ' + @name + ' at ' + CAST(@price AS varchar(10))
    FETCH NEXT FROM fruit_cursor INTO @name, @price
END
CLOSE fruit_cursor
DEALLOCATE fruit_cursor
-- expect message: 0, 'Fruit: Blueberry at 4.00'
-- expect message: 0, 'Fruit: Cherry at 3.10'
-- expect result sets: 0
GO

-- case: a SCROLL cursor and the other FETCH options (documented example)
DECLARE contact_cursor SCROLL CURSOR FOR
SELECT name FROM fruit ORDER BY name
OPEN contact_cursor
FETCH LAST FROM contact_cursor
FETCH PRIOR FROM contact_cursor
FETCH ABSOLUTE 2 FROM contact_cursor
FETCH RELATIVE 3 FROM contact_cursor
FETCH RELATIVE -2 FROM contact_cursor
CLOSE contact_cursor
DEALLOCATE contact_cursor
-- expect: 'Damson'
-- expect: 'Cherry'
-- expect: 'Banana'
-- expect: 'Damson'
-- expect: 'Blueberry'
GO

-- case: the columns of a FETCH are the cursor query's
DECLARE c CURSOR LOCAL FOR SELECT id, name AS fruit_name, price FROM fruit ORDER BY id
OPEN c
FETCH NEXT FROM c
-- expect rows:
-- 1, 'Apple', 1.20
-- expect columns: id, fruit_name, price
-- expect types: int, varchar(20), decimal(5,2)
GO

-- case: @@FETCH_STATUS is 0 after a fetch that returned a row
DECLARE @id int
DECLARE c CURSOR LOCAL FOR SELECT id FROM fruit
OPEN c
FETCH NEXT FROM c INTO @id
SELECT @@FETCH_STATUS
-- expect: 0
-- expect type: int
GO

-- case: @@FETCH_STATUS is -1 after fetching past the last row
DECLARE @id int
DECLARE c CURSOR LOCAL FOR SELECT id FROM fruit WHERE id = 1
OPEN c
FETCH NEXT FROM c INTO @id
FETCH NEXT FROM c INTO @id
SELECT @@FETCH_STATUS, @id
-- expect rows:
-- -1, 1
GO

-- case: FETCH NEXT as the first fetch returns the first row
DECLARE c CURSOR LOCAL STATIC FOR SELECT id FROM fruit ORDER BY id DESC
OPEN c
FETCH NEXT FROM c
-- expect: 5
GO

-- case: FETCH PRIOR as the first fetch returns no row and leaves the cursor before the first row
DECLARE c CURSOR LOCAL SCROLL FOR SELECT id FROM fruit ORDER BY id
OPEN c
FETCH PRIOR FROM c
SELECT @@FETCH_STATUS
FETCH NEXT FROM c
-- expect rows: none
-- expect: -1
-- expect: 1
GO

-- case: FETCH FIRST and FETCH LAST
DECLARE c CURSOR LOCAL SCROLL FOR SELECT id FROM fruit ORDER BY id
OPEN c
FETCH LAST FROM c
FETCH FIRST FROM c
-- expect: 5
-- expect: 1
GO

-- case: FETCH ABSOLUTE with a negative number counts from the end
DECLARE c CURSOR LOCAL SCROLL FOR SELECT id FROM fruit ORDER BY id
OPEN c
FETCH ABSOLUTE -2 FROM c
-- expect: 4
GO

-- case: FETCH ABSOLUTE 0 returns no row
DECLARE c CURSOR LOCAL SCROLL FOR SELECT id FROM fruit ORDER BY id
OPEN c
FETCH ABSOLUTE 0 FROM c
SELECT @@FETCH_STATUS
-- expect rows: none
-- expect: -1
GO

-- case: FETCH ABSOLUTE past the end returns no row
DECLARE c CURSOR LOCAL SCROLL FOR SELECT id FROM fruit ORDER BY id
OPEN c
FETCH ABSOLUTE 9 FROM c
SELECT @@FETCH_STATUS
-- expect rows: none
-- expect: -1
GO

-- case: FETCH RELATIVE 0 returns the current row again
DECLARE c CURSOR LOCAL SCROLL FOR SELECT id FROM fruit ORDER BY id
OPEN c
FETCH ABSOLUTE 3 FROM c
FETCH RELATIVE 0 FROM c
-- expect: 3
-- expect: 3
GO

-- case: FETCH RELATIVE with a variable
DECLARE @step int = 2
DECLARE c CURSOR LOCAL SCROLL FOR SELECT id FROM fruit ORDER BY id
OPEN c
FETCH NEXT FROM c
FETCH RELATIVE @step FROM c
-- expect: 1
-- expect: 3
GO

-- case: a forward-only cursor fetches NEXT only
DECLARE c CURSOR LOCAL FORWARD_ONLY FOR SELECT id FROM fruit
OPEN c
FETCH LAST FROM c
-- expect error: 16911, severity 16, 'fetch: The fetch type last cannot be used with forward only cursors.'
GO

-- case: an ISO cursor without SCROLL fetches NEXT only
DECLARE c CURSOR FOR SELECT id FROM fruit
OPEN c
FETCH PRIOR FROM c
CLOSE c
DEALLOCATE c
-- expect error: 16911, 'fetch: The fetch type prior cannot be used with forward only cursors.'
GO

-- case: a FAST_FORWARD cursor fetches NEXT only
DECLARE c CURSOR LOCAL FAST_FORWARD FOR SELECT id FROM fruit
OPEN c
FETCH FIRST FROM c
-- expect error: 16911, 'fetch: The fetch type first cannot be used with forward only cursors.'
GO

-- case: a DYNAMIC cursor does not support FETCH ABSOLUTE
DECLARE c CURSOR LOCAL DYNAMIC FOR SELECT id FROM fruit
OPEN c
FETCH ABSOLUTE 2 FROM c
-- expect error: 16925, severity 16
GO

-- case: @@CURSOR_ROWS of a static cursor is its number of rows
DECLARE c CURSOR LOCAL STATIC FOR SELECT id FROM fruit WHERE price > 2
OPEN c
SELECT @@CURSOR_ROWS
-- expect: 3
-- expect type: int
GO

-- case: @@CURSOR_ROWS of a dynamic cursor is -1 (documented example)
SELECT @@CURSOR_ROWS
DECLARE Name_Cursor CURSOR FOR
SELECT name FROM fruit ORDER BY id
OPEN Name_Cursor
FETCH NEXT FROM Name_Cursor
SELECT @@CURSOR_ROWS
CLOSE Name_Cursor
DEALLOCATE Name_Cursor
-- expect: 0
-- expect: 'Apple'
-- expect: -1
GO

-- case: @@CURSOR_ROWS is 0 once the last cursor opened is closed
DECLARE c CURSOR LOCAL STATIC FOR SELECT id FROM fruit
OPEN c
CLOSE c
SELECT @@CURSOR_ROWS
-- expect: 0
GO

-- case: CURSOR_STATUS after DECLARE, OPEN and CLOSE (documented example)
DECLARE cur CURSOR
FOR SELECT id FROM fruit
SELECT CURSOR_STATUS('global','cur') AS 'After declare'
OPEN cur
SELECT CURSOR_STATUS('global','cur') AS 'After Open'
CLOSE cur
SELECT CURSOR_STATUS('global','cur') AS 'After Close'
DEALLOCATE cur
-- expect: -1
-- expect columns: After declare
-- expect type: smallint
-- expect: 1
-- expect: -1
GO

-- case: CURSOR_STATUS is 0 for an open static cursor without rows and -3 for no cursor
DECLARE c CURSOR LOCAL STATIC FOR SELECT id FROM fruit WHERE id < 0
OPEN c
SELECT CURSOR_STATUS('local', 'c'), CURSOR_STATUS('global', 'c'), CURSOR_STATUS('local', 'no_cursor')
-- expect rows:
-- 0, -3, -3
GO

-- case: DEALLOCATE removes the cursor
DECLARE c CURSOR FOR SELECT id FROM fruit
DEALLOCATE c
SELECT CURSOR_STATUS('global', 'c')
-- expect: -3
GO

-- case: a static cursor does not see changes made after OPEN
BEGIN TRANSACTION
DECLARE c CURSOR LOCAL STATIC FOR SELECT name FROM fruit WHERE id <= 2 ORDER BY id
OPEN c
UPDATE fruit SET name = 'Changed' WHERE id = 1
DELETE FROM fruit WHERE id = 2
FETCH NEXT FROM c
FETCH NEXT FROM c
ROLLBACK
-- expect: 'Apple'
-- expect: 'Banana'
GO

-- case: a keyset cursor sees updated values and reports a deleted row as -2
BEGIN TRANSACTION
DECLARE @name varchar(20), @first varchar(20), @status1 int, @status2 int
DECLARE c CURSOR LOCAL KEYSET FOR SELECT name FROM fruit WHERE id <= 2 ORDER BY id
OPEN c
UPDATE fruit SET name = 'Crab apple' WHERE id = 1
DELETE FROM fruit WHERE id = 2
FETCH NEXT FROM c INTO @name
SELECT @first = @name, @status1 = @@FETCH_STATUS
FETCH NEXT FROM c INTO @name
SET @status2 = @@FETCH_STATUS
ROLLBACK
SELECT @first, @status1, @status2
-- expect rows:
-- 'Crab apple', 0, -2
GO

-- case: a dynamic cursor sees a row inserted after OPEN
BEGIN TRANSACTION
DECLARE @id int, @ids varchar(50) = ''
DECLARE c CURSOR LOCAL DYNAMIC FOR SELECT id FROM fruit WHERE price > 3
OPEN c
FETCH NEXT FROM c INTO @id
INSERT INTO fruit (id, name, price) VALUES (9, 'Fig', 5.00)
WHILE @@FETCH_STATUS = 0
BEGIN
    SET @ids = @ids + CAST(@id AS varchar(5)) + ' '
    FETCH NEXT FROM c INTO @id
END
ROLLBACK
SELECT @ids
-- expect: '3 4 9 '
GO

-- case: UPDATE WHERE CURRENT OF changes the cursor's current row
BEGIN TRANSACTION
DECLARE @id int, @price decimal(5,2)
DECLARE c CURSOR LOCAL FOR SELECT id, price FROM fruit ORDER BY id FOR UPDATE OF price
OPEN c
FETCH NEXT FROM c INTO @id, @price
FETCH NEXT FROM c INTO @id, @price
UPDATE fruit SET price = price * 2 WHERE CURRENT OF c
SELECT id, price FROM fruit WHERE id <= 3 ORDER BY id
ROLLBACK
-- expect rows:
-- 1, 1.20
-- 2, 1.00
-- 3, 4.00
GO

-- case: DELETE WHERE CURRENT OF in a loop
BEGIN TRANSACTION
DECLARE @id int, @price decimal(5,2)
DECLARE c CURSOR LOCAL FOR SELECT id, price FROM fruit
OPEN c
FETCH NEXT FROM c INTO @id, @price
WHILE @@FETCH_STATUS = 0
BEGIN
    IF @price < 2 DELETE FROM fruit WHERE CURRENT OF c
    FETCH NEXT FROM c INTO @id, @price
END
SELECT id FROM fruit ORDER BY id
ROLLBACK
-- expect rows:
-- 3
-- 4
-- 5
GO

-- case: WHERE CURRENT OF a read-only cursor
DECLARE c CURSOR LOCAL STATIC FOR SELECT id FROM fruit
OPEN c
FETCH NEXT FROM c
UPDATE fruit SET price = 0 WHERE CURRENT OF c
-- expect: 1
-- expect error: 16929, severity 16, 'The cursor is READ ONLY.'
GO

-- case: UPDATE WHERE CURRENT OF a column outside FOR UPDATE OF
DECLARE c CURSOR LOCAL FOR SELECT id, name FROM fruit FOR UPDATE OF price
OPEN c
FETCH NEXT FROM c
UPDATE fruit SET name = 'x' WHERE CURRENT OF c
-- expect rows:
-- 1, 'Apple'
-- expect error: 16932, 'The cursor has a FOR UPDATE list and the requested column to be updated is not in this list.'
GO

-- case: FOR UPDATE on a READ_ONLY cursor
DECLARE c CURSOR LOCAL READ_ONLY FOR SELECT id FROM fruit FOR UPDATE
-- expect error: 16957, 'FOR UPDATE cannot be specified on a READ ONLY cursor.'
GO

-- case: a cursor variable set to a new cursor
DECLARE @c CURSOR, @name varchar(20)
SET @c = CURSOR FAST_FORWARD FOR SELECT name FROM fruit WHERE id = 4
OPEN @c
FETCH NEXT FROM @c INTO @name
SELECT @name, CURSOR_STATUS('variable', '@c')
CLOSE @c
SELECT CURSOR_STATUS('variable', '@c')
DEALLOCATE @c
-- expect rows:
-- 'Cherry', 1
-- expect: -1
GO

-- case: a cursor variable set to a declared cursor
DECLARE @c CURSOR, @id int
DECLARE named_cursor CURSOR LOCAL FOR SELECT id FROM fruit ORDER BY id DESC
SET @c = named_cursor
OPEN named_cursor
FETCH NEXT FROM @c INTO @id
SELECT @id
-- expect: 5
GO

-- case: a LOCAL cursor of a procedure ends with the procedure
EXEC dbo.first_fruit
EXEC dbo.first_fruit
-- expect: 'Apple'
-- expect: 'Apple'
GO

-- case: a cursor is GLOBAL by default and dynamic SQL sees it
DECLARE g CURSOR FOR SELECT id FROM fruit ORDER BY id
EXEC ('OPEN g FETCH NEXT FROM g')
FETCH NEXT FROM GLOBAL g
DEALLOCATE g
-- expect: 1
-- expect: 2
GO

-- case: a LOCAL cursor is not visible to dynamic SQL
DECLARE l CURSOR LOCAL FOR SELECT id FROM fruit
EXEC ('OPEN l')
-- expect error: 16916, severity 16, 'A cursor with the name ''l'' does not exist.'
GO

-- case: DECLARE of a cursor name already in use
DECLARE c CURSOR FOR SELECT id FROM fruit
DECLARE c CURSOR FOR SELECT name FROM fruit
DEALLOCATE c
-- expect error: 16915, severity 16, 'A cursor with the name ''c'' already exists.'
GO

-- case: OPEN of a cursor that does not exist
OPEN no_such_cursor
-- expect error: 16916, 'A cursor with the name ''no_such_cursor'' does not exist.'
GO

-- case: OPEN of a cursor that is open
DECLARE c CURSOR LOCAL FOR SELECT id FROM fruit
OPEN c
OPEN c
-- expect error: 16905, severity 16, 'The cursor is already open.'
GO

-- case: FETCH from a cursor that is not open
DECLARE c CURSOR LOCAL FOR SELECT id FROM fruit
FETCH NEXT FROM c
-- expect error: 16917, severity 16, 'Cursor is not open.'
GO

-- case: CLOSE of a cursor that is not open
DECLARE c CURSOR LOCAL FOR SELECT id FROM fruit
CLOSE c
-- expect error: 16917, 'Cursor is not open.'
GO

-- case: FETCH INTO with the wrong number of variables
DECLARE @id int
DECLARE c CURSOR LOCAL FOR SELECT id, name FROM fruit
OPEN c
FETCH NEXT FROM c INTO @id
-- expect error: 16924, severity 16, 'Cursorfetch: The number of variables declared in the INTO list must match that of selected columns.'
GO

-- case: a cursor error does not end the batch
OPEN no_such_cursor
SELECT 'next statement'
-- expect error: 16916
-- expect: 'next statement'
GO

-- case: DECLARE CURSOR and FETCH set @@ROWCOUNT to 1, CLOSE to 0
DECLARE @after_declare int, @after_fetch int, @id int
DECLARE c CURSOR LOCAL FOR SELECT id FROM fruit WHERE id = 1
SET @after_declare = @@ROWCOUNT
OPEN c
FETCH NEXT FROM c INTO @id
SET @after_fetch = @@ROWCOUNT
CLOSE c
SELECT @after_declare, @after_fetch, @@ROWCOUNT
-- expect rows:
-- 1, 1, 0
GO

-- case: nested cursors, the inner one declared for each outer row (documented example)
SET NOCOUNT ON
DECLARE @letter char(1), @name varchar(20), @message varchar(80)
DECLARE outer_cursor CURSOR FOR
SELECT DISTINCT LEFT(name, 1) FROM fruit WHERE name LIKE '[AB]%' ORDER BY 1
OPEN outer_cursor
FETCH NEXT FROM outer_cursor INTO @letter
WHILE @@FETCH_STATUS = 0
BEGIN
    PRINT '----- ' + @letter
    DECLARE inner_cursor CURSOR FOR
    SELECT name FROM fruit WHERE LEFT(name, 1) = @letter ORDER BY name
    OPEN inner_cursor
    FETCH NEXT FROM inner_cursor INTO @name
    WHILE @@FETCH_STATUS = 0
    BEGIN
        SELECT @message = '   ' + @name
        PRINT @message
        FETCH NEXT FROM inner_cursor INTO @name
    END
    CLOSE inner_cursor
    DEALLOCATE inner_cursor
    FETCH NEXT FROM outer_cursor INTO @letter
END
CLOSE outer_cursor
DEALLOCATE outer_cursor
-- expect message: 0, '----- A'
-- expect message: 0, '   Apple'
-- expect message: 0, '----- B'
-- expect message: 0, '   Banana'
-- expect message: 0, '   Blueberry'
GO
