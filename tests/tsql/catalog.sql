-- Catalog: sys.* catalog views and INFORMATION_SCHEMA views, and that their object ids agree with OBJECT_ID().
-- The cases run in database corpus_catalog.  The setup makes tables with every constraint kind, a view, a
-- procedure, functions and a sequence in dbo, and a schema app with one table; each in a batch of its own, so that
-- a statement the engine lacks fails only the cases that need it.
CREATE TABLE dbo.customers (
    id int IDENTITY(10, 2) NOT NULL CONSTRAINT PK_customers PRIMARY KEY,
    email nvarchar(100) NOT NULL CONSTRAINT UQ_customers_email UNIQUE,
    status varchar(10) NOT NULL CONSTRAINT DF_customers_status DEFAULT 'new',
    credit decimal(9,2) NULL CONSTRAINT CK_customers_credit CHECK (credit >= 0),
    created datetime2(3) NULL,
    notes nvarchar(max) NULL
)
CREATE TABLE dbo.heap_t (a int NULL)
GO
CREATE TABLE dbo.orders (
    order_id int NOT NULL,
    line_no smallint NOT NULL,
    customer_id int NOT NULL CONSTRAINT FK_orders_customers REFERENCES dbo.customers (id) ON DELETE CASCADE,
    qty int NOT NULL,
    price money NOT NULL,
    CONSTRAINT PK_orders PRIMARY KEY (order_id, line_no)
)
GO
CREATE INDEX IX_orders_customer ON dbo.orders (customer_id, qty DESC)
GO
CREATE TABLE dbo.computed_t (qty int NOT NULL, price money NOT NULL, total AS qty * price)
GO
CREATE SEQUENCE dbo.order_numbers AS int START WITH 1000 INCREMENT BY 10
GO
CREATE VIEW dbo.big_orders AS SELECT order_id, qty FROM dbo.orders WHERE qty > 10
GO
CREATE PROCEDURE dbo.get_orders @customer_id int, @min_qty int = 0 OUTPUT AS SELECT order_id FROM dbo.orders WHERE customer_id = @customer_id
GO
CREATE FUNCTION dbo.twice (@n int) RETURNS int AS BEGIN RETURN @n * 2 END
GO
CREATE FUNCTION dbo.orders_of (@customer_id int) RETURNS TABLE AS RETURN SELECT order_id FROM dbo.orders WHERE customer_id = @customer_id
GO
CREATE SCHEMA app
GO
CREATE TABLE app.extra (id int)
GO

-- case: sys.databases lists the system databases first
SELECT name, database_id FROM sys.databases WHERE database_id <= 4 ORDER BY database_id
-- expect rows:
-- 'master', 1
-- 'tempdb', 2
-- 'model', 3
-- 'msdb', 4
GO

-- case: sys.databases row of the current database
SELECT name, state_desc, collation_name, CASE WHEN database_id = DB_ID() THEN 'same id' END FROM sys.databases WHERE name = DB_NAME()
-- expect rows:
-- 'corpus_catalog', 'ONLINE', 'SQL_Latin1_General_CP1_CI_AS', 'same id'
GO

-- case: sys.schemas fixed schema ids
SELECT name, schema_id FROM sys.schemas WHERE schema_id < 5 ORDER BY schema_id
-- expect rows:
-- 'dbo', 1
-- 'guest', 2
-- 'INFORMATION_SCHEMA', 3
-- 'sys', 4
GO

-- case: sys.schemas row of a created schema
SELECT CASE WHEN schema_id = SCHEMA_ID('app') AND schema_id > 4 THEN 'app' END, principal_id FROM sys.schemas WHERE name = 'app'
-- expect rows:
-- 'app', 1
GO

-- case: a table in a created schema
SELECT SCHEMA_NAME(schema_id), CASE WHEN object_id = OBJECT_ID('app.extra') THEN 'same id' END FROM sys.tables WHERE name = 'extra'
-- expect rows:
-- 'app', 'same id'
GO

-- case: sys.objects types of every kind of object
SELECT name, type, type_desc FROM sys.objects WHERE name IN ('customers', 'orders', 'heap_t', 'big_orders', 'get_orders', 'twice', 'orders_of', 'order_numbers', 'PK_customers', 'PK_orders', 'UQ_customers_email', 'DF_customers_status', 'CK_customers_credit', 'FK_orders_customers', 'IX_orders_customer')
-- expect rows unordered:
-- 'customers', 'U ', 'USER_TABLE'
-- 'orders', 'U ', 'USER_TABLE'
-- 'heap_t', 'U ', 'USER_TABLE'
-- 'big_orders', 'V ', 'VIEW'
-- 'get_orders', 'P ', 'SQL_STORED_PROCEDURE'
-- 'twice', 'FN', 'SQL_SCALAR_FUNCTION'
-- 'orders_of', 'IF', 'SQL_INLINE_TABLE_VALUED_FUNCTION'
-- 'order_numbers', 'SO', 'SEQUENCE_OBJECT'
-- 'PK_customers', 'PK', 'PRIMARY_KEY_CONSTRAINT'
-- 'PK_orders', 'PK', 'PRIMARY_KEY_CONSTRAINT'
-- 'UQ_customers_email', 'UQ', 'UNIQUE_CONSTRAINT'
-- 'DF_customers_status', 'D ', 'DEFAULT_CONSTRAINT'
-- 'CK_customers_credit', 'C ', 'CHECK_CONSTRAINT'
-- 'FK_orders_customers', 'F ', 'FOREIGN_KEY_CONSTRAINT'
GO

-- case: sys.objects column types
SELECT TOP 0 object_id, name, schema_id, parent_object_id, type, type_desc, is_ms_shipped FROM sys.objects
-- expect rows:
-- expect types: int, nvarchar(128), int, int, char(2), nvarchar(60), bit
GO

-- case: indexes that are not constraints are not in sys.objects
SELECT COUNT(*) FROM sys.objects WHERE name = 'IX_orders_customer'
-- expect: 0
GO

-- case: sys.objects ids agree with OBJECT_ID for every user object
SELECT COUNT(*) FROM sys.objects AS o
WHERE o.is_ms_shipped = 0
    AND o.object_id <> OBJECT_ID(QUOTENAME(SCHEMA_NAME(o.schema_id)) + '.' + QUOTENAME(o.name))
-- expect: 0
GO

-- case: sys.objects parent of a constraint is its table
SELECT OBJECT_NAME(parent_object_id), is_ms_shipped FROM sys.objects WHERE name = 'PK_orders'
-- expect rows:
-- 'orders', 0
GO

-- case: tables have no parent object
SELECT parent_object_id FROM sys.objects WHERE object_id = OBJECT_ID('dbo.customers')
-- expect: 0
GO

-- case: sys.tables lists user tables with their schemas
SELECT name, SCHEMA_NAME(schema_id), type FROM sys.tables WHERE name IN ('customers', 'orders', 'heap_t', 'big_orders') ORDER BY name
-- expect rows:
-- 'customers', 'dbo', 'U '
-- 'heap_t', 'dbo', 'U '
-- 'orders', 'dbo', 'U '
GO

-- case: sys.tables ids agree with OBJECT_ID
SELECT COUNT(*) FROM sys.tables WHERE object_id = OBJECT_ID('dbo.orders') AND name = 'orders'
-- expect: 1
GO

-- case: sys.views
SELECT name, CASE WHEN object_id = OBJECT_ID('dbo.big_orders') THEN 'same id' END, type FROM sys.views WHERE name = 'big_orders'
-- expect rows:
-- 'big_orders', 'same id', 'V '
GO

-- case: sys.columns describes each column
SELECT name, column_id, TYPE_NAME(system_type_id), max_length, precision, scale, is_nullable, is_identity, is_computed
FROM sys.columns WHERE object_id = OBJECT_ID('dbo.customers') ORDER BY column_id
-- expect rows:
-- 'id', 1, 'int', 4, 10, 0, 0, 1, 0
-- 'email', 2, 'nvarchar', 200, 0, 0, 0, 0, 0
-- 'status', 3, 'varchar', 10, 0, 0, 0, 0, 0
-- 'credit', 4, 'decimal', 5, 9, 2, 1, 0, 0
-- 'created', 5, 'datetime2', 7, 23, 3, 1, 0, 0
-- 'notes', 6, 'nvarchar', -1, 0, 0, 1, 0, 0
GO

-- case: sys.columns of a computed column and a money column
SELECT name, TYPE_NAME(system_type_id), max_length, precision, scale, is_computed FROM sys.columns WHERE object_id = OBJECT_ID('dbo.computed_t') AND column_id >= 2 ORDER BY column_id
-- expect rows:
-- 'price', 'money', 8, 19, 4, 0
-- 'total', 'money', 8, 19, 4, 1
GO

-- case: sys.columns of a view
SELECT name FROM sys.columns WHERE object_id = OBJECT_ID('dbo.big_orders') ORDER BY column_id
-- expect rows:
-- 'order_id'
-- 'qty'
GO

-- case: sys.types of common types
SELECT name, system_type_id, user_type_id, max_length, precision, scale FROM sys.types
WHERE name IN ('int', 'nvarchar', 'decimal', 'datetime', 'sysname', 'bit') ORDER BY name
-- expect rows:
-- 'bit', 104, 104, 1, 1, 0
-- 'datetime', 61, 61, 8, 23, 3
-- 'decimal', 106, 106, 17, 38, 38
-- 'int', 56, 56, 4, 10, 0
-- 'nvarchar', 231, 231, 8000, 0, 0
-- 'sysname', 231, 256, 256, 0, 0
GO

-- case: sys.types marks system types
SELECT is_user_defined, is_nullable, schema_id FROM sys.types WHERE name = 'varchar'
-- expect rows:
-- 0, 1, 4
GO

-- case: sys.indexes of a table with a primary key and a unique constraint
SELECT name, index_id, type, type_desc, is_unique, is_primary_key, is_unique_constraint
FROM sys.indexes WHERE object_id = OBJECT_ID('dbo.customers') ORDER BY index_id
-- expect rows:
-- 'PK_customers', 1, 1, 'CLUSTERED', 1, 1, 0
-- 'UQ_customers_email', 2, 2, 'NONCLUSTERED', 1, 0, 1
GO

-- case: sys.indexes of a heap
SELECT name, index_id, type, type_desc FROM sys.indexes WHERE object_id = OBJECT_ID('dbo.heap_t')
-- expect rows:
-- NULL, 0, 0, 'HEAP'
GO

-- case: sys.indexes of a plain nonclustered index
SELECT index_id, type_desc, is_unique, is_primary_key FROM sys.indexes WHERE name = 'IX_orders_customer' AND object_id = OBJECT_ID('dbo.orders')
-- expect rows:
-- 2, 'NONCLUSTERED', 0, 0
GO

-- case: sys.index_columns key order and direction
SELECT COL_NAME(ic.object_id, ic.column_id), ic.key_ordinal, ic.is_descending_key
FROM sys.index_columns AS ic JOIN sys.indexes AS i ON i.object_id = ic.object_id AND i.index_id = ic.index_id
WHERE i.name = 'IX_orders_customer' ORDER BY ic.key_ordinal
-- expect rows:
-- 'customer_id', 1, 0
-- 'qty', 2, 1
GO

-- case: sys.index_columns of a composite primary key
SELECT COL_NAME(ic.object_id, ic.column_id), ic.key_ordinal
FROM sys.index_columns AS ic JOIN sys.indexes AS i ON i.object_id = ic.object_id AND i.index_id = ic.index_id
WHERE i.name = 'PK_orders' ORDER BY ic.key_ordinal
-- expect rows:
-- 'order_id', 1
-- 'line_no', 2
GO

-- case: sys.key_constraints
SELECT name, type, type_desc, unique_index_id, CASE WHEN object_id = OBJECT_ID('dbo.' + name) THEN 'same id' END
FROM sys.key_constraints WHERE parent_object_id = OBJECT_ID('dbo.customers') ORDER BY name
-- expect rows:
-- 'PK_customers', 'PK', 'PRIMARY_KEY_CONSTRAINT', 1, 'same id'
-- 'UQ_customers_email', 'UQ', 'UNIQUE_CONSTRAINT', 2, 'same id'
GO

-- case: sys.foreign_keys
SELECT name, OBJECT_NAME(parent_object_id), OBJECT_NAME(referenced_object_id), delete_referential_action, delete_referential_action_desc, update_referential_action_desc, is_disabled
FROM sys.foreign_keys WHERE name = 'FK_orders_customers'
-- expect rows:
-- 'FK_orders_customers', 'orders', 'customers', 1, 'CASCADE', 'NO_ACTION', 0
GO

-- case: sys.foreign_key_columns
SELECT constraint_column_id, COL_NAME(parent_object_id, parent_column_id), COL_NAME(referenced_object_id, referenced_column_id)
FROM sys.foreign_key_columns WHERE constraint_object_id = OBJECT_ID('dbo.FK_orders_customers')
-- expect rows:
-- 1, 'customer_id', 'id'
GO

-- case: sys.default_constraints
SELECT name, definition, COL_NAME(parent_object_id, parent_column_id), type FROM sys.default_constraints WHERE parent_object_id = OBJECT_ID('dbo.customers')
-- expect rows:
-- 'DF_customers_status', '(''new'')', 'status', 'D '
GO

-- case: sys.check_constraints
SELECT name, definition, parent_column_id, is_disabled FROM sys.check_constraints WHERE parent_object_id = OBJECT_ID('dbo.customers')
-- expect rows:
-- 'CK_customers_credit', '([credit]>=(0))', 4, 0
GO

-- case: sys.identity_columns before any insert
SELECT name, seed_value, increment_value, last_value FROM sys.identity_columns WHERE object_id = OBJECT_ID('dbo.customers')
-- expect rows:
-- 'id', 10, 2, NULL
GO

-- case: sys.identity_columns last_value after inserts
CREATE TABLE cat_ident (id bigint IDENTITY(5, 5), v int)
INSERT INTO cat_ident (v) VALUES (1), (2)
SELECT seed_value, increment_value, last_value FROM sys.identity_columns WHERE object_id = OBJECT_ID('cat_ident')
-- expect rows:
-- 5, 5, 10
GO

-- case: sys.computed_columns
SELECT name, definition, is_persisted FROM sys.computed_columns WHERE object_id = OBJECT_ID('dbo.computed_t')
-- expect rows:
-- 'total', '([qty]*[price])', 0
GO

-- case: sys.procedures
SELECT name, type, type_desc, CASE WHEN object_id = OBJECT_ID('dbo.get_orders') THEN 'same id' END FROM sys.procedures WHERE name = 'get_orders'
-- expect rows:
-- 'get_orders', 'P ', 'SQL_STORED_PROCEDURE', 'same id'
GO

-- case: sys.parameters of a procedure
SELECT name, parameter_id, TYPE_NAME(system_type_id), max_length, is_output, has_default_value
FROM sys.parameters WHERE object_id = OBJECT_ID('dbo.get_orders') ORDER BY parameter_id
-- expect rows:
-- '@customer_id', 1, 'int', 4, 0, 0
-- '@min_qty', 2, 'int', 4, 1, 0
GO

-- case: sys.parameters of a scalar function include the return value
SELECT parameter_id, name, TYPE_NAME(system_type_id), is_output FROM sys.parameters WHERE object_id = OBJECT_ID('dbo.twice') ORDER BY parameter_id
-- expect rows:
-- 0, '', 'int', 1
-- 1, '@n', 'int', 0
GO

-- case: sys.sql_modules keeps the definition text
SELECT definition, uses_ansi_nulls, uses_quoted_identifier FROM sys.sql_modules WHERE object_id = OBJECT_ID('dbo.big_orders')
-- expect rows:
-- 'CREATE VIEW dbo.big_orders AS SELECT order_id, qty FROM dbo.orders WHERE qty > 10', 1, 1
GO

-- case: sys.sql_modules has rows for procedures and functions
SELECT OBJECT_NAME(object_id) FROM sys.sql_modules WHERE OBJECT_NAME(object_id) IN ('big_orders', 'get_orders', 'orders_of', 'twice', 'customers') ORDER BY 1
-- expect rows:
-- 'big_orders'
-- 'get_orders'
-- 'orders_of'
-- 'twice'
GO

-- case: OBJECT_DEFINITION agrees with sys.sql_modules
SELECT CASE WHEN OBJECT_DEFINITION(OBJECT_ID('dbo.twice')) = (SELECT definition FROM sys.sql_modules WHERE object_id = OBJECT_ID('dbo.twice')) THEN 'same' END
-- expect: 'same'
GO

-- case: sys.sequences
SELECT name, start_value, increment, current_value, TYPE_NAME(system_type_id), is_cycling FROM sys.sequences WHERE name = 'order_numbers'
-- expect rows:
-- 'order_numbers', 1000, 10, 1000, 'int', 0
GO

-- case: sys.server_principals of sa and fixed roles
SELECT name, principal_id, type, type_desc FROM sys.server_principals WHERE name IN ('sa', 'public', 'sysadmin') ORDER BY principal_id
-- expect rows:
-- 'sa', 1, 'S', 'SQL_LOGIN'
-- 'public', 2, 'R', 'SERVER_ROLE'
-- 'sysadmin', 3, 'R', 'SERVER_ROLE'
GO

-- case: sys.sql_logins has sa
SELECT name, principal_id, type_desc, is_disabled FROM sys.sql_logins WHERE name = 'sa'
-- expect rows:
-- 'sa', 1, 'SQL_LOGIN', 0
GO

-- case: sys.database_principals fixed principals
SELECT name, principal_id, type FROM sys.database_principals WHERE principal_id < 5 ORDER BY principal_id
-- expect rows:
-- 'public', 0, 'R'
-- 'dbo', 1, 'S'
-- 'guest', 2, 'S'
-- 'INFORMATION_SCHEMA', 3, 'S'
-- 'sys', 4, 'S'
GO

-- case: sys.database_principals fixed database roles
SELECT name, principal_id, type_desc FROM sys.database_principals WHERE name = 'db_owner'
-- expect rows:
-- 'db_owner', 16384, 'DATABASE_ROLE'
GO

-- case: sys.configurations ids
SELECT configuration_id, name FROM sys.configurations WHERE name IN ('show advanced options', 'user connections', 'max degree of parallelism') ORDER BY configuration_id
-- expect rows:
-- 103, 'user connections'
-- 518, 'show advanced options'
-- 1539, 'max degree of parallelism'
GO

-- case: sys.configurations values are sql_variant
SELECT TOP 0 value, value_in_use FROM sys.configurations
-- expect rows:
-- expect types: sql_variant, sql_variant
GO

-- case: INFORMATION_SCHEMA.TABLES
SELECT TABLE_CATALOG, TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME IN ('big_orders', 'customers', 'orders', 'extra') ORDER BY TABLE_NAME
-- expect rows:
-- 'corpus_catalog', 'dbo', 'big_orders', 'VIEW'
-- 'corpus_catalog', 'dbo', 'customers', 'BASE TABLE'
-- 'corpus_catalog', 'app', 'extra', 'BASE TABLE'
-- 'corpus_catalog', 'dbo', 'orders', 'BASE TABLE'
GO

-- case: INFORMATION_SCHEMA.COLUMNS
SELECT COLUMN_NAME, ORDINAL_POSITION, COLUMN_DEFAULT, IS_NULLABLE, DATA_TYPE, CHARACTER_MAXIMUM_LENGTH, CHARACTER_OCTET_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE, DATETIME_PRECISION
FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = 'dbo' AND TABLE_NAME = 'customers' ORDER BY ORDINAL_POSITION
-- expect rows:
-- 'id', 1, NULL, 'NO', 'int', NULL, NULL, 10, 0, NULL
-- 'email', 2, NULL, 'NO', 'nvarchar', 100, 200, NULL, NULL, NULL
-- 'status', 3, '(''new'')', 'NO', 'varchar', 10, 10, NULL, NULL, NULL
-- 'credit', 4, NULL, 'YES', 'decimal', NULL, NULL, 9, 2, NULL
-- 'created', 5, NULL, 'YES', 'datetime2', NULL, NULL, NULL, NULL, 3
-- 'notes', 6, NULL, 'YES', 'nvarchar', -1, -1, NULL, NULL, NULL
GO

-- case: INFORMATION_SCHEMA.VIEWS
SELECT TABLE_NAME, CHECK_OPTION, IS_UPDATABLE, VIEW_DEFINITION FROM INFORMATION_SCHEMA.VIEWS WHERE TABLE_SCHEMA = 'dbo'
-- expect rows:
-- 'big_orders', 'NONE', 'NO', 'CREATE VIEW dbo.big_orders AS SELECT order_id, qty FROM dbo.orders WHERE qty > 10'
GO

-- case: INFORMATION_SCHEMA.ROUTINES
SELECT ROUTINE_NAME, ROUTINE_TYPE, DATA_TYPE FROM INFORMATION_SCHEMA.ROUTINES WHERE ROUTINE_SCHEMA = 'dbo' AND ROUTINE_NAME IN ('get_orders', 'orders_of', 'twice') ORDER BY ROUTINE_NAME
-- expect rows:
-- 'get_orders', 'PROCEDURE', NULL
-- 'orders_of', 'FUNCTION', 'TABLE'
-- 'twice', 'FUNCTION', 'int'
GO

-- case: INFORMATION_SCHEMA.PARAMETERS of a procedure
SELECT PARAMETER_NAME, ORDINAL_POSITION, PARAMETER_MODE, IS_RESULT, DATA_TYPE FROM INFORMATION_SCHEMA.PARAMETERS
WHERE SPECIFIC_SCHEMA = 'dbo' AND SPECIFIC_NAME = 'get_orders' ORDER BY ORDINAL_POSITION
-- expect rows:
-- '@customer_id', 1, 'IN', 'NO', 'int'
-- '@min_qty', 2, 'INOUT', 'NO', 'int'
GO

-- case: INFORMATION_SCHEMA.PARAMETERS of a scalar function include the result with a NULL name
SELECT PARAMETER_NAME, ORDINAL_POSITION, PARAMETER_MODE, IS_RESULT FROM INFORMATION_SCHEMA.PARAMETERS
WHERE SPECIFIC_SCHEMA = 'dbo' AND SPECIFIC_NAME = 'twice' ORDER BY ORDINAL_POSITION
-- expect rows:
-- NULL, 0, 'OUT', 'YES'
-- '@n', 1, 'IN', 'NO'
GO

-- case: INFORMATION_SCHEMA.TABLE_CONSTRAINTS
SELECT CONSTRAINT_NAME, CONSTRAINT_TYPE FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA = 'dbo' AND TABLE_NAME IN ('customers', 'orders') ORDER BY CONSTRAINT_NAME
-- expect rows:
-- 'CK_customers_credit', 'CHECK'
-- 'FK_orders_customers', 'FOREIGN KEY'
-- 'PK_customers', 'PRIMARY KEY'
-- 'PK_orders', 'PRIMARY KEY'
-- 'UQ_customers_email', 'UNIQUE'
GO

-- case: INFORMATION_SCHEMA.KEY_COLUMN_USAGE
SELECT CONSTRAINT_NAME, COLUMN_NAME, ORDINAL_POSITION FROM INFORMATION_SCHEMA.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = 'dbo' AND TABLE_NAME = 'orders' ORDER BY CONSTRAINT_NAME, ORDINAL_POSITION
-- expect rows:
-- 'FK_orders_customers', 'customer_id', 1
-- 'PK_orders', 'order_id', 1
-- 'PK_orders', 'line_no', 2
GO

-- case: INFORMATION_SCHEMA.REFERENTIAL_CONSTRAINTS
SELECT CONSTRAINT_NAME, UNIQUE_CONSTRAINT_SCHEMA, UNIQUE_CONSTRAINT_NAME, MATCH_OPTION, UPDATE_RULE, DELETE_RULE FROM INFORMATION_SCHEMA.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = 'dbo'
-- expect rows:
-- 'FK_orders_customers', 'dbo', 'PK_customers', 'SIMPLE', 'NO ACTION', 'CASCADE'
GO

-- case: a dropped table leaves the catalog
CREATE TABLE cat_dropped (id int CONSTRAINT PK_cat_dropped PRIMARY KEY)
DROP TABLE cat_dropped
SELECT COUNT(*) FROM sys.objects WHERE name IN ('cat_dropped', 'PK_cat_dropped')
-- expect: 0
GO

-- case: a table created in a case appears in sys.tables and sys.columns at once
CREATE TABLE cat_new (a int, b varchar(5))
SELECT (SELECT COUNT(*) FROM sys.tables WHERE object_id = OBJECT_ID('cat_new')), (SELECT COUNT(*) FROM sys.columns WHERE object_id = OBJECT_ID('cat_new'))
-- expect rows:
-- 1, 2
GO

-- case: temp tables appear in tempdb.sys.tables with the id OBJECT_ID gives
CREATE TABLE #cat_temp (id int)
SELECT COUNT(*) FROM tempdb.sys.tables WHERE object_id = OBJECT_ID('tempdb..#cat_temp') AND name LIKE '#cat_temp%'
-- expect: 1
GO

-- case: catalog views are read-only
UPDATE sys.objects SET name = 'x' WHERE 1 = 0
-- expect error: 259, severity 16
GO
